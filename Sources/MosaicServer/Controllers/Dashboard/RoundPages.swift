import Foundation
import Hummingbird
import MosaicChoice
import MosaicCore
import MosaicReport
import MosaicStore

/// The enrollment office's rounds in the browser (`/districts/:district/rounds`): create a
/// round, upload its applications (all or nothing, `file:line` problems on the page), run
/// the match, read the result and cutoffs, publish, and answer a family's "why not". The
/// same operations as the JSON API (`Rounds`), with the signed-in session instead of a
/// token; for the district's enrollment office and its district staff.
struct RoundPages: Sendable {
    let server: MosaicServer

    func add(to router: Router<MosaicRequestContext>) {
        let base = "districts/:district/rounds"
        router.get(RouterPath(base)) { request, context in try await self.list(request, context) }
        router.post(RouterPath(base)) { request, context in try await self.create(request, context) }
        router.get(RouterPath(base + "/:round")) { request, context in try await self.round(request, context) }
        router.post(RouterPath(base + "/:round/applications")) { request, context in try await self.upload(request, context) }
        router.post(RouterPath(base + "/:round/runs")) { request, context in try await self.run(request, context) }
        router.post(RouterPath(base + "/:round/codes")) { request, context in try await self.recover(request, context) }
        router.get(RouterPath(base + "/:round/runs/:run")) { request, context in try await self.show(request, context, csv: false) }
        router.get(RouterPath(base + "/:round/runs/:run/results.csv")) { request, context in try await self.show(request, context, csv: true) }
        router.post(RouterPath(base + "/:round/runs/:run/publish")) { request, context in try await self.publish(request, context) }
    }

    /// Who may work here: signed in, the district's enrollment office or staff.
    struct Office {
        var visitor: Pages.Visitor
        var session: WebSession
        var district: String
        var site: Dashboard.Site
        var names: [String: String] = [:]
        var actor: String { visitor.viewer.email ?? "" }

        func page(message: String? = nil, problems: [String] = []) -> RoundsPage {
            var p = RoundsPage(site: site, viewer: visitor.label, account: visitor.account, csrf: session.csrf, message: message, problems: problems)
            p.schoolNames = names
            return p
        }
    }

