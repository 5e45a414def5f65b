import Foundation
import Hummingbird
import HummingbirdTesting
import MosaicCore
import MosaicDiagnostic
import MosaicImport
import MosaicMetrics
import MosaicReport
@testable import MosaicServer
import MosaicStore
import MosaicTestSupport
import Testing

/// A store with one synthetic district term, its diagnostic, and one account per role.
struct Fixture {
    let server: MosaicServer
    let diagnostic: Diagnostic
    let tokens: [String: String]
    /// The school the school leader leads, and one they do not.
    let own: String, other: String

    /// - Parameter store: an empty store of the backend under test; a MemoryStore if nil.
    static func make(minimumN: Int = 10, store given: (any Store)? = nil) async throws -> Fixture {
        var rng = SeededGenerator(seed: 4)
        let profiles = [
            SyntheticDistrict.Profile(race: [0.1, 0.3, 0.4, 0.05, 0.15], poverty: 0.7, englishLearner: 0.15, disability: 0.2, female: 0.5),
            SyntheticDistrict.Profile(race: [0.3, 0.1, 0.2, 0.05, 0.35], poverty: 0.3, englishLearner: 0.05, disability: 0.15, female: 0.49),
        ]
        let roster = SyntheticDistrict(.init(students: 3_000, schools: 6), profiles: profiles, using: &rng).roster
        let guidebook = try Guidebook(contentsOf: TestSupport.shared.appendingPathComponent("data/actions.json").path)
        let diagnostic = try diagnose(roster, options: .init(baselineDraws: 40, seed: 1, minimumN: minimumN, guidebook: guidebook))
        let store: any Store = given ?? MemoryStore()
        try await store.migrate()
        let district = roster.orgs.first { $0.type == "district" }!
        try await store.importTerm(
            TermRecord(district: district.id, id: "2026-spring", title: diagnostic.termTitle, schoolYear: 2026, importedAt: Date(),
                       students: diagnostic.students, schools: diagnostic.schools, sections: diagnostic.classes,
                       enrollments: roster.enrollmentCount),
            district: DistrictRecord(id: district.id, name: district.name, synthetic: true), roster: roster,
            diagnostic: StoredDiagnostic(json: try diagnostic.archived(), computedAt: Date(), options: ""), replace: false)
        let schools = diagnostic.dimensions[0].acrossSchools.schools.map(\.id)
        var tokens: [String: String] = [:]
        for (role, schoolList) in [(Role.district, [String]()), (.school, [schools[0]]), (.advocate, []), (.enrollment, [])] {
            let email = "\(role.rawValue)@district.example"
            // A low bcrypt cost keeps the tests quick; what is tested is the same.
            try await Accounts.addUser(email: email, role: role, schools: schoolList, password: "correct horse battery",
                                       district: district.id, to: store, cost: 6)
            let token = Accounts.newToken()
            try await store.addToken(hash: Accounts.tokenHash(token), email: email, createdAt: Date())
            tokens[role.rawValue] = token
        }
        return Fixture(server: MosaicServer(store: store, options: .init(minimumN: minimumN, guidebook: guidebook)), diagnostic: diagnostic,
                       tokens: tokens, own: schools[0], other: schools[1])
    }

    func get(_ uri: String, as viewer: String?) async throws -> (status: HTTPResponse.Status, body: String) {
        let app = Application(router: server.router())
        var headers: HTTPFields = [:]
        if let viewer { headers[.authorization] = "Bearer " + (tokens[viewer] ?? "not-a-token") }
        let sent = headers
        return try await app.test(.router) { client in
            let r = try await client.execute(uri: uri, method: .get, headers: sent)
            return (r.status, String(buffer: r.body))
        }
    }
}

