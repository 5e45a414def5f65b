import MosaicCore
import MosaicDiagnostic

/// A school's open-honors page: who takes honors credit in its open-honors classes, by
/// group, term by week; by course (and, for staff, by class); the default-opt-out scenario;
/// and, for the district's staff and the school's leaders, the forms that record a
/// student's opt-in or opt-out during the add/drop window. Plain data in, HTML out.
///
/// The public sees rates only, through ``ParticipationDisclosure`` (the rate rule, hidden
/// complements, and no small change between two weeks shown), on weekly dates only, the
/// school's by group and each course's overall; no class, student or scenario.
public struct OpenHonorsPage: Sendable {
    /// One open-honors class and each enrolled student's standing on the page's date.
    public struct ClassRoll: Sendable {
        public var id: String
        public var title: String
        public var students: [(id: String, status: String)]

        public init(id: String, title: String, students: [(id: String, status: String)]) {
            self.id = id
            self.title = title
            self.students = students
        }
    }

    public var district: String
    public var term: String
    public var termTitle: String
    public var school: String
    public var schoolName: String
    public var viewer: String
    public var account: HTML
    /// Staff (district or the school's leaders): unsuppressed, with classes, scenario and forms.
    public var staff: Bool
    public var policy: SuppressionPolicy
    public var dimension: Dimension
    /// The school's participation on each week's date, oldest first; the last is the page's date.
    public var series: [OpenHonorsParticipation]
    public var scenario: DefaultOptOutScenario?
    public var windowStart: String
    public var windowEnd: String
    public var classes: [ClassRoll]
    public var csrf: String?
    public var message: String?
    public var defaultDate: String
    /// Whether the series reaches the term's last day (no week will follow it): the public
    /// view holds the latest week back until the next one is known, unless it has.
    public var ended = false

    public init(district: String, term: String, termTitle: String, school: String, schoolName: String, viewer: String, account: HTML,
                staff: Bool, policy: SuppressionPolicy, dimension: Dimension, series: [OpenHonorsParticipation],
                scenario: DefaultOptOutScenario?, windowStart: String, windowEnd: String, classes: [ClassRoll],
                csrf: String?, message: String?, defaultDate: String) {
        self.district = district
        self.term = term
        self.termTitle = termTitle
        self.school = school
        self.schoolName = schoolName
        self.viewer = viewer
        self.account = account
        self.staff = staff
        self.policy = policy
        self.dimension = dimension
        self.series = series
        self.scenario = scenario
        self.windowStart = windowStart
        self.windowEnd = windowEnd
        self.classes = classes
        self.csrf = csrf
        self.message = message
        self.defaultDate = defaultDate
    }

    var base: String { "/districts/\(urlEscape(district))/terms/\(urlEscape(term))/schools/\(urlEscape(school))" }

    /// What this viewer may see of the page's rates (``ParticipationDisclosure``).
    var disclosure: ParticipationDisclosure { ParticipationDisclosure(policy: staff ? nil : policy) }

    /// The page's rates as the viewer may see them. Every dimension's groups, and the
    /// school's courses, split the same enrolments week by week: decided together, so the
    /// overall rate of a week is shown only where every split shows it.
    struct Shown {
        /// The page's dimension's groups, in order.
        var groups: [String]
        /// Week × group (the page's dimension), and each week's overall rate.
        var series: SuppressionPolicy.ShownSeries
        /// Each course of the last week (in `series.last.courses` order): its overall rate.
        var courses: [Double?]
    }

    var shownRates: Shown {
        func count(_ c: OpenHonorsParticipation.GroupCount?) -> SuppressionPolicy.RateCount { (c?.optedIn ?? 0, c?.enrolled ?? 0) }
        let totals = series.map { count($0.district.total) }
        let splits = ParticipationDisclosure.splits(points: series.count) { t, d, g in series[t].district.groups[d.rawValue]?[g].map(count) }
        let page = splits.firstIndex { $0.dimension == dimension } ?? 0
        let courses = Set(series.flatMap { $0.courses.map(\.id) }).sorted()
        let byCourseRows = series.map { p in courses.map { id in count(p.courses.first { $0.id == id }?.total) } }
        let decided = disclosure.series(splits.map(\.rows) + [byCourseRows], totals: totals, cadence: .weekly(ended: ended))
        let lastCourses = (decided.last?.cells.last ?? [])
        let byCourse = Dictionary(uniqueKeysWithValues: zip(courses, lastCourses))
        return Shown(groups: splits[page].groups, series: decided[page], courses: (series.last?.courses ?? []).map { byCourse[$0.id] ?? nil })
    }

