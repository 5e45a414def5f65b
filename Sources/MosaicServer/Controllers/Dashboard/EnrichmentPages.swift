import Foundation
import Hummingbird
import MosaicCore
import MosaicDiagnostic
import MosaicMetrics
import MosaicReport
import MosaicSchedule
import MosaicStore

/// Schoolwide enrichment in the service (issue 7): a school's rounds, where staff propose
/// clusters, open the interest survey (each student gets a code, shown once), and run the
/// assignment (`mosaic schedule enrichment`); participation over the year against the
/// school's goal, by group. Students answer the survey in English or Spanish at
/// `/survey/DISTRICT/ROUND`. Staff are the district's staff and the school's leaders;
/// everyone else sees participation only, through the suppression policy.
struct EnrichmentPages: Sendable {
    let server: MosaicServer

    /// The round's clusters, mix limits and survey code hashes (stored as its JSON), with
    /// the rules of each step: ``EnrichmentRound`` in MosaicSchedule.
    typealias Body = EnrichmentRound

    static let choicesAsked = 5

    func add(to router: Router<MosaicRequestContext>) {
        let base = "districts/:district/terms/:term/schools/:school/enrichment"
        router.get(RouterPath(base)) { request, context in try await self.index(request, context, message: nil) }
        router.post(RouterPath(base)) { request, context in try await self.create(request, context) }
        router.get(RouterPath(base + "/:round")) { request, context in try await self.round(request, context, message: nil) }
        router.post(RouterPath(base + "/:round/clusters")) { request, context in try await self.propose(request, context) }
        router.post(RouterPath(base + "/:round/survey")) { request, context in try await self.openSurvey(request, context) }
        router.post(RouterPath(base + "/:round/assign")) { request, context in try await self.assign(request, context) }
        router.get("survey/:district/:round") { request, context in try await self.surveyForm(request, context) }
        router.post("survey/:district/:round") { request, context in try await self.survey(request, context) }
    }

    // MARK: Finding things

    struct Place {
        var district: String, term: String, school: String, schoolName: String, termTitle: String, schoolYear: Int
        var roster: Roster
        var staff: Bool
        var visitor: Pages.Visitor
        var csrf: String?
    }

    func place(_ request: Request, _ context: MosaicRequestContext) async throws -> Found<Place> {
        let found: SchoolPlace
        switch try await SchoolPlace.find(server, context, .init(plural: "enrichment rounds", publicView: true, needs: "students to survey")) {
        case .response(let r): return .response(r)
        case .found(let x): found = x
        }
        let roster = try await server.rosters.roster(found.term, from: server.store)
        return .found(Place(district: found.district, term: found.term.id, school: found.school, schoolName: found.schoolName, termTitle: found.term.title,
                            schoolYear: found.term.schoolYear, roster: roster, staff: found.staff, visitor: found.visitor, csrf: found.csrf))
    }

    /// The school's rounds in this term, oldest first.
    func rounds(_ p: Place) async throws -> [EnrichmentRoundRecord] {
        try await server.store.enrichmentRounds(district: p.district).filter { $0.school == p.school && $0.term == p.term }
    }

    func body(_ round: EnrichmentRoundRecord) throws -> Body { try JSONDecoder().decode(Body.self, from: Data(round.json.utf8)) }

