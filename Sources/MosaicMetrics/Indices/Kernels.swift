#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// Shared arithmetic for the index files. Internal: the public API is one function per index.

/// `x·ln x` with `0·ln 0 = 0`.
@inlinable
func xlogx(_ x: Double) -> Double { x > 0 ? x * log(x) : 0 }

/// The interaction index I = Σ_k P_k (1 − P_k) for the given group totals.
@inlinable
func interaction(groupTotals: [Int], total: Int) -> Double {
    let T = Double(total)
    var I = 0.0
    for Tk in groupTotals { let P = Double(Tk) / T; I += P * (1 - P) }
    return I
}

/// S_k = Σ_i t_i (p_ik − P_k)² for every group: the sum behind P, R and C.
@inlinable
func squaredDeviations(of m: CountMatrix) -> [Double] {
    let K = m.groupCount
    let P = m.composition
    var S = [Double](repeating: 0, count: K)
    m.counts.withUnsafeBufferPointer { c in
        for i in 0..<m.unitCount {
            let t = Double(m.unitTotals[i])
            let base = i * K
            for k in 0..<K {
                let d = Double(c[base + k]) / t - P[k]
                S[k] += t * d * d
            }
        }
    }
    return S
}


/// `n ln n` for whole numbers, tabulated up to the largest unit of a matrix so that the
/// information indices cost a lookup per cell instead of a logarithm. Every count in a
/// matrix (a cell, a unit's size, a unit's students outside one group) is at most the
/// largest unit, so the table covers them; group and grand totals fall back to `log`.
/// The table is built only when it is no larger than the matrix itself.
@usableFromInline
struct NLogN: Sendable {
    @usableFromInline let table: [Double]

    @usableFromInline
    init(for m: CountMatrix) {
        let largest = m.unitTotals.max() ?? 0
        table = largest <= max(1024, m.counts.count) ? (0...largest).map { xlogx(Double($0)) } : []
    }

    @inlinable
    subscript(_ n: Int) -> Double { n < table.count ? table[n] : xlogx(Double(n)) }
}

/// Compensated summation (Neumaier 1974, "Rundungsfehleranalyse einiger Verfahren zur
/// Summation endlicher Summen", ZAMM 54(1)): the rounding error of each addition is
/// carried along, so a sum of many terms is accurate to a few ulps of the result.
@usableFromInline
struct CompensatedSum {
    @usableFromInline var sum = 0.0
    @usableFromInline var compensation = 0.0

    @inlinable init() {}

    @inlinable
    mutating func add(_ x: Double) {
        let t = sum + x
        if abs(sum) >= abs(x) { compensation += (sum - t) + x } else { compensation += (x - t) + sum }
        sum = t
    }

    @inlinable var value: Double { sum + compensation }
}

/// `T · E = −Σ_k T_k ln(T_k / T)` for group totals `totals` summing to `total`.
@inlinable
func totalTimesEntropy(_ totals: UnsafeBufferPointer<Int>, total: Int) -> Double {
    let T = Double(total)
    var s = 0.0
    for Tk in totals where Tk > 0 { s -= Double(Tk) * log(Double(Tk) / T) }
    return s
}
