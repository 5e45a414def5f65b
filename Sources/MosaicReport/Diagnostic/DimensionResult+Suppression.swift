import MosaicCore
import MosaicDiagnostic

extension DimensionResult {
    /// The district's composition and every school's, as the public may see them: one
    /// table of the schools' rows and the district's row (each column of schools sums to
    /// the district), so that no hidden cell follows from the others.
    func suppressedComposition(_ policy: SuppressionPolicy) -> Composition {
        let rows = acrossSchools.schools.map { $0.counts + [$0.unknown] } + [counts + [unknown]]
        let t = policy.suppressTable(rows, columnTotalsShown: rows.count > 1)
        let totals = rows.enumerated().map { r, row in t.rowTotalHidden[r] ? nil : Optional(row.reduce(0, +)) }
        return Composition(district: t.cells[rows.count - 1], districtStudents: totals[rows.count - 1],
                           schools: Array(t.cells.dropLast()), schoolStudents: Array(totals.dropLast()),
                           schoolIndexHidden: (0..<(rows.count - 1)).map { r in t.rowTotalHidden[r] || t.cells[r].contains { $0 == nil } })
    }

    /// The suppressed composition tables: cells and row totals, `nil` where hidden.
    struct Composition {
        var district: [Int?]
        var districtStudents: Int?
        var schools: [[Int?]]
        var schoolStudents: [Int?]
        /// A school's `½ Σ |p − P|` is hidden with any of its cells: it would give them back.
        var schoolIndexHidden: [Bool]

        /// The school's `½ Σ |p − P|` as it may be shown.
        func index(_ i: Int, _ value: Double) -> Double? { schoolIndexHidden[i] ? nil : value }
    }
}
