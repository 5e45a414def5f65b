import MosaicCore

/// A school-choice instance as contract `match.md` writes it (JSON): priority classes,
/// schools with capacities and reserves, students with preferences, lottery numbers,
/// siblings, zones and groups, and explicit priorities.
public struct Instance: Sendable, Codable, Equatable {
    public typealias Point = Location

    public struct Reserve: Sendable, Codable, Equatable {
        public var name: String
        /// The group the reserve's seats rank first: dimension → group (all must match).
        public var group: [String: String]
        public var seats: Int
        public var kind: String

        public init(name: String, group: [String: String], seats: Int, kind: String = "soft") {
            self.name = name
            self.group = group
            self.seats = seats
            self.kind = kind
        }
    }

    public struct School: Sendable, Codable, Equatable {
        public var id: String
        public var capacity: Int
        public var reserves: [Reserve]?
        public var precedence: String?
        public var location: Point?

        public init(id: String, capacity: Int, reserves: [Reserve]? = nil, precedence: String? = nil, location: Point? = nil) {
            self.id = id
            self.capacity = capacity
            self.reserves = reserves
            self.precedence = precedence
            self.location = location
        }
    }

    public struct Student: Sendable, Codable, Equatable {
        public var id: String
        public var prefs: [String]
        public var lottery: Int?
        public var sibling: String?
        public var zones: [String]?
        public var groups: [String: String]?
        public var location: Point?

        public init(id: String, prefs: [String], lottery: Int? = nil, sibling: String? = nil, zones: [String]? = nil,
                    groups: [String: String]? = nil, location: Point? = nil) {
            self.id = id
            self.prefs = prefs
            self.lottery = lottery
            self.sibling = sibling
            self.zones = zones
            self.groups = groups
            self.location = location
        }
    }

    public var name: String?
    public var priorityClasses: [String]?
    public var schools: [School]
    public var students: [Student]
    public var explicitPriorities: [String: [String]]?

    public init(name: String? = nil, priorityClasses: [String]? = nil, schools: [School], students: [Student],
                explicitPriorities: [String: [String]]? = nil) {
        self.name = name
        self.priorityClasses = priorityClasses
        self.schools = schools
        self.students = students
        self.explicitPriorities = explicitPriorities
    }

    public enum TieBreaking: String, Sendable, CaseIterable { case single, multiple }

    /// The classes in order, `sibling, zone, other` when the instance names none.
    public var classes: [String] { priorityClasses ?? ["sibling", "zone", "other"] }

