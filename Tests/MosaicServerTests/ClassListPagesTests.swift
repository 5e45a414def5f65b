import Foundation
import HTTPTypes
import MosaicTestSupport
import Testing

@testable import MosaicServer

/// A principal builds a grade's class lists from the page: sizes, keep-apart and
/// keep-together kept, every student placed once, balanced; others are refused.
@Suite struct ClassListPagesTests {
    @Test func aPrincipalMakesBalancedClassListsFromThePage() async throws {
        let f = try await Fixture.make()
        let route = "/districts/district/terms/2026-spring/schools/\(f.own)/class-lists"
        let school = ["mosaic_session": try await f.signIn("school")]
        #expect(try await f.send(.get, route).status == .forbidden)
        #expect(try await f.send(.get, "/districts/district/terms/2026-spring/schools/\(f.other)/class-lists", cookies: school).status == .forbidden)
        let page = try await f.send(.get, route, cookies: school)
        #expect(page.status == .ok && page.body.contains("Make the class lists"))
        let csrf = String(try #require(page.body.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1))
        let grade = String(try #require(page.body.firstMatch(of: /<option value="([^"]+)" selected>[^(]+\(([0-9]+) students\)/)?.1))
        let count = Int(try #require(page.body.firstMatch(of: /<option value="[^"]+" selected>[^(]+\(([0-9]+) students\)/)?.1))!
        // Two students to keep apart, two to keep together: taken from the school's student list.
        let list = try await f.send(.get, "/districts/district/terms/2026-spring/schools/\(f.own)/students.csv", cookies: school).body
        let ids = list.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            .filter { $0.count > 1 && $0[1] == grade }.map { $0[0] }
        #expect(ids.count == count)
        let classes = max(2, Int((Double(count) / 22).rounded(.up)))
        let even = Double(count) / Double(classes)
        let form = ["csrf": csrf, "grade": grade, "classes": "\(classes)", "min": "\(Int(even) - 2)", "max": "\(Int(even.rounded(.up)) + 2)",
                    "keepApart": "\(ids[0]) \(ids[1])", "keepTogether": "\(ids[2]), \(ids[3])", "seed": "5"]
        let made = try await f.send(.post, route, cookies: school, form: form)
        #expect(made.status == .ok, "\(made.body.prefix(2000))")
        // The CSV the page offers: every student of the grade once.
        let encoded = try #require(made.body.firstMatch(of: /base64,([A-Za-z0-9+\/=]+)"/)?.1)
        let csv = String(decoding: try #require(Data(base64Encoded: String(encoded))), as: UTF8.self)
        let rows = csv.split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
        let placed = Dictionary(uniqueKeysWithValues: rows.map { ($0[0], $0[1]) })
        #expect(placed.count == count && Set(placed.keys) == Set(ids))
        #expect(Set(placed.values).count == classes)
        #expect(placed[ids[0]] != placed[ids[1]], "kept apart")
        #expect(placed[ids[2]] == placed[ids[3]], "kept together")
        let sizes = Dictionary(grouping: placed.values, by: { $0 }).mapValues(\.count)
        #expect(sizes.values.allSatisfy { $0 >= Int(even) - 2 && $0 <= Int(even.rounded(.up)) + 2 })
        #expect(made.body.contains("Race and ethnicity: D across the classes"))
        // The same form and seed give the same lists.
        let again = try await f.send(.post, route, cookies: school, form: form)
        #expect(again.body.firstMatch(of: /base64,([A-Za-z0-9+\/=]+)"/)?.1 == encoded)
        // What cannot be done says why, and nothing is made.
        var impossible = form
        impossible["keepApart"] = "\(ids[0]) nobody-here"
        let refused = try await f.send(.post, route, cookies: school, form: impossible)
        #expect(refused.status == .badRequest && refused.body.contains("keepApart[0]: no student “nobody-here”"))
        var tooSmall = form
        tooSmall["max"] = "1"
        tooSmall["min"] = "0"
        #expect(try await f.send(.post, route, cookies: school, form: tooSmall).body.contains("students cannot fill classes holding"))
        #expect(try await f.send(.post, route, cookies: school, form: form.merging(["csrf": "forged"]) { $1 }).status == .forbidden)
        let log = try await f.server.store.auditLog(district: "district", limit: 50)
        #expect(log.filter { $0.action == "view-student-data" && $0.detail.contains("class lists, grade \(grade)") }.count == 2)
    }
}
