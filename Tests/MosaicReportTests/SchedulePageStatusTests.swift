import MosaicReport
import Testing

/// The schedule's status pages: text escaped wherever it comes from, in text and in
/// attributes (a quote in a token must not end the attribute), the form carries its token,
/// the progress is a real <progress>. A guard for the move to typed HTML: Plot 0.14 renders
/// attribute values as given (`value="tok"en"`), which this test caught when the page was
/// tried on it.
@Suite struct SchedulePageStatusTests {
    @Test func textIsEscapedAndTheFormCarriesItsToken() {
        let name = #"<script>alert("x")</script> & Sons"#
        let page = SchedulePage.notYetReviewed(district: "d", school: "s 1", schoolName: name, term: "t", termTitle: "Fall",
                                               viewer: "ana@d.example", recompute: (action: "/districts/d/terms/t/schools/s%201/schedule/review", csrf: "tok\"en")).markup
        #expect(!page.contains("<script>") && page.contains("&lt;script&gt;"))
        #expect(page.contains(#"<form method="post" action="/districts/d/terms/t/schools/s%201/schedule/review">"#), "\(page)")
        #expect(page.contains(#"name="csrf" value="tok&quot;en""#))
        #expect(page.contains(#"<a href="/districts/d/terms/t/schools/s%201">"#))
        #expect(!SchedulePage.notYetReviewed(district: "d", school: "s", schoolName: "S", term: "t", termTitle: "Fall", viewer: "", recompute: nil)
            .markup.contains("<form"))
        let running = SchedulePage.job(district: "d", school: "s", schoolName: "S", term: "t", termTitle: "Fall", viewer: "", done: 250, total: 1_000,
                                       ahead: nil, failure: nil).markup
        #expect(running.contains(#"<progress max="1000" value="250">25%</progress>"#) && running.contains(#"http-equiv="refresh""#))
        let failed = SchedulePage.job(district: "d", school: "s", schoolName: "S", term: "t", termTitle: "Fall", viewer: "", done: 0, total: 1,
                                      ahead: nil, failure: "a <b>bad</b> roster").markup
        #expect(failed.contains("The review failed: a &lt;b&gt;bad&lt;/b&gt; roster") && !failed.contains("refresh"))
    }
}

import Foundation
import MosaicSchedule

/// The re-sectioned export says when some course requests could not be kept: those
/// students have no section of that course in the file.
@Suite struct ScheduleExportNoticeTests {
    func review(requests: Int, met: Int) throws -> ScheduleReview {
        let json = """
            {"settings": {"seed": 1, "annealingPerStudent": 1, "descentPerStudent": 1}, "students": 2, "sections": 2,
             "singletons": [], "doubletons": [], "blocked": 0, "conflicts": [], "moves": [], "dimension": "race", "groups": ["white"],
             "balance": [], "requests": \(requests), "requestsMet": \(met), "courses": [], "sectioningMoves": 0, "notes": [],
             "assignments": [{"student": "a", "course": "c", "sections": ["s1"]}]}
            """
        return try JSONDecoder().decode(ScheduleReview.self, from: Data(json.utf8))
    }

    @Test func unkeptRequestsAreSaidBesideTheExport() throws {
        let short = SchedulePage(district: "d", school: "s", schoolName: "S", term: "t", termTitle: "Fall", viewer: "", review: try review(requests: 3, met: 2)).html.markup
        #expect(short.contains("1 course request could not be kept"))
        let whole = SchedulePage(district: "d", school: "s", schoolName: "S", term: "t", termTitle: "Fall", viewer: "", review: try review(requests: 2, met: 2)).html.markup
        #expect(!whole.contains("could not be kept") && whole.contains("enrollments.csv"))
    }
}
