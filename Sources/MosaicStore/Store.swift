import Foundation
import Logging
import MosaicCore

/// Where Mosaic keeps a district's terms, their rosters and diagnostics, its users and
/// the audit log. One protocol, three backends: ``MemoryStore`` (tests), a SQLite file
/// (the embedded default) and PostgreSQL (the shared deployment), the latter two through
/// ``SQLStore``. Every record belongs to a district (`district_id` on every table).
public protocol Store: Sendable {
    /// Brings the schema to the newest migration; returns the versions it applied.
    @discardableResult func migrate() async throws -> [Int]
    /// The newest migration applied (0 for an empty store).
    func schemaVersion() async throws -> Int

    /// The districts with rosters or school counts of their own, by id. Districts known
    /// from public data only (thousands of them) are left out: find them with
    /// ``publicDistricts(matching:state:limit:)``.
    func districts() async throws -> [DistrictRecord]
    /// One district, whatever its kind.
    func district(_ id: String) async throws -> DistrictRecord?
    func terms(district: String) async throws -> [TermRecord]
    /// Every district's terms (as ``terms(district:)`` orders them), in one read; the
    /// districts of ``districts()`` only.
    func allTerms() async throws -> [String: [TermRecord]]

    /// Public-data districts whose name contains `query` (any case; every word of it, in
    /// any order), in `state` when given, by name, at most `limit`.
    func publicDistricts(matching query: String, state: String?, limit: Int) async throws -> [DistrictRecord]
    /// The states with public-data districts, and how many each has, by name.
    func publicStates() async throws -> [(state: String, districts: Int)]
    /// Changes with every ``importPublicDistricts(_:replace:)``, whichever server made it
    /// (what a server's in-memory index of the public-data districts is kept against).
    func publicDataVersion() async throws -> String
    /// Stores many public-data districts, each with one term, in one transaction (all or
    /// nothing); with `replace`, the public-data districts stored before are removed first.
    func importPublicDistricts(_ districts: [PublicDistrictImport], replace: Bool) async throws

    /// Stores a term's roster and its diagnostic in one transaction: after an error or
    /// an interruption the store is as it was. A term already stored is refused unless
    /// `replace`, which swaps it in the same transaction. The district is created on
    /// first import.
    func importTerm(_ term: TermRecord, district: DistrictRecord, roster: Roster, diagnostic: StoredDiagnostic?,
                    replace: Bool) async throws
    /// A stored term's roster, as it was imported.
    func roster(district: String, term: String) async throws -> Roster
    /// Replaces a term's open-honors ledger (`Roster.openHonors`) whole — and with it the
    /// term's diagnostic, when given, so the two never disagree — in one transaction; the
    /// rest of the roster is untouched. Throws `noSuchTerm`.
    func replaceOpenHonors(district: String, term: String, _ ledger: [Roster.OpenHonorsChoice], diagnostic: StoredDiagnostic?) async throws
    /// Records one open-honors choice against the term's ledger as it stands, in one
    /// transaction that holds the term against other writers: the rule
    /// (``OpenHonorsLedger/change(for:in:)``) is applied to the rows read inside it, one row
    /// is added or its opt-out date set, and `updating` turns the new ledger and the stored
    /// diagnostic into the diagnostic to keep (nil: leave it). Throws the ledger's
    /// `Refusal` (nothing written) or `noSuchTerm`.
    func recordOpenHonors(district: String, term: String, _ choice: OpenHonorsLedger.Choice,
                          updating: @Sendable ([Roster.OpenHonorsChoice], StoredDiagnostic?) throws -> StoredDiagnostic?) async throws
    /// Keeps a (re)computed diagnostic for a term.
    func saveDiagnostic(district: String, term: String, _ diagnostic: StoredDiagnostic) async throws
    func diagnostic(district: String, term: String) async throws -> StoredDiagnostic?

    func addUser(_ user: UserRecord) async throws
    func user(email: String) async throws -> UserRecord?
    /// Keeps an API token by its hash (the token itself is shown once and never stored).
    func addToken(hash: String, email: String, createdAt: Date) async throws
    /// Revokes every API token of a user at once; how many there were.
    @discardableResult func revokeTokens(email: String) async throws -> Int
    /// Removes a user with their tokens and sign-in sessions, in one transaction; false
    /// when there is no such user. (Their audit-log entries stay.)
    @discardableResult func removeUser(email: String) async throws -> Bool
    func user(tokenHash: String) async throws -> UserRecord?

