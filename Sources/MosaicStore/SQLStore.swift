import Foundation
import MosaicCore

/// The store on a SQL database: SQLite (embedded) or PostgreSQL (shared). Both speak
/// the same statements (see ``Migrations``).
public final class SQLStore: Store {
    public let database: any SQLDatabase

    /// For tests of atomicity only: the import throws after writing this table's rows,
    /// inside its transaction, as a crash or a refused statement would.
    let failAfterTable: String?

    public init(_ database: any SQLDatabase) {
        self.database = database
        failAfterTable = nil
    }

    /// A store whose imports fail after writing `failAfterTable` (a test hook; `_` = not API).
    public init(_ database: any SQLDatabase, _failAfterTable failAfterTable: String) {
        self.database = database
        self.failAfterTable = failAfterTable
    }

    struct InjectedFailure: Error {}

    public func close() async throws { try await database.close() }

    // MARK: Schema

    public func schemaVersion() async throws -> Int {
        if database.dialect == .postgres,
           try await database.query("SELECT to_regclass('schema_migrations') IS NULL", []).first?.first?.int == 1 {
            return 0
        }
        return try await Self.schemaVersion(database)
    }

    static func schemaVersion(_ db: any SQLDatabase) async throws -> Int {
        try await db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
        return try await db.query("SELECT MAX(version) FROM schema_migrations", []).first?.first?.int ?? 0
    }

    /// Applies the migrations the store lacks, once however many processes start at the
    /// same moment: all of them in one transaction, which on PostgreSQL first takes an
    /// advisory lock (two servers started together on an empty database both ran `CREATE
    /// TABLE IF NOT EXISTS`, and one failed: that statement is not safe against a concurrent
    /// one) and on SQLite takes the write lock (`BEGIN IMMEDIATE`; a transaction per
    /// migration let one process take the lock back again and again while the others
    /// timed out). The others wait, then find nothing to do.
    @discardableResult
    public func migrate() async throws -> [Int] {
        try await database.transaction { db in
            if db.dialect == .postgres { _ = try await db.query("SELECT pg_advisory_xact_lock(\(Self.migrationLock))", []) }
            return try await Self.migrate(db)
        }
    }

    /// The advisory lock key of migrations ("mosaic" as a number).
    static let migrationLock: Int64 = 0x6D6F_7361_6963

