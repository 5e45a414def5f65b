import MosaicCore

/// The attendance-boundary pages for district staff (issue 8): the district's boundary
/// instances; one instance with today's map, the scenario form, runs in progress and the
/// scenarios side by side; one scenario with its maps, figures and export. Plain data in,
/// HTML out: the server runs the optimisers and draws the maps (SVG with title and
/// description; the tables beside them hold the data).
public struct BoundariesPage: Sendable {
    public struct Instance: Sendable {
        public var id: String, name: String, units: Int, schools: Int, students: Int
        public var dimensions: [String], addedAt: String, addedBy: String

        public init(id: String, name: String, units: Int, schools: Int, students: Int, dimensions: [String], addedAt: String, addedBy: String) {
            self.id = id
            self.name = name
            self.units = units
            self.schools = schools
            self.students = students
            self.dimensions = dimensions
            self.addedAt = addedAt
            self.addedBy = addedBy
        }
    }

    /// The figures every scenario reports.
    public struct Figures: Sendable {
        public var dimension: String, objective: String
        public var before: (D: Double, H: Double), after: (D: Double, H: Double)
        public var studentsMoved: Int, unitsMoved: Int, students: Int
        public var travelBefore: Double, travelAfter: Double
        public var newlyBeyond: Int?, beyond: Double?
        public var feasible: Bool

        public init(dimension: String, objective: String, before: (D: Double, H: Double), after: (D: Double, H: Double), studentsMoved: Int, unitsMoved: Int,
                    students: Int, travelBefore: Double, travelAfter: Double, newlyBeyond: Int?, beyond: Double?, feasible: Bool) {
            self.dimension = dimension
            self.objective = objective
            self.before = before
            self.after = after
            self.studentsMoved = studentsMoved
            self.unitsMoved = unitsMoved
            self.students = students
            self.travelBefore = travelBefore
            self.travelAfter = travelAfter
            self.newlyBeyond = newlyBeyond
            self.beyond = beyond
            self.feasible = feasible
        }
    }

    public struct Scenario: Sendable {
        public var id: String, name: String, kind: String, settings: String, runAt: String, runBy: String
        public var figures: Figures

        public init(id: String, name: String, kind: String, settings: String, runAt: String, runBy: String, figures: Figures) {
            self.id = id
            self.name = name
            self.kind = kind
            self.settings = settings
            self.runAt = runAt
            self.runBy = runBy
            self.figures = figures
        }
    }

    public struct Job: Sendable {
        public var id: String, name: String, done: Int, total: Int, failure: String?
        /// Waiting for a free worker, with this many runs ahead of it.
        public var ahead: Int?

        public init(id: String, name: String, done: Int, total: Int, failure: String?, ahead: Int? = nil) {
            self.id = id
            self.name = name
            self.done = done
            self.total = total
            self.failure = failure
            self.ahead = ahead
        }

        var status: HTML {
            if let failure { return "failed: \(failure)" }
            if let ahead { return ahead == 0 ? "waiting, next to run" : "waiting, \(ahead) run\(ahead == 1 ? "" : "s") ahead" }
            return "\(Format.percent(Double(done) / Double(max(1, total)), digits: 0)) done"
        }
    }

    /// One scenario's detail: tables by group, transport and by school, the maps.
    public struct Detail: Sendable {
        public var scenario: Scenario
        public var map: HTML
        /// group, students, moved, travel today, travel after
        public var groups: [[String]]
        /// group, beyond today, beyond after, newly beyond
        public var transport: [[String]]
        /// school, today, after, limit, grades or units +/−, gap today, gap after
        public var schools: [[String]]
        public var schoolsHeader: [String]
        /// What was proposed: pairs and their grades, in words.
        public var groupsProposed: [String]
        public var violations: [String]
        public var command: String

        public init(scenario: Scenario, map: HTML, groups: [[String]], transport: [[String]], schools: [[String]], schoolsHeader: [String],
                    groupsProposed: [String], violations: [String], command: String) {
            self.scenario = scenario
            self.map = map
            self.groups = groups
            self.transport = transport
            self.schools = schools
            self.schoolsHeader = schoolsHeader
            self.groupsProposed = groupsProposed
            self.violations = violations
            self.command = command
        }
    }

    public var district: String
    public var viewer: String
    public var csrf: String?
    public var message: String?

    /// The account's links (Your work, Sign out), as every staff page has them.
    public var account: HTML

    public init(district: String, viewer: String, account: HTML = "", csrf: String?, message: String? = nil) {
        self.district = district
        self.viewer = viewer
        self.account = account
        self.csrf = csrf
        self.message = message
    }

