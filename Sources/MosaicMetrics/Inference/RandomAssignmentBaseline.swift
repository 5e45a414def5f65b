#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How much of the observed segregation random assignment alone would produce.
///
/// Small units are uneven by chance: 25 students drawn at random from a school will
/// rarely mirror it exactly, so D, H and M are above 0 even when nobody sorts
/// students. The baseline redraws the assignment many times keeping every unit's size
/// and every group's total fixed (within each outer unit when units are nested: the
/// school's classrooms are reshuffled among themselves, never across schools) and
/// compares the observed index with the draws (Carrington & Troske 1997, "On measuring
/// segregation in samples with small units", J. Business & Economic Statistics 15(4);
/// Allen, Burgess, Davidson & Windmeijer 2015).
public struct RandomAssignmentBaseline: Sendable, Equatable {
    /// One index under the baseline.
    public struct Statistic: Sendable, Equatable {
        /// The index on the data.
        public var observed: Double
        /// The mean over the random assignments.
        public var expected: Double
        /// `observed − expected`: segregation beyond chance.
        public var excess: Double
        /// `(1 + #{draws ≥ observed}) / (1 + N)` (Davison & Hinkley 1997, eq. 4.11): small
        /// when chance rarely reaches the observed value.
        public var pValue: Double
    }

    public var draws: Int
    public var D: Statistic
    public var H: Statistic
    public var M: Statistic
    /// Carrington–Troske D: `(D − D*) / (1 − D*)`, D* the expected D under the baseline.
    /// 0 at chance, 1 at complete separation; negative when units are more even than chance.
    public var carringtonTroskeD: Double
}

/// Draws the random-assignment baseline for D, H and M.
///
/// Each draw is an exact uniform random assignment with fixed margins: within each outer
/// unit the students are dealt to the inner units by sampling without replacement from
/// the outer unit's remaining counts (the urn form of a shuffle), so each unit's
/// composition is multivariate hypergeometric. `M` per draw is `(Σ t_ik ln t_ik + const) / T` with the
/// `n ln n` values tabulated, since unit sizes and group totals do not change.
///
/// - Parameters:
///   - m: inner units × groups (groups with no students are allowed and ignored).
///   - nesting: outer units to permute within; `nil` permutes across the whole table.
///   - draws: the number of random assignments N (≥ 1).
///   - parallelism: threads to use; the result is the same for any value.
///   - rng: the source of one seed per draw; the same state gives the same result.
///   - progress: called with the number of finished draws, from worker threads.
/// - Complexity: O(N · (T · K + units × K)) time (the group scan is short: largest group
///   first), O(units + outer units × K) memory.
public func randomAssignmentBaseline(
    of m: CountMatrix, within nesting: NestedUnits? = nil, draws: Int, parallelism: Int = 1,
    using rng: inout some RandomNumberGenerator, progress: (@Sendable (Int) -> Void)? = nil
) -> RandomAssignmentBaseline {
    precondition(draws >= 1, "the baseline needs at least one draw")
    let kernel = BaselineKernel(m, nesting: nesting ?? .single(unitCount: m.unitCount))
    let observed = kernel.statistics(observed: m)
    let values = parallelDraws(
        count: draws, width: 2, parallelism: parallelism, using: &rng, progress: progress,
        makeWorker: { kernel.makeScratch() },
        draw: { scratch, g, out in
            let (d, mi) = kernel.draw(&scratch, using: &g)
            out[0] = d
            out[1] = mi
        })
    let E = kernel.entropy
    func statistic(_ obs: Double, _ column: Int, scale: Double) -> RandomAssignmentBaseline.Statistic {
        var sum = 0.0, atLeast = 0
        // Ties: a draw counts as reaching the observed value when it is within rounding
        // (the same composition summed in another order can differ in the last bits).
        let tolerance = 1e-12 * max(1, abs(obs))
        for j in 0..<draws {
            let v = values[2 * j + column] * scale
            sum += v
            if v >= obs * scale - tolerance { atLeast += 1 }
        }
        let expected = sum / Double(draws)
        return .init(
            observed: obs * scale, expected: expected, excess: obs * scale - expected,
            pValue: Double(1 + atLeast) / Double(1 + draws))
    }
    let D = statistic(observed.D, 0, scale: 1)
    let M = statistic(observed.M, 1, scale: 1)
    let H = statistic(observed.M, 1, scale: E > 0 ? 1 / E : 0)
    let dStar = D.expected
    return RandomAssignmentBaseline(
        draws: draws, D: D, H: H, M: M,
        carringtonTroskeD: dStar < 1 ? (D.observed - dStar) / (1 - dStar) : 0)
}

