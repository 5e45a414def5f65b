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
/// unit the students are shuffled (Fisher–Yates, Durstenfeld 1964) and dealt to the
/// inner units in order of their sizes. Over the draws, each unit's composition is
/// multivariate hypergeometric. `M` per draw is `(Σ t_ik ln t_ik + const) / T` with the
/// `n ln n` values tabulated, since unit sizes and group totals do not change.
///
/// - Parameters:
///   - m: inner units × groups (groups with no students are allowed and ignored).
///   - nesting: outer units to permute within; `nil` permutes across the whole table.
///   - draws: the number of random assignments N (≥ 1).
///   - parallelism: threads to use; the result is the same for any value.
///   - rng: the source of one seed per draw; the same state gives the same result.
///   - progress: called with the number of finished draws, from worker threads.
/// - Complexity: O(N · (T + units × groups)) time, O(parallelism · T) memory.
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

/// The precomputed layout of one baseline: labels per outer unit, unit sizes, the
/// `n ln n` table and the constant part of M.
struct BaselineKernel: Sendable {
    let K: Int
    let T: Double
    let shares: [Double]
    let dNormalizer: Double
    let mConstant: Double
    let entropy: Double
    /// `nlogn[n] = n ln n` for every unit size and cell count that can occur.
    let nlogn: [Double]
    /// Per outer unit: where its students start in the label array, and how many.
    let outerStart: [Int]
    let outerSize: [Int]
    /// Per outer unit: its group totals (row-major, K per outer).
    let outerGroupTotals: [Int]
    /// Inner unit sizes, grouped by outer unit in `memberOffsets` order.
    let memberSizes: [Int]
    let memberOffsets: [Int]
    /// The initial labels: outer unit after outer unit, group k repeated its total times.
    let template: [UInt16]

    struct Scratch {
        var labels: [UInt16]
        var counts: [Int]
        var remaining: [Int]
    }

    init(_ m: CountMatrix, nesting: NestedUnits) {
        precondition(m.groupCount <= Int(UInt16.max), "too many groups for the baseline")
        K = m.groupCount
        T = Double(m.total)
        shares = m.composition
        let I = interaction(groupTotals: m.groupTotals, total: m.total)
        dNormalizer = I > 0 ? 1 / (2 * T * I) : 0
        entropy = MosaicMetrics.entropy(of: m)
        let largest = m.unitTotals.max() ?? 0
        nlogn = (0...largest).map { xlogx(Double($0)) }
        var c = T * log(T)
        for t in m.unitTotals { c -= xlogx(Double(t)) }
        for Tk in m.groupTotals { c -= xlogx(Double(Tk)) }
        mConstant = c
        var start: [Int] = [], size: [Int] = [], totals: [Int] = []
        var memberSizes: [Int] = [], memberOffsets: [Int] = [0]
        var template: [UInt16] = []
        template.reserveCapacity(m.total)
        for members in nesting.members {
            start.append(template.count)
            var outerTotals = [Int](repeating: 0, count: K)
            for i in members {
                memberSizes.append(m.unitTotals[i])
                for k in 0..<K { outerTotals[k] += m.counts[i * K + k] }
            }
            memberOffsets.append(memberSizes.count)
            for k in 0..<K {
                template.append(contentsOf: repeatElement(UInt16(k), count: outerTotals[k]))
            }
            size.append(template.count - start.last!)
            totals.append(contentsOf: outerTotals)
        }
        outerStart = start
        outerSize = size
        outerGroupTotals = totals
        self.memberSizes = memberSizes
        self.memberOffsets = memberOffsets
        self.template = template
    }

    func makeScratch() -> Scratch {
        Scratch(labels: template, counts: [Int](repeating: 0, count: K), remaining: [Int](repeating: 0, count: K))
    }

    /// D and M of the observed matrix, summed exactly as the draws are.
    func statistics(observed m: CountMatrix) -> (D: Double, M: Double) {
        var dSum = 0.0, cLogC = 0.0
        for i in 0..<m.unitCount {
            let t = Double(m.unitTotals[i])
            for k in 0..<K {
                let c = m.counts[i * K + k]
                dSum += abs(Double(c) - t * shares[k])
                cLogC += nlogn[c]
            }
        }
        return (dSum * dNormalizer, (cLogC + mConstant) / T)
    }

    /// One random assignment: returns its D and M.
    func draw(_ s: inout Scratch, using g: inout SeededGenerator) -> (Double, Double) {
        var dSum = 0.0, cLogC = 0.0
        let K = self.K
        s.labels.withUnsafeMutableBufferPointer { labels in
            s.counts.withUnsafeMutableBufferPointer { counts in
                s.remaining.withUnsafeMutableBufferPointer { remaining in
                    for o in 0..<outerStart.count {
                        var p = outerStart[o]
                        let end = p + outerSize[o]
                        // Start every draw from the same arrangement, so that a draw's
                        // outcome depends on its own seed only, not on the draws this
                        // worker ran before (the result is then the same on any number
                        // of threads). One school's segment is copied just before it is
                        // shuffled, while it is in cache.
                        template.withUnsafeBufferPointer { t in
                            for i in p..<end { labels[i] = t[i] }
                        }
                        for k in 0..<K { remaining[k] = outerGroupTotals[o * K + k] }
                        let first = memberOffsets[o], last = memberOffsets[o + 1] - 1
                        for u in first...last {
                            let size = memberSizes[u]
                            if u == last {
                                for k in 0..<K { counts[k] = remaining[k] }
                            } else {
                                for k in 0..<K { counts[k] = 0 }
                                for _ in 0..<size {
                                    let r = p + g.below(end - p)
                                    let label = labels[r]
                                    labels[r] = labels[p]
                                    labels[p] = label
                                    counts[Int(label)] += 1
                                    p += 1
                                }
                                for k in 0..<K { remaining[k] -= counts[k] }
                            }
                            let t = Double(size)
                            for k in 0..<K {
                                dSum += abs(Double(counts[k]) - t * shares[k])
                                cLogC += nlogn[counts[k]]
                            }
                        }
                    }
                }
            }
        }
        return (dSum * dNormalizer, (cLogC + mConstant) / T)
    }
}
