/// A school-choice market in index form (contract `match.md`): students rank schools,
/// each school orders every student by priority, and a school's seats are open seats and
/// reserve seats. Built once from an instance; the mechanisms read it and never change it.
///
/// Priorities are not stored as one order per school (700 schools × 80,000 students would
/// be 56 million entries, redrawn with every lottery). A school either has an explicit
/// order, or orders students by the key (class, lottery) computed on demand from the
/// student's sibling and zones and her lottery number; `key(_:at:)` is that order.
public struct Market: Sendable {
    /// A reserve: seats that rank the students of a group first (Dur, Kominers, Pathak &
    /// Sönmez 2018, slot-specific priorities).
    public struct Reserve: Sendable, Equatable {
        public enum Kind: String, Sendable { case soft, hard }
        public var name: String
        public var seats: Int
        public var kind: Kind
        /// `eligible[student]`: the student belongs to the reserve's group. Reserves of the
        /// same group share one array.
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
        /// An explicit priority order: `rank[student]` is her place, 0 first, every place
        /// distinct. Nil when the school orders students by (class, lottery).
        public var rank: [Int32]?

        public init(id: String, capacity: Int, reserves: [Reserve] = [], precedence: Precedence = .reserveFirst, rank: [Int32]? = nil) {
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

    /// Priority classes (contract: the index in `priorityClasses` of the first class the
    /// student holds at the school). A class not listed is never held, except that a
    /// student holding none is placed after every class.
    public struct Classes: Sendable {
        /// The index of each class in the instance's order (`count` when not listed).
        public var sibling: Int
        public var zone: Int
        public var other: Int
        /// Each student's sibling school (−1 for none).
        public var siblingSchool: [Int32]
        /// Each student's zone schools.
        public var zones: [[Int32]]

        public init(sibling: Int, zone: Int, other: Int, siblingSchool: [Int32], zones: [[Int32]]) {
            self.sibling = sibling
            self.zone = zone
            self.other = other
            self.siblingSchool = siblingSchool
            self.zones = zones
        }

        /// The student's class at school `s`: the smallest index among the classes she holds.
        @inlinable public func of(_ st: Int, at s: Int) -> Int {
            var c = other   // everyone holds "other"; unlisted, it is the count: "holds none"
            if sibling < c && siblingSchool[st] == Int32(s) { c = sibling }
            if zone < c && zones[st].contains(Int32(s)) { c = zone }
            return c
        }
    }

    /// Lottery numbers, smaller first: one per student (single tie-breaking), or one per
    /// student and school (multiple). A student's given number is used at every school.
    public struct Lottery: Sendable {
        /// Each student's number (given or, under single tie-breaking, drawn).
        public var numbers: [UInt32]
        /// Multiple tie-breaking: the key of each school's random order of the students
        /// without a given number, and which students have one.
        public var perSchool: (key: UInt64, given: [Bool])?

        public init(numbers: [UInt32], perSchool: (key: UInt64, given: [Bool])? = nil) {
            self.numbers = numbers
            self.perSchool = perSchool
        }

        /// The student's number at school `s`.
        @inlinable public func number(_ st: Int, at s: Int) -> UInt32 {
            if let p = perSchool, !p.given[st] {
                return UInt32(RandomPermutation(count: numbers.count, key: p.key &+ UInt64(s) &* 0x9E37_79B9_7F4A_7C15)[st] + 1)
            }
            return numbers[st]
        }
    }

    /// Every student's ranked schools in one flat array (student `st`'s are
    /// `schools[start[st] ..< start[st + 1]]`): one allocation for a market instead of one
    /// per student, which at NYC size (80,000 students) was a tenth of the heap `mosaic
    /// match` touched (issue 25). `prefs[st]` reads as a collection of school indices.
    public struct Preferences: Sendable, Equatable, RandomAccessCollection {
        /// Where each student's schools begin, and the end: `count + 1` offsets.
        public private(set) var start: [Int32]
        /// The school indices, student after student.
        public private(set) var schools: [Int32]

        /// Lists as they are given, one per student.
        public init(_ lists: [[Int]]) {
            var start = [Int32](repeating: 0, count: lists.count + 1)
            for (st, p) in lists.enumerated() { start[st + 1] = start[st] + Int32(p.count) }
            var schools: [Int32] = []
            schools.reserveCapacity(Int(start[lists.count]))
            for p in lists { for s in p { schools.append(Int32(s)) } }
            self.init(start: start, schools: schools)
        }

        /// - Precondition: `start` begins at 0, never decreases and ends at `schools.count`.
        public init(start: [Int32], schools: [Int32]) {
            precondition(start.first == 0 && start.last.map(Int.init) == schools.count)
            self.start = start
            self.schools = schools
        }

        public var startIndex: Int { 0 }
        public var endIndex: Int { start.count - 1 }

        @inlinable public subscript(st: Int) -> Choices {
            Choices(base: schools[Int(start[st])..<Int(start[st + 1])])
        }
    }

    /// One student's ranked schools, most preferred first, as school indices.
    public struct Choices: Sendable, Equatable, RandomAccessCollection {
        public let base: ArraySlice<Int32>
        @inlinable public init(base: ArraySlice<Int32>) { self.base = base }
        @inlinable public var startIndex: Int { 0 }
        @inlinable public var endIndex: Int { base.count }
        @inlinable public subscript(k: Int) -> Int { Int(base[base.startIndex + k]) }
    }

    public var studentIDs: [String]
    /// `prefs[student]`: school indices, most preferred first; unlisted = unacceptable.
    public var prefs: Preferences { didSet { classTable = Market.classTable(prefs, classes) } }
    public var schools: [School]
    /// How schools without an explicit order rank students; nil: every student holds the
    /// same class.
    public var classes: Classes? { didSet { classTable = Market.classTable(prefs, classes) } }
    public var lottery: Lottery
    /// The class of every (student, listed school) pair, students one after another in
    /// `prefs` order: the part of a key that does not change with the lottery, read by
    /// the mechanisms instead of looking up siblings and zones on every proposal.
    private(set) var classTable: ClassTable

    struct ClassTable: Sendable {
        /// Where each student's entries begin (`prefs.start`).
        var start: [Int32]
        var klass: [UInt8]
    }

    static func classTable(_ prefs: Preferences, _ classes: Classes?) -> ClassTable {
        var klass = [UInt8](repeating: 0, count: prefs.schools.count)
        if let classes {
            for st in prefs.indices {
                let from = Int(prefs.start[st])
                for k in from..<Int(prefs.start[st + 1]) { klass[k] = UInt8(min(255, classes.of(st, at: Int(prefs.schools[k])))) }
            }
        }
        return ClassTable(start: prefs.start, klass: klass)
    }

    /// A market whose schools all have explicit orders (or, without one, rank students in
    /// the given order).
    public init(studentIDs: [String], prefs: [[Int]], schools: [School], classes: Classes? = nil, lottery: Lottery? = nil) {
        self.init(studentIDs: studentIDs, prefs: Preferences(prefs), schools: schools, classes: classes, lottery: lottery)
    }

    public init(studentIDs: [String], prefs: Preferences, schools: [School], classes: Classes? = nil, lottery: Lottery? = nil) {
        precondition(prefs.count == studentIDs.count && studentIDs.count < Market.maxStudents)
        precondition(schools.allSatisfy { ($0.rank?.count ?? studentIDs.count) == studentIDs.count && $0.reserves.allSatisfy { $0.eligible.count == studentIDs.count } })
        self.studentIDs = studentIDs
        self.prefs = prefs
        self.schools = schools
        self.classes = classes
        self.lottery = lottery ?? Lottery(numbers: [UInt32](repeating: 0, count: studentIDs.count))
        classTable = Market.classTable(prefs, classes)
    }

    public var studentCount: Int { studentIDs.count }

    /// Students are numbered in the low 24 bits of a key.
    public static let maxStudents = 1 << 24

    /// The student's priority at school `s` as one number, smaller first, distinct for
    /// every student: the explicit place, or class · 2⁵⁶ + lottery · 2²⁴, with the
    /// student's index in the low 24 bits (ties broken by the instance's order).
    @inlinable public func key(_ st: Int, at s: Int) -> UInt64 {
        if let rank = schools[s].rank { return UInt64(rank[st]) << 24 | UInt64(st) }
        let klass = classes?.of(st, at: s) ?? 0
        return UInt64(klass) << 56 | UInt64(lottery.number(st, at: s)) << 24 | UInt64(st)
    }

    /// The student a key belongs to.
    @inlinable public static func student(_ key: UInt64) -> Int { Int(key & 0xFF_FFFF) }

    /// A priority as the contract prints it: a place in an explicit order (1 first) or the
    /// class and lottery number.
    public enum Priority: Sendable, Equatable {
        case place(Int)
        case classAndLottery(klass: Int, lottery: Int)
    }

    public func priority(_ st: Int, at s: Int) -> Priority {
        if let rank = schools[s].rank { return .place(Int(rank[st]) + 1) }
        return .classAndLottery(klass: classes?.of(st, at: s) ?? 0, lottery: Int(lottery.number(st, at: s)))
    }

    /// The same market with every lottery number drawn afresh from `rng` (the students'
    /// given numbers ignored): single tie-breaking draws a random order 1…n of the
    /// students; multiple draws one for every school.
    public func drawingLotteries(_ tieBreaking: Instance.TieBreaking, using rng: inout some RandomNumberGenerator) -> Market {
        var out = self
        out.lottery = Lottery.drawn(students: studentCount, given: nil, tieBreaking: tieBreaking, using: &rng)
        return out
    }
}

extension Market.Lottery {
    /// Numbers for `n` students: `given[st]` where present; the rest a random order of
    /// 1…n (positions of a shuffle), one for every school under multiple tie-breaking.
    public static func drawn(students n: Int, given: [Int?]?, tieBreaking: Instance.TieBreaking,
                             using rng: inout some RandomNumberGenerator) -> Market.Lottery {
        var numbers = [UInt32](repeating: 0, count: n)
        if n > 0 {
            for i in 0..<n { numbers[i] = UInt32(i + 1) }
            numbers.shuffle(using: &rng)
        }
        let key = rng.next()
        if let given { for (st, g) in given.enumerated() { if let g { numbers[st] = UInt32(g) } } }
        guard tieBreaking == .multiple else { return .init(numbers: numbers) }
        return .init(numbers: numbers, perSchool: (key, given.map { $0.map { $0 != nil } } ?? [Bool](repeating: false, count: n)))
    }
}

/// A random permutation of 0..<count computed one element at a time, without storing
/// it: a four-round Feistel network over the smallest even number of bits that covers
/// `count`, with cycle walking back into range (Black & Rogaway 2002, "Ciphers with
/// arbitrary finite domains"). The round function is SplitMix64 of the key, the round and
/// the half. Each school's order under multiple tie-breaking is one of these.
public struct RandomPermutation: Sendable {
    public let count: Int
    public let key: UInt64
    @usableFromInline let half: UInt64
    @usableFromInline let mask: UInt64

    @inlinable public init(count: Int, key: UInt64) {
        self.count = count
        self.key = key
        var bits = 2
        while (1 << bits) < count { bits += 2 }
        half = UInt64(bits / 2)
        mask = (1 << half) - 1
    }

    @inlinable public subscript(i: Int) -> Int {
        var x = UInt64(i)
        repeat {
            var l = x >> half, r = x & mask
            for round in 0..<4 as Range<UInt64> {
                var z = key &+ round &* 0xD1B5_4A32_D192_ED03 &+ r &* 0x9E37_79B9_7F4A_7C15
                z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                z ^= z >> 31
                (l, r) = (r, l ^ (z & mask))
            }
            x = l << half | r
        } while x >= UInt64(count)
        return Int(x)
    }
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

    /// Every school's admitted students, in one pass.
    public func admittedBySchool(_ schools: Int) -> [[Int]] {
        var out = [[Int]](repeating: [], count: schools)
        for (st, p) in places.enumerated() { if let p { out[p.school].append(st) } }
        return out
    }
}
