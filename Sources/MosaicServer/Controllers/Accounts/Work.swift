import Hummingbird
import MosaicReport
import MosaicStore

/// `/work`: where sign-in lands, a page per role with its jobs (district staff, a school's
/// leaders, the enrollment office, advocates). Not signed in: the sign-in page.
struct Work: Sendable {
    let server: MosaicServer

    func add(to router: Router<MosaicRequestContext>) {
        router.get("work") { request, context in try await self.page(request, context) }
    }

    func page(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        let pages = Pages(server: server)
        let visitor = pages.visitor(context)
        guard !visitor.anonymous, let role = visitor.viewer.role, let district = visitor.viewer.district, let email = visitor.viewer.email else {
            return Response(status: .seeOther, headers: [.location: "/login"])
        }
        guard let site = try await pages.site(district) else { return Pages.notFound("There is no district “\(district)” in this store.") }
        var names: [String: String] = [:]
        var hasClassrooms = false
        if let t = site.terms.last, let d = try await server.diagnostics.diagnostic(district: district, term: t.id, version: site.version) {
            hasClassrooms = d.hasClassrooms
            for s in d.dimensions.first?.acrossSchools.schools ?? [] { names[s.id] = s.name }
        }
        var rounds: [WorkPage.Round] = []
        if role == .enrollment || role == .district {
            for r in try await server.store.applicationRounds(district: district) {
                rounds.append(.init(id: r.id, name: r.name, status: r.status,
                                    applications: try await server.store.applications(district: district, round: r.id).count))
            }
        }
        let page = WorkPage(role: WorkPage.Role(rawValue: role.rawValue) ?? .advocate, email: email, site: site,
                            schools: visitor.viewer.schools.map { ($0, names[$0] ?? $0) }, rounds: rounds,
                            hasClassrooms: hasClassrooms, account: visitor.account)
        var response = Pages.html(page.html)
        response.headers[.cacheControl] = "no-store"
        return response
    }
}