    static let css: HTML = """
        form.scenario{display:grid;grid-template-columns:repeat(auto-fill,minmax(13rem,1fr));gap:.6rem 1rem;background:#f5f7fa;border-radius:8px;padding:.8rem 1rem;margin:1rem 0}
        form.scenario label{display:flex;flex-direction:column;font-size:.9rem;color:#333}form.scenario input,form.scenario select{font:inherit;padding:.25rem .4rem}
        form.scenario fieldset{grid-column:1/-1;border:0;padding:0;margin:0;display:grid;grid-template-columns:inherit;gap:inherit}
        form.scenario .wide{grid-column:1/-1}.map{overflow-x:auto;margin:1rem 0}.map svg{max-width:100%;height:auto}
        progress{width:100%;height:1.2rem}.message{background:#fff4e5;border-left:4px solid #e69f00;padding:.5rem .8rem}
        .ok{color:#116611}.bad{color:#a00}
        """

    var base: String { "/districts/\(urlEscape(district))/boundaries" }

    func shell(_ title: String, refresh: Int? = nil, _ body: HTML) -> HTML {
        var h = SiteNavigation([.link("Boundary scenarios", href: base)], viewer: viewer, account: account).html
        if let message { h += "<p class=\"message\" role=\"alert\">\(message)</p>" }
        return Dashboard.standalone(title: "\(title) — Mosaic", css: HTMLReport.kpiCSS + Self.css, refresh: refresh, body: h + body)
    }

    /// The district's instances.
    public func index(_ instances: [Instance]) -> HTML {
        var h: HTML = "<h1>Attendance zones and school pairings</h1>"
        h += "<p class=\"note\">Redraw zones or pair nearby schools so that schools mirror the district, within travel, size and contiguity limits. For the district's staff.</p>"
        if instances.isEmpty {
            h += "<p>No boundary instance yet. Load one (contract boundaries.md) with <code>mosaic boundaries load INSTANCE.json --db … --district \(district) --name NAME</code>; "
            h += "<code>mosaic generate --kind boundaries</code> writes a generated city and <code>mosaic boundaries nyc</code> the NYC elementary zones.</p>"
        } else {
            let t = DataTable(caption: "Boundary instances", header: ["instance", "units", "schools", "students", "dimensions", "added"],
                              rows: instances.map { [$0.name, Format.count($0.units), Format.count($0.schools), Format.count($0.students), $0.dimensions.joined(separator: ", "), "\($0.addedAt) by \($0.addedBy)"] },
                              numeric: [1, 2, 3])
            h += "\(scrollRegion)\(t.html)</div><ul>"
            for i in instances { h += "<li><a href=\"\(base)/\(urlEscape(i.id))\">\(i.name)</a></li>" }
            h += "</ul>"
        }
        return shell("Boundary scenarios", h)
    }

    /// One instance: today's map, the form, runs in progress, the scenarios side by side.
    public func instance(_ i: Instance, map: HTML, jobs: [Job], scenarios: [Scenario], dimensionChoices: [String], form: [String: String]) -> HTML {
        var h: HTML = "<h1>\(i.name)</h1>"
        h += "<p class=\"note\">\(Format.count(i.units)) units, \(Format.count(i.schools)) schools, \(Format.count(i.students)) students · added \(i.addedAt) by \(i.addedBy)</p>"
        h += "<h2>Today's zones</h2><div class=\"map\">\(map)</div>"
        h += "<h2>Run a scenario</h2>" + scenarioForm(i, dimensionChoices: dimensionChoices, form: form)
        if !jobs.isEmpty {
            h += "<h2>Running</h2><ul>"
            for j in jobs { h += "<li><a href=\"\(base)/\(urlEscape(i.id))/jobs/\(urlEscape(j.id))\">\(j.name)</a>: \(j.status)</li>" }
            h += "</ul>"
        }
        h += "<h2>Scenarios side by side</h2>"
        if scenarios.isEmpty {
            h += "<p>None yet: run one above.</p>"
        } else {
            let chart = ComparisonChart(
                id: "scenarios", title: "Segregation across schools, today and under each scenario",
                desc: "Dissimilarity D of each scenario's dimension across schools, today and after the scenario.",
                categories: scenarios.map(\.name),
                series: [.init(name: "today", values: scenarios.map(\.figures.before.D)), .init(name: "after", values: scenarios.map(\.figures.after.D))],
                percent: false)
            h += chart.html
            let t = DataTable(
                caption: "Every scenario's figures (D and H of its dimension across schools; travel in the instance's unit)",
                header: ["scenario", "kind", "dimension", "D today", "D after", "change", "H after", "students moved", "units moved", "mean travel", "after", "newly beyond transport", "limits met"],
                rows: scenarios.map { s in
                    let f = s.figures
                    return [s.name, s.kind, f.dimension, Format.fixed(f.before.D, 3), Format.fixed(f.after.D, 3), Self.change(f.before.D, f.after.D),
                            Format.fixed(f.after.H, 3), Format.count(f.studentsMoved), Format.count(f.unitsMoved), Format.fixed(f.travelBefore, 2),
                            Format.fixed(f.travelAfter, 2), f.newlyBeyond.map { Format.count($0) } ?? "–", f.feasible ? "yes" : "no"]
                }, numeric: Set(3...11))
            h += "\(scrollRegion)\(t.html)</div><ul>"
            for s in scenarios {
                h += "<li><a href=\"\(base)/\(urlEscape(i.id))/scenarios/\(urlEscape(s.id))\">\(s.name)</a> · <a href=\"\(base)/\(urlEscape(i.id))/scenarios/\(urlEscape(s.id))/assignment.csv\">assignment (CSV)</a>"
                h += "<br><span class=\"note\">\(s.settings) · run \(s.runAt) by \(s.runBy)</span></li>"
            }
            h += "</ul>"
        }
        return shell(i.name, h)
    }

