import MosaicCore
import MosaicMetrics

/// School pairing (and tripling): nearby schools merge their attendance zones and split
/// the grades between them — with K–5 and a pair, one school teaches K–2 and the other 3–5
/// to the children of both zones — so each school enrols the combined zone's students.
///
/// Pure and exact. The instance gives students by unit, not by grade, so grade cohorts
/// are taken as equal: a school teaching g of the m grades enrols g/m of the combined
/// zone's students of each group. Both D and H are sums of per-school terms (see
/// `ObjectiveTerms`), so each candidate group's gain — the fall in the objective's sum
/// when its schools merge — does not depend on the other groups, and the best set of
/// disjoint groups is a maximum-weight set packing, solved by branch and bound.
public struct Pairing: Sendable {
    public struct Options: Sendable, Equatable {
        /// Schools in a group: 2 (pairs), 3 (triples) or both.
        public var sizes: Set<Int>
        /// The grades the schools teach, in order; a group splits them into consecutive spans.
        public var grades: [String]
        /// Only schools at most this far apart (travel or distance between them) are grouped;
        /// nil: twice the median distance from a school to its nearest other school.
        public var maxDrive: Double?
        /// At most this many groups (nil: as many as help).
        public var maxGroups: Int?
        public var objective: BoundaryObjective

        public init(sizes: Set<Int> = [2], grades: [String] = ["K", "1", "2", "3", "4", "5"], maxDrive: Double? = nil,
                    maxGroups: Int? = nil, objective: BoundaryObjective = .dissimilarity) {
            self.sizes = sizes
            self.grades = grades
            self.maxDrive = maxDrive
            self.maxGroups = maxGroups
            self.objective = objective
        }
    }

    /// A candidate group: its schools, the grades each teaches, how far apart they are and
    /// what merging them gains.
    public struct Group: Sendable, Equatable {
        public var schools: [Int]
        /// `spans[i]`: the number of grades school `schools[i]` teaches, in grade order
        /// (the first school teaches the first spans[0] grades, …).
        public var spans: [Int]
        /// The grades as labels, e.g. "K–2".
        public var labels: [String]
        /// The largest distance between two of its schools.
        public var distance: Double
        /// The fall in the objective when the group merges (its share of D or H).
        public var gain: Double

        public init(schools: [Int], spans: [Int], labels: [String], distance: Double, gain: Double) {
            self.schools = schools
            self.spans = spans
            self.labels = labels
            self.distance = distance
            self.gain = gain
        }
    }

    public let problem: BoundaryProblem
    public let options: Options
    /// The drive limit in force (given or derived).
    public let maxDrive: Double
    /// `distance[a * S + b]` between schools.
    let distance: [Double]
    let terms: ObjectiveTerms

    public init(_ problem: BoundaryProblem, options: Options = .init()) {
        self.problem = problem
        self.options = options
        let S = problem.schoolCount
        var d = [Double](repeating: .infinity, count: S * S)
        let schools = problem.instance.schools
        for a in 0..<S {
            for b in 0..<S where a != b {
                if let p = schools[a].location, let q = schools[b].location {
                    d[a * S + b] = p.distance(to: q)
                } else {
                    // From each school's own unit to the other school, the longer way.
                    let ha = problem.home[a], hb = problem.home[b]
                    let ab = ha >= 0 ? problem.travel[Int(ha) * S + b] : .infinity
                    let ba = hb >= 0 ? problem.travel[Int(hb) * S + a] : .infinity
                    d[a * S + b] = max(ab, ba)
                }
            }
        }
        distance = d
        if let given = options.maxDrive {
            maxDrive = given
        } else {
            let nearest = (0..<S).map { a in (0..<S).filter { $0 != a }.map { d[a * S + $0] }.min() ?? .infinity }.filter(\.isFinite).sorted()
            maxDrive = nearest.isEmpty ? 0 : 2 * nearest[nearest.count / 2]
        }
        terms = ObjectiveTerms(options.objective, groupTotals: problem.groupTotals, total: problem.total)
    }

    /// The zoning a set of groups leads to, for maps and exports: every unit of a group's
    /// zones goes to the group's first school (its students then split by grade).
    public static func zones(of groups: [Group], in problem: BoundaryProblem) -> [Int32] {
        var first = (0..<problem.schoolCount).map(Int32.init)
        for g in groups { for s in g.schools { first[s] = Int32(g.schools[0]) } }
        return problem.original.map { first[Int($0)] }
    }

