import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MosaicCore
import MosaicDiagnostic
import MosaicMetrics
import MosaicSchedule
import MosaicStore
import MosaicTestSupport
import Testing

@testable import MosaicServer

/// Schoolwide enrichment in the service: staff start a round, propose clusters, open the
/// survey (codes shown once), students answer in English or Spanish, staff run the
/// assignment; participation over the year against the goal, suppressed for the public.
@Suite struct EnrichmentPagesTests {
    static func csrf(_ body: String) throws -> String {
        String(try #require(body.firstMatch(of: try Regex(#"name="csrf" value="([^"]+)""#))?.output[1].substring))
    }

    @Test func aRoundFromProposalsToAssignment() async throws {
        let f = try await Fixture.make()
        let staff = ["mosaic_session": try await f.signIn("district")]
        let school = f.own
        let base = "/districts/district/terms/2026-spring/schools/\(school)/enrichment"
        let index = try await f.send(.get, base, cookies: staff)
        #expect(index.status == .ok && index.body.contains("Start a round"))
        let token = try Self.csrf(index.body)
        // A bad goal is refused with the reason; a good round is created.
        let bad = try await f.send(.post, base, cookies: staff, form: ["csrf": token, "name": "Fall", "goal": "140"])
        #expect(bad.status == .badRequest && bad.body.contains("the goal is a percentage of the school&#39;s students from 1 to 100") || bad.body.contains("the goal is a percentage"))
        let created = try await f.send(.post, base, cookies: staff, form: ["csrf": token, "name": "Fall clusters", "goal": "40", "ability": "20", "economic": "20"])
        #expect(created.status == .seeOther && created.location == "\(base)/1")
        // Clusters: a bad one refused, four proposed.
        let badCluster = try await f.send(.post, "\(base)/1/clusters", cookies: staff, form: ["csrf": token, "id": "Robotics Club!", "title": "Robotics", "min": "2", "max": "1"])
        #expect(badCluster.status == .badRequest && badCluster.body.contains("lower-case letters") && badCluster.body.contains("below the smallest"))
        let roster = try await f.server.store.roster(district: "district", term: "2026-spring")
        let students = EnrichmentRound.students(of: school, in: roster)
        let size = max(4, students.count / 3)
        for (id, title, es) in [("robotics", "Robotics", "Robótica"), ("theatre", "Theatre", "Teatro"), ("garden", "Garden", "Huerto"), ("chess", "Chess", "Ajedrez")] {
            let r = try await f.send(.post, "\(base)/1/clusters", cookies: staff, form: ["csrf": token, "id": id, "title": title, "titleEs": es, "min": "0", "max": "\(size)"])
            #expect(r.status == .seeOther, "\(id)")
        }
        #expect(try await f.send(.post, "\(base)/1/clusters", cookies: staff, form: ["csrf": token, "id": "chess", "title": "Chess", "min": "0", "max": "5"]).body.contains("already proposed"))
        // The families' finder lists the school's clusters as its enrichment, in the page's language.
        let finder = try await f.send(.get, "/find/district").body
        let section = try #require(finder.range(of: "<h2 id=\"s-\(school)\">")).upperBound
        let schoolPart = String(finder[section...].prefix(4000))
        #expect(schoolPart.contains("Chess, Garden, Robotics, Theatre"), "\(schoolPart.prefix(1500))")
        #expect(try await f.send(.get, "/find/district?lang=es").body.contains("Ajedrez, Huerto, Robótica, Teatro"))
        // The survey is closed until opened; opening issues one code per student, shown once.
        let survey = "/survey/district/1"
        #expect(try await f.send(.get, survey).body.contains("not open now"))
        let opened = try await f.send(.post, "\(base)/1/survey", cookies: staff, form: ["csrf": token])
        #expect(opened.status == .ok && opened.body.contains("Survey codes (\(students.count))"))
        let codes = opened.body.matches(of: /<tr><th scope="row">([^<]+)<\/th><td>([2-9A-Z]{8})<\/td><\/tr>/).map { (String($0.1), String($0.2)) }
        #expect(codes.count == students.count)
        #expect(!(try await f.send(.get, "\(base)/1", cookies: staff).body.contains("Survey codes (")))
        // Students answer: in Spanish the clusters have their Spanish titles; a wrong code is refused.
        let form = try await f.send(.get, survey + "?lang=es")
        #expect(form.status == .ok && form.body.contains("Robótica") && form.body.contains("Tus opciones"))
        let familyCSRF = try #require(form.cookies["mosaic_family_csrf"])
        // The form's cookie is scoped to the survey's own path, so a browser sends it back.
        let raw = try await Application(router: f.server.router()).test(.router) { client in
            try await client.execute(uri: survey, method: .get).headers[values: .setCookie]
        }
        #expect(raw.contains { $0.hasPrefix("mosaic_family_csrf=") && $0.contains("Path=/survey") }, "\(raw)")
        let cookies = ["mosaic_family_csrf": familyCSRF]
        let wrong = try await f.send(.post, survey, cookies: cookies, form: ["csrf": familyCSRF, "student": codes[0].0, "code": "WRONGCDE", "choice1": "robotics"])
        #expect(wrong.status == .forbidden)
        let twice = try await f.send(.post, survey, cookies: cookies, form: ["csrf": familyCSRF, "student": codes[0].0, "code": codes[0].1, "choice1": "chess", "choice2": "chess"])
        #expect(twice.status == .badRequest)
        let clusters = ["robotics", "theatre", "garden", "chess"]
        let answering = codes.enumerated().filter { $0.offset % 3 != 2 }.map(\.element)
        for (k, (student, code)) in answering.enumerated() {
            let ranked = (0..<4).map { clusters[(k + $0) % 4] }
            let r = try await f.send(.post, survey, cookies: cookies, form: ["csrf": familyCSRF, "student": student, "code": code.lowercased(),
                                                                           "choice1": ranked[0], "choice2": ranked[1], "choice3": ranked[2]])
            #expect(r.status == .ok, "\(student)")
        }
        let kept = try await f.server.store.interestSurveys(district: "district", round: "1")
        #expect(kept.count == answering.count && kept.allSatisfy { $0.choices.count == 3 })
        // The assignment places every student within the sizes, as the command would.
        let assigned = try await f.send(.post, "\(base)/1/assign", cookies: staff, form: ["csrf": token])
        #expect(assigned.status == .seeOther)
        let record = try #require(try await f.server.store.enrichmentRounds(district: "district").first)
        #expect(record.status == "assigned")
        let result = try JSONDecoder().decode(EnrichmentResult.self, from: Data(try #require(record.result).utf8))
        #expect(result.placed == answering.count)
        let body = try JSONDecoder().decode(EnrichmentPages.Body.self, from: Data(record.json.utf8))
        var rng = SeededGenerator(seed: 0)
        let again = try Enrichment.solve(body.instance(surveys: kept.map { ($0.student, $0.choices) }, roster: roster), using: &rng)
        #expect(again == result)
        let page = try await f.send(.get, "\(base)/1", cookies: staff).body
        #expect(page.contains("\(Format.count(answering.count)) of \(Format.count(answering.count))</b><span>students placed"))
        // Participation: two in three placed against a goal of 40 %, for staff and (suppressed where small) the public.
        let participation = try await f.send(.get, base, cookies: staff).body
        #expect(participation.contains("<b>\(Format.percent(Double(answering.count) / Double(students.count)))</b><span>of the school"))
        let publicView = try await f.send(.get, base)
        #expect(publicView.status == .ok && !publicView.body.contains("Start a round") && !publicView.body.contains("Survey codes"))
        // The public table shows no rate of a group with fewer than the policy's minimum.
        let counted = EnrichmentParticipation(roster, school: school, rounds: [("Fall clusters", Set(result.assignments.keys))], goal: 0.4)
        var hidden = 0
        for dimension in [Dimension.race, .economic, .englishLearner, .disability] {
            let caption = "\(dimension.title): share of students in a cluster this year</caption>"
            let table = try #require(publicView.body.range(of: caption).map { publicView.body[$0.upperBound...] })
            let row = try #require(table.firstMatch(of: /<tbody><tr>(.*?)<\/tr>/)?.output.1)
            let cells = row.matches(of: /<td class="n">([^<]*)<\/td>/).map { String($0.1) }
            let groups = dimension.rosterGroups.filter { (counted.points[0].groups[dimension.rawValue]?[$0]?.students ?? 0) > 0 }
            #expect(cells.count == groups.count + 1)
            let counts = groups.map { counted.points[0].groups[dimension.rawValue]?[$0] }
            let rule = f.server.policy.shownRates(counts.map { (numerator: $0?.placed ?? 0, denominator: $0?.students ?? 0) })
            for (k, g) in groups.enumerated() {
                let c = try #require(counts[k])
                if f.server.policy.suppressesRate(c.placed, of: c.students) { #expect(rule[k] == nil, "\(g)") }
                if rule[k] == nil { #expect(cells[k + 1] == "suppressed", "\(g)"); hidden += 1 } else { #expect(cells[k + 1] == Format.percent(rule[k]!), "\(g)") }
            }
            // And the attack on what the row shows, its overall rate included.
            let total = counted.points[0].total
            let rows = [counts.map { (numerator: $0?.placed ?? 0, denominator: $0?.students ?? 0) }]
            let shown = SuppressionPolicy.ShownSeries(cells: [cells.dropFirst().map { $0 == "suppressed" ? nil : 0 }],
                                                      totals: [cells[0] == "suppressed" ? nil : 0])
            #expect(SeriesAttack(rows: rows, totals: [(total.placed, total.students)], shown: shown).recovered(minimumN: f.server.policy.minimumN).isEmpty)
        }
        #expect(hidden > 0)   // the school has small groups: the check bites
        #expect(try await f.send(.get, "\(base)/1").status == .forbidden)
        #expect(try await f.send(.post, "\(base)/1/assign", form: ["csrf": token]).status == .forbidden)
        // Trends and plan measures follow it: the district's share in a cluster this year.
        let version = TermRecord.version(of: try await f.server.store.terms(district: "district"))
        let diagnostic = try #require(try await f.server.diagnostics.diagnostic(district: "district", term: "2026-spring", version: version))
        #expect(diagnostic.enrichment?.total.placed == answering.count && diagnostic.enrichment?.rounds == 1)
        let white = try #require(Indicator("enrichmentRate:race:white"))
        #expect(Indicator.all(in: diagnostic).contains(white) && white.reading(in: diagnostic) != nil)
        #expect(try await f.send(.get, "/districts/district/trends", cookies: staff).body.contains("Enrichment: who takes part this year"))
        let log = try await f.server.store.auditLog(district: "district", limit: 5_000)
        #expect(log.contains { $0.action == "enrichment-assign" && $0.detail.hasPrefix("round 1: \(answering.count) of \(answering.count) placed") })
        #expect(log.filter { $0.action == "interest-survey" }.count == answering.count)
    }

    /// Participation by hand: two rounds of a year, the second adding students.
    @Test func participationAddsUpOverTheYear() throws {
        let roster = OpenHonorsFixture.roster
        let p = EnrichmentParticipation(roster, school: "S1", rounds: [("Fall", ["s1"]), ("Spring", ["s1", "s3"])], goal: 0.4)
        #expect(p.points.map(\.total.placed) == [1, 2] && p.points.map(\.total.students) == [4, 4])
        #expect(p.points[1].groups["race"]?["black"] == .init(students: 1, placed: 1))
        #expect(p.points[0].groups["race"]?["white"] == .init(students: 2, placed: 1))
    }
}

/// One school, four students (two white, one Black, one Hispanic), two classes.
enum OpenHonorsFixture {
    static let roster = Roster(
        version: "1.1",
        orgs: [.init(id: "D", name: "District", type: "district"), .init(id: "S1", name: "Adams High", type: "school", parent: 0)],
        sessions: [.init(id: "T2", title: "Spring", type: "term", startDate: "2026-01-21", endDate: "2026-06-20", schoolYear: 2026)],
        courses: [.init(id: "C-MATH", title: "Algebra I", code: "MATH", grades: [], org: 0, level: .general)],
        sections: [.init(id: "MATH-1", title: "Algebra I (1)", course: 0, school: 1, terms: [0], periods: ["2"], grades: [])],
        students: [Student(id: "s1", race: .white), Student(id: "s2", race: .white), Student(id: "s3", race: .black), Student(id: "s4", race: .hispanic)],
        enrollmentSection: [0, 0, 0, 0], enrollmentStudent: [0, 1, 2, 3])
}
