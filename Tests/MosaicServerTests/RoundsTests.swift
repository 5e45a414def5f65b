import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import MosaicReport
@testable import MosaicServer
import MosaicStore
import MosaicTestSupport
import Testing

/// The application round through the API: the enrollment office creates, uploads, runs
/// and publishes; a family reads only its own result.
@Suite struct RoundsTests {
    func send(_ f: Fixture, _ uri: String, _ method: HTTPRequest.Method, _ body: String = "", as viewer: String?) async throws -> (status: HTTPResponse.Status, body: String) {
        let app = Application(router: f.server.router())
        var headers: HTTPFields = [:]
        if let viewer { headers[.authorization] = "Bearer " + (f.tokens[viewer] ?? "not-a-token") }
        let sent = headers
        return try await app.test(.router) { client in
            let r = try await client.execute(uri: uri, method: method, headers: sent, body: ByteBuffer(string: body))
            return (r.status, String(buffer: r.body))
        }
    }

    let round = #"""
        {"term": "2026-spring", "name": "Kindergarten 2027", "priorityClasses": ["sibling", "zone", "other"],
         "schools": [{"id": "S01", "capacity": 2, "precedence": "reserveFirst",
                      "reserves": [{"name": "low-income", "group": {"economic": "disadvantaged"}, "seats": 1, "kind": "soft"}]},
                     {"id": "S02", "capacity": 1}]}
        """#
    let applications = """
        student_id,prefs,sibling,zones,lottery,economic
        st1,S01;S02,,S01,4,
        st2,S01,,,1,
        st3,S01;S02,S01,,3,
        st4,S02;S01,,,2,disadvantaged
        """
    let base = "/api/v1/districts/district/rounds"

    /// Invites children to round 1 (as the enrollment office) and returns their codes.
    func invite(_ f: Fixture, _ csv: String) async throws -> [String: String] {
        let r = try await send(f, "\(base)/1/invitations", .post, csv, as: "enrollment")
        #expect(r.status == .ok, "\(r.body)")
        var codes: [String: String] = [:]
        for line in r.body.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: ",").map(String.init)
            codes[fields[0]] = fields[1]
        }
        return codes
    }

    func csrf(_ page: (status: HTTPResponse.Status, body: String, cookies: [String])) throws -> String {
        try #require(page.cookies.first { $0.hasPrefix("mosaic_family_csrf=") }.map { String($0.dropFirst(19).prefix { $0 != ";" }) })
    }

    @Test(arguments: [Backend.memory, .sqlite, .postgres])
    func theOfficeRunsARoundAndAFamilyReadsItsOwnResult(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            let f = try await Fixture.make(store: store)
            // Only the district's enrollment office and district staff run rounds.
            for viewer in ["school", "advocate", nil] as [String?] {
                #expect(try await send(f, base, .post, round, as: viewer).status == .forbidden, "\(viewer ?? "public")")
                #expect(try await send(f, base, .get, as: viewer).status == .forbidden)
            }
            #expect(try await send(f, base, .post, round, as: "stranger").status == .unauthorized)
            let created = try await send(f, base, .post, round, as: "enrollment")
            #expect(created.status == .created, "\(created.body)")
            #expect(created.body.contains(#""id":"1""#))
            #expect(try await send(f, base, .post, round.replacingOccurrences(of: "2026-spring", with: "1999"), as: "enrollment").status == .badRequest)

            // A bad file: every problem with its line, and nothing stored.
            let bad = try await send(f, "\(base)/1/applications", .put, applications.replacingOccurrences(of: "st2,S01", with: "st2,S09"), as: "enrollment")
            #expect(bad.status == .badRequest)
            #expect(bad.body.contains(#"applications.csv:3: prefs name \"S09\", which is not a school in this round"#), "\(bad.body)")
            #expect(try await store.applications(district: "district", round: "1").isEmpty)

            let uploaded = try await send(f, "\(base)/1/applications", .put, applications, as: "district")
            #expect(uploaded.status == .ok)
            let letters = uploaded.body.split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
            #expect(letters.map { $0[0] } == ["st1", "st2", "st3", "st4"] && letters.allSatisfy { $0[1].hasPrefix("R1-") && $0[2].count == 10 })
            // Only the code's hash is kept.
            let stored = try await store.applications(district: "district", round: "1")
            #expect(stored.allSatisfy { a in !letters.contains { $0[2] == a.secretHash } })

            // A simulation over fresh lotteries: shares per group, the same for one seed.
            let simulated = try await send(f, "\(base)/1/simulate", .post, #"{"draws": 50, "seed": 5}"#, as: "enrollment")
            #expect(simulated.status == .ok && simulated.body.contains(#""draws":50"#) && simulated.body.contains(#""firstChoice""#))
            #expect(try await send(f, "\(base)/1/simulate", .post, #"{"draws": 50, "seed": 5}"#, as: "enrollment").body == simulated.body)
            #expect(try await send(f, "\(base)/1/simulate", .post, #"{"draws": 1}"#, as: "enrollment").status == .badRequest)
            #expect(try await send(f, "\(base)/1/simulate", .post, as: "advocate").status == .forbidden)
            // Two runs with one seed: the same input hash and the same result.
            let one = try await send(f, "\(base)/1/runs", .post, #"{"seed": 7}"#, as: "enrollment")
            let two = try await send(f, "\(base)/1/runs", .post, #"{"seed": 7}"#, as: "enrollment")
            #expect(one.status == .created && two.status == .created, "\(one.body)")
            let runs = try await store.matchRuns(district: "district", round: "1")
            #expect(runs.count == 2 && runs[0].inputSha256 == runs[1].inputSha256 && runs[0].seed == 7)
            let first = try await send(f, "\(base)/1/runs/1", .get, as: "enrollment"), second = try await send(f, "\(base)/1/runs/2", .get, as: "enrollment")
            #expect(first.body == second.body && first.body.contains(#""student":"st2""#))
            // As mosaic match prints it: the contract's key order, and its CSV.
            #expect(first.body.hasPrefix(#"{"mechanism":"da","seed":7,"inputSha256":""#))
            let csv = try await send(f, "\(base)/1/runs/1?format=csv", .get, as: "enrollment")
            #expect(csv.body.hasPrefix("student_id,school_id,rank,seat_type\nst1,") && csv.body.split(separator: "\n").count == 5)
            let why = try await send(f, "\(base)/1/runs/1/explain/st2", .get, as: "enrollment")
            #expect(why.status == .ok && why.body.hasPrefix(#"{"student":"st2","assigned":null,"higherChoices":[{"school":"S01","choice":1"#), "\(why.body)")
            #expect(try await send(f, "\(base)/1/runs/1/explain/st9", .get, as: "enrollment").status == .notFound)
            #expect(try await send(f, "\(base)/1/runs/1/explain/st2", .get, as: "school").status == .forbidden)
            // The input file is the one the hash names (mosaic match on it reproduces the run).
            let input = try await send(f, "\(base)/1/runs/1/input", .get, as: "enrollment")
            #expect(SHA256.hash(data: Data(input.body.utf8)).map { String(format: "%02x", $0) }.joined() == runs[0].inputSha256)
            #expect(try await send(f, "\(base)/1/runs/1/input", .get, as: "advocate").status == .forbidden)

            // A family: nothing published yet; then its own result with the explanation.
            let st2 = letters[1]
            let family = #"{"reference": "\#(st2[1])", "code": "\#(st2[2])"}"#
            let early = try await send(f, "\(base)/1/result", .post, family, as: nil)
            #expect(early.status == .ok && early.body.contains(#""result":null"#))
            #expect(try await send(f, "\(base)/1/runs/2/publish", .post, as: "advocate").status == .forbidden)
            #expect(try await send(f, "\(base)/1/runs/2/publish", .post, as: "enrollment").status == .ok)
            // Publishing keeps every applicant's result: a family's lookup reads its own
            // row instead of recomputing the match.
            for applicant in ["st1", "st2", "st3", "st4"] {
                let kept = try #require(try await store.matchResult(district: "district", round: "1", run: "2", applicant: applicant))
                #expect(kept.contains(#""student":"\#(applicant)""#))
            }
            let result = try await send(f, "\(base)/1/result", .post, family, as: nil)
            #expect(result.status == .ok)
            #expect(result.body.contains(#""student":"st2","assigned":null"#) && result.body.contains(#""school":"S01""#), "\(result.body)")
            #expect(!result.body.contains("st1") && !result.body.contains("st3") && !result.body.contains("st4"))
            // A wrong code and an unknown reference get the same answer.
            let wrong = try await send(f, "\(base)/1/result", .post, #"{"reference": "\#(st2[1])", "code": "AAAAAAAAAA"}"#, as: nil)
            let unknown = try await send(f, "\(base)/1/result", .post, #"{"reference": "R1-NOPE", "code": "\#(st2[2])"}"#, as: nil)
            #expect(wrong.status == .notFound && wrong.body == unknown.body && unknown.status == .notFound)
            // Applications close once the round is matched; every step is in the audit log.
            #expect(try await send(f, "\(base)/1/applications", .put, applications, as: "enrollment").status == .conflict)
            let actions = try await store.auditLog(district: "district", limit: 50).map(\.action)
            for action in ["round-create", "applications-upload", "match-simulate", "match-run", "match-publish", "export"] { #expect(actions.contains(action), "\(action)") }
            // Another run after publication leaves the published one in place.
            #expect(try await send(f, "\(base)/1/runs", .post, #"{"seed": 8}"#, as: "enrollment").status == .created)
            let list = try await send(f, base, .get, as: "enrollment")
            #expect(list.body.contains(#""status":"published""#) && list.body.contains(#""applications":4"#) && list.body.contains(#""runs":3"#) && list.body.contains(#""published":"2""#))
        }
    }

    func page(_ f: Fixture, _ uri: String, _ method: HTTPRequest.Method = .get, form: String = "", cookie: String? = nil,
              language: String? = nil) async throws -> (status: HTTPResponse.Status, body: String, cookies: [String]) {
        let app = Application(router: f.server.router())
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let cookie { headers[.cookie] = cookie }
        if let language { headers[.acceptLanguage] = language }
        let sent = headers
        return try await app.test(.router) { client in
            let r = try await client.execute(uri: uri, method: method, headers: sent, body: ByteBuffer(string: form))
            return (r.status, String(buffer: r.body), r.headers[values: .setCookie])
        }
    }

    /// A staff upload of the round's applications replaces earlier uploads only: a family's
    /// application sent through the form stays (it used to be deleted with the rest).
    @Test func anUploadKeepsTheFamiliesApplications() async throws {
        let f = try await Fixture.make()
        #expect(try await send(f, base, .post, round, as: "enrollment").status == .created)
        let code = try #require(try await invite(f, "student_id\nK-901\n")["K-901"])
        let form = try await page(f, "/apply/district/1")
        let csrf = try #require(form.cookies.first { $0.hasPrefix("mosaic_family_csrf=") }.map { String($0.dropFirst(19).prefix { $0 != ";" }) })
        let sent = try await page(f, "/apply/district/1", .post, form: "csrf=\(csrf)&invitation=\(code)&choice1=S02&choice2=S01&child=Ana%20P%C3%A9rez&birth=2021-04-30&grade=KG", cookie: "mosaic_family_csrf=\(csrf)")
        #expect(sent.status == .ok)
        let family = try await f.server.store.applications(district: "district", round: "1")
        #expect(family.count == 1 && family[0].source == "form")
        #expect(try await send(f, "\(base)/1/applications", .put, applications, as: "enrollment").status == .ok)
        #expect(try await send(f, "\(base)/1/applications", .put, applications, as: "enrollment").status == .ok)
        let after = try await f.server.store.applications(district: "district", round: "1")
        #expect(after.contains(family[0]))
        #expect(after.filter { $0.source == "upload" }.count == applications.split(separator: "\n").count - 1)
        // An upload naming the family's applicant is refused whole, saying why.
        let clash = try await send(f, "\(base)/1/applications", .put, applications + "\n\(family[0].applicant),S01,,,5,\n", as: "enrollment")
        #expect(clash.status == .conflict && clash.body.contains("applied through the family form"), "\(clash.body)")
        #expect(try await f.server.store.applications(district: "district", round: "1") == after)
    }

    /// The family form and result in English and Spanish: chosen with ?lang=, remembered
    /// in a cookie, else the browser's language; CSRF-checked; the codes shown once; the
    /// result explained in the family's language.
    @Test func aFamilyAppliesAndReadsItsResultInItsLanguage() async throws {
        let f = try await Fixture.make()
        #expect(try await send(f, base, .post, round, as: "enrollment").status == .created)
        let invitation = try #require(try await invite(f, "student_id\nK-17\n")["K-17"])
        let english = try await page(f, "/apply/district/1")
        #expect(english.status == .ok && english.body.contains(#"<html lang="en">"#) && english.body.contains(#"<label for="choice1">Choice 1</label>"#))
        let csrf = try #require(english.cookies.first { $0.hasPrefix("mosaic_family_csrf=") }.map { String($0.dropFirst(19).prefix { $0 != ";" }) })
        #expect(english.cookies.contains { $0.hasPrefix("mosaic_family_csrf=") && $0.contains("Path=/apply") })
        let spanish = try await page(f, "/apply/district/1?lang=es")
        #expect(spanish.body.contains(#"<html lang="es">"#) && spanish.body.contains("Opción 1") && spanish.body.contains("comidas gratuitas"))
        #expect(spanish.cookies.contains { $0.hasPrefix("mosaic_lang=es") })
        #expect(try await page(f, "/apply/district/1", cookie: "mosaic_lang=es").body.contains("Sus opciones"))
        #expect(try await page(f, "/apply/district/1", language: "es-MX,es;q=0.9,en;q=0.5").body.contains("Sus opciones"))
        // Every field has its label, and the form says what it is in the page's language.
        for field in ["invitation", "child", "birth", "grade", "choice1", "choice2", "sibling", "zone"] { #expect(english.body.contains(#"<label for="\#(field)">"#)) }
        // Who the child is: a family that leaves it out, or gives an impossible date, is asked again.
        let nameless = try await page(f, "/apply/district/1?lang=es", .post, form: "csrf=\(csrf)&invitation=\(invitation)&choice1=S01&birth=2021-04-30&grade=KG",
                                      cookie: "mosaic_family_csrf=\(csrf)")
        #expect(nameless.status == .badRequest && nameless.body.contains("Indique el nombre completo"))
        let unborn = try await page(f, "/apply/district/1", .post, form: "csrf=\(csrf)&invitation=\(invitation)&choice1=S01&child=Ana&birth=2031-01-01&grade=KG",
                                    cookie: "mosaic_family_csrf=\(csrf)")
        #expect(unborn.status == .badRequest && unborn.body.contains("not a date we can read") && unborn.body.contains("value=\"Ana\""))

        // Without the form's token: refused, nothing stored.
        let forged = try await page(f, "/apply/district/1", .post, form: "choice1=S01", cookie: "mosaic_family_csrf=\(csrf)")
        #expect(forged.status == .forbidden)
        let empty = try await page(f, "/apply/district/1?lang=es", .post, form: "csrf=\(csrf)&invitation=\(invitation)&choice1=", cookie: "mosaic_family_csrf=\(csrf)")
        #expect(empty.status == .badRequest && empty.body.contains("Elija al menos una escuela"))
        #expect(try await f.server.store.applications(district: "district", round: "1").isEmpty)

        let sent = try await page(f, "/apply/district/1", .post, form: "csrf=\(csrf)&invitation=\(invitation)&choice1=S02&choice2=S01&economic=disadvantaged&child=Ana%20P%C3%A9rez&birth=2021-04-30&grade=KG",
                                  cookie: "mosaic_family_csrf=\(csrf); mosaic_lang=es")
        #expect(sent.status == .ok && sent.body.contains("Solicitud recibida"), "\(sent.body)")
        func after(_ label: String) -> String? {
            sent.body.range(of: label + ": ").map { String(sent.body[$0.upperBound...].prefix { $0 != "<" }) }
        }
        let reference = try #require(after("Referencia")), code = try #require(after("Código"))
        let stored = try await f.server.store.applications(district: "district", round: "1")
        #expect(stored.count == 1 && stored[0].source == "form" && stored[0].json.contains(#""prefs":["S02","S01"]"#) && stored[0].json.contains("disadvantaged"))
        #expect(stored[0].json.contains(#""child":{"birthDate":"2021-04-30","grade":"KG","name":"Ana Pérez"}"#))
        // The confirmation lists what was sent, in order.
        #expect(sent.body.contains("Lo que envió para Ana Pérez:") && sent.body.contains("<ol><li>S02</li><li>S01</li></ol>"))

        // Before publication, then after: her result in Spanish, her school named.
        let lookup = "csrf=\(csrf)&reference=\(reference)&code=\(code)"
        let pending = try await page(f, "/apply/district/1/result?lang=es", .post, form: lookup, cookie: "mosaic_family_csrf=\(csrf)").body
        #expect(pending.contains("aún no se han publicado") && pending.contains("<ol><li>S02</li><li>S01</li></ol>"), "the application seen again with the codes")
        #expect(try await send(f, "\(base)/1/runs", .post, #"{"seed": 3}"#, as: "enrollment").status == .created)
        #expect(try await send(f, "\(base)/1/runs/1/publish", .post, as: "enrollment").status == .ok)
        let result = try await page(f, "/apply/district/1/result", .post, form: lookup, cookie: "mosaic_family_csrf=\(csrf); mosaic_lang=es")
        #expect(result.status == .ok && result.body.contains("se le ofrece una plaza en S02 (su opción 1)"), "\(result.body)")
        #expect(result.body.contains("Próximos pasos") && !result.body.contains("semilla") && !result.body.contains("huella"))
        let wrong = try await page(f, "/apply/district/1/result", .post, form: "csrf=\(csrf)&reference=\(reference)&code=WRONG", cookie: "mosaic_family_csrf=\(csrf)")
        #expect(wrong.status == .notFound && wrong.body.contains("No application has that reference and code"))
    }
}

extension RoundsTests {
    /// One anonymous client sent 300 applications declaring low income and took all 66
    /// seats of a school with its reserve. Now: no code, no application; one child, one
    /// application (sending again replaces it); the office's verified groups stand in for
    /// the declaration; wrong codes and floods from one address are refused with 429.
    @Test(arguments: [Backend.memory, .sqlite, .postgres])
    func familiesIdentifyBeforeApplyingAndFloodsAreRefused(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            let f = try await Fixture.make(store: store)
            #expect(try await send(f, base, .post, round, as: "enrollment").status == .created)
            // The office's file is checked whole.
            let bad = try await send(f, "\(base)/1/invitations", .post, "student_id,economic\nK-1,\nK-1,disadvantaged\n,\n", as: "enrollment")
            #expect(bad.status == .badRequest && bad.body.contains("invitations.csv:3: student K-1 is listed twice") && bad.body.contains("invitations.csv:4"))
            #expect(try await send(f, "\(base)/1/invitations", .post, "student_id\nK-1\n", as: "advocate").status == .forbidden)
            let codes = try await invite(f, "student_id,economic\nK-1,\nK-2,disadvantaged\nK-3,\n")
            #expect(codes.count == 3 && Set(codes.values).count == 3)
            let form = try await page(f, "/apply/district/1")
            let token = try csrf(form)
            func apply(_ fields: String) async throws -> (status: HTTPResponse.Status, body: String, cookies: [String]) {
                try await page(f, "/apply/district/1", .post, form: "csrf=\(token)&\(fields)&child=Ana%20P%C3%A9rez&birth=2021-04-30&grade=KG", cookie: "mosaic_family_csrf=\(token)")
            }
            // Without a code, or with a made-up one: refused, nothing stored.
            #expect(try await apply("choice1=S01&economic=disadvantaged").status == .forbidden)
            let madeUp = try await apply("invitation=ABCDEFGHJKLM&choice1=S01")
            #expect(madeUp.status == .forbidden && madeUp.body.contains("not one of this round"))
            #expect(try await f.server.store.applications(district: "district", round: "1").isEmpty)
            // K-1 applies twice: one application, the second's choices, and the page says so.
            #expect(try await apply("invitation=\(codes["K-1"]!)&choice1=S01&economic=disadvantaged").status == .ok)
            let again = try await apply("invitation=\(codes["K-1"]!.lowercased())&choice1=S02")
            #expect(again.status == .ok && again.body.contains("replaces the application sent earlier"))
            // K-2's verified low income counts though the form does not declare it.
            #expect(try await apply("invitation=\(codes["K-2"]!)&choice1=S01").status == .ok)
            let stored = try await f.server.store.applications(district: "district", round: "1")
            #expect(stored.map(\.applicant) == ["K-1", "K-2"])
            #expect(stored[0].json.contains(#""prefs":["S02"]"#) && !stored[0].json.contains("disadvantaged"))
            #expect(stored[1].json.contains("disadvantaged"))
            // An application the office entered for a child is theirs to change.
            #expect(try await send(f, "\(base)/1/applications", .put, "student_id,prefs\nK-3,S01\n", as: "enrollment").status == .ok)
            let theirs = try await apply("invitation=\(codes["K-3"]!)&choice1=S02")
            #expect(theirs.status == .conflict && theirs.body.contains("already holds an application"))
            // Guessing codes: ten wrong ones from an address, then that address waits.
            for k in 0..<8 { #expect(try await apply("invitation=WRONG\(k)&choice1=S01").status == .forbidden) }
            let waited = try await apply("invitation=\(codes["K-2"]!)&choice1=S01")
            #expect(waited.status == .tooManyRequests && waited.body.contains("Too many attempts"), "\(waited.status)")
            // Another round's address counts are its own; the limit lives in the store (a
            // new server on the same store still refuses).
            let restarted = MosaicServer(store: store, options: f.server.options)
            let app = Application(router: restarted.router())
            let status = try await app.test(.router) { client in
                try await client.execute(uri: "/apply/district/1", method: .post,
                                         headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "mosaic_family_csrf=\(token)"],
                                         body: ByteBuffer(string: "csrf=\(token)&invitation=\(codes["K-2"]!)&choice1=S01&child=Ana%20P%C3%A9rez&birth=2021-04-30&grade=KG")).status
            }
            #expect(status == .tooManyRequests)
        }
    }
}

@Suite struct SchoolFinderTests {
    /// The finder is public, in both languages, lists every school with its advanced
    /// courses, and shows no group's share where the public view hides its count (a count
    /// of 1 to min n − 1 is never shown; min n 40 here, so the fixture has such groups).
    @Test func theFinderShowsEverySchoolAndNoSmallGroup() async throws {
        let f = try await Fixture.make(minimumN: 40)
        let roster = try await f.server.store.roster(district: "district", term: "2026-spring")
        let schools = FamilyPages.finderSchools(roster: roster, diagnostic: f.diagnostic, policy: f.server.policy, locations: [:])
        #expect(schools.count == f.diagnostic.schools)
        var hidden = 0
        for dim in f.diagnostic.dimensions where dim.dimension == .race || dim.dimension == .economic {
            for (i, s) in dim.acrossSchools.schools.enumerated() {
                let shown = schools[i].composition.first { $0.dimension == dim.dimension }!.groups
                for (k, n) in s.counts.enumerated() where n > 0 && n < 40 {
                    #expect(shown[k].share == nil, "\(s.name) \(dim.groups[k]): \(n) students")
                    hidden += 1
                }
            }
        }
        #expect(hidden > 0, "the fixture has small groups to hide")
        #expect(schools.contains { !($0.courses[.gifted] ?? []).isEmpty || !($0.courses[.honors] ?? []).isEmpty || !($0.courses[.ap] ?? []).isEmpty })
        let app = Application(router: f.server.router())
        let (en, es) = try await app.test(.router) { client in
            let en = try await client.execute(uri: "/find/district", method: .get)
            let es = try await client.execute(uri: "/find/district?lang=es", method: .get)
            return ((en.status, String(buffer: en.body)), (es.status, String(buffer: es.body)))
        }
        #expect(en.0 == .ok && es.0 == .ok)
        #expect(en.1.contains("How placement works") && en.1.contains("Fees and waivers") && (en.1.contains(" not shown ·") || en.1.contains(" not shown</p>")))
        #expect(es.1.contains("Cómo funciona la asignación") && es.1.contains("Costos y exenciones") && (es.1.contains(" no se muestra ·") || es.1.contains(" no se muestra</p>")))
        for s in schools { #expect(en.1.contains(s.name.replacingOccurrences(of: "&", with: "&amp;"))) }
        // Course titles are in the page's language where the district gave them in Spanish.
        let taught = Set(roster.sections.map(\.course))
        let course = try #require(roster.courses.indices.first { taught.contains($0) && roster.courses[$0].level.isAdvanced && roster.courses[$0].titleEs != nil }
            .map { roster.courses[$0] })
        #expect(en.1.contains(course.title) && !en.1.contains(course.titleEs!))
        #expect(es.1.contains(course.titleEs!) && !es.1.contains(course.title))
        // Without school locations the page says distances are not available.
        #expect(en.1.contains("Distances are not available"))
    }

    @Test func distancesSortTheSchoolsFromTheFamilysPoint() {
        let school = { (id: String, x: Double) in
            FinderSchool(id: id, name: id, students: 100, courses: [:], composition: [], location: (x, 0), distanceKm: nil)
        }
        let page = FamilyPages(language: .en, path: "/find/d").finder(
            district: "D", schools: [school("far", 9), school("home", 1), school("near", 2)], minimumN: 10, near: "home", openRound: nil).markup
        let order = ["home", "near", "far"].map { page.range(of: "<h2 id=\"s-\($0)\">")!.lowerBound }
        #expect(order == order.sorted())
        // Miles (the districts are American): 1 km and 8 km.
        #expect(page.contains("0.6 miles away") && page.contains("5.0 miles away"))
    }
}
