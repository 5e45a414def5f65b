import MosaicCore
import MosaicDiagnostic

/// The dashboard's pages, rendered on the server as plain HTML with inline SVG: no
/// script, readable on a phone, every chart with its `<title>`, `<desc>` and data table.
/// Every count passes `policy` (the viewer's: suppression for the public, none for the
/// district's own staff), through the same suppressed tables as the report and the API.
public struct Dashboard: Sendable {
    public struct Term: Sendable {
        public var id: String
        public var title: String
        public init(id: String, title: String) {
            self.id = id
            self.title = title
        }
    }

    public struct Site: Sendable {
        public var district: String
        public var name: String
        public var synthetic: Bool
        public var terms: [Term]
        /// Changes whenever a term is imported or replaced: caches key on it.
        public var version: String
        public init(district: String, name: String, synthetic: Bool, terms: [Term], version: String = "") {
            self.district = district
            self.name = name
            self.synthetic = synthetic
            self.terms = terms
            self.version = version
        }
    }

    public let site: Site
    public let policy: SuppressionPolicy
    /// Who is looking, as the navigation says it (`public view`, an email).
    public let viewer: String
    /// The sign-in link or sign-out form, as the server makes it (HTML).
    public var account: HTML = ""
    /// Whether the pages link to the district staff's own tools: student lists, the audit log.
    public var showsStudentLists = false
    /// Whether the school pages link to the schedule page (district staff and the
    /// school's own leaders).
    public var showsSchedule = false

    /// Who the pages are for: decides, with `policy`, what they may show.
    public var audience: Audience

    public init(site: Site, policy: SuppressionPolicy, viewer: String, audience: Audience? = nil) {
        self.site = site
        self.policy = policy
        self.viewer = viewer
        self.audience = audience ?? (policy.minimumN > 1 ? .public : .districtStaff)
    }

    /// What this dashboard's audience may see of `d`.
    public func disclosure(_ d: Diagnostic) -> DiagnosticDisclosure {
        DiagnosticDisclosure.cached(d, audience: audience, policy: policy.minimumN > 1 ? policy : nil)
    }

    public enum Page: String { case overview, schools, advanced, trends, plan, audit }

    var base: String { "/districts/\(urlEscape(site.district))" }
    func termBase(_ term: String) -> String { "\(base)/terms/\(urlEscape(term))" }

    func navigation(term: String?, current: Page) -> HTML {
        let t = term ?? site.terms.last?.id ?? ""
        var items: [SiteNavigation.Item] = [
            .label(site.name),
            .link("Overview", href: termBase(t), current: current == .overview),
            .link("Schools", href: "\(termBase(t))/schools", current: current == .schools),
            .link("Advanced coursework", href: "\(termBase(t))/advanced", current: current == .advanced),
            .link("Trends", href: "\(base)/trends", current: current == .trends),
            .link("Action plan", href: "\(base)/plan", current: current == .plan),
        ]
        if showsStudentLists { items.append(.link("Audit log", href: "\(base)/audit", current: current == .audit)) }
        if let term, site.terms.count > 1 {
            items.append(.note("Term: " + site.terms.map { x in
                x.id == term ? "<b>\(x.title)</b>" : "<a href=\"\(termBase(x.id))\(current == .overview ? "" : "/" + current.rawValue)\">\(x.title)</a>"
            }.joined(separator: " · ")))
        }
        return SiteNavigation(items, viewer: viewer, account: account).html
    }

    func report(_ d: Diagnostic, title: String, term: String?, current: Page) -> HTMLReport {
        var r = HTMLReport(d, disclosure: disclosure(d), synthetic: site.synthetic)
        r.navigation = navigation(term: term, current: current)
        r.pageTitle = "\(title) — \(site.name) — Mosaic"
        if let term { r.tableLinkPrefix = "\(termBase(term))/tables/" }
        return r
    }

    // MARK: Pages

    /// The district overview: the three levels for every dimension and the findings (the
    /// report), with its tables as CSV beside it.
    public func overview(_ d: Diagnostic, term: String) -> HTMLReport.Document {
        report(d, title: "Overview \(d.termTitle)", term: term, current: .overview).document()
    }

    /// The columns the schools page sorts by, for a dimension of this term.
    public func schoolsSortKeys(_ d: Diagnostic, dimension: Dimension) -> [String] {
        let groups = (d.dimensions.first(where: { $0.dimension == dimension }) ?? d.dimensions.first)?.groups ?? []
        return ["name", "students"] + groups + ["difference"] + ["H", "excess", "significant", "advanced"].prefix(d.hasClassrooms ? 4 : 0)
    }

    /// `raw` when the schools page has that column, else its default (`difference`).
    public func schoolsSortKey(_ raw: String?, _ d: Diagnostic, dimension: Dimension) -> String {
        guard let raw, schoolsSortKeys(d, dimension: dimension).contains(raw) else { return "difference" }
        return raw
    }

