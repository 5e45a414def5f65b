import MosaicCore

/// Turns the numbers into findings, each naming the guidebook's root cause and its
/// actions. Thresholds:
/// - across schools: the district's D ≥ 0.30 (Massey & Denton's "moderate"), and each
///   school whose mix is 25 points or more from the district's (`½ Σ |p − P| ≥ 0.25`);
/// - scheduling: a school whose sections of the same course are more segregated than
///   dealing each course's students to its sections at random makes them, significant
///   after Benjamini–Hochberg across the district's schools (small classrooms differ by
///   chance: chance is never flagged; differences between programmes, levels and courses
///   are not the schedule's);
/// - course enrollment (tracking): a school whose classrooms are segregated beyond chance
///   with a quarter or more of their M between course levels (the level layer);
/// - course enrollment (access): a group whose access to advanced courses offered to its
///   grade somewhere in the district is 10 points or more below the best-served group's;
/// - course enrollment: a group whose advanced participation is below four fifths of the
///   overall rate (the "80 % rule" of disparate-impact review) with students missing.
/// Every finding rests on at least `minimumN` students.
enum Findings {
    static let districtD = 0.30
    static let schoolDissimilarity = 0.25
    static let underRepresentation = 0.8
    /// A school's classes are tracked when the level layer holds a quarter
    /// of their M or more.
    static let trackingShare = 0.25
    /// An access gap worth a finding: 10 percentage points.
    static let accessGap = 10.0

