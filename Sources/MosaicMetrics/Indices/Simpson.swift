/// Simpson's concentration `Σ_k P_k²`: the chance that two students drawn at random
/// (with replacement) from the whole are of the same group. Matches PySAL
/// `segregation.multigroup.SimpsonsConcentration`.
/// - Complexity: O(groups).
@inlinable
public func simpsonConcentration(of shares: [Double]) -> Double {
    shares.reduce(0) { $0 + $1 * $1 }
}

/// Simpson's interaction `1 − Σ_k P_k²` (the Gini–Simpson diversity, I in the shared
/// notation): the chance that two random students are of different groups. Matches
/// PySAL `segregation.multigroup.SimpsonsInteraction`. Per unit, `1 − Σ_k p_ik²` is
/// the unit's diversity.
@inlinable
public func simpsonInteraction(of shares: [Double]) -> Double { 1 - simpsonConcentration(of: shares) }
