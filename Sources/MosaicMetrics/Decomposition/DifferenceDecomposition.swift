#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why M changed between two tables of the same kind (two years of a district's schools):
/// the Shapley decomposition of Elbers (2021, "A method for studying differences in
/// segregation across time and space", Sociological Methods & Research 52(1); R
/// `segregation::mutual_difference`, method `"shapley"`).
///
/// Units (schools) and groups present in only one table are split off first:
///
///     M₂ − M₁ = additions + (M₂° − M₁°) + removals,
///     additions = M₂ − M₂°, removals = M₁° − M₁,
///
/// where M° is M of the table restricted to the units and groups both tables have. The
/// overlap's change is then shared between three factors — the groups' marginal
/// distribution (G), the units' marginal distribution (U) and the structure (S, the
/// association left when both margins are fixed) — by their Shapley values. With
/// v(g, u, s) the M of table s's structure brought to the group margins of table g and the
/// unit margins of table u by iterative proportional fitting (Deming & Stephan 1940),
///
///     φ_G = ⅓[v(2,1,1) − v(1,1,1)] + ⅙[v(2,2,1) − v(1,2,1)] + ⅙[v(2,1,2) − v(1,1,2)] + ⅓[v(2,2,2) − v(1,2,2)]
///
/// and likewise for U and S; φ_G + φ_U + φ_S = M₂° − M₁°. The composition of the district
/// (who its students are, how large its schools are) is G + U; sorting is S.
public struct DifferenceDecomposition: Sendable, Equatable {
    public var M1: Double
    public var M2: Double
    public var additions: Double
    public var removals: Double
    public var groupMarginal: Double
    public var unitMarginal: Double
    public var structural: Double

    public var difference: Double { M2 - M1 }
    /// The part of the change due to who the students are and how large the units are.
    public var composition: Double { groupMarginal + unitMarginal }
}

/// Decomposes M₂ − M₁ (see ``DifferenceDecomposition``). Units are matched by id, groups by name.
/// - Complexity: O(iterations × units × groups) for each of the six fitted tables.
public func differenceDecomposition(from m1: CountMatrix, to m2: CountMatrix) -> DifferenceDecomposition {
    let M1 = mutualInformation(of: m1), M2 = mutualInformation(of: m2)
    let units = m1.units.filter(Set(m2.units).contains)
    let groups = m1.groups.filter(Set(m2.groups).contains)
    func overlap(_ m: CountMatrix) -> [[Double]] {
        let u = Dictionary(uniqueKeysWithValues: m.units.enumerated().map { ($1, $0) })
        let g = Dictionary(uniqueKeysWithValues: m.groups.enumerated().map { ($1, $0) })
        return units.map { unit in groups.map { Double(m.counts[u[unit]! * m.groupCount + g[$0]!]) } }
    }
    let a = overlap(m1), b = overlap(m2)
    let total = { (t: [[Double]]) in t.reduce(0) { $0 + $1.reduce(0, +) } }
    guard !units.isEmpty, !groups.isEmpty, total(a) > 0, total(b) > 0 else {
        return DifferenceDecomposition(M1: M1, M2: M2, additions: M2, removals: -M1, groupMarginal: 0, unitMarginal: 0, structural: 0)
    }
    let M1o = mutual(a), M2o = mutual(b)
    let tables = [a, b]
    let rowMargins = tables.map { t in t.map { $0.reduce(0, +) / total(t) } }
    let columnMargins = tables.map { t in (0..<groups.count).map { k in t.reduce(0) { $0 + $1[k] } / total(t) } }
    // v(g, u, s): 0 = the first table, 1 = the second.
    var memo: [Int: Double] = [:]
    func v(_ g: Int, _ u: Int, _ s: Int) -> Double {
        let key = g << 2 | u << 1 | s
        if let x = memo[key] { return x }
        let x = (g == s && u == s) ? (s == 0 ? M1o : M2o)
            : mutual(fit(tables[s], rows: rowMargins[u], columns: columnMargins[g]))
        memo[key] = x
        return x
    }
    /// The Shapley value of the factor at `position` (0 = G, 1 = U, 2 = S) among the three.
    func shapley(_ position: Int) -> Double {
        var phi = 0.0
        for others in 0..<4 {
            // The other two factors, each from table 1 (0) or table 2 (1).
            let switched = others.nonzeroBitCount
            let weight = switched == 1 ? 1.0 / 6 : 1.0 / 3
            var with = [0, 0, 0], without = [0, 0, 0]
            var bit = 0
            for f in 0..<3 where f != position {
                with[f] = (others >> bit) & 1
                without[f] = (others >> bit) & 1
                bit += 1
            }
            with[position] = 1
            phi += weight * (v(with[0], with[1], with[2]) - v(without[0], without[1], without[2]))
        }
        return phi
    }
    // Nothing only in one table: no addition or removal (not a difference of roundings).
    let added = m2.unitCount > units.count || m2.groupCount > groups.count
    let removed = m1.unitCount > units.count || m1.groupCount > groups.count
    return DifferenceDecomposition(M1: M1, M2: M2, additions: added ? M2 - M2o : 0, removals: removed ? M1o - M1 : 0,
                                   groupMarginal: shapley(0), unitMarginal: shapley(1), structural: shapley(2))
}

/// M of a table of (possibly fractional) counts.
func mutual(_ t: [[Double]]) -> Double {
    let T = t.reduce(0) { $0 + $1.reduce(0, +) }
    guard T > 0 else { return 0 }
    let K = t.first?.count ?? 0
    var columns = [Double](repeating: 0, count: K)
    for row in t { for k in 0..<K { columns[k] += row[k] } }
    var m = 0.0
    for row in t {
        let r = row.reduce(0, +)
        for k in 0..<K where row[k] > 0 { m += row[k] / T * log(row[k] * T / (r * columns[k])) }
    }
    return max(0, m)
}

/// Iterative proportional fitting: `t`'s association brought to the row and column
/// shares given (each summing to 1), alternating until every margin is within 1e-12.
/// - Complexity: O(iterations × rows × columns), at most 10,000 iterations.
func fit(_ t: [[Double]], rows: [Double], columns: [Double]) -> [[Double]] {
    var x = t
    let R = t.count, K = columns.count
    for _ in 0..<10_000 {
        for r in 0..<R {
            let s = x[r].reduce(0, +)
            if s > 0 { for k in 0..<K { x[r][k] *= rows[r] / s } }
        }
        var worst = 0.0
        for k in 0..<K {
            let s = x.reduce(0) { $0 + $1[k] }
            if s > 0 { for r in 0..<R { x[r][k] *= columns[k] / s } }
        }
        for r in 0..<R { worst = max(worst, abs(x[r].reduce(0, +) - rows[r])) }
        if worst < 1e-12 { break }
    }
    return x
}
