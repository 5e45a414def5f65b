import MosaicCore
import MosaicDiagnostic

/// A signed-in person's own home page: where sign-in lands, with the jobs of their role,
/// each a link to the page that does it.
public struct WorkPage: Sendable {
    public enum Role: String, Sendable { case district, school, enrollment, advocate }

    /// An application round as the enrollment office's list shows it.
    public struct Round: Sendable {
        public var id: String
        public var name: String
        public var status: String
        public var applications: Int
        public init(id: String, name: String, status: String, applications: Int) {
            self.id = id
            self.name = name
            self.status = status
            self.applications = applications
        }
    }

    public var role: Role
    public var email: String
    public var site: Dashboard.Site
    /// The schools a school leader leads, with their names (id, name).
    public var schools: [(id: String, name: String)]
    public var rounds: [Round]
    /// Whether the latest term has classes (class lists, schedules, advanced courses).
    public var hasClassrooms: Bool
    public var account: HTML

    public init(role: Role, email: String, site: Dashboard.Site, schools: [(id: String, name: String)], rounds: [Round],
                hasClassrooms: Bool, account: HTML) {
        self.role = role
        self.email = email
        self.site = site
        self.schools = schools
        self.rounds = rounds
        self.hasClassrooms = hasClassrooms
        self.account = account
    }

    var base: String { "/districts/\(urlEscape(site.district))" }
    var term: String? { site.terms.last?.id }
    var termBase: String? { term.map { "\(base)/terms/\(urlEscape($0))" } }

    /// One job: what it is for, and the link that does it.
    func job(_ title: String, _ href: String, _ what: String) -> HTML {
        "<li><a href=\"\(href)\">\(title)</a><span>\(what)</span></li>"
    }

    func list(_ heading: String, _ jobs: [HTML]) -> HTML {
        jobs.isEmpty ? "" : "<section><h2>\(heading)</h2><ul class=\"jobs\">\(jobs.joined())</ul></section>"
    }

    public var html: HTML {
        var h = SiteNavigation([.label(site.name), .link("Your work", href: "/work", current: true)],
                               viewer: "\(email) (\(role.rawValue))",
                               // The account's own "Your work" link is this page: named once, as the current page.
                               account: HTML(stringLiteral: account.markup.replacingOccurrences(of: "<a href=\"/work\">Your work</a> ", with: ""))).html
        h += "<h1>Your work, \(title)</h1>"
        if let t = site.terms.last { h += "<p class=\"note\">\(site.name) · latest term \(t.title)</p>" }
        switch role {
        case .district: h += district
        case .school: h += school
        case .enrollment: h += enrollment
        case .advocate: h += advocate
        }
        return Dashboard.standalone(title: "Your work — \(site.name) — Mosaic", css: Self.css, body: h)
    }

    var title: String {
        switch role {
        case .district: "district equity and data staff"
        case .school: schools.count == 1 ? "leader of \(schools[0].name)" : "school leader"
        case .enrollment: "enrollment office"
        case .advocate: "advocate"
        }
    }

    var district: HTML {
        var h: HTML = ""
        if let tb = termBase {
            h += list("Answer the Key Question", [
                job("Overview", tb, "Three levels × every dimension at a glance, the findings ranked by students affected, the guidebook's actions."),
                job("Schools", "\(tb)/schools", "Every school against the district, sortable; each school's classrooms, schedule and class lists."),
                job("Advanced coursework", "\(tb)/advanced", "Who takes advanced courses, who has access, and how many students are missing."),
                job("Trends", "\(base)/trends", "Every indicator term by term, and why it changed."),
            ])
        }
        var act: [HTML] = [job("Action plan", "\(base)/plan", "The district's actions per root cause, owners, timelines, measures.")]
        if let tb = termBase, hasClassrooms {
            act.append(job("Auto-enrollment policy", "\(tb)/auto-enroll", "What enrolling every eligible student by default would give, group by group."))
        }
        act.append(job("Boundary scenarios", "\(base)/boundaries", "Redraw attendance zones and compare scenarios."))
        act.append(job("Application rounds", "\(base)/rounds", "Choice rounds with diversity reserves: applications, runs, results, publishing."))
        h += list("Act on it", act)
        h += list("Run the district's data", [
            job("Import a term", "\(base)/import", "Upload a OneRoster zip: all of it is checked, then stored with its diagnostic."),
            job("Audit log", "\(base)/audit", "Sign-ins, exports and views of student-level data."),
        ])
        h += list("What families see", [job("Find a school", "/find/\(urlEscape(site.district))", "The families' school finder, in English and Spanish.")])
        return h
    }

    var school: HTML {
        guard let tb = termBase else { return "<p>The district has no term yet.</p>" }
        var h: HTML = ""
        for s in schools {
            let sb = "\(tb)/schools/\(urlEscape(s.id))"
            var jobs = [job("\(s.name): classrooms", sb, "How the school's classes compare with the school, and why.")]
            if hasClassrooms {
                jobs.append(job("Schedule", "\(sb)/schedule", "Review the schedule, rebalance sections, export them as OneRoster enrollments.csv."))
                jobs.append(job("Class lists", "\(sb)/class-lists", "Split a grade into balanced classes, keeping apart and together who you name."))
                jobs.append(job("Eligible students in no advanced course", "\(sb)/students?advanced=missing", "The school's own list, to invite and enroll (as CSV too)."))
                jobs.append(job("Open honors", "\(sb)/open-honors", "Who takes honors credit, week by week; record opt-ins and opt-outs."))
                jobs.append(job("Enrichment clusters", "\(sb)/enrichment", "Interest surveys and cluster assignments."))
            }
            h += list(s.name, jobs)
        }
        if schools.isEmpty { h += "<p>This account leads no school yet: the district's staff add schools to it.</p>" }
        h += list("The district", [job("Overview", tb, "The district's Key Question, in the public view.")])
        return h
    }

    var enrollment: HTML {
        var h: HTML = "<section><h2>Application rounds</h2>"
        if rounds.isEmpty {
            h += "<p>No round yet.</p>"
        } else {
            h += "<ul class=\"jobs\">"
            for r in rounds {
                h += job(r.name, "\(base)/rounds/\(urlEscape(r.id))", "\(r.status) · \(r.applications) application\(r.applications == 1 ? "" : "s")")
            }
            h += "</ul>"
        }
        h += "<p><a href=\"\(base)/rounds\">All rounds, and a new one</a></p></section>"
        h += list("Families", [
            job("Find a school", "/find/\(urlEscape(site.district))", "What families read before they apply."),
            job("A family lost its code", "\(base)/rounds", "Open the round: its page gives a new code once you have checked who the family is."),
        ])
        return h
    }

    var advocate: HTML {
        guard let tb = termBase else { return "<p>The district has no term yet.</p>" }
        return list("Read the district's answer", [
            job("Overview", tb, "Three levels × every dimension at a glance, and the findings."),
            job("Advanced coursework", "\(tb)/advanced", "Who takes advanced courses and how many students are missing."),
            job("Trends", "\(base)/trends", "Every indicator term by term."),
            job("Action plan", "\(base)/plan", "What the district has committed to, and its measures."),
        ])
    }

    static let css: HTML = """
        ul.jobs{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(16rem,1fr));gap:.8rem}
        ul.jobs li{background:#f5f7fa;border-radius:8px;padding:.7rem .9rem}ul.jobs a{font-weight:600;display:block;margin-bottom:.2rem}
        ul.jobs span{color:#444;font-size:.92rem}
        """
}