    /// Every school with its composition against the district, its classrooms against
    /// chance and its advanced participation, sortable by any column (links, no script).
    public func schools(_ d: Diagnostic, term: String, dimension: Dimension, sort: String, descending: Bool) -> HTML {
        let r = report(d, title: "Schools", term: term, current: .schools)
        guard let dim = d.dimensions.first(where: { $0.dimension == dimension }) ?? d.dimensions.first else {
            return r.page(r.navigation + "<p>No dimension.</p>")
        }
        let comp = r.disclosure.composition(dim)
        let schools = dim.acrossSchools.schools
        let within = Dictionary(dim.withinSchools.schools.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let advanced = Dictionary(dim.advanced.schools.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let disclosure = r.disclosure
        struct Row { var id: String; var name: String; var cells: [String]; var keys: [Double] }
        let G = dim.groups.count
        var rows: [Row] = []
        for (i, s) in schools.enumerated() {
            let total = comp.schoolStudents[i] ?? 0
            var cells = [s.name, comp.schoolStudents[i].map(Format.count) ?? "suppressed"]
            var keys = [0.0, Double(comp.schoolStudents[i] ?? -1)]
            for k in 0..<G {
                if let n = comp.schools[i][k], total > 0 {
                    cells.append(r.share(Double(n) / Double(total)))
                    keys.append(Double(n) / Double(total))
                } else {
                    cells.append("suppressed")
                    keys.append(-1)
                }
            }
            if let index = disclosure.schoolIndex(dim, i) {
                cells.append(Format.fixed(index, 2)); keys.append(index)
            } else {
                cells.append("suppressed"); keys.append(-1)
            }
            if let w = within[s.id] {
                cells += [r.index(w.H, 3), r.index(w.excessH, 3), w.significant ? "yes" : "no"]
                keys += [w.H, w.excessH, w.significant ? 1 : 0]
            } else {
                cells += ["–", "–", "–"]
                keys += [-1, -1, -1]
            }
            let a = advanced[s.id].map { groups -> (String, Double) in
                if groups.groups.reduce(0, { $0 + $1.eligible }) == 0 { return ("–", -1) }
                // Shown only with every group's counts (it is their sum over their sum).
                guard let rate = disclosure.overall(dim, school: s.id) else { return ("suppressed", -1) }
                return (r.share(rate), rate)
            } ?? ("–", -1)
            cells.append(a.0); keys.append(a.1)
            rows.append(Row(id: s.id, name: s.name, cells: cells, keys: keys))
        }
        // A term of school counts has no classroom or course columns.
        let extra = d.hasClassrooms ? 4 : 0
        if extra == 0 { rows = rows.map { Row(id: $0.id, name: $0.name, cells: Array($0.cells.dropLast(4)), keys: Array($0.keys.dropLast(4))) } }
        let header = ["School", "Students"] + dim.groups.map(Dimension.label) + ["½Σ|p − P| vs district"]
            + ["Classroom H", "H beyond chance", "Beyond chance", "In an advanced course"].prefix(extra)
        let sortKeys = schoolsSortKeys(d, dimension: dim.dimension)
        let column = sortKeys.firstIndex(of: sort) ?? (G + 2)
        rows.sort { a, b in
            if column == 0 { return descending ? a.name > b.name : a.name < b.name }
            return descending ? a.keys[column] > b.keys[column] : a.keys[column] < b.keys[column]
        }
        var h: HTML = "<h1>Schools — \(dim.dimension.title)</h1>"
        h += "<p class=\"note\">\(Format.count(d.students)) students in \(schools.count) schools, term \(d.termTitle). Shares of each school's students; ½Σ|p − P| is how far the school's mix is from the district's (0 = the same, 1 = nothing in common); classroom H against random assignment within the school.</p>"
        h += "<p class=\"note\">Dimension: " + d.dimensions.map { x in
            x.dimension == dim.dimension ? "<b>\(x.dimension.title)</b>"
                : "<a href=\"?dimension=\(x.dimension.rawValue)&amp;sort=\(urlEscape(sort))\((descending ? "&amp;order=desc" : "") as HTML)\">\(x.dimension.title)</a>"
        }.joined(separator: " · ") + "</p>"
        h += "\(scrollRegion)<table><caption>Schools by \(column == 0 ? "name" : header[column])\(descending ? ", highest first" : "")</caption><thead><tr>"
        for (i, title) in header.enumerated() {
            let next = i == column ? !descending : (i != 0)
            let arrow = i == column ? (descending ? " ▼" : " ▲") : ""
            h += "<th scope=\"col\"\((i == 0 ? "" : " class=\"n\"") as HTML)\((i == column ? " aria-sort=\"\(descending ? "descending" : "ascending")\"" : "") as HTML)><a href=\"?dimension=\(dim.dimension.rawValue)&amp;sort=\(urlEscape(sortKeys[i]))&amp;order=\(next ? "desc" : "asc")\">\(title)\(arrow)</a></th>"
        }
        h += "</tr></thead><tbody>"
        h += "<tr><th scope=\"row\">District</th><td class=\"n\">\(comp.districtStudents.map(Format.count) ?? "suppressed")</td>"
        for k in 0..<G {
            h += "<td class=\"n\">\(comp.district[k].flatMap { n in comp.districtStudents.map { r.share(Double(n) / Double(max(1, $0))) } } ?? "suppressed")</td>"
        }
        h += "<td class=\"n\">\(r.index(dim.acrossSchools.D, 2)) (D)</td>"
        h += extra == 0 ? "</tr>" : "<td class=\"n\">\(r.index(dim.withinSchools.hWithin, 3))</td><td></td><td></td><td class=\"n\">\(disclosure.overall(dim, school: nil).map(r.share) ?? "suppressed")</td></tr>"
        for row in rows {
            h += "<tr><th scope=\"row\"><a href=\"\(termBase(term))/schools/\(urlEscape(row.id))\">\(row.name)</a></th>" + row.cells.dropFirst().map { "<td class=\"n\">\($0)</td>" as HTML }.joined() + "</tr>"
        }
        h += "</tbody></table></div>"
        return r.page(h)
    }

