import Foundation
import MosaicMetrics
@testable import MosaicSchedule
import Testing

@Suite struct EnrichmentTests {
    // MARK: Brute force

    /// The best of every assignment (each student in one of her choices or unplaced), by
    /// the contract's definition: sizes 0 or within [min, max]; with heterogeneity, every
    /// open cluster's share of every group within x of the share among the placed. Returns
    /// (placed, rank sum) of the lexicographic optimum, and for every count placed the
    /// smallest rank sum of a feasible assignment placing that many.
    static func bruteForce(_ p: EnrichmentInstance) -> (placed: Int, rankSum: Int, bestRankSum: [Int: Int]) {
        let n = p.students.count
        let index = Dictionary(uniqueKeysWithValues: p.clusters.enumerated().map { ($1.id, $0) })
        var choice = [Int](repeating: -1, count: n)   // −1 unplaced
        var best = (placed: 0, rankSum: 0)
        var bestRankSum: [Int: Int] = [:]
        let dims = (p.heterogeneity ?? [:]).sorted { $0.key < $1.key }
        func feasible() -> Bool {
            var size = [Int](repeating: 0, count: p.clusters.count)
            for i in 0..<n where choice[i] >= 0 { size[index[p.students[i].choices[choice[i]]]!] += 1 }
            for (c, cl) in p.clusters.enumerated() where size[c] > 0 && (size[c] < cl.min || size[c] > cl.max) { return false }
            let placed = size.reduce(0, +)
            for (d, x) in dims {
                var total: [String: Int] = [:]
                var inCluster = [[String: Int]](repeating: [:], count: p.clusters.count)
                for i in 0..<n where choice[i] >= 0 {
                    let g = p.students[i].group(in: d)!
                    total[g, default: 0] += 1
                    inCluster[index[p.students[i].choices[choice[i]]]!][g, default: 0] += 1
                }
                for c in p.clusters.indices where size[c] > 0 {
                    for (g, t) in total {
                        let share = Double(inCluster[c][g] ?? 0) / Double(size[c])
                        if abs(share - Double(t) / Double(placed)) > x + 1e-9 { return false }
                    }
                }
            }
            return true
        }
        func visit(_ i: Int) {
            if i == n {
                guard feasible() else { return }
                let placed = choice.filter { $0 >= 0 }.count
                let rankSum = choice.reduce(0) { $0 + ($1 >= 0 ? $1 + 1 : 0) }
                if placed > best.placed || (placed == best.placed && rankSum < best.rankSum) { best = (placed, rankSum) }
                bestRankSum[placed] = min(bestRankSum[placed] ?? .max, rankSum)
                return
            }
            for k in -1..<p.students[i].choices.count { choice[i] = k; visit(i + 1) }
        }
        visit(0)
        return (best.placed, best.rankSum, bestRankSum)
    }

    /// A small random instance: `students` students ranking up to three of `clusters`
    /// clusters, two groups in two dimensions.
    static func small(students: Int, clusters: Int, heterogeneity: [String: Double]?,
                      using rng: inout SeededGenerator) -> EnrichmentInstance {
        let ids = (0..<clusters).map { "C\($0)" }
        let cls = ids.map { id -> EnrichmentInstance.Cluster in
            let lo = Int.random(in: 0...2, using: &rng)
            return .init(id: id, min: lo, max: lo + Int.random(in: 1...3, using: &rng))
        }
        let sts = (0..<students).map { i in
            EnrichmentInstance.Student(
                id: "S\(i)", choices: Array(ids.shuffled(using: &rng).prefix(Int.random(in: 1...3, using: &rng))),
                groups: ["economic": Bool.random(using: &rng) ? "disadvantaged" : "not"],
                ability: Bool.random(using: &rng) ? "high" : "low")
        }
        return EnrichmentInstance(clusters: cls, students: sts, heterogeneity: heterogeneity)
    }

    // MARK: Flow and closures

