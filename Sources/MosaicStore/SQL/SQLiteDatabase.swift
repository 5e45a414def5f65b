import Foundation
import SQLiteNIO
import Synchronization

/// A SQLite file (the embedded default; SQLite is compiled into the binary). One
/// connection serves single statements; each transaction opens a connection of its own
/// to the same file, so statements of concurrent requests never land inside it. The file
/// is in WAL mode: readers go on while an import writes.
public final class SQLiteDatabase: SQLDatabase {
    public let path: String
    let connection: SQLiteConnection
    /// This process's writers to the file, one at a time (``WriteGate``).
    let gate: WriteGate
    public var dialect: SQLDialect { .sqlite }

    private init(path: String, connection: SQLiteConnection) {
        self.path = path
        self.connection = connection
        gate = WriteGate.forFile(path)
    }

    /// Opens (creating if need be) the database file at `path`.
    public static func open(path: String) async throws -> SQLiteDatabase {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        let directory = (absolute as NSString).deletingLastPathComponent
        guard FileManager.default.fileExists(atPath: directory) else {
            throw StoreError.cannotOpen("sqlite:\(path)", "the folder \(directory) does not exist")
        }
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(storage: .file(path: absolute))
        } catch {
            throw StoreError.cannotOpen("sqlite:\(path)", "\(error)")
        }
        let db = SQLiteDatabase(path: absolute, connection: connection)
        try await Self.configure(connection, wal: true)
        return db
    }

    static func configure(_ c: SQLiteConnection, wal: Bool) async throws {
        _ = try await c.query("PRAGMA busy_timeout = 10000", [])
        _ = try await c.query("PRAGMA foreign_keys = ON", [])
        if wal { _ = try await c.query("PRAGMA journal_mode = WAL", []) }
    }

    public func execute(_ sql: String, _ binds: [SQLValue]) async throws {
        guard WriteGate.writes(sql) else {
            try await Self.run(connection, sql, binds, collect: false)
            return
        }
        _ = try await gate.passing { try await Self.run(connection, sql, binds, collect: false) }
    }

    public func query(_ sql: String, _ binds: [SQLValue]) async throws -> [[SQLValue]] {
        guard WriteGate.writes(sql) else { return try await Self.run(connection, sql, binds, collect: true) }
        return try await gate.passing { try await Self.run(connection, sql, binds, collect: true) }
    }

    @discardableResult
    static func run(_ c: SQLiteConnection, _ sql: String, _ binds: [SQLValue], collect: Bool) async throws -> [[SQLValue]] {
        let data: [SQLiteData] = binds.map {
            switch $0 {
            case .int(let v): .integer(SQLiteInt64(v))
            case .double(let v): .float(v)
            case .text(let v): .text(v)
            case .null: .null
            }
        }
        do {
            if !collect {
                try await c.query(sql, data) { _ in }
                return []
            }
            let rows = try await c.query(sql, data)
            return rows.map { row in
                row.columns.map { column in
                    switch column.data {
                    case .integer(let v): .int(Int64(v))
                    case .float(let v): .double(v)
                    case .text(let v): .text(v)
                    case .blob(let b): .text(String(buffer: b))
                    case .null: .null
                    }
                }
            }
        } catch let error as SQLiteError {
            throw StoreError.database(Self.describe(error), sql: sql)
        }
    }

    static func describe(_ error: SQLiteError) -> String { "\(error)" }

    public func transaction<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await gate.passing { try await transactionHoldingTheGate(body) }
    }

    private func transactionHoldingTheGate<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let c = try await SQLiteConnection.open(storage: .file(path: path))
        let scoped = SQLiteTransaction(connection: c)
        do {
            try await Self.configure(c, wal: false)
            try await Self.run(c, "BEGIN IMMEDIATE", [], collect: false)
            let result = try await body(scoped)
            try Task.checkCancellation()
            try await Self.run(c, "COMMIT", [], collect: false)
            try await c.close()
            return result
        } catch {
            _ = try? await Self.run(c, "ROLLBACK", [], collect: false)
            try? await c.close()
            throw error
        }
    }

    public func close() async throws { try await connection.close() }
}

/// The connection of one SQLite transaction.
struct SQLiteTransaction: SQLDatabase {
    let connection: SQLiteConnection
    var dialect: SQLDialect { .sqlite }

    func execute(_ sql: String, _ binds: [SQLValue]) async throws {
        try await SQLiteDatabase.run(connection, sql, binds, collect: false)
    }

    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [[SQLValue]] {
        try await SQLiteDatabase.run(connection, sql, binds, collect: true)
    }

    /// Already inside one: the body joins it.
    func transaction<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await body(self)
    }

    func close() async throws {}
}

/// One process's writers to one SQLite file, let through one at a time, waiting in Swift.
/// SQLite allows one writer; a second waits in its busy handler, which blocks one of
/// SQLiteNIO's pool threads (as many as the cores). With the threads all blocked so, the
/// writer holding the lock could not run its next statement: eight write transactions at
/// once stalled 30 s and six failed with "database is locked" (`SQLiteConcurrencyTests`).
/// Other processes on the file still meet in SQLite's busy handler, each with its threads.
final class WriteGate: Sendable {
    private struct State {
        var busy = false
        var waiting: [CheckedContinuation<Void, Never>] = []
    }
    private let state = Mutex(State())

    private static let gates = Mutex<[String: WriteGate]>([:])

    /// The gate of the file at this absolute path, shared by every database opened on it.
    static func forFile(_ path: String) -> WriteGate {
        gates.withLock { all in
            if let gate = all[path] { return gate }
            let gate = WriteGate()
            all[path] = gate
            return gate
        }
    }

    /// Whether a statement writes (and so needs the file's write lock): everything the store
    /// sends but `SELECT`, `WITH … SELECT` and `PRAGMA`.
    static func writes(_ sql: String) -> Bool {
        let head = sql.drop { $0.isWhitespace }.prefix(6).uppercased()
        return !(head.hasPrefix("SELECT") || head.hasPrefix("PRAGMA") || head.hasPrefix("WITH"))
    }

    func passing<T>(_ body: () async throws -> T) async throws -> T {
        await enter()
        do {
            let result = try await body()
            leave()
            return result
        } catch {
            leave()
            throw error
        }
    }

    private func enter() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let now: Bool = state.withLock { s in
                if s.busy { s.waiting.append(c); return false }
                s.busy = true
                return true
            }
            if now { c.resume() }
        }
    }

    private func leave() {
        let next: CheckedContinuation<Void, Never>? = state.withLock { s in
            if s.waiting.isEmpty { s.busy = false; return nil }
            return s.waiting.removeFirst()
        }
        next?.resume()
    }
}
