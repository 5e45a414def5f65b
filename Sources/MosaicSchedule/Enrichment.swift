/// Students placed in enrichment clusters (Renzulli & Reis, *The Schoolwide Enrichment
/// Model*, 3rd ed. 2014: clusters built around students' interests, mixing ability
/// levels): the most students placed, then the smallest sum of the ranks they got, with
/// every open cluster between its `min` and `max` and, when the instance asks for it,
/// each open cluster's share of every group within the tolerance of the share among all
/// placed students.
///
/// The method, in three steps:
///
/// 1. **Ranks and capacities** are a minimum-cost flow (`ClusterAssignment`): placing a
///    student costs `rank − B` with `B = n·K + 1` (n students, K the longest list of
///    choices), so one more student placed outweighs any change in rank sum and the two
///    goals are met in order.
/// 2. **Clusters that cannot reach `min`** are decided by branch and bound: a cluster the
///    flow leaves between 1 and `min − 1` students is either closed (its students
///    re-placed) or forced to `min` (a floor of seats the flow must fill), each branch
///    solved again from its parent's assignment; a branch whose flow costs no less than
///    the best complete assignment is cut. The search is exhaustive unless it meets its
///    node limit, so the result is proven optimal when it finishes.
/// 3. **Heterogeneity** (`n_cg − (P_g + x)·n_c ≤ 0` and `(P_g − x)·n_c − n_cg ≤ 0` for
///    every open cluster c, dimension d with tolerance x and group g of d) is no longer a
///    flow. When the step-2 optimum already meets it, it is optimal. Otherwise the share
///    constraints are priced into the flow by Lagrangian relaxation (Fisher 1981, "The
///    Lagrangian relaxation method for solving integer programming problems", Management
///    Science 27(1), doi:10.1287/mnsc.27.1.1; subgradient steps of Held, Wolfe & Crowder
///    1974, doi:10.1007/BF01580223): each priced flow is a lower bound, and a few of them
///    are repaired into feasible assignments by a search over how many students of each
///    combination of groups each cluster holds (`QuotaSearch`: shifts and exchanges along
///    shortest paths, then negative cycles), with the students themselves always placed
///    exactly for those counts. Clusters that cannot hold their shares at any size are
///    closed first. The best assignment is reported with the best bound; it is optimal
///    when the two meet.
///
/// `P_g` is the share of g among the students the step-2 optimum places (all students
/// when everyone can be placed). If the search must leave students out, the shares are
/// taken again from what it places and it runs again (at most three times); an
/// assignment is only reported when its clusters hold the shares of the students it
/// places, and its bound only when no other student could have been placed.
public enum Enrichment {
    public struct Options: Sendable {
        /// Branch-and-bound nodes before the closure search stops (unproven).
        public var nodeLimit: Int
        /// Subgradient steps of the Lagrangian relaxation.
        public var lagrangianSteps: Int

        public init(nodeLimit: Int = 20_000, lagrangianSteps: Int = 45) {
            self.nodeLimit = nodeLimit
            self.lagrangianSteps = lagrangianSteps
        }
    }

    public struct Progress: Sendable {
        public var phase: String
        public var done: Int
        public var total: Int
    }

