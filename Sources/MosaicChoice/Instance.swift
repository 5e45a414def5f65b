/// A school-choice instance as contract `match.md` writes it (JSON): priority classes,
/// schools with capacities and reserves, students with preferences, lottery numbers,
/// siblings, zones and groups, and explicit priorities.
public struct Instance: Sendable, Codable, Equatable {
    public struct Point: Sendable, Codable, Equatable {
        public var x: Double
        public var y: Double
    }

    public struct Reserve: Sendable, Codable, Equatable {
        public var name: String
        /// The group the reserve's seats rank first: dimension → group (all must match).
        public var group: [String: String]
        public var seats: Int
        public var kind: String
    }

    public struct School: Sendable, Codable, Equatable {
        public var id: String
        public var capacity: Int
        public var reserves: [Reserve]?
        public var precedence: String?
        public var location: Point?
    }

    public struct Student: Sendable, Codable, Equatable {
        public var id: String
        public var prefs: [String]
        public var lottery: Int?
        public var sibling: String?
        public var zones: [String]?
        public var groups: [String: String]?
        public var location: Point?
    }

    public var name: String?
    public var priorityClasses: [String]?
    public var schools: [School]
    public var students: [Student]
    public var explicitPriorities: [String: [String]]?

    public enum TieBreaking: String, Sendable, CaseIterable { case single, multiple }

    /// The classes in order, `sibling, zone, other` when the instance names none.
    public var classes: [String] { priorityClasses ?? ["sibling", "zone", "other"] }

    /// Every problem with the instance, each as `where: what` (empty when it can run).
    public func problems() -> [String] {
        var out: [String] = []
        let schoolIDs = Set(schools.map(\.id)), studentIDs = Set(students.map(\.id))
        if schoolIDs.count != schools.count { out.append("schools: two schools share an id") }
        if studentIDs.count != students.count { out.append("students: two students share an id") }
        for c in classes where !["sibling", "zone", "other"].contains(c) {
            out.append("priorityClasses: “\(c)” is not sibling, zone or other")
        }
        for (i, s) in schools.enumerated() {
            if s.capacity < 0 { out.append("schools[\(i)] \(s.id): capacity \(s.capacity) is negative") }
            let reserved = (s.reserves ?? []).reduce(0) { $0 + $1.seats }
            if reserved > 0 && reserved > s.capacity { out.append("schools[\(i)] \(s.id): reserves hold \(reserved) seats, more than its capacity \(s.capacity)") }
            for r in s.reserves ?? [] {
                if r.seats < 0 { out.append("schools[\(i)] \(s.id): reserve \(r.name) has \(r.seats) seats") }
                if r.kind != "soft" && r.kind != "hard" { out.append("schools[\(i)] \(s.id): reserve \(r.name) kind “\(r.kind)” is not soft or hard") }
                if r.group.isEmpty { out.append("schools[\(i)] \(s.id): reserve \(r.name) names no group") }
            }
            if let p = s.precedence, Market.Precedence(rawValue: p) == nil {
                out.append("schools[\(i)] \(s.id): precedence “\(p)” is not reserveFirst or openFirst")
            }
        }
        for (i, st) in students.enumerated() {
            for p in st.prefs where !schoolIDs.contains(p) { out.append("students[\(i)] \(st.id): prefs name an unknown school “\(p)”") }
            if Set(st.prefs).count != st.prefs.count { out.append("students[\(i)] \(st.id): prefs list a school twice") }
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
        let studentIndex = Dictionary(uniqueKeysWithValues: students.enumerated().map { ($1.id, $0) })
        // Lottery numbers: a random order of 1…n for those without one (per school when multiple).
        func draw() -> [Int] {
            var numbers = Array(1...max(1, n)).shuffled(using: &rng)
            numbers = Array(numbers.prefix(n))
            return students.indices.map { students[$0].lottery ?? numbers[$0] }
        }
        let single = draw()
        let lotteries: [[Int]] = tieBreaking == .single ? Array(repeating: single, count: schools.count) : schools.indices.map { $0 == 0 ? single : draw() }
        let cls = classes
        let marketSchools = schools.enumerated().map { s, school -> Market.School in
            var rank = [Int32](repeating: 0, count: n)
            var keys: [(klass: Int, lottery: Int)]?
            if let order = explicitPriorities?[school.id] {
                for (place, id) in order.enumerated() { rank[studentIndex[id]!] = Int32(place) }
            } else {
                func klass(_ st: Student) -> Int {
                    cls.firstIndex { c in
                        switch c {
                        case "sibling": st.sibling == school.id
                        case "zone": st.zones?.contains(school.id) == true
                        default: true
                        }
                    } ?? cls.count
                }
                let order = students.indices.sorted { a, b in
                    (klass(students[a]), lotteries[s][a], a) < (klass(students[b]), lotteries[s][b], b)
                }
                for (place, st) in order.enumerated() { rank[st] = Int32(place) }
                keys = students.indices.map { (klass(students[$0]), lotteries[s][$0]) }
            }
            let reserves = (school.reserves ?? []).map { r in
                Market.Reserve(name: r.name, seats: r.seats, kind: r.kind == "hard" ? .hard : .soft,
                               eligible: students.map { st in r.group.allSatisfy { st.groups?[$0.key] == $0.value } })
            }
            var out = Market.School(id: school.id, capacity: school.capacity, reserves: reserves,
                                    precedence: school.precedence.flatMap(Market.Precedence.init(rawValue:)) ?? .reserveFirst, rank: rank)
            out.keys = keys
            return out
        }
        return Market(studentIDs: students.map(\.id), prefs: students.map { $0.prefs.map { schoolIndex[$0]! } }, schools: marketSchools)
    }
}
