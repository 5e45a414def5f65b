import Foundation
import MosaicCore
import MosaicDiagnostic

extension Dashboard {
    /// The students of one school in a term, one row each: student-level data, so the
    /// server shows it to the district's own staff only and logs every view. With
    /// `missingOnly`, the students eligible for an advanced class (one lists their grade
    /// in their school) who take none.
    public func studentList(_ students: [StudentPlacement], term: String, termTitle: String, school: String, schoolName: String,
                            missingOnly: Bool) -> (html: HTML, csv: String) {
        let shown = missingOnly ? students.filter(\.missingFromAdvanced) : students
        func yes(_ b: Bool?) -> String { b.map { $0 ? "yes" : "no" } ?? "unknown" }
        let rows = shown.map { p -> [String] in
            let s = p.student
            return [s.id, s.grade?.description ?? "unknown", s.race.map { Dimension.label($0.rawValue) } ?? "unknown",
                    yes(s.economicallyDisadvantaged), yes(s.englishLearner), s.disability?.rawValue ?? "unknown", s.sex?.rawValue ?? "unknown",
                    "\(p.classes)", p.advancedLevels.map(\.rawValue).joined(separator: " "), p.eligible ? "yes" : "no"]
        }
        let table = DataTable(
            caption: "\(schoolName), \(termTitle): \(shown.count) student\(shown.count == 1 ? "" : "s")\(missingOnly ? " eligible for an advanced class and in none" : "")",
            header: ["student", "grade", "race/ethnicity", "economically disadvantaged", "English learner", "disability", "sex",
                     "classes here", "advanced levels (term)", "eligible for advanced"],
            rows: rows, numeric: [7])
        let missing = students.filter(\.missingFromAdvanced).count
        let base = "\(termBase(term))/schools/\(urlEscape(school))/students"
        var h: HTML = "<h1>Students of \(schoolName)</h1>"
        h += "<p class=\"widened\"><b>Student-level data.</b> Shown only to the district's own staff, and every view and download is recorded in the audit log. Do not share it outside the district.</p>"
        h += "<p class=\"note\">Term \(termTitle) · \(Format.count(students.count)) students · \(Format.count(missing)) eligible for an advanced class (one lists their grade in this school) and taking none.</p>"
        h += "<p>" + (missingOnly ? "<a href=\"\(base)\">All students</a> · <b>Eligible, in no advanced class</b>"
                                   : "<b>All students</b> · <a href=\"\(base)?advanced=missing\">Eligible, in no advanced class</a>")
        h += " · <a href=\"\(base).csv\(missingOnly ? "?advanced=missing" : "")\">Download CSV</a></p>"
        h += "\(scrollRegion)\(table.html)</div>"
        let page = Dashboard.standalone(title: "Students of \(schoolName) — \(site.name) — Mosaic", body: navigation(term: nil, current: .schools) + h)
        return (page, table.csv)
    }

    /// One page of the district's audit log, newest first, optionally only one actor's or
    /// one action's: a filter form (GET, so a filtered page can be bookmarked) and links
    /// to newer and older pages.
    public func auditLog(_ events: [(at: Date, actor: String, action: String, detail: String)], page: AuditLogPage) -> HTML {
        let first = (page.number - 1) * page.size
        let table = DataTable(caption: events.isEmpty ? "No events" : "Events \(first + 1)–\(first + events.count), newest first",
                              header: ["when (UTC)", "who", "what", "detail"],
                              rows: events.map { [$0.at.formatted(Date.ISO8601FormatStyle(timeZone: .gmt)), $0.actor, $0.action, $0.detail] },
                              numeric: [])
        var h: HTML = "<h1>Audit log</h1><p class=\"note\">Sign-ins (and failed ones), staff exports, views of student-level data, imports and changes to plans, rounds and schedules, newest first. For the district's own staff. Downloads of public tables are not listed (they hold nothing a reader could not see on the page).</p>"
        h += "<form method=\"get\" class=\"filters\"><label>Who <input name=\"actor\" value=\"\(page.actor ?? "")\" placeholder=\"an email, or public\"></label> "
        h += "<label>What <input name=\"action\" list=\"audit-actions\" value=\"\(page.action ?? "")\" placeholder=\"e.g. export\"></label>"
        h += "<datalist id=\"audit-actions\">" + AuditLogPage.actions.map { "<option value=\"\($0)\"></option>" }.joined() + "</datalist> "
        h += "<button type=\"submit\">Show</button>"
        if page.actor != nil || page.action != nil { h += " <a href=\"?\">All events</a>" }
        h += "</form>"
        h += "\(scrollRegion)\(table.html)</div>"
        var links: [HTML] = []
        if page.number > 1 { links.append("<a href=\"\(page.query(number: page.number - 1))\" rel=\"prev\">Newer events</a>") }
        if page.hasMore { links.append("<a href=\"\(page.query(number: page.number + 1))\" rel=\"next\">Older events</a>") }
        if !links.isEmpty { h += "<nav aria-label=\"Audit log pages\"><p>Page \(page.number) · " + links.joined(separator: " · ") + "</p></nav>" }
        return Dashboard.standalone(title: "Audit log — \(site.name) — Mosaic", body: navigation(term: nil, current: .audit) + h)
    }
}

/// Which page of the audit log is shown: its filters, its number (from 1) and size, and
/// whether older events follow.
public struct AuditLogPage: Sendable, Equatable {
    public var actor: String?
    public var action: String?
    public var number: Int
    public var size: Int
    public var hasMore: Bool

    /// The actions the service records, offered in the filter.
    public static let actions = ["login", "login-failed", "login-throttled", "logout", "export", "view-student-data", "import",
                                 "plan-add", "plan-change", "plan-remove", "application-form", "interest-survey", "view-schedule",
                                 "view-auto-enroll", "view-boundaries", "boundary-instance", "boundary-scenario", "export-boundary-scenario",
                                 "enrichment-round", "enrichment-survey", "enrichment-cluster", "enrichment-assign",
                                 "token-create", "token-revoke", "user-add", "user-remove"]

    public init(actor: String?, action: String?, number: Int, size: Int, hasMore: Bool) {
        self.actor = actor.flatMap { $0.isEmpty ? nil : $0 }
        self.action = action.flatMap { $0.isEmpty ? nil : $0 }
        self.number = max(1, number)
        self.size = size
        self.hasMore = hasMore
    }

    /// The query string of another page with the same filters.
    func query(number: Int) -> String {
        var parts: [String] = []
        if let actor { parts.append("actor=\(urlEscape(actor))") }
        if let action { parts.append("action=\(urlEscape(action))") }
        parts.append("page=\(number)")
        return "?" + parts.joined(separator: "&")
    }
}
