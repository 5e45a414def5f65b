/// A local search over how many students of each combination of groups every cluster
/// holds, with the students themselves placed exactly.
///
/// Students who share a combination h of groups (ability × economic status, say) are
/// interchangeable for the share constraints, so once every cluster's count n_ch is fixed
/// the best placement is a flow per combination (`ClusterAssignment` with floors equal to
/// capacities). On the optimum of that flow, the cheapest way to take one student of h
/// out of cluster a and put one into b is a shortest path a → b in h's residual graph
/// over clusters (an edge a → b: a student of h in a who chose b moves there, at her
/// change of rank; the pool of unplaced students is one more node), and augmenting along
/// it keeps the flow optimal (successive shortest paths). The search therefore moves in
/// count space with exact costs:
///
/// - a **shift** (h: a → b) changes two counts and two sizes, cost `dist_h(a, b)`;
/// - an **exchange** (h: a → b with h′: b → a) keeps sizes, cost `dist_h(a,b) + dist_h′(b,a)`.
///
/// Each round makes the moves that lower `cost + M·V` most and do not interfere (no
/// shared end cluster, no shared node on paths of one combination), V the violation in
/// students (seats below a minimum; counts beyond `(P_g ± x)·n_c` for every group g of
/// every dimension) and M = 1000·B, so any step towards feasibility outweighs ranks and
/// placements. When no move lowers V and a cluster is still violated, it closes and its
/// students go back to the pool. Once feasible, negative cycles of shifts that keep every
/// cluster within its limits (`improveByCycle`) lower the rank sum until none is left.
///
/// - Complexity: a round is O(H²·N²) to price (N = clusters + 1, H combinations) and
///   O(N³) per changed combination to update its distances (Floyd–Warshall); a cycle
///   search is O(N²·H²) per Bellman–Ford pass.
struct QuotaSearch {
    let model: EnrichmentModel
    let lowerShare: [Double]   // per slot offset[d] + g
    let upperShare: [Double]
    let width: Int
    let weight: Double
    /// Per student, her combination; per combination, its slot in every dimension.
    let combinationOf: [Int]
    let slots: [[Int]]
    let combinations: Int
    /// `inSlot[h·width + s]`: combination h counts in slot s.
    let inSlot: [Bool]
    private let nodes: Int
    private var pool: Int { model.clusters }

    /// The most violated cluster after the last search, if one is left violated.
    var worstCluster: Int? {
        let worst = violation.indices.max { violation[$0] < violation[$1] }
        return worst.flatMap { violation[$0] > 1e-9 ? $0 : nil }
    }

    private var closed: [Bool] = []
    private var at: [Int] = []
    private var size: [Int] = []
    private var slotCount: [Int] = []
    private var held: [Int] = []            // cluster × combination
    private var violation: [Double] = []
    private var members: [[Int]] = []       // (combination × nodes) → students
    private var edge: [[Double]] = []       // combination → N² edge weights
    private var via: [[Int]] = []
    private var distance: [[Double]] = []
    private var changeTable: [Double] = []   // cluster × (adding + 1) × (removing + 1)

    init(model: EnrichmentModel, targets: [[Double]]) {
        self.model = model
        var lo: [Double] = [], hi: [Double] = []
        var offset: [Int] = []
        for (d, dim) in model.dimensions.enumerated() {
            offset.append(lo.count)
            for g in dim.groups.indices { lo.append(targets[d][g] - dim.tolerance); hi.append(targets[d][g] + dim.tolerance) }
        }
        lowerShare = lo
        upperShare = hi
        width = lo.count
        // Combination index: mixed radix over the dimensions' groups.
        let radix = model.dimensions.map(\.groups.count)
        combinations = radix.reduce(1, *)
        combinationOf = (0..<model.students).map { i in
            model.dimensions.indices.reduce(0) { $0 * radix[$1] + model.group[$1][i] }
        }
        slots = (0..<radix.reduce(1, *)).map { h in
            var rest = h
            var out = [Int](repeating: 0, count: radix.count)
            for d in radix.indices.reversed() { out[d] = offset[d] + rest % radix[d]; rest /= radix[d] }
            return out
        }
        var inSlot = [Bool](repeating: false, count: combinations * width)
        for h in 0..<combinations { for s in slots[h] { inSlot[h * width + s] = true } }
        self.inSlot = inSlot
        weight = 1000 * model.worth
        nodes = model.clusters + 1
    }

