import MosaicCore

// A published run's explanations are kept per applicant (`Store.putMatchResults`) and
// read back for the family: coded exactly as ``MatchReport/Explanation/json`` writes them.

extension MatchReport.Key: Codable {
    enum CodingKeys: String, CodingKey { case `class`, lottery, rank }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let rank = try c.decodeIfPresent(Int.self, forKey: .rank) {
            self = .place(rank)
        } else {
            self = .classAndLottery(try c.decode(String.self, forKey: .class), try c.decode(Int.self, forKey: .lottery))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .classAndLottery(let klass, let lottery):
            try c.encode(klass, forKey: .class)
            try c.encode(lottery, forKey: .lottery)
        case .place(let rank): try c.encode(rank, forKey: .rank)
        }
    }
}


extension MatchReport.Explanation: Codable {
    enum CodingKeys: String, CodingKey { case student, assigned, higherChoices }
    struct Assigned: Codable { var school: String, rank: Int, seat: String }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let assigned = try c.decodeIfPresent(Assigned.self, forKey: .assigned)
        self.init(student: try c.decode(String.self, forKey: .student), assigned: assigned.map { ($0.school, $0.rank, $0.seat) },
                  higher: try c.decode([Choice].self, forKey: .higherChoices))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(student, forKey: .student)
        try c.encode(assigned.map { Assigned(school: $0.school, rank: $0.rank, seat: $0.seat) }, forKey: .assigned)
        try c.encode(higher, forKey: .higherChoices)
    }
}
