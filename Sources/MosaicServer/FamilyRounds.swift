import Foundation
import Hummingbird
import MosaicChoice
import MosaicCore
import MosaicMetrics
import MosaicReport
import MosaicStore

/// The family's side of an application round, in English or Spanish (chosen with
/// `?lang=`, remembered in a cookie, else the browser's language): the application form,
/// the reference and code it gives once, and the result with its explanation.
struct FamilyRounds: Sendable {
    let server: MosaicServer
    static let languageCookie = "mosaic_lang", csrfCookie = "mosaic_family_csrf"

    func add(to router: Router<MosaicRequestContext>) {
        router.get("apply/:district/:round") { request, context in try await self.form(request, context) }
        router.post("apply/:district/:round") { request, context in try await self.apply(request, context) }
        router.get("apply/:district/:round/result") { request, context in try await self.resultForm(request, context) }
        router.post("apply/:district/:round/result") { request, context in try await self.result(request, context) }
        router.get("find/:district") { request, context in try await self.finder(request, context) }
    }

    /// The family school finder for the district's latest term: public, through the
    /// suppression policy; distances from the schools' locations in its latest round.
    func finder(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        let district = try context.parameters.require("district")
        guard let site = try await server.store.districts().first(where: { $0.id == district }) else {
            return Pages.notFound("There is no district “\(district)” in this store.")
        }
        let terms = try await server.store.terms(district: district)
        guard let term = terms.last,
              let diagnostic = try await server.diagnostics.diagnostic(district: district, term: term.id, version: TermRecord.version(of: terms)) else {
            return Pages.notFound("District “\(site.name)” has no diagnostic yet.")
        }
        let roster = try await server.store.roster(district: district, term: term.id)
        let rounds = try await server.store.applicationRounds(district: district)
        var locations: [String: (x: Double, y: Double)] = [:]
        for round in rounds {
            guard let body = try? JSONDecoder().decode(Rounds.Body.self, from: Data(round.json.utf8)) else { continue }
            for s in body.schools { if let p = s.location { locations[s.id] = (p.x, p.y) } }
        }
        let open = rounds.last { $0.status == "open" }.map { (name: $0.name, path: "/apply/\(district)/\($0.id)") }
        let schools = FamilyPages.finderSchools(roster: roster, diagnostic: diagnostic, policy: server.policy, locations: locations)
        let pages = FamilyPages(language: language(request), path: request.uri.path)
        return respond(request, pages.finder(district: site.name, schools: schools, minimumN: server.policy.minimumN,
                                             near: request.uri.queryParameters["near"].map(String.init), openRound: open), csrf: nil)
    }

    func language(_ request: Request) -> Language {
        Language.chosen(query: request.uri.queryParameters["lang"].map(String.init), cookie: request.cookies[Self.languageCookie]?.value,
                        acceptLanguage: request.headers[.acceptLanguage])
    }

    /// The page, with the language remembered when the family chose one and a CSRF cookie
    /// for the form on it.
    func respond(_ request: Request, _ html: String, csrf: String?, status: HTTPResponse.Status = .ok) -> Response {
        var response = Pages.html(html, status: status)
        response.headers[.cacheControl] = "no-store"
        if let lang = request.uri.queryParameters["lang"].flatMap({ Language(rawValue: String($0)) }) {
            response.setCookie(Cookie(name: Self.languageCookie, value: lang.rawValue, maxAge: 365 * 24 * 3600, path: "/", sameSite: .lax))
        }
        // The cookie goes back to the page's own area (`/apply` or `/survey`): a browser
        // sends it only under that path, so a survey set with `/apply` could never be sent.
        let area = "/" + (request.uri.path.split(separator: "/").first.map(String.init) ?? "apply")
        if let csrf { response.setCookie(Cookie(name: Self.csrfCookie, value: csrf, path: area, httpOnly: true, sameSite: .strict)) }
        return response
    }

