import MosaicCore
import MosaicDiagnostic
import MosaicMetrics
import MosaicReport
import MosaicTestSupport
import Testing

/// The overview opens with the Key Question: three levels for every dimension, the
/// reference named with its composition, the change since the term before, and the
/// findings ranked by students affected across root causes.
@Suite struct KeyQuestionTests {
    static let state: Roster.Reference = [.race: ["white": 600, "black": 300, "hispanic": 100]]

    func diagnostics() throws -> (before: Diagnostic, now: Diagnostic) {
        var first = CausesDistrict.roster()
        first.reference = Self.state
        var options = DiagnosticOptions(baselineDraws: 200, seed: 3, minimumN: 10, guidebook: RecoveryAttackTests.guidebook)
        options.referenceName = "Example State, 2025-26 (state report card)"
        // The term after: B's sections are mixed (ten white and ten Black students swapped between each pair: 15 + 15 in each).
        var second = first
        let sorted = ["B-ALG2-1", "B-ALG2-2", "B-ALG2-3", "B-ALG2-4"].map { id in second.sections.firstIndex { $0.id == id }! }
        for (a, z) in [(0, 3), (1, 2)] {
            var white = (0..<second.enrollmentCount).filter {
                Int(second.enrollmentSection[$0]) == sorted[a] && second.students[Int(second.enrollmentStudent[$0])].race == .white
            }
            var black = (0..<second.enrollmentCount).filter {
                Int(second.enrollmentSection[$0]) == sorted[z] && second.students[Int(second.enrollmentStudent[$0])].race == .black
            }
            for _ in 0..<10 {
                let w = white.removeLast(), b = black.removeLast()
                second.enrollmentSection[w] = Int32(sorted[z])
                second.enrollmentSection[b] = Int32(sorted[a])
            }
        }
        return (try diagnose(first, options: options), try diagnose(second, options: options))
    }

    func overview(_ now: Diagnostic, before: Diagnostic?, minimumN: Int) -> String {
        let site = Dashboard.Site(district: "d", name: "Causeway", synthetic: true,
                                  terms: [.init(id: "t0", title: "2024–25 (Fall)"), .init(id: "t1", title: "2025–26 (Fall)")])
        let policy = minimumN > 1 ? SuppressionPolicy(minimumN: minimumN) : SuppressionPolicy(minimumN: 1, lowShare: 0, highShare: 1)
        let dashboard = Dashboard(site: site, policy: policy, viewer: "someone")
        return dashboard.overview(now, term: "t1", previous: before).page.markup
    }

