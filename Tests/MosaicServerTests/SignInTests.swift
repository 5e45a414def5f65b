import Foundation
import Hummingbird
import HummingbirdTesting
@testable import MosaicServer
import MosaicStore
import MosaicTestSupport
import Testing

extension Fixture {
    /// One request with the given cookies; returns the status, the body, the Set-Cookie
    /// values by name and the Location header.
    func send(_ method: HTTPRequest.Method, _ uri: String, cookies: [String: String] = [:], form: [String: String]? = nil,
              via other: MosaicServer? = nil) async throws
        -> (status: HTTPResponse.Status, body: String, cookies: [String: String], location: String?) {
        let app = Application(router: (other ?? server).router())
        var headers: HTTPFields = [:]
        if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        var body: ByteBuffer?
        if let form {
            headers[.contentType] = "application/x-www-form-urlencoded"
            let encoded = form.map { k, v in
                "\(k)=\(v.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? v)"
            }.joined(separator: "&")
            body = ByteBuffer(string: encoded)
        }
        let sent = headers, sentBody = body
        return try await app.test(.router) { client in
            let r = try await client.execute(uri: uri, method: method, headers: sent, body: sentBody)
            var set: [String: String] = [:]
            for field in r.headers[values: .setCookie] {
                let pair = field.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
                set[String(pair[0])] = pair.count > 1 ? String(pair[1]) : ""
            }
            return (r.status, String(buffer: r.body), set, r.headers[.location])
        }
    }

    /// Signs in through the form; returns the session cookie.
    func signIn(_ role: String, password: String = "correct horse battery") async throws -> String {
        let page = try await send(.get, "/login")
        let csrf = try #require(page.cookies["mosaic_csrf"])
        let r = try await send(.post, "/login", cookies: ["mosaic_csrf": csrf],
                               form: ["csrf": csrf, "email": "\(role)@district.example", "password": password])
        #expect(r.status == .seeOther, "\(r.body)")
        return try #require(r.cookies["mosaic_session"])
    }
}

@Suite struct SignInTests {
    @Test func theFormNeedsItsCSRFTokenAndTheRightPassword() async throws {
        let f = try await Fixture.make()
        let page = try await f.send(.get, "/login")
        #expect(page.status == .ok && page.body.contains("<form method=\"post\" action=\"/login\">"))
        let csrf = try #require(page.cookies["mosaic_csrf"])
        // No token, or a token that is not the cookie's: refused.
        let forged = try await f.send(.post, "/login", cookies: ["mosaic_csrf": csrf],
                                      form: ["csrf": "forged", "email": "district@district.example", "password": "correct horse battery"])
        #expect(forged.status == .forbidden && forged.cookies["mosaic_session"] == nil)
        let wrong = try await f.send(.post, "/login", cookies: ["mosaic_csrf": csrf],
                                     form: ["csrf": csrf, "email": "district@district.example", "password": "wrong password here"])
        #expect(wrong.status == .unauthorized && wrong.body.contains("not right") && wrong.cookies["mosaic_session"] == nil)
        let session = try await f.signIn("district")
        #expect(!session.isEmpty)
        let audit = try await f.server.store.auditLog(district: nil, limit: 100).map(\.action)
        #expect(audit.contains("login") && audit.contains("login-failed"))
    }

    @Test func fiveFailuresLockTheAccountForAWhile() async throws {
        let f = try await Fixture.make()
        let csrf = try #require(try await f.send(.get, "/login").cookies["mosaic_csrf"])
        for _ in 0..<5 {
            let r = try await f.send(.post, "/login", cookies: ["mosaic_csrf": csrf],
                                     form: ["csrf": csrf, "email": "advocate@district.example", "password": "guess guess guess"])
            #expect(r.status == .unauthorized)
        }
        // Even the right password waits now.
        let locked = try await f.send(.post, "/login", cookies: ["mosaic_csrf": csrf],
                                      form: ["csrf": csrf, "email": "advocate@district.example", "password": "correct horse battery"])
        #expect(locked.status == .tooManyRequests && locked.body.contains("Too many failed attempts"))
        // Attempts while locked are refused without a row each in the audit log: one for
        // the lock (a flood of attempts used to push staff actions off the log).
        for _ in 0..<30 {
            _ = try await f.send(.post, "/login", cookies: ["mosaic_csrf": csrf],
                                 form: ["csrf": csrf, "email": "advocate@district.example", "password": "guess guess guess"])
        }
        let throttled = try await f.server.store.auditLog(district: nil, limit: 200).filter { $0.action == "login-throttled" }
        #expect(throttled.count == 1)
        // Another account is not affected.
        _ = try await f.signIn("district")
    }