    /// Keeps a signed-in browser session by the hash of its cookie.
    func createSession(_ session: WebSession) async throws
    /// The session and its user, if the session exists and has not expired at `now`.
    func session(hash: String, now: Date) async throws -> (WebSession, UserRecord)?
    func deleteSession(hash: String) async throws

    /// The district's action plan, oldest item first.
    func planItems(district: String) async throws -> [PlanItem]
    /// Adds an item under the district's next number (its `id` is ignored) and returns it
    /// with that id.
    func addPlanItem(_ item: PlanItem) async throws -> PlanItem
    /// Replaces the district's item with the same id.
    /// - Throws: ``StoreError/noSuchPlanItem(district:id:)``.
    /// With `item.version` set, the change is refused unless the stored item is at that
    /// version (``StoreError/stalePlanItem(district:id:current:)``); the stored version then
    /// goes up by one. Returns the item as stored.
    @discardableResult func updatePlanItem(_ item: PlanItem) async throws -> PlanItem
    /// Removes an item; false when there was none.
    /// With `version`, refused as stale unless the stored item is at that version. An id
    /// is never given to another item, even after its item is removed.
    @discardableResult func deletePlanItem(district: String, id: String, version: Int?) async throws -> Bool

    /// The district's application rounds (school choice), oldest first.
    func applicationRounds(district: String) async throws -> [ApplicationRoundRecord]
    /// Adds a round under the district's next number (its `id` is ignored) and returns it.
    func addApplicationRound(_ round: ApplicationRoundRecord) async throws -> ApplicationRoundRecord
    /// Replaces the round with the same id.
    /// - Throws: ``StoreError/noSuchRound(district:id:)``.
    func updateApplicationRound(_ round: ApplicationRoundRecord) async throws
    /// The round's applications, by applicant id.
    func applications(district: String, round: String) async throws -> [ApplicationRecord]
    /// Stores applications in one transaction — all of them or none: each replaces the
    /// application with the same applicant id. With `replacingSource` (a CSV upload of the
    /// whole round: `upload`), the round's other applications *from that source* are
    /// removed, and the upload is refused whole when it names an applicant who applied
    /// another way (``StoreError/applicantsFromAnotherSource(round:applicants:)``): an upload
    /// never removes a family's own application.
    func putApplications(_ applications: [ApplicationRecord], district: String, round: String, replacingSource: String?) async throws
    /// The application a family's reference number names.
    func application(district: String, round: String, reference: String) async throws -> ApplicationRecord?
    /// Gives an application a new secret (a family's lost code), changing nothing else of
    /// it: one row update, so a family's own resubmission at the same moment is never
    /// overwritten by a stale copy. Nil when there is no such application.
    func replaceApplicationSecret(district: String, round: String, applicant: String, secretHash: String) async throws -> ApplicationRecord?
    /// The application of one applicant (a child), or nil.
    func application(district: String, round: String, applicant: String) async throws -> ApplicationRecord?
    /// Issues invitations to apply, in one transaction: each replaces the child's earlier
    /// invitation of the round (its old code stops working).
    /// - Throws: ``StoreError/noSuchRound(district:id:)``.
    func putInvitations(_ invitations: [ApplicationInvitation], district: String, round: String) async throws
    /// The invitation whose code has this hash, or nil.
    func invitation(district: String, round: String, codeHash: String) async throws -> ApplicationInvitation?
    /// How many invitations the round has issued.
    func invitationCount(district: String, round: String) async throws -> Int

    /// Keeps a school's schedule review for a term, replacing the one before.
    /// - Throws: ``StoreError/noSuchTerm(district:term:)``.
    func saveScheduleReview(_ review: ScheduleReviewRecord) async throws
    /// The school's kept schedule review for the term, or nil.
    func scheduleReview(district: String, term: String, school: String) async throws -> ScheduleReviewRecord?

