import Foundation
import Hummingbird
import HummingbirdTesting
@testable import MosaicServer
import MosaicStore
import Testing

/// The dashboard's pages, as the public sees them.
@Suite struct PagesTests {
    func pages(_ f: Fixture) -> [String] {
        let term = "/districts/district/terms/2026-spring"
        return ["/", term, "\(term)/schools", "\(term)/schools?dimension=economic&sort=students&order=asc",
                "\(term)/schools/\(f.own)", "\(term)/advanced", "/districts/district/trends"]
    }

    @Test func everyPageRendersAndUnknownOnesAreNotFound() async throws {
        let f = try await Fixture.make()
        for page in pages(f) {
            let r = try await f.get(page, as: nil)
            #expect(r.status == .ok, "\(page)")
            #expect(r.body.hasPrefix("<!DOCTYPE html>") && r.body.contains("</html>"), "\(page)")
            // No script anywhere; every chart is an accessible SVG with its title and description.
            #expect(!r.body.contains("<script"), "\(page)")
            let charts = r.body.components(separatedBy: "<svg").count - 1
            #expect(r.body.components(separatedBy: "<desc").count - 1 == charts, "\(page)")
        }
        for page in ["/districts/elsewhere/trends", "/districts/district/terms/1999/schools", "/districts/district/terms/2026-spring/schools/none",
                     "/districts/district/terms/2026-spring/tables/secret.txt"] {
            let r = try await f.get(page, as: nil)
            #expect(r.status == .notFound, "\(page)")
            #expect(r.body.contains("<h1>Not found</h1>"), "\(page)")
        }
        let synthetic = try await f.get("/districts/district/terms/2026-spring", as: nil).body
        #expect(synthetic.contains("Synthetic data."))
    }

    /// Distinct query strings do not grow the page cache: an unknown `?sort=` is the
    /// default sort (the same page, one cache entry), and the cache keeps at most its
    /// capacity (5,000 distinct requests grew the server from 46 MB to 141 MB).
    @Test func pageCacheIsBoundedAndKeysAreNormalised() async throws {
        let f = try await Fixture.make()
        let term = "/districts/district/terms/2026-spring"
        let plain = try await f.get("\(term)/schools", as: nil).body
        let before = await f.server.pages.count
        for i in 0..<300 {
            let r = try await f.get("\(term)/schools?sort=x\(i)&utm=\(i)", as: nil)
            #expect(r.status == .ok)
            if i == 0 { #expect(r.body == plain) }
        }
        #expect(await f.server.pages.count == before)
        // Distinct real pages beyond the bound evict the least recently used.
        let small = PageCacheProbe(capacity: 8)
        for i in 0..<100 { await small.cache.keep("page \(i)", as: "k\(i)", district: "d", version: "1") }
        #expect(await small.cache.count == 8)
        #expect(await small.cache.cached("k99", district: "d", version: "1") == "page 99")
        #expect(await small.cache.cached("k0", district: "d", version: "1") == nil)
    }

    /// Every count a public page or export shows, as a bare number in a table cell or a
    /// CSV field, is 0 or at least min n.
    @Test(arguments: [5, 10, 20])
    func publicPagesAndExportsShowNoSmallCount(minimumN: Int) async throws {
        let f = try await Fixture.make(minimumN: minimumN)
        var problems: [String] = []
        let cell = try Regex(#"<td class="n">([0-9,]+)</td>"#)
        var exports: Set<String> = []
        for page in pages(f) {
            let body = try await f.get(page, as: nil).body
            for m in body.matches(of: cell) {
                let n = Int(String(m.output[1].substring!).replacingOccurrences(of: ",", with: ""))!
                if (1..<minimumN).contains(n) { problems.append("\(page): \(n)") }
            }
            for m in body.matches(of: try Regex(#"href="(/districts/[^"]+\.csv)""#)) { exports.insert(String(m.output[1].substring!)) }
        }
        #expect(exports.count >= 15)
        for export in exports.sorted() {
            let r = try await f.get(export, as: nil)
            #expect(r.status == .ok)
            for line in r.body.split(separator: "\n").dropFirst() {
                for field in line.split(separator: ",", omittingEmptySubsequences: false) {
                    if let n = Int(field), (1..<minimumN).contains(n) { problems.append("\(export): \(line)") }
                }
            }
        }
        #expect(problems.isEmpty, "\(problems.prefix(10))")
        // Exports are audited.
        let audit = try await f.server.store.auditLog(district: "district", limit: 1_000)
        #expect(audit.filter { $0.action == "export" }.count == exports.count)
    }
}

/// A page cache of a small capacity, to see it evict.
struct PageCacheProbe {
    let cache: PageCache
    init(capacity: Int) { cache = PageCache(capacity: capacity) }
}