    @Test func theGridComesFirstWithEveryLevelAndTheReferenceNamed() throws {
        let (before, now) = try diagnostics()
        let page = overview(now, before: before, minimumN: 1)
        let grid = try #require(page.range(of: "The Key Question at a glance"))
        let findings = try #require(page.range(of: "<h2>Findings</h2>"))
        #expect(grid.lowerBound < findings.lowerBound, "the grid before the findings")
        #expect(page.contains("The district vs. Example State, 2025-26</th>"), "the reference named, without its source note")
        for dim in now.dimensions { #expect(page.contains("<th scope=\"row\">\(dim.dimension.title)</th>")) }
        // Race: ½ Σ|P − r| against 60/30/10, computed from the district's own shares.
        let race = try #require(now.dimensions.first { $0.dimension == .race })
        let P = race.counts.map { Double($0) / Double(race.known) }
        let r = race.groups.map { Double(Self.state[.race]![$0] ?? 0) / 1000 }
        let expected = 0.5 * zip(P, r).reduce(0) { $0 + abs($1.0 - $1.1) }
        #expect(race.districtVsReference!.isClose(to: expected))
        #expect(page.contains("<b class=\"fig\">\(Format.fixed(expected, 2))</b> <span class=\"verdict\">Very different</span>"))
        // Its composition beside the district's: the reference's white share, 60.0%.
        #expect(page.contains("The reference: Example State, 2025-26 (state report card)"))
        #expect(page.contains("<th scope=\"row\">Race and ethnicity: White</th><td class=\"n\">\(Format.percent(P[race.groups.firstIndex(of: "white")!]))</td><td class=\"n\">60.0%</td>"))
        // Economic disadvantage has no reference: said so, not left blank.
        #expect(page.contains("No reference composition for this term"))
        // Schools vs the district: D and Massey & Denton's band.
        let band = race.acrossSchools.D < 0.3 ? "Low segregation" : race.acrossSchools.D < 0.6 ? "Moderate segregation" : "High segregation"
        #expect(page.contains("<b class=\"fig\">D \(Format.fixed(race.acrossSchools.D, 2))</b> <span class=\"verdict\">\(band)</span>"))
        #expect(page.contains("href=\"/districts/d/terms/t1/schools?dimension=race&amp;sort=difference\""))
    }

    @Test func theClassroomLevelCountsSortedSchoolsAndItsChange() throws {
        let (before, now) = try diagnostics()
        let race = { (d: Diagnostic) in d.dimensions.first { $0.dimension == .race }! }
        let sortedBefore = race(before).withinSchools.schools.filter { $0.section?.significant == true }.count
        let sortedNow = race(now).withinSchools.schools.filter { $0.section?.significant == true }.count
        #expect(sortedBefore == 1, "B sorts its Algebra II sections")
        #expect(sortedNow < sortedBefore, "mixed the term after")
        let page = overview(now, before: before, minimumN: 1)
        #expect(page.contains("<b class=\"fig\">\(sortedNow) of \(race(now).withinSchools.schools.count) schools</b>"))
        #expect(page.contains("down from 1 in 2024–25"))
        // Without the term before, no change is claimed.
        let alone = overview(now, before: nil, minimumN: 1)
        #expect(!alone.contains("since 2024–25") && !alone.contains("from 1 in 2024–25"))
    }

    @Test func findingsAreRankedByStudentsAffectedAcrossCauses() throws {
        let (before, _) = try diagnostics()
        let ranked = before.rankedFindings
        #expect(ranked.count == before.findings.count)
        #expect(zip(ranked, ranked.dropFirst()).allSatisfy { $0.students >= $1.students })
        #expect(Set(ranked.map(\.finding.level)).count >= 2, "causes mixed on one list")
        // B's scheduling finding is about B's 120 students.
        let b = try #require(ranked.first { $0.finding.level == .scheduling && $0.finding.subject == "B" })
        #expect(b.students == 120)
        // Staff see the counts; the public view ranks the same way without them.
        let staff = overview(before, before: nil, minimumN: 1), open = overview(before, before: nil, minimumN: 10)
        #expect(staff.contains("Scheduling · Race and ethnicity · 120 students"))
        #expect(!open.contains("· 120 students"))
        #expect(open.contains("<ol class=\"findings\">"))
        // Staff are told they see everything, not that "counts below 1 are suppressed".
        #expect(!staff.contains("Counts below 1 ") && staff.contains("<b>Staff view:</b> every count is shown"))
        #expect(open.contains("Counts below 10 are suppressed"))
    }

    @Test func everyPageHasOneMainLandmarkAndASkipLink() throws {
        let (before, now) = try diagnostics()
        let page = overview(now, before: before, minimumN: 10)
        #expect(page.components(separatedBy: "<main id=\"main\">").count == 2)
        #expect(page.contains("<a class=\"skip\" href=\"#main\">Skip to content</a>"))
        // The navigation stays outside <main>; the glossary inside it.
        let main = try #require(page.range(of: "<main id=\"main\">"))
        #expect(page.range(of: "<nav class=\"site\"")!.lowerBound < main.lowerBound)
        #expect(page.range(of: "id=\"glossary\"")!.lowerBound > main.lowerBound)
        let home = Dashboard.standalone(title: "x", body: SiteNavigation().html + "<h1>x</h1>").markup
        #expect(home.contains("</nav><main id=\"main\"><h1>x</h1></main>"))
    }
}