    /// Counts one more hit in the key's window, atomically (two servers on one database
    /// count together): a hit after the window has passed starts a new window.
    func hit(_ key: ThrottleKey, window: TimeInterval, now: Date) async throws -> ThrottleCount
    /// The key's hits in its current window (0 when it has passed or never began).
    func hits(_ key: ThrottleKey, window: TimeInterval, now: Date) async throws -> ThrottleCount
    /// Forgets the key's hits (a right password clears its account and address).
    func clearHits(_ key: ThrottleKey) async throws
    /// Records a match run under the round's next number (its `id` is ignored).
    func addMatchRun(_ run: MatchRunRecord) async throws -> MatchRunRecord
    /// The round's match runs, oldest first.
    func matchRuns(district: String, round: String) async throws -> [MatchRunRecord]
    /// Keeps each applicant's result of a run (its explanation as JSON), replacing the
    /// run's earlier ones: computed once when the run is published, read per family.
    /// - Throws: ``StoreError/noSuchRound(district:id:)`` when the round has no such run.
    func putMatchResults(district: String, round: String, run: String, _ results: [(applicant: String, json: String)]) async throws
    /// One applicant's kept result of a run, or nil.
    func matchResult(district: String, round: String, run: String, applicant: String) async throws -> String?
    /// Publishes one run: it becomes the round's published result (any other is withdrawn).
    /// - Throws: ``StoreError/noSuchRound(district:id:)`` when the round has no such run.
    func publishMatchRun(district: String, round: String, run: String) async throws

    /// The district's enrichment rounds (schoolwide enrichment), oldest first.
    func enrichmentRounds(district: String) async throws -> [EnrichmentRoundRecord]
    /// Adds a round under the district's next number (its `id` is ignored) and returns it.
    func addEnrichmentRound(_ round: EnrichmentRoundRecord) async throws -> EnrichmentRoundRecord
    /// Replaces the round with the same id.
    /// - Throws: ``StoreError/noSuchEnrichmentRound(district:id:)``.
    func updateEnrichmentRound(_ round: EnrichmentRoundRecord) async throws
    /// The round's interest surveys, by student id.
    func interestSurveys(district: String, round: String) async throws -> [InterestSurveyRecord]
    /// Keeps a student's survey, replacing her earlier one in the round.
    /// - Throws: ``StoreError/noSuchEnrichmentRound(district:id:)``.
    func putInterestSurvey(_ survey: InterestSurveyRecord) async throws

    /// The district's boundary instances (planning units and schools, contract
    /// `boundaries.md` JSON), oldest first.
    func boundaryInstances(district: String) async throws -> [BoundaryInstanceRecord]
    /// Adds an instance under the district's next number (its `id` is ignored) and returns it.
    /// - Throws: ``StoreError/noSuchDistrict(_:)``.
    func addBoundaryInstance(_ instance: BoundaryInstanceRecord) async throws -> BoundaryInstanceRecord
    /// The scenarios run on one instance, oldest first.
    func boundaryScenarios(district: String, instance: String) async throws -> [BoundaryScenarioRecord]
    /// Adds a scenario under the instance's next number (its `id` is ignored) and returns it.
    /// - Throws: ``StoreError/noSuchBoundaryInstance(district:id:)``.
    func addBoundaryScenario(_ scenario: BoundaryScenarioRecord) async throws -> BoundaryScenarioRecord

    func record(_ event: AuditEvent) async throws
    /// The events a query asks for, newest first: one page of them, filtered.
    func auditLog(_ query: AuditQuery) async throws -> [AuditEvent]