    func round(_ context: MosaicRequestContext) async throws -> (district: String, record: ApplicationRoundRecord, body: Rounds.Body, schools: [FamilyPages.School])? {
        let district = try context.parameters.require("district"), id = try context.parameters.require("round")
        guard let (record, body) = try await Rounds.lookup(server.store, district: district, id: id) else { return nil }
        let names = (try? await server.store.roster(district: district, term: record.term).orgs)
            .map { Dictionary($0.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a }) } ?? [:]
        return (district, record, body, body.schools.map { FamilyPages.School(id: $0.id, name: names[$0.id] ?? $0.id) })
    }

    func asksEconomic(_ body: Rounds.Body) -> Bool {
        body.schools.contains { ($0.reserves ?? []).contains { $0.group["economic"] == "disadvantaged" } }
    }

    func form(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        guard let (_, record, body, schools) = try await round(context) else { return Pages.notFound("There is no such application round.") }
        let csrf = request.cookies[Self.csrfCookie]?.value ?? Accounts.newToken()
        let pages = FamilyPages(language: language(request), path: request.uri.path)
        return respond(request, pages.applyForm(round: body.name, schools: schools, choices: min(12, schools.count), asksEconomic: asksEconomic(body),
                                                csrf: csrf, open: record.status == "open"), csrf: csrf)
    }

    struct ApplyForm: Decodable {
        var csrf: String?
        var sibling, zone, economic: String?
        var choice1, choice2, choice3, choice4, choice5, choice6, choice7, choice8, choice9, choice10, choice11, choice12: String?
        var choices: [String] {
            [choice1, choice2, choice3, choice4, choice5, choice6, choice7, choice8, choice9, choice10, choice11, choice12]
                .compactMap { $0?.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
    }

    func apply(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        guard let (district, record, body, schools) = try await round(context) else { return Pages.notFound("There is no such application round.") }
        let pages = FamilyPages(language: language(request), path: request.uri.path)
        let csrf = request.cookies[Self.csrfCookie]?.value ?? Accounts.newToken()
        guard record.status == "open" else {
            return respond(request, pages.applyForm(round: body.name, schools: schools, choices: 0, asksEconomic: false, csrf: csrf, open: false),
                           csrf: csrf, status: .conflict)
        }
        let form = try await SignIn.decode(ApplyForm.self, request)
        guard let form, let sent = form.csrf, !sent.isEmpty, sent == request.cookies[Self.csrfCookie]?.value else {
            return respond(request, pages.applyForm(round: body.name, schools: schools, choices: min(12, schools.count), asksEconomic: asksEconomic(body),
                                                    csrf: csrf, problems: ["apply.problem.expired"]), csrf: csrf, status: .forbidden)
        }
        let known = Set(schools.map(\.id))
        let choices = form.choices.filter(known.contains)
        var problems: [String] = []
        if choices.isEmpty { problems.append("apply.problem.nochoice") }
        if Set(choices).count != choices.count { problems.append("apply.problem.twice") }
        guard problems.isEmpty else {
            return respond(request, pages.applyForm(round: body.name, schools: schools, choices: min(12, schools.count), asksEconomic: asksEconomic(body),
                                                    csrf: csrf, problems: problems, chosen: choices), csrf: csrf, status: .badRequest)
        }
        let applicant = "F-" + Rounds.randomCode(8), reference = "R\(record.id)-" + Rounds.randomCode(8), code = Rounds.randomCode(10)
        let sibling = form.sibling.flatMap { known.contains($0) ? $0 : nil }, zone = form.zone.flatMap { known.contains($0) ? $0 : nil }
        let student = Instance.Student(id: applicant, prefs: choices, sibling: sibling, zones: zone.map { [$0] },
                                       groups: form.economic == "disadvantaged" && asksEconomic(body) ? ["economic": "disadvantaged"] : nil)
        try await server.store.putApplications([ApplicationRecord(
            district: district, round: record.id, applicant: applicant, reference: reference, secretHash: Rounds.hash(code),
            json: try Rounds.storedJSON(student), source: "form", submittedAt: Date())],
            district: district, round: record.id, replacingSource: nil)
        try await server.store.record(AuditEvent(district: district, at: Date(), actor: "public", action: "application-form",
                                                 detail: "round \(record.id): \(reference)"))
        return respond(request, pages.submitted(round: body.name, reference: reference, code: code, resultPath: request.uri.path + "/result"), csrf: nil)
    }

    func resultForm(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        guard let (_, _, body, _) = try await round(context) else { return Pages.notFound("There is no such application round.") }
        let csrf = request.cookies[Self.csrfCookie]?.value ?? Accounts.newToken()
        return respond(request, FamilyPages(language: language(request), path: request.uri.path).resultForm(round: body.name, csrf: csrf), csrf: csrf)
    }

    struct LookupForm: Decodable {
        var csrf: String?
        var reference: String?
        var code: String?
    }

    func result(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        guard let (district, record, body, schools) = try await round(context) else { return Pages.notFound("There is no such application round.") }
        let pages = FamilyPages(language: language(request), path: request.uri.path)
        let csrf = request.cookies[Self.csrfCookie]?.value ?? Accounts.newToken()
        guard let form = try await SignIn.decode(LookupForm.self, request), let sent = form.csrf, !sent.isEmpty,
              sent == request.cookies[Self.csrfCookie]?.value else {
            return respond(request, pages.resultForm(round: body.name, csrf: csrf, problems: ["apply.problem.expired"]), csrf: csrf, status: .forbidden)
        }
        let reference = (form.reference ?? "").trimmingCharacters(in: .whitespaces).uppercased()
        let code = (form.code ?? "").trimmingCharacters(in: .whitespaces).uppercased()
        guard let application = try await server.store.application(district: district, round: record.id, reference: reference),
              application.secretHash == Rounds.hash(code) else {
            return respond(request, pages.resultForm(round: body.name, csrf: csrf, problems: ["result.notfound"]), csrf: csrf, status: .notFound)
        }
        guard let (report, run) = try await Rounds(server: server).published(district: district, round: record.id),
              let st = report.market.studentIDs.firstIndex(of: application.applicant) else {
            return respond(request, pages.result(round: body.name, nil), csrf: nil)
        }
        let names = Dictionary(uniqueKeysWithValues: schools.map { ($0.id, $0.name) })
        let why = report.explanation(st)
        let result = FamilyPages.Result(
            assigned: why.assigned.map { (names[$0.school] ?? $0.school, $0.rank, $0.seat != "open") },
            higher: why.higher.map { .init(school: names[$0.school] ?? $0.school, choice: $0.choice, filled: $0.filled, belowCutoff: $0.belowCutoff) },
            seed: run.seed, inputSha256: run.inputSha256)
        return respond(request, pages.result(round: body.name, result), csrf: nil)
    }
}