@Suite struct APITests {
    /// Every route, every viewer, the status the contract gives.
    @Test(arguments: [Backend.sqlite, .postgres])
    func theRoleRouteMatrix(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            let f = try await Fixture.make(store: store)
            let base = "/api/v1/districts/district/terms/2026-spring"
            let viewers: [String?] = [nil, "advocate", "enrollment", "district", "school", "forged"]
            // Expected status for each viewer, in the order above.
            let matrix: [(String, [HTTPResponse.Status])] = [
                ("/healthz", [.ok, .ok, .ok, .ok, .ok, .ok]),
                ("/api/v1/districts", [.ok, .ok, .ok, .ok, .ok, .unauthorized]),
                ("\(base)/diagnostic", [.ok, .ok, .ok, .ok, .ok, .unauthorized]),
                ("/api/v1/districts/district/terms/1999-fall/diagnostic", [.notFound, .notFound, .notFound, .notFound, .notFound, .unauthorized]),
                ("/api/v1/districts/elsewhere/terms/2026-spring/diagnostic", [.notFound, .notFound, .notFound, .notFound, .notFound, .unauthorized]),
                ("\(base)/schools/\(f.own)", [.ok, .ok, .ok, .ok, .ok, .unauthorized]),
                ("\(base)/schools/\(f.other)", [.ok, .ok, .ok, .ok, .forbidden, .unauthorized]),
                ("\(base)/schools/no-such-school", [.notFound, .notFound, .notFound, .notFound, .forbidden, .unauthorized]),
            ]
            for (route, expected) in matrix {
                for (viewer, status) in zip(viewers, expected) {
                    let r = try await f.get(route, as: viewer)
                    #expect(r.status == status, "\(route) as \(viewer ?? "public"): \(r.status) \(r.body)")
                    if r.status != .ok {
                        let error = try JSONSerialization.jsonObject(with: Data(r.body.utf8)) as? [String: Any]
                        #expect(error?["error"] is String, "\(route) as \(viewer ?? "public"): \(r.body)")
                    }
                }
            }
        }
    }

    /// What each scope sees is the report layer's output for its policy, byte for byte.
    @Test func eachScopeSeesItsView() async throws {
        let f = try await Fixture.make()
        let base = "/api/v1/districts/district/terms/2026-spring"
        let publicView = f.diagnostic.scopedJSON(policy: f.server.policy).serialized() + "\n"
        let districtView = f.diagnostic.scopedJSON(policy: nil).serialized() + "\n"
        #expect(publicView != districtView)
        for viewer in [nil, "advocate", "enrollment"] {
            #expect(try await f.get("\(base)/diagnostic", as: viewer).body == publicView, "\(viewer ?? "public")")
        }
        // A school leader: their own school in full, the rest decided against what they know.
        let leaderView = f.diagnostic.scopedJSON(DiagnosticDisclosure(f.diagnostic, audience: .schoolLeader(schools: [f.own]),
                                                                      policy: f.server.policy)).serialized() + "\n"
        let leaders = try await f.get("\(base)/diagnostic", as: "school").body
        #expect(leaders == leaderView)
        let own = f.diagnostic.dimensions[0].acrossSchools.schools.first { $0.id == f.own }!
        let shownOwn = f.diagnostic.scopedJSON(DiagnosticDisclosure(f.diagnostic, audience: .schoolLeader(schools: [f.own]), policy: f.server.policy))["dimensions"]?["race"]?["acrossSchools"]?["schools"]?.elements?.first { $0["id"] == .string(f.own) }
        #expect(shownOwn?["students"] == .int(own.students))
        #expect(shownOwn?["composition"]?.members?.contains { $0.1 == .null } == false)
        #expect(try await f.get("\(base)/diagnostic", as: "district").body == districtView)
        #expect(try await f.get("\(base)/schools/\(f.own)", as: "school").body
                == f.diagnostic.schoolJSON(f.own, policy: nil)!.serialized() + "\n")
        #expect(try await f.get("\(base)/schools/\(f.own)", as: "advocate").body
                == f.diagnostic.schoolJSON(f.own, policy: f.server.policy)!.serialized() + "\n")
    }

    /// The public view of every route: no count from 1 to min n − 1, every null marked
    /// suppressed, and no hidden composition cell recoverable from a shown total by
    /// subtraction (a row or column of the school × group table with exactly one hidden
    /// cell beside a shown total).
    @Test(arguments: [Backend.sqlite, .postgres], [5, 10, 20])
    func thePublicViewLeaksNoSmallCount(_ backend: Backend, minimumN: Int) async throws {
        try await withStore(backend) { store in
            let f = try await Fixture.make(minimumN: minimumN, store: store)
            let base = "/api/v1/districts/district/terms/2026-spring"
            var documents = [try await f.get("\(base)/diagnostic", as: nil).body]
            for school in f.diagnostic.dimensions[0].acrossSchools.schools.map(\.id) {
                documents.append(try await f.get("\(base)/schools/\(school)", as: "advocate").body)
            }
            let notStudentCounts: Set<String> = ["classrooms", "schools", "classes", "draws", "minimumN", "seed"]
            var problems: [String] = []
            func walk(_ v: Any, _ path: String) {
                if let o = v as? [String: Any] {
                    if o.values.contains(where: { $0 is NSNull }) && o["suppressed"] as? Bool != true { problems.append("\(path): null without suppressed") }
                    for (k, x) in o {
                        if let n = x as? Int, !(x is Bool), !notStudentCounts.contains(k), (1..<minimumN).contains(n) {
                            problems.append("\(path).\(k) = \(n)")
                        }
                        walk(x, "\(path).\(k)")
                    }
                } else if let a = v as? [Any] {
                    for (i, x) in a.enumerated() { walk(x, "\(path)[\(i)]") }
                }
            }
            for d in documents { walk(try JSONSerialization.jsonObject(with: Data(d.utf8)), "") }
            // Recovery by subtraction in the across-schools composition table of each dimension.
            let whole = try #require(try JSONSerialization.jsonObject(with: Data(documents[0].utf8)) as? [String: Any])
            for (name, block) in whole["dimensions"] as? [String: Any] ?? [:] {
                let b = block as! [String: Any]
                let district = b["composition"] as! [String: Any]
                let rows = ((b["acrossSchools"] as! [String: Any])["schools"] as! [[String: Any]])
                let groups = district.keys.filter { $0 != "suppressed" }
                for g in groups where district[g] is Int {
                    let hidden = rows.filter { ($0["composition"] as! [String: Any])[g] is NSNull }.count
                    if hidden == 1 { problems.append("\(name).\(g): one school's count hidden under a shown district total") }
                }
                for row in rows where row["students"] is Int {
                    let comp = row["composition"] as! [String: Any]
                    let hidden = groups.filter { comp[$0] is NSNull }.count
                    if hidden == 1 { problems.append("\(name).\(row["id"]!): one group hidden under a shown school total") }
                }
                // A school's ½Σ|p − P| would give its hidden cells back.
                for row in rows where (row["composition"] as! [String: Any]).values.contains(where: { $0 is NSNull }) {
                    if !(row["dissimilarityVsDistrict"] is NSNull) { problems.append("\(name).\(row["id"]!): ½Σ|p − P| beside a hidden cell") }
                }
            }
            // Advanced participation: with a group's rate hidden in a block (the district's or a
            // school's, in one dimension), no overall rate, representation index or missing
            // students in that block, since each is computed from the hidden group's counts.
            // (Between dimensions — every dimension's groups add up to the same students — the
            // linear-programming attack of RecoveryAttackTests checks that nothing comes back.)
            var blocks: [String: [[String: Any]]] = [:]   // dimension + unit → its group objects
            var overalls: [String: Any] = [:]
            for (name, block) in whole["dimensions"] as? [String: Any] ?? [:] {
                let advanced = (block as! [String: Any])["advanced"] as! [String: Any]
                let groups = (advanced["groups"] as! [String: Any]).values.map { $0 as! [String: Any] }
                blocks["\(name) district"] = groups
                overalls["\(name) district"] = advanced["overallRate"] as Any
                for school in advanced["schools"] as! [[String: Any]] {
                    blocks["\(name) \(school["id"] as! String)"] = (school["groups"] as! [String: Any]).values.map { $0 as! [String: Any] }
                }
            }
            var blocksWithHidden = 0
            for (unit, groups) in blocks where groups.contains(where: { $0["rate"] is NSNull && !($0["eligible"] as? Int == 0) }) {
                blocksWithHidden += 1
                if groups.contains(where: { !($0["representationIndex"] is NSNull) }) { problems.append("\(unit): a representation index beside a hidden rate") }
                if groups.contains(where: { !($0["missing"] is NSNull) }) { problems.append("\(unit): missing students beside a hidden rate") }
                if let overall = overalls[unit], !(overall is NSNull) { problems.append("\(unit): overall rate beside a hidden rate") }
            }
            #expect(blocksWithHidden > 0, "the fixture hides some group's rate at min n \(minimumN)")
            #expect(problems.isEmpty, "\(problems.prefix(10))")
            // And something is in fact suppressed at this size, so the test tests something.
            #expect(documents[0].contains("\"suppressed\":true"))
        }
    }
}