    /// Queues a job (``StoredJob``: its `state`, counts and times are set here).
    /// - Throws: ``JobQueueFull`` when `capacity` jobs are already queued.
    func submitJob(_ job: StoredJob, capacity: Int, now: Date) async throws -> StoredJob
    /// Queues a job unless one of the same district and owner queued this way is queued or
    /// running, which it then returns (`new` false): decided by the database (a unique
    /// index over such jobs), so two servers asked at the same moment start one job — one
    /// schedule review per school at a time.
    /// - Throws: ``JobQueueFull`` when `capacity` jobs are already queued.
    func submitExclusiveJob(_ job: StoredJob, capacity: Int, now: Date) async throws -> (job: StoredJob, new: Bool)
    /// Claims the oldest queued job of these kinds for `worker`, or nil: each job is
    /// claimed once, however many servers ask at the same moment (PostgreSQL: `SELECT …
    /// FOR UPDATE SKIP LOCKED`; SQLite: one writer at a time).
    func claimJob(worker: String, kinds: [String], now: Date) async throws -> StoredJob?
    /// Records progress and the worker's heartbeat; false when the job is no longer this
    /// worker's (it was given to another after its heartbeat stopped): stop working on it.
    func reportJob(_ id: String, worker: String, done: Int, total: Int, now: Date) async throws -> Bool
    /// Records how the worker's job ended: `result` when it finished, else `error`. False
    /// when the job is no longer this worker's.
    func endJob(_ id: String, worker: String, result: String?, error: String?, now: Date) async throws -> Bool
    /// Jobs running with no heartbeat since `before` (their server stopped) go back to
    /// the queue, or fail with ``jobAbandonedMessage`` once claimed `maxAttempts` times.
    /// - Returns: the ids of the jobs moved.
    func requeueStaleJobs(before: Date, maxAttempts: Int, now: Date) async throws -> [String]
    /// Jobs still queued that were submitted before `before` fail with
    /// ``jobUnclaimedMessage``: no server that can run them took them up (an import's
    /// server did not come back), and they would otherwise hold a place in the queue.
    /// - Returns: the ids of the jobs failed.
    func failUnclaimedJobs(submittedBefore before: Date, now: Date) async throws -> [String]
    /// One job, or nil.
    func job(_ id: String) async throws -> StoredJob?
    /// How many queued jobs were submitted before this one (its place in the queue, 0 =
    /// next), counting every server's.
    func queuedJobsAhead(of job: StoredJob) async throws -> Int
    /// A district's jobs of one owner, newest first, at most `limit`.
    func jobs(district: String, owner: String, limit: Int) async throws -> [StoredJob]
    /// Forgets jobs that ended before `before`.
    func pruneJobs(endedBefore before: Date) async throws

    func close() async throws
}

public struct DistrictRecord: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    /// Synthetic districts are labelled so wherever they are shown.
    public var synthetic: Bool
    /// The state, where known ("GEORGIA" as federal data writes it).
    public var state: String? = nil
    /// A district known from public data only is labelled with its source wherever it is
    /// shown ("public data: CRDC 2015-16, high schools"); nil for a roster district.
    public var publicData: String? = nil

    public init(id: String, name: String, synthetic: Bool, state: String? = nil, publicData: String? = nil) {
        self.id = id
        self.name = name
        self.synthetic = synthetic
        self.state = state
        self.publicData = publicData
    }
}

/// One public-data district as ``Store/importPublicDistricts(_:replace:)`` stores it.
public struct PublicDistrictImport: Sendable {
    public var district: DistrictRecord
    public var term: TermRecord
    public var roster: Roster
    public var diagnostic: StoredDiagnostic

    public init(district: DistrictRecord, term: TermRecord, roster: Roster, diagnostic: StoredDiagnostic) {
        precondition(term.district == district.id && district.publicData != nil)
        self.district = district
        self.term = term
        self.roster = roster
        self.diagnostic = diagnostic
    }
}

public struct TermRecord: Sendable, Equatable, Codable {
    public var district: String
    /// The name the district gives it (`--term`), unique in the district.
    public var id: String
    public var title: String
    public var schoolYear: Int
    public var importedAt: Date
    public var students: Int
    public var schools: Int
    public var sections: Int
    public var enrollments: Int
    /// Changes made to the term since its import (an open-honors choice, an enrichment
    /// summary kept with its diagnostic): a cache of the term's roster or diagnostic in any
    /// server on the store is out of date when this moves.
    public var revision: Int = 0

    public init(district: String, id: String, title: String, schoolYear: Int, importedAt: Date,
                students: Int, schools: Int, sections: Int, enrollments: Int) {
        self.district = district
        self.id = id
        self.title = title
        self.schoolYear = schoolYear
        self.importedAt = importedAt
        self.students = students
        self.schools = schools
        self.sections = sections
        self.enrollments = enrollments
    }
}

