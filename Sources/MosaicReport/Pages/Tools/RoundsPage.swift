import Foundation
import MosaicChoice
import MosaicCore

/// The enrollment office's application rounds in the browser: the list and a new round,
/// one round (its schools and reserves, the applications file, runs), and one run (its
/// result, each school's cutoff, publishing, and the answer to a family's "why not").
/// Forms post with the session's CSRF token; nothing here needs an API token.
public struct RoundsPage: Sendable {
    /// A round as the list shows it.
    public struct Summary: Sendable {
        public var id: String, name: String, term: String, status: String
        public var applications: Int, runs: Int, published: String?
        public init(id: String, name: String, term: String, status: String, applications: Int, runs: Int, published: String?) {
            self.id = id
            self.name = name
            self.term = term
            self.status = status
            self.applications = applications
            self.runs = runs
            self.published = published
        }
    }

    /// A stored run as the round's page lists it.
    public struct Run: Sendable {
        public var id: String, mechanism: String, seed: UInt64, inputSha256: String, runAt: Date, runBy: String, published: Bool
        public init(id: String, mechanism: String, seed: UInt64, inputSha256: String, runAt: Date, runBy: String, published: Bool) {
            self.id = id
            self.mechanism = mechanism
            self.seed = seed
            self.inputSha256 = inputSha256
            self.runAt = runAt
            self.runBy = runBy
            self.published = published
        }
    }

    public var site: Dashboard.Site
    public var viewer: String
    public var account: HTML
    public var csrf: String
    /// A message above the page: what was done, or why not (`problem`).
    public var message: String?
    public var problems: [String] = []
    /// Schools' names by id (the round and its results name schools by id).
    public var schoolNames: [String: String] = [:]

    func schoolName(_ id: String) -> String { schoolNames[id].map { "\($0) (\(id))" } ?? id }

    public init(site: Dashboard.Site, viewer: String, account: HTML, csrf: String, message: String? = nil, problems: [String] = []) {
        self.site = site
        self.viewer = viewer
        self.account = account
        self.csrf = csrf
        self.message = message
        self.problems = problems
    }

    var base: String { "/districts/\(urlEscape(site.district))/rounds" }

    func navigation(_ trail: [(String, String?)]) -> HTML {
        var items: [SiteNavigation.Item] = [.label(site.name)]
        for (label, href) in trail { items.append(href.map { .link(label, href: $0) } ?? .link(label, href: "#main", current: true)) }
        return SiteNavigation(items, viewer: viewer, account: account).html
    }

    var notice: HTML {
        var h: HTML = ""
        if let message { h += "<p class=\"\(problems.isEmpty ? "done" : "problem")\" role=\"status\">\(message)</p>" }
        if !problems.isEmpty {
            h += "<ul class=\"problems\">" + problems.prefix(200).map { "<li><code>\($0)</code></li>" as HTML }.joined() + "</ul>"
            if problems.count > 200 { h += "<p class=\"note\">… and \(problems.count - 200) more problems.</p>" }
        }
        return h
    }

    var token: HTML { "<input type=\"hidden\" name=\"csrf\" value=\"\(csrf)\">" }

    static func status(_ s: String) -> String {
        switch s {
        case "open": "open for applications"
        case "matched": "matched, not yet published"
        case "published": "published to families"
        default: s
        }
    }

    // MARK: The list

