/// The audit of a master schedule before any student is loaded (contract `schedule.md`,
/// `mosaic schedule audit`): the conflict matrix, the singletons and doubletons, every set
/// of requested courses no student can take together — with the students it blocks, by
/// group — and period moves that would remove a conflict without blocking more students
/// than they free.
///
/// A *conflict* is a set of courses asked for first by one student whose sections cannot
/// all be held at once, ignoring limits: a pair whose every way to take both overlaps
/// (the contract's conflict), or — for a student none of whose pairs conflict — the
/// smallest set found by dropping courses from her requests one at a time while they
/// stay impossible together (a doubleton caught between two singletons). A student is
/// *blocked* when her first choices cannot all be held together.
public struct ScheduleAudit: Sendable, Codable, Equatable {
    public struct Conflict: Sendable, Codable, Equatable {
        public var courses: [String]
        /// The period they all meet in (periods, comma separated, when more than one;
        /// absent when a section meets at time blocks).
        public var period: String?
        public var students: Int
        /// "singleton" when every course in it has one way to take it, "doubleton" when the
        /// most ways is two, "multiple" otherwise.
        public var kind: String
        /// The blocked students by dimension and group.
        public var groups: [String: [String: Int]]

        /// The blocked students in words: each dimension's groups, largest first
        /// (“englishLearner el 14; race hispanic 8, black 6”).
        public func groupSummary(excluding: Set<String> = []) -> String {
            groups.keys.sorted().filter { !excluding.contains($0) }.map { d in
                "\(d) " + groups[d]!.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            }.joined(separator: "; ")
        }
    }

    /// Moving one section to another period.
    public struct Move: Sendable, Codable, Equatable {
        public var section: String
        public var course: String
        public var from: String
        public var to: String
        /// The conflicts it removes (each as its courses).
        public var removes: [[String]]
        /// Students it unblocks, and students it newly blocks.
        public var unblocks: Int
        public var blocks: Int
    }

    public var singletons: [String]
    public var doubletons: [String]
    public var conflicts: [Conflict]
    public var matrix: [String: [String: Int]]
    public var moves: [Move]
    /// Students whose first choices cannot all be held together.
    public var blockedStudents: Int
    public var students: Int