/// A diagnostic as `mosaic diagnose --format json` writes it (contract `diagnose.md`),
/// unsuppressed: suppression is applied when it is shown, for the viewer's role.
public struct StoredDiagnostic: Sendable, Equatable {
    public var json: String
    public var computedAt: Date
    /// The options it was computed with (baseline draws, seed, min n), as text.
    public var options: String

    public init(json: String, computedAt: Date, options: String) {
        self.json = json
        self.computedAt = computedAt
        self.options = options
    }
}

/// An application round (school choice) for a district and term: the schools, seats,
/// reserves and priorities as the service's JSON (a `match.md` instance without its
/// students), and where the round stands (`open`, `closed`, `matched`, `published`).
public struct ApplicationRoundRecord: Sendable, Equatable {
    public var district: String
    public var id: String
    public var term: String
    public var name: String
    public var status: String
    public var json: String
    public var updatedAt: Date

    public init(district: String, id: String = "", term: String, name: String, status: String, json: String, updatedAt: Date) {
        self.district = district
        self.id = id
        self.term = term
        self.name = name
        self.status = status
        self.json = json
        self.updatedAt = updatedAt
    }
}

/// A school's enrichment round: the staff's cluster proposals and the mix limits (an
/// `EnrichmentInstance` of `schedule.md` without its students, as JSON), the school's
/// participation goal (a share of its students a year), where the round stands
/// (`proposing`, `surveying`, `assigned`) and, once assigned, the assignment
/// (`EnrichmentResult` JSON).
public struct EnrichmentRoundRecord: Sendable, Equatable {
    public var district: String
    public var id: String
    public var term: String
    public var school: String
    public var name: String
    public var status: String
    public var goal: Double
    public var json: String
    public var result: String?
    public var updatedAt: Date

    public init(district: String, id: String = "", term: String, school: String, name: String, status: String, goal: Double,
                json: String, result: String? = nil, updatedAt: Date) {
        self.district = district
        self.id = id
        self.term = term
        self.school = school
        self.name = name
        self.status = status
        self.goal = goal
        self.json = json
        self.result = result
        self.updatedAt = updatedAt
    }
}

/// A boundary instance kept for scenarios: its name and the instance as JSON (contract
/// `boundaries.md`), with who added it and when.
public struct BoundaryInstanceRecord: Sendable, Equatable {
    public var district: String
    public var id: String
    public var name: String
    public var json: String
    public var addedAt: Date
    public var addedBy: String

    public init(district: String, id: String = "", name: String, json: String, addedAt: Date, addedBy: String) {
        self.district = district
        self.id = id
        self.name = name
        self.json = json
        self.addedAt = addedAt
        self.addedBy = addedBy
    }
}

/// A scenario run on a boundary instance: its name, kind (`redraw` or `pair`), the
/// settings it ran with and its result (the command's JSON output), with who ran it and when.
public struct BoundaryScenarioRecord: Sendable, Equatable {
    public var district: String
    public var instance: String
    public var id: String
    public var name: String
    public var kind: String
    public var settings: String
    public var result: String
    public var runAt: Date
    public var runBy: String

    public init(district: String, instance: String, id: String = "", name: String, kind: String, settings: String, result: String,
                runAt: Date, runBy: String) {
        self.district = district
        self.instance = instance
        self.id = id
        self.name = name
        self.kind = kind
        self.settings = settings
        self.result = result
        self.runAt = runAt
        self.runBy = runBy
    }
}

/// A student's interest survey in an enrichment round: her clusters, most wanted first,
/// and the language she answered in.
public struct InterestSurveyRecord: Sendable, Equatable {
    public var district: String
    public var round: String
    public var student: String
    public var choices: [String]
    public var language: String
    public var submittedAt: Date

    public init(district: String, round: String, student: String, choices: [String], language: String, submittedAt: Date) {
        self.district = district
        self.round = round
        self.student = student
        self.choices = choices
        self.language = language
        self.submittedAt = submittedAt
    }
}

/// One student's application: her ranked schools and what gives her priority, as JSON (a
/// `match.md` student); the reference the family was given and the hash of its secret
/// code (the code itself is never stored); how it came (`form` or `upload`).
public struct ApplicationRecord: Sendable, Equatable {
    public var district: String
    public var round: String
    public var applicant: String
    public var reference: String
    public var secretHash: String
    public var json: String
    public var source: String
    public var submittedAt: Date

