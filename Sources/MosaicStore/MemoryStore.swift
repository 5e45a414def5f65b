import Foundation
import MosaicCore

/// The store in memory, for tests: the same behaviour as ``SQLStore`` (the conformance
/// suite runs on both), nothing kept after the process. An import is atomic because
/// the actor's state changes only once it has succeeded.
public actor MemoryStore: Store {
    struct Term {
        var record: TermRecord
        var roster: Roster
        var diagnostic: StoredDiagnostic?
    }

    var version = 0
    var districtList: [String: DistrictRecord] = [:]
    var termList: [String: [String: Term]] = [:]
    var users: [String: UserRecord] = [:]
    var tokens: [String: String] = [:]
    var audit: [AuditEvent] = []

    public init() {}

    public func migrate() async throws -> [Int] {
        let applied = Migrations.all.map(\.version).filter { $0 > version }
        version = Migrations.newest
        return applied
    }

    public func schemaVersion() async throws -> Int { version }

    public func districts() async throws -> [DistrictRecord] { districtList.values.filter { $0.publicData == nil }.sorted { $0.id < $1.id } }

    public func district(_ id: String) async throws -> DistrictRecord? { districtList[id] }

    public func publicDistricts(matching query: String, state: String?, limit: Int) async throws -> [DistrictRecord] {
        let words = query.lowercased().split(whereSeparator: \.isWhitespace).prefix(8)
        return Array(districtList.values
            .filter { d in d.publicData != nil && (state == nil || d.state == state) && words.allSatisfy { d.name.lowercased().contains($0) } }
            .sorted { ($0.name, $0.state ?? "", $0.id) < ($1.name, $1.state ?? "", $1.id) }
            .prefix(max(0, limit)))
    }

    public func publicStates() async throws -> [(state: String, districts: Int)] {
        Dictionary(grouping: districtList.values.filter { $0.publicData != nil }.compactMap(\.state), by: { $0 })
            .map { ($0.key, $0.value.count) }.sorted { $0.0 < $1.0 }
    }

    var publicImports = 0
    public func publicDataVersion() async throws -> String { "memory/\(publicImports)" }

    public func importPublicDistricts(_ items: [PublicDistrictImport], replace: Bool) async throws {
        let existing = Set(districtList.values.filter { $0.publicData != nil }.map(\.id))
        if !replace, let clash = items.first(where: { existing.contains($0.district.id) }) {
            throw StoreError.termExists(district: clash.district.id, term: clash.term.id)
        }
        if replace {
            let kept = Set(items.map(\.district.id))
            for id in existing where !kept.contains(id) { termList[id] = nil; districtList[id] = nil }
        }
        for item in items {
            districtList[item.district.id] = item.district
            termList[item.district.id, default: [:]][item.term.id] = Term(record: item.term, roster: item.roster, diagnostic: item.diagnostic)
        }
        publicImports += 1
    }

    public func terms(district: String) async throws -> [TermRecord] {
        (termList[district] ?? [:]).values.map(\.record).sorted {
            ($0.importedAt, $0.id) < ($1.importedAt, $1.id)
        }
    }

    public func allTerms() async throws -> [String: [TermRecord]] {
        var out: [String: [TermRecord]] = [:]
        for d in termList.keys where districtList[d]?.publicData == nil { out[d] = try await terms(district: d) }
        return out
    }

    public func importTerm(_ term: TermRecord, district: DistrictRecord, roster: Roster, diagnostic: StoredDiagnostic?,
                           replace: Bool) async throws {
        if termList[district.id]?[term.id] != nil && !replace {
            throw StoreError.termExists(district: district.id, term: term.id)
        }
        if districtList[district.id] == nil { districtList[district.id] = district }
        termList[district.id, default: [:]][term.id] = Term(record: term, roster: roster, diagnostic: diagnostic)
        scheduleReviews = scheduleReviews.filter { !($0.value.district == district.id && $0.value.term == term.id) }
    }

    var scheduleReviews: [String: ScheduleReviewRecord] = [:]

    public func saveScheduleReview(_ review: ScheduleReviewRecord) async throws {
        _ = try stored(review.district, review.term)
        scheduleReviews["\(review.district) \(review.term) \(review.school)"] = review
    }

    public func scheduleReview(district: String, term: String, school: String) async throws -> ScheduleReviewRecord? {
        scheduleReviews["\(district) \(term) \(school)"]
    }

    func stored(_ district: String, _ term: String) throws -> Term {
        guard let t = termList[district]?[term] else { throw StoreError.noSuchTerm(district: district, term: term) }
        return t
    }

    /// How many times a whole roster was read (tests: pages that should not read one per
    /// request do not).
    public private(set) var rosterReads = 0

    public func roster(district: String, term: String) async throws -> Roster {
        rosterReads += 1
        return try stored(district, term).roster
    }

    public func replaceOpenHonors(district: String, term: String, _ ledger: [Roster.OpenHonorsChoice], diagnostic: StoredDiagnostic?) async throws {
        _ = try stored(district, term)
        termList[district]![term]!.roster.openHonors = ledger
        if let diagnostic { termList[district]![term]!.diagnostic = diagnostic }
        termList[district]![term]!.record.revision += 1
    }

    public func recordOpenHonors(district: String, term: String, _ choice: OpenHonorsLedger.Choice,
                                 updating: @Sendable ([Roster.OpenHonorsChoice], StoredDiagnostic?) throws -> StoredDiagnostic?) async throws {
        let stored = try stored(district, term)
        let change = try OpenHonorsLedger.change(for: choice, in: stored.roster.openHonors)
        let ledger = OpenHonorsLedger.applying(change, to: stored.roster.openHonors)
        let diagnostic = try updating(ledger, stored.diagnostic)
        termList[district]![term]!.roster.openHonors = ledger
        if let diagnostic { termList[district]![term]!.diagnostic = diagnostic }
        termList[district]![term]!.record.revision += 1
    }

    public func saveDiagnostic(district: String, term: String, _ diagnostic: StoredDiagnostic) async throws {
        _ = try stored(district, term)
        termList[district]![term]!.diagnostic = diagnostic
        termList[district]![term]!.record.revision += 1
    }

    public func diagnostic(district: String, term: String) async throws -> StoredDiagnostic? {
        termList[district]?[term]?.diagnostic
    }

    public func addUser(_ u: UserRecord) async throws {
        guard districtList[u.district] != nil else { throw StoreError.noSuchDistrict(u.district) }
        guard users[u.email] == nil else { throw StoreError.userExists(u.email) }
        users[u.email] = u
    }

    public func user(email: String) async throws -> UserRecord? { users[email] }

    public func addToken(hash: String, email: String, createdAt: Date) async throws {
        guard users[email] != nil else { throw StoreError.noSuchUser(email) }
        tokens[hash] = email
    }

    public func user(tokenHash: String) async throws -> UserRecord? { tokens[tokenHash].flatMap { users[$0] } }

    public func revokeTokens(email: String) async throws -> Int {
        let mine = tokens.filter { $0.value == email }.map(\.key)
        for t in mine { tokens.removeValue(forKey: t) }
        return mine.count
    }

    public func removeUser(email: String) async throws -> Bool {
        guard users.removeValue(forKey: email) != nil else { return false }
        tokens = tokens.filter { $0.value != email }
        sessions = sessions.filter { $0.value.email != email }
        return true
    }

    var sessions: [String: WebSession] = [:]

    public func createSession(_ session: WebSession) async throws {
        guard users[session.email] != nil else { throw StoreError.noSuchUser(session.email) }
        sessions[session.hash] = session
    }

    public func session(hash: String, now: Date) async throws -> (WebSession, UserRecord)? {
        guard let s = sessions[hash], s.expiresAt > now, let u = users[s.email] else { return nil }
        return (s, u)
    }

    public func deleteSession(hash: String) async throws { sessions[hash] = nil }

    var plans: [String: [PlanItem]] = [:]

    public func planItems(district: String) async throws -> [PlanItem] { plans[district] ?? [] }

    /// The last plan-item id given per district, removed items' included.
    var lastPlanID: [String: Int] = [:]

    public func addPlanItem(_ item: PlanItem) async throws -> PlanItem {
        guard districtList[item.district] != nil else { throw StoreError.noSuchDistrict(item.district) }
        var item = item
        let number = max(lastPlanID[item.district] ?? 0, (plans[item.district] ?? []).compactMap { Int($0.id) }.max() ?? 0) + 1
        lastPlanID[item.district] = number
        item.id = String(number)
        item.version = 1
        plans[item.district, default: []].append(item)
        return item
    }

    @discardableResult
    public func updatePlanItem(_ item: PlanItem) async throws -> PlanItem {
        guard let k = plans[item.district]?.firstIndex(where: { $0.id == item.id }) else {
            throw StoreError.noSuchPlanItem(district: item.district, id: item.id)
        }
        let current = plans[item.district]![k].version ?? 1
        if let expected = item.version, expected != current {
            throw StoreError.stalePlanItem(district: item.district, id: item.id, current: current)
        }
        var stored = item
        stored.version = current + 1
        plans[item.district]![k] = stored
        return stored
    }

    public func deletePlanItem(district: String, id: String, version: Int?) async throws -> Bool {
        guard let k = plans[district]?.firstIndex(where: { $0.id == id }) else { return false }
        let current = plans[district]![k].version ?? 1
        if let version, version != current { throw StoreError.stalePlanItem(district: district, id: id, current: current) }
        plans[district]!.remove(at: k)
        return true
    }

    var boundaryInstanceList: [String: [BoundaryInstanceRecord]] = [:]
    /// Scenarios by "district instance".
    var boundaryScenarioList: [String: [BoundaryScenarioRecord]] = [:]

    public func boundaryInstances(district: String) async throws -> [BoundaryInstanceRecord] { boundaryInstanceList[district] ?? [] }

    public func addBoundaryInstance(_ instance: BoundaryInstanceRecord) async throws -> BoundaryInstanceRecord {
        guard districtList[instance.district] != nil else { throw StoreError.noSuchDistrict(instance.district) }
        var instance = instance
        instance.id = String((boundaryInstanceList[instance.district] ?? []).compactMap { Int($0.id) }.max().map { $0 + 1 } ?? 1)
        boundaryInstanceList[instance.district, default: []].append(instance)
        return instance
    }

    public func boundaryScenarios(district: String, instance: String) async throws -> [BoundaryScenarioRecord] {
        boundaryScenarioList["\(district) \(instance)"] ?? []
    }

    public func addBoundaryScenario(_ scenario: BoundaryScenarioRecord) async throws -> BoundaryScenarioRecord {
        guard boundaryInstanceList[scenario.district]?.contains(where: { $0.id == scenario.instance }) == true else {
            throw StoreError.noSuchBoundaryInstance(district: scenario.district, id: scenario.instance)
        }
        let key = "\(scenario.district) \(scenario.instance)"
        var scenario = scenario
        scenario.id = String((boundaryScenarioList[key] ?? []).compactMap { Int($0.id) }.max().map { $0 + 1 } ?? 1)
        boundaryScenarioList[key, default: []].append(scenario)
        return scenario
    }

    var enrichment: [String: [EnrichmentRoundRecord]] = [:]
    /// Surveys by "district round" and student.
    var surveys: [String: [String: InterestSurveyRecord]] = [:]

    public func enrichmentRounds(district: String) async throws -> [EnrichmentRoundRecord] { enrichment[district] ?? [] }

    public func addEnrichmentRound(_ round: EnrichmentRoundRecord) async throws -> EnrichmentRoundRecord {
        guard districtList[round.district] != nil else { throw StoreError.noSuchDistrict(round.district) }
        var round = round
        round.id = String((enrichment[round.district] ?? []).compactMap { Int($0.id) }.max().map { $0 + 1 } ?? 1)
        enrichment[round.district, default: []].append(round)
        return round
    }

    public func updateEnrichmentRound(_ round: EnrichmentRoundRecord) async throws {
        guard let k = enrichment[round.district]?.firstIndex(where: { $0.id == round.id }) else {
            throw StoreError.noSuchEnrichmentRound(district: round.district, id: round.id)
        }
        enrichment[round.district]![k] = round
    }

    public func interestSurveys(district: String, round: String) async throws -> [InterestSurveyRecord] {
        (surveys["\(district) \(round)"] ?? [:]).values.sorted { $0.student < $1.student }
    }

    public func putInterestSurvey(_ survey: InterestSurveyRecord) async throws {
        guard enrichment[survey.district]?.contains(where: { $0.id == survey.round }) == true else {
            throw StoreError.noSuchEnrichmentRound(district: survey.district, id: survey.round)
        }
        surveys["\(survey.district) \(survey.round)", default: [:]][survey.student] = survey
    }

    var rounds: [String: [ApplicationRoundRecord]] = [:]
    /// Applications by "district round" and applicant.
    var applicationsByRound: [String: [String: ApplicationRecord]] = [:]
    var runs: [String: [MatchRunRecord]] = [:]

    func hasRound(_ district: String, _ round: String) -> Bool { rounds[district]?.contains { $0.id == round } == true }

    public func applicationRounds(district: String) async throws -> [ApplicationRoundRecord] { rounds[district] ?? [] }

    public func addApplicationRound(_ round: ApplicationRoundRecord) async throws -> ApplicationRoundRecord {
        guard districtList[round.district] != nil else { throw StoreError.noSuchDistrict(round.district) }
        var round = round
        round.id = String((rounds[round.district] ?? []).compactMap { Int($0.id) }.max().map { $0 + 1 } ?? 1)
        rounds[round.district, default: []].append(round)
        return round
    }

    public func updateApplicationRound(_ round: ApplicationRoundRecord) async throws {
        guard let k = rounds[round.district]?.firstIndex(where: { $0.id == round.id }) else {
            throw StoreError.noSuchRound(district: round.district, id: round.id)
        }
        rounds[round.district]![k] = round
    }

    public func applications(district: String, round: String) async throws -> [ApplicationRecord] {
        (applicationsByRound["\(district) \(round)"] ?? [:]).values.sorted { $0.applicant < $1.applicant }
    }

    public func putApplications(_ applications: [ApplicationRecord], district: String, round: String, replacingSource: String?) async throws {
        guard hasRound(district, round) else { throw StoreError.noSuchRound(district: district, id: round) }
        var stored = applicationsByRound["\(district) \(round)"] ?? [:]
        if let source = replacingSource {
            let clashes = applications.map(\.applicant).filter { stored[$0].map { $0.source != source } ?? false }
            guard clashes.isEmpty else { throw StoreError.applicantsFromAnotherSource(round: round, applicants: clashes) }
            stored = stored.filter { $0.value.source != source }
        }
        for a in applications { stored[a.applicant] = a }
        // References are unique within a round, as the SQL stores' constraint has it.
        guard Set(stored.values.map(\.reference)).count == stored.count else {
            throw StoreError.database("two applications share a reference", sql: "applications")
        }
        applicationsByRound["\(district) \(round)"] = stored
    }

    public func replaceApplicationSecret(district: String, round: String, applicant: String, secretHash: String) async throws -> ApplicationRecord? {
        guard applicationsByRound["\(district) \(round)"]?[applicant] != nil else { return nil }
        applicationsByRound["\(district) \(round)"]?[applicant]?.secretHash = secretHash
        return applicationsByRound["\(district) \(round)"]?[applicant]
    }

    public func application(district: String, round: String, reference: String) async throws -> ApplicationRecord? {
        applicationsByRound["\(district) \(round)"]?.values.first { $0.reference == reference }
    }

    public func application(district: String, round: String, applicant: String) async throws -> ApplicationRecord? {
        applicationsByRound["\(district) \(round)"]?[applicant]
    }

    var invitationsByRound: [String: [String: ApplicationInvitation]] = [:]

    public func putInvitations(_ invitations: [ApplicationInvitation], district: String, round: String) async throws {
        guard hasRound(district, round) else { throw StoreError.noSuchRound(district: district, id: round) }
        var stored = invitationsByRound["\(district) \(round)"] ?? [:]
        for i in invitations { stored[i.student] = i }
        guard Set(stored.values.map(\.codeHash)).count == stored.count else {
            throw StoreError.database("two invitations share a code", sql: "application_invitations")
        }
        invitationsByRound["\(district) \(round)"] = stored
    }

    public func invitation(district: String, round: String, codeHash: String) async throws -> ApplicationInvitation? {
        invitationsByRound["\(district) \(round)"]?.values.first { $0.codeHash == codeHash }
    }

    public func invitationCount(district: String, round: String) async throws -> Int { invitationsByRound["\(district) \(round)"]?.count ?? 0 }

    var throttles: [ThrottleKey: ThrottleCount] = [:]
    var jobList: [String: StoredJob] = [:]
    var exclusiveJobs: Set<String> = []

    public func hit(_ key: ThrottleKey, window: TimeInterval, now: Date) async throws -> ThrottleCount {
        var count = try await hits(key, window: window, now: now)
        if count.hits == 0 { count.windowStart = now }
        count.hits += 1
        throttles[key] = count
        return count
    }

    public func hits(_ key: ThrottleKey, window: TimeInterval, now: Date) async throws -> ThrottleCount {
        guard let c = throttles[key], c.windowStart.addingTimeInterval(window) > now else { return ThrottleCount(hits: 0, windowStart: now) }
        return c
    }

    public func clearHits(_ key: ThrottleKey) async throws { throttles[key] = nil }

    public func addMatchRun(_ run: MatchRunRecord) async throws -> MatchRunRecord {
        guard hasRound(run.district, run.round) else { throw StoreError.noSuchRound(district: run.district, id: run.round) }
        var run = run
        let key = "\(run.district) \(run.round)"
        run.id = String((runs[key] ?? []).compactMap { Int($0.id) }.max().map { $0 + 1 } ?? 1)
        run.published = false
        runs[key, default: []].append(run)
        return run
    }

    public func matchRuns(district: String, round: String) async throws -> [MatchRunRecord] { runs["\(district) \(round)"] ?? [] }

    var matchResults: [String: [String: String]] = [:]

    public func putMatchResults(district: String, round: String, run: String, _ results: [(applicant: String, json: String)]) async throws {
        guard runs["\(district) \(round)"]?.contains(where: { $0.id == run }) == true else {
            throw StoreError.noSuchRound(district: district, id: "\(round) run \(run)")
        }
        matchResults["\(district) \(round) \(run)"] = Dictionary(results.map { ($0.applicant, $0.json) }, uniquingKeysWith: { _, b in b })
    }

    public func matchResult(district: String, round: String, run: String, applicant: String) async throws -> String? {
        matchResults["\(district) \(round) \(run)"]?[applicant]
    }

    public func publishMatchRun(district: String, round: String, run: String) async throws {
        let key = "\(district) \(round)"
        guard runs[key]?.contains(where: { $0.id == run }) == true else { throw StoreError.noSuchRound(district: district, id: "\(round) run \(run)") }
        for i in runs[key]!.indices { runs[key]![i].published = runs[key]![i].id == run }
    }

    public func record(_ event: AuditEvent) async throws { audit.append(event) }

    public func auditLog(_ query: AuditQuery) async throws -> [AuditEvent] {
        // Newest first; events of the same instant newest-recorded first, as SQL orders them.
        let matching = audit.enumerated().filter { query.matches($0.element) }.sorted { ($0.element.at, $0.offset) > ($1.element.at, $1.offset) }
        return Array(matching.dropFirst(query.offset).prefix(query.limit).map(\.element))
    }

    public func close() async throws {}
}