    /// The cluster flow reaches the optimum of every assignment within capacities and
    /// floors (checked against enumeration), from any start.
    @Test(arguments: Array(1...30) as [UInt64])
    func clusterFlowMatchesBruteForce(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let n = 7, clusters = 3
        let choices = (0..<n).map { _ in Array((0..<clusters).shuffled(using: &rng).prefix(Int.random(in: 1...3, using: &rng))) }
        let cost = choices.map { $0.map { _ in Double(Int.random(in: -20...5, using: &rng)) } }
        let capacity = (0..<clusters).map { _ in Int.random(in: 0...4, using: &rng) }
        let floor = capacity.map { Int.random(in: 0...$0, using: &rng) }
        let penalty = 1000.0
        // Enumerate.
        var best = Double.infinity
        var pick = [Int](repeating: -1, count: n)
        func visit(_ i: Int) {
            if i == n {
                var size = [Int](repeating: 0, count: clusters)
                var total = 0.0
                for s in 0..<n where pick[s] >= 0 { size[choices[s][pick[s]]] += 1; total += cost[s][pick[s]] }
                guard zip(size, capacity).allSatisfy({ $0 <= $1 }) else { return }
                for c in 0..<clusters { total -= penalty * Double(min(size[c], floor[c])) }
                best = min(best, total)
                return
            }
            for k in -1..<choices[i].count { pick[i] = k; visit(i + 1) }
        }
        visit(0)
        // A feasible start at random.
        var start = [Int](repeating: -1, count: n)
        var used = [Int](repeating: 0, count: clusters)
        for i in 0..<n {
            let k = Int.random(in: -1..<choices[i].count, using: &rng)
            if k >= 0, used[choices[i][k]] < capacity[choices[i][k]] { start[i] = k; used[choices[i][k]] += 1 }
        }
        var flow = ClusterAssignment(choices: choices, cost: cost, capacity: capacity, floor: floor, penalty: penalty, at: start)
        flow.optimize()
        #expect(flow.isOptimal)
        let reached = flow.placementCost - penalty * Double((0..<clusters).reduce(0) { $0 + min(flow.size[$1], floor[$1]) })
        #expect(abs(reached - best) < 1e-9, "flow \(reached), enumeration \(best)")
        #expect((0..<clusters).allSatisfy { flow.size[$0] <= capacity[$0] })
    }

    /// Ranks, capacities and minimum sizes: the most students placed, then the smallest
    /// rank sum, exactly as enumeration finds — and proven.
    @Test(arguments: Array(1...25) as [UInt64])
    func ranksAndCapacitiesAreOptimal(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let problem = Self.small(students: 7, clusters: 3, heterogeneity: nil, using: &rng)
        let result = try Enrichment.solve(problem, using: &rng)
        let exact = Self.bruteForce(problem)
        #expect(result.placed == exact.placed && result.rankSum == exact.rankSum, "mosaic \(result.placed)/\(result.rankSum), enumeration \(exact.placed)/\(exact.rankSum)")
        #expect(result.optimal)
        #expect(result.bound == result.rankSum)
        #expect(Self.violations(problem, result) == [])
    }

    /// With heterogeneity: the result always meets the limits (sizes, shares), its bound
    /// is never above the rank sum of an assignment placing at least as many, and when it
    /// says optimal it is.
    @Test(arguments: Array(1...60) as [UInt64])
    func heterogeneityHoldsAndTheBoundIsValid(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let problem = Self.small(students: 7, clusters: 3, heterogeneity: ["ability": 0.25, "economic": 0.3], using: &rng)
        let result = try Enrichment.solve(problem, using: &rng)
        #expect(Self.violations(problem, result) == [])
        let exact = Self.bruteForce(problem)
        #expect(result.placed <= exact.placed)
        let atLeastAsMany = exact.bestRankSum.filter { $0.key >= result.placed }.map(\.value).min()
        #expect(result.bound <= atLeastAsMany ?? .max, "bound \(result.bound) above \(atLeastAsMany ?? -1)")
        if result.optimal {
            #expect(result.placed == exact.placed && result.rankSum == exact.rankSum)
        }
    }

    /// A cluster too few students chose to reach its minimum closes, and its students go
    /// to their next choice.
    @Test func aClusterBelowItsMinimumClosesAndItsStudentsMove() throws {
        let problem = EnrichmentInstance(
            clusters: [.init(id: "robotics", min: 3, max: 5), .init(id: "theatre", min: 1, max: 5)],
            students: [
                .init(id: "S1", choices: ["robotics", "theatre"]),
                .init(id: "S2", choices: ["robotics", "theatre"]),
                .init(id: "S3", choices: ["theatre"]),
            ])
        var rng = SeededGenerator(seed: 1)
        let result = try Enrichment.solve(problem, using: &rng)
        #expect(result.closed == ["robotics"])
        #expect(result.assignments == ["S1": "theatre", "S2": "theatre", "S3": "theatre"])
        #expect(result.rankCounts == ["1": 1, "2": 2])
        #expect(result.rankSum == 5 && result.optimal)
    }

