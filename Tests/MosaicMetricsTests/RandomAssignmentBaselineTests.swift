import Foundation
@testable import MosaicMetrics
import MosaicTestSupport
import Testing

/// The baseline against its closed form: under random assignment with fixed margins each
/// cell count X_uk is hypergeometric (population T_s, T_sk successes, t_u draws), so by
/// linearity of expectation
///     E[D] = Σ_u Σ_k E|X_uk − t_u P_k| / (2 T I)
///     E[M] = (Σ_u Σ_k E[X_uk ln X_uk] + T ln T − Σ_u t_u ln t_u − Σ_k T_k ln T_k) / T
/// exactly, with the expectations summed over the hypergeometric probabilities.
@Suite struct RandomAssignmentBaselineTests {
    /// ln C(n, k).
    func logChoose(_ n: Int, _ k: Int) -> Double {
        lgamma(Double(n + 1)) - lgamma(Double(k + 1)) - lgamma(Double(n - k + 1))
    }

    /// E[f(X)] for X ~ Hypergeometric(population, successes, draws).
    func hypergeometricMean(population N: Int, successes K: Int, draws n: Int, _ f: (Int) -> Double) -> Double {
        var sum = 0.0
        for x in max(0, n - (N - K))...min(n, K) {
            sum += exp(logChoose(K, x) + logChoose(N - K, n - x) - logChoose(N, n)) * f(x)
        }
        return sum
    }

    func exactExpectation(of m: CountMatrix, nesting: NestedUnits) -> (D: Double, M: Double) {
        let K = m.groupCount, T = Double(m.total), P = m.composition
        let I = P.reduce(0) { $0 + $1 * (1 - $1) }
        var d = 0.0, xlx = 0.0
        for s in 0..<nesting.outerCount {
            let inner = m.units(in: s, of: nesting)
            for u in 0..<inner.unitCount {
                let t = inner.unitTotals[u]
                for k in 0..<K {
                    d += hypergeometricMean(population: inner.total, successes: inner.groupTotals[k], draws: t) {
                        abs(Double($0) - Double(t) * P[k])
                    }
                    xlx += hypergeometricMean(population: inner.total, successes: inner.groupTotals[k], draws: t) {
                        $0 > 0 ? Double($0) * log(Double($0)) : 0
                    }
                }
            }
        }
        var constant = T * log(T)
        for t in m.unitTotals { constant -= Double(t) * log(Double(t)) }
        for Tk in m.groupTotals where Tk > 0 { constant -= Double(Tk) * log(Double(Tk)) }
        return (d / (2 * T * I), (xlx + constant) / T)
    }

    /// Three schools of classrooms, sorted within schools and differing between them.
    let district = matrix([
        [20, 3, 2], [4, 18, 3], [10, 10, 5], [12, 6, 7],
        [2, 20, 1], [3, 17, 6], [1, 24, 0],
        [15, 0, 10], [9, 1, 15], [12, 2, 11], [6, 3, 16], [13, 1, 11],
    ])
    let schools = ["A", "A", "A", "A", "B", "B", "B", "C", "C", "C", "C", "C"]

    @Test func meanOfTheDrawsMatchesTheClosedFormWithinSchools() {
        let nesting = NestedUnits(labels: schools)
        let exact = exactExpectation(of: district, nesting: nesting)
        var rng = SeededGenerator(seed: 7)
        let draws = 4000
        let b = randomAssignmentBaseline(of: district, within: nesting, draws: draws, parallelism: 2, using: &rng)
        // The draws' spread, to judge the mean: recompute it from a second, smaller run's
        // variance would be circular; the index's range bounds its sd by 0.5, and these
        // tables give sd ≈ 0.02, so 0.004 is more than four standard errors at N = 4000.
        #expect(abs(b.D.expected - exact.D) < 0.004, "mean D \(b.D.expected) vs exact \(exact.D)")
        #expect(abs(b.M.expected - exact.M) < 0.004, "mean M \(b.M.expected) vs exact \(exact.M)")
        #expect(b.D.observed.isClose(to: dissimilarity(of: district), within: 1e-12))
        #expect(b.M.observed.isClose(to: mutualInformation(of: district), within: 1e-12))
        #expect(b.H.observed.isClose(to: informationTheoryIndex(of: district), within: 1e-12))
        // Sorting within schools is beyond chance: no draw reaches the observed D.
        #expect(b.D.pValue == 1.0 / Double(draws + 1))
        #expect(b.D.excess > 0)
    }