    /// The assignment after the search: feasible when it found a way, and optimal for
    /// its counts in any case.
    mutating func repaired(_ start: [Int], closed: [Bool]) -> [Int] {
        self.closed = closed
        load(start)
        let limit = 4 * nodes + 100
        var steps = 0
        while steps < limit {
            let batch = improvingMoves()
            if batch.isEmpty {
                // Stuck with a violated cluster: close it, its students back to the pool.
                guard let worst = worstCluster else { break }
                close(worst)
                continue
            }
            apply(batch)
            steps += 1
        }
        var cycles = 0
        if totalViolation < 1e-9 {
            while cycles < limit, improveByCycle() { cycles += 1 }
        }
        return at
    }

    private mutating func close(_ c: Int) {
        closed[c] = true
        var changed = Set<Int>()
        for h in 0..<combinations {
            for i in members[h * nodes + c] { relocate(i, from: c, to: pool); changed.insert(h) }
        }
        polish(only: changed)
        for h in changed.sorted() {
            for a in 0..<nodes { rebuildRow(h, a) }
            shortestPaths(h)
        }
    }

    // MARK: State

    private mutating func load(_ start: [Int]) {
        at = start
        size = [Int](repeating: 0, count: model.clusters)
        for i in 0..<model.students where at[i] >= 0 {
            let c = model.choices[i][at[i]]
            if closed[c] || size[c] >= model.maxSize[c] { at[i] = -1 } else { size[c] += 1 }
        }
        polish()
        recount()
        edge = [[Double]](repeating: [], count: combinations)
        via = [[Int]](repeating: [], count: combinations)
        distance = [[Double]](repeating: [], count: combinations)
        for h in 0..<combinations {
            edge[h] = [Double](repeating: .infinity, count: nodes * nodes)
            via[h] = [Int](repeating: -1, count: nodes * nodes)
            for a in 0..<nodes { rebuildRow(h, a) }
            shortestPaths(h)
        }
    }

    private mutating func recount() {
        size = [Int](repeating: 0, count: model.clusters)
        slotCount = [Int](repeating: 0, count: model.clusters * width)
        held = [Int](repeating: 0, count: model.clusters * combinations)
        members = [[Int]](repeating: [], count: combinations * nodes)
        for i in 0..<model.students {
            let h = combinationOf[i]
            guard at[i] >= 0 else { members[h * nodes + pool].append(i); continue }
            let c = model.choices[i][at[i]]
            size[c] += 1
            held[c * combinations + h] += 1
            for s in slots[h] { slotCount[c * width + s] += 1 }
            members[h * nodes + c].append(i)
        }
        violation = (0..<model.clusters).map { violation(of: $0, adding: nil, removing: nil) }
        changeTable = [Double](repeating: 0, count: model.clusters * tableWidth)
        for c in 0..<model.clusters { refreshTable(c) }
    }

