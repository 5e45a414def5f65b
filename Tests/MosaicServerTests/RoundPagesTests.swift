import Foundation
import Hummingbird
import HummingbirdTesting
@testable import MosaicServer
import MosaicStore
import MosaicTestSupport
import Testing

/// The enrollment office runs a round end to end in the browser, signed in (no API token):
/// sign-in lands on its own page, a round is created from the form, a bad applications
/// file stores nothing and says what is wrong line by line, a good one gives the families'
/// codes once, the run shows cutoffs, publishing makes results visible, "why not" answers.
@Suite struct RoundPagesTests {
    /// A multipart/form-data POST (what a browser's file form sends).
    func upload(_ f: Fixture, _ uri: String, session: String, csrf: String, file: String) async throws -> (status: HTTPResponse.Status, body: String) {
        let app = Application(router: f.server.router())
        let boundary = "----mosaic-test-\(UUID().uuidString)"
        let body = "--\(boundary)\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n\(csrf)\r\n"
            + "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"applications.csv\"\r\nContent-Type: text/csv\r\n\r\n\(file)\r\n"
            + "--\(boundary)--\r\n"
        let headers: HTTPFields = [.contentType: "multipart/form-data; boundary=\(boundary)", .cookie: "mosaic_session=\(session)"]
        return try await app.test(.router) { client in
            let r = try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
            return (r.status, String(buffer: r.body))
        }
    }

    func csrf(in body: String) throws -> String {
        let marker = "name=\"csrf\" value=\""
        let start = try #require(body.range(of: marker)).upperBound
        return String(body[start...].prefix { $0 != "\"" })
    }

