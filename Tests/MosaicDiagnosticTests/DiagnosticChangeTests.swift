import Foundation
import MosaicCore
import MosaicDiagnostic
import MosaicImport
import MosaicTestSupport
import Testing

/// What changed between two terms: NYC's schools 2013-14 → 2017-18 (the real snapshot).
@Suite struct DiagnosticChangeTests {
    @Test func nycFrom2013To2018() throws {
        let all = try NYCDemographicSnapshot.schools(from: CSVTable(contentsOf: TestSupport.shared
            .appendingPathComponent("data/nyc/nyc_demographic_snapshot_school_2013-14_to_2017-18.csv").path))
        func year(_ start: Int) -> Diagnostic {
            diagnose(schools: all.filter { $0.year == SchoolYear(startYear: start) }, reference: nil, termID: "\(start)",
                     termTitle: "\(start)", options: .init(guidebook: guidebook))
        }
        let change = DiagnosticChange(from: year(2013), to: year(2017))
        let race = try #require(change.dimensions.first { $0.dimension == .race }?.acrossSchools)
        // The parts add up to the change; schools that opened and closed are their own parts.
        let sum = race.additions + race.removals + race.groupMarginal + race.unitMarginal + race.structural
        #expect(abs(sum - race.difference) < 1e-9)
        // Schools that opened by 2017-18 are an addition; every 2013-14 school is still listed.
        #expect(race.additions != 0 && race.removals == 0)
        // Pinned (computed here; DifferenceDecompositionTests checks the method by hand and by
        // its properties): segregation by race across NYC's schools fell by 0.0149, and more
        // than all of it is sorting — the changed composition alone would have raised M a little.
        let pinned = [(race.M1, 0.433723), (race.M2, 0.418857), (race.structural, -0.014983),
                      (race.groupMarginal, 0.002314), (race.unitMarginal, -0.002027), (race.additions, -0.000170)]
        for (x, value) in pinned { #expect(abs(x - value) < 1e-6, "\(race)") }
        #expect(race.structural < race.difference && race.composition > 0)
    }
}
