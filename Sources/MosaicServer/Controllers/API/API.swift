import Foundation
import Hummingbird
import MosaicCore
import MosaicDiagnostic
import MosaicReport
import MosaicStore

/// `/api/v1`: the districts, a term's diagnostic and one school's part, each for the
/// caller's scope. `Authorization: Bearer TOKEN` names the caller; no token is the
/// public view. Errors are JSON: `{"error": "..."}` with a 4xx status.
struct API: Sendable {
    let server: MosaicServer

    func add(to router: Router<MosaicRequestContext>) {
        let v1 = router.group("api/v1")
        v1.get("districts") { request, context in try await self.districts(request, context) }
        v1.get("districts/:district/terms/:term/diagnostic") { request, context in
            try await self.diagnostic(request, context)
        }
        v1.get("districts/:district/terms/:term/schools/:school") { request, context in
            try await self.school(request, context)
        }
    }

    /// A JSON response.
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        json(text: value.serialized() + "\n", status: status)
    }

    static func json(text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    func districts(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        _ = try context.identity.apiViewer()
        var list: [JSONValue] = []
        for d in try await server.store.districts() {
            let terms = try await server.store.terms(district: d.id)
            list.append(.object([
                ("id", .string(d.id)), ("name", .string(d.name)), ("synthetic", .bool(d.synthetic)),
                ("terms", .array(terms.map { t in
                    .object([("id", .string(t.id)), ("title", .string(t.title)), ("schoolYear", .int(t.schoolYear)),
                             ("importedAt", .string(t.importedAt.formatted(.iso8601)))])
                })),
            ]))
        }
        return Self.json(.object([("districts", .array(list))]))
    }

    /// The stored diagnostic of a district's term; throws the 404 that says which is unknown.
    func lookup(_ context: MosaicRequestContext) async throws -> (district: String, term: String, version: String, diagnostic: Diagnostic) {
        let district = try context.parameters.require("district"), term = try context.parameters.require("term")
        guard try await server.store.district(district) != nil else {
            throw APIError(.notFound, "no district '\(district)'")
        }
        let terms = try await server.store.terms(district: district)
        guard terms.contains(where: { $0.id == term }),
              let d = try await server.diagnostics.diagnostic(district: district, term: term, version: TermRecord.version(of: terms)) else {
            throw APIError(.notFound, "no term '\(term)' in district '\(district)'")
        }
        return (district, term, TermRecord.version(of: terms), d)
    }

    func diagnostic(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        let viewer = try context.identity.apiViewer()
        let found = try await lookup(context)
        let policy = viewer.seesDistrictUnsuppressed(found.district) ? nil : server.policy
        // A school leader sees their own schools in full and the rest decided against what
        // they know (contract service.md, scopes); everyone else outside the district's
        // staff, the public view.
        let audience: Audience = policy == nil ? .districtStaff
            : (viewer.role == .school && viewer.district == found.district ? .schoolLeader(schools: viewer.schools) : .public)
        // The same for every viewer of a scope: rendered once per district version.
        let key = [found.term, "api", policy.map { "public-\($0.minimumN)" } ?? "district", audience.cacheKey].joined(separator: "\u{1F}")
        let d = found.diagnostic
        let text = await server.pages.text(key, district: found.district, version: found.version) {
            d.scopedJSON(DiagnosticDisclosure.cached(d, audience: audience, policy: policy)).serialized() + "\n"
        } ?? ""
        return Self.json(text: text)
    }

    func school(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        let viewer = try context.identity.apiViewer()
        let found = try await lookup(context)
        let school = try context.parameters.require("school")
        let policy: SuppressionPolicy?
        switch viewer.access(school: school, in: found.district) {
        case .forbidden: throw APIError(.forbidden, "school '\(school)' is not one of the schools this account leads")
        case .unsuppressed: policy = nil
        case .publicView: policy = server.policy
        }
        let key = [found.term, "api-school", school, policy.map { "public-\($0.minimumN)" } ?? "full"].joined(separator: "\u{1F}")
        let d = found.diagnostic
        guard let text = await server.pages.text(key, district: found.district, version: found.version, render: {
            d.schoolJSON(school, policy: policy).map { $0.serialized() + "\n" }
        }) else {
            throw APIError(.notFound, "no school '\(school)' in district '\(found.district)'")
        }
        return Self.json(text: text)
    }
}

/// An API refusal: its status and a message for the caller, as `{"error": "..."}`.
struct APIError: Error, HTTPResponseError {
    let status: HTTPResponse.Status
    let message: String

    init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        API.json(.object([("error", .string(message))]), status: status)
    }
}