    static func derive(_ dimensions: [DimensionResult], options o: DiagnosticOptions) -> [Finding] {
        var out: [Finding] = []
        let across = o.guidebook.actions(for: "districtPolicies", scope: "acrossSchools")
        let scheduling = o.guidebook.actions(for: "scheduling", scope: "withinSchools")
        let course = o.guidebook.actions(for: "courseEnrollment", scope: "withinSchools")
        for d in dimensions {
            let what = d.dimension.phrase
            let P = d.counts.map { d.known > 0 ? Double($0) / Double(d.known) : 0 }
            // Across schools.
            if d.acrossSchools.D >= districtD && d.known >= o.minimumN {
                let far = d.acrossSchools.schools.filter { $0.dissimilarityVsDistrict >= schoolDissimilarity }.count
                out.append(Finding(
                    level: .acrossSchools, dimension: d.dimension, subject: "district", metric: "D", value: d.acrossSchools.D,
                    message: "Schools do not reflect the district (\(what)): D = \(fixed(d.acrossSchools.D, 2)) across \(d.acrossSchools.schools.count) schools (\(d.acrossSchools.D >= 0.6 ? "high" : "moderate"), Massey & Denton); \(far) school\(far == 1 ? " differs" : "s differ") from the district mix by 25 points or more.",
                    actions: across))
            }
            for s in d.acrossSchools.schools.sorted(by: { $0.dissimilarityVsDistrict > $1.dissimilarityVsDistrict })
            where s.dissimilarityVsDistrict >= schoolDissimilarity && s.counts.reduce(0, +) >= o.minimumN {
                let t = Double(s.counts.reduce(0, +))
                let k = (0..<d.groups.count).max { Double(s.counts[$0]) / t - P[$0] < Double(s.counts[$1]) / t - P[$1] }!
                out.append(Finding(
                    level: .acrossSchools, dimension: d.dimension, subject: s.id, metric: "dissimilarityVsDistrict",
                    value: s.dissimilarityVsDistrict,
                    message: "\(s.name) differs from the district's \(what) mix by \(Int((s.dissimilarityVsDistrict * 100).rounded())) points: \(percent(Double(s.counts[k]) / t)) \(Dimension.label(d.groups[k])) against \(percent(P[k])) district-wide.",
                    actions: across, counts: s.counts + [s.unknown],
                    outline: "\(s.name) differs from the district's \(what) mix by 25 points or more (its figures are not shown publicly: a group of the school is small)."))
            }
            // Scheduling: sections of the same course sorted beyond chance. Differences between
            // programmes, levels, grades and courses are not the schedule's doing.
            let tested = d.withinSchools.schools.count
            let sorted = d.withinSchools.schools.filter { $0.section?.significant == true }
            for s in sorted.sorted(by: { $0.section!.excessM > $1.section!.excessM }) {
                let seats = s.classrooms.reduce(0) { $0 + $1.students }
                guard seats >= o.minimumN, let b = s.section, let layers = s.layers else { continue }
                let courses = (s.courses ?? []).prefix(3)
                let named = Set(courses.map(\.id))
                let worst = s.classrooms.filter { $0.course.map(named.contains) ?? false }
                    .sorted { $0.dissimilarityVsSchool > $1.dissimilarityVsSchool }.prefix(3)
                let courseList = courses.map { "\($0.title) (\($0.sections) sections, \(percent(layers.section > 0 ? $0.M / layers.section : 0)) of it)" }
                    .joined(separator: ", ")
                let head = "Sections of the same course in \(s.name) are sorted by \(what) beyond chance: M(section | course) = \(fixed(layers.section, 4)) against \(fixed(b.expectedM, 4)) if each course's students were dealt to its sections at random (p = \(fixed(b.pValue, 3)), significant across \(tested) schools after Benjamini–Hochberg). Courses whose sections differ most: \(courseList)."
                out.append(Finding(
                    level: .scheduling, dimension: d.dimension, subject: s.id, metric: "excessM", value: b.excessM,
                    message: worst.isEmpty ? head : head + " Sections furthest from the school's mix: \(worst.map { "\($0.title) (\(Int(($0.dissimilarityVsSchool * 100).rounded())) points)" }.joined(separator: ", ")).",
                    actions: scheduling, counts: worst.flatMap(\.counts), outline: head))
            }
            // Course enrollment: classes sorted beyond chance, a quarter or more of it between course levels (tracking).
            for s in d.withinSchools.schools where s.significant {
                guard let layers = s.layers, layers.share(.level) >= trackingShare,
                      s.classrooms.reduce(0, { $0 + $1.students }) >= o.minimumN else { continue }
                out.append(Finding(
                    level: .courseEnrollment, dimension: d.dimension, subject: s.id, metric: "levelShare", value: layers.share(.level),
                    message: "Classes in \(s.name) are sorted by \(what) beyond chance, and \(percent(layers.share(.level))) of that segregation lies between course levels (honors, AP and other advanced levels against general: M = \(fixed(layers.level, 4)) of \(fixed(layers.total, 4))); \(percent(layers.share(.section))) lies between sections of a course. Who is placed in which level is a course enrollment practice.",
                    actions: course, counts: []))
            }
            // Access: the district offers advanced courses to a grade, but not in the schools
            // where a group's students are.
            for g in d.advanced.groups {
                guard let offered = g.inOfferedGrades, let rate = g.accessRate, let gap = g.accessGapPP,
                      offered >= o.minimumN, gap >= accessGap, offered - g.eligible >= o.minimumN else { continue }
                let best = d.advanced.groups.filter { ($0.inOfferedGrades ?? 0) >= o.minimumN }
                    .max { ($0.accessRate ?? 0) < ($1.accessRate ?? 0) }
                out.append(Finding(
                    level: .courseEnrollment, dimension: d.dimension, subject: "district", metric: "accessGapPP", value: gap,
                    message: "\(capitalized(Dimension.label(g.group))) students are less often in a school that offers advanced courses to their grade: \(percent(rate)) of them\(best.map { ", against \(percent($0.accessRate ?? 0)) of \(Dimension.label($0.group)) students" } ?? "") (\(Int(gap.rounded())) points); \(offered - g.eligible) of them are in a grade the district offers such courses to, but not in their school.",
                    actions: course, counts: [offered, g.eligible, offered - g.eligible],
                    outline: "\(capitalized(Dimension.label(g.group))) students are less often in a school that offers advanced courses to their grade (its figures are not shown publicly: they would let a count under the minimum be worked out).",
                    group: g.group))
            }
            // Course enrollment: advanced participation.
            func underRepresented(_ g: Advanced.Group) -> Bool {
                g.eligible >= o.minimumN && g.representationIndex < underRepresentation && g.missing >= 1
            }
            for g in d.advanced.groups where underRepresented(g) {
                out.append(Finding(
                    level: .courseEnrollment, dimension: d.dimension, subject: "district", metric: "representationIndex",
                    value: g.representationIndex,
                    message: "\(capitalized(Dimension.label(g.group))) students take advanced courses at \(percent(g.rate)) against \(percent(d.advanced.overallRate)) overall (representation \(fixed(g.representationIndex, 2))): \(Int(g.missing.rounded())) students missing if they took part at the rate of the other students in their schools, \(Int(g.missingToHighest.rounded())) to reach the highest group's rate\(reference(g, d.advanced.reference)).",
                    actions: course, counts: [g.eligible, g.participants, g.eligible - g.participants, Int(g.missing.rounded()), Int(g.missingToHighest.rounded())]
                        + (g.missingToReference.map { [Int($0.rounded())] } ?? []),
                    outline: "\(capitalized(Dimension.label(g.group))) students take advanced courses at less than four fifths of the overall rate (its figures are not shown publicly: they would let a count under the minimum be worked out).",
                    group: g.group))
            }
            // Schools, the most missing students first.
            let schoolGaps = d.advanced.schools.flatMap { s in
                s.groups.filter { underRepresented($0) && $0.missing >= Double(o.minimumN) / 2 }.map { (s, $0) }
            }.sorted { $0.1.missing > $1.1.missing }
            for (s, g) in schoolGaps {
                out.append(Finding(
                    level: .courseEnrollment, dimension: d.dimension, subject: s.id, metric: "representationIndex",
                    value: g.representationIndex,
                    message: "In \(s.name), \(Dimension.label(g.group)) students take advanced courses at \(percent(g.rate)) (representation \(fixed(g.representationIndex, 2))): \(Int(g.missing.rounded())) missing at the school's rate for other students.",
                    actions: course, counts: [g.eligible, g.participants, g.eligible - g.participants, Int(g.missing.rounded())],
                    outline: "In \(s.name), \(Dimension.label(g.group)) students take advanced courses at less than four fifths of the school's overall rate (its figures are not shown publicly: they would let a count under the minimum be worked out).",
                    group: g.group))
            }
        }
        return out
    }

