#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The diversity of one unit and how it stands against the whole.
public struct UnitMeasures: Sendable, Equatable {
    /// `1 − Σ_k p_ik²`, the chance two of the unit's students differ in group.
    public var simpsonDiversity: Double
    /// `−Σ_k p_ik ln p_ik`.
    public var entropy: Double
    /// `entropy / ln K`, K the number of groups named (absent ones included).
    public var entropyNormalized: Double
    /// `Σ_k p_ik ln(p_ik / P_k)`; `Σ_i (t_i/T) ls_i = M`.
    public var localSegregation: Double
    /// `p_ig / P_g` per group: above 1, the group is over-represented in the unit.
    public var locationQuotients: [Double]
}

/// Per-unit diversity, local segregation and location quotients (Isard 1960 for the
/// quotient `LQ_ig = p_ig / P_g`; Mora & Ruiz-Castillo 2011 for local segregation).
///
/// - Parameter namedGroupCount: the K for normalised entropy, counting groups dropped
///   for having no students; defaults to the matrix's groups.
/// - Complexity: O(units × groups).
public func unitMeasures(of m: CountMatrix, namedGroupCount: Int? = nil) -> [UnitMeasures] {
    let K = m.groupCount
    let P = m.composition
    let lnK = log(Double(namedGroupCount ?? K))
    var out: [UnitMeasures] = []
    out.reserveCapacity(m.unitCount)
    var p = [Double](repeating: 0, count: K)
    for i in 0..<m.unitCount {
        let t = Double(m.unitTotals[i])
        var sumSquares = 0.0, e = 0.0, ls = 0.0
        var lq = [Double](repeating: 0, count: K)
        for k in 0..<K {
            p[k] = Double(m.counts[i * K + k]) / t
            sumSquares += p[k] * p[k]
            lq[k] = P[k] > 0 ? p[k] / P[k] : 0
            if p[k] > 0 {
                e -= p[k] * log(p[k])
                ls += p[k] * log(p[k] / P[k])
            }
        }
        out.append(UnitMeasures(
            simpsonDiversity: 1 - sumSquares, entropy: e,
            entropyNormalized: lnK > 0 ? e / lnK : 0, localSegregation: ls, locationQuotients: lq))
    }
    return out
}
