import MosaicCore
import MosaicSchedule

/// A school's schedule page for its scheduler: the master schedule's singletons,
/// doubletons and access conflicts (who is blocked, by group), the period moves that
/// help, and every multi-section course's sections before and after a balanced
/// re-sectioning of the same students. Plain data in, HTML out: the server computes.
///
/// It shows section-level counts of students by group, so it is for the district's staff
/// and the school's leaders only (the server refuses everyone else).
public struct SchedulePage: Sendable {
    public var district: String
    public var school: String
    public var schoolName: String
    public var term: String
    public var termTitle: String
    public var viewer: String
    /// The account's links (Your work, Sign out), as every staff page has them.
    public var account: HTML = ""
    /// The kept review: the audit and the sections before and after.
    public var review: ScheduleReview
    /// When and by whom the review was computed; whether the term was imported again
    /// since; and the form that computes it afresh (action and CSRF token).
    public var computed: String = ""
    public var outOfDate = false
    public var recompute: (action: String, csrf: String)?

    public init(district: String, school: String, schoolName: String, term: String, termTitle: String, viewer: String, review: ScheduleReview) {
        self.district = district
        self.school = school
        self.schoolName = schoolName
        self.term = term
        self.termTitle = termTitle
        self.viewer = viewer
        self.review = review
    }

    var groups: [String] { review.groups }

    /// How the figures were computed, and the commands that give them again.
    var method: String {
        let s = review.settings
        return "Course requests are the term's enrollments; each section keeps its size (its limit is its enrollment). "
            + "mosaic schedule section with seed \(s.seed), \(s.annealingPerStudent) annealing and \(s.descentPerStudent) descent moves per student "
            + "(\(Format.count(review.sectioningMoves)) moves); the audit ignores limits. The same figures come from "
            + "mosaic schedule instance --db … --district \(district) --term \(term) --school \(school), then mosaic schedule audit and section."
    }

    /// The site bar of every schedule page.
    static func header(district: String, term: String, school: String, schoolName: String, viewer: String, account: HTML) -> HTML {
        let back = "/districts/\(urlEscape(district))/terms/\(urlEscape(term))/schools/\(urlEscape(school))"
        return SiteNavigation([.link(schoolName, href: back)], viewer: viewer, account: account).html
    }

    static func form(_ action: String, csrf: String, label: String) -> HTML {
        "<form method=\"post\" action=\"\(action)\"><input type=\"hidden\" name=\"csrf\" value=\"\(csrf)\"><button type=\"submit\">\(label)</button> <span class=\"note\">Runs in the background (a minute or so for a large school); the page shows its progress.</span></form>"
    }

    /// The page before the school's schedule has been reviewed this term.
    public static func notYetReviewed(district: String, school: String, schoolName: String, term: String, termTitle: String, viewer: String,
                                      account: HTML = "", recompute: (action: String, csrf: String)?) -> HTML {
        var h = header(district: district, term: term, school: school, schoolName: schoolName, viewer: viewer, account: account)
        h += "<h1>Schedule: \(schoolName)</h1><p class=\"note\">\(termTitle) · for the district's staff and the school's leaders</p>"
        h += "<p>This term's master schedule has not been reviewed yet. A review audits the schedule (singletons, doubletons, courses a student needs that meet only at the same time, and which groups they block) and re-sections the same students into sections that mirror their course, keeping every student's courses and every section's size.</p>"
        if let recompute { h += form(recompute.action, csrf: recompute.csrf, label: "Review the schedule") }
        return Dashboard.standalone(title: "Schedule: \(schoolName) — Mosaic", css: HTMLReport.kpiCSS, body: h)
    }