    /// Solves the instance; the generator breaks ties between equally good assignments.
    public static func solve(
        _ instance: EnrichmentInstance, options: Options = .init(), using rng: inout some RandomNumberGenerator,
        progress: ((Progress) -> Void)? = nil
    ) throws(ScheduleError) -> EnrichmentResult {
        let problems = instance.problems()
        guard problems.isEmpty else { throw .invalidInstance(problems) }
        let model = EnrichmentModel(instance)
        var order = Array(0..<model.students)
        order.shuffle(using: &rng)

        progress?(Progress(phase: "ranks and capacities", done: 0, total: 1))
        let closures = ClosureSearch(model: model, nodeLimit: options.nodeLimit)
        let best = closures.run(start: model.greedy(order: order), progress: progress)
        var method = best.complete
            ? "minimum-cost flow; \(best.nodes) branch-and-bound node\(best.nodes == 1 ? "" : "s") over clusters below their minimum"
            : "minimum-cost flow; branch and bound stopped at its limit of \(options.nodeLimit) nodes"
        var proven = best.complete
        var boundCost = best.bound
        var assignment = best.assignment

        if !model.dimensions.isEmpty, !model.meetsShares(assignment, targets: model.shares(of: assignment)) {
            // The shares to hold are those among the placed students, which the search
            // changes only when it must leave someone out; then it runs again on the new
            // shares (at most three times), and an assignment is only taken when it holds
            // the shares of the students it places.
            let start = assignment
            var targets = model.shares(of: start)
            var chosen: [Int]?
            var steps = 0
            proven = false
            boundCost = best.bound
            for _ in 1...3 {
                var search = HeterogeneitySearch(model: model, targets: targets)
                let outcome = search.run(from: start, steps: options.lagrangianSteps, incumbentBound: best.bound,
                                         progress: progress)
                steps += outcome.steps
                guard outcome.assignment.contains(where: { $0 >= 0 }) else { break }
                let placedShares = model.shares(of: outcome.assignment)
                if placedShares == targets {
                    chosen = outcome.assignment
                    // The relaxation's bound speaks of assignments that hold these shares:
                    // every assignment placing as many does when no one else could be
                    // placed (they all place the same students).
                    if outcome.assignment.filter({ $0 >= 0 }).count == model.placeable {
                        boundCost = max(best.bound, outcome.bound)
                        proven = best.complete && outcome.proven
                    }
                    break
                }
                if model.meetsShares(outcome.assignment, targets: placedShares) { chosen = outcome.assignment; break }
                targets = placedShares
            }
            // No assignment found that holds its shares: nobody placed holds them trivially.
            assignment = chosen ?? [Int](repeating: -1, count: model.students)
            method = "minimum-cost flow and branch and bound for ranks, capacities and closures; "
                + "heterogeneity by Lagrangian relaxation (\(steps) steps) with repair, exchange cycles and exact placement"
        }
        progress?(Progress(phase: "done", done: 1, total: 1))
        return model.result(assignment, boundCost: boundCost, proven: proven, method: method, instance: instance)
    }
}

/// The index form of an instance.
struct EnrichmentModel {
    struct Dimension {
        var name: String
        var tolerance: Double
        var groups: [String]
    }

    let students: Int
    let clusters: Int
    let choices: [[Int]]
    let rankCost: [[Double]]
    let minSize: [Int]
    let maxSize: [Int]
    let dimensions: [Dimension]
    /// `group[d][i]`: student i's group index in dimension d.
    let group: [[Int]]
    /// Placing a student is worth B (more than any rank sum); a floor seat L (more than
    /// any placement).
    let worth: Double
    let floorPenalty: Double
    /// Whether enough students named the cluster to reach its minimum (and at least one):
    /// a cluster that cannot is closed in every assignment.
    let canOpen: [Bool]
    /// Students with a choice of a cluster that enough students chose to open.
    let placeable: Int

    init(_ instance: EnrichmentInstance) {
        students = instance.students.count
        clusters = instance.clusters.count
        var index: [String: Int] = [:]
        for (c, cl) in instance.clusters.enumerated() { index[cl.id] = c }
        choices = instance.students.map { $0.choices.map { index[$0]! } }
        let longest = choices.map(\.count).max() ?? 0
        let n = instance.students.count, b = Double(n * longest + 1)
        worth = b
        floorPenalty = 2 * Double(n + 1) * b
        rankCost = choices.map { list in list.indices.map { Double($0 + 1) - b } }
        minSize = instance.clusters.map(\.min)
        maxSize = instance.clusters.map(\.max)
        var dims: [Dimension] = []
        var group: [[Int]] = []
        for (name, x) in (instance.heterogeneity ?? [:]).sorted(by: { $0.key < $1.key }) {
            let labels = Set(instance.students.map { $0.group(in: name)! }).sorted()
            let at = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
            dims.append(Dimension(name: name, tolerance: x, groups: labels))
            group.append(instance.students.map { at[$0.group(in: name)!]! })
        }
        dimensions = dims
        self.group = group
        var demand = [Int](repeating: 0, count: clusters)
        for list in choices { for c in list { demand[c] += 1 } }
        let canOpen = instance.clusters.indices.map { demand[$0] >= max(1, instance.clusters[$0].min) }
        self.canOpen = canOpen
        placeable = choices.filter { list in list.contains { canOpen[$0] } }.count
    }

