import MosaicCore
import MosaicMetrics

/// A redraw measured against today: segregation before and after (D and H of the chosen
/// dimension across schools, from MosaicMetrics), the students and units that change
/// school, each school's size and composition, travel by group and, when the district
/// sets a distance, the students who would travel beyond it.
public struct BoundaryPlan: Sendable, ScenarioFigures {
    public struct Scores: Sendable, Equatable {
        public var D: Double
        public var H: Double
    }

    public struct School: Sendable {
        public var id: String
        public var studentsBefore: Int
        public var studentsAfter: Int
        public var limit: Int
        /// Shares by group (the problem's group order) before and after.
        public var sharesBefore: [Double]
        public var sharesAfter: [Double]
        /// `½ Σ_g |p_sg − P_g|`: how far the school's composition is from the district's.
        public var distanceBefore: Double
        public var distanceAfter: Double
        public var unitsGained: Int
        public var unitsLost: Int
    }

    public struct Travel: Sendable, Equatable {
        public var meanBefore: Double
        public var meanAfter: Double
    }

    /// Students travelling beyond the district's distance, today and after the redraw.
    public struct Transport: Sendable, Equatable {
        public var distance: Double
        public var before: Int
        public var after: Int
        /// Students who travel beyond it only after the redraw (they would need a bus).
        public var newlyBeyond: Int
        public var byGroup: [(group: String, before: Int, after: Int, newlyBeyond: Int)]

        public static func == (a: Transport, b: Transport) -> Bool {
            a.distance == b.distance && a.before == b.before && a.after == b.after && a.newlyBeyond == b.newlyBeyond
                && a.byGroup.elementsEqual(b.byGroup) { $0 == $1 }
        }
    }

    public let problem: BoundaryProblem
    public let assignment: [Int32]
    public let before: Scores
    public let after: Scores
    public let unitsMoved: Int
    public let studentsMoved: Int
    public let movedByGroup: [Int]
    public let schools: [School]
    public let travel: Travel
    public let travelByGroup: [Travel]
    public let transport: Transport?
    /// Every limit the zoning breaks (empty when feasible).
    public let violations: [String]

    public init(_ problem: BoundaryProblem, assignment: [Int32], transportBeyond distance: Double? = nil) {
        let p = problem, G = p.groupCount, S = p.schoolCount
        self.problem = p
        self.assignment = assignment
        let cb = p.schoolCounts(p.original), ca = p.schoolCounts(assignment)
        before = Self.scores(cb, p)
        after = Self.scores(ca, p)
        var unitsMoved = 0, studentsMoved = 0, movedByGroup = [Int](repeating: 0, count: G)
        var gained = [Int](repeating: 0, count: S), lost = [Int](repeating: 0, count: S)
        for u in 0..<p.unitCount where assignment[u] != p.original[u] {
            unitsMoved += 1
            studentsMoved += p.totals[u]
            for g in 0..<G { movedByGroup[g] += p.counts[u * G + g] }
            gained[Int(assignment[u])] += 1
            lost[Int(p.original[u])] += 1
        }
        self.unitsMoved = unitsMoved
        self.studentsMoved = studentsMoved
        self.movedByGroup = movedByGroup
        let P = p.groupTotals.map { Double($0) / Double(max(1, p.total)) }
        schools = (0..<S).map { s in
            let (nb, b) = p.schoolShares(cb, s), (na, a) = p.schoolShares(ca, s)
            return School(id: p.schoolIDs[s], studentsBefore: nb, studentsAfter: na, limit: p.maxSize[s],
                          sharesBefore: b, sharesAfter: a,
                          distanceBefore: nb > 0 ? dissimilarity(of: b, against: P) : 0,
                          distanceAfter: na > 0 ? dissimilarity(of: a, against: P) : 0,
                          unitsGained: gained[s], unitsLost: lost[s])
        }
        var tb = 0.0, ta = 0.0
        var gb = [Double](repeating: 0, count: G), ga = [Double](repeating: 0, count: G)
        for u in 0..<p.unitCount {
            let x = p.travel[u * S + Int(p.original[u])], y = p.travel[u * S + Int(assignment[u])]
            tb += Double(p.totals[u]) * x
            ta += Double(p.totals[u]) * y
            for g in 0..<G {
                gb[g] += Double(p.counts[u * G + g]) * x
                ga[g] += Double(p.counts[u * G + g]) * y
            }
        }
        let T = Double(max(1, p.total))
        travel = Travel(meanBefore: tb / T, meanAfter: ta / T)
        travelByGroup = (0..<G).map { g in
            let n = Double(max(1, p.groupTotals[g]))
            return Travel(meanBefore: gb[g] / n, meanAfter: ga[g] / n)
        }
        if let distance {
            var rows = [(group: String, before: Int, after: Int, newlyBeyond: Int)]()
            for g in 0..<G {
                var b = 0, a = 0, n = 0
                for u in 0..<p.unitCount {
                    let c = p.counts[u * G + g]
                    let x = p.travel[u * S + Int(p.original[u])] > distance, y = p.travel[u * S + Int(assignment[u])] > distance
                    if x { b += c }
                    if y { a += c }
                    if y && !x { n += c }
                }
                rows.append((p.groups[g], b, a, n))
            }
            transport = Transport(distance: distance, before: rows.reduce(0) { $0 + $1.before }, after: rows.reduce(0) { $0 + $1.after },
                                  newlyBeyond: rows.reduce(0) { $0 + $1.newlyBeyond }, byGroup: rows)
        } else {
            transport = nil
        }
        violations = p.violations(of: assignment)
    }

