import MosaicCore
import MosaicSchedule
import MosaicDiagnostic

/// A school's schoolwide-enrichment pages: participation over the year against the
/// school's goal, by group (everyone; the public through the suppression policy); for
/// staff, the rounds and a form to start one, and a round's cluster proposals, survey,
/// assignment and its forms. Plain data in, HTML out: the server assigns.
public struct EnrichmentPage: Sendable {
    public struct RoundSummary: Sendable {
        public var id: String, name: String, status: String, goal: Double
        public init(id: String, name: String, status: String, goal: Double) {
            self.id = id
            self.name = name
            self.status = status
            self.goal = goal
        }
    }

    /// A proposed cluster, as the round keeps it.
    public typealias Cluster = EnrichmentRound.Cluster

    /// What the assignment did, as `mosaic schedule enrichment` reports it.
    public struct Assignment: Sendable {
        public var placed: Int, surveyed: Int, rankSum: Int, bound: Int, optimal: Bool
        /// Students per choice rank, first choice first.
        public var ranks: [Int]
        public var closed: [String]
        /// Open clusters: id, size, and the counts of each group of each limited dimension.
        public var clusters: [(id: String, size: Int, groups: [String: [String: Int]])]
        public var maxShareDeviation: [String: Double]
        public var method: String
        public init(placed: Int, surveyed: Int, rankSum: Int, bound: Int, optimal: Bool, ranks: [Int], closed: [String],
                    clusters: [(id: String, size: Int, groups: [String: [String: Int]])], maxShareDeviation: [String: Double], method: String) {
            self.placed = placed
            self.surveyed = surveyed
            self.rankSum = rankSum
            self.bound = bound
            self.optimal = optimal
            self.ranks = ranks
            self.closed = closed
            self.clusters = clusters
            self.maxShareDeviation = maxShareDeviation
            self.method = method
        }
    }

    public struct Round: Sendable {
        public var id: String, name: String, status: String, goal: Double
        public var clusters: [Cluster]
        public var heterogeneity: [String: Double]
        public var surveyed: Int, codesIssued: Int
        public var surveyPath: String
        public var assignment: Assignment?
        /// The codes just issued (shown once).
        public var codes: [(student: String, code: String)]?
        public init(id: String, name: String, status: String, goal: Double, clusters: [Cluster], heterogeneity: [String: Double],
                    surveyed: Int, codesIssued: Int, surveyPath: String, assignment: Assignment?, codes: [(student: String, code: String)]?) {
            self.id = id
            self.name = name
            self.status = status
            self.goal = goal
            self.clusters = clusters
            self.heterogeneity = heterogeneity
            self.surveyed = surveyed
            self.codesIssued = codesIssued
            self.surveyPath = surveyPath
            self.assignment = assignment
            self.codes = codes
        }
    }

    public var district: String, term: String, termTitle: String, school: String, schoolName: String
    public var viewer: String, account: HTML
    public var staff: Bool
    public var policy: SuppressionPolicy
    public var csrf: String?
    public var message: String?
    public var rounds: [RoundSummary]
    public var participation: EnrichmentParticipation
    public var round: Round?

    public init(district: String, term: String, termTitle: String, school: String, schoolName: String, viewer: String, account: HTML,
                staff: Bool, policy: SuppressionPolicy, csrf: String?, message: String?, rounds: [RoundSummary],
                participation: EnrichmentParticipation, round: Round?) {
        self.district = district
        self.term = term
        self.termTitle = termTitle
        self.school = school
        self.schoolName = schoolName
        self.viewer = viewer
        self.account = account
        self.staff = staff
        self.policy = policy
        self.csrf = csrf
        self.message = message
        self.rounds = rounds
        self.participation = participation
        self.round = round
    }

    var base: String { "/districts/\(urlEscape(district))/terms/\(urlEscape(term))/schools/\(urlEscape(school))/enrichment" }
    var csrfField: HTML { "<input type=\"hidden\" name=\"csrf\" value=\"\(csrf ?? "")\">" }

    /// The dimensions the page shows, each split of the school's students.
    static let dimensions = [Dimension.race, .economic, .englishLearner, .disability]

