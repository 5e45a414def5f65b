import MosaicCore
import Testing

@Suite struct RateRowTests {
    let policy = SuppressionPolicy(minimumN: 10)

    /// One small group beside the overall rate: its rate would come back from the others',
    /// so the smallest other group is hidden with it, and their combination passes.
    @Test func oneHiddenRateTakesAnotherWithIt() {
        let shown = policy.shownRates([(30, 60), (4, 8), (20, 40), (12, 25)])
        #expect(shown[1] == nil && shown[3] == nil)            // 8 students: hidden; 25 the smallest other
        #expect(shown[0] == 0.5 && shown[2] == 0.5)
    }

    /// Two hidden groups whose combination is still small: a third goes.
    @Test func aSmallCombinationHidesMore() {
        let shown = policy.shownRates([(2, 5), (3, 6), (15, 30), (40, 80)])
        // 5 + 6 = 11 students, 5 in, 6 out: small numbers; the 30 joins them (20 in, 21 out).
        #expect(shown[0] == nil && shown[1] == nil && shown[2] == nil && shown[3] == 0.5)
    }

    /// Nothing small: everything shows. Two groups, one small: both hidden.
    @Test func safeRowsShowAndTwoGroupRowsHideBoth() {
        #expect(policy.shownRates([(20, 40), (30, 60)]) == [0.5, 0.5])
        #expect(policy.shownRates([(50, 100), (3, 9)]) == [nil, nil])
        #expect(policy.shownRates([(50, 100), (0, 0)]) == [0.5, nil])
    }
}
