import Foundation
import Hummingbird
import MosaicChoice
import MosaicCore
import MosaicMetrics
import MosaicReport
import MosaicSchedule
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
        guard let site = try await server.store.district(district) else {
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
        // and per language (course titles in Spanish where the district gave them).
        let pages = FamilyPages(language: language(request), path: request.uri.path)
        let stamp = pages.t.language.rawValue + ":" + rounds.map { "\($0.id)@\($0.updatedAt.timeIntervalSince1970)" }.joined(separator: ",")
        let schools = try await server.pages.finder(stamp, district: district, version: TermRecord.version(of: terms)) {
            let roster = try await server.rosters.roster(term, from: server.store)
            var locations: [String: (x: Double, y: Double)] = [:]
            for round in rounds {
                guard let body = try? JSONDecoder().decode(Rounds.Body.self, from: Data(round.json.utf8)) else { continue }
                for s in body.schools { if let p = s.location { locations[s.id] = (p.x, p.y) } }
            }
            return FamilyPages.finderSchools(roster: roster, diagnostic: diagnostic, policy: server.policy, locations: locations,
                                             language: pages.t.language)
        }
        // Enrichment clusters come from each school's latest enrichment round this term
        // (not from courses): a school with clusters never reads "none listed".
        var withClusters = schools
        var clusters: [String: (updated: Date, titles: [String])] = [:]
        for r in try await server.store.enrichmentRounds(district: district) where r.term == term.id {
            guard let round = try? JSONDecoder().decode(EnrichmentRound.self, from: Data(r.json.utf8)), !round.clusters.isEmpty,
                  clusters[r.school].map({ $0.updated < r.updatedAt }) ?? true else { continue }
            clusters[r.school] = (r.updatedAt, round.clusters.map { pages.t.language == .es ? ($0.titleEs ?? $0.title) : $0.title })
        }
        for i in withClusters.indices {
            if let titles = clusters[withClusters[i].id]?.titles {
                withClusters[i].courses[.enrichment] = Array(Set((withClusters[i].courses[.enrichment] ?? []) + titles)).sorted()
            }
        }
        return respond(request, pages.finder(district: site.name, schools: withClusters, minimumN: server.policy.minimumN,
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

    /// The round's name in the page's language, when the office gave one.
    func name(_ body: Rounds.Body, _ pages: FamilyPages) -> String { body.names?[pages.t.language.rawValue] ?? body.name }

    /// An application as the store keeps it: the match's student (contract match.md) and,
    /// beside it, who the child is (`child`, which the match never reads).
    static func storedJSON(_ student: Instance.Student, child: FamilyPages.Child) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        guard var object = try JSONSerialization.jsonObject(with: encoder.encode(student)) as? [String: Any] else { return try Rounds.storedJSON(student) }
        object["child"] = ["name": child.name, "birthDate": child.birthDate, "grade": child.grade]
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    static func child(in json: String) -> FamilyPages.Child? {
        struct Holder: Decodable { var child: FamilyPages.Child? }
        return (try? JSONDecoder().decode(Holder.self, from: Data(json.utf8)))?.child
    }

    /// A date of birth written YYYY-MM-DD, of a child from 2 to 21 years old.
    static func plausibleBirthDate(_ text: String, now: Date) -> Bool {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd"
        guard text.count == 10, let d = f.date(from: text) else { return false }
        let years = now.timeIntervalSince(d) / (365.25 * 86_400)
        return years >= 2 && years <= 21
    }

    func asksEconomic(_ body: Rounds.Body) -> Bool {
        body.schools.contains { ($0.reserves ?? []).contains { $0.group["economic"] == "disadvantaged" } }
    }

    func form(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        guard let (_, record, body, schools) = try await round(context) else { return Pages.notFound("There is no such application round.") }
        let csrf = request.cookies[Self.csrfCookie]?.value ?? Accounts.newToken()
        let pages = FamilyPages(language: language(request), path: request.uri.path)
        return respond(request, pages.applyForm(round: name(body, pages), schools: schools, choices: min(12, schools.count), asksEconomic: asksEconomic(body),
                                                csrf: csrf, open: record.status == "open"), csrf: csrf)
    }

    struct ApplyForm: Decodable {
        var csrf: String?
        var invitation: String?
        var child, birth, grade: String?
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
            return respond(request, pages.applyForm(round: name(body, pages), schools: schools, choices: 0, asksEconomic: false, csrf: csrf, open: false),
                           csrf: csrf, status: .conflict)
        }
        let form = try await SignIn.decode(ApplyForm.self, request)
        let code = (form?.invitation ?? "").trimmingCharacters(in: .whitespaces).uppercased()
        let child = FamilyPages.Child(name: (form?.child ?? "").trimmingCharacters(in: .whitespacesAndNewlines),
                                      birthDate: (form?.birth ?? "").trimmingCharacters(in: .whitespaces), grade: form?.grade ?? "KG")
        func again(_ problems: [String], _ status: HTTPResponse.Status, chosen: [String] = []) -> Response {
            respond(request, pages.applyForm(round: name(body, pages), schools: schools, choices: min(12, schools.count), asksEconomic: asksEconomic(body),
                                             csrf: csrf, problems: problems, chosen: chosen, invitation: code, child: child), csrf: csrf, status: status)
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
        if child.name.isEmpty || child.name.count > 120 || !FamilyPages.grades.contains(child.grade) {
            problems.append("apply.problem.child")
        }
        if !Self.plausibleBirthDate(child.birthDate, now: now) { problems.append("apply.problem.birth") }
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
            json: try Self.storedJSON(student, child: child), source: "form", submittedAt: now)],
            district: district, round: record.id, replacingSource: nil)
        try await server.store.record(AuditEvent(district: district, at: now, actor: "public", action: "application-form",
                                                 detail: "round \(record.id): \(reference)\(earlier == nil ? "" : " (replaces \(earlier!.reference))")"))
        let names = Dictionary(uniqueKeysWithValues: schools.map { ($0.id, $0.name) })
        let submission = FamilyPages.Submission(child: child, choices: choices.map { names[$0] ?? $0 }, sibling: sibling.map { names[$0] ?? $0 },
                                          zone: zone.map { names[$0] ?? $0 })
        return respond(request, pages.submitted(round: name(body, pages), reference: reference, code: secret, resultPath: request.uri.path + "/result",
                                                replaced: earlier != nil, sent: submission), csrf: nil)
    }

    func resultForm(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        guard let (_, _, body, _) = try await round(context) else { return Pages.notFound("There is no such application round.") }
        let csrf = request.cookies[Self.csrfCookie]?.value ?? Accounts.newToken()
        let pages = FamilyPages(language: language(request), path: request.uri.path)
        return respond(request, pages.resultForm(round: name(body, pages), csrf: csrf), csrf: csrf)
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
            return respond(request, pages.resultForm(round: name(body, pages), csrf: csrf, problems: ["apply.problem.expired"]), csrf: csrf, status: .forbidden)
        }
        let reference = (form.reference ?? "").trimmingCharacters(in: .whitespaces).uppercased()
        let code = (form.code ?? "").trimmingCharacters(in: .whitespaces).uppercased()
        guard let application = try await server.store.application(district: district, round: record.id, reference: reference),
              application.secretHash == Rounds.hash(code) else {
            return respond(request, pages.resultForm(round: name(body, pages), csrf: csrf, problems: ["result.notfound"]), csrf: csrf, status: .notFound)
        }
        let names = Dictionary(uniqueKeysWithValues: schools.map { ($0.id, $0.name) })
        let student = try? JSONDecoder().decode(Instance.Student.self, from: Data(application.json.utf8))
        guard let run = try await server.store.matchRuns(district: district, round: record.id).first(where: \.published),
              let why = try await Rounds.result(of: application.applicant, in: run, store: server.store) else {
            // Not published yet: the application as it is held, seen again with the codes.
            let held = student.map { s in
                FamilyPages.Submission(child: Self.child(in: application.json), choices: s.prefs.map { names[$0] ?? $0 },
                                       sibling: s.sibling.map { names[$0] ?? $0 }, zone: s.zones?.first.map { names[$0] ?? $0 })
            }
            return respond(request, pages.result(round: name(body, pages), nil, held: held), csrf: nil)
        }
        // Whether the child is of the group the reserve seat is held for (a soft reserve's
        // seat goes to others when too few of the group apply).
        func inGroup(school: String, seat: String) -> Bool {
            guard let reserve = body.schools.first(where: { $0.id == school })?.reserves?.first(where: { $0.name == seat }) else { return false }
            return reserve.group.allSatisfy { student?.groups?[$0.key] == $0.value }
        }
        let result = FamilyPages.Result(
            assigned: why.assigned.map { (names[$0.school] ?? $0.school, $0.rank, $0.seat != "open", inGroup(school: $0.school, seat: $0.seat)) },
            higher: why.higher.map { .init(school: names[$0.school] ?? $0.school, choice: $0.choice, filled: $0.filled, belowCutoff: $0.belowCutoff) })
        return respond(request, pages.result(round: name(body, pages), result), csrf: nil)
    }
}
