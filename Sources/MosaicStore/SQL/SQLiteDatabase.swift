import Foundation
import SQLiteNIO

/// A SQLite file (the embedded default; SQLite is compiled into the binary). One
/// connection serves single statements; each transaction opens a connection of its own
/// to the same file, so statements of concurrent requests never land inside it. The file
/// is in WAL mode: readers go on while an import writes.
public final class SQLiteDatabase: SQLDatabase {
    public let path: String
    let connection: SQLiteConnection
    public var dialect: SQLDialect { .sqlite }

    private init(path: String, connection: SQLiteConnection) {
        self.path = path
        self.connection = connection
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
        try await Self.run(connection, sql, binds, collect: false)
    }

    public func query(_ sql: String, _ binds: [SQLValue]) async throws -> [[SQLValue]] {
        try await Self.run(connection, sql, binds, collect: true)
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
