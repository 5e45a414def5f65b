import Foundation
import Hummingbird
import HummingbirdTesting
import MosaicCore
import MosaicImport
import MosaicMetrics
@testable import MosaicServer
import MosaicStore
import MosaicTestSupport
import Testing
import ZIPFoundation

/// District staff import a term from the browser: a roster zip uploaded, read and checked
/// whole in a background job with its progress page, stored with its diagnostic — or
/// refused with every problem as file:line and nothing stored.
@Suite struct ImportPagesTests {
    /// A roster zip of a small synthetic district; `breaking` edits its users.csv first.
    func zip(breaking: Bool = false) throws -> Data {
        var rng = SeededGenerator(seed: 9)
        let profiles = [SyntheticDistrict.Profile(race: [0.2, 0.2, 0.3, 0.1, 0.2], poverty: 0.5, englishLearner: 0.1, disability: 0.15, female: 0.5)]
        let roster = SyntheticDistrict(.init(students: 400, schools: 2), profiles: profiles, using: &rng).roster
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mosaic-import-test-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try OneRosterWriter.write(roster, to: folder.path)
        if breaking {
            let users = folder.appendingPathComponent("enrollments.csv")
            var lines = try String(contentsOf: users, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            lines[3] = lines[3].replacingOccurrences(of: ",student,", with: ",principal of the universe,")
            try lines.joined(separator: "\n").write(to: users, atomically: true, encoding: .utf8)
        }
        let zip = folder.appendingPathExtension("zip")
        defer { try? FileManager.default.removeItem(at: zip) }
        try FileManager.default.zipItem(at: folder, to: zip, shouldKeepParent: false)
        return try Data(contentsOf: zip)
    }

    func upload(_ f: Fixture, session: String, fields: [String: String], file: Data) async throws -> (status: HTTPResponse.Status, body: String, location: String?) {
        let app = Application(router: f.server.router())
        let boundary = "----mosaic-\(UUID().uuidString)"
        var body = ByteBuffer()
        for (k, v) in fields { body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(k)\"\r\n\r\n\(v)\r\n") }
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"roster.zip\"\r\nContent-Type: application/zip\r\n\r\n")
        body.writeBytes(file)
        body.writeString("\r\n--\(boundary)--\r\n")
        let headers: HTTPFields = [.contentType: "multipart/form-data; boundary=\(boundary)", .cookie: "mosaic_session=\(session)"]
        let sent = body
        return try await app.test(.router) { client in
            let r = try await client.execute(uri: "/districts/district/import", method: .post, headers: headers, body: sent)
            return (r.status, String(buffer: r.body), r.headers[.location])
        }
    }

    /// Follows a job page until it sends the reader on or says what stopped it.
    func follow(_ f: Fixture, _ location: String, session: String) async throws -> (location: String?, body: String) {
        for _ in 0..<600 {
            let r = try await f.send(.get, location, cookies: ["mosaic_session": session])
            if r.status == .seeOther { return (r.location, "") }
            if r.body.contains("Nothing stored.") { return (nil, r.body) }
            #expect(r.status == .ok && r.body.contains("<progress"))
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("the import did not finish")
        return (nil, "")
    }

    @Test func districtStaffImportATermFromTheBrowser() async throws {
        let f = try await Fixture.make()
        let session = try await f.signIn("district")
        let page = try await f.send(.get, "/districts/district/import", cookies: ["mosaic_session": session])
        #expect(page.status == .ok && page.body.contains("enctype=\"multipart/form-data\""))
        let csrf = String(try #require(page.body.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1))
        #expect(try await f.send(.get, "/districts/district/import", cookies: ["mosaic_session": try await f.signIn("school")]).status == .forbidden)
        #expect(try await f.send(.get, "/districts/district/import").status == .forbidden)
        // A broken roster: the job lists the problem with its file and line; nothing is stored.
        let broken = try await upload(f, session: session, fields: ["csrf": csrf, "term": "2026-fall"], file: try zip(breaking: true))
        #expect(broken.status == .seeOther)
        let refused = try await follow(f, try #require(broken.location), session: session)
        #expect(refused.location == nil && refused.body.contains("enrollments.csv:4: "), "\(refused.body.prefix(3000))")
        #expect(try await f.server.store.terms(district: "district").map(\.id) == ["2026-spring"])
        // A term already stored needs "replace"; a bad name is refused before any work.
        let clash = try await upload(f, session: session, fields: ["csrf": csrf, "term": "2026-spring"], file: try zip())
        #expect(clash.status == .badRequest && clash.body.contains("is stored already"))
        let named = try await upload(f, session: session, fields: ["csrf": csrf, "term": "fall 2026!"], file: try zip())
        #expect(named.status == .badRequest && named.body.contains("term: a name of letters"))
        #expect(try await upload(f, session: session, fields: ["csrf": "forged", "term": "2026-fall"], file: try zip()).status == .forbidden)
        // A good roster: stored with its diagnostic; the job page sends the reader to the new term.
        let good = try await upload(f, session: session, fields: ["csrf": csrf, "term": "2026-fall", "title": "Fall 2026"], file: try zip())
        let done = try await follow(f, try #require(good.location), session: session)
        #expect(done.location == "/districts/district/terms/2026-fall")
        let terms = try await f.server.store.terms(district: "district")
        #expect(terms.map(\.id).contains("2026-fall") && terms.first { $0.id == "2026-fall" }?.students == 400)
        #expect(try await f.send(.get, "/districts/district/terms/2026-fall").body.contains("The Key Question at a glance"))
        let log = try await f.server.store.auditLog(district: "district", limit: 50).map(\.action)
        #expect(log.contains("import") && log.contains("import-start"))
    }
}