    /// One school: its students against the district, its classrooms against the school
    /// and chance, its advanced participation by group, and the findings about it. Nil
    /// when the term has no such school.
    public func school(_ d: Diagnostic, term: String, id: String) -> HTML? {
        guard let first = d.dimensions.first, let index = first.acrossSchools.schools.firstIndex(where: { $0.id == id }) else { return nil }
        let name = first.acrossSchools.schools[index].name
        var r = report(d, title: name, term: term, current: .schools)
        r.pageTitle = "\(name) — \(site.name) — Mosaic"
        var h: HTML = "<h1>\(name)</h1><p class=\"note\">Term \(d.termTitle) · school \(id)</p>"
        if showsStudentLists && d.hasClassrooms {
            h += "<p><a href=\"\(termBase(term))/schools/\(urlEscape(id))/students\">Student list</a> · <a href=\"\(termBase(term))/schools/\(urlEscape(id))/students?advanced=missing\">eligible students in no advanced class</a> <span class=\"note\">(district staff only; every view is logged)</span></p>"
        }
        if showsSchedule && d.hasClassrooms {
            h += "<p><a href=\"\(termBase(term))/schools/\(urlEscape(id))/schedule\">Schedule: conflicts, and the sections before and after a balanced re-sectioning</a> <span class=\"note\">(district staff and the school's leaders)</span></p>"
        }
        if d.hasClassrooms {
            h += "<p><a href=\"\(termBase(term))/schools/\(urlEscape(id))/enrichment\">Enrichment clusters: participation this year against the school's goal</a></p>"
        }
        if first.advanced.levels?.contains(where: { $0.level == .openHonors && $0.schools.contains { $0.id == id } }) == true {
            h += "<p><a href=\"\(termBase(term))/schools/\(urlEscape(id))/open-honors\">Open honors: who takes honors credit, by group, week by week</a></p>"
        }
        if site.synthetic { h += "<p class=\"synthetic\"><b>Synthetic data.</b> An invented district for demonstration: school compositions drawn from real NYC schools, students and classes invented.</p>" }
        let findings = d.findings.filter { $0.subject == id }
        h += "<section><h2>Findings about this school</h2>"
        h += findings.isEmpty ? "<p>None: nothing beyond chance and the thresholds.</p>"
            : findings.map { "<div class=\"finding \($0.level.rawValue)\">\(r.disclosure.message($0, in: d))</div>" }.joined()
        h += "</section>"
        for dim in d.dimensions {
            guard let i = dim.acrossSchools.schools.firstIndex(where: { $0.id == id }) else { continue }
            h += "<section id=\"\(dim.dimension.rawValue)\"><h2>\(dim.dimension.title)</h2>"
            h += schoolComposition(dim, i, r)
            if let w = dim.withinSchools.schools.first(where: { $0.id == id }) { h += classrooms(dim, w, r) }
            if let a = dim.advanced.schools.first(where: { $0.id == id }) { h += schoolAdvanced(dim, a, r) }
            h += "</section>"
        }
        return r.page(h)
    }

    /// The school's bar against the district's, from the suppressed table of all schools
    /// (so the cells hidden here are the cells hidden everywhere).
    func schoolComposition(_ dim: DimensionResult, _ i: Int, _ r: HTMLReport) -> HTML {
        let comp = r.disclosure.composition(dim)
        let s = dim.acrossSchools.schools[i]
        let G = dim.groups.count
        let labelW = 120, barW = 560, rowH = 22
        var svg = svgOpening(id: "\(dim.dimension.rawValue)-school", width: labelW + barW + 20, height: 34 + 2 * (rowH + 8) + 6,
                             title: "\(dim.dimension.title): \(s.name) against the district",
                             desc: "Two stacked bars: the district's students and the school's, by group. Grey is suppressed or unknown.")
        func bar(_ y: Int, _ label: String, _ cells: [Int?], _ shownTotal: Int?) {
            svg += "<text x=\"\(labelW - 6)\" y=\"\(y + 15)\" text-anchor=\"end\">\(label)</text>"
            // Shares of a hidden total would give it back.
            guard let total = shownTotal else {
                svg += "<text x=\"\(labelW + 4)\" y=\"\(y + 15)\" class=\"note\">suppressed</text>"
                return
            }
            var x = Double(labelW), rest = Double(total)
            for k in 0..<G {
                guard let n = cells[k], total > 0 else { continue }
                let w = Double(barW) * Double(n) / Double(total)
                rest -= Double(n)
                svg += "<rect x=\"\(fmt(x))\" y=\"\(y)\" width=\"\(fmt(w))\" height=\"\(rowH)\" fill=\"\(palette[k % palette.count])\"><title>\(Dimension.label(dim.groups[k])): \(r.share(Double(n) / Double(total)))</title></rect>"
                x += w
            }
            if rest > 0 && total > 0 {
                svg += "<rect x=\"\(fmt(x))\" y=\"\(y)\" width=\"\(fmt(Double(barW) * rest / Double(total)))\" height=\"\(rowH)\" fill=\"\(hiddenColour)\"><title>suppressed or unknown</title></rect>"
            }
        }
        bar(34, "District", comp.district, comp.districtStudents)
        bar(34 + rowH + 8, "This school", comp.schools[i], comp.schoolStudents[i])
        svg += "</svg>" + r.legend(dim.groups, hidden: true)
        let rows = (0...G).map { k -> [String] in
            let label = k < G ? Dimension.label(dim.groups[k]) : "Unknown"
            func cell(_ n: Int?, _ total: Int?) -> String {
                guard let n else { return "suppressed" }
                guard let total else { return Format.count(n) }
                return "\(Format.count(n)) (\(r.share(total > 0 ? Double(n) / Double(total) : 0)))"
            }
            let school = cell(comp.schools[i][k], comp.schoolStudents[i])
            let district = cell(comp.district[k], comp.districtStudents)
            return [label, school, district]
        }
        let index = r.disclosure.schoolIndex(dim, i).map { Format.fixed($0, 2) } ?? "suppressed"
        let table = DataTable(caption: "\(dim.dimension.title): the school and the district (½Σ|p − P| = \(index))",
                              header: ["group", "this school", "district"], rows: rows, numeric: [1, 2])
        return "<figure>\(svg)<details><summary>Data table</summary>\(table.html)</details></figure>"
    }

