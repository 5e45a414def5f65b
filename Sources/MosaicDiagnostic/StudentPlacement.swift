import MosaicCore

/// One student of a school in a term: who they are, how many of the school's classes
/// they take, the advanced levels among them, and whether an advanced class of their
/// school lists their grade (eligible). Student-level: for the district's own staff only.
public struct StudentPlacement: Sendable, Equatable {
    public var student: Student
    public var classes: Int
    /// Distinct advanced levels (honors, open honors, AP, IB, dual, gifted) of their classes
    /// in the term, in any school (as the diagnostic counts participation).
    public var advancedLevels: [CourseLevel]
    public var eligible: Bool

    /// Eligible for an advanced class and in none: the students universal identification
    /// would look at first.
    public var missingFromAdvanced: Bool { eligible && advancedLevels.isEmpty }
}

/// The students of `school` in a term of the roster, in roster order; nil when the school
/// has no class in the term. A student enrolled in two schools appears in each.
public func placements(in roster: Roster, term: String, school: String) throws(DiagnosticError) -> [StudentPlacement]? {
    let view = try TermView(roster, term: term)
    guard let slot = view.schools.firstIndex(where: { roster.orgs[$0].id == school }) else { return nil }
    var classes: [Int: Int] = [:], levels: [Int: Set<CourseLevel>] = [:]
    for (e, st) in view.enrollmentStudent.enumerated() {
        let c = Int(view.enrollmentSlot[e])
        // Advanced levels anywhere in the term, as the diagnostic counts participation.
        let level = roster.courses[roster.sections[view.sections[c]].course].level
        if level.isAdvanced { levels[Int(st), default: []].insert(level) }
        if view.sectionSchool[c] == slot { classes[Int(st), default: 0] += 1 }
    }
    return classes.keys.sorted().map { st in
        let student = roster.students[st]
        let eligible = student.grade.map { view.advancedGrades[slot] & (1 << UInt32($0.ordinal)) != 0 } ?? false
        return StudentPlacement(student: student, classes: classes[st]!,
                                advancedLevels: CourseLevel.allCases.filter { levels[st]?.contains($0) == true }, eligible: eligible)
    }
}
