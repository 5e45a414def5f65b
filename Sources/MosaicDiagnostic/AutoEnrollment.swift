import MosaicCore

/// The cut-off of a universal-identification policy: a scale score, or the state's own
/// proficiency flag.
public enum AutoEnrollmentThreshold: Sendable, Equatable, CustomStringConvertible {
    /// Students scoring at least this are enrolled.
    case score(Double)
    /// Students the state reports proficient are enrolled.
    case proficient

    /// `"72.5"` or `"proficient"`; nil for anything else.
    public init?(_ text: String) {
        if text.lowercased() == "proficient" { self = .proficient; return }
        guard let x = Double(text), x.isFinite else { return nil }
        self = .score(x)
    }

    public var description: String {
        switch self {
        case .proficient: "proficient"
        case .score(let x): x == x.rounded() && abs(x) < 1e15 ? "\(Int(x))" : "\(x)"
        }
    }
}

/// What to simulate.
public struct AutoEnrollmentOptions: Sendable {
    /// The academic session; nil = the latest term with classes.
    public var term: String?
    /// The assessment subject; nil when the results hold one subject only.
    public var subject: String?
    /// Policies to compare side by side.
    public var thresholds: [AutoEnrollmentThreshold]
    /// Share of automatically enrolled students whose families opt out (0 ≤ r ≤ 1).
    public var optOutRate: Double
    /// Students within this many points below the cut-off are "near" it (candidates for
    /// support); nil = a quarter of the standard deviation of the eligible students' scores.
    public var band: Double?
    /// Students per new section; nil = the median size of the school's advanced classes
    /// this term (the district's median where it has none, 25 where nobody has one).
    public var classSize: Int?
    /// The dimension whose gap the per-school seats close.
    public var dimension: Dimension
    public var minimumN: Int

    public init(term: String? = nil, subject: String? = nil, thresholds: [AutoEnrollmentThreshold], optOutRate: Double = 0,
                band: Double? = nil, classSize: Int? = nil, dimension: Dimension = .race, minimumN: Int = 10) {
        self.term = term
        self.subject = subject
        self.thresholds = thresholds
        self.optOutRate = optOutRate
        self.band = band
        self.classSize = classSize
        self.dimension = dimension
        self.minimumN = minimumN
    }
}

/// A universal-identification policy projected onto one term: every eligible student
/// (in a grade the school offers an advanced class to) whose score reaches the cut-off is
/// enrolled in advanced coursework unless the family opts out; students already enrolled
/// stay. Participation, representation and missing students are the diagnostic's
/// measures (`Advanced`), before and after.
public struct AutoEnrollmentSimulation: Sendable, Codable, Equatable {
    public struct Group: Sendable, Codable, Equatable {
        public var group: String
        public var eligible: Int
        public var participantsNow: Int
        public var rateNow: Double
        public var participantsProjected: Int
        public var rateProjected: Double
        /// rate / overall rate, before and after.
        public var representationNow: Double
        public var representationProjected: Double
        /// Students missing against the other groups in their schools (Σ_s max(0, eligible_sg ·
        /// r_s,others − participants_sg)), before and after.
        public var missingNow: Double
        public var missingProjected: Double
        /// Eligible students of the group just below the cut-off and not enrolled.
        public var nearCutoff: Int
    }

    public struct DimensionView: Sendable, Codable, Equatable {
        public var dimension: Dimension
        public var groups: [Group]
    }

    public struct School: Sendable, Codable, Equatable {
        public var id: String
        public var name: String
        public var eligible: Int
        public var participantsNow: Int
        public var participantsProjected: Int
        /// Seats the policy fills beyond today's enrollment, and the sections they make.
        public var newSeats: Int
        public var classSize: Int
        public var newSections: Int
        /// Students still missing after the policy in the chosen dimension (Σ over groups).
        public var gapAfter: Double
        /// Seats (and sections) to take the policy's students and close the remaining gap
        /// in one year: newSeats + ⌈gapAfter⌉.
        public var seatsToCloseGap: Int
        public var sectionsToCloseGap: Int
        public var nearCutoff: Int
        /// The chosen dimension's groups in this school.
        public var groups: [Group]
    }

