import MosaicCore

/// Schoolwide enrichment over a school year: of the school's students, the share placed in
/// a cluster by the year's rounds so far, by group, against the school's goal (for example
/// 40 % of students a year).
///
/// After round k: `rate_g(k) = |⋃_{j ≤ k} placed_j ∩ students_g| / |students_g|`, students
/// being those enrolled in a class of the school in the term (`unknown` apart).
public struct EnrichmentParticipation: Sendable, Codable, Equatable {
    public struct Count: Sendable, Codable, Equatable {
        public var students: Int
        public var placed: Int

        public init(students: Int = 0, placed: Int = 0) {
            self.students = students
            self.placed = placed
        }

        /// `placed / students`; nil with no students.
        public var rate: Double? { students == 0 ? nil : Double(placed) / Double(students) }
    }

    public struct Point: Sendable, Codable, Equatable {
        /// The round's name.
        public var round: String
        public var total: Count
        /// Dimension (raw value) → group → students, and those placed by then.
        public var groups: [String: [String: Count]]
    }

    public var goal: Double
    public var points: [Point]

    /// - Parameters:
    ///   - rounds: the year's rounds in order, each with the student ids it placed.
    ///   - school: the school's id; nil for the whole district.
    public init(_ roster: Roster, school: String?, rounds: [(name: String, placed: Set<String>)], goal: Double) {
        self.goal = goal
        var students: [Int] = []
        var seen = Set<Int>()
        for e in 0..<roster.enrollmentCount where school == nil || roster.orgs[roster.sections[Int(roster.enrollmentSection[e])].school].id == school {
            let s = Int(roster.enrollmentStudent[e])
            if seen.insert(s).inserted { students.append(s) }
        }
        var placedSoFar = Set<String>()
        points = rounds.map { round in
            placedSoFar.formUnion(round.placed)
            var point = Point(round: round.name, total: .init(), groups: [:])
            for s in students {
                let student = roster.students[s]
                let placed = placedSoFar.contains(student.id)
                point.total.students += 1
                if placed { point.total.placed += 1 }
                for d in Dimension.five {
                    let g = student.group(in: d).map { d.rosterGroups[$0] } ?? "unknown"
                    point.groups[d.rawValue, default: [:]][g, default: Count()].students += 1
                    if placed { point.groups[d.rawValue]![g]!.placed += 1 }
                }
            }
            return point
        }
    }
}

/// The district's enrichment participation this school year, kept with the term's
/// diagnostic (trends, plan measures): the last point of `EnrichmentParticipation` for
/// the whole district.
public struct EnrichmentSummary: Sendable, Codable, Equatable {
    public var rounds: Int
    public var total: EnrichmentParticipation.Count
    public var groups: [String: [String: EnrichmentParticipation.Count]]

    /// Nil before any round is assigned.
    public init?(_ p: EnrichmentParticipation) {
        guard let last = p.points.last else { return nil }
        rounds = p.points.count
        total = last.total
        groups = last.groups
    }
}
