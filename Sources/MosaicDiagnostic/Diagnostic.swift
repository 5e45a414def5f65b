import MosaicCore
import MosaicMetrics

/// The answer to "is each student enrolled in a school and attending classes that are
/// racially/ethnically and socioeconomically diverse?" for one term of a roster, at the
/// three levels and for every dimension, with the findings and their actions
/// (contract `diagnose.md`).
public struct Diagnostic: Sendable, Codable, Equatable {
    public var termID: String
    public var termTitle: String
    /// Students enrolled in at least one class of the term.
    public var students: Int
    public var schools: Int
    public var classes: Int
    public var enrollments: Int
    public var baselineDraws: Int
    public var seed: UInt64
    public var dimensions: [DimensionResult]
    public var findings: [Finding]
    /// Open honors on the term's last day (nil without open-honors classes, and in a
    /// diagnostic stored before it was kept).
    public var openHonors: OpenHonorsSummary? = nil
    /// Schoolwide enrichment this school year, district-wide (nil before a round is
    /// assigned): set by the service when it assigns a round.
    public var enrichment: EnrichmentSummary? = nil
    /// What the district is measured against at the first level ("New York City public
    /// schools, 2017-18"); nil without a reference or a name for it.
    public var referenceName: String? = nil
    /// For a district known from public data only (contract `crdc.md`): the source, its
    /// state's figures and its peers (nil for a roster or school-count district).
    public var publicData: PublicDataContext? = nil
}

/// Where a public-data district stands in its state: the source (labelled wherever it is
/// shown), the percentile of its D among the state's districts with two or more high
/// schools, and the districts of the state nearest to it in size and composition.
public struct PublicDataContext: Sendable, Codable, Equatable {
    public struct Peer: Sendable, Codable, Equatable {
        public var id: String
        public var name: String
        public var students: Int
        public var studentsOfColorShare: Double
        public var highSchools: Int
        public var D: Double
        public init(id: String, name: String, students: Int, studentsOfColorShare: Double, highSchools: Int, D: Double) {
            self.id = id
            self.name = name
            self.students = students
            self.studentsOfColorShare = studentsOfColorShare
            self.highSchools = highSchools
            self.D = D
        }
    }

    /// "public data: CRDC 2015-16, high schools".
    public var source: String
    public var state: String
    public var statePercentileD: Double?
    /// The state's districts with two or more high schools (the percentile's base).
    public var districtsCompared: Int
    public var highSchoolsWithAP: Int
    public var studentsOfColorShare: Double?
    public var apStudentsOfColorShare: Double?
    public var peers: [Peer]

    public init(source: String, state: String, statePercentileD: Double?, districtsCompared: Int, highSchoolsWithAP: Int,
                studentsOfColorShare: Double?, apStudentsOfColorShare: Double?, peers: [Peer]) {
        self.source = source
        self.state = state
        self.statePercentileD = statePercentileD
        self.districtsCompared = districtsCompared
        self.highSchoolsWithAP = highSchoolsWithAP
        self.studentsOfColorShare = studentsOfColorShare
        self.apStudentsOfColorShare = apStudentsOfColorShare
        self.peers = peers
    }
}

/// Who holds honors credit in the term's open-honors classes on one day, by group: the
/// district's `OpenHonorsParticipation`, kept with the diagnostic so trends and action
/// plans follow it term by term.
public struct OpenHonorsSummary: Sendable, Codable, Equatable {
    public var date: String
    public var total: OpenHonorsParticipation.GroupCount
    /// Dimension (raw value) → group → counts.
    public var groups: [String: [String: OpenHonorsParticipation.GroupCount]]

    /// The term's open-honors classes on its last day; nil when it has none.
    public init?(_ roster: Roster, term: Roster.Session) {
        let p = OpenHonorsParticipation(roster, on: term.endDate)
        guard p.district.total.enrolled > 0 else { return nil }
        date = term.endDate
        total = p.district.total
        groups = p.district.groups
    }
}

/// One dimension (race, economic, …) at every level.
public struct DimensionResult: Sendable, Codable, Equatable {
    public var dimension: Dimension
    /// The dimension's groups (roster groups, `unknown` apart).
    public var groups: [String]
    /// Students per group, district-wide; `unknown` apart.
    public var counts: [Int]
    public var unknown: Int
    /// `½ Σ_k |P_k − r_k|` against the roster's reference, when it has one for this dimension.
    public var districtVsReference: Double?
    /// The reference's counts per group (same order as `groups`) when there is one: the
    /// composition the district is measured against (public figures, such as the state's).
    public var referenceCounts: [Int]? = nil
    public var acrossSchools: AcrossSchools
    public var withinSchools: WithinSchools
    public var advanced: Advanced

    public var known: Int { counts.reduce(0, +) }

    /// The reference's share of each group, when the dimension has a reference.
    public var referenceShares: [Double]? {
        guard let r = referenceCounts, case let total = r.reduce(0, +), total > 0 else { return nil }
        return r.map { Double($0) / Double(total) }
    }
}

