import Foundation
import Logging
import MosaicStore
import Synchronization

/// CPU-heavy work (boundary scenarios, schedule reviews, imports) run off the request
/// threads as background jobs kept in the store (``StoredJob``), so that every server of a
/// deployment sees them and any of them may run them: a request submits a job — refused
/// at once when `capacity` jobs already wait (``JobQueueFull``, 503) — and returns; a
/// worker on some server claims it, runs its kind's handler, reports progress as a
/// heartbeat and records how it ended. At most `workers` jobs run at once on each server,
/// so a core stays free for requests (ten boundary runs started together used to run
/// together, and `/healthz` took 4.8 s).
///
/// A server that is killed stops its heartbeats; after `staleAfter` another server's
/// sweep puts the job back in the queue (all or nothing: a handler writes its result in
/// one step at the end) and it runs again, up to `maxAttempts` times, then fails with
/// ``jobAbandonedMessage``. A worker that finds its job was given to another (its own
/// heartbeats were late) stops and writes nothing. The heartbeat is a lease: a handler
/// checks it holds the job just before writing its result (``Context/holding``), which
/// renews the lease for `staleAfter`; only a server stalled longer than that between
/// its check and its end (30 s by default) could see its job run, and written, twice.
///
/// Workers start on the first submission (a test's server runs its jobs and its workers
/// end when the queue is empty) or, for a serving process, with ``start()``: then they
/// stay, asking the store for work every `poll` and sweeping stale jobs.
public final class JobRunner: Sendable {
    /// What a handler gets: its job (kind, parameters) and a way to report progress.
    public struct Context: Sendable {
        public let job: StoredJob
        /// Records progress (sent to the store with the next heartbeat).
        public let progress: @Sendable (_ done: Int, _ total: Int) -> Void
        /// Whether the job is still this worker's: checked by a handler before it writes
        /// its result, so that a job taken over by another server is written once.
        public let holding: @Sendable () async -> Bool

        /// The job's parameters decoded.
        public func parameters<P: Decodable>(_ type: P.Type) throws -> P {
            do { return try JSONDecoder().decode(P.self, from: Data(job.parameters.utf8)) } catch {
                throw HandlerError("the job's parameters cannot be read (\(error)); start it again")
            }
        }
    }

    /// Runs a job of one kind and returns what it stored (a scenario id, a page to open).
    public typealias Handler = @Sendable (Context) async throws -> String

    /// Why a handler could not do its job, in words for its page.
    public struct HandlerError: Error, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    public struct Settings: Sendable {
        /// Jobs this server runs at once.
        public var workers: Int
        /// Jobs that may wait, across every server.
        public var capacity: Int
        /// How often a running job's progress is written (its heartbeat).
        public var heartbeat: Duration = .seconds(1)
        /// A running job with no heartbeat for this long is taken to have lost its server.
        public var staleAfter: Duration = .seconds(30)
        /// Claims before a job whose server keeps stopping fails.
        public var maxAttempts = 3
        /// How often an idle worker of a serving process asks the store for work.
        public var poll: Duration = .seconds(1)
        /// A job still queued this long after it was submitted fails: no server that can
        /// run it is there (an import waits for the server holding its upload).
        public var unclaimedAfter: Duration = .seconds(3600)
        /// Finished and failed jobs are forgotten after this long.
        public var keep: Duration = .seconds(7 * 24 * 3600)

        public init(workers: Int, capacity: Int) {
            self.workers = max(1, workers)
            self.capacity = max(0, capacity)
        }
    }

    private struct State: Sendable {
        var handlers: [String: Handler] = [:]
        /// Worker tasks alive.
        var active = 0
        /// Bumped by every submission here: a worker about to stop looks again if it moved.
        var generation = 0
        /// Started for a serving process: workers stay and sweeps run.
        var serving = false
        var tasks: [Task<Void, Never>] = []
    }

    public let store: any Store
    /// This server in the `worker` column (`host:port`); its workers are `name#1`, `name#2`, …
    public let name: String
    public let settings: Settings
    private let logger: Logger
    private let state = Mutex(State())

    public init(store: any Store, name: String, settings: Settings, logger: Logger = Logger(label: "mosaic.jobs")) {
        self.store = store
        self.name = name
        self.settings = settings
        self.logger = logger
    }

    /// Runs jobs of `kind` on this server with `handler`.
    public func register(_ kind: String, _ handler: @escaping Handler) {
        state.withLock { $0.handlers[kind] = handler }
    }

    private var kinds: [String] { state.withLock { $0.handlers.keys.sorted() } }

