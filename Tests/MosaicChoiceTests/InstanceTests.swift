import Foundation
import MosaicChoice
import MosaicMetrics
import Testing

/// Each student's place in school `s`'s priority order (0 first), read from the keys.
func places(_ m: Market, _ s: Int) -> [Int32] {
    var out = [Int32](repeating: 0, count: m.studentCount)
    for (place, st) in (0..<m.studentCount).sorted(by: { m.key($0, at: s) < m.key($1, at: s) }).enumerated() { out[st] = Int32(place) }
    return out
}

func allPlaces(_ m: Market) -> [[Int32]] { m.schools.indices.map { places(m, $0) } }

@Suite struct InstanceTests {
    let json = """
        {"name": "Kindergarten 2027", "priorityClasses": ["sibling", "zone", "other"],
         "schools": [
           {"id": "S01", "capacity": 2,
            "reserves": [{"name": "low-income", "group": {"economic": "disadvantaged"}, "seats": 1, "kind": "soft"}],
            "precedence": "reserveFirst"},
           {"id": "S02", "capacity": 1}],
         "students": [
           {"id": "st1", "prefs": ["S01", "S02"], "lottery": 4, "zones": ["S01"]},
           {"id": "st2", "prefs": ["S01"], "lottery": 1},
           {"id": "st3", "prefs": ["S01", "S02"], "lottery": 3, "sibling": "S01"},
           {"id": "st4", "prefs": ["S02", "S01"], "lottery": 2, "groups": {"economic": "disadvantaged"}}],
         "explicitPriorities": {"S02": ["st4", "st3", "st2", "st1"]}}
        """

    func instance() throws -> Instance { try JSONDecoder().decode(Instance.self, from: Data(json.utf8)) }

    /// Priority at S01 by (class, lottery): st3 (sibling), st1 (zone), then st2 (1), st4 (2);
    /// S02 follows its explicit order; the reserve's group is read from the students'.
    @Test func prioritiesFollowTheClassesThenTheLottery() throws {
        var rng = SeededGenerator(seed: 1)
        let m = try instance().market(tieBreaking: .single, using: &rng)
        #expect(places(m, 0) == [1, 2, 0, 3])
        #expect(places(m, 1) == [3, 2, 1, 0])
        #expect(m.schools[0].reserves[0].eligible == [false, false, false, true])
        // DA: S01's reserve seat goes to st4 only if she proposes there; she prefers S02,
        // which ranks her first. S01 holds st3 and st1; st2 is left out.
        let a = m.deferredAcceptance()
        #expect(a.places.map { $0.map { m.schools[$0.school].id } ?? "-" } == ["S01", "-", "S01", "S02"])
    }

    /// Missing numbers are drawn from the seed: the same seed, the same market.
    @Test func drawnLotteriesAreReproducible() throws {
        var unnumbered = try instance()
        for i in unnumbered.students.indices { unnumbered.students[i].lottery = nil }
        unnumbered.explicitPriorities = nil
        for tie in Instance.TieBreaking.allCases {
            var a = SeededGenerator(seed: 7), b = SeededGenerator(seed: 7), c = SeededGenerator(seed: 8)
            let x = unnumbered.market(tieBreaking: tie, using: &a), y = unnumbered.market(tieBreaking: tie, using: &b)
            #expect(allPlaces(x) == allPlaces(y))
            var differs = false
            for seed in 8..<40 {
                c = SeededGenerator(seed: UInt64(seed))
                if allPlaces(unnumbered.market(tieBreaking: tie, using: &c)) != allPlaces(x) { differs = true; break }
            }
            #expect(differs)
        }
    }

