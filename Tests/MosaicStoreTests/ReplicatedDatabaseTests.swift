import Foundation
@testable import MosaicStore
import Testing

/// A primary and a read replica (issue 25): single reads go to the replica only where the
/// task allows it; writes, transactions and every other read go to the primary; a replica
/// that does not answer sends the read to the primary. Two SQLite files stand for the
/// primary and a standby a moment behind it (the cluster test runs the real PostgreSQL
/// standby).
@Suite struct ReplicatedDatabaseTests {
    static func files() -> (String, String) {
        let dir = FileManager.default.temporaryDirectory
        return (dir.appendingPathComponent("mosaic-primary-\(UUID()).sqlite").path, dir.appendingPathComponent("mosaic-replica-\(UUID()).sqlite").path)
    }

    static func remove(_ paths: String...) {
        for p in paths { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: p + s) } }
    }

    @Test func readsGoWhereTheTaskAllowsAndWritesToThePrimary() async throws {
        let (p, r) = Self.files()
        defer { Self.remove(p, r) }
        let primary = try await SQLiteDatabase.open(path: p)
        try await SQLStore(primary).migrate()
        try await primary.execute("INSERT INTO districts (district_id, name, synthetic) VALUES ('d1', 'Primary name', 0)", [])
        // The standby as it was a moment ago: a copy, then a change the primary has not.
        try await primary.execute("VACUUM INTO '\(r)'", [])
        let replica = try await SQLiteDatabase.open(path: r)
        try await replica.execute("UPDATE districts SET name = 'Standby name' WHERE district_id = 'd1'", [])
        let replicated = ReplicatedDatabase(primary: primary, replica: replica)
        let store = SQLStore(replicated)

        #expect(try await store.district("d1")?.name == "Primary name")
        let publicName = try await ReadRouting.$replicaAllowed.withValue(true) { try await store.district("d1")?.name }
        #expect(publicName == "Standby name")
        #expect(replicated.replicaReads == (replica: 1, fallback: 0))
        // A write while reads may go to the replica still goes to the primary.
        try await ReadRouting.$replicaAllowed.withValue(true) {
            try await store.record(AuditEvent(district: "d1", at: Date(), actor: "public", action: "view", detail: "a page"))
            // Inside a transaction every statement is the primary's.
            let inTransaction = try await replicated.transaction { db in
                try await db.query("SELECT name FROM districts WHERE district_id = 'd1'", []).first?.first?.text
            }
            #expect(inTransaction == "Primary name")
        }
        #expect(try await store.auditLog(district: "d1", limit: 10).map(\.action) == ["view"])
        #expect(try await SQLStore(replica).auditLog(district: "d1", limit: 10).isEmpty)
        #expect(replicated.replicaReads == (replica: 1, fallback: 0))

        // Statements that lock or write are never the replica's.
        #expect(ReplicatedDatabase.reads("  select * from jobs"))
        #expect(ReplicatedDatabase.reads("WITH x AS (SELECT 1) SELECT * FROM x"))
        #expect(!ReplicatedDatabase.reads("SELECT job_id FROM jobs FOR UPDATE SKIP LOCKED"))
        #expect(!ReplicatedDatabase.reads("SELECT pg_advisory_xact_lock(1)"))
        #expect(!ReplicatedDatabase.reads("WITH moved AS (DELETE FROM jobs RETURNING job_id) SELECT * FROM moved"))
        #expect(!ReplicatedDatabase.reads("UPDATE jobs SET state = 'queued'"))
        #expect(!ReplicatedDatabase.reads("INSERT INTO jobs VALUES (1)"))

        // A replica that does not answer: the primary is asked.
        try await replica.close()
        let fallback = try await ReadRouting.$replicaAllowed.withValue(true) { try await store.district("d1")?.name }
        #expect(fallback == "Primary name")
        #expect(replicated.replicaReads == (replica: 1, fallback: 1))
        try await primary.close()
    }
}
