import Foundation
import HTTPTypes
import MosaicSchedule
import MosaicTestSupport
import Testing

@testable import MosaicServer

/// A school's schedule page: the audit and the sections before and after, for the
/// district's staff and the school's leaders, every view logged.
@Suite struct SchedulePageTests {
    @Test func theSchedulePageShowsTheSectionsBeforeAndAfter() async throws {
        let f = try await Fixture.make()
        let route = "/districts/district/terms/2026-spring/schools/\(f.own)/schedule"
        let school = ["mosaic_session": try await f.signIn("school")]
        // A visit computes nothing: before a review there is only the form that asks for one.
        let before = try await f.send(.get, route, cookies: school)
        #expect(before.status == .ok && before.body.contains("has not been reviewed yet") && before.body.contains("Review the schedule"))
        #expect(try await f.server.store.scheduleReview(district: "district", term: "2026-spring", school: f.own) == nil)
        let csrf = try #require(before.body.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1)
        #expect(try await f.send(.post, route + "/review", cookies: school, form: ["csrf": "forged"]).status == .forbidden)
        // Eight clicks at the same moment start one review (each used to ask "is one under
        // way?" and then queue its own): all are sent to the same job, audited once.
        let token = String(csrf)
        let clicks = try await withThrowingTaskGroup(of: String?.self) { group in
            for _ in 0..<8 { group.addTask { try await f.send(.post, route + "/review", cookies: school, form: ["csrf": token]).location } }
            return try await group.reduce(into: [String?]()) { $0.append($1) }
        }
        #expect(Set(clicks).count == 1 && clicks[0]?.contains("/schedule/jobs/") == true)
        #expect(try await f.server.store.auditLog(district: "district", limit: 50).filter { $0.action == "schedule-review" }.count == 1)
        // The job page shows progress until the review is kept, then sends the reader to it.
        var location = try #require(clicks[0])
        for _ in 0..<600 {
            let job = try await f.send(.get, location, cookies: school)
            if job.status == .seeOther { location = try #require(job.location); break }
            #expect(job.status == .ok && job.body.contains("Reviewing the schedule"))
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(location == route)
        let kept = try #require(try await f.server.store.scheduleReview(district: "district", term: "2026-spring", school: f.own))
        #expect(kept.runBy == "school@district.example")
        let response = try await f.send(.get, route, cookies: school)
        #expect(response.status == .ok)
        let page = response.body
        #expect(page.contains("Reviewed ") && page.contains("Review again") && !page.contains("Out of date"))
        #expect(page.contains("<h1>Schedule: "))
        #expect(page.contains("Master schedule"))
        #expect(page.contains("Sections before and after"))
        #expect(page.contains("race: sections vs their course, as loaded → re-sectioned"))
        // Every multi-section course is drawn twice per section, and its figure falls.
        let figures = page.matches(of: /<span class="note">([0-9.]+) → ([0-9.]+)<\/span><\/h3>/).map { (Double($0.1)!, Double($0.2)!) }
        #expect(!figures.isEmpty)
        #expect(figures.reduce(0) { $0 + $1.1 } < figures.reduce(0) { $0 + $1.0 })
        // The re-sectioned sections export as OneRoster enrollments.csv: every kept placement
        // once, each section one of the school's, and it reads back as the roster's own file.
        #expect(page.contains("schedule/enrollments.csv\" download>Download the re-sectioned sections"))
        let export = try await f.send(.get, route + "/enrollments.csv", cookies: school)
        #expect(export.status == .ok)
        let rows = export.body.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows.first == ["sourcedId", "status", "dateLastModified", "classSourcedId", "schoolSourcedId", "userSourcedId", "role", "primary", "beginDate", "endDate"])
        let review = try JSONDecoder().decode(ScheduleReview.self, from: Data(kept.json.utf8))
        let placed = try #require(review.assignments).reduce(0) { $0 + $1.sections.count }
        #expect(rows.count - 1 == placed && placed > 0)
        let roster = try await f.server.store.roster(district: "district", term: "2026-spring")
        let own = Set(roster.sections.filter { roster.orgs[$0.school].id == f.own }.map(\.id))
        #expect(rows.dropFirst().allSatisfy { own.contains($0[3]) && $0[4] == f.own && $0[6] == "student" })
        // Each student keeps as many sections as before the re-sectioning.
        let loaded = Dictionary(grouping: (0..<roster.enrollmentCount).filter { own.contains(roster.sections[Int(roster.enrollmentSection[$0])].id) },
                                by: { roster.students[Int(roster.enrollmentStudent[$0])].id }).mapValues(\.count)
        let after = Dictionary(grouping: rows.dropFirst(), by: { $0[5] }).mapValues(\.count)
        #expect(after == loaded)
        #expect(try await f.send(.get, route + "/enrollments.csv").status == .forbidden)
        #expect(try await f.server.store.auditLog(district: "district", limit: 50).contains { $0.action == "export" && $0.detail.hasSuffix("/schedule/enrollments.csv") })
        // The school page links to it for the school's leader, not for the public.
        #expect(try await f.send(.get, "/districts/district/terms/2026-spring/schools/\(f.own)", cookies: school).body.contains("/schedule\">Schedule"))
        #expect(!(try await f.send(.get, "/districts/district/terms/2026-spring/schools/\(f.own)").body.contains("/schedule\">Schedule")))
        let log = try await f.server.store.auditLog(district: "district", limit: 10)
        #expect(log.contains { $0.action == "view-schedule" && $0.actor == "school@district.example" && $0.detail.hasPrefix("2026-spring/\(f.own): ") })
        #expect(try await f.send(.get, "/districts/district/terms/2026-spring/schools/none/schedule", cookies: ["mosaic_session": try await f.signIn("district")]).status == .notFound)
        // Kept as computed: the same review from the same roster and seed; a review older
        // than the term's import says it is out of date.
        let again = try ScheduleReview.review(try await f.server.store.roster(district: "district", term: "2026-spring"), school: f.own,
                                              term: f.diagnostic.termID, settings: SchedulePages.settings)
        #expect(try JSONDecoder().decode(ScheduleReview.self, from: Data(kept.json.utf8)) == again)
        var old = kept
        old.basis = kept.basis.addingTimeInterval(-86_400)
        try await f.server.store.saveScheduleReview(old)
        #expect(try await f.send(.get, route, cookies: school).body.contains("Out of date"))
    }
}