    /// A start within the capacities: students in the given order, each into her best
    /// choice with room.
    func greedy(order: [Int]) -> [Int] {
        var at = [Int](repeating: -1, count: students)
        var size = [Int](repeating: 0, count: clusters)
        for i in order {
            if let k = choices[i].indices.first(where: { size[choices[i][$0]] < maxSize[choices[i][$0]] }) {
                at[i] = k
                size[choices[i][k]] += 1
            }
        }
        return at
    }

    func sizes(_ at: [Int]) -> [Int] {
        var size = [Int](repeating: 0, count: clusters)
        for i in 0..<students where at[i] >= 0 { size[choices[i][at[i]]] += 1 }
        return size
    }

    /// Σ (rank − B) over placed students.
    func cost(_ at: [Int]) -> Double {
        var total = 0.0
        for i in 0..<students where at[i] >= 0 { total += rankCost[i][at[i]] }
        return total
    }

    /// `shares[d][g]`: the share of group g among placed students.
    func shares(of at: [Int]) -> [[Double]] {
        let placed = at.filter { $0 >= 0 }.count
        return dimensions.indices.map { d in
            var count = [Int](repeating: 0, count: dimensions[d].groups.count)
            for i in 0..<students where at[i] >= 0 { count[group[d][i]] += 1 }
            return count.map { placed == 0 ? 0 : Double($0) / Double(placed) }
        }
    }

    /// Every open cluster's share of every group within its tolerance of `targets`.
    func meetsShares(_ at: [Int], targets: [[Double]]) -> Bool {
        let size = sizes(at)
        for d in dimensions.indices {
            var count = [Int](repeating: 0, count: clusters * dimensions[d].groups.count)
            let groups = dimensions[d].groups.count
            for i in 0..<students where at[i] >= 0 { count[choices[i][at[i]] * groups + group[d][i]] += 1 }
            let x = dimensions[d].tolerance
            for c in 0..<clusters where size[c] > 0 {
                for g in 0..<groups {
                    let n = Double(size[c]), ncg = Double(count[c * groups + g])
                    if ncg > (targets[d][g] + x) * n + 1e-9 || ncg < (targets[d][g] - x) * n - 1e-9 { return false }
                }
            }
        }
        return true
    }

    /// The contract's result, every figure counted from the assignment.
    func result(_ at: [Int], boundCost: Double, proven: Bool, method: String, instance: EnrichmentInstance) -> EnrichmentResult {
        var assignments: [String: String] = [:]
        let longest = choices.map(\.count).max() ?? 0
        var rankCounts = [Int](repeating: 0, count: longest)
        var unplaced: [String] = []
        var rankSum = 0
        for (i, s) in instance.students.enumerated() {
            if at[i] >= 0 {
                assignments[s.id] = s.choices[at[i]]
                rankCounts[at[i]] += 1
                rankSum += at[i] + 1
            } else {
                unplaced.append(s.id)
            }
        }
        let size = sizes(at)
        let placed = assignments.count
        // Reported dimensions: those the heterogeneity names, and ability and any group
        // every student has.
        var names = Set(dimensions.map(\.name))
        if !instance.students.isEmpty {
            if instance.students.allSatisfy({ $0.ability != nil }) { names.insert("ability") }
            let keys = instance.students.map { Set(($0.groups ?? [:]).keys) }
            for k in keys.dropFirst().reduce(keys[0], { $0.intersection($1) }) { names.insert(k) }
        }
        var deviation: [String: Double] = [:]
        var summaries = instance.clusters.map {
            EnrichmentResult.ClusterSummary(id: $0.id, size: 0, open: false, groups: [:])
        }
        for name in names.sorted() {
            var total: [String: Int] = [:]
            var byCluster = [[String: Int]](repeating: [:], count: clusters)
            for (i, s) in instance.students.enumerated() where at[i] >= 0 {
                let g = s.group(in: name)!
                total[g, default: 0] += 1
                byCluster[choices[i][at[i]]][g, default: 0] += 1
            }
            var worst = 0.0
            for c in 0..<clusters where size[c] > 0 {
                for (g, t) in total {
                    let p = Double(t) / Double(placed)
                    worst = max(worst, abs(Double(byCluster[c][g] ?? 0) / Double(size[c]) - p))
                }
                summaries[c].groups[name] = byCluster[c]
            }
            deviation[name] = (worst * 1e9).rounded() / 1e9
        }
        for c in 0..<clusters { summaries[c].size = size[c]; summaries[c].open = size[c] > 0 }
        let bound = proven ? rankSum : min(rankSum, Int((boundCost + Double(placed) * worth - 1e-6).rounded(.up)))
        return EnrichmentResult(
            assignments: assignments,
            rankCounts: Dictionary(uniqueKeysWithValues: rankCounts.enumerated().map { ("\($0 + 1)", $1) }),
            unplaced: unplaced,
            closed: instance.clusters.indices.filter { size[$0] == 0 }.map { instance.clusters[$0].id },
            maxShareDeviation: deviation, optimal: proven, placed: placed, rankSum: rankSum,
            bound: max(0, bound), method: method, clusters: summaries)
    }
}

