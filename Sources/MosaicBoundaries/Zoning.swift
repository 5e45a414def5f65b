#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The objective as a sum of per-school terms, so a move's effect is two schools' terms.
///
/// - D (Reardon & Firebaugh 2002, eq. 4): `D = Σ_s Σ_g |t_s p_sg − t_s P_g| / (2 T I)`.
///   Multiplying through by T, each school's term is the integer `Σ_g |T n_sg − N_g t_s|`
///   and the divisor `2 T² I = 2 Σ_g N_g (T − N_g)`, so the search compares exact integers.
/// - H (Theil 1972): `H = Σ_s t_s (E − E_s) / (T E)`; with `t_s E_s = t_s ln t_s − Σ_g n_sg ln n_sg`
///   each school's term is `Σ_g n_sg ln n_sg − t_s ln t_s` and `H = (T E + Σ_s term_s) / (T E)`.
struct ObjectiveTerms: Sendable {
    let objective: BoundaryObjective
    let groupTotals: [Int]
    let total: Int
    /// The objective is `(offset + Σ_s term_s) / scale`.
    let offset: Double
    let scale: Double

    init(_ objective: BoundaryObjective, groupTotals: [Int], total: Int) {
        self.objective = objective
        self.groupTotals = groupTotals
        self.total = total
        switch objective {
        case .dissimilarity:
            offset = 0
            scale = Double(2 * groupTotals.reduce(0) { $0 + $1 * (total - $1) })
        case .information:
            let T = Double(total)
            let E = groupTotals.reduce(0.0) { e, n in n > 0 ? e - Double(n) / T * log(Double(n) / T) : e }
            offset = T * E
            scale = T * E
        }
    }

    /// One school's term from its counts by group and its students.
    @inline(__always)
    func term(_ row: UnsafeBufferPointer<Int>, size: Int) -> Double {
        switch objective {
        case .dissimilarity:
            var sum = 0
            for g in 0..<row.count { sum += abs(total * row[g] - groupTotals[g] * size) }
            return Double(sum)
        case .information:
            var sum = 0.0
            for g in 0..<row.count where row[g] > 0 { sum += Double(row[g]) * log(Double(row[g])) }
            return size > 0 ? sum - Double(size) * log(Double(size)) : sum
        }
    }

    func value(_ termSum: Double) -> Double { scale > 0 ? max(0, (offset + termSum) / scale) : 0 }
}

/// A zoning in progress: which school each unit goes to, each school's counts, and what
/// the search needs to test a move in time proportional to the zones it touches.
///
/// Invariant (with contiguity): every unit that must connect reaches its school's home
/// unit through the school's units. It holds today (the others are the exempt islands)
/// and every move keeps it, so a unit may join a school next to any of its units that
/// must connect, and a unit may leave when its neighbours in the school stay joined.
struct Zoning {
    let p: BoundaryProblem
    let terms: ObjectiveTerms
    var zone: [Int32]
    /// `schoolCounts[s * G + g]`.
    var schoolCounts: [Int]
    var size: [Int]
    var term: [Double]
    var termSum: Double
    var members: [[Int32]]
    var position: [Int32]
    var required: [Int]
    // Scratch for breadth-first searches and trial rows.
    var mark: [UInt32]
    var stamp: UInt32 = 0
    var queue: [Int32] = []
    var rowA: [Int]
    var rowB: [Int]
    /// The neighbour graph in one flat array (unit u's neighbours are
    /// `adjacency[start[u]..<start[u + 1]]`), so the hot loops touch no nested arrays.
    let start: [Int]
    let adjacency: [Int32]

    init(_ p: BoundaryProblem, objective: BoundaryObjective, assignment: [Int32]) {
        self.p = p
        terms = ObjectiveTerms(objective, groupTotals: p.groupTotals, total: p.total)
        let S = p.schoolCount, G = p.groupCount
        zone = assignment
        schoolCounts = [Int](repeating: 0, count: S * G)
        size = [Int](repeating: 0, count: S)
        members = [[Int32]](repeating: [], count: S)
        position = [Int32](repeating: 0, count: p.unitCount)
        required = [Int](repeating: 0, count: S)
        for u in 0..<p.unitCount {
            let s = Int(assignment[u])
            for g in 0..<G { schoolCounts[s * G + g] += p.counts[u * G + g] }
            size[s] += p.totals[u]
            position[u] = Int32(members[s].count)
            members[s].append(Int32(u))
            if p.mustConnect(u, at: s) { required[s] += 1 }
        }
        term = [Double](repeating: 0, count: S)
        termSum = 0
        mark = [UInt32](repeating: 0, count: p.unitCount)
        rowA = [Int](repeating: 0, count: G)
        rowB = [Int](repeating: 0, count: G)
        var start = [0], adjacency: [Int32] = []
        for list in p.neighbors {
            adjacency += list
            start.append(adjacency.count)
        }
        self.start = start
        self.adjacency = adjacency
        for s in 0..<S {
            term[s] = schoolCounts.withUnsafeBufferPointer { terms.term(UnsafeBufferPointer(rebasing: $0[(s * G)..<((s + 1) * G)]), size: size[s]) }
            termSum += term[s]
        }
    }

