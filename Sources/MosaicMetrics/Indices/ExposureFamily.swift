/// Normalised exposure (James 1986; Reardon & Firebaugh 2002, eq. 7):
///
///     P = Σ_k Σ_i t_i (p_ik − P_k)² / ((1 − P_k) · T)
///
/// the size-weighted variance of group shares across units, each relative to its
/// maximum. Range 0 to 1: group k's term is at most P_k (complete separation).
/// Matches PySAL `segregation.multigroup.MultiNormExposure`.
/// - Complexity: O(units × groups).
public func normalizedExposure(of m: CountMatrix) -> Double {
    let S = squaredDeviations(of: m)
    let T = Double(m.total)
    var sum = 0.0
    for k in 0..<m.groupCount where m.groupTotals[k] > 0 && m.groupTotals[k] < m.total {
        let Pk = Double(m.groupTotals[k]) / T
        sum += S[k] / ((1 - Pk) * T)
    }
    return sum
}

/// Relative diversity (Goodman & Kruskal 1954; Reardon & Firebaugh 2002, eq. 8):
///
///     R = Σ_k Σ_i t_i (p_ik − P_k)² / (T · I) = 1 − Σ_i t_i I_i / (T · I)
///
/// the share of the district's interaction (Simpson) diversity not found inside its
/// units. Range 0 to 1; 0 when fewer than two groups are present. Matches PySAL
/// `segregation.multigroup.MultiRelativeDiversity`.
/// - Complexity: O(units × groups).
public func relativeDiversity(of m: CountMatrix) -> Double {
    let I = interaction(groupTotals: m.groupTotals, total: m.total)
    guard I > 0 else { return 0 }
    return squaredDeviations(of: m).reduce(0, +) / (Double(m.total) * I)
}

/// Squared coefficient of variation (Reardon & Firebaugh 2002, eq. 9):
///
///     C = Σ_k Σ_i t_i (p_ik − P_k)² / (T · (K − 1) · P_k)
///
/// with K the number of groups present. Range 0 to 1; 0 when fewer than two groups
/// are present. Matches PySAL `segregation.multigroup.MultiSquaredCoefficientVariation`.
/// - Complexity: O(units × groups).
public func squaredCoefficientOfVariation(of m: CountMatrix) -> Double {
    let present = m.groupTotals.filter { $0 > 0 }.count
    guard present > 1 else { return 0 }
    let S = squaredDeviations(of: m)
    let T = Double(m.total)
    var sum = 0.0
    for k in 0..<m.groupCount where m.groupTotals[k] > 0 {
        sum += S[k] / (T * Double(present - 1) * Double(m.groupTotals[k]) / T)
    }
    return sum
}

/// Exposure of group `x` to group `y` (Bell 1954; Massey & Denton 1988, xPy*):
///
///     xPy = Σ_i (x_i / X) · (y_i / t_i)
///
/// the share of group y in the unit of the average member of x. With `x == y` it is
/// the isolation index xPx. Range 0 to 1. Matches PySAL `singlegroup.Interaction`
/// (two groups) and `singlegroup.Isolation`. Zero when x has no students.
/// - Complexity: O(units).
public func exposure(of x: Int, to y: Int, in m: CountMatrix) -> Double {
    let K = m.groupCount
    let X = Double(m.groupTotals[x])
    guard X > 0 else { return 0 }
    var sum = 0.0
    for i in 0..<m.unitCount {
        let xi = Double(m.counts[i * K + x])
        guard xi > 0 else { continue }
        sum += (xi / X) * (Double(m.counts[i * K + y]) / Double(m.unitTotals[i]))
    }
    return sum
}

/// Isolation of group `g`: xPx = Σ_i (x_i / X)(x_i / t_i). See ``exposure(of:to:in:)``.
public func isolation(of g: Int, in m: CountMatrix) -> Double { exposure(of: g, to: g, in: m) }

/// The correlation ratio (Bell 1954; White 1986; Massey & Denton 1988), also η²:
///
///     V = (xPx − P) / (1 − P)
///
/// isolation net of the group's share. Range 0 to 1; 0 when the group is absent or
/// is everyone. Matches PySAL `segregation.singlegroup.CorrelationR`.
/// - Complexity: O(units).
public func correlationRatio(of g: Int, in m: CountMatrix) -> Double {
    let P = Double(m.groupTotals[g]) / Double(m.total)
    guard P > 0, P < 1 else { return 0 }
    return (isolation(of: g, in: m) - P) / (1 - P)
}
