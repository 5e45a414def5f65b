import Foundation
import MosaicCore
import MosaicMetrics

/// One grade of one school to split into classes (contract `schedule.md`, `mosaic schedule
/// classlist`): the classes with their size limits, the students with their groups, an
/// optional score and an optional fixed class, pairs to keep apart and groups to keep
/// together, and the dimensions every class should mirror.
public struct ClassListInstance: Sendable, Codable, Equatable {
    public struct Class: Sendable, Codable, Equatable {
        public var id: String
        public var min: Int
        public var max: Int

        public init(id: String, min: Int, max: Int) {
            self.id = id
            self.min = min
            self.max = max
        }
    }

    public struct Student: Sendable, Codable, Equatable {
        public var id: String
        public var groups: [String: String]?
        public var score: Double?
        public var fixed: String?

        public init(id: String, groups: [String: String]? = nil, score: Double? = nil, fixed: String? = nil) {
            self.id = id
            self.groups = groups
            self.score = score
            self.fixed = fixed
        }
    }

    public var classes: [Class]
    public var students: [Student]
    public var keepApart: [[String]]?
    public var keepTogether: [[String]]?
    public var balance: [String]?

    public init(classes: [Class], students: [Student], keepApart: [[String]]? = nil, keepTogether: [[String]]? = nil, balance: [String]? = nil) {
        self.classes = classes
        self.students = students
        self.keepApart = keepApart
        self.keepTogether = keepTogether
        self.balance = balance
    }

    /// Every problem with the instance, each as `where: what` (empty when it can be used).
    public func problems() -> [String] {
        var out: [String] = []
        if classes.isEmpty { out.append("classes: none given") }
        if Set(classes.map(\.id)).count != classes.count { out.append("classes: two classes share an id") }
        if Set(students.map(\.id)).count != students.count { out.append("students: two students share an id") }
        for (k, c) in classes.enumerated() where c.min < 0 || c.max < c.min || c.max == 0 {
            out.append("classes[\(k)] \(c.id): min \(c.min) and max \(c.max) are not 0 ≤ min ≤ max, max > 0")
        }
        let classIDs = Set(classes.map(\.id)), studentIDs = Set(students.map(\.id))
        for (k, s) in students.enumerated() {
            if let f = s.fixed, !classIDs.contains(f) { out.append("students[\(k)] \(s.id): fixed to “\(f)”, not one of the classes") }
            if let x = s.score, !x.isFinite { out.append("students[\(k)] \(s.id): score is not a number") }
        }
        for (name, lists) in [("keepApart", keepApart ?? []), ("keepTogether", keepTogether ?? [])] {
            for (k, list) in lists.enumerated() {
                if list.count < 2 { out.append("\(name)[\(k)]: needs two or more students") }
                for id in list where !studentIDs.contains(id) { out.append("\(name)[\(k)]: no student “\(id)”") }
            }
        }
        let n = students.count
        let low = classes.reduce(0) { $0 + $1.min }, high = classes.reduce(0) { $0 + $1.max }
        if n < low || n > high { out.append("classes: \(n) students cannot fill classes holding \(low) to \(high)") }
        return out
    }
}

/// The class lists: each student's class, and how well every class mirrors the grade.
public struct ClassListResult: Sendable, Codable, Equatable {
    public struct Balance: Sendable, Codable, Equatable {
        /// The multigroup dissimilarity of the classes on the dimension (0: every class
        /// mirrors the grade).
        public var D: Double
        /// The largest |count of a group in a class − class size × the group's grade share|.
        public var maxDeviation: Double
        /// The largest distance from a class size × grade share to its nearest integer: no
        /// class list can do better, so maxDeviation < 1 proves the balance perfect.
        public var bound: Double
    }

    public struct ScoreSpread: Sendable, Codable, Equatable {
        /// The largest minus the smallest class mean score.
        public var meanRange: Double
        /// The largest minus the smallest class standard deviation of the score.
        public var sdRange: Double
    }

    public struct ClassSize: Sendable, Codable, Equatable {
        public var id: String
        public var size: Int
    }

    public var assignments: [String: String]
    public var balance: [String: Balance]
    public var score: ScoreSpread?
    public var classes: [ClassSize]
    /// Whether every count on every balance dimension is the floor or the ceiling of its
    /// expected value (maxDeviation < 1 everywhere).
    public var perfect: Bool
}

