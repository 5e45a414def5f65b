import MosaicCore
import MosaicMetrics
import Testing

/// The suppression policy as a security boundary: on many random tables, no shown count
/// is below the minimum, and no hidden cell can be recovered from the shown cells and totals.
@Suite struct SuppressionTests {
    let policy = SuppressionPolicy(minimumN: 10)

    /// The hidden cells a reader can pin down. Rows whose total is hidden bind nothing
    /// (one "ground" node); every hidden cell is at least 1, so a hidden cell on a cycle of
    /// hidden cells can move by ±1 either way and stays unknown; one that is not on a cycle
    /// (a bridge, or alone in a bound line) is fixed by the totals.
    func recoverable(_ t: SuppressionPolicy.SuppressedTable, columnTotals: Bool) -> [(Int, Int)] {
        let rows = t.cells.count, cols = t.cells[0].count
        var out: [(Int, Int)] = []
        for r in 0..<rows {
            for c in 0..<cols where t.cells[r][c] == nil {
                if !t.rowTotalHidden[r] && (0..<cols).filter({ t.cells[r][$0] == nil }).count == 1 { out.append((r, c)); continue }
                if columnTotals && !onCycle(t, r, c) { out.append((r, c)) }
            }
        }
        return out
    }

    /// Is there another path from (r0's row node) to column c0 through hidden cells?
    func onCycle(_ t: SuppressionPolicy.SuppressedTable, _ r0: Int, _ c0: Int) -> Bool {
        let rows = t.cells.count, cols = t.cells[0].count
        func node(_ r: Int) -> Int { t.rowTotalHidden[r] ? -1 : r }   // -1: ground
        var seenNodes = Set([node(r0)]), seenCols = Set<Int>()
        var frontier: [(isRow: Bool, i: Int)] = [(true, node(r0))]
        while let (isRow, i) = frontier.popLast() {
            if isRow {
                for r in 0..<rows where node(r) == i {
                    for c in 0..<cols where t.cells[r][c] == nil && !(r == r0 && c == c0) && !seenCols.contains(c) {
                        if c == c0 { return true }
                        seenCols.insert(c)
                        frontier.append((false, c))
                    }
                }
            } else {
                for r in 0..<rows where t.cells[r][i] == nil && !(r == r0 && i == c0) && !seenNodes.contains(node(r)) {
                    seenNodes.insert(node(r))
                    frontier.append((true, node(r)))
                }
            }
        }
        return false
    }

    @Test(arguments: Array(UInt64(0)..<400))
    func noSmallCountIsShownAndNoneCanBeRecovered(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let rows = 1 + rng.below(8), cols = 2 + rng.below(6)
        // Small cells, zeros, small rows and one-group rows all occur.
        let table = (0..<rows).map { _ -> [Int] in
            switch rng.below(6) {
            case 0: return (0..<cols).map { _ in rng.below(3) }
            case 1: var row = [Int](repeating: 0, count: cols); row[rng.below(cols)] = 1 + rng.below(200); return row
            default: return (0..<cols).map { _ in rng.below(4) == 0 ? rng.below(10) : rng.below(3) == 0 ? 0 : rng.below(200) }
            }
        }
        // As the product uses it: the schools' rows and the district's row of column sums.
        let district = (0..<cols).map { c in table.reduce(0) { $0 + $1[c] } }
        let full = table + [district]
        let t = policy.suppressTable(full, columnTotalsShown: true)
        for r in 0...rows {
            let table = full
            let total = table[r].reduce(0, +)
            if policy.suppresses(total) { #expect(t.rowTotalHidden[r], "row total \(total) shown in \(table)") }
            for c in 0..<cols {
                if let v = t.cells[r][c] {
                    #expect(v == table[r][c])
                    #expect(!policy.suppresses(v), "shown \(v) in \(table)")
                } else {
                    #expect(table[r][c] > 0, "a zero is hidden in \(table)")
                }
            }
            // A hidden row total is not the sum of what is shown.
            if t.rowTotalHidden[r] && total > 0 { #expect(t.cells[r].contains { $0 == nil }) }
        }
        let leaks = recoverable(t, columnTotals: true)
        #expect(leaks.isEmpty, "recoverable \(leaks) in \(table) → \(t.cells) hidden totals \(t.rowTotalHidden)")
    }

    @Test func theHandMadeDistrictLeaksNothing() {
        // The case that once leaked: hidden zeros made a false cycle.
        let schoolsAndDistrict = [[0, 0, 1, 1, 0, 0, 2, 0], [0, 0, 2, 0, 0, 0, 0, 0], [0, 0, 3, 1, 0, 0, 2, 0]]
        let t = SuppressionPolicy(minimumN: 3).suppressTable(schoolsAndDistrict, columnTotalsShown: true)
        #expect(recoverable(t, columnTotals: true).isEmpty, "\(t)")
        #expect(t.cells.allSatisfy { $0[0] == 0 && $0[1] == 0 })
    }

    @Test func aRowWithOneSmallCellHidesAComplement() {
        #expect(policy.suppress(row: [3, 40, 50]) == [nil, nil, 50])
        #expect(policy.suppress(row: [0, 40, 50]) == [0, 40, 50])
        // The hidden cells together reach the minimum where the row allows.
        #expect(policy.suppress(row: [2, 3, 4, 100]) == [nil, nil, nil, 100])
        // A row whose total is below the minimum hides every student.
        #expect(policy.suppress(row: [3, 4, 0]) == [nil, nil, 0])
    }

    @Test func sharesNearTheEndsAreCoded() {
        #expect(policy.code(share: 0.03) == "<5%")
        #expect(policy.code(share: 0.97) == ">95%")
        #expect(policy.code(share: 0.5) == nil)
        #expect(policy.code(share: 0) == nil && policy.code(share: 1) == nil)
    }
}
