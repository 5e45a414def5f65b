import MosaicCore

/// The limits a redraw must respect (contract `boundaries.md`).
public struct BoundaryLimits: Sendable, Equatable {
    /// A unit may move to school s only if travel to s ≤ (1 + this) × travel to today's school.
    public var maxTravelIncrease: Double
    /// A school's students ≤ (1 + this) × today's students (and ≤ its capacity when given).
    public var maxSizeIncrease: Double
    /// When given, a school's students ≥ (1 − this) × today's students.
    public var maxSizeDecrease: Double?
    /// Every school's units form one connected piece containing the unit it stands in.
    public var contiguity: Bool

    public init(maxTravelIncrease: Double = 0.5, maxSizeIncrease: Double = 0.15, maxSizeDecrease: Double? = nil, contiguity: Bool = true) {
        self.maxTravelIncrease = maxTravelIncrease
        self.maxSizeIncrease = maxSizeIncrease
        self.maxSizeDecrease = maxSizeDecrease
        self.contiguity = contiguity
    }
}

/// What a redraw minimises: the segregation of the chosen dimension across schools.
public enum BoundaryObjective: String, Sendable, CaseIterable {
    /// The multigroup dissimilarity index D (Reardon & Firebaugh 2002).
    case dissimilarity = "D"
    /// Theil's information theory index H.
    case information = "H"
}

/// Why an instance cannot be redrawn: every problem, each as `where: what`.
public struct BoundaryError: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [String]

    public init(_ problems: [String]) { self.problems = problems }

    public var description: String { problems.joined(separator: "\n") }
}

/// An instance compiled for the search: one dimension's counts as a units × groups
/// table, travel as a units × schools table, the neighbour graph made undirected, the
/// moves each unit may make and every school's size limits. Indices, not ids.
public struct BoundaryProblem: Sendable {
    public let instance: BoundaryInstance
    public let dimension: String
    public let limits: BoundaryLimits
    public let unitIDs: [String]
    public let schoolIDs: [String]
    public let groups: [String]
    /// `counts[u * groups.count + g]`.
    public let counts: [Int]
    /// Students per unit.
    public let totals: [Int]
    /// Students per group in the district.
    public let groupTotals: [Int]
    public let total: Int
    /// Today's school of each unit.
    public let original: [Int32]
    /// `travel[u * schools + s]`: travel from unit u to school s (infinity when unknown).
    public let travel: [Double]
    /// `allowed[u * schools + s]`: school s is within the travel limit of unit u.
    public let allowed: [Bool]
    /// The schools each unit may be assigned to (today's first).
    public let choices: [[Int32]]
    public let neighbors: [[Int32]]
    /// The unit each school stands in (-1 for a school with no units today).
    public let home: [Int32]
    /// Units that are islands today: not connected to their school's home unit through
    /// the school's units. Contiguity does not require them to connect while they stay.
    public let exempt: [Bool]
    /// Today's students per school and the allowed range after the redraw.
    public let todaySize: [Int]
    public let maxSize: [Int]
    public let minSize: [Int]

    public var unitCount: Int { unitIDs.count }
    public var schoolCount: Int { schoolIDs.count }
    public var groupCount: Int { groups.count }

