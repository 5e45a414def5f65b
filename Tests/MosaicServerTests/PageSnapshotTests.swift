import Foundation
import Hummingbird
import MosaicCore
import MosaicDiagnostic
import MosaicStore
import MosaicTestSupport
import Testing

/// Every dashboard page as the public sees it, against its golden HTML under
/// `Tests/MosaicServerTests/Snapshots/` (re-record with `MOSAIC_RECORD_SNAPSHOTS=1` and
/// read the diff): the synthetic roster district, with an action-plan item, and a real
/// NYC community school district known only by school counts.
@Suite struct PageSnapshotTests {
    @Test func everyPublicPageMatchesItsSnapshot() async throws {
        let f = try await Fixture.make()
        let store = f.server.store
        _ = try await store.addPlanItem(PlanItem(
            district: "district", id: "", rootCause: "courseEnrollment", action: "universalIdentification", title: "",
            detail: "Enrol every student who meets the benchmark; families may opt out.", scope: .withinSchools,
            owner: "Chief academic officer", timeline: .short, status: .inProgress,
            notes: [.advocates: "Letters in every home language."], steps: [.prioritize: "High impact, low cost."],
            measure: .init(indicator: "advancedRate:race:black", target: 0.3, by: "2026-27"),
            updatedAt: Date(timeIntervalSince1970: 1_790_000_000), updatedBy: "district@district.example"))
        try await f.addNYCDistrict15()

        let term = "/districts/district/terms/2026-spring", nyc = "/districts/nyc-15/terms/2017-18"
        let pages = [
            ("home.html", "/"), ("overview.html", term), ("schools.html", "\(term)/schools"),
            ("schools-by-income.html", "\(term)/schools?dimension=economic&sort=name&order=asc"),
            ("school.html", "\(term)/schools/\(f.own)"), ("advanced.html", "\(term)/advanced"),
            ("trends.html", "/districts/district/trends"), ("plan.html", "/districts/district/plan"),
            ("nyc-overview.html", nyc), ("nyc-schools.html", "\(nyc)/schools"), ("nyc-advanced.html", "\(nyc)/advanced"),
            ("nyc-trends.html", "/districts/nyc-15/trends"), ("not-found.html", "/districts/district/terms/none"),
        ]
        for (name, uri) in pages {
            let r = try await f.send(.get, uri)
            #expect(r.status == (name == "not-found.html" ? .notFound : .ok), "\(uri)")
            let mismatch = try TestSupport.snapshotMismatch(r.body, named: name, folder: "Tests/MosaicServerTests/Snapshots")
            #expect(mismatch == nil, "\(uri): \(mismatch ?? "")")
            // No page needs a script, and none fetches anything from elsewhere.
            #expect(!r.body.contains("<script") && !r.body.contains("https://"), "\(uri)")
        }
    }
}

extension Fixture {
    /// NYC District 15 in 2017-18, race only: the real counts of the cross-check fixture,
    /// as a term of school counts (district `nyc-15`, term `2017-18`).
    func addNYCDistrict15() async throws {
        let store = server.store
        let text = try String(contentsOf: TestSupport.repositoryRoot.appendingPathComponent("Tests/MosaicMetricsTests/Fixtures/nyc-2017-18-race.csv"), encoding: .utf8)
        let schools = try text.split(separator: "\n").dropFirst().compactMap { line -> SchoolDemographics? in
            let cells = line.split(separator: ",").map(String.init)
            guard cells[1] == "15" else { return nil }
            let counts = cells[2...].map { Int($0)! }
            return SchoolDemographics(dbn: try #require(DBN(cells[0])), name: "School \(cells[0])", year: SchoolYear(startYear: 2017),
                                      totalEnrollment: counts.reduce(0, +), counts: [.race: counts])
        }
        let guidebook = server.options.guidebook
        let d = diagnose(schools: schools, reference: nil, termID: "2017-18", termTitle: "2017-18 (school counts)", options: .init(guidebook: guidebook))
        let empty = Roster(version: "1.1", orgs: [.init(id: "nyc-15", name: "NYC District 15", type: "district")], sessions: [], courses: [],
                           sections: [], students: [], enrollmentSection: [], enrollmentStudent: [])
        try await store.importTerm(
            TermRecord(district: "nyc-15", id: "2017-18", title: d.termTitle, schoolYear: 2018, importedAt: Date(timeIntervalSince1970: 1_600_000_000),
                       students: d.students, schools: d.schools, sections: 0, enrollments: 0),
            district: DistrictRecord(id: "nyc-15", name: "NYC Community School District 15 (Brooklyn)", synthetic: false), roster: empty,
            diagnostic: StoredDiagnostic(json: try d.archived(), computedAt: Date(), options: ""), replace: false)
    }
}
