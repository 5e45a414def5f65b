#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The random-assignment baseline of M and H for several dimensions at once (race, income,
/// English learners … of the same seats), from one random assignment per draw.
///
/// Each draw deals the seats of every stratum (a school; or each course of a school, to
/// test its sections) to the stratum's units, every unit keeping its size: a uniform
/// random permutation of the stratum's seats (Fisher–Yates, Durstenfeld 1964), cut into
/// the units in order. One permutation serves every dimension, so a draw costs one random
/// number per seat and one count per seat and dimension, instead of one random number per
/// seat *and* dimension. Each dimension's draws are exactly the baseline of
/// ``randomAssignmentBaseline(of:within:draws:parallelism:using:progress:)`` with the seats
/// of unknown group dealt too (Carrington & Troske 1997; a unit keeps its size, each
/// group — unknown included — its total), so a unit's known seats may vary from draw to
/// draw; the dimensions' statistics are correlated with one another, never with
/// themselves.
///
/// M of a draw is `(T·E − Σ_u (t_u ln t_u − Σ_k c_uk ln c_uk)) / T` over the known seats
/// (``mutualInformation(of:)``), summed in the same order for the observed assignment, so
/// that ties are ties; H = M / E.
public struct JointAssignmentBaseline: Sendable, Equatable {
    /// One dimension's statistics (`D` is not drawn).
    public struct Dimension: Sendable, Equatable {
        public var M: RandomAssignmentBaseline.Statistic
        public var H: RandomAssignmentBaseline.Statistic
    }

    public var draws: Int
    /// In the order of the `groups` given.
    public var dimensions: [Dimension]
}

/// The seats of one school: each seat's unit and its group in each dimension.
public struct SeatTable: Sendable {
    /// Each seat's unit, numbered 0, 1, … (every number used).
    public var unit: [Int32]
    /// Each unit's stratum: the seats are dealt within it. All 0 for one stratum.
    public var stratum: [Int32]
    /// `codes[d][seat]`: the seat's group in dimension d, `groups[d]` for unknown.
    public var codes: [[UInt8]]
    /// The number of groups of each dimension, unknown apart (at most 255).
    public var groups: [Int]

    public init(unit: [Int32], stratum: [Int32], codes: [[UInt8]], groups: [Int]) {
        precondition(codes.count == groups.count && codes.allSatisfy { $0.count == unit.count }, "one code per seat and dimension")
        precondition(groups.count <= 8 && groups.allSatisfy { $0 < 255 }, "at most 8 dimensions of fewer than 255 groups")
        self.unit = unit
        self.stratum = stratum
        self.codes = codes
        self.groups = groups
    }
}

/// Draws the joint baseline: `draws` random assignments within each stratum.
/// - Complexity: O(draws · (seats · dimensions + units · Σ_d groups_d)) time,
///   O(seats + units + Σ_d groups_d) memory.
public func jointRandomAssignmentBaseline(of table: SeatTable, draws: Int, using rng: inout SeededGenerator) -> JointAssignmentBaseline {
    precondition(draws >= 1, "the baseline needs at least one draw")
    let kernel = JointKernel(table)
    let D = table.groups.count
    let observed = kernel.statistics(kernel.packed)
    var atLeast = [Int](repeating: 0, count: D)
    var sums = [Double](repeating: 0, count: D)
    var perm = kernel.packed
    let tolerance = observed.map { 1e-12 * max(1, abs($0)) }
    for _ in 0..<draws {
        kernel.deal(&perm, using: &rng)
        let m = kernel.statistics(perm)
        for d in 0..<D {
            sums[d] += m[d]
            if m[d] >= observed[d] - tolerance[d] { atLeast[d] += 1 }
        }
    }
    return JointAssignmentBaseline(draws: draws, dimensions: (0..<D).map { d in
        let expected = sums[d] / Double(draws)
        let p = Double(1 + atLeast[d]) / Double(1 + draws)
        let E = kernel.entropy[d]
        let M = RandomAssignmentBaseline.Statistic(observed: observed[d], expected: expected, excess: observed[d] - expected, pValue: p)
        let scale = E > 0 ? 1 / E : 0
        let H = RandomAssignmentBaseline.Statistic(observed: observed[d] * scale, expected: expected * scale,
                                                   excess: (observed[d] - expected) * scale, pValue: p)
        return .init(M: M, H: H)
    })
}

/// The layout of one joint baseline: seats ordered by stratum and unit, their codes packed
/// one byte per dimension, and the constants of M.
struct JointKernel {
    let D: Int
    /// Packed codes of the seats in dealing order.
    let packed: [UInt64]
    /// Units in dealing order: each one's first position and size.
    let unitStart: [Int], unitSize: [Int]
    /// Strata: first position, end, and the size of their last unit (never dealt: it takes what is left).
    let strata: [(start: Int, end: Int, last: Int)]
    let offsets: [Int], width: Int
    let groups: [Int]
    let known: [Double], totalTimesEntropy: [Double], entropy: [Double]
    let nlogn: [Double]

