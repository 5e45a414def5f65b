/// A school-choice market in index form (contract `match.md`): students rank schools,
/// each school orders every student by priority, and a school's seats are open seats and
/// reserve seats. Built once from an instance; the mechanisms read it and never change it.
public struct Market: Sendable {
    /// A reserve: seats that rank the students of a group first (Dur, Kominers, Pathak &
    /// Sönmez 2018, slot-specific priorities).
    public struct Reserve: Sendable, Equatable {
        public enum Kind: String, Sendable { case soft, hard }
        public var name: String
        public var seats: Int
        public var kind: Kind
        /// `eligible[student]`: the student belongs to the reserve's group.
        public var eligible: [Bool]

        public init(name: String, seats: Int, kind: Kind, eligible: [Bool]) {
            self.name = name
            self.seats = seats
            self.kind = kind
            self.eligible = eligible
        }
    }

    public enum Precedence: String, Sendable { case reserveFirst, openFirst }

    public struct School: Sendable {
        public var id: String
        public var capacity: Int
        public var reserves: [Reserve]
        public var precedence: Precedence
        /// `rank[student]`: the student's place in the school's priority order, 0 first;
        /// every student has a distinct place.
        public var rank: [Int32]
        /// Each student's priority key here, (class index, lottery number), when the order
        /// comes from classes and lotteries (nil for an explicit order): what a cutoff says.
        public var keys: [(klass: Int, lottery: Int)]?

        public init(id: String, capacity: Int, reserves: [Reserve] = [], precedence: Precedence = .reserveFirst, rank: [Int32]) {
            self.id = id
            self.capacity = capacity
            self.reserves = reserves
            self.precedence = precedence
            self.rank = rank
        }

        /// Open seats: the capacity less the reserves' seats.
        public var openSeats: Int { max(0, capacity - reserves.reduce(0) { $0 + $1.seats }) }

        /// The seats in the order they are filled: reserves then open seats
        /// (`reserveFirst`) or the reverse; each entry a reserve index or nil for open.
        public var seatOrder: [Int?] {
            let reserveSeats = reserves.indices.flatMap { r in Array(repeating: Optional(r), count: reserves[r].seats) }
            let open = Array(repeating: Int?.none, count: openSeats)
            return precedence == .reserveFirst ? reserveSeats + open : open + reserveSeats
        }
    }

    public var studentIDs: [String]
    /// `prefs[student]`: school indices, most preferred first; unlisted = unacceptable.
    public var prefs: [[Int]]
    public var schools: [School]

    public init(studentIDs: [String], prefs: [[Int]], schools: [School]) {
        precondition(prefs.count == studentIDs.count)
        precondition(schools.allSatisfy { $0.rank.count == studentIDs.count && $0.reserves.allSatisfy { $0.eligible.count == studentIDs.count } })
        self.studentIDs = studentIDs
        self.prefs = prefs
        self.schools = schools
    }

    public var studentCount: Int { studentIDs.count }
}

/// Where every student goes: a school index and the seat (nil seat = open, else the
/// reserve's index), or nil for an unassigned student.
public struct Assignment: Sendable, Equatable {
    public struct Place: Sendable, Equatable {
        public var school: Int
        public var reserve: Int?
        public init(school: Int, reserve: Int?) {
            self.school = school
            self.reserve = reserve
        }
    }

    public var places: [Place?]

    public init(places: [Place?]) { self.places = places }

    /// The students each school admitted.
    public func admitted(_ school: Int) -> [Int] { places.indices.filter { places[$0]?.school == school } }
}