    /// A synthetic school: shares within the limits, sizes within bounds, the bound below
    /// the rank sum, and the same seed gives the same assignment.
    @Test func aSyntheticSchoolIsMixedAndReproducible() throws {
        var rng = SeededGenerator(seed: 4)
        let problem = EnrichmentInstance.synthetic(students: 200, clusters: 10, using: &rng)
        var a = SeededGenerator(seed: 9), b = SeededGenerator(seed: 9)
        let first = try Enrichment.solve(problem, using: &a)
        let second = try Enrichment.solve(problem, using: &b)
        #expect(first == second)
        #expect(Self.violations(problem, first) == [])
        #expect(first.placed == 200)
        #expect(first.bound <= first.rankSum)
        for (d, x) in problem.heterogeneity! { #expect(first.maxShareDeviation[d]! <= x + 1e-9, "\(d)") }
    }

    // MARK: Input

    @Test func malformedInstancesAreRefusedWithEveryProblemNamed() {
        let problem = EnrichmentInstance(
            clusters: [.init(id: "robotics", min: 5, max: 3), .init(id: "robotics", min: -1, max: 0)],
            students: [
                .init(id: "S1", choices: ["robotics", "chess", "robotics"], ability: "high"),
                .init(id: "S1", choices: [], groups: ["economic": "disadvantaged"]),
            ],
            heterogeneity: ["economic": 1.5])
        var rng = SeededGenerator(seed: 1)
        #expect(throws: ScheduleError.invalidInstance([
            "clusters[0] robotics: max 3 is below min 5",
            "clusters[1] robotics: the id robotics is used twice",
            "clusters[1] robotics: min -1 is below 0",
            "clusters[1] robotics: max 0 must be at least 1",
            "heterogeneity.economic: 1.5 is not a share between 0 and 1",
            "students[0] S1: chooses unknown cluster “chess”",
            "students[0] S1: chooses “robotics” twice",
            "students[0] S1: has no economic group, which heterogeneity.economic needs",
            "students[1] S1: the id S1 is used twice",
        ])) {
            try Enrichment.solve(problem, using: &rng)
        }
    }

    // MARK: Checks

    /// Every way a result breaks the contract on its instance, recounted from the
    /// assignments alone.
    static func violations(_ p: EnrichmentInstance, _ r: EnrichmentResult) -> [String] {
        var out: [String] = []
        var size: [String: Int] = [:]
        var ranks: [String: Int] = [:]
        for s in p.students {
            guard let c = r.assignments[s.id] else {
                if !r.unplaced.contains(s.id) { out.append("\(s.id) neither placed nor unplaced") }
                continue
            }
            guard let k = s.choices.firstIndex(of: c) else { out.append("\(s.id) in \(c), which she did not choose"); continue }
            size[c, default: 0] += 1
            ranks["\(k + 1)", default: 0] += 1
        }
        for c in p.clusters {
            let n = size[c.id] ?? 0
            if n > 0 && (n < c.min || n > c.max) { out.append("\(c.id) has \(n), outside \(c.min)–\(c.max)") }
            if (n == 0) != r.closed.contains(c.id) { out.append("\(c.id) closed wrongly") }
        }
        for (k, v) in ranks where r.rankCounts[k] != v { out.append("rank \(k): \(r.rankCounts[k] ?? 0) reported, \(v) counted") }
        for (d, x) in p.heterogeneity ?? [:] where (r.maxShareDeviation[d] ?? .infinity) > x + 1e-9 {
            out.append("\(d): deviation \(r.maxShareDeviation[d] ?? -1) above \(x)")
        }
        // Recount the deviation itself.
        for d in (p.heterogeneity ?? [:]).keys {
            var total: [String: Int] = [:]
            var by: [String: [String: Int]] = [:]
            for s in p.students { if let c = r.assignments[s.id] { total[s.group(in: d)!, default: 0] += 1; by[c, default: [:]][s.group(in: d)!, default: 0] += 1 } }
            var worst = 0.0
            for (c, n) in size where n > 0 {
                for (g, t) in total { worst = max(worst, abs(Double(by[c]?[g] ?? 0) / Double(n) - Double(t) / Double(r.placed))) }
            }
            if abs(worst - (r.maxShareDeviation[d] ?? -1)) > 1e-6 { out.append("\(d): deviation \(r.maxShareDeviation[d] ?? -1) reported, \(worst) counted") }
        }
        if r.placed != r.assignments.count { out.append("placed \(r.placed) but \(r.assignments.count) assignments") }
        if r.bound > r.rankSum { out.append("bound \(r.bound) above the rank sum \(r.rankSum)") }
        return out
    }
}
