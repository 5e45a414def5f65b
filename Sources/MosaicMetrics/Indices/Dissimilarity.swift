/// The multigroup index of dissimilarity (Reardon & Firebaugh 2002, eq. 4):
///
///     D = Σ_i Σ_k t_i · |p_ik − P_k| / (2 · T · I),   I = Σ_k P_k (1 − P_k)
///
/// the share of students who would have to change units for every unit to mirror the
/// whole. With two groups it is the classic two-group D (Duncan & Duncan 1955;
/// Massey & Denton 1988): `Σ_i t_i |p_i − P| / (2 T P (1 − P))`.
///
/// Range 0 (every unit has the overall composition) to 1 (no unit shares a group).
/// Groups without students are ignored. With fewer than two groups present there is
/// nothing to segregate and the result is 0.
///
/// Matches PySAL `segregation.multigroup.MultiDissim` and `singlegroup.Dissim`.
/// - Complexity: O(units × groups).
@inlinable
public func dissimilarity(of m: CountMatrix) -> Double {
    let I = interaction(groupTotals: m.groupTotals, total: m.total)
    guard I > 0 else { return 0 }
    let K = m.groupCount
    let P = m.composition
    var sum = 0.0
    m.counts.withUnsafeBufferPointer { c in
        for i in 0..<m.unitCount {
            let t = Double(m.unitTotals[i])
            let base = i * K
            for k in 0..<K { sum += abs(Double(c[base + k]) - t * P[k]) }
        }
    }
    return sum / (2 * Double(m.total) * I)
}

/// The dissimilarity between two compositions, `½ Σ_k |p_k − r_k|`: the share of a
/// unit's students who would have to be of another group for it to match `reference`
/// (a school against its district, a district against its state).
///
/// Both arguments are shares that each sum to 1. Range 0 to 1.
/// - Complexity: O(groups).
@inlinable
public func dissimilarity(of composition: [Double], against reference: [Double]) -> Double {
    precondition(composition.count == reference.count, "compositions over different groups")
    var sum = 0.0
    for k in composition.indices { sum += abs(composition[k] - reference[k]) }
    return sum / 2
}

/// Two-group D of groups `a` and `b` computed on their counts only: units without
/// students of either group are left out, `D = Σ_i |x_i − t'_i P| / (2 T' P (1 − P))`
/// with `t'_i = x_i + y_i`, `T' = X + Y`, `P = X / T'`. Zero when either group is absent.
/// - Complexity: O(units).
public func dissimilarity(of a: Int, and b: Int, in m: CountMatrix) -> Double {
    let K = m.groupCount
    let X = Double(m.groupTotals[a]), T = X + Double(m.groupTotals[b])
    guard X > 0, X < T else { return 0 }
    let P = X / T
    var sum = 0.0
    m.counts.withUnsafeBufferPointer { c in
        for i in 0..<m.unitCount {
            let x = Double(c[i * K + a])
            sum += abs(x - (x + Double(c[i * K + b])) * P)
        }
    }
    return sum / (2 * T * P * (1 - P))
}

/// Two-group D of every pair of groups (``dissimilarity(of:and:in:)``), in the
/// matrix's group order: `(0,1), (0,2), …, (1,2), …`.
/// - Complexity: O(units × groups²).
public func pairwiseDissimilarity(of m: CountMatrix) -> [(first: String, second: String, D: Double)] {
    var out: [(String, String, Double)] = []
    for a in 0..<m.groupCount {
        for b in (a + 1)..<max(a + 1, m.groupCount) {
            out.append((m.groups[a], m.groups[b], dissimilarity(of: a, and: b, in: m)))
        }
    }
    return out
}
