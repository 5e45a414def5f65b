/// A sectioning instance as contract `schedule.md` writes it (JSON): the periods, the
/// courses with their configurations, subparts and sections (each meeting in a named
/// period or at time blocks, with a limit and possibly a parent section), the students
/// with their course requests, and the dimensions each section should mirror.
public struct SectioningInstance: Sendable, Codable, Equatable {
    /// A time block: `days` and `weeks` are bit strings (Monday / week 1 first); `start`
    /// and `length` in slots.
    public struct Meeting: Sendable, Codable, Equatable {
        public var days: String
        public var start: Int
        public var length: Int
        /// The largest start or length a meeting may have (a day of minutes is 1,440 slots).
        public static let maxSlot = 100_000
        public var weeks: String

        public init(days: String, start: Int, length: Int, weeks: String = "1") {
            self.days = days
            self.start = start
            self.length = length
            self.weeks = weeks
        }

        /// Two blocks overlap when they share a day and a week and their slot ranges
        /// [start, start + length) intersect.
        public func overlaps(_ other: Meeting) -> Bool {
            func shares(_ a: String, _ b: String) -> Bool { zip(a, b).contains { $0 == "1" && $1 == "1" } }
            return shares(days, other.days) && shares(weeks, other.weeks)
                && start < other.start + other.length && other.start < start + length
        }
    }

    public struct Section: Sendable, Codable, Equatable {
        public var id: String
        public var limit: Int
        public var period: String?
        public var meets: [Meeting]?
        public var parent: String?

        public init(id: String, limit: Int, period: String? = nil, meets: [Meeting]? = nil, parent: String? = nil) {
            self.id = id
            self.limit = limit
            self.period = period
            self.meets = meets
            self.parent = parent
        }

        /// Sections overlap when they share a named period, or any of their blocks overlap.
        public func overlaps(_ other: Section) -> Bool {
            if let p = period, let q = other.period { return p == q }
            return (meets ?? []).contains { a in (other.meets ?? []).contains { a.overlaps($0) } }
        }
    }

    public struct Subpart: Sendable, Codable, Equatable {
        public var id: String
        public var sections: [Section]
    }

    public struct Config: Sendable, Codable, Equatable {
        public var id: String
        public var subparts: [Subpart]
    }

    public struct Course: Sendable, Codable, Equatable {
        public var id: String
        public var title: String?
        public var level: String?
        /// One configuration with one subpart, written short.
        public var sections: [Section]?
        public var configs: [Config]?

        /// The configurations, the short form read as one configuration of one subpart.
        public var configurations: [Config] {
            configs ?? [Config(id: id, subparts: [Subpart(id: id, sections: sections ?? [])])]
        }
    }

    public struct Request: Sendable, Codable, Equatable {
        public var course: String
        public var weight: Double?
        public var alternatives: [String]?
    }

    public struct Student: Sendable, Codable, Equatable {
        public var id: String
        public var grade: String?
        public var need: Int?
        public var groups: [String: String]?
        public var requests: [Request]
    }

    public var name: String?
    public var periods: [String]?
    public var courses: [Course]
    public var students: [Student]
    public var balance: [String]?

    /// Every problem with the instance, each as `where: what` (empty when it can be used).
    public func problems() -> [String] {
        var out: [String] = []
        let courseIDs = Set(courses.map(\.id))
        if courseIDs.count != courses.count { out.append("courses: two courses share an id") }
        if Set(students.map(\.id)).count != students.count { out.append("students: two students share an id") }
        let periodNames = periods.map(Set.init)
        var sectionIDs: [String: String] = [:]
        for (i, c) in courses.enumerated() {
            let at = "courses[\(i)] \(c.id)"
            if (c.sections == nil) == (c.configs == nil) { out.append("\(at): give either sections or configs") }
            for config in c.configurations {
                if config.subparts.isEmpty { out.append("\(at): configuration \(config.id) has no subparts") }
                for subpart in config.subparts {
                    if subpart.sections.isEmpty { out.append("\(at): subpart \(subpart.id) has no sections") }
                    for s in subpart.sections {
                        if let other = sectionIDs[s.id] { out.append("\(at): section \(s.id) is also a section of \(other)") }
                        sectionIDs[s.id] = c.id
                        if s.limit < 0 { out.append("\(at): section \(s.id) has limit \(s.limit)") }
                        if (s.period == nil) == (s.meets == nil) { out.append("\(at): section \(s.id) needs either a period or meets") }
                        if let p = s.period, let names = periodNames, !names.contains(p) { out.append("\(at): section \(s.id) meets in period “\(p)”, not one of periods") }
                        for m in s.meets ?? [] where m.length <= 0 || m.start < 0 || m.days.contains(where: { $0 != "0" && $0 != "1" }) || m.weeks.contains(where: { $0 != "0" && $0 != "1" }) {
                            out.append("\(at): section \(s.id) has a meeting that is not days/weeks bit strings with start ≥ 0 and length > 0")
                        }
                        // Slots count within a day (UniTime: 288 five-minute slots); a start or
                        // length beyond any day overflowed the overlap test and crashed.
                        for m in s.meets ?? [] where m.start > Meeting.maxSlot || m.length > Meeting.maxSlot {
                            out.append("\(at): section \(s.id) has a meeting at slot \(m.start) for \(m.length) slots; start and length are at most \(Meeting.maxSlot)")
                        }
                    }
                }
            }
        }
        for (i, c) in courses.enumerated() {
            for config in c.configurations {
                let own = Set(config.subparts.flatMap { $0.sections.map(\.id) })
                for s in config.subparts.flatMap(\.sections) {
                    if let p = s.parent, !own.contains(p) { out.append("courses[\(i)] \(c.id): section \(s.id) has parent “\(p)”, not a section of its configuration") }
                }
            }
        }
        for (i, st) in students.enumerated() {
            for r in st.requests {
                for course in [r.course] + (r.alternatives ?? []) where !courseIDs.contains(course) {
                    out.append("students[\(i)] \(st.id): requests unknown course “\(course)”")
                }
                if let w = r.weight, !(w > 0) { out.append("students[\(i)] \(st.id): request for \(r.course) has weight \(w)") }
            }
        }
        return out
    }
}
