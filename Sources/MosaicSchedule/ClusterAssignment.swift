/// Students placed in clusters at least cost, by cancelling negative cycles in the
/// residual graph of the assignment (Klein 1967, "A primal method for minimal cost
/// flows", Management Science 14(3), doi:10.1287/mnsc.14.3.205), collapsed onto the
/// clusters.
///
/// The flow network is `source → student → cluster → sink` with unit supplies; student i
/// in cluster c costs `cost[i][k]` (c her k-th choice), an unplaced student costs 0, and
/// cluster c's size n_c costs `−L` for each of its first `floor[c]` seats (a soft lower
/// bound: with L above every other cost the optimum fills the floor whenever it can).
/// Every student node has one residual edge in (from her cluster, or from the source when
/// unplaced), so a residual cycle is a cycle over clusters, the pool of unplaced students
/// `U` and the sink `S`, with edges
///
/// - a → b: a student of a moves to b, weight min over i ∈ a of `cost(i,b) − cost(i,a)`;
/// - a → U: a student of a is unplaced, weight min over i ∈ a of `−cost(i,a)`;
/// - U → b: an unplaced student enters b, weight min over unplaced i of `cost(i,b)`;
/// - b → S: b grows by one (n_b < capacity), weight `−L` while n_b < floor, else 0;
/// - S → a: a shrinks by one (n_a > 0), weight `+L` while n_a ≤ floor, else 0;
/// - U ↔ S: weight 0.
///
/// A flow is optimal exactly when this graph has no negative cycle; any assignment within
/// the capacities is a feasible start, so a search can warm-start from its last state
/// after changing costs, capacities or floors.
///
/// - Complexity: O(V³) per cycle found (Bellman–Ford on the V = clusters + 2 nodes of a
///   dense graph), O(Σ choices) to build the graph.
struct ClusterAssignment {
    /// Each student's choices as cluster indices, first choice first.
    let choices: [[Int]]
    /// `cost[i][k]`: student i placed in her k-th choice.
    var cost: [[Double]]
    /// Student → index into her choices, −1 unplaced.
    private(set) var at: [Int]
    private(set) var size: [Int]
    var capacity: [Int]
    var floor: [Int]
    let penalty: Double
    private var members: [[Int]]
    private var unplaced: Set<Int>
    private var weight: [Double]      // (clusters + 2)² edge weights, row-major
    private var via: [Int]            // the student behind each edge, −1 for U/S edges
    private let nodes: Int
    var clusterCount: Int { capacity.count }
    private var poolNode: Int { capacity.count }
    private var sinkNode: Int { capacity.count + 1 }

    /// - Parameter at: a start within the capacities (−1 unplaced); `penalty` is L.
    init(choices: [[Int]], cost: [[Double]], capacity: [Int], floor: [Int], penalty: Double, at: [Int]) {
        self.choices = choices
        self.cost = cost
        self.capacity = capacity
        self.floor = floor
        self.penalty = penalty
        self.at = at
        let clusters = capacity.count
        nodes = clusters + 2
        size = [Int](repeating: 0, count: clusters)
        members = [[Int]](repeating: [], count: clusters)
        unplaced = []
        for (i, k) in at.enumerated() {
            if k < 0 { unplaced.insert(i) } else { let c = choices[i][k]; size[c] += 1; members[c].append(i) }
        }
        weight = [Double](repeating: .infinity, count: nodes * nodes)
        via = [Int](repeating: -1, count: nodes * nodes)
        rebuild()
    }

    /// The cluster student i is in, or nil.
    func cluster(of i: Int) -> Int? { at[i] < 0 ? nil : choices[i][at[i]] }

    /// Σ cost of placed students, without the floor terms.
    var placementCost: Double {
        var total = 0.0
        for i in at.indices where at[i] >= 0 { total += cost[i][at[i]] }
        return total
    }

    /// How many floor seats stay empty.
    var floorShortfall: Int { capacity.indices.reduce(0) { $0 + max(0, floor[$1] - size[$1]) } }

    /// Recomputes every edge (after costs change).
    mutating func rebuild() {
        for a in 0..<clusterCount { rebuildRow(a) }
        rebuildPoolRow()
        rebuildSinkEdges()
    }

    /// Empties cluster c into the pool (before closing it: set its capacity to 0 after).
    mutating func evict(_ c: Int) {
        for i in members[c] { at[i] = -1; unplaced.insert(i) }
        members[c] = []
        size[c] = 0
        rebuildRow(c)
        rebuildPoolRow()
        rebuildSinkEdges()
    }

