import MosaicCore
import MosaicMetrics

/// A pairing scenario measured against today, with the figures of a redraw: D and H
/// before and after, the students who change school, travel by group and the students
/// beyond the district's transport distance. Grade cohorts are taken as equal (see
/// ``Pairing``), so moved students and transport counts are expected values, rounded.
public struct PairingPlan: Sendable, ScenarioFigures {
    public struct School: Sendable {
        public var id: String
        public var studentsBefore: Int
        public var studentsAfter: Int
        public var limit: Int
        /// The grades it teaches after the pairing (nil: unchanged).
        public var grades: String?
        public var distanceBefore: Double
        public var distanceAfter: Double
    }

    public let problem: BoundaryProblem
    public let groups: [Pairing.Group]
    public let proven: Bool
    public let maxDrive: Double
    public let grades: [String]
    public let before: BoundaryPlan.Scores
    public let after: BoundaryPlan.Scores
    public let studentsMoved: Int
    /// Units whose students now split between schools by grade.
    public let unitsMoved: Int
    public let movedByGroup: [Int]
    public let schools: [School]
    public let travel: BoundaryPlan.Travel
    public let travelByGroup: [BoundaryPlan.Travel]
    public let transport: BoundaryPlan.Transport?
    /// Every school outside its size limits after the pairing (empty when feasible).
    public let violations: [String]

    public init(_ pairing: Pairing, groups: [Pairing.Group], proven: Bool, transportBeyond distance: Double? = nil) {
        let p = pairing.problem, G = p.groupCount, S = p.schoolCount, m = pairing.options.grades.count
        problem = p
        self.groups = groups
        self.proven = proven
        maxDrive = pairing.maxDrive
        grades = pairing.options.grades
        // Where each zone's students go: (school, share of the grades) pairs.
        var destinations = (0..<S).map { [($0, 1.0)] }
        var label = [String?](repeating: nil, count: S)
        for group in groups {
            let split = zip(group.schools, group.spans).map { ($0, Double($1) / Double(m)) }
            for s in group.schools { destinations[s] = split }
            for (s, l) in zip(group.schools, group.labels) { label[s] = l }
        }
        // Counts scaled by the number of grades, so every share is a whole number.
        var scaledBefore = [Int](repeating: 0, count: S * G), scaledAfter = [Int](repeating: 0, count: S * G)
        var moved = [Double](repeating: 0, count: G), unitsMoved = 0
        var tb = 0.0, ta = 0.0, gb = [Double](repeating: 0, count: G), ga = [Double](repeating: 0, count: G)
        var beyond = [(before: Double, after: Double, newly: Double)](repeating: (0, 0, 0), count: G)
        for u in 0..<p.unitCount {
            let z = Int(p.original[u])
            let today = p.travel[u * S + z]
            if destinations[z].count > 1 { unitsMoved += 1 }
            var travelAfter = 0.0
            for (s, share) in destinations[z] {
                travelAfter += share * p.travel[u * S + s]
                for g in 0..<G {
                    let n = p.counts[u * G + g]
                    scaledAfter[s * G + g] += n * Int((share * Double(m)).rounded())
                    if s != z { moved[g] += share * Double(n) }
                    if let distance {
                        let far = p.travel[u * S + s] > distance
                        if far { beyond[g].after += share * Double(n) }
                        if far && !(today > distance) { beyond[g].newly += share * Double(n) }
                    }
                }
            }
            for g in 0..<G {
                let n = Double(p.counts[u * G + g])
                scaledBefore[z * G + g] += p.counts[u * G + g] * m
                gb[g] += n * today
                ga[g] += n * travelAfter
                if let distance, today > distance { beyond[g].before += n }
            }
            tb += Double(p.totals[u]) * today
            ta += Double(p.totals[u]) * travelAfter
        }
        before = BoundaryPlan.scores(scaledBefore, p)
        after = BoundaryPlan.scores(scaledAfter, p)
        movedByGroup = moved.map { Int($0.rounded()) }
        studentsMoved = Int(moved.reduce(0, +).rounded())
        self.unitsMoved = unitsMoved
        let T = Double(max(1, p.total))
        travel = .init(meanBefore: tb / T, meanAfter: ta / T)
        travelByGroup = (0..<G).map { g in
            let n = Double(max(1, p.groupTotals[g]))
            return .init(meanBefore: gb[g] / n, meanAfter: ga[g] / n)
        }
        if let distance {
            let rows = (0..<G).map { g in (group: p.groups[g], before: Int(beyond[g].before.rounded()), after: Int(beyond[g].after.rounded()), newlyBeyond: Int(beyond[g].newly.rounded())) }
            transport = .init(distance: distance, before: rows.reduce(0) { $0 + $1.before }, after: rows.reduce(0) { $0 + $1.after },
                              newlyBeyond: rows.reduce(0) { $0 + $1.newlyBeyond }, byGroup: rows)
        } else {
            transport = nil
        }
        violations = (0..<S).compactMap { s in
            let n = Double((0..<G).reduce(0) { $0 + scaledAfter[s * G + $1] }) / Double(m)
            if n > Double(p.maxSize[s]) + 1e-9 { return "\(p.schoolIDs[s]): \(Int(n.rounded())) students, above its limit of \(p.maxSize[s])" }
            if n < Double(p.minSize[s]) - 1e-9 { return "\(p.schoolIDs[s]): \(Int(n.rounded())) students, below its floor of \(p.minSize[s])" }
            return nil
        }
        let P = p.groupTotals.map { Double($0) / Double(max(1, p.total)) }
        schools = (0..<S).map { s in
            let (nb, b) = p.schoolShares(scaledBefore, s), (na, a) = p.schoolShares(scaledAfter, s)
            return School(id: p.schoolIDs[s], studentsBefore: Int((Double(nb) / Double(m)).rounded()), studentsAfter: Int((Double(na) / Double(m)).rounded()),
                          limit: p.maxSize[s], grades: label[s],
                          distanceBefore: nb > 0 ? dissimilarity(of: b, against: P) : 0, distanceAfter: na > 0 ? dissimilarity(of: a, against: P) : 0)
        }
    }

