import Foundation

/// Background jobs in the `jobs` table (migration 18): see ``StoredJob``.
extension SQLStore {
    static let jobColumns = """
        job_id, district_id, owner, kind, name, parameters, state, done, total, result, error, attempts, worker,
        submitted_at, heartbeat_at, finished_at
        """

    static func job(_ r: [SQLValue]) -> StoredJob {
        StoredJob(id: r[0].text ?? "", district: r[1].text ?? "", owner: r[2].text ?? "", kind: r[3].text ?? "", name: r[4].text ?? "",
                  parameters: r[5].text ?? "", state: r[6].text.flatMap(StoredJob.State.init(rawValue:)) ?? .failed,
                  done: r[7].int ?? 0, total: r[8].int ?? 0, result: r[9].text, error: r[10].text, attempts: r[11].int ?? 0,
                  worker: r[12].text, submittedAt: Timestamp.date(r[13].text ?? "") ?? .distantPast,
                  heartbeatAt: r[14].text.flatMap(Timestamp.date), finishedAt: r[15].text.flatMap(Timestamp.date))
    }

    public func submitJob(_ job: StoredJob, capacity: Int, now: Date) async throws -> StoredJob {
        let (queued, inserted) = try await insertJob(job, capacity: capacity, now: now, exclusive: false)
        guard inserted else { throw try await full() }
        return queued
    }

    public func submitExclusiveJob(_ job: StoredJob, capacity: Int, now: Date) async throws -> (job: StoredJob, new: Bool) {
        let (queued, inserted) = try await insertJob(job, capacity: capacity, now: now, exclusive: true)
        if inserted { return (queued, true) }
        if let underway = try await database.query("""
            SELECT \(Self.jobColumns) FROM jobs WHERE district_id = ? AND owner = ? AND exclusive = 1 AND state IN ('queued', 'running')
            """, [SQLValue(job.district), SQLValue(job.owner)]).first.map(Self.job) {
            return (underway, false)
        }
        throw try await full()
    }

    /// Inserts the job while fewer than `capacity` wait, in one statement; an exclusive job
    /// also only while no exclusive job of its owner is queued or running (the unique index
    /// `jobs_exclusive`).
    private func insertJob(_ job: StoredJob, capacity: Int, now: Date, exclusive: Bool) async throws -> (StoredJob, Bool) {
        var job = job
        job.state = .queued
        (job.done, job.attempts, job.result, job.error, job.worker) = (0, 0, nil, nil, nil)
        (job.submittedAt, job.heartbeatAt, job.finishedAt) = (now, nil, nil)
        let conflict = exclusive ? "ON CONFLICT (district_id, owner) WHERE exclusive = 1 AND state IN ('queued', 'running') DO NOTHING" : ""
        let rows = try await database.query("""
            INSERT INTO jobs (\(Self.jobColumns), exclusive)
            SELECT ?, ?, ?, ?, ?, ?, 'queued', 0, ?, NULL, NULL, 0, NULL, ?, NULL, NULL, ?
            WHERE (SELECT COUNT(*) FROM jobs WHERE state = 'queued') < ?
            \(conflict)
            RETURNING job_id
            """, [SQLValue(job.id), SQLValue(job.district), SQLValue(job.owner), SQLValue(job.kind), SQLValue(job.name),
                  SQLValue(job.parameters), SQLValue(job.total), SQLValue(Timestamp.text(now)), SQLValue(exclusive ? 1 : 0), SQLValue(capacity)])
        return (job, !rows.isEmpty)
    }

    private func full() async throws -> JobQueueFull {
        JobQueueFull(waiting: try await database.query("SELECT COUNT(*) FROM jobs WHERE state = 'queued'", []).first?.first?.int ?? 0)
    }

    public func claimJob(worker: String, kinds: [String], now: Date) async throws -> StoredJob? {
        guard !kinds.isEmpty else { return nil }
        let skipLocked = database.dialect == .postgres ? "FOR UPDATE SKIP LOCKED" : ""
        let kindList = Array(repeating: "?", count: kinds.count).joined(separator: ", ")
        // An idle worker asks often: a read first, so that asking takes no write lock
        // (SQLite has one writer at a time).
        guard try await !database.query("SELECT 1 FROM jobs WHERE state = 'queued' AND kind IN (\(kindList)) LIMIT 1",
                                        kinds.map(SQLValue.init)).isEmpty else { return nil }
        return try await database.query("""
            UPDATE jobs SET state = 'running', worker = ?, heartbeat_at = ?, attempts = attempts + 1
            WHERE state = 'queued' AND job_id = (
                SELECT job_id FROM jobs WHERE state = 'queued' AND kind IN (\(kindList))
                ORDER BY submitted_at, job_id LIMIT 1 \(skipLocked))
            RETURNING \(Self.jobColumns)
            """, [SQLValue(worker), SQLValue(Timestamp.text(now))] + kinds.map(SQLValue.init)).first.map(Self.job)
    }

