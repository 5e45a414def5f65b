import Foundation
import Logging
import Synchronization

/// Where a task's reads may go: set by the service for requests that may read a
/// hot standby (an anonymous visitor's `GET`), unset everywhere else.
public enum ReadRouting {
    /// While true, a ``ReplicatedDatabase`` sends single read statements to the replica.
    @TaskLocal public static var replicaAllowed = false
}

/// A primary database and a read replica (a PostgreSQL hot standby fed by streaming
/// replication): every write, every transaction and every bulk load goes to the primary;
/// a single `SELECT` goes to the replica only while ``ReadRouting/replicaAllowed`` is set
/// for the task — so a signed-in person always reads their own writes, and the public
/// pages, which may be a moment behind, take their load off the primary. A read the
/// replica cannot answer (it is down, restarting) is asked of the primary instead.
public final class ReplicatedDatabase: SQLDatabase {
    public let primary: any SQLDatabase
    public let replica: any SQLDatabase
    private let logger: Logger
    private let counts = Mutex((replica: 0, fallback: 0))

    public init(primary: any SQLDatabase, replica: any SQLDatabase, logger: Logger = Logger(label: "mosaic.store")) {
        self.primary = primary
        self.replica = replica
        self.logger = logger
    }

    public var dialect: SQLDialect { primary.dialect }

    /// Reads answered by the replica, and reads it could not answer that went to the primary.
    public var replicaReads: (replica: Int, fallback: Int) { counts.withLock { $0 } }

    /// Whether a statement only reads: `SELECT` or `WITH … SELECT`, without a row lock.
    static func reads(_ sql: String) -> Bool {
        let head = sql.drop { $0.isWhitespace }.prefix(6).uppercased()
        guard head.hasPrefix("SELECT") || head.hasPrefix("WITH") else { return false }
        let upper = sql.uppercased()
        return !upper.contains("FOR UPDATE") && !upper.contains("PG_ADVISORY") && !upper.contains("INSERT ")
            && !upper.contains("UPDATE ") && !upper.contains("DELETE ")
    }

    public func execute(_ sql: String, _ binds: [SQLValue]) async throws { try await primary.execute(sql, binds) }

    public func query(_ sql: String, _ binds: [SQLValue]) async throws -> [[SQLValue]] {
        guard ReadRouting.replicaAllowed, Self.reads(sql) else { return try await primary.query(sql, binds) }
        do {
            let rows = try await replica.query(sql, binds)
            counts.withLock { $0.replica += 1 }
            return rows
        } catch {
            counts.withLock { $0.fallback += 1 }
            logger.warning("the read replica did not answer (\(error)); reading the primary")
            return try await primary.query(sql, binds)
        }
    }

    public func transaction<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await primary.transaction(body)
    }

    public func insert(into table: String, columns: [String], rows: Int, values: (Int, inout [SQLValue]) -> Void) async throws {
        try await primary.insert(into: table, columns: columns, rows: rows, values: values)
    }

    public func close() async throws {
        try? await replica.close()
        try await primary.close()
    }
}