    @Test func everyProblemIsNamed() throws {
        var bad = try instance()
        bad.students[1].prefs = ["S09", "S01", "S01"]
        bad.schools[0].reserves![0].seats = 5
        bad.schools[0].reserves![0].kind = "firm"
        bad.schools[1].precedence = "whenever"
        bad.explicitPriorities = ["S02": ["st4", "st3"]]
        bad.priorityClasses = ["sibling", "staff"]
        bad.students[2].lottery = -3
        #expect(try instance().problems().isEmpty)
        #expect(bad.problems() == [
            "priorityClasses: “staff” is not sibling, zone or other",
            "schools[0] S01: reserves hold 5 seats, more than its capacity 2",
            "schools[0] S01: reserve low-income kind “firm” is not soft or hard",
            "schools[1] S02: precedence “whenever” is not reserveFirst or openFirst",
            "students[1] st2: prefs name an unknown school “S09”",
            "students[1] st2: prefs list a school twice",
            "students[2] st3: lottery -3 is not between 0 and 4294967295",
            "explicitPriorities.S02: must order every student exactly once (2 listed, 4 students)",
        ])
    }

    /// Drawn numbers are a random order of 1…n: under single tie-breaking the same at every
    /// school, under multiple a different order at each (and still 1…n at each).
    @Test func drawnNumbersAreAnOrderOfOneToN() throws {
        var unnumbered = try instance()
        for i in unnumbered.students.indices { unnumbered.students[i].lottery = nil }
        unnumbered.explicitPriorities = nil
        let n = unnumbered.students.count
        var rng = SeededGenerator(seed: 3)
        let single = unnumbered.market(tieBreaking: .single, using: &rng)
        for s in single.schools.indices {
            #expect((0..<n).map { single.lottery.number($0, at: s) }.sorted() == (1...UInt32(n)).map { $0 })
            #expect((0..<n).map { single.lottery.number($0, at: s) } == (0..<n).map { single.lottery.number($0, at: 0) })
        }
        var big = unnumbered
        big.students = (0..<300).map { Instance.Student(id: "st\($0)", prefs: ["S01"]) }
        let multiple = big.market(tieBreaking: .multiple, using: &rng)
        let at0 = (0..<300).map { multiple.lottery.number($0, at: 0) }, at1 = (0..<300).map { multiple.lottery.number($0, at: 1) }
        #expect(at0.sorted() == (1...300).map { UInt32($0) } && at1.sorted() == (1...300).map { UInt32($0) })
        #expect(at0 != at1)
    }

    /// A student's class is the first listed class she holds; with "other" left out, a
    /// student holding neither sibling nor zone comes after every class.
    @Test func theClassIsTheFirstListedClassHeld() {
        let classes = Market.Classes(sibling: 1, zone: 0, other: 3, siblingSchool: [2, -1, 2], zones: [[2], [], [5]])
        #expect(classes.of(0, at: 2) == 0)   // zone before sibling in this order
        #expect(classes.of(2, at: 2) == 1)
        #expect(classes.of(1, at: 2) == 3)
        #expect(classes.of(2, at: 5) == 0)
    }
}

@Suite struct RandomPermutationTests {
    /// Every size from 0 to 1,100 and a few keys: each index maps into range, none twice.
    @Test func isAPermutationOfItsRange() {
        for count in Array(0...70) + [255, 256, 257, 1_023, 1_100] {
            for key in [0, 1, 0xDEAD_BEEF] as [UInt64] {
                let p = RandomPermutation(count: count, key: key)
                #expect((0..<count).map { p[$0] }.sorted() == Array(0..<count), "count \(count), key \(key)")
            }
        }
    }

    /// Different keys give different orders, and an order looks shuffled: the mean
    /// displacement of 10,000 elements is near its expectation n/3.
    @Test func looksRandom() {
        let n = 10_000
        let a = RandomPermutation(count: n, key: 1), b = RandomPermutation(count: n, key: 2)
        #expect((0..<n).filter { a[$0] == b[$0] }.count < 20)
        let displacement = (0..<n).reduce(0.0) { $0 + Double(abs(a[$1] - $1)) } / Double(n)
        #expect(abs(displacement - Double(n) / 3) < Double(n) / 30, "mean displacement \(displacement)")
    }
}
