import Foundation
@testable import MosaicStore
import MosaicTestSupport
import Testing

/// Write transactions of one process on one SQLite file wait for each other in Swift,
/// not inside SQLite's busy handler: blocked there, waiting writers hold SQLiteNIO's
/// few pool threads, the writer holding the lock cannot run its next statement, and
/// all stall until the busy timeout (10 s) fails them ("database is locked").
@Suite struct SQLiteConcurrencyTests {
    @Test func manyWriteTransactionsAtOnceAllCommit() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mosaic-\(UUID()).sqlite").path
        defer { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) } }
        let db = try await SQLiteDatabase.open(path: path)
        try await db.execute("CREATE TABLE t (writer BIGINT NOT NULL, step BIGINT NOT NULL)", [])
        let failures = await withTaskGroup(of: String?.self) { group in
            for w in 0..<8 {
                group.addTask {
                    do {
                        try await db.transaction { tx in
                            for step in 0..<3 {
                                try await tx.execute("INSERT INTO t (writer, step) VALUES (?, ?)", [SQLValue(w), SQLValue(step)])
                                try await Task.sleep(for: .milliseconds(20))
                            }
                        }
                        return nil
                    } catch { return "\(error)" }
                }
            }
            return await group.reduce(into: [String]()) { if let f = $1 { $0.append(f) } }
        }
        #expect(failures == [])
        #expect(try await db.query("SELECT COUNT(*) FROM t", []).first?.first?.int == 24)
        try await db.close()
    }
}
