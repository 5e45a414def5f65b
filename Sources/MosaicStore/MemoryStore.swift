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

    public func districts() async throws -> [DistrictRecord] { districtList.values.sorted { $0.id < $1.id } }

    public func terms(district: String) async throws -> [TermRecord] {
        (termList[district] ?? [:]).values.map(\.record).sorted {
            ($0.importedAt, $0.id) < ($1.importedAt, $1.id)
        }
    }

    public func allTerms() async throws -> [String: [TermRecord]] {
        var out: [String: [TermRecord]] = [:]
        for d in termList.keys { out[d] = try await terms(district: d) }
        return out
    }

    public func importTerm(_ term: TermRecord, district: DistrictRecord, roster: Roster, diagnostic: StoredDiagnostic?,
                           replace: Bool) async throws {
        if termList[district.id]?[term.id] != nil && !replace {
            throw StoreError.termExists(district: district.id, term: term.id)
        }
        if districtList[district.id] == nil { districtList[district.id] = district }
        termList[district.id, default: [:]][term.id] = Term(record: term, roster: roster, diagnostic: diagnostic)
    }

    func stored(_ district: String, _ term: String) throws -> Term {
        guard let t = termList[district]?[term] else { throw StoreError.noSuchTerm(district: district, term: term) }
        return t
    }

    public func roster(district: String, term: String) async throws -> Roster { try stored(district, term).roster }

    public func saveDiagnostic(district: String, term: String, _ diagnostic: StoredDiagnostic) async throws {
        _ = try stored(district, term)
        termList[district]![term]!.diagnostic = diagnostic
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

    public func addPlanItem(_ item: PlanItem) async throws -> PlanItem {
        guard districtList[item.district] != nil else { throw StoreError.noSuchDistrict(item.district) }
        var item = item
        item.id = String((plans[item.district] ?? []).compactMap { Int($0.id) }.max().map { $0 + 1 } ?? 1)
        plans[item.district, default: []].append(item)
        return item
    }

    public func updatePlanItem(_ item: PlanItem) async throws {
        guard let k = plans[item.district]?.firstIndex(where: { $0.id == item.id }) else {
            throw StoreError.noSuchPlanItem(district: item.district, id: item.id)
        }
        plans[item.district]![k] = item
    }

    public func deletePlanItem(district: String, id: String) async throws -> Bool {
        guard let k = plans[district]?.firstIndex(where: { $0.id == id }) else { return false }
        plans[district]!.remove(at: k)
        return true
    }

    public func record(_ event: AuditEvent) async throws { audit.append(event) }

    public func auditLog(district: String?, limit: Int) async throws -> [AuditEvent] {
        Array(audit.filter { district == nil || $0.district == district }.sorted { $0.at > $1.at }.prefix(limit))
    }

    public func close() async throws {}
}
