import Foundation
import Logging
import NIOCore
import PostgresNIO

/// A PostgreSQL database (the shared deployment), through a pool of connections.
public final class PostgresDatabase: SQLDatabase {
    let client: PostgresClient
    let runner: Task<Void, Never>
    let logger: Logger
    public var dialect: SQLDialect { .postgres }

    /// Connects to `postgres://user:password@host:port/database`.
    /// - Parameter logger: the caller's logger, for the client's background work.
    public static func open(url: String, logger: Logger) async throws -> PostgresDatabase {
        guard let u = URLComponents(string: url), u.scheme == "postgres" || u.scheme == "postgresql",
              let host = u.host, let user = u.user else {
            throw StoreError.cannotOpen(url, "expected postgres://user:password@host:port/database")
        }
        let database = u.path.hasPrefix("/") ? String(u.path.dropFirst()) : u.path
        var config = PostgresClient.Configuration(
            host: host, port: u.port ?? 5432, username: user, password: u.password,
            database: database.isEmpty ? nil : database, tls: .disable)
        config.options.maximumConnections = 8
        config.options.connectTimeout = .seconds(5)
        let client = PostgresClient(configuration: config, backgroundLogger: logger)
        let runner = Task { await client.run() }
        let db = PostgresDatabase(client: client, runner: runner, logger: logger)
        do {
            _ = try await db.query("SELECT 1", [])
        } catch {
            runner.cancel()
            throw StoreError.cannotOpen(Self.redacted(url), "\(error)")
        }
        return db
    }

    /// A store URL without its password, for messages (the CLI's too).
    public static func redacted(_ url: String) -> String {
        guard var u = URLComponents(string: url), u.password != nil else { return url }
        u.password = "***"
        return u.string ?? url
    }

    private init(client: PostgresClient, runner: Task<Void, Never>, logger: Logger) {
        self.client = client
        self.runner = runner
        self.logger = logger
    }

    public func execute(_ sql: String, _ binds: [SQLValue]) async throws {
        _ = try await client.withConnection { try await Self.run($0, sql, binds, collect: false, self.logger) }
    }

    public func query(_ sql: String, _ binds: [SQLValue]) async throws -> [[SQLValue]] {
        try await client.withConnection { try await Self.run($0, sql, binds, collect: true, self.logger) }
    }

    static func run(_ c: PostgresConnection, _ sql: String, _ binds: [SQLValue], collect: Bool, _ logger: Logger) async throws -> [[SQLValue]] {
        var b = PostgresBindings(capacity: binds.count)
        for v in binds {
            switch v {
            case .int(let i): b.append(i)
            case .double(let d): b.append(d)
            case .text(let s): b.append(s)
            case .null: b.appendNull()
            }
        }
        do {
            let rows = try await c.query(PostgresQuery(unsafeSQL: SQLDialect.postgres.placeholders(sql), binds: b), logger: logger)
            var out: [[SQLValue]] = []
            for try await row in rows where collect {
                var values: [SQLValue] = []
                values.reserveCapacity(row.count)
                for cell in row {
                    guard cell.bytes != nil else { values.append(.null); continue }
                    switch cell.dataType {
                    case .int2: values.append(.int(Int64(try cell.decode(Int16.self))))
                    case .int4: values.append(.int(Int64(try cell.decode(Int32.self))))
                    case .int8: values.append(.int(try cell.decode(Int64.self)))
                    case .float4, .float8, .numeric: values.append(.double(try cell.decode(Double.self)))
                    case .bool: values.append(.int(try cell.decode(Bool.self) ? 1 : 0))
                    default: values.append(.text(try cell.decode(String.self)))
                    }
                }
                out.append(values)
            }
            return out
        } catch let error as PSQLError {
            throw StoreError.database(error.serverInfo?[.message] ?? "\(error.code)", sql: sql)
        }
    }

