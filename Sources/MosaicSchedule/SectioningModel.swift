/// A sectioning instance in index form, built once and shared by the audit, the solver
/// and the feasibility checker: sections numbered 0..<S with their pairwise overlaps as
/// bit sets, every way to take each course (an *option*: one section of every subpart
/// of one configuration, parents included, no two of its sections overlapping), and the
/// students' requests and groups as numbers.
///
/// - Complexity: building is O(S² + Σ options) time and O(S²/64) memory for the overlaps.
public struct SectioningModel: Sendable {
    /// The most ways to take one course the model enumerates; a course with more is a
    /// problem of the instance (split its configurations, or give fewer sections parents).
    public static let maximumOptions = 20_000

    /// The value of a request met by its k-th alternative (k = 1, 2, …) is
    /// weight × alternativeFactor^k: alternatives count, but less than the course asked for.
    public static let alternativeFactor = 0.9

    public struct Section: Sendable {
        public let id: String
        public let course: Int
        public let subpart: Int
        public let limit: Int
        /// The index of its named period in `periods`, when it meets in one.
        public let period: Int?
        public let parent: Int?
    }

    public struct Subpart: Sendable {
        public let course: Int
        public let id: String
        public let sections: [Int]
        /// Whether its sections are compared with the course (two or more sections).
        public var balanced: Bool { sections.count >= 2 }
    }

    public struct Course: Sendable {
        public let id: String
        public let title: String?
        public let level: String?
        public let subparts: [Int]
        /// Its options, indices into `options`.
        public let options: [Int]
        /// The most students it can seat: Σ over configurations of the smallest total
        /// limit among the configuration's subparts.
        public let seats: Int
    }

    /// One way to take a course.
    public struct Option: Sendable {
        public let course: Int
        public let sections: [Int]
    }

    /// A request: the course asked for first, then its alternatives, in order.
    public struct Request: Sendable {
        public let courses: [Int]
        public let weight: Double

        /// The value of meeting it with its k-th course (0 = the course asked for).
        public func value(_ k: Int) -> Double {
            var v = weight
            for _ in 0..<k { v *= SectioningModel.alternativeFactor }
            return v
        }
    }

    public struct Student: Sendable {
        public let id: String
        public let need: Int
        public let requests: [Request]
        /// Her group on each balance dimension, an index into `groupNames[d]`.
        public let groups: [Int]
    }

    public let periods: [String]
    public let sections: [Section]
    public let subparts: [Subpart]
    public let courses: [Course]
    public let options: [Option]
    public let students: [Student]
    /// The balance dimensions and the group names seen on each (a student with no group
    /// on a dimension is in “unknown”).
    public let balance: [String]
    public let groupNames: [[String]]
    /// `reference[c][d][g]`: the share of group g of dimension d among the students who
    /// asked for course c first (among all students when nobody asked for it first) — the
    /// composition each section of c should mirror.
    public let reference: [[[Double]]]
    /// Words per section bit set.
    public let words: Int
    /// `overlap[s]`: the sections that overlap s, s included (a bit set of `words` words).
    public let overlap: [[UInt64]]
    /// `optionMask[o]`: the union of `overlap` over the option's sections — a student
    /// holding any of these sections cannot take the option.
    public let optionMask: [[UInt64]]
    /// `footprint[o]`: options with equal numbers overlap exactly the same sections, so
    /// for time they are interchangeable (two sections of a course in one period).
    public let footprint: [Int]
    public let courseIndex: [String: Int]
    public let sectionIndex: [String: Int]