/// Balanced class lists by simulated annealing over moves and swaps of *units* (a student,
/// or a group kept together), never breaking a hard constraint: sizes within [min, max],
/// keep-apart, keep-together, fixed placements.
///
/// The objective, in order of weight: counts outside [⌊e⌋, ⌈e⌉] of their expected value
/// e = class size × grade share (on every balance dimension, summed: zero is perfect
/// balance); Σ (count − e)²; Σ_c n_c (mean score_c − grade mean)² / grade variance and the
/// same for the spread; class sizes away from even. The annealing cools geometrically,
/// then a descent over every move and swap ends at a local optimum; the seed reproduces
/// the run.
public enum ClassLists {
    public static func solve(_ instance: ClassListInstance, using rng: inout some RandomNumberGenerator,
                             moves: Int? = nil) throws(ScheduleError) -> ClassListResult {
        let problems = instance.problems()
        if !problems.isEmpty { throw .invalidInstance(problems) }
        var state = try ClassListState(instance)
        try state.placeEveryone(using: &rng)
        state.anneal(moves: moves ?? max(20_000, 400 * state.units.count), using: &rng)
        state.descend()
        return state.result()
    }
}

struct ClassListState {
    struct Unit {
        var members: [Int]
        var counts: [Int]          // per flattened (dimension, group)
        var scoreSum: Double
        var scoreSquares: Double
        var scored: Int
        var fixed: Int?
        var apart: [Int] = []      // units it must not share a class with
    }

    let instance: ClassListInstance
    let groupNames: [[String]]
    let offset: [Int]
    let width: Int
    let share: [Double]            // grade share per flattened group
    var units: [Unit] = []
    var classOf: [Int]             // per unit, −1 before placement
    var size: [Int]
    var counts: [Int]              // per class × width
    var scoreSum: [Double], scoreSquares: [Double], scored: [Int]
    let meanScore: Double, sdScore: Double, hasScores: Bool
    var members: [[Int]]           // units per class

    init(_ instance: ClassListInstance) throws(ScheduleError) {
        self.instance = instance
        let balance = instance.balance ?? []
        var names = [[String]](repeating: [], count: balance.count)
        var index = [[String: Int]](repeating: [:], count: balance.count)
        for s in instance.students {
            for (d, dim) in balance.enumerated() {
                let g = s.groups?[dim] ?? "unknown"
                if index[d][g] == nil { index[d][g] = names[d].count; names[d].append(g) }
            }
        }
        groupNames = names
        var offset: [Int] = [], w = 0
        for n in names { offset.append(w); w += n.count }
        self.offset = offset
        width = w
        var totals = [Int](repeating: 0, count: w)
        let studentIndex = Dictionary(uniqueKeysWithValues: instance.students.enumerated().map { ($1.id, $0) })
        // Units: keep-together groups joined.
        var root = Array(instance.students.indices)
        func find(_ x: Int) -> Int { var x = x; while root[x] != x { root[x] = root[root[x]]; x = root[x] }; return x }
        for list in instance.keepTogether ?? [] {
            for id in list.dropFirst() {
                let a = find(studentIndex[list[0]]!), b = find(studentIndex[id]!)
                if a != b { root[max(a, b)] = min(a, b) }
            }
        }
        let classIndex = Dictionary(uniqueKeysWithValues: instance.classes.enumerated().map { ($1.id, $0) })
        var unitOf = [Int](repeating: -1, count: instance.students.count)
        var byRoot: [Int: Int] = [:]
        var errors: [String] = []
        var scores: [Double] = []
        for (k, s) in instance.students.enumerated() {
            let r = find(k)
            if byRoot[r] == nil {
                byRoot[r] = units.count
                units.append(Unit(members: [], counts: [Int](repeating: 0, count: w), scoreSum: 0, scoreSquares: 0, scored: 0, fixed: nil))
            }
            let u = byRoot[r]!
            unitOf[k] = u
            units[u].members.append(k)
            for (d, dim) in balance.enumerated() {
                let g = offset[d] + index[d][s.groups?[dim] ?? "unknown"]!
                units[u].counts[g] += 1
                totals[g] += 1
            }
            if let x = s.score { units[u].scoreSum += x; units[u].scoreSquares += x * x; units[u].scored += 1; scores.append(x) }
            if let f = s.fixed.flatMap({ classIndex[$0] }) {
                if let other = units[u].fixed, other != f {
                    errors.append("keepTogether: \(s.id) is fixed to \(instance.classes[f].id) but kept together with a student fixed to \(instance.classes[other].id)")
                }
                units[u].fixed = f
            }
        }
        for list in instance.keepApart ?? [] {
            let us = list.compactMap { studentIndex[$0] }.map { unitOf[$0] }
            for a in us.indices { for b in us.indices where a < b {
                if us[a] == us[b] { errors.append("keepApart: \(list.joined(separator: ", ")) must be apart but some are kept together"); continue }
                if !units[us[a]].apart.contains(us[b]) { units[us[a]].apart.append(us[b]); units[us[b]].apart.append(us[a]) }
            } }
        }
        let biggest = instance.classes.map(\.max).max() ?? 0
        for u in units where u.members.count > biggest {
            errors.append("keepTogether: \(u.members.count) students kept together exceed the largest class (\(biggest))")
        }
        if !errors.isEmpty { throw .invalidInstance(errors) }
        let n = Double(instance.students.count)
        var share = [Double](repeating: 0, count: w)
        for g in 0..<w { share[g] = n > 0 ? Double(totals[g]) / n : 0 }
        self.share = share
        let k = instance.classes.count
        classOf = [Int](repeating: -1, count: units.count)
        size = [Int](repeating: 0, count: k)
        counts = [Int](repeating: 0, count: k * w)
        scoreSum = [Double](repeating: 0, count: k)
        scoreSquares = [Double](repeating: 0, count: k)
        scored = [Int](repeating: 0, count: k)
        members = [[Int]](repeating: [], count: k)
        hasScores = !scores.isEmpty
        let mean = scores.isEmpty ? 0 : scores.reduce(0, +) / Double(scores.count)
        meanScore = mean
        let variance = scores.isEmpty ? 0 : scores.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(scores.count)
        sdScore = variance.squareRoot()
    }

