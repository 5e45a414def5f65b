import Foundation
import MosaicMetrics
import MosaicTestSupport
import Testing

/// Indices on tables small enough to compute by hand.
@Suite struct HandComputedTests {
    /// Two units of 10: 8 x + 2 y and 2 x + 8 y. P = 0.5, I = 0.5.
    let mixed = matrix([[8, 2], [2, 8]])

    @Test func dissimilarityIsZeroWhenUnitsMirrorTheWhole() {
        #expect(dissimilarity(of: matrix([[5, 5], [10, 10], [1, 1]])) == 0)
        #expect(dissimilarity(of: matrix([[2, 4, 6], [1, 2, 3]])).isClose(to: 0, within: 1e-15))
    }

    @Test func dissimilarityIsOneUnderCompleteSeparation() {
        #expect(dissimilarity(of: matrix([[10, 0], [0, 30]])) == 1)
        #expect(dissimilarity(of: matrix([[7, 0, 0], [0, 3, 0], [0, 0, 12], [4, 0, 0]])).isClose(to: 1, within: 1e-15))
        #expect(gini(of: matrix([[10, 0], [0, 30]])).isClose(to: 1, within: 1e-15))
        #expect(informationTheoryIndex(of: matrix([[7, 0, 0], [0, 3, 0], [0, 0, 12]])).isClose(to: 1, within: 1e-15))
    }

    @Test func dissimilarityOfTheMixedTable() {
        // D = Σ t_i |p_i − P| / (2 T P (1 − P)) = (10·0.3 + 10·0.3) / (2·20·0.25) = 0.6
        #expect(dissimilarity(of: mixed).isClose(to: 0.6, within: 1e-15))
    }

    @Test func giniOfTheMixedTable() {
        // Each group: Σ_i Σ_j t_i t_j |p_i − p_j| = 2 · 10 · 10 · 0.6 = 120; two groups: 240.
        // G = 240 / (2 · 20² · 0.5) = 0.6
        #expect(gini(of: mixed).isClose(to: 0.6, within: 1e-15))
    }

    @Test func mutualInformationAndTheilHOfTheMixedTable() {
        let M = 2 * (0.4 * log(0.8 / 0.5) + 0.1 * log(0.2 / 0.5))
        #expect(mutualInformation(of: mixed).isClose(to: M, within: 1e-15))
        #expect(informationTheoryIndex(of: mixed).isClose(to: M / log(2), within: 1e-15))
        #expect(entropy(of: mixed).isClose(to: log(2), within: 1e-15))
    }

    @Test func exposureFamilyOfTheMixedTable() {
        // Isolation of x: (8/10)(0.8) + (2/10)(0.2) = 0.68; V = (0.68 − 0.5) / 0.5 = 0.36.
        #expect(isolation(of: 0, in: mixed).isClose(to: 0.68, within: 1e-15))
        #expect(correlationRatio(of: 0, in: mixed).isClose(to: 0.36, within: 1e-15))
        #expect(exposure(of: 0, to: 1, in: mixed).isClose(to: 0.32, within: 1e-15))
        // S_k = Σ t_i (p_ik − P_k)² = 1.8 per group.
        // P = Σ S_k / ((1 − P_k) T) = 0.36; R = Σ S_k / (T I) = 0.36; C = Σ S_k / (T (K−1) P_k) = 0.36.
        #expect(normalizedExposure(of: mixed).isClose(to: 0.36, within: 1e-15))
        #expect(relativeDiversity(of: mixed).isClose(to: 0.36, within: 1e-15))
        #expect(squaredCoefficientOfVariation(of: mixed).isClose(to: 0.36, within: 1e-15))
    }

    @Test func atkinsonAndHutchensOfTheMixedTable() {
        // A(0.5) = 1 − 1 · (Σ sqrt(p_i (1 − p_i)) t_i / (P T))² = 1 − (2 · 0.4 · 10 / 10)² = 0.36
        #expect(atkinson(of: mixed, shape: 0.5).isClose(to: 0.36, within: 1e-15))
        // Hutchens: 1 − (sqrt(0.8 · 0.2) + sqrt(0.2 · 0.8)) = 0.2
        #expect(hutchensSquareRoot(of: mixed).isClose(to: 0.2, within: 1e-15))
        #expect(hutchensSquareRoot(of: matrix([[3, 6], [1, 2]])).isClose(to: 0, within: 1e-15))
        #expect(hutchensSquareRoot(of: matrix([[3, 0], [0, 2]])) == 1)
    }

    @Test func simpsonAndEntropyOfCompositions() {
        #expect(simpsonConcentration(of: [0.5, 0.5]) == 0.5)
        #expect(simpsonInteraction(of: [0.2, 0.3, 0.5]).isClose(to: 1 - 0.04 - 0.09 - 0.25, within: 1e-15))
        #expect(entropy(of: [1, 0, 0]) == 0)
        #expect(normalizedEntropy(of: [0.25, 0.25, 0.25, 0.25], groupCount: 4).isClose(to: 1, within: 1e-15))
        #expect(dissimilarity(of: [0.2, 0.8], against: [0.5, 0.5]).isClose(to: 0.3, within: 1e-15))
    }

    @Test func unitMeasuresOfTheMixedTable() {
        let u = unitMeasures(of: mixed)
        #expect(u[0].simpsonDiversity.isClose(to: 1 - 0.64 - 0.04, within: 1e-15))
        #expect(u[0].entropy.isClose(to: -(0.8 * log(0.8) + 0.2 * log(0.2)), within: 1e-15))
        #expect(u[0].entropyNormalized.isClose(to: u[0].entropy / log(2), within: 1e-15))
        #expect(u[0].localSegregation.isClose(to: 0.8 * log(1.6) + 0.2 * log(0.4), within: 1e-15))
        let lq = locationQuotients(of: mixed)
        #expect(lq[0].isClose(to: 1.6, within: 1e-15))
        #expect(lq[1].isClose(to: 0.4, within: 1e-15))
        #expect(lq[2].isClose(to: 0.4, within: 1e-15))
    }

    @Test func nestedDecompositionOfATwoSchoolDistrict() {
        // School A: classrooms [8,2] and [2,8] (composition 0.5/0.5); school B: [5,5] twice.
        let m = matrix([[8, 2], [2, 8], [5, 5], [5, 5]])
        let d = nestedDecomposition(of: m, nesting: NestedUnits(labels: ["A", "A", "B", "B"]))
        // Both schools mirror the district: nothing between; A's classrooms carry it all.
        #expect(d.mBetween.isClose(to: 0, within: 1e-15))
        let MA = 2 * (0.4 * log(1.6) + 0.1 * log(0.4))
        #expect(d.outer[0].M.isClose(to: MA, within: 1e-15))
        #expect(d.outer[1].M == 0)
        #expect(d.mWithin.isClose(to: 0.5 * MA, within: 1e-15))
        #expect(d.outer.map(\.id) == ["A", "B"])
        #expect(d.outer[0].D.isClose(to: 0.6, within: 1e-15))
    }

    @Test func aSchoolWithOneGroupHasNoSegregationOfItsOwn() {
        let m = matrix([[5, 0], [7, 0], [0, 3], [1, 2]])
        let d = nestedDecomposition(of: m, nesting: NestedUnits(labels: ["A", "A", "B", "B"]))
        #expect(d.outer[0].M == 0)
        #expect(d.outer[0].H == 0)
        #expect(d.outer[0].D == 0)
        #expect(d.outer[0].entropy == 0)
        #expect(d.outer.allSatisfy { $0.H.isFinite && $0.D.isFinite })
    }
}
