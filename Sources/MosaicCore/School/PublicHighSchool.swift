/// One US public high school as federal public data describes it (the Civil Rights Data
/// Collection, contract `crdc.md`): its students and its AP students by race, and
/// whether it offers AP at all. No ids: a district is (state, district name), a school
/// (state, district, school name), names as written in the source.
public struct PublicHighSchool: Sendable, Equatable {
    /// The federal seven, in the source's column order (contract `crdc.md`).
    public static let raceGroups = ["americanIndian", "asian", "black", "hispanic", "pacificIslander", "multiracial", "white"]
    /// The index of `white` in ``raceGroups``: students of colour are the others.
    public static let white = 6

    /// A state as pages write it: "NEW YORK" → "New York", "DISTRICT OF COLUMBIA" →
    /// "District of Columbia" (federal files write states in capitals).
    public static func stateName(_ state: String) -> String {
        state.lowercased().split(separator: " ").enumerated().map { i, w in
            i > 0 && ["of", "and", "the"].contains(w) ? String(w) : w.prefix(1).uppercased() + w.dropFirst()
        }.joined(separator: " ")
    }

    public var state: String
    public var district: String
    public var name: String
    /// Whether the school offers any AP course.
    public var offersAP: Bool
    /// All students, per group of ``raceGroups`` (a cell not reported counts as 0).
    public var students: [Int]
    /// Students in at least one AP course, per group (zeros without AP).
    public var apStudents: [Int]
    /// Cells the source left unreported (`NA`), counted as 0 above.
    public var unreported: Int
    /// The source line of the school's enrolment row, for messages.
    public var line: Int

    public init(state: String, district: String, name: String, offersAP: Bool, students: [Int], apStudents: [Int],
                unreported: Int = 0, line: Int = 0) {
        self.state = state
        self.district = district
        self.name = name
        self.offersAP = offersAP
        self.students = students
        self.apStudents = apStudents
        self.unreported = unreported
        self.line = line
    }
}
