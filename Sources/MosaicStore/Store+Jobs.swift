import Foundation

/// A background job (a boundary scenario, a schedule review, an import) as the store
/// keeps it, so that every server of a deployment sees it and any of them can run it:
/// a server submits it, a free worker on any server claims it (one claim per job, however
/// many servers ask at once), reports progress as a heartbeat, and records how it ended.
/// A job whose heartbeat stops — its server was killed — goes back to the queue for
/// another server, or fails with a reason once it has been tried `maxAttempts` times.
/// Its work is named by `kind` and described by `parameters` (JSON the kind's handler
/// reads), not held as code, so a server that did not submit it can run it.
public struct StoredJob: Sendable, Equatable {
    public enum State: String, Sendable, CaseIterable {
        case queued, running, finished, failed
    }

    public var id: String
    public var district: String
    /// What it belongs to (`boundaries D 3`): its pages find it by that.
    public var owner: String
    /// Which handler runs it (`boundaries`, `schedule-review`, `import`).
    public var kind: String
    /// As its page names it ("Scenario: fewest moves").
    public var name: String
    /// What the handler needs, as JSON.
    public var parameters: String
    public var state: State
    public var done: Int
    public var total: Int
    /// When finished: what it stored (a scenario id, a page to open).
    public var result: String?
    /// When failed: why, as its page says it.
    public var error: String?
    /// How many times a worker has claimed it.
    public var attempts: Int
    /// The worker running it (or that last ran it): `host:port#n`.
    public var worker: String?
    public var submittedAt: Date
    /// The running worker's last sign of life.
    public var heartbeatAt: Date?
    public var finishedAt: Date?

    public init(id: String, district: String, owner: String, kind: String, name: String, parameters: String,
                state: State = .queued, done: Int = 0, total: Int = 0, result: String? = nil, error: String? = nil,
                attempts: Int = 0, worker: String? = nil, submittedAt: Date, heartbeatAt: Date? = nil, finishedAt: Date? = nil) {
        self.id = id
        self.district = district
        self.owner = owner
        self.kind = kind
        self.name = name
        self.parameters = parameters
        self.state = state
        self.done = done
        self.total = total
        self.result = result
        self.error = error
        self.attempts = attempts
        self.worker = worker
        self.submittedAt = submittedAt
        self.heartbeatAt = heartbeatAt
        self.finishedAt = finishedAt
    }

    /// A fresh job id: the time in microseconds (13 hex digits), then 8 random hex
    /// digits — no counter shared between servers, and ids sort as they were made, so
    /// two jobs submitted in the same millisecond (the times' precision) keep their order
    /// in the queue.
    public static func newID(now: Date = Date()) -> String {
        var g = SystemRandomNumberGenerator()
        let micros = UInt64(max(0, now.timeIntervalSince1970 * 1_000_000))
        return String(format: "%013llx%08x", micros, g.next() as UInt32)
    }
}

/// What `submitJob` refuses when the queue is full: the message says so to the person
/// who asked.
public struct JobQueueFull: Error, Equatable, CustomStringConvertible {
    public let waiting: Int
    public init(waiting: Int) { self.waiting = waiting }
    public var description: String {
        "The service is busy: \(waiting) runs are already waiting. Try again when one has finished."
    }
}

/// Why a job whose server stopped failed once it had been tried as often as allowed.
public let jobAbandonedMessage = "The server running it stopped before it finished, each time it was tried."

/// Why a job that waited too long without a server to run it failed: an import waits for
/// the server that received its upload, which may never come back.
public let jobUnclaimedMessage = "No server took it up in time (an upload waits for the server that received it, which did not come back). Start it again."