    /// Every combination (or those in `only`) placed optimally for its counts. Before the
    /// counts are kept (`load`) it only rewrites `at`; after, it moves students properly.
    private mutating func polish(only: Set<Int>? = nil) {
        var byCombination = [[Int]](repeating: [], count: combinations)
        for i in 0..<model.students { byCombination[combinationOf[i]].append(i) }
        for (h, group) in byCombination.enumerated() where !group.isEmpty && (only?.contains(h) ?? true) {
            var count = [Int](repeating: 0, count: model.clusters)
            for i in group where at[i] >= 0 { count[model.choices[i][at[i]]] += 1 }
            var flow = ClusterAssignment(
                choices: group.map { model.choices[$0] }, cost: group.map { model.rankCost[$0] },
                capacity: count, floor: count, penalty: model.floorPenalty, at: group.map { at[$0] })
            guard flow.optimize() > 0 else { continue }
            for (x, i) in group.enumerated() where flow.at[x] != at[i] {
                if only == nil { at[i] = flow.at[x]; continue }
                relocate(i, from: at[i] >= 0 ? model.choices[i][at[i]] : pool, to: pool)
            }
            if only != nil {
                for (x, i) in group.enumerated() where flow.at[x] >= 0 && at[i] != flow.at[x] {
                    relocate(i, from: pool, to: model.choices[i][flow.at[x]])
                }
            }
        }
    }

    private func rank(_ i: Int, _ k: Int) -> Double { k < 0 ? 0 : model.rankCost[i][k] }

    /// Edges out of node a in combination h's graph.
    private mutating func rebuildRow(_ h: Int, _ a: Int) {
        let row = a * nodes
        for b in 0..<nodes { edge[h][row + b] = .infinity; via[h][row + b] = -1 }
        for i in members[h * nodes + a] {
            let here = rank(i, at[i])
            for (k, b) in model.choices[i].enumerated() where b != a {
                let w = rank(i, k) - here
                if w < edge[h][row + b] { edge[h][row + b] = w; via[h][row + b] = i }
            }
            if a != pool, -here < edge[h][row + pool] { edge[h][row + pool] = -here; via[h][row + pool] = i }
        }
    }

    /// Floyd–Warshall on combination h's graph. Costs are whole numbers, exact in
    /// `Double`, so paths are found again by equality (`path`); the inner loop is a plain
    /// minimum, which the compiler vectorises.
    private mutating func shortestPaths(_ h: Int) {
        var dist = edge[h]
        let n = nodes
        dist.withUnsafeMutableBufferPointer { d in
            for a in 0..<n { d[a * n + a] = min(0, d[a * n + a]) }
            let base = d.baseAddress!
            for k in 0..<n {
                let rowK = UnsafePointer(base + k &* n)
                for a in 0..<n where a != k {
                    let rowA = base + a &* n
                    let dak = rowA[k]
                    if dak == .infinity { continue }
                    for b in 0..<n {
                        let v = dak + rowK[b]
                        let old = rowA[b]
                        rowA[b] = v < old ? v : old
                    }
                }
            }
        }
        distance[h] = dist
    }

    // MARK: Violation

    private var totalViolation: Double { violation.reduce(0, +) }

    /// Cluster c's violation were one student of combination `adding` to join and one of
    /// `removing` to leave.
    private func violation(of c: Int, adding: Int?, removing: Int?) -> Double {
        var n = size[c]
        if adding != nil { n += 1 }
        if removing != nil { n -= 1 }
        guard n > 0 else { return 0 }
        var v = Double(max(0, model.minSize[c] - n))
        let base = c * width, nd = Double(n)
        for s in 0..<width {
            var k = slotCount[base + s]
            if let a = adding, inSlot[a * width + s] { k += 1 }
            if let r = removing, inSlot[r * width + s] { k -= 1 }
            let kd = Double(k)
            v += max(0, kd - upperShare[s] * nd - 1e-9) + max(0, lowerShare[s] * nd - kd - 1e-9)
        }
        return v
    }

    private func change(_ c: Int, adding: Int?, removing: Int?) -> Double {
        c == pool ? 0 : violation(of: c, adding: adding, removing: removing) - violation[c]
    }

    // MARK: Moves

    /// A shift of one student of combination h from cluster (or pool) `from` to `to`,
    /// and for an exchange one of combination `back` the other way.
    private struct Move {
        var h: Int
        var from: Int
        var to: Int
        var back: Int?
        var delta: Double
    }

