import Foundation
import MosaicCore

/// The CRDC high-school file (contract `crdc.md`; `../shared/data/crdc/README.md`): one
/// `total` row per school and one `ap` row per school with AP, columns `state, district,
/// school, ap, type, total` and the seven race counts.
///
/// The text encoding is found, not assumed: a file that is valid UTF-8 (with or without a
/// byte-order mark) is read as UTF-8; anything else as Windows-1252, the superset of
/// Latin-1 that spreadsheets write (the published file is Latin-1: `0xA0` in a name, and
/// `0x96`, an en dash in Windows-1252, where Latin-1 has only a control character).
///
/// Every problem is `FILE:LINE: message`, all of them at once (up to a limit), and
/// nothing is returned when there is one: missing columns, a count that is negative or
/// not a whole number (`NA` is accepted: not reported, counted as 0), a `total` that is
/// not the sum of the seven, an unknown `ap` or `type`, a school's row given twice, an
/// `ap` row without its school's `total` row. An AP count above the school's count of the
/// group (six cells in 2015-16: the published counts are perturbed for privacy) is kept,
/// and listed in ``notes``.
public struct CRDCFile: Sendable {
    public enum Encoding: String, Sendable { case utf8 = "UTF-8", windows1252 = "Windows-1252 (Latin-1)" }

    public var encoding: Encoding
    /// Every school, in file order of its `total` row.
    public var schools: [PublicHighSchool]
    /// What is odd but kept as published (more AP students of a group than students).
    public var notes: [ImportProblem] = []

    /// The columns read, as the file names them: the race columns in
    /// ``PublicHighSchool/raceGroups`` order.
    public static let raceColumns = ["American Indian/Alaska Native", "Asian", "Black", "Hispanic",
                                     "Native Hawaiian/Pacific Islander", "Two or More Races", "White"]
    public static let columns = ["state", "district", "school", "ap", "type", "total"] + raceColumns
    /// The largest file read (the published one is 3.2 MB).
    public static let maximumBytes = 512 << 20