    /// The rates this viewer may see, round by round (``ParticipationDisclosure``): each
    /// dimension's groups split the same students, so decided together, one overall rate
    /// per round shown only where every split shows it.
    struct Shown {
        /// Per dimension (``dimensions`` order): its groups (with students in some round).
        var groups: [[String]]
        var series: [SuppressionPolicy.ShownSeries]
        var totals: [Double?] { series.first?.totals ?? [] }
    }

    var shownRates: Shown {
        let p = participation
        func count(_ c: EnrichmentParticipation.Count?) -> SuppressionPolicy.RateCount { (c?.placed ?? 0, c?.students ?? 0) }
        let splits = ParticipationDisclosure.splits(points: p.points.count, Self.dimensions) { t, d, g in p.points[t].groups[d.rawValue]?[g].map(count) }
        let disclosure = ParticipationDisclosure(policy: staff ? nil : policy)
        return Shown(groups: splits.map(\.groups), series: disclosure.series(splits.map(\.rows), totals: p.points.map { count($0.total) }))
    }

    public var html: HTML {
        let schoolPage = "/districts/\(urlEscape(district))/terms/\(urlEscape(term))/schools/\(urlEscape(school))"
        var places: [SiteNavigation.Item] = [.link(schoolName, href: schoolPage)]
        if round != nil { places.append(.link("Enrichment", href: base)) }
        var h = SiteNavigation(places, viewer: viewer, account: account).html
        if let message { h += "<p class=\"widened\"><b>\(message)</b></p>" }
        if let round {
            h += "<h1>\(round.name): enrichment clusters at \(schoolName)</h1><p class=\"note\">\(termTitle) · \(round.status) · goal \(Format.percent(round.goal, digits: 0)) of students a year · for the district's staff and the school's leaders</p>"
            h += roundBody(round)
        } else {
            h += "<h1>Enrichment: \(schoolName)</h1><p class=\"note\">\(termTitle) · clusters every student can join, chosen from their interests and mixed by ability and income</p>"
        }
        h += participationSection
        if round == nil && staff { h += roundsSection }
        return Dashboard.standalone(title: "Enrichment: \(schoolName) — Mosaic", css: HTMLReport.kpiCSS + AutoEnrollmentPage.css, body: h)
    }

    /// Participation after each round of the year, by group, against the goal.
    var participationSection: HTML {
        let p = participation
        var h: HTML = "<h2>Participation this year against the goal</h2>"
        guard let last = p.points.last else {
            return h + "<p>No round of this school year has been assigned yet: participation is 0 % against a goal of \(Format.percent(p.goal, digits: 0)).</p>"
        }
        let shown = shownRates
        let overall = shown.totals.last ?? nil
        var cards = Cards()
        cards.add("\(rateCell(overall, of: last.total.students))", "of the school's students in a cluster this year, after \(last.round) (goal \(Format.percent(p.goal, digits: 0)))")
        // How many more students reach the goal gives the count placed back: shown with the rate only.
        if let r = overall {
            cards.add("\(r >= p.goal ? "met" : Format.count(Int((p.goal * Double(last.total.students)).rounded(.up)) - last.total.placed) + " more")", "\(r >= p.goal ? "the goal is met" : "students to reach the goal")")
        }
        h += cards.html
        if !staff {
            h += "<p class=\"note\">Public view: a rate is hidden where its counts are under \(policy.minimumN), where it would give a hidden group's back, or where it moved by fewer than \(policy.minimumN) students from another round shown.</p>"
        }
        for (k, dimension) in Self.dimensions.enumerated() {
            let groups = shown.groups[k], series = shown.series[k]
            let header = ["after round", "all"] + groups.map(groupLabel)
            let rows = p.points.enumerated().map { t, pt in
                [pt.round, rateCell(series.totals[t], of: pt.total.students)]
                    + groups.enumerated().map { g, group in rateCell(series.cells[t][g], of: pt.groups[dimension.rawValue]?[group]?.students ?? 0) }
            }
            h += "\(scrollRegion)\(DataTable(caption: "\(dimension.title): share of students in a cluster this year", header: header, rows: rows, numeric: Set(1...(groups.count + 1))).html)</div>"
            if dimension == .race { h += chart(groups: groups, series: series) }
        }
        return h
    }

