#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Atkinson's index for two groups (Atkinson 1970; James & Taeuber 1985; Massey &
/// Denton 1988), for the first group x against the second:
///
///     A(b) = 1 − (P / (1 − P)) · |Σ_i (1 − p_i)^(1−b) · p_i^b · t_i / (P · T)|^(1 / (1 − b))
///
/// with `p_i`, `P` the shares of x. The shape parameter b in (0, 1) weighs units
/// where x is under-represented (b < 0.5) or over-represented (b > 0.5). Range 0 to 1.
/// Matches PySAL `segregation.singlegroup.Atkinson`.
///
/// - Precondition: exactly two groups, `0 < b < 1`.
/// - Complexity: O(units).
public func atkinson(of m: CountMatrix, shape b: Double) -> Double {
    precondition(m.groupCount == 2, "Atkinson's index compares exactly two groups")
    precondition(b > 0 && b < 1, "Atkinson's shape parameter lies strictly between 0 and 1")
    let T = Double(m.total)
    let P = Double(m.groupTotals[0]) / T
    guard P > 0, P < 1 else { return 0 }
    var sum = 0.0
    for i in 0..<m.unitCount {
        let t = Double(m.unitTotals[i])
        let p = Double(m.counts[2 * i]) / t
        sum += pow(1 - p, 1 - b) * pow(p, b) * t / (P * T)
    }
    return 1 - (P / (1 - P)) * pow(abs(sum), 1 / (1 - b))
}

/// Hutchens' square root index for two groups (Hutchens 2004, "One measure of
/// segregation", International Economic Review 45(2)):
///
///     S = 1 − Σ_i sqrt((x_i / X) · (y_i / Y))
///
/// one minus the Bhattacharyya coefficient of the two groups' distributions over units.
/// Range 0 (identical distributions) to 1 (no unit shares the groups); additively
/// decomposable. Zero when either group has no students.
/// - Precondition: exactly two groups.
/// - Complexity: O(units).
public func hutchensSquareRoot(of m: CountMatrix) -> Double {
    precondition(m.groupCount == 2, "Hutchens' index compares exactly two groups")
    let X = Double(m.groupTotals[0]), Y = Double(m.groupTotals[1])
    guard X > 0, Y > 0 else { return 0 }
    var sum = 0.0
    for i in 0..<m.unitCount {
        sum += (Double(m.counts[2 * i]) / X * Double(m.counts[2 * i + 1]) / Y).squareRoot()
    }
    return 1 - sum
}