    /// Failures are counted per account and address: one address's failures on many
    /// accounts do not lock the others behind it (a school's shared address) until a
    /// spray's worth; the counts live in the store, so a restarted server still refuses.
    @Test func failuresLockTheAccountFromThatAddressAndSurviveARestart() async throws {
        let store = MemoryStore()
        let throttle = LoginThrottle(store: store, pairLimit: 5, accountLimit: 50, addressLimit: 200)
        let t0 = Date(timeIntervalSince1970: 1_790_000_000)
        for k in 0..<40 {
            #expect(try await throttle.lockedFor("user\(k)@x", address: "203.0.113.9", now: t0) == nil)
            _ = try await throttle.failed("user\(k)@x", address: "203.0.113.9", now: t0)
        }
        // 40 accounts mistyped once each from a school's address: the next is not locked.
        #expect(try await throttle.lockedFor("someone@x", address: "203.0.113.9", now: t0.addingTimeInterval(60)) == nil)
        // Five failures on one account from one address lock that pair only.
        var began: [Bool] = []
        for _ in 0..<5 { began.append(try await throttle.failed("ana@x", address: "203.0.113.9", now: t0)) }
        #expect(began == [false, false, false, false, true])
        let restarted = LoginThrottle(store: store)
        #expect(try await restarted.lockedFor("ana@x", address: "203.0.113.9", now: t0.addingTimeInterval(60)) == 14 * 60)
        #expect(try await restarted.lockedFor("ana@x", address: "198.51.100.4", now: t0.addingTimeInterval(60)) == nil)
        #expect(try await restarted.lockedFor("user1@x", address: "203.0.113.9", now: t0.addingTimeInterval(60)) == nil)
        // A spray: 200 failures from one address lock that address for everyone.
        for k in 0..<155 { _ = try await throttle.failed("spray\(k)@x", address: "203.0.113.9", now: t0) }
        #expect(try await restarted.lockedFor("someone@x", address: "203.0.113.9", now: t0.addingTimeInterval(60)) != nil)
        // The window passes.
        #expect(try await restarted.lockedFor("ana@x", address: "203.0.113.9", now: t0.addingTimeInterval(15 * 60)) == nil)
    }

    /// Pages by role: the district's staff see every count, a school leader their own
    /// school and no other, everyone else the public view; signing out ends it.
    @Test func pagesFollowTheSignedInRole() async throws {
        let f = try await Fixture.make()
        let overview = "/districts/district/terms/2026-spring"
        let publicPage = try await f.send(.get, overview)
        #expect(publicPage.body.contains(">suppressed<") && publicPage.body.contains("Sign in"))

        let district = try await f.signIn("district")
        let staff = try await f.send(.get, overview, cookies: ["mosaic_session": district])
        #expect(staff.status == .ok && staff.body.contains("district@district.example (district)"))
        #expect(!staff.body.contains(">suppressed<"))

        let leader = try await f.signIn("school")
        let own = try await f.send(.get, "\(overview)/schools/\(f.own)", cookies: ["mosaic_session": leader])
        #expect(own.status == .ok && !own.body.contains(">suppressed<"))
        let other = try await f.send(.get, "\(overview)/schools/\(f.other)", cookies: ["mosaic_session": leader])
        #expect(other.status == .forbidden)
        let leaderOverview = try await f.send(.get, overview, cookies: ["mosaic_session": leader])
        #expect(leaderOverview.body.contains(">suppressed<"))

        // Signing out needs the session's own token.
        let csrf = try #require(staff.body.firstMatch(of: try Regex(#"name="csrf" value="([^"]+)""#))?.output[1].substring)
        let refused = try await f.send(.post, "/logout", cookies: ["mosaic_session": district], form: ["csrf": "other"])
        #expect(refused.status == .forbidden)
        let out = try await f.send(.post, "/logout", cookies: ["mosaic_session": district], form: ["csrf": String(csrf)])
        #expect(out.status == .seeOther)
        let after = try await f.send(.get, overview, cookies: ["mosaic_session": district])
        #expect(after.body.contains(">suppressed<") && after.body.contains("Sign in"))
    }
}