    /// Moves student i to her k-th choice (−1: unplaced) without checking capacity; the
    /// caller keeps the assignment feasible.
    mutating func place(_ i: Int, choice k: Int) {
        if let c = cluster(of: i) {
            members[c].removeAll { $0 == i }
            size[c] -= 1
        } else {
            unplaced.remove(i)
        }
        at[i] = k
        if k >= 0 { let c = choices[i][k]; members[c].append(i); size[c] += 1 } else { unplaced.insert(i) }
    }

    private mutating func rebuildRow(_ a: Int) {
        let row = a * nodes
        for b in 0..<clusterCount { weight[row + b] = .infinity; via[row + b] = -1 }
        weight[row + poolNode] = .infinity
        via[row + poolNode] = -1
        for i in members[a] {
            let here = cost[i][at[i]]
            for (k, b) in choices[i].enumerated() where b != a {
                let w = cost[i][k] - here
                if w < weight[row + b] { weight[row + b] = w; via[row + b] = i }
            }
            if -here < weight[row + poolNode] { weight[row + poolNode] = -here; via[row + poolNode] = i }
        }
    }

    private mutating func rebuildPoolRow() {
        let row = poolNode * nodes
        for b in 0..<nodes { weight[row + b] = .infinity; via[row + b] = -1 }
        for i in unplaced.sorted() {
            for (k, b) in choices[i].enumerated() where cost[i][k] < weight[row + b] {
                weight[row + b] = cost[i][k]
                via[row + b] = i
            }
        }
        weight[row + sinkNode] = 0
    }

    private mutating func rebuildSinkEdges() {
        let sinkRow = sinkNode * nodes
        for c in 0..<clusterCount {
            weight[c * nodes + sinkNode] = size[c] < capacity[c] ? (size[c] < floor[c] ? -penalty : 0) : .infinity
            weight[sinkRow + c] = size[c] > 0 ? (size[c] <= floor[c] ? penalty : 0) : .infinity
        }
        weight[sinkRow + poolNode] = 0
        weight[sinkRow + sinkNode] = .infinity
    }

    /// Cancels negative cycles until none is left; returns how many were cancelled.
    /// `limit` bounds the work (the result is then not proven optimal).
    @discardableResult
    mutating func optimize(limit: Int = 1_000_000) -> Int {
        var cancelled = 0
        while cancelled < limit, let cycle = negativeCycle() {
            apply(cycle)
            cancelled += 1
        }
        return cancelled
    }

    /// True when no negative cycle is left (the assignment is optimal for its costs).
    var isOptimal: Bool { negativeCycle() == nil }

    /// Nodes of a negative cycle, in order (each → the next, the last → the first).
    private func negativeCycle() -> [Int]? {
        let tolerance = 1e-9
        var distance = [Double](repeating: 0, count: nodes)
        var parent = [Int](repeating: -1, count: nodes)
        for _ in 0..<nodes {
            var relaxed = false
            for u in 0..<nodes {
                let du = distance[u], row = u * nodes
                for v in 0..<nodes {
                    let w = weight[row + v]
                    if du + w < distance[v] - tolerance {
                        distance[v] = du + w
                        parent[v] = u
                        relaxed = true
                    }
                }
            }
            if !relaxed { return nil }
            if let cycle = parentCycle(parent) { return cycle }
        }
        return parentCycle(parent)
    }

    private mutating func apply(_ cycle: [Int]) {
        var moves: [(student: Int, to: Int)] = []
        for (x, u) in cycle.enumerated() {
            let v = cycle[(x + 1) % cycle.count]
            guard u != sinkNode, v != sinkNode else { continue }
            let i = via[u * nodes + v]
            precondition(i >= 0, "a cycle edge without a student")
            moves.append((i, v == poolNode ? -1 : choices[i].firstIndex(of: v)!))
        }
        var touched = Set(cycle.filter { $0 < clusterCount })
        for (i, k) in moves {
            if let c = cluster(of: i) { touched.insert(c) }
            place(i, choice: k)
        }
        for c in touched.sorted() { rebuildRow(c) }
        rebuildPoolRow()
        rebuildSinkEdges()
    }
}

/// The nodes of a cycle among parent links (`parent[v]` is the node v was last reached
/// from, −1 none), in the order the edges run, if the links hold one — how Bellman–Ford
/// shows a negative cycle before its last pass.
func parentCycle(_ parent: [Int]) -> [Int]? {
    var color = [UInt8](repeating: 0, count: parent.count)   // 0 new, 1 on this walk, 2 done
    for start in parent.indices where color[start] == 0 {
        var v = start
        var path: [Int] = []
        while color[v] == 0 {
            color[v] = 1
            path.append(v)
            guard parent[v] >= 0 else { break }
            v = parent[v]
        }
        // path[k...] follows parent links, so the edges run the other way.
        if color[v] == 1, parent[v] >= 0, let k = path.firstIndex(of: v) { return Array(path[k...].reversed()) }
        for u in path { color[u] = 2 }
    }
    return nil
}