    // MARK: The objective, class by class

    static let excessWeight = 1_000.0

    /// Class c's part of the objective, were it to hold `n` students with `groupCounts`
    /// and the given score sums.
    func cost(size n: Int, counts groupCounts: (Int) -> Int, scoreSum: Double, scoreSquares: Double, scored: Int, classIndex c: Int) -> Double {
        var excess = 0.0, squares = 0.0
        for g in 0..<width {
            let e = Double(n) * share[g], x = Double(groupCounts(g))
            let low = (e + 1e-9).rounded(.down), high = (e - 1e-9).rounded(.up)
            excess += max(0, x - high) + max(0, low - x)
            squares += (x - e) * (x - e)
        }
        var total = Self.excessWeight * excess + squares
        if hasScores && sdScore > 0 && scored > 0 {
            let mean = scoreSum / Double(scored)
            let sd = max(0, scoreSquares / Double(scored) - mean * mean).squareRoot()
            total += Double(scored) * ((mean - meanScore) * (mean - meanScore) + (sd - sdScore) * (sd - sdScore)) / (sdScore * sdScore)
        }
        let even = Double(instance.students.count) / Double(instance.classes.count)
        total += 0.1 * (Double(n) - even) * (Double(n) - even)
        let lowest = instance.classes[c].min
        if n < lowest { total += 1e6 * Double(lowest - n) }
        return total
    }

    func cost(ofClass c: Int) -> Double {
        cost(size: size[c], counts: { counts[c * width + $0] }, scoreSum: scoreSum[c], scoreSquares: scoreSquares[c], scored: scored[c], classIndex: c)
    }

    /// The change in class c's cost from adding unit `plus` and removing unit `minus`.
    func delta(_ c: Int, adding plus: Int?, removing minus: Int?) -> Double {
        var n = size[c], s = scoreSum[c], q = scoreSquares[c], k = scored[c]
        if let p = plus { n += units[p].members.count; s += units[p].scoreSum; q += units[p].scoreSquares; k += units[p].scored }
        if let m = minus { n -= units[m].members.count; s -= units[m].scoreSum; q -= units[m].scoreSquares; k -= units[m].scored }
        let after = cost(size: n, counts: { g in
            counts[c * width + g] + (plus.map { units[$0].counts[g] } ?? 0) - (minus.map { units[$0].counts[g] } ?? 0)
        }, scoreSum: s, scoreSquares: q, scored: k, classIndex: c)
        return after - cost(ofClass: c)
    }

    func allowed(_ u: Int, in c: Int, without other: Int? = nil) -> Bool {
        units[u].apart.allSatisfy { classOf[$0] != c || $0 == other }
    }

    mutating func put(_ u: Int, in c: Int) {
        if classOf[u] >= 0 { take(u) }
        classOf[u] = c
        size[c] += units[u].members.count
        for g in 0..<width { counts[c * width + g] += units[u].counts[g] }
        scoreSum[c] += units[u].scoreSum; scoreSquares[c] += units[u].scoreSquares; scored[c] += units[u].scored
        members[c].append(u)
    }