    /// Compiles `instance` for `dimension`, or for one group against the rest of its
    /// dimension when written `dimension:group` (`race:white`: White and not White).
    /// - Throws: ``BoundaryError`` with every problem of the instance and the dimension.
    public init(_ instance: BoundaryInstance, dimension: String, limits: BoundaryLimits = .init()) throws(BoundaryError) {
        var problems = instance.problems()
        if !(limits.maxTravelIncrease >= 0 && limits.maxTravelIncrease.isFinite) { problems.append("the travel increase limit must be 0 or more") }
        if !(limits.maxSizeIncrease >= 0 && limits.maxSizeIncrease.isFinite) { problems.append("the size increase limit must be 0 or more") }
        if let d = limits.maxSizeDecrease, !(0...1).contains(d) { problems.append("the size decrease limit lies between 0 and 1") }
        guard problems.isEmpty else { throw BoundaryError(problems) }
        // "race:white" asks for one group against the rest of its dimension.
        var base = dimension, focus: String?
        if let colon = dimension.lastIndex(of: ":") {
            base = String(dimension[..<colon])
            focus = String(dimension[dimension.index(after: colon)...])
        }
        var groupSet = Set<String>()
        for (i, u) in instance.units.enumerated() {
            if let c = u.students.counts(base) { groupSet.formUnion(c.keys) }
            else { problems.append("units[\(i)] \(u.id): no “\(base)” counts; it has \(u.students.dimensionNames?.joined(separator: ", ") ?? "none")") }
        }
        guard problems.isEmpty else { throw BoundaryError(problems) }
        let named = groupSet.sorted()
        if let focus, !groupSet.contains(focus) {
            throw BoundaryError(["\(base): no group “\(focus)”; the groups are \(named.joined(separator: ", "))"])
        }
        let groups = focus.map { [$0, "not \($0)"] } ?? named
        let U = instance.units.count, S = instance.schools.count, G = groups.count
        let schoolIndex = Dictionary(uniqueKeysWithValues: instance.schools.enumerated().map { ($1.id, Int32($0)) })
        let unitIndex = Dictionary(uniqueKeysWithValues: instance.units.enumerated().map { ($1.id, Int32($0)) })
        var counts = [Int](repeating: 0, count: U * G), totals = [Int](repeating: 0, count: U), groupTotals = [Int](repeating: 0, count: G)
        for (u, unit) in instance.units.enumerated() {
            let given = unit.students.counts(base) ?? [:]
            for (name, n) in given {
                let g = focus.map { name == $0 ? 0 : 1 } ?? named.firstIndex(of: name)!
                counts[u * G + g] += n
                totals[u] += n
                groupTotals[g] += n
            }
        }
        let total = totals.reduce(0, +)
        if groupTotals.filter({ $0 > 0 }).count < 2 {
            problems.append("\(dimension): segregation needs students in at least two groups; the units have \(groups.isEmpty ? "none" : groups.joined(separator: ", "))")
        }
        let original = instance.units.map { schoolIndex[$0.school]! }
        var travel = [Double](repeating: .infinity, count: U * S)
        for (u, unit) in instance.units.enumerated() {
            for (s, school) in instance.schools.enumerated() {
                if let t = unit.travel?[school.id] { travel[u * S + s] = t }
                else if let a = unit.location, let b = school.location { travel[u * S + s] = a.distance(to: b) }
            }
        }
        var allowed = [Bool](repeating: false, count: U * S), choices: [[Int32]] = []
        for u in 0..<U {
            let today = travel[u * S + Int(original[u])]
            let limit = (1 + limits.maxTravelIncrease) * today
            var mine: [Int32] = [original[u]]
            for s in 0..<S where travel[u * S + s] <= limit * (1 + 1e-12) {
                allowed[u * S + s] = true
                if s != Int(original[u]) { mine.append(Int32(s)) }
            }
            choices.append(mine)
        }
        var adjacency = [Set<Int32>](repeating: [], count: U)
        for (u, unit) in instance.units.enumerated() {
            for n in unit.neighbors ?? [] {
                let v = unitIndex[n]!
                adjacency[u].insert(v)
                adjacency[Int(v)].insert(Int32(u))
            }
        }
        let neighbors = adjacency.map { $0.sorted() }
        var todaySize = [Int](repeating: 0, count: S)
        for u in 0..<U { todaySize[Int(original[u])] += totals[u] }
        // Each school's home unit: named, else its unit nearest the school, else its unit
        // with the shortest travel (ties: the first in the file).
        var home = [Int32](repeating: -1, count: S)
        for (s, school) in instance.schools.enumerated() {
            if let named = school.unit {
                let u = unitIndex[named]!
                if original[Int(u)] != Int32(s) {
                    problems.append("schools[\(s)] \(school.id): its unit \(named) is assigned to \(instance.units[Int(u)].school) today")
                }
                home[s] = u
                continue
            }
            var best: (Double, Int32)?
            for u in 0..<U where original[u] == Int32(s) {
                let d = school.location.flatMap { p in instance.units[u].location.map { $0.distance(to: p) } } ?? travel[u * S + s]
                if best == nil || d < best!.0 { best = (d, Int32(u)) }
            }
            home[s] = best?.1 ?? -1
        }
        var exempt = [Bool](repeating: false, count: U)
        for s in 0..<S where home[s] >= 0 {
            var seen = Set<Int32>([home[s]]), queue = [home[s]]
            while let u = queue.popLast() {
                for v in neighbors[Int(u)] where original[Int(v)] == Int32(s) && seen.insert(v).inserted { queue.append(v) }
            }
            for u in 0..<U where original[u] == Int32(s) && !seen.contains(Int32(u)) { exempt[u] = true }
        }
        var maxSize = [Int](repeating: 0, count: S), minSize = [Int](repeating: 0, count: S)
        for (s, school) in instance.schools.enumerated() {
            var m = Int(Double(todaySize[s]) * (1 + limits.maxSizeIncrease) + 1e-9)
            if let c = school.capacity { m = min(m, c) }
            maxSize[s] = m
            if let d = limits.maxSizeDecrease { minSize[s] = Int((Double(todaySize[s]) * (1 - d) - 1e-9).rounded(.up)) }
        }
        guard problems.isEmpty else { throw BoundaryError(problems) }
        self.instance = instance
        self.dimension = dimension
        self.limits = limits
        self.unitIDs = instance.units.map(\.id)
        self.schoolIDs = instance.schools.map(\.id)
        self.groups = groups
        self.counts = counts
        self.totals = totals
        self.groupTotals = groupTotals
        self.total = total
        self.original = original
        self.travel = travel
        self.allowed = allowed
        self.choices = choices
        self.neighbors = neighbors
        self.home = home
        self.exempt = exempt
        self.todaySize = todaySize
        self.maxSize = maxSize
        self.minSize = minSize
    }