    public func reportJob(_ id: String, worker: String, done: Int, total: Int, now: Date) async throws -> Bool {
        try await !database.query("""
            UPDATE jobs SET done = ?, total = ?, heartbeat_at = ? WHERE job_id = ? AND worker = ? AND state = 'running' RETURNING job_id
            """, [SQLValue(done), SQLValue(total), SQLValue(Timestamp.text(now)), SQLValue(id), SQLValue(worker)]).isEmpty
    }

    public func endJob(_ id: String, worker: String, result: String?, error: String?, now: Date) async throws -> Bool {
        try await !database.query("""
            UPDATE jobs SET state = ?, result = ?, error = ?, finished_at = ?, heartbeat_at = ?, done = CASE WHEN ? = 1 THEN total ELSE done END
            WHERE job_id = ? AND worker = ? AND state = 'running' RETURNING job_id
            """, [SQLValue(error == nil ? "finished" : "failed"), SQLValue(error == nil ? result : nil), SQLValue(error),
                  SQLValue(Timestamp.text(now)), SQLValue(Timestamp.text(now)), SQLValue(error == nil), SQLValue(id), SQLValue(worker)]).isEmpty
    }

    public func requeueStaleJobs(before: Date, maxAttempts: Int, now: Date) async throws -> [String] {
        try await database.query("""
            UPDATE jobs SET
                state = CASE WHEN attempts < ? THEN 'queued' ELSE 'failed' END,
                error = CASE WHEN attempts < ? THEN NULL ELSE ? END,
                finished_at = CASE WHEN attempts < ? THEN NULL ELSE ? END
            WHERE state = 'running' AND heartbeat_at < ?
            RETURNING job_id
            """, [SQLValue(maxAttempts), SQLValue(maxAttempts), SQLValue(jobAbandonedMessage), SQLValue(maxAttempts),
                  SQLValue(Timestamp.text(now)), SQLValue(Timestamp.text(before))]).compactMap { $0.first?.text }.sorted()
    }

    public func failUnclaimedJobs(submittedBefore before: Date, now: Date) async throws -> [String] {
        try await database.query("""
            UPDATE jobs SET state = 'failed', error = ?, finished_at = ?
            WHERE state = 'queued' AND submitted_at < ?
            RETURNING job_id
            """, [SQLValue(jobUnclaimedMessage), SQLValue(Timestamp.text(now)), SQLValue(Timestamp.text(before))]).compactMap { $0.first?.text }.sorted()
    }

    public func job(_ id: String) async throws -> StoredJob? {
        try await database.query("SELECT \(Self.jobColumns) FROM jobs WHERE job_id = ?", [SQLValue(id)]).first.map(Self.job)
    }

    public func queuedJobsAhead(of job: StoredJob) async throws -> Int {
        let at = SQLValue(Timestamp.text(job.submittedAt))
        return try await database.query("""
            SELECT COUNT(*) FROM jobs WHERE state = 'queued' AND (submitted_at < ? OR (submitted_at = ? AND job_id < ?))
            """, [at, at, SQLValue(job.id)]).first?.first?.int ?? 0
    }

    public func jobs(district: String, owner: String, limit: Int) async throws -> [StoredJob] {
        try await database.query("""
            SELECT \(Self.jobColumns) FROM jobs WHERE district_id = ? AND owner = ? ORDER BY submitted_at DESC, job_id DESC LIMIT ?
            """, [SQLValue(district), SQLValue(owner), SQLValue(limit)]).map(Self.job)
    }

    public func pruneJobs(endedBefore before: Date) async throws {
        try await database.execute("DELETE FROM jobs WHERE state IN ('finished', 'failed') AND finished_at < ?",
                                   [SQLValue(Timestamp.text(before))])
    }
}
