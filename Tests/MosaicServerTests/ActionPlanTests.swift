import Foundation
import Hummingbird
import MosaicCore
import MosaicTestSupport
import MosaicDiagnostic
import MosaicReport
import MosaicStore
import Testing

extension Fixture {
    /// The CSRF token of the first form on a page.
    func csrf(in body: String) throws -> String {
        let marker = "name=\"csrf\" value=\""
        let start = try #require(body.range(of: marker)).upperBound
        return String(body[start...].prefix { $0 != "\"" })
    }

    /// A complete "add an action" form for the district role.
    static func planForm(csrf: String, action: String = "action:universalIdentification", title: String = "") -> [String: String] {
        ["csrf": csrf, "action": action, "title": title, "detail": "Enrol every student who meets the grade 8 benchmark; families may opt out.",
         "scope": "withinSchools", "owner": "Director of curriculum", "timeline": "short", "status": "inProgress",
         "note_advocates": "Letters in Spanish & Haitian Creole <please>", "step_prioritize": "High impact, low cost.",
         "indicator": "advancedRate:race:black", "target": "30%", "by": "2027-28"]
    }
}

@Suite struct ActionPlanTests {
    @Test func theDistrictAddsChangesAndRemovesActionsAndEveryChangeIsAudited() async throws {
        let f = try await Fixture.make()
        let session = try await f.signIn("district")
        let page = try await f.send(.get, "/districts/district/plan", cookies: ["mosaic_session": session])
        #expect(page.status == .ok)
        #expect(page.body.contains("Add an action"))
        let csrf = try f.csrf(in: page.body)
        let added = try await f.send(.post, "/districts/district/plan", cookies: ["mosaic_session": session], form: Fixture.planForm(csrf: csrf))
        #expect(added.status == .seeOther)
        #expect(added.location == "/districts/district/plan#item-1")
        var items = try await f.server.store.planItems(district: "district")
        #expect(items.count == 1)
        let item = try #require(items.first)
        #expect(item.rootCause == "courseEnrollment" && item.action == "universalIdentification")
        #expect(item.measure == PlanItem.Measure(indicator: "advancedRate:race:black", target: 0.3, by: "2027-28"))
        #expect(item.notes[.advocates] == "Letters in Spanish & Haitian Creole <please>")
        #expect(item.updatedBy == "district@district.example")

        // The page shows it, escaped, with its measure read from the term's diagnostic.
        let shown = try await f.send(.get, "/districts/district/plan", cookies: ["mosaic_session": session]).body
        #expect(shown.contains("Letters in Spanish &amp; Haitian Creole &lt;please&gt;"))
        let reading = try #require(Indicator("advancedRate:race:black")?.reading(in: f.diagnostic))
        #expect(shown.contains("Now \(Format.percent(reading.value))"))
        #expect(shown.contains(reading.value >= 0.3 ? "target met" : "not yet met"))

        // A change, then a removal.
        var form = Fixture.planForm(csrf: csrf)
        form["status"] = "done"
        form["version"] = "1"
        let changed = try await f.send(.post, "/districts/district/plan/1", cookies: ["mosaic_session": session], form: form)
        #expect(changed.status == .seeOther)
        items = try await f.server.store.planItems(district: "district")
        #expect(items.map(\.status) == [.done])
        let removed = try await f.send(.post, "/districts/district/plan/1/delete", cookies: ["mosaic_session": session], form: ["csrf": csrf, "version": "2"])
        #expect(removed.status == .seeOther)
        #expect(try await f.server.store.planItems(district: "district").isEmpty)
        let log = try await f.server.store.auditLog(district: "district", limit: 10).map(\.action)
        #expect(Array(log.prefix(3)) == ["plan-remove", "plan-change", "plan-add"])
    }