    func classrooms(_ dim: DimensionResult, _ w: WithinSchools.School, _ r: HTMLReport) -> HTML {
        let p = r.disclosure.showsEverything ? Format.pValue(w.pValue) : r.index(w.pValue, 2)
        var h: HTML = "<h3>Classrooms</h3><p>Classroom H \(r.index(w.H, 3)) against \(r.index(w.expectedH, 3)) by chance (p = \(p))\((w.significant ? ": <b>more segregated than random assignment, beyond chance</b>" : ": within what chance gives") as HTML)."
        h += "</p>"
        guard r.disclosure.seesClassrooms(of: w.id) else {
            // A class's index gives back its composition, and a school's classes add up to
            // its students: class by class is for the school's own staff.
            return h + "<p class=\"note\">\(w.classrooms.count) classes. Class-by-class figures are shown to the school's and the district's staff only.</p>"
        }
        let shown = w.classrooms.sorted { $0.dissimilarityVsSchool > $1.dissimilarityVsSchool }
        let rows = shown.map { c in
            [c.title, Format.count(c.students), Format.fixed(c.dissimilarityVsSchool, 2)]
        }
        let table = DataTable(caption: "\(dim.dimension.title): classes furthest from the school's mix first", header: ["class", "students", "½Σ|p − P| vs school"], rows: rows, numeric: [1, 2])
        h += "<details><summary>\(w.classrooms.count) classes</summary>\(scrollRegion)\(table.html)</div></details>"
        return h
    }

    func schoolAdvanced(_ dim: DimensionResult, _ a: Advanced.School, _ r: HTMLReport) -> HTML {
        let rows = zip(a.groups, r.disclosure.shown(dim, school: a.id)).map { g, x -> [String] in
            if g.eligible == 0 { return [Dimension.label(g.group), "0", "0", "–", "–"] }
            return [Dimension.label(g.group), x.eligible.map(Format.count) ?? "suppressed", x.participants.map(Format.count) ?? "suppressed",
                    x.rate.map(r.share) ?? "suppressed", x.gapToHighestPP.map { Format.fixed($0, 1) } ?? "suppressed"]
        }
        let table = DataTable(caption: "\(dim.dimension.title): advanced course participation in this school",
                              header: ["group", "eligible", "participants", "rate", "gap to highest (pp)"], rows: rows, numeric: [1, 2, 3, 4])
        return "<h3>Advanced coursework</h3>\(table.html)"
    }

    /// Advanced coursework: participation, representation, gaps and missing students by
    /// group for every dimension, district-wide and per school.
    public func advanced(_ d: Diagnostic, term: String) -> HTML {
        let r = report(d, title: "Advanced coursework", term: term, current: .advanced)
        var h: HTML = "<h1>Advanced coursework</h1><p class=\"note\">Who takes honors, open honors, AP, IB, dual-enrollment and gifted classes, term \(d.termTitle). Missing students: how many more of a group would take one if the group took part at the district's overall rate (and at the highest group's rate).</p>"
        guard d.hasClassrooms else {
            return r.page(h + "<p><b>No course data in this term.</b> It holds school-level counts only; advanced coursework needs a roster with courses and enrollments (<code>mosaic import</code>).</p>")
        }
        if showsStudentLists {
            h += "<p><a href=\"\(termBase(term))/auto-enroll\">Auto-enrollment: what if every student at a state-assessment cut-off were enrolled?</a> <span class=\"note\">(district staff)</span></p>"
        }
        for dim in d.dimensions {
            h += "<section id=\"\(dim.dimension.rawValue)\"><h2>\(dim.dimension.title)</h2>"
            let (svg, table) = r.advancedChart(dim)
            h += "<figure>\(svg)<details><summary>Data table</summary>\(table.html)</details></figure>"
            let rows = dim.advanced.schools.map { s -> [String] in
                [s.name] + zip(s.groups, r.disclosure.shown(dim, school: s.id)).map { g, x in
                    g.eligible == 0 ? "–" : (x.rate.map(r.share) ?? "suppressed")
                }
            }
            let perSchool = DataTable(caption: "\(dim.dimension.title): participation rate by school", header: ["school"] + dim.groups.map(Dimension.label),
                                      rows: rows, numeric: Set(1...max(1, dim.groups.count)))
            h += "<details><summary>By school (\(rows.count))</summary>\(scrollRegion)\(perSchool.html)</div></details>"
            h += levelTable(dim, r)
            h += "</section>"
        }
        return r.page(h)
    }

    /// Participation in each advanced level (honors, open honors, AP, IB, dual enrollment,
    /// gifted) by group: eligible where a class of the level lists the student's grade in
    /// their school. Rates only, each through the rate rule; no overall rate or count (they
    /// would give a hidden group's count back with the group rates beside them).
    func levelTable(_ dim: DimensionResult, _ r: HTMLReport) -> HTML {
        guard let levels = dim.advanced.levels, !levels.isEmpty else { return "" }
        let rows = levels.map { l -> [String] in
            // Schools, not students: said in words so no reader (or check) takes it for a count of students.
            [l.level.title, "\(l.schools.count) school\(l.schools.count == 1 ? "" : "s")"] + zip(l.groups, r.disclosure.shown(dim, level: l.level, school: nil)).map { x, shown in
                x.eligible == 0 ? "–" : (shown.rate.map(r.share) ?? "suppressed")
            }
        }
        let table = DataTable(caption: "\(dim.dimension.title): participation by course level", header: ["level", "offered in"] + dim.groups.map(Dimension.label),
                              rows: rows, numeric: Set(2...(dim.groups.count + 1)))
        return "<h3>By course level</h3><p class=\"note\">Of the students in a grade that a class of the level lists in their school, the share in one.</p>\(scrollRegion)\(table.html)</div>"
    }

