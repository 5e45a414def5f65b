#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The chain rule of the mutual information index over nested layers of units (Theil &
/// Finizza 1971; Mora & Ruiz-Castillo 2011, "Entropy-based segregation indices",
/// Sociological Methodology 41): with the units (classes) grouped into layers L₁ ⊇ L₂ ⊇ … ⊇ L_k,
/// coarsest first (programme › level › course for the classes of a school),
///
///     M(units) = M(L₁) + M(L₂ | L₁) + … + M(L_k | L_{k−1}) + M(units | L_k)
///     M(L_l | L_{l−1}) = M(L_l) − M(L_{l−1}) = Σ_{c ∈ L_{l−1}} (T_c / T) · M_c(L_l)
///
/// where `M_c(L_l)` is M of c's parts in layer l against c's own composition. Each term is
/// the segregation a layer adds inside the one above it; they add up to M(units) exactly.
/// Two layers (schools › classes) give ``nestedDecomposition(of:nesting:)``'s M_between and
/// M_within, which match R `segregation::mutual_within`.
public struct LayeredDecomposition: Sendable, Equatable {
    /// One term per layer, coarsest first, then the units within the finest layer:
    /// `layers.count + 1` terms, each ≥ 0.
    public var terms: [Double]
    /// M over the units: the sum of the terms.
    public var total: Double
    /// The last term split by the parts of the finest layer: part c's `(T_c / T) · M_c(units)`,
    /// indexed as the finest layer's parts are numbered (in order of first appearance). They
    /// add up to `terms.last` (which sections of which course make the section layer).
    public var finestParts: [Double]
}

/// Splits M of `m` over the nested `layers`: `layers[l][i]` is unit i's label in layer l,
/// coarsest layer first. A label is read within its parent's (a course `math` under two
/// levels is two parts), so the layers always nest.
/// - Complexity: O((layers + 1) × units × groups) plus a dictionary lookup per unit and layer.
public func layeredDecomposition(of m: CountMatrix, layers: [[String]]) -> LayeredDecomposition {
    for layer in layers { precondition(layer.count == m.unitCount, "a layer labels a different number of units") }
    var parent = [Int](repeating: 0, count: m.unitCount)
    var parts: [[Int]] = []
    for layer in layers {
        // Qualify each label by its parent's part, so that the layer nests in the one above.
        var index: [String: Int] = [:]
        var part = [Int](repeating: 0, count: m.unitCount)
        for i in 0..<m.unitCount {
            let key = "\(parent[i])\u{1F}\(layer[i])"
            if let p = index[key] {
                part[i] = p
            } else {
                part[i] = index.count
                index[key] = index.count
            }
        }
        parts.append(part)
        parent = part
    }
    return layeredDecomposition(of: m, parts: parts)
}

/// The same split with the layers given as part numbers: `parts[l][i]` is unit i's part
/// in layer l, numbered 0, 1, … ; each part of a layer must lie inside one part of the
/// layer above (the caller numbers them nested; checked).
///
/// Each term is the difference of M between successive layers: M of a layer is
/// `(T·E − Σ_c (T_c ln T_c − Σ_k T_ck ln T_ck)) / T` on the layer's aggregated counts, as
/// ``mutualInformation(of:)`` computes it; a difference below 0 by rounding (≤ 1e-12) is 0.
/// - Complexity: O((layers + 1) × units × groups).
public func layeredDecomposition(of m: CountMatrix, parts: [[Int]]) -> LayeredDecomposition {
    let K = m.groupCount, T = Double(m.total)
    let TE = m.groupTotals.withUnsafeBufferPointer { totalTimesEntropy($0, total: m.total) }
    var previous = 0.0
    var terms: [Double] = []
    terms.reserveCapacity(parts.count + 1)
    var above: [Int]? = nil
    for part in parts {
        precondition(part.count == m.unitCount, "a layer numbers a different number of units")
        let P = (part.max() ?? -1) + 1
        if let above {
            var parentOf = [Int](repeating: -1, count: P)
            for i in 0..<m.unitCount {
                precondition(parentOf[part[i]] < 0 || parentOf[part[i]] == above[i], "a part lies in two parts of the layer above")
                parentOf[part[i]] = above[i]
            }
        }
        let M = max(0, (TE - unitEntropies(m, into: part, count: P).reduce(0, +)) / T)
        terms.append(max(0, M - previous))
        previous = M
        above = part
    }
    let total = mutualInformation(of: m)
    terms.append(max(0, total - previous))
    // The last term part by part: T_c e_c − Σ_{i ∈ c} t_i e_i, over T.
    var finestParts: [Double] = []
    if let finest = parts.last {
        let P = (finest.max() ?? -1) + 1
        let whole = unitEntropies(m, into: finest, count: P)
        var inside = [Double](repeating: 0, count: P)
        for i in 0..<m.unitCount {
            var e = xlogx(Double(m.unitTotals[i]))
            for k in 0..<K { e -= xlogx(Double(m.counts[i * K + k])) }
            inside[finest[i]] += e
        }
        finestParts = (0..<P).map { max(0, (whole[$0] - inside[$0]) / T) }
    }
    return LayeredDecomposition(terms: terms, total: total, finestParts: finestParts)
}

/// `t_c e_c = t_c ln t_c − Σ_k t_ck ln t_ck` of each part after summing its units' counts.
private func unitEntropies(_ m: CountMatrix, into part: [Int], count P: Int) -> [Double] {
    let K = m.groupCount
    var sums = [Int](repeating: 0, count: P * K)
    for i in 0..<m.unitCount {
        for k in 0..<K { sums[part[i] * K + k] += m.counts[i * K + k] }
    }
    return (0..<P).map { c in
        var t = 0, e = 0.0
        for k in 0..<K {
            t += sums[c * K + k]
            e -= xlogx(Double(sums[c * K + k]))
        }
        return e + xlogx(Double(t))
    }
}
