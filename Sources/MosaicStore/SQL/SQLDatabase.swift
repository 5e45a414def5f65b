/// A value bound into, or read out of, a SQL statement. The store needs no more than
/// this, so the SQLite and PostgreSQL backends share every statement.
public enum SQLValue: Sendable, Equatable, Hashable {
    case int(Int64)
    case double(Double)
    case text(String)
    case null

    public var int: Int? { if case .int(let v) = self { Int(v) } else { nil } }
    public var text: String? { if case .text(let v) = self { v } else { nil } }
    public var double: Double? {
        switch self {
        case .double(let v): v
        case .int(let v): Double(v)
        default: nil
        }
    }
    public var bool: Bool? { int.map { $0 != 0 } }

    public init(_ v: Int) { self = .int(Int64(v)) }
    public init(_ v: String) { self = .text(v) }
    public init(_ v: String?) { self = v.map(SQLValue.text) ?? .null }
    public init(_ v: Int?) { self = v.map { .int(Int64($0)) } ?? .null }
    public init(_ v: Bool?) { self = v.map { .int($0 ? 1 : 0) } ?? .null }
}

/// The two SQL dialects: they differ in types and placeholders, not in statements.
public enum SQLDialect: Sendable {
    case sqlite, postgres

    /// Statements are written with `?`; PostgreSQL numbers its placeholders.
    func placeholders(_ sql: String) -> String {
        guard self == .postgres else { return sql }
        var out = "", n = 0, inString = false
        out.reserveCapacity(sql.utf8.count + 16)
        for c in sql {
            if c == "'" { inString.toggle() }
            if c == "?" && !inString {
                n += 1
                out += "$\(n)"
            } else {
                out.append(c)
            }
        }
        return out
    }

    /// The largest number of values one statement may bind.
    var maxBinds: Int { self == .sqlite ? 32_766 : 65_535 }
}

/// A connection the store speaks SQL through. `transaction` gives the body a
/// connection on which every statement belongs to one transaction; it commits when the
/// body returns and rolls back when it throws (or the task is cancelled).
public protocol SQLDatabase: Sendable {
    var dialect: SQLDialect { get }
    func execute(_ sql: String, _ binds: [SQLValue]) async throws
    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [[SQLValue]]
    func transaction<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    func close() async throws
    /// Inserts `rows` rows, `values` appending row `i`'s values in `columns` order: bulk
    /// loading, which each backend does its fastest way (``multiRowInsert(into:columns:rows:values:)``
    /// by default; PostgreSQL's transactions stream `COPY … FROM STDIN`).
    func insert(into table: String, columns: [String], rows: Int, values: (Int, inout [SQLValue]) -> Void) async throws
}

extension SQLDatabase {
    func execute(_ sql: String) async throws { try await execute(sql, []) }

    public func insert(into table: String, columns: [String], rows: Int, values: (Int, inout [SQLValue]) -> Void) async throws {
        try await multiRowInsert(into: table, columns: columns, rows: rows, values: values)
    }

    /// Inserts rows in statements of as many rows as the dialect binds at once.
    public func multiRowInsert(into table: String, columns: [String], rows: Int, values: (Int, inout [SQLValue]) -> Void) async throws {
        guard rows > 0 else { return }
        let perStatement = max(1, min(1_000, dialect.maxBinds / columns.count))
        let tuple = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        var start = 0
        var binds: [SQLValue] = []
        while start < rows {
            let end = min(rows, start + perStatement)
            binds.removeAll(keepingCapacity: true)
            for r in start..<end { values(r, &binds) }
            precondition(binds.count == (end - start) * columns.count, "\(table): wrong number of values per row")
            let sql = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
                + Array(repeating: tuple, count: end - start).joined(separator: ", ")
            try await execute(sql, binds)
            start = end
        }
    }
}
