import Foundation
import MosaicChoice
import MosaicMetrics
import Testing

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
        #expect(m.schools[0].rank == [1, 2, 0, 3])
        #expect(m.schools[1].rank == [3, 2, 1, 0])
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
            #expect(x.schools.map(\.rank) == y.schools.map(\.rank))
            var differs = false
            for seed in 8..<40 {
                c = SeededGenerator(seed: UInt64(seed))
                if unnumbered.market(tieBreaking: tie, using: &c).schools.map(\.rank) != x.schools.map(\.rank) { differs = true; break }
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
        #expect(try instance().problems().isEmpty)
        #expect(bad.problems() == [
            "priorityClasses: “staff” is not sibling, zone or other",
            "schools[0] S01: reserves hold 5 seats, more than its capacity 2",
            "schools[0] S01: reserve low-income kind “firm” is not soft or hard",
            "schools[1] S02: precedence “whenever” is not reserveFirst or openFirst",
            "students[1] st2: prefs name an unknown school “S09”",
            "students[1] st2: prefs list a school twice",
            "explicitPriorities.S02: must order every student exactly once (2 listed, 4 students)",
        ])
    }
}