    /// Bars per group after the latest round, the goal as a line.
    func chart(groups: [String], series: SuppressionPolicy.ShownSeries) -> HTML {
        guard let last = participation.points.last, let rates = series.cells.last else { return "" }
        let labelW = 150.0, plotW = 480.0, barH = 18.0
        let height = Double(groups.count + 1) * (barH + 6) + 30
        var svg: HTML = "<svg role=\"img\" aria-label=\"Share of each group in a cluster this year, against the goal\" width=\"\(Int(labelW + plotW + 70))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(labelW + plotW + 70)) \(Int(height))\">"
        let rows: [(String, Double?, Int)] = [("All students", series.totals.last ?? nil, last.total.students)]
            + groups.enumerated().map { (groupLabel($1), rates[$0], last.groups[Dimension.race.rawValue]?[$1]?.students ?? 0) }
        for (k, row) in rows.enumerated() {
            let y = Double(k) * (barH + 6)
            svg += "<text x=\"\(fmt(labelW - 8))\" y=\"\(fmt(y + barH - 4))\" font-size=\"12\" text-anchor=\"end\">\(row.0)</text>"
            let shown = rateCell(row.1, of: row.2)
            if let r = row.1 {
                svg += "<rect x=\"\(fmt(labelW))\" y=\"\(fmt(y))\" width=\"\(fmt(plotW * r))\" height=\"\(fmt(barH))\" fill=\"\(k == 0 ? "#444" : GroupColour.of(groups[k - 1]))\"><title>\(row.0): \(shown)</title></rect>"
                svg += "<text x=\"\(fmt(labelW + plotW * r + 4))\" y=\"\(fmt(y + barH - 4))\" font-size=\"11\">\(shown)</text>"
            } else {
                svg += "<text x=\"\(fmt(labelW + 4))\" y=\"\(fmt(y + barH - 4))\" font-size=\"11\" fill=\"#666\">\(shown)</text>"
            }
        }
        let gx = labelW + plotW * participation.goal
        svg += "<line x1=\"\(fmt(gx))\" y1=\"0\" x2=\"\(fmt(gx))\" y2=\"\(fmt(height - 22))\" stroke=\"#D55E00\" stroke-width=\"2\" stroke-dasharray=\"5 3\"/>"
        svg += "<text x=\"\(fmt(gx))\" y=\"\(fmt(height - 8))\" font-size=\"11\" text-anchor=\"middle\" fill=\"#D55E00\">goal \(Format.percent(participation.goal, digits: 0))</text></svg>"
        return "<figure>\(svg)</figure>"
    }

    var roundsSection: HTML {
        var h: HTML = "<h2>Rounds</h2>"
        if rounds.isEmpty { h += "<p>No round yet this term.</p>" } else {
            h += "<ul>" + rounds.map { "<li><a href=\"\(base)/\(urlEscape($0.id))\">\($0.name)</a> — \($0.status)</li>" }.joined() + "</ul>"
        }
        h += "<h3>Start a round</h3><form class=\"policy\" method=\"post\" action=\"\(base)\">\(csrfField)"
        h += "<label>Name<input name=\"name\" placeholder=\"Fall clusters\" required></label>"
        h += "<label>Goal (% of students a year)<input name=\"goal\" type=\"number\" min=\"1\" max=\"100\" value=\"40\"></label>"
        h += "<label>Ability mix limit (pp)<input name=\"ability\" type=\"number\" min=\"0\" max=\"100\" value=\"15\"></label>"
        h += "<label>Income mix limit (pp)<input name=\"economic\" type=\"number\" min=\"0\" max=\"100\" value=\"15\"></label>"
        return h + "<button type=\"submit\">Start</button></form><p class=\"note\">A mix limit keeps every cluster's share of each ability level (the school's terciles of its assessment scores) or income group within that many points of the share among all placed students; leave it empty for none.</p>"
    }

