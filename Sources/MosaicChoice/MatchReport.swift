import MosaicCore

/// An assignment read back against its instance (contract `match.md`): each student's rank and
/// seat, each school's cutoff, the groups' dissimilarity; the contract's CSV and JSON, and the
/// explanation of why a student was not admitted where she ranked higher.
public struct MatchReport: Sendable {
    public let instance: Instance
    public let market: Market
    public let assignment: Assignment
    /// Each school's admitted students.
    public let admitted: [[Int]]

    public init(instance: Instance, market: Market, assignment: Assignment) {
        self.instance = instance
        self.market = market
        self.assignment = assignment
        admitted = assignment.admittedBySchool(market.schools.count)
    }

    /// Students in id order.
    /// - Complexity: O(students) when the instance lists them in id order (checked first),
    ///   else O(students log students) comparisons.
    public var order: [Int] {
        let ids = market.studentIDs
        if zip(ids, ids.dropFirst()).allSatisfy({ $0 <= $1 }) { return Array(ids.indices) }
        return ids.indices.sorted { ids[$0] < ids[$1] }
    }

    public func rank(_ st: Int) -> Int? { assignment.places[st].flatMap { p in market.prefs[st].firstIndex(of: p.school).map { $0 + 1 } } }

    public func seatName(_ st: Int) -> String {
        guard let p = assignment.places[st] else { return "" }
        return p.reserve.map { market.schools[p.school].reserves[$0].name } ?? "open"
    }

    /// The contract's CSV, one row per student by id. Built as bytes: a field is quoted
    /// (``csvField(_:)``) only when it holds a comma, quote or line break.
    public var csv: String { String(decoding: csvBytes, as: UTF8.self) }