    /// A student just below the cut-off: `below` points under it.
    public struct NearStudent: Sendable, Codable, Equatable {
        public var student: String
        public var school: String
        public var score: Double
        public var below: Double
    }

    public struct Scenario: Sendable, Codable, Equatable {
        public var threshold: String
        /// Eligible students at or above the cut-off, those of them not yet enrolled (whom
        /// the policy enrolls), and those whose families opt out (drawn with the seed).
        public var qualifying: Int
        public var autoEnrolled: Int
        public var optedOut: Int
        public var participantsNow: Int
        public var participantsProjected: Int
        public var rateNow: Double
        public var rateProjected: Double
        /// (now + (1 − r) · autoEnrolled) / eligible: the projection without the draw.
        public var expectedRate: Double
        public var newSeats: Int
        public var newSections: Int
        public var seatsToCloseGap: Int
        public var sectionsToCloseGap: Int
        public var dimensions: [DimensionView]
        public var schools: [School]
        public var nearCutoff: [NearStudent]
    }

    public var termID: String
    public var termTitle: String
    public var subject: String
    public var optOutRate: Double
    public var seed: UInt64
    /// Points below the cut-off that count as near it (nil for the proficiency flag only).
    public var band: Double
    public var dimension: Dimension
    /// Students in a grade offered an advanced class, and those of them with a result.
    public var eligible: Int
    public var assessed: Int
    public var scenarios: [Scenario]
}

