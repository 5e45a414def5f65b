import Foundation
import MosaicCore
import MosaicImport
@testable import MosaicStore
import MosaicTestSupport
import Testing

/// The hand-made OneRoster 1.1 fixture of the import tests (with its extension files).
func fixtureRoster() throws -> Roster {
    let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    return try OneRosterReader.read(tests.appendingPathComponent("MosaicImportTests/Fixtures/roster-1.1").path)
}

let district = DistrictRecord(id: "D1", name: "Hillside Unified School District", synthetic: false)

func term(_ id: String, _ r: Roster, at seconds: TimeInterval = 0) -> TermRecord {
    TermRecord(district: "D1", id: id, title: "Term \(id)", schoolYear: 2026,
               importedAt: Date(timeIntervalSince1970: 1_790_000_000 + seconds), students: r.students.count,
               schools: r.orgs.filter { $0.type == "school" }.count, sections: r.sections.count, enrollments: r.enrollmentCount)
}

@Suite struct StoreConformanceTests {
    @Test(arguments: Backend.allCases)
    func migrationsApplyOnceAndInOrder(_ backend: Backend) async throws {
        try await withStore(backend) { (store: any Store) async throws in
            #expect(try await store.schemaVersion() == 0)
            #expect(try await store.migrate() == Migrations.all.map(\.version))
            #expect(try await store.migrate() == [])
            #expect(try await store.schemaVersion() == Migrations.newest)
        }
    }