    /// Whether contiguity requires unit u, assigned to school s, to connect to s's home
    /// unit: every unit does, except an island of today that stays at today's school.
    @inlinable
    public func mustConnect(_ u: Int, at s: Int) -> Bool { !(exempt[u] && Int(original[u]) == s) }

    /// Every way `assignment` (a school per unit) breaks the limits, each as a sentence an
    /// analyst can act on; empty when it respects them all. Checked from scratch, not from
    /// the search's bookkeeping.
    public func violations(of assignment: [Int32]) -> [String] {
        let S = schoolCount
        var out: [String] = []
        var size = [Int](repeating: 0, count: S)
        for u in 0..<unitCount {
            let s = Int(assignment[u])
            size[s] += totals[u]
            if !allowed[u * S + s] {
                out.append("\(unitIDs[u]): travel to \(schoolIDs[s]) is more than \(1 + limits.maxTravelIncrease) × travel to \(schoolIDs[Int(original[u])])")
            }
        }
        for s in 0..<S {
            if size[s] > maxSize[s] { out.append("\(schoolIDs[s]): \(size[s]) students, above its limit of \(maxSize[s])") }
            if size[s] < minSize[s] { out.append("\(schoolIDs[s]): \(size[s]) students, below its floor of \(minSize[s])") }
        }
        guard limits.contiguity else { return out }
        for s in 0..<S {
            var reached = Set<Int>()
            if home[s] >= 0 {
                if assignment[Int(home[s])] != Int32(s) {
                    out.append("\(schoolIDs[s]): its own unit \(unitIDs[Int(home[s])]) is assigned elsewhere")
                } else {
                    var queue = [Int(home[s])]
                    reached.insert(Int(home[s]))
                    while let u = queue.popLast() {
                        for v in neighbors[u] where assignment[Int(v)] == Int32(s) && reached.insert(Int(v)).inserted { queue.append(Int(v)) }
                    }
                }
            }
            for u in 0..<unitCount where assignment[u] == Int32(s) && !reached.contains(u) && mustConnect(u, at: s) {
                out.append("\(unitIDs[u]): not connected to the rest of \(schoolIDs[s])'s zone")
            }
        }
        return out
    }

    /// Students by school and group under `assignment` (`[s * groups + g]`).
    public func schoolCounts(_ assignment: [Int32]) -> [Int] {
        let G = groupCount
        var c = [Int](repeating: 0, count: schoolCount * G)
        for u in 0..<unitCount { for g in 0..<G { c[Int(assignment[u]) * G + g] += counts[u * G + g] } }
        return c
    }

    /// School s's students and shares by group in a table of counts by school.
    public func schoolShares(_ counts: [Int], _ s: Int) -> (students: Int, shares: [Double]) {
        let G = groupCount
        let n = (0..<G).reduce(0) { $0 + counts[s * G + $1] }
        return (n, (0..<G).map { n > 0 ? Double(counts[s * G + $0]) / Double(n) : 0 })
    }

    /// A zoning as CSV — `unit,school_today,school_after,moved` — the assignment a district
    /// loads into its systems; no counts of students, so nothing in it can fall under the
    /// suppression rule.
    public func assignmentCSV(_ zones: [Int32]) -> String {
        var out = "unit,school_today,school_after,moved\n"
        for u in 0..<unitCount {
            let today = schoolIDs[Int(original[u])], after = schoolIDs[Int(zones[u])]
            out += [csvField(unitIDs[u]), csvField(today), csvField(after), today == after ? "no" : "yes"].joined(separator: ",") + "\n"
        }
        return out
    }
}