    /// Every indicator across terms, with the advanced-course participation by race,
    /// income and gender a leader can put on the front page, and each gap that widened
    /// since the term before called out.
    public func trends(_ terms: [(term: Term, diagnostic: Diagnostic)]) -> HTML {
        guard let last = terms.last else { return "" }
        let r = report(last.diagnostic, title: "Trends", term: nil, current: .trends)
        var h: HTML = "<h1>Trends across terms</h1><p class=\"note\">\(terms.count) terms of \(site.name), oldest first.</p>"
        if site.synthetic { h += "<p class=\"synthetic\"><b>Synthetic data.</b> An invented district for demonstration: school compositions drawn from real NYC schools, students, classes and years invented.</p>" }
        let classrooms = terms.contains { $0.diagnostic.hasClassrooms }
        // Schools against the district: D for every dimension, term by term.
        let dimensions = Dimension.allCases.filter { d in terms.contains { $0.diagnostic.dimensions.contains { $0.dimension == d } } }
        let lines = dimensions.map { d in
            (label: d.title, values: terms.map { t in t.diagnostic.dimensions.first { $0.dimension == d }.map { r.disclosure.aggregate($0.acrossSchools.D) } })
        }
        h += "<section id=\"schools\"><h2>Do schools reflect the district?</h2>"
        if terms.count >= 2 {
            let (t0, t1) = (terms[terms.count - 2], terms[terms.count - 1])
            for line in lines {
                guard let a = line.values[terms.count - 2], let b = line.values[terms.count - 1], abs(b - a) >= 0.01 else { continue }
                h += b > a
                    ? "<p class=\"widened\"><b>Schools drifted apart:</b> \(line.label), D = \(r.index(b, 3)) across schools in \(t1.term.title), up from \(r.index(a, 3)) in \(t0.term.title).</p>"
                    : "<p class=\"narrowed\"><b>Schools came closer:</b> \(line.label), D = \(r.index(b, 3)) across schools in \(t1.term.title), down from \(r.index(a, 3)) in \(t0.term.title).</p>"
            }
        }
        h += termChart(terms.map(\.term), id: "trend-D", title: "Dissimilarity D across schools, by dimension, term by term",
                       desc: "D is the share of students who would have to change schools for every school to have the district's mix (0 = every school alike, 1 = complete separation). One line per dimension.",
                       lines: lines, format: { Format.fixed($0, 2) })
        h += "</section>"
        if !classrooms {
            h += "<p class=\"note\">These terms hold school-level counts only: classrooms and advanced coursework are not measured here.</p>"
        }
        // Front page: advanced participation by race, income, gender.
        for dimension in [Dimension.race, .economic, .gender] where classrooms {
            let series = terms.compactMap { t in t.diagnostic.dimensions.first { $0.dimension == dimension }.map { (t.term, $0) } }
            let disclosed = terms.compactMap { t in
                t.diagnostic.dimensions.first { $0.dimension == dimension }.map { (t.term, $0, disclosure(t.diagnostic)) }
            }
            guard let latest = series.last?.1 else { continue }
            h += "<section id=\"\(dimension.rawValue)\"><h2>Advanced courses by \(dimension.title.lowercased())</h2>"
            h += callouts(disclosed)
            h += lineChart(disclosed, dimension: dimension, groups: latest.groups, r)
            h += "</section>"
        }
        // Open honors and enrichment: shares of groups term by term, by race and by income.
        if terms.contains(where: { $0.diagnostic.openHonors != nil }) {
            h += participationTrend(terms, id: "open-honors", heading: "Open honors: who takes honors credit",
                                    note: "Of the students in open-honors classes, the share holding honors credit on the term's last day (the open-honors ledger). A gap in a line is a term without open-honors classes or a rate the suppression policy hides.",
                                    title: "Open honors by", desc: "The share of each group's students in open-honors classes who hold honors credit on the term's last day.",
                                    programme: .openHonors)
        }
        if terms.contains(where: { $0.diagnostic.enrichment != nil }) {
            h += participationTrend(terms, id: "enrichment", heading: "Enrichment: who takes part this year",
                                    note: "The share of each group's students placed in an enrichment cluster by the school year's rounds so far (schools set their goals, for example 40 % of students a year). A gap is a term without a round or a rate the suppression policy hides.",
                                    title: "Enrichment by", desc: "The share of each group's students placed in an enrichment cluster this school year.",
                                    programme: .enrichment)
        }
        // Every indicator, every dimension.
        var rows: [[String]] = []
        for dimension in Dimension.allCases {
            for (t, d) in terms {
                guard let dim = d.dimensions.first(where: { $0.dimension == dimension }) else { continue }
                let disclosure = disclosure(d)
                let gaps = disclosure.shown(dim, school: nil).map(\.gapToHighestPP)
                let largest = gaps.contains(where: { $0 == nil }) ? "suppressed" : Format.fixed(gaps.compactMap { $0 }.max() ?? 0, 1)
                rows.append([dimension.title, t.title, r.index(dim.acrossSchools.D, 3), r.index(dim.acrossSchools.H, 3),
                             r.index(dim.withinSchools.hWithin, 3), "\(dim.withinSchools.schools.filter(\.significant).count) of \(dim.withinSchools.schools.count)",
                             disclosure.overall(dim, school: nil).map(r.share) ?? "suppressed", largest])
            }
        }
        let header = ["dimension", "term", "D across schools", "H across schools", "H within schools", "schools beyond chance", "in an advanced course", "largest gap (pp)"]
        let table = classrooms
            ? DataTable(caption: "Every indicator by term", header: header, rows: rows, numeric: [2, 3, 4, 5, 6, 7])
            : DataTable(caption: "Every indicator by term", header: Array(header.prefix(4)) + ["district vs reference"],
                        rows: zip(rows, Dimension.allCases.flatMap { dimension in
                            terms.compactMap { t in t.diagnostic.dimensions.first { $0.dimension == dimension } }
                        }).map { Array($0.0.prefix(4)) + [$0.1.districtVsReference == nil ? "–" : (r.disclosure.districtVsReference($0.1).map { r.index($0, 3) } ?? "suppressed")] },
                        numeric: [2, 3, 4])
        h += "<section><h2>All indicators</h2>\(scrollRegion)\(table.html)</div></section>"
        return r.page(h)
    }