    /// Every round of the district and the form for a new one: its name, the term, and for
    /// each school of the term its seats (blank: not in the round), with a share of every
    /// school's seats reserved for economically disadvantaged students (soft reserves,
    /// filled first; Dur, Kominers, Pathak & Sönmez 2018).
    public func list(_ rounds: [Summary], schools: [(id: String, name: String)], terms: [Dashboard.Term]) -> HTML {
        var h = navigation([("Application rounds", nil)])
        h += "<h1>Application rounds</h1>" + notice
        if rounds.isEmpty {
            h += "<p>No round yet.</p>"
        } else {
            h += scrollRegion + "<table><caption>\(rounds.count) round\(rounds.count == 1 ? "" : "s")</caption><thead><tr><th scope=\"col\">Round</th><th scope=\"col\">Term</th><th scope=\"col\">Status</th><th scope=\"col\" class=\"n\">Applications</th><th scope=\"col\" class=\"n\">Runs</th><th scope=\"col\">Families</th></tr></thead><tbody>"
            for r in rounds {
                let families: HTML = r.status == "open" ? "<a href=\"/apply/\(urlEscape(site.district))/\(urlEscape(r.id))\">Application form</a>"
                    : r.published != nil ? "<a href=\"/apply/\(urlEscape(site.district))/\(urlEscape(r.id))/result\">Result look-up</a>" : "–"
                h += "<tr><th scope=\"row\"><a href=\"\(base)/\(urlEscape(r.id))\">\(r.name)</a></th><td>\(r.term)</td><td>\(Self.status(r.status))</td><td class=\"n\">\(r.applications)</td><td class=\"n\">\(r.runs)</td><td>\(families)</td></tr>"
            }
            h += "</tbody></table></div>"
        }
        h += "<section aria-labelledby=\"new-round\"><h2 id=\"new-round\">A new round</h2>"
        h += "<form method=\"post\" action=\"\(base)\" class=\"tool\">\(token)"
        h += "<label>Name <input name=\"name\" required maxlength=\"120\" placeholder=\"Kindergarten 2027\"></label>"
        h += "<label>Name in Spanish, for the families' pages (optional) <input name=\"nameEs\" maxlength=\"120\" placeholder=\"Kínder 2027\" lang=\"es\"></label>"
        h += "<label>Term <select name=\"term\">" + terms.reversed().map { "<option value=\"\($0.id)\">\($0.title)</option>" as HTML }.joined() + "</select></label>"
        h += "<label>Share of each school's seats reserved for economically disadvantaged students (%) <input name=\"reserve\" type=\"number\" min=\"0\" max=\"100\" value=\"0\"></label>"
        h += "<p class=\"note\">Reserved seats go first to the group, then to anyone (soft reserves, filled before open seats). Priority: sibling, then zone, then everyone else, with one lottery number each.</p>"
        h += "<fieldset><legend>Seats per school (leave blank for a school not in this round)</legend><div class=\"seats\">"
        for s in schools {
            h += "<label>\(s.name) <input name=\"seats_\(s.id)\" type=\"number\" min=\"1\" max=\"100000\" inputmode=\"numeric\"></label>"
        }
        h += "</div></fieldset><button type=\"submit\">Create the round</button></form></section>"
        return Dashboard.standalone(title: "Application rounds — \(site.name) — Mosaic", css: Self.css, body: h)
    }

    // MARK: One round

