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

    /// Worked by hand with a one-seat reserve at S1 (capacity 2) for c's group; S1 ranks
    /// a, b, c and S2 ranks c, a, b; a and b want S1 only, c wants S1 then S2.
    /// Reserve first: S1 points its reserve seat at c, c points back; then its open seat
    /// at a. Open first: a takes the open seat first, then c the reserve seat. A hard
    /// reserve for a group no one is in is given up: a takes S1, c trades into S2.
    @Test func reservesHandWorked() {
        func m(_ kind: Market.Reserve.Kind, _ precedence: Market.Precedence, eligible: [Bool]) -> Market {
            market(["a": ["S1"], "b": ["S1"], "c": ["S1", "S2"]], ["S1": ["a", "b", "c"], "S2": ["c", "a", "b"]],
                   capacity: ["S1": 2, "S2": 1], reserves: ["S1": [.init(name: "r", seats: 1, kind: kind, eligible: eligible)]],
                   precedence: ["S1": precedence])
        }
        let first = m(.soft, .reserveFirst, eligible: [false, false, true])
        let a = first.topTradingCycles()
        #expect(named(first, a) == ["a": "S1", "b": "-", "c": "S1"] && a.places[2]?.reserve == 0 && a.places[0]?.reserve == nil)
        let open = m(.soft, .openFirst, eligible: [false, false, true])
        #expect(open.topTradingCycles() == a)
        let hard = m(.hard, .reserveFirst, eligible: [false, false, false])
        let h = hard.topTradingCycles()
        #expect(named(hard, h) == ["a": "S1", "b": "-", "c": "S2"] && h.places[0]?.reserve == nil)
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
                let expected = Set(firsts.sorted { m.key($0, at: s) < m.key($1, at: s) }.prefix(m.schools[s].capacity))
                #expect(expected.isSubset(of: Set(admitted)), "seed \(seed)")
            }
        }
    }
}

/// Top trading cycles round by round, as the contract words it: in each round every
/// student and school points, and every cycle is cleared at once. The fast implementation
/// (one cycle at a time along a path) must agree with it.
func topTradingCyclesByRounds(_ m: Market) -> Assignment {
    var inMarket = [Bool](repeating: true, count: m.studentCount)
    var remaining = m.studentCount
    var seatsLeft = m.schools.map(\.seatOrder)
    var places = [Assignment.Place?](repeating: nil, count: m.studentCount)
    // Each school's students in priority order, and for every seat kind (open, each
    // reserve) a cursor that only moves forward: students leave and never return.
    let byPriority = m.schools.indices.map { s in (0..<m.studentCount).map { m.key($0, at: s) }.sorted().map(Market.student) }
    var openCursor = [Int](repeating: 0, count: m.schools.count)
    var reserveCursor = m.schools.map { [Int](repeating: 0, count: $0.reserves.count) }
    func best(_ s: Int, from cursor: inout Int, where fits: (Int) -> Bool) -> Int? {
        let order = byPriority[s]
        while cursor < order.count && !(inMarket[order[cursor]] && fits(order[cursor])) { cursor += 1 }
        return cursor < order.count ? order[cursor] : nil
    }
    func pointer(_ s: Int) -> (student: Int, seat: Int?)? {
        while let seat = seatsLeft[s].first {
            if let r = seat {
                let eligible = m.schools[s].reserves[r].eligible
                if let st = best(s, from: &reserveCursor[s][r], where: { eligible[$0] }) { return (st, seat) }
                if m.schools[s].reserves[r].kind == .soft, let st = best(s, from: &openCursor[s], where: { _ in true }) { return (st, seat) }
                seatsLeft[s].removeFirst()   // a hard seat no one left can take
            } else {
                return best(s, from: &openCursor[s], where: { _ in true }).map { ($0, nil) }
            }
        }
        return nil
    }
    while remaining > 0 {
        // Students point to their best school with a seat; those with none leave.
        var wants = [Int](repeating: -1, count: m.studentCount)
        for st in 0..<m.studentCount where inMarket[st] {
            if let s = m.prefs[st].first(where: { !seatsLeft[$0].isEmpty }) {
                wants[st] = s
            } else {
                inMarket[st] = false
                remaining -= 1
            }
        }
        guard remaining > 0 else { break }
        var points = [(student: Int, seat: Int?)?](repeating: nil, count: m.schools.count)
        for s in m.schools.indices where !seatsLeft[s].isEmpty { points[s] = pointer(s) }
        // Follow student → school → student from each student; a revisit closes a cycle.
        var state = [UInt8](repeating: 0, count: m.studentCount)   // 0 new, 1 on the current path, 2 done
        var cleared: [(student: Int, school: Int, seat: Int?)] = []
        for start in 0..<m.studentCount where inMarket[start] && state[start] == 0 {
            var path: [Int] = []
            var st = start
            var closed = false   // the path came back to one of its students
            while inMarket[st] && state[st] == 0 {
                state[st] = 1
                path.append(st)
                guard wants[st] >= 0, let next = points[wants[st]] else { break }
                st = next.student
                closed = inMarket[st] && state[st] == 1
            }
            if closed, let k = path.firstIndex(of: st) {
                for x in path[k...] { cleared.append((x, wants[x], points[wants[x]]!.seat)) }
            }
            for x in path { state[x] = 2 }
        }
        for c in cleared {
            places[c.student] = .init(school: c.school, reserve: c.seat)
            inMarket[c.student] = false
            remaining -= 1
            if let i = seatsLeft[c.school].firstIndex(where: { $0 == c.seat }) { seatsLeft[c.school].remove(at: i) }
        }
    }
    return Assignment(places: places)
}

@Suite struct TopTradingCyclesImplementationTests {
    /// The path walk agrees with the round-by-round definition on random markets, with and
    /// without reserves.
    @Test func agreesWithTheRoundByRoundDefinition() {
        for seed in 0..<300 {
            var rng = SeededGenerator(seed: UInt64(11_000 + seed))
            let m = seed % 2 == 0 ? randomMarket(students: 50, schools: 6, choices: 4, using: &rng)
                                  : randomReserveMarket(students: 50, schools: 6, choices: 4, using: &rng)
            #expect(m.topTradingCycles() == topTradingCyclesByRounds(m), "seed \(seed)")
        }
    }

    /// On instances with classes and one lottery, the school's order (siblings and zones,
    /// then the lottery) gives what a full sort of the keys gives.
    @Test func theLotteryOrderShortcutAgreesWithAFullSort() throws {
        for seed in 0..<20 {
            var rng = SeededGenerator(seed: UInt64(13_000 + seed))
            let instance = Instance.synthetic(students: 300, programmes: 12, choices: 4, seats: 260, reserveShare: 0.5, using: &rng)
            let m = instance.market(tieBreaking: .single, using: &rng)
            #expect(m.topTradingCycles() == topTradingCyclesByRounds(m), "seed \(seed)")
        }
    }
}
