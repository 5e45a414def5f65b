import Foundation
import Hummingbird
import MosaicCore
import MosaicDiagnostic
import MosaicReport
import MosaicStore

/// A school's open-honors page (issue 7): participation in honors credit by group, week by
/// week, by course and class; the default-opt-out scenario; and the forms that record
/// opt-ins and opt-outs in the add/drop window. The district's staff and the school's
/// leaders see it whole and record; everyone else sees suppressed rates only. Every
/// recorded choice goes to the audit log.
struct OpenHonorsPages: Sendable {
    let server: MosaicServer

    /// The add/drop window: the term's first three weeks.
    static let addDropDays = 21

    func add(to router: Router<MosaicRequestContext>) {
        router.get("districts/:district/terms/:term/schools/:school/open-honors") { request, context in
            try await self.page(request, context, message: nil)
        }
        router.post("districts/:district/terms/:term/schools/:school/open-honors") { request, context in
            try await self.record(request, context)
        }
    }

    static func day(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }

    /// A real calendar day written `YYYY-MM-DD`, or nil.
    static func date(_ iso: String) -> Date? {
        guard iso.utf8.count == 10, iso.wholeMatch(of: /[0-9]{4}-[0-9]{2}-[0-9]{2}/) != nil else { return nil }
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withFullDate]
        guard let d = f.date(from: iso), day(d) == iso else { return nil }
        return d
    }

    static func adding(_ days: Int, to iso: String) -> String {
        date(iso).map { day($0.addingTimeInterval(Double(days) * 86_400)) } ?? iso
    }

    /// What the page and the form share: the school's term, its roster and its window.
    struct Context {
        var district: String, term: String, school: String, schoolName: String, termTitle: String
        var session: Roster.Session
        var roster: Roster
        var windowStart: String, windowEnd: String
        /// The term's import and revision: the public page is kept until either moves.
        var version: String
    }

    enum Found { case found(Context), response(Response) }

    func find(_ request: Request, _ context: MosaicRequestContext, visitor: Pages.Visitor) async throws -> Found {
        let found: SchoolPlace
        switch try await SchoolPlace.find(server, context, .init(plural: "open-honors pages", publicView: true, needs: "classes")) {
        case .response(let r): return .response(r)
        case .found(let x): found = x
        }
        let roster = try await server.rosters.roster(found.term, from: server.store)
        guard let session = roster.sessions.first(where: { $0.id == found.session }) else {
            return .response(Pages.notFound("No school “\(found.school)” in this term."))
        }
        let (district, term, school, name, record) = (found.district, found.term.id, found.school, found.schoolName, found.term)
        // The window opens with the school's open-honors classes: a year-long class starts with
        // the fall term even when the term diagnosed is the spring (the ledger's choices are
        // dated then; a window from the spring's first day refused every one of them).
        let start = Self.classStart(roster, school: school, session: session)
        let end = Self.adding(Self.addDropDays - 1, to: start)
        return .found(Context(district: district, term: term, school: school, schoolName: name, termTitle: record.title, session: session,
                              roster: roster, windowStart: start, windowEnd: min(end, session.endDate),
                              version: "\(record.importedAt.timeIntervalSince1970)/\(record.revision)"))
    }

    func page(_ request: Request, _ context: MosaicRequestContext, message: String?, status: HTTPResponse.Status = .ok) async throws -> Response {
        let pages = Pages(server: server)
        let visitor = pages.visitor(context)
        let c: Context
        switch try await find(request, context, visitor: visitor) {
        case .response(let r): return r
        case .found(let found): c = found
        }
        let staff = visitor.viewer.access(school: c.school, in: c.district) == .unsuppressed
        let q = request.uri.queryParameters
        let today = Self.day(Date())
        let last = min(today, c.session.endDate)
        let onText = q["on"].map(String.init) ?? last
        guard Self.date(onText) != nil else { return Pages.badRequest("date '\(onText)' is not a date (expected YYYY-MM-DD)") }
        let asked = max(c.session.startDate, min(onText, c.session.endDate))
        // The public sees the weekly dates only (and the term's last day), never a day of its
        // choosing: two days a reader picked could differ by one student's choice.
        let on = staff ? asked : Self.weeks(c, through: min(asked, today)).last ?? c.session.startDate
        let dimensionText = q["dimension"].map(String.init) ?? Dimension.race.rawValue
        guard let dimension = Dimension.five.first(where: { $0.rawValue == dimensionText }) else {
            return Pages.badRequest("dimension '\(dimensionText)' is not one of \(Dimension.five.map(\.rawValue).joined(separator: ", "))")
        }
        // The public page is the same for every anonymous reader of a date and dimension:
        // rendered once per version of the term (the weekly series runs over every
        // enrollment). A signed-in reader's page names them and carries their sign-out
        // form (its CSRF token), so it is never shared through the cache.
        if !staff {
            let key = ["open-honors", c.term, c.school, on, dimension.rawValue, "\(status.code)", message ?? ""].joined(separator: "\u{1F}")
            let render: @Sendable () -> HTML? = { Self.render(c, visitor: visitor, staff: false, on: on, dimension: dimension, today: today,
                                                                 classes: [], csrf: nil, message: message, policy: server.policy) }
            guard visitor.anonymous else { return Pages.html(render() ?? "", status: status) }
            let html = await server.pages.page(key, district: c.district, version: c.version, render: render) ?? ""
            return Pages.html(html, status: status)
        }
        let termIndex = c.roster.sessions.firstIndex { $0.id == c.session.id }
        var classes: [OpenHonorsPage.ClassRoll] = []
        var csrf: String?
        if staff {
            csrf = context.identity.signedIn.session?.csrf
            var choice: [Int64: Roster.OpenHonorsChoice] = [:]
            for o in c.roster.openHonors { choice[Int64(o.section) << 32 | Int64(o.student)] = o }
            var enrolled: [Int: [Int]] = [:]
            for e in 0..<c.roster.enrollmentCount { enrolled[Int(c.roster.enrollmentSection[e]), default: []].append(Int(c.roster.enrollmentStudent[e])) }
            for (i, s) in c.roster.sections.enumerated() where c.roster.orgs[s.school].id == c.school
                && c.roster.courses[s.course].level == .openHonors && termIndex.map(s.terms.contains) == true {
                let students = (enrolled[i] ?? []).sorted { c.roster.students[$0].id < c.roster.students[$1].id }.map { st -> (id: String, status: String) in
                    let status: String
                    if let o = choice[Int64(i) << 32 | Int64(st)] {
                        status = o.optedOut.map { "opted in \(o.optedIn), out \($0)" } ?? "in honors since \(o.optedIn)"
                    } else {
                        status = "not opted in"
                    }
                    return (c.roster.students[st].id, status)
                }
                classes.append(.init(id: s.id, title: "\(s.title) (\(s.id))", students: students))
            }
        }
        var response = Pages.html(Self.render(c, visitor: visitor, staff: true, on: on, dimension: dimension, today: today, classes: classes,
                                              csrf: csrf, message: message, policy: MosaicServer.unsuppressed), status: status)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// The first day of the school's open-honors classes running in `session` (the earliest
    /// start of the sessions they run in), or the session's own first day.
    static func classStart(_ roster: Roster, school: String, session: Roster.Session) -> String {
        let termIndex = roster.sessions.firstIndex { $0.id == session.id }
        return roster.sections.filter {
            roster.orgs[$0.school].id == school && roster.courses[$0.course].level == .openHonors && termIndex.map($0.terms.contains) == true
        }.flatMap { $0.terms.map { roster.sessions[$0].startDate } }.min() ?? session.startDate
    }

    /// The weekly dates from the first day of the school's open-honors classes (a year-long
    /// class starts with the fall term), then the term's last day, up to `last`.
    static func weeks(_ c: Context, through last: String) -> [String] {
        let first = c.windowStart
        var dates: [String] = []
        var d = first
        while d < c.session.endDate && d <= last { dates.append(d); d = adding(7, to: d) }
        if c.session.endDate <= last { dates.append(c.session.endDate) }
        return dates
    }

    /// The page: the weekly series from the first day of the school's open-honors classes
    /// (a year-long class starts with the fall term) to `on`, and for staff the opt-out
    /// scenario and the class lists.
    static func render(_ c: Context, visitor: Pages.Visitor, staff: Bool, on: String, dimension: MosaicCore.Dimension, today: String,
                       classes: [OpenHonorsPage.ClassRoll], csrf: String?, message: String?, policy: SuppressionPolicy) -> HTML {
        var dates = weeks(c, through: on)
        if dates.last != on { dates.append(on) }
        let series = dates.map { OpenHonorsParticipation(c.roster, on: $0, school: c.school) }
        let scenario = staff ? DefaultOptOutScenario(c.roster, on: on, school: c.school) : nil
        var page = OpenHonorsPage(
            district: c.district, term: c.term, termTitle: c.termTitle, school: c.school, schoolName: c.schoolName, viewer: visitor.label,
            account: visitor.account, staff: staff, policy: policy, dimension: dimension,
            series: series, scenario: scenario, windowStart: c.windowStart, windowEnd: c.windowEnd, classes: classes, csrf: csrf,
            message: message, defaultDate: min(max(today, c.windowStart), c.windowEnd))
        page.ended = on >= c.session.endDate
        return page.html
    }

    struct Form: Decodable {
        var csrf: String?
        var `class`: String?
        var student: String?
        var choice: String?
        var date: String?
    }

    /// Records one choice: the class is an open-honors class of this school this term, the
    /// student is enrolled in it, the date lies in the add/drop window and not in the
    /// future, and the choice follows the ledger (in once; out only after in).
    func record(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        let visitor = Pages(server: server).visitor(context)
        let (viewer, session) = context.identity.signedIn
        let district = try context.parameters.require("district"), school = try context.parameters.require("school")
        guard let session, viewer.access(school: school, in: district) == .unsuppressed else {
            return Pages.refused("Refused", "Only the district's staff and the school's leaders, signed in, may record open-honors choices.")
        }
        guard let form = try await SignIn.decode(Form.self, request), form.csrf == session.csrf else {
            return Pages.refused("Refused", "The form had expired. Go back, reload the page and send it again.")
        }
        let c: Context
        switch try await find(request, context, visitor: visitor) {
        case .response(let r): return r
        case .found(let found): c = found
        }
        let r = c.roster
        func refuse(_ message: String) async throws -> Response {
            try await page(request, context, message: "Not recorded: \(message).", status: .badRequest)
        }
        let classID = form.class ?? "", studentID = form.student ?? "", date = form.date ?? "", choice = form.choice ?? ""
        let termIndex = r.sessions.firstIndex { $0.id == c.session.id }
        guard let section = r.sections.firstIndex(where: { $0.id == classID }), r.orgs[r.sections[section].school].id == c.school,
              termIndex.map(r.sections[section].terms.contains) == true else {
            return try await refuse("class '\(classID)' is not a class of \(c.schoolName) in \(c.termTitle)")
        }
        guard r.courses[r.sections[section].course].level == .openHonors else {
            return try await refuse("class '\(classID)' is not open honors")
        }
        guard let student = r.students.firstIndex(where: { $0.id == studentID }),
              (0..<r.enrollmentCount).contains(where: { Int(r.enrollmentSection[$0]) == section && Int(r.enrollmentStudent[$0]) == student }) else {
            return try await refuse("student '\(studentID)' is not enrolled in class '\(classID)'")
        }
        guard Self.date(date) != nil else { return try await refuse("date '\(date)' is not a date (expected YYYY-MM-DD)") }
        guard date >= c.windowStart && date <= c.windowEnd else {
            return try await refuse("\(date) is outside the add/drop window (\(c.windowStart) to \(c.windowEnd))")
        }
        guard date <= Self.day(Date()) else { return try await refuse("\(date) is in the future") }
        let kind: OpenHonorsLedger.Choice.Kind
        switch choice {
        case "in": kind = .optIn
        case "out": kind = .optOut
        default: return try await refuse("choice '\(choice)' is neither 'in' nor 'out'")
        }
        // One row, judged against the ledger as it stands when written (another staff
        // member may have recorded a choice since this page was read). The term's
        // diagnostic keeps open honors on the term's last day (trends, plan measures): it
        // changes with the ledger, in the same transaction.
        let term = c.session
        do {
            try await server.store.recordOpenHonors(
                district: c.district, term: c.term, .init(student: student, section: section, kind: kind, date: date)
            ) { ledger, kept in
                guard let kept else { return nil }
                var d = try Diagnostic(archived: kept.json)
                var updated = r
                updated.openHonors = ledger
                d.openHonors = OpenHonorsSummary(updated, term: term)
                return StoredDiagnostic(json: try d.archived(), computedAt: kept.computedAt, options: kept.options)
            }
        } catch let refusal as OpenHonorsLedger.Refusal {
            return try await refuse("student '\(studentID)', class '\(classID)': \(refusal)")
        }
        try await server.store.record(AuditEvent(district: c.district, at: Date(), actor: viewer.email ?? "", action: "open-honors-\(choice)",
                                                 detail: "\(c.term)/\(classID)/\(studentID) on \(date)"))
        let path = "/districts/\(c.district)/terms/\(c.term)/schools/\(c.school)/open-honors"
        return Response(status: .seeOther, headers: [.location: path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path])
    }
}