@Suite struct PageRoleMatrixTests {
    /// Every page route, every signed-in role and the public: the status each gets.
    @Test(arguments: [Backend.sqlite, .postgres])
    func everyPageRouteForEveryRole(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            let f = try await Fixture.make(store: store)
            var sessions: [String: String] = [:]
            for role in ["advocate", "enrollment", "district", "school"] { sessions[role] = try await f.signIn(role) }
            let term = "/districts/district/terms/2026-spring"
            let viewers = ["public", "advocate", "enrollment", "district", "school"]
            let matrix: [(String, [HTTPResponse.Status])] = [
                ("/", [.ok, .ok, .ok, .ok, .ok]),
                (term, [.ok, .ok, .ok, .ok, .ok]),
                ("\(term)/schools", [.ok, .ok, .ok, .ok, .ok]),
                ("\(term)/schools/\(f.own)", [.ok, .ok, .ok, .ok, .ok]),
                ("\(term)/schools/\(f.other)", [.ok, .ok, .ok, .ok, .forbidden]),
                ("\(term)/advanced", [.ok, .ok, .ok, .ok, .ok]),
                ("\(term)/schools/\(f.own)/students", [.forbidden, .forbidden, .forbidden, .ok, .ok]),
                ("\(term)/schools/\(f.own)/students.csv", [.forbidden, .forbidden, .forbidden, .ok, .ok]),
                ("\(term)/schools/\(f.other)/students.csv", [.forbidden, .forbidden, .forbidden, .ok, .forbidden]),
                ("\(term)/schools/\(f.own)/class-lists", [.forbidden, .forbidden, .forbidden, .ok, .ok]),
                ("\(term)/schools/\(f.other)/class-lists", [.forbidden, .forbidden, .forbidden, .ok, .forbidden]),
                ("\(term)/schools/\(f.own)/schedule/enrollments.csv", [.forbidden, .forbidden, .forbidden, .notFound, .notFound]),
                ("/districts/district/rounds", [.forbidden, .forbidden, .ok, .ok, .forbidden]),
                ("/districts/district/rounds/1", [.forbidden, .forbidden, .notFound, .notFound, .forbidden]),
                ("/work", [.seeOther, .ok, .ok, .ok, .ok]),
                ("/no/such/page", [.notFound, .notFound, .notFound, .notFound, .notFound]),
                ("/districts/district/import", [.forbidden, .forbidden, .forbidden, .ok, .forbidden]),
                ("/districts/district/import/jobs/1", [.forbidden, .forbidden, .forbidden, .notFound, .forbidden]),
                ("\(term)/schools/\(f.own)/schedule", [.forbidden, .forbidden, .forbidden, .ok, .ok]),
                ("\(term)/schools/\(f.other)/schedule", [.forbidden, .forbidden, .forbidden, .ok, .forbidden]),
                ("\(term)/auto-enroll", [.forbidden, .forbidden, .forbidden, .ok, .forbidden]),
                ("\(term)/schools/\(f.own)/open-honors", [.ok, .ok, .ok, .ok, .ok]),
                ("\(term)/schools/\(f.own)/enrichment", [.ok, .ok, .ok, .ok, .ok]),
                ("\(term)/schools/\(f.other)/enrichment", [.ok, .ok, .ok, .ok, .forbidden]),
                ("\(term)/schools/\(f.own)/enrichment/1", [.notFound, .notFound, .notFound, .notFound, .notFound]),
                ("/survey/district/1", [.notFound, .notFound, .notFound, .notFound, .notFound]),
                ("\(term)/schools/\(f.other)/open-honors", [.ok, .ok, .ok, .ok, .forbidden]),
                ("\(term)/auto-enroll?threshold=abc", [.forbidden, .forbidden, .forbidden, .badRequest, .forbidden]),
                ("\(term)/tables/race-schools.csv", [.ok, .ok, .ok, .ok, .ok]),
                ("/districts/district/trends", [.ok, .ok, .ok, .ok, .ok]),
                ("\(term)/schools/none", [.notFound, .notFound, .notFound, .notFound, .forbidden]),
                ("/districts/elsewhere/trends", [.notFound, .notFound, .notFound, .notFound, .notFound]),
                ("/districts/district/plan", [.ok, .ok, .ok, .ok, .ok]),
                ("/districts/district/audit", [.forbidden, .forbidden, .forbidden, .ok, .forbidden]),
                ("/districts/district/boundaries", [.forbidden, .forbidden, .forbidden, .ok, .forbidden]),
                ("/districts/district/boundaries/1", [.forbidden, .forbidden, .forbidden, .notFound, .forbidden]),
                ("/districts/district/boundaries/1/scenarios/1/assignment.csv", [.forbidden, .forbidden, .forbidden, .notFound, .forbidden]),
                ("/districts/elsewhere/plan", [.notFound, .notFound, .notFound, .notFound, .notFound]),
                ("/api/v1/districts/district/plan", [.ok, .ok, .ok, .ok, .ok]),
                ("/login", [.ok, .ok, .ok, .ok, .ok]),
                ("/openapi.json", [.ok, .ok, .ok, .ok, .ok]),
                ("/metrics", [.forbidden, .forbidden, .forbidden, .forbidden, .forbidden]),
            ]
            // A path no route answers: the site's own page (in its landmark), not a bare 404.
            let lost = try await f.send(.get, "/no/such/page")
            #expect(lost.body.contains("<main id=\"main\"><h1>Not found</h1>") && lost.body.contains("Nothing is at “/no/such/page”"))
            #expect(try await f.send(.get, "/api/v1/no/such").body.hasPrefix("{"))
            for (route, expected) in matrix {
                for (viewer, status) in zip(viewers, expected) {
                    let cookies = sessions[viewer].map { ["mosaic_session": $0] } ?? [:]
                    let r = try await f.send(.get, route, cookies: cookies)
                    #expect(r.status == status, "\(route) as \(viewer): \(r.status)")
                    // One layout: every page a signed-in reader gets carries the account's links.
                    if viewer != "public", route != "/login", r.body.hasPrefix("<!DOCTYPE") {
                        #expect(r.body.contains("Sign out"), "\(route) as \(viewer): no Sign out")
                    }
                }
            }
            // Only the district's staff see the district's overview unsuppressed.
            for viewer in viewers {
                let cookies = sessions[viewer].map { ["mosaic_session": $0] } ?? [:]
                let body = try await f.send(.get, term, cookies: cookies).body
                #expect(body.contains(">suppressed<") == (viewer != "district"), "\(viewer)")
            }
        }
    }
}

