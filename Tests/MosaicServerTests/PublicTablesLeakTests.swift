import Foundation
import Hummingbird
import MosaicStore
import MosaicTestSupport
import Testing

/// Every CSV table a public reader can download (each dimension's schools, classrooms and
/// advanced tables), for the synthetic roster district and for the real NYC District 15
/// counts: no count from 1 to min n − 1 is shown, and no hidden cell can be recovered
/// from a shown total by subtraction (a row or a column with exactly one hidden cell).
@Suite struct PublicTablesLeakTests {
    /// `"1,234 (5.2%)"` → 1234; `"suppressed"` → nil; `"–"` → nil.
    static func count(_ cell: String) -> Int? {
        Int((cell.split(separator: " ").first.map(String.init) ?? "").replacingOccurrences(of: ",", with: ""))
    }

    /// RFC 4180 fields, quotes included.
    static func rows(_ csv: String) -> [[String]] {
        var out: [[String]] = [], row: [String] = [], field = "", quoted = false
        var it = Array(csv).makeIterator()
        while let c = it.next() {
            if quoted {
                if c == "\"" { quoted = false } else { field.append(c) }
            } else if c == "\"" { quoted = true
            } else if c == "," { row.append(field); field = ""
            } else if c == "\n" { row.append(field); out.append(row); row = []; field = ""
            } else { field.append(c) }
        }
        return out
    }

    @Test(arguments: [Backend.sqlite, .postgres], [5, 10, 20])
    func noPublicTableShowsOrGivesAwayASmallCount(_ backend: Backend, minimumN: Int) async throws {
        try await withStore(backend) { store in
            let f = try await Fixture.make(minimumN: minimumN, store: store)
            try await f.addNYCDistrict15()
            let (problems, hidden) = try await Self.check(f, minimumN: minimumN, cookies: [:])
            #expect(problems.isEmpty, "\(problems.prefix(10))")
            // At these sizes something is hidden, so the test tests something...
            #expect(hidden > 0)
            // ...and the same check finds the small counts the district's own staff see.
            let district = try await f.signIn("district")
            let (seen, _) = try await Self.check(f, minimumN: minimumN, cookies: ["mosaic_session": district])
            #expect(!seen.isEmpty)
        }
    }

    static func check(_ f: Fixture, minimumN: Int, cookies: [String: String]) async throws -> (problems: [String], hidden: Int) {
        var problems: [String] = [], hidden = 0
        for term in ["/districts/district/terms/2026-spring", "/districts/nyc-15/terms/2017-18"] {
            let page = try await f.send(.get, term, cookies: cookies).body
            let files = Set(page.components(separatedBy: "tables/").dropFirst().compactMap { $0.split(separator: "\"").first.map(String.init) })
            #expect(files.count >= 1, "\(term)")
            for file in files.sorted() {
                let r = try await f.send(.get, "\(term)/tables/\(file)", cookies: cookies)
                #expect(r.status == .ok, "\(file)")
                let table = Self.rows(r.body)
                let header = table[0], body = Array(table.dropFirst())
                hidden += body.flatMap { $0 }.filter { $0 == "suppressed" }.count
                func small(_ cell: String) -> Bool { Self.count(cell).map { (1..<minimumN).contains($0) } ?? false }
                if file.hasSuffix("-schools.csv") {
                    // school, students, one column per group, unknown, ½Σ|p − P|: the group
                    // columns and unknown add up to students, and the District row to each column.
                    let cells = 2..<(header.count - 1)
                    for row in body {
                        for i in [1] + Array(cells) where small(row[i]) { problems.append("\(term) \(file) \(row[0]) \(header[i]) = \(row[i])") }
                        if Self.count(row[1]) != nil, cells.filter({ row[$0] == "suppressed" }).count == 1 {
                            problems.append("\(term) \(file) \(row[0]): one cell hidden under a shown total")
                        }
                        // ½Σ|p − P| would give a hidden cell back (exactly, with two groups).
                        if row[0] != "District", cells.contains(where: { row[$0] == "suppressed" }), row[header.count - 1] != "suppressed" {
                            problems.append("\(term) \(file) \(row[0]): ½Σ|p − P| shown beside a hidden cell")
                        }
                    }
                    for i in cells where Self.count(body[0][i]) != nil {
                        if body.dropFirst().filter({ $0[i] == "suppressed" }).count == 1 {
                            problems.append("\(term) \(file) \(header[i]): one school hidden under a shown district total")
                        }
                    }
                } else if file.hasSuffix("-advanced.csv") {
                    // group, eligible, participants, …: neither, nor the non-participants, small.
                    for row in body {
                        for i in [1, 2] where small(row[i]) { problems.append("\(term) \(file) \(row[0]) \(header[i]) = \(row[i])") }
                        if let e = Self.count(row[1]), let p = Self.count(row[2]), (1..<minimumN).contains(e - p) {
                            problems.append("\(term) \(file) \(row[0]): \(e - p) not taking part")
                        }
                        for i in [6, 7] where small(row[i]) { problems.append("\(term) \(file) \(row[0]) \(header[i]) = \(row[i])") }
                    }
                }
            }
        }
        return (problems, hidden)
    }
}
