import MosaicCore
import MosaicDiagnostic

/// The diagnostic as a self-contained HTML report: `index.html` (inline CSS and SVG, no
/// script, nothing fetched) and one CSV per table. Every count passes the suppression
/// policy: hidden cells read "suppressed", shares near 0 % or 100 % are coded.
public struct HTMLReport {
    let d: Diagnostic
    let policy: SuppressionPolicy
    let synthetic: Bool
    /// Schools drawn in a composition chart; all are in its table and CSV.
    let chartedSchools = 30
    /// Site navigation drawn above the report when the dashboard serves it.
    public var navigation: HTML = ""
    /// Where the CSV tables are linked from: beside the page (the report folder) or a
    /// route of the dashboard.
    public var tableLinkPrefix = ""
    /// The term before this one, for the changes the Key Question grid states.
    public var previous: (title: String, diagnostic: Diagnostic)?
    /// The schools page of a dimension, when the dashboard serves the report.
    public var schoolsLink: (@Sendable (Dimension) -> String)?
    /// The one-pager and its PDF, when the dashboard serves the report.
    public var onePagerLink: String?
    /// Where a guidebook tool is, when the dashboard serves the report (nil: named only).
    public var toolLink: (@Sendable (String) -> String?)?

    /// What this report's audience may see: every count, rate and index goes through it.
    public let disclosure: DiagnosticDisclosure

    /// A report for the public under `policy` (the district's staff when it hides nothing).
    public init(_ diagnostic: Diagnostic, policy: SuppressionPolicy, synthetic: Bool) {
        self.init(diagnostic, disclosure: DiagnosticDisclosure(diagnostic, audience: policy.minimumN > 1 ? .public : .districtStaff, policy: policy),
                  synthetic: synthetic)
    }

    public init(_ diagnostic: Diagnostic, disclosure: DiagnosticDisclosure, synthetic: Bool) {
        self.d = diagnostic
        self.disclosure = disclosure
        self.policy = disclosure.policy ?? SuppressionPolicy(minimumN: 1, lowShare: 0, highShare: 1)
        self.synthetic = synthetic
    }

    /// The report as files: `index.html` first, then the CSV files it links to.
    public func files() -> [(name: String, text: String)] {
        let r = document()
        return [("index.html", r.page.markup)] + r.tables
    }

    /// The page and the CSV tables it links to (name, text).
    public struct Document: Sendable {
        public var page: HTML
        public var tables: [(name: String, text: String)]
    }

    public func document() -> Document {
        var csvs: [(String, String)] = []
        var body = header()
        if let onePagerLink {
            body += "<p class=\"note\"><a href=\"\(onePagerLink)\">Printable one-pager for a board meeting</a> · <a href=\"\(onePagerLink).pdf\" download>as PDF</a> (public view)</p>"
        }
        body += keyQuestion.html
        if let p = d.publicData { body += publicDataSection(p) }
        body += findingsSection()
        for dim in d.dimensions {
            body += "<section id=\"\(dim.dimension.rawValue)\"><h2>\(dim.dimension.title)</h2>"
            body += dimensionSummary(dim)
            let (a, aTable) = compositionChart(dim)
            body += figure(a, aTable, file: "\(dim.dimension.rawValue)-schools.csv", &csvs, id: "\(dim.dimension.rawValue)-schools")
            if d.hasClassrooms {
                let (b, bTable) = classroomChart(dim)
                body += figure(b, bTable, file: "\(dim.dimension.rawValue)-classrooms.csv", &csvs, id: "\(dim.dimension.rawValue)-classrooms")
                if let (l, lTable) = layersChart(dim) {
                    body += figure(l, lTable, file: "\(dim.dimension.rawValue)-layers.csv", &csvs)
                }
                let (c, cTable) = advancedChart(dim)
                body += figure(c, cTable, file: "\(dim.dimension.rawValue)-advanced.csv", &csvs)
            }
            body += "</section>"
        }
        body += Glossary.html
        body += footer()
        return Document(page: page(body), tables: csvs.map { (name: $0.0, text: $0.1) })
    }

