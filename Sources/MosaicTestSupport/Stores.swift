import Foundation
import MosaicStore
import Testing

/// The store backends a suite runs on. PostgreSQL comes from `MOSAIC_TEST_POSTGRES` (set
/// by `scripts/test` and `.ci/run`, which start the server): without it the PostgreSQL
/// cases fail, they are not skipped.
public enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case memory, sqlite, postgres
    public var testDescription: String { rawValue }
}

/// A fresh, empty store of a backend for one test, removed afterwards. With
/// `failAfterTable`, imports fail after writing that table (SQL backends only).
public func withStore(_ backend: Backend, failAfterTable: String? = nil,
                      _ body: (any Store) async throws -> Void) async throws {
    switch backend {
    case .memory:
        try await body(MemoryStore())
    case .sqlite:
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mosaic-\(UUID()).sqlite").path
        defer { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) } }
        let db = try await SQLiteDatabase.open(path: path)
        let store = failAfterTable.map { SQLStore(db, _failAfterTable: $0) } ?? SQLStore(db)
        do { try await body(store) } catch { try? await store.close(); throw error }
        try await store.close()
    case .postgres:
        try await withStoreURL(.postgres) { url in
            let db = try await PostgresDatabase.open(url: url, logger: TestSupport.logger)
            let store = failAfterTable.map { SQLStore(db, _failAfterTable: $0) } ?? SQLStore(db)
            var failure: (any Error)?
            do { try await body(store) } catch { failure = error }
            try await store.close()
            if let failure { throw failure }
        }
    }
}

/// The URL of a fresh, empty store (`sqlite:PATH` or `postgres://…`) for one test —
/// for a command run as a process — removed afterwards.
public func withStoreURL(_ backend: Backend, _ body: (String) async throws -> Void) async throws {
    switch backend {
    case .memory:
        preconditionFailure("a memory store has no URL")
    case .sqlite:
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mosaic-\(UUID()).sqlite").path
        defer { for s in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: path + s) } }
        try await body("sqlite:\(path)")
    case .postgres:
        guard let admin = ProcessInfo.processInfo.environment["MOSAIC_TEST_POSTGRES"] else {
            Issue.record("MOSAIC_TEST_POSTGRES is not set: run the tests with bash scripts/test, which starts PostgreSQL")
            return
        }
        // A database of its own per test, so tests run side by side.
        let name = "mosaic_t_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16))"
        let server = try await PostgresDatabase.open(url: admin, logger: TestSupport.logger)
        try await server.execute("CREATE DATABASE \(name)", [])
        var url = URLComponents(string: admin)!
        url.path = "/\(name)"
        var failure: (any Error)?
        do { try await body(url.string!) } catch { failure = error }
        // FORCE ends the test's own sessions, but not an autovacuum worker that may be on the
        // fresh database (a superuser's process: "must be a member of the role whose
        // process is being terminated"); it finishes in moments, so try again, for up to 10 s.
        var attempt = 0
        while true {
            do {
                try await server.execute("DROP DATABASE \(name) WITH (FORCE)", [])
                break
            } catch where attempt < 40 {
                attempt += 1
                try await Task.sleep(for: .milliseconds(250))
            }
        }
        try await server.close()
        if let failure { throw failure }
    }
}