    /// Servers started together on an empty database migrate it once, none failing
    /// (on PostgreSQL two concurrent `CREATE TABLE IF NOT EXISTS` collided: one server
    /// of `scripts/cluster` exited; four SQLite stores in one process timed out on each
    /// other's write lock until writers waited in Swift, see `SQLiteConcurrencyTests`).
    @Test(arguments: [Backend.sqlite, .postgres])
    func storesMigratingAtOnceMigrateOnce(_ backend: Backend) async throws {
        try await withStoreURL(backend) { url in
            let stores = try await withThrowingTaskGroup(of: (any Store).self) { group in
                for _ in 0..<4 { group.addTask { try await openStore(url, logger: TestSupport.logger) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let failures = await withTaskGroup(of: String?.self) { group in
                for store in stores { group.addTask { do { _ = try await store.migrate(); return nil } catch { return "\(error)" } } }
                return await group.reduce(into: [String]()) { if let f = $1 { $0.append(f) } }
            }
            #expect(failures == [])
            for store in stores { #expect(try await store.schemaVersion() == Migrations.newest) }
            let sql = try #require(stores[0] as? SQLStore)
            let versions = try await sql.database.query("SELECT version FROM schema_migrations ORDER BY version", []).compactMap { $0.first?.int }
            #expect(versions == Migrations.all.map(\.version))
            for store in stores { try await store.close() }
        }
    }

    @Test(arguments: Backend.allCases)
    func aTermsRosterReadsBackAsItWasImported(_ backend: Backend) async throws {
        var r = try fixtureRoster()
        r.openHonors = [.init(student: 0, section: 0, optedIn: "2026-01-25"),
                        .init(student: 1, section: 0, optedIn: "2026-01-26", optedOut: "2026-02-10")]
        r.assessments = [.init(student: 0, subject: "math", score: 312, proficient: true),
                         .init(student: 1, subject: "math", score: 287.5, proficient: nil)]
        r.courses[1].titleEs = "Inglés de honores 9"
        try await withStore(backend) { (store: any Store) async throws in
            try await store.migrate()
            try await store.importTerm(term("fall", r), district: district, roster: r, diagnostic: nil, replace: false)
            #expect(try await store.districts() == [district])
            #expect(try await store.terms(district: "D1") == [term("fall", r)])
            let back = try await store.roster(district: "D1", term: "fall")
            #expect(back.version == r.version)
            #expect(back.orgs == r.orgs)
            #expect(back.sessions == r.sessions)
            #expect(back.courses == r.courses)
            #expect(back.sections == r.sections)
            #expect(back.students == r.students)
            #expect(back.enrollmentSection == r.enrollmentSection)
            #expect(back.enrollmentStudent == r.enrollmentStudent)
            #expect(back.reference == r.reference)
            #expect(back.openHonors == r.openHonors)
            #expect(back.assessments == r.assessments)
            // The ledger alone is replaced; the rest of the roster stays.
            let ledger = [Roster.OpenHonorsChoice(student: 2, section: 0, optedIn: "2026-01-27", optedOut: "2026-02-03")]
            let kept = StoredDiagnostic(json: "{}", computedAt: Date(timeIntervalSince1970: 1_700_000_000), options: "draws=0")
            try await store.replaceOpenHonors(district: "D1", term: "fall", ledger, diagnostic: kept)
            let replaced = try await store.roster(district: "D1", term: "fall")
            #expect(replaced.openHonors == ledger && replaced.students == r.students && replaced.assessments == r.assessments)
            #expect(try await store.diagnostic(district: "D1", term: "fall") == kept)
            await #expect(throws: StoreError.noSuchTerm(district: "D1", term: "spring")) {
                try await store.replaceOpenHonors(district: "D1", term: "spring", [], diagnostic: nil)
            }
            await #expect(throws: StoreError.noSuchTerm(district: "D1", term: "spring")) {
                try await store.roster(district: "D1", term: "spring")
            }
        }
    }

    /// Bulk loading writes every value as it is: PostgreSQL's COPY text format escapes
    /// a backslash, tab, line break and carriage return, and tells NULL (`\N`) from the
    /// text `\N` and from an empty string.
    @Test(arguments: Backend.allCases)
    func awkwardTextsAndNumbersReadBackAsWritten(_ backend: Backend) async throws {
        var r = try fixtureRoster()
        r.courses[0].title = "Tab\there, line\nbreak, return\r, back\\slash, \\N, \\t"
        r.courses[0].titleEs = "\\N"
        r.courses[1].titleEs = ""
        r.sections[0].title = "Ünïcödé 名前 😀 \"quoted\" 'single'"
        r.students[0].homeLanguage = ""
        r.students[1].homeLanguage = nil
        r.students[2].homeLanguage = "\\"
        r.assessments = [.init(student: 0, subject: "math\tscience", score: 1e-7, proficient: true),
                         .init(student: 1, subject: "", score: 1.7976931348623157e308, proficient: false),
                         .init(student: 2, subject: "reading", score: -0.5, proficient: nil)]
        try await withStore(backend) { (store: any Store) async throws in
            try await store.migrate()
            try await store.importTerm(term("fall", r), district: district, roster: r, diagnostic: nil, replace: false)
            let back = try await store.roster(district: "D1", term: "fall")
            #expect(back.courses == r.courses)
            #expect(back.sections == r.sections)
            #expect(back.students == r.students)
            #expect(back.assessments == r.assessments)
        }
    }

    @Test(arguments: Backend.allCases)
    func aStoredTermIsReplacedOnlyWhenAsked(_ backend: Backend) async throws {
        let r = try fixtureRoster()
        var smaller = r
        smaller.students[0].race = .asian
        try await withStore(backend) { (store: any Store) async throws in
            try await store.migrate()
            try await store.importTerm(term("fall", r), district: district, roster: r, diagnostic: nil, replace: false)
            await #expect(throws: StoreError.termExists(district: "D1", term: "fall")) {
                try await store.importTerm(term("fall", smaller), district: district, roster: smaller, diagnostic: nil, replace: false)
            }
            #expect(try await store.roster(district: "D1", term: "fall").students[0].race == r.students[0].race)
            try await store.importTerm(term("fall", smaller, at: 60), district: district, roster: smaller, diagnostic: nil, replace: true)
            #expect(try await store.roster(district: "D1", term: "fall").students[0].race == .asian)
            #expect(try await store.terms(district: "D1").count == 1)
            // Many terms per district, in the order they were imported.
            try await store.importTerm(term("spring", r, at: 120), district: district, roster: r, diagnostic: nil, replace: false)
            #expect(try await store.terms(district: "D1").map(\.id) == ["fall", "spring"])
        }
    }

    @Test(arguments: [Backend.sqlite, .postgres])
    func anImportThatFailsHalfwayLeavesTheStoreAsItWas(_ backend: Backend) async throws {
        let r = try fixtureRoster()
        try await withStore(backend, failAfterTable: "students") { (store: any Store) async throws in
            try await store.migrate()
            await #expect(throws: SQLStore.InjectedFailure.self) {
                try await store.importTerm(term("fall", r), district: district, roster: r, diagnostic: nil, replace: false)
            }
            #expect(try await store.districts() == [])
            #expect(try await store.terms(district: "D1") == [])
            let sql = try #require(store as? SQLStore)
            for table in SQLStore.termTables + ["terms", "districts"] {
                #expect(try await sql.database.query("SELECT COUNT(*) FROM \(table)", []).first?.first?.int == 0, "\(table)")
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func diagnosticsAreKeptPerTerm(_ backend: Backend) async throws {
        let r = try fixtureRoster()
        let d1 = StoredDiagnostic(json: #"{"term":"fall","é":"ü"}"#, computedAt: Date(timeIntervalSince1970: 1_790_000_100.25), options: "baseline=200 seed=1")
        try await withStore(backend) { (store: any Store) async throws in
            try await store.migrate()
            try await store.importTerm(term("fall", r), district: district, roster: r, diagnostic: d1, replace: false)
            #expect(try await store.diagnostic(district: "D1", term: "fall") == d1)
            #expect(try await store.terms(district: "D1").map(\.revision) == [0])
            var d2 = d1
            d2.json = #"{"term":"fall","again":true}"#
            try await store.saveDiagnostic(district: "D1", term: "fall", d2)
            #expect(try await store.diagnostic(district: "D1", term: "fall") == d2)
            // A change after the import moves the term's revision (every cache reads afresh).
            #expect(try await store.terms(district: "D1").map(\.revision) == [1])
            try await store.replaceOpenHonors(district: "D1", term: "fall", [], diagnostic: nil)
            #expect(try await store.allTerms()["D1"]?.map(\.revision) == [2])
            #expect(try await store.diagnostic(district: "D1", term: "spring") == nil)
            await #expect(throws: StoreError.noSuchTerm(district: "D1", term: "spring")) {
                try await store.saveDiagnostic(district: "D1", term: "spring", d2)
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func usersTokensAndTheAuditLog(_ backend: Backend) async throws {
        let r = try fixtureRoster()
        let at = Date(timeIntervalSince1970: 1_790_000_000)
        let leader = UserRecord(district: "D1", email: "lee@hillside.example", role: .school, schools: ["S1", "S2"],
                                passwordHash: "$2b$12$abc", createdAt: at)
        try await withStore(backend) { (store: any Store) async throws in
            try await store.migrate()
            await #expect(throws: StoreError.noSuchDistrict("D1")) { try await store.addUser(leader) }
            try await store.importTerm(term("fall", r), district: district, roster: r, diagnostic: nil, replace: false)
            try await store.addUser(leader)
            await #expect(throws: StoreError.userExists(leader.email)) { try await store.addUser(leader) }
            #expect(try await store.user(email: leader.email) == leader)
            #expect(try await store.user(email: "nobody@example") == nil)
            try await store.addToken(hash: "h1", email: leader.email, createdAt: at)
            #expect(try await store.user(tokenHash: "h1") == leader)
            #expect(try await store.user(tokenHash: "h2") == nil)
            await #expect(throws: StoreError.noSuchUser("x@y")) { try await store.addToken(hash: "h3", email: "x@y", createdAt: at) }
            // Sessions: found until they expire, gone once deleted.
            let web = WebSession(hash: "s1", district: "D1", email: leader.email, csrf: "c1", createdAt: at, expiresAt: at.addingTimeInterval(3_600))
            try await store.createSession(web)
            let found = try await store.session(hash: "s1", now: at.addingTimeInterval(60))
            #expect(found?.0 == web && found?.1 == leader)
            #expect(try await store.session(hash: "s1", now: at.addingTimeInterval(3_601)) == nil)
            #expect(try await store.session(hash: "s2", now: at) == nil)
            try await store.deleteSession(hash: "s1")
            #expect(try await store.session(hash: "s1", now: at) == nil)
            for (i, action) in ["login", "export", "view-student-data"].enumerated() {
                try await store.record(AuditEvent(district: "D1", at: at.addingTimeInterval(Double(i)), actor: leader.email,
                                                  action: action, detail: "fall"))
            }
            try await store.record(AuditEvent(district: nil, at: at.addingTimeInterval(9), actor: "public", action: "login-failed", detail: ""))
            #expect(try await store.auditLog(district: "D1", limit: 2).map(\.action) == ["view-student-data", "export"])
            #expect(try await store.auditLog(district: nil, limit: 10).map(\.action) == ["login-failed", "view-student-data", "export", "login"])
            // Pages and filters: by action, by actor, skipping the newer ones.
            for i in 0..<25 {
                try await store.record(AuditEvent(district: "D1", at: at.addingTimeInterval(100 + Double(i)), actor: i % 5 == 0 ? "ana@d1.example" : "public",
                                                  action: i % 5 == 0 ? "export" : "application-form", detail: "\(i)"))
            }
            let exports = try await store.auditLog(AuditQuery(district: "D1", action: "export", limit: 100))
            #expect(exports.map(\.detail) == ["20", "15", "10", "5", "0", "fall"])
            #expect(try await store.auditLog(AuditQuery(district: "D1", actor: "ana@d1.example", offset: 1, limit: 2)).map(\.detail) == ["15", "10"])
            let second = try await store.auditLog(AuditQuery(district: "D1", offset: 10, limit: 10)).map(\.detail)
            #expect(second == ["14", "13", "12", "11", "10", "9", "8", "7", "6", "5"])
            #expect(try await store.auditLog(AuditQuery(district: "D1", offset: 30, limit: 10)).isEmpty)
            // Revoking a user's tokens, and removing the user with their tokens and sessions.
            try await store.addToken(hash: "h4", email: leader.email, createdAt: at)
            #expect(try await store.revokeTokens(email: leader.email) == 2)
            #expect(try await store.user(tokenHash: "h1") == nil)
            #expect(try await store.user(tokenHash: "h4") == nil)
            try await store.addToken(hash: "h5", email: leader.email, createdAt: at)
            try await store.createSession(WebSession(hash: "s3", district: "D1", email: leader.email, csrf: "c3", createdAt: at, expiresAt: at.addingTimeInterval(3_600)))
            #expect(try await store.removeUser(email: leader.email))
            #expect(try await store.user(email: leader.email) == nil)
            #expect(try await store.user(tokenHash: "h5") == nil)
            #expect(try await store.session(hash: "s3", now: at) == nil)
            #expect(try await !store.removeUser(email: leader.email))
        }
    }

    @Test(arguments: Backend.allCases)
    func anActionPlanKeepsItsItemsInOrderAndWhole(_ backend: Backend) async throws {
        let r = try fixtureRoster()
        let at = Date(timeIntervalSince1970: 1_790_000_000.25)
        let open = PlanItem(
            district: "D1", id: "", rootCause: "courseEnrollment", action: "universalIdentification", title: "",
            detail: "Auto-enrol every student who meets the state benchmark in grade 8 algebra.", scope: .withinSchools,
            owner: "Director of curriculum", timeline: .short, status: .inProgress,
            notes: [.advocates: "Families asked for letters in Spanish and Haitian Creole.", .educators: "Counsellors want a list in May."],
            steps: [.prioritize: "High impact, low cost.", .plan: "Letters in April; review in October."],
            measure: .init(indicator: "advancedRate:race:black", target: 0.3, by: "2027-28"), updatedAt: at, updatedBy: "ana@district.example")
        var own = open
        own.rootCause = "other"
        own.action = nil
        own.title = "Bus route review"
        own.measure = nil
        own.notes = [:]
        try await withStore(backend) { (store: any Store) async throws in
            try await store.migrate()
            await #expect(throws: StoreError.noSuchDistrict("D1")) { _ = try await store.addPlanItem(open) }
            try await store.importTerm(term("fall", r), district: district, roster: r, diagnostic: nil, replace: false)
            let first = try await store.addPlanItem(open), second = try await store.addPlanItem(own)
            #expect(first.id == "1" && second.id == "2")
            #expect(try await store.planItems(district: "D1") == [first, second])
            #expect(try await store.planItems(district: "D2").isEmpty)
            var done = first
            done.status = .done
            done.notes[.practitioners] = "The board approved the budget."
            let updated = try await store.updatePlanItem(done)
            #expect(updated.version == 2 && first.version == 1)
            #expect(try await store.planItems(district: "D1") == [updated, second])
            // A change or removal made from version 1 is stale now: refused, nothing written.
            var stale = first
            stale.title = "An older edit"
            await #expect(throws: StoreError.stalePlanItem(district: "D1", id: "1", current: 2)) { try await store.updatePlanItem(stale) }
            await #expect(throws: StoreError.stalePlanItem(district: "D1", id: "1", current: 2)) {
                try await store.deletePlanItem(district: "D1", id: "1", version: 1)
            }
            #expect(try await store.planItems(district: "D1") == [updated, second])
            // Two changes made from the same version at once: one is kept, the other refused.
            var a = updated, b = updated
            a.owner = "Writer A"
            b.owner = "Writer B"
            func attempt(_ x: PlanItem) async -> Bool { (try? await store.updatePlanItem(x)) != nil }
            async let ra = attempt(a)
            async let rb = attempt(b)
            let results = await [ra, rb]
            #expect(results.filter { $0 }.count == 1)
            let kept = try await store.planItems(district: "D1")[0]
            #expect(kept.version == 3 && ["Writer A", "Writer B"].contains(kept.owner))
            done = kept
            var ghost = done
            ghost.id = "9"
            await #expect(throws: StoreError.noSuchPlanItem(district: "D1", id: "9")) { try await store.updatePlanItem(ghost) }
            #expect(try await store.deletePlanItem(district: "D1", id: "1", version: 3))
            #expect(try await !store.deletePlanItem(district: "D1", id: "1", version: nil))
            // Numbers are not reused after a deletion of an earlier item...
            #expect(try await store.addPlanItem(open).id == "3")
            #expect(try await store.planItems(district: "D1").map(\.id) == ["2", "3"])
            // ...nor of the last one (a stale form for item 3 must not land on a new item 3).
            #expect(try await store.deletePlanItem(district: "D1", id: "3", version: nil))
            #expect(try await store.addPlanItem(open).id == "4")
            #expect(try await store.deletePlanItem(district: "D1", id: "4", version: nil))
            // Every district's terms in one read, as terms(district:) gives them.
            try await store.importTerm(term("spring", r, at: 60), district: district, roster: r, diagnostic: nil, replace: false)
            let all = try await store.allTerms()
            #expect(Array(all.keys) == ["D1"])
            #expect(try await all["D1"] == store.terms(district: "D1"))
            #expect(all["D1"]?.map(\.id) == ["fall", "spring"])
        }
    }

    /// Application rounds: numbered per district; applications stored all or nothing,
    /// found by reference; match runs numbered per round, one published at a time.
    @Test(arguments: Backend.allCases)
    func anEnrichmentRoundKeepsItsProposalsSurveysAndAssignment(_ backend: Backend) async throws {
        let r = try fixtureRoster()
        let at = Date(timeIntervalSince1970: 1_790_000_000.5)
        let round = EnrichmentRoundRecord(district: "D1", term: "fall", school: "S1", name: "Fall clusters", status: "proposing", goal: 0.4,
                                          json: #"{"clusters":[{"id":"robotics","min":8,"max":20}]}"#, updatedAt: at)
        try await withStore(backend) { (store: any Store) async throws in
            try await store.migrate()
            await #expect(throws: StoreError.noSuchDistrict("D1")) { _ = try await store.addEnrichmentRound(round) }
            try await store.importTerm(term("fall", r), district: district, roster: r, diagnostic: nil, replace: false)
            let first = try await store.addEnrichmentRound(round)
            let second = try await store.addEnrichmentRound(round)
            #expect(first.id == "1" && second.id == "2")
            var assigned = first
            assigned.status = "assigned"
            assigned.result = #"{"assignments":{"s1":"robotics"}}"#
            try await store.updateEnrichmentRound(assigned)
            #expect(try await store.enrichmentRounds(district: "D1") == [assigned, second])
            var missing = round
            missing.id = "9"
            await #expect(throws: StoreError.noSuchEnrichmentRound(district: "D1", id: "9")) { try await store.updateEnrichmentRound(missing) }
            // A student's survey replaces her earlier one; rounds keep their own.
            let a = InterestSurveyRecord(district: "D1", round: "1", student: "s2", choices: ["robotics", "theatre"], language: "es", submittedAt: at)
            var b = InterestSurveyRecord(district: "D1", round: "1", student: "s1", choices: ["theatre"], language: "en", submittedAt: at)
            try await store.putInterestSurvey(a)
            try await store.putInterestSurvey(b)
            b.choices = ["robotics", "garden", "theatre"]
            try await store.putInterestSurvey(b)
            #expect(try await store.interestSurveys(district: "D1", round: "1") == [b, a])
            #expect(try await store.interestSurveys(district: "D1", round: "2") == [])
            await #expect(throws: StoreError.noSuchEnrichmentRound(district: "D1", id: "7")) {
                try await store.putInterestSurvey(InterestSurveyRecord(district: "D1", round: "7", student: "s1", choices: [], language: "en", submittedAt: at))
            }
        }
    }

    /// Boundary instances numbered per district, scenarios per instance; a scenario needs its instance.
    @Test(arguments: Backend.allCases)
    func boundaryInstancesKeepTheirScenarios(_ backend: Backend) async throws {
        let r = try fixtureRoster()
        let at = Date(timeIntervalSince1970: 1_790_000_000.5)
        let instance = BoundaryInstanceRecord(district: "D1", name: "Generated city", json: #"{"schools":[],"units":[]}"#, addedAt: at, addedBy: "ana@district.org")
        try await withStore(backend) { (store: any Store) async throws in
            try await store.migrate()
            await #expect(throws: StoreError.noSuchDistrict("D1")) { _ = try await store.addBoundaryInstance(instance) }
            try await store.importTerm(term("fall", r), district: district, roster: r, diagnostic: nil, replace: false)
            let first = try await store.addBoundaryInstance(instance)
            var named = instance
            named.name = "NYC district 3"
            let second = try await store.addBoundaryInstance(named)
            #expect(first.id == "1" && second.id == "2")
            #expect(try await store.boundaryInstances(district: "D1") == [first, second])
            #expect(try await store.boundaryInstances(district: "D2") == [])
            let scenario = BoundaryScenarioRecord(district: "D1", instance: "2", name: "Travel +50 %", kind: "redraw",
                                                  settings: #"{"seed":1}"#, result: #"{"after":{"D":0.3}}"#, runAt: at, runBy: "ana@district.org")
            let s1 = try await store.addBoundaryScenario(scenario)
            let s2 = try await store.addBoundaryScenario(scenario)
            #expect(s1.id == "1" && s2.id == "2")
            #expect(try await store.boundaryScenarios(district: "D1", instance: "2") == [s1, s2])
            #expect(try await store.boundaryScenarios(district: "D1", instance: "1") == [])
            var orphan = scenario
            orphan.instance = "9"
            await #expect(throws: StoreError.noSuchBoundaryInstance(district: "D1", id: "9")) { _ = try await store.addBoundaryScenario(orphan) }
        }
    }

    @Test(arguments: Backend.allCases)
    func anApplicationRoundKeepsItsApplicationsAndRuns(_ backend: Backend) async throws {
        let r = try fixtureRoster()
        let at = Date(timeIntervalSince1970: 1_790_000_000.5)
        let round = ApplicationRoundRecord(district: "D1", term: "fall", name: "Kindergarten 2027", status: "open",
                                           json: #"{"schools":[{"id":"S01","capacity":2}]}"#, updatedAt: at)
        func application(_ id: String, _ reference: String, prefs: String = "S01") -> ApplicationRecord {
            ApplicationRecord(district: "D1", round: "1", applicant: id, reference: reference, secretHash: "hash-\(id)",
                              json: #"{"id":"\#(id)","prefs":["\#(prefs)"]}"#, source: "form", submittedAt: at)
        }
        try await withStore(backend) { (store: any Store) async throws in
            try await store.migrate()
            await #expect(throws: StoreError.noSuchDistrict("D1")) { _ = try await store.addApplicationRound(round) }
            try await store.importTerm(term("fall", r), district: district, roster: r, diagnostic: nil, replace: false)
            let first = try await store.addApplicationRound(round), second = try await store.addApplicationRound(round)
            #expect(first.id == "1" && second.id == "2")
            var closed = first
            closed.status = "closed"
            try await store.updateApplicationRound(closed)
            #expect(try await store.applicationRounds(district: "D1") == [closed, second])
            var ghost = closed
            ghost.id = "7"
            await #expect(throws: StoreError.noSuchRound(district: "D1", id: "7")) { try await store.updateApplicationRound(ghost) }

            try await store.putApplications([application("st2", "R-B"), application("st1", "R-A")], district: "D1", round: "1", replacingSource: nil)
            #expect(try await store.applications(district: "D1", round: "1").map(\.applicant) == ["st1", "st2"])
            // A new secret for a lost code changes the secret only: the office opened the
            // application, the family then sent new choices, and those stay.
            let opened = try #require(try await store.application(district: "D1", round: "1", applicant: "st1"))
            try await store.putApplications([application("st1", "R-A", prefs: "S02")], district: "D1", round: "1", replacingSource: nil)
            let renewed = try #require(try await store.replaceApplicationSecret(district: "D1", round: "1", applicant: "st1", secretHash: "new-hash"))
            #expect(renewed.secretHash == "new-hash" && renewed.json.contains("S02") && opened.json.contains("S01"))
            #expect(try await store.replaceApplicationSecret(district: "D1", round: "1", applicant: "nobody", secretHash: "x") == nil)
            try await store.putApplications([application("st1", "R-A")], district: "D1", round: "1", replacingSource: nil)
            #expect(try await store.applications(district: "D1", round: "2").isEmpty)
            // A family resubmits: the application is replaced, the others stay.
            try await store.putApplications([application("st1", "R-A", prefs: "S02")], district: "D1", round: "1", replacingSource: nil)
            #expect(try await store.application(district: "D1", round: "1", reference: "R-A")?.json.contains("S02") == true)
            #expect(try await store.application(district: "D1", round: "1", reference: "R-Z") == nil)
            #expect(try await store.application(district: "D1", round: "1", applicant: "st1")?.reference == "R-A")
            #expect(try await store.application(district: "D1", round: "1", applicant: "nobody") == nil)
            // Two applications with one reference: nothing is stored.
            await #expect(throws: (any Error).self) {
                try await store.putApplications([application("st3", "R-C"), application("st4", "R-C")], district: "D1", round: "1", replacingSource: nil)
            }
            #expect(try await store.applications(district: "D1", round: "1").map(\.applicant) == ["st1", "st2"])
            // An upload of the whole round replaces the round's earlier uploads, never a
            // family's own application (st1, st2 came by the form)...
            func uploaded(_ id: String, _ reference: String) -> ApplicationRecord {
                var a = application(id, reference)
                a.source = "upload"
                return a
            }
            try await store.putApplications([uploaded("st8", "R-8"), uploaded("st7", "R-7")], district: "D1", round: "1", replacingSource: "upload")
            try await store.putApplications([uploaded("st9", "R-9")], district: "D1", round: "1", replacingSource: "upload")
            #expect(try await store.applications(district: "D1", round: "1").map(\.applicant) == ["st1", "st2", "st9"])
            // ...and one that names a family's applicant is refused whole.
            await #expect(throws: StoreError.applicantsFromAnotherSource(round: "1", applicants: ["st2"])) {
                try await store.putApplications([uploaded("st6", "R-6"), uploaded("st2", "R-22")], district: "D1", round: "1", replacingSource: "upload")
            }
            #expect(try await store.applications(district: "D1", round: "1").map(\.applicant) == ["st1", "st2", "st9"])
            await #expect(throws: StoreError.noSuchRound(district: "D1", id: "5")) {
                try await store.putApplications([application("st1", "R-1")], district: "D1", round: "5", replacingSource: nil)
            }

            let run = MatchRunRecord(district: "D1", round: "1", seed: UInt64.max - 1, inputSha256: String(repeating: "ab", count: 32),
                                     mechanism: "da", json: #"{"assignments":[]}"#, runAt: at, runBy: "office@district.example")
            let one = try await store.addMatchRun(run), two = try await store.addMatchRun(run)
            #expect(one.id == "1" && two.id == "2" && !one.published)
            try await store.publishMatchRun(district: "D1", round: "1", run: "2")
            #expect(try await store.matchRuns(district: "D1", round: "1").map(\.published) == [false, true])
            try await store.publishMatchRun(district: "D1", round: "1", run: "1")
            let runs = try await store.matchRuns(district: "D1", round: "1")
            #expect(runs.map(\.published) == [true, false])
            #expect(runs[0].seed == UInt64.max - 1 && runs[0].inputSha256 == run.inputSha256 && runs[0].runAt == at && runs[0].runBy == run.runBy)
            await #expect(throws: StoreError.self) { try await store.publishMatchRun(district: "D1", round: "1", run: "3") }
            await #expect(throws: StoreError.noSuchRound(district: "D1", id: "4")) { _ = try await store.addMatchRun(MatchRunRecord(
                district: "D1", round: "4", seed: 1, inputSha256: "", mechanism: "da", json: "{}", runAt: at, runBy: "x")) }
        }
    }

    /// Invitations to apply: issued in one go, found by their code's hash, a child's new
    /// invitation replacing the old (whose code stops working).
    @Test(arguments: Backend.allCases)
    func invitationsAreFoundByTheirCode(_ backend: Backend) async throws {
        let r = try fixtureRoster()
        let at = Date(timeIntervalSince1970: 1_790_000_000.5)
        let round = ApplicationRoundRecord(district: "D1", term: "fall", name: "K", status: "open", json: #"{"schools":[]}"#, updatedAt: at)
        try await withStore(backend) { (store: any Store) async throws in
            try await store.migrate()
            try await store.importTerm(term("fall", r), district: district, roster: r, diagnostic: nil, replace: false)
            _ = try await store.addApplicationRound(round)
            await #expect(throws: StoreError.noSuchRound(district: "D1", id: "9")) {
                try await store.putInvitations([], district: "D1", round: "9")
            }
            try await store.putInvitations([
                ApplicationInvitation(district: "D1", round: "1", student: "c1", codeHash: "h1", groups: ["economic": "disadvantaged"], issuedAt: at),
                ApplicationInvitation(district: "D1", round: "1", student: "c2", codeHash: "h2", issuedAt: at),
            ], district: "D1", round: "1")
            #expect(try await store.invitation(district: "D1", round: "1", codeHash: "h1")?.groups == ["economic": "disadvantaged"])
            #expect(try await store.invitation(district: "D1", round: "1", codeHash: "h2")?.student == "c2")
            #expect(try await store.invitationCount(district: "D1", round: "1") == 2)
            try await store.putInvitations([ApplicationInvitation(district: "D1", round: "1", student: "c1", codeHash: "h3", issuedAt: at)],
                                           district: "D1", round: "1")
            #expect(try await store.invitation(district: "D1", round: "1", codeHash: "h1") == nil)
            #expect(try await store.invitation(district: "D1", round: "1", codeHash: "h3")?.student == "c1")
            #expect(try await store.invitationCount(district: "D1", round: "1") == 2)
        }
    }

    /// Throttle counts live in the store: fixed windows, restarted once passed, and
    /// concurrent hits (two servers) all counted.
    @Test(arguments: Backend.allCases)
    func throttleHitsAreCountedAtomically(_ backend: Backend) async throws {
        let t0 = Date(timeIntervalSince1970: 1_790_000_000.25)
        let key = ThrottleKey(scope: "login-account", subject: "ana@d1.example")
        try await withStore(backend) { (store: any Store) async throws in
            try await store.migrate()
            #expect(try await store.hits(key, window: 900, now: t0).hits == 0)
            #expect(try await store.hit(key, window: 900, now: t0) == ThrottleCount(hits: 1, windowStart: t0))
            #expect(try await store.hit(key, window: 900, now: t0.addingTimeInterval(60)).hits == 2)
            #expect(try await store.hits(key, window: 900, now: t0.addingTimeInterval(899)).hits == 2)
            #expect(try await store.hits(key, window: 900, now: t0.addingTimeInterval(900)).hits == 0)
            let later = t0.addingTimeInterval(901)
            #expect(try await store.hit(key, window: 900, now: later) == ThrottleCount(hits: 1, windowStart: later))
            // Another key is counted apart; clearing forgets one key only.
            let other = ThrottleKey(district: "D1", scope: "apply-address", subject: "203.0.113.9")
            #expect(try await store.hit(other, window: 3_600, now: later).hits == 1)
            try await store.clearHits(key)
            #expect(try await store.hits(key, window: 900, now: later).hits == 0)
            #expect(try await store.hits(other, window: 3_600, now: later).hits == 1)
            // 40 hits at once: every one counted.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<40 { group.addTask { _ = try await store.hit(key, window: 900, now: later) } }
                try await group.waitForAll()
            }
            #expect(try await store.hits(key, window: 900, now: later).hits == 40)
        }
    }
}

/// Districts known from public data only (issue 24): thousands, stored in one transaction,
/// found by search and state, never listed with the roster districts.
@Suite struct PublicDistrictStoreTests {
    static func item(_ id: String, _ name: String, state: String, students: Int) -> PublicDistrictImport {
        let district = DistrictRecord(id: id, name: name, synthetic: false, state: state, publicData: "public data: CRDC 2015-16, high schools")
        let roster = Roster(version: "crdc-2015-16", orgs: [.init(id: id, name: name, type: "district"), .init(id: "hs1", name: "\(name) High", type: "school", parent: 0)],
                            sessions: [.init(id: "2015-16", title: "2015-16", type: "schoolYear", startDate: "2015-07-01", endDate: "2016-06-30", schoolYear: 2016)],
                            courses: [], sections: [], students: [], enrollmentSection: [], enrollmentStudent: [],
                            reference: [.race: ["black": 10, "white": 20]])
        let term = TermRecord(district: id, id: "2015-16", title: "2015-16 (CRDC, high schools)", schoolYear: 2016,
                              importedAt: Date(timeIntervalSince1970: 1_790_000_000), students: students, schools: 1, sections: 0, enrollments: 0)
        return PublicDistrictImport(district: district, term: term, roster: roster,
                                    diagnostic: StoredDiagnostic(json: "{\"id\":\"\(id)\"}", computedAt: Date(timeIntervalSince1970: 1_790_000_000), options: "crdc"))
    }

    @Test(arguments: Backend.allCases)
    func publicDistrictsAreStoredTogetherAndFoundBySearch(_ backend: Backend) async throws {
        try await withStore(backend) { (store: any Store) async throws in
            try await store.migrate()
            let r = try fixtureRoster()
            try await store.importTerm(term("fall", r), district: district, roster: r, diagnostic: nil, replace: false)
            let items = [Self.item("crdc-ga-cobb", "Cobb County", state: "GEORGIA", students: 35_141),
                         Self.item("crdc-ga-fulton", "Fulton County", state: "GEORGIA", students: 28_000),
                         Self.item("crdc-tx-cobb", "COBB ISD 100%_x", state: "TEXAS", students: 900)]
            try await store.importPublicDistricts(items, replace: false)
            // Listed apart from the roster districts; each found by id.
            #expect(try await store.districts().map(\.id) == ["D1"])
            #expect(try await store.allTerms().keys.sorted() == ["D1"])
            #expect(try await store.district("crdc-ga-cobb") == items[0].district)
            #expect(try await store.terms(district: "crdc-ga-fulton") == [items[1].term])
            let back = try await store.roster(district: "crdc-ga-cobb", term: "2015-16")
            #expect(back.orgs == items[0].roster.orgs && back.sessions == items[0].roster.sessions && back.reference == items[0].roster.reference)
            #expect(try await store.diagnostic(district: "crdc-tx-cobb", term: "2015-16")?.json == "{\"id\":\"crdc-tx-cobb\"}")
            // Search: every word, any case, in a state; LIKE's wildcards are plain text.
            #expect(try await store.publicDistricts(matching: "cobb", state: nil, limit: 10).map(\.id) == ["crdc-tx-cobb", "crdc-ga-cobb"])
            #expect(try await store.publicDistricts(matching: "county COBB", state: nil, limit: 10).map(\.id) == ["crdc-ga-cobb"])
            #expect(try await store.publicDistricts(matching: "cobb", state: "GEORGIA", limit: 10).map(\.id) == ["crdc-ga-cobb"])
            #expect(try await store.publicDistricts(matching: "100%_", state: nil, limit: 10).map(\.id) == ["crdc-tx-cobb"])
            #expect(try await store.publicDistricts(matching: "1%0", state: nil, limit: 10).isEmpty)
            #expect(try await store.publicDistricts(matching: "", state: "GEORGIA", limit: 1).map(\.id) == ["crdc-ga-cobb"])
            #expect(try await store.publicStates().map { "\($0.state)=\($0.districts)" } == ["GEORGIA=2", "TEXAS=1"])
            // Again without replace: refused, nothing changed; with replace: the new set.
            await #expect(throws: StoreError.self) { try await store.importPublicDistricts([Self.item("crdc-ga-cobb", "Cobb", state: "GEORGIA", students: 1)], replace: false) }
            let before = try await store.publicDataVersion()
            try await store.importPublicDistricts([Self.item("crdc-ga-cobb", "Cobb County School District", state: "GEORGIA", students: 35_000)], replace: true)
            #expect(try await store.publicDataVersion() != before)
            #expect(try await store.publicStates().map { "\($0.state)=\($0.districts)" } == ["GEORGIA=1"])
            #expect(try await store.district("crdc-ga-fulton") == nil)
            #expect(try await store.district("crdc-ga-cobb")?.name == "Cobb County School District")
            #expect(try await store.terms(district: "crdc-ga-cobb").map(\.students) == [35_000])
            #expect(try await store.terms(district: "crdc-ga-fulton").isEmpty)
            #expect(try await store.districts().map(\.id) == ["D1"])
        }
    }
}
