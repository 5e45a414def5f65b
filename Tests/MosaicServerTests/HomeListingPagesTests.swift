import Foundation
import MosaicCore
import MosaicStore
import Testing

@testable import MosaicServer

/// The statewide home page lists districts a page at a time past
/// `Options.homeDistrictsPerPage` (issue 25: 180 KB at 200 districts), finds one by name,
/// keeps each page of the full list for visitors not signed in, and reads headlines for the
/// districts shown only.
@Suite struct HomeListingPagesTests {
    @Test func theHomePageListsAPageAtATimeAndFindsByName() async throws {
        let f = try await Fixture.make()
        let store = f.server.store
        let district = try #require(try await store.districts().first)
        for (id, name) in [("copy-a", "Copy Alpha"), ("copy-b", "Copy Beta")] { try await f.copyDistrict(as: id, name: name) }
        var options = f.server.options
        options.homeDistrictsPerPage = 2
        let g = Fixture(server: MosaicServer(store: store, options: options), diagnostic: f.diagnostic, tokens: f.tokens, own: f.own, other: f.other)
        func rows(_ body: String) -> Int { body.components(separatedBy: "<tr><th scope=\"row\">").count - 1 }

        let first = try await g.get("/", as: nil)
        #expect(first.status == .ok && rows(first.body) == 2 && first.body.contains("3 districts: 1–2 shown") && first.body.contains("page 1 of 2"))
        let second = try await g.get("/?page=2", as: nil)
        #expect(second.status == .ok && rows(second.body) == 1 && second.body.contains("3–3 shown") && second.body.contains("rel=\"prev\""))
        // Kept: the same page again, and every district on one page or the other.
        #expect(try await g.get("/?page=2", as: nil).body == second.body)
        let all = [district.name, "Copy Alpha", "Copy Beta"]
        #expect(all.allSatisfy { first.body.contains(">\($0) ") != second.body.contains(">\($0) ") })

        let found = try await g.get("/?district=beta", as: nil)
        #expect(found.status == .ok && rows(found.body) == 1 && found.body.contains(">Copy Beta ") && found.body.contains("1 of 3 districts"))
        let none = try await g.get("/?district=nowhere", as: nil)
        #expect(none.status == .ok && rows(none.body) == 0 && none.body.contains("No district with its own data has “nowhere” in its name."))
        // A signed-in reader gets the same list, rendered for them.
        let staff = try await g.get("/?page=2", as: "district")
        #expect(staff.status == .ok && rows(staff.body) == 1)
    }
}

extension Fixture {
    /// The fixture's district again under another id and name: its first term, roster and
    /// diagnostic as they are stored.
    func copyDistrict(as id: String, name: String) async throws {
        let store = server.store
        let district = try #require(try await store.districts().first)
        var term = try #require(try await store.terms(district: district.id).first)
        let roster = try await store.roster(district: district.id, term: term.id)
        let diagnostic = try await store.diagnostic(district: district.id, term: term.id)
        term.district = id
        try await store.importTerm(term, district: DistrictRecord(id: id, name: name, synthetic: true), roster: roster, diagnostic: diagnostic, replace: false)
    }
}
