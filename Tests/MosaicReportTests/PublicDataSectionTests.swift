import MosaicCore
import MosaicDiagnostic
import MosaicReport
import Testing

/// A public-data district's place among its state's districts follows the public view's
/// rules for every share: a peer's share of students of colour is hidden where it stands
/// for a small count, coded where it is under or over the policy's shares.
@Suite struct PublicDataSectionTests {
    @Test func peersSharesFollowThePolicy() throws {
        let schools = [
            PublicHighSchool(state: "S", district: "Here", name: "A", offersAP: true, students: [0, 10, 200, 100, 0, 10, 300], apStudents: [0, 5, 20, 10, 0, 2, 90]),
            PublicHighSchool(state: "S", district: "Here", name: "B", offersAP: false, students: [0, 5, 300, 100, 0, 5, 100], apStudents: [0, 0, 0, 0, 0, 0, 0]),
        ]
        let analysis = PublicDataAnalysis(schools)
        let peers: [PublicDataContext.Peer] = [
            .init(id: "p1", name: "Mostly White", students: 2_000, studentsOfColorShare: 0.02, highSchools: 2, D: 0.1),   // 40 of colour: coded
            .init(id: "p2", name: "Tiny", students: 120, studentsOfColorShare: 0.05, highSchools: 1, D: 0),               // 6 of colour: hidden
            .init(id: "p3", name: "Mixed", students: 3_000, studentsOfColorShare: 0.5, highSchools: 3, D: 0.2),
        ]
        let context = PublicDataContext(source: "public data: CRDC 2015-16, high schools", state: "S", statePercentileD: 0.5, districtsCompared: 2,
                                        highSchoolsWithAP: 1, studentsOfColorShare: 0.5, apStudentsOfColorShare: 0.4, peers: peers)
        let d = diagnose(publicDistrict: analysis.districts[0], state: analysis.states[0], context: context, termID: "2015-16",
                         termTitle: "2015-16 (CRDC, high schools)", options: .init(baselineDraws: 0, minimumN: 10, guidebook: RecoveryAttackTests.guidebook))
        let site = Dashboard.Site(district: "here", name: "Here, S", synthetic: false, terms: [.init(id: "2015-16", title: "2015-16")])
        let page = Dashboard(site: site, policy: SuppressionPolicy(minimumN: 10, lowShare: 0.05, highShare: 0.95), viewer: "public")
            .overview(d, term: "2015-16").page.markup
        func row(_ name: String) -> String {
            let start = page.range(of: ">\(name)</a></th>")!.upperBound
            return String(page[start...].prefix(while: { $0 != "\n" }).prefix(200))
        }
        #expect(row("Mostly White").contains("<td class=\"n\">&lt;5%</td>"))
        #expect(row("Tiny").contains(">not shown<"))
        #expect(row("Mixed").contains(">50%<"))
    }
}
