/// The split of segregation among inner units (classrooms) into the part between outer
/// units (schools) and the part within them (Theil 1971; Mora & Ruiz-Castillo 2011;
/// R `segregation::mutual_within`):
///
///     M_total = M_between + M_within,   M_within = Σ_s (T_s / T) · M_s
///     H_total = H_between + H_within,   H_between = M_between / E,
///                                       H_within  = Σ_s (T_s E_s / (T E)) · H_s
///
/// where `M_s`, `H_s` and `E_s` are computed over the inner units of outer unit s
/// against s's own composition. The split is exact for any nesting.
public struct NestedDecomposition: Sendable, Equatable {
    /// What one outer unit contributes.
    public struct Outer: Sendable, Equatable {
        public var id: String
        public var students: Int
        /// M of its inner units against its own composition.
        public var M: Double
        /// `M_s / E_s`; 0 when only one group is present in s.
        public var H: Double
        /// Multigroup D of its inner units against its own composition.
        public var D: Double
        /// `E_s = −Σ_k q_sk ln q_sk`, its own composition's entropy.
        public var entropy: Double
        /// Its local segregation in the outer-level M: `Σ_k q_sk ln(q_sk / P_k)`.
        public var localSegregation: Double
    }

    public var mBetween: Double
    public var mWithin: Double
    public var mTotal: Double
    public var hBetween: Double
    public var hWithin: Double
    public var hTotal: Double
    /// One entry per outer unit, in order of first appearance.
    public var outer: [Outer]
}

/// Splits M and H of `m` (the inner units) into between and within `nesting`'s outer
/// units. Each outer unit's own indices use only the groups present in it.
///
/// Each `M_s = E_s − Σ_{i∈s} (t_i / T_s) e_i` comes from one pass over its inner units,
/// with tabulated `n ln n` and compensated sums as in ``mutualInformation(of:)``.
/// - Complexity: O(units × groups).
public func nestedDecomposition(of m: CountMatrix, nesting: NestedUnits) -> NestedDecomposition {
    precondition(nesting.outerIndex.count == m.unitCount, "nesting covers a different number of units")
    let K = m.groupCount
    let f = NLogN(for: m)
    let T = Double(m.total)
    let E = entropy(of: m)
    let P = m.composition
    let between = m.aggregated(by: nesting)
    let mBetween = mutualInformation(of: between)
    let mTotal = mutualInformation(of: m)
    var mWithin = 0.0
    var outer: [NestedDecomposition.Outer] = []
    outer.reserveCapacity(nesting.outerCount)
    var q = [Double](repeating: 0, count: K)
    for s in 0..<nesting.outerCount {
        let Ts = between.unitTotals[s]
        let ts = Double(Ts)
        var present = 0
        var Is = 0.0
        for k in 0..<K {
            let Tsk = between.counts[s * K + k]
            q[k] = Double(Tsk) / ts
            Is += q[k] * (1 - q[k])
            if Tsk > 0 { present += 1 }
        }
        // M_s = E_s − Σ_{i∈s} (t_i / T_s) e_i, as in ``mutualInformation(of:)``.
        var unitEntropies = CompensatedSum()
        var dSum = 0.0
        for i in nesting.members[s] {
            let t = Double(m.unitTotals[i])
            var u = f[m.unitTotals[i]]
            for k in 0..<K {
                let x = m.counts[i * K + k]
                u -= f[x]
                dSum += abs(Double(x) - t * q[k])
            }
            unitEntropies.add(u)
        }
        let TsEs = between.counts[(s * K)..<((s + 1) * K)].withUnsafeBufferPointer { totalTimesEntropy($0, total: Ts) }
        let Ms = present > 1 ? max(0, (TsEs - unitEntropies.value) / ts) : 0
        let Es = entropy(of: q)
        mWithin += ts / T * Ms
        outer.append(.init(
            id: nesting.outerIDs[s], students: Ts, M: Ms, H: Es > 0 ? Ms / Es : 0,
            D: Is > 0 ? dSum / (2 * ts * Is) : 0, entropy: Es,
            localSegregation: localSegregation(of: q, against: P)))
    }
    let h: (Double) -> Double = { E > 0 ? $0 / E : 0 }
    return NestedDecomposition(
        mBetween: mBetween, mWithin: mWithin, mTotal: mTotal,
        hBetween: h(mBetween), hWithin: h(mWithin), hTotal: h(mTotal), outer: outer)
}
