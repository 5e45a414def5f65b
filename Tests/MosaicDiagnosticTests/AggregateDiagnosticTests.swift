import Foundation
import MosaicCore
import MosaicDiagnostic
import MosaicTestSupport
import Testing

/// A term known only as school counts: the across-schools level, against PySAL's values
/// on the real NYC 2017-18 schools (the pins of issue 2's cross-check).
@Suite struct AggregateDiagnosticTests {
    func nycRace() throws -> [SchoolDemographics] {
        let text = try String(contentsOf: TestSupport.repositoryRoot.appendingPathComponent("Tests/MosaicMetricsTests/Fixtures/nyc-2017-18-race.csv"), encoding: .utf8)
        return try text.split(separator: "\n").dropFirst().map { line in
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let counts = f[2...].map { Int($0)! }
            return SchoolDemographics(dbn: try #require(DBN(f[0])), name: f[0], year: SchoolYear(startYear: 2017),
                                      totalEnrollment: counts.reduce(0, +), counts: [.race: counts])
        }
    }

    @Test func theAcrossSchoolsLevelMatchesPySALOnTheNYCSchools() throws {
        let schools = try nycRace()
        let d = diagnose(schools: schools, reference: nil, termID: "2017-18", termTitle: "2017-18", options: .init(guidebook: guidebook))
        #expect(!d.hasClassrooms && d.classes == 0)
        #expect(d.dimensions.map(\.dimension) == [.race], "only the dimension the counts have")
        let race = try #require(d.dimensions.first)
        // PySAL segregation 2.5.4 (MultiDissim, MultiInfoTheory) on the same table.
        #expect(race.acrossSchools.D.isApproximatelyEqual(to: 0.5124835131819333, absoluteTolerance: 1e-12))
        #expect(race.acrossSchools.H.isApproximatelyEqual(to: 0.29693134348264866, absoluteTolerance: 1e-12))
        #expect(race.withinSchools.schools.isEmpty && race.withinSchools.hWithin.isNaN)
        #expect(race.advanced.groups.isEmpty)
        #expect(d.students == schools.reduce(0) { $0 + $1.totalEnrollment })
        // D ≥ 0.30: the district finding, with the across-schools actions.
        let finding = try #require(d.findings.first { $0.subject == "district" })
        #expect(finding.level == .acrossSchools && finding.metric == "D")
    }

    @Test func theDistrictIsMeasuredAgainstItsReference() throws {
        let schools = try nycRace().filter { $0.dbn.district == 15 }
        let city = try nycRace().reduce(into: [0, 0, 0, 0, 0]) { sum, s in for k in 0..<5 { sum[k] += s.counts[.race]![k] } }
        let d = diagnose(schools: schools, reference: [.race: city], termID: "t", termTitle: "t", options: .init(guidebook: guidebook))
        let mine = (0..<5).map { k in schools.reduce(0) { $0 + $1.counts[.race]![k] } }
        let expected = 0.5 * (0..<5).reduce(0.0) { $0 + abs(Double(mine[$1]) / Double(mine.reduce(0, +)) - Double(city[$1]) / Double(city.reduce(0, +))) }
        #expect(try #require(d.dimensions.first?.districtVsReference).isApproximatelyEqual(to: expected, absoluteTolerance: 1e-12))
        #expect(d.schools == schools.count)
    }
}
