/// Sampling uncertainty of D, H and M by the multinomial bootstrap (Efron 1979; as in
/// R `segregation::mutual_total(se = TRUE)`): each draw resamples T students from
/// the cells with probabilities `t_ik / T` and recomputes the index.
///
/// Segregation indices are biased upwards in small samples, so besides the
/// standard error and the percentile interval it reports the bias-corrected estimate
/// `2 · estimate − mean(draws)`.
public struct Bootstrap: Sendable, Equatable {
    public struct Estimate: Sendable, Equatable {
        /// The index on the data.
        public var estimate: Double
        /// `2 · estimate − mean of the draws`.
        public var debiased: Double
        /// The standard deviation of the draws (n − 1 in the denominator).
        public var standardError: Double
        /// The 2.5 % and 97.5 % percentiles of the draws (linear interpolation, Hyndman
        /// & Fan 1996 type 7, the default of R and NumPy).
        public var lower95: Double
        public var upper95: Double
    }

    public var draws: Int
    public var D: Estimate
    public var H: Estimate
    public var M: Estimate
}

/// Draws the multinomial bootstrap of D, H and M.
///
/// - Parameters:
///   - m: units × groups (a unit or group may come out of a draw empty; it then simply
///     has no students in that draw).
///   - draws: the number of resamples N (≥ 2).
///   - parallelism: threads; the result is the same for any value.
///   - rng: the source of one seed per draw.
/// - Complexity: O(N · (T + units × groups)) time, O(T + parallelism · units × groups) memory.
public func bootstrap(
    of m: CountMatrix, draws: Int, parallelism: Int = 1,
    using rng: inout some RandomNumberGenerator, progress: (@Sendable (Int) -> Void)? = nil
) -> Bootstrap {
    precondition(draws >= 2, "the bootstrap needs at least two draws")
    precondition(m.total <= Int(UInt32.max), "too many students for the bootstrap")
    // cellOfStudent[s] = the cell of student s; a uniform pick of s is a pick of a cell
    // with probability t_ik / T.
    var cellOfStudent = [UInt32]()
    cellOfStudent.reserveCapacity(m.total)
    for (cell, c) in m.counts.enumerated() {
        cellOfStudent.append(contentsOf: repeatElement(UInt32(cell), count: c))
    }
    let cells = cellOfStudent
    let K = m.groupCount, n = m.unitCount, total = m.total
    let values = parallelDraws(
        count: draws, width: 3, parallelism: parallelism, using: &rng, progress: progress,
        makeWorker: { [Int](repeating: 0, count: n * K) },
        draw: { counts, g, out in
            for c in counts.indices { counts[c] = 0 }
            cells.withUnsafeBufferPointer { cells in
                for _ in 0..<total { counts[Int(cells[g.below(total)])] += 1 }
            }
            var unitTotals = [Int](repeating: 0, count: n)
            var groupTotals = [Int](repeating: 0, count: K)
            for i in 0..<n {
                for k in 0..<K {
                    let c = counts[i * K + k]
                    unitTotals[i] += c
                    groupTotals[k] += c
                }
            }
            let resampled = CountMatrix(
                trusted: m.units, groups: m.groups, counts: counts,
                unitTotals: unitTotals, groupTotals: groupTotals)
            out[0] = dissimilarity(of: resampled)
            out[1] = informationTheoryIndex(of: resampled)
            out[2] = mutualInformation(of: resampled)
        })
    func estimate(_ observed: Double, _ column: Int) -> Bootstrap.Estimate {
        let xs = (0..<draws).map { values[3 * $0 + column] }
        let mean = xs.reduce(0, +) / Double(draws)
        let variance = xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(draws - 1)
        let sorted = xs.sorted()
        return .init(
            estimate: observed, debiased: 2 * observed - mean, standardError: variance.squareRoot(),
            lower95: percentile(sorted, 0.025), upper95: percentile(sorted, 0.975))
    }
    return Bootstrap(
        draws: draws,
        D: estimate(dissimilarity(of: m), 0),
        H: estimate(informationTheoryIndex(of: m), 1),
        M: estimate(mutualInformation(of: m), 2))
}

/// The q-quantile of sorted values by linear interpolation (Hyndman & Fan type 7).
public func percentile(_ sorted: [Double], _ q: Double) -> Double {
    let h = Double(sorted.count - 1) * q
    let lo = Int(h.rounded(.down))
    let hi = min(lo + 1, sorted.count - 1)
    return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
}
