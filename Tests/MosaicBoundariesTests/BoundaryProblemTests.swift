import Foundation
import MosaicBoundaries
import Testing

@Suite struct BoundaryProblemTests {
    @Test func readsCountsByGroupOrByDimension() throws {
        let flat = #"{"schools": [{"id": "A", "location": {"x": 0, "y": 0}}, {"id": "B", "location": {"x": 2, "y": 0}}],"#
            + #" "units": [{"id": "a", "school": "A", "students": {"white": 3, "black": 1}, "location": {"x": 0, "y": 0}, "neighbors": ["b"]},"#
            + #" {"id": "b", "school": "B", "students": {"white": 1, "black": 4}, "location": {"x": 2, "y": 0}, "travel": {"A": 2.5}}]}"#
        let instance = try JSONDecoder().decode(BoundaryInstance.self, from: Data(flat.utf8))
        #expect(instance.problems().isEmpty)
        // One-dimension counts serve whatever the dimension is called.
        let p = try BoundaryProblem(instance, dimension: "race")
        #expect(p.groups == ["black", "white"] && p.counts == [1, 3, 4, 1] && p.totals == [4, 5] && p.total == 9)
        // The neighbour graph is undirected although only a lists b.
        #expect(p.neighbors == [[1], [0]])
        // b → A: the file's 2.5, not the distance 2; b → B: the distance 0.
        #expect(p.travel[1 * 2 + 0] == 2.5 && p.travel[1 * 2 + 1] == 0)
        let nested = #"{"schools": [{"id": "A", "capacity": 50}], "units": [{"id": "a", "school": "A", "travel": {"A": 1},"#
            + #" "students": {"race": {"white": 3, "black": 1, "asian": 2}, "income": {"low": 2, "notLow": 4}}}]}"#
        let two = try JSONDecoder().decode(BoundaryInstance.self, from: Data(nested.utf8))
        #expect(try BoundaryProblem(two, dimension: "income").groups == ["low", "notLow"])
        let white = try BoundaryProblem(two, dimension: "race:white")
        #expect(white.groups == ["white", "not white"] && white.counts == [3, 3])
        #expect(throws: BoundaryError(["units[0] a: no “ell” counts; it has income, race"])) { try BoundaryProblem(two, dimension: "ell") }
        #expect(throws: BoundaryError(["race: no group “other”; the groups are asian, black, white"])) { try BoundaryProblem(two, dimension: "race:other") }
    }

    @Test func everyProblemIsNamed() throws {
        let bad = BoundaryInstance(
            schools: [.init(id: "A", capacity: -1), .init(id: "A")],
            units: [
                .init(id: "x", school: "Z", students: .groups(["w": 1])),
                .init(id: "y", school: "A", students: .groups(["w": -2]), neighbors: ["y", "q"], travel: ["B": 1, "A": .nan]),
                .init(id: "y", school: "A", students: .groups(["w": 1])),
            ])
        #expect(bad.problems() == [
            "schools[0] A: capacity -1 is negative",
            "schools[1] A: another school has this id",
            "units[2] y: another unit has this id",
            "units[0] x: school “Z” is not one of the schools",
            "units[1] y: w has -2 students",
            "units[1] y: lists itself as a neighbor",
            "units[1] y: neighbor “q” is not a unit",
            "units[1] y: travel to A is nan; give a time or distance of 0 or more",
            "units[1] y: travel names “B”, which is not one of the schools",
            "units[2] y: no travel to its school A, and no locations to measure it",
        ])
        #expect(throws: BoundaryError.self) { try BoundaryProblem(bad, dimension: "race") }
    }

    /// Home units, islands and limits on the line: S1 stands in u1 (nearest its location),
    /// S2 in u4; sizes 20 each, so +15 % allows 23 and capacity 21 caps S2 at 21.
    @Test func limitsAndHomesFollowTheContract() throws {
        var line = Instances.line()
        line.schools[1].capacity = 21
        let p = try BoundaryProblem(line, dimension: "race", limits: .init(maxTravelIncrease: 0.5, maxSizeIncrease: 0.15, maxSizeDecrease: 0.5))
        #expect(p.home == [0, 3] && p.exempt == [false, false, false, false])
        #expect(p.maxSize == [23, 21] && p.minSize == [10, 10])
        // u2 is 1 km from S1 and 2 km from S2: 2 > 1.5 × 1, so u2 may not move; u3 is 2 from S1, 1 from S2: neither.
        #expect(p.choices == [[0], [0], [1], [1]])
        let loose = try BoundaryProblem(line, dimension: "race", limits: .init(maxTravelIncrease: 1))
        #expect(loose.choices == [[0], [0, 1], [1, 0], [1]])
        // A unit cut off from its school's zone today is an island, exempt while it stays.
        var island = Instances.line()
        island.units[1].school = "S2"
        island.units[2].school = "S1"
        let q = try BoundaryProblem(island, dimension: "race")
        #expect(q.exempt == [false, true, true, false])
        #expect(q.violations(of: q.original).isEmpty)
        #expect(q.violations(of: [0, 0, 0, 1]) == ["S1: 30 students, above its limit of 23"])
    }
}
