import MosaicChoice
import MosaicMetrics
import Testing

@Suite struct TopTradingCyclesTests {
    /// Worked by hand: a → S1, b → S2, c → S1; S1 → c, S2 → a. The cycle c ⇄ S1 clears;
    /// then a and b point to S2, S2 to a: a ⇄ S2 clears; b has no school left.
    @Test func aHandWorkedMarket() {
        let m = market(["a": ["S1", "S2"], "b": ["S2", "S1"], "c": ["S1", "S2"]],
                       ["S1": ["c", "a", "b"], "S2": ["a", "b", "c"]], capacity: ["S1": 1, "S2": 1])
        #expect(named(m, m.topTradingCycles()) == ["a": "S2", "b": "-", "c": "S1"])
    }

    /// A school points to its best student even if she did not rank it: here S2 points
    /// to a, who wants S1; S1 points to b, who wants S2: they trade.
    @Test func studentsTradeTheirPriorities() {
        let m = market(["a": ["S1", "S2"], "b": ["S2", "S1"]], ["S1": ["b", "a"], "S2": ["a", "b"]], capacity: ["S1": 1, "S2": 1])
        #expect(named(m, m.topTradingCycles()) == ["a": "S1", "b": "S2"])
    }

    /// Pareto efficiency on random markets: no student prefers a school with a free seat
    /// to her own, and no group of students could swap to make each better off (no cycle
    /// in "i prefers j's school to her own").
    @Test func isParetoEfficientOnRandomMarkets() {
        for seed in 0..<200 {
            var rng = SeededGenerator(seed: UInt64(2_000 + seed))
            let m = randomMarket(students: 30, schools: 5, choices: 3, using: &rng)
            let a = m.topTradingCycles()
            func position(_ st: Int, _ s: Int?) -> Int { s.flatMap { m.prefs[st].firstIndex(of: $0) } ?? m.prefs[st].count }
            for s in m.schools.indices { #expect(a.admitted(s).count <= m.schools[s].capacity) }
            for st in 0..<m.studentCount {
                let mine = position(st, a.places[st]?.school)
                for s in m.prefs[st].prefix(mine) { #expect(a.admitted(s).count == m.schools[s].capacity, "seed \(seed): a free seat at a better school") }
            }
            // i → j when i prefers j's school to her own; a cycle would be a better trade.
            let edges = (0..<m.studentCount).map { i in
                (0..<m.studentCount).filter { j in
                    guard let sj = a.places[j]?.school else { return false }
                    return position(i, sj) < position(i, a.places[i]?.school)
                }
            }
            var state = [UInt8](repeating: 0, count: m.studentCount)
            func cyclic(_ i: Int) -> Bool {
                state[i] = 1
                for j in edges[i] {
                    if state[j] == 1 { return true }
                    if state[j] == 0 && cyclic(j) { return true }
                }
                state[i] = 2
                return false
            }
            #expect(!(0..<m.studentCount).contains { state[$0] == 0 && cyclic($0) }, "seed \(seed): a trading cycle remains")
        }
    }
}

@Suite struct BostonTests {
    /// Worked by hand: in round 1, S1 gets a and c and keeps c; S2 gets b. In round 2, a
    /// applies to S2, which is full. Under DA, a would have S2 and b nothing.
    @Test func aHandWorkedMarket() {
        let m = market(["a": ["S1", "S2"], "b": ["S2", "S1"], "c": ["S1", "S2"]],
                       ["S1": ["c", "a", "b"], "S2": ["a", "b", "c"]], capacity: ["S1": 1, "S2": 1])
        #expect(named(m, m.boston()) == ["a": "-", "b": "S2", "c": "S1"])
        #expect(named(m, m.deferredAcceptance()) == ["a": "S2", "b": "-", "c": "S1"])
    }

    /// Every first choice a school can take is taken: a student placed by Boston at her
    /// k-th choice lost each earlier school to students who ranked it as high or higher.
    @Test func firstChoicesAreFilledFirstOnRandomMarkets() {
        for seed in 0..<100 {
            var rng = SeededGenerator(seed: UInt64(3_000 + seed))
            let m = randomMarket(students: 30, schools: 5, choices: 3, using: &rng)
            let a = m.boston()
            for s in m.schools.indices {
                let admitted = a.admitted(s)
                #expect(admitted.count <= m.schools[s].capacity)
                let firsts = (0..<m.studentCount).filter { m.prefs[$0].first == s }
                // As many first-choice students as fit are in, and the best of them.
                let expected = Set(firsts.sorted { m.schools[s].rank[$0] < m.schools[s].rank[$1] }.prefix(m.schools[s].capacity))
                #expect(expected.isSubset(of: Set(admitted)), "seed \(seed)")
            }
        }
    }
}