    public static func read(_ path: String) throws(ImportError) -> CRDCFile {
        let name = (path as NSString).lastPathComponent
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else {
            throw ImportError(name, 0, "cannot read the file (no such file, or not readable)")
        }
        if let size = attributes[.size] as? Int, size > maximumBytes {
            throw ImportError(name, 0, "the file is \(size >> 20) MB; a CRDC school file is a few MB (at most \(maximumBytes >> 20) MB is read)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ImportError(name, 0, "cannot read the file (no such file, or not readable)")
        }
        return try parse(data, name: name)
    }

    public static func parse(_ data: Data, name: String) throws(ImportError) -> CRDCFile {
        let bytes = [UInt8](data)
        let encoding: Encoding = String(validating: bytes, as: UTF8.self) != nil ? .utf8 : .windows1252
        var problems: [ImportProblem] = []
        func problem(_ line: Int, _ message: String) {
            if problems.count < 1_000 { problems.append(ImportProblem(file: name, line: line, message: message)) }
        }
        var at: [Int] = []
        var schools: [PublicHighSchool] = []
        // (state, district, school, offers AP) → the school's index: two schools of a
        // district may share a name (one with AP, one without: six such pairs in 2015-16).
        var index: [String: Int] = [:]
        var apRows: [(key: String, line: Int, counts: [Int], unreported: Int)] = []
        var stream = CSVStream()
        let handle: (CSVStream.Record) throws -> Void = { r in
            if at.isEmpty {
                let header = (0..<r.count).map { text(r, $0, encoding) }
                let missing = columns.filter { !header.contains($0) }
                guard missing.isEmpty else {
                    problem(r.line, "missing column\(missing.count == 1 ? "" : "s") \(missing.map { "'\($0)'" }.joined(separator: ", ")); expected \(columns.joined(separator: ", "))")
                    at = [-1]
                    return
                }
                at = columns.map { c in header.firstIndex(of: c)! }
                return
            }
            guard at[0] >= 0 else { return }
            guard r.count >= at.max()! + 1 else {
                problem(r.line, "\(r.count) fields where the header has \(at.max()! + 1)")
                return
            }
            let state = text(r, at[0], encoding), district = text(r, at[1], encoding), school = text(r, at[2], encoding)
            let apText = text(r, at[3], encoding), type = text(r, at[4], encoding)
            guard !state.isEmpty, !district.isEmpty, !school.isEmpty else {
                problem(r.line, "state, district and school must all be given")
                return
            }
            guard apText == "Yes" || apText == "No" else {
                problem(r.line, "ap is '\(apText)'; expected Yes or No")
                return
            }
            guard type == "total" || type == "ap" else {
                problem(r.line, "type is '\(type)'; expected total or ap")
                return
            }
            var counts: [Int] = [], unreported = 0, bad = false
            for (k, column) in raceColumns.enumerated() {
                switch count(r, at[6 + k]) {
                case .value(let v): counts.append(v)
                case .unreported: counts.append(0); unreported += 1
                case .invalid(let shown):
                    problem(r.line, "'\(column)' is '\(shown)'; a count is a whole number of students, 0 or more (NA where not reported)")
                    bad = true
                }
            }
            let total: Int?
            switch count(r, at[5]) {
            case .value(let v): total = v
            case .unreported: total = nil
            case .invalid(let shown):
                problem(r.line, "'total' is '\(shown)'; a count is a whole number of students, 0 or more")
                return
            }
            guard !bad else { return }
            if let total, unreported == 0, total != counts.reduce(0, +) {
                problem(r.line, "total \(total) is not the sum of the seven race counts (\(counts.reduce(0, +)))")
                return
            }
            let key = [state, district, school, apText].joined(separator: "\u{1F}")
            if type == "total" {
                guard index[key] == nil else {
                    problem(r.line, "the school '\(school)' (\(district), \(state), ap \(apText)) has a second total row; each school has one")
                    return
                }
                index[key] = schools.count
                schools.append(PublicHighSchool(state: state, district: district, name: school, offersAP: apText == "Yes",
                                                students: counts, apStudents: Array(repeating: 0, count: counts.count),
                                                unreported: unreported, line: r.line))
            } else {
                apRows.append((key, r.line, counts, unreported))
            }
        }
        do {
            try data.withUnsafeBytes { raw in
                // In chunks: the stream keeps only the record it is reading.
                var start = 0
                while start < raw.count {
                    let end = min(raw.count, start + (1 << 20))
                    try stream.feed(UnsafeRawBufferPointer(rebasing: raw[start..<end]), handle)
                    start = end
                }
            }
            try stream.finish(handle)
        } catch let p as CSVStream.Problem {
            throw ImportError(problem: p, file: name)
        } catch {
            throw ImportError(name, 0, "\(error)")
        }
        if at.isEmpty { problem(1, "the file is empty; expected a header \(columns.joined(separator: ","))") }
        var seenAP = Set<String>()
        var notes: [ImportProblem] = []
        for row in apRows {
            guard let i = index[row.key] else {
                let parts = row.key.split(separator: "\u{1F}", omittingEmptySubsequences: false)
                problem(row.line, "an ap row for '\(parts[2])' (\(parts[1]), \(parts[0])) with no total row for the school")
                continue
            }
            guard seenAP.insert(row.key).inserted else {
                problem(row.line, "the school '\(schools[i].name)' (\(schools[i].district), \(schools[i].state)) has a second ap row; each school has one")
                continue
            }
            // Published counts are perturbed for privacy in places: an AP count above the
            // school's count is kept as published, and noted.
            for k in row.counts.indices where row.counts[k] > schools[i].students[k] {
                notes.append(ImportProblem(file: name, line: row.line, message: "\(row.counts[k]) \(raceColumns[k]) AP students at '\(schools[i].name)' (\(schools[i].district), \(schools[i].state)), which has \(schools[i].students[k]) such students (line \(schools[i].line)); kept as published"))
            }
            schools[i].apStudents = row.counts
            schools[i].unreported += row.unreported
        }
        if !problems.isEmpty { throw ImportError(problems: problems.sorted { $0.line < $1.line }) }
        return CRDCFile(encoding: encoding, schools: schools, notes: notes)
    }

    enum Count { case value(Int), unreported, invalid(String) }

    /// A count cell: digits (at most 9), or `NA`.
    static func count(_ r: CSVStream.Record, _ i: Int) -> Count {
        guard let b = r.bytes(i), !b.isEmpty else { return .invalid("") }
        if b.count == 2 && b[0] == UInt8(ascii: "N") && b[1] == UInt8(ascii: "A") { return .unreported }
        var v = 0
        for c in b {
            guard c >= 0x30 && c <= 0x39, b.count <= 9 else { return .invalid(String(decoding: b.prefix(40), as: UTF8.self)) }
            v = v * 10 + Int(c - 0x30)
        }
        return .value(v)
    }

    /// Field `i` decoded in the file's encoding, spaces (and no-break spaces) trimmed.
    static func text(_ r: CSVStream.Record, _ i: Int, _ encoding: Encoding) -> String {
        // Most fields are plain ASCII without spaces at either end: no decoding needed.
        if let b = r.bytes(i), !b.isEmpty, b.allSatisfy({ $0 < 0x80 }), b.first != 0x20, b.last != 0x20 {
            return String(decoding: b, as: UTF8.self)
        }
        let s: String
        switch encoding {
        case .utf8: s = r.string(i) ?? ""
        case .windows1252:
            var scalars = String.UnicodeScalarView()
            let bytes: [UInt8] = r.bytes(i).map(Array.init) ?? Array((r.string(i) ?? "").utf8)
            for b in bytes { scalars.append(windows1252(b)) }
            s = String(scalars)
        }
        return s.trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: "\u{A0}")))
    }

    /// Windows-1252: Latin-1 except 0x80–0x9F, where it has typographic characters (the
    /// five bytes it leaves undefined stay Latin-1's control characters).
    static func windows1252(_ b: UInt8) -> Unicode.Scalar {
        guard b >= 0x80 && b <= 0x9F else { return Unicode.Scalar(b) }
        let table: [UInt32] = [0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
                               0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178]
        return Unicode.Scalar(table[Int(b - 0x80)])!
    }
}

/// The CRDC 2015-16 high-school file shipped with Mosaic (a copy of `../shared/data/crdc/`,
/// CC0; see `Resources/crdc/README.md`), read by the demo and by `mosaic import-crdc`
/// without a file, from any working folder.
public enum CRDCData {
    public static var highSchools: String {
        Bundle.module.url(forResource: "crdc_2015-16_school_ap_enrollment_by_race", withExtension: "csv", subdirectory: "Resources/crdc")?.path
            ?? "Resources/crdc/crdc_2015-16_school_ap_enrollment_by_race.csv"
    }
}
