import MosaicCore
import MosaicDiagnostic

/// The auto-enrollment policy page for district staff: a form to choose thresholds, the
/// opt-out rate and the seed; participation by group now and under each threshold as a
/// chart; the thresholds side by side; per threshold the schools' seats and sections and
/// the students near the cut-off. Plain data in, HTML out: the server simulates.
///
/// It names students near the cut-off, so it is for the district's staff only (the server
/// refuses everyone else).
public struct AutoEnrollmentPage: Sendable {
    public var district: String
    public var term: String
    public var viewer: String
    public var simulation: AutoEnrollmentSimulation
    /// The subjects the results hold, for the form.
    public var subjects: [String]
    /// The form as submitted: thresholds as typed.
    public var thresholds: String
    /// The account's links (Your work, Sign out), as every staff page has them.
    public var account: HTML = ""

    public init(district: String, term: String, viewer: String, simulation: AutoEnrollmentSimulation, subjects: [String], thresholds: String) {
        self.district = district
        self.term = term
        self.viewer = viewer
        self.simulation = simulation
        self.subjects = subjects
        self.thresholds = thresholds
    }

    static let css: HTML = """
        form.policy{display:flex;flex-wrap:wrap;gap:.6rem 1rem;align-items:end;background:#f5f7fa;border-radius:8px;padding:.8rem 1rem;margin:1rem 0}
        form.policy label{display:flex;flex-direction:column;font-size:.9rem;color:#333}form.policy input,form.policy select{font:inherit;padding:.25rem .4rem}
        .legend{display:flex;flex-wrap:wrap;gap:.4rem 1rem;font-size:.9rem;margin:.4rem 0}.legend i{display:inline-block;width:.9rem;height:.9rem;margin-right:.3rem;vertical-align:-2px;border-radius:2px}
        """

    /// The groups (with eligible students) whose missing students rise under a scenario.
    func risingGroups(_ sc: AutoEnrollmentSimulation.Scenario) -> [AutoEnrollmentSimulation.Group] {
        (sc.dimensions.first { $0.dimension == simulation.dimension }?.groups ?? [])
            .filter { $0.eligible > 0 && ($0.missingProjected).rounded() > ($0.missingNow).rounded() }
    }