    func roundBody(_ r: Round) -> HTML {
        let path = "\(base)/\(urlEscape(r.id))"
        var h: HTML = "<h2>Clusters proposed</h2>"
        if r.clusters.isEmpty { h += "<p>None yet.</p>" } else {
            let rows = r.clusters.map { [$0.id, $0.title, $0.titleEs ?? "–", "\($0.min)–\($0.max)", $0.proposedBy] }
            h += "\(scrollRegion)\(DataTable(caption: "Clusters and their sizes", header: ["cluster", "title", "título", "students", "proposed by"], rows: rows, numeric: [3]).html)</div>"
        }
        if r.status != "assigned" {
            h += "<form class=\"policy\" method=\"post\" action=\"\(path)/clusters\">\(csrfField)"
            h += "<label>Id<input name=\"id\" placeholder=\"robotics\" required pattern=\"[a-z0-9][a-z0-9-]*\"></label><label>Title<input name=\"title\" required></label>"
            h += "<label>Title in Spanish<input name=\"titleEs\"></label><label>Smallest<input name=\"min\" type=\"number\" min=\"0\" value=\"8\"></label>"
            h += "<label>Largest<input name=\"max\" type=\"number\" min=\"1\" value=\"20\"></label><button type=\"submit\">Propose</button></form>"
        }
        h += "<h2>Interest survey</h2>"
        switch r.status {
        case "proposing":
            h += "<p>When the clusters are proposed, open the survey: every student of the school gets a code to answer it, in English or Spanish, at <code>\(r.surveyPath)</code>.</p>"
            h += "<form method=\"post\" action=\"\(path)/survey\">\(csrfField)<button type=\"submit\">Open the survey and issue codes</button></form>"
        default:
            // "of N" only when N codes were given out: answers entered without codes (or
            // before new codes replaced the old) never read "308 of 0".
            let of = r.codesIssued >= r.surveyed && r.codesIssued > 0 ? " of the \(Format.count(r.codesIssued)) given a code" : ""
            h += "<p>\(Format.count(r.surveyed)) student\(r.surveyed == 1 ? " has" : "s have") answered\(of) at <a href=\"\(r.surveyPath)\">\(r.surveyPath)</a> (<a href=\"\(r.surveyPath)?lang=es\">en español</a>).</p>"
            if r.status == "surveying" {
                h += "<form method=\"post\" action=\"\(path)/assign\">\(csrfField)<button type=\"submit\">Run the assignment</button></form>"
                h += "<details><summary>Issue new codes (the old ones stop working)</summary><form method=\"post\" action=\"\(path)/survey\">\(csrfField)<button type=\"submit\">Issue new codes</button></form></details>"
            }
        }
        if let codes = r.codes {
            let rows = codes.map { [$0.student, $0.code] }
            h += "<details open><summary>Survey codes (\(codes.count)) — print or copy them now: they are not kept</summary>\(scrollRegion)\(DataTable(caption: "Each student's survey code", header: ["student", "code"], rows: rows, numeric: []).html)</div></details>"
        }
        if let a = r.assignment {
            h += "<h2>Assignment</h2>"
            var cards = Cards()
            cards.add("\(Format.count(a.placed)) of \(Format.count(a.surveyed))", "students placed in a cluster they chose")
            if let first = a.ranks.first { cards.add("\(a.placed > 0 ? Format.percent(Double(first) / Double(a.placed)) : "–")", "got their first choice") }
            cards.add("\(Format.count(a.rankSum))", "rank sum — \(a.optimal ? "proven optimal" : "no assignment placing as many can do better than \(Format.count(a.bound))")")
            h += cards.html
            h += "<p>" + a.ranks.enumerated().map { "\(Format.count($0.element)) got choice \($0.offset + 1)" }.joined(separator: " · ") + "</p>"
            for (d, x) in a.maxShareDeviation.sorted(by: { $0.key < $1.key }) {
                h += "<p>\(d): every open cluster within \(Format.percent(x)) of the placed students' shares\(r.heterogeneity[d].map { " (limit \(Format.percent($0)))" } ?? "").</p>"
            }
            if !a.closed.isEmpty { h += "<p>Closed (too few students to reach their minimum): \(a.closed.joined(separator: ", ")).</p>" }
            let dims = a.maxShareDeviation.keys.sorted()
            let rows = a.clusters.map { c in
                [c.id, "\(c.size)"] + dims.map { d in (c.groups[d] ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") }
            }
            h += "\(scrollRegion)\(DataTable(caption: "Open clusters", header: ["cluster", "students"] + dims, rows: rows, numeric: [1]).html)</div>"
            h += "<p class=\"note\">\(a.method). The same assignment: <code>mosaic schedule enrichment</code> on the round's instance (seed 0).</p>"
        }
        return h
    }
}
