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
        router.post("apply/:district/:round") { request, context in
            try await self.apply(request, context, address: context.remoteAddress?.ipAddress ?? "unknown")
        }
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
        let rounds = try await server.store.applicationRounds(district: district)
        let open = rounds.last { $0.status == "open" }.map { (name: $0.name, path: "/apply/\(district)/\($0.id)") }
        // Computed once per version of the district and of its rounds (schools' locations
        // come from the rounds), not per request.
        let stamp = rounds.map { "\($0.id)@\($0.updatedAt.timeIntervalSince1970)" }.joined(separator: ",")
        let schools = try await server.pages.finder(stamp, district: district, version: TermRecord.version(of: terms)) {
            let roster = try await server.rosters.roster(term, from: server.store)
            var locations: [String: (x: Double, y: Double)] = [:]
            for round in rounds {
                guard let body = try? JSONDecoder().decode(Rounds.Body.self, from: Data(round.json.utf8)) else { continue }
                for s in body.schools { if let p = s.location { locations[s.id] = (p.x, p.y) } }
            }
            return FamilyPages.finderSchools(roster: roster, diagnostic: diagnostic, policy: server.policy, locations: locations)
        }
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
    func respond(_ request: Request, _ html: HTML, csrf: String?, status: HTTPResponse.Status = .ok) -> Response {
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
        // The schools' names from the term's kept diagnostic (in memory): no roster read.
        let terms = try await server.store.terms(district: district)
        let schools = try await server.diagnostics.diagnostic(district: district, term: record.term, version: TermRecord.version(of: terms))?
            .dimensions.first?.acrossSchools.schools ?? []
        let names = Dictionary(schools.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
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
        var invitation: String?
        var sibling, zone, economic: String?
        var choice1, choice2, choice3, choice4, choice5, choice6, choice7, choice8, choice9, choice10, choice11, choice12: String?
        var choices: [String] {
            [choice1, choice2, choice3, choice4, choice5, choice6, choice7, choice8, choice9, choice10, choice11, choice12]
                .compactMap { $0?.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
    }

    /// How many submissions one address may make to a round in an hour (a school
    /// office or library computer helps many families), how many wrong codes it may try in
    /// 15 minutes, and how many wrong codes the whole round takes in an hour before the
    /// form pauses (guessing from many addresses).
    static let submissionsPerAddress = 30, wrongCodesPerAddress = 10, wrongCodesPerRound = 1_000

    /// An application from the form: the family proves who they are with the application
    /// code the enrollment office sent for their child, so each child has one application
    /// (sending again replaces it) and no one can apply for children who do not exist;
    /// groups the office verified stand in for what the form declares.
    func apply(_ request: Request, _ context: MosaicRequestContext, address: String) async throws -> Response {
        guard let (district, record, body, schools) = try await round(context) else { return Pages.notFound("There is no such application round.") }
        let pages = FamilyPages(language: language(request), path: request.uri.path)
        let csrf = request.cookies[Self.csrfCookie]?.value ?? Accounts.newToken()
        guard record.status == "open" else {
            return respond(request, pages.applyForm(round: body.name, schools: schools, choices: 0, asksEconomic: false, csrf: csrf, open: false),
                           csrf: csrf, status: .conflict)
        }
        let form = try await SignIn.decode(ApplyForm.self, request)
        let code = (form?.invitation ?? "").trimmingCharacters(in: .whitespaces).uppercased()
        func again(_ problems: [String], _ status: HTTPResponse.Status, chosen: [String] = []) -> Response {
            respond(request, pages.applyForm(round: body.name, schools: schools, choices: min(12, schools.count), asksEconomic: asksEconomic(body),
                                             csrf: csrf, problems: problems, chosen: chosen, invitation: code), csrf: csrf, status: status)
        }
        guard let form, let sent = form.csrf, !sent.isEmpty, sent == request.cookies[Self.csrfCookie]?.value else {
            return again(["apply.problem.expired"], .forbidden)
        }
        let now = Date(), hour: TimeInterval = 3_600, quarter: TimeInterval = 900
        let perAddress = ThrottleKey(district: district, scope: "apply-address", subject: "\(record.id) \(address)")
        let wrongHere = ThrottleKey(district: district, scope: "apply-wrong-code", subject: "\(record.id) \(address)")
        let wrongRound = ThrottleKey(district: district, scope: "apply-wrong-code-round", subject: record.id)
        for (key, limit, window) in [(perAddress, Self.submissionsPerAddress, hour), (wrongHere, Self.wrongCodesPerAddress, quarter),
                                     (wrongRound, Self.wrongCodesPerRound, hour)] {
            let count = try await server.store.hits(key, window: window, now: now)
            if count.hits >= limit {
                let minutes = Int(count.remaining(window: window, now: now) / 60) + 1
                return again([FamilyPages.problem("apply.problem.toomany", "\(minutes)")], .tooManyRequests)
            }
        }
        guard !code.isEmpty, let invitation = try await server.store.invitation(district: district, round: record.id, codeHash: Rounds.hash(code)) else {
            _ = try await server.store.hit(wrongHere, window: quarter, now: now)
            _ = try await server.store.hit(wrongRound, window: hour, now: now)
            return again(["apply.problem.invitation"], .forbidden, chosen: form.choices)
        }
        let known = Set(schools.map(\.id))
        let choices = form.choices.filter(known.contains)
        var problems: [String] = []
        if choices.isEmpty { problems.append("apply.problem.nochoice") }
        if Set(choices).count != choices.count { problems.append("apply.problem.twice") }
        guard problems.isEmpty else { return again(problems, .badRequest, chosen: choices) }
        // One application per child: the form's own earlier one is replaced; one the
        // office entered is theirs to change.
        let earlier = try await server.store.application(district: district, round: record.id, applicant: invitation.student)
        if let earlier, earlier.source != "form" { return again(["apply.problem.uploaded"], .conflict, chosen: choices) }
        _ = try await server.store.hit(perAddress, window: hour, now: now)
        let reference = "R\(record.id)-" + Rounds.randomCode(8), secret = Rounds.randomCode(10)
        let sibling = form.sibling.flatMap { known.contains($0) ? $0 : nil }, zone = form.zone.flatMap { known.contains($0) ? $0 : nil }
        let declared: [String: String] = form.economic == "disadvantaged" && asksEconomic(body) ? ["economic": "disadvantaged"] : [:]
        let groups = invitation.groups.isEmpty ? declared : invitation.groups
        let student = Instance.Student(id: invitation.student, prefs: choices, sibling: sibling, zones: zone.map { [$0] },
                                       groups: groups.isEmpty ? nil : groups)
        try await server.store.putApplications([ApplicationRecord(
            district: district, round: record.id, applicant: invitation.student, reference: reference, secretHash: Rounds.hash(secret),
            json: try Rounds.storedJSON(student), source: "form", submittedAt: now)],
            district: district, round: record.id, replacingSource: nil)
        try await server.store.record(AuditEvent(district: district, at: now, actor: "public", action: "application-form",
                                                 detail: "round \(record.id): \(reference)\(earlier == nil ? "" : " (replaces \(earlier!.reference))")"))
        return respond(request, pages.submitted(round: body.name, reference: reference, code: secret, resultPath: request.uri.path + "/result",
                                                replaced: earlier != nil), csrf: nil)
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
        guard let run = try await server.store.matchRuns(district: district, round: record.id).first(where: \.published),
              let why = try await Rounds.result(of: application.applicant, in: run, store: server.store) else {
            return respond(request, pages.result(round: body.name, nil), csrf: nil)
        }
        let names = Dictionary(uniqueKeysWithValues: schools.map { ($0.id, $0.name) })
        let result = FamilyPages.Result(
            assigned: why.assigned.map { (names[$0.school] ?? $0.school, $0.rank, $0.seat != "open") },
            higher: why.higher.map { .init(school: names[$0.school] ?? $0.school, choice: $0.choice, filled: $0.filled, belowCutoff: $0.belowCutoff) },
            seed: run.seed, inputSha256: run.inputSha256)
        return respond(request, pages.result(round: body.name, result), csrf: nil)
    }
}
