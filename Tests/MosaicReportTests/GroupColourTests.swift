import MosaicCore
import MosaicDiagnostic
import MosaicReport
import MosaicTestSupport
import Testing

/// One group, one colour (issue 23): the same on every chart, readable against the page.
@Suite struct GroupColourTests {
    @Test func everyGroupHasItsOwnReadableColour() {
        for (group, colour) in GroupColour.fixed {
            #expect(GroupColour.contrast(colour, "#FFFFFF") >= 3, "\(group) \(colour)")
        }
        // Within a dimension no two groups share a colour.
        for d in Dimension.five {
            let colours = d.rosterGroups.map(GroupColour.of)
            #expect(Set(colours).count == colours.count, "\(d): \(colours)")
        }
        #expect(abs(GroupColour.contrast("#F0E442", "#FFFFFF") - 1.32) < 0.01, "the yellow White was drawn in (1.32:1, as the issue measured)")
        #expect(GroupColour.of("hispanic·disadvantaged") == GroupColour.of("hispanic"))
        // Series that are not groups (thresholds, dimensions) and verdicts: thin lines and
        // edges, so 3:1 too (the yellow and orange of the full Okabe–Ito set are out).
        for colour in seriesPalette + [SeverityColour.good, SeverityColour.fair, SeverityColour.poor] {
            #expect(GroupColour.contrast(colour, "#FFFFFF") >= 3, "\(colour)")
        }
        #expect(Set(seriesPalette).count == seriesPalette.count)
    }

    /// Hispanic students in the composition bars, the advanced bars and the school page: one colour.
    @Test func hispanicIsOneColourOnEveryChart() throws {
        let d = try diagnose(CausesDistrict.roster(), options: .init(baselineDraws: 0, minimumN: 10, guidebook: RecoveryAttackTests.guidebook))
        let site = Dashboard.Site(district: "d", name: "Causeway", synthetic: true, terms: [.init(id: "t", title: "Spring")])
        let dashboard = Dashboard(site: site, policy: SuppressionPolicy(minimumN: 1, lowShare: 0, highShare: 1), viewer: "staff")
        let pages = [dashboard.overview(d, term: "t").page.markup, dashboard.school(d, term: "t", id: "C")!.markup]
        let expected = "fill=\"\(GroupColour.of("hispanic"))\"><title>Hispanic"
        for page in pages {
            #expect(page.contains(expected))
            #expect(!page.contains("\"><title>Hispanic") || page.components(separatedBy: "\"><title>Hispanic").count == page.components(separatedBy: expected).count)
        }
    }
}