    /// Every problem with the instance, each as `where: what` (empty when it can run).
    public func problems() -> [String] {
        var out: [String] = []
        let schoolIDs = Set(schools.map(\.id)), studentIDs = Set(students.map(\.id))
        if schoolIDs.count != schools.count { out.append("schools: two schools share an id") }
        if studentIDs.count != students.count { out.append("students: two students share an id") }
        if students.count >= Market.maxStudents { out.append("students: \(students.count) students, more than the \(Market.maxStudents - 1) a market holds") }
        for c in classes where !["sibling", "zone", "other"].contains(c) {
            out.append("priorityClasses: “\(c)” is not sibling, zone or other")
        }
        for (i, s) in schools.enumerated() {
            if s.capacity < 0 { out.append("schools[\(i)] \(s.id): capacity \(s.capacity) is negative") }
            let reserved = (s.reserves ?? []).reduce(0) { $0 + $1.seats }
            if reserved > 0 && reserved > s.capacity { out.append("schools[\(i)] \(s.id): reserves hold \(reserved) seats, more than its capacity \(s.capacity)") }
            if (s.reserves ?? []).count > 64 { out.append("schools[\(i)] \(s.id): \(s.reserves!.count) reserves, more than the 64 a school can have") }
            for r in s.reserves ?? [] {
                if r.seats < 0 { out.append("schools[\(i)] \(s.id): reserve \(r.name) has \(r.seats) seats") }
                if r.kind != "soft" && r.kind != "hard" { out.append("schools[\(i)] \(s.id): reserve \(r.name) kind “\(r.kind)” is not soft or hard") }
                if r.group.isEmpty { out.append("schools[\(i)] \(s.id): reserve \(r.name) names no group") }
            }
            if let p = s.precedence, Market.Precedence(rawValue: p) == nil {
                out.append("schools[\(i)] \(s.id): precedence “\(p)” is not reserveFirst or openFirst")
            }
        }
        // A school listed twice is found with one stamp per school (a Set per student cost
        // a tenth of `mosaic match` at NYC size).
        let schoolIndex = Dictionary(schools.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        var stamp = [Int](repeating: -1, count: schools.count)
        for (i, st) in students.enumerated() {
            var twice = false, unknown: Set<String> = []
            for p in st.prefs {
                guard let k = schoolIndex[p] else {
                    out.append("students[\(i)] \(st.id): prefs name an unknown school “\(p)”")
                    if !unknown.insert(p).inserted { twice = true }
                    continue
                }
                if stamp[k] == i { twice = true } else { stamp[k] = i }
            }
            if twice { out.append("students[\(i)] \(st.id): prefs list a school twice") }
            if let l = st.lottery, l < 0 || l > Int(UInt32.max) { out.append("students[\(i)] \(st.id): lottery \(l) is not between 0 and \(UInt32.max)") }
        }
        for (s, order) in (explicitPriorities ?? [:]).sorted(by: { $0.key < $1.key }) {
            if !schoolIDs.contains(s) { out.append("explicitPriorities: unknown school “\(s)”") }
            if order.count != students.count || Set(order) != studentIDs {
                out.append("explicitPriorities.\(s): must order every student exactly once (\(order.count) listed, \(students.count) students)")
            }
        }
        return out
    }

    /// The market for the mechanisms: priorities from explicit orders, else the key
    /// (class, lottery) — class the index of the first class the student holds at the
    /// school — with ties between equal keys broken by the instance's student order.
    /// Missing lottery numbers are drawn from `rng`: one per student (`single`) or one per
    /// student and school (`multiple`); given numbers are used as they are.
    /// - Precondition: `problems()` is empty.
    public func market(tieBreaking: TieBreaking, using rng: inout some RandomNumberGenerator) -> Market {
        let n = students.count
        let schoolIndex = Dictionary(uniqueKeysWithValues: schools.enumerated().map { ($1.id, $0) })
        // Student ids are looked up only for explicit priorities.
        let studentIndex = explicitPriorities == nil ? [:] : Dictionary(uniqueKeysWithValues: students.enumerated().map { ($1.id, $0) })
        let cls = classes
        func index(_ c: String) -> Int { cls.firstIndex(of: c) ?? cls.count }
        let classes = Market.Classes(
            sibling: index("sibling"), zone: index("zone"), other: index("other"),
            siblingSchool: students.map { st in st.sibling.flatMap { schoolIndex[$0] }.map(Int32.init) ?? -1 },
            zones: students.map { st in (st.zones ?? []).compactMap { schoolIndex[$0] }.map(Int32.init) })
        // One eligibility array per distinct group, shared by every reserve of that group.
        var eligibility: [[String: String]: [Bool]] = [:]
        let marketSchools = schools.map { school -> Market.School in
            var rank: [Int32]?
            if let order = explicitPriorities?[school.id] {
                var r = [Int32](repeating: 0, count: n)
                for (place, id) in order.enumerated() { r[studentIndex[id]!] = Int32(place) }
                rank = r
            }
            let reserves = (school.reserves ?? []).map { r -> Market.Reserve in
                let eligible = eligibility[r.group] ?? students.map { st in r.group.allSatisfy { st.groups?[$0.key] == $0.value } }
                eligibility[r.group] = eligible
                return Market.Reserve(name: r.name, seats: r.seats, kind: r.kind == "hard" ? .hard : .soft, eligible: eligible)
            }
            return Market.School(id: school.id, capacity: school.capacity, reserves: reserves,
                                 precedence: school.precedence.flatMap(Market.Precedence.init(rawValue:)) ?? .reserveFirst, rank: rank)
        }
        let lottery = Market.Lottery.drawn(students: n, given: students.map(\.lottery), tieBreaking: tieBreaking, using: &rng)
        return Market(studentIDs: students.map(\.id), prefs: students.map { $0.prefs.map { schoolIndex[$0]! } },
                      schools: marketSchools, classes: classes, lottery: lottery)
    }
}

/// An application round's schools and policy, as the service stores it: a match.md
/// instance without its students, for a district's term.
public struct RoundDefinition: Sendable, Codable, Equatable {
    public var term: String
    public var name: String
    public var priorityClasses: [String]?
    public var schools: [Instance.School]
    /// The round's name in other languages, by code (`"es": "Traslados 2027"`), for the
    /// families' pages; `name` otherwise.
    public var names: [String: String]? = nil

    public init(term: String, name: String, priorityClasses: [String]? = nil, schools: [Instance.School]) {
        self.term = term
        self.name = name
        self.priorityClasses = priorityClasses
        self.schools = schools
    }

    /// The round with these students: the instance a match runs on.
    public func instance(students: [Instance.Student]) -> Instance {
        Instance(name: name, priorityClasses: priorityClasses, schools: schools, students: students)
    }
}