    // MARK: Submitting and reading

    /// Queues a job and returns it; a worker here or on another server starts it.
    /// - Throws: ``JobQueueFull`` when `capacity` jobs already wait.
    public func submit(district: String, owner: String, kind: String, name: String, parameters: some Encodable, total: Int = 1) async throws -> StoredJob {
        let job = try await store.submitJob(Self.job(district, owner, kind, name, parameters, total), capacity: settings.capacity, now: Date())
        wake()
        return job
    }

    /// Queues a job unless one of the same district and owner submitted this way is queued
    /// or running, which it then returns (`new` false): one schedule review per school at
    /// a time, however many servers are asked at once.
    public func submitOnce(district: String, owner: String, kind: String, name: String, parameters: some Encodable,
                           total: Int = 1) async throws -> (job: StoredJob, new: Bool) {
        let submitted = try await store.submitExclusiveJob(Self.job(district, owner, kind, name, parameters, total),
                                                           capacity: settings.capacity, now: Date())
        if submitted.new { wake() }
        return submitted
    }

    private static func job(_ district: String, _ owner: String, _ kind: String, _ name: String, _ parameters: some Encodable,
                            _ total: Int) throws -> StoredJob {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return StoredJob(id: StoredJob.newID(), district: district, owner: owner, kind: kind, name: name,
                         parameters: String(decoding: try encoder.encode(parameters), as: UTF8.self), total: max(1, total), submittedAt: Date())
    }

    /// The job with this id if it belongs to `district` and `owner` (a page finds only
    /// its own jobs), with how many queued jobs are ahead of it when it waits.
    public func job(_ id: String, district: String, owner: String) async throws -> (job: StoredJob, ahead: Int)? {
        guard let job = try await store.job(id), job.district == district, job.owner == owner else { return nil }
        return (job, job.state == .queued ? try await store.queuedJobsAhead(of: job) : 0)
    }

    /// The owner's job queued or running now, if any (not one finished or failed).
    public func underway(district: String, owner: String) async throws -> StoredJob? {
        try await store.jobs(district: district, owner: owner, limit: 20).first { $0.state == .queued || $0.state == .running }
    }

    /// The owner's recent jobs not finished (queued, running or failed), oldest first,
    /// with how many jobs wait ahead of each queued one.
    public func unfinished(district: String, owner: String, limit: Int = 20) async throws -> [(job: StoredJob, ahead: Int)] {
        var shown: [(StoredJob, Int)] = []
        for job in try await store.jobs(district: district, owner: owner, limit: limit).reversed() where job.state != .finished {
            shown.append((job, job.state == .queued ? try await store.queuedJobsAhead(of: job) : 0))
        }
        return shown
    }

    // MARK: Workers

    /// Starts this server's workers for good (a serving process): they ask the store for
    /// work every `poll`, including jobs other servers submitted or lost, and one of them
    /// sweeps stale jobs back to the queue.
    public func start() {
        let spawn: Int = state.withLock { s in
            s.serving = true
            let n = settings.workers - s.active
            s.active = settings.workers
            return n
        }
        for _ in 0..<spawn { spawnWorker() }
        let sweeper = Task.detached(priority: .utility) { [self] in await sweep() }
        state.withLock { $0.tasks.append(sweeper) }
    }

    /// Stops the workers (at the end of a test or of the process): running handlers are
    /// cancelled; their jobs go back to the queue once stale.
    public func stop() {
        let tasks = state.withLock { s in
            s.serving = false
            defer { s.tasks = [] }
            return s.tasks
        }
        for t in tasks { t.cancel() }
    }

    /// After a submission here: a worker is started if fewer than `workers` are alive, and
    /// a worker about to stop looks once more.
    private func wake() {
        let spawn = state.withLock { s in
            s.generation += 1
            guard s.active < settings.workers else { return false }
            s.active += 1
            return true
        }
        if spawn { spawnWorker() }
    }

    private func spawnWorker() {
        let task = Task.detached(priority: .utility) { [self] in await work() }
        state.withLock { s in
            s.tasks.removeAll { $0.isCancelled }
            s.tasks.append(task)
        }
    }

    private static let slots = Atomic<Int>(0)

