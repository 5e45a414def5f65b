import Foundation
import MosaicCore
import MosaicDiagnostic

extension Dashboard {
    /// The students of one school in a term, one row each: student-level data, so the
    /// server shows it to the district's own staff only and logs every view. With
    /// `missingOnly`, the students eligible for an advanced class (one lists their grade
    /// in their school) who take none.
    public func studentList(_ students: [StudentPlacement], term: String, termTitle: String, school: String, schoolName: String,
                            missingOnly: Bool) -> (html: String, csv: String) {
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
        var h = "<h1>Students of \(esc(schoolName))</h1>"
        h += "<p class=\"widened\"><b>Student-level data.</b> Shown only to the district's own staff, and every view and download is recorded in the audit log. Do not share it outside the district.</p>"
        h += "<p class=\"note\">Term \(esc(termTitle)) · \(Format.count(students.count)) students · \(Format.count(missing)) eligible for an advanced class (one lists their grade in this school) and taking none.</p>"
        h += "<p>" + (missingOnly ? "<a href=\"\(base)\">All students</a> · <b>Eligible, in no advanced class</b>"
                                   : "<b>All students</b> · <a href=\"\(base)?advanced=missing\">Eligible, in no advanced class</a>")
        h += " · <a href=\"\(base).csv\(missingOnly ? "?advanced=missing" : "")\">Download CSV</a></p>"
        h += "<div class=\"scroll\">\(table.html)</div>"
        let page = Dashboard.standalone(title: "Students of \(schoolName) — \(site.name) — Mosaic", body: navigation(term: nil, current: .schools) + h)
        return (page, table.csv)
    }

    /// The district's audit log, newest first (the newest 500 events).
    public func auditLog(_ events: [(at: Date, actor: String, action: String, detail: String)]) -> String {
        let table = DataTable(caption: "The newest \(events.count) events", header: ["when (UTC)", "who", "what", "detail"],
                              rows: events.map { [$0.at.formatted(Date.ISO8601FormatStyle(timeZone: .gmt)), $0.actor, $0.action, $0.detail] },
                              numeric: [])
        var h = "<h1>Audit log</h1><p class=\"note\">Sign-ins (and failed ones), exports, views of student-level data and changes to the action plan, newest first. For the district's own staff.</p>"
        h += "<div class=\"scroll\">\(table.html)</div>"
        return Dashboard.standalone(title: "Audit log — \(site.name) — Mosaic", body: navigation(term: nil, current: .overview) + h)
    }
}