    /// D and H across schools of `assignment`, from the index library.
    public static func scores(of assignment: [Int32], in p: BoundaryProblem) -> Scores { scores(p.schoolCounts(assignment), p) }

    /// D and H across schools, from the index library; schools without students add
    /// nothing to either and are left out of the table.
    static func scores(_ counts: [Int], _ p: BoundaryProblem) -> Scores {
        let G = p.groupCount
        var units: [String] = [], rows: [[Int]] = []
        for s in 0..<p.schoolCount {
            let row = Array(counts[(s * G)..<((s + 1) * G)])
            if row.contains(where: { $0 > 0 }) {
                units.append(p.schoolIDs[s])
                rows.append(row)
            }
        }
        guard let m = try? CountMatrix(units: units, groups: p.groups, rows: rows) else { return Scores(D: 0, H: 0) }
        return Scores(D: dissimilarity(of: m), H: informationTheoryIndex(of: m))
    }

    /// The assignment as the contract writes it: unit id → school id, in the file's order.
    public var assignmentByID: [(String, String)] {
        (0..<problem.unitCount).map { (problem.unitIDs[$0], problem.schoolIDs[Int(assignment[$0])]) }
    }

    /// The plan as contract `boundaries.md` writes it, with the run's settings and the
    /// per-school and transport detail after the contract's keys.
    public func json(objective: BoundaryObjective, seed: UInt64, outcome: BoundarySearch.Outcome?) -> JSONValue {
        let p = problem
        var members: [(String, JSONValue)] = [
            ("assignment", .object(assignmentByID.map { ($0.0, .string($0.1)) })),
        ] + figures + [
            ("dimension", .string(p.dimension)),
            ("objective", .string(objective.rawValue)),
            ("seed", .unsigned(seed)),
            ("limits", .object([
                ("maxTravelIncrease", .number(p.limits.maxTravelIncrease)), ("maxSizeIncrease", .number(p.limits.maxSizeIncrease)),
                ("maxSizeDecrease", p.limits.maxSizeDecrease.map(JSONValue.number) ?? .null), ("contiguity", .bool(p.limits.contiguity)),
            ])),
            ("movedByGroup", .object(p.groups.indices.map { (p.groups[$0], .int(movedByGroup[$0])) })),
            ("schools", .array(schools.map { s in
                .object([
                    ("id", .string(s.id)), ("studentsBefore", .int(s.studentsBefore)), ("studentsAfter", .int(s.studentsAfter)),
                    ("limit", .int(s.limit)), ("unitsGained", .int(s.unitsGained)), ("unitsLost", .int(s.unitsLost)),
                    ("distanceBefore", .number(s.distanceBefore)), ("distanceAfter", .number(s.distanceAfter)),
                    ("sharesBefore", .object(p.groups.indices.map { (p.groups[$0], .number(s.sharesBefore[$0])) })),
                    ("sharesAfter", .object(p.groups.indices.map { (p.groups[$0], .number(s.sharesAfter[$0])) })),
                ])
            })),
            ("violations", .array(violations.map(JSONValue.string))),
        ]
        members += transportFigures
        if let o = outcome {
            members.append(("search", .object([
                ("movesTried", .int(o.movesTried)), ("movesTaken", .int(o.movesTaken)),
                ("runs", .array(o.runObjectives.map(JSONValue.number))), ("stoppedByTimeLimit", .bool(o.stoppedByDeadline)),
            ])))
        }
        return .object(members)
    }
}

/// The figures every scenario reports (a redraw, a pairing), so the command line, the
/// JSON and the service show them the same way.
public protocol ScenarioFigures: Sendable {
    var problem: BoundaryProblem { get }
    var before: BoundaryPlan.Scores { get }
    var after: BoundaryPlan.Scores { get }
    var studentsMoved: Int { get }
    var unitsMoved: Int { get }
    var movedByGroup: [Int] { get }
    var travel: BoundaryPlan.Travel { get }
    var travelByGroup: [BoundaryPlan.Travel] { get }
    var transport: BoundaryPlan.Transport? { get }
    var violations: [String] { get }
}

extension ScenarioFigures {
    public var feasible: Bool { violations.isEmpty }

    /// The contract's figures: before, after, studentsMoved, unitsMoved, travel, feasible.
    public var figures: [(String, JSONValue)] {
        let p = problem
        return [
            ("before", .object([("D", .number(before.D)), ("H", .number(before.H))])),
            ("after", .object([("D", .number(after.D)), ("H", .number(after.H))])),
            ("studentsMoved", .int(studentsMoved)),
            ("unitsMoved", .int(unitsMoved)),
            ("travel", .object([
                ("meanBefore", .number(travel.meanBefore)), ("meanAfter", .number(travel.meanAfter)),
                ("byGroup", .object(p.groups.indices.map { g in
                    (p.groups[g], .object([("meanBefore", .number(travelByGroup[g].meanBefore)), ("meanAfter", .number(travelByGroup[g].meanAfter))]))
                })),
            ])),
            ("feasible", .bool(feasible)),
        ]
    }

    /// `transport` when the district set a distance.
    public var transportFigures: [(String, JSONValue)] {
        guard let t = transport else { return [] }
        return [("transport", .object([
            ("beyond", .number(t.distance)), ("before", .int(t.before)), ("after", .int(t.after)), ("newlyBeyond", .int(t.newlyBeyond)),
            ("byGroup", .object(t.byGroup.map { ($0.group, .object([("before", .int($0.before)), ("after", .int($0.after)), ("newlyBeyond", .int($0.newlyBeyond))])) })),
        ]))]
    }
}
