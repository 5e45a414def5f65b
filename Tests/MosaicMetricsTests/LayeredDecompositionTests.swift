import Foundation
import MosaicMetrics
import Testing

/// The chain rule over nested layers, by hand and against the two-level split.
@Suite struct LayeredDecompositionTests {
    /// Four sections of two groups in two courses of one level. Sorted within courses, alike
    /// between them: all of M is the section layer, ½ ln 2. Sorted between courses, mixed
    /// within: all of it (ln 2) is the course layer.
    @Test func byHand() throws {
        let sortedSections = try CountMatrix(units: ["A", "B", "C", "D"], groups: ["x", "y"], rows: [[10, 0], [0, 10], [5, 5], [5, 5]])
        let layers = [["general", "general", "general", "general"], ["X", "X", "Y", "Y"]]
        let a = layeredDecomposition(of: sortedSections, layers: layers)
        #expect(a.terms.count == 3)
        #expect(abs(a.terms[0]) < 1e-15 && abs(a.terms[1]) < 1e-15)
        #expect(abs(a.terms[2] - 0.5 * log(2)) < 1e-12 && abs(a.total - 0.5 * log(2)) < 1e-12)
        // Course X's sections are the sorted ones: all of the section layer is X's.
        #expect(abs(a.finestParts[0] - 0.5 * log(2)) < 1e-12 && a.finestParts[1] < 1e-15)

        let sortedCourses = try CountMatrix(units: ["A", "B", "C", "D"], groups: ["x", "y"], rows: [[10, 0], [10, 0], [0, 10], [0, 10]])
        let b = layeredDecomposition(of: sortedCourses, layers: layers)
        #expect(abs(b.terms[1] - log(2)) < 1e-12 && abs(b.terms[2]) < 1e-15 && abs(b.terms[0]) < 1e-15)

        // Three groups, a programme layer: ESL sections all English learners. M(programme) by
        // hand: programme "esl" (0, 0, 10), "general" (20, 20, 0); P = (2/5, 2/5, 1/5).
        let withESL = try CountMatrix(units: ["E", "G1", "G2"], groups: ["a", "b", "el"], rows: [[0, 0, 10], [10, 10, 0], [10, 10, 0]])
        let c = layeredDecomposition(of: withESL, layers: [["esl", "general", "general"]])
        let programme = (10.0 / 50) * log(1 / 0.2) + (40.0 / 50) * (0.5 * log(0.5 / 0.4) * 2)
        #expect(abs(c.terms[0] - programme) < 1e-12 && abs(c.terms[1]) < 1e-15)
    }

    /// Random tables and three random nested layers: the terms are ≥ 0 and add up to M;
    /// with one layer they are the two-level split's M_between and M_within.
    @Test func termsAddUpAndMatchTheTwoLevelSplit() throws {
        var rng = SeededGenerator(seed: 12)
        for _ in 0..<200 {
            let units = Int.random(in: 2...30, using: &rng), groups = Int.random(in: 2...5, using: &rng)
            let rows = (0..<units).map { _ in
                var row = (0..<groups).map { _ in Int.random(in: 0...20, using: &rng) }
                if row.allSatisfy({ $0 == 0 }) { row[0] = 1 }
                return row
            }
            let m = try CountMatrix(units: (0..<units).map { "u\($0)" }, groups: (0..<groups).map { "g\($0)" }, rows: rows)
            let layers = [2, 3, 5].map { k in (0..<units).map { _ in "p\(Int.random(in: 0..<k, using: &rng))" } }
            let d = layeredDecomposition(of: m, layers: layers)
            #expect(d.terms.count == 4 && d.terms.allSatisfy { $0 >= 0 })
            #expect(abs(d.terms.reduce(0, +) - mutualInformation(of: m)) < 1e-12)
            // The finest layer's parts split the last term, each ≥ 0.
            #expect(d.finestParts.allSatisfy { $0 >= 0 } && abs(d.finestParts.reduce(0, +) - d.terms[3]) < 1e-12)
            let two = layeredDecomposition(of: m, layers: [layers[0]])
            let split = nestedDecomposition(of: m, nesting: NestedUnits(labels: layers[0]))
            #expect(abs(two.terms[0] - split.mBetween) < 1e-12 && abs(two.terms[1] - split.mWithin) < 1e-12)
        }
    }
}