    /// ", 40 to reach the rate of White or Asian students, not economically disadvantaged (52 %)".
    static func reference(_ g: Advanced.Group, _ r: Advanced.Reference?) -> String {
        guard let r, let m = g.missingToReference, r.eligible > 0 else { return "" }
        return ", \(Int(m.rounded())) to reach the rate of \(r.name) (\(percent(r.rate)))"
    }

    static func capitalized(_ s: String) -> String { s.prefix(1).uppercased() + s.dropFirst() }

    static func fixed(_ x: Double, _ digits: Int) -> String { Format.fixed(x, digits) }
    static func percent(_ share: Double) -> String { Format.percent(share, digits: 0) }
}

/// Information about a designated programme (ESL, intervention, self-contained): where a
/// group's class seats are, by design. Never a finding about scheduling (contract
/// `diagnose.md`, "Attribution of classroom segregation").
public struct ProgrammeNote: Sendable, Equatable {
    public var dimension: Dimension
    public var group: String
    public var level: CourseLevel
    /// The group's seats in the programme's classes, and all its seats.
    public var programmeSeats: Int
    public var seats: Int
    /// The programme's share of every group's seats together.
    public var overallShare: Double
    public var share: Double { seats > 0 ? Double(programmeSeats) / Double(seats) : 0 }

    /// "62 % of English learners' class seats are in ESL classes (9 % of all seats)."
    public var message: String {
        "\(Format.percent(share, digits: 0)) of \(Dimension.label(group))' class seats are in \(level.title) classes (\(Format.percent(overallShare, digits: 0)) of all seats): a designated programme, placed by need."
    }
}

extension DimensionResult {
    /// The district's designated programmes that hold a large part of a group's seats: a
    /// fifth or more of them, and at least twice the programme's share of all seats, for
    /// a group with `minimumN` seats or more.
    public func programmeNotes(minimumN: Int) -> [ProgrammeNote] {
        guard let programmes = withinSchools.programmes, let seats = withinSchools.seats else { return [] }
        let all = seats.reduce(0, +)
        guard all > 0 else { return [] }
        var notes: [ProgrammeNote] = []
        for p in programmes {
            let overall = Double(p.seats.reduce(0, +)) / Double(all)
            for g in groups.indices where g < seats.count && seats[g] >= minimumN {
                let note = ProgrammeNote(dimension: dimension, group: groups[g], level: p.level, programmeSeats: p.seats[g],
                                         seats: seats[g], overallShare: overall)
                if note.share >= 0.2 && note.share >= 2 * overall { notes.append(note) }
            }
        }
        return notes.sorted { $0.share > $1.share }
    }
}

extension Finding {
    /// How many students the finding is about, to rank findings of every kind on one
    /// scale: the students of the schools 25 points or more off the district's mix (the
    /// district across schools), a school's students (one school off the mix, its sorted
    /// sections, its tracked classes), a group's students in a grade offered advanced
    /// courses elsewhere but not in their school (access), or the missing students
    /// (participation). 0 when the diagnostic no longer holds what the finding names.
    /// - Complexity: O(schools + groups) of the finding's dimension.
    public func studentsAffected(in d: Diagnostic) -> Int {
        guard let dim = d.dimensions.first(where: { $0.dimension == dimension }) else { return 0 }
        let schoolStudents = { (id: String) in dim.acrossSchools.schools.first { $0.id == id }?.students ?? 0 }
        switch (level, metric) {
        case (.acrossSchools, "D"):
            return dim.acrossSchools.schools.filter { $0.dissimilarityVsDistrict >= Findings.schoolDissimilarity }.reduce(0) { $0 + $1.students }
        case (.acrossSchools, _), (.scheduling, _), (.courseEnrollment, "levelShare"):
            return schoolStudents(subject)
        case (.courseEnrollment, "accessGapPP"):
            guard let g = dim.advanced.groups.first(where: { $0.group == group }), let offered = g.inOfferedGrades else { return 0 }
            return max(0, offered - g.eligible)
        case (.courseEnrollment, _):
            let groups = subject == "district" ? dim.advanced.groups : dim.advanced.schools.first { $0.id == subject }?.groups ?? []
            return groups.first { $0.group == group }.map { Int($0.missing.rounded()) } ?? 0
        }
    }
}

extension Diagnostic {
    /// Every finding, the most students affected first (`Finding.studentsAffected`); ties
    /// keep the order the findings were derived in.
    public var rankedFindings: [(finding: Finding, students: Int)] {
        findings.enumerated().map { (i: $0.offset, f: $0.element, n: $0.element.studentsAffected(in: self)) }
            .sorted { $0.n != $1.n ? $0.n > $1.n : $0.i < $1.i }
            .map { ($0.f, $0.n) }
    }
}