/// Step 2: which clusters below their minimum to close, by depth-first branch and bound
/// over `ClusterAssignment` flows.
struct ClosureSearch {
    let model: EnrichmentModel
    let nodeLimit: Int

    struct Outcome {
        var assignment: [Int]
        var cost: Double
        /// No assignment within the limits costs less (Σ rank − B).
        var bound: Double
        var complete: Bool
        var nodes: Int
    }

    private struct Branch {
        var closed: [Bool]
        var forced: [Bool]
        var start: [Int]
        var parentBound: Double
    }

    func run(start: [Int], progress: ((Enrichment.Progress) -> Void)?) -> Outcome {
        // A cluster fewer students chose than its minimum can never open.
        let hopeless = model.canOpen.map { !$0 }
        var first = start
        for i in 0..<model.students where first[i] >= 0 && hopeless[model.choices[i][first[i]]] { first[i] = -1 }
        var stack = [Branch(closed: hopeless, forced: [Bool](repeating: false, count: model.clusters),
                            start: first, parentBound: -.infinity)]
        var incumbent: [Int] = [Int](repeating: -1, count: model.students)
        var incumbentCost = 0.0
        var nodes = 0
        while let branch = stack.popLast() {
            if nodes >= nodeLimit {
                stack.append(branch)
                break
            }
            if branch.parentBound >= incumbentCost - 0.5 { continue }
            nodes += 1
            if nodes % 50 == 0 { progress?(Enrichment.Progress(phase: "closing clusters below their minimum", done: nodes, total: nodeLimit)) }
            var flow = ClusterAssignment(
                choices: model.choices, cost: model.rankCost,
                capacity: (0..<model.clusters).map { branch.closed[$0] ? 0 : model.maxSize[$0] },
                floor: (0..<model.clusters).map { branch.forced[$0] ? model.minSize[$0] : 0 },
                penalty: model.floorPenalty, at: branch.start)
            flow.optimize()
            if flow.floorShortfall > 0 { continue }
            let cost = flow.placementCost
            if cost >= incumbentCost - 0.5 { continue }
            let short = (0..<model.clusters).filter {
                !branch.closed[$0] && !branch.forced[$0] && flow.size[$0] > 0 && flow.size[$0] < model.minSize[$0]
            }
            let at = (0..<model.students).map { flow.at[$0] }
            guard let c = short.max(by: { (model.minSize[$0] - flow.size[$0], $1) < (model.minSize[$1] - flow.size[$1], $0) }) else {
                incumbent = at
                incumbentCost = cost
                continue
            }
            // Open (forced to its minimum) is pushed first, so closing is tried first.
            var open = branch
            open.forced[c] = true
            open.start = at
            open.parentBound = cost
            stack.append(open)
            var close = branch
            close.closed[c] = true
            close.start = at.indices.map { at[$0] >= 0 && model.choices[$0][at[$0]] == c ? -1 : at[$0] }
            close.parentBound = cost
            stack.append(close)
        }
        let pending = stack.map(\.parentBound).min() ?? .infinity
        return Outcome(assignment: incumbent, cost: incumbentCost, bound: min(incumbentCost, pending),
                       complete: stack.isEmpty, nodes: nodes)
    }
}