/// Schools as units, each against the district.
public struct AcrossSchools: Sendable, Codable, Equatable {
    public struct School: Sendable, Codable, Equatable {
        public var id: String
        public var name: String
        public var counts: [Int]
        public var unknown: Int
        /// `½ Σ_k |p_sk − P_k|`.
        public var dissimilarityVsDistrict: Double
        public var students: Int { counts.reduce(0, +) + unknown }
    }

    public var D: Double
    public var H: Double
    public var M: Double
    public var schools: [School]
}

/// Classrooms inside schools: classroom seats (a student once per class).
public struct WithinSchools: Sendable, Codable, Equatable {
    public struct Classroom: Sendable, Codable, Equatable {
        public var id: String
        public var title: String
        public var counts: [Int]
        /// `½ Σ_k |p_ck − q_sk|` against its school's seats.
        public var dissimilarityVsSchool: Double
        /// The class's course (roster sourcedId); nil in a diagnostic stored before it was kept.
        public var course: String? = nil
        public var students: Int { counts.reduce(0, +) }
    }

    /// A course whose sections are not alike: its part of the school's section layer.
    public struct CourseSections: Sendable, Codable, Equatable {
        public var id: String
        public var title: String
        public var sections: Int
        public var seats: Int
        /// `(T_c / T_s) · M_c(sections)`: the course's term of M(section | course); the
        /// school's courses add up to the section layer.
        public var M: Double
    }

    /// The section layer against random assignment within each course (contract
    /// `diagnose.md`, "Attribution of classroom segregation").
    public struct SectionBaseline: Sendable, Codable, Equatable {
        /// Mean M(section | course) over random assignments that deal each course's seats to
        /// its own sections, every section's size kept.
        public var expectedM: Double
        public var excessM: Double
        public var pValue: Double
        /// After Benjamini–Hochberg at q = 0.05 across the district's schools, and excess > 0.
        public var significant: Bool
    }

    /// Seats of each group in one designated programme (ESL, intervention, self-contained).
    public struct ProgrammeSeats: Sendable, Codable, Equatable {
        public var level: CourseLevel
        /// Seats per group, in the dimension's group order.
        public var seats: [Int]

        public init(level: CourseLevel, seats: [Int]) {
            self.level = level
            self.seats = seats
        }
    }

    public struct School: Sendable, Codable, Equatable {
        public var id: String
        public var name: String
        /// H of the school's classrooms against its own seats.
        public var H: Double
        /// Mean H over random assignments keeping class sizes and the school's group totals.
        public var expectedH: Double
        public var excessH: Double
        public var pValue: Double
        /// Whether `pValue` stays significant after Benjamini–Hochberg across the schools.
        public var significant: Bool
        public var classrooms: [Classroom]
        /// The school's classroom M split by the chain rule (nil in a diagnostic stored before
        /// the attribution was kept).
        public var layers: ClassroomLayers? = nil
        public var section: SectionBaseline? = nil
        /// Courses with two or more sections that are not alike, the largest part first (at most five).
        public var courses: [CourseSections]? = nil
        /// Seats per designated programme, by group.
        public var programmes: [ProgrammeSeats]? = nil
        /// All the school's seats per group (the programmes' denominators).
        public var seats: [Int]? = nil
    }

    public var hBetween, hWithin, mBetween, mWithin: Double
    public var schools: [School]
    /// The district's layers: each the seat-weighted sum of its schools', adding up to `mWithin`.
    public var layers: ClassroomLayers? = nil
    /// Seats per designated programme and group, district-wide.
    public var programmes: [ProgrammeSeats]? = nil
    /// All seats per group, district-wide.
    public var seats: [Int]? = nil
}

/// A school's (or the district's) classroom M by the chain rule over programme › level ›
/// course › section (contract `diagnose.md`): the four terms add up to M over its classes.
public struct ClassroomLayers: Sendable, Codable, Equatable {
    /// Designated programmes (ESL, intervention, self-contained) apart from general classes.
    public var programme: Double
    /// Course levels inside a programme: tracking (honors, AP … against general).
    public var level: Double
    /// Courses inside a level: grades and subjects (context).
    public var course: Double
    /// Sections inside a course: scheduling.
    public var section: Double

    public init(programme: Double, level: Double, course: Double, section: Double) {
        self.programme = programme
        self.level = level
        self.course = course
        self.section = section
    }

    public var total: Double { programme + level + course + section }

    public enum Layer: String, CaseIterable, Sendable {
        case programme, level, course, section
    }

    public subscript(_ layer: Layer) -> Double {
        switch layer {
        case .programme: programme
        case .level: level
        case .course: course
        case .section: section
        }
    }

    /// The layer's share of the total (0 when the total is 0).
    public func share(_ layer: Layer) -> Double { total > 0 ? self[layer] / total : 0 }
}

extension WithinSchools {
    /// `programmeSeats[g]`: the share of group g's seats that are in designated-programme
    /// classes, from per-programme and total seats (0 for a group with no seats).
    public static func programmeShares(_ programmes: [ProgrammeSeats], seats: [Int]) -> [Double] {
        seats.indices.map { g in
            seats[g] > 0 ? Double(programmes.reduce(0) { $0 + $1.seats[g] }) / Double(seats[g]) : 0
        }
    }
}