    // MARK: Page

    /// Styles of the dashboard's navigation, sortable tables and trend callouts.
    /// Charts, their legends and data tables.
    static let chartCSS: HTML = """
        figure{margin:1.2rem 0}figcaption{color:#444;font-size:.95rem;margin:.3rem 0}
        svg{max-width:100%;height:auto}svg text{font:12px system-ui,sans-serif;fill:#222}
        @media (max-width:640px){figure{overflow-x:auto}figure>svg{min-width:520px;max-width:none}}
        details{margin:.4rem 0 1rem}summary{cursor:pointer;color:#0a58ca}
        .legend{display:flex;flex-wrap:wrap;gap:.3rem 1rem;font-size:.9rem;margin:.3rem 0}.legend i{display:inline-block;width:.9rem;height:.9rem;border-radius:2px;margin-right:.3rem;vertical-align:-2px}
        """

    static let siteCSS: HTML = """
        nav.site{display:flex;flex-wrap:wrap;gap:.2rem 1rem;align-items:baseline;border-bottom:1px solid #ddd;padding:.4rem 0 .6rem;margin-bottom:.6rem}
        nav.site a{color:#0a58ca;text-decoration:none}nav.site a[aria-current]{font-weight:700;color:#1a1a1a}nav.site .brand{font-weight:700;color:#1a1a1a}
        a{color:#0a58ca}th a{color:inherit}.widened{border-left:4px solid #D55E00;background:#fff5ef;padding:.5rem .8rem;margin:.6rem 0}
        .narrowed{border-left:4px solid #009E73;background:#f0faf6;padding:.5rem .8rem;margin:.6rem 0}
        table{border-collapse:collapse;font-size:.9rem;margin:.4rem 0;min-width:50%}caption{text-align:left;font-weight:600;padding:.3rem 0}
        th,td{border-bottom:1px solid #e3e3e3;padding:.25rem .6rem;text-align:left}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
        .scroll{overflow-x:auto}.scroll tbody th{min-width:11rem}@media (max-width:640px){body{padding:.6rem}table{font-size:.8rem}h1{font-size:1.4rem}.wide{display:none}}
        """

    /// The `<title>` of the page, when it is not the report's own.
    public var pageTitle: String?

    /// The headline figures' cards.
    static let kpiCSS: HTML = """
        .kpis{display:flex;flex-wrap:wrap;gap:.8rem;margin:1rem 0}.kpi{flex:1 1 10rem;background:#f5f7fa;border-radius:8px;padding:.7rem .9rem}
        .kpi b{display:block;font-size:1.5rem}.kpi span{color:#555;font-size:.9rem}
        """

    func page(_ body: HTML, css: HTML = "") -> HTML {
        Layout.page(title: pageTitle ?? "Diversity diagnostic — \(d.termTitle)", style: .report, css: KeyQuestion.css + Glossary.css + css, body: navigation + body)
    }

