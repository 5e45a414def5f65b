import Foundation
import MosaicMetrics
import Testing

/// The Shapley decomposition of a change in M (Elbers 2021), by hand and by its properties.
@Suite struct DifferenceDecompositionTests {
    func table(_ rows: [[Int]], units: [String] = ["a", "b"], groups: [String] = ["x", "y"]) throws -> CountMatrix {
        try CountMatrix(units: units, groups: groups, rows: rows)
    }

    /// Same margins (every school half and half), sharper sorting: all of the change is
    /// structural. M by hand: 0.6 ln 1.2 + 0.4 ln 0.8 → 0.8 ln 1.6 + 0.2 ln 0.4.
    @Test func sameMarginsIsAllSorting() throws {
        let d = differenceDecomposition(from: try table([[30, 20], [20, 30]]), to: try table([[40, 10], [10, 40]]))
        let m1 = 0.6 * log(1.2) + 0.4 * log(0.8), m2 = 0.8 * log(1.6) + 0.2 * log(0.4)
        #expect(abs(d.M1 - m1) < 1e-12 && abs(d.M2 - m2) < 1e-12)
        #expect(abs(d.structural - (m2 - m1)) < 1e-9 && abs(d.groupMarginal) < 1e-9 && abs(d.unitMarginal) < 1e-9)
        #expect(d.additions == 0 && d.removals == 0)
    }

    /// The same association (odds ratio 16) under new margins: no sorting changed; the change
    /// is composition alone.
    @Test func sameStructureIsAllComposition() throws {
        let d = differenceDecomposition(from: try table([[40, 10], [10, 40]]), to: try table([[80, 10], [20, 40]]))
        #expect(abs(d.structural) < 1e-9)
        #expect(abs(d.composition - d.difference) < 1e-9 && abs(d.difference) > 0.01)
    }

    /// Random pairs of tables, some units only in one: the parts add up to M₂ − M₁, and
    /// swapping the tables swaps the signs.
    @Test func partsAddUpAndAreSymmetric() throws {
        var rng = SeededGenerator(seed: 4)
        for _ in 0..<40 {
            let groups = ["x", "y", "z"]
            func random(_ units: [String]) throws -> CountMatrix {
                try CountMatrix(units: units, groups: groups, rows: units.map { _ in groups.map { _ in Int.random(in: 1...60, using: &rng) } })
            }
            let one = try random(["a", "b", "c", "d"]), two = try random(["b", "c", "d", "e", "f"])
            let d = differenceDecomposition(from: one, to: two)
            let sum = d.additions + d.removals + d.groupMarginal + d.unitMarginal + d.structural
            #expect(abs(sum - d.difference) < 1e-9)
            let back = differenceDecomposition(from: two, to: one)
            #expect(abs(back.structural + d.structural) < 1e-9 && abs(back.groupMarginal + d.groupMarginal) < 1e-9)
            #expect(abs(back.unitMarginal + d.unitMarginal) < 1e-9)
            #expect(abs(back.additions + d.removals) < 1e-12)
        }
    }

    /// A school that opens: its part is an addition, M₂ − M₂ over the schools both years have.
    @Test func anOpenedSchoolIsAnAddition() throws {
        let one = try table([[30, 20], [20, 30]])
        let two = try table([[30, 20], [20, 30], [50, 0]], units: ["a", "b", "c"])
        let d = differenceDecomposition(from: one, to: two)
        #expect(abs(d.additions - (mutualInformation(of: two) - mutualInformation(of: one))) < 1e-12)
        #expect(abs(d.structural) < 1e-12 && abs(d.composition) < 1e-12)
    }
}
