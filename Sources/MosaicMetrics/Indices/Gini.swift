/// The multigroup Gini index (Reardon & Firebaugh 2002, eq. 5):
///
///     G = Σ_k Σ_i Σ_j t_i t_j |p_ik − p_jk| / (2 T² I)
///
/// the mean absolute difference of group shares between every pair of students'
/// units, relative to its maximum. Range 0 to 1; 0 when fewer than two groups are present.
///
/// Computed per group by sorting the units on `p_ik`: with the units in ascending
/// order, `Σ_i Σ_j t_i t_j |p_i − p_j| = 2 Σ_j t_j (p_j W_j − S_j)`, where `W_j` and `S_j`
/// are the running sums of `t_i` and `t_i p_i` over the units before `j`. PySAL's
/// `MultiGini` builds the units × units distance matrix instead, which needs
/// 13 GB at 40,000 classrooms.
/// - Complexity: O(K · n log n) time, O(n) extra memory, for n units.
public func gini(of m: CountMatrix) -> Double {
    let I = interaction(groupTotals: m.groupTotals, total: m.total)
    guard I > 0 else { return 0 }
    let n = m.unitCount
    let K = m.groupCount
    // (p_ik, t_i) pairs, sorted on p: contiguous, so the sort moves values, not indices.
    var units = [(share: Double, size: Double)](repeating: (0, 0), count: n)
    var sum = 0.0
    for k in 0..<K where m.groupTotals[k] > 0 {
        for i in 0..<n {
            let t = Double(m.unitTotals[i])
            units[i] = (Double(m.counts[i * K + k]) / t, t)
        }
        units.sort { $0.share < $1.share }
        var W = 0.0, S = 0.0, pairs = 0.0
        for (p, t) in units {
            pairs += t * (p * W - S)
            W += t
            S += t * p
        }
        sum += 2 * pairs
    }
    let T = Double(m.total)
    return sum / (2 * T * T * I)
}