    public init(district: String, round: String, applicant: String, reference: String, secretHash: String, json: String,
                source: String, submittedAt: Date) {
        self.district = district
        self.round = round
        self.applicant = applicant
        self.reference = reference
        self.secretHash = secretHash
        self.json = json
        self.source = source
        self.submittedAt = submittedAt
    }
}

/// A match run: the seed and the SHA-256 of the exact input, so anyone can re-run the
/// published lottery; the result as JSON (`match.md`); who ran it and when.
public struct MatchRunRecord: Sendable, Equatable {
    public var district: String
    public var round: String
    public var id: String
    public var seed: UInt64
    public var inputSha256: String
    public var mechanism: String
    public var json: String
    public var runAt: Date
    public var runBy: String
    public var published: Bool

    public init(district: String, round: String, id: String = "", seed: UInt64, inputSha256: String, mechanism: String, json: String,
                runAt: Date, runBy: String, published: Bool = false) {
        self.district = district
        self.round = round
        self.id = id
        self.seed = seed
        self.inputSha256 = inputSha256
        self.mechanism = mechanism
        self.json = json
        self.runAt = runAt
        self.runBy = runBy
        self.published = published
    }
}

public enum Role: String, Sendable, CaseIterable, Codable {
    case district, school, advocate, enrollment
}

public struct UserRecord: Sendable, Equatable {
    public var district: String
    public var email: String
    public var role: Role
    /// For the school role: the schools (sourcedIds) the user leads.
    public var schools: [String]
    public var passwordHash: String
    public var createdAt: Date

    public init(district: String, email: String, role: Role, schools: [String], passwordHash: String, createdAt: Date) {
        self.district = district
        self.email = email
        self.role = role
        self.schools = schools
        self.passwordHash = passwordHash
        self.createdAt = createdAt
    }
}

/// A signed-in browser: the cookie's hash (the cookie itself is never stored), whose it
/// is, the token its forms must carry, and when it ends.
public struct WebSession: Sendable, Equatable {
    public var hash: String
    public var district: String
    public var email: String
    public var csrf: String
    public var createdAt: Date
    public var expiresAt: Date

