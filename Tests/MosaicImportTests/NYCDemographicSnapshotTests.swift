import Foundation
import MosaicCore
import MosaicImport
import MosaicTestSupport
import Testing

@Suite struct NYCDemographicSnapshotTests {
    @Test func readsCountsWithThousandsSeparators() throws {
        let text = try TestSupport.fixture("snapshot-sample.csv", in: .module)
        let schools = try NYCDemographicSnapshot.schools(from: CSVTable(name: "snapshot-sample.csv", text: text))
        #expect(schools.count == 4)
        let stuy = schools[2]
        #expect(stuy.dbn.description == "02M475")
        #expect(stuy.name == "Stuyvesant High School, The")
        #expect(stuy.totalEnrollment == 3319)
        #expect(stuy.counts(of: .race) == [2442, 28, 103, 187, 559])
        #expect(stuy.counts(of: .gender) == [1363, 1956])
        #expect(stuy.counts(of: .economic) == [1498, 3319 - 1498])
        #expect(stuy.counts(of: .englishLearner) == [3, 3316])
    }

    @Test func writesACountTableForOneYearOfCommunityDistricts() throws {
        let text = try TestSupport.fixture("snapshot-sample.csv", in: .module)
        let schools = try NYCDemographicSnapshot.schools(from: CSVTable(name: "s.csv", text: text))
        let table = NYCDemographicSnapshot.countTable(schools, year: SchoolYear("2017-18")!, dimension: .race, communityDistrictsOnly: true)
        #expect(table.csv == """
            dbn,district,borough,name,asian,black,hispanic,multiracialOrOther,white
            01M015,01,Manhattan,P.S. 015 Roberto Clemente,20,52,110,2,6
            02M475,02,Manhattan,"Stuyvesant High School, The",2442,28,103,187,559

            """)
        let all = NYCDemographicSnapshot.countTable(schools, year: SchoolYear("2017-18")!, dimension: .gender, communityDistrictsOnly: false)
        #expect(all.rows == 3)
    }

    @Test func aBadRowIsReportedWithItsLine() {
        let text = "DBN,School Name,Year,Total Enrollment,# Female,# Male,# Asian,# Black,# Hispanic,# Multiple Race Categories Not Represented,# White,# Students with Disabilities,# English Language Learners,# Poverty\n01M015,A,2017-18,10,5,5,1,2,3,4,x,1,1,12\nZZ,B,2017-18,1,1,0,1,0,0,0,0,0,0,0\n"
        do {
            _ = try NYCDemographicSnapshot.schools(from: CSVTable(name: "s.csv", text: text))
            Issue.record("expected an error")
        } catch {
            #expect(error.problems.map(\.description) == [
                "s.csv:2: column \"# White\": \"x\" is not a count",
                "s.csv:2: column \"# Poverty\": 12 is more than the school's 10 students",
                "s.csv:3: \"ZZ\" is not a DBN (district, borough letter, school number: 01M015)",
            ])
        }
    }

    /// The committed metrics fixture is what `countTable` derives from the real file.
    @Test func theRealSnapshotGivesTheCommittedFixture() throws {
        let path = TestSupport.shared.appendingPathComponent("data/nyc/nyc_demographic_snapshot_school_2013-14_to_2017-18.csv").path
        let schools = try NYCDemographicSnapshot.schools(from: CSVTable(contentsOf: path))
        #expect(schools.count == 8972)
        let race = NYCDemographicSnapshot.countTable(schools, year: SchoolYear("2017-18")!, dimension: .race, communityDistrictsOnly: true)
        #expect(race.rows == 1552)
        #expect(race.skipped.isEmpty)
        let fixture = try String(contentsOf: TestSupport.repositoryRoot.appendingPathComponent("Tests/MosaicMetricsTests/Fixtures/nyc-2017-18-race.csv"), encoding: .utf8)
        // The fixture keeps dbn, district and the counts; drop borough and name to compare.
        let derived = try CSVTable(name: "derived", text: race.csv)
        let lines = [["dbn", "district"] + Array(derived.header.dropFirst(4))] + derived.rows.map { [$0.fields[0], $0.fields[1]] + Array($0.fields.dropFirst(4)) }
        #expect(lines.map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n" == fixture)
    }
}
