import Foundation
import MosaicMetrics
import MosaicTestSupport
import Testing

@Suite struct ProfileTests {
    @Test func dropsAbsentGroupsAndReportsThem() throws {
        let m = try CountMatrix(units: ["a", "b"], groups: ["x", "ghost", "y"], rows: [[8, 0, 2], [2, 0, 8]])
        let p = try segregationProfile(of: m)
        #expect(p.droppedGroups == ["ghost"])
        #expect(p.groups == ["x", "y"])
        #expect(p.indices.D.isClose(to: 0.6, within: 1e-15))
        // Normalised entropy divides by ln K with K = the groups named, absent ones included.
        #expect(p.units[0].measures.entropyNormalized.isClose(to: p.units[0].measures.entropy / log(3.0), within: 1e-15))
        #expect(p.indices.E_normalized.isClose(to: p.indices.E / log(3.0), within: 1e-15))
        #expect(p.twoGroup != nil)
        #expect(p.pairwiseD.count == 1)
    }

    @Test func needsTwoGroupsWithStudents() throws {
        let m = try CountMatrix(units: ["a", "b"], groups: ["x", "y"], rows: [[8, 0], [2, 0]])
        #expect(throws: CountMatrixError.tooFewGroups(present: ["x"])) { try segregationProfile(of: m) }
    }

    @Test func comparesUnitsWithTheReferenceAndTheirOuterUnit() throws {
        let m = try CountMatrix(units: ["a", "b", "c"], groups: ["x", "y"], rows: [[8, 2], [2, 8], [5, 5]])
        let p = try segregationProfile(of: m, options: .init(outerLabels: ["A", "A", "B"], referenceCounts: [1, 3]))
        #expect(p.units[0].dissimilarityVsReference.isClose(to: 0.55, within: 1e-15))
        #expect(p.units[0].dissimilarityVsOuter!.isClose(to: 0.3, within: 1e-15))
        #expect(p.units[2].dissimilarityVsOuter == 0)
        #expect(p.within?.outer.map(\.id) == ["A", "B"])
        #expect(throws: CountMatrixError.self) {
            try segregationProfile(of: m, options: .init(referenceCounts: [0, 0]))
        }
    }

    @Test func baselineAndBootstrapEachKeepTheirNumbersWhenTheOtherIsAdded() throws {
        let m = matrix([[20, 3, 2], [4, 18, 3], [10, 10, 5], [12, 6, 7]])
        let both = try segregationProfile(of: m, options: .init(baselineDraws: 50, bootstrapDraws: 50, seed: 4))
        let baselineOnly = try segregationProfile(of: m, options: .init(baselineDraws: 50, seed: 4))
        let bootstrapOnly = try segregationProfile(of: m, options: .init(bootstrapDraws: 50, seed: 4))
        #expect(both.baseline == baselineOnly.baseline)
        #expect(both.bootstrap == bootstrapOnly.bootstrap)
    }
}

@Suite struct CountMatrixErrorTests {
    @Test func anEmptyUnitIsNamed() {
        #expect(throws: CountMatrixError.emptyUnit("b")) {
            try CountMatrix(units: ["a", "b"], groups: ["x", "y"], rows: [[1, 2], [0, 0]])
        }
        #expect(CountMatrixError.emptyUnit("b").description.contains("unit \"b\" has no students"))
    }

    @Test func aNegativeCountIsNamed() {
        #expect(throws: CountMatrixError.negativeCount(unit: "a", group: "y", value: -2)) {
            try CountMatrix(units: ["a"], groups: ["x", "y"], rows: [[1, -2]])
        }
    }

    @Test func moreStudentsThanAnySchoolSystemIsRefusedNotOverflowed() {
        #expect(throws: CountMatrixError.tooManyStudents(unit: "b")) {
            try CountMatrix(units: ["a", "b"], groups: ["x", "y"], rows: [[CountMatrix.maximumStudents - 5, 1], [3, 2]])
        }
        #expect(throws: CountMatrixError.tooManyStudents(unit: "a")) {
            try CountMatrix(units: ["a"], groups: ["x", "y"], rows: [[Int.max, Int.max]])
        }
    }

    @Test func raggedAndEmptyTablesAreRefused() {
        #expect(throws: CountMatrixError.self) { try CountMatrix(units: ["a"], groups: ["x", "y"], rows: [[1]]) }
        #expect(throws: CountMatrixError.noUnits) { try CountMatrix(units: [], groups: ["x"], rows: []) }
        #expect(throws: CountMatrixError.noGroups) { try CountMatrix(units: ["a"], groups: [], rows: [[]]) }
        #expect(throws: CountMatrixError.duplicateGroup("x")) { try CountMatrix(units: ["a"], groups: ["x", "x"], rows: [[1, 1]]) }
    }
}