    @Test(arguments: [Backend.memory, .sqlite, .postgres])
    func theOfficeRunsARoundInTheBrowser(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            let f = try await Fixture.make(store: store)
            let schools = f.diagnostic.dimensions[0].acrossSchools.schools.map(\.id)
            // Sign-in lands on the office's own page, which links to its rounds.
            let page = try await f.send(.get, "/login")
            let loginCSRF = try #require(page.cookies["mosaic_csrf"])
            let login = try await f.send(.post, "/login", cookies: ["mosaic_csrf": loginCSRF],
                                         form: ["csrf": loginCSRF, "email": "enrollment@district.example", "password": "correct horse battery"])
            #expect(login.status == .seeOther && login.location == "/work")
            let session = try #require(login.cookies["mosaic_session"])
            let cookies = ["mosaic_session": session]
            let work = try await f.send(.get, "/work", cookies: cookies)
            #expect(work.status == .ok && work.body.contains("Your work, enrollment office") && work.body.contains("href=\"/districts/district/rounds\""))
            #expect(work.body.components(separatedBy: ">Your work</a>").count == 2, "named once in the navigation, as the current page")
            #expect(try await f.send(.get, "/districts/district/rounds", cookies: cookies).body.components(separatedBy: ">Your work</a>").count == 2)
            // Others are refused: a school leader, and the public.
            #expect(try await f.send(.get, "/districts/district/rounds", cookies: ["mosaic_session": try await f.signIn("school")]).status == .forbidden)
            #expect(try await f.send(.get, "/districts/district/rounds").status == .forbidden)
            // A new round from the form: seats for two schools, a third of them reserved.
            let list = try await f.send(.get, "/districts/district/rounds", cookies: cookies)
            #expect(list.status == .ok && list.body.contains("name=\"seats_\(schools[0])\""))
            let token = try csrf(in: list.body)
            let forged = try await f.send(.post, "/districts/district/rounds", cookies: cookies,
                                          form: ["csrf": "forged", "name": "K 2027", "term": "2026-spring", "reserve": "34", "seats_\(schools[0])": "3"])
            #expect(forged.status == .forbidden)
            let bad = try await f.send(.post, "/districts/district/rounds", cookies: cookies,
                                       form: ["csrf": token, "name": "K 2027", "term": "2026-spring", "reserve": "34", "seats_\(schools[0])": "three"])
            #expect(bad.status == .badRequest && bad.body.contains("seats of \(schools[0]): a whole number of seats above 0 (not “three”)"))
            #expect(try await store.applicationRounds(district: "district").isEmpty, "nothing stored")
            let created = try await f.send(.post, "/districts/district/rounds", cookies: cookies,
                                           form: ["csrf": token, "name": "K 2027", "nameEs": "Kínder 2027", "term": "2026-spring", "reserve": "34",
                                                  "seats_\(schools[0])": "3", "seats_\(schools[1])": "1", "seats_\(schools[2])": ""])
            #expect(created.status == .seeOther)
            let roundPath = try #require(created.location)
            let round = try await f.send(.get, roundPath, cookies: cookies)
            #expect(round.body.contains("1 economically disadvantaged (soft)"), "a third of 3 seats reserved")
            // A bad file: every problem with its line, nothing stored.
            let wrong = """
                student_id,prefs,economic
                st1,\(schools[0]);\(schools[1]),disadvantaged
                st2,NOPE,
                st1,\(schools[1]),
                """
            let refused = try await upload(f, roundPath + "/applications", session: session, csrf: token, file: wrong)
            #expect(refused.status == .badRequest)
            #expect(refused.body.contains("applications.csv:3: prefs name &quot;NOPE&quot;, which is not a school in this round"))
            #expect(refused.body.contains("applications.csv:4: student st1 applies twice (first on line 2)"))
            let roundID = String(roundPath.split(separator: "/").last!)
            #expect(try await store.applications(district: "district", round: roundID).isEmpty)
            // A good file: stored, the codes shown once as a download.
            let good = """
                student_id,prefs,lottery,economic
                st1,\(schools[0]);\(schools[1]),4,
                st2,\(schools[0]),1,
                st3,\(schools[0]);\(schools[1]),3,
                st4,\(schools[0]),5,disadvantaged
                st5,\(schools[1]);\(schools[0]),2,
                """
            let stored = try await upload(f, roundPath + "/applications", session: session, csrf: token, file: good)
            #expect(stored.status == .ok && stored.body.contains("5 applications checked and stored."))
            #expect(stored.body.contains("download=\"codes-round-\(roundID).csv\" href=\"data:text/csv;charset=utf-8;base64,"))
            #expect(try await store.applications(district: "district", round: roundID).count == 5)
            // The families' pages name the round in their language.
            #expect(try await f.send(.get, "/apply/district/\(roundID)?lang=es").body.contains("Solicitud: Kínder 2027"))
            #expect(try await f.send(.get, "/apply/district/\(roundID)?lang=en").body.contains("Apply: K 2027"))
            // A family lost its code: a new one, the old one stops working, the application stays.
            let encoded = try #require(stored.body.firstMatch(of: /base64,([A-Za-z0-9+\/=]+)"/)?.1)
            let codes = String(decoding: try #require(Data(base64Encoded: String(encoded))), as: UTF8.self)
            let st2 = try #require(codes.split(separator: "\n").first { $0.hasPrefix("st2,") }).split(separator: ",").map(String.init)
            let recovered = try await f.send(.post, roundPath + "/codes", cookies: cookies, form: ["csrf": token, "applicant": "st2"])
            let newCode = String(try #require(recovered.body.firstMatch(of: /Reference [^ ]+ · code ([A-Z0-9]+)/)?.1))
            #expect(newCode != st2[2])
            let held = try #require(try await store.application(district: "district", round: roundID, applicant: "st2"))
            #expect(held.secretHash == Rounds.hash(newCode) && held.reference == st2[1] && held.json.contains("\"prefs\""))
            #expect(try await f.send(.post, roundPath + "/codes", cookies: cookies, form: ["csrf": token, "applicant": "nobody"]).status == .notFound)
            // Run with a seed: the run's page with the cutoffs.
            let run = try await f.send(.post, roundPath + "/runs", cookies: cookies, form: ["csrf": token, "mechanism": "da", "seed": "7"])
            #expect(run.status == .seeOther)
            let runPath = try #require(run.location)
            let result = try await f.send(.get, runPath, cookies: cookies)
            #expect(result.status == .ok && result.body.contains("4 of 5</b>"))
            // School 0: 3 seats, st4 (disadvantaged, lottery 5) by the reserve, st2 and st3 by lottery (1, 3):
            // the last admitted is st4, on the reserve.
            let name0 = try #require(f.diagnostic.dimensions[0].acrossSchools.schools.first { $0.id == schools[0] }?.name)
            #expect(result.body.contains("<th scope=\"row\">\(name0) (\(schools[0]))</th><td class=\"n\">3</td><td class=\"n\">3</td><td>2 open, 1 of 1 economically disadvantaged</td><td>other priority, lottery 5</td>"))
            // Why not: st1 (lottery 4) is above that cutoff, and the page says why she still lost the seat.
            let why = try await f.send(.get, runPath + "?applicant=st1", cookies: cookies)
            #expect(why.body.contains("<b>st1</b>: not assigned."))
            #expect(why.body.contains("1st choice \(name0) (\(schools[0])): priority other priority, lottery 4, cutoff other priority, lottery 5 — full: its seats went by reserve or to applicants of higher priority."))
            // Publish: the round is published; the audit log has every step.
            let published = try await f.send(.post, runPath + "/publish", cookies: cookies, form: ["csrf": token])
            #expect(published.status == .ok && published.body.contains("is published"))
            #expect(try await store.applicationRounds(district: "district").first { $0.id == roundID }?.status == "published")
            let actions = Set(try await store.auditLog(district: "district", limit: 200).map(\.action))
            #expect(actions.isSuperset(of: ["round-create", "applications-upload", "match-run", "match-publish", "view-student-data",
                                            "application-code-reissued"]))
        }
    }
}