/// The precomputed layout of one baseline: unit sizes per outer unit, each outer unit's
/// group totals, the `n ln n` table and the constant part of M.
///
/// A draw deals each outer unit's students to its inner units from an urn: for every
/// student, a uniform `x` in `0..<left` picks the group whose remaining count covers
/// it (groups scanned largest first, so the scan is short), and that count goes down by
/// one. This is sampling without replacement, so each inner unit's composition is
/// exactly multivariate hypergeometric, as for a shuffle of the school's students, but
/// it keeps no array of students: per student one random number and a few comparisons.
/// Each draw starts from the observed totals, so its outcome depends on its seed alone.
struct BaselineKernel: Sendable {
    let K: Int
    let T: Double
    /// `P_k`, in scan order.
    let shares: [Double]
    let dNormalizer: Double
    let mConstant: Double
    let entropy: Double
    /// `n ln n` for every unit size and cell count that can occur (tabulated when the
    /// largest unit is no larger than the table; see ``NLogN``).
    /// M of a draw is `(T·E − Σ_u t_u e_u) / T` with `t_u e_u = t_u ln t_u − Σ_k c_uk ln c_uk`
    /// (see ``mutualInformation(of:)``); `mConstant` is T·E.
    let nlogn: NLogN
    /// Per outer unit: its group totals in scan order (K per outer) and its size.
    let outerGroupTotals: [Int]
    let outerSize: [Int]
    /// Inner unit sizes, grouped by outer unit: those of outer o are
    /// `memberSizes[memberOffsets[o]..<memberOffsets[o + 1]]`.
    let memberSizes: [Int]
    let memberOffsets: [Int]

    struct Scratch {
        var remaining: [Int]
        var before: [Int]
    }

    init(_ m: CountMatrix, nesting: NestedUnits) {
        K = m.groupCount
        T = Double(m.total)
        // Scan order: the largest groups first.
        let order = (0..<K).sorted { m.groupTotals[$0] > m.groupTotals[$1] }
        shares = order.map { Double(m.groupTotals[$0]) / Double(m.total) }
        let I = interaction(groupTotals: m.groupTotals, total: m.total)
        dNormalizer = I > 0 ? 1 / (2 * T * I) : 0
        entropy = MosaicMetrics.entropy(of: m)
        nlogn = NLogN(for: m)
        mConstant = m.groupTotals.withUnsafeBufferPointer { totalTimesEntropy($0, total: m.total) }
        var totals: [Int] = [], sizes: [Int] = []
        var memberSizes: [Int] = [], memberOffsets: [Int] = [0]
        for members in nesting.members {
            var outerTotals = [Int](repeating: 0, count: K)
            for i in members {
                memberSizes.append(m.unitTotals[i])
                for (j, k) in order.enumerated() { outerTotals[j] += m.counts[i * K + k] }
            }
            memberOffsets.append(memberSizes.count)
            totals.append(contentsOf: outerTotals)
            sizes.append(outerTotals.reduce(0, +))
        }
        outerGroupTotals = totals
        outerSize = sizes
        self.memberSizes = memberSizes
        self.memberOffsets = memberOffsets
    }

    func makeScratch() -> Scratch {
        Scratch(remaining: [Int](repeating: 0, count: K), before: [Int](repeating: 0, count: K))
    }

    /// D and M of the observed matrix, summed exactly as the draws are.
    func statistics(observed m: CountMatrix) -> (D: Double, M: Double) {
        let order = (0..<K).sorted { m.groupTotals[$0] > m.groupTotals[$1] }
        var dSum = 0.0, unitEntropies = CompensatedSum()
        for i in 0..<m.unitCount {
            let t = Double(m.unitTotals[i])
            var u = nlogn[m.unitTotals[i]]
            for (j, k) in order.enumerated() {
                let c = m.counts[i * K + k]
                dSum += abs(Double(c) - t * shares[j])
                u -= nlogn[c]
            }
            unitEntropies.add(u)
        }
        return (dSum * dNormalizer, max(0, (mConstant - unitEntropies.value) / T))
    }

    /// One random assignment: returns its D and M.
    func draw(_ s: inout Scratch, using g: inout SeededGenerator) -> (Double, Double) {
        guard K <= 8 else { return drawScalar(&s, using: &g) }
        if nlogn.table.isEmpty { return drawVector(using: &g, nlogn: DirectNLogN()) }
        return nlogn.table.withUnsafeBufferPointer { drawVector(using: &g, nlogn: TabulatedNLogN(table: $0)) }
    }