    static func migrate(_ database: any SQLDatabase) async throws -> [Int] {
        let current = try await schemaVersion(database)
        guard current <= Migrations.newest else { throw StoreError.newerSchema(found: current, known: Migrations.newest) }
        var applied: [Int] = []
        for m in Migrations.all where m.version > current {
            try await database.transaction { db in
                // Another process may have applied it meanwhile.
                let done = try await db.query("SELECT 1 FROM schema_migrations WHERE version = ?", [SQLValue(m.version)])
                guard done.isEmpty else { return }
                for s in m.statements { try await db.execute(s) }
                try await db.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                                     [SQLValue(m.version), SQLValue(m.name), SQLValue(Timestamp.text(Date()))])
            }
            applied.append(m.version)
        }
        return applied
    }

    // MARK: Districts and terms

    static let districtColumns = "district_id, name, synthetic, state, public_data"
    static func district(_ row: [SQLValue]) -> DistrictRecord {
        DistrictRecord(id: row[0].text ?? "", name: row[1].text ?? "", synthetic: row[2].bool ?? false, state: row[3].text,
                       publicData: row[4].text)
    }

    public func districts() async throws -> [DistrictRecord] {
        try await database.query("SELECT \(Self.districtColumns) FROM districts WHERE public_data IS NULL ORDER BY district_id", [])
            .map(Self.district)
    }

    public func district(_ id: String) async throws -> DistrictRecord? {
        try await database.query("SELECT \(Self.districtColumns) FROM districts WHERE district_id = ?", [SQLValue(id)]).first.map(Self.district)
    }

    public func publicDistricts(matching query: String, state: String?, limit: Int) async throws -> [DistrictRecord] {
        var sql = "SELECT \(Self.districtColumns) FROM districts WHERE public_data IS NOT NULL"
        var binds: [SQLValue] = []
        if let state { sql += " AND state = ?"; binds.append(SQLValue(state)) }
        // Every word of the query somewhere in the name, any case (LIKE's wildcards escaped).
        for word in query.lowercased().split(whereSeparator: \.isWhitespace).prefix(8) {
            let escaped = word.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_")
            sql += " AND lower(name) LIKE ? ESCAPE '\\'"
            binds.append(SQLValue("%\(escaped)%"))
        }
        sql += " ORDER BY name, state, district_id LIMIT \(max(0, limit))"
        return try await database.query(sql, binds).map(Self.district)
    }

    public func publicStates() async throws -> [(state: String, districts: Int)] {
        try await database.query("SELECT state, districts FROM public_states ORDER BY state", []).map { ($0[0].text ?? "", $0[1].int ?? 0) }
    }

    public func publicDataVersion() async throws -> String {
        let row = try await database.query("SELECT MAX(imported_at), CAST(SUM(districts) AS BIGINT) FROM public_states", []).first
        return "\(row?[0].text ?? "none")/\(row?[1].int ?? 0)"
    }

    public func importPublicDistricts(_ items: [PublicDistrictImport], replace: Bool) async throws {
        try await database.transaction { db in
            let existing = Set(try await db.query("SELECT district_id FROM districts WHERE public_data IS NOT NULL", []).compactMap { $0[0].text })
            if replace {
                for table in Self.termTables + ["terms"] {
                    try await db.execute("DELETE FROM \(table) WHERE district_id IN (SELECT district_id FROM districts WHERE public_data IS NOT NULL)")
                }
            } else if let clash = items.first(where: { existing.contains($0.district.id) }) {
                throw StoreError.termExists(district: clash.district.id, term: clash.term.id)
            }
            // Districts already stored (replace) keep their rows (a plan may point at them):
            // their name, state and source are brought up to date.
            for item in items where existing.contains(item.district.id) {
                try await db.execute("UPDATE districts SET name = ?, state = ?, public_data = ? WHERE district_id = ?",
                                     [SQLValue(item.district.name), SQLValue(item.district.state), SQLValue(item.district.publicData),
                                      SQLValue(item.district.id)])
            }
            let new = items.filter { !existing.contains($0.district.id) }
            try await db.insert(into: "districts", columns: ["district_id", "name", "synthetic", "state", "public_data"], rows: new.count) { i, b in
                let d = new[i].district
                b += [SQLValue(d.id), SQLValue(d.name), SQLValue(d.synthetic), SQLValue(d.state), SQLValue(d.publicData)]
            }
            try await db.insert(into: "terms", columns: ["district_id", "term_id", "title", "school_year", "imported_at", "students", "schools",
                                                        "sections", "enrollments", "roster_version"], rows: items.count) { i, b in
                let t = items[i].term
                b += [SQLValue(t.district), SQLValue(t.id), SQLValue(t.title), SQLValue(t.schoolYear), SQLValue(Timestamp.text(t.importedAt)),
                      SQLValue(t.students), SQLValue(t.schools), SQLValue(t.sections), SQLValue(t.enrollments), SQLValue(items[i].roster.version)]
            }
            try await RosterRows.insertCounts(items.map { ($0.roster, [SQLValue($0.term.district), SQLValue($0.term.id)]) }, into: db)
            if replace {
                // A public district the new data no longer has goes, unless something of the
                // district's own (a user, a plan, a round, boundaries) points at it.
                let owners = ["terms", "users", "plan_items", "plan_counters", "application_rounds", "enrichment_rounds", "boundary_instances"]
                try await db.execute("DELETE FROM districts WHERE public_data IS NOT NULL AND "
                    + owners.map { "NOT EXISTS (SELECT 1 FROM \($0) o WHERE o.district_id = districts.district_id)" }.joined(separator: " AND "))
            }
            try await db.insert(into: "diagnostics", columns: ["district_id", "term_id", "computed_at", "options", "json"], rows: items.count) { i, b in
                let d = items[i].diagnostic
                b += [SQLValue(items[i].term.district), SQLValue(items[i].term.id), SQLValue(Timestamp.text(d.computedAt)),
                      SQLValue(d.options), SQLValue(d.json)]
            }
            // The states' counts, and a stamp any server sees change (its search index).
            try await db.execute("DELETE FROM public_states")
            try await db.execute("""
                INSERT INTO public_states (state, districts, imported_at)
                SELECT state, COUNT(*), ? FROM districts WHERE public_data IS NOT NULL AND state IS NOT NULL GROUP BY state
                """, [SQLValue(Timestamp.text(Date()) + "#" + UUID().uuidString)])
        }
    }

    public func terms(district: String) async throws -> [TermRecord] {
        try await database.query("""
            SELECT term_id, title, school_year, imported_at, students, schools, sections, enrollments, district_id, revision
            FROM terms WHERE district_id = ? ORDER BY imported_at, term_id
            """, [SQLValue(district)]).map(Self.term)
    }

    public func allTerms() async throws -> [String: [TermRecord]] {
        Dictionary(grouping: try await database.query("""
            SELECT t.term_id, t.title, t.school_year, t.imported_at, t.students, t.schools, t.sections, t.enrollments, t.district_id, t.revision
            FROM terms t JOIN districts d ON d.district_id = t.district_id WHERE d.public_data IS NULL
            ORDER BY t.district_id, t.imported_at, t.term_id
            """, []).map(Self.term), by: \.district)
    }

    static func term(_ row: [SQLValue]) -> TermRecord {
        var t = TermRecord(district: row[8].text ?? "", id: row[0].text ?? "", title: row[1].text ?? "", schoolYear: row[2].int ?? 0,
                           importedAt: Timestamp.date(row[3].text ?? "") ?? .distantPast, students: row[4].int ?? 0,
                           schools: row[5].int ?? 0, sections: row[6].int ?? 0, enrollments: row[7].int ?? 0)
        t.revision = row[9].int ?? 0
        return t
    }

    /// Moves the term's revision: part of the transaction that changes it.
    static func revise(_ key: [SQLValue], _ db: any SQLDatabase) async throws {
        try await db.execute("UPDATE terms SET revision = revision + 1 WHERE district_id = ? AND term_id = ?", key)
    }

    static let termTables = ["schedule_reviews", "assessments", "open_honors", "diagnostics", "reference_counts", "enrollments", "students", "sections", "courses",
                             "academic_sessions", "orgs"]

    public func importTerm(_ term: TermRecord, district: DistrictRecord, roster: Roster, diagnostic: StoredDiagnostic?,
                           replace: Bool) async throws {
        precondition(term.district == district.id)
        try await database.transaction { db in
            let key = [SQLValue(district.id), SQLValue(term.id)]
            let exists = try await db.query("SELECT 1 FROM terms WHERE district_id = ? AND term_id = ?", key)
            if !exists.isEmpty {
                guard replace else { throw StoreError.termExists(district: district.id, term: term.id) }
                for table in Self.termTables {
                    try await db.execute("DELETE FROM \(table) WHERE district_id = ? AND term_id = ?", key)
                }
                try await db.execute("DELETE FROM terms WHERE district_id = ? AND term_id = ?", key)
            }
            let known = try await db.query("SELECT 1 FROM districts WHERE district_id = ?", [SQLValue(district.id)])
            if known.isEmpty {
                try await db.execute("INSERT INTO districts (district_id, name, synthetic, state, public_data) VALUES (?, ?, ?, ?, ?)",
                                     [SQLValue(district.id), SQLValue(district.name), SQLValue(district.synthetic),
                                      SQLValue(district.state), SQLValue(district.publicData)])
            }
            try await db.execute("""
                INSERT INTO terms (district_id, term_id, title, school_year, imported_at, students, schools, sections,
                                   enrollments, roster_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, key + [SQLValue(term.title), SQLValue(term.schoolYear), SQLValue(Timestamp.text(term.importedAt)),
                            SQLValue(term.students), SQLValue(term.schools), SQLValue(term.sections),
                            SQLValue(term.enrollments), SQLValue(roster.version)])
            try await RosterRows.insert(roster, key: key, into: db, failAfter: self.failAfterTable)
            if let diagnostic { try await Self.putDiagnostic(diagnostic, key: key, db) }
        }
    }

    public func roster(district: String, term: String) async throws -> Roster {
        let key = [SQLValue(district), SQLValue(term)]
        guard let version = try await database.query(
            "SELECT roster_version FROM terms WHERE district_id = ? AND term_id = ?", key).first?.first?.text else {
            throw StoreError.noSuchTerm(district: district, term: term)
        }
        return try await RosterRows.read(version: version, key: key, from: database)
    }

    static func putDiagnostic(_ d: StoredDiagnostic, key: [SQLValue], _ db: any SQLDatabase) async throws {
        try await db.execute("DELETE FROM diagnostics WHERE district_id = ? AND term_id = ?", key)
        try await db.execute("INSERT INTO diagnostics (district_id, term_id, computed_at, options, json) VALUES (?, ?, ?, ?, ?)",
                             key + [SQLValue(Timestamp.text(d.computedAt)), SQLValue(d.options), SQLValue(d.json)])
    }

    public func replaceOpenHonors(district: String, term: String, _ ledger: [Roster.OpenHonorsChoice], diagnostic: StoredDiagnostic?) async throws {
        let key = [SQLValue(district), SQLValue(term)]
        try await database.transaction { db in
            guard try await !db.query("SELECT 1 FROM terms WHERE district_id = ? AND term_id = ?", key).isEmpty else {
                throw StoreError.noSuchTerm(district: district, term: term)
            }
            try await db.execute("DELETE FROM open_honors WHERE district_id = ? AND term_id = ?", key)
            try await Self.revise(key, db)
            try await RosterRows.insertOpenHonors(ledger, key: key, db)
            if let diagnostic { try await Self.putDiagnostic(diagnostic, key: key, db) }
        }
    }

    public func recordOpenHonors(district: String, term: String, _ choice: OpenHonorsLedger.Choice,
                                 updating: @Sendable ([Roster.OpenHonorsChoice], StoredDiagnostic?) throws -> StoredDiagnostic?) async throws {
        let key = [SQLValue(district), SQLValue(term)]
        try await database.transaction { db in
            // Hold the term: a second recorder waits here and then reads this one's row.
            // (SQLite's BEGIN IMMEDIATE already admits one writer at a time.)
            let lock = db.dialect == .postgres ? " FOR UPDATE" : ""
            guard try await !db.query("SELECT 1 FROM terms WHERE district_id = ? AND term_id = ?\(lock)", key).isEmpty else {
                throw StoreError.noSuchTerm(district: district, term: term)
            }
            let rows = try await db.query(
                "SELECT idx, student, section, opted_in, opted_out FROM open_honors WHERE district_id = ? AND term_id = ? ORDER BY idx", key)
            let ledger = rows.map {
                Roster.OpenHonorsChoice(student: $0[1].int ?? 0, section: $0[2].int ?? 0, optedIn: $0[3].text ?? "", optedOut: $0[4].text)
            }
            let change = try OpenHonorsLedger.change(for: choice, in: ledger)
            switch change {
            case .append(let row):
                let next = (rows.compactMap { $0[0].int }.max() ?? -1) + 1
                try await db.execute(
                    "INSERT INTO open_honors (district_id, term_id, idx, student, section, opted_in, opted_out) VALUES (?, ?, ?, ?, ?, ?, NULL)",
                    key + [SQLValue(next), SQLValue(row.student), SQLValue(row.section), SQLValue(row.optedIn)])
            case .optOut(let i, let date):
                try await db.execute("UPDATE open_honors SET opted_out = ? WHERE district_id = ? AND term_id = ? AND idx = ?",
                                     [SQLValue(date)] + key + [SQLValue(rows[i][0].int ?? 0)])
            }
            try await Self.revise(key, db)
            let stored = try await db.query(
                "SELECT json, computed_at, options FROM diagnostics WHERE district_id = ? AND term_id = ?", key
            ).first.map {
                StoredDiagnostic(json: $0[0].text ?? "", computedAt: Timestamp.date($0[1].text ?? "") ?? .distantPast, options: $0[2].text ?? "")
            }
            if let diagnostic = try updating(OpenHonorsLedger.applying(change, to: ledger), stored) {
                try await Self.putDiagnostic(diagnostic, key: key, db)
            }
        }
    }

    public func saveDiagnostic(district: String, term: String, _ diagnostic: StoredDiagnostic) async throws {
        let key = [SQLValue(district), SQLValue(term)]
        try await database.transaction { db in
            guard try await !db.query("SELECT 1 FROM terms WHERE district_id = ? AND term_id = ?", key).isEmpty else {
                throw StoreError.noSuchTerm(district: district, term: term)
            }
            try await Self.putDiagnostic(diagnostic, key: key, db)
            try await Self.revise(key, db)
        }
    }

    public func diagnostic(district: String, term: String) async throws -> StoredDiagnostic? {
        try await database.query(
            "SELECT json, computed_at, options FROM diagnostics WHERE district_id = ? AND term_id = ?",
            [SQLValue(district), SQLValue(term)]
        ).first.map {
            StoredDiagnostic(json: $0[0].text ?? "", computedAt: Timestamp.date($0[1].text ?? "") ?? .distantPast,
                             options: $0[2].text ?? "")
        }
    }

    // MARK: Users, tokens, audit

    public func addUser(_ u: UserRecord) async throws {
        try await database.transaction { db in
            guard try await !db.query("SELECT 1 FROM districts WHERE district_id = ?", [SQLValue(u.district)]).isEmpty else {
                throw StoreError.noSuchDistrict(u.district)
            }
            guard try await db.query("SELECT 1 FROM users WHERE email = ?", [SQLValue(u.email)]).isEmpty else {
                throw StoreError.userExists(u.email)
            }
            try await db.execute("""
                INSERT INTO users (district_id, email, role, schools, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)
                """, [SQLValue(u.district), SQLValue(u.email), SQLValue(u.role.rawValue),
                      SQLValue(u.schools.joined(separator: ",")), SQLValue(u.passwordHash), SQLValue(Timestamp.text(u.createdAt))])
        }
    }

    static func user(_ row: [SQLValue]) -> UserRecord? {
        guard let role = row[2].text.flatMap(Role.init(rawValue:)) else { return nil }
        let schools = row[3].text ?? ""
        return UserRecord(district: row[0].text ?? "", email: row[1].text ?? "", role: role,
                          schools: schools.isEmpty ? [] : schools.split(separator: ",").map(String.init),
                          passwordHash: row[4].text ?? "", createdAt: Timestamp.date(row[5].text ?? "") ?? .distantPast)
    }

    public func user(email: String) async throws -> UserRecord? {
        try await database.query(
            "SELECT district_id, email, role, schools, password_hash, created_at FROM users WHERE email = ?",
            [SQLValue(email)]).first.flatMap(Self.user)
    }

    public func addToken(hash: String, email: String, createdAt: Date) async throws {
        guard let u = try await user(email: email) else { throw StoreError.noSuchUser(email) }
        try await database.execute("INSERT INTO api_tokens (district_id, token_hash, email, created_at) VALUES (?, ?, ?, ?)",
                                   [SQLValue(u.district), SQLValue(hash), SQLValue(email), SQLValue(Timestamp.text(createdAt))])
    }

    public func revokeTokens(email: String) async throws -> Int {
        try await database.transaction { db in
            let n = try await db.query("SELECT COUNT(*) FROM api_tokens WHERE email = ?", [SQLValue(email)]).first?.first?.int ?? 0
            try await db.execute("DELETE FROM api_tokens WHERE email = ?", [SQLValue(email)])
            return n
        }
    }

    public func removeUser(email: String) async throws -> Bool {
        try await database.transaction { db in
            guard try await !db.query("SELECT 1 FROM users WHERE email = ?", [SQLValue(email)]).isEmpty else { return false }
            try await db.execute("DELETE FROM api_tokens WHERE email = ?", [SQLValue(email)])
            try await db.execute("DELETE FROM web_sessions WHERE email = ?", [SQLValue(email)])
            try await db.execute("DELETE FROM users WHERE email = ?", [SQLValue(email)])
            return true
        }
    }

    public func user(tokenHash: String) async throws -> UserRecord? {
        try await database.query("""
            SELECT u.district_id, u.email, u.role, u.schools, u.password_hash, u.created_at
            FROM api_tokens t JOIN users u ON u.district_id = t.district_id AND u.email = t.email
            WHERE t.token_hash = ?
            """, [SQLValue(tokenHash)]).first.flatMap(Self.user)
    }

    public func createSession(_ w: WebSession) async throws {
        try await database.execute("""
            INSERT INTO web_sessions (district_id, session_hash, email, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)
            """, [SQLValue(w.district), SQLValue(w.hash), SQLValue(w.email), SQLValue(w.csrf),
                  SQLValue(Timestamp.text(w.createdAt)), SQLValue(Timestamp.text(w.expiresAt))])
    }

    public func session(hash: String, now: Date) async throws -> (WebSession, UserRecord)? {
        guard let row = try await database.query("""
            SELECT s.district_id, s.email, s.csrf, s.created_at, s.expires_at,
                   u.district_id, u.email, u.role, u.schools, u.password_hash, u.created_at
            FROM web_sessions s JOIN users u ON u.district_id = s.district_id AND u.email = s.email
            WHERE s.session_hash = ? AND s.expires_at > ?
            """, [SQLValue(hash), SQLValue(Timestamp.text(now))]).first, let user = Self.user(Array(row[5...])) else { return nil }
        let session = WebSession(hash: hash, district: row[0].text ?? "", email: row[1].text ?? "", csrf: row[2].text ?? "",
                                 createdAt: Timestamp.date(row[3].text ?? "") ?? .distantPast,
                                 expiresAt: Timestamp.date(row[4].text ?? "") ?? .distantPast)
        return (session, user)
    }

    public func deleteSession(hash: String) async throws {
        try await database.execute("DELETE FROM web_sessions WHERE session_hash = ?", [SQLValue(hash)])
    }

    public func planItems(district: String) async throws -> [PlanItem] {
        try await database.query("SELECT json, version FROM plan_items WHERE district_id = ? ORDER BY item_id", [SQLValue(district)])
            .map { row in
                var item = try Self.planDecoder.decode(PlanItem.self, from: Data((row[0].text ?? "").utf8))
                item.version = row[1].int ?? 1
                return item
            }
    }

    public func addPlanItem(_ item: PlanItem) async throws -> PlanItem {
        try await database.transaction { db in
            let lock = db.dialect == .postgres ? " FOR UPDATE" : ""
            guard try await !db.query("SELECT 1 FROM districts WHERE district_id = ?\(lock)", [SQLValue(item.district)]).isEmpty else {
                throw StoreError.noSuchDistrict(item.district)
            }
            // The district's counter remembers every id given, removed items' too.
            let counted = try await db.query("SELECT last_item_id FROM plan_counters WHERE district_id = ?", [SQLValue(item.district)])
                .first?.first?.int
            let present = try await db.query("SELECT MAX(item_id) FROM plan_items WHERE district_id = ?", [SQLValue(item.district)])
                .first?.first?.int ?? 0
            let number = max(counted ?? 0, present) + 1
            if counted == nil {
                try await db.execute("INSERT INTO plan_counters (district_id, last_item_id) VALUES (?, ?)", [SQLValue(item.district), SQLValue(number)])
            } else {
                try await db.execute("UPDATE plan_counters SET last_item_id = ? WHERE district_id = ?", [SQLValue(number), SQLValue(item.district)])
            }
            var item = item
            item.id = String(number)
            item.version = 1
            try await db.execute(
                "INSERT INTO plan_items (district_id, item_id, root_cause, status, updated_at, json, version) VALUES (?, ?, ?, ?, ?, ?, 1)",
                try Self.planRow(item, number: number))
            return item
        }
    }

    @discardableResult
    public func updatePlanItem(_ item: PlanItem) async throws -> PlanItem {
        guard let number = Int(item.id) else { throw StoreError.noSuchPlanItem(district: item.district, id: item.id) }
        return try await database.transaction { db in
            let current = try await Self.planVersion(district: item.district, number: number, db)
            guard let current else { throw StoreError.noSuchPlanItem(district: item.district, id: item.id) }
            if let expected = item.version, expected != current {
                throw StoreError.stalePlanItem(district: item.district, id: item.id, current: current)
            }
            var stored = item
            stored.version = current + 1
            let row = try Self.planRow(stored, number: number)
            try await db.execute(
                "UPDATE plan_items SET root_cause = ?, status = ?, updated_at = ?, json = ?, version = ? WHERE district_id = ? AND item_id = ?",
                [row[2], row[3], row[4], row[5], SQLValue(current + 1), row[0], row[1]])
            return stored
        }
    }

    public func deletePlanItem(district: String, id: String, version: Int?) async throws -> Bool {
        guard let number = Int(id) else { return false }
        return try await database.transaction { db in
            guard let current = try await Self.planVersion(district: district, number: number, db) else { return false }
            if let version, version != current { throw StoreError.stalePlanItem(district: district, id: id, current: current) }
            try await db.execute("DELETE FROM plan_items WHERE district_id = ? AND item_id = ?", [SQLValue(district), SQLValue(number)])
            return true
        }
    }

    /// The stored version of a plan item, held against other writers until the
    /// transaction ends (PostgreSQL: FOR UPDATE; SQLite admits one writer at a time).
    static func planVersion(district: String, number: Int, _ db: any SQLDatabase) async throws -> Int? {
        let lock = db.dialect == .postgres ? " FOR UPDATE" : ""
        return try await db.query("SELECT version FROM plan_items WHERE district_id = ? AND item_id = ?\(lock)",
                                  [SQLValue(district), SQLValue(number)]).first.map { $0[0].int ?? 1 }
    }

    /// Plan items are kept as their Codable JSON, dates as the store's timestamps.
    static let planDecoder: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = Timestamp.date(text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a timestamp: \(text)"))
            }
            return date
        }
        return d
    }()

    static func planRow(_ item: PlanItem, number: Int) throws -> [SQLValue] {
        let e = JSONEncoder()
        e.outputFormatting = .sortedKeys
        e.dateEncodingStrategy = .custom { date, encoder in
            var c = encoder.singleValueContainer()
            try c.encode(Timestamp.text(date))
        }
        let json = String(decoding: try e.encode(item), as: UTF8.self)
        return [SQLValue(item.district), SQLValue(number), SQLValue(item.rootCause), SQLValue(item.status.rawValue),
                SQLValue(Timestamp.text(item.updatedAt)), SQLValue(json)]
    }

    // MARK: Application rounds

    public func applicationRounds(district: String) async throws -> [ApplicationRoundRecord] {
        try await database.query("SELECT round_id, term_id, name, status, updated_at, json FROM application_rounds WHERE district_id = ? ORDER BY round_id",
                                 [SQLValue(district)]).map { row in
            ApplicationRoundRecord(district: district, id: String(row[0].int ?? 0), term: row[1].text ?? "", name: row[2].text ?? "",
                                   status: row[3].text ?? "", json: row[5].text ?? "", updatedAt: Timestamp.date(row[4].text ?? "") ?? .distantPast)
        }
    }

    public func addApplicationRound(_ round: ApplicationRoundRecord) async throws -> ApplicationRoundRecord {
        try await database.transaction { db in
            guard try await !db.query("SELECT 1 FROM districts WHERE district_id = ?", [SQLValue(round.district)]).isEmpty else {
                throw StoreError.noSuchDistrict(round.district)
            }
            let last = try await db.query("SELECT MAX(round_id) FROM application_rounds WHERE district_id = ?", [SQLValue(round.district)])
                .first?.first?.int ?? 0
            var round = round
            round.id = String(last + 1)
            try await db.execute(
                "INSERT INTO application_rounds (district_id, round_id, term_id, name, status, updated_at, json) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [SQLValue(round.district), SQLValue(last + 1), SQLValue(round.term), SQLValue(round.name), SQLValue(round.status),
                 SQLValue(Timestamp.text(round.updatedAt)), SQLValue(round.json)])
            return round
        }
    }

    public func updateApplicationRound(_ round: ApplicationRoundRecord) async throws {
        guard let number = Int(round.id) else { throw StoreError.noSuchRound(district: round.district, id: round.id) }
        try await database.transaction { db in
            guard try await Self.roundExists(db, round.district, number) else { throw StoreError.noSuchRound(district: round.district, id: round.id) }
            try await db.execute(
                "UPDATE application_rounds SET term_id = ?, name = ?, status = ?, updated_at = ?, json = ? WHERE district_id = ? AND round_id = ?",
                [SQLValue(round.term), SQLValue(round.name), SQLValue(round.status), SQLValue(Timestamp.text(round.updatedAt)),
                 SQLValue(round.json), SQLValue(round.district), SQLValue(number)])
        }
    }

    public func enrichmentRounds(district: String) async throws -> [EnrichmentRoundRecord] {
        try await database.query(
            "SELECT round_id, term_id, school_id, name, status, goal, json, result, updated_at FROM enrichment_rounds WHERE district_id = ? ORDER BY round_id",
            [SQLValue(district)]).map { row in
            EnrichmentRoundRecord(district: district, id: String(row[0].int ?? 0), term: row[1].text ?? "", school: row[2].text ?? "",
                                  name: row[3].text ?? "", status: row[4].text ?? "", goal: row[5].double ?? 0, json: row[6].text ?? "",
                                  result: row[7].text, updatedAt: Timestamp.date(row[8].text ?? "") ?? .distantPast)
        }
    }

    public func addEnrichmentRound(_ round: EnrichmentRoundRecord) async throws -> EnrichmentRoundRecord {
        try await database.transaction { db in
            guard try await !db.query("SELECT 1 FROM districts WHERE district_id = ?", [SQLValue(round.district)]).isEmpty else {
                throw StoreError.noSuchDistrict(round.district)
            }
            let last = try await db.query("SELECT MAX(round_id) FROM enrichment_rounds WHERE district_id = ?", [SQLValue(round.district)])
                .first?.first?.int ?? 0
            var round = round
            round.id = String(last + 1)
            try await db.execute(
                "INSERT INTO enrichment_rounds (district_id, round_id, term_id, school_id, name, status, goal, json, result, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [SQLValue(round.district), SQLValue(last + 1), SQLValue(round.term), SQLValue(round.school), SQLValue(round.name),
                 SQLValue(round.status), .double(round.goal), SQLValue(round.json), round.result.map { SQLValue($0) } ?? .null,
                 SQLValue(Timestamp.text(round.updatedAt))])
            return round
        }
    }

    static func enrichmentRoundExists(_ db: any SQLDatabase, _ district: String, _ round: String) async throws -> Int? {
        guard let number = Int(round) else { return nil }
        let found = try await db.query("SELECT 1 FROM enrichment_rounds WHERE district_id = ? AND round_id = ?", [SQLValue(district), SQLValue(number)])
        return found.isEmpty ? nil : number
    }

    public func updateEnrichmentRound(_ round: EnrichmentRoundRecord) async throws {
        try await database.transaction { db in
            guard let number = try await Self.enrichmentRoundExists(db, round.district, round.id) else {
                throw StoreError.noSuchEnrichmentRound(district: round.district, id: round.id)
            }
            try await db.execute(
                "UPDATE enrichment_rounds SET term_id = ?, school_id = ?, name = ?, status = ?, goal = ?, json = ?, result = ?, updated_at = ? WHERE district_id = ? AND round_id = ?",
                [SQLValue(round.term), SQLValue(round.school), SQLValue(round.name), SQLValue(round.status), .double(round.goal),
                 SQLValue(round.json), round.result.map { SQLValue($0) } ?? .null, SQLValue(Timestamp.text(round.updatedAt)),
                 SQLValue(round.district), SQLValue(number)])
        }
    }

    public func interestSurveys(district: String, round: String) async throws -> [InterestSurveyRecord] {
        guard let number = Int(round) else { return [] }
        return try await database.query(
            "SELECT student, choices, language, submitted_at FROM interest_surveys WHERE district_id = ? AND round_id = ? ORDER BY student",
            [SQLValue(district), SQLValue(number)]).map { row in
            InterestSurveyRecord(district: district, round: round, student: row[0].text ?? "",
                                 choices: RosterRows.split(row[1]), language: row[2].text ?? "",
                                 submittedAt: Timestamp.date(row[3].text ?? "") ?? .distantPast)
        }
    }

    public func putInterestSurvey(_ survey: InterestSurveyRecord) async throws {
        try await database.transaction { db in
            guard let number = try await Self.enrichmentRoundExists(db, survey.district, survey.round) else {
                throw StoreError.noSuchEnrichmentRound(district: survey.district, id: survey.round)
            }
            let key = [SQLValue(survey.district), SQLValue(number), SQLValue(survey.student)]
            try await db.execute("DELETE FROM interest_surveys WHERE district_id = ? AND round_id = ? AND student = ?", key)
            try await db.execute(
                "INSERT INTO interest_surveys (district_id, round_id, student, choices, language, submitted_at) VALUES (?, ?, ?, ?, ?, ?)",
                key + [RosterRows.list(survey.choices), SQLValue(survey.language), SQLValue(Timestamp.text(survey.submittedAt))])
        }
    }

    public func boundaryInstances(district: String) async throws -> [BoundaryInstanceRecord] {
        try await database.query(
            "SELECT instance_id, name, json, added_at, added_by FROM boundary_instances WHERE district_id = ? ORDER BY instance_id",
            [SQLValue(district)]).map { row in
            BoundaryInstanceRecord(district: district, id: String(row[0].int ?? 0), name: row[1].text ?? "", json: row[2].text ?? "",
                                   addedAt: Timestamp.date(row[3].text ?? "") ?? .distantPast, addedBy: row[4].text ?? "")
        }
    }

    public func addBoundaryInstance(_ instance: BoundaryInstanceRecord) async throws -> BoundaryInstanceRecord {
        try await database.transaction { db in
            guard try await !db.query("SELECT 1 FROM districts WHERE district_id = ?", [SQLValue(instance.district)]).isEmpty else {
                throw StoreError.noSuchDistrict(instance.district)
            }
            let last = try await db.query("SELECT MAX(instance_id) FROM boundary_instances WHERE district_id = ?", [SQLValue(instance.district)])
                .first?.first?.int ?? 0
            var instance = instance
            instance.id = String(last + 1)
            try await db.execute(
                "INSERT INTO boundary_instances (district_id, instance_id, name, json, added_at, added_by) VALUES (?, ?, ?, ?, ?, ?)",
                [SQLValue(instance.district), SQLValue(last + 1), SQLValue(instance.name), SQLValue(instance.json),
                 SQLValue(Timestamp.text(instance.addedAt)), SQLValue(instance.addedBy)])
            return instance
        }
    }

    public func boundaryScenarios(district: String, instance: String) async throws -> [BoundaryScenarioRecord] {
        guard let number = Int(instance) else { return [] }
        return try await database.query(
            "SELECT scenario_id, name, kind, settings, result, run_at, run_by FROM boundary_scenarios WHERE district_id = ? AND instance_id = ? ORDER BY scenario_id",
            [SQLValue(district), SQLValue(number)]).map { row in
            BoundaryScenarioRecord(district: district, instance: instance, id: String(row[0].int ?? 0), name: row[1].text ?? "", kind: row[2].text ?? "",
                                   settings: row[3].text ?? "", result: row[4].text ?? "",
                                   runAt: Timestamp.date(row[5].text ?? "") ?? .distantPast, runBy: row[6].text ?? "")
        }
    }

    public func addBoundaryScenario(_ scenario: BoundaryScenarioRecord) async throws -> BoundaryScenarioRecord {
        try await database.transaction { db in
            guard let number = Int(scenario.instance), try await !db.query(
                "SELECT 1 FROM boundary_instances WHERE district_id = ? AND instance_id = ?", [SQLValue(scenario.district), SQLValue(number)]).isEmpty else {
                throw StoreError.noSuchBoundaryInstance(district: scenario.district, id: scenario.instance)
            }
            let last = try await db.query("SELECT MAX(scenario_id) FROM boundary_scenarios WHERE district_id = ? AND instance_id = ?",
                                          [SQLValue(scenario.district), SQLValue(number)]).first?.first?.int ?? 0
            var scenario = scenario
            scenario.id = String(last + 1)
            try await db.execute(
                "INSERT INTO boundary_scenarios (district_id, instance_id, scenario_id, name, kind, settings, result, run_at, run_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [SQLValue(scenario.district), SQLValue(number), SQLValue(last + 1), SQLValue(scenario.name), SQLValue(scenario.kind),
                 SQLValue(scenario.settings), SQLValue(scenario.result), SQLValue(Timestamp.text(scenario.runAt)), SQLValue(scenario.runBy)])
            return scenario
        }
    }

    static func roundExists(_ db: any SQLDatabase, _ district: String, _ number: Int) async throws -> Bool {
        try await !db.query("SELECT 1 FROM application_rounds WHERE district_id = ? AND round_id = ?", [SQLValue(district), SQLValue(number)]).isEmpty
    }

    static func application(_ row: [SQLValue], district: String, round: String) -> ApplicationRecord {
        ApplicationRecord(district: district, round: round, applicant: row[0].text ?? "", reference: row[1].text ?? "",
                          secretHash: row[2].text ?? "", json: row[5].text ?? "", source: row[3].text ?? "",
                          submittedAt: Timestamp.date(row[4].text ?? "") ?? .distantPast)
    }

    public func applications(district: String, round: String) async throws -> [ApplicationRecord] {
        guard let number = Int(round) else { return [] }
        return try await database.query(
            "SELECT applicant, reference, secret_hash, source, submitted_at, json FROM applications WHERE district_id = ? AND round_id = ? ORDER BY applicant",
            [SQLValue(district), SQLValue(number)]).map { Self.application($0, district: district, round: round) }
    }

    public func putApplications(_ applications: [ApplicationRecord], district: String, round: String, replacingSource: String?) async throws {
        guard let number = Int(round) else { throw StoreError.noSuchRound(district: district, id: round) }
        try await database.transaction { db in
            guard try await Self.roundExists(db, district, number) else { throw StoreError.noSuchRound(district: district, id: round) }
            let key = [SQLValue(district), SQLValue(number)]
            if let source = replacingSource {
                let others = Set(try await db.query("SELECT applicant FROM applications WHERE district_id = ? AND round_id = ? AND source <> ?",
                                                    key + [SQLValue(source)]).compactMap { $0[0].text })
                let clashes = applications.map(\.applicant).filter(others.contains)
                guard clashes.isEmpty else { throw StoreError.applicantsFromAnotherSource(round: round, applicants: clashes) }
                try await db.execute("DELETE FROM applications WHERE district_id = ? AND round_id = ? AND source = ?", key + [SQLValue(source)])
            }
            for a in applications {
                try await db.execute("DELETE FROM applications WHERE district_id = ? AND round_id = ? AND applicant = ?", key + [SQLValue(a.applicant)])
            }
            for a in applications {
                try await db.execute(
                    "INSERT INTO applications (district_id, round_id, applicant, reference, secret_hash, source, submitted_at, json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    key + [SQLValue(a.applicant), SQLValue(a.reference), SQLValue(a.secretHash), SQLValue(a.source),
                           SQLValue(Timestamp.text(a.submittedAt)), SQLValue(a.json)])
            }
        }
    }

    public func replaceApplicationSecret(district: String, round: String, applicant: String, secretHash: String) async throws -> ApplicationRecord? {
        guard let number = Int(round) else { return nil }
        try await database.execute("UPDATE applications SET secret_hash = ? WHERE district_id = ? AND round_id = ? AND applicant = ?",
                                   [SQLValue(secretHash), SQLValue(district), SQLValue(number), SQLValue(applicant)])
        return try await application(district: district, round: round, applicant: applicant)
    }

    public func application(district: String, round: String, reference: String) async throws -> ApplicationRecord? {
        try await application(district: district, round: round, where: "reference", is: reference)
    }

    public func application(district: String, round: String, applicant: String) async throws -> ApplicationRecord? {
        try await application(district: district, round: round, where: "applicant", is: applicant)
    }

    /// One application by a key column (`reference` or `applicant`, each unique in a round).
    private func application(district: String, round: String, where column: String, is value: String) async throws -> ApplicationRecord? {
        guard let number = Int(round) else { return nil }
        return try await database.query(
            "SELECT applicant, reference, secret_hash, source, submitted_at, json FROM applications WHERE district_id = ? AND round_id = ? AND \(column) = ?",
            [SQLValue(district), SQLValue(number), SQLValue(value)]).first.map { Self.application($0, district: district, round: round) }
    }

    public func saveScheduleReview(_ r: ScheduleReviewRecord) async throws {
        try await database.transaction { db in
            let key = [SQLValue(r.district), SQLValue(r.term)]
            guard try await !db.query("SELECT 1 FROM terms WHERE district_id = ? AND term_id = ?", key).isEmpty else {
                throw StoreError.noSuchTerm(district: r.district, term: r.term)
            }
            try await db.execute("DELETE FROM schedule_reviews WHERE district_id = ? AND term_id = ? AND school_id = ?", key + [SQLValue(r.school)])
            try await db.execute("INSERT INTO schedule_reviews (district_id, term_id, school_id, basis, json, run_at, run_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
                                 key + [SQLValue(r.school), SQLValue(Timestamp.text(r.basis)), SQLValue(r.json), SQLValue(Timestamp.text(r.runAt)), SQLValue(r.runBy)])
        }
    }

    public func scheduleReview(district: String, term: String, school: String) async throws -> ScheduleReviewRecord? {
        try await database.query("SELECT basis, json, run_at, run_by FROM schedule_reviews WHERE district_id = ? AND term_id = ? AND school_id = ?",
                                 [SQLValue(district), SQLValue(term), SQLValue(school)]).first.map { row in
            ScheduleReviewRecord(district: district, term: term, school: school, basis: Timestamp.date(row[0].text ?? "") ?? .distantPast,
                                 json: row[1].text ?? "", runAt: Timestamp.date(row[2].text ?? "") ?? .distantPast, runBy: row[3].text ?? "")
        }
    }

    public func putInvitations(_ invitations: [ApplicationInvitation], district: String, round: String) async throws {
        guard let number = Int(round) else { throw StoreError.noSuchRound(district: district, id: round) }
        try await database.transaction { db in
            guard try await Self.roundExists(db, district, number) else { throw StoreError.noSuchRound(district: district, id: round) }
            let key = [SQLValue(district), SQLValue(number)]
            for i in invitations {
                try await db.execute("DELETE FROM application_invitations WHERE district_id = ? AND round_id = ? AND student = ?", key + [SQLValue(i.student)])
            }
            let rows = try invitations.map { i -> [SQLValue] in
                let encoder = JSONEncoder()
                encoder.outputFormatting = .sortedKeys
                let groups = String(decoding: try encoder.encode(i.groups), as: UTF8.self)
                return key + [SQLValue(i.student), SQLValue(i.codeHash), SQLValue(groups), SQLValue(Timestamp.text(i.issuedAt))]
            }
            try await db.insert(into: "application_invitations", columns: ["district_id", "round_id", "student", "code_hash", "groups_json", "issued_at"],
                                rows: rows.count) { r, binds in binds += rows[r] }
        }
    }

    public func invitation(district: String, round: String, codeHash: String) async throws -> ApplicationInvitation? {
        guard let number = Int(round) else { return nil }
        return try await database.query(
            "SELECT student, code_hash, groups_json, issued_at FROM application_invitations WHERE district_id = ? AND round_id = ? AND code_hash = ?",
            [SQLValue(district), SQLValue(number), SQLValue(codeHash)]).first.map { row in
                ApplicationInvitation(district: district, round: round, student: row[0].text ?? "", codeHash: row[1].text ?? "",
                                      groups: (try? JSONDecoder().decode([String: String].self, from: Data((row[2].text ?? "{}").utf8))) ?? [:],
                                      issuedAt: Timestamp.date(row[3].text ?? "") ?? .distantPast)
            }
    }

    public func invitationCount(district: String, round: String) async throws -> Int {
        guard let number = Int(round) else { return 0 }
        return try await database.query("SELECT COUNT(*) FROM application_invitations WHERE district_id = ? AND round_id = ?",
                                        [SQLValue(district), SQLValue(number)]).first?.first?.int ?? 0
    }

    /// One statement, so two servers counting the same key at once both count: the row is
    /// inserted, or its window restarted when it has passed, or its hits raised by one.
    public func hit(_ key: ThrottleKey, window: TimeInterval, now: Date) async throws -> ThrottleCount {
        let start = Timestamp.text(now), expired = Timestamp.text(now.addingTimeInterval(-window))
        let row = try await database.query("""
            INSERT INTO throttles (district_id, scope, subject, window_start, hits) VALUES (?, ?, ?, ?, 1)
            ON CONFLICT (district_id, scope, subject) DO UPDATE SET
                hits = CASE WHEN throttles.window_start <= ? THEN 1 ELSE throttles.hits + 1 END,
                window_start = CASE WHEN throttles.window_start <= ? THEN ? ELSE throttles.window_start END
            RETURNING hits, window_start
            """, [SQLValue(key.district), SQLValue(key.scope), SQLValue(key.subject), SQLValue(start),
                  SQLValue(expired), SQLValue(expired), SQLValue(start)]).first
        return ThrottleCount(hits: row?[0].int ?? 1, windowStart: row.flatMap { Timestamp.date($0[1].text ?? "") } ?? now)
    }

    public func hits(_ key: ThrottleKey, window: TimeInterval, now: Date) async throws -> ThrottleCount {
        let row = try await database.query("SELECT hits, window_start FROM throttles WHERE district_id = ? AND scope = ? AND subject = ? AND window_start > ?",
                                           [SQLValue(key.district), SQLValue(key.scope), SQLValue(key.subject),
                                            SQLValue(Timestamp.text(now.addingTimeInterval(-window)))]).first
        guard let row, let start = Timestamp.date(row[1].text ?? "") else { return ThrottleCount(hits: 0, windowStart: now) }
        return ThrottleCount(hits: row[0].int ?? 0, windowStart: start)
    }

    public func clearHits(_ key: ThrottleKey) async throws {
        try await database.execute("DELETE FROM throttles WHERE district_id = ? AND scope = ? AND subject = ?",
                                   [SQLValue(key.district), SQLValue(key.scope), SQLValue(key.subject)])
    }

    public func addMatchRun(_ run: MatchRunRecord) async throws -> MatchRunRecord {
        guard let number = Int(run.round) else { throw StoreError.noSuchRound(district: run.district, id: run.round) }
        return try await database.transaction { db in
            guard try await Self.roundExists(db, run.district, number) else { throw StoreError.noSuchRound(district: run.district, id: run.round) }
            let key = [SQLValue(run.district), SQLValue(number)]
            let last = try await db.query("SELECT MAX(run_id) FROM match_runs WHERE district_id = ? AND round_id = ?", key).first?.first?.int ?? 0
            var run = run
            run.id = String(last + 1)
            run.published = false
            try await db.execute(
                "INSERT INTO match_runs (district_id, round_id, run_id, seed, input_sha256, mechanism, run_at, run_by, published, json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                key + [SQLValue(last + 1), SQLValue(String(run.seed)), SQLValue(run.inputSha256), SQLValue(run.mechanism),
                       SQLValue(Timestamp.text(run.runAt)), SQLValue(run.runBy), SQLValue(0), SQLValue(run.json)])
            return run
        }
    }

    public func matchRuns(district: String, round: String) async throws -> [MatchRunRecord] {
        guard let number = Int(round) else { return [] }
        return try await database.query(
            "SELECT run_id, seed, input_sha256, mechanism, run_at, run_by, published, json FROM match_runs WHERE district_id = ? AND round_id = ? ORDER BY run_id",
            [SQLValue(district), SQLValue(number)]).map { row in
            MatchRunRecord(district: district, round: round, id: String(row[0].int ?? 0), seed: UInt64(row[1].text ?? "") ?? 0,
                           inputSha256: row[2].text ?? "", mechanism: row[3].text ?? "", json: row[7].text ?? "",
                           runAt: Timestamp.date(row[4].text ?? "") ?? .distantPast, runBy: row[5].text ?? "", published: (row[6].int ?? 0) != 0)
        }
    }

    public func putMatchResults(district: String, round: String, run: String, _ results: [(applicant: String, json: String)]) async throws {
        guard let number = Int(round), let runNumber = Int(run) else { throw StoreError.noSuchRound(district: district, id: "\(round) run \(run)") }
        try await database.transaction { db in
            let key = [SQLValue(district), SQLValue(number), SQLValue(runNumber)]
            guard try await !db.query("SELECT 1 FROM match_runs WHERE district_id = ? AND round_id = ? AND run_id = ?", key).isEmpty else {
                throw StoreError.noSuchRound(district: district, id: "\(round) run \(run)")
            }
            try await db.execute("DELETE FROM match_results WHERE district_id = ? AND round_id = ? AND run_id = ?", key)
            try await db.insert(into: "match_results", columns: ["district_id", "round_id", "run_id", "applicant", "json"], rows: results.count) { r, binds in
                binds += key + [SQLValue(results[r].applicant), SQLValue(results[r].json)]
            }
        }
    }

    public func matchResult(district: String, round: String, run: String, applicant: String) async throws -> String? {
        guard let number = Int(round), let runNumber = Int(run) else { return nil }
        return try await database.query("SELECT json FROM match_results WHERE district_id = ? AND round_id = ? AND run_id = ? AND applicant = ?",
                                        [SQLValue(district), SQLValue(number), SQLValue(runNumber), SQLValue(applicant)]).first?.first?.text
    }

    public func publishMatchRun(district: String, round: String, run: String) async throws {
        guard let number = Int(round), let runNumber = Int(run) else { throw StoreError.noSuchRound(district: district, id: "\(round) run \(run)") }
        try await database.transaction { db in
            let key = [SQLValue(district), SQLValue(number)]
            guard try await !db.query("SELECT 1 FROM match_runs WHERE district_id = ? AND round_id = ? AND run_id = ?", key + [SQLValue(runNumber)]).isEmpty else {
                throw StoreError.noSuchRound(district: district, id: "\(round) run \(run)")
            }
            try await db.execute("UPDATE match_runs SET published = 0 WHERE district_id = ? AND round_id = ?", key)
            try await db.execute("UPDATE match_runs SET published = 1 WHERE district_id = ? AND round_id = ? AND run_id = ?", key + [SQLValue(runNumber)])
        }
    }

    public func record(_ e: AuditEvent) async throws {
        try await database.execute("INSERT INTO audit_log (district_id, at, actor, action, detail) VALUES (?, ?, ?, ?, ?)",
                                   [SQLValue(e.district), SQLValue(Timestamp.text(e.at)), SQLValue(e.actor),
                                    SQLValue(e.action), SQLValue(e.detail)])
    }

    public func auditLog(_ query: AuditQuery) async throws -> [AuditEvent] {
        var conditions: [String] = [], values: [SQLValue] = []
        if let d = query.district { conditions.append("district_id = ?"); values.append(SQLValue(d)) }
        if let a = query.actor { conditions.append("actor = ?"); values.append(SQLValue(a)) }
        if let a = query.action { conditions.append("action = ?"); values.append(SQLValue(a)) }
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let rows = try await database.query(
            "SELECT district_id, at, actor, action, detail FROM audit_log\(filter) ORDER BY at DESC LIMIT ? OFFSET ?",
            values + [SQLValue(query.limit), SQLValue(query.offset)])
        return rows.map {
            AuditEvent(district: $0[0].text, at: Timestamp.date($0[1].text ?? "") ?? .distantPast, actor: $0[2].text ?? "",
                       action: $0[3].text ?? "", detail: $0[4].text ?? "")
        }
    }
}

/// Times as ISO 8601 text with milliseconds in UTC: sortable as text in both databases.
enum Timestamp {
    static func text(_ d: Date) -> String {
        d.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt))
    }

    static func date(_ s: String) -> Date? {
        try? Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt).parse(s)
    }
}