    /// A section of term-by-term shares (`count` gives a group's numerator and denominator
    /// in a term), by race and by income, each point through the suppression policy's
    /// rate rule and share codes.
    func participationTrend(_ terms: [(term: Term, diagnostic: Diagnostic)], id: String, heading: String, note: String, title: String, desc: String,
                            programme: Programme) -> HTML {
        var h: HTML = "<section id=\"\(id)\"><h2>\(heading)</h2><p class=\"note\">\(note)</p>"
        for dimension in [Dimension.race, .economic] {
            let (groups, series) = participation(terms, programme, dimension)
            let lines = groups.enumerated().filter { $0.element != "unknown" }.map { k, g in
                (label: Dimension.label(g), values: series.cells.map { $0[k] })
            }.filter { $0.values.contains { $0 != nil } }
            guard !lines.isEmpty else { continue }
            h += termChart(terms.map(\.term), id: "trend-\(id)-\(dimension.rawValue)", title: "\(title) \(dimension.title.lowercased()), term by term",
                           desc: desc, lines: lines, format: { Format.percent($0, digits: 0) })
        }
        return h + "</section>"
    }

    /// A programme whose participation the diagnostic counts district-wide each term.
    public enum Programme: Sendable { case openHonors, enrichment }

    /// A programme's participation by `dimension`'s groups (`unknown` last), term by term,
    /// as this dashboard's audience may see it (``ParticipationDisclosure``: the rate rule,
    /// hidden complements, no small change between two terms shown). Every dimension's
    /// groups split the same students, so all are decided together; the trends page and
    /// the plan's measures read the same decision.
    public func participation(_ terms: [(term: Term, diagnostic: Diagnostic)], _ programme: Programme, _ dimension: Dimension)
        -> (groups: [String], series: SuppressionPolicy.ShownSeries) {
        func counts(_ d: Diagnostic) -> (total: SuppressionPolicy.RateCount, groups: [String: [String: SuppressionPolicy.RateCount]])? {
            switch programme {
            case .openHonors: d.openHonors.map { ((  $0.total.optedIn, $0.total.enrolled), $0.groups.mapValues { $0.mapValues { ($0.optedIn, $0.enrolled) } }) }
            case .enrichment: d.enrichment.map { (($0.total.placed, $0.total.students), $0.groups.mapValues { $0.mapValues { ($0.placed, $0.students) } }) }
            }
        }
        let read = terms.map { counts($0.diagnostic) }
        var splits: [[[SuppressionPolicy.RateCount]]] = []
        var page: [String] = [], index = 0
        for d in Dimension.allCases {
            let groups = (d.rosterGroups + ["unknown"]).filter { g in read.contains { ($0?.groups[d.rawValue]?[g]?.denominator ?? 0) > 0 } }
            if d == dimension { (page, index) = (groups, splits.count) }
            splits.append(read.map { r in groups.map { r?.groups[d.rawValue]?[$0] ?? (0, 0) } })
        }
        let disclosure = ParticipationDisclosure(policy: audience.seesEverything ? nil : policy)
        let decided = disclosure.series(splits, totals: read.map { $0?.total ?? (0, 0) })
        return (page, decided[index])
    }

    /// A line per series over the terms, values formatted by `format`; a missing value
    /// leaves a gap. Every line is labelled at its end, and the data table follows.
    func termChart(_ terms: [Term], id: String, title: String, desc: String, lines: [(label: String, values: [Double?])],
                   format: (Double) -> String) -> HTML {
        let left = 60, width = 540, top = 34, height = 200
        let labelRoom = max(150, 30 + 7 * (lines.map(\.label.count).max() ?? 0))
        let maxValue = max(0.05, lines.flatMap { $0.values.compactMap { $0 } }.max() ?? 0.05) * 1.1
        func x(_ i: Int) -> Double { Double(left) + (terms.count > 1 ? Double(width) * Double(i) / Double(terms.count - 1) : Double(width) / 2) }
        func y(_ v: Double) -> Double { Double(top) + Double(height) * (1 - v / maxValue) }
        var svg = svgOpening(id: id, width: left + width + labelRoom, height: top + height + 40, title: title, desc: desc)
        for k in 0...4 {
            let tick = maxValue * Double(k) / 4
            svg += "<line x1=\"\(left)\" x2=\"\(left + width)\" y1=\"\(fmt(y(tick)))\" y2=\"\(fmt(y(tick)))\" stroke=\"#e3e3e3\"/><text x=\"\(left - 6)\" y=\"\(fmt(y(tick) + 4))\" text-anchor=\"end\">\(format(tick))</text>"
        }
        for (i, t) in terms.enumerated() {
            let short = t.title.components(separatedBy: " (").first ?? t.title
            svg += "<text x=\"\(fmt(x(i)))\" y=\"\(top + height + 18)\" text-anchor=\"middle\">\(String(short.prefix(16)))</text>"
        }
        var ends: [(y: Double, label: String, colour: String)] = []
        for (k, line) in lines.enumerated() {
            let colour = palette[k % palette.count]
            let points = line.values.enumerated().compactMap { i, v in v.map { (x(i), y($0), $0, i) } }
            for p in points {
                svg += "<circle cx=\"\(fmt(p.0))\" cy=\"\(fmt(p.1))\" r=\"3.5\" fill=\"\(colour)\"><title>\(line.label), \(terms[p.3].title): \(format(p.2))</title></circle>"
            }
            if points.count > 1 { svg += "<polyline points=\"\(points.map { "\(fmt($0.0)),\(fmt($0.1))" }.joined(separator: " "))\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\"/>" }
            if let last = points.last { ends.append((last.1 + 4, line.label, colour)) }
        }
        ends.sort { $0.y < $1.y }
        for i in ends.indices.dropFirst() where ends[i].y < ends[i - 1].y + 13 { ends[i].y = ends[i - 1].y + 13 }
        for e in ends { svg += "<rect x=\"\(left + width + 6)\" y=\"\(fmt(e.y - 8))\" width=\"8\" height=\"8\" fill=\"\(e.colour)\"/><text x=\"\(left + width + 18)\" y=\"\(fmt(e.y))\">\(e.label)</text>" }
        svg += "</svg>"
        let table = DataTable(caption: title, header: [""] + terms.map(\.title),
                              rows: lines.map { [$0.label] + $0.values.map { $0.map(format) ?? "–" } }, numeric: Set(1...max(1, terms.count)))
        return "<figure>\(svg)<details><summary>Data table</summary>\(table.html)</details></figure>"
    }

