import Foundation
import MosaicMetrics
import MosaicTestSupport
import Testing

/// Identities every index must satisfy, on many random tables (a repeatable generator
/// per seed, as in swift-collections' `withEvery("seed", in:)`).
@Suite struct IdentityTests {
    static let seeds: [UInt64] = Array(0..<150)

    @Test(arguments: seeds) func indicesStayInTheirRange(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let m = randomMatrix(units: 2 + rng.below(30), groups: 2 + rng.below(5), maxSize: 40, using: &rng)
        for (name, value) in [("D", dissimilarity(of: m)), ("Gini", gini(of: m)), ("H", informationTheoryIndex(of: m)),
                              ("P", normalizedExposure(of: m)), ("R", relativeDiversity(of: m)),
                              ("C", squaredCoefficientOfVariation(of: m))] {
            #expect(value >= -1e-12 && value <= 1 + 1e-12, "\(name) = \(value) for seed \(seed)")
        }
        let M = mutualInformation(of: m)
        #expect(M >= -1e-12)
        #expect(M <= entropy(of: m) + 1e-12)
    }

    @Test(arguments: seeds) func betweenPlusWithinIsTotal(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let m = randomMatrix(units: 4 + rng.below(40), groups: 2 + rng.below(4), maxSize: 30, using: &rng)
        let outerCount = 1 + rng.below(6)
        let labels = (0..<m.unitCount).map { _ in "s\(rng.below(outerCount))" }
        let d = nestedDecomposition(of: m, nesting: NestedUnits(labels: labels))
        #expect((d.mBetween + d.mWithin).isClose(to: d.mTotal, within: 1e-12))
        #expect((d.hBetween + d.hWithin).isClose(to: d.hTotal, within: 1e-12))
        #expect(d.mTotal.isClose(to: mutualInformation(of: m), within: 1e-15))
        #expect(d.hTotal.isClose(to: informationTheoryIndex(of: m), within: 1e-15))
        // H_within = Σ_s (T_s E_s / (T E)) H_s, as the contract defines it.
        let E = entropy(of: m)
        let weighted = d.outer.reduce(0.0) { $0 + Double($1.students) * $1.entropy / (Double(m.total) * E) * $1.H }
        #expect(weighted.isClose(to: d.hWithin, within: 1e-12))
        // The outer units' local scores average to M_between.
        let local = d.outer.reduce(0.0) { $0 + Double($1.students) / Double(m.total) * $1.localSegregation }
        #expect(local.isClose(to: d.mBetween, within: 1e-12))
        #expect(d.outer.allSatisfy { $0.H >= -1e-12 && $0.H <= 1 + 1e-12 })
    }

    @Test(arguments: seeds) func localScoresAverageToM(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let m = randomMatrix(units: 2 + rng.below(50), groups: 2 + rng.below(5), maxSize: 25, using: &rng)
        let ls = unitMeasures(of: m).map(\.localSegregation)
        let weighted = zip(ls, m.unitTotals).reduce(0.0) { $0 + $1.0 * Double($1.1) / Double(m.total) }
        #expect(weighted.isClose(to: mutualInformation(of: m), within: 1e-12))
    }

    @Test(arguments: seeds) func twoGroupDIsSymmetric(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let m = randomMatrix(units: 2 + rng.below(30), groups: 2, maxSize: 30, using: &rng)
        let swapped = m.selecting(groupIndices: [1, 0])
        #expect(dissimilarity(of: m).isClose(to: dissimilarity(of: swapped), within: 1e-14))
        #expect(gini(of: m).isClose(to: gini(of: swapped), within: 1e-14))
        #expect(informationTheoryIndex(of: m).isClose(to: informationTheoryIndex(of: swapped), within: 1e-14))
        #expect(hutchensSquareRoot(of: m).isClose(to: hutchensSquareRoot(of: swapped), within: 1e-14))
        // With two groups P, R, C and both groups' V are the same number (η²).
        let V = correlationRatio(of: 0, in: m)
        #expect(correlationRatio(of: 1, in: m).isClose(to: V, within: 1e-12))
        #expect(normalizedExposure(of: m).isClose(to: V, within: 1e-12))
        #expect(relativeDiversity(of: m).isClose(to: V, within: 1e-12))
        #expect(squaredCoefficientOfVariation(of: m).isClose(to: V, within: 1e-12))
        // Multigroup D with K = 2 is the classic two-group D.
        let T = Double(m.total), P = Double(m.groupTotals[0]) / T
        var classic = 0.0
        for i in 0..<m.unitCount {
            let t = Double(m.unitTotals[i])
            classic += t * abs(Double(m[unit: i, group: 0]) / t - P)
        }
        classic /= 2 * T * P * (1 - P)
        #expect(dissimilarity(of: m).isClose(to: classic, within: 1e-12))
    }