    var value: Double { terms.value(termSum) }

    /// Students outside the size limits, summed over schools: the search never lets it grow.
    var excess: Int { (0..<p.schoolCount).reduce(0) { $0 + violation(of: $1, size: size[$1]) } }

    @inline(__always)
    func violation(of s: Int, size n: Int) -> Int { max(0, n - p.maxSize[s]) + max(0, p.minSize[s] - n) }

    /// A fresh mark for a breadth-first search (clearing the marks when the counter wraps).
    mutating func nextStamp() {
        stamp &+= 1
        if stamp == 0 {
            for i in mark.indices { mark[i] = 0 }
            stamp = 1
        }
    }

    /// Whether school s stays connected when `removed` leaves it and `added` joins it:
    /// every unit that must connect is reached from the home unit.
    mutating func staysConnected(_ s: Int, removing removed: Int32, adding added: Int32) -> Bool {
        let h = p.home[s]
        if h < 0 || h == removed { return false }
        nextStamp()
        var need = required[s]
        if removed >= 0, p.mustConnect(Int(removed), at: s) { need -= 1 }
        if added >= 0, p.mustConnect(Int(added), at: s) { need += 1 }
        var reached = 0
        queue.removeAll(keepingCapacity: true)
        queue.append(h)
        mark[Int(h)] = stamp
        if p.mustConnect(Int(h), at: s) { reached += 1 }
        while let u = queue.popLast() {
            for k in start[Int(u)]..<start[Int(u) + 1] {
                let v = adjacency[k]
                guard mark[Int(v)] != stamp && v != removed && (zone[Int(v)] == Int32(s) || v == added) else { continue }
                mark[Int(v)] = stamp
                if p.mustConnect(Int(v), at: s) { reached += 1 }
                if reached == need { return true }
                queue.append(v)
            }
        }
        return reached >= need
    }

    /// Whether unit u may move to school b: b is within u's travel limit, u is not a
    /// school's own unit, neither school's size moves further outside its limits and, with
    /// contiguity, both zones stay connected.
    mutating func canMove(_ u: Int, to b: Int) -> Bool {
        let a = Int(zone[u]), S = p.schoolCount
        guard a != b, p.allowed[u * S + b], p.home[a] != Int32(u) else { return false }
        let t = p.totals[u]
        guard violation(of: b, size: size[b] + t) <= violation(of: b, size: size[b]),
              violation(of: a, size: size[a] - t) <= violation(of: a, size: size[a]) else { return false }
        guard p.limits.contiguity else { return true }
        if p.mustConnect(u, at: b) {
            var joins = false
            for k in start[u]..<start[u + 1] where zone[Int(adjacency[k])] == Int32(b) && p.mustConnect(Int(adjacency[k]), at: b) {
                joins = true
                break
            }
            if !joins { return false }
        }
        return neighboursStayJoined(u, in: a) || staysConnected(a, removing: Int32(u), adding: -1)
    }

    /// A quick sufficient test that u may leave school a: it has at most one neighbour in a,
    /// or its neighbours in a still reach one another through a's other units within a few
    /// steps (then no path needed u). False when it cannot tell within 48 units; the full
    /// search decides then.
    mutating func neighboursStayJoined(_ u: Int, in a: Int) -> Bool {
        var first: Int32 = -1, need = 0
        for k in start[u]..<start[u + 1] where zone[Int(adjacency[k])] == Int32(a) {
            if first < 0 { first = adjacency[k] }
            need += 1
        }
        if need <= 1 { return true }
        nextStamp()
        queue.removeAll(keepingCapacity: true)
        queue.append(first)
        mark[Int(first)] = stamp
        mark[u] = stamp
        var found = 1, visited = 0, head = 0
        while head < queue.count && visited < 48 {
            let w = Int(queue[head])
            head += 1
            visited += 1
            for k in start[w]..<start[w + 1] {
                let x = adjacency[k]
                guard mark[Int(x)] != stamp && zone[Int(x)] == Int32(a) else { continue }
                mark[Int(x)] = stamp
                if adjacency[start[u]..<start[u + 1]].contains(x) {
                    found += 1
                    if found == need { return true }
                }
                queue.append(x)
            }
        }
        return false
    }

