import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MosaicCore
import MosaicDiagnostic
import MosaicStore
import MosaicTestSupport
import Testing

@testable import MosaicServer

/// A school's open-honors page: rates by group week by week for everyone (suppressed for
/// the public), classes, the opt-out scenario and the recording forms for staff; choices
/// recorded in the add/drop window only, each audited.
@Suite struct OpenHonorsPageTests {
    struct Setting {
        var f: Fixture
        var school: String
        var route: String
        var roster: Roster
        var session: Roster.Session
        /// An open-honors class of the school, a student in it who has not opted in.
        var section: Int
        var student: Int
    }

    static func setting() async throws -> Setting {
        let f = try await Fixture.make()
        let roster = try await f.server.store.roster(district: "district", term: "2026-spring")
        let term = try #require(roster.termsWithSections.first)
        let chosen = Set(roster.openHonors.map { Int64($0.section) << 32 | Int64($0.student) })
        var found: (Int, Int)?
        for e in 0..<roster.enrollmentCount {
            let c = Int(roster.enrollmentSection[e]), s = Int(roster.enrollmentStudent[e])
            if roster.courses[roster.sections[c].course].level == .openHonors, roster.sections[c].terms.contains(term),
               !chosen.contains(Int64(c) << 32 | Int64(s)) { found = (c, s); break }
        }
        let (section, student) = try #require(found)
        let school = roster.orgs[roster.sections[section].school].id
        return Setting(f: f, school: school, route: "/districts/district/terms/2026-spring/schools/\(school)/open-honors",
                       roster: roster, session: roster.sessions[term], section: section, student: student)
    }

    /// The public version of the page is cached for anonymous readers only: an advocate's
    /// copy (their email, their sign-out form and its CSRF token) never reaches anyone else.
    @Test func aSignedInReadersPageIsNotSharedThroughTheCache() async throws {
        let s = try await Self.setting()
        let advocate = ["mosaic_session": try await s.f.signIn("advocate")]
        let theirs = try await s.f.send(.get, s.route, cookies: advocate)
        #expect(theirs.status == .ok && theirs.body.contains("Sign out") && theirs.body.contains("advocate@district.example"))
        let anonymous = try await s.f.send(.get, s.route)
        #expect(anonymous.status == .ok && !anonymous.body.contains("Sign out") && !anonymous.body.contains("advocate@district.example"))
        #expect(anonymous.body.contains("Sign in"))
        // And the other way round: an anonymous copy is not what the advocate gets.
        #expect(try await s.f.send(.get, s.route, cookies: advocate).body.contains("Sign out"))
    }

    @Test func everyoneSeesRatesStaffSeeClassesAndTheScenario() async throws {
        let s = try await Self.setting()
        let anonymous = try await s.f.send(.get, s.route)
        #expect(anonymous.status == .ok)
        #expect(anonymous.body.contains("<h1>Open honors: ") && anonymous.body.contains("Week by week"))
        #expect(!anonymous.body.contains("Record a choice") && !anonymous.body.contains("If open honors were opt-out") && !anonymous.body.contains("By class"))
        #expect(!anonymous.body.contains(s.roster.students[s.student].id + "<"))
        let staff = ["mosaic_session": try await s.f.signIn("district")]
        let page = try await s.f.send(.get, s.route, cookies: staff)
        #expect(page.status == .ok)
        #expect(page.body.contains("Record a choice") && page.body.contains("If open honors were opt-out") && page.body.contains("By class"))
        #expect(page.body.contains(">\(s.roster.students[s.student].id)</th><td>not opted in</td>"))
        // The figure on the page is the one counted from the roster on that date.
        let counted = OpenHonorsParticipation(s.roster, on: s.session.endDate, school: s.school)
        let rate = Format.percent(Double(counted.district.total.optedIn) / Double(counted.district.total.enrolled))
        #expect(page.body.contains("<b>\(rate)</b><span>of the \(Format.count(counted.district.total.enrolled)) students in open-honors classes take honors credit on \(s.session.endDate)"))
        // The school's page links to it.
        #expect(try await s.f.send(.get, "/districts/district/terms/2026-spring/schools/\(s.school)").body.contains("/open-honors\">Open honors"))
        #expect(try await s.f.send(.get, s.route + "?on=2026-02-30", cookies: staff).status == .badRequest)
        #expect(try await s.f.send(.get, s.route + "?dimension=height").status == .badRequest)
    }