    /// Builds the index form; throws the instance's problems when it cannot be used.
    public init(_ instance: SectioningInstance) throws(ScheduleError) {
        let problems = instance.problems()
        if !problems.isEmpty { throw .invalidInstance(problems) }
        var periods = instance.periods ?? []
        var periodIndex: [String: Int] = [:]
        for (i, p) in periods.enumerated() { periodIndex[p] = i }
        var sections: [Section] = [], subparts: [Subpart] = [], courses: [Course] = [], options: [Option] = []
        var raw: [SectioningInstance.Section] = []
        var sectionIndex: [String: Int] = [:]
        var courseIndex: [String: Int] = [:]
        var tooMany: [String] = []
        for (c, course) in instance.courses.enumerated() {
            courseIndex[course.id] = c
            var courseSubparts: [Int] = []
            var seats = 0
            for config in course.configurations {
                var configSubparts: [[Int]] = []
                for subpart in config.subparts {
                    var ids: [Int] = []
                    for s in subpart.sections {
                        var period: Int? = nil
                        if let p = s.period {
                            if periodIndex[p] == nil { periodIndex[p] = periods.count; periods.append(p) }
                            period = periodIndex[p]
                        }
                        sectionIndex[s.id] = sections.count
                        ids.append(sections.count)
                        sections.append(Section(id: s.id, course: c, subpart: subparts.count, limit: s.limit, period: period, parent: nil))
                        raw.append(s)
                    }
                    courseSubparts.append(subparts.count)
                    subparts.append(Subpart(course: c, id: subpart.id, sections: ids))
                    configSubparts.append(ids)
                }
                seats += configSubparts.map { $0.reduce(0) { $0 + raw[$1].limit } }.min() ?? 0
            }
            // Options are enumerated below, once parents and overlaps are known.
            courses.append(Course(id: course.id, title: course.title, level: course.level, subparts: courseSubparts, options: [], seats: seats))
        }
        // Parents, now that every section has an index.
        sections = sections.enumerated().map { i, s in
            Section(id: s.id, course: s.course, subpart: s.subpart, limit: s.limit, period: s.period, parent: raw[i].parent.flatMap { sectionIndex[$0] })
        }
        let words = (sections.count + 63) / 64
        var overlap = [[UInt64]](repeating: [UInt64](repeating: 0, count: words), count: sections.count)
        for a in sections.indices {
            overlap[a][a >> 6] |= 1 << UInt64(a & 63)
            for b in (a + 1)..<max(a + 1, sections.count) where raw[a].overlaps(raw[b]) {
                overlap[a][b >> 6] |= 1 << UInt64(b & 63)
                overlap[b][a >> 6] |= 1 << UInt64(a & 63)
            }
        }
        func overlaps(_ a: Int, _ b: Int) -> Bool { overlap[a][b >> 6] & (1 << UInt64(b & 63)) != 0 }
        // Options: one section per subpart of one configuration, parents taken, no overlap.
        var optionMask: [[UInt64]] = []
        var subpartCursor = 0
        for (c, course) in instance.courses.enumerated() {
            var courseOptions: [Int] = []
            for config in course.configurations {
                let ids = config.subparts.indices.map { subparts[subpartCursor + $0].sections }
                subpartCursor += config.subparts.count
                var chosen: [Int] = []
                var count = 0
                func extend(_ k: Int) {
                    if count > Self.maximumOptions { return }
                    if k == ids.count {
                        let set = Set(chosen)
                        guard chosen.allSatisfy({ sections[$0].parent.map(set.contains) ?? true }) else { return }
                        count += 1
                        var mask = [UInt64](repeating: 0, count: words)
                        for s in chosen { for w in 0..<words { mask[w] |= overlap[s][w] } }
                        courseOptions.append(options.count)
                        options.append(Option(course: c, sections: chosen))
                        optionMask.append(mask)
                        return
                    }
                    for s in ids[k] where !chosen.contains(where: { overlaps($0, s) }) {
                        chosen.append(s)
                        extend(k + 1)
                        chosen.removeLast()
                    }
                }
                extend(0)
                if count > Self.maximumOptions { tooMany.append(course.id) }
            }
            let old = courses[c]
            courses[c] = Course(id: old.id, title: old.title, level: old.level, subparts: old.subparts, options: courseOptions, seats: old.seats)
        }
        if !tooMany.isEmpty {
            throw .invalidInstance(tooMany.map { "course \($0): more than \(Self.maximumOptions) ways to take it (one section of every subpart); split its configurations" })
        }
        // Students, groups and the composition each course should mirror.
        let balance = instance.balance ?? []
        var groupNames = [[String]](repeating: [], count: balance.count)
        var groupIndex = [[String: Int]](repeating: [:], count: balance.count)
        var students: [Student] = []
        for st in instance.students {
            let groups = balance.indices.map { d -> Int in
                let name = st.groups?[balance[d]] ?? "unknown"
                if let g = groupIndex[d][name] { return g }
                groupIndex[d][name] = groupNames[d].count
                groupNames[d].append(name)
                return groupNames[d].count - 1
            }
            let requests = st.requests.map { r in
                Request(courses: ([r.course] + (r.alternatives ?? [])).compactMap { courseIndex[$0] }, weight: r.weight ?? 1)
            }
            students.append(Student(id: st.id, need: st.need ?? 0, requests: requests, groups: groups))
        }
        var reference = [[[Double]]](repeating: balance.indices.map { [Double](repeating: 0, count: groupNames[$0].count) }, count: courses.count)
        var askedFirst = [Int](repeating: 0, count: courses.count)
        for st in students {
            for r in st.requests {
                guard let c = r.courses.first else { continue }
                askedFirst[c] += 1
                for d in balance.indices { reference[c][d][st.groups[d]] += 1 }
            }
        }
        var everyone = balance.indices.map { [Double](repeating: 0, count: groupNames[$0].count) }
        for st in students { for d in balance.indices { everyone[d][st.groups[d]] += 1 / Double(students.count) } }
        for c in courses.indices {
            if askedFirst[c] > 0 {
                for d in balance.indices { for g in reference[c][d].indices { reference[c][d][g] /= Double(askedFirst[c]) } }
            } else {
                reference[c] = everyone
            }
        }
        var footprints: [[UInt64]: Int] = [:]
        self.footprint = optionMask.map { mask in
            if let f = footprints[mask] { return f }
            footprints[mask] = footprints.count
            return footprints.count - 1
        }
        self.periods = periods
        self.sections = sections
        self.subparts = subparts
        self.courses = courses
        self.options = options
        self.students = students
        self.balance = balance
        self.groupNames = groupNames
        self.reference = reference
        self.words = words
        self.overlap = overlap
        self.optionMask = optionMask
        self.courseIndex = courseIndex
        self.sectionIndex = sectionIndex
        self.askedFirst = askedFirst
    }

