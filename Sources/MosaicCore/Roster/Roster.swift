/// One district's roster for a school year: its organisations, terms, courses,
/// classes (sections), students and enrollments, as imported from OneRoster plus the
/// Mosaic extension files (contract `roster.md`).
///
/// Entities refer to each other by index into their arrays; enrollments are stored
/// column-wise (a million students have about seven million) as pairs of indices.
public struct Roster: Sendable {
    public struct Org: Sendable, Equatable {
        public var id: String
        public var name: String
        /// OneRoster org type: `national`, `state`, `district`, `local`, `school`, `department`.
        public var type: String
        public var parent: Int?

        public init(id: String, name: String, type: String, parent: Int? = nil) {
            self.id = id
            self.name = name
            self.type = type
            self.parent = parent
        }
    }

    /// A OneRoster academic session: a school year, a term, a semester, a grading period.
    public struct Session: Sendable, Equatable {
        public var id: String
        public var title: String
        public var type: String
        /// ISO dates `YYYY-MM-DD`.
        public var startDate: String
        public var endDate: String
        public var parent: Int?
        public var schoolYear: Int

        public init(id: String, title: String, type: String, startDate: String, endDate: String, parent: Int? = nil, schoolYear: Int) {
            self.id = id
            self.title = title
            self.type = type
            self.startDate = startDate
            self.endDate = endDate
            self.parent = parent
            self.schoolYear = schoolYear
        }
    }

    public struct Course: Sendable, Equatable {
        public var id: String
        public var title: String
        /// The title in Spanish where the district gives one (`mosaic_courses.csv`
        /// column `titleEs`); family pages in Spanish show it, falling back to `title`.
        public var titleEs: String?
        public var code: String
        public var grades: [Grade]
        public var org: Int
        public var level: CourseLevel

        public init(id: String, title: String, titleEs: String? = nil, code: String, grades: [Grade], org: Int, level: CourseLevel) {
            self.id = id
            self.title = title
            self.titleEs = titleEs
            self.code = code
            self.grades = grades
            self.org = org
            self.level = level
        }
    }

    /// A class (section): one course taught to one group of students in one school.
    public struct Section: Sendable, Equatable {
        public var id: String
        public var title: String
        public var course: Int
        public var school: Int
        public var terms: [Int]
        public var periods: [String]
        /// The grades the class lists; empty means the course's grades.
        public var grades: [Grade]

        public init(id: String, title: String, course: Int, school: Int, terms: [Int], periods: [String], grades: [Grade]) {
            self.id = id
            self.title = title
            self.course = course
            self.school = school
            self.terms = terms
            self.periods = periods
            self.grades = grades
        }
    }

    /// A student's choice of honors credit in an open-honors class (extension file
    /// `mosaic_open_honors.csv`): opted in on `optedIn`, and out again on `optedOut` if she
    /// dropped it. Dates are ISO `YYYY-MM-DD`.
    public struct OpenHonorsChoice: Sendable, Equatable {
        public var student: Int
        public var section: Int
        public var optedIn: String
        public var optedOut: String?

        public init(student: Int, section: Int, optedIn: String, optedOut: String? = nil) {
            self.student = student
            self.section = section
            self.optedIn = optedIn
            self.optedOut = optedOut
        }

        /// Whether the student holds honors credit on `date` (ISO): opted in on or before
        /// it, and not opted out on or before it.
        public func holds(on date: String) -> Bool {
            optedIn <= date && (optedOut.map { $0 > date } ?? true)
        }
    }

    /// A student's result on a state assessment (extension file `mosaic_assessments.csv`):
    /// the scale score in a subject and, when the state reports it, whether it is proficient.
    /// Universal-identification policies enroll students in advanced courses from these.
    public struct Assessment: Sendable, Equatable {
        public var student: Int
        public var subject: String
        public var score: Double
        public var proficient: Bool?

        public init(student: Int, subject: String, score: Double, proficient: Bool? = nil) {
            self.student = student
            self.subject = subject
            self.score = score
            self.proficient = proficient
        }
    }

    /// A reference composition, for example the state: counts per group name, per dimension.
    public typealias Reference = [Dimension: [String: Int]]

    /// `1.1` or `1.2`.
    public var version: String
    public var orgs: [Org]
    public var sessions: [Session]
    public var courses: [Course]
    public var sections: [Section]
    public var students: [Student]
    /// Enrollment e puts student `enrollmentStudent[e]` in section `enrollmentSection[e]`.
    public var enrollmentSection: [Int32]
    public var enrollmentStudent: [Int32]
    public var reference: Reference?
    /// The open-honors ledger: who opted in (and out) of honors credit in which class.
    public var openHonors: [OpenHonorsChoice]
    /// State assessment results, one per student and subject.
    public var assessments: [Assessment]

    public init(
        version: String, orgs: [Org], sessions: [Session], courses: [Course], sections: [Section],
        students: [Student], enrollmentSection: [Int32], enrollmentStudent: [Int32], reference: Reference? = nil,
        openHonors: [OpenHonorsChoice] = [], assessments: [Assessment] = []
    ) {
        self.openHonors = openHonors
        self.assessments = assessments
        self.version = version
        self.orgs = orgs
        self.sessions = sessions
        self.courses = courses
        self.sections = sections
        self.students = students
        self.enrollmentSection = enrollmentSection
        self.enrollmentStudent = enrollmentStudent
        self.reference = reference
    }

    public var enrollmentCount: Int { enrollmentSection.count }

    /// The grades a section serves: its own, or its course's when it lists none.
    public func grades(of section: Section) -> [Grade] {
        section.grades.isEmpty ? courses[section.course].grades : section.grades
    }

    /// The sessions some section is scheduled in, latest start first: the terms a
    /// diagnostic can run on.
    public var termsWithSections: [Int] {
        var used = Set<Int>()
        for s in sections { used.formUnion(s.terms) }
        return used.sorted { (sessions[$0].startDate, sessions[$0].id) > (sessions[$1].startDate, sessions[$1].id) }
    }
}