/// Simulates universal identification at each threshold (see `AutoEnrollmentSimulation`).
///
/// Opt-outs are drawn once per student that could be enrolled (u ~ U[0,1), in roster
/// order, opting out when u < r), and the same draws serve every threshold: a family
/// that declines at one cut-off declines at all, so thresholds differ only by the policy.
/// - Complexity: O(E + T · D · A) for E term enrollments, T thresholds, D dimensions and A
///   attendance pairs.
public func simulateAutoEnrollment<R: RandomNumberGenerator>(
    _ roster: Roster, options o: AutoEnrollmentOptions, seed: UInt64, using rng: inout R
) throws(DiagnosticError) -> AutoEnrollmentSimulation {
    let term = try TermView(roster, term: o.term)
    let termID = roster.sessions[term.term].id
    guard term.advancedSlot.contains(true) else { throw .noAdvancedClasses(termID) }
    guard !roster.assessments.isEmpty else { throw .noAssessments }
    let subjects = Array(Set(roster.assessments.map(\.subject))).sorted()
    let subject: String
    if let s = o.subject {
        guard subjects.contains(s) else { throw .unknownSubject(s, available: subjects) }
        subject = s
    } else {
        guard subjects.count == 1 else { throw .subjectNeeded(available: subjects) }
        subject = subjects[0]
    }
    let N = roster.students.count
    var score = [Double?](repeating: nil, count: N), proficient = [Bool?](repeating: nil, count: N)
    for a in roster.assessments where a.subject == subject {
        score[a.student] = a.score
        proficient[a.student] = a.proficient
    }
    // Eligible: the student's grade is offered an advanced class in a school she attends.
    var eligibleIn = [Int32](repeating: -1, count: N)   // first such school slot
    for (st, school) in term.attendance {
        guard let grade = roster.students[Int(st)].grade,
              term.advancedGrades[Int(school)] & (1 << UInt32(grade.ordinal)) != 0,
              eligibleIn[Int(st)] < 0 else { continue }
        eligibleIn[Int(st)] = school
    }
    let eligible = (0..<N).filter { eligibleIn[$0] >= 0 }
    let assessed = eligible.filter { score[$0] != nil }
    // One opt-out draw per student the policy could enroll, in roster order.
    var optsOut = [Bool](repeating: false, count: N)
    for st in assessed where !term.participates[st] {
        let u = Double(rng.next() >> 11) * 0x1p-53
        optsOut[st] = u < o.optOutRate
    }
    let scores = assessed.map { score[$0]! }
    let mean = scores.reduce(0, +) / Double(max(1, scores.count))
    let sd = (scores.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(max(1, scores.count))).squareRoot()
    let band = o.band ?? 0.25 * sd

    // Students per section: the median advanced class of each school this term.
    var size = [Int](repeating: 0, count: term.sections.count)
    for slot in term.enrollmentSlot { size[Int(slot)] += 1 }
    func median(_ xs: [Int]) -> Int? {
        guard !xs.isEmpty else { return nil }
        let s = xs.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2] + 1) / 2
    }
    let advancedSizes = term.sections.indices.filter { term.advancedSlot[$0] && size[$0] > 0 }
    let districtSize = median(advancedSizes.map { size[$0] }) ?? 25
    let classSize: [Int] = term.schools.indices.map { s in
        o.classSize ?? median(advancedSizes.filter { term.sectionSchool[$0] == s }.map { size[$0] }) ?? districtSize
    }

    var scenarios: [AutoEnrollmentSimulation.Scenario] = []
    for threshold in o.thresholds {
        func qualifies(_ st: Int) -> Bool {
            switch threshold {
            case .proficient: proficient[st] == true
            case .score(let x): (score[st] ?? -.infinity) >= x
            }
        }
        var projected = term.participates
        var qualifying = 0, autoEnrolled = 0, optedOut = 0
        var near: [Int] = []
        for st in eligible {
            if qualifies(st) {
                qualifying += 1
                guard !term.participates[st] else { continue }
                autoEnrolled += 1
                if optsOut[st] { optedOut += 1 } else { projected[st] = true }
            } else if case .score(let x) = threshold, let s = score[st], s >= x - band, !term.participates[st] {
                near.append(st)
            }
        }
        let isNear = Set(near)
        var dimensions: [AutoEnrollmentSimulation.DimensionView] = []
        var chosenNow: Advanced?, chosenAfter: Advanced?, chosenCode: [UInt8] = []
        for dimension in Dimension.five {
            let groups = dimension.rosterGroups, G = groups.count
            let code: [UInt8] = roster.students.map { UInt8($0.group(in: dimension) ?? G) }
            let now = participation(code: code, G: G, groups: groups, term: term, r: roster, minimumN: o.minimumN,
                                    grades: term.advancedGrades, takes: term.participates)
            let after = participation(code: code, G: G, groups: groups, term: term, r: roster, minimumN: o.minimumN,
                                      grades: term.advancedGrades, takes: projected)
            var nearByGroup = [Int](repeating: 0, count: G + 1)
            for st in near { nearByGroup[Int(code[st])] += 1 }
            dimensions.append(.init(dimension: dimension, groups: combine(now.groups, after.groups, near: nearByGroup)))
            if dimension == o.dimension { chosenNow = now; chosenAfter = after; chosenCode = code }
        }
        // Per school: seats the policy fills and the gap it leaves in the chosen dimension.
        var eligibleS = [Int](repeating: 0, count: term.schools.count), nowS = eligibleS, afterS = eligibleS, nearS = eligibleS
        var nearByGroupS = [[Int]](repeating: [Int](repeating: 0, count: o.dimension.rosterGroups.count + 1), count: term.schools.count)
        for (st, school) in term.attendance {
            guard let grade = roster.students[Int(st)].grade,
                  term.advancedGrades[Int(school)] & (1 << UInt32(grade.ordinal)) != 0 else { continue }
            let s = Int(school)
            eligibleS[s] += 1
            if term.participates[Int(st)] { nowS[s] += 1 }
            if projected[Int(st)] { afterS[s] += 1 }
            if isNear.contains(Int(st)) { nearS[s] += 1; nearByGroupS[s][Int(chosenCode[Int(st)])] += 1 }
        }
        let nowBySchool = Dictionary(uniqueKeysWithValues: chosenNow!.schools.map { ($0.id, $0.groups) })
        var schools: [AutoEnrollmentSimulation.School] = []
        for s in term.schools.indices where eligibleS[s] > 0 {
            let org = roster.orgs[term.schools[s]]
            let afterGroups = chosenAfter!.schools.first { $0.id == org.id }?.groups ?? []
            let groups = combine(nowBySchool[org.id] ?? [], afterGroups, near: nearByGroupS[s])
            let gap = groups.map(\.missingProjected).reduce(0, +)
            let newSeats = afterS[s] - nowS[s]
            let toClose = newSeats + Int((gap - 1e-9).rounded(.up))
            schools.append(.init(
                id: org.id, name: org.name, eligible: eligibleS[s], participantsNow: nowS[s], participantsProjected: afterS[s],
                newSeats: newSeats, classSize: classSize[s], newSections: sections(newSeats, classSize[s]),
                gapAfter: gap, seatsToCloseGap: toClose, sectionsToCloseGap: sections(toClose, classSize[s]),
                nearCutoff: nearS[s], groups: groups))
        }
        let nowCount = eligible.filter { term.participates[$0] }.count
        let afterCount = eligible.filter { projected[$0] }.count
        let E = Double(max(1, eligible.count))
        let nearList: [AutoEnrollmentSimulation.NearStudent] = near.map { st in
            let x: Double = if case .score(let c) = threshold { c } else { 0 }
            return .init(student: roster.students[st].id, school: roster.orgs[term.schools[Int(eligibleIn[st])]].id,
                         score: score[st]!, below: x - score[st]!)
        }.sorted { ($0.below, $0.school, $0.student) < ($1.below, $1.school, $1.student) }
        scenarios.append(.init(
            threshold: threshold.description, qualifying: qualifying, autoEnrolled: autoEnrolled, optedOut: optedOut,
            participantsNow: nowCount, participantsProjected: afterCount,
            rateNow: Double(nowCount) / E, rateProjected: Double(afterCount) / E,
            expectedRate: (Double(nowCount) + (1 - o.optOutRate) * Double(autoEnrolled)) / E,
            newSeats: schools.map(\.newSeats).reduce(0, +), newSections: schools.map(\.newSections).reduce(0, +),
            seatsToCloseGap: schools.map(\.seatsToCloseGap).reduce(0, +),
            sectionsToCloseGap: schools.map(\.sectionsToCloseGap).reduce(0, +),
            dimensions: dimensions, schools: schools, nearCutoff: nearList))
    }
    return AutoEnrollmentSimulation(
        termID: termID, termTitle: roster.sessions[term.term].title, subject: subject, optOutRate: o.optOutRate,
        seed: seed, band: band, dimension: o.dimension, eligible: eligible.count, assessed: assessed.count,
        scenarios: scenarios)
}

/// ⌈seats / size⌉ sections (none for no seats).
private func sections(_ seats: Int, _ size: Int) -> Int { seats <= 0 ? 0 : (seats + size - 1) / size }

/// The diagnostic's group measures before and after, side by side.
private func combine(_ now: [Advanced.Group], _ after: [Advanced.Group], near: [Int]) -> [AutoEnrollmentSimulation.Group] {
    zip(now, after).enumerated().map { k, pair in
        let (a, b) = pair
        return .init(group: a.group, eligible: a.eligible, participantsNow: a.participants, rateNow: a.rate,
                     participantsProjected: b.participants, rateProjected: b.rate,
                     representationNow: a.representationIndex, representationProjected: b.representationIndex,
                     missingNow: a.missing, missingProjected: b.missing, nearCutoff: near[k])
    }
}
