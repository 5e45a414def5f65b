import Foundation
import Hummingbird
import MosaicCore
import MosaicDiagnostic
import MosaicReport
import MosaicStore

/// The dashboard's pages (server-rendered HTML, no script). Until sign-in comes, every
/// page is the public view: suppression always on.
struct Pages: Sendable {
    let server: MosaicServer

    func add(to router: Router<BasicRequestContext>) {
        router.get("/") { _, _ in try await self.home() }
        router.get("districts/:district/trends") { _, context in try await self.trends(context) }
        router.get("districts/:district/terms/:term") { _, context in try await self.overview(context, file: "index.html") }
        router.get("districts/:district/terms/:term/schools") { request, context in try await self.schools(request, context) }
        router.get("districts/:district/terms/:term/schools/:school") { _, context in try await self.school(context) }
        router.get("districts/:district/terms/:term/advanced") { _, context in try await self.advanced(context) }
        router.get("districts/:district/terms/:term/tables/:file") { _, context in
            try await self.overview(context, file: try context.parameters.require("file"))
        }
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func notFound(_ message: String) -> Response {
        html(Dashboard.standalone(title: "Not found — Mosaic",
                                  body: "<nav class=\"site\"><a class=\"brand\" href=\"/\">Mosaic</a></nav><h1>Not found</h1><p>\(message.htmlEscaped)</p>"),
             status: .notFound)
    }

    var viewerLabel: String { "Public view · counts under \(server.options.minimumN) suppressed" }

    func site(_ district: String) async throws -> Dashboard.Site? {
        guard let d = try await server.store.districts().first(where: { $0.id == district }) else { return nil }
        let terms = try await server.store.terms(district: district)
        return Dashboard.Site(district: d.id, name: d.name, synthetic: d.synthetic, terms: terms.map { .init(id: $0.id, title: $0.title) },
                              version: TermRecord.version(of: terms))
    }

    func home() async throws -> Response {
        var sites: [Dashboard.Site] = []
        for d in try await server.store.districts() { if let s = try await site(d.id) { sites.append(s) } }
        return Self.html(Dashboard.home(sites, viewer: viewerLabel))
    }

    /// The site, the term and its diagnostic, or the page that says what is not there.
    func term(_ context: BasicRequestContext) async throws -> Result<(Dashboard, String, Diagnostic), PageRefusal> {
        let district = try context.parameters.require("district"), term = try context.parameters.require("term")
        guard let site = try await site(district) else { return .failure(PageRefusal("There is no district “\(district)” in this store.")) }
        guard site.terms.contains(where: { $0.id == term }),
              let d = try await server.diagnostics.diagnostic(district: district, term: term, version: site.version) else {
            return .failure(PageRefusal("District “\(site.name)” has no term “\(term)”."))
        }
        return .success((Dashboard(site: site, policy: server.policy, viewer: viewerLabel), term, d))
    }

    func overview(_ context: BasicRequestContext, file: String) async throws -> Response {
        switch try await term(context) {
        case .failure(let refusal): return Self.notFound(refusal.message)
        case .success(let (dashboard, term, d)):
            let files = await server.pages.overview(dashboard, d, term: term)
            guard file == "index.html" || file.hasSuffix(".csv"), let f = files.first(where: { $0.name == file }) else { return Self.notFound("No page or table “\(file)” here.") }
            if file.hasSuffix(".csv") {
                try? await server.store.record(AuditEvent(district: dashboard.site.district, at: Date(), actor: "public", action: "export", detail: "\(term)/\(file)"))
                return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(file)\""],
                                body: .init(byteBuffer: ByteBuffer(string: f.text)))
            }
            return Self.html(f.text)
        }
    }

    func schools(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        switch try await term(context) {
        case .failure(let refusal): return Self.notFound(refusal.message)
        case .success(let (dashboard, term, d)):
            let q = request.uri.queryParameters
            let dimension = q["dimension"].flatMap { Dimension(rawValue: String($0)) } ?? .race
            let sort = q["sort"].map(String.init) ?? "difference", descending = (q["order"].map(String.init) ?? "desc") == "desc"
            let page = await server.pages.page(pageKey(dashboard, term, "schools", dimension.rawValue, sort, "\(descending)"), site: dashboard.site) {
                dashboard.schools(d, term: term, dimension: dimension, sort: sort, descending: descending)
            }
            return Self.html(page ?? "")
        }
    }

    func school(_ context: BasicRequestContext) async throws -> Response {
        switch try await term(context) {
        case .failure(let refusal): return Self.notFound(refusal.message)
        case .success(let (dashboard, term, d)):
            let id = try context.parameters.require("school")
            guard let page = await server.pages.page(pageKey(dashboard, term, "school", id), site: dashboard.site, render: { dashboard.school(d, term: term, id: id) }) else {
                return Self.notFound("No school “\(id)” in this term.")
            }
            return Self.html(page)
        }
    }

    func advanced(_ context: BasicRequestContext) async throws -> Response {
        switch try await term(context) {
        case .failure(let refusal): return Self.notFound(refusal.message)
        case .success(let (dashboard, term, d)):
            return Self.html(await server.pages.page(pageKey(dashboard, term, "advanced"), site: dashboard.site) { dashboard.advanced(d, term: term) } ?? "")
        }
    }

    func trends(_ context: BasicRequestContext) async throws -> Response {
        let district = try context.parameters.require("district")
        guard let site = try await site(district) else { return Self.notFound("There is no district “\(district)” in this store.") }
        var series: [(term: Dashboard.Term, diagnostic: Diagnostic)] = []
        for t in site.terms {
            if let d = try await server.diagnostics.diagnostic(district: district, term: t.id, version: site.version) { series.append((t, d)) }
        }
        guard !series.isEmpty else { return Self.notFound("District “\(site.name)” has no diagnostic yet.") }
        return Self.html(Dashboard(site: site, policy: server.policy, viewer: viewerLabel).trends(series))
    }
}