    /// Two staff editing the same item: the second form, opened before the first was saved,
    /// is refused with 409 and says why; the first change stands. A removed item's number is
    /// not given to the next one, so a stale form can never land on a different item.
    @Test(arguments: [Backend.memory, .sqlite, .postgres])
    func aStaleFormIsRefusedAndNumbersAreNotReused(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            let f = try await Fixture.make(store: store)
            let a = try await f.signIn("district"), b = try await f.signIn("district")
            let csrfA = try f.csrf(in: try await f.send(.get, "/districts/district/plan", cookies: ["mosaic_session": a]).body)
            #expect(try await f.send(.post, "/districts/district/plan", cookies: ["mosaic_session": a], form: Fixture.planForm(csrf: csrfA)).status == .seeOther)
            // Both open the page: the item's forms carry version 1.
            let pageA = try await f.send(.get, "/districts/district/plan", cookies: ["mosaic_session": a]).body
            let pageB = try await f.send(.get, "/districts/district/plan", cookies: ["mosaic_session": b]).body
            #expect(pageA.contains("name=\"version\" value=\"1\"") && pageB.contains("name=\"version\" value=\"1\""))
            var formA = Fixture.planForm(csrf: try f.csrf(in: pageA)), formB = Fixture.planForm(csrf: try f.csrf(in: pageB))
            formA["version"] = "1"; formA["owner"] = "Writer A"
            formB["version"] = "1"; formB["owner"] = "Writer B"
            #expect(try await f.send(.post, "/districts/district/plan/1", cookies: ["mosaic_session": a], form: formA).status == .seeOther)
            let late = try await f.send(.post, "/districts/district/plan/1", cookies: ["mosaic_session": b], form: formB)
            #expect(late.status == .conflict)
            #expect(late.body.contains("changed by someone else since this form was opened"))
            #expect(try await f.server.store.planItems(district: "district").map(\.owner) == ["Writer A"])
            let staleRemoval = try await f.send(.post, "/districts/district/plan/1/delete", cookies: ["mosaic_session": b],
                                                form: ["csrf": formB["csrf"]!, "version": "1"])
            #expect(staleRemoval.status == .conflict)
            formB.removeValue(forKey: "version")
            #expect(try await f.send(.post, "/districts/district/plan/1", cookies: ["mosaic_session": b], form: formB).status == .conflict)
            // Removed with the current version; the next item is number 2, not 1 again.
            #expect(try await f.send(.post, "/districts/district/plan/1/delete", cookies: ["mosaic_session": a],
                                     form: ["csrf": formA["csrf"]!, "version": "2"]).status == .seeOther)
            let again = try await f.send(.post, "/districts/district/plan", cookies: ["mosaic_session": a], form: Fixture.planForm(csrf: formA["csrf"]!))
            #expect(again.location == "/districts/district/plan#item-2")
            formB["version"] = "2"
            #expect(try await f.send(.post, "/districts/district/plan/1", cookies: ["mosaic_session": b], form: formB).status == .notFound)
        }
    }

    @Test func aFormWithProblemsIsRefusedWithTheProblemsAndNothingIsStored() async throws {
        let f = try await Fixture.make()
        let session = try await f.signIn("district")
        let csrf = try f.csrf(in: try await f.send(.get, "/districts/district/plan", cookies: ["mosaic_session": session]).body)
        var form = Fixture.planForm(csrf: csrf, action: "custom:other", title: "")
        form["target"] = "thirty"
        form["owner"] = ""
        let r = try await f.send(.post, "/districts/district/plan", cookies: ["mosaic_session": session], form: form)
        #expect(r.status == .badRequest)
        #expect(r.body.contains("the target “thirty” is not a number"))
        // Once the target is a number, the item's own problems are listed together.
        form["target"] = "0.3"
        let again = try await f.send(.post, "/districts/district/plan", cookies: ["mosaic_session": session], form: form)
        #expect(again.status == .badRequest)
        #expect(again.body.contains("a custom action needs a title; every action needs an owner"))
        // A guidebook action where it does not work.
        var wrong = Fixture.planForm(csrf: csrf, action: "action:rezone")
        wrong["indicator"] = ""
        let scoped = try await f.send(.post, "/districts/district/plan", cookies: ["mosaic_session": session], form: wrong)
        #expect(scoped.status == .badRequest)
        #expect(scoped.body.contains("the action “rezone” works acrossSchools, not withinSchools"))
        #expect(try await f.server.store.planItems(district: "district").isEmpty)
        let missing = try await f.send(.post, "/districts/district/plan/7", cookies: ["mosaic_session": session], form: Fixture.planForm(csrf: csrf))
        #expect(missing.status == .notFound)
    }

    @Test func onlyTheDistrictSignedInWithItsTokenMayChangeThePlan() async throws {
        let f = try await Fixture.make()
        let district = try await f.signIn("district")
        let csrf = try f.csrf(in: try await f.send(.get, "/districts/district/plan", cookies: ["mosaic_session": district]).body)
        // No session, another role, or a token that is not this session's: refused.
        #expect(try await f.send(.post, "/districts/district/plan", form: Fixture.planForm(csrf: csrf)).status == .forbidden)
        for role in ["school", "advocate", "enrollment"] {
            let session = try await f.signIn(role)
            let r = try await f.send(.post, "/districts/district/plan", cookies: ["mosaic_session": session], form: Fixture.planForm(csrf: csrf))
            #expect(r.status == .forbidden, "\(role)")
            #expect(!(try await f.send(.get, "/districts/district/plan", cookies: ["mosaic_session": session]).body.contains("Add an action")))
        }
        #expect(try await f.send(.post, "/districts/district/plan", cookies: ["mosaic_session": district], form: Fixture.planForm(csrf: "forged")).status == .forbidden)
        var noToken = Fixture.planForm(csrf: csrf)
        noToken["csrf"] = nil
        #expect(try await f.send(.post, "/districts/district/plan", cookies: ["mosaic_session": district], form: noToken).status == .forbidden)
        #expect(try await f.server.store.planItems(district: "district").isEmpty)
        // The public reads the plan without forms and without who changed it.
        _ = try await f.send(.post, "/districts/district/plan", cookies: ["mosaic_session": district], form: Fixture.planForm(csrf: csrf))
        let public_ = try await f.send(.get, "/districts/district/plan")
        #expect(public_.status == .ok)
        #expect(!public_.body.contains("<form class=\"plan\""))
        #expect(!public_.body.contains("district@district.example"))
        #expect(public_.body.contains("Universal identification"))
    }

    @Test func aMeasureOnASmallGroupIsSuppressedForThePublicInThePageAndTheAPI() async throws {
        // With a minimum n above every group's size, every advanced rate is a small count.
        let f = try await Fixture.make(minimumN: 5_000)
        let session = try await f.signIn("district")
        let csrf = try f.csrf(in: try await f.send(.get, "/districts/district/plan", cookies: ["mosaic_session": session]).body)
        #expect(try await f.send(.post, "/districts/district/plan", cookies: ["mosaic_session": session], form: Fixture.planForm(csrf: csrf)).status == .seeOther)
        let value = try #require(Indicator("advancedRate:race:black")?.reading(in: f.diagnostic)).value
        let publicPage = try await f.send(.get, "/districts/district/plan").body
        #expect(publicPage.contains("The latest value is suppressed"))
        #expect(!publicPage.contains("Now \(Format.percent(value))"))
        let api = try await f.send(.get, "/api/v1/districts/district/plan").body
        #expect(api.contains("\"suppressed\":true") && api.contains("\"value\":null"))
        #expect(!api.contains("district@district.example"))
        // The district's own token reads the value.
        let app = Application(router: f.server.router())
        let token = try #require(f.tokens["district"])
        let own = try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/districts/district/plan", method: .get, headers: [.authorization: "Bearer \(token)"])
        }
        let json = try #require(try JSONSerialization.jsonObject(with: Data(String(buffer: own.body).utf8)) as? [String: Any])
        let items = try #require(json["items"] as? [[String: Any]])
        let terms = try #require((items.first?["measure"] as? [String: Any])?["terms"] as? [[String: Any]])
        #expect((terms.first?["value"] as? Double).map { abs($0 - value) < 1e-12 } == true)
    }
}