    /// A callout for each group whose gap to the highest group widened since the term
    /// before (or narrowed, in green), in percentage points.
    func callouts(_ series: [(Term, DimensionResult, DiagnosticDisclosure)]) -> HTML {
        guard series.count >= 2 else { return "" }
        let (t0, before, d0) = series[series.count - 2], (t1, now, d1) = series[series.count - 1]
        let gapsBefore = Dictionary(zip(before.advanced.groups.map(\.group), d0.shown(before, school: nil).map(\.gapToHighestPP)),
                                    uniquingKeysWith: { a, _ in a })
        var h: HTML = ""
        for (g, shown) in zip(now.advanced.groups, d1.shown(now, school: nil)) {
            // Only gaps the policy shows in both terms.
            guard g.eligible > 0, let gap = shown.gapToHighestPP, let old = gapsBefore[g.group] ?? nil else { continue }
            let change = gap - old
            guard abs(change) >= 1 else { continue }
            let label = Dimension.label(g.group)
            if change > 0 {
                h += "<p class=\"widened\"><b>Gap widened:</b> \(label) students' advanced participation trails the highest group by \(Format.fixed(g.gapToHighestPP, 1)) points in \(t1.title), up \(Format.fixed(change, 1)) from \(t0.title).</p>"
            } else {
                h += "<p class=\"narrowed\"><b>Gap narrowed:</b> \(label): \(Format.fixed(g.gapToHighestPP, 1)) points behind the highest group in \(t1.title), down \(Format.fixed(-change, 1)) from \(t0.title).</p>"
            }
        }
        return h
    }

    func lineChart(_ series: [(Term, DimensionResult, DiagnosticDisclosure)], dimension: Dimension, groups: [String], _ r: HTMLReport) -> HTML {
        let left = 70, width = 540, top = 34, height = 220
        // Room on the right for the longest line-end label at 12 px.
        let labelRoom = max(150, 30 + 7 * (groups.map { Dimension.label($0).count }.max() ?? 0))
        var svg = svgOpening(id: "trend-\(dimension.rawValue)", width: left + width + labelRoom, height: top + height + 40,
                             title: "Share of students in an advanced course, by \(dimension.title.lowercased()), term by term",
                             desc: "One line per group: the share of its eligible students enrolled in at least one advanced course in each term. Suppressed values are left out of the line.")
        // The axis is scaled to the rates shown: a hidden group's rate must not set it.
        let maxRate = max(0.1, series.flatMap { $0.2.shown($0.1, school: nil).compactMap(\.rate) }.max() ?? 0.1)
        func x(_ i: Int) -> Double { Double(left) + (series.count > 1 ? Double(width) * Double(i) / Double(series.count - 1) : Double(width) / 2) }
        func y(_ v: Double) -> Double { Double(top) + Double(height) * (1 - v / maxRate) }
        for tick in stride(from: 0.0, through: maxRate, by: maxRate / 4) {
            svg += "<line x1=\"\(left)\" x2=\"\(left + width)\" y1=\"\(fmt(y(tick)))\" y2=\"\(fmt(y(tick)))\" stroke=\"#e3e3e3\"/><text x=\"\(left - 6)\" y=\"\(fmt(y(tick) + 4))\" text-anchor=\"end\">\(Format.percent(tick))</text>"
        }
        for (i, (t, _, _)) in series.enumerated() {
            let short = t.title.components(separatedBy: " (").first ?? t.title
            svg += "<text x=\"\(fmt(x(i)))\" y=\"\(top + height + 18)\" text-anchor=\"middle\">\(String(short.prefix(16)))</text>"
        }
        var rows: [[String]] = []
        var ends: [(y: Double, label: String, colour: String)] = []
        for (k, g) in groups.enumerated() {
            var points: [String] = []
            var row = [Dimension.label(g)]
            for (i, (_, dim, disclosure)) in series.enumerated() {
                guard let k = dim.advanced.groups.firstIndex(where: { $0.group == g }), dim.advanced.groups[k].eligible > 0,
                      disclosure.shown(dim, school: nil)[k].rate != nil else { row.append("suppressed"); continue }
                let v = dim.advanced.groups[k]
                points.append("\(fmt(x(i))),\(fmt(y(v.rate)))")
                svg += "<circle cx=\"\(fmt(x(i)))\" cy=\"\(fmt(y(v.rate)))\" r=\"3.5\" fill=\"\(palette[k % palette.count])\"><title>\(Dimension.label(g)): \(r.share(v.rate))</title></circle>"
                row.append(r.share(v.rate))
            }
            if points.count > 1 { svg += "<polyline points=\"\(points.joined(separator: " "))\" fill=\"none\" stroke=\"\(palette[k % palette.count])\" stroke-width=\"2\"/>" }
            if let lastPoint = points.last, let yy = lastPoint.split(separator: ",").last.flatMap({ Double($0) }) {
                ends.append((yy + 4, Dimension.label(g), palette[k % palette.count]))
            }
            rows.append(row)
        }
        // Line-end labels, pushed apart so that none overlaps the next.
        ends.sort { $0.y < $1.y }
        for i in ends.indices.dropFirst() where ends[i].y < ends[i - 1].y + 13 { ends[i].y = ends[i - 1].y + 13 }
        for e in ends { svg += "<rect x=\"\(left + width + 6)\" y=\"\(fmt(e.y - 8))\" width=\"8\" height=\"8\" fill=\"\(e.colour)\"/><text x=\"\(left + width + 18)\" y=\"\(fmt(e.y))\">\(e.label)</text>" }
        svg += "</svg>"
        let table = DataTable(caption: "Advanced participation by \(dimension.title.lowercased()) and term", header: ["group"] + series.map(\.0.title), rows: rows, numeric: Set(1...max(1, series.count)))
        return "<figure>\(svg)<details><summary>Data table</summary>\(table.html)</details></figure>"
    }