    /// Every group of nearby schools whose grades can be split within the size limits,
    /// with a positive gain: for each, the split with the least total travel (ties: the
    /// most even split, then the first school the youngest grades).
    public func candidates() -> [Group] {
        let S = problem.schoolCount, G = problem.groupCount, m = options.grades.count
        let counts = problem.schoolCounts(problem.original)
        func row(_ s: Int) -> [Int] { Array(counts[(s * G)..<((s + 1) * G)]) }
        func term(_ r: [Int]) -> Double { r.withUnsafeBufferPointer { terms.term($0, size: r.reduce(0, +)) } }
        let near = (0..<S).map { a in (0..<S).filter { $0 != a && distance[a * S + $0] <= maxDrive } }
        var sets: [[Int]] = []
        for a in 0..<S {
            for b in near[a] where b > a {
                if options.sizes.contains(2) { sets.append([a, b]) }
                if options.sizes.contains(3) {
                    for c in near[b] where c > b && distance[a * S + c] <= maxDrive { sets.append([a, b, c]) }
                }
            }
        }
        // The students of each zone who travel to each school, for the travel of a split.
        var zoneTravel = [Double](repeating: 0, count: S * S)
        for u in 0..<problem.unitCount {
            let z = Int(problem.original[u])
            for s in 0..<S { zoneTravel[z * S + s] += Double(problem.totals[u]) * problem.travel[u * S + s] }
        }
        var out: [Group] = []
        for set in sets where m >= set.count {
            var merged = [Int](repeating: 0, count: G)
            for s in set { for g in 0..<G { merged[g] += counts[s * G + g] } }
            let gain = set.reduce(0.0) { $0 + term(row($1)) } - term(merged)
            guard gain > 1e-12 * terms.scale else { continue }
            let total = Double(merged.reduce(0, +))
            var best: (travel: Double, spread: Int, order: [Int], spans: [Int])?
            for spans in Self.compositions(of: m, into: set.count) {
                for order in Self.permutations(set) {
                    // order[i] teaches spans[i] grades.
                    var fits = true
                    for (i, s) in order.enumerated() {
                        let size = total * Double(spans[i]) / Double(m)
                        if size > Double(problem.maxSize[s]) + 1e-9 || size < Double(problem.minSize[s]) - 1e-9 { fits = false }
                    }
                    guard fits else { continue }
                    var travel = 0.0
                    for z in set { for (i, s) in order.enumerated() { travel += zoneTravel[z * S + s] * Double(spans[i]) / Double(m) } }
                    let spread = spans.max()! - spans.min()!
                    if best == nil || travel < best!.travel - 1e-9
                        || (travel <= best!.travel + 1e-9 && (spread, order.lexicographicallyPrecedes(best!.order) ? 0 : 1) < (best!.spread, 1)) {
                        best = (travel, spread, order, spans)
                    }
                }
            }
            guard let best, best.travel.isFinite else { continue }
            var labels: [String] = [], first = 0
            for n in best.spans {
                labels.append(n == 1 ? options.grades[first] : "\(options.grades[first])–\(options.grades[first + n - 1])")
                first += n
            }
            let far = set.flatMap { a in set.map { distance[a * S + $0] } }.filter { $0.isFinite }.max() ?? 0
            out.append(Group(schools: best.order, spans: best.spans, labels: labels, distance: far, gain: gain / terms.scale))
        }
        return out.sorted { $0.gain != $1.gain ? $0.gain > $1.gain : $0.schools.sorted().lexicographicallyPrecedes($1.schools.sorted()) }
    }

    /// The ways to write m as k positive parts in order.
    static func compositions(of m: Int, into k: Int) -> [[Int]] {
        if k == 1 { return [[m]] }
        return (1...max(1, m - k + 1)).flatMap { first in compositions(of: m - first, into: k - 1).map { [first] + $0 } }
    }

    static func permutations(_ xs: [Int]) -> [[Int]] {
        if xs.count <= 1 { return [xs] }
        return xs.indices.flatMap { i in permutations(Array(xs[..<i] + xs[(i + 1)...])).map { [xs[i]] + $0 } }
    }