    public var html: HTML {
        let s = simulation
        let termBase = "/districts/\(urlEscape(district))/terms/\(urlEscape(term))"
        var h = SiteNavigation([.link("Advanced coursework", href: "\(termBase)/advanced")], viewer: viewer, account: account).html
        h += "<h1>Auto-enrollment: what if every student who reaches the cut-off were enrolled?</h1>"
        h += "<p class=\"note\">\(s.termTitle) · \(Format.count(s.eligible)) students in a grade offered an advanced class, \(Format.count(s.assessed)) with a \(s.subject) result · for the district's staff</p>"
        h += form
        var cards = Cards()
        if let first = s.scenarios.first {
            cards.add("\(Format.percent(first.rateNow))", "take an advanced class now")
        }
        for sc in s.scenarios {
            let d = sc.dimensions.first { $0.dimension == s.dimension }
            let before = d?.groups.map(\.missingNow).reduce(0, +) ?? 0, after = d?.groups.map(\.missingProjected).reduce(0, +) ?? 0
            let rising = risingGroups(sc).count
            cards.add("\(Format.percent(sc.rateProjected))", "at \(label(sc.threshold)): \(whole(before)) → \(whole(after)) students missing in all (\(s.dimension.title.lowercased()))\(rising > 0 ? ", but more missing in \(rising) group\(rising == 1 ? "" : "s")" : ""); \(Format.count(sc.newSections)) new sections")
        }
        h += cards.html
        // A total that falls can hide a group whose own gap widens: each is said, with its
        // rates and the overall rate.
        for sc in s.scenarios {
            for g in risingGroups(sc) {
                h += "<p class=\"widened\"><b>At \(label(sc.threshold)), missing \(Dimension.label(g.group)) students rise: \(whole(g.missingNow)) → \(whole(g.missingProjected)).</b> "
                h += "Their rate goes \(Format.percent(g.rateNow)) → \(Format.percent(g.rateProjected)), while the overall rate goes \(Format.percent(sc.rateNow)) → \(Format.percent(sc.rateProjected)): the policy enrolls other students faster, and the gap to them widens.</p>"
            }
        }
        h += "<h2>Participation by group, now and under each threshold</h2>" + chart
        h += "<h2>Thresholds side by side</h2>"
        let side = DataTable(
            caption: "Each threshold: who qualifies, who is enrolled, what it costs (missing students: \(s.dimension.title.lowercased()))",
            header: ["threshold", "qualify", "enrolled by the policy", "opt out", "rate now", "projected", "expected", "missing now", "missing after",
                     "new seats", "new sections", "seats to close the gap", "sections to close the gap", "near the cut-off"],
            rows: s.scenarios.map { sc in
                let d = sc.dimensions.first { $0.dimension == s.dimension }
                return [label(sc.threshold), Format.count(sc.qualifying), Format.count(sc.autoEnrolled), Format.count(sc.optedOut),
                        Format.percent(sc.rateNow), Format.percent(sc.rateProjected), Format.percent(sc.expectedRate),
                        whole(d?.groups.map(\.missingNow).reduce(0, +) ?? 0), whole(d?.groups.map(\.missingProjected).reduce(0, +) ?? 0),
                        Format.count(sc.newSeats), Format.count(sc.newSections), Format.count(sc.seatsToCloseGap),
                        Format.count(sc.sectionsToCloseGap), Format.count(sc.nearCutoff.count)]
            }, numeric: Set(1...13))
        h += "\(scrollRegion)\(side.html)</div>"
        for sc in s.scenarios {
            h += "<section><h2>At \(label(sc.threshold))</h2>"
            if let d = sc.dimensions.first(where: { $0.dimension == s.dimension }) {
                let groups = DataTable(
                    caption: "\(s.dimension.title) at \(label(sc.threshold))",
                    header: ["group", "eligible", "rate now", "projected", "representation now", "after", "missing now", "after", "near the cut-off"],
                    rows: d.groups.filter { $0.eligible > 0 }.map { g in
                        [Dimension.label(g.group), Format.count(g.eligible), Format.percent(g.rateNow), Format.percent(g.rateProjected),
                         Format.fixed(g.representationNow, 2), Format.fixed(g.representationProjected, 2),
                         whole(g.missingNow), whole(g.missingProjected), Format.count(g.nearCutoff)]
                    }, numeric: Set(1...8))
                h += "\(scrollRegion)\(groups.html)</div>"
            }
            let schools = DataTable(
                caption: "Schools: seats and sections to take the policy's students and close the remaining gap in a year",
                header: ["school", "eligible", "now", "projected", "new seats", "class size", "new sections", "gap after", "seats to close the gap", "sections", "near the cut-off"],
                rows: sc.schools.sorted { ($0.seatsToCloseGap, $1.name) > ($1.seatsToCloseGap, $0.name) }.map { x in
                    [x.name, Format.count(x.eligible), Format.count(x.participantsNow), Format.count(x.participantsProjected), Format.count(x.newSeats),
                     "\(x.classSize)", Format.count(x.newSections), whole(x.gapAfter), Format.count(x.seatsToCloseGap),
                     Format.count(x.sectionsToCloseGap), Format.count(x.nearCutoff)]
                }, numeric: Set(1...10))
            h += "<details><summary>By school (\(sc.schools.count))</summary>\(scrollRegion)\(schools.html)</div></details>"
            if !sc.nearCutoff.isEmpty {
                let shown = sc.nearCutoff.prefix(500)
                let near = DataTable(
                    caption: "Students within \(Format.fixed(s.band, 1)) points below the cut-off and not enrolled: candidates for support",
                    header: ["student", "school", "score", "points below"],
                    rows: shown.map { [$0.student, $0.school, Format.fixed($0.score, $0.score == $0.score.rounded() ? 0 : 1), Format.fixed($0.below, 1)] },
                    numeric: [2, 3])
                h += "<details><summary>Near the cut-off (\(Format.count(sc.nearCutoff.count))\(sc.nearCutoff.count > shown.count ? ", the closest \(shown.count) listed" : ""))</summary>\(scrollRegion)\(near.html)</div></details>"
            }
            h += "</section>"
        }
        h += "<h2>How this was computed</h2><p class=\"note\">Eligible: in a grade that an advanced class (honors, open honors, AP, IB, dual enrollment, gifted) lists in the student's school this term. "
        h += "A student at or above the cut-off who is not yet enrolled is enrolled unless the family opts out: each such student draws u ~ U[0,1) once (seed \(s.seed)) and opts out when u &lt; \(Format.fixed(s.optOutRate, 2)); the same draws serve every threshold. "
        h += "Students already enrolled stay. Missing students are the diagnostic's: Σ over schools of max(0, eligible × the other groups' rate − participants). "
        h += "New sections: ⌈new seats ÷ the median size of the school's advanced classes⌉. The same figures: <code>mosaic policy auto-enroll ROSTER --subject \(s.subject) --threshold \(s.scenarios.map(\.threshold).joined(separator: ",")) --opt-out-rate \(Format.fixed(s.optOutRate, 2)) --seed \(s.seed) --dimension \(s.dimension.rawValue)</code>.</p>"
        return Dashboard.standalone(title: "Auto-enrollment policy — Mosaic", css: HTMLReport.kpiCSS + Self.css, body: h)
    }

    func label(_ threshold: String) -> String { threshold == "proficient" ? "proficient (state flag)" : "score ≥ \(threshold)" }

