/// A table of head counts: one row per unit (a school, a classroom, a section), one
/// column per group (a race/ethnicity, an income status…), `t_ik` students of group
/// `k` in unit `i`.
///
/// Every index in this library is a function of one `CountMatrix`. The notation,
/// shared by every doc comment here (after Reardon & Firebaugh 2002 and the R package
/// `segregation`, "The basic mathematics"):
///
/// - `t_ik` students of group k in unit i; `t_i = Σ_k t_ik` the unit's size;
///   `T_k = Σ_i t_ik` the group's total; `T = Σ_i t_i` all students.
/// - `p_ik = t_ik / t_i` the share of group k in unit i; `P_k = T_k / T` the overall share.
/// - `K` the number of groups, `I = Σ_k P_k (1 − P_k)` the interaction (Simpson) index.
/// - Natural logarithms; `0·ln 0 = 0`.
///
/// Counts are whole numbers of students, stored row-major. A matrix is always valid:
/// at least one unit and one group, no negative count, no unit without students
/// (construction throws `CountMatrixError` otherwise), and at most
/// ``maximumStudents`` students in all. A group may have no students:
/// use ``droppingEmptyGroups()`` before computing indices that divide by `P_k`.
///
/// ```swift
/// let m = try CountMatrix(units: ["A", "B"], groups: ["x", "y"], rows: [[10, 0], [0, 10]])
/// dissimilarity(of: m) // 1.0
/// ```
public struct CountMatrix: Sendable, Equatable {
    /// Unit identifiers, in row order.
    public let units: [String]
    /// Group names, in column order.
    public let groups: [String]
    /// `t_ik` row-major: `counts[i * groupCount + k]`.
    public let counts: [Int]
    /// `t_i`, the size of each unit.
    public let unitTotals: [Int]
    /// `T_k`, the total of each group.
    public let groupTotals: [Int]
    /// `T`, all students.
    public let total: Int

    /// The most students one table may hold, 2^31 − 1: more than every school system on
    /// earth together, so a larger total is a mistake in the data; the samplers rely on it.
    public static let maximumStudents = Int(Int32.max)

    public var unitCount: Int { units.count }
    public var groupCount: Int { groups.count }

    /// Builds a matrix from one array of counts per unit.
    /// - Throws: `CountMatrixError` for a ragged row, a negative count, an empty unit,
    ///   no units or no groups, or duplicate group names.
    public init(units: [String], groups: [String], rows: [[Int]]) throws(CountMatrixError) {
        guard rows.count == units.count else {
            throw .shapeMismatch("\(units.count) unit names but \(rows.count) rows of counts")
        }
        var flat: [Int] = []
        flat.reserveCapacity(units.count * groups.count)
        for (i, row) in rows.enumerated() {
            guard row.count == groups.count else {
                throw .shapeMismatch("unit \"\(units[i])\" has \(row.count) counts for \(groups.count) groups")
            }
            flat.append(contentsOf: row)
        }
        try self.init(units: units, groups: groups, counts: flat)
    }

    /// Builds a matrix from row-major counts (`counts[i * groups.count + k]`).
    public init(units: [String], groups: [String], counts: [Int]) throws(CountMatrixError) {
        guard !groups.isEmpty else { throw .noGroups }
        guard !units.isEmpty else { throw .noUnits }
        guard counts.count == units.count * groups.count else {
            throw .shapeMismatch("\(counts.count) counts for \(units.count) units × \(groups.count) groups")
        }
        var seen = Set<String>()
        for g in groups where !seen.insert(g).inserted { throw .duplicateGroup(g) }
        let K = groups.count
        var unitTotals = [Int](repeating: 0, count: units.count)
        var groupTotals = [Int](repeating: 0, count: K)
        var total = 0
        for i in 0..<units.count {
            var t = 0
            for k in 0..<K {
                let c = counts[i * K + k]
                guard c >= 0 else { throw .negativeCount(unit: units[i], group: groups[k], value: c) }
                guard c <= Self.maximumStudents - t else { throw .tooManyStudents(unit: units[i]) }
                t += c
                groupTotals[k] += c
            }
            guard t > 0 else { throw .emptyUnit(units[i]) }
            guard t <= Self.maximumStudents - total else { throw .tooManyStudents(unit: units[i]) }
            total += t
            unitTotals[i] = t
        }
        self.units = units
        self.groups = groups
        self.counts = counts
        self.unitTotals = unitTotals
        self.groupTotals = groupTotals
        self.total = unitTotals.reduce(0, +)
    }

    /// Internal: a matrix whose invariants the caller has already established.
    @usableFromInline
    init(trusted units: [String], groups: [String], counts: [Int], unitTotals: [Int], groupTotals: [Int]) {
        self.units = units
        self.groups = groups
        self.counts = counts
        self.unitTotals = unitTotals
        self.groupTotals = groupTotals
        self.total = unitTotals.reduce(0, +)
    }

    /// `t_ik`.
    @inlinable
    public subscript(unit i: Int, group k: Int) -> Int { counts[i * groups.count + k] }

    /// The counts of unit `i`, one per group.
    public func row(_ i: Int) -> ArraySlice<Int> {
        counts[(i * groupCount)..<((i + 1) * groupCount)]
    }

    /// `P_k`, the overall share of each group.
    public var composition: [Double] {
        let T = Double(total)
        return groupTotals.map { Double($0) / T }
    }
}
