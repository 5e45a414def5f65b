import Foundation
import MosaicMetrics
import Testing

/// One permutation per draw for several dimensions: each dimension's baseline is the
/// single-dimension baseline's.
@Suite struct JointAssignmentBaselineTests {
    /// A random school: `units` classes, seats with a group in each of three dimensions
    /// (the last with unknowns), strata of two to four classes.
    func school(seed: UInt64, units: Int = 12) -> (SeatTable, [[Int]]) {
        var rng = SeededGenerator(seed: seed)
        var unit: [Int32] = [], codes: [[UInt8]] = [[], [], []]
        let groups = [3, 2, 4]
        for u in 0..<units {
            let size = Int.random(in: 8...30, using: &rng)
            // Sorted a little: class u leans to group u % G.
            for _ in 0..<size {
                unit.append(Int32(u))
                for d in 0..<3 {
                    let lean = Double.random(in: 0...1, using: &rng) < 0.3
                    var g = lean ? u % groups[d] : Int.random(in: 0..<groups[d], using: &rng)
                    if d == 2 && Double.random(in: 0...1, using: &rng) < 0.1 { g = groups[d] }
                    codes[d].append(UInt8(g))
                }
            }
        }
        let stratum = (0..<units).map { Int32($0 / 3) }
        // Each dimension's classes × groups (known seats only).
        let matrices = (0..<3).map { d -> [Int] in
            var m = [Int](repeating: 0, count: units * groups[d])
            for (s, u) in unit.enumerated() where Int(codes[d][s]) < groups[d] { m[Int(u) * groups[d] + Int(codes[d][s])] += 1 }
            return m
        }
        return (SeatTable(unit: unit, stratum: stratum, codes: codes, groups: groups), matrices)
    }

    func matrix(_ flat: [Int], groups: Int) throws -> CountMatrix {
        let rows = stride(from: 0, to: flat.count, by: groups).map { Array(flat[$0..<($0 + groups)]) }.filter { $0.contains { $0 > 0 } }
        return try CountMatrix(units: rows.indices.map { "u\($0)" }, groups: (0..<groups).map { "g\($0)" }, rows: rows)
    }

    @Test func theObservedValuesAreTheIndices() throws {
        let (t, matrices) = school(seed: 3)
        var rng = SeededGenerator(seed: 1)
        let b = jointRandomAssignmentBaseline(of: t, draws: 10, using: &rng)
        for d in 0..<3 {
            let m = try matrix(matrices[d], groups: t.groups[d])
            #expect(abs(b.dimensions[d].M.observed - mutualInformation(of: m)) < 1e-12)
            #expect(abs(b.dimensions[d].H.observed - informationTheoryIndex(of: m)) < 1e-12)
        }
    }

    /// Without unknowns, a dimension's expected M is the single-dimension baseline's, within
    /// Monte Carlo error (both 4,000 draws; 4 standard errors of the difference).
    @Test func eachDimensionIsTheSingleBaseline() throws {
        let (t, matrices) = school(seed: 8)
        var a = SeededGenerator(seed: 5), b = SeededGenerator(seed: 6)
        let allOne = SeatTable(unit: t.unit, stratum: t.unit.map { _ in 0 }, codes: Array(t.codes.prefix(2)), groups: Array(t.groups.prefix(2)))
        // One stratum: the school-wide baseline.
        let joint = jointRandomAssignmentBaseline(of: SeatTable(unit: allOne.unit, stratum: [Int32](repeating: 0, count: 12), codes: allOne.codes, groups: allOne.groups),
                                                  draws: 4_000, using: &a)
        for d in 0..<2 {
            let m = try matrix(matrices[d], groups: t.groups[d])
            let single = randomAssignmentBaseline(of: m, draws: 4_000, using: &b)
            // The spread of M under the null is about its mean for small tables (χ²-like).
            let se = single.M.expected * sqrt(2.0 / Double(((t.groups[d] - 1) * 11))) / sqrt(4_000) * sqrt(2)
            #expect(abs(joint.dimensions[d].M.expected - single.M.expected) < 4 * se + 1e-9,
                    "dimension \(d): \(joint.dimensions[d].M.expected) against \(single.M.expected)")
        }
    }

    /// Dealt within strata, M of the strata never changes: every draw's M is at least it,
    /// and identical units within each stratum are never beaten (p = 1).
    @Test func strataAreKept() throws {
        var unit: [Int32] = [], codes: [UInt8] = []
        // Two strata of three identical classes: (8, 2) each, then (2, 8) each.
        for u in 0..<6 {
            let (a, b) = u < 3 ? (8, 2) : (2, 8)
            for _ in 0..<a { unit.append(Int32(u)); codes.append(0) }
            for _ in 0..<b { unit.append(Int32(u)); codes.append(1) }
        }
        let t = SeatTable(unit: unit, stratum: [0, 0, 0, 1, 1, 1], codes: [codes], groups: [2])
        var rng = SeededGenerator(seed: 2)
        let b = jointRandomAssignmentBaseline(of: t, draws: 300, using: &rng)
        let strata = 0.8 * log(0.8 / 0.5) + 0.2 * log(0.2 / 0.5)
        #expect(abs(b.dimensions[0].M.observed - strata) < 1e-12)
        #expect(b.dimensions[0].M.pValue == 1 && b.dimensions[0].M.expected >= strata - 1e-12)
        // The same seats dealt across the whole school: the observed M is now far beyond chance.
        let wide = SeatTable(unit: unit, stratum: [0, 0, 0, 0, 0, 0], codes: [codes], groups: [2])
        let c = jointRandomAssignmentBaseline(of: wide, draws: 300, using: &rng)
        #expect(c.dimensions[0].M.pValue < 0.01)
    }

    @Test func theSameSeedGivesTheSameDraws() {
        let (t, _) = school(seed: 4)
        var a = SeededGenerator(seed: 9), b = SeededGenerator(seed: 9)
        #expect(jointRandomAssignmentBaseline(of: t, draws: 50, using: &a) == jointRandomAssignmentBaseline(of: t, draws: 50, using: &b))
    }
}
