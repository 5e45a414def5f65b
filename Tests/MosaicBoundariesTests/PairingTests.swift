import MosaicBoundaries
import MosaicMetrics
import Testing

@Suite struct PairingTests {
    /// Three schools on a line, one unit each at the school: A (x = 0) 20 White, B (x = 1)
    /// 20 Black, C (x = 10) 10 and 10. Only A and B are within 2 of each other.
    static func three(a: Int = 20, b: Int = 20) -> BoundaryInstance {
        BoundaryInstance(
            schools: [.init(id: "A", location: .init(x: 0, y: 0)), .init(id: "B", location: .init(x: 1, y: 0)), .init(id: "C", location: .init(x: 10, y: 0))],
            units: [
                .init(id: "a", school: "A", students: .groups(["white": a, "black": 0]), location: .init(x: 0, y: 0)),
                .init(id: "b", school: "B", students: .groups(["white": 0, "black": b]), location: .init(x: 1, y: 0)),
                .init(id: "c", school: "C", students: .groups(["white": 10, "black": 10]), location: .init(x: 10, y: 0)),
            ])
    }

    /// A and B pair K–2 / 3–5: each enrols 10 White and 10 Black, as does C, so D falls
    /// from ½ (20/30 + 20/30) = 2/3 to 0. Half of each zone's children change school and
    /// travel 1 instead of 0: mean travel (20 · ½ + 20 · ½) / 60 = 1/3.
    @Test func aPairMirrorsTheDistrict() throws {
        let p = try BoundaryProblem(Self.three(), dimension: "race")
        let pairing = Pairing(p, options: .init(maxDrive: 2))
        let (groups, proven) = pairing.choose()
        #expect(proven && groups.count == 1)
        #expect(groups[0].schools == [0, 1] && groups[0].labels == ["K–2", "3–5"] && abs(groups[0].gain - 2.0 / 3) < 1e-12)
        let plan = PairingPlan(pairing, groups: groups, proven: proven, transportBeyond: 0.8)
        #expect(abs(plan.before.D - 2.0 / 3) < 1e-12 && plan.after.D < 1e-12 && plan.after.H < 1e-12)
        #expect(plan.studentsMoved == 20 && plan.movedByGroup == [10, 10] && plan.unitsMoved == 2)
        #expect(plan.travel.meanBefore == 0 && abs(plan.travel.meanAfter - 1.0 / 3) < 1e-12)
        #expect(plan.transport?.before == 0 && plan.transport?.after == 20 && plan.transport?.newlyBeyond == 20)
        #expect(plan.schools.map(\.studentsAfter) == [20, 20, 20] && plan.schools.map(\.grades) == ["K–2", "3–5", nil])
        #expect(plan.feasible)
        // Farther than the drive limit, nothing is paired.
        #expect(Pairing(p, options: .init(maxDrive: 0.5)).choose().groups.isEmpty)
    }

    /// A with 30 children and B with 10: together 40; within +15 % A may take 34 and B 11,
    /// so A teaches K–4 (5/6 · 40 ≈ 33.3) and B grade 5 (6.7). With no growth allowed no
    /// split fits (A ≤ 30 needs at most 4 grades, B ≤ 10 at most 1).
    @Test func theSplitKeepsSchoolsWithinTheirLimits() throws {
        let p = try BoundaryProblem(Self.three(a: 30, b: 10), dimension: "race", limits: .init(maxSizeIncrease: 0.15))
        let groups = Pairing(p, options: .init(maxDrive: 2)).choose().groups
        #expect(groups.map(\.labels) == [["K–4", "5"]] && groups.map(\.schools) == [[0, 1]])
        let tight = try BoundaryProblem(Self.three(a: 30, b: 10), dimension: "race", limits: .init(maxSizeIncrease: 0))
        #expect(Pairing(tight, options: .init(maxDrive: 2)).candidates().isEmpty)
    }

    /// On a generated city the chosen pairs and triples are the best disjoint set: checked
    /// against every set of disjoint candidates, and with a cap on the number of groups.
    @Test func theChosenGroupsAreTheBestSet() throws {
        let p = try BoundaryProblem(Instances.city(schools: 9, blocks: 10, seed: 6), dimension: "race", limits: .init(maxSizeIncrease: 0.3))
        for sizes in [Set([2]), Set([2, 3])] {
            for cap in [nil, 2] as [Int?] {
                let pairing = Pairing(p, options: .init(sizes: sizes, maxDrive: 3, maxGroups: cap))
                let candidates = pairing.candidates()
                #expect(candidates.count >= 4, "too few candidates to test")
                var best = 0.0
                func visit(_ i: Int, _ used: Set<Int>, _ count: Int, _ gain: Double) {
                    best = max(best, gain)
                    guard i < candidates.count, count < (cap ?? .max) else { return }
                    visit(i + 1, used, count, gain)
                    let g = candidates[i]
                    if used.isDisjoint(with: g.schools) { visit(i + 1, used.union(g.schools), count + 1, gain + g.gain) }
                }
                visit(0, [], 0, 0)
                let (groups, proven) = pairing.choose()
                #expect(proven)
                #expect(abs(groups.reduce(0) { $0 + $1.gain } - best) < 1e-12, "\(sizes) cap \(String(describing: cap))")
                #expect(groups.count <= (cap ?? .max))
                #expect(Set(groups.flatMap(\.schools)).count == groups.reduce(0) { $0 + $1.schools.count })
                // The plan's D falls by exactly the groups' gain (D is a sum over schools).
                let plan = PairingPlan(pairing, groups: groups, proven: proven)
                #expect(abs(plan.before.D - plan.after.D - best) < 1e-9)
                if sizes.contains(3) { #expect(candidates.contains { $0.schools.count == 3 && $0.spans.reduce(0, +) == 6 }) }
            }
        }
    }
}
