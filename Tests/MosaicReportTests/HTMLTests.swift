import MosaicCore
import MosaicDiagnostic
import MosaicImport
import MosaicMetrics
import MosaicReport
import MosaicTestSupport
import Testing

/// Typed markup: literals stay markup, everything interpolated is escaped, in text and in
/// attribute values; and every page, given names a hostile importer chose, shows them as
/// text.
@Suite struct HTMLTests {
    static let hostile = #"<script>alert("x")</script> O'Neil & "Sons""#

    @Test func interpolatedTextIsEscapedAndLiteralsAreMarkup() {
        let name = Self.hostile
        let count = 1_204
        let cell: HTML = "<td title=\"\(name)\" class=\"n\">\(name) · \(count)</td>"
        #expect(cell.markup == #"<td title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; O&#39;Neil &amp; &quot;Sons&quot;" class="n">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; O&#39;Neil &amp; &quot;Sons&quot; · 1204</td>"#)
        // Markup made safe once is not escaped again; pieces join without a string in between.
        let row: HTML = "<tr>\(cell)</tr>"
        #expect(row.markup == "<tr>" + cell.markup + "</tr>")
        let list = ["a<b", "c"].map { "<li>\($0)</li>" as HTML }.joined(separator: " ")
        #expect(list.markup == "<li>a&lt;b</li> <li>c</li>")
        #expect((HTML(text: "1 < 2") + "<br>").markup == "1 &lt; 2<br>")
    }

    /// A translation with arguments: the arguments and the text are both escaped.
    @Test func translationsEscapeTheirArguments() {
        let t = Translations[.en]
        let shown = t("apply.choice", "<b>2</b>").markup
        #expect(!shown.contains("<b>") && shown.contains("&lt;b&gt;2&lt;/b&gt;"))
    }

    /// A district, its schools and its term named by a hostile importer: every page shows
    /// the names as text and no attribute is broken out of.
    @Test func everyPageEscapesNamesFromTheRoster() throws {
        var rng = SeededGenerator(seed: 3)
        let profile = SyntheticDistrict.Profile(race: [0.3, 0.3, 0.2, 0.1, 0.1], poverty: 0.5, englishLearner: 0.1, disability: 0.12, female: 0.5)
        var roster = SyntheticDistrict(.init(students: 600, schools: 3, tracking: 0.5, sorting: 0.5), profiles: [profile], using: &rng).roster
        for i in roster.orgs.indices { roster.orgs[i].name = Self.hostile + " \(i)" }
        let d = try diagnose(roster, options: .init(baselineDraws: 5, seed: 3, minimumN: 10, guidebook: RecoveryAttackTests.guidebook))
        let site = Dashboard.Site(district: "d", name: Self.hostile, synthetic: true, terms: [.init(id: "t", title: Self.hostile)])
        for policy in [SuppressionPolicy(minimumN: 10), SuppressionPolicy(minimumN: 1, lowShare: 0, highShare: 1)] {
            var dashboard = Dashboard(site: site, policy: policy, viewer: Self.hostile)
            dashboard.showsStudentLists = true
            var pages: [HTML] = [dashboard.overview(d, term: "t").page, dashboard.advanced(d, term: "t"),
                                 dashboard.schools(d, term: "t", dimension: .race, sort: "name", descending: false),
                                 dashboard.trends([(site.terms[0], d)]), Dashboard.home([site], headlines: ["d": Dictionary(d.dimensions.map { ($0.dimension, $0.acrossSchools.D) }, uniquingKeysWith: { a, _ in a })], viewer: Self.hostile)]
            for s in d.dimensions[0].acrossSchools.schools { pages.append(try #require(dashboard.school(d, term: "t", id: s.id))) }
            for page in pages {
                #expect(!page.markup.contains("<script>"))
                #expect(!page.markup.contains("O'Neil") && page.markup.contains("O&#39;Neil"))
                // Every quote in the markup opens or closes an attribute value: an even count per tag.
                for tag in page.markup.split(separator: "<").dropFirst() {
                    let inside = tag.prefix { $0 != ">" }
                    #expect(inside.filter { $0 == "\"" }.count % 2 == 0, "\(inside.prefix(120))")
                }
            }
        }
    }
}