    var form: HTML {
        let s = simulation
        var h: HTML = "<form class=\"policy\" method=\"get\">"
        h += "<label>Thresholds (scores or “proficient”, comma-separated)<input name=\"threshold\" value=\"\(thresholds)\" size=\"24\"></label>"
        h += "<label>Subject<select name=\"subject\">" + subjects.map { "<option\($0 == s.subject ? " selected" : "")>\($0)</option>" }.joined() + "</select></label>"
        h += "<label>Opt-out rate<input name=\"opt-out-rate\" type=\"number\" min=\"0\" max=\"1\" step=\"0.01\" value=\"\(Format.fixed(s.optOutRate, 2))\"></label>"
        h += "<label>Seed<input name=\"seed\" type=\"number\" min=\"0\" value=\"\(s.seed)\"></label>"
        h += "<label>Gap in<select name=\"dimension\">" + Dimension.five.map { "<option value=\"\($0.rawValue)\"\($0 == s.dimension ? " selected" : "")>\($0.title)</option>" }.joined() + "</select></label>"
        return h + "<button type=\"submit\">Simulate</button></form>"
    }

    /// Horizontal bars: each group's participation now (grey) and under each threshold.
    var chart: HTML {
        let s = simulation
        guard let first = s.scenarios.first, let dim = first.dimensions.first(where: { $0.dimension == s.dimension }) else { return "" }
        let groups = dim.groups.filter { $0.eligible > 0 }.map(\.group)
        let series = 1 + s.scenarios.count
        let barH = 12.0, gap = 10.0, labelW = 150.0, plotW = 520.0
        let rowH = Double(series) * barH + gap
        let height = Double(groups.count) * rowH + 30
        var svg: HTML = "<svg role=\"img\" aria-label=\"Participation by group now and under each threshold\" width=\"\(Int(labelW + plotW + 60))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(labelW + plotW + 60)) \(Int(height))\">"
        for t in stride(from: 0.0, through: 1.0, by: 0.25) {
            let x = labelW + plotW * t
            svg += "<line x1=\"\(fmt(x))\" y1=\"0\" x2=\"\(fmt(x))\" y2=\"\(fmt(height - 20))\" stroke=\"#ddd\"/><text x=\"\(fmt(x))\" y=\"\(fmt(height - 6))\" font-size=\"11\" text-anchor=\"middle\">\(Int(t * 100))%</text>"
        }
        var rows: [[String]] = []
        for (k, g) in groups.enumerated() {
            let y0 = Double(k) * rowH
            svg += "<text x=\"\(fmt(labelW - 8))\" y=\"\(fmt(y0 + Double(series) * barH / 2 + 4))\" font-size=\"12\" text-anchor=\"end\">\(Dimension.label(g))</text>"
            var row = [Dimension.label(g)]
            var values: [(String, Double, String)] = []
            if let now = dim.groups.first(where: { $0.group == g }) { values.append(("now", now.rateNow, hiddenColour)) }
            for (i, sc) in s.scenarios.enumerated() {
                let x = sc.dimensions.first { $0.dimension == s.dimension }?.groups.first { $0.group == g }
                values.append((label(sc.threshold), x?.rateProjected ?? 0, palette[i % palette.count]))
            }
            for (i, v) in values.enumerated() {
                let y = y0 + Double(i) * barH
                svg += "<rect x=\"\(fmt(labelW))\" y=\"\(fmt(y))\" width=\"\(fmt(plotW * v.1))\" height=\"\(fmt(barH - 2))\" fill=\"\(v.2)\"><title>\(Dimension.label(g)), \(v.0): \(Format.percent(v.1))</title></rect>"
                svg += "<text x=\"\(fmt(labelW + plotW * v.1 + 4))\" y=\"\(fmt(y + barH - 3))\" font-size=\"10\">\(Format.percent(v.1, digits: 0))</text>"
                row.append(Format.percent(v.1))
            }
            rows.append(row)
        }
        svg += "</svg>"
        var legend: HTML = "<div class=\"legend\"><span><i style=\"background:\(hiddenColour)\"></i>now</span>"
        for (i, sc) in s.scenarios.enumerated() { legend += "<span><i style=\"background:\(palette[i % palette.count])\"></i>\(label(sc.threshold))</span>" }
        legend += "</div>"
        let table = DataTable(caption: "Participation rate by group", header: ["group", "now"] + s.scenarios.map { label($0.threshold) },
                              rows: rows, numeric: Set(1...(1 + s.scenarios.count)))
        return "<figure>\(legend)\(svg)<details><summary>Data table</summary>\(table.scrolled)</details></figure>"
    }
}

/// A count that may be fractional (missing students), rounded, with separators.
private func whole(_ x: Double) -> String { Format.count(Int(x.rounded())) }
