import Foundation
import HTTPTypes
import MosaicCore
import MosaicDiagnostic
import MosaicMetrics
import MosaicTestSupport
import Testing

@testable import MosaicServer

/// The auto-enrollment page: district staff only, the simulation the command computes,
/// bad form values as 400 with the reason, every view logged.
@Suite struct AutoEnrollmentPageTests {
    @Test func thePageShowsTheCommandsFigures() async throws {
        let f = try await Fixture.make()
        let staff = ["mosaic_session": try await f.signIn("district")]
        let route = "/districts/district/terms/2026-spring/auto-enroll?threshold=310,proficient&opt-out-rate=0.2&seed=3&subject=math"
        let response = try await f.send(.get, route, cookies: staff)
        #expect(response.status == .ok)
        let page = response.body
        #expect(page.contains("<h1>Auto-enrollment"))
        #expect(page.contains("Thresholds side by side") && page.contains("score ≥ 310") && page.contains("proficient (state flag)"))
        // The same simulation, computed here, gives the page's figures.
        let roster = try await f.server.store.roster(district: "district", term: "2026-spring")
        var rng = SeededGenerator(seed: 3)
        let sim = try simulateAutoEnrollment(roster, options: .init(subject: "math", thresholds: [.score(310), .proficient], optOutRate: 0.2,
                                                                    minimumN: f.server.options.minimumN), seed: 3, using: &rng)
        for sc in sim.scenarios {
            #expect(sc.autoEnrolled > 0)
            #expect(page.contains("<td class=\"n\">\(Format.count(sc.autoEnrolled))</td><td class=\"n\">\(Format.count(sc.optedOut))</td>"), "\(sc.threshold)")
            #expect(page.contains("<b>\(Format.percent(sc.rateProjected))</b>"))
            // A group whose missing students rise is said so with its own rates, whatever the total does.
            let race = try #require(sc.dimensions.first { $0.dimension == .race })
            for g in race.groups where g.eligible > 0 {
                let callout = "missing \(Dimension.label(g.group)) students rise: \(Int(g.missingNow.rounded())) → \(Int(g.missingProjected.rounded()))"
                #expect(page.contains(callout) == (g.missingProjected.rounded() > g.missingNow.rounded()), "\(sc.threshold) \(g.group)")
            }
        }
        #expect(page.contains("mosaic policy auto-enroll ROSTER --subject math --threshold 310,proficient --opt-out-rate 0.20 --seed 3"))
        // Linked from the advanced page for staff only.
        #expect(try await f.send(.get, "/districts/district/terms/2026-spring/advanced", cookies: staff).body.contains("/auto-enroll\">Auto-enrollment"))
        #expect(!(try await f.send(.get, "/districts/district/terms/2026-spring/advanced").body.contains("/auto-enroll")))
        let log = try await f.server.store.auditLog(district: "district", limit: 10)
        #expect(log.contains { $0.action == "view-auto-enroll" && $0.actor == "district@district.example" && $0.detail.hasPrefix("2026-spring: math at 310,proficient") })
    }

    @Test func badFormValuesAreExplained() async throws {
        let f = try await Fixture.make()
        let staff = ["mosaic_session": try await f.signIn("district")]
        let base = "/districts/district/terms/2026-spring/auto-enroll"
        for (query, message) in [("threshold=high", "threshold 'high' is neither a number nor 'proficient'"),
                                 ("opt-out-rate=2", "opt-out rate '2' is not a share between 0 and 1"),
                                 ("seed=-1", "seed '-1' is not a whole number from 0"),
                                 ("dimension=height", "dimension 'height' is not one of"),
                                 ("subject=science", "no assessment result is in subject 'science'; subjects: math")] {
            let r = try await f.send(.get, "\(base)?\(query)", cookies: staff)
            #expect(r.status == .badRequest, "\(query)")
            #expect(r.body.contains(message.htmlEscaped), "\(query): \(r.body.suffix(300))")
        }
        #expect(try await f.send(.get, "/districts/district/terms/none/auto-enroll", cookies: staff).status == .notFound)
    }
}
