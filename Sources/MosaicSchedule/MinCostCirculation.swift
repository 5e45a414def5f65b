/// A minimum-cost circulation by cycle cancelling (Klein 1967, "A primal method for
/// minimal cost flows", Management Science 14(3), doi:10.1287/mnsc.14.3.205): start from
/// a feasible flow and, while the residual graph holds a cycle of negative cost, push the
/// most flow it allows around it. A flow with no negative residual cycle is optimal.
/// Cycles are found by Bellman–Ford from a virtual source joined to every node at cost 0;
/// a node still relaxed after V passes lies on, or leads to, a negative cycle.
///
/// The sectioning search uses it warm-started from the current loading, where few cycles
/// remain, so the passes stay short.
///
/// - Complexity: O(V·E) per cycle found, at most `cycleLimit` cycles.
struct MinCostCirculation {
    struct Edge {
        var to: Int
        var capacity: Int
        var cost: Int
        var flow: Int
    }

    private(set) var edges: [Edge] = []
    private var outgoing: [[Int]]

    init(nodes: Int) { outgoing = [[Int]](repeating: [], count: nodes) }

    var nodeCount: Int { outgoing.count }

    /// Adds an edge with its current flow (and the residual reverse edge); returns its index.
    @discardableResult
    mutating func addEdge(from: Int, to: Int, capacity: Int, cost: Int, flow: Int = 0) -> Int {
        let e = edges.count
        edges.append(Edge(to: to, capacity: capacity, cost: cost, flow: flow))
        edges.append(Edge(to: from, capacity: 0, cost: -cost, flow: -flow))
        outgoing[from].append(e)
        outgoing[to].append(e + 1)
        return e
    }

    func flow(_ e: Int) -> Int { edges[e].flow }

    /// Cancels negative cycles until none is left (or `cycleLimit` is reached); returns
    /// how much the cost fell.
    mutating func cancelNegativeCycles(cycleLimit: Int = 100_000) -> Int {
        let n = outgoing.count
        var saved = 0
        for _ in 0..<cycleLimit {
            var distance = [Int](repeating: 0, count: n)
            var parent = [Int](repeating: -1, count: n)   // the edge that last relaxed the node
            var onCycle = -1
            for _ in 0..<n {
                var relaxed = false
                for u in 0..<n {
                    for e in outgoing[u] {
                        let edge = edges[e]
                        guard edge.capacity - edge.flow > 0 else { continue }
                        if distance[u] + edge.cost < distance[edge.to] {
                            distance[edge.to] = distance[u] + edge.cost
                            parent[edge.to] = e
                            relaxed = true
                        }
                    }
                }
                if !relaxed { break }
                // A cycle among the parent edges has negative cost: look after every pass,
                // which finds it long before the n-th pass would.
                if let v = parentCycle(parent) { onCycle = v; break }
            }
            guard onCycle >= 0 else { return saved }
            let v = onCycle
            var cycle: [Int] = []
            var u = v
            repeat {
                let e = parent[u]
                cycle.append(e)
                u = edges[e ^ 1].to
            } while u != v && cycle.count <= n
            let push = cycle.map { edges[$0].capacity - edges[$0].flow }.min() ?? 0
            guard push > 0 else { return saved }
            for e in cycle {
                edges[e].flow += push
                edges[e ^ 1].flow -= push
                saved -= push * edges[e].cost
            }
        }
        return saved
    }

    /// A node on a cycle of the parent edges, if they hold one.
    private func parentCycle(_ parent: [Int]) -> Int? {
        var color = [UInt8](repeating: 0, count: parent.count)   // 0 new, 1 on this walk, 2 done
        var path: [Int] = []
        for start in parent.indices where color[start] == 0 {
            var v = start
            path.removeAll(keepingCapacity: true)
            while color[v] == 0 {
                color[v] = 1
                path.append(v)
                guard parent[v] >= 0 else { break }
                v = edges[parent[v] ^ 1].to
            }
            if color[v] == 1 && parent[v] >= 0 && path.contains(v) { return v }
            for u in path { color[u] = 2 }
        }
        return nil
    }
}
