import MosaicCore
import MosaicTestSupport
import Testing

@Suite struct LinearProgramTests {
    /// Hand-checkable programs: a box, a corner, an equality that pins, infeasible.
    @Test func handComputedRanges() {
        var lp = LinearProgram(variables: 2)
        lp.add([(0, 1), (1, 2)], .atMost, 9)
        lp.add([(0, 1)], .atMost, 3)
        lp.add([(1, 1)], .atMost, 4)
        #expect(lp.range(of: [(0, 1), (1, 1)]) == 0...6)        // (3, 3)
        #expect(lp.range(of: [(1, 1)]) == 0...4)

        // Two hidden counts of a row whose hidden part is 2, each at least 1: both are 1.
        var pair = LinearProgram(variables: 2)
        pair.lower = [1, 1]
        pair.add([(0, 1), (1, 1)], .equal, 2)
        #expect(pair.range(of: [(0, 1)]) == 1...1)
        #expect(pair.range(of: [(0, 1)])!.pinsAnInteger)

        var none = LinearProgram(variables: 1)
        none.add([(0, 1)], .atLeast, 3)
        none.add([(0, 1)], .atMost, 2)
        #expect(none.range(of: [(0, 1)]) == nil)

        var open = LinearProgram(variables: 2)
        open.add([(0, 1), (1, -1)], .equal, 0)
        #expect(open.range(of: [(0, 1)]) == 0...Double.infinity)
    }

    /// Tables with margins are totally unimodular, so the program's interval of a hidden
    /// cell is exactly the least and greatest of the whole tables that fit: checked against
    /// enumeration on random 3 × 3 tables with random hidden cells.
    @Test func intervalsMatchEnumerationOnSmallTables() {
        var rng = SplitMix(seed: 7)
        for _ in 0..<60 {
            let table = (0..<3).map { _ in (0..<3).map { _ in Int(rng.next() % 5) } }
            let hiddenCells = (0..<9).filter { _ in rng.next() % 3 == 0 }
            guard !hiddenCells.isEmpty else { continue }
            var lp = LinearProgram(variables: hiddenCells.count)
            let slot = Dictionary(uniqueKeysWithValues: hiddenCells.enumerated().map { ($1, $0) })
            func line(_ cells: [Int]) {
                let terms = cells.compactMap { c in slot[c].map { (variable: $0, coefficient: 1.0) } }
                let known = cells.filter { slot[$0] == nil }.reduce(0) { $0 + table[$1 / 3][$1 % 3] }
                let total = cells.reduce(0) { $0 + table[$1 / 3][$1 % 3] }
                if !terms.isEmpty { lp.add(terms, .equal, Double(total - known)) }
            }
            for r in 0..<3 { line([r * 3, r * 3 + 1, r * 3 + 2]) }
            for c in 0..<3 { line([c, 3 + c, 6 + c]) }
            // Enumerate every filling of the hidden cells with 0...8 that meets the margins.
            var low = Array(repeating: Int.max, count: hiddenCells.count), high = Array(repeating: Int.min, count: hiddenCells.count)
            var fill = Array(repeating: 0, count: hiddenCells.count)
            func search(_ k: Int) {
                if k == hiddenCells.count {
                    var t = table
                    for (i, c) in hiddenCells.enumerated() { t[c / 3][c % 3] = fill[i] }
                    for r in 0..<3 where t[r].reduce(0, +) != table[r].reduce(0, +) { return }
                    for c in 0..<3 where (0..<3).reduce(0, { $0 + t[$1][c] }) != (0..<3).reduce(0, { $0 + table[$1][c] }) { return }
                    for i in fill.indices { low[i] = min(low[i], fill[i]); high[i] = max(high[i], fill[i]) }
                    return
                }
                for v in 0...8 { fill[k] = v; search(k + 1) }
            }
            if hiddenCells.count <= 4 { search(0) } else { continue }
            for i in hiddenCells.indices {
                let r = lp.range(of: [(i, 1)])!
                #expect(abs(r.lowerBound - Double(low[i])) < 1e-6 && abs(r.upperBound - Double(high[i])) < 1e-6,
                        "\(table) hidden \(hiddenCells): cell \(hiddenCells[i]) LP \(r) vs \(low[i])...\(high[i])")
            }
        }
    }
}

@Suite struct DisclosureProblemTests {
    /// The leak found in the demo (sch2): the composition row hides 7 multiracial students
    /// and 12 others beside them, but the advanced table's eligible column (all grades
    /// offered, so eligible = enrolled) showed the 12: the attack names the 7. With the 12's
    /// eligible count hidden too, it cannot.
    @Test func aCompositionComplementUndoneByTheAdvancedTableIsFound() {
        var p = DisclosureProblem()
        let total = p.count(904)
        let enrolled = [21, 474, 390, 12, 7].map { p.count($0) }
        p.relate([(total, -1)] + enrolled.map { ($0, 1) })
        let eligible = [21, 474, 390, 12, 7].map { p.count($0) }
        // Every grade is offered: a reader knows eligible = enrolled.
        for (n, e) in zip(enrolled, eligible) { p.relate([(n, 1), (e, -1)]) }
        var tableByTable = Array(repeating: false, count: p.values.count)
        tableByTable[enrolled[3]] = true; tableByTable[enrolled[4]] = true; tableByTable[eligible[4]] = true
        #expect(p.isPinned([(enrolled[4], 1)], hidden: tableByTable))
        #expect(!p.recoverable(minimumN: 10, hidden: tableByTable).isEmpty)
        var together = tableByTable
        together[eligible[3]] = true
        #expect(p.recoverable(minimumN: 10, hidden: together).isEmpty)
    }

    /// Two small hidden counts whose hidden part of the row is 2 are both 1.
    @Test func hiddenCountsThatOnlyAddUpToTheirMinimumAreFound() {
        var p = DisclosureProblem()
        let row = [1, 1, 40].map { p.count($0) }
        let total = p.count(42)
        p.relate([(total, -1)] + row.map { ($0, 1) })
        var hidden = Array(repeating: false, count: p.values.count)
        hidden[row[0]] = true; hidden[row[1]] = true
        #expect(p.recoverable(minimumN: 10, hidden: hidden).count == 2)
        hidden[row[2]] = true
        #expect(p.recoverable(minimumN: 10, hidden: hidden).isEmpty)
    }

    /// A difference of two shown counts (eligible − participants) that is small is found.
    @Test func aSmallDifferenceOfShownCountsIsFound() {
        var p = DisclosureProblem()
        let e = p.count(40), part = p.count(37)
        p.relate([(part, 1), (e, -1)], .atMost)
        p.protect([(e, 1), (part, -1)])
        #expect(p.recoverable(minimumN: 10, hidden: [false, false]).count == 1)
        #expect(p.recoverable(minimumN: 10, hidden: [false, true]).isEmpty)
    }

    /// What a reader knows already (a school leader's own school) is used against the others.
    @Test func knownCountsAreUsedAgainstTheOthers() {
        // A column of two schools and the district: the leader of school A knows A's 12.
        var p = DisclosureProblem()
        let a = p.count(12, .known), b = p.count(7), district = p.count(19)
        p.relate([(district, -1), (a, 1), (b, 1)])
        #expect(p.recoverable(minimumN: 10, hidden: [false, true, false]).count == 1)
        #expect(p.recoverable(minimumN: 10, hidden: [false, true, true]).isEmpty)
    }
}

