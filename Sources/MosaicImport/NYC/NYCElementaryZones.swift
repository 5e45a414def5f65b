import MosaicCore

/// The NYC DOE 2017-18 elementary attendance zones (NYC Open Data): one row per zone
/// polygon, its zoned school(s) by DBN and its outline as WKT `MULTIPOLYGON` in
/// longitude/latitude. A school may have several zone rows; a shared zone lists several
/// DBNs (`21K095,21K097`); 31 zones list none.
public struct NYCElementaryZone: Sendable, Equatable {
    /// The line of the file the zone starts on.
    public var line: Int
    public var dbns: [DBN]
    /// The community school district (`SCHOOLDIST`).
    public var district: Int
    public var outline: Outline

    /// Reads every zone with an area (rows whose outline is WKT `EMPTY` are skipped).
    /// Columns used: `the_geom`, `DBN`, `SCHOOLDIST`.
    /// - Throws: `ImportError` for a missing column and, per row, an outline that is not WKT,
    ///   a DBN that is not one, or a district that is not a number.
    public static func zones(from csv: CSVTable) throws(ImportError) -> [NYCElementaryZone] {
        let required = ["the_geom", "DBN", "SCHOOLDIST"]
        let missing = required.filter { csv.column($0) == nil }
        guard missing.isEmpty else {
            throw ImportError(csv.name, 1, "not an elementary zone file: no column \(missing.map { "\"\($0)\"" }.joined(separator: ", "))")
        }
        let geom = csv.column("the_geom")!, dbnColumn = csv.column("DBN")!, districtColumn = csv.column("SCHOOLDIST")!
        var problems: [ImportProblem] = [], out: [NYCElementaryZone] = []
        for row in csv.rows {
            // `MULTIPOLYGON EMPTY`: a row without an area (the file has one); nothing to zone.
            if row.fields[geom].trimmingWhitespace().uppercased().hasSuffix(" EMPTY") { continue }
            guard let outline = Outline(wkt: row.fields[geom]) else {
                problems.append(.init(file: csv.name, line: row.line, message: "column \"the_geom\": not a WKT POLYGON or MULTIPOLYGON of longitude latitude pairs"))
                continue
            }
            let texts = row.fields[dbnColumn].split(separator: ",").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
            var dbns: [DBN] = []
            for t in texts {
                if let d = DBN(t) { dbns.append(d) } else { problems.append(.init(file: csv.name, line: row.line, message: "column \"DBN\": \"\(t)\" is not a DBN (01M015)")) }
            }
            guard let district = Int(row.fields[districtColumn].trimmingWhitespace()) else {
                problems.append(.init(file: csv.name, line: row.line, message: "column \"SCHOOLDIST\": \"\(row.fields[districtColumn])\" is not a district number"))
                continue
            }
            out.append(NYCElementaryZone(line: row.line, dbns: dbns, district: district, outline: outline))
        }
        if !problems.isEmpty { throw ImportError(problems: problems) }
        return out
    }
}

/// The NYC DOE school locations file (2017-18): each school's `latitude` and `longitude`
/// by its DBN (`ATS SYSTEM CODE`).
public enum NYCSchoolLocations {
    /// Longitude (x) and latitude (y) by DBN; rows without coordinates are left out.
    /// - Throws: `ImportError` for a missing column or coordinates that are not numbers.
    public static func locations(from csv: CSVTable) throws(ImportError) -> [DBN: Location] {
        let required = ["ATS SYSTEM CODE", "latitude", "longitude"]
        let missing = required.filter { csv.column($0) == nil }
        guard missing.isEmpty else {
            throw ImportError(csv.name, 1, "not a school locations file: no column \(missing.map { "\"\($0)\"" }.joined(separator: ", "))")
        }
        let code = csv.column("ATS SYSTEM CODE")!, lat = csv.column("latitude")!, lon = csv.column("longitude")!
        var problems: [ImportProblem] = [], out: [DBN: Location] = [:]
        for row in csv.rows {
            guard let dbn = DBN(row.fields[code].trimmingWhitespace()) else { continue }
            let la = row.fields[lat].trimmingWhitespace(), lo = row.fields[lon].trimmingWhitespace()
            if la.isEmpty && lo.isEmpty { continue }
            guard let y = Double(la), let x = Double(lo), (-90...90).contains(y), (-180...180).contains(x) else {
                problems.append(.init(file: csv.name, line: row.line, message: "latitude \"\(la)\", longitude \"\(lo)\" are not coordinates"))
                continue
            }
            out[dbn] = Location(x: x, y: y)
        }
        if !problems.isEmpty { throw ImportError(problems: problems) }
        return out
    }
}