    private func work() async {
        let worker = "\(name)#\(Self.slots.wrappingAdd(1, ordering: .relaxed).newValue)"
        while !Task.isCancelled {
            let generation = state.withLock { $0.generation }
            let kinds = kinds
            let claimed: StoredJob?
            do { claimed = try await store.claimJob(worker: worker, kinds: kinds, now: Date()) } catch {
                if Task.isCancelled { break }
                logger.warning("job claim failed: \(error)")
                claimed = nil
            }
            if let job = claimed {
                await run(job, worker: worker)
                continue
            }
            let stay = state.withLock { s in
                if s.serving || s.generation != generation { return true }
                s.active -= 1
                return false
            }
            guard stay else { return }
            if state.withLock({ $0.generation }) != generation { continue }
            // Serving: wait for the next poll, or less if a submission here wakes us.
            var waited = Duration.zero
            while waited < settings.poll, !Task.isCancelled, state.withLock({ $0.generation }) == generation {
                try? await Task.sleep(for: .milliseconds(50))
                waited += .milliseconds(50)
            }
        }
        state.withLock { $0.active = max(0, $0.active - 1) }
    }

    private struct Progress: Sendable {
        var done = 0
        var total = 1
        var lost = false
    }

    private func run(_ job: StoredJob, worker: String) async {
        guard let handler = state.withLock({ $0.handlers[job.kind] }) else { return }
        let progress = Mutex(Progress(done: job.done, total: max(1, job.total)))
        let store = store
        let holding: @Sendable () async -> Bool = {
            // A stopped runner's handler writes nothing more.
            if Task.isCancelled { return false }
            let p = progress.withLock { $0 }
            guard !p.lost else { return false }
            let held = (try? await store.reportJob(job.id, worker: worker, done: p.done, total: p.total, now: Date())) ?? false
            if !held { progress.withLock { $0.lost = true } }
            return held
        }
        let context = Context(job: job, progress: { done, total in
            progress.withLock { $0.done = done; $0.total = max(1, total) }
        }, holding: holding)
        let work = Task { try await handler(context) }
        let heartbeat = Task { [settings] in
            while !Task.isCancelled {
                try? await Task.sleep(for: settings.heartbeat)
                if Task.isCancelled { return }
                if await !holding() {
                    work.cancel()
                    return
                }
            }
        }
        // Stopping the runner (the process ends) stops the handler and writes nothing: the
        // job stays running until its heartbeat is stale, then another server runs it.
        let outcome = await withTaskCancellationHandler { await work.result } onCancel: {
            work.cancel()
            heartbeat.cancel()
        }
        heartbeat.cancel()
        if Task.isCancelled {
            logger.info("job \(job.id) (\(job.kind)) stopped with this server; another will run it")
            return
        }
        guard !progress.withLock({ $0.lost }) else {
            logger.info("job \(job.id) (\(job.kind)) was given to another server; this run's result is dropped")
            return
        }
        let (result, error): (String?, String?)
        switch outcome {
        case .success(let r): (result, error) = (r, nil)
        case .failure(let e): (result, error) = (nil, "\(e)")
        }
        do {
            if try await !store.endJob(job.id, worker: worker, result: result, error: error, now: Date()) {
                logger.info("job \(job.id) (\(job.kind)) was given to another server before it ended here")
            }
        } catch {
            logger.error("job \(job.id) ended but could not be recorded: \(error)")
        }
    }

    /// A serving process's sweep: stale jobs back to the queue every `heartbeat × 5`, jobs
    /// queued past `unclaimedAfter` failed, old ones forgotten hourly.
    private func sweep() async {
        var lastPrune = Date.distantPast
        while !Task.isCancelled {
            let now = Date()
            do {
                let moved = try await store.requeueStaleJobs(before: now - settings.staleAfter.seconds, maxAttempts: settings.maxAttempts, now: now)
                if !moved.isEmpty {
                    logger.notice("jobs whose server stopped: \(moved.joined(separator: ", ")) (queued again or failed)")
                    wake()
                }
                let unclaimed = try await store.failUnclaimedJobs(submittedBefore: now - settings.unclaimedAfter.seconds, now: now)
                if !unclaimed.isEmpty {
                    logger.notice("jobs no server took up within \(settings.unclaimedAfter): \(unclaimed.joined(separator: ", ")) (failed)")
                }
                if now.timeIntervalSince(lastPrune) > 3600 {
                    try await store.pruneJobs(endedBefore: now - settings.keep.seconds)
                    lastPrune = now
                }
            } catch {
                logger.warning("job sweep failed: \(error)")
            }
            try? await Task.sleep(for: min(settings.staleAfter / 3, settings.heartbeat * 5))
        }
    }
}

extension Duration {
    /// The duration in seconds, as a `TimeInterval`.
    var seconds: TimeInterval {
        let (s, attos) = components
        return TimeInterval(s) + TimeInterval(attos) / 1e18
    }
}