    /// A review waiting for a worker, running (the page reloads itself) or failed.
    public static func job(district: String, school: String, schoolName: String, term: String, termTitle: String, viewer: String,
                           account: HTML = "", done: Int, total: Int, ahead: Int?, failure: String?) -> HTML {
        var h = header(district: district, term: term, school: school, schoolName: schoolName, viewer: viewer, account: account)
        h += "<h1>Reviewing the schedule: \(schoolName)</h1><p class=\"note\">\(termTitle)</p>"
        let back = "/districts/\(urlEscape(district))/terms/\(urlEscape(term))/schools/\(urlEscape(school))/schedule"
        if let failure {
            h += "<p class=\"bad\" role=\"alert\">The review failed: \(failure)</p><p><a href=\"\(back)\">Back to the schedule</a></p>"
            return Dashboard.standalone(title: "Schedule review failed — Mosaic", css: HTMLReport.kpiCSS, body: h)
        }
        if let ahead {
            h += "<p>Waiting for a free worker: \(ahead == 0 ? "next to run" : "\(ahead) run\(ahead == 1 ? "" : "s") ahead"). This page reloads itself.</p>"
        } else {
            let share = Double(done) / Double(max(1, total))
            h += "<p><progress max=\"\(max(1, total))\" value=\"\(min(done, total))\">\(Format.percent(share, digits: 0))</progress></p>"
            h += "<p>\(Format.percent(share, digits: 0)) of the planned moves tried (\(Format.count(done)) of \(Format.count(total))). This page reloads itself.</p>"
        }
        return Dashboard.standalone(title: "Reviewing the schedule — Mosaic", css: HTMLReport.kpiCSS, refresh: 2, body: h)
    }

    public var html: HTML {
        let r = review, dimension = Dimension(rawValue: r.dimension) ?? .race
        let (students, sections, singletons, doubletons, blocked) = (r.students, r.sections, r.singletons, r.doubletons, r.blocked)
        let (conflicts, moves, balance, requests, requestsMet, courses, notes) = (r.conflicts, r.moves, r.balance, r.requests, r.requestsMet, r.courses, r.notes)
        var h = Self.header(district: district, term: term, school: school, schoolName: schoolName, viewer: viewer, account: account)
        h += "<h1>Schedule: \(schoolName)</h1><p class=\"note\">\(termTitle) · \(Format.count(students)) students · \(Format.count(sections)) sections · for the district's staff and the school's leaders</p>"
        if outOfDate { h += "<p class=\"widened\" role=\"status\"><b>Out of date:</b> the term was imported again after this review was computed. Review it again to see the schedule as it is now.</p>" }
        if !computed.isEmpty || recompute != nil {
            h += "<div class=\"note\">\(computed)\(recompute.map { " " + Self.form($0.action, csrf: $0.csrf, label: "Review again") } ?? "")</div>"
        }
        var cards = Cards()
        for b in balance {
            cards.add("\(Format.fixed(b.before, 3)) → \(Format.fixed(b.after, 3))", "\(b.dimension): sections vs their course, as loaded → re-sectioned")
        }
        cards.add("\(Format.count(requestsMet)) of \(Format.count(requests))", "course requests kept by the re-sectioning")
        cards.add("\(singletons.count) · \(doubletons.count)", "singleton · doubleton courses")
        h += cards.html
        for n in notes { h += "<p class=\"note\">\(n)</p>" }

        h += "<h2>Master schedule</h2>"
        if conflicts.isEmpty {
            h += "<p>No two courses a student is enrolled in meet only at the same time: every student's courses fit together.</p>"
        } else {
            h += "<p>\(Format.count(blocked)) students cannot have every course they asked for: these courses never meet apart.</p>"
            h += "<table><caption>Conflicts</caption><thead><tr><th>Courses</th><th>Period</th><th>Kind</th><th>Students</th><th>Blocked, by group</th></tr></thead><tbody>"
            for c in conflicts.prefix(30) {
                h += "<tr><td>\(c.courses.joined(separator: " + "))</td><td>\(c.period ?? "–")</td><td>\(c.kind)</td><td>\(c.students)</td><td>\(c.groups)</td></tr>"
            }
            h += "</tbody></table>"
        }
        if !moves.isEmpty {
            h += "<table><caption>Period moves that unblock more students than they block</caption><thead><tr><th>Section</th><th>From</th><th>To</th><th>Removes</th><th>Unblocks</th><th>Blocks</th></tr></thead><tbody>"
            for m in moves { h += "<tr><td>\(m.section)</td><td>\(m.from)</td><td>\(m.to)</td><td>\(m.removes)</td><td>\(m.unblocks)</td><td>\(m.blocks)</td></tr>" }
            h += "</tbody></table>"
        }
        h += "<details><summary>Singletons (\(singletons.count)) and doubletons (\(doubletons.count))</summary><p>\(singletons.joined(separator: ", "))</p><p>\(doubletons.joined(separator: ", "))</p></details>"

        h += "<h2>Sections before and after</h2>"
        let export = "/districts/\(urlEscape(district))/terms/\(urlEscape(term))/schools/\(urlEscape(school))/schedule/enrollments.csv"
        h += r.assignments == nil
            ? "<p class=\"note\">This review was kept before re-sectioned placements were: review it again to export them.</p>"
            : "<p><a href=\"\(export)\" download>Download the re-sectioned sections as OneRoster enrollments.csv</a> <span class=\"note\">(one row per student and section, for the student information system; the download is logged)</span></p>"
        if r.assignments != nil && requestsMet < requests {
            h += "<p class=\"widened\"><b>\(Format.count(requests - requestsMet)) course request\(requests - requestsMet == 1 ? "" : "s") could not be kept</b> by the re-sectioning: those students have no section of that course in the file. Place them by hand before importing it.</p>"
        }
        h += "<p>Each course with two or more sections: its sections by \(dimension.phrase) as loaded now and after a re-sectioning that keeps every student's courses and every section's size. The number is the course's mean ½Σ|p<sub>section</sub> − p<sub>course</sub>| (0: every section mirrors the course).</p>"
        h += legend
        let shown = courses.filter { $0.sections.count >= 2 }.sorted { ($0.before - $0.after, $1.id) > ($1.before - $1.after, $0.id) }
        for c in shown {
            h += "<section class=\"course\"><h3>\(c.id)\(c.title.map { " · \($0)" as HTML } ?? "") <span class=\"note\">\(Format.fixed(c.before, 3)) → \(Format.fixed(c.after, 3))</span></h3>"
            h += "<table><thead><tr><th>Section</th><th>Period</th><th>As loaded</th><th>Re-sectioned</th></tr></thead><tbody>"
            for s in c.sections {
                h += "<tr><td>\(s.id)</td><td>\(s.when ?? "–")</td><td>\(bar(s.before, label: "\(s.id) as loaded"))</td><td>\(bar(s.after, label: "\(s.id) re-sectioned"))</td></tr>"
            }
            h += "</tbody></table></section>"
        }
        h += "<h2>How this was computed</h2><p class=\"note\">\(method)</p>"
        return Dashboard.standalone(title: "Schedule: \(schoolName) — Mosaic", css: HTMLReport.kpiCSS, body: h)
    }