    func office(_ context: MosaicRequestContext) async throws -> Found<Office> {
        let pages = Pages(server: server)
        let visitor = pages.visitor(context)
        let district = try context.parameters.require("district")
        guard let session = context.identity.signedIn.session,
              visitor.viewer.district == district, visitor.viewer.role == .enrollment || visitor.viewer.role == .district else {
            return .response(Pages.refused("Enrollment office only", "Application rounds are run by the district's enrollment office and its district staff, signed in.",
                                           account: visitor.account))
        }
        guard let site = try await pages.site(district) else { return .response(Pages.notFound("There is no district “\(district)” in this store.")) }
        var office = Office(visitor: visitor, session: session, district: district, site: site)
        office.names = Dictionary(try await schools(site).map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        return .found(office)
    }

    /// A form's token, checked against the session's.
    func checked(_ csrf: String?, _ office: Office) -> Response? {
        csrf == office.session.csrf ? nil : Pages.refused("Refused", "The form had expired. Go back, reload the page and send it again.")
    }

    func summaries(_ district: String) async throws -> [RoundsPage.Summary] {
        var out: [RoundsPage.Summary] = []
        for r in try await server.store.applicationRounds(district: district) {
            let runs = try await server.store.matchRuns(district: district, round: r.id)
            out.append(.init(id: r.id, name: r.name, term: r.term, status: r.status,
                             applications: try await server.store.applications(district: district, round: r.id).count,
                             runs: runs.count, published: runs.first(where: \.published)?.id))
        }
        return out
    }

    /// The schools of the district's latest term, to give seats to.
    func schools(_ site: Dashboard.Site) async throws -> [(id: String, name: String)] {
        guard let t = site.terms.last, let d = try await server.diagnostics.diagnostic(district: site.district, term: t.id, version: site.version) else { return [] }
        return (d.dimensions.first?.acrossSchools.schools ?? []).map { ($0.id, $0.name) }.sorted { $0.1.localizedStandardCompare($1.1) == .orderedAscending }
    }

    func list(_ request: Request, _ context: MosaicRequestContext, message: String? = nil, problems: [String] = [],
              status: HTTPResponse.Status = .ok) async throws -> Response {
        switch try await office(context) {
        case .response(let r): return r
        case .found(let o):
            return Pages.html(o.page(message: message, problems: problems).list(try await summaries(o.district), schools: try await schools(o.site), terms: o.site.terms),
                              status: status)
        }
    }

    func create(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        guard case .found(let o) = try await office(context) else { return try await list(request, context) }
        guard let form = try await SignIn.decode([String: String].self, request, limit: 262_144) else {
            return try await list(request, context, message: "Not created: the form could not be read.", problems: ["the form could not be read"], status: .badRequest)
        }
        if let refused = checked(form["csrf"], o) { return refused }
        var problems: [String] = []
        let name = (form["name"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if name.isEmpty { problems.append("name: the round needs a name") }
        let reserve = Int(form["reserve"]?.trimmingCharacters(in: .whitespaces) ?? "0") ?? -1
        if !(0...100).contains(reserve) { problems.append("reserve: a share from 0 to 100 %") }
        var schools: [Instance.School] = []
        for (key, value) in form.sorted(by: { $0.key < $1.key }) where key.hasPrefix("seats_") {
            let text = value.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { continue }
            let id = String(key.dropFirst("seats_".count))
            guard let seats = Int(text), seats > 0 else { problems.append("seats of \(id): a whole number of seats above 0 (not “\(text)”)"); continue }
            let reserved = Int((Double(seats) * Double(max(reserve, 0)) / 100).rounded())
            schools.append(Instance.School(id: id, capacity: seats,
                                           reserves: reserved > 0 ? [.init(name: "economically disadvantaged", group: ["economic": "disadvantaged"], seats: reserved)] : nil,
                                           precedence: reserved > 0 ? "reserveFirst" : nil))
        }
        if schools.isEmpty { problems.append("seats: give seats to at least one school") }
        guard problems.isEmpty else { return try await list(request, context, message: "Not created:", problems: problems, status: .badRequest) }
        var body = RoundDefinition(term: form["term"] ?? "", name: name, priorityClasses: ["sibling", "zone", "other"], schools: schools)
        let spanish = (form["nameEs"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if !spanish.isEmpty { body.names = ["es": spanish] }
        do {
            let saved = try await Rounds.create(body, district: o.district, actor: o.actor, server: server)
            return Response(status: .seeOther, headers: [.location: "/districts/\(urlEscape(o.district))/rounds/\(urlEscape(saved.id))"])
        } catch let e as APIError {
            return try await list(request, context, message: "Not created:", problems: [e.message], status: e.status)
        }
    }

    /// The route's round, or the page that says it is not there.
    func lookup(_ o: Office, _ context: MosaicRequestContext) async throws -> Found<(record: ApplicationRoundRecord, body: RoundDefinition)> {
        let id = try context.parameters.require("round")
        guard let found = try await Rounds.lookup(server.store, district: o.district, id: id) else {
            return .response(Pages.notFound("No application round “\(id)” in this district."))
        }
        return .found(found)
    }

    func round(_ request: Request, _ context: MosaicRequestContext, message: String? = nil, problems: [String] = [],
               codes: String? = nil, recovered: (applicant: String, reference: String, code: String)? = nil,
               status: HTTPResponse.Status = .ok) async throws -> Response {
        guard case .found(let o) = try await office(context) else { return try await list(request, context) }
        switch try await lookup(o, context) {
        case .response(let r): return r
        case .found(let (record, body)):
            let applications = try await server.store.applications(district: o.district, round: record.id)
            let runs = try await server.store.matchRuns(district: o.district, round: record.id)
            let summary = RoundsPage.Summary(id: record.id, name: record.name, term: record.term, status: record.status,
                                             applications: applications.count, runs: runs.count, published: runs.first(where: \.published)?.id)
            let sources = Dictionary(grouping: applications, by: \.source).mapValues(\.count)
            let page = o.page(message: message, problems: problems).round(
                id: record.id, record: summary, definition: body, sources: sources,
                runs: runs.map { .init(id: $0.id, mechanism: $0.mechanism, seed: $0.seed, inputSha256: $0.inputSha256, runAt: $0.runAt, runBy: $0.runBy, published: $0.published) },
                codes: codes, recovered: recovered)
            return Pages.html(page, status: status)
        }
    }

    /// The applications file from the browser (multipart/form-data, at most 8 MB).
    func upload(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        guard case .found(let o) = try await office(context) else { return try await list(request, context) }
        guard case .found(let (record, body)) = try await lookup(o, context) else { return try await round(request, context) }
        let form: (fields: [String: String], file: ByteBuffer?)
        do { form = try await MultipartForm.receive(request, file: "file", limit: 8 << 20) } catch let e as MultipartForm.Refusal {
            return try await round(request, context, message: "Nothing stored:", problems: [e.message], status: .badRequest)
        }
        if let refused = checked(form.fields["csrf"], o) { return refused }
        guard record.status == "open" else {
            return try await round(request, context, message: "Nothing stored:", problems: ["round \(record.id) is \(record.status): applications are closed"], status: .conflict)
        }
        guard let file = form.file, file.readableBytes > 0 else {
            return try await round(request, context, message: "Nothing stored:", problems: ["choose the applications file (CSV) first"], status: .badRequest)
        }
        do {
            let stored = try await Rounds.storeApplications(String(buffer: file), district: o.district, record: record, body: body,
                                                            actor: o.actor, server: server)
            return try await round(request, context, message: "\(stored.count) applications checked and stored.", codes: stored.csv)
        } catch let e as APIError {
            let problems = e.message.split(separator: "\n").map(String.init)
            return try await round(request, context, message: "Nothing stored: \(problems.count) problem\(problems.count == 1 ? "" : "s") in the file.",
                                   problems: problems, status: e.status)
        }
    }

    struct RecoverForm: Decodable {
        var csrf: String?
        var applicant: String?
    }

    /// A new code for a family that lost theirs (the office has checked who they are): the
    /// old code stops working, the application stays. Audited.
    func recover(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        guard case .found(let o) = try await office(context) else { return try await list(request, context) }
        guard case .found(let (record, _)) = try await lookup(o, context) else { return try await round(request, context) }
        guard let form = try await SignIn.decode(RecoverForm.self, request) else {
            return try await round(request, context, message: "No code given:", problems: ["the form could not be read"], status: .badRequest)
        }
        if let refused = checked(form.csrf, o) { return refused }
        let applicant = (form.applicant ?? "").trimmingCharacters(in: .whitespaces)
        let code = Rounds.randomCode(10)
        // Only the secret changes: a family resubmitting at the same moment keeps its choices.
        guard let application = try await server.store.replaceApplicationSecret(district: o.district, round: record.id, applicant: applicant,
                                                                                 secretHash: Rounds.hash(code)) else {
            return try await round(request, context, message: "No code given:", problems: ["no application for “\(applicant)” in this round"], status: .notFound)
        }
        try await Rounds.audit(server, o.district, o.actor, "application-code-reissued", "round \(record.id): \(applicant) (\(application.reference))")
        return try await round(request, context, message: "A new code for \(applicant): the old one no longer works.",
                               recovered: (applicant, application.reference, code))
    }

    struct RunForm: Decodable {
        var csrf: String?
        var mechanism: String?
        var seed: String?
    }

    func run(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        guard case .found(let o) = try await office(context) else { return try await list(request, context) }
        guard case .found(let (record, body)) = try await lookup(o, context) else { return try await round(request, context) }
        guard let form = try await SignIn.decode(RunForm.self, request) else { return try await round(request, context, message: "Not run:", problems: ["the form could not be read"], status: .badRequest) }
        if let refused = checked(form.csrf, o) { return refused }
        guard let mechanism = Mechanism(rawValue: form.mechanism ?? "da") else {
            return try await round(request, context, message: "Not run:", problems: ["mechanism: deferred acceptance, top trading cycles or Boston"], status: .badRequest)
        }
        let seedText = (form.seed ?? "").trimmingCharacters(in: .whitespaces)
        guard seedText.isEmpty || UInt64(seedText) != nil else {
            return try await round(request, context, message: "Not run:", problems: ["seed: a whole number from 0 (not “\(seedText)”), or blank to draw one"], status: .badRequest)
        }
        let seed = UInt64(seedText) ?? UInt64.random(in: 0...UInt64(UInt32.max))
        do {
            let (saved, _) = try await Rounds.runMatch(district: o.district, record: record, body: body, seed: seed, mechanism: mechanism,
                                                       tieBreaking: .single, actor: o.actor, server: server)
            return Response(status: .seeOther, headers: [.location: "/districts/\(urlEscape(o.district))/rounds/\(urlEscape(record.id))/runs/\(urlEscape(saved.id))"])
        } catch let e as APIError {
            return try await round(request, context, message: "Not run:", problems: [e.message], status: e.status)
        }
    }

    /// A run's page (or its results as CSV): recomputed from its stored input and seed.
    func show(_ request: Request, _ context: MosaicRequestContext, csv: Bool, message: String? = nil) async throws -> Response {
        guard case .found(let o) = try await office(context) else { return try await list(request, context) }
        guard case .found(let (record, body)) = try await lookup(o, context) else { return try await round(request, context) }
        let id = try context.parameters.require("run")
        let runs = try await server.store.matchRuns(district: o.district, round: record.id)
        guard let run = runs.first(where: { $0.id == id }), let report = try Rounds.recompute(run) else {
            return Pages.notFound("Round \(record.id) has no run “\(id)”.")
        }
        let asked = request.uri.queryParameters["applicant"].map { String($0).trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        try await Rounds.audit(server, o.district, o.actor, csv ? "export" : "view-student-data",
                               "round \(record.id) run \(run.id)\(csv ? " results.csv" : "")\(asked.map { " explain \($0)" } ?? "")")
        if csv {
            return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .cacheControl: "no-store",
                                                   .contentDisposition: "attachment; filename=\"round-\(record.id)-run-\(run.id).csv\""],
                            body: .init(byteBuffer: ByteBuffer(string: report.csv)))
        }
        let explain = asked.map { a in (a, report.market.studentIDs.firstIndex(of: a).map { report.explanation($0) }) }
        let page = o.page(message: message).run(
            roundID: record.id, roundName: body.name,
            run: .init(id: run.id, mechanism: run.mechanism, seed: run.seed, inputSha256: run.inputSha256, runAt: run.runAt, runBy: run.runBy, published: run.published),
            report: report, roundPublished: runs.first(where: \.published)?.id, explain: explain)
        return Pages.html(page)
    }

    struct PublishForm: Decodable { var csrf: String? }

    func publish(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        guard case .found(let o) = try await office(context) else { return try await list(request, context) }
        guard case .found(let (record, _)) = try await lookup(o, context) else { return try await round(request, context) }
        let form = try await SignIn.decode(PublishForm.self, request)
        if let refused = checked(form?.csrf, o) { return refused }
        let id = try context.parameters.require("run")
        guard let run = try await server.store.matchRuns(district: o.district, round: record.id).first(where: { $0.id == id }) else {
            return Pages.notFound("Round \(record.id) has no run “\(id)”.")
        }
        try await Rounds.publish(run, of: record, actor: o.actor, server: server)
        return try await show(request, context, csv: false, message: "Run \(run.id) is published: each family can now see its result with its reference and code.")
    }
}
