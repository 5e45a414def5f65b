import MosaicCore
import MosaicDiagnostic
import MosaicMetrics
import MosaicReport
import MosaicTestSupport
import Testing

/// The trends page never calls a gap "narrowed" when it closed because the highest group fell.
@Suite struct TrendsTests {
    @Test func aGapClosedByTheTopGroupFallingIsNotProgress() throws {
        let first = CausesDistrict.roster()
        // The next term: half of A's white honors students (the first section) move to English 9.
        var second = first
        let honors = second.sections.firstIndex { $0.id == "A-ENG9H-1" }!, english = second.sections.firstIndex { $0.id == "A-ENG9-1" }!
        for e in 0..<second.enrollmentCount where Int(second.enrollmentSection[e]) == honors && second.students[Int(second.enrollmentStudent[e])].race == .white {
            second.enrollmentSection[e] = Int32(english)
        }
        let options = DiagnosticOptions(baselineDraws: 0, minimumN: 10, guidebook: RecoveryAttackTests.guidebook)
        let d0 = try diagnose(first, options: options), d1 = try diagnose(second, options: options)
        let site = Dashboard.Site(district: "d", name: "Causeway", synthetic: true, terms: [.init(id: "t0", title: "Fall"), .init(id: "t1", title: "Spring")])
        let dashboard = Dashboard(site: site, policy: SuppressionPolicy(minimumN: 1, lowShare: 0, highShare: 1), viewer: "staff")
        let page = dashboard.trends([(site.terms[0], d0), (site.terms[1], d1)]).markup
        // Black students: 13 of 100 both terms; white 37 → 21 of 100.
        #expect(page.contains("Gap narrower by 16.0 points, but not by this group's progress:</b> Black: 13.0% in Fall → 13.0% in Spring"))
        #expect(!page.contains("class=\"narrowed\"><b>Gap narrowed"))
        // Black students gain 3 of 100 while white students fall 16: narrower, mostly not by progress.
        var third = second
        let mixed = third.sections.firstIndex { $0.id == "A-ENG9H-2" }!
        var moved = 0
        for e in 0..<third.enrollmentCount where moved < 3 && Int(third.enrollmentSection[e]) == english && third.students[Int(third.enrollmentStudent[e])].race == .black {
            third.enrollmentSection[e] = Int32(mixed)
            moved += 1
        }
        let d2 = try diagnose(third, options: options)
        let later = dashboard.trends([(site.terms[0], d0), (site.terms[1], d2)]).markup
        #expect(later.contains("mostly because the highest group's rate fell:</b> Black: 13.0% in Fall → 16.0% in Spring"))
        // The change split of M across schools is on the page (nothing moved between schools: 0).
        #expect(page.contains("Why segregation across schools (M) changed from Fall to Spring"))
    }
}
