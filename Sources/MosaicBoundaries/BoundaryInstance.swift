import MosaicCore

/// An attendance-boundary instance as contract `boundaries.md` writes it (JSON): the
/// schools, and the planning units (census blocks, zones, grid cells) with their
/// students by group, today's school, neighbours, location and travel times.
public struct BoundaryInstance: Sendable, Codable, Equatable {
    public typealias Point = Location

    public struct School: Sendable, Codable, Equatable {
        public var id: String
        /// Seats; the school's students may not exceed it after the redraw.
        public var capacity: Int?
        public var location: Point?
        /// The unit the school stands in (contiguity grows every zone from it). Without it,
        /// the school's unit nearest its location, else the one with the shortest travel.
        public var unit: String?

        public init(id: String, capacity: Int? = nil, location: Point? = nil, unit: String? = nil) {
            self.id = id
            self.capacity = capacity
            self.location = location
            self.unit = unit
        }
    }

    /// A unit's students: counts by group of one dimension (`{"white": 12}`), or by
    /// dimension and group (`{"race": {"white": 12}, "income": {"low": 5}}`).
    public enum Students: Sendable, Equatable, Codable {
        case groups([String: Int])
        case dimensions([String: [String: Int]])

        public init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let g = try? c.decode([String: Int].self) {
                self = .groups(g)
            } else if let d = try? c.decode([String: [String: Int]].self) {
                self = .dimensions(d)
            } else {
                throw DecodingError.typeMismatch([String: Int].self, .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "counts of students by group ({\"white\": 12}) or by dimension and group ({\"race\": {\"white\": 12}}), whole numbers"))
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .groups(let g): try c.encode(g)
            case .dimensions(let d): try c.encode(d)
            }
        }

        /// The counts of `dimension`: a one-dimension unit's counts serve any dimension.
        public func counts(_ dimension: String) -> [String: Int]? {
            switch self {
            case .groups(let g): g
            case .dimensions(let d): d[dimension]
            }
        }

        /// The dimensions the counts are given for (nil: one unnamed dimension).
        public var dimensionNames: [String]? {
            if case .dimensions(let d) = self { return d.keys.sorted() }
            return nil
        }
    }

    public struct Unit: Sendable, Codable, Equatable {
        public var id: String
        /// Today's school.
        public var school: String
        public var students: Students
        public var location: Point?
        public var neighbors: [String]?
        /// Travel time (or distance) from the unit to each school; without an entry, the
        /// Euclidean distance between the locations.
        public var travel: [String: Double]?
        /// The unit's outline, WKT `POLYGON` or `MULTIPOLYGON` in the locations' plane, for maps.
        public var shape: String?

        public init(id: String, school: String, students: Students, location: Point? = nil, neighbors: [String]? = nil,
                    travel: [String: Double]? = nil, shape: String? = nil) {
            self.id = id
            self.school = school
            self.students = students
            self.location = location
            self.neighbors = neighbors
            self.travel = travel
            self.shape = shape
        }
    }

    public var name: String?
    public var schools: [School]
    public var units: [Unit]

    public init(name: String? = nil, schools: [School], units: [Unit]) {
        self.name = name
        self.schools = schools
        self.units = units
    }

    /// Every problem with the instance itself, each as `where: what` (empty when it can
    /// run); problems of one dimension are ``BoundaryProblem``'s to find.
    public func problems() -> [String] {
        var out: [String] = []
        if schools.isEmpty { out.append("schools: there are no schools") }
        if units.isEmpty { out.append("units: there are no units") }
        var schoolIDs = Set<String>(), unitIDs = Set<String>()
        for (i, s) in schools.enumerated() {
            if !schoolIDs.insert(s.id).inserted { out.append("schools[\(i)] \(s.id): another school has this id") }
            if let c = s.capacity, c < 0 { out.append("schools[\(i)] \(s.id): capacity \(c) is negative") }
            if let p = s.location, !p.x.isFinite || !p.y.isFinite { out.append("schools[\(i)] \(s.id): location is not a pair of numbers") }
        }
        for (i, u) in units.enumerated() where !unitIDs.insert(u.id).inserted {
            out.append("units[\(i)] \(u.id): another unit has this id")
        }
        for (i, s) in schools.enumerated() {
            if let home = s.unit, !unitIDs.contains(home) { out.append("schools[\(i)] \(s.id): unit “\(home)” is not a unit") }
        }
        let schoolAt = Dictionary(schools.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for (i, u) in units.enumerated() {
            let at = "units[\(i)] \(u.id)"
            let school = schoolAt[u.school]
            if school == nil { out.append("\(at): school “\(u.school)” is not one of the schools") }
            switch u.students {
            case .groups(let g):
                for (k, n) in g.sorted(by: { $0.key < $1.key }) where n < 0 { out.append("\(at): \(k) has \(n) students") }
            case .dimensions(let d):
                for (dim, g) in d.sorted(by: { $0.key < $1.key }) {
                    for (k, n) in g.sorted(by: { $0.key < $1.key }) where n < 0 { out.append("\(at): \(dim).\(k) has \(n) students") }
                }
            }
            if let p = u.location, !p.x.isFinite || !p.y.isFinite { out.append("\(at): location is not a pair of numbers") }
            if let shape = u.shape, Outline(wkt: shape) == nil { out.append("\(at): shape is not a WKT POLYGON or MULTIPOLYGON of x y pairs") }
            for n in u.neighbors ?? [] {
                if n == u.id { out.append("\(at): lists itself as a neighbor") }
                else if !unitIDs.contains(n) { out.append("\(at): neighbor “\(n)” is not a unit") }
            }
            for (s, t) in (u.travel ?? [:]).sorted(by: { $0.key < $1.key }) {
                if schoolAt[s] == nil { out.append("\(at): travel names “\(s)”, which is not one of the schools") }
                if !t.isFinite || t < 0 { out.append("\(at): travel to \(s) is \(t); give a time or distance of 0 or more") }
            }
            if let school, u.travel?[u.school] == nil && (u.location == nil || school.location == nil) {
                out.append("\(at): no travel to its school \(u.school), and no locations to measure it")
            }
        }
        return out
    }
}