@Suite struct FreshnessTests {
    /// The public home page is rendered once per version of the store: a district
    /// imported afterwards is on it at the next request.
    @Test func theHomePageShowsADistrictImportedAfterItWasCached() async throws {
        let f = try await Fixture.make()
        let before = try await f.get("/", as: nil).body
        #expect(try await f.get("/", as: nil).body == before)
        #expect(!before.contains("District 15"))
        try await f.addNYCDistrict15()
        #expect(try await f.get("/", as: nil).body.contains("NYC Community School District 15"))
    }

    /// A term imported again (by another process, as `mosaic import --replace` does) is
    /// what the next request shows: the caches key on the district's version.
    @Test func aReplacedTermIsServedWithoutARestart() async throws {
        let f = try await Fixture.make()
        let uri = "/api/v1/districts/district/terms/2026-spring/diagnostic"
        let page = "/districts/district/terms/2026-spring"
        let before = try await f.get(uri, as: "district").body
        let pageBefore = try await f.get(page, as: nil).body
        var changed = f.diagnostic
        changed.termTitle = "Spring 2026, imported again"
        let roster = try await f.server.store.roster(district: "district", term: "2026-spring")
        let old = try #require(try await f.server.store.terms(district: "district").first)
        var record = old
        record.importedAt = old.importedAt.addingTimeInterval(60)
        try await f.server.store.importTerm(
            record, district: DistrictRecord(id: "district", name: "Synthetic Unified School District", synthetic: true), roster: roster,
            diagnostic: StoredDiagnostic(json: try changed.archived(), computedAt: Date(), options: ""), replace: true)
        let after = try await f.get(uri, as: "district").body
        #expect(after != before)
        #expect(after.contains("Spring 2026, imported again"))
        let pageAfter = try await f.get(page, as: nil).body
        #expect(pageAfter != pageBefore && pageAfter.contains("Spring 2026, imported again"))
    }
}