    private func hasRoom(_ c: Int) -> Bool { c == pool || (!closed[c] && size[c] < model.maxSize[c]) }
    private func holds(_ c: Int, _ h: Int) -> Bool {
        c == pool ? !members[h * nodes + pool].isEmpty : held[c * combinations + h] > 0
    }

    /// V's change in cluster c (0 for the pool) were one student of combination `adding`
    /// to join and one of `removing` to leave (−1: none), from the table.
    @inline(__always)
    private func change(_ c: Int, adding: Int, removing: Int) -> Double {
        c == pool ? 0 : changeTable[c * tableWidth + (adding + 1) * (combinations + 1) + removing + 1]
    }

    private var tableWidth: Int { (combinations + 1) * (combinations + 1) }

    private mutating func refreshTable(_ c: Int) {
        for add in -1..<combinations {
            for remove in -1..<combinations {
                changeTable[c * tableWidth + (add + 1) * (combinations + 1) + remove + 1] =
                    violation(of: c, adding: add < 0 ? nil : add, removing: remove < 0 ? nil : remove) - violation[c]
            }
        }
    }

    /// Improving moves that can be made together, best first: no two share an end
    /// cluster (so V's changes add up) or, within a combination, any node of their paths
    /// (so each path is still there and costs what it did). While V > 0 only moves that
    /// touch a violated cluster are priced (no other move can lower V).
    private func improvingMoves() -> [Move] {
        let violated = (0..<model.clusters).map { violation[$0] > 1e-9 }
        let repairing = violated.contains(true)
        var found: [Move] = []
        for h in 0..<combinations {
            let dist = distance[h]
            for a in 0..<nodes where holds(a, h) {
                let leave = change(a, adding: -1, removing: h)
                for b in 0..<nodes where b != a && hasRoom(b) {
                    if repairing && !(a < pool && violated[a]) && !(b < pool && violated[b]) { continue }
                    let d = dist[a * nodes + b]
                    if d == .infinity { continue }
                    let delta = d + weight * (leave + change(b, adding: h, removing: -1))
                    if delta < -1e-7 { found.append(Move(h: h, from: a, to: b, back: nil, delta: delta)) }
                }
            }
        }
        for a in 0..<model.clusters where !closed[a] {
            for b in 0..<nodes where b != a && (b == pool || !closed[b]) {
                if repairing && !violated[a] && !(b < pool && violated[b]) { continue }
                for h in 0..<combinations where holds(a, h) {
                    let dab = distance[h][a * nodes + b]
                    if dab == .infinity { continue }
                    for h2 in 0..<combinations where h2 != h && holds(b, h2) {
                        let dba = distance[h2][b * nodes + a]
                        if dba == .infinity { continue }
                        let delta = dab + dba + weight * (change(a, adding: h2, removing: h) + change(b, adding: h, removing: h2))
                        if delta < -1e-7 { found.append(Move(h: h, from: a, to: b, back: h2, delta: delta)) }
                    }
                }
            }
        }
        found.sort { ($0.delta, $0.h, $0.from, $0.to) < ($1.delta, $1.h, $1.from, $1.to) }
        var ends = Set<Int>()
        var usedNodes = [Set<Int>](repeating: [], count: combinations)
        var batch: [Move] = []
        var examined = 0
        for m in found {
            if (m.from != pool && ends.contains(m.from)) || (m.to != pool && ends.contains(m.to)) { continue }
            // Paths cost O(N²) each: look at a few hundred candidates per batch, no more.
            examined += 1
            if examined > nodes { break }
            let path = self.path(m.h, from: m.from, to: m.to)
            let pathBack = m.back.map { self.path($0, from: m.to, to: m.from) } ?? []
            if !usedNodes[m.h].isDisjoint(with: path) { continue }
            if let h2 = m.back, !usedNodes[h2].isDisjoint(with: pathBack) { continue }
            if m.back == m.h, !Set(path).isDisjoint(with: pathBack) { continue }
            batch.append(m)
            if m.from != pool { ends.insert(m.from) }
            if m.to != pool { ends.insert(m.to) }
            usedNodes[m.h].formUnion(path)
            if let h2 = m.back { usedNodes[h2].formUnion(pathBack) }
        }
        return batch
    }