    /// The store's districts and their terms: the home page.
    /// - Parameter latest: each district's latest diagnostic, for its headline: how far
    ///   its schools are from reflecting it (D by race and by income).
    public static func home(_ sites: [Site], latest: [String: Diagnostic] = [:], viewer: String, account: HTML = "") -> HTML {
        var h = SiteNavigation(viewer: viewer, account: account, atHome: true).html
        h += "<h1>Is each student in a diverse school and diverse classes?</h1>"
        h += "<p>Mosaic measures diversity across schools, within schools and inside classrooms, by race and ethnicity, economic disadvantage, English learners, disability and gender, and follows it term by term.</p>"
        if sites.isEmpty { h += "<p>The store holds no district yet: import a roster with <code>mosaic import</code>.</p>" }
        // One row per district: a store may hold many (the demo: a synthetic roster
        // district and NYC's 32 community school districts).
        if !sites.isEmpty {
            h += "\(scrollRegion)<table><caption>\(sites.count) district\(sites.count == 1 ? "" : "s")</caption><thead><tr><th scope=\"col\">District</th><th scope=\"col\" class=\"n\">Schools vs district, race (D)</th><th scope=\"col\" class=\"n\">by income (D)</th><th scope=\"col\">Latest term</th><th scope=\"col\" class=\"wide\">Earlier terms</th><th scope=\"col\">Across terms</th></tr></thead><tbody>"
            for s in sites {
                let base = "/districts/\(urlEscape(s.district))"
                let latestLink: HTML = s.terms.last.map { "<a href=\"\(base)/terms/\(urlEscape($0.id))\">\($0.title)</a>" } ?? "–"
                let earlier: HTML = s.terms.dropLast().reversed().map { "<a href=\"\(base)/terms/\(urlEscape($0.id))\">\($0.title.components(separatedBy: " (").first ?? $0.title)</a>" }.joined(separator: " · ")
                // D as a number and a bar (0 = every school alike, 1 = complete separation).
                func d(_ dimension: Dimension) -> HTML {
                    guard let v = latest[s.district]?.dimensions.first(where: { $0.dimension == dimension })?.acrossSchools.D, v.isFinite else { return "<td class=\"n\">–</td>" }
                    return "<td class=\"n\" style=\"white-space:nowrap\">\(Format.fixed(v, 2)) <span aria-hidden=\"true\" style=\"display:inline-block;vertical-align:middle;width:4rem;height:.55rem;background:#eef2f7;border-radius:3px\"><span style=\"display:block;height:100%;width:\(Int((v * 100).rounded()))%;background:\(v >= 0.6 ? "#D55E00" : v >= 0.3 ? "#E69F00" : "#009E73");border-radius:3px\"></span></span></td>"
                }
                h += "<tr><th scope=\"row\">\(s.name)\((s.synthetic ? " <span class=\"note\">(synthetic)</span>" : "") as HTML)</th>\(d(.race))\(d(.economic))<td>\(latestLink)</td><td class=\"wide\">\(earlier)</td><td style=\"white-space:nowrap\"><a href=\"\(base)/trends\">Trends</a> · <a href=\"\(base)/plan\">Action plan</a></td></tr>"
            }
            h += "</tbody></table></div>"
            h += "<p class=\"note\">D: the share of students who would have to change schools for every school to mirror its district (Massey &amp; Denton: under 0.3 low, 0.3–0.6 moderate, above 0.6 high). Synthetic districts are invented for demonstration; the NYC community school districts are the NYC DOE Demographic Snapshot (NYC Open Data), school-level counts.</p>"
        }
        return standalone(title: "Mosaic", body: h)
    }

    /// A page outside any term (home, errors), in the site's style.
    public static func standalone(title: String, css: HTML = "", refresh: Int? = nil, body: HTML) -> HTML {
        Layout.page(title: title, style: .site, css: css, refresh: refresh, body: body)
    }
}

/// Percent-escapes a path segment or query value.
public func urlEscape(_ s: String) -> String {
    s.addingPercentEncodingForURL()
}

extension String {
    func addingPercentEncodingForURL() -> String {
        var out = ""
        for b in utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.append(Character(UnicodeScalar(b)))
            default:
                out += "%" + String(b, radix: 16, uppercase: true).leftPadded(2)
            }
        }
        return out
    }

    func leftPadded(_ n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}