    @Test(arguments: seeds) func splittingAUnitIntoIdenticalHalvesChangesNothing(seed: UInt64) {
        // Weighted = expanded rows: a unit [2a, 2b] and two units [a, b] are the same population.
        var rng = SeededGenerator(seed: seed)
        let m = randomMatrix(units: 2 + rng.below(20), groups: 2 + rng.below(4), maxSize: 20, using: &rng)
        var doubled: [[Int]] = [], halves: [[Int]] = []
        for i in 0..<m.unitCount {
            let row = Array(m.row(i))
            doubled.append(row.map { $0 * 2 })
            halves.append(row)
            halves.append(row)
        }
        let a = matrix(doubled), b = matrix(halves)
        #expect(dissimilarity(of: a).isClose(to: dissimilarity(of: b), within: 1e-12))
        #expect(gini(of: a).isClose(to: gini(of: b), within: 1e-12))
        #expect(mutualInformation(of: a).isClose(to: mutualInformation(of: b), within: 1e-12))
        #expect(relativeDiversity(of: a).isClose(to: relativeDiversity(of: b), within: 1e-12))
        #expect(dissimilarity(of: a).isClose(to: dissimilarity(of: m), within: 1e-12))
    }

    @Test(arguments: seeds) func sortedGiniEqualsThePairwiseDefinition(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let m = randomMatrix(units: 1 + rng.below(60), groups: 2 + rng.below(5), maxSize: 30, using: &rng)
        // Σ_k Σ_i Σ_j t_i t_j |p_ik − p_jk| / (2 T² I), literally.
        let K = m.groupCount, T = Double(m.total)
        let I = m.composition.reduce(0) { $0 + $1 * (1 - $1) }
        var sum = 0.0
        for k in 0..<K {
            for i in 0..<m.unitCount {
                for j in 0..<m.unitCount {
                    let ti = Double(m.unitTotals[i]), tj = Double(m.unitTotals[j])
                    sum += ti * tj * abs(Double(m[unit: i, group: k]) / ti - Double(m[unit: j, group: k]) / tj)
                }
            }
        }
        let expected = I > 0 ? sum / (2 * T * T * I) : 0
        #expect(gini(of: m).isClose(to: expected, within: 1e-12))
    }

    @Test(arguments: seeds) func rearrangedSumsEqualTheDirectDefinitions(seed: UInt64) {
        // M, unit entropy and local segregation are computed from tabulated n ln n;
        // check them against the definitions term by term.
        var rng = SeededGenerator(seed: seed)
        let m = randomMatrix(units: 1 + rng.below(40), groups: 2 + rng.below(5), maxSize: 60, using: &rng)
        let K = m.groupCount, T = Double(m.total), P = m.composition
        var M = 0.0
        let measures = unitMeasures(of: m)
        for i in 0..<m.unitCount {
            let t = Double(m.unitTotals[i])
            var e = 0.0, ls = 0.0
            for k in 0..<K where m[unit: i, group: k] > 0 {
                let x = Double(m[unit: i, group: k]), p = x / t
                M += x / T * log(p / P[k])
                e -= p * log(p)
                ls += p * log(p / P[k])
            }
            #expect(measures[i].entropy.isClose(to: e, within: 1e-12))
            #expect(measures[i].localSegregation.isClose(to: ls, within: 1e-12))
        }
        #expect(mutualInformation(of: m).isClose(to: M, within: 1e-12))
        // Pairwise D against the two-column submatrix.
        for a in 0..<K {
            for b in (a + 1)..<K {
                let sub = m.selecting(groupIndices: [a, b])
                let expected = sub.groupTotals.allSatisfy { $0 > 0 } ? dissimilarity(of: sub) : 0
                #expect(dissimilarity(of: a, and: b, in: m).isClose(to: expected, within: 1e-12))
            }
        }
    }

    @Test func absentGroupsAreIgnoredNotNaN() {
        let m = matrix([[5, 0, 3], [1, 0, 9]])
        let kept = m.droppingEmptyGroups()
        #expect(kept.dropped == ["g1"])
        #expect(kept.matrix.groups == ["g0", "g2"])
        for v in [dissimilarity(of: m), gini(of: m), informationTheoryIndex(of: m), normalizedExposure(of: m),
                  relativeDiversity(of: m), squaredCoefficientOfVariation(of: m)] {
            #expect(v.isFinite)
        }
        #expect(dissimilarity(of: m).isClose(to: dissimilarity(of: kept.matrix), within: 1e-15))
        #expect(squaredCoefficientOfVariation(of: m).isClose(to: squaredCoefficientOfVariation(of: kept.matrix), within: 1e-15))
    }
}

@Suite struct PrecisionTests {
    /// On 200,000 cells a rearranged sum of n ln n loses digits to cancellation (it was
    /// 1.3e-12 off here once); M must stay within a few ulps of the direct definition
    /// summed with compensation.
    @Test func mutualInformationIsAccurateOnALargeTable() {
        var rng = SeededGenerator(seed: 2024)
        let m = randomMatrix(units: 40_000, groups: 5, maxSize: 30, using: &rng)
        let K = m.groupCount, T = Double(m.total), P = m.composition
        var sum = 0.0, c = 0.0
        for i in 0..<m.unitCount {
            let t = Double(m.unitTotals[i])
            for k in 0..<K where m[unit: i, group: k] > 0 {
                let x = Double(m[unit: i, group: k])
                let term = x / T * log(x / t / P[k])
                let s = sum + term
                c += abs(sum) >= abs(term) ? (sum - s) + term : (term - s) + sum
                sum = s
            }
        }
        #expect(mutualInformation(of: m).isClose(to: sum + c, within: 1e-15))
        let d = nestedDecomposition(of: m, nesting: NestedUnits(labels: (0..<m.unitCount).map { "s\($0 / 20)" }))
        #expect((d.mBetween + d.mWithin).isClose(to: sum + c, within: 1e-14))
    }
}