    init(_ t: SeatTable) {
        D = t.groups.count
        groups = t.groups
        let seats = t.unit.count
        let units = Int((t.unit.max() ?? -1) + 1)
        // Units ordered by stratum, then by number; seats by their unit's place.
        let unitOrder = (0..<units).sorted { (t.stratum[$0], $0) < (t.stratum[$1], $1) }
        var place = [Int](repeating: 0, count: units)
        for (k, u) in unitOrder.enumerated() { place[u] = k }
        var size = [Int](repeating: 0, count: units)
        for u in t.unit { size[place[Int(u)]] += 1 }
        var start = [Int](repeating: 0, count: units)
        for k in 1..<max(1, units) { start[k] = start[k - 1] + size[k - 1] }
        var next = start
        var packed = [UInt64](repeating: 0, count: seats)
        for s in 0..<seats {
            let k = place[Int(t.unit[s])]
            var code: UInt64 = 0
            for d in 0..<D { code |= UInt64(t.codes[d][s]) << (8 * UInt64(d)) }
            packed[next[k]] = code
            next[k] += 1
        }
        self.packed = packed
        unitStart = start
        unitSize = size
        var strata: [(Int, Int, Int)] = []
        for k in 0..<units {
            let s = t.stratum[unitOrder[k]]
            if k == 0 || t.stratum[unitOrder[k - 1]] != s { strata.append((start[k], start[k] + size[k], size[k])) } else {
                strata[strata.count - 1].1 = start[k] + size[k]
                strata[strata.count - 1].2 = size[k]
            }
        }
        self.strata = strata
        var offsets: [Int] = [], w = 0
        for d in 0..<D { offsets.append(w); w += t.groups[d] + 1 }
        self.offsets = offsets
        width = w
        var known: [Double] = [], te: [Double] = [], e: [Double] = []
        for d in 0..<D {
            var totals = [Int](repeating: 0, count: t.groups[d] + 1)
            for c in t.codes[d] { totals[Int(c)] += 1 }
            let T = totals[0..<t.groups[d]].reduce(0, +)
            let TE = Array(totals[0..<t.groups[d]]).withUnsafeBufferPointer { MosaicMetrics.totalTimesEntropy($0, total: T) }
            known.append(Double(T))
            te.append(TE)
            e.append(T > 0 ? TE / Double(T) : 0)
        }
        self.known = known
        totalTimesEntropy = te
        entropy = e
        nlogn = (0...max(1, size.max() ?? 1)).map { xlogx(Double($0)) }
    }

    /// A uniform random assignment: within each stratum, the seats of every unit but the
    /// last are drawn from those left (a partial Fisher–Yates shuffle). The seats' codes
    /// are shuffled themselves, starting from the observed order, so that counting reads
    /// them in order.
    func deal(_ perm: inout [UInt64], using g: inout SeededGenerator) {
        perm.withUnsafeMutableBufferPointer { p in
            _ = packed.withUnsafeBufferPointer { memcpy(p.baseAddress!, $0.baseAddress!, $0.count * 8) }
            for s in strata {
                var i = s.start
                while i < s.end - s.last {
                    let j = i &+ g.below(s.end &- i)
                    p.swapAt(i, j)
                    i += 1
                }
            }
        }
    }

    /// M of every dimension for the assignment `perm` (the seats' codes in dealing order).
    func statistics(_ perm: [UInt64]) -> [Double] {
        var counts = [Int32](repeating: 0, count: width)
        var within = [Double](repeating: 0, count: D)
        let D = self.D
        perm.withUnsafeBufferPointer { codes in
        counts.withUnsafeMutableBufferPointer { c in
        offsets.withUnsafeBufferPointer { offsets in
        groups.withUnsafeBufferPointer { groups in
        nlogn.withUnsafeBufferPointer { nlogn in
        within.withUnsafeMutableBufferPointer { within in
            for k in unitStart.indices {
                for i in 0..<width { c[i] = 0 }
                let a = unitStart[k], b = a &+ unitSize[k]
                for pos in a..<b {
                    var code = codes[pos]
                    for d in 0..<D {
                        c[offsets[d] &+ Int(code & 0xFF)] &+= 1
                        code >>= 8
                    }
                }
                for d in 0..<D {
                    let o = offsets[d], G = groups[d]
                    var e = nlogn[unitSize[k] &- Int(c[o &+ G])]
                    for g in 0..<G { e -= nlogn[Int(c[o &+ g])] }
                    within[d] += e
                }
            }
        }}}}}}
        return (0..<D).map { d in known[d] > 0 ? max(0, (totalTimesEntropy[d] - within[d]) / known[d]) : 0 }
    }
}
