import Foundation
import Synchronization
import Testing

@testable import MosaicServer

/// Background jobs: at most `workers` at once, at most `capacity` waiting, the rest
/// refused; a finished job starts the next; progress and failures reach the job's page.
@Suite struct JobQueueTests {
    /// A gate the test opens to let a job finish.
    final class Gate: Sendable {
        private let open = Mutex(false)
        func release() { open.withLock { $0 = true } }
        func wait() async throws {
            while !open.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(5)) }
        }
    }

    func settle(_ queue: JobQueue, _ id: String, until done: (JobQueue.State) -> Bool) async throws -> JobQueue.Job {
        for _ in 0..<2_000 {
            if let job = queue.job(id), done(job.state) { return job }
            try await Task.sleep(for: .milliseconds(5))
        }
        Issue.record("job \(id) never reached the state")
        return try #require(queue.job(id))
    }

    @Test func theQueueIsBoundedAndRunsInOrder() async throws {
        let queue = JobQueue(workers: 1, capacity: 2, kept: 10)
        let gates = (0..<3).map { _ in Gate() }
        var ids: [String] = []
        for k in 0..<3 {
            let gate = gates[k]
            ids.append(try queue.submit(owner: "o", name: "job \(k)", total: 10) { progress in
                progress(5, 10)
                try await gate.wait()
                return "result \(k)"
            })
        }
        #expect(queue.job(ids[1])?.state == .queued(ahead: 0) && queue.job(ids[2])?.state == .queued(ahead: 1))
        // A fourth waits nowhere: refused at once, saying why.
        #expect(throws: JobQueue.Full.self) { try queue.submit(owner: "o", name: "too many") { _ in "" } }
        #expect(queue.load == (running: 1, waiting: 2))
        let half = try await settle(queue, ids[0]) { _ in queue.job(ids[0])?.done == 5 }
        #expect(half.state == .running && half.total == 10)
        gates[0].release()
        #expect(try await settle(queue, ids[0]) { $0 == .finished(result: "result 0") }.done == 10)
        #expect(try await settle(queue, ids[1]) { $0 == .running }.state == .running)
        #expect(queue.job(ids[2])?.state == .queued(ahead: 0))
        gates[1].release(); gates[2].release()
        #expect(try await settle(queue, ids[2]) { $0 == .finished(result: "result 2") }.state == .finished(result: "result 2"))
        #expect(queue.load == (running: 0, waiting: 0))
        #expect(queue.unfinished(owner: "o").isEmpty)
    }

    @Test func aFailureIsKeptForItsPage() async throws {
        struct Broken: Error, CustomStringConvertible { var description: String { "the instance has no schools" } }
        let queue = JobQueue(workers: 2, capacity: 0)
        let id = try queue.submit(owner: "b", name: "fails") { _ in throw Broken() }
        #expect(try await settle(queue, id) { if case .failed = $0 { true } else { false } }.state == .failed("the instance has no schools"))
        #expect(queue.unfinished(owner: "b").map(\.id) == [id])
        // With no room to wait, a job beyond the workers is refused.
        let gate = Gate()
        _ = try queue.submit(owner: "b", name: "1") { _ in try await gate.wait(); return "" }
        _ = try queue.submit(owner: "b", name: "2") { _ in try await gate.wait(); return "" }
        #expect(throws: JobQueue.Full.self) { try queue.submit(owner: "b", name: "3") { _ in "" } }
        gate.release()
    }

    /// Twenty requests at once for the same school's review start one job: each looked up
    /// "is one under way?" and then queued, so all twenty used to start (or fill the queue).
    @Test func oneJobPerOwnerEvenWhenAskedAtOnce() async throws {
        let queue = JobQueue(workers: 1, capacity: 50)
        let gate = Gate()
        let ids = try await withThrowingTaskGroup(of: (id: String, new: Bool).self) { group in
            for _ in 0..<20 {
                group.addTask { try queue.submitOnce(owner: "schedule d t s", name: "review") { _ in try await gate.wait(); return "s" } }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(ids.map(\.id)).count == 1 && ids.filter(\.new).count == 1)
        #expect(queue.load == (running: 1, waiting: 0))
        // Another owner's job is its own.
        #expect(try queue.submitOnce(owner: "schedule d t other", name: "review") { _ in "o" }.new)
        gate.release()
        _ = try await settle(queue, ids[0].id) { $0 == .finished(result: "s") }
        // Once finished, the next request starts a new review.
        #expect(try queue.submitOnce(owner: "schedule d t s", name: "review") { _ in "again" }.new)
    }
}
