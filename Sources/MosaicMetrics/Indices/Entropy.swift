#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Entropy (Theil's diversity) of a composition: `E = −Σ_k P_k ln P_k`, with `0·ln 0 = 0`.
///
/// Range 0 (one group) to ln K (every group equally present). Matches PySAL
/// `segregation.multigroup.MultiDiversity` (`normalized=False`).
/// - Complexity: O(groups).
@inlinable
public func entropy(of shares: [Double]) -> Double {
    var e = 0.0
    for p in shares where p > 0 { e -= p * log(p) }
    return e
}

/// Entropy of the whole matrix's composition, `E = −Σ_k P_k ln P_k`.
@inlinable
public func entropy(of m: CountMatrix) -> Double { entropy(of: m.composition) }

/// Normalised entropy `E / ln K` (PySAL `MultiDiversity(normalized=True)`), range 0 to 1.
/// `groupCount` is the K to normalise by: the groups named, including absent ones.
/// Zero when `groupCount` < 2.
@inlinable
public func normalizedEntropy(of shares: [Double], groupCount: Int) -> Double {
    groupCount > 1 ? entropy(of: shares) / log(Double(groupCount)) : 0
}