    mutating func take(_ u: Int) {
        let c = classOf[u]
        guard c >= 0 else { return }
        size[c] -= units[u].members.count
        for g in 0..<width { counts[c * width + g] -= units[u].counts[g] }
        scoreSum[c] -= units[u].scoreSum; scoreSquares[c] -= units[u].scoreSquares; scored[c] -= units[u].scored
        if let at = members[c].firstIndex(of: u) { members[c].swapAt(at, members[c].count - 1); members[c].removeLast() }
        classOf[u] = -1
    }

    // MARK: Search

    /// Fixed units first, then the most constrained (keep-apart partners, then size; random
    /// among equals), each into the class it helps most that has room and none of its
    /// keep-apart partners — making room by moving an unconstrained unit when none has.
    mutating func placeEveryone(using rng: inout some RandomNumberGenerator) throws(ScheduleError) {
        for u in units.indices { if let f = units[u].fixed { put(u, in: f) } }
        for c in instance.classes.indices where size[c] > instance.classes[c].max {
            throw .invalidInstance(["classes: \(size[c]) students are fixed to \(instance.classes[c].id), which holds at most \(instance.classes[c].max)"])
        }
        var order = units.indices.filter { units[$0].fixed == nil }
        order.shuffle(using: &rng)
        // The most constrained first: most keep-apart partners, then the largest units.
        order.sort { (units[$0].apart.count, units[$0].members.count) > (units[$1].apart.count, units[$1].members.count) }
        for u in order {
            let allowedClasses = instance.classes.indices.filter { allowed(u, in: $0) }
            var fits = allowedClasses.filter { size[$0] + units[u].members.count <= instance.classes[$0].max }
            if fits.isEmpty {
                // Make room: move an unconstrained unit out of an allowed class into any
                // class with room for it.
                outer: for c in allowedClasses {
                    for v in members[c] where units[v].fixed == nil && units[v].apart.isEmpty {
                        if let d = instance.classes.indices.first(where: { $0 != c && size[$0] + units[v].members.count <= instance.classes[$0].max })
                            , size[c] - units[v].members.count + units[u].members.count <= instance.classes[c].max {
                            put(v, in: d)
                            fits = [c]
                            break outer
                        }
                    }
                }
            }
            guard let c = fits.min(by: { (delta($0, adding: u, removing: nil), $0) < (delta($1, adding: u, removing: nil), $1) }) else {
                let who = units[u].members.map { instance.students[$0].id }.joined(separator: ", ")
                throw .invalidInstance(["classes: no class has room for \(who) away from the students they must be kept apart from"])
            }
            put(u, in: c)
        }
    }

    /// A random move or swap, applied when it passes the annealing test.
    mutating func anneal(moves: Int, using rng: inout some RandomNumberGenerator) {
        guard units.count > 1, instance.classes.count > 1 else { return }
        var temperature = 2.0
        let cooling = exp(log(0.001 / 2.0) / Double(max(1, moves)))
        let free = units.indices.filter { units[$0].fixed == nil }
        guard !free.isEmpty else { return }
        for _ in 0..<moves {
            temperature *= cooling
            let u = free.randomElement(using: &rng)!
            let from = classOf[u]
            let to = Int.random(in: 0..<instance.classes.count, using: &rng)
            guard to != from else { continue }
            if Bool.random(using: &rng), let v = members[to].randomElement(using: &rng), units[v].fixed == nil {
                // Swap u and v.
                let sizeFrom = size[from] - units[u].members.count + units[v].members.count
                let sizeTo = size[to] - units[v].members.count + units[u].members.count
                guard sizeFrom <= instance.classes[from].max, sizeTo <= instance.classes[to].max,
                      allowed(u, in: to, without: v), allowed(v, in: from, without: u) else { continue }
                let change = delta(from, adding: v, removing: u) + delta(to, adding: u, removing: v)
                if change <= 0 || Double.random(in: 0..<1, using: &rng) < exp(-change / temperature) {
                    take(u); take(v); put(u, in: to); put(v, in: from)
                }
            } else {
                guard size[to] + units[u].members.count <= instance.classes[to].max, allowed(u, in: to) else { continue }
                let change = delta(from, adding: nil, removing: u) + delta(to, adding: u, removing: nil)
                if change <= 0 || Double.random(in: 0..<1, using: &rng) < exp(-change / temperature) { put(u, in: to) }
            }
        }
    }