    func header() -> HTML {
        var h: HTML = "<header><h1>Is each student in a diverse school and diverse classes?</h1>"
        if d.hasClassrooms {
            h += "<p class=\"note\">Diversity diagnostic for term <b>\(d.termTitle)</b> (\(d.termID)) · \(Format.count(d.students)) students · \(d.schools) schools · \(Format.count(d.classes)) classes · classroom baselines: \(d.baselineDraws) random assignments per school (seed \(d.seed))</p>"
        } else if let p = d.publicData {
            h += "<p class=\"note\">Diversity diagnostic for \(p.state)'s <b>\(d.termTitle)</b> · \(Format.count(d.students)) high-school students · \(d.schools) high school\(d.schools == 1 ? "" : "s"), \(p.highSchoolsWithAP) with AP</p>"
            h += "<p class=\"synthetic\"><b>\(p.source.prefix(1).uppercased() + p.source.dropFirst()).</b> The federal Civil Rights Data Collection's counts of each high school's students and AP students by race: no roster and no classes. Measured: the district against \(p.state)'s high schools, its high schools against the district, and who takes AP. Not measured: classrooms, and the other dimensions. These counts are already public; the public view still applies Mosaic's minimum-n rule, so small groups are treated on this page as on every other.</p>"
        } else {
            h += "<p class=\"note\">Diversity diagnostic for term <b>\(d.termTitle)</b> (\(d.termID)) · \(Format.count(d.students)) students · \(d.schools) schools</p>"
            h += "<p class=\"note\"><b>School-level counts only.</b> This term has no classes or courses, so the across-schools level and the district against its reference are measured; classrooms and advanced coursework are not.</p>"
        }
        if synthetic {
            h += "<p class=\"synthetic\"><b>Synthetic data.</b> This roster was generated by <code>mosaic generate</code>: school compositions are drawn from real NYC schools, but the students, classes and enrollments are invented.</p>"
        }
        h += suppressionNote
        h += "<nav><b>Dimensions:</b> " + d.dimensions.map { "<a href=\"#\($0.dimension.rawValue)\">\($0.dimension.title)</a>" }.joined(separator: " · ") + "</nav>"
        return h + "</header>"
    }

    /// What this audience's view hides: the policy for the public, "every count" for the
    /// district's staff (never "counts below 1 are suppressed").
    var suppressionNote: HTML {
        guard !disclosure.showsEverything else {
            return "<p class=\"note\"><b>Staff view:</b> every count is shown, small ones included. The public view of this page hides small counts and anything that would give them back.</p>"
        }
        return "<p class=\"note\">Counts below \(policy.minimumN) are suppressed, with further cells hidden so that none can be recovered from a total; shares below 5 % or above 95 % are coded.</p>"
    }

    func footer() -> HTML {
        "<footer class=\"note\"><p>Indices: D (dissimilarity), H (Theil's information index) and M (mutual information), as in <code>mosaic segregation</code>; classroom H is compared with random assignment of each school's students to its classes, and only schools significant after Benjamini–Hochberg are flagged. Actions: Alliance for Resource Equity, <i>Dimension 10: Diverse Classrooms &amp; Schools</i>.</p></footer>"
    }

    /// The three root causes, as the findings name them.
    static let causes: [(level: Finding.Level, title: String, what: String)] = [
        (.acrossSchools, "Across schools", "District policies: zoning, choice, transportation."),
        (.courseEnrollment, "Course enrollment", "Tracking and access to advanced courses."),
        (.scheduling, "Scheduling", "How students are placed in classes within a school."),
    ]

    /// Findings shown before the rest are folded.
    static let findingsShown = 8