    /// A staff table's row (a course or class): its overall rate, then each group's.
    func staffRow(_ u: OpenHonorsParticipation.Unit, _ groups: [String]) -> [String] {
        [rateCell(u.total.rate, of: u.total.enrolled)] + groups.map { g in
            let c = u.groups[dimension.rawValue]?[g]
            return rateCell(c?.rate, of: c?.enrolled ?? 0)
        }
    }

    public var html: HTML {
        var h = SiteNavigation([.link(schoolName, href: base)], viewer: viewer, account: account).html
        h += "<h1>Open honors: \(schoolName)</h1>"
        h += "<p class=\"note\">\(termTitle) · students opt in to honors credit in their own class · add/drop window \(windowStart) to \(windowEnd)\(staff ? "" : " · public view: weekly points, with a rate hidden where its counts are under \(policy.minimumN) or it moved by fewer than \(policy.minimumN) students from another week shown")</p>"
        if let message { h += "<p class=\"widened\"><b>\(message)</b></p>" }
        guard let latest = series.last, latest.district.total.enrolled > 0 else {
            return Dashboard.standalone(title: "Open honors: \(schoolName) — Mosaic", css: HTMLReport.kpiCSS + AutoEnrollmentPage.css, body: h + "<p>This school has no open-honors class this term (a course whose level is <code>openHonors</code> in <code>mosaic_courses.csv</code>).</p>")
        }
        let total = latest.district.total
        let shown = shownRates
        var cards = Cards()
        cards.add("\(rateCell(shown.series.totals.last ?? nil, of: total.enrolled))", "of the \(staff ? Format.count(total.enrolled) + " " : "")students in open-honors classes take honors credit on \(latest.date)")
        if staff, let s = scenario {
            cards.add("\(Format.percent(s.expectedRate))", "expected if every student were in by default and free to opt out (\(s.source == "ledger" ? "the ledger's own drop-out rate, \(Format.percent(s.overallOptOutRate))" : "opt-out rate \(Format.percent(s.overallOptOutRate))"))")
        }
        h += cards.html
        h += "<form class=\"policy\" method=\"get\"><label>Groups<select name=\"dimension\">"
        h += Dimension.five.map { "<option value=\"\($0.rawValue)\"\($0 == dimension ? " selected" : "")>\($0.title)</option>" }.joined()
        h += "</select></label>"
        if staff { h += "<label>On<input type=\"date\" name=\"on\" value=\"\(latest.date)\"></label>" }
        h += "<button type=\"submit\">Show</button></form>"
        h += "<h2>Week by week, by \(dimension.title.lowercased())</h2>" + chart(shown)
        // By course (by group, and by class, for staff), on the page's date.
        let groups = shown.groups
        func rows(_ units: [OpenHonorsParticipation.Unit]) -> [[String]] { units.map { [$0.title] + staffRow($0, groups) } }
        let header = ["", "all"] + groups.map(groupLabel)
        if staff {
            h += "<h2>By course on \(latest.date)</h2>\(scrollRegion)\(DataTable(caption: "Share taking honors credit, by course and group", header: header, rows: rows(latest.courses), numeric: Set(1...(groups.count + 1))).html)</div>"
        } else {
            let courseRows = zip(latest.courses, shown.courses).map { [$0.title, rateCell($1, of: $0.total.enrolled)] }
            h += "<h2>By course on \(latest.date)</h2><p class=\"note\">Each course's share; by group for the whole school only (a course's groups are too few to show).</p>\(scrollRegion)\(DataTable(caption: "Share taking honors credit, by course", header: ["", "all"], rows: courseRows, numeric: [1]).html)</div>"
        }
        if staff {
            h += "<details><summary>By class (\(latest.classes.count))</summary>\(scrollRegion)\(DataTable(caption: "Share taking honors credit, by class and group", header: header, rows: rows(latest.classes), numeric: Set(1...(groups.count + 1))).html)</div></details>"
        }
        if staff, let s = scenario {
            let scenarioRows = s.groups.filter { $0.dimension == dimension.rawValue && $0.enrolled > 0 }.sorted { order($0.group) < order($1.group) }.map { g in
                [groupLabel(g.group), Format.count(g.enrolled), g.currentRate.map { Format.percent($0) } ?? "–", Format.percent(g.optOutRate) + (g.ownRate ? "" : " (overall)"),
                 Format.percent(g.expectedRate), Format.fixed(g.expectedOptedIn, 0)]
            }
            h += "<h2>If open honors were opt-out</h2><p>Some schools enroll every student in honors credit and let families opt out. Expected participation is 1 − the group's drop-out rate (of those who opted in, the share who left again; the overall rate where fewer than 20 of the group opted in).</p>"
            h += "\(scrollRegion)\(DataTable(caption: "Default opt-out: expected participation by group", header: ["group", "enrolled", "now", "drop-out rate", "expected", "expected students"], rows: scenarioRows, numeric: [1, 2, 3, 4, 5]).html)</div>"
        }
        if staff { h += recording }
        h += "<h2>How this is counted</h2><p class=\"note\">A student takes honors credit on a date when the ledger (<code>mosaic_open_honors.csv</code>) has her opted in on or before it and not opted out by then; the denominator is every student enrolled in the school's open-honors classes running that day. Weekly points from the first day of those classes (the fall term for a year-long class).</p>"
        return Dashboard.standalone(title: "Open honors: \(schoolName) — Mosaic", css: HTMLReport.kpiCSS + AutoEnrollmentPage.css, body: h)
    }

    func order(_ group: String) -> Int { dimension.rosterGroups.firstIndex(of: group) ?? Int.max }

    /// Opt-in and opt-out forms per class, with each student's standing.
    var recording: HTML {
        var h: HTML = "<h2>Record a choice</h2><p>During the add/drop window (\(windowStart) to \(windowEnd)) a student may opt in to honors credit in her open-honors class, or out again. Date the choice the day the family made it; choices dated outside the window, or in the future, are refused.</p>"
        for c in classes {
            h += "<details><summary>\(c.title) (\(c.students.count) students)</summary>"
            h += "<form class=\"policy\" method=\"post\" action=\"\(base)/open-honors\"><input type=\"hidden\" name=\"csrf\" value=\"\(csrf ?? "")\"><input type=\"hidden\" name=\"class\" value=\"\(c.id)\">"
            h += "<label>Student<select name=\"student\">" + c.students.map { "<option value=\"\($0.id)\">\($0.id) — \($0.status)</option>" }.joined() + "</select></label>"
            h += "<label>Choice<select name=\"choice\"><option value=\"in\">opts in</option><option value=\"out\">opts out</option></select></label>"
            h += "<label>On<input type=\"date\" name=\"date\" value=\"\(defaultDate)\" min=\"\(windowStart)\" max=\"\(windowEnd)\"></label><button type=\"submit\">Record</button></form>"
            h += "\(scrollRegion)<table><caption>\(c.id)</caption><thead><tr><th scope=\"col\">Student</th><th scope=\"col\">Standing</th></tr></thead><tbody>"
            for s in c.students { h += "<tr><th scope=\"row\">\(s.id)</th><td>\(s.status)</td></tr>" }
            h += "</tbody></table></div></details>"
        }
        return h
    }

    /// One line per group: the share taking honors credit, week by week.
    func chart(_ shown: Shown) -> HTML {
        let dates = series.map(\.date)
        guard dates.count >= 1 else { return "" }
        let columns = shown.groups
        let groups = columns.filter { $0 != "unknown" }
        let left = 50.0, width = 620.0, top = 10.0, height = 220.0
        func x(_ i: Int) -> Double { dates.count == 1 ? left + width / 2 : left + width * Double(i) / Double(dates.count - 1) }
        func y(_ v: Double) -> Double { top + height * (1 - v) }
        var svg: HTML = "<svg role=\"img\" aria-label=\"Share taking honors credit by group, week by week\" width=\"\(Int(left + width + 20))\" height=\"\(Int(top + height + 40))\" viewBox=\"0 0 \(Int(left + width + 20)) \(Int(top + height + 40))\">"
        for t in stride(from: 0.0, through: 1.0, by: 0.25) {
            svg += "<line x1=\"\(fmt(left))\" y1=\"\(fmt(y(t)))\" x2=\"\(fmt(left + width))\" y2=\"\(fmt(y(t)))\" stroke=\"#ddd\"/><text x=\"\(fmt(left - 6))\" y=\"\(fmt(y(t) + 4))\" font-size=\"11\" text-anchor=\"end\">\(Int(t * 100))%</text>"
        }
        let step = max(1, dates.count / 6)
        for (i, d) in dates.enumerated() where i == 0 || i == dates.count - 1 || (i % step == 0 && dates.count - 1 - i >= step / 2 + 1) {
            svg += "<text x=\"\(fmt(x(i)))\" y=\"\(fmt(top + height + 18))\" font-size=\"11\" text-anchor=\"middle\">\(String(d.dropFirst(5)))</text>"
        }
        var tableRows: [[String]] = []
        for g in groups {
            let colour = GroupColour.of(g)
            let column = columns.firstIndex(of: g)!
            let values = shown.series.cells.map { $0[column] }
            // Weeks hidden in this view are skipped: the line joins the weeks shown, each a dot.
            var path = ""
            for (i, v) in values.enumerated() {
                guard let v else { continue }
                path += (path.isEmpty ? "M" : "L") + "\(fmt(x(i))),\(fmt(y(v))) "
                if !staff { svg += "<circle cx=\"\(fmt(x(i)))\" cy=\"\(fmt(y(v)))\" r=\"2.5\" fill=\"\(colour)\"/>" }
            }
            if !path.isEmpty { svg += "<path d=\"\(path)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\"><title>\(groupLabel(g))</title></path>" }
            if let i = values.lastIndex(where: { $0 != nil }), let v = values[i] {
                svg += "<circle cx=\"\(fmt(x(i)))\" cy=\"\(fmt(y(v)))\" r=\"3\" fill=\"\(colour)\"><title>\(groupLabel(g)) on \(dates[i]): \(Format.percent(v))</title></circle>"
            }
        }
        for (t, s) in series.enumerated() {
            tableRows.append([s.date, rateCell(shown.series.totals[t], of: s.district.total.enrolled)]
                             + columns.enumerated().map { c, g in rateCell(shown.series.cells[t][c], of: s.district.groups[dimension.rawValue]?[g]?.enrolled ?? 0) })
        }
        let drawn = groups.contains { g in shown.series.cells.contains { $0[columns.firstIndex(of: g)!] != nil } }
        if !drawn {
            svg += "<text x=\"\(fmt(left + width / 2))\" y=\"\(fmt(top + height / 2))\" font-size=\"13\" text-anchor=\"middle\" fill=\"#555\">Every group's line is hidden in this view: some groups are too small to show.</text>"
        }
        svg += "</svg>"
        var legend: HTML = "<div class=\"legend\">"
        for g in groups { legend += "<span><i style=\"background:\(GroupColour.of(g))\"></i>\(groupLabel(g))</span>" }
        legend += "</div>"
        let table = DataTable(caption: "Share taking honors credit by week", header: ["date", "all"] + columns.map(groupLabel), rows: tableRows,
                              numeric: Set(1...(columns.count + 1)))
        // Say how much of the series the public view shows, and why the rest is hidden.
        var caption: HTML = ""
        if !staff {
            let present = groups.map { g in columns.firstIndex(of: g)! }
            let cells = series.indices.flatMap { t in present.filter { (series[t].district.groups[dimension.rawValue]?[columns[$0]]?.enrolled ?? 0) > 0 }.map { (t, $0) } }
            let shownCount = cells.filter { shown.series.cells[$0.0][$0.1] != nil }.count
            caption = "<figcaption>Public view: \(shownCount) of \(cells.count) weekly group rates shown. A week's rate is hidden when its counts are under \(policy.minimumN), when it would give a hidden group's back, or when it moved by fewer than \(policy.minimumN) students from a week already shown (subtracting the two would tell how many opted in); most choices are made in the add/drop window, a few a week.</figcaption>"
        }
        return "<figure>\(legend)\(svg)\(caption)<details><summary>Data table</summary>\(scrollRegion)\(table.html)</div></details></figure>"
    }
}