/// The cache key of a page: district and its version, term, the policy's minimum n,
/// then the page.
func pageKey(_ dashboard: Dashboard, _ term: String, _ parts: String...) -> String {
    ([dashboard.site.district, dashboard.site.version, term, "\(dashboard.policy.minimumN)"] + parts).joined(separator: "\u{1F}")
}

struct PageRefusal: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// Rendered pages that are the same for every reader of a scope (the overview, the
/// busiest, above all), by district. When a district's version changes (a term imported
/// or replaced, by this process or another), its pages are dropped and rendered afresh.
actor PageCache {
    struct District {
        var version: String
        var overviews: [String: [(name: String, text: String)]] = [:]
        var pages: [String: String] = [:]
    }

    var districts: [String: District] = [:]

    func current(_ site: Dashboard.Site) -> District { current(site.district, version: site.version) }

    func current(_ district: String, version: String) -> District {
        if let d = districts[district], d.version == version { return d }
        let fresh = District(version: version)
        districts[district] = fresh
        return fresh
    }

    func overview(_ dashboard: Dashboard, _ d: Diagnostic, term: String) -> [(name: String, text: String)] {
        let key = pageKey(dashboard, term, "overview")
        if let hit = current(dashboard.site).overviews[key] { return hit }
        let files = dashboard.overview(d, term: term)
        districts[dashboard.site.district]!.overviews[key] = files
        return files
    }

    /// A page rendered once per key (the page and its parameters, from a finite set).
    func page(_ key: String, site: Dashboard.Site, render: @Sendable () -> String?) -> String? {
        page(key, district: site.district, version: site.version, render: render)
    }

    func page(_ key: String, district: String, version: String, render: @Sendable () -> String?) -> String? {
        if let hit = current(district, version: version).pages[key] { return hit }
        guard let page = render() else { return nil }
        districts[district]!.pages[key] = page
        return page
    }
}

extension String {
    var htmlEscaped: String {
        replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
