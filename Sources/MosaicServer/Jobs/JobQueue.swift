import Foundation
import Synchronization

/// CPU-heavy work (boundary scenarios, schedule reviews) run off the request threads as
/// background jobs, at most `workers` at once and at most `capacity` waiting: a request
/// beyond that is refused at once (``Full``, 503) instead of slowing everyone down — ten
/// boundary runs started together used to run together, and `/healthz` took 4.8 s.
///
/// A job reports its progress; its result is stored by the job itself (in the store), and
/// the queue keeps only what its pages show: the state of the newest `kept` jobs.
public final class JobQueue: Sendable {
    public enum State: Sendable, Equatable {
        /// Waiting, with this many jobs ahead of it.
        case queued(ahead: Int)
        case running
        /// Done; `result` names what it stored (a scenario id, a page to open).
        case finished(result: String)
        case failed(String)
    }

    /// One job as its page shows it.
    public struct Job: Sendable, Equatable {
        public var id: String
        /// What it belongs to (`boundaries D 3`, `schedule D T S`): its pages find it by that.
        public var owner: String
        public var name: String
        public var state: State
        public var done: Int
        public var total: Int
    }

    /// The queue is full: the message says so to the person who asked.
    public struct Full: Error, CustomStringConvertible {
        public let waiting: Int
        public var description: String {
            "The service is busy: \(waiting) runs are already waiting. Try again when one has finished."
        }
    }

    public typealias Work = @Sendable (_ progress: @escaping @Sendable (_ done: Int, _ total: Int) -> Void) async throws -> String

    private struct Entry: Sendable {
        var job: Job
        var work: Work?
    }

    private struct Queue: Sendable {
        var next = 1
        var running = 0
        var waiting: [String] = []
        var entries: [String: Entry] = [:]
        var order: [String] = []
    }

    public let workers: Int
    public let capacity: Int
    public let kept: Int
    private let state = Mutex(Queue())

    /// - Parameters:
    ///   - workers: jobs run at once (default: one fewer than the cores, at least one, so
    ///     a core stays free for requests).
    ///   - capacity: jobs that may wait.
    ///   - kept: finished jobs remembered for their pages.
    public init(workers: Int = max(1, ProcessInfo.processInfo.activeProcessorCount - 1), capacity: Int = 8, kept: Int = 200) {
        self.workers = max(1, workers)
        self.capacity = max(0, capacity)
        self.kept = max(1, kept)
    }

    /// Queues a job and returns its id; it starts as soon as a worker is free.
    /// - Throws: ``Full`` when `capacity` jobs are already waiting.
    public func submit(owner: String, name: String, total: Int = 1, _ work: @escaping Work) throws(Full) -> String {
        try submit(owner: owner, name: name, total: total, joining: false, work).id
    }

    /// Queues a job unless one of the same owner is queued or running, whose id it then
    /// returns (`new` false): looked up and queued under one lock, so two requests at
    /// the same moment start one job, not two (one schedule review per school at a time).
    public func submitOnce(owner: String, name: String, total: Int = 1, _ work: @escaping Work) throws(Full) -> (id: String, new: Bool) {
        try submit(owner: owner, name: name, total: total, joining: true, work)
    }

    private func submit(owner: String, name: String, total: Int, joining: Bool, _ work: @escaping Work) throws(Full) -> (id: String, new: Bool) {
        let (id, start, new): (String, Bool, Bool) = try state.withLock { q throws(Full) in
            if joining, let existing = Self.underway(owner: owner, in: q) { return (existing.id, false, false) }
            let startNow = q.running < workers
            guard startNow || q.waiting.count < capacity else { throw Full(waiting: q.waiting.count) }
            let id = String(q.next)
            q.next += 1
            q.entries[id] = Entry(job: Job(id: id, owner: owner, name: name, state: startNow ? .running : .queued(ahead: q.waiting.count),
                                           done: 0, total: max(1, total)), work: work)
            q.order.append(id)
            if startNow { q.running += 1 } else { q.waiting.append(id) }
            forgetOld(&q)
            return (id, startNow, true)
        }
        if start { run(id) }
        return (id, new)
    }

    private func forgetOld(_ q: inout Queue) {
        var excess = q.order.count - kept
        var i = 0
        while excess > 0 && i < q.order.count {
            let id = q.order[i]
            switch q.entries[id]?.job.state {
            case .finished, .failed:
                q.entries[id] = nil
                q.order.remove(at: i)
                excess -= 1
            default:
                i += 1
            }
        }
    }

    private func run(_ id: String) {
        guard let work = state.withLock({ $0.entries[id]?.work }) else { return }
        Task.detached(priority: .utility) { [self] in
            let outcome: State
            do {
                let result = try await work { done, total in
                    self.state.withLock { q in
                        q.entries[id]?.job.done = done
                        q.entries[id]?.job.total = max(1, total)
                    }
                }
                outcome = .finished(result: result)
            } catch {
                outcome = .failed("\(error)")
            }
            let next: String? = self.state.withLock { q in
                q.entries[id]?.job.state = outcome
                if case .finished = outcome, let total = q.entries[id]?.job.total { q.entries[id]?.job.done = total }
                q.entries[id]?.work = nil
                guard !q.waiting.isEmpty else {
                    q.running -= 1
                    return nil
                }
                let next = q.waiting.removeFirst()
                q.entries[next]?.job.state = .running
                for (k, w) in q.waiting.enumerated() { q.entries[w]?.job.state = .queued(ahead: k) }
                return next
            }
            if let next { self.run(next) }
        }
    }

    public func job(_ id: String) -> Job? { state.withLock { $0.entries[id]?.job } }

    /// An owner's job queued or running now, if any (not one finished or failed).
    public func underway(owner: String) -> Job? { state.withLock { Self.underway(owner: owner, in: $0) } }

    private static func underway(owner: String, in q: Queue) -> Job? {
        q.order.lazy.compactMap { q.entries[$0]?.job }.first { job in
            guard job.owner == owner else { return false }
            switch job.state { case .queued, .running: return true; default: return false }
        }
    }

    /// An owner's jobs not yet finished (queued, running or failed), oldest first.
    public func unfinished(owner: String) -> [Job] {
        state.withLock { q in
            q.order.compactMap { q.entries[$0]?.job }.filter { job in
                guard job.owner == owner else { return false }
                if case .finished = job.state { return false }
                return true
            }
        }
    }

    /// Jobs running and waiting now.
    public var load: (running: Int, waiting: Int) { state.withLock { ($0.running, $0.waiting.count) } }
}
