import Foundation
import Hummingbird
import MosaicCore
import MosaicDiagnostic
import MosaicReport
import MosaicStore

/// The dashboard's pages (server-rendered HTML, no script), for the viewer's scope: the
/// district's staff see their district unsuppressed, a school leader their own schools;
/// everyone else, signed in or not, the public view.
struct Pages: Sendable {
    let server: MosaicServer

    func add(to router: Router<MosaicRequestContext>) {
        router.get("/") { request, context in try await self.home(request, context) }
        router.get("districts") { request, context in try await self.finder(request, context) }
        router.get("districts/search.json") { request, context in try await self.search(request, context) }
        router.get("districts/:district") { request, context in try await self.latest(request, context) }
        router.get("districts/:district/trends") { request, context in try await self.trends(request, context) }
        router.get("districts/:district/terms/:term") { request, context in try await self.overview(request, context, file: "index.html") }
        router.get("districts/:district/terms/:term/schools") { request, context in try await self.schools(request, context) }
        router.get("districts/:district/terms/:term/schools/:school") { request, context in try await self.school(request, context) }
        router.get("districts/:district/terms/:term/advanced") { request, context in try await self.advanced(request, context) }
        router.get("districts/:district/audit") { request, context in try await self.audit(request, context) }
        router.get("districts/:district/terms/:term/schools/:school/students") { request, context in
            try await self.students(request, context, csv: false)
        }
        router.get("districts/:district/terms/:term/schools/:school/students.csv") { request, context in
            try await self.students(request, context, csv: true)
        }
        router.get("districts/:district/terms/:term/one-pager") { request, context in try await self.onePager(request, context, pdf: false) }
        router.get("districts/:district/terms/:term/one-pager.pdf") { request, context in try await self.onePager(request, context, pdf: true) }
        router.get("districts/:district/terms/:term/tables/:file") { request, context in
            try await self.overview(request, context, file: try context.parameters.require("file"))
        }
    }