    /// Whether units u and v (in different schools) may trade schools.
    mutating func canSwap(_ u: Int, _ v: Int) -> Bool {
        let a = Int(zone[u]), b = Int(zone[v]), S = p.schoolCount
        guard a != b, p.allowed[u * S + b], p.allowed[v * S + a], p.home[a] != Int32(u), p.home[b] != Int32(v) else { return false }
        let d = p.totals[u] - p.totals[v]
        guard violation(of: b, size: size[b] + d) <= violation(of: b, size: size[b]),
              violation(of: a, size: size[a] - d) <= violation(of: a, size: size[a]) else { return false }
        guard p.limits.contiguity else { return true }
        return joinsAfterSwap(v, into: a, leaving: u) && joinsAfterSwap(u, into: b, leaving: v)
    }

    /// Whether school a stays connected when `leaving` goes and `arriving` comes: quickly
    /// when the leaving unit's neighbours stay joined without it and the arriving unit
    /// touches another unit that must connect; else by the full search.
    mutating func joinsAfterSwap(_ arriving: Int, into a: Int, leaving: Int) -> Bool {
        var touches = !p.mustConnect(arriving, at: a)
        for k in start[arriving]..<start[arriving + 1] where !touches {
            let w = Int(adjacency[k])
            if w != leaving && zone[w] == Int32(a) && p.mustConnect(w, at: a) { touches = true }
        }
        if touches && neighboursStayJoined(leaving, in: a) { return true }
        return staysConnected(a, removing: Int32(leaving), adding: Int32(arriving))
    }

    /// The change in the objective's term sum if u moved to b (and, for a swap, v to u's school).
    mutating func delta(moving u: Int, to b: Int, swapping v: Int = -1) -> Double {
        let a = Int(zone[u]), G = p.groupCount
        var sa = size[a] - p.totals[u], sb = size[b] + p.totals[u]
        for g in 0..<G {
            rowA[g] = schoolCounts[a * G + g] - p.counts[u * G + g]
            rowB[g] = schoolCounts[b * G + g] + p.counts[u * G + g]
        }
        if v >= 0 {
            sa += p.totals[v]
            sb -= p.totals[v]
            for g in 0..<G {
                rowA[g] += p.counts[v * G + g]
                rowB[g] -= p.counts[v * G + g]
            }
        }
        let ta = rowA.withUnsafeBufferPointer { terms.term($0, size: sa) }
        let tb = rowB.withUnsafeBufferPointer { terms.term($0, size: sb) }
        return ta + tb - term[a] - term[b]
    }

    mutating func apply(moving u: Int, to b: Int, swapping v: Int = -1) {
        let a = Int(zone[u])
        relocate(u, to: b)
        if v >= 0 { relocate(v, to: a) }
        let G = p.groupCount
        for s in [a, b] {
            let t = schoolCounts.withUnsafeBufferPointer { terms.term(UnsafeBufferPointer(rebasing: $0[(s * G)..<((s + 1) * G)]), size: size[s]) }
            termSum += t - term[s]
            term[s] = t
        }
    }

    private mutating func relocate(_ u: Int, to b: Int) {
        let a = Int(zone[u]), G = p.groupCount
        for g in 0..<G {
            schoolCounts[a * G + g] -= p.counts[u * G + g]
            schoolCounts[b * G + g] += p.counts[u * G + g]
        }
        size[a] -= p.totals[u]
        size[b] += p.totals[u]
        if p.mustConnect(u, at: a) { required[a] -= 1 }
        if p.mustConnect(u, at: b) { required[b] += 1 }
        let i = Int(position[u]), last = members[a].removeLast()
        if last != Int32(u) {
            members[a][i] = last
            position[Int(last)] = Int32(i)
        }
        position[u] = Int32(members[b].count)
        members[b].append(Int32(u))
        zone[u] = Int32(b)
    }
}
