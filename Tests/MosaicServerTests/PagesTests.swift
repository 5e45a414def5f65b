import Foundation
import Hummingbird
import HummingbirdTesting
import MosaicCore
import MosaicReport
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
            // A region that scrolls sideways can be reached by keyboard (axe: scrollable-region-focusable).
            #expect(!r.body.contains(#"<div class="scroll">"#), "\(page)")
            // No control inside another: a link inside <summary> (axe: nested-interactive).
            #expect(r.body.firstMatch(of: try Regex(#"<summary>(?:(?!</summary>).)*<a "#)) == nil, "\(page)")
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
    /// The advanced page says what "missing" means as it computes it, and does not repeat a
    /// level's row for another level the same students take.
    @Test func theAdvancedPageDefinesMissingAsItCountsItAndMergesIdenticalLevels() async throws {
        let f = try await Fixture.make()
        let page = try await f.send(.get, "/districts/district/terms/2026-spring/advanced").body
        #expect(page.contains("at the rate of the school's other eligible students (added up over the schools)"))
        #expect(!page.contains("at the district's overall rate"))
        let race = try #require(f.diagnostic.dimensions.first { $0.dimension == .race }?.advanced.levels)
        let honors = try #require(race.first { $0.level == .honors }), open = try #require(race.first { $0.level == .openHonors })
        #expect(honors.groups == open.groups, "the synthetic district's honors and open-honors students are the same")
        #expect(page.contains("<th scope=\"row\">Honors · Open honors (the same students take each)</th>"))
        #expect(!page.contains("<th scope=\"row\">Open honors</th>"))
    }

    /// A district-wide participation finding is never hidden "for small counts" when the
    /// group's rate is public: its rate, the overall rate and the representation are said,
    /// and what is withheld is named.
    @Test func aFindingAboutALargeGroupKeepsTheRatesThePublicSees() async throws {
        let f = try await Fixture.make()
        let disclosure = DiagnosticDisclosure(f.diagnostic, audience: .public, policy: SuppressionPolicy(minimumN: 10))
        let overview = try await f.send(.get, "/districts/district/terms/2026-spring").body
        var checked = 0, partial = 0
        for finding in f.diagnostic.findings where finding.level == .courseEnrollment && finding.metric == "representationIndex" && finding.subject == "district" {
            let dim = try #require(f.diagnostic.dimensions.first { $0.dimension == finding.dimension })
            let g = try #require(dim.groups.firstIndex(of: finding.group ?? ""))
            guard let rate = disclosure.shown(dim, school: nil)[g].rate else { continue }
            let said = disclosure.message(finding, in: f.diagnostic)
            #expect(!said.contains("not shown publicly"), "\(said)")
            #expect(said.contains("at \(Format.percent(rate, digits: 0))"), "\(said)")
            #expect(overview.contains(said.htmlEscaped))
            checked += 1
            if said.contains("Not shown in the public view") { partial += 1 }
        }
        #expect(checked > 0)
        #expect(partial > 0, "the fixture has findings whose counts are withheld while their rates are public")
    }

    /// On a phone the schools table opens with what matters: the school, how far it is from
    /// the district, its size; a group the district has none of gets no column.
    @Test func theSchoolsTableLeadsWithWhatMatters() async throws {
        let f = try await Fixture.make()
        let page = try await f.send(.get, "/districts/district/terms/2026-spring/schools").body
        let headers = page.matches(of: /<th scope="col"[^>]*><a [^>]*>([^<]+)<\/a><\/th>/).map { String($0.1).replacingOccurrences(of: " ▼", with: "").replacingOccurrences(of: " ▲", with: "") }
        #expect(Array(headers.prefix(3)) == ["School", "½Σ|p − P| vs district", "Students"], "\(headers)")
        let race = try #require(f.diagnostic.dimensions.first { $0.dimension == .race })
        for (k, g) in race.groups.enumerated() {
            #expect(headers.contains(Dimension.label(g)) == (race.counts[k] > 0), "\(g)")
        }
        #expect(race.counts.contains(0), "the fixture has a group with no students")
    }

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
        // Public tables are not audited download by download (600 of them pushed a staff
        // export off the log); a staff export is.
        #expect(try await f.server.store.auditLog(AuditQuery(district: "district", action: "export", limit: 1_000)).isEmpty)
    }

    /// The audit log page: a staff export stays findable however many public downloads
    /// follow, pages go back through every event, filters narrow to one action or actor.
    @Test func theAuditLogIsPagedAndFiltered() async throws {
        let f = try await Fixture.make()
        let term = "/districts/district/terms/2026-spring"
        let staff = ["mosaic_session": try await f.signIn("district")]
        func get(_ uri: String) async throws -> String { try await f.send(.get, uri, cookies: staff).body }
        #expect(try await f.send(.get, "\(term)/tables/race-schools.csv", cookies: staff).status == .ok)
        for _ in 0..<150 { #expect(try await f.get("\(term)/tables/race-schools.csv", as: nil).status == .ok) }
        let exports = try await f.server.store.auditLog(AuditQuery(district: "district", action: "export", limit: 10))
        #expect(exports.count == 1 && exports[0].detail == "2026-spring/race-schools.csv")
        // 230 more events: three pages of 100.
        let at = Date()
        for i in 0..<230 {
            try await f.server.store.record(AuditEvent(district: "district", at: at.addingTimeInterval(Double(i)), actor: "sam@district.example",
                                                       action: "view-student-data", detail: "event \(i)"))
        }
        let first = try await get("/districts/district/audit")
        #expect(first.contains("Events 1–100") && first.contains("event 229") && !first.contains("event 129"))
        #expect(first.contains("rel=\"next\"") && !first.contains("rel=\"prev\""))
        #expect(first.contains("aria-current=\"page\">Audit log</a>") && !first.contains("aria-current=\"page\">Overview"))
        let third = try await get("/districts/district/audit?page=3")
        #expect(third.contains("Events 201–") && third.contains("event 0<") && !third.contains("rel=\"next\""))
        let filtered = try await get("/districts/district/audit?action=export")
        #expect(filtered.contains("race-schools.csv") && !filtered.contains("event 0<") && filtered.contains("Events 1–1,"))
        #expect(try await f.send(.get, "/districts/district/audit?page=2").status == .forbidden)
    }
}

/// A page cache of a small capacity, to see it evict.
struct PageCacheProbe {
    let cache: PageCache
    init(capacity: Int) { cache = PageCache(capacity: capacity) }
}