    var legend: HTML {
        var h: HTML = "<div class=\"legend\">"
        for (k, g) in groups.enumerated() { h += "<span><i style=\"background:\(colour(k))\"></i>\(groupLabel(g))</span>" }
        return h + "</div>"
    }

    func colour(_ k: Int) -> String { GroupColour.of(groups[k]) }

    /// One section's students as a stacked bar, each group with its count on hover.
    func bar(_ counts: [Int], label: String) -> HTML {
        let total = counts.reduce(0, +)
        let width = 240.0
        // The whole composition in the bar's own title: what a screen reader says for it
        // (the rectangles' titles are not read inside role="img").
        let parts = counts.indices.filter { counts[$0] > 0 }.map { "\(groupLabel(groups[$0])) \(counts[$0])" }.joined(separator: ", ")
        var svg: HTML = "<svg role=\"img\" width=\"\(Int(width) + 40)\" height=\"18\" viewBox=\"0 0 \(Int(width) + 40) 18\"><title>\(label): \(total) students\(parts.isEmpty ? "" : " — " + parts)</title>"
        var x = 0.0
        for (k, n) in counts.enumerated() where n > 0 && total > 0 {
            let w = width * Double(n) / Double(total)
            svg += "<rect x=\"\(fmt(x))\" y=\"2\" width=\"\(fmt(w))\" height=\"14\" fill=\"\(colour(k))\"><title>\(groupLabel(groups[k])): \(n)</title></rect>"
            x += w
        }
        svg += "<text x=\"\(Int(width) + 6)\" y=\"14\" font-size=\"12\">\(total)</text></svg>"
        return svg
    }
}
