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
}

/// Per-unit diversity and local segregation (Mora & Ruiz-Castillo 2011):
///
///     e_i  = −Σ_k p_ik ln p_ik = (t_i ln t_i − Σ_k t_ik ln t_ik) / t_i
///     ls_i = Σ_k p_ik ln(p_ik / P_k) = −e_i − Σ_k p_ik ln P_k
///
/// - Parameter namedGroupCount: the K for normalised entropy, counting groups dropped
///   for having no students; defaults to the matrix's groups.
/// - Complexity: O(units × groups), with `n ln n` tabulated.
public func unitMeasures(of m: CountMatrix, namedGroupCount: Int? = nil) -> [UnitMeasures] {
    let K = m.groupCount
    let f = NLogN(for: m)
    let T = Double(m.total)
    let logP = m.groupTotals.map { $0 > 0 ? log(Double($0) / T) : 0 }
    let lnK = log(Double(namedGroupCount ?? K))
    var out: [UnitMeasures] = []
    out.reserveCapacity(m.unitCount)
    m.counts.withUnsafeBufferPointer { c in
        for i in 0..<m.unitCount {
            let size = m.unitTotals[i]
            let t = Double(size)
            var sumSquares = 0.0, xlx = 0.0, crossLog = 0.0
            for k in 0..<K {
                let x = c[i * K + k]
                let p = Double(x) / t
                sumSquares += p * p
                xlx += f[x]
                crossLog += p * logP[k]
            }
            let e = max(0, (f[size] - xlx) / t)
            out.append(UnitMeasures(
                simpsonDiversity: 1 - sumSquares, entropy: e,
                entropyNormalized: lnK > 0 ? e / lnK : 0, localSegregation: max(0, -e - crossLog)))
        }
    }
    return out
}

/// Location quotients `LQ_ig = p_ig / P_g` (Isard 1960), row-major (units × groups):
/// above 1, group g is over-represented in unit i. Zero for a group without students.
/// - Complexity: O(units × groups).
public func locationQuotients(of m: CountMatrix) -> [Double] {
    let K = m.groupCount
    let P = m.composition
    var out = [Double](repeating: 0, count: m.counts.count)
    for i in 0..<m.unitCount {
        let t = Double(m.unitTotals[i])
        for k in 0..<K where P[k] > 0 { out[i * K + k] = Double(m.counts[i * K + k]) / t / P[k] }
    }
    return out
}