    /// How many students asked for each course first.
    public let askedFirst: [Int]

    @inlinable public func overlaps(_ a: Int, _ b: Int) -> Bool {
        overlap[a][b >> 6] & (1 << UInt64(b & 63)) != 0
    }

    /// Whether option o can join a schedule holding the sections in `held`.
    @inlinable public func fits(_ o: Int, _ held: [UInt64]) -> Bool {
        let mask = optionMask[o]
        for w in 0..<words where mask[w] & held[w] != 0 { return false }
        return true
    }

    /// Whether two options can be held together.
    public func compatible(_ a: Int, _ b: Int) -> Bool {
        let mask = optionMask[a]
        for s in options[b].sections where mask[s >> 6] & (1 << UInt64(s & 63)) != 0 { return false }
        return true
    }

    /// The course's sections, in the order the instance gives them.
    public func sections(of c: Int) -> [Int] { courses[c].subparts.flatMap { subparts[$0].sections } }

    /// Where a section meets, for messages: its period, or “at its meeting times”.
    public func when(_ s: Int) -> String {
        sections[s].period.map { "period \(periods[$0])" } ?? "at its meeting times"
    }
}

/// What goes wrong in scheduling, in words an analyst or a scheduler can act on.
public enum ScheduleError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The instance cannot be used; every problem as `where: what`.
    case invalidInstance([String])

    public var description: String {
        switch self {
        case .invalidInstance(let problems): return problems.joined(separator: "\n")
        }
    }
}
