import Foundation
import MosaicCore
import MosaicDemo
import MosaicDiagnostic
import MosaicImport
@testable import MosaicServer
import MosaicStore
import MosaicTestSupport
import Testing

/// Any US district from public data (issue 24): found from the home page by name or state,
/// its page labelled with the source, its state as the first level, its place among the
/// state's districts and its nearest peers.
@Suite struct PublicDistrictPagesTests {
    static func school(_ state: String, _ district: String, _ name: String, ap: Bool, _ students: [Int], _ apStudents: [Int]? = nil) -> PublicHighSchool {
        PublicHighSchool(state: state, district: district, name: name, offersAP: ap, students: students,
                         apStudents: apStudents ?? Array(repeating: 0, count: 7))
    }

    /// Two states: three Georgia districts (one with a school without AP, one with one
    /// high school), one Texas district whose name shares a word with Cobb County.
    static let all: [PublicHighSchool] = [
            school("GEORGIA", "Cobb County", "Walton High", ap: true, [5, 480, 160, 130, 2, 50, 1800], [2, 250, 40, 30, 0, 20, 900]),
            school("GEORGIA", "Cobb County", "Osborne High", ap: true, [4, 50, 600, 1100, 2, 30, 100], [0, 10, 60, 90, 0, 2, 20]),
            school("GEORGIA", "Cobb County", "Haven Academy", ap: false, [0, 4, 34, 10, 0, 4, 22]),
            school("GEORGIA", "Fulton County", "North High", ap: true, [2, 300, 900, 300, 0, 40, 900], [0, 120, 150, 40, 0, 10, 300]),
            school("GEORGIA", "Fulton County", "South High", ap: true, [2, 100, 1200, 200, 0, 40, 300], [0, 30, 200, 30, 0, 5, 60]),
            school("GEORGIA", "Clay County", "Clay High", ap: false, [0, 0, 120, 4, 0, 3, 60]),
            school("TEXAS", "Cobb ISD", "Cobb High", ap: true, [1, 3, 20, 300, 0, 5, 200], [0, 1, 2, 30, 0, 1, 40]),
        ]

    static func fixture() async throws -> Fixture {
        let f = try await Fixture.make()
        let analysis = PublicDataAnalysis(all)
        let guidebook = try Guidebook(contentsOf: TestSupport.shared.appendingPathComponent("data/actions.json").path)
        let items = try PublicDistricts.items(analysis, guidebook: guidebook, importedAt: Date(timeIntervalSince1970: 1_467_244_800))
        try await f.server.store.importPublicDistricts(items, replace: false)
        return f
    }

    @Test func aBoardMemberFindsTheirDistrictFromTheHomePage() async throws {
        let f = try await Self.fixture()
        // 1: the home page offers the search and the states.
        let home = try await f.send(.get, "/")
        #expect(home.status == .ok)
        #expect(home.body.contains("Any US district, from public data") && home.body.contains("action=\"/districts\""))
        #expect(home.body.contains("href=\"/districts?state=GEORGIA\">Georgia</a> (3)") && home.body.contains("href=\"/districts?state=TEXAS\">Texas</a> (1)"))
        // The roster districts are still listed; the public ones are not listed one by one.
        #expect(home.body.contains("Districts with their own data") && !home.body.contains("Clay County"))
        // 2: a search by part of the name (the as-you-type list asks the JSON).
        let found = try await f.send(.get, "/districts?q=COBB")
        #expect(found.status == .ok && found.body.contains("2 districts match."))
        #expect(found.body.contains("<a href=\"/districts/crdc-georgia-cobb-county\">Cobb County, Georgia</a>"))

        let json = try await f.send(.get, "/districts/search.json?q=cobb&state=GEORGIA")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(json.body.utf8)) as? [String: Any])
        #expect((doc["districts"] as? [[String: Any]])?.map { $0["id"] as? String } == ["crdc-georgia-cobb-county"] && doc["more"] as? Bool == false)
        // Or browse a state.
        let georgia = try await f.send(.get, "/districts?state=GEORGIA")
        #expect(georgia.body.contains("Districts of Georgia") && georgia.body.contains("Clay County, Georgia") && !georgia.body.contains("Cobb ISD"))
        #expect(try await f.send(.get, "/districts?state=ATLANTIS").status == .badRequest)
        // 3: the district: its latest term, labelled, its state named as the first level.
        let hop = try await f.send(.get, "/districts/crdc-georgia-cobb-county")
        #expect(hop.status == .seeOther && hop.location == "/districts/crdc-georgia-cobb-county/terms/2015-16")
        let page = try await f.send(.get, "/districts/crdc-georgia-cobb-county/terms/2015-16")
        #expect(page.status == .ok)
        #expect(page.body.contains("<b>Public data: CRDC 2015-16, high schools.</b>"))
        #expect(page.body.contains("The district vs. Georgia public high schools, CRDC 2015-16"))
        // Among the state's districts: Cobb's D against Fulton's (the other with two or more
        // high schools), and its peers with links.
        let cobb = PublicDataAnalysis(Self.all).districts.first { $0.district == "Cobb County" }!
        #expect(page.body.contains("than <b>\(Format.percent(cobb.statePercentileD!, digits: 0))</b> of Georgia's 2 districts with two or more high schools"))
        #expect(page.body.contains("<a href=\"/districts/crdc-georgia-fulton-county/terms/2015-16\">Fulton County</a>"))
        #expect(page.body.contains("<a href=\"/districts/crdc-georgia-clay-county/terms/2015-16\">Clay County</a>"))
        // Peers are the state's districts only.
        #expect(!page.body.contains("Cobb ISD"))
        // AP as the advanced coursework: the page answers, access included.
        let advanced = try await f.send(.get, "/districts/crdc-georgia-cobb-county/terms/2015-16/advanced")
        #expect(advanced.status == .ok && advanced.body.contains("Advanced coursework"))
    }

    /// The index: every word, any case; names that start with what was typed first; the
    /// limit and whether more match; read again when the public data's version moves.
    @Test func theIndexRanksNamesThatStartWithTheQueryFirst() async throws {
        let index = PublicDistrictIndex()
        let records = ["Acme-Cobb Unified", "Cobb County", "Cobbler Springs", "Zeta Cobb"].enumerated().map {
            DistrictRecord(id: "d\($0.offset)", name: $0.element, synthetic: false, state: $0.offset == 3 ? "TEXAS" : "GEORGIA", publicData: "x")
        }
        let loads = Counter()
        let load: @Sendable () async throws -> [DistrictRecord] = { await loads.add(); return records }
        let all = try await index.search("cobb", state: nil, limit: 10, version: "1", load: load)
        #expect(all.found.map(\.name) == ["Cobb County", "Cobbler Springs", "Acme-Cobb Unified", "Zeta Cobb"] && !all.more)
        let two = try await index.search("COBB", state: nil, limit: 2, version: "1", load: load)
        #expect(two.found.map(\.name) == ["Cobb County", "Cobbler Springs"] && two.more)
        #expect(try await index.search("cobb zeta", state: nil, limit: 10, version: "1", load: load).found.map(\.name) == ["Zeta Cobb"])
        #expect(try await index.search("cobb", state: "TEXAS", limit: 10, version: "1", load: load).found.map(\.id) == ["d3"])
        #expect(await loads.count == 1)
        _ = try await index.search("cobb", state: nil, limit: 10, version: "2", load: load)
        #expect(await loads.count == 2)
    }
}

actor Counter {
    var count = 0
    func add() { count += 1 }
}