    @Test func choicesAreRecordedInTheWindowOnly() async throws {
        let s = try await Self.setting()
        let session = try await s.f.signIn("district")
        let cookies = ["mosaic_session": session]
        let page = try await s.f.send(.get, s.route, cookies: cookies).body
        let csrf = String(try #require(page.firstMatch(of: try Regex(#"name="csrf" value="([^"]+)""#))?.output[1].substring))
        let classID = s.roster.sections[s.section].id, studentID = s.roster.students[s.student].id
        // The window opens with the school's open-honors classes (year-long: the fall term),
        // not with the spring term the diagnostic reads; the ledger's own choices are dated then.
        let opens = OpenHonorsPages.classStart(s.roster, school: s.school, session: s.session)
        #expect(opens < s.session.startDate && s.roster.openHonors.contains { $0.optedIn >= opens && $0.optedIn <= OpenHonorsPages.adding(20, to: opens) })
        let inWindow = OpenHonorsPages.adding(2, to: opens), late = OpenHonorsPages.adding(30, to: opens)
        func post(_ form: [String: String], cookies: [String: String] = cookies) async throws -> (status: HTTPResponse.Status, body: String) {
            let r = try await s.f.send(.post, s.route, cookies: cookies, form: form)
            return (r.status, r.body)
        }
        let base = ["csrf": csrf, "class": classID, "student": studentID]
        // Outside the window, an unknown choice, a stranger to the class: refused with the reason.
        let outside = try await post(base.merging(["choice": "in", "date": late]) { $1 })
        #expect(outside.status == .badRequest && outside.body.contains("\(late) is outside the add/drop window"))
        let maybe = try await post(base.merging(["choice": "maybe", "date": inWindow]) { $1 })
        #expect(maybe.status == .badRequest && maybe.body.contains("is neither"))
        let notOut = try await post(base.merging(["choice": "out", "date": inWindow]) { $1 })
        #expect(notOut.status == .badRequest && notOut.body.contains("has not opted in"))
        // In, then in again (refused), then out; the term's diagnostic follows the ledger.
        func held() async throws -> Int {
            let version = TermRecord.version(of: try await s.f.server.store.terms(district: "district"))
            return try #require(try await s.f.server.diagnostics.diagnostic(district: "district", term: "2026-spring", version: version)?.openHonors).total.optedIn
        }
        let before = try await held()
        #expect(try await post(base.merging(["choice": "in", "date": inWindow]) { $1 }).status == .seeOther)
        #expect(try await held() == before + 1)
        #expect(try await s.f.send(.get, "/districts/district/trends").body.contains("Open honors: who takes honors credit"))
        var ledger = try await s.f.server.store.roster(district: "district", term: "2026-spring").openHonors
        #expect(ledger.contains(.init(student: s.student, section: s.section, optedIn: inWindow)))
        #expect(ledger.count == s.roster.openHonors.count + 1)
        #expect(try await post(base.merging(["choice": "in", "date": inWindow]) { $1 }).body.contains("already opted in on \(inWindow)"))
        let out = OpenHonorsPages.adding(5, to: opens)
        #expect(try await post(base.merging(["choice": "out", "date": out]) { $1 }).status == .seeOther)
        ledger = try await s.f.server.store.roster(district: "district", term: "2026-spring").openHonors
        #expect(ledger.contains(.init(student: s.student, section: s.section, optedIn: inWindow, optedOut: out)))
        #expect(try await held() == before)
        let log = try await s.f.server.store.auditLog(district: "district", limit: 10)
        #expect(log.contains { $0.action == "open-honors-in" && $0.detail == "2026-spring/\(classID)/\(studentID) on \(inWindow)" })
        #expect(log.contains { $0.action == "open-honors-out" && $0.detail == "2026-spring/\(classID)/\(studentID) on \(out)" })
        // A stale form, the public and another school's leader may not record.
        #expect(try await post(base.merging(["csrf": "stale", "choice": "in", "date": inWindow]) { $1 }).status == .forbidden)
        #expect(try await post(base.merging(["choice": "in", "date": inWindow]) { $1 }, cookies: [:]).status == .forbidden)
        if s.school != s.f.own {
            let leader = try await s.f.signIn("school")
            #expect(try await post(base.merging(["choice": "in", "date": inWindow]) { $1 }, cookies: ["mosaic_session": leader]).status == .forbidden)
        }
        #expect(try await s.f.server.store.roster(district: "district", term: "2026-spring").openHonors == ledger)
    }

    /// The public page, attacked: its weekly table read back from the HTML for every
    /// dimension, each shown rate taken as its count (as if the reader knew every group's
    /// size each week), every week subtracted from every other: no small count, nor a
    /// small change, comes back. Decided row by row (as the page did), this school's
    /// weekly table gave back how many students of a group opted in in one week.
    @Test func thePublicPageGivesNoSmallCountBack() async throws {
        let s = try await Self.setting()
        let policy = s.f.server.policy
        var shownCells = 0, hiddenCells = 0
        for dimension in [Dimension.race, .economic, .gender, .englishLearner] {
            let body = try await s.f.send(.get, s.route + "?dimension=\(dimension.rawValue)").body
            #expect(!body.contains("type=\"date\""))      // the public cannot pick a day
            let table = try #require(body.firstMatch(of: /<caption>Share taking honors credit by week<\/caption>(.*?)<\/table>/)?.output.1)
            let header = table.matches(of: /<th scope="col"[^>]*>([^<]*)<\/th>/).map { String($0.1) }
            let rows = table.matches(of: /<tr><th scope="row">([^<]*)<\/th>(.*?)<\/tr>/).map { m in
                (date: String(m.1), cells: m.2.matches(of: /<td class="n">([^<]*)<\/td>/).map { String($0.1) })
            }
            try #require(rows.count >= 3)
            let groups = header.dropFirst(2).map { label in dimension.rosterGroups.first { Dimension.label($0) == label } ?? "unknown" }
            var counts: [[SuppressionPolicy.RateCount]] = [], totals: [SuppressionPolicy.RateCount] = []
            var cells: [[Double?]] = [], overall: [Double?] = []
            func read(_ text: String, _ c: SuppressionPolicy.RateCount) -> Double? {
                guard text != "suppressed", text != "–" else { return nil }
                #expect(text == Format.percent(Double(c.numerator) / Double(c.denominator)))
                return Double(c.numerator) / Double(c.denominator)
            }
            for row in rows {
                let counted = OpenHonorsParticipation(s.roster, on: row.date, school: s.school)
                let all = (numerator: counted.district.total.optedIn, denominator: counted.district.total.enrolled)
                let byGroup = groups.map { g in counted.district.groups[dimension.rawValue]?[g].map { (numerator: $0.optedIn, denominator: $0.enrolled) } ?? (0, 0) }
                totals.append(all)
                counts.append(byGroup)
                overall.append(read(row.cells[0], all))
                cells.append(zip(row.cells.dropFirst(), byGroup).map { read($0, $1) })
            }
            shownCells += cells.joined().compactMap { $0 }.count
            hiddenCells += zip(cells.joined(), counts.joined()).filter { $0 == nil && $1.denominator > 0 }.count
            let attack = SeriesAttack(rows: counts, totals: totals, shown: .init(cells: cells, totals: overall))
            #expect(attack.recovered(minimumN: policy.minimumN).isEmpty, "\(dimension)")
            // Row by row, as the page used to decide: the same attack finds something.
            if dimension == .race {
                let rowByRow = SuppressionPolicy.ShownSeries(cells: counts.map { policy.shownRates($0) }, totals: totals.map { $0.denominator > 0 ? Double($0.numerator) / Double($0.denominator) : nil })
                #expect(!SeriesAttack(rows: counts, totals: totals, shown: rowByRow).recovered(minimumN: policy.minimumN).isEmpty)
            }
        }
        #expect(shownCells > 0 && hiddenCells > 0)   // the check bites both ways
        // Courses: the overall share only, decided as parts of the school.
        let body = try await s.f.send(.get, s.route).body
        #expect(body.contains("<caption>Share taking honors credit, by course</caption>"))
        #expect(!body.contains("by course and group"))
    }
}

/// Two staff recording open-honors choices at the same moment: both choices are kept (the
/// handler used to read the whole ledger, add one, and write it all back).
@Suite struct OpenHonorsConcurrencyTests {
    @Test(arguments: [Backend.memory, .sqlite, .postgres])
    func twoChoicesAtOnceAreBothKept(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            let f = try await Fixture.make(store: store)
            let roster = try await f.server.store.roster(district: "district", term: "2026-spring")
            let term = try #require(roster.termsWithSections.first)
            let chosen = Set(roster.openHonors.map { Int64($0.section) << 32 | Int64($0.student) })
            // Open-honors enrollments of one school without a choice yet.
            var free: [(section: Int, student: Int)] = []
            for e in 0..<roster.enrollmentCount {
                let c = Int(roster.enrollmentSection[e]), s = Int(roster.enrollmentStudent[e])
                if roster.courses[roster.sections[c].course].level == .openHonors, roster.sections[c].terms.contains(term),
                   !chosen.contains(Int64(c) << 32 | Int64(s)),
                   free.isEmpty || roster.sections[c].school == roster.sections[free[0].section].school {
                    free.append((c, s))
                }
            }
            try #require(free.count >= 6)
            let school = roster.orgs[roster.sections[free[0].section].school].id
            let route = "/districts/district/terms/2026-spring/schools/\(school)/open-honors"
            let date = OpenHonorsPages.adding(2, to: OpenHonorsPages.classStart(roster, school: school, session: roster.sessions[term]))
            func session() async throws -> (cookies: [String: String], csrf: String) {
                let cookies = ["mosaic_session": try await f.signIn("district")]
                let page = try await f.send(.get, route, cookies: cookies).body
                return (cookies, String(try #require(page.firstMatch(of: try Regex(#"name="csrf" value="([^"]+)""#))?.output[1].substring)))
            }
            let (a, b) = (try await session(), try await session())
            for trial in 0..<3 {
                let x = free[2 * trial], y = free[2 * trial + 1]
                func form(_ p: (section: Int, student: Int), _ csrf: String) -> [String: String] {
                    ["csrf": csrf, "class": roster.sections[p.section].id, "student": roster.students[p.student].id, "choice": "in", "date": date]
                }
                async let first = f.send(.post, route, cookies: a.cookies, form: form(x, a.csrf))
                async let second = f.send(.post, route, cookies: b.cookies, form: form(y, b.csrf))
                let (r1, r2) = try await (first, second)
                #expect(r1.status == .seeOther && r2.status == .seeOther)
                let ledger = try await f.server.store.roster(district: "district", term: "2026-spring").openHonors
                #expect(ledger.contains { $0.section == x.section && $0.student == x.student }, "trial \(trial): the first choice is lost")
                #expect(ledger.contains { $0.section == y.section && $0.student == y.student }, "trial \(trial): the second choice is lost")
                #expect(ledger.count == roster.openHonors.count + 2 * (trial + 1))
            }
            // The term's diagnostic counts every choice kept.
            let kept = try #require(try await f.server.store.diagnostic(district: "district", term: "2026-spring"))
            let d = try Diagnostic(archived: kept.json)
            let ledger = try await f.server.store.roster(district: "district", term: "2026-spring").openHonors
            var updated = roster
            updated.openHonors = ledger
            #expect(d.openHonors == OpenHonorsSummary(updated, term: roster.sessions[term]))
        }
    }
}

/// The finder, apply and open-honors pages read the roster once per term and revision,
/// not per request (they served 5–8 requests a second); a change made through one server
/// moves the term's revision, so another server on the same store shows it at once.
@Suite struct RosterReadTests {
    @Test func pagesReadTheRosterOncePerRevision() async throws {
        let s = try await OpenHonorsPageTests.setting()
        let store = try #require(s.f.server.store as? MemoryStore)
        #expect(try await OpenHonorsPageTests().send(s.f, "/api/v1/districts/district/rounds", round: true) == .created)
        let start = await store.rosterReads, kept = await s.f.server.pages.count
        for _ in 0..<20 {
            #expect(try await s.f.send(.get, "/find/district").status == .ok)
            #expect(try await s.f.send(.get, "/apply/district/1").status == .ok)
            #expect(try await s.f.send(.get, s.route).status == .ok)
        }
        let reads = await store.rosterReads - start
        #expect(reads <= 1, "\(reads) roster reads for 60 requests")
        // The public open-honors page and the finder's schools are computed once, not per request.
        let computed = await s.f.server.pages.count - kept
        #expect(computed == 2, "\(computed) pages kept for 60 requests")

        // A choice recorded through one server shows on another's page at once.
        let other = MosaicServer(store: store, options: s.f.server.options)
        let staff = ["mosaic_session": try await s.f.signIn("district")]
        let page = try await s.f.send(.get, s.route, cookies: staff).body
        let csrf = String(try #require(page.firstMatch(of: try Regex(#"name="csrf" value="([^"]+)""#))?.output[1].substring))
        let studentID = s.roster.students[s.student].id
        let cell = ">\(studentID)</th><td>not opted in</td>"
        #expect(try await s.f.send(.get, s.route, cookies: staff, via: other).body.contains(cell))
        let date = OpenHonorsPages.adding(2, to: OpenHonorsPages.classStart(s.roster, school: s.school, session: s.session))
        #expect(try await s.f.send(.post, s.route, cookies: staff, form: ["csrf": csrf, "class": s.roster.sections[s.section].id, "student": studentID,
                                                                        "choice": "in", "date": date]).status == .seeOther)
        let after = try await s.f.send(.get, s.route, cookies: staff, via: other).body
        #expect(!after.contains(cell) && after.contains(">\(studentID)</th><td>in honors since \(date)"), "\(after.count)")
    }
}

extension OpenHonorsPageTests {
    /// Creates an application round of the fixture's first two schools as the enrollment office.
    func send(_ f: Fixture, _ uri: String, round: Bool) async throws -> HTTPResponse.Status {
        let roster = try await f.server.store.roster(district: "district", term: "2026-spring")
        let ids = roster.orgs.filter { $0.type == "school" }.prefix(2).map(\.id)
        let body = #"{"term": "2026-spring", "name": "K", "schools": [{"id": "\#(ids[0])", "capacity": 5}, {"id": "\#(ids[1])", "capacity": 5}]}"#
        let app = Application(router: f.server.router())
        let token = try #require(f.tokens["enrollment"])
        return try await app.test(.router) { client in
            try await client.execute(uri: uri, method: .post, headers: [.authorization: "Bearer \(token)"], body: ByteBuffer(string: body)).status
        }
    }
}