    /// The draw for up to 8 groups, without branches per student. The outer unit's
    /// remaining students are held as cumulative counts `cum[j] = Σ_{i ≤ j} remaining_i`
    /// in one SIMD register (unused lanes hold Int32.max). Student x (uniform in
    /// `0..<left`) is of the first group j with `x < cum[j]`, and taking them out lowers
    /// exactly the lanes where `x < cum[j]` by one: one compare and one masked subtract.
    func drawVector<F: NLogNSource>(using g: inout SeededGenerator, nlogn: F) -> (Double, Double) {
        var dSum = 0.0, unitEntropies = CompensatedSum()
        let K = self.K
        let one = SIMD8<Int32>(repeating: 1), zero = SIMD8<Int32>(repeating: 0)
        shares.withUnsafeBufferPointer { shares in
            memberSizes.withUnsafeBufferPointer { memberSizes in
                outerGroupTotals.withUnsafeBufferPointer { totals in
                    for o in 0..<outerSize.count {
                        var left = outerSize[o]
                        var cum = SIMD8<Int32>(repeating: .max)
                        var running: Int32 = 0
                        for k in 0..<K {
                            running &+= Int32(truncatingIfNeeded: totals[o &* K &+ k])
                            cum[k] = running
                        }
                        let first = memberOffsets[o], last = memberOffsets[o + 1] &- 1
                        for u in first...last {
                            let size = memberSizes[u]
                            let t = Double(size)
                            let before = cum
                            if u != last {
                                for _ in 0..<size {
                                    let x = SIMD8<Int32>(repeating: Int32(truncatingIfNeeded: g.below(left)))
                                    cum &-= one.replacing(with: zero, where: x .>= cum)
                                    left &-= 1
                                }
                            } else {
                                cum = SIMD8<Int32>(repeating: 0)
                            }
                            // dealt[j] = students of groups ≤ j given to this unit.
                            let dealt = before &- cum
                            var previous: Int32 = 0
                            var e = nlogn(size)
                            for k in 0..<K {
                                let c = Int(dealt[k] &- previous)
                                previous = dealt[k]
                                dSum += abs(Double(c) - t * shares[k])
                                e -= nlogn(c)
                            }
                            unitEntropies.add(e)
                        }
                    }
                }
            }
        }
        return (dSum * dNormalizer, max(0, (mConstant - unitEntropies.value) / T))
    }

    /// The same draw for any number of groups: the remaining counts are scanned, largest
    /// group first, for the one that covers x.
    func drawScalar(_ s: inout Scratch, using g: inout SeededGenerator) -> (Double, Double) {
        var dSum = 0.0, unitEntropies = CompensatedSum()
        let K = self.K
        s.remaining.withUnsafeMutableBufferPointer { remaining in
            s.before.withUnsafeMutableBufferPointer { before in
                for o in 0..<outerSize.count {
                    var left = outerSize[o]
                    for k in 0..<K { remaining[k] = outerGroupTotals[o &* K &+ k] }
                    let first = memberOffsets[o], last = memberOffsets[o + 1] &- 1
                    for u in first...last {
                        let size = memberSizes[u]
                        let t = Double(size)
                        for k in 0..<K { before[k] = remaining[k] }
                        if u != last {
                            for _ in 0..<size {
                                var x = g.below(left)
                                var k = 0
                                while x >= remaining[k] {
                                    x &-= remaining[k]
                                    k &+= 1
                                }
                                remaining[k] &-= 1
                                left &-= 1
                            }
                        } else {
                            for k in 0..<K { remaining[k] = 0 }
                        }
                        var e = nlogn[size]
                        for k in 0..<K {
                            let c = before[k] &- remaining[k]
                            dSum += abs(Double(c) - t * shares[k])
                            e -= nlogn[c]
                        }
                        unitEntropies.add(e)
                    }
                }
            }
        }
        return (dSum * dNormalizer, max(0, (mConstant - unitEntropies.value) / T))
    }
}

/// Where a draw takes `n ln n` from: specialised twice, so the common case (every unit
/// small enough to tabulate) reads a raw table with no check in the inner loop.
protocol NLogNSource { func callAsFunction(_ n: Int) -> Double }

struct TabulatedNLogN: NLogNSource {
    let table: UnsafeBufferPointer<Double>
    @inline(__always) func callAsFunction(_ n: Int) -> Double { table[n] }
}

struct DirectNLogN: NLogNSource {
    @inline(__always) func callAsFunction(_ n: Int) -> Double { xlogx(Double(n)) }
}
