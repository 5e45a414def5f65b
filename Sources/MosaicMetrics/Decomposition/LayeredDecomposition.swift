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
}

/// Splits M of `m` over the nested `layers`: `layers[l][i]` is unit i's label in layer l,
/// coarsest layer first. A label is read within its parent's (a course `math` under two
/// levels is two parts), so the layers always nest.
///
/// Each term is the difference of M between successive layers, computed on the aggregated
/// tables with ``mutualInformation(of:)``; a difference below 0 by rounding (≤ 1e-12) is 0.
/// - Complexity: O((layers + 1) × units × groups).
public func layeredDecomposition(of m: CountMatrix, layers: [[String]]) -> LayeredDecomposition {
    for layer in layers { precondition(layer.count == m.unitCount, "a layer labels a different number of units") }
    var parent = [Int](repeating: 0, count: m.unitCount)
    var previous = 0.0
    var terms: [Double] = []
    terms.reserveCapacity(layers.count + 1)
    for layer in layers {
        // Qualify each label by its parent's part, so that the layer nests in the one above.
        var index: [String: Int] = [:]
        var labels: [String] = []
        labels.reserveCapacity(m.unitCount)
        var part = [Int](repeating: 0, count: m.unitCount)
        for i in 0..<m.unitCount {
            let key = "\(parent[i])\u{1F}\(layer[i])"
            if let p = index[key] {
                part[i] = p
            } else {
                part[i] = index.count
                index[key] = index.count
            }
            labels.append(String(part[i]))
        }
        let M = mutualInformation(of: m.aggregated(by: NestedUnits(labels: labels)))
        terms.append(max(0, M - previous))
        previous = M
        parent = part
    }
    let total = mutualInformation(of: m)
    terms.append(max(0, total - previous))
    return LayeredDecomposition(terms: terms, total: total)
}
