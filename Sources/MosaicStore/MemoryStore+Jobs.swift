import Foundation

/// Background jobs in memory: the same behaviour as ``SQLStore``'s `jobs` table.
extension MemoryStore {
    public func submitJob(_ job: StoredJob, capacity: Int, now: Date) async throws -> StoredJob {
        let waiting = jobList.values.filter { $0.state == .queued }.count
        guard waiting < capacity else { throw JobQueueFull(waiting: waiting) }
        var job = job
        job.state = .queued
        (job.done, job.attempts, job.result, job.error, job.worker) = (0, 0, nil, nil, nil)
        (job.submittedAt, job.heartbeatAt, job.finishedAt) = (now, nil, nil)
        jobList[job.id] = job
        return job
    }

    public func submitExclusiveJob(_ job: StoredJob, capacity: Int, now: Date) async throws -> (job: StoredJob, new: Bool) {
        if let underway = jobList.values.first(where: {
            exclusiveJobs.contains($0.id) && $0.district == job.district && $0.owner == job.owner && [.queued, .running].contains($0.state)
        }) {
            return (underway, false)
        }
        let queued = try await submitJob(job, capacity: capacity, now: now)
        exclusiveJobs.insert(queued.id)
        return (queued, true)
    }

    public func claimJob(worker: String, kinds: [String], now: Date) async throws -> StoredJob? {
        guard var next = jobList.values.filter({ $0.state == .queued && kinds.contains($0.kind) })
            .min(by: { ($0.submittedAt, $0.id) < ($1.submittedAt, $1.id) }) else { return nil }
        next.state = .running
        next.worker = worker
        next.heartbeatAt = now
        next.attempts += 1
        jobList[next.id] = next
        return next
    }

    public func reportJob(_ id: String, worker: String, done: Int, total: Int, now: Date) async throws -> Bool {
        guard var job = jobList[id], job.worker == worker, job.state == .running else { return false }
        (job.done, job.total, job.heartbeatAt) = (done, total, now)
        jobList[id] = job
        return true
    }

    public func endJob(_ id: String, worker: String, result: String?, error: String?, now: Date) async throws -> Bool {
        guard var job = jobList[id], job.worker == worker, job.state == .running else { return false }
        job.state = error == nil ? .finished : .failed
        job.result = error == nil ? result : nil
        job.error = error
        job.finishedAt = now
        job.heartbeatAt = now
        if error == nil { job.done = job.total }
        jobList[id] = job
        return true
    }

    public func requeueStaleJobs(before: Date, maxAttempts: Int, now: Date) async throws -> [String] {
        changeJobs(where: { $0.state == .running && ($0.heartbeatAt ?? .distantPast) < before }) { job in
            if job.attempts < maxAttempts {
                job.state = .queued
                job.error = nil
                job.finishedAt = nil
            } else {
                (job.state, job.error, job.finishedAt) = (.failed, jobAbandonedMessage, now)
            }
        }
    }

    public func failUnclaimedJobs(submittedBefore before: Date, now: Date) async throws -> [String] {
        changeJobs(where: { $0.state == .queued && $0.submittedAt < before }) { job in
            (job.state, job.error, job.finishedAt) = (.failed, jobUnclaimedMessage, now)
        }
    }

    /// Changes every job that matches; their ids, sorted.
    private func changeJobs(where matches: (StoredJob) -> Bool, _ change: (inout StoredJob) -> Void) -> [String] {
        var changed: [String] = []
        for (id, var job) in jobList where matches(job) {
            change(&job)
            jobList[id] = job
            changed.append(id)
        }
        return changed.sorted()
    }

    public func job(_ id: String) async throws -> StoredJob? { jobList[id] }

    public func queuedJobsAhead(of job: StoredJob) async throws -> Int {
        jobList.values.filter { $0.state == .queued && ($0.submittedAt, $0.id) < (job.submittedAt, job.id) }.count
    }

    public func jobs(district: String, owner: String, limit: Int) async throws -> [StoredJob] {
        Array(jobList.values.filter { $0.district == district && $0.owner == owner }
            .sorted { ($0.submittedAt, $0.id) > ($1.submittedAt, $1.id) }.prefix(limit))
    }

    public func pruneJobs(endedBefore before: Date) async throws {
        jobList = jobList.filter { !([.finished, .failed].contains($0.value.state) && ($0.value.finishedAt ?? .distantFuture) < before) }
    }
}
