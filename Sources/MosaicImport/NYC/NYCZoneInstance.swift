import Foundation
import MosaicBoundaries
import MosaicCore

extension BoundaryInstance {
    /// The NYC elementary attendance zones of the given community school districts (all
    /// when empty) as a boundaries instance: one unit per zone (or per `cell`-km piece of
    /// one), each school's enrollment by group from the Demographic Snapshot spread over
    /// its zones by area (largest remainders, so counts stay whole and add up), schools
    /// at their mapped locations; and a note on what was left out.
    /// - Throws: ``ImportError`` for a file that cannot be read, or districts with no zones.
    public static func nyc(districts: [Int], year schoolYear: SchoolYear, zones: String, locations: String, snapshot: String,
                           cell: Double?) throws(ImportError) -> (BoundaryInstance, String) {
        let year = schoolYear.description
        let zoneRows = try NYCElementaryZone.zones(from: CSVTable(contentsOf: zones))
        let places = try NYCSchoolLocations.locations(from: CSVTable(contentsOf: locations))
        let demographics = try NYCDemographicSnapshot.schools(from: CSVTable(contentsOf: snapshot)).filter { $0.year == schoolYear }
        let byDBN = Dictionary(demographics.map { ($0.dbn, $0) }, uniquingKeysWith: { a, _ in a })
        let kept = zoneRows.filter { districts.isEmpty || districts.contains($0.district) }
        guard !kept.isEmpty else {
            throw ImportError(zones, 0, "no zones in district \(districts.map(String.init).joined(separator: ", "))")
        }
        // A zone's school: its DBNs together; the counts of those the snapshot knows.
        var rowsOf: [String: [NYCElementaryZone]] = [:], dbnsOf: [String: [DBN]] = [:]
        var unnamed = 0, unknown = Set<DBN>()
        for z in kept {
            let known = z.dbns.filter { byDBN[$0] != nil }
            unknown.formUnion(z.dbns.filter { byDBN[$0] == nil })
            guard !known.isEmpty else { unnamed += 1; continue }
            let key = known.map(\.description).joined(separator: "/")
            rowsOf[key, default: []].append(z)
            dbnsOf[key] = known
        }
        let dimensions: [MosaicCore.Dimension] = [.race, .economic, .englishLearner, .disability]
        var units: [BoundaryInstance.OutlinedUnit] = [], schools: [BoundaryInstance.School] = []
        for key in rowsOf.keys.sorted() {
            let rows = rowsOf[key]!, dbns = dbnsOf[key]!
            let areas = rows.map(\.outline.area), total = areas.reduce(0, +)
            var split = [[String: [String: Int]]](repeating: [:], count: rows.count)
            for d in dimensions {
                for (g, group) in d.groups.enumerated() {
                    let n = dbns.reduce(0) { $0 + (byDBN[$1]!.counts(of: d).count > g ? byDBN[$1]!.counts(of: d)[g] : 0) }
                    for (i, share) in BoundaryInstance.apportion(n, by: areas.map { total > 0 ? $0 / total : 1 / Double(rows.count) }).enumerated() {
                        split[i][d.rawValue, default: [:]][group] = share
                    }
                }
            }
            for (i, z) in rows.enumerated() {
                units.append(.init(id: rows.count == 1 ? key : "\(key) #\(i + 1)", school: key, students: .dimensions(split[i]), outline: z.outline))
            }
            let spots = dbns.compactMap { places[$0] }
            let spot = spots.isEmpty ? nil : Location(x: spots.reduce(0) { $0 + $1.x } / Double(spots.count), y: spots.reduce(0) { $0 + $1.y } / Double(spots.count))
            schools.append(.init(id: key, location: spot))
        }
        let scope = districts.isEmpty ? "all districts" : "district \(districts.map(String.init).joined(separator: ", "))"
        var instance = BoundaryInstance.fromLongitudeLatitude(
            name: "NYC elementary zones \(year), \(scope) (zone level: each school's enrollment spread over its zones by area)",
            schools: schools, units: units)
        if let cell { instance = instance.subdivided(cell: cell) }
        var note = "\(instance.units.count) \(cell == nil ? "zones" : "pieces of zones"), \(instance.schools.count) schools (\(scope))"
        if unnamed > 0 { note += "; \(unnamed) zones without a school the \(year) snapshot lists were left out" }
        if !unknown.isEmpty { note += " (not in the snapshot: \(unknown.sorted().prefix(8).map(\.description).joined(separator: ", "))\(unknown.count > 8 ? ", …" : ""))" }
        return (instance, note)
    }
}