    /// A round: its schools and reserves, the applications file (upload: all of it or
    /// nothing, every problem as `applications.csv:line: what`), its runs and a new run.
    /// `codes`: the families' reference and code, shown once after an upload.
    public func round(id: String, record: Summary, definition: RoundDefinition, sources: [String: Int], runs: [Run], codes: String? = nil,
                      recovered: (applicant: String, reference: String, code: String)? = nil) -> HTML {
        var h = navigation([("Application rounds", base), (definition.name, nil)])
        h += "<h1>\(definition.name)</h1><p class=\"note\">Term \(record.term) · \(Self.status(record.status)) · \(record.applications) application\(record.applications == 1 ? "" : "s")"
        if !sources.isEmpty { h += " (" + sources.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key == "upload" ? "uploaded" : $0.key == "online" ? "online" : $0.key)" }.joined(separator: ", ") + ")" }
        h += "</p>" + notice
        if let codes {
            let lines = codes.split(separator: "\n").count - 1
            h += "<section class=\"codes\" aria-labelledby=\"codes\"><h2 id=\"codes\">The families' codes — shown this once</h2><p>Each family needs its reference and code to see its result. Mosaic keeps only a hash of each code: download the \(lines) codes now for the letters.</p>"
            h += "<p><a download=\"codes-round-\(id).csv\" href=\"data:text/csv;charset=utf-8;base64,\(Data(codes.utf8).base64EncodedString())\">Download the codes (CSV)</a></p></section>"
        }
        // Schools and reserves.
        var rows: [[String]] = []
        for s in definition.schools {
            let reserves = (s.reserves ?? []).map { "\($0.seats) \($0.name) (\($0.kind))" }.joined(separator: "; ")
            rows.append([schoolName(s.id), "\(s.capacity)", reserves.isEmpty ? "–" : reserves])
        }
        h += scrollRegion + DataTable(caption: "\(definition.schools.count) schools", header: ["School", "Seats", "Reserved seats"], rows: rows, numeric: [1]).html + "</div>"
        if record.status == "open" {
            h += "<section aria-labelledby=\"upload\"><h2 id=\"upload\">Applications</h2>"
            h += "<p>Upload the applications file: <code>student_id</code>, <code>prefs</code> (school ids, most preferred first, separated by <code>;</code>), and optionally <code>sibling</code>, <code>zones</code>, <code>lottery</code> and group columns (<code>economic</code>, <code>race</code>…). The whole file is checked first: one problem and nothing is stored. A new file replaces the last uploaded one; applications families made online stay.</p>"
            h += "<form method=\"post\" action=\"\(base)/\(urlEscape(id))/applications\" enctype=\"multipart/form-data\" class=\"tool\">\(token)"
            h += "<label>Applications file (CSV) <input type=\"file\" name=\"file\" accept=\".csv,text/csv\" required></label><button type=\"submit\">Check and store</button></form></section>"
        }
        h += "<section aria-labelledby=\"runs\"><h2 id=\"runs\">Runs</h2>"
        if runs.isEmpty { h += "<p>No run yet.</p>" } else {
            h += scrollRegion + "<table><caption>\(runs.count) run\(runs.count == 1 ? "" : "s"), newest first</caption><thead><tr><th scope=\"col\">Run</th><th scope=\"col\">Mechanism</th><th scope=\"col\" class=\"n\">Seed</th><th scope=\"col\">When, by whom</th><th scope=\"col\">Published</th></tr></thead><tbody>"
            for r in runs.sorted(by: { $0.runAt > $1.runAt }) {
                h += "<tr><th scope=\"row\"><a href=\"\(base)/\(urlEscape(id))/runs/\(urlEscape(r.id))\">Run \(r.id)</a></th><td>\(Self.mechanism(r.mechanism))</td><td class=\"n\">\(String(r.seed))</td><td>\(Self.date(r.runAt)) · \(r.runBy)</td><td>\(r.published ? "yes" : "–")</td></tr>"
            }
            h += "</tbody></table></div>"
        }
        if record.applications > 0 {
            h += "<form method=\"post\" action=\"\(base)/\(urlEscape(id))/runs\" class=\"tool\">\(token)"
            h += "<label>Mechanism <select name=\"mechanism\"><option value=\"da\">Deferred acceptance (recommended)</option><option value=\"ttc\">Top trading cycles</option><option value=\"boston\">Boston (immediate acceptance)</option></select></label>"
            h += "<label>Lottery seed (blank: drawn and recorded) <input name=\"seed\" type=\"number\" min=\"0\" max=\"4294967295\"></label>"
            h += "<button type=\"submit\">Run the match</button></form>"
            h += "<p class=\"note\">A run is kept with its exact input and seed: running it again gives the same assignment. Families see nothing until a run is published.</p>"
        }
        h += "</section>"
        // A family that lost its code: a new one, after the office has checked who they are.
        h += "<section aria-labelledby=\"recover\"><h2 id=\"recover\">A family lost its code</h2>"
        if let r = recovered {
            h += "<div class=\"codes\" role=\"status\"><p>New code for <b>\(r.applicant)</b>, shown this once — give it to the family; the old one no longer works.</p><p><b>Reference \(r.reference) · code \(r.code)</b></p></div>"
        }
        h += "<p>Check who the family is first (the child's name and date of birth, as on the application). The new code replaces the old one; the application and its choices stay.</p>"
        h += "<form method=\"post\" action=\"\(base)/\(urlEscape(id))/codes\" class=\"tool\">\(token)<label>Applicant (student id) <input name=\"applicant\" required></label><button type=\"submit\">Give a new code</button></form></section>"
        return Dashboard.standalone(title: "\(definition.name) — Application rounds — Mosaic", css: Self.css, body: h)
    }

    static func mechanism(_ m: String) -> String {
        switch m {
        case "da": "deferred acceptance"
        case "ttc": "top trading cycles"
        case "boston": "Boston"
        default: m
        }
    }

    static func date(_ d: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
        return f.string(from: d)
    }

    // MARK: One run

    /// A run's result: how many got which choice, each school's seats, reserves and cutoff,
    /// the groups' spread across schools, the CSV, publishing, and a family's "why not".
    public func run(roundID: String, roundName: String, run: Run, report: MatchReport, roundPublished: String?, explain: (String, MatchReport.Explanation?)? = nil) -> HTML {
        let roundBase = "\(base)/\(urlEscape(roundID))"
        var h = navigation([("Application rounds", base), (roundName, roundBase), ("Run \(run.id)", nil)])
        h += "<h1>\(roundName): run \(run.id)</h1>"
        h += "<p class=\"note\">\(Self.mechanism(run.mechanism)) · seed \(String(run.seed)) · input SHA-256 <code>\(String(run.inputSha256.prefix(16)))…</code> · \(Self.date(run.runAt)) by \(run.runBy)</p>" + notice
        let n = report.market.studentCount
        let assigned = report.assignment.places.compactMap { $0 }.count
        let first = report.order.filter { report.rank($0) == 1 }.count
        var cards = Cards()
        cards.add("\(assigned) of \(n)", "applicants given a seat")
        cards.add("\(n > 0 ? Format.percent(Double(first) / Double(n)) : "–")", "got their first choice")
        cards.add("\(n - assigned)", "without a seat")
        h += cards.html
        // Choices.
        let ranks = report.rankDistribution
        h += DataTable(caption: "Which choice applicants got", header: ["Choice", "Applicants"],
                       rows: ranks.map { ["\(Self.ordinal($0.0)) choice", "\($0.1)"] } + [["No seat", "\(n - assigned)"]], numeric: [1]).html
        // Schools.
        var rows: [[String]] = []
        for (s, school) in report.market.schools.enumerated() {
            let admitted = report.admitted[s]
            var seats = "\(admitted.filter { report.assignment.places[$0]?.reserve == nil }.count) open"
            for (r, reserve) in school.reserves.enumerated() {
                seats += ", \(admitted.filter { report.assignment.places[$0]?.reserve == r }.count) of \(reserve.seats) \(reserve.name)"
            }
            rows.append([schoolName(school.id), "\(school.capacity)", "\(admitted.count)", seats, report.cutoffKey(s).map(Self.cutoff) ?? "no one admitted"])
        }
        h += scrollRegion + DataTable(caption: "Schools: seats, who took them, and the cutoff (the last applicant admitted)", header: ["School", "Seats", "Assigned", "Seats by kind", "Cutoff"],
                                      rows: rows, numeric: [1, 2]).html + "</div>"
        for (dim, d, byGroup) in report.groups {
            h += "<p class=\"note\">\(Dimension(rawValue: dim)?.title ?? dim): assigned by group " + byGroup.map { "\(groupLabel($0.0)) \($0.1)" }.joined(separator: ", ")
            h += d.map { "; dissimilarity across schools D = \(Format.fixed($0, 3))" } ?? ""
            h += ".</p>"
        }
        h += "<p><a href=\"\(roundBase)/runs/\(urlEscape(run.id))/results.csv\" download>Download every applicant's result (CSV)</a></p>"
        // Publish.
        if run.published {
            h += "<p class=\"done\">This run is published: families see their result with their reference and code.</p>"
        } else {
            h += "<form method=\"post\" action=\"\(roundBase)/runs/\(urlEscape(run.id))/publish\" class=\"tool\">\(token)"
            h += roundPublished.map { "<p>Run \($0) is published now; publishing this one replaces it for every family.</p>" as HTML } ?? ""
            h += "<button type=\"submit\">Publish this run to families</button></form>"
        }
        // Why not.
        h += "<section aria-labelledby=\"why\"><h2 id=\"why\">A family asks “why not?”</h2>"
        h += "<form method=\"get\" action=\"#why\" class=\"tool\"><label>Applicant (student id) <input name=\"applicant\" required value=\"\(explain?.0 ?? "")\"></label><button type=\"submit\">Explain</button></form>"
        if let (asked, why) = explain {
            if let why {
                h += "<div class=\"finding\"><p><b>\(why.student)</b>: " + (why.assigned.map { "assigned to \(schoolName($0.school)), \(Self.ordinal($0.rank)) choice (\($0.seat) seat)." } ?? "not assigned.") as HTML
                h += "</p><ul>"
                if why.higher.isEmpty && why.assigned != nil { h += "<li>Got the first choice.</li>" }
                for c in why.higher {
                    let reason = c.belowCutoff && c.filled ? "full with applicants of higher priority"
                        : c.filled ? "full: its seats went by reserve or to applicants of higher priority"
                        : "seats were left, reserved for another group"
                    h += "<li>\(Self.ordinal(c.choice)) choice \(schoolName(c.school)): priority \(Self.cutoff(c.priority)), cutoff \(c.cutoff.map(Self.cutoff) ?? "–") — \(reason).</li>"
                }
                h += "</ul></div>"
            } else {
                h += "<p class=\"problem\">No applicant “\(asked)” in this run.</p>"
            }
        }
        h += "</section>"
        return Dashboard.standalone(title: "Run \(run.id) — \(roundName) — Mosaic", css: Self.css + HTMLReport.kpiCSS, body: h)
    }

    static func cutoff(_ k: MatchReport.Key) -> String {
        switch k {
        case .classAndLottery(let c, let l): "\(c) priority, lottery \(l)"
        case .place(let r): "place \(r) in the school's order"
        }
    }

    static func ordinal(_ n: Int) -> String {
        let suffix = (11...13).contains(n % 100) ? "th" : [1: "st", 2: "nd", 3: "rd"][n % 10] ?? "th"
        return "\(n)\(suffix)"
    }

    static let css: HTML = """
        form.tool{background:#f5f7fa;border-radius:8px;padding:.8rem 1rem;margin:.8rem 0}form.tool label{display:block;margin:.4rem 0}
        form.tool input,form.tool select{font:inherit;padding:.3rem;max-width:100%}form.tool button{font:inherit;font-weight:600;background:#0a58ca;color:#fff;border:0;border-radius:6px;padding:.5rem 1rem;margin-top:.5rem;cursor:pointer}
        .seats{display:grid;grid-template-columns:repeat(auto-fill,minmax(15rem,1fr));gap:.2rem 1rem}.seats label{display:flex;flex-direction:column;justify-content:space-between}.seats input{width:6rem}
        .done{border-left:4px solid #009E73;background:#f0faf6;padding:.5rem .8rem}.problem{border-left:4px solid #b00020;background:#fdecee;padding:.5rem .8rem}
        ul.problems{font-size:.9rem}.codes{border:2px solid #E69F00;border-radius:8px;padding:.2rem 1rem;margin:1rem 0}
        """
}