    /// The scenario as JSON: the contract's figures for a redraw (`before`, `after`,
    /// `studentsMoved`, `unitsMoved`, `travel`, `feasible`) with the groups instead of an
    /// assignment, and the per-school and transport detail.
    public func json(objective: BoundaryObjective) -> JSONValue {
        let p = problem
        var members: [(String, JSONValue)] = [
            ("groups", .array(groups.map { g in
                .object([
                    ("schools", .array(g.schools.map { .string(p.schoolIDs[$0]) })),
                    ("grades", .object(zip(g.schools, g.labels).map { (p.schoolIDs[$0], .string($1)) })),
                    ("spans", .array(g.spans.map(JSONValue.int))),
                    ("distance", .number(g.distance)), ("gain", .number(g.gain)),
                ])
            })),
        ] + figures + [
            ("proven", .bool(proven)),
            ("dimension", .string(p.dimension)),
            ("objective", .string(objective.rawValue)),
            ("maxDrive", .number(maxDrive)),
            ("gradesTaught", .array(grades.map(JSONValue.string))),
            ("assumption", .string("equal grade cohorts: a school teaching g of the grades enrols g / \(grades.count) of its zones' students")),
            ("movedByGroup", .object(p.groups.indices.map { (p.groups[$0], .int(movedByGroup[$0])) })),
            ("schools", .array(schools.map { s in
                .object([
                    ("id", .string(s.id)), ("studentsBefore", .int(s.studentsBefore)), ("studentsAfter", .int(s.studentsAfter)),
                    ("limit", .int(s.limit)), ("grades", s.grades.map(JSONValue.string) ?? .null),
                    ("distanceBefore", .number(s.distanceBefore)), ("distanceAfter", .number(s.distanceAfter)),
                ])
            })),
            ("violations", .array(violations.map(JSONValue.string))),
        ]
        members += transportFigures
        return .object(members)
    }
}