    /// The CSV's UTF-8 bytes, for writing as they are.
    public var csvBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 + market.studentCount * 32)
        out += "student_id,school_id,rank,seat_type\n".utf8
        func field(_ s: String) {
            if s.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) { out += csvField(s).utf8 } else { out += s.utf8 }
        }
        for st in order {
            field(market.studentIDs[st])
            out.append(0x2C)
            if let p = assignment.places[st] { field(market.schools[p.school].id) }
            out.append(0x2C)
            if let r = rank(st) { out += String(r).utf8 }
            out.append(0x2C)
            field(seatName(st))
            out.append(0x0A)
        }
        return out
    }

    /// The school's cutoff as JSON (null when it admitted no one).
    public func cutoff(_ s: Int) -> JSONValue { cutoffKey(s)?.json ?? .null }

    /// A priority key: (class, lottery), or a place in an explicit order.
    public enum Key: Sendable, Equatable {
        case classAndLottery(String, Int)
        case place(Int)

        public var json: JSONValue {
            switch self {
            case .classAndLottery(let c, let l): .object([("class", .string(c)), ("lottery", .int(l))])
            case .place(let r): .object([("rank", .int(r))])
            }
        }

        public var text: String {
            switch self {
            case .classAndLottery(let c, let l): "\(c) \(l)"
            case .place(let r): "rank \(r)"
            }
        }
    }

    /// A student's priority key at a school.
    public func key(_ st: Int, at s: Int) -> Key {
        switch market.priority(st, at: s) {
        case .classAndLottery(let klass, let lottery): .classAndLottery(klass < instance.classes.count ? instance.classes[klass] : "none", lottery)
        case .place(let place): .place(place)
        }
    }

    /// The lowest-priority admitted student's key at a school (nil when it admitted no one).
    public func cutoffKey(_ s: Int) -> Key? {
        lowest(s).map { key($0, at: s) }
    }

    /// The admitted student with the lowest priority at a school.
    public func lowest(_ s: Int) -> Int? {
        admitted[s].max { market.key($0, at: s) < market.key($1, at: s) }
    }

    /// Why a student is where she is: for each school she ranked above her assignment, her
    /// priority key there against the school's cutoff (its lowest-priority admitted
    /// student), and whether the school filled.
    public struct Explanation {
        public struct Choice: Codable, Sendable, Equatable {
            public var school: String
            public var choice: Int
            public var priority: Key
            public var cutoff: Key?
            public var filled: Bool
            public var belowCutoff: Bool
        }

        public var student: String
        public var assigned: (school: String, rank: Int, seat: String)?
        public var higher: [Choice]

        public var json: JSONValue {
            .object([
                ("student", .string(student)),
                ("assigned", assigned.map { .object([("school", .string($0.school)), ("rank", .int($0.rank)), ("seat", .string($0.seat))]) } ?? .null),
                ("higherChoices", .array(higher.map { c in
                    .object([("school", .string(c.school)), ("choice", .int(c.choice)), ("priority", c.priority.json),
                             ("cutoff", c.cutoff?.json ?? .null), ("filled", .bool(c.filled)), ("belowCutoff", .bool(c.belowCutoff))])
                })),
            ])
        }

        public var text: String {
            var out = "\(student): " + (assigned.map { "assigned to \($0.school) (choice \($0.rank), \($0.seat) seat)" } ?? "not assigned") + "\n"
            if higher.isEmpty && assigned != nil { out += "  she got her first choice\n" }
            for c in higher {
                out += "  choice \(c.choice) \(c.school): her priority \(c.priority.text), cutoff \(c.cutoff?.text ?? "–")"
                out += c.belowCutoff && c.filled ? " — full with students of higher priority\n"
                    : c.filled ? " — full (its seats went by reserve or by an earlier round)\n"
                    : " — seats left she could not take (a reserve for another group)\n"
            }
            return out
        }
    }

    public func explanation(_ st: Int) -> Explanation {
        let mine = rank(st) ?? market.prefs[st].count + 1
        return Explanation(
            student: market.studentIDs[st],
            assigned: assignment.places[st].map { (market.schools[$0.school].id, mine, seatName(st)) },
            higher: market.prefs[st].prefix(mine - 1).enumerated().map { k, s in
                let lowest = lowest(s)
                return .init(school: market.schools[s].id, choice: k + 1, priority: key(st, at: s), cutoff: cutoffKey(s),
                             filled: admitted[s].count >= market.schools[s].capacity,
                             belowCutoff: lowest.map { market.key(st, at: s) > market.key($0, at: s) } ?? false)
            })
    }

    public var rankDistribution: [(Int, Int)] {
        Dictionary(grouping: order.compactMap(rank), by: { $0 }).map { ($0.key, $0.value.count) }.sorted { $0.0 < $1.0 }
    }

    /// Per dimension of the students' groups: the dissimilarity of the assigned students
    /// across schools and the assigned students by group.
    public var groups: [(String, Double?, [(String, Int)])] {
        let dims = instance.groupDimensions
        return zip(dims, market.dissimilarity(assignment, groups: dims)).map { dim, d in
            let byGroup = dim.groups.indices.map { k in market.studentIDs.indices.filter { assignment.places[$0] != nil && dim.member[$0] == k }.count }
            return (dim.name, d, Array(zip(dim.groups, byGroup)))
        }
    }

    public func json(mechanism: String, seed: UInt64, inputSha256: String) -> JSONValue {
        let assigned = assignment.places.compactMap { $0 }.count
        return .object([
            ("mechanism", .string(mechanism)), ("seed", .unsigned(seed)), ("inputSha256", .string(inputSha256)),
            ("assignments", .array(order.map { st in
                let p = assignment.places[st]
                return .object([("student", .string(market.studentIDs[st])), ("school", p.map { .string(market.schools[$0.school].id) } ?? .null),
                                ("rank", rank(st).map(JSONValue.int) ?? .null), ("seat", p == nil ? .null : .string(seatName(st)))])
            })),
            ("summary", .object([
                ("students", .int(market.studentCount)), ("assigned", .int(assigned)), ("unassigned", .int(market.studentCount - assigned)),
                ("firstChoice", .int(order.filter { rank($0) == 1 }.count)),
                ("rankDistribution", .object(rankDistribution.map { ("\($0.0)", .int($0.1)) })),
            ])),
            ("schools", .array(market.schools.indices.map { s in
                let school = market.schools[s], admitted = self.admitted[s]
                var seats: [(String, JSONValue)] = [("open", .int(admitted.filter { assignment.places[$0]?.reserve == nil }.count))]
                for (r, reserve) in school.reserves.enumerated() {
                    seats.append((reserve.name, .int(admitted.filter { assignment.places[$0]?.reserve == r }.count)))
                }
                return .object([("id", .string(school.id)), ("capacity", .int(school.capacity)), ("assigned", .int(admitted.count)),
                                ("filled", .bool(admitted.count >= school.capacity)), ("cutoff", cutoff(s)), ("seats", .object(seats))])
            })),
            ("groups", .object(groups.map { dim, d, byGroup in
                (dim, .object([("dissimilarity", d.map(JSONValue.number) ?? .null),
                               ("assignedByGroup", .object(byGroup.map { ($0.0, .int($0.1)) }))]))
            })),
        ])
    }
}