@Suite struct OpenAPITests {
    /// The served description is OpenAPI 3 JSON and names every API route the router has.
    @Test func theDescriptionCoversEveryAPIRoute() async throws {
        let f = try await Fixture.make()
        let r = try await f.get("/openapi.json", as: nil)
        #expect(r.status == .ok)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.body.utf8)) as? [String: Any])
        #expect((doc["openapi"] as? String)?.hasPrefix("3.") == true)
        let paths = Set((doc["paths"] as? [String: Any] ?? [:]).keys)
        let open: Set = ["/healthz", "/api/v1/districts", "/api/v1/districts/{district}/terms/{term}/diagnostic",
                         "/api/v1/districts/{district}/terms/{term}/schools/{school}", "/api/v1/districts/{district}/plan"]
        let round = "/api/v1/districts/{district}/rounds"
        #expect(paths == open.union([round, "\(round)/{round}/applications", "\(round)/{round}/runs", "\(round)/{round}/simulate", "\(round)/{round}/runs/{run}",
                                     "\(round)/{round}/runs/{run}/input", "\(round)/{round}/runs/{run}/explain/{student}", "\(round)/{round}/runs/{run}/publish", "\(round)/{round}/result"]))
        // The round list is for staff: the public is refused, as documented.
        #expect(try await f.get("/api/v1/districts/district/rounds", as: nil).status == .forbidden)
        // Each documented public route answers as documented for the public.
        for p in open {
            let uri = p.replacingOccurrences(of: "{district}", with: "district").replacingOccurrences(of: "{term}", with: "2026-spring")
                .replacingOccurrences(of: "{school}", with: f.own)
            #expect(try await f.get(uri, as: nil).status == .ok, "\(uri)")
        }
    }
}