    static func change(_ a: Double, _ b: Double) -> String { a > 0 ? "\(b <= a ? "−" : "+")\(Format.percent(abs(b - a) / a))" : "–" }

    func scenarioForm(_ i: Instance, dimensionChoices: [String], form: [String: String]) -> HTML {
        func value(_ k: String, _ d: String) -> String { form[k] ?? d }
        func select(_ name: String, _ label: String, _ options: [(String, String)], _ d: String) -> HTML {
            "<label>\(label)<select name=\"\(name)\">" + options.map { "<option value=\"\($0.0)\"\((form[name] ?? d) == $0.0 ? " selected" : "")>\($0.1)</option>" }.joined() + "</select></label>"
        }
        var h: HTML = "<form class=\"scenario\" method=\"post\" action=\"\(base)/\(urlEscape(i.id))/scenarios\">"
        if let csrf { h += "<input type=\"hidden\" name=\"csrf\" value=\"\(csrf)\">" }
        h += "<label>Name<input name=\"name\" required maxlength=\"80\" value=\"\(value("name", ""))\" placeholder=\"Travel +50 %, size +15 %\"></label>"
        h += select("kind", "Kind", [("redraw", "Redraw zones"), ("pair", "Pair schools (grade spans)")], "redraw")
        h += select("dimension", "Dimension", dimensionChoices.map { ($0, $0.replacingOccurrences(of: ":", with: ": ") + ($0.contains(":") ? " vs. the rest" : "")) }, dimensionChoices.first ?? "race")
        h += select("objective", "Objective", [("D", "Dissimilarity D"), ("H", "Information index H")], "D")
        h += "<label>Travel may grow by (%)<input name=\"travel\" type=\"number\" min=\"0\" step=\"any\" value=\"\(value("travel", "50"))\"></label>"
        h += "<label>School size may grow by (%)<input name=\"growth\" type=\"number\" min=\"0\" step=\"any\" value=\"\(value("growth", "15"))\"></label>"
        h += "<label>… and shrink by (%, blank: any)<input name=\"shrink\" type=\"number\" min=\"0\" max=\"100\" step=\"any\" value=\"\(value("shrink", "15"))\"></label>"
        h += select("contiguity", "Contiguity", [("on", "on: zones stay in one piece"), ("off", "off")], "on")
        h += "<label>Seed<input name=\"seed\" type=\"number\" min=\"0\" value=\"\(value("seed", "1"))\"></label>"
        h += "<label>Count students beyond (distance)<input name=\"beyond\" type=\"number\" min=\"0\" step=\"any\" value=\"\(value("beyond", ""))\"></label>"
        h += "<label>Pairs: schools at most … apart (blank: automatic)<input name=\"drive\" type=\"number\" min=\"0\" step=\"any\" value=\"\(value("drive", ""))\"></label>"
        h += select("groupSize", "Pairs: group size", [("2", "pairs"), ("3", "triples"), ("2,3", "pairs and triples")], "2")
        h += "<label>Pairs: grades taught<input name=\"grades\" value=\"\(value("grades", "K,1,2,3,4,5"))\"></label>"
        return h + "<div class=\"wide\"><button type=\"submit\">Run</button> <span class=\"note\">Runs in the background; the page shows its progress.</span></div></form>"
    }

