import MosaicCore
import MosaicMetrics

/// A school's schedule reviewed once and kept: the audit of the term's master schedule
/// (singletons, doubletons, access conflicts by group, period moves that help) and every
/// multi-section course's sections before and after a balanced re-sectioning of the same
/// students. It is computed by a background job and stored (the schedule page used to
/// re-solve the sectioning on every visit, 1.8 CPU-seconds each); the page reads it.
///
/// Deterministic: the same roster, seed and budget give the same review on any machine.
public struct ScheduleReview: Codable, Sendable, Equatable {
    public struct Conflict: Codable, Sendable, Equatable {
        public var courses: [String]
        public var period: String?
        public var kind: String
        public var students: Int
        /// “englishLearner el 14; race …”
        public var groups: String
    }

    public struct Move: Codable, Sendable, Equatable {
        public var section: String, from: String, to: String, removes: String
        public var unblocks: Int, blocks: Int
    }

    public struct Section: Codable, Sendable, Equatable {
        public var id: String
        public var when: String?
        /// Students by group of `dimension`, as loaded and as re-sectioned.
        public var before: [Int]
        public var after: [Int]
    }

    public struct Course: Codable, Sendable, Equatable {
        public var id: String
        public var title: String?
        /// The course's sections' mean dissimilarity from the course, before and after.
        public var before: Double
        public var after: Double
        public var sections: [Section]
    }

    public struct Balance: Codable, Sendable, Equatable {
        public var dimension: String
        public var before: Double
        public var after: Double
    }

    /// The settings it was computed with.
    public struct Settings: Codable, Sendable, Equatable {
        public var seed: UInt64
        public var annealingPerStudent: Int
        public var descentPerStudent: Int

        public init(seed: UInt64 = 0, annealingPerStudent: Int = 10, descentPerStudent: Int = 20) {
            self.seed = seed
            self.annealingPerStudent = annealingPerStudent
            self.descentPerStudent = descentPerStudent
        }
    }

    public var settings: Settings
    public var students: Int
    public var sections: Int
    public var singletons: [String]
    public var doubletons: [String]
    public var blocked: Int
    public var conflicts: [Conflict]
    public var moves: [Move]
    /// The dimension the sections are drawn on, and its groups.
    public var dimension: String
    public var groups: [String]
    public var balance: [Balance]
    public var requests: Int
    public var requestsMet: Int
    public var courses: [Course]
    /// Moves the re-sectioning made.
    public var sectioningMoves: Int
    /// What the roster's reading noted (sections without a period, …).
    public var notes: [String]
    /// Each student's sections after the re-sectioning, course by course (nil in a review
    /// kept before they were): what the school exports to its student information system.
    public var assignments: [SectioningResult.Assignment]? = nil

    /// Reviews a school's schedule in a term of its roster.
    ///
    /// - Parameters:
    ///   - term: the roster's academic session id of the term.
    ///   - progress: called now and then with the moves done and planned.
    /// - Throws: ``ScheduleError`` when the school's schedule cannot be read.
    /// - Complexity: the sectioning's: O((annealing + descent) · students · sections per course).
    public static func review(_ roster: Roster, school: String, term: String, settings: Settings = Settings(),
                              progress: ((_ done: Int, _ total: Int) -> Void)? = nil) throws(ScheduleError) -> ScheduleReview {
        let built = try SectioningInstance.from(roster, school: school, term: term)
        let model = try SectioningModel(built.instance)
        let n = model.students.count
        let audit = ScheduleAudit(model, instance: built.instance)
        var rng = SeededGenerator(seed: settings.seed)
        let annealing = settings.annealingPerStudent * n, descent = settings.descentPerStudent * n
        let planned = max(1, n + annealing + descent)
        let result = Sectioning.solve(model, options: .init(moveLimit: descent, annealingMoves: annealing), using: &rng, progress: { p in
            let done = switch p.phase {
            case "construction": p.done
            case "annealing": n + p.done
            default: n + annealing + min(p.done, descent)
            }
            progress?(min(done, planned), planned)
        })
        let before = Sectioning.evaluate(model, loading: built.current)
        let dimension = "race"
        let was = Sectioning.composition(model, loading: built.current, dimension: dimension)
        let now = Sectioning.composition(model, loading: Sectioning.loading(of: result), dimension: dimension)
        var courses: [Course] = []
        if let was, let now {
            for course in was.courses {
                let after = now.courses.first { $0.id == course.id }
                let sections = was.sections.filter { $0.course == course.id }.map { s in
                    Section(id: s.id, when: s.when, before: s.counts, after: now.sections.first { $0.id == s.id }?.counts ?? [])
                }
                courses.append(Course(id: course.id, title: course.title, before: course.dissimilarity, after: after?.dissimilarity ?? 0, sections: sections))
            }
        }
        progress?(planned, planned)
        return ScheduleReview(
            settings: settings, students: n, sections: model.sections.count, singletons: audit.singletons, doubletons: audit.doubletons,
            blocked: audit.blockedStudents,
            conflicts: audit.conflicts.map { Conflict(courses: $0.courses, period: $0.period, kind: $0.kind, students: $0.students, groups: $0.groupSummary()) },
            moves: audit.moves.map {
                Move(section: $0.section, from: $0.from, to: $0.to, removes: $0.removes.map { $0.joined(separator: " + ") }.joined(separator: ", "),
                     unblocks: $0.unblocks, blocks: $0.blocks)
            },
            dimension: dimension, groups: was?.groups ?? [],
            balance: model.balance.map { d in
                Balance(dimension: d, before: before.balance[d]?.meanDissimilarityVsCourse ?? 0, after: result.balance[d]?.meanDissimilarityVsCourse ?? 0)
            },
            requests: result.requests, requestsMet: result.requestsMet, courses: courses, sectioningMoves: result.moves ?? 0, notes: built.notes,
            assignments: result.assignments)
    }

    /// The rebalanced sections as OneRoster 1.1 `enrollments.csv` (the shape `mosaic import`
    /// reads and student information systems take): one row per student and section, role
    /// `student`; nil when the review kept no assignments. Fields are RFC 4180 as the ids
    /// are (no spreadsheet escaping: the file is for an import, ids must come back intact).
    /// - Complexity: O(assignments).
    public func enrollmentsCSV(school: String) -> String? {
        guard let assignments else { return nil }
        var out = "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate\n"
        var n = 0
        for a in assignments.sorted(by: { ($0.student, $0.course) < ($1.student, $1.course) }) {
            for section in a.sections {
                n += 1
                out += ["rebalanced-\(n)", "active", "", section, school, a.student, "student", "false", "", ""]
                    .map(csvField).joined(separator: ",") + "\n"
            }
        }
        return out
    }
}