@Suite struct PrivateResponseTests {
    /// Every response to a signed-in reader (session or token) says no-store, whatever the
    /// page; the public pages keep their own caching.
    @Test func signedInResponsesAreNotStored() async throws {
        let f = try await Fixture.make()
        let session = try await f.signIn("district")
        for page in ["/districts/district/terms/2026-spring", "/districts/district/terms/2026-spring/schools", "/districts/district/plan",
                     "/districts/district/trends"] {
            let app = Application(router: f.server.router())
            let headers = try await app.test(.router) { client in
                try await client.execute(uri: page, method: .get, headers: [.cookie: "mosaic_session=\(session)"]).headers
            }
            #expect(headers[.cacheControl] == "no-store", "\(page)")
            let token = f.tokens["district"]!
            let api = try await app.test(.router) { client in
                try await client.execute(uri: "/api/v1/districts/district/terms/2026-spring/diagnostic", method: .get,
                                         headers: [.authorization: "Bearer \(token)"]).headers
            }
            #expect(api[.cacheControl] == "no-store")
        }
    }

    /// With secure cookies (a deployment behind TLS) the sign-in cookies carry Secure.
    @Test func secureCookiesWhenAsked() async throws {
        let f = try await Fixture.make()
        let secure = MosaicServer(store: f.server.store, options: .init(minimumN: 10, secureCookies: true))
        let app = Application(router: secure.router())
        let set = try await app.test(.router) { client in try await client.execute(uri: "/login", method: .get).headers[values: .setCookie] }
        #expect(set.contains { $0.hasPrefix("mosaic_csrf=") && $0.contains("Secure") })
        let plain = try await Application(router: f.server.router()).test(.router) { client in
            try await client.execute(uri: "/login", method: .get).headers[values: .setCookie]
        }
        #expect(!plain.contains { $0.contains("Secure") })
    }
}

@Suite struct SignInTimingTests {
    /// An email with no account is checked against a decoy bcrypt hash of the cost accounts
    /// are made with, so it takes one bcrypt check like a wrong password for a real account
    /// (it used to answer at once: about 1 ms against 75 ms at cost 10, which gave away
    /// which emails have accounts). Checked by what is verified, not by timing, which the
    /// parallel test run makes unreliable.
    @Test func anUnknownEmailIsCheckedAgainstADecoyOfTheAccountsCost() throws {
        let decoy = SignIn.hashToCheck(nil, cost: 10)
        #expect(Accounts.cost(of: decoy) == 10)
        #expect(!Accounts.verify("", hash: decoy) && !Accounts.verify("correct horse battery", hash: decoy))
        #expect(SignIn.hashToCheck(nil, cost: 10) == decoy)      // made once
        #expect(Accounts.cost(of: SignIn.hashToCheck(nil, cost: 12)) == 12)
        let account = UserRecord(district: "d", email: "a@b", role: .district, schools: [], passwordHash: Accounts.hashPassword("x", cost: 4),
                                 createdAt: Date())
        #expect(SignIn.hashToCheck(account, cost: 10) == account.passwordHash)
    }
}