    public init(hash: String, district: String, email: String, csrf: String, createdAt: Date, expiresAt: Date) {
        self.hash = hash
        self.district = district
        self.email = email
        self.csrf = csrf
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

/// One page of the audit log: a district's events (or every district's), optionally only
/// one actor's or one action's, newest first, `limit` of them after skipping `offset`.
public struct AuditQuery: Sendable, Equatable {
    public var district: String?
    public var actor: String?
    public var action: String?
    public var offset: Int
    public var limit: Int

    public init(district: String?, actor: String? = nil, action: String? = nil, offset: Int = 0, limit: Int) {
        self.district = district
        self.actor = actor
        self.action = action
        self.offset = max(0, offset)
        self.limit = max(0, limit)
    }

    func matches(_ e: AuditEvent) -> Bool {
        (district == nil || e.district == district) && (actor == nil || e.actor == actor) && (action == nil || e.action == action)
    }
}

extension Store {
    /// The newest `limit` events of a district (or of every district).
    public func auditLog(district: String?, limit: Int) async throws -> [AuditEvent] {
        try await auditLog(AuditQuery(district: district, limit: limit))
    }
}

public struct AuditEvent: Sendable, Equatable {
    public var district: String?
    public var at: Date
    /// Who: an email, or `public`.
    public var actor: String
    /// What: `login`, `login-failed`, `export`, `view-student-data`, `import`, …
    public var action: String
    public var detail: String

    public init(district: String?, at: Date, actor: String, action: String, detail: String) {
        self.district = district
        self.at = at
        self.actor = actor
        self.action = action
        self.detail = detail
    }
}

/// What can go wrong in the store, said for the analyst who runs the command.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    case badURL(String)
    case replicaNeedsPostgres(String)
    case cannotOpen(String, String)
    case termExists(district: String, term: String)
    case noSuchDistrict(String)
    case noSuchTerm(district: String, term: String)
    case userExists(String)
    case noSuchPlanItem(district: String, id: String)
    /// An upload names applicants who applied another way (a family's web form).
    case applicantsFromAnotherSource(round: String, applicants: [String])
    /// A change made from an older version of the item than the stored one.
    case stalePlanItem(district: String, id: String, current: Int)
    case noSuchRound(district: String, id: String)
    case noSuchEnrichmentRound(district: String, id: String)
    case noSuchBoundaryInstance(district: String, id: String)
    case noSuchUser(String)
    case newerSchema(found: Int, known: Int)
    case database(String, sql: String)

    public var description: String {
        switch self {
        case .badURL(let u):
            "'\(u)' is not a store URL (expected sqlite:PATH or postgres://user:password@host:port/database)"
        case .replicaNeedsPostgres: "a read replica is a PostgreSQL hot standby of a PostgreSQL store: --db names no PostgreSQL database"
        case .cannotOpen(_, let why): "cannot open the store: \(why)"
        case .termExists(let d, let t):
            "term '\(t)' is already stored for district '\(d)'; import it under another --term name, or pass --replace"
        case .noSuchDistrict(let d): "no district '\(d)' in the store"
        case .noSuchTerm(let d, let t): "no term '\(t)' in district '\(d)'"
        case .userExists(let e): "a user with the email \(e) already exists"
        case .noSuchPlanItem(let d, let id): "district '\(d)' has no action-plan item '\(id)'"
        case .applicantsFromAnotherSource(let round, let applicants):
            "round \(round): \(applicants.count == 1 ? "applicant" : "applicants") \(applicants.prefix(10).joined(separator: ", "))\(applicants.count > 10 ? ", …" : "") applied through the family form; an upload does not replace a family's application, so nothing was stored: take \(applicants.count == 1 ? "that row" : "those rows") out of the file"
        case .stalePlanItem(_, let id, let current):
            "action-plan item \(id) was changed by someone else since this form was opened (it is now at version \(current)); nothing was saved: reload it, and make your change again"
        case .noSuchRound(let d, let id): "district '\(d)' has no application round (or match run) '\(id)'"
        case .noSuchEnrichmentRound(let d, let id): "district '\(d)' has no enrichment round '\(id)'"
        case .noSuchBoundaryInstance(let d, let id): "district '\(d)' has no boundary instance '\(id)'"
        case .noSuchUser(let e): "no user with the email \(e)"
        case .newerSchema(let found, let known):
            "the store's schema is at migration \(found), newer than this mosaic knows (\(known)); use a newer mosaic"
        case .database(let message, let sql):
            "the database refused a statement: \(message) (\(sql.prefix(80))\(sql.count > 80 ? "…" : ""))"
        }
    }
}

/// Opens the store a URL names: `sqlite:PATH`, `postgres://…`, or `memory:` (tests).
/// - Parameters:
///   - logger: the caller's logger: the PostgreSQL client logs its connection trouble
///     there (the store makes none of its own).
///   - readReplica: a PostgreSQL hot standby of `url` (streaming replication) that may
///     answer reads where ``ReadRouting`` allows it (``ReplicatedDatabase``).
public func openStore(_ url: String, readReplica: String? = nil, logger: Logger) async throws -> any Store {
    if let readReplica {
        guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else { throw StoreError.replicaNeedsPostgres(url) }
        guard readReplica.hasPrefix("postgres://") || readReplica.hasPrefix("postgresql://") else { throw StoreError.badURL(readReplica) }
        return SQLStore(ReplicatedDatabase(primary: try await PostgresDatabase.open(url: url, logger: logger),
                                           replica: try await PostgresDatabase.open(url: readReplica, logger: logger), logger: logger))
    }
    if url == "memory:" { return MemoryStore() }
    if url.hasPrefix("sqlite:") {
        let path = String(url.dropFirst("sqlite:".count))
        guard !path.isEmpty else { throw StoreError.badURL(url) }
        return SQLStore(try await SQLiteDatabase.open(path: path))
    }
    if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
        return SQLStore(try await PostgresDatabase.open(url: url, logger: logger))
    }
    throw StoreError.badURL(url)
}