    /// A run in progress (the page reloads itself each second) or one that failed.
    public func job(instance: Instance, _ job: Job) -> HTML {
        var h: HTML = "<h1>\(job.name)</h1><p class=\"note\">\(instance.name)</p>"
        if let failure = job.failure {
            h += "<p class=\"bad\">The run failed: \(failure)</p><p><a href=\"\(base)/\(urlEscape(instance.id))\">Back to the instance</a></p>"
            return shell(job.name, h)
        }
        if let ahead = job.ahead {
            h += "<p>Waiting for a free worker: \(ahead == 0 ? "next to run" : "\(ahead) run\(ahead == 1 ? "" : "s") ahead"). This page reloads itself.</p>"
            return shell(job.name, refresh: 2, h)
        }
        let share = Double(job.done) / Double(max(1, job.total))
        h += "<p><progress max=\"\(max(1, job.total))\" value=\"\(min(job.done, job.total))\">\(Format.percent(share, digits: 0))</progress></p>"
        h += "<p>\(Format.percent(share, digits: 0)) of the planned moves tried (\(Format.count(job.done)) of \(Format.count(job.total))). This page reloads itself.</p>"
        return shell(job.name, refresh: 1, h)
    }

    /// One scenario.
    public func scenario(instance: Instance, _ d: Detail) -> HTML {
        let s = d.scenario, f = s.figures
        var h: HTML = "<h1>\(s.name)</h1><p class=\"note\">\(instance.name) · \(s.kind == "pair" ? "school pairing" : "redrawn zones") · \(s.settings) · run \(s.runAt) by \(s.runBy)</p>"
        var cards = Cards()
        cards.add("\(Format.fixed(f.before.D, 3)) → \(Format.fixed(f.after.D, 3))", "dissimilarity D (\(f.dimension)), \(Self.change(f.before.D, f.after.D))")
        cards.add("\(Format.count(f.studentsMoved))", "students change school (\(Format.percent(Double(f.studentsMoved) / Double(max(1, f.students))))), \(Format.count(f.unitsMoved)) units")
        cards.add("\(Format.fixed(f.travelBefore, 2)) → \(Format.fixed(f.travelAfter, 2))", "mean travel")
        if let n = f.newlyBeyond, let b = f.beyond { cards.add("\(Format.count(n))", "students newly beyond \(Format.fixed(b, 2)): transportation needed") }
        cards.add(f.feasible ? "met" : "not met", "every limit", tone: f.feasible ? "ok" : "bad")
        h += cards.html
        if !d.groupsProposed.isEmpty { h += "<h2>Schools paired</h2><ul>" + d.groupsProposed.map { "<li>\($0)</li>" }.joined() + "</ul>" }
        if !d.violations.isEmpty { h += "<h2>Limits not met</h2><ul>" + d.violations.map { "<li class=\"bad\">\($0)</li>" }.joined() + "</ul>" }
        h += "<h2>Maps</h2><div class=\"map\">\(d.map)</div>"
        h += "<p><a href=\"\(base)/\(urlEscape(instance.id))/scenarios/\(urlEscape(s.id))/assignment.csv\">Download the assignment (CSV: unit, school today, school after)</a></p>"
        h += "<h2>By group</h2>\(scrollRegion)" + DataTable(caption: "Students, moves and mean travel by group (\(f.dimension))",
                                                              header: ["group", "students", "moved", "travel today", "travel after"], rows: d.groups, numeric: [1, 2, 3, 4]).html + "</div>"
        if !d.transport.isEmpty, let b = f.beyond {
            h += "<h2>Transportation</h2>\(scrollRegion)" + DataTable(caption: "Students travelling farther than \(Format.fixed(b, 2))",
                                                                         header: ["group", "beyond today", "beyond after", "newly beyond"], rows: d.transport, numeric: [1, 2, 3]).html + "</div>"
        }
        h += "<h2>By school</h2>\(scrollRegion)" + DataTable(caption: "Each school's students and its distance from the district's composition (½ Σ |p − P|)",
                                                               header: d.schoolsHeader, rows: d.schools, numeric: Set(1..<d.schoolsHeader.count).subtracting([4])).html + "</div>"
        h += "<h2>How this was computed</h2><p class=\"note\">The same figures: <code>\(d.command)</code>. Counts in this page are not suppressed: it is for the district's staff.</p>"
        return shell(s.name, h)
    }
}
