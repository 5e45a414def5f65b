import Foundation
import MosaicCore
import MosaicStore
import Testing

@testable import MosaicServer

/// The server's decoded diagnostics are bounded (issue 25, item 4: a server of 200
/// districts kept every one decoded, 817 MB); the home page's headlines stay for all.
@Suite struct DiagnosticCacheTests {
    @Test func atMostCapacityDistrictsStayDecoded() async throws {
        let f = try await Fixture.make()
        let store = f.server.store
        let district = try #require(try await store.districts().first)
        let term = try #require(try await store.terms(district: district.id).first)
        let roster = try await store.roster(district: district.id, term: term.id)
        let kept = try #require(try await store.diagnostic(district: district.id, term: term.id))
        // Three more districts with the same roster and diagnostic.
        for i in 1...3 {
            var record = term
            record.district = "copy\(i)"
            try await store.importTerm(record, district: DistrictRecord(id: "copy\(i)", name: "Copy \(i)", synthetic: true), roster: roster,
                                       diagnostic: kept, replace: false)
        }
        let ids = [district.id, "copy1", "copy2", "copy3"]
        var versions: [String: String] = [:]
        for id in ids { versions[id] = TermRecord.version(of: try await store.terms(district: id)) }
        let cache = DiagnosticCache(store: store, capacity: 2)
        for id in ids { #expect(try await cache.diagnostic(district: id, term: term.id, version: versions[id]!) != nil) }
        #expect(await cache.districtsKept == 2)
        #expect(await cache.decodes == 4)
        // The two most recent are kept; the first was let go and is decoded again.
        _ = try await cache.diagnostic(district: "copy3", term: term.id, version: versions["copy3"]!)
        #expect(await cache.decodes == 4)
        _ = try await cache.diagnostic(district: district.id, term: term.id, version: versions[district.id]!)
        #expect(await cache.decodes == 5)
        #expect(await cache.districtsKept == 2)
        // Headlines: decoded once per district version, then kept for every district.
        var headlines: [[MosaicCore.Dimension: Double]] = []
        for id in ids { headlines.append(try #require(try await cache.headline(district: id, term: term.id, version: versions[id]!))) }
        let decoded = await cache.decodes
        for id in ids { _ = try await cache.headline(district: id, term: term.id, version: versions[id]!) }
        #expect(await cache.decodes == decoded)
        let race = try #require(f.diagnostic.dimensions.first { $0.dimension == .race }?.acrossSchools.D)
        #expect(headlines.allSatisfy { $0[.race] == race })
        // A new version (an import) reads the district afresh.
        _ = try await cache.headline(district: "copy1", term: term.id, version: "moved")
        #expect(await cache.decodes == decoded + 1)
    }

    /// A public overview kept for the district's version is served without decoding its
    /// diagnostic again: with one district kept decoded, A, B, A decoded A twice before
    /// (a walk over a state's districts ran at 13 requests/s).
    @Test func aKeptOverviewNeedsNoDiagnostic() async throws {
        let f = try await Fixture.make()
        let store = f.server.store
        let district = try #require(try await store.districts().first)
        let term = try #require(try await store.terms(district: district.id).first)
        try await f.copyDistrict(as: "copy", name: "Copy")
        var options = f.server.options
        options.diagnosticDistricts = 1
        let g = Fixture(server: MosaicServer(store: store, options: options), diagnostic: f.diagnostic, tokens: f.tokens, own: f.own, other: f.other)
        var pages: [String] = []
        for id in [district.id, "copy", district.id, "copy"] {
            let page = try await g.get("/districts/\(id)/terms/\(term.id)", as: nil)
            #expect(page.status == .ok)
            pages.append(page.body)
        }
        #expect(await g.server.diagnostics.decodes == 2)
        #expect(pages[0] == pages[2] && pages[1] == pages[3])
        // So are a school's public page and the advanced-course page.
        for path in ["schools/\(f.own)", "advanced"] {
            for id in [district.id, "copy", district.id, "copy"] {
                #expect(try await g.get("/districts/\(id)/terms/\(term.id)/\(path)", as: nil).status == .ok)
            }
        }
        #expect(await g.server.diagnostics.decodes == 6)
        // And the schools list, by its default sort and by one asked for (its key is the
        // sort normalised from the diagnostic: 14 decodes before).
        for path in ["schools", "schools?dimension=economic&sort=name&order=asc"] {
            var bodies: [String] = []
            for id in [district.id, "copy", district.id, "copy"] {
                let page = try await g.get("/districts/\(id)/terms/\(term.id)/\(path)", as: nil)
                #expect(page.status == .ok)
                bodies.append(page.body)
            }
            #expect(bodies[0] == bodies[2] && bodies[1] == bodies[3])
        }
        #expect(await g.server.diagnostics.decodes == 10)
        // And the public one-pager (rendered from the diagnostic on every request before:
        // 14 decodes at this point instead of 12).
        var onePagers: [String] = []
        for id in [district.id, "copy", district.id, "copy"] {
            let page = try await g.get("/districts/\(id)/terms/\(term.id)/one-pager", as: nil)
            #expect(page.status == .ok && page.body.contains("The Key Question at a glance"))
            onePagers.append(page.body)
        }
        #expect(onePagers[0] == onePagers[2] && onePagers[1] == onePagers[3] && onePagers[0] != onePagers[1])
        #expect(await g.server.diagnostics.decodes == 12)
        // A sort the page has no column for is normalised (the default's page), as before.
        let odd = try await g.get("/districts/\(district.id)/terms/\(term.id)/schools?sort=nonsense", as: nil)
        let plain = try await g.get("/districts/\(district.id)/terms/\(term.id)/schools", as: nil)
        #expect(odd.status == .ok && odd.body == plain.body)
    }
}