    /// Steepest descent over every move and swap until none improves.
    mutating func descend() {
        let free = units.indices.filter { units[$0].fixed == nil }
        var improved = true
        while improved {
            improved = false
            for u in free {
                for to in instance.classes.indices where to != classOf[u] {
                    let from = classOf[u]
                    if size[to] + units[u].members.count <= instance.classes[to].max, allowed(u, in: to),
                       delta(from, adding: nil, removing: u) + delta(to, adding: u, removing: nil) < -1e-9 {
                        put(u, in: to); improved = true; continue
                    }
                    for v in members[to] where units[v].fixed == nil {
                        let sizeFrom = size[from] - units[u].members.count + units[v].members.count
                        let sizeTo = size[to] - units[v].members.count + units[u].members.count
                        guard sizeFrom <= instance.classes[from].max, sizeTo <= instance.classes[to].max,
                              allowed(u, in: to, without: v), allowed(v, in: from, without: u) else { continue }
                        if delta(from, adding: v, removing: u) + delta(to, adding: u, removing: v) < -1e-9 {
                            take(u); take(v); put(u, in: to); put(v, in: from)
                            improved = true
                            break
                        }
                    }
                }
            }
        }
    }

    func result() -> ClassListResult {
        var assignments: [String: String] = [:]
        for (u, unit) in units.enumerated() { for m in unit.members { assignments[instance.students[m].id] = instance.classes[classOf[u]].id } }
        var balance: [String: ClassListResult.Balance] = [:]
        var perfect = true
        for (d, dim) in (instance.balance ?? []).enumerated() {
            var worst = 0.0, bound = 0.0
            var rows: [[Int]] = []
            for c in instance.classes.indices {
                var row: [Int] = []
                for g in 0..<groupNames[d].count {
                    let k = offset[d] + g
                    let e = Double(size[c]) * share[k], x = counts[c * width + k]
                    worst = max(worst, abs(Double(x) - e))
                    bound = max(bound, abs(e - e.rounded()))
                    row.append(x)
                }
                rows.append(row)
            }
            if worst >= 1 - 1e-9 { perfect = false }
            let matrix = try? CountMatrix(units: instance.classes.map(\.id), groups: groupNames[d], rows: rows)
            balance[dim] = .init(D: matrix.map { dissimilarity(of: $0) } ?? 0, maxDeviation: (worst * 1e9).rounded() / 1e9, bound: (bound * 1e9).rounded() / 1e9)
        }
        var score: ClassListResult.ScoreSpread? = nil
        if hasScores {
            let means = instance.classes.indices.filter { scored[$0] > 0 }.map { scoreSum[$0] / Double(scored[$0]) }
            let sds = instance.classes.indices.filter { scored[$0] > 0 }.map { c -> Double in
                let m = scoreSum[c] / Double(scored[c])
                return max(0, scoreSquares[c] / Double(scored[c]) - m * m).squareRoot()
            }
            score = .init(meanRange: (means.max() ?? 0) - (means.min() ?? 0), sdRange: (sds.max() ?? 0) - (sds.min() ?? 0))
        }
        return ClassListResult(assignments: assignments, balance: balance, score: score,
                               classes: instance.classes.indices.map { .init(id: instance.classes[$0].id, size: size[$0]) }, perfect: perfect)
    }
}

extension ClassListInstance {
    /// One grade of a school's students, to be split into `classes` classes of `min`…`max`
    /// students named `prefix` + A, B, C…, balanced on the five dimensions (each student's
    /// roster group; unknown left out of that dimension).
    ///
    /// `keepApart` and `keepTogether` are lines of student ids as staff type them: one set
    /// per line, ids separated by spaces, commas or semicolons.
    public static func grade(_ students: [MosaicCore.Student], classes: Int, min: Int, max: Int, prefix: String,
                             keepApart: String = "", keepTogether: String = "") -> ClassListInstance {
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        let dims: [MosaicCore.Dimension] = [.race, .economic, .englishLearner, .disability, .gender]
        func sets(_ text: String) -> [[String]]? {
            let lines = text.split(whereSeparator: \.isNewline).map { line in
                line.split(whereSeparator: { $0 == " " || $0 == "," || $0 == ";" || $0 == "\t" }).map(String.init)
            }.filter { !$0.isEmpty }
            return lines.isEmpty ? nil : lines
        }
        return ClassListInstance(
            classes: (0..<Swift.max(classes, 0)).map { k in
                Class(id: prefix + (k < letters.count ? String(letters[k]) : "\(k + 1)"), min: min, max: max)
            },
            students: students.map { s in
                var groups: [String: String] = [:]
                for d in dims { if let g = s.group(in: d) { groups[d.rawValue] = d.rosterGroups[g] } }
                return Student(id: s.id, groups: groups)
            },
            keepApart: sets(keepApart), keepTogether: sets(keepTogether), balance: dims.map(\.rawValue))
    }
}