    /// The nodes of a shortest path a → b in combination h's graph with the fewest edges:
    /// breadth-first over the edges u → v on which `dist(a,u) + w(u,v) = dist(a,v)`
    /// (exact: the costs are whole numbers), so zero-cost cycles cannot trap it.
    private func path(_ h: Int, from a: Int, to b: Int) -> [Int] {
        var parent = [Int](repeating: -1, count: nodes)
        parent[a] = a
        var queue = [a], head = 0
        distance[h].withUnsafeBufferPointer { dist in
            edge[h].withUnsafeBufferPointer { w in
                let row = dist.baseAddress! + a &* nodes
                while head < queue.count, parent[b] < 0 {
                    let u = queue[head]
                    head += 1
                    let du = row[u], out = w.baseAddress! + u &* nodes
                    for v in 0..<nodes where parent[v] < 0 && out[v] < .infinity && du + out[v] == row[v] {
                        parent[v] = u
                        queue.append(v)
                    }
                }
            }
        }
        precondition(parent[b] >= 0, "no path for a priced move")
        var out = [b]
        while out.last! != a { out.append(parent[out.last!]) }
        return out.reversed()
    }

    /// Makes the moves (their paths found first, on the distances they were priced with),
    /// then restores every changed combination's optimum for its new counts and its
    /// distances.
    private mutating func apply(_ batch: [Move]) {
        var hops: [(student: Int, to: Int)] = []
        var changed = Set<Int>()
        for m in batch {
            for (h, from, to) in [(m.h, m.from, m.to)] + (m.back.map { [($0, m.to, m.from)] } ?? []) {
                let nodesOnPath = path(h, from: from, to: to)
                for (u, v) in zip(nodesOnPath, nodesOnPath.dropFirst()) { hops.append((via[h][u * nodes + v], v)) }
                changed.insert(h)
            }
        }
        for (i, v) in hops {
            let from = at[i] >= 0 ? model.choices[i][at[i]] : pool
            relocate(i, from: from, to: v)
        }
        if batch.count > 1 { polish(only: changed) }
        for h in changed.sorted() {
            for a in 0..<nodes { rebuildRow(h, a) }
            shortestPaths(h)
        }
    }

    private mutating func relocate(_ i: Int, from: Int, to: Int) {
        let h = combinationOf[i]
        members[h * nodes + from].removeAll { $0 == i }
        members[h * nodes + to].append(i)
        if from != pool {
            size[from] -= 1
            held[from * combinations + h] -= 1
            for s in slots[h] { slotCount[from * width + s] -= 1 }
        }
        at[i] = to == pool ? -1 : model.choices[i].firstIndex(of: to)!
        if to != pool {
            size[to] += 1
            held[to * combinations + h] += 1
            for s in slots[h] { slotCount[to * width + s] += 1 }
        }
        if from != pool { violation[from] = violation(of: from, adding: nil, removing: nil); refreshTable(from) }
        if to != pool { violation[to] = violation(of: to, adding: nil, removing: nil); refreshTable(to) }
    }

    // MARK: Cycles

