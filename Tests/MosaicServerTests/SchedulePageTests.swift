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
        let response = try await f.send(.get, route, cookies: school)
        #expect(response.status == .ok)
        let page = response.body
        #expect(page.contains("<h1>Schedule: "))
        #expect(page.contains("Master schedule"))
        #expect(page.contains("Sections before and after"))
        #expect(page.contains("race: sections vs their course, as loaded → re-sectioned"))
        // Every multi-section course is drawn twice per section, and its figure falls.
        let figures = page.matches(of: /<span class="note">([0-9.]+) → ([0-9.]+)<\/span><\/h3>/).map { (Double($0.1)!, Double($0.2)!) }
        #expect(!figures.isEmpty)
        #expect(figures.reduce(0) { $0 + $1.1 } < figures.reduce(0) { $0 + $1.0 })
        // The school page links to it for the school's leader, not for the public.
        #expect(try await f.send(.get, "/districts/district/terms/2026-spring/schools/\(f.own)", cookies: school).body.contains("/schedule\">Schedule"))
        #expect(!(try await f.send(.get, "/districts/district/terms/2026-spring/schools/\(f.own)").body.contains("/schedule\">Schedule")))
        let log = try await f.server.store.auditLog(district: "district", limit: 10)
        #expect(log.contains { $0.action == "view-schedule" && $0.actor == "school@district.example" && $0.detail.hasPrefix("2026-spring/\(f.own): ") })
        #expect(try await f.send(.get, "/districts/district/terms/2026-spring/schools/none/schedule", cookies: ["mosaic_session": try await f.signIn("district")]).status == .notFound)
    }
}
