import MosaicMetrics
import MosaicTestSupport
import Testing

@Suite struct BootstrapTests {
    let district = matrix([[20, 3, 2], [4, 18, 3], [10, 10, 5], [12, 6, 7], [2, 20, 1], [3, 17, 6]])

    @Test func reportsAnIntervalAroundTheEstimate() {
        var rng = SeededGenerator(seed: 5)
        let b = bootstrap(of: district, draws: 500, parallelism: 2, using: &rng)
        for e in [b.D, b.H, b.M] {
            #expect(e.standardError > 0)
            #expect(e.lower95 < e.upper95)
            #expect(e.lower95 <= e.estimate + 3 * e.standardError && e.estimate - 3 * e.standardError <= e.upper95)
        }
        #expect(b.D.estimate.isClose(to: dissimilarity(of: district), within: 1e-15))
        #expect(b.M.estimate.isClose(to: mutualInformation(of: district), within: 1e-15))
    }

    @Test func debiasingLowersAnIndexOfEvenUnits() {
        // Every unit mirrors the whole: D = 0, but resamples are uneven, so the bootstrap
        // mean is above 0 and the debiased estimate 2·0 − mean falls below the estimate.
        var rng = SeededGenerator(seed: 8)
        let b = bootstrap(of: matrix([[10, 10], [10, 10], [10, 10]]), draws: 200, using: &rng)
        #expect(b.D.estimate == 0)
        #expect(b.D.debiased < 0)
        #expect(b.M.debiased < b.M.estimate)
    }

    @Test func theSameSeedGivesTheSameResampleOnAnyNumberOfThreads() {
        var a = SeededGenerator(seed: 21), b = SeededGenerator(seed: 21)
        #expect(bootstrap(of: district, draws: 100, parallelism: 1, using: &a)
                == bootstrap(of: district, draws: 100, parallelism: 2, using: &b))
    }
}
