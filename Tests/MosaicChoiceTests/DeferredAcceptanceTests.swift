import MosaicChoice
import MosaicMetrics
import Testing

/// A market from readable parts: students' preferences by school id, schools' priority
/// orders by student id (first = highest).
func market(_ prefs: [String: [String]], _ priorities: [String: [String]], capacity: [String: Int],
            reserves: [String: [Market.Reserve]] = [:], precedence: [String: Market.Precedence] = [:]) -> Market {
    let students = prefs.keys.sorted(), schools = priorities.keys.sorted()
    return Market(
        studentIDs: students,
        prefs: students.map { st in prefs[st]!.map { schools.firstIndex(of: $0)! } },
        schools: schools.map { s in
            let order = priorities[s]!
            return Market.School(id: s, capacity: capacity[s]!, reserves: reserves[s] ?? [], precedence: precedence[s] ?? .reserveFirst,
                                 rank: students.map { Int32(order.firstIndex(of: $0)!) })
        })
}

func named(_ m: Market, _ a: Assignment) -> [String: String] {
    Dictionary(uniqueKeysWithValues: m.studentIDs.indices.map { (m.studentIDs[$0], a.places[$0].map { m.schools[$0.school].id } ?? "-") })
}

/// A random market without reserves: `n` students, `k` schools, preferences of up to
/// `choices` schools, priorities a random order per school.
func randomMarket(students n: Int, schools k: Int, choices: Int, using rng: inout SeededGenerator) -> Market {
    let prefs = (0..<n).map { _ in Array((0..<k).shuffled(using: &rng).prefix(Int.random(in: 1...choices, using: &rng))) }
    let schools = (0..<k).map { s -> Market.School in
        var rank = [Int32](repeating: 0, count: n)
        for (place, st) in (0..<n).shuffled(using: &rng).enumerated() { rank[st] = Int32(place) }
        return Market.School(id: "S\(s)", capacity: Int.random(in: 1...max(1, n / k + 1), using: &rng), rank: rank)
    }
    return Market(studentIDs: (0..<n).map { "st\($0)" }, prefs: prefs, schools: schools)
}

@Suite struct DeferredAcceptanceTests {
    /// Worked by hand: a and b both want S1, which ranks b first; a goes to S2, c, who
    /// ranked S1 only, stays unassigned.
    @Test func aHandWorkedMarket() {
        let m = market(["a": ["S1", "S2"], "b": ["S1", "S2"], "c": ["S1"]],
                       ["S1": ["b", "a", "c"], "S2": ["a", "b", "c"]], capacity: ["S1": 1, "S2": 1])
        #expect(named(m, m.deferredAcceptance()) == ["a": "S2", "b": "S1", "c": "-"])
    }

