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
        /// The schools she ranks, most preferred first, by id.
        public var prefs: [String] {
            get { choices.names }
            set { choices = .names(newValue) }
        }
        public var lottery: Int?
        public var sibling: String?
        public var zones: [String]?
        public var groups: [String: String]?
        public var location: Point?
        /// How `prefs` is held (``Choices``).
        var choices: Choices

        public init(id: String, prefs: [String], lottery: Int? = nil, sibling: String? = nil, zones: [String]? = nil,
                    groups: [String: String]? = nil, location: Point? = nil) {
            self.id = id
            self.choices = .names(prefs)
            self.lottery = lottery
            self.sibling = sibling
            self.zones = zones
            self.groups = groups
            self.location = location
        }

        enum CodingKeys: String, CodingKey { case id, prefs, lottery, sibling, zones, groups, location }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            id = try c.decode(String.self, forKey: .id)
            choices = .names(try c.decode([String].self, forKey: .prefs))
            lottery = try c.decodeIfPresent(Int.self, forKey: .lottery)
            sibling = try c.decodeIfPresent(String.self, forKey: .sibling)
            zones = try c.decodeIfPresent([String].self, forKey: .zones)
            groups = try c.decodeIfPresent([String: String].self, forKey: .groups)
            location = try c.decodeIfPresent(Point.self, forKey: .location)
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(prefs, forKey: .prefs)
            try c.encodeIfPresent(lottery, forKey: .lottery)
            try c.encodeIfPresent(sibling, forKey: .sibling)
            try c.encodeIfPresent(zones, forKey: .zones)
            try c.encodeIfPresent(groups, forKey: .groups)
            try c.encodeIfPresent(location, forKey: .location)
        }

        public static func == (a: Student, b: Student) -> Bool {
            a.id == b.id && a.choices == b.choices && a.lottery == b.lottery && a.sibling == b.sibling && a.zones == b.zones
                && a.groups == b.groups && a.location == b.location
        }
    }

    /// A student's ranked schools as they are held: ids as given, or — when the byte-level
    /// reader (``init(fastJSON:)``) met them after the schools — positions in the schools
    /// read, every student's in one array. At NYC size (80,000 students, 12 choices) an
    /// array of ids per student was a fifth of the heap `mosaic match` touched and a
    /// String made and then looked up for each of 960,000 choices (issue 25); `prefs`
    /// still reads as ids.
    enum Choices: Sendable, Equatable {
        case names([String])
        /// Positions in `schools.ids`.
        case positions(ArraySlice<Int32>, SchoolIDs)

        var names: [String] {
            switch self {
            case .names(let names): names
            case .positions(let positions, let schools): positions.map { schools.ids[Int($0)] }
            }
        }

        var count: Int {
            switch self {
            case .names(let names): names.count
            case .positions(let positions, _): positions.count
            }
        }

        static func == (a: Choices, b: Choices) -> Bool {
            if case .positions(let p, let s) = a, case .positions(let q, let t) = b, s === t { return p.elementsEqual(q) }
            return a.names == b.names
        }
    }

    /// The ids of the schools a reader read, shared by the students whose choices are
    /// positions in them.
    final class SchoolIDs: Sendable {
        let ids: [String]
        init(_ ids: [String]) { self.ids = ids }
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
    public func problems() -> [String] { resolved().problems }

    /// The instance's ids as indices, and every problem found while resolving them: what
    /// `problems()` reports and what a market is built from, so that checking an instance
    /// and then running it looks each preference up once (at NYC size the lookups were a
    /// fifth of `mosaic match`, issue 25).
    struct Resolution {
        var problems: [String] = []
        var schoolIndex: IDTable
        /// Each student's preferences as school indices (unknown schools left out).
        var prefs: Market.Preferences
    }

    /// - Complexity: O(students × preferences + schools × reserves), expected.
    func resolved() -> Resolution {
        var out: [String] = []
        let schoolIndex = IDTable(schools.lazy.map(\.id))
        var studentIDs = IDTable(capacity: students.count)
        for i in students.indices { studentIDs.insert(students[i].id, at: i) }   // (a copy of each student cost a retain per field)
        if schoolIndex.count != schools.count { out.append("schools: two schools share an id") }
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
        var stamp = [Int](repeating: -1, count: schools.count)
        var start = [Int32](repeating: 0, count: students.count + 1), resolved: [Int32] = []
        resolved.reserveCapacity(students.reduce(0) { $0 + $1.choices.count })
        // Choices the reader already holds as positions in these very schools are taken
        // as they are (checked once: the schools may have changed since they were read).
        var read: SchoolIDs?
        if let first = students.lazy.compactMap({ st -> SchoolIDs? in
            if case .positions(_, let ids) = st.choices { return ids } else { return nil }
        }).first, first.ids.elementsEqual(schools.lazy.map(\.id)), schoolIndex.count == schools.count {
            read = first
        }
        for i in students.indices {
            var twice = false
            if let read, case .positions(let positions, let ids) = students[i].choices, ids === read {
                for k in positions {
                    if stamp[Int(k)] == i { twice = true } else { stamp[Int(k)] = i }
                }
                resolved.append(contentsOf: positions)
            } else {
                var unknown: Set<String> = []
                for p in students[i].prefs {
                    guard let k = schoolIndex[p] else {
                        out.append("students[\(i)] \(students[i].id): prefs name an unknown school “\(p)”")
                        if !unknown.insert(p).inserted { twice = true }
                        continue
                    }
                    if stamp[k] == i { twice = true } else { stamp[k] = i }
                    resolved.append(Int32(k))
                }
            }
            start[i + 1] = Int32(resolved.count)
            if twice { out.append("students[\(i)] \(students[i].id): prefs list a school twice") }
            if let l = students[i].lottery, l < 0 || l > Int(UInt32.max) {
                out.append("students[\(i)] \(students[i].id): lottery \(l) is not between 0 and \(UInt32.max)")
            }
        }
        let allStudents = explicitPriorities == nil ? [] : Set(students.map(\.id))
        for (s, order) in (explicitPriorities ?? [:]).sorted(by: { $0.key < $1.key }) {
            if schoolIndex[s] == nil { out.append("explicitPriorities: unknown school “\(s)”") }
            if order.count != students.count || Set(order) != allStudents {
                out.append("explicitPriorities.\(s): must order every student exactly once (\(order.count) listed, \(students.count) students)")
            }
        }
        return Resolution(problems: out, schoolIndex: schoolIndex, prefs: Market.Preferences(start: start, schools: resolved))
    }

    /// The instance's problems, when it has any (``Instance/checkedMarket(tieBreaking:using:)``).
    public struct Problems: Error, Sendable, Equatable {
        /// Each as `where: what`, as `problems()` gives them.
        public var problems: [String]
    }

    /// The market, or the instance's problems: `problems()` then `market(tieBreaking:using:)`
    /// with each id looked up once. The generator is used only when there are none.
    public func checkedMarket(tieBreaking: TieBreaking, using rng: inout some RandomNumberGenerator) throws(Problems) -> Market {
        let resolution = resolved()
        guard resolution.problems.isEmpty else { throw Problems(problems: resolution.problems) }
        return market(resolution, tieBreaking: tieBreaking, using: &rng)
    }

    /// The market for the mechanisms: priorities from explicit orders, else the key
    /// (class, lottery) — class the index of the first class the student holds at the
    /// school — with ties between equal keys broken by the instance's student order.
    /// Missing lottery numbers are drawn from `rng`: one per student (`single`) or one per
    /// student and school (`multiple`); given numbers are used as they are.
    /// - Precondition: `problems()` is empty.
    public func market(tieBreaking: TieBreaking, using rng: inout some RandomNumberGenerator) -> Market {
        market(resolved(), tieBreaking: tieBreaking, using: &rng)
    }

    func market(_ resolution: Resolution, tieBreaking: TieBreaking, using rng: inout some RandomNumberGenerator) -> Market {
        let n = students.count
        let schoolIndex = resolution.schoolIndex
        // Student ids are looked up only for explicit priorities.
        let studentIndex = IDTable(explicitPriorities == nil ? [] : students.map(\.id))
        let cls = classes
        func index(_ c: String) -> Int { cls.firstIndex(of: c) ?? cls.count }
        var siblingSchool = [Int32](repeating: -1, count: n), zones = [[Int32]](repeating: [], count: n)
        var given = [Int?](repeating: nil, count: n), ids = [String]()
        ids.reserveCapacity(n)
        for i in 0..<n {
            if let s = students[i].sibling, let k = schoolIndex[s] { siblingSchool[i] = Int32(k) }
            if let z = students[i].zones, !z.isEmpty { zones[i] = z.compactMap { schoolIndex[$0].map(Int32.init) } }
            given[i] = students[i].lottery
            ids.append(students[i].id)
        }
        let classes = Market.Classes(sibling: index("sibling"), zone: index("zone"), other: index("other"),
                                     siblingSchool: siblingSchool, zones: zones)
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
        let lottery = Market.Lottery.drawn(students: n, given: given, tieBreaking: tieBreaking, using: &rng)
        return Market(studentIDs: ids, prefs: resolution.prefs, schools: marketSchools, classes: classes, lottery: lottery)
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