    static func json(_ value: some Encodable) throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return String(decoding: try e.encode(value), as: UTF8.self)
    }

    var base: (Place) -> String { { "/districts/\($0.district)/terms/\($0.term)/schools/\($0.school)/enrichment" } }

    // MARK: Pages

    /// Participation over the year: every round of the school in this school year with an
    /// assignment, in order.
    func participation(_ p: Place, goal: Double) async throws -> EnrichmentParticipation {
        EnrichmentParticipation(p.roster, school: p.school, rounds: try await placedThisYear(p, school: p.school), goal: goal)
    }

    /// The assigned rounds of the place's school year, oldest first, each with the students
    /// it placed: one school's, or (nil) the district's.
    func placedThisYear(_ p: Place, school: String?) async throws -> [(name: String, placed: Set<String>)] {
        let terms = try await server.store.terms(district: p.district)
        let sameYear = Set(terms.filter { $0.schoolYear == p.schoolYear }.map(\.id))
        return try await server.store.enrichmentRounds(district: p.district)
            .filter { (school == nil || $0.school == school) && sameYear.contains($0.term) }
            .compactMap { r in
                guard let text = r.result, let result = try? JSONDecoder().decode(EnrichmentResult.self, from: Data(text.utf8)) else { return nil }
                return (r.name, Set(result.assignments.keys))
            }
    }

    func index(_ request: Request, _ context: MosaicRequestContext, message: String?, status: HTTPResponse.Status = .ok) async throws -> Response {
        let p: Place
        switch try await place(request, context) { case .response(let r): return r; case .found(let x): p = x }
        let rounds = try await rounds(p)
        let goal = rounds.last?.goal ?? 0.4
        let page = EnrichmentPage(
            district: p.district, term: p.term, termTitle: p.termTitle, school: p.school, schoolName: p.schoolName,
            viewer: p.visitor.label, account: p.visitor.account, staff: p.staff,
            policy: p.staff ? MosaicServer.unsuppressed : server.policy, csrf: p.csrf, message: message,
            rounds: rounds.map { .init(id: $0.id, name: $0.name, status: $0.status, goal: $0.goal) },
            participation: try await participation(p, goal: goal), round: nil)
        var response = Pages.html(page.html, status: status)
        if p.staff { response.headers[.cacheControl] = "no-store" }
        return response
    }

    func round(_ request: Request, _ context: MosaicRequestContext, message: String?, status: HTTPResponse.Status = .ok,
               codes: [(student: String, code: String)]? = nil) async throws -> Response {
        let p: Place
        switch try await place(request, context) { case .response(let r): return r; case .found(let x): p = x }
        let id = try context.parameters.require("round")
        guard let record = try await rounds(p).first(where: { $0.id == id }) else { return Pages.notFound("\(p.schoolName) has no enrichment round “\(id)” this term.") }
        guard p.staff else {
            return Pages.refused("District staff and school leaders only", "A round's proposals, surveys and assignment are for the district's staff and the school's leaders; its participation is on the school's enrichment page.", account: p.visitor.account)
        }
        let b = try body(record)
        let surveys = try await server.store.interestSurveys(district: p.district, round: id)
        let result = record.result.flatMap { try? JSONDecoder().decode(EnrichmentResult.self, from: Data($0.utf8)) }
        let detail = EnrichmentPage.Round(
            id: record.id, name: record.name, status: record.status, goal: record.goal,
            clusters: b.clusters,
            heterogeneity: b.heterogeneity, surveyed: surveys.count, codesIssued: b.codes.count,
            surveyPath: "/survey/\(p.district)/\(record.id)", assignment: result.map { r in
                let ranks = r.rankCounts.keys.compactMap(Int.init).sorted().map { r.rankCounts["\($0)"] ?? 0 }
                return EnrichmentPage.Assignment(
                    placed: r.placed, surveyed: r.placed + r.unplaced.count, rankSum: r.rankSum, bound: r.bound, optimal: r.optimal,
                    ranks: ranks, closed: r.closed, clusters: r.clusters.filter(\.open).map { ($0.id, $0.size, $0.groups) },
                    maxShareDeviation: r.maxShareDeviation, method: r.method)
            }, codes: codes)
        let rounds = try await rounds(p)
        let page = EnrichmentPage(
            district: p.district, term: p.term, termTitle: p.termTitle, school: p.school, schoolName: p.schoolName,
            viewer: p.visitor.label, account: p.visitor.account, staff: true, policy: MosaicServer.unsuppressed, csrf: p.csrf, message: message,
            rounds: rounds.map { .init(id: $0.id, name: $0.name, status: $0.status, goal: $0.goal) },
            participation: try await participation(p, goal: record.goal), round: detail)
        var response = Pages.html(page.html, status: status)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    // MARK: Staff changes

    /// The signed-in staff member and the decoded form, or the refusal.
    func staffForm<T: Decodable & CSRFCarrying>(_ type: T.Type, _ request: Request, _ context: MosaicRequestContext) async throws -> Found<(Place, T, String)> {
        let (viewer, session) = context.identity.signedIn
        let district = try context.parameters.require("district"), school = try context.parameters.require("school")
        guard let session, viewer.access(school: school, in: district) == .unsuppressed else {
            return .response(Pages.refused("Refused", "Only the district's staff and the school's leaders, signed in, may change enrichment rounds."))
        }
        guard let form = try await SignIn.decode(T.self, request, limit: 65_536), form.csrf == session.csrf else {
            return .response(Pages.refused("Refused", "The form had expired. Go back, reload the page and send it again."))
        }
        switch try await place(request, context) {
        case .response(let r): return .response(r)
        case .found(let p): return .found((p, form, viewer.email ?? ""))
        }
    }

    struct CreateForm: Decodable, CSRFCarrying {
        var csrf: String?
        var name: String?
        var goal: String?
        var ability: String?
        var economic: String?
    }

    func create(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        let (p, form, actor): (Place, CreateForm, String)
        switch try await staffForm(CreateForm.self, request, context) { case .response(let r): return r; case .found(let x): (p, form, actor) = x }
        let start: EnrichmentRound.Start
        switch EnrichmentRound.start(name: form.name, goal: form.goal, mixLimits: [("ability", form.ability), ("economic", form.economic)]) {
        case .success(let x): start = x
        case .failure(let problems):
            return try await index(request, context, message: "Not created: " + problems.messages.joined(separator: "; ") + ".", status: .badRequest)
        }
        let name = start.name
        let round = try await server.store.addEnrichmentRound(EnrichmentRoundRecord(
            district: p.district, term: p.term, school: p.school, name: name, status: "proposing", goal: start.goal,
            json: try Self.json(start.round), updatedAt: Date()))
        try await server.store.record(AuditEvent(district: p.district, at: Date(), actor: actor, action: "enrichment-round", detail: "\(p.school) round \(round.id): \(name)"))
        return Response(status: .seeOther, headers: [.location: base(p) + "/\(round.id)"])
    }

    struct ProposeForm: Decodable, CSRFCarrying {
        var csrf: String?
        var id: String?
        var title: String?
        var titleEs: String?
        var min: String?
        var max: String?
    }

    func propose(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        let (p, form, actor): (Place, ProposeForm, String)
        switch try await staffForm(ProposeForm.self, request, context) { case .response(let r): return r; case .found(let x): (p, form, actor) = x }
        let id = try context.parameters.require("round")
        guard var record = try await rounds(p).first(where: { $0.id == id }) else { return Pages.notFound("No enrichment round “\(id)”.") }
        var b = try body(record)
        let problems = b.propose(id: form.id, title: form.title, titleEs: form.titleEs, min: form.min, max: form.max, by: actor,
                                 status: EnrichmentRound.Status(rawValue: record.status) ?? .proposing)
        guard problems.isEmpty, let cluster = b.clusters.last?.id else {
            return try await round(request, context, message: "Not proposed: " + problems.joined(separator: "; ") + ".", status: .badRequest)
        }
        record.json = try Self.json(b)
        record.updatedAt = Date()
        try await server.store.updateEnrichmentRound(record)
        try await server.store.record(AuditEvent(district: p.district, at: Date(), actor: actor, action: "enrichment-cluster", detail: "round \(id): \(cluster)"))
        return Response(status: .seeOther, headers: [.location: base(p) + "/\(id)"])
    }

    struct PlainForm: Decodable, CSRFCarrying { var csrf: String? }

    /// Opens the survey: every student of the school gets a code (its hash kept), listed
    /// once on the page that answers, to hand out; opening again issues new codes.
    func openSurvey(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        let (p, _, actor): (Place, PlainForm, String)
        switch try await staffForm(PlainForm.self, request, context) { case .response(let r): return r; case .found(let x): (p, _, actor) = x }
        let id = try context.parameters.require("round")
        guard var record = try await rounds(p).first(where: { $0.id == id }) else { return Pages.notFound("No enrichment round “\(id)”.") }
        var b = try body(record)
        let status = EnrichmentRound.Status(rawValue: record.status) ?? .proposing
        if let why = b.whySurveyCannotOpen(status: status) {
            return try await round(request, context, message: "Not opened: \(why).", status: status == .assigned ? .conflict : .badRequest)
        }
        var codes: [(student: String, code: String)] = []
        for s in EnrichmentRound.students(of: p.school, in: p.roster) {
            let code = Rounds.randomCode(8)
            codes.append((p.roster.students[s].id, code))
        }
        b.codes = Dictionary(uniqueKeysWithValues: codes.map { ($0.student, Rounds.hash($0.code)) })
        record.json = try Self.json(b)
        record.status = EnrichmentRound.Status.surveying.rawValue
        record.updatedAt = Date()
        try await server.store.updateEnrichmentRound(record)
        try await server.store.record(AuditEvent(district: p.district, at: Date(), actor: actor, action: "enrichment-survey", detail: "round \(id): \(codes.count) codes"))
        return try await round(request, context, message: "The survey is open: hand each student her code (shown only now).", codes: codes)
    }

    /// Runs the assignment on the surveys: ability from the students' assessment results
    /// (terciles of the school's scores) when the round limits it, income from the roster.
    func assign(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        let (p, _, actor): (Place, PlainForm, String)
        switch try await staffForm(PlainForm.self, request, context) { case .response(let r): return r; case .found(let x): (p, _, actor) = x }
        let id = try context.parameters.require("round")
        guard var record = try await rounds(p).first(where: { $0.id == id }) else { return Pages.notFound("No enrichment round “\(id)”.") }
        let b = try body(record)
        let surveys = try await server.store.interestSurveys(district: p.district, round: id)
        guard !surveys.isEmpty else { return try await round(request, context, message: "Not assigned: no student has answered the survey yet.", status: .badRequest) }
        let instance = b.instance(surveys: surveys.map { ($0.student, $0.choices) }, roster: p.roster)
        var rng = SeededGenerator(seed: 0)
        let result: EnrichmentResult
        do {
            result = try Enrichment.solve(instance, using: &rng)
        } catch .invalidInstance(let problems) {
            return try await round(request, context, message: "Not assigned: " + problems.joined(separator: "; ") + ".", status: .badRequest)
        }
        record.result = try Self.json(result)
        record.status = EnrichmentRound.Status.assigned.rawValue
        record.updatedAt = Date()
        try await server.store.updateEnrichmentRound(record)
        try await keepSummary(p)
        try await server.store.record(AuditEvent(district: p.district, at: Date(), actor: actor, action: "enrichment-assign",
                                                 detail: "round \(id): \(result.placed) of \(instance.students.count) placed, rank sum \(result.rankSum)"))
        return Response(status: .seeOther, headers: [.location: base(p) + "/\(id)"])
    }

    /// The district's participation this school year, kept with the term's diagnostic for
    /// trends and plan measures (the term's revision moves, so every cache reads it afresh).
    func keepSummary(_ p: Place) async throws {
        guard let kept = try await server.store.diagnostic(district: p.district, term: p.term) else { return }
        let placed = try await placedThisYear(p, school: nil)
        var d = try Diagnostic(archived: kept.json)
        d.enrichment = EnrichmentSummary(EnrichmentParticipation(p.roster, school: nil, rounds: placed, goal: 0))
        try await server.store.saveDiagnostic(district: p.district, term: p.term,
                                              StoredDiagnostic(json: try d.archived(), computedAt: kept.computedAt, options: kept.options))
    }

    // MARK: The students' survey

    struct SurveyForm: Decodable {
        var csrf: String?
        var student: String?
        var code: String?
        var choice1, choice2, choice3, choice4, choice5: String?
    }

    func surveyRound(_ context: MosaicRequestContext) async throws -> (String, EnrichmentRoundRecord, Body)? {
        let district = try context.parameters.require("district"), id = try context.parameters.require("round")
        guard let record = try await server.store.enrichmentRounds(district: district).first(where: { $0.id == id }),
              let b = try? body(record) else { return nil }
        return (district, record, b)
    }

    func surveyClusters(_ b: Body, _ language: Language) -> [FamilyPages.School] {
        b.clusters.map { .init(id: $0.id, name: language == .es ? ($0.titleEs ?? $0.title) : $0.title) }
    }

    func surveyForm(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        guard let (_, record, b) = try await surveyRound(context) else { return Pages.notFound("There is no such enrichment survey.") }
        let family = FamilyRounds(server: server)
        let language = family.language(request)
        let pages = FamilyPages(language: language, path: request.uri.path)
        let csrf = request.cookies[FamilyRounds.csrfCookie]?.value ?? Accounts.newToken()
        return family.respond(request, pages.surveyForm(round: record.name, clusters: surveyClusters(b, language), choices: Self.choicesAsked,
                                                        csrf: csrf, open: record.status == "surveying"), csrf: csrf)
    }

    func survey(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        guard let (district, record, b) = try await surveyRound(context) else { return Pages.notFound("There is no such enrichment survey.") }
        let family = FamilyRounds(server: server)
        let language = family.language(request)
        let pages = FamilyPages(language: language, path: request.uri.path)
        let clusters = surveyClusters(b, language)
        let csrf = request.cookies[FamilyRounds.csrfCookie]?.value ?? Accounts.newToken()
        func again(_ problems: [String], _ status: HTTPResponse.Status, chosen: [String] = []) -> Response {
            family.respond(request, pages.surveyForm(round: record.name, clusters: clusters, choices: Self.choicesAsked, csrf: csrf,
                                                     problems: problems, chosen: chosen, open: record.status == "surveying"),
                           csrf: csrf, status: status)
        }
        guard record.status == "surveying" else { return again([], .conflict) }
        guard let form = try await SignIn.decode(SurveyForm.self, request), let sent = form.csrf, !sent.isEmpty,
              sent == request.cookies[FamilyRounds.csrfCookie]?.value else { return again(["apply.problem.expired"], .forbidden) }
        let student = (form.student ?? "").trimmingCharacters(in: .whitespaces)
        let code = (form.code ?? "").trimmingCharacters(in: .whitespaces).uppercased()
        let known = Set(b.clusters.map(\.id))
        let choices = [form.choice1, form.choice2, form.choice3, form.choice4, form.choice5].compactMap { $0 }.filter(known.contains)
        guard let hash = b.codes[student], hash == Rounds.hash(code) else { return again(["survey.problem.code"], .forbidden, chosen: choices) }
        var problems: [String] = []
        if choices.isEmpty { problems.append("survey.problem.nochoice") }
        if Set(choices).count != choices.count { problems.append("survey.problem.twice") }
        guard problems.isEmpty else { return again(problems, .badRequest, chosen: choices) }
        try await server.store.putInterestSurvey(InterestSurveyRecord(district: district, round: record.id, student: student, choices: choices,
                                                                      language: language.rawValue, submittedAt: Date()))
        try await server.store.record(AuditEvent(district: district, at: Date(), actor: "student", action: "interest-survey",
                                                 detail: "round \(record.id): \(choices.count) choices"))
        return family.respond(request, pages.surveySent(round: record.name, chosen: choices.compactMap { c in clusters.first { $0.id == c }?.name }), csrf: nil)
    }
}

/// A staff form's CSRF token.
protocol CSRFCarrying { var csrf: String? { get } }