    static func html(_ page: HTML, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: page.markup)))
    }

    /// A 403 page: what is refused and why, in the site's style.
    static func refused(_ heading: String, _ message: String, account: HTML? = nil) -> Response {
        html(Dashboard.standalone(title: "Refused — Mosaic",
                                  body: SiteNavigation(account: account ?? Self.account).html + "<h1>\(heading)</h1><p>\(message)</p>"),
             status: .forbidden)
    }

    /// A bad query or form value: 400 with the reason.
    static func badRequest(_ message: String, heading: String = "Cannot show that") -> Response {
        html(Dashboard.standalone(title: "Bad request — Mosaic",
                                  body: SiteNavigation(account: Self.account).html + "<h1>\(heading)</h1><p>\(message)</p>"),
             status: .badRequest)
    }

    static func notFound(_ message: String) -> Response {
        html(Dashboard.standalone(title: "Not found — Mosaic",
                                  body: SiteNavigation(account: Self.account).html + "<h1>Not found</h1><p>\(message)</p>"),
             status: .notFound)
    }

    /// The viewer, how the navigation names them, and their sign-in link or sign-out form.
    struct Visitor {
        var viewer: Viewer
        var label: String
        var account: HTML
        /// Not signed in: every such reader gets the same page, so it may be cached.
        var anonymous = false
    }

    func visitor(_ context: MosaicRequestContext) -> Visitor {
        let (viewer, session) = context.identity.signedIn
        guard let session, let email = viewer.email, let role = viewer.role else {
            return Visitor(viewer: viewer, label: "Public view · counts under \(server.options.minimumN) suppressed",
                           account: Self.signInLink, anonymous: true)
        }
        return Visitor(viewer: viewer, label: "\(email) (\(role.rawValue))", account: Self.accountLinks(session))
    }

    /// The signed-in reader's links: their work and the sign-out form.
    static func accountLinks(_ session: WebSession) -> HTML {
        "<a href=\"/work\">Your work</a> <form method=\"post\" action=\"/logout\" style=\"display:inline\"><input type=\"hidden\" name=\"csrf\" value=\"\(session.csrf)\"><button type=\"submit\" style=\"font:inherit;color:#0a58ca;background:none;border:0;padding:0;cursor:pointer;text-decoration:underline\">Sign out</button></form>"
    }

    /// The request's account links (set by ``Authentication`` for the whole request), so a
    /// page made far from any controller (a 404, a bad request) keeps the one layout.
    @TaskLocal static var account: HTML = ""

    /// The policy a district-wide page applies for this viewer.
    func policy(_ visitor: Visitor, _ district: String) -> SuppressionPolicy {
        visitor.viewer.seesDistrictUnsuppressed(district) ? MosaicServer.unsuppressed : server.policy
    }

    /// Public pages are the same for every reader and come from the cache; a signed-in
    /// reader's page carries their own sign-out form, so it is rendered for them.
    /// Whether the reader is anonymous, so the page is the same for every such reader.
    func isPublic(_ context: MosaicRequestContext) -> Bool { visitor(context).anonymous }

    static let signInLink: HTML = "<a href=\"/login\">Sign in</a>"

    func cached(_ key: String, site: Dashboard.Site, public: Bool, render: @Sendable () -> HTML?) async -> HTML? {
        guard `public` else { return render() }
        return await server.pages.page(key, site: site, render: render)
    }

    func site(_ district: String) async throws -> Dashboard.Site? {
        guard let d = try await server.store.district(district) else { return nil }
        let terms = try await server.store.terms(district: district)
        return Dashboard.Site(district: d.id, name: d.name, synthetic: d.synthetic, terms: terms.map { .init(id: $0.id, title: $0.title) },
                              version: TermRecord.version(of: terms))
    }

    /// Every term of a district with its diagnostic, oldest first (trends, the plan).
    func series(_ site: Dashboard.Site) async throws -> [(term: Dashboard.Term, diagnostic: Diagnostic)] {
        var out: [(term: Dashboard.Term, diagnostic: Diagnostic)] = []
        for t in site.terms {
            if let d = try await server.diagnostics.diagnostic(district: site.district, term: t.id, version: site.version) { out.append((t, d)) }
        }
        return out
    }

    func home(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        let visitor = visitor(context)
        // Two reads for every district and term; the public page is rendered once per
        // version of the whole store (any district's import changes it).
        let terms = try await server.store.allTerms()
        let sites = try await server.store.districts().compactMap { d -> Dashboard.Site? in
            guard let list = terms[d.id], !list.isEmpty else { return nil }
            return Dashboard.Site(district: d.id, name: d.name, synthetic: d.synthetic, terms: list.map { .init(id: $0.id, title: $0.title) },
                                  version: TermRecord.version(of: list))
        }
        let states = try await server.store.publicStates()
        let version = sites.map { "\($0.district)=\($0.version)" }.joined(separator: ",")
            + "|" + states.map { "\($0.state)=\($0.districts)" }.joined(separator: ",")
        let q = request.uri.queryParameters
        let listing = DistrictListing(filter: q["district"].map(String.init) ?? "", page: q["page"].flatMap { Int(String($0)) }.map { min($0, 100_000) } ?? 1,
                                      perPage: server.options.homeDistrictsPerPage)
        let shown = listing.shown(sites)
        let render: @Sendable () async throws -> HTML = {
            // Headlines for the districts listed only: a state's hundreds come a page at a time.
            var headlines: [String: [MosaicCore.Dimension: Double]] = [:]
            for s in shown.rows {
                if let t = s.terms.last { headlines[s.district] = try await server.diagnostics.headline(district: s.district, term: t.id, version: s.version) }
            }
            return Dashboard.home(sites, headlines: headlines, publicStates: states, listing: listing, viewer: visitor.label, account: visitor.account)
        }
        // Every visitor not signed in reads the same pages: each page of the full list is
        // kept; a filtered list (any text) is rendered, at most a page of headlines.
        guard visitor.anonymous, listing.filter.isEmpty else { return Self.html(try await render()) }
        let key = shown.page == 1 ? "home" : "home\u{1F}\(shown.page)"
        if let hit = await server.pages.cached(key, district: "", version: version) { return Self.html(hit) }
        let page = try await render()
        await server.pages.keep(page, as: key, district: "", version: version)
        return Self.html(page)
    }

    /// The most public-data districts a search lists.
    static let searchLimit = 50

    /// Public-data districts by name and state: at most ``searchLimit``, and whether more match.
    func found(_ request: Request) async throws -> (query: String, state: String?, found: [Dashboard.FoundDistrict], more: Bool) {
        let q = request.uri.queryParameters
        let query = String((q["q"].map(String.init) ?? "").trimmingCharacters(in: .whitespaces).prefix(100))
        let state = q["state"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        guard !(query.isEmpty && state == nil) else { return (query, state, [], false) }
        // A state lists all its districts; a name search the first matches.
        let limit = state != nil && query.isEmpty ? 5_000 : Self.searchLimit
        let store = server.store
        let (rows, more) = try await server.publicDistricts.search(query, state: state, limit: limit, version: try await store.publicDataVersion()) {
            try await store.publicDistricts(matching: "", state: nil, limit: 1_000_000)
        }
        return (query, state, rows.map { .init(id: $0.id, name: $0.name, state: $0.state ?? "") }, more)
    }

    /// `/districts`: find any public-data district by name, or browse a state.
    func finder(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        let visitor = visitor(context)
        let (query, state, found, more) = try await found(request)
        let states = try await server.store.publicStates()
        if let state, !states.contains(where: { $0.state == state }) {
            return Self.badRequest("There is no state “\(state)” among the public-data districts; choose one from the list on the home page.")
        }
        return Self.html(Dashboard.districtFinder(states: states, query: query, state: state, found: found, more: more,
                                                  viewer: visitor.label, account: visitor.account))
    }

    /// `/districts/search.json`: the same search for the page's as-you-type list.
    func search(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        let (_, _, found, more) = try await found(request)
        return API.json(.object([
            ("districts", .array(found.map { .object([("id", .string($0.id)), ("name", .string($0.name)), ("state", .string($0.state)),
                                                      ("path", .string($0.path))]) })),
            ("more", .bool(more)),
        ]))
    }

    /// `/districts/ID`: the district's latest term.
    func latest(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        let district = try context.parameters.require("district")
        guard try await server.store.district(district) != nil else { return Self.notFound("There is no district “\(district)” in this store.") }
        guard let term = try await server.store.terms(district: district).last else { return Self.notFound("District “\(district)” has no term yet.") }
        return Response(status: .seeOther, headers: [.location: "/districts/\(urlEscape(district))/terms/\(urlEscape(term.id))"])
    }

    /// The site, the term and its diagnostic, or the page that says what is not there.
    func term(_ request: Request, _ context: MosaicRequestContext) async throws -> Result<(Dashboard, String, Diagnostic), PageRefusal> {
        switch try await termPage(request, context) {
        case .failure(let refusal): return .failure(refusal)
        case .success(let (dashboard, term)):
            guard let d = try await server.diagnostics.diagnostic(district: dashboard.site.district, term: term, version: dashboard.site.version) else {
                return .failure(PageRefusal("District “\(dashboard.site.name)” has no term “\(term)”."))
            }
            return .success((dashboard, term, d))
        }
    }

    /// The site and the term, checked, without the diagnostic (a page kept for this
    /// version needs none).
    func termPage(_ request: Request, _ context: MosaicRequestContext) async throws -> Result<(Dashboard, String), PageRefusal> {
        let visitor = visitor(context)
        let district = try context.parameters.require("district"), term = try context.parameters.require("term")
        guard let site = try await site(district) else { return .failure(PageRefusal("There is no district “\(district)” in this store.")) }
        guard site.terms.contains(where: { $0.id == term }) else { return .failure(PageRefusal("District “\(site.name)” has no term “\(term)”.")) }
        var dashboard = Dashboard(site: site, policy: policy(visitor, district), viewer: visitor.label)
        dashboard.account = visitor.account
        dashboard.showsStudentLists = visitor.viewer.seesDistrictUnsuppressed(district)
        return .success((dashboard, term))
    }

    /// A public page already kept for the district's version, found without decoding the
    /// term's diagnostic (`parts` after the term, as the page's `pageKey` names them), with
    /// the site and the term it is for.
    func keptPublicPage(_ request: Request, _ context: MosaicRequestContext, _ parts: String...) async throws -> (page: HTML, dashboard: Dashboard, term: String)? {
        guard isPublic(context), case .success(let (dashboard, term)) = try await termPage(request, context),
              let page = await server.pages.cached(pageKey(dashboard, term, parts: parts), district: dashboard.site.district, version: dashboard.site.version)
        else { return nil }
        return (page, dashboard, term)
    }

    /// The diagnostic of the term before `term`, for the changes the Key Question grid states.
    func previousDiagnostic(_ site: Dashboard.Site, before term: String) async throws -> Diagnostic? {
        guard let i = site.terms.firstIndex(where: { $0.id == term }), i > 0 else { return nil }
        return try await server.diagnostics.diagnostic(district: site.district, term: site.terms[i - 1].id, version: site.version)
    }

    func overview(_ request: Request, _ context: MosaicRequestContext, file: String) async throws -> Response {
        // A public overview kept for this version is served without its diagnostic: the
        // server keeps a few districts' diagnostics decoded, and a walk over a state's
        // districts decoded one per request (13 requests/s instead of 2,000).
        if isPublic(context), case .success(let (dashboard, term)) = try await termPage(request, context),
           let kept = await server.pages.keptOverview(dashboard, term: term) {
            return try await overviewResponse(kept, dashboard: dashboard, term: term, file: file, context)
        }
        switch try await term(request, context) {
        case .failure(let refusal): return Self.notFound(refusal.message)
        case .success(let (dashboard, term, d)):
            let previous = try await previousDiagnostic(dashboard.site, before: term)
            let report = isPublic(context) ? await server.pages.overview(dashboard, d, term: term, previous: previous)
                : dashboard.overview(d, term: term, previous: previous)
            return try await overviewResponse(report, dashboard: dashboard, term: term, file: file, context)
        }
    }

    /// The overview's page, or one of its tables as CSV.
    func overviewResponse(_ report: HTMLReport.Document, dashboard: Dashboard, term: String, file: String,
                          _ context: MosaicRequestContext) async throws -> Response {
        if file == "index.html" { return Self.html(report.page) }
        guard file.hasSuffix(".csv"), let f = report.tables.first(where: { $0.name == file }) else { return Self.notFound("No page or table “\(file)” here.") }
        // A staff export (unsuppressed counts) is recorded; a public table is what the
        // page shows, and recording each download let anyone flood the log.
        if !isPublic(context) {
            try? await server.store.record(AuditEvent(district: dashboard.site.district, at: Date(), actor: dashboard.viewer, action: "export", detail: "\(term)/\(file)"))
        }
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(file)\""],
                        body: .init(byteBuffer: ByteBuffer(string: f.text)))
    }

    /// The one-pager for a board meeting, or its PDF: the public view, whoever asks; the
    /// district's own staff get theirs with `?view=staff` (marked "not for publication").
    func onePager(_ request: Request, _ context: MosaicRequestContext, pdf: Bool) async throws -> Response {
        let page: HTML, district: String, termID: String, staff: Bool
        // A visitor not signed in gets the public one-pager, the same for all: kept for
        // the version like the other public pages, and found without the diagnostic.
        if let kept = try await keptPublicPage(request, context, "one-pager") {
            (page, district, termID, staff) = (kept.page, kept.dashboard.site.district, kept.term, false)
        } else {
            switch try await term(request, context) {
            case .failure(let refusal): return Self.notFound(refusal.message)
            case .success(let (staffOrPublic, term, d)):
                staff = request.uri.queryParameters["view"] == "staff" && staffOrPublic.policy.minimumN <= 1
                var dashboard = staff ? staffOrPublic : Dashboard(site: staffOrPublic.site, policy: server.policy, viewer: staffOrPublic.viewer, audience: .public)
                dashboard.account = staffOrPublic.account
                let previous = try await previousDiagnostic(dashboard.site, before: term)
                let shown = dashboard
                page = await cached(pageKey(shown, term, "one-pager"), site: shown.site, public: isPublic(context)) {
                    shown.onePager(d, term: term, previous: previous)
                } ?? ""
                (district, termID) = (dashboard.site.district, term)
            }
        }
        guard pdf else { return Self.html(page) }
        do {
            let data = try await PDFPrinter.print(page.markup)
            let name = "mosaic-\(district)-\(termID)\(staff ? "-staff" : "").pdf"
            return Response(status: .ok, headers: [.contentType: "application/pdf", .contentDisposition: "attachment; filename=\"\(name)\""],
                            body: .init(byteBuffer: ByteBuffer(bytes: data)))
        } catch let e as PDFPrinter.Unavailable {
            return Self.html(Dashboard.standalone(title: "No PDF — Mosaic", body: SiteNavigation().html
                + "<h1>The PDF cannot be made just now</h1><p>\(e.description).</p><p><a href=\"\(request.uri.path.replacingOccurrences(of: ".pdf", with: ""))\">Open the printable page</a> and print it from the browser.</p>"),
                             status: .serviceUnavailable)
        }
    }

    func schools(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        let q = request.uri.queryParameters
        let dimension = q["dimension"].flatMap { Dimension(rawValue: String($0)) } ?? .race
        let descending = (q["order"].map(String.init) ?? "desc") == "desc"
        // A kept public page is found without the diagnostic: pages are kept under the
        // sort key normalised from it, so the key asked for (or the default) finds one
        // only where it is a column of the page.
        if let kept = try await keptPublicPage(request, context, "schools", dimension.rawValue, q["sort"].map(String.init) ?? "difference", "\(descending)") {
            return Self.html(kept.page)
        }
        switch try await term(request, context) {
        case .failure(let refusal): return Self.notFound(refusal.message)
        case .success(let (dashboard, term, d)):
            // Normalised to the columns the page has: the cache key is one of a few per dimension.
            let sort = dashboard.schoolsSortKey(q["sort"].map(String.init), d, dimension: dimension)
            let page = await cached(pageKey(dashboard, term, "schools", dimension.rawValue, sort, "\(descending)"), site: dashboard.site, public: isPublic(context)) {
                dashboard.schools(d, term: term, dimension: dimension, sort: sort, descending: descending)
            }
            return Self.html(page ?? "")
        }
    }

    func school(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        if let kept = try await keptPublicPage(request, context, "school", try context.parameters.require("school")) { return Self.html(kept.page) }
        switch try await term(request, context) {
        case .failure(let refusal): return Self.notFound(refusal.message)
        case .success(let (dashboardValue, term, d)):
            var dashboard = dashboardValue
            let id = try context.parameters.require("school")
            // A school leader: their own schools unsuppressed, no other school of the district.
            let visitor = visitor(context)
            switch visitor.viewer.access(school: id, in: dashboard.site.district) {
            case .forbidden:
                return Self.html(Dashboard.standalone(title: "Not yours — Mosaic", body: SiteNavigation(account: visitor.account).html + "<h1>Not one of your schools</h1><p>This account leads \(visitor.viewer.schools.joined(separator: ", ")); other schools of the district are not open to it.</p>"),
                                 status: .forbidden)
            case .unsuppressed:
                let account = dashboard.account
                dashboard = Dashboard(site: dashboard.site, policy: MosaicServer.unsuppressed, viewer: dashboard.viewer)
                dashboard.account = account
                dashboard.showsStudentLists = visitor.viewer.seesDistrictUnsuppressed(dashboard.site.district)
                dashboard.showsSchedule = true
            case .publicView: break
            }
            let shown = dashboard, diagnostic = d, termID = term
            guard let page = await cached(pageKey(shown, termID, "school", id), site: shown.site, public: isPublic(context),
                                          render: { shown.school(diagnostic, term: termID, id: id) }) else {
                return Self.notFound("No school “\(id)” in this term.")
            }
            return Self.html(page)
        }
    }

    /// A school's students, one row each: student-level data, for the district's own
    /// staff only (a school leader included: it never leaves a district role), and every
    /// view or download goes to the audit log.
    func students(_ request: Request, _ context: MosaicRequestContext, csv: Bool) async throws -> Response {
        let visitor = visitor(context)
        let district = try context.parameters.require("district"), term = try context.parameters.require("term")
        let school = try context.parameters.require("school")
        // The district's staff, and a school's own leaders for their school: the list a
        // principal works from (whom to invite to an advanced course).
        guard visitor.viewer.access(school: school, in: district) == .unsuppressed else {
            return Self.refused("District staff and the school's leaders only",
                                "Lists of students are student-level data: only the district's own staff and the school's leaders, signed in, may open them.",
                                account: visitor.account)
        }
        guard let site = try await site(district), let record = try await server.store.terms(district: district).first(where: { $0.id == term }) else {
            return Self.notFound("District “\(district)” has no term “\(term)”.")
        }
        guard record.sections > 0 else { return Self.notFound("Term “\(record.title)” holds school counts only: it has no students.") }
        let roster = try await server.rosters.roster(record, from: server.store)
        let sessionID = try await server.diagnostics.diagnostic(district: district, term: term, version: site.version)?.termID
        guard let sessionID, let list = try? placements(in: roster, term: sessionID, school: school),
              let name = roster.orgs.first(where: { $0.id == school })?.name else {
            return Self.notFound("No school “\(school)” in this term.")
        }
        let missingOnly = request.uri.queryParameters["advanced"] == "missing"
        var dashboard = Dashboard(site: site, policy: MosaicServer.unsuppressed, viewer: visitor.label)
        dashboard.account = visitor.account
        dashboard.showsStudentLists = visitor.viewer.seesDistrictUnsuppressed(district)
        let out = dashboard.studentList(list, term: term, termTitle: record.title, school: school, schoolName: name, missingOnly: missingOnly)
        let rows = missingOnly ? list.filter(\.missingFromAdvanced).count : list.count
        try await server.store.record(AuditEvent(district: district, at: Date(), actor: visitor.viewer.email ?? "", action: "view-student-data",
                                                 detail: "\(term)/\(school)\(csv ? ".csv" : "")\(missingOnly ? " (eligible, in no advanced class)" : ""): \(rows) students"))
        if csv {
            try await server.store.record(AuditEvent(district: district, at: Date(), actor: visitor.viewer.email ?? "", action: "export",
                                                     detail: "\(term)/\(school)/students.csv"))
            return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"students-\(school).csv\"",
                                                   .cacheControl: "no-store"],
                            body: .init(byteBuffer: ByteBuffer(string: out.csv)))
        }
        var response = Self.html(out.html)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// The district's audit log, newest first: sign-ins, exports, views of student-level
    /// data, plan changes. For the district's own staff.
    func audit(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        let visitor = visitor(context)
        let district = try context.parameters.require("district")
        guard visitor.viewer.seesDistrictUnsuppressed(district) else {
            return Self.refused("District staff only", "The audit log is for the district's own staff, signed in.", account: visitor.account)
        }
        guard let site = try await site(district) else { return Self.notFound("There is no district “\(district)” in this store.") }
        var dashboard = Dashboard(site: site, policy: MosaicServer.unsuppressed, viewer: visitor.label)
        dashboard.account = visitor.account
        dashboard.showsStudentLists = true
        let q = request.uri.queryParameters
        let size = 100
        let shown = AuditLogPage(actor: q["actor"].map(String.init), action: q["action"].map(String.init),
                                 number: q["page"].flatMap { Int(String($0)) }.map { min($0, 100_000) } ?? 1, size: size, hasMore: false)
        // One more than a page: whether older events follow.
        let events = try await server.store.auditLog(AuditQuery(district: district, actor: shown.actor, action: shown.action,
                                                                offset: (shown.number - 1) * size, limit: size + 1))
        let page = AuditLogPage(actor: shown.actor, action: shown.action, number: shown.number, size: size, hasMore: events.count > size)
        var response = Self.html(dashboard.auditLog(events.prefix(size).map { (at: $0.at, actor: $0.actor, action: $0.action, detail: $0.detail) }, page: page))
        response.headers[.cacheControl] = "no-store"
        return response
    }

    func advanced(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        if let kept = try await keptPublicPage(request, context, "advanced") { return Self.html(kept.page) }
        switch try await term(request, context) {
        case .failure(let refusal): return Self.notFound(refusal.message)
        case .success(let (dashboard, term, d)):
            return Self.html(await cached(pageKey(dashboard, term, "advanced"), site: dashboard.site, public: isPublic(context)) { dashboard.advanced(d, term: term) } ?? "")
        }
    }

    func trends(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        let visitor = visitor(context)
        let district = try context.parameters.require("district")
        guard let site = try await site(district) else { return Self.notFound("There is no district “\(district)” in this store.") }
        let series = try await series(site)
        guard !series.isEmpty else { return Self.notFound("District “\(site.name)” has no diagnostic yet.") }
        var dashboard = Dashboard(site: site, policy: policy(visitor, district), viewer: visitor.label)
        dashboard.account = visitor.account
        dashboard.showsStudentLists = visitor.viewer.seesDistrictUnsuppressed(district)
        return Self.html(dashboard.trends(series))
    }
}

/// The cache key of a page: district and its version, term, the policy's minimum n,
/// then the page.
func pageKey(_ dashboard: Dashboard, _ term: String, _ parts: String...) -> String { pageKey(dashboard, term, parts: parts) }

func pageKey(_ dashboard: Dashboard, _ term: String, parts: [String]) -> String {
    let p = dashboard.policy
    return ([dashboard.site.district, dashboard.site.version, term, "\(p.minimumN)/\(p.lowShare)/\(p.highShare)"] + parts)
        .joined(separator: "\u{1F}")
}

struct PageRefusal: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// What a page handler looks up: the thing, or the response that says why not (refused, not found).
enum Found<T> { case found(T), response(Response) }
