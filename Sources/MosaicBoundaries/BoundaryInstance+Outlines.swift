import MosaicCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension BoundaryInstance {
    /// A planning unit drawn from its outline in longitude/latitude.
    public struct OutlinedUnit: Sendable {
        public var id: String
        public var school: String
        public var students: Students
        public var outline: Outline

        public init(id: String, school: String, students: Students, outline: Outline) {
            self.id = id
            self.school = school
            self.students = students
            self.outline = outline
        }
    }

    /// An instance from units outlined in longitude/latitude (as open-data zone files give
    /// them): everything projected to kilometres about the units' mean latitude
    /// (equirectangular, `x = Δλ · 111.32 cos φ₀`, `y = Δφ · 110.57`, good to a fraction of
    /// a percent across a city); each unit's location is its outline's centroid and its
    /// shape the projected outline (to the metre); two units are neighbours when their
    /// outlines share at least two vertices (to 10⁻⁶ degrees, about 0.1 m), i.e. a piece of
    /// border. Travel is left to the distances; a school without a location stands at its
    /// first unit's centroid.
    public static func fromLongitudeLatitude(name: String, schools: [School], units: [OutlinedUnit]) -> BoundaryInstance {
        let points = units.flatMap { $0.outline.rings.flatMap { $0 } }
        let lat0 = points.isEmpty ? 0 : points.reduce(0) { $0 + $1.y } / Double(points.count)
        let lon0 = points.isEmpty ? 0 : points.reduce(0) { $0 + $1.x } / Double(points.count)
        let kx = 111.32 * cos(lat0 * .pi / 180), ky = 110.574
        func project(_ p: Location) -> Location { Location(x: (p.x - lon0) * kx, y: (p.y - lat0) * ky) }
        // Shared vertices → neighbours.
        struct Key: Hashable { let x: Int64, y: Int64 }
        var byVertex: [Key: [Int]] = [:]
        for (i, u) in units.enumerated() {
            var mine = Set<Key>()
            for ring in u.outline.rings { for p in ring { mine.insert(Key(x: Int64((p.x * 1e6).rounded()), y: Int64((p.y * 1e6).rounded()))) } }
            for k in mine { byVertex[k, default: []].append(i) }
        }
        var shared: [Int: [Int: Int]] = [:]
        for (_, list) in byVertex where list.count > 1 {
            for a in list { for b in list where b != a { shared[a, default: [:]][b, default: 0] += 1 } }
        }
        var out: [Unit] = []
        for (i, u) in units.enumerated() {
            let projected = Outline(rings: u.outline.rings.map { $0.map(project) })
            let neighbors = (shared[i] ?? [:]).filter { $0.value >= 2 }.keys.sorted().map { units[$0].id }
            out.append(Unit(id: u.id, school: u.school, students: u.students, location: projected.centroid, neighbors: neighbors,
                            shape: projected.wkt(digits: 3)))
        }
        let firstUnit = Dictionary(out.map { ($0.school, $0) }, uniquingKeysWith: { a, _ in a })
        let placed = schools.map { s in
            School(id: s.id, capacity: s.capacity, location: s.location.map(project) ?? firstUnit[s.id]?.location, unit: s.unit)
        }
        return BoundaryInstance(name: name, schools: placed, units: out)
    }
}