    /// The findings of every root cause on one list, the most students affected first
    /// (the district's staff see how many), then designated programmes apart (information,
    /// not findings), then the guidebook's actions for each root cause found.
    func findingsSection() -> HTML {
        var h: HTML = "<section id=\"findings\"><h2>Findings</h2>"
        var cards = Cards()
        for c in Self.causes {
            cards.add("\(d.findings.filter { $0.level == c.level }.count)", "\(c.title) findings")
        }
        h += cards.html
        let ranked = d.rankedFindings
        if ranked.isEmpty { h += "<p>No finding: nothing beyond chance and the thresholds.</p>" }
        func item(_ f: Finding, _ students: Int) -> HTML {
            let cause = Self.causes.first { $0.level == f.level }?.title ?? ""
            var tag: HTML = "<span class=\"tag\">\(cause) · \(f.dimension.title)"
            if disclosure.showsEverything && students > 0 { tag += " · \(Format.count(students)) student\(students == 1 ? "" : "s")" }
            return "<li class=\"finding \(f.level.rawValue)\">\(tag)</span> \(disclosure.message(f, in: d))</li>"
        }
        if !ranked.isEmpty {
            h += "<p class=\"note\">Every finding, whatever its cause, the most students affected first\(disclosure.showsEverything ? "" : " (the counts themselves are the district staff's)").</p>"
            h += "<ol class=\"findings\">" + ranked.prefix(Self.findingsShown).map { item($0.finding, $0.students) }.joined() + "</ol>"
            if ranked.count > Self.findingsShown {
                h += "<details><summary>\(ranked.count - Self.findingsShown) more findings</summary><ol class=\"findings\" start=\"\(Self.findingsShown + 1)\">"
                h += ranked.dropFirst(Self.findingsShown).map { item($0.finding, $0.students) }.joined() + "</ol></details>"
            }
        }
        let programmes = d.dimensions.flatMap { disclosure.programmeNotes($0, minimumN: policy.minimumN).map(\.note) }
        if !programmes.isEmpty {
            h += "<h3>Programme classes, by design</h3><div class=\"finding programme\"><p>Information, not findings: ESL, intervention and self-contained classes place students by need, so they hold more of some groups.</p><ul>"
            for n in programmes { h += "<li>\(n.message)</li>" }
            h += "</ul></div>"
        }
        let found = Self.causes.filter { c in d.findings.contains { $0.level == c.level } }
        if !found.isEmpty { h += "<h3>What the guidebook suggests</h3>" }
        for c in found {
            guard let actions = d.findings.first(where: { $0.level == c.level })?.actions, !actions.isEmpty else { continue }
            h += "<div class=\"finding \(c.level.rawValue)\"><b>\(c.title)</b> <span class=\"note\">\(c.what)</span><ul>"
            for a in actions {
                h += "<li>\(a.summary)"
                if let tool = a.tool {
                    let name = Self.toolNames[tool] ?? tool
                    if let link = toolLink?(tool) { h += " — <a href=\"\(link)\">\(name)</a>" } else { h += " <span class=\"note\">(Mosaic: \(name))</span>" }
                }
                h += "</li>"
            }
            h += "</ul></div>"
        }
        return h + "</section>"
    }

    /// The guidebook's tool ids as a reader knows them.
    static let toolNames: [String: String] = [
        "autoEnrollment": "Auto-enrollment policy", "boundaries": "Boundary scenarios", "diagnostic": "This diagnostic",
        "enrichment": "Enrichment clusters (each school's page)", "match": "Application rounds", "monitoring": "Trends",
        "scheduleAudit": "Schedule review (each school's page)", "schoolFinder": "Find a school", "sectioning": "Rebalanced sections (each school's page)",
    ]

    func dimensionSummary(_ dim: DimensionResult) -> HTML {
        let beyond = dim.withinSchools.schools.filter(\.significant).count
        var cards = Cards()
        cards.add("\(Format.fixed(dim.acrossSchools.D, 2))", "D across schools")
        if d.hasClassrooms {
            cards.add("\(Format.fixed(dim.withinSchools.hWithin, 3))", "H within schools (classrooms)")
            cards.add("\(beyond) of \(dim.withinSchools.schools.count)", "schools whose classrooms are segregated beyond chance")
            if dim.withinSchools.layers != nil {
                let sorted = dim.withinSchools.schools.filter { $0.section?.significant == true }.count
                cards.add("\(sorted) of \(dim.withinSchools.schools.count)", "schools that sort sections of a course beyond chance")
            }
            cards.add("\(disclosure.overall(dim, school: nil).map { Format.percent($0) } ?? "suppressed")", "of eligible students in an advanced course")
        } else {
            cards.add("\(Format.fixed(dim.acrossSchools.H, 3))", "H across schools")
        }
        if let r = dim.districtVsReference { cards.add("\(Format.fixed(r, 2))", "district vs reference (½ Σ|P − r|)") }
        return cards.html
    }

    /// A public-data district among its state's districts: the percentile of its D and the
    /// districts nearest to it in size and composition. A peer's share of students of
    /// colour is shown only where neither it nor the white share stands for fewer students
    /// than the minimum, and coded below and above the policy's shares (the same rules as
    /// every count and share here).
    func publicDataSection(_ p: PublicDataContext) -> HTML {
        var h: HTML = "<section id=\"among-state\"><h2>Among \(p.state)'s districts</h2>"
        if let pct = p.statePercentileD, let dim = d.dimensions.first {
            h += "<p>Its high schools are more segregated (D = \(index(dim.acrossSchools.D, 2))) than <b>\(Format.percent(pct, digits: 0))</b> of \(p.state)'s \(Format.count(p.districtsCompared)) districts with two or more high schools.</p>"
        } else {
            h += "<p>With one high school, the district has no segregation across its high schools to compare (D needs two or more).</p>"
        }
        guard !p.peers.isEmpty else { return h + "</section>" }
        func share(_ peer: PublicDataContext.Peer) -> String {
            let colour = Int((peer.studentsOfColorShare * Double(peer.students)).rounded()), white = peer.students - colour
            guard !policy.suppresses(colour), !policy.suppresses(white) else { return "not shown" }
            return policy.code(share: peer.studentsOfColorShare) ?? Format.percent(peer.studentsOfColorShare, digits: 0)
        }
        h += "\(scrollRegion)<table><caption>The \(p.peers.count) districts of \(p.state) nearest in size and students' race</caption><thead><tr><th scope=\"col\">District</th><th scope=\"col\" class=\"n\">Students</th><th scope=\"col\" class=\"n\">High schools</th><th scope=\"col\" class=\"n\">Students of colour</th><th scope=\"col\" class=\"n\">D across high schools</th></tr></thead><tbody>"
        for peer in p.peers {
            h += "<tr><th scope=\"row\"><a href=\"/districts/\(urlEscape(peer.id))/terms/\(urlEscape(d.termID))\">\(peer.name)</a></th><td class=\"n\">\(Format.count(peer.students))</td><td class=\"n\">\(peer.highSchools)</td><td class=\"n\">\(share(peer))</td><td class=\"n\">\(peer.highSchools >= 2 ? index(peer.D, 2) : "–")</td></tr>"
        }
        h += "</tbody></table></div>"
        return h + "</section>"
    }

    /// The Key Question grid for this report's audience.
    var keyQuestion: KeyQuestion {
        KeyQuestion(d: d, disclosure: disclosure,
                    previous: previous.map { p in
                        (p.title, p.diagnostic, DiagnosticDisclosure.cached(p.diagnostic, audience: disclosure.audience, policy: disclosure.policy))
                    },
                    schoolsLink: schoolsLink)
    }

    func figure(_ svg: HTML, _ table: DataTable, file: String, _ csvs: inout [(String, String)], id: String? = nil) -> HTML {
        csvs.append((file, table.csv))
        // The CSV link sits beside the summary, not in it: a link inside <summary> is a
        // control inside a control (axe: nested-interactive), unreachable as a link by
        // keyboard and screen readers.
        return "<figure\(id.map { " id=\"\($0)\"" as HTML } ?? "")>\(svg)<details><summary>Data table (\(table.rows.count) rows)</summary>\(table.scrolled)</details><p class=\"note\"><a href=\"\(tableLinkPrefix)\(file)\" download>Download the table as CSV</a></p></figure>"
    }

    func legend(_ groups: [String], hidden: Bool) -> HTML {
        var h: HTML = "<div class=\"legend\">"
        for g in groups { h += "<span><i style=\"background:\(GroupColour.of(g))\"></i>\(Dimension.label(g))</span>" }
        if hidden { h += "<span><i style=\"background:\(hiddenColour)\"></i>suppressed or unknown</span>" }
        return h + "</div>"
    }

    /// An index for a table: to `digits` decimals for the district's staff, two (as
    /// rounded) for everyone else.
    func index(_ x: Double, _ digits: Int) -> String { disclosure.formatted(index: x, digits) }

    /// A share for a table cell: coded near the ends.
    func share(_ x: Double) -> String { policy.code(share: x) ?? Format.percent(x) }
}
