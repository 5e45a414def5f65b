import MosaicCore

/// Who takes honors credit in open-honors classes, by group: of the students enrolled in
/// a class whose course is `openHonors`, those who hold honors credit on a date (the
/// ledger `mosaic_open_honors.csv`: opted in on or before it, not opted out by then).
/// Counted per class, per course in each school, per school and for the district, for
/// every dimension's groups (`unknown` counted apart, as everywhere).
///
/// Participation rate of group g in unit u: `r_ug = optedIn_ug / enrolled_ug`.
public struct OpenHonorsParticipation: Sendable, Codable, Equatable {
    public struct GroupCount: Sendable, Codable, Equatable {
        public var enrolled: Int
        public var optedIn: Int

        public init(enrolled: Int = 0, optedIn: Int = 0) {
            self.enrolled = enrolled
            self.optedIn = optedIn
        }

        /// `optedIn / enrolled`; nil with nobody enrolled.
        public var rate: Double? { enrolled == 0 ? nil : Double(optedIn) / Double(enrolled) }
    }

    /// One class, course, school or the district.
    public struct Unit: Sendable, Codable, Equatable {
        public var id: String
        public var title: String
        /// The school's id (empty for the district).
        public var school: String
        public var total: GroupCount
        /// Dimension (raw value) → group → counts.
        public var groups: [String: [String: GroupCount]]
    }

    /// The day counted (ISO `YYYY-MM-DD`).
    public var date: String
    public var district: Unit
    public var schools: [Unit]
    /// One per course and school.
    public var courses: [Unit]
    public var classes: [Unit]

    /// Counts the roster's open-honors classes on `date`; classes of other levels are
    /// left out, and so are enrollments whose student is not in the class on that day's
    /// term (a class counts only when one of its terms runs on `date`, or always when
    /// `anyTerm` is set); with `school`, only that school's classes.
    public init(_ roster: Roster, on date: String, anyTerm: Bool = false, school: String? = nil) {
        self.date = date
        let open = roster.sections.map { roster.courses[$0.course].level == .openHonors && (school == nil || roster.orgs[$0.school].id == school) }
        let running = roster.sections.map { s in
            anyTerm || s.terms.contains { roster.sessions[$0].startDate <= date && date <= roster.sessions[$0].endDate }
        }
        var holds: Set<Int64> = []
        for o in roster.openHonors where o.holds(on: date) { holds.insert(Int64(o.section) << 32 | Int64(o.student)) }
        func empty(_ id: String, _ title: String, _ school: String) -> Unit {
            Unit(id: id, title: title, school: school, total: GroupCount(), groups: [:])
        }
        var district = empty("district", "District", "")
        var schoolUnits: [Int: Unit] = [:], courseUnits: [[Int]: Unit] = [:], classUnits: [Int: Unit] = [:]
        for e in 0..<roster.enrollmentCount {
            let c = Int(roster.enrollmentSection[e])
            guard open[c], running[c] else { continue }
            let s = Int(roster.enrollmentStudent[e])
            let section = roster.sections[c], student = roster.students[s]
            let inHonors = holds.contains(Int64(c) << 32 | Int64(s))
            let school = roster.orgs[section.school], course = roster.courses[section.course]
            func count(_ u: inout Unit) {
                u.total.enrolled += 1
                if inHonors { u.total.optedIn += 1 }
                for d in Dimension.five {
                    let g = student.group(in: d).map { d.rosterGroups[$0] } ?? "unknown"
                    u.groups[d.rawValue, default: [:]][g, default: GroupCount()].enrolled += 1
                    if inHonors { u.groups[d.rawValue]![g]!.optedIn += 1 }
                }
            }
            count(&district)
            count(&schoolUnits[section.school, default: empty(school.id, school.name, school.id)])
            count(&courseUnits[[section.school, section.course], default: empty(course.id, course.title, school.id)])
            count(&classUnits[c, default: empty(section.id, section.title, school.id)])
        }
        self.district = district
        schools = schoolUnits.values.sorted { $0.id < $1.id }
        courses = courseUnits.values.sorted { ($0.school, $0.id) < ($1.school, $1.id) }
        classes = classUnits.values.sorted { ($0.school, $0.id) < ($1.school, $1.id) }
    }
}

/// What participation would be if a school ran open honors the other way round: every
/// enrolled student in by default, free to opt out (as some schools do).
///
/// Expected rate of group g: `1 − o_g`, with `o_g` the share of g's students who opted in
/// and later opted out (the ledger's own drop-out rate), taken for the group when at
/// least `minimumGroup` of its students opted in and the overall share otherwise — or a
/// rate the analyst gives. The current rate sits beside it.
public struct DefaultOptOutScenario: Sendable, Codable, Equatable {
    public struct Group: Sendable, Codable, Equatable {
        public var dimension: String
        public var group: String
        public var enrolled: Int
        public var currentRate: Double?
        public var optOutRate: Double
        public var expectedRate: Double
        /// Expected students in honors: `enrolled · (1 − o_g)`.
        public var expectedOptedIn: Double
        /// Whether `optOutRate` is the group's own (else the overall or the given one).
        public var ownRate: Bool
    }

    public var date: String
    public var overallOptOutRate: Double
    /// "ledger" (observed) or "given".
    public var source: String
    public var enrolled: Int
    public var currentRate: Double?
    public var expectedRate: Double
    public var groups: [Group]

    /// With `school`, that school's classes and ledger only.
    public init(_ roster: Roster, on date: String, optOutRate given: Double? = nil, minimumGroup: Int = 20, school: String? = nil) {
        let now = OpenHonorsParticipation(roster, on: date, anyTerm: true, school: school)
        // Observed: of the students who ever opted in (by `date`), those who opted out by then.
        var everIn: [String: [String: Int]] = [:], out: [String: [String: Int]] = [:]
        var totalIn = 0, totalOut = 0
        for o in roster.openHonors where o.optedIn <= date && (school == nil || roster.orgs[roster.sections[o.section].school].id == school) {
            let dropped = o.optedOut.map { $0 <= date } ?? false
            totalIn += 1
            if dropped { totalOut += 1 }
            let student = roster.students[o.student]
            for d in Dimension.five {
                let g = student.group(in: d).map { d.rosterGroups[$0] } ?? "unknown"
                everIn[d.rawValue, default: [:]][g, default: 0] += 1
                if dropped { out[d.rawValue, default: [:]][g, default: 0] += 1 }
            }
        }
        let overall = given ?? (totalIn == 0 ? 0 : Double(totalOut) / Double(totalIn))
        self.date = date
        overallOptOutRate = overall
        source = given == nil ? "ledger" : "given"
        enrolled = now.district.total.enrolled
        currentRate = now.district.total.rate
        expectedRate = enrolled == 0 ? 0 : 1 - overall
        var groups: [Group] = []
        for d in Dimension.five {
            for (g, count) in (now.district.groups[d.rawValue] ?? [:]).sorted(by: { $0.key < $1.key }) {
                let n = everIn[d.rawValue]?[g] ?? 0
                let own = given == nil && n >= minimumGroup
                let rate = own ? Double(out[d.rawValue]?[g] ?? 0) / Double(n) : overall
                groups.append(Group(dimension: d.rawValue, group: g, enrolled: count.enrolled, currentRate: count.rate,
                                    optOutRate: rate, expectedRate: 1 - rate,
                                    expectedOptedIn: Double(count.enrolled) * (1 - rate), ownRate: own))
            }
        }
        self.groups = groups
    }
}