    public func transaction<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await client.withConnection { c in
            _ = try await Self.run(c, "BEGIN", [], collect: false, logger)
            do {
                let result = try await body(PostgresTransaction(connection: c, logger: logger))
                try Task.checkCancellation()
                _ = try await Self.run(c, "COMMIT", [], collect: false, logger)
                return result
            } catch {
                _ = try? await Self.run(c, "ROLLBACK", [], collect: false, logger)
                throw error
            }
        }
    }

    public func close() async throws { runner.cancel() }
}

/// The connection of one PostgreSQL transaction.
struct PostgresTransaction: SQLDatabase {
    let connection: PostgresConnection
    let logger: Logger
    var dialect: SQLDialect { .postgres }

    func execute(_ sql: String, _ binds: [SQLValue]) async throws {
        _ = try await PostgresDatabase.run(connection, sql, binds, collect: false, logger)
    }

    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [[SQLValue]] {
        try await PostgresDatabase.run(connection, sql, binds, collect: true, logger)
    }

    func transaction<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await body(self)
    }

    func close() async throws {}

    /// Rows streamed with `COPY table (columns) FROM STDIN` (text format) on the
    /// transaction's connection, in buffers of `copyBatch` rows: no statement per thousand
    /// rows to parse, plan and bind (issue 25: the store built 3.3× slower on PostgreSQL
    /// than on SQLite with multi-row INSERTs). All or nothing with the transaction; a row
    /// the table refuses fails the COPY, and so the transaction, with the server's message.
    func insert(into table: String, columns: [String], rows: Int, values: (Int, inout [SQLValue]) -> Void) async throws {
        guard rows > 0 else { return }
        do {
            try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in
                var binds: [SQLValue] = []
                var buffer = ByteBuffer()
                var start = 0
                while start < rows {
                    let end = min(rows, start + Self.copyBatch)
                    buffer.clear()
                    for r in start..<end {
                        binds.removeAll(keepingCapacity: true)
                        values(r, &binds)
                        precondition(binds.count == columns.count, "\(table): wrong number of values per row")
                        CopyText.append(row: binds, to: &buffer)
                    }
                    try await writer.write(buffer)
                    start = end
                }
            }
        } catch let error as PSQLError {
            throw StoreError.database(error.serverInfo?[.message] ?? "\(error.code)", sql: "COPY \(table) FROM STDIN")
        }
    }

    static let copyBatch = 8_192
}

/// PostgreSQL's COPY text format: columns split by a tab, rows ended by a line break,
/// NULL as `\N`, and a backslash, tab, line break or carriage return in a value escaped
/// with a backslash (PostgreSQL documentation, "COPY: Text Format").
enum CopyText {
    static func append(row: [SQLValue], to buffer: inout ByteBuffer) {
        for (k, v) in row.enumerated() {
            if k > 0 { buffer.writeInteger(UInt8(0x09)) }
            switch v {
            case .null: buffer.writeStaticString("\\N")
            case .int(let i): buffer.writeString(String(i))
            case .double(let d):
                if d.isNaN { buffer.writeStaticString("NaN") }
                else if d.isInfinite { buffer.writeStaticString(d > 0 ? "Infinity" : "-Infinity") }
                else { buffer.writeString(d.description) }
            case .text(let s): append(text: s, to: &buffer)
            }
        }
        buffer.writeInteger(UInt8(0x0A))
    }

    static func append(text: String, to buffer: inout ByteBuffer) {
        let utf8 = text.utf8
        guard utf8.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) else {
            buffer.writeString(text)
            return
        }
        for c in utf8 {
            switch c {
            case 0x5C: buffer.writeStaticString("\\\\")
            case 0x09: buffer.writeStaticString("\\t")
            case 0x0A: buffer.writeStaticString("\\n")
            case 0x0D: buffer.writeStaticString("\\r")
            default: buffer.writeInteger(c)
            }
        }
    }
}