    /// The best set of disjoint groups: the largest total gain (ties: the order of
    /// `candidates()`), proved by branch and bound unless `nodeLimit` nodes (per connected
    /// set of schools) are not enough — then the best found, `proven` false. Without a cap
    /// on the number of groups, schools no candidate joins are solved apart (a city's
    /// districts, say), since their gains simply add up.
    public func choose(nodeLimit: Int = 5_000_000) -> (groups: [Group], proven: Bool) {
        let candidates = self.candidates()
        let S = problem.schoolCount
        guard options.maxGroups == nil else {
            let (picked, proven) = Self.pack(candidates, indices: Array(candidates.indices), schools: Array(0..<S), limit: options.maxGroups!, nodeLimit: nodeLimit)
            return (picked.sorted().map { candidates[$0] }, proven)
        }
        // Connected sets of schools under the candidate groups (union–find).
        var parent = Array(0..<S)
        func root(_ x: Int) -> Int {
            var x = x
            while parent[x] != x {
                parent[x] = parent[parent[x]]
                x = parent[x]
            }
            return x
        }
        for g in candidates { for t in g.schools.dropFirst() { parent[root(t)] = root(g.schools[0]) } }
        var schoolsOf: [Int: [Int]] = [:], groupsOf: [Int: [Int]] = [:]
        for t in 0..<S { schoolsOf[root(t), default: []].append(t) }
        for (k, g) in candidates.enumerated() { groupsOf[root(g.schools[0]), default: []].append(k) }
        var picked: [Int] = [], proven = true
        for (r, groups) in groupsOf.sorted(by: { $0.key < $1.key }) {
            let (mine, done) = Self.pack(candidates, indices: groups, schools: schoolsOf[r]!, limit: .max, nodeLimit: nodeLimit)
            picked += mine
            proven = proven && done
        }
        return (picked.sorted().map { candidates[$0] }, proven)
    }

    /// Branch and bound over `schools` in order: each school joins one of its free groups
    /// (all of whose schools come later) or none; the bound gives every free school the
    /// largest share (gain ÷ size) of a group it could still join and, under a cap, no
    /// more than the largest gains that still fit.
    static func pack(_ candidates: [Group], indices: [Int], schools: [Int], limit: Int, nodeLimit: Int) -> (picked: [Int], proven: Bool) {
        let n = schools.count
        let position = Dictionary(uniqueKeysWithValues: schools.enumerated().map { ($1, $0) })
        let members = indices.map { k in candidates[k].schools.map { position[$0]! } }
        let gains = indices.map { candidates[$0].gain }
        var containing = [[Int]](repeating: [], count: n)
        for (i, m) in members.enumerated() { for s in m { containing[s].append(i) } }
        var used = [Bool](repeating: false, count: n)
        var chosen: [Int] = [], best: [Int] = [], bestGain = 0.0, nodes = 0
        func open(_ g: Int, from s: Int) -> Bool { members[g].allSatisfy { !used[$0] && $0 >= s } }
        func bound(from s: Int) -> Double {
            var perSchool = 0.0
            for t in s..<n where !used[t] {
                perSchool += containing[t].lazy.filter { open($0, from: s) }.map { gains[$0] / Double(members[$0].count) }.max() ?? 0
            }
            guard limit - chosen.count < n else { return perSchool }
            let top = members.indices.filter { open($0, from: s) }.map { gains[$0] }.sorted(by: >)
            return min(perSchool, top.prefix(max(0, limit - chosen.count)).reduce(0, +))
        }
        func search(_ s: Int, _ gain: Double) {
            nodes += 1
            if gain > bestGain + 1e-15 {
                bestGain = gain
                best = chosen
            }
            guard nodes < nodeLimit, s < n, chosen.count < limit else { return }
            if used[s] { return search(s + 1, gain) }
            guard gain + bound(from: s) > bestGain + 1e-15 else { return }
            for g in containing[s] where open(g, from: s) {
                for t in members[g] { used[t] = true }
                chosen.append(g)
                search(s + 1, gain + gains[g])
                chosen.removeLast()
                for t in members[g] { used[t] = false }
            }
            search(s + 1, gain)
        }
        search(0, 0)
        return (best.map { indices[$0] }, nodes < nodeLimit)
    }
}
