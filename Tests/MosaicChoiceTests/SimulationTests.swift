import Foundation
import MosaicChoice
import MosaicMetrics
import Testing

@Suite struct SimulationTests {
    /// Five students want A (one seat) then B (one seat); st1 and st2 are in group x.
    func instance() -> Instance {
        let students = (1...5).map { #"{"id": "st\#($0)", "prefs": ["A", "B"], "lottery": 1, "groups": {"g": "\#($0 <= 2 ? "x" : "y")"}}"# }
        let json = #"{"schools": [{"id": "A", "capacity": 1}, {"id": "B", "capacity": 1}], "students": ["# + students.joined(separator: ", ") + "]}"
        return try! JSONDecoder().decode(Instance.self, from: Data(json.utf8))
    }

    /// Every lottery gives one first choice, one second, three unassigned; by symmetry each
    /// student is equally likely to be any of them. The file's lottery numbers (all 1
    /// here) are ignored.
    @Test func sharesAreWhatTheLotteryGivesOnAverage() {
        var rng = SeededGenerator(seed: 9)
        let r = instance().simulate(.da, tieBreaking: .single, draws: 4_000, parallelism: 2, using: &rng)
        let all = r.groups[0]
        #expect(all.group == "all" && all.students == 5)
        #expect(all.rankShares.map { ($0 * 1_000).rounded() / 1_000 } == [0.2, 0.2, 0.6])
        for g in r.groups.dropFirst() {
            #expect(abs(g.firstChoice - 0.2) < 0.03 && abs(g.unassigned - 0.6) < 0.03, "\(g.group): \(g.rankShares)")
            #expect(abs(g.rankShares.reduce(0, +) - 1) < 1e-12)
        }
        // Two assigned students in two schools: D is 0 when both are of one group, 1 when not.
        let d = try! #require(r.dissimilarity.first)
        #expect(d.p05 == 0 && d.p95 == 1 && d.mean > 0.4 && d.mean < 0.8)
    }

    /// The same seed gives the same result on one thread or two.
    @Test func theResultDoesNotDependOnTheThreads() {
        for mechanism in Mechanism.allCases {
            var a = SeededGenerator(seed: 4), b = SeededGenerator(seed: 4)
            let one = instance().simulate(mechanism, tieBreaking: .multiple, draws: 300, parallelism: 1, using: &a)
            let two = instance().simulate(mechanism, tieBreaking: .multiple, draws: 300, parallelism: 2, using: &b)
            #expect(one.groups.map(\.rankShares) == two.groups.map(\.rankShares))
            #expect(one.dissimilarity.map(\.mean) == two.dissimilarity.map(\.mean))
        }
    }
}