    /// Audits the model's master schedule. Conflicts are listed most students first.
    /// - Complexity: one exact search per student (her first choices, time only), plus one
    ///   per student of a moved course for each candidate move.
    public init(_ model: SectioningModel, instance: SectioningInstance, moveLimit: Int = 20) {
        let courses = model.courses
        singletons = courses.filter { $0.options.count == 1 }.map(\.id)
        doubletons = courses.filter { $0.options.count == 2 }.map(\.id)
        let firstChoices: [[Int]] = model.students.map { st in
            var seen: [Int] = []
            for r in st.requests { if let c = r.courses.first, !seen.contains(c), !courses[c].options.isEmpty { seen.append(c) } }
            return seen
        }
        var pairCount: [Int: [Int: Int]] = [:]
        for set in firstChoices {
            for a in set { for b in set where a != b { pairCount[a, default: [:]][b, default: 0] += 1 } }
        }
        var matrix: [String: [String: Int]] = [:]
        for (a, row) in pairCount { matrix[courses[a].id] = Dictionary(uniqueKeysWithValues: row.map { (courses[$0.key].id, $0.value) }) }
        self.matrix = matrix
        var pairCompatible: [Int: Bool] = [:]
        func compatible(_ a: Int, _ b: Int) -> Bool {
            let key = min(a, b) * courses.count + max(a, b)
            if let known = pairCompatible[key] { return known }
            let ok = courses[a].options.contains { x in courses[b].options.contains { y in model.compatible(x, y) } }
            pairCompatible[key] = ok
            return ok
        }
        let asPlanned: (Int) -> Int? = { model.sections[$0].period }
        var blockedBy: [[Int]: [Int]] = [:]   // conflict course set → students
        var blocked = [Bool](repeating: false, count: model.students.count)
        for (i, set) in firstChoices.enumerated() {
            var pairs: [[Int]] = []
            for x in set.indices { for y in set.indices where x < y && !compatible(set[x], set[y]) { pairs.append([set[x], set[y]].sorted()) } }
            if !pairs.isEmpty {
                blocked[i] = true
                for p in pairs { blockedBy[p, default: []].append(i) }
                continue
            }
            guard !Self.schedulable(set, model, asPlanned) else { continue }
            blocked[i] = true
            var core = set
            for c in set where core.count > 2 {
                let without = core.filter { $0 != c }
                if !Self.schedulable(without, model, asPlanned) { core = without }
            }
            blockedBy[core.sorted(), default: []].append(i)
        }
        blockedStudents = blocked.filter { $0 }.count
        students = model.students.count
        let dimensions = Array(Set(instance.students.flatMap { ($0.groups ?? [:]).keys })).sorted()
        func groups(of students: [Int]) -> [String: [String: Int]] {
            var out: [String: [String: Int]] = [:]
            for d in dimensions {
                var row: [String: Int] = [:]
                for i in students { row[instance.students[i].groups?[d] ?? "unknown", default: 0] += 1 }
                out[d] = row
            }
            return out
        }
        func period(of set: [Int]) -> String? {
            let sections = set.flatMap { model.sections(of: $0) }
            guard sections.allSatisfy({ model.sections[$0].period != nil }) else { return nil }
            let periods = Set(sections.compactMap { model.sections[$0].period }).sorted()
            return periods.map { model.periods[$0] }.joined(separator: ", ")
        }
        func kind(of set: [Int]) -> String {
            let most = set.map { courses[$0].options.count }.max() ?? 0
            return most <= 1 ? "singleton" : most == 2 ? "doubleton" : "multiple"
        }
        let sorted = blockedBy.sorted { ($0.value.count, $1.key.map { courses[$0].id }.joined(separator: "+")) > ($1.value.count, $0.key.map { courses[$0].id }.joined(separator: "+")) }
        conflicts = sorted.map { set, students in
            Conflict(courses: set.map { courses[$0].id }, period: period(of: set), students: students.count,
                     kind: kind(of: set), groups: groups(of: students))
        }
        // Period moves: each section of a singleton or doubleton in one of the largest
        // conflicts (the sections a scheduler can move without reshuffling a whole course),
        // to each other period; kept when it removes the conflict and unblocks more
        // students than it blocks.
        var moves: [Move] = []
        let requesters: [Int: [Int]] = {
            var out: [Int: [Int]] = [:]
            for (i, set) in firstChoices.enumerated() { for c in set { out[c, default: []].append(i) } }
            return out
        }()
        for (set, _) in sorted.prefix(moveLimit) {
            var best: Move? = nil
            for c in set where courses[c].options.count <= 2 {
                for s in model.sections(of: c) {
                    guard let from = model.sections[s].period else { continue }
                    for to in model.periods.indices where to != from {
                        let moved: (Int) -> Int? = { $0 == s ? to : model.sections[$0].period }
                        guard Self.schedulable(set, model, moved) else { continue }
                        var unblocks = 0, blocks = 0
                        for i in requesters[c] ?? [] {
                            let now = !Self.schedulable(firstChoices[i], model, moved)
                            if blocked[i] && !now { unblocks += 1 }
                            if !blocked[i] && now { blocks += 1 }
                        }
                        guard unblocks > blocks else { continue }
                        let move = Move(section: model.sections[s].id, course: courses[c].id, from: model.periods[from], to: model.periods[to],
                                        removes: [set.map { courses[$0].id }], unblocks: unblocks, blocks: blocks)
                        if let b = best, (b.unblocks - b.blocks, -b.blocks) >= (unblocks - blocks, -blocks) { continue }
                        best = move
                    }
                }
            }
            guard let best else { continue }
            // One move can remove several conflicts: list it once.
            if let k = moves.firstIndex(where: { $0.section == best.section && $0.to == best.to }) {
                moves[k].removes += best.removes
            } else {
                moves.append(best)
            }
        }
        self.moves = moves.sorted { ($0.unblocks - $0.blocks, $1.section) > ($1.unblocks - $1.blocks, $0.section) }
    }

    /// Whether the courses can all be held at once (limits ignored), sections meeting in
    /// `periodOf(section)` when they have a period: depth-first search, the course with
    /// the fewest ways left first, dropping from every other course the ways the choice
    /// blocks (forward checking). Ways of a course meeting in the same periods are one.
    static func schedulable(_ set: [Int], _ model: SectioningModel, _ periodOf: (Int) -> Int?) -> Bool {
        func overlaps(_ a: Int, _ b: Int) -> Bool {
            if a == b { return true }
            if let p = periodOf(a), let q = periodOf(b) { return p == q }
            return model.overlaps(a, b)
        }
        var domains: [[[Int]]] = set.map { c in
            var seen = Set<[Int]>()
            var out: [[Int]] = []
            for o in model.courses[c].options {
                let sections = model.options[o].sections
                let key = sections.allSatisfy({ periodOf($0) != nil }) ? sections.map { periodOf($0)! } : sections.map { -1 - $0 }
                if seen.insert(key).inserted { out.append(sections) }
            }
            return out
        }
        func search(_ domains: inout [[[Int]]]) -> Bool {
            guard let k = domains.indices.min(by: { domains[$0].count < domains[$1].count }) else { return true }
            let choices = domains[k]
            if choices.isEmpty { return false }
            var rest = domains
            rest.remove(at: k)
            for choice in choices {
                var next = rest.map { ways in ways.filter { way in !way.contains { s in choice.contains { overlaps(s, $0) } } } }
                if next.contains(where: \.isEmpty) { continue }
                if search(&next) { return true }
            }
            return false
        }
        return search(&domains)
    }
}