    /// On random markets: every student holds an acceptable school or none, no school is
    /// over capacity, no seat is wasted on a student who wanted it, and no student and
    /// school would both rather be together (stability).
    @Test func isStableAndNonWastefulOnRandomMarkets() {
        for seed in 0..<200 {
            var rng = SeededGenerator(seed: UInt64(seed))
            let m = randomMarket(students: 40, schools: 6, choices: 4, using: &rng)
            let a = m.deferredAcceptance()
            for s in m.schools.indices { #expect(a.admitted(s).count <= m.schools[s].capacity) }
            for st in 0..<m.studentCount {
                let mine = a.places[st].map { m.prefs[st].firstIndex(of: $0.school)! } ?? m.prefs[st].count
                if let p = a.places[st] { #expect(m.prefs[st].contains(p.school)) }
                for s in m.prefs[st].prefix(mine) {
                    let admitted = a.admitted(s)
                    // She wanted s more: s must be full of students it ranks higher.
                    let blocked = admitted.count < m.schools[s].capacity || admitted.contains { m.key($0, at: s) > m.key(st, at: s) }
                    #expect(!blocked, "seed \(seed): \(m.studentIDs[st]) and \(m.schools[s].id) block")
                }
            }
        }
    }

    /// The outcome does not depend on the order in which students propose.
    @Test func theOrderOfProposalsDoesNotMatter() {
        for seed in 0..<50 {
            var rng = SeededGenerator(seed: UInt64(1_000 + seed))
            let m = randomMarket(students: 30, schools: 5, choices: 3, using: &rng)
            let order = Array(0..<m.studentCount).shuffled(using: &rng)
            let permuted = Market(studentIDs: order.map { m.studentIDs[$0] }, prefs: order.map { Array(m.prefs[$0]) },
                                  schools: m.schools.map { s in
                                      Market.School(id: s.id, capacity: s.capacity, rank: order.map { s.rank![$0] })
                                  })
            #expect(named(m, m.deferredAcceptance()) == named(permuted, permuted.deferredAcceptance()), "seed \(seed)")
        }
    }
}

@Suite struct ReserveChoiceTests {
    /// Applicants in priority order c, a, b, e; c and e belong to the reserve's group.
    let ranks: [Int32] = [1, 2, 0, 3]   // a, b, c, e
    let group = [false, false, true, true]

    /// The school S alone in a market of the four applicants.
    struct School {
        let market: Market
        func choose(from applicants: [Int]) -> [(student: Int, reserve: Int?)] { market.choose(at: 0, from: applicants) }
    }

    func school(_ kind: Market.Reserve.Kind, _ precedence: Market.Precedence, capacity: Int = 3) -> School {
        School(market: Market(studentIDs: ["a", "b", "c", "e"], prefs: [[0], [0], [0], [0]], schools: [
            Market.School(id: "S", capacity: capacity, reserves: [.init(name: "low-income", seats: 1, kind: kind, eligible: group)],
                          precedence: precedence, rank: ranks)]))
    }

    @Test func reserveFirstFillsTheReserveSeatWithTheBestOfTheGroup() {
        // Reserve seat: c; open seats: a, b.
        let chosen = school(.soft, .reserveFirst).choose(from: [0, 1, 2, 3])
        #expect(chosen.map(\.student) == [2, 0, 1] && chosen.map(\.reserve) == [0, nil, nil])
    }

    @Test func openFirstLeavesTheReserveSeatToTheNextOfTheGroup() {
        // Open seats: c, a; reserve seat: e (the best of the group left), not b.
        let chosen = school(.soft, .openFirst).choose(from: [0, 1, 2, 3])
        #expect(chosen.map(\.student) == [2, 0, 3] && chosen.map(\.reserve) == [nil, nil, 0])
    }

    @Test func aSoftSeatGoesToAnyoneAndAHardSeatStaysEmptyWithoutTheGroup() {
        let soft = school(.soft, .reserveFirst).choose(from: [0, 1])
        #expect(soft.map(\.student) == [0, 1] && soft.map(\.reserve) == [0, nil])
        let hard = school(.hard, .reserveFirst).choose(from: [0, 1])
        #expect(hard.map(\.student) == [0, 1] && hard.map(\.reserve) == [nil, nil])
        // One open seat and a hard reserve seat: a takes the open seat, b is left out.
        let full = school(.hard, .reserveFirst, capacity: 2).choose(from: [0, 1])
        #expect(full.map(\.student) == [0] && full.map(\.reserve) == [nil])
    }

    /// Deferred acceptance with a reserve: a group student of low priority gets the
    /// reserve seat over a higher-priority student outside the group.
    @Test func deferredAcceptanceHonoursTheReserve() {
        let m = market(["a": ["S1"], "b": ["S1"], "e": ["S1", "S2"]],
                       ["S1": ["a", "b", "e"], "S2": ["e", "a", "b"]], capacity: ["S1": 2, "S2": 1],
                       reserves: ["S1": [.init(name: "low-income", seats: 1, kind: .soft, eligible: [false, false, true])]])
        let a = m.deferredAcceptance()
        #expect(named(m, a) == ["a": "S1", "b": "-", "e": "S1"])
        #expect(a.places[2]?.reserve == 0 && a.places[0]?.reserve == nil)
    }
}

/// Random markets with reserves: each school's reserve a random group (a third of the
/// students), soft or hard, reserve-first or open-first.
func randomReserveMarket(students n: Int, schools k: Int, choices: Int, using rng: inout SeededGenerator) -> Market {
    var m = randomMarket(students: n, schools: k, choices: choices, using: &rng)
    let group = (0..<n).map { _ in Int.random(in: 0..<3, using: &rng) == 0 }
    for s in m.schools.indices where m.schools[s].capacity >= 2 {
        m.schools[s].reserves = [.init(name: "r", seats: Int.random(in: 1...m.schools[s].capacity / 2, using: &rng),
                                       kind: Bool.random(using: &rng) ? .soft : .hard, eligible: group)]
        m.schools[s].precedence = Bool.random(using: &rng) ? .reserveFirst : .openFirst
    }
    return m
}

@Suite struct DeferredAcceptancePropertyTests {
    /// Stability for choice functions: no student wants a school that would choose her
    /// from its admitted students and her.
    @Test func withReservesNoSchoolWouldChooseAStudentWhoWantsIt() {
        for seed in 0..<200 {
            var rng = SeededGenerator(seed: UInt64(5_000 + seed))
            let m = randomReserveMarket(students: 40, schools: 6, choices: 4, using: &rng)
            let a = m.deferredAcceptance()
            for st in 0..<m.studentCount {
                let mine = a.places[st].map { m.prefs[st].firstIndex(of: $0.school)! } ?? m.prefs[st].count
                for s in m.prefs[st].prefix(mine) {
                    let chosen = m.choose(at: s, from: a.admitted(s) + [st]).map(\.student)
                    #expect(!chosen.contains(st), "seed \(seed): \(m.studentIDs[st]) and \(m.schools[s].id) block")
                }
            }
        }
    }

    /// Strategy-proofness: a student who reports another order (random reorderings and
    /// truncations) never gets a school she truly prefers.
    @Test func noStudentGainsByMisreporting() {
        for seed in 0..<150 {
            var rng = SeededGenerator(seed: UInt64(7_000 + seed))
            let m = seed % 2 == 0 ? randomMarket(students: 25, schools: 5, choices: 4, using: &rng)
                                  : randomReserveMarket(students: 25, schools: 5, choices: 4, using: &rng)
            let truth = m.deferredAcceptance()
            for _ in 0..<10 {
                let st = Int.random(in: 0..<m.studentCount, using: &rng)
                var lie = m
                var lists = m.prefs.map { Array($0) }
                lists[st] = Array((0..<m.schools.count).shuffled(using: &rng).prefix(Int.random(in: 1...m.schools.count, using: &rng)))
                lie.prefs = Market.Preferences(lists)
                let got = lie.deferredAcceptance().places[st]?.school
                func position(_ s: Int?) -> Int { s.flatMap { m.prefs[st].firstIndex(of: $0) } ?? m.prefs[st].count }
                #expect(position(got) >= position(truth.places[st]?.school), "seed \(seed): \(m.studentIDs[st]) gains by misreporting")
            }
        }
    }
}

/// Deferred acceptance by rounds, straight from the definition: every free student
/// proposes to her next school; each school keeps its choice from those it holds and its
/// new proposers. The fast implementation must agree with it.
func deferredAcceptanceByRounds(_ m: Market) -> Assignment {
    var next = [Int](repeating: 0, count: m.studentCount)
    var held = [[Int]](repeating: [], count: m.schools.count)
    var seat = [Int: Int?]()
    while true {
        let holding = Set(held.joined())
        let proposers = (0..<m.studentCount).filter { !holding.contains($0) && next[$0] < m.prefs[$0].count }
        guard !proposers.isEmpty else { break }
        var applicants = held
        for st in proposers {
            applicants[m.prefs[st][next[st]]].append(st)
            next[st] += 1
        }
        for s in m.schools.indices {
            let chosen = m.choose(at: s, from: applicants[s])
            held[s] = chosen.map(\.student)
            for c in chosen { seat[c.student] = c.reserve }
        }
    }
    var places = [Assignment.Place?](repeating: nil, count: m.studentCount)
    for (s, students) in held.enumerated() { for st in students { places[st] = .init(school: s, reserve: seat[st]!) } }
    return Assignment(places: places)
}

@Suite struct DeferredAcceptanceImplementationTests {
    /// The heap (no reserves), the one-reserve lists and the general sorted-held path (two
    /// reserves) give the assignment and the seats of the round-by-round definition, on
    /// 600 random markets with soft and hard reserves, reserve first and open first.
    @Test func agreesWithTheRoundByRoundDefinition() {
        for seed in 0..<600 {
            var rng = SeededGenerator(seed: UInt64(9_000 + seed))
            var m = seed % 3 == 0 ? randomMarket(students: 60, schools: 7, choices: 5, using: &rng)
                                  : randomReserveMarket(students: 60, schools: 7, choices: 5, using: &rng)
            if seed % 3 == 2 {
                // A second reserve, for another group, where there is room: the general path.
                let group = (0..<m.studentCount).map { _ in Bool.random(using: &rng) }
                for s in m.schools.indices where m.schools[s].openSeats >= 2 {
                    m.schools[s].reserves.append(.init(name: "r2", seats: Int.random(in: 1...m.schools[s].openSeats / 2, using: &rng),
                                                       kind: Bool.random(using: &rng) ? .soft : .hard, eligible: group))
                }
            }
            #expect(m.deferredAcceptance() == deferredAcceptanceByRounds(m), "seed \(seed)")
        }
    }
}
