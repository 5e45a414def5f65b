#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Mutual information index (Theil & Finizza 1971; Mora & Ruiz-Castillo 2011):
///
///     M = Σ_i Σ_k (t_ik / T) · ln(p_ik / P_k)
///
/// how much knowing a student's unit tells about their group, in nats. Range 0 to
/// min(ln n, E). Unlike H it decomposes exactly into between and within parts for any
/// nesting (see ``nestedDecomposition(of:nesting:)``). Matches R `segregation::mutual_total`.
/// - Complexity: O(units × groups).
///
/// Computed as `M = (Σ_ik t_ik ln t_ik − Σ_i t_i ln t_i − Σ_k T_k ln T_k + T ln T) / T`,
/// the same sum rearranged, with `n ln n` tabulated for whole counts (``NLogN``).
@inlinable
public func mutualInformation(of m: CountMatrix) -> Double {
    let f = NLogN(for: m)
    var sum = 0.0
    m.counts.withUnsafeBufferPointer { c in
        for x in c { sum += f[x] }
    }
    for t in m.unitTotals { sum -= f[t] }
    for Tk in m.groupTotals { sum -= f[Tk] }
    return (sum + f[m.total]) / Double(m.total)
}

/// Theil's information theory index (Theil 1972; Reardon & Firebaugh 2002, eq. 10):
///
///     H = M / E = Σ_i t_i (E − E_i) / (T · E)
///
/// the share of the district's diversity that is *not* found inside its units. Range
/// 0 to 1; 0 when fewer than two groups are present. Matches PySAL
/// `segregation.multigroup.MultiInfoTheory`.
/// - Complexity: O(units × groups).
@inlinable
public func informationTheoryIndex(of m: CountMatrix) -> Double {
    let E = entropy(of: m)
    return E > 0 ? mutualInformation(of: m) / E : 0
}

/// The local segregation score of a composition against a reference (Mora &
/// Ruiz-Castillo 2011), `ls = Σ_k p_k ln(p_k / r_k)`: the Kullback–Leibler divergence of
/// the unit from the whole. Size-weighted over units, the scores add up to M. Groups
/// with `p_k = 0` contribute nothing. Matches R `segregation::mutual_local`.
@inlinable
public func localSegregation(of composition: [Double], against reference: [Double]) -> Double {
    var ls = 0.0
    for k in composition.indices where composition[k] > 0 {
        ls += composition[k] * log(composition[k] / reference[k])
    }
    return ls
}
