import Foundation
@testable import MosaicStore
import MosaicTestSupport
import Testing

/// Background jobs kept in the store, shared by every server (issue 25): claimed once,
/// given back when their server stops, failed after too many tries.
@Suite struct JobStoreTests {
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    static func job(_ n: Int, kind: String = "boundaries", owner: String = "boundaries D1 3") -> StoredJob {
        StoredJob(id: String(format: "job%04d", n), district: "D1", owner: owner, kind: kind, name: "Scenario \(n)",
                  parameters: #"{"scenario": \#(n)}"#, total: 100, submittedAt: .distantPast)
    }

    @Test(arguments: Backend.allCases)
    func aJobIsQueuedClaimedReportedAndEnded(_ backend: Backend) async throws {
        try await withStore(backend) { (store: any Store) async throws in
            try await store.migrate()
            _ = try await store.submitJob(Self.job(1), capacity: 10, now: Self.t0)
            _ = try await store.submitJob(Self.job(2, kind: "schedule-review", owner: "schedule D1 T S"), capacity: 10, now: Self.t0 + 1)
            _ = try await store.submitJob(Self.job(3), capacity: 10, now: Self.t0 + 2)
            // The oldest of the kinds asked for.
            let first = try #require(try await store.claimJob(worker: "a#1", kinds: ["boundaries"], now: Self.t0 + 5))
            #expect(first.id == "job0001" && first.state == .running && first.worker == "a#1" && first.attempts == 1)
            #expect(first.parameters == #"{"scenario": 1}"#)
            let review = try #require(try await store.claimJob(worker: "b#1", kinds: ["schedule-review", "import"], now: Self.t0 + 6))
            #expect(review.id == "job0002")
            #expect(try await store.reportJob("job0001", worker: "a#1", done: 40, total: 100, now: Self.t0 + 7))
            #expect(try await !store.reportJob("job0001", worker: "b#1", done: 50, total: 100, now: Self.t0 + 7))
            #expect(try await store.job("job0001")?.done == 40)
            #expect(try await store.endJob("job0001", worker: "a#1", result: "scenario 7", error: nil, now: Self.t0 + 9))
            let ended = try #require(try await store.job("job0001"))
            #expect(ended.state == .finished && ended.result == "scenario 7" && ended.done == 100 && ended.finishedAt == Self.t0 + 9)
            #expect(try await !store.endJob("job0001", worker: "a#1", result: "again", error: nil, now: Self.t0 + 10))
            #expect(try await store.endJob("job0002", worker: "b#1", result: nil, error: "The school has no schedule.", now: Self.t0 + 10))
            let failed = try await store.job("job0002")
            #expect(failed?.state == .failed && failed?.error == "The school has no schedule.")
            #expect(try await store.jobs(district: "D1", owner: "boundaries D1 3", limit: 10).map(\.id) == ["job0003", "job0001"])
            #expect(try await store.claimJob(worker: "a#1", kinds: ["import"], now: Self.t0 + 11) == nil)
            try await store.pruneJobs(endedBefore: Self.t0 + 60)
            let (one, two, three) = (try await store.job("job0001"), try await store.job("job0002"), try await store.job("job0003"))
            #expect(one == nil && two == nil && three != nil)
        }
    }

    @Test(arguments: Backend.allCases)
    func aFullQueueRefusesAtOnce(_ backend: Backend) async throws {
        try await withStore(backend) { (store: any Store) async throws in
            try await store.migrate()
            for n in 1...2 { _ = try await store.submitJob(Self.job(n), capacity: 2, now: Self.t0 + Double(n)) }
            await #expect(throws: JobQueueFull(waiting: 2)) { try await store.submitJob(Self.job(3), capacity: 2, now: Self.t0 + 3) }
            // A claimed job no longer waits.
            _ = try await store.claimJob(worker: "a#1", kinds: ["boundaries"], now: Self.t0 + 4)
            _ = try await store.submitJob(Self.job(3), capacity: 2, now: Self.t0 + 5)
        }
    }

    /// Six workers claiming at once, as six servers would: every job is claimed exactly once.
    @Test(arguments: Backend.allCases)
    func workersClaimingAtOnceNeverShareAJob(_ backend: Backend) async throws {
        try await withStore(backend) { (store: any Store) async throws in
            try await store.migrate()
            let ids = (1...40).map { String(format: "job%04d", $0) }
            for n in 1...40 { _ = try await store.submitJob(Self.job(n), capacity: 100, now: Self.t0 + Double(n)) }
            let claimed = try await withThrowingTaskGroup(of: [String].self) { group in
                for w in 1...6 {
                    group.addTask {
                        var mine: [String] = []
                        while let job = try await store.claimJob(worker: "w#\(w)", kinds: ["boundaries"], now: Self.t0 + 100) {
                            mine.append(job.id)
                            #expect(try await store.job(job.id)?.worker == "w#\(w)")
                        }
                        return mine
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(claimed.sorted() == ids)
        }
    }

    /// An exclusive job is queued once per owner at a time: six servers asking at once
    /// start one job and all get its id; once it has ended the next request starts another.
    @Test(arguments: Backend.allCases)
    func anExclusiveJobIsStartedOncePerOwnerAtATime(_ backend: Backend) async throws {
        try await withStore(backend) { (store: any Store) async throws in
            try await store.migrate()
            let review = Self.job(1, kind: "schedule-review", owner: "schedule D1 T S")
            let answers = try await withThrowingTaskGroup(of: (String, Bool).self) { group in
                for n in 1...6 {
                    group.addTask {
                        var job = review
                        job.id = String(format: "try%04d", n)
                        let (queued, new) = try await store.submitExclusiveJob(job, capacity: 10, now: Self.t0 + Double(n))
                        return (queued.id, new)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.filter(\.1).count == 1)
            #expect(Set(answers.map(\.0)).count == 1)
            // Another owner is not held back, nor is a plain job of the same owner.
            #expect(try await store.submitExclusiveJob(Self.job(2, kind: "schedule-review", owner: "schedule D1 T S2"), capacity: 10, now: Self.t0 + 10).new)
            _ = try await store.submitJob(Self.job(3, kind: "schedule-review", owner: "schedule D1 T S"), capacity: 10, now: Self.t0 + 11)
            // Still one at a time while it runs; after it ends, a new one starts.
            let first = try #require(answers.first?.0)
            let claimed = try #require(try await store.claimJob(worker: "a#1", kinds: ["schedule-review"], now: Self.t0 + 12))
            #expect(claimed.id == first)
            #expect(try await !store.submitExclusiveJob(Self.job(4, kind: "schedule-review", owner: "schedule D1 T S"), capacity: 10, now: Self.t0 + 13).new)
            #expect(try await store.endJob(first, worker: "a#1", result: "S", error: nil, now: Self.t0 + 14))
            let next = try await store.submitExclusiveJob(Self.job(5, kind: "schedule-review", owner: "schedule D1 T S"), capacity: 10, now: Self.t0 + 15)
            #expect(next.new && next.job.id == "job0005")
        }
    }

    /// A job whose server stopped (no heartbeat) goes back to the queue and another server
    /// runs it; the stopped server's late reports are refused; after `maxAttempts` claims
    /// it fails with a reason.
    @Test(arguments: Backend.allCases)
    func aJobWhoseServerStoppedIsRunByAnotherOrFails(_ backend: Backend) async throws {
        try await withStore(backend) { (store: any Store) async throws in
            try await store.migrate()
            _ = try await store.submitJob(Self.job(1), capacity: 10, now: Self.t0)
            _ = try await store.claimJob(worker: "a#1", kinds: ["boundaries"], now: Self.t0 + 1)
            #expect(try await store.reportJob("job0001", worker: "a#1", done: 10, total: 100, now: Self.t0 + 20))
            // Still alive 30 s after its last report: not moved.
            #expect(try await store.requeueStaleJobs(before: Self.t0 + 10, maxAttempts: 2, now: Self.t0 + 40) == [])
            #expect(try await store.requeueStaleJobs(before: Self.t0 + 30, maxAttempts: 2, now: Self.t0 + 60) == ["job0001"])
            #expect(try await store.job("job0001")?.state == .queued)
            #expect(try await !store.reportJob("job0001", worker: "a#1", done: 20, total: 100, now: Self.t0 + 61))
            let again = try #require(try await store.claimJob(worker: "b#1", kinds: ["boundaries"], now: Self.t0 + 62))
            #expect(again.id == "job0001" && again.attempts == 2 && again.worker == "b#1")
            #expect(try await !store.endJob("job0001", worker: "a#1", result: "late", error: nil, now: Self.t0 + 63))
            #expect(try await store.requeueStaleJobs(before: Self.t0 + 100, maxAttempts: 2, now: Self.t0 + 130) == ["job0001"])
            let failed = try #require(try await store.job("job0001"))
            #expect(failed.state == .failed && failed.error == jobAbandonedMessage && failed.finishedAt == Self.t0 + 130)
            #expect(try await store.claimJob(worker: "c#1", kinds: ["boundaries"], now: Self.t0 + 131) == nil)
        }
    }

    /// A job left queued with no server to run it (an import whose server never came
    /// back) fails with a reason after the limit, and gives its place in the queue back;
    /// younger queued jobs and running ones stay.
    @Test(arguments: Backend.allCases)
    func aJobNoServerTakesUpFailsAndFreesItsPlace(_ backend: Backend) async throws {
        try await withStore(backend) { (store: any Store) async throws in
            try await store.migrate()
            _ = try await store.submitJob(Self.job(1, kind: "import@gone:8081"), capacity: 2, now: Self.t0)
            _ = try await store.submitJob(Self.job(2), capacity: 2, now: Self.t0 + 10)
            await #expect(throws: JobQueueFull(waiting: 2)) { try await store.submitJob(Self.job(3), capacity: 2, now: Self.t0 + 20) }
            _ = try await store.claimJob(worker: "a#1", kinds: ["boundaries"], now: Self.t0 + 30)
            _ = try await store.submitJob(Self.job(3), capacity: 2, now: Self.t0 + 3_000)
            #expect(try await store.failUnclaimedJobs(submittedBefore: Self.t0 - 1, now: Self.t0 + 3_600) == [])
            #expect(try await store.failUnclaimedJobs(submittedBefore: Self.t0 + 100, now: Self.t0 + 3_700) == ["job0001"])
            let failed = try #require(try await store.job("job0001"))
            #expect(failed.state == .failed && failed.error == jobUnclaimedMessage && failed.finishedAt == Self.t0 + 3_700)
            let (running, young) = (try await store.job("job0002"), try await store.job("job0003"))
            #expect(running?.state == .running && young?.state == .queued)
            _ = try await store.submitJob(Self.job(4), capacity: 2, now: Self.t0 + 3_701)
        }
    }

    /// Jobs submitted in the same millisecond keep their order: ids sort as they were made
    /// (the queue breaks ties of `submitted_at` by id; random ids made the order a coin toss).
    @Test func jobIDsSortAsTheyWereMade() {
        let t = Date(timeIntervalSince1970: 1_790_000_000.123)
        let ids = (0..<50).map { StoredJob.newID(now: t + Double($0) * 0.000_002) }
        #expect(ids == ids.sorted() && Set(ids).count == 50 && ids.allSatisfy { $0.count == 21 })
    }
}