    /// One improving cycle in count space, made; false when there is none (or the one
    /// found did not improve once made, which the exact re-placement can reveal).
    ///
    /// A feasible assignment stays feasible when every cluster, after the change, holds
    /// counts within its limits; a cluster's limits depend only on what it receives and
    /// what it sends. So the graph has a node (c, h) for "a student of combination h has
    /// arrived in c" (h may be none), an edge (c, h) → (c′, h′) of cost `dist_h′(c, c′)`
    /// when c can take h and give up h′ and stay within its limits, and a node S for a
    /// change of size: (c, h) → S when c can grow by h, S → (c, none) to let c shrink. A
    /// negative cycle (Bellman–Ford) is a set of shifts that keeps every cluster within
    /// its limits and lowers the rank sum; shifts and exchanges are its cycles of length
    /// two. The cycle is made shift by shift along current shortest paths and kept only
    /// when the cost fell and V is still 0.
    private mutating func improveByCycle() -> Bool {
        let states = combinations + 1
        let count = nodes * states
        let sink = count
        func node(_ c: Int, _ h: Int) -> Int { c * states + h + 1 }
        // allowed[(c, hin) · H + hout]: c may take hin and give up hout.
        var allowed = [Bool](repeating: false, count: count * combinations)
        var absorb = [Bool](repeating: false, count: count)
        for c in 0..<nodes {
            for hin in -1..<combinations {
                let u = node(c, hin)
                for hout in 0..<combinations where hout != hin && holds(c, hout) {
                    allowed[u * combinations + hout] = c == pool || (!closed[c] && change(c, adding: hin, removing: hout) <= 1e-9)
                }
                if hin >= 0 {
                    absorb[u] = c == pool || (hasRoom(c) && change(c, adding: hin, removing: -1) <= 1e-9)
                }
            }
        }
        var dist = [Double](repeating: 0, count: count + 1)
        var parent = [Int](repeating: -1, count: count + 1)
        let tolerance = 1e-7
        var cycle: [Int]?
        for _ in 0...(count + 1) {
            var relaxed = false
            for c in 0..<nodes {
                for hin in -1..<combinations {
                    let u = node(c, hin)
                    let du = dist[u]
                    for hout in 0..<combinations where allowed[u * combinations + hout] {
                        let row = distance[hout]
                        let base = c * nodes
                        for c2 in 0..<nodes where c2 != c {
                            let w = row[base + c2]
                            if w == .infinity { continue }
                            let v = node(c2, hout)
                            if du + w < dist[v] - tolerance { dist[v] = du + w; parent[v] = u; relaxed = true }
                        }
                    }
                    if absorb[u], du < dist[sink] - tolerance { dist[sink] = du; parent[sink] = u; relaxed = true }
                }
            }
            for c in 0..<nodes {
                let v = node(c, -1)
                if dist[sink] < dist[v] - tolerance { dist[v] = dist[sink]; parent[v] = sink; relaxed = true }
            }
            if !relaxed { break }
            if let found = parentCycle(parent) { cycle = found; break }
        }
        guard let cycle else { return false }
        // The shifts, in cycle order: an edge (c, ·) → (c′, h′) moves h′ from c to c′.
        var shifts: [(h: Int, from: Int, to: Int)] = []
        for (x, u) in cycle.enumerated() {
            let v = cycle[(x + 1) % cycle.count]
            guard u != sink, v != sink else { continue }
            shifts.append((v % states - 1, u / states, v / states))
        }
        let before = model.cost(at)
        let snapshot = at
        for s in shifts {
            guard holds(s.from, s.h), distance[s.h][s.from * nodes + s.to] < .infinity else { load(snapshot); return false }
            augment(s.h, from: s.from, to: s.to)
        }
        if totalViolation > 1e-9 || model.cost(at) > before - 0.5 {
            load(snapshot)
            return false
        }
        return true
    }

    /// Moves students of combination h along the current shortest path a → b, then
    /// updates the rows it touched and h's distances.
    private mutating func augment(_ h: Int, from a: Int, to b: Int) {
        let nodesOnPath = path(h, from: a, to: b)
        var hops: [(student: Int, to: Int)] = []
        for (u, v) in zip(nodesOnPath, nodesOnPath.dropFirst()) { hops.append((via[h][u * nodes + v], v)) }
        for (i, v) in hops { relocate(i, from: at[i] >= 0 ? model.choices[i][at[i]] : pool, to: v) }
        for u in nodesOnPath { rebuildRow(h, u) }
        shortestPaths(h)
    }
}