/// Student-level data: the district's own staff, and a school's leaders for their own
/// school (the principal's list of eligible students in no advanced course), every view
/// and download logged.
@Suite struct StudentListTests {
    @Test func onlyTheDistrictAndTheSchoolsLeadersSeeAStudentListAndEveryViewIsLogged() async throws {
        let f = try await Fixture.make()
        let route = "/districts/district/terms/2026-spring/schools/\(f.own)/students"
        var sessions: [String: String] = [:]
        for role in ["district", "school", "advocate", "enrollment"] { sessions[role] = try await f.signIn(role) }
        // A school leader sees her own school's list (and no other school's); advocates and
        // the enrollment office see none.
        for (viewer, status) in [("public", HTTPResponse.Status.forbidden), ("school", .ok), ("advocate", .forbidden),
                                 ("enrollment", .forbidden), ("district", .ok)] {
            let cookies = sessions[viewer].map { ["mosaic_session": $0] } ?? [:]
            #expect(try await f.send(.get, route, cookies: cookies).status == status, "\(viewer)")
            #expect(try await f.send(.get, route + ".csv", cookies: cookies).status == status, "\(viewer) csv")
        }
        let other = "/districts/district/terms/2026-spring/schools/\(f.other)/students"
        #expect(try await f.send(.get, other, cookies: ["mosaic_session": sessions["school"]!]).status == .forbidden)
        #expect(try await f.send(.get, other + ".csv?advanced=missing", cookies: ["mosaic_session": sessions["school"]!]).status == .forbidden)
        let district = ["mosaic_session": sessions["district"]!]
        let school = try #require(f.diagnostic.dimensions[0].acrossSchools.schools.first { $0.id == f.own })
        let page = try await f.send(.get, route, cookies: district).body
        #expect(page.contains("\(school.students) students"))
        #expect(page.contains("Student-level data."))
        let csv = try await f.send(.get, route + ".csv", cookies: district).body
        #expect(csv.split(separator: "\n").count == school.students + 1)
        let missing = try await f.send(.get, route + ".csv?advanced=missing", cookies: district).body
        #expect(missing.split(separator: "\n").dropFirst().allSatisfy { $0.hasSuffix(",yes") && $0.contains(",,yes") })
        let log = try await f.server.store.auditLog(district: "district", limit: 100)
        // Four in the role loop above (district and school, page and CSV), three here.
        #expect(log.filter { $0.action == "view-student-data" }.count == 7)
        #expect(log.filter { $0.action == "export" && $0.detail.hasSuffix("students.csv") }.count == 4)
        #expect(log.allSatisfy { $0.action != "view-student-data" || ["district@district.example", "school@district.example"].contains($0.actor) })
        // The school page links to the list for the district only; no public page names a student.
        #expect(try await f.send(.get, "/districts/district/terms/2026-spring/schools/\(f.own)", cookies: district).body.contains("Student list"))
        let publicSchool = try await f.send(.get, "/districts/district/terms/2026-spring/schools/\(f.own)").body
        #expect(!publicSchool.contains("Student list"))
        #expect(publicSchool.range(of: "stu[0-9]+", options: .regularExpression) == nil)
        #expect(page.range(of: "stu[0-9]+", options: .regularExpression) != nil)
        #expect(try await f.send(.get, "/districts/district/terms/2026-spring/schools/none/students", cookies: district).status == .notFound)
        // The district reads its audit log, views of student data included.
        let audit = try await f.send(.get, "/districts/district/audit", cookies: district).body
        #expect(audit.contains("view-student-data") && audit.contains("\(f.own).csv"))
    }
}