/// Participation in advanced courses (honors, open honors, AP, IB, dual, gifted).
public struct Advanced: Sendable, Codable, Equatable {
    public struct Group: Sendable, Codable, Equatable {
        public var group: String
        public var eligible: Int
        public var participants: Int
        public var rate: Double
        /// rate / overall rate.
        public var representationIndex: Double
        /// 100 × (highest group rate − rate).
        public var gapToHighestPP: Double
        /// Σ_s max(0, eligible_sg · r_s,others − participants_sg).
        public var missing: Double
        /// max(0, eligible_g · highest rate − participants_g).
        public var missingToHighest: Double
        /// Students of the group whose grade has an advanced class in some school of the
        /// district (district-wide groups only; nil in a school's and in a stored diagnostic).
        public var inOfferedGrades: Int? = nil
        /// eligible / inOfferedGrades: how many of them attend a school that offers it to their grade.
        public var accessRate: Double? = nil
        /// 100 × (highest group's accessRate − accessRate).
        public var accessGapPP: Double? = nil
        /// max(0, eligible_g · rate of the reference group − participants_g).
        public var missingToReference: Double? = nil
    }

    /// The group families are measured against (Equal Opportunity Schools' benchmark):
    /// who it is and how it takes part.
    public struct Reference: Sendable, Codable, Equatable {
        public var name: String
        /// The criteria, as `--reference-group` takes them (`race=white,asian`).
        public var criteria: [String]
        public var eligible: Int
        public var participants: Int
        public var rate: Double
    }

    public struct School: Sendable, Codable, Equatable {
        public var id: String
        public var name: String
        public var groups: [Group]
    }

    /// One advanced level (honors, open honors, AP, IB, dual, gifted) on its own: eligible
    /// where a class of the level lists the student's grade in their school.
    public struct Level: Sendable, Codable, Equatable {
        public var level: CourseLevel
        public var overallRate: Double
        public var groups: [Group]
        public var schools: [School]
    }

    public var overallRate: Double
    public var groups: [Group]
    public var schools: [School]
    /// The levels the term offers (nil in a diagnostic stored before levels were kept, and
    /// in a term of school counts).
    public var levels: [Level]?
    /// The reference group of `missingToReference` (nil in a stored diagnostic from before).
    public var reference: Reference? = nil
}

/// A finding names the level of the guidebook's root cause and the actions that fit.
public struct Finding: Sendable, Codable, Equatable {
    public enum Level: String, Sendable, Codable, Equatable {
        case acrossSchools, courseEnrollment, scheduling
        /// The guidebook's root-cause id.
        public var rootCause: String {
            switch self {
            case .acrossSchools: "districtPolicies"
            case .courseEnrollment: "courseEnrollment"
            case .scheduling: "scheduling"
            }
        }
    }

    public var level: Level
    public var dimension: Dimension
    /// A school or class id, or `district`.
    public var subject: String
    public var metric: String
    public var value: Double
    public var message: String
    public var actions: [Guidebook.Action]
    /// The student counts `message` states or lets a reader work out (a share of a shown
    /// total, missing students, class compositions); nil when it rests on more than a
    /// view may check. A public view shows `message` only when none of these is
    /// suppressed, and `outline` otherwise.
    public var counts: [Int]?
    /// The finding without any number that could give back a small count.
    public var outline: String?
    /// The group a course-enrollment finding is about (nil for the others, and in a
    /// diagnostic stored before it was kept).
    public var group: String? = nil

    /// The finding as a view with `policy` may state it (nil policy: everything).
    public func message(under policy: SuppressionPolicy?) -> String {
        guard let policy, let outline else { return message }
        guard let counts, !counts.contains(where: policy.suppresses) else { return outline }
        return message
    }
}

/// Why a diagnostic cannot run.
public enum DiagnosticError: Error, Equatable, CustomStringConvertible {
    case unknownTerm(String, available: [String])
    case noClassesInTerm(String)
    /// The auto-enrollment simulator needs state assessment results.
    case noAssessments
    case subjectNeeded(available: [String])
    case unknownSubject(String, available: [String])
    case noAdvancedClasses(String)

    public var description: String {
        switch self {
        case .noAssessments:
            "no assessment results: give --assessments FILE or add mosaic_assessments.csv (sourcedId, subject, score, proficient) to the roster"
        case .subjectNeeded(let available):
            "the assessments hold several subjects (\(available.joined(separator: ", "))) whose scores are on different scales: choose one with --subject"
        case .unknownSubject(let s, let available):
            "no assessment result is in subject '\(s)'; subjects: \(available.joined(separator: ", "))"
        case .noAdvancedClasses(let t):
            "term '\(t)' has no advanced class (honors, open honors, AP, IB, dual enrollment or gifted) to enroll students in"

        case .unknownTerm(let t, let available):
            "term '\(t)' has no classes in this roster; terms with classes: \(available.joined(separator: ", "))"
        case .noClassesInTerm(let t): "no class of this roster is taught in term '\(t)'"
        }
    }
}
