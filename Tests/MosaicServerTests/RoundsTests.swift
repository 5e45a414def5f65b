import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
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

            // Two runs with one seed: the same input hash and the same result.
            let one = try await send(f, "\(base)/1/runs", .post, #"{"seed": 7}"#, as: "enrollment")
            let two = try await send(f, "\(base)/1/runs", .post, #"{"seed": 7}"#, as: "enrollment")
            #expect(one.status == .created && two.status == .created, "\(one.body)")
            let runs = try await store.matchRuns(district: "district", round: "1")
            #expect(runs.count == 2 && runs[0].inputSha256 == runs[1].inputSha256 && runs[0].seed == 7)
            let first = try await send(f, "\(base)/1/runs/1", .get, as: "enrollment"), second = try await send(f, "\(base)/1/runs/2", .get, as: "enrollment")
            #expect(first.body == second.body && first.body.contains(#""student":"st2""#))
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
            for action in ["round-create", "applications-upload", "match-run", "match-publish", "export"] { #expect(actions.contains(action), "\(action)") }
            let list = try await send(f, base, .get, as: "enrollment")
            #expect(list.body.contains(#""status":"published""#) && list.body.contains(#""applications":4"#) && list.body.contains(#""published":"2""#))
        }
    }
}