    @Test func meanOfTheDrawsMatchesTheClosedFormAcrossTheWholeTable() {
        let exact = exactExpectation(of: district, nesting: .single(unitCount: district.unitCount))
        var rng = SeededGenerator(seed: 11)
        let b = randomAssignmentBaseline(of: district, draws: 4000, parallelism: 2, using: &rng)
        #expect(abs(b.D.expected - exact.D) < 0.004, "mean D \(b.D.expected) vs exact \(exact.D)")
        #expect(abs(b.M.expected - exact.M) < 0.004, "mean M \(b.M.expected) vs exact \(exact.M)")
        #expect(b.carringtonTroskeD.isClose(to: (b.D.observed - b.D.expected) / (1 - b.D.expected), within: 1e-15))
    }

    @Test func theSpreadOfTheDrawsIsThatOfAHypergeometricAssignment() {
        // One unit of 10 taken from a population of 20 (8 x, 12 y): the unit's x count is
        // hypergeometric, with variance n (K/N) (1 − K/N) (N − n)/(N − 1) = 10·0.4·0.6·10/19.
        // D = Σ_u Σ_k |X_uk − t_u P_k| / (2 T I) = 4 |X − 4| / (2 · 20 · 0.48).
        let m = matrix([[4, 6], [4, 6]])
        var rng = SeededGenerator(seed: 3)
        let b = randomAssignmentBaseline(of: m, draws: 20000, using: &rng)
        let exact = hypergeometricMean(population: 20, successes: 8, draws: 10) { 4 * abs(Double($0) - 4) / 19.2 }
        #expect(abs(b.D.expected - exact) < 0.005, "\(b.D.expected) vs \(exact)")
        // Observed D is 0, which every draw reaches: p = 1.
        #expect(b.D.observed == 0)
        #expect(b.D.pValue == 1)
        #expect(b.D.excess < 0)
    }

    @Test func aSchoolWithOneGroupCannotBeReshuffled() {
        // Each school is single-group: every assignment within schools is the observed one.
        let m = matrix([[5, 0], [7, 0], [0, 3], [0, 9]])
        var rng = SeededGenerator(seed: 1)
        let b = randomAssignmentBaseline(of: m, within: NestedUnits(labels: ["A", "A", "B", "B"]), draws: 50, using: &rng)
        #expect(b.D.expected.isClose(to: b.D.observed, within: 1e-12))
        #expect(b.D.pValue == 1)
        #expect(b.M.excess.isClose(to: 0, within: 1e-12))
    }

    @Test func theSameSeedGivesTheSameDrawsOnAnyNumberOfThreads() {
        let nesting = NestedUnits(labels: schools)
        var a = SeededGenerator(seed: 99), b = SeededGenerator(seed: 99), c = SeededGenerator(seed: 100)
        let one = randomAssignmentBaseline(of: district, within: nesting, draws: 300, parallelism: 1, using: &a)
        let two = randomAssignmentBaseline(of: district, within: nesting, draws: 300, parallelism: 2, using: &b)
        let other = randomAssignmentBaseline(of: district, within: nesting, draws: 300, parallelism: 2, using: &c)
        #expect(one == two)
        #expect(one.D.expected != other.D.expected)
    }
}

@Suite struct BaselineKernelTests {
    @Test(arguments: [UInt64(1), 2, 3, 4, 5])
    func vectorAndScalarDealingGiveTheSameDraws(seed: UInt64) {
        // Both find the group of x as the first j with x < Σ_{i ≤ j} remaining_i, so the
        // same random numbers give the same assignment.
        var rng = SeededGenerator(seed: seed)
        let m = randomMatrix(units: 30, groups: 2 + rng.below(7), maxSize: 40, using: &rng)
        let labels = (0..<m.unitCount).map { "s\($0 % 4)" }
        let kernel = BaselineKernel(m, nesting: NestedUnits(labels: labels))
        var scratch = kernel.makeScratch()
        for _ in 0..<20 {
            let s = rng.next()
            var a = SeededGenerator(seed: s), b = SeededGenerator(seed: s)
            let vector = kernel.drawVector(using: &a, nlogn: DirectNLogN())
            let scalar = kernel.drawScalar(&scratch, using: &b)
            #expect(vector.0 == scalar.0 && vector.1 == scalar.1)
        }
    }

    @Test func moreThanEightGroupsUseTheScalarPathAndStillMatchTheClosedForm() {
        var rng = SeededGenerator(seed: 12)
        let m = randomMatrix(units: 10, groups: 10, maxSize: 30, using: &rng).droppingEmptyGroups().matrix
        let nesting = NestedUnits.single(unitCount: m.unitCount)
        let exact = RandomAssignmentBaselineTests().exactExpectation(of: m, nesting: nesting)
        let b = randomAssignmentBaseline(of: m, draws: 4000, parallelism: 2, using: &rng)
        #expect(m.groupCount > 8)
        #expect(abs(b.D.expected - exact.D) < 0.004, "mean D \(b.D.expected) vs exact \(exact.D)")
        #expect(abs(b.M.expected - exact.M) < 0.004, "mean M \(b.M.expected) vs exact \(exact.M)")
    }
}
