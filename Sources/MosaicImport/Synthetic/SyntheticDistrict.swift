import MosaicCore
import MosaicMetrics

/// A synthetic district roster, for demos, tests and benchmarks. Every org name says
/// "Synthetic".
///
/// Realism where it matters to the diagnostic:
/// - each school's race/ethnicity, poverty, English-learner, disability and sex shares
///   are those of a real NYC school (2017-18 Demographic Snapshot), drawn at random;
/// - elementary schools (K–5) have homerooms and gifted / intervention / ESL pull-outs;
///   middle (6–8) and high schools (9–12) have eight periods of sections: core subjects
///   at general and advanced levels (honors, open honors, AP, IB, dual enrollment),
///   electives, ESL for English learners and intervention for the lowest placed;
/// - `tracking` skews advanced seats by race and income through a placement score
///   (`score = noise + tracking · advantage`, advantage higher for white and Asian and
///   non-poor students, as in the tracking literature), and `sorting` deals students to
///   sections in score order rather than at random, so classrooms are segregated beyond
///   chance. At 0 and 0 the only classroom segregation is chance.
public struct SyntheticDistrict: Sendable {
    public struct Options: Sendable {
        public var students: Int
        public var schools: Int
        public var tracking: Double
        public var sorting: Double
        public var schoolYear: Int
        /// The district org's sourcedId and name (a state of many generated districts
        /// gives each its own).
        public var districtID = "district"
        public var districtName = "Synthetic Unified School District"

        public init(students: Int, schools: Int, tracking: Double = 0.8, sorting: Double = 0.5, schoolYear: Int = 2026) {
            self.students = students
            self.schools = schools
            self.tracking = tracking
            self.sorting = sorting
            self.schoolYear = schoolYear
        }
    }

    /// A school's shares, from a real school: NYC race groups, then poverty, English
    /// learners, disability, female.
    public struct Profile: Sendable {
        public var race: [Double]          // asian, black, hispanic, multiracialOrOther, white
        public var poverty, englishLearner, disability, female: Double

        public init(race: [Double], poverty: Double, englishLearner: Double, disability: Double, female: Double) {
            self.race = race
            self.poverty = poverty
            self.englishLearner = englishLearner
            self.disability = disability
            self.female = female
        }

        /// The profiles of every school of `year` with students.
        public static func from(_ schools: [SchoolDemographics], year: SchoolYear) -> [Profile] {
            schools.filter { $0.year == year && $0.totalEnrollment > 0 }.map { s in
                let t = Double(s.totalEnrollment)
                let race = s.counts(of: .race).map(Double.init)
                let rt = max(1, race.reduce(0, +))
                return Profile(
                    race: race.map { $0 / rt }, poverty: Double(s.counts(of: .economic)[0]) / t,
                    englishLearner: Double(s.counts(of: .englishLearner)[0]) / t,
                    disability: Double(s.counts(of: .disability)[0]) / t,
                    female: Double(s.counts(of: .gender)[0]) / max(1, Double(s.counts(of: .gender).reduce(0, +))))
            }
        }
    }

    public let roster: Roster

    enum Level { case elementary, middle, high
        var grades: ClosedRange<Int> {
            switch self { case .elementary: 0...5; case .middle: 6...8; case .high: 9...12 }
        }
    }

    /// Builds the district. The same options, profiles and generator state give the same roster.
    public init(_ o: Options, profiles: [Profile], using rng: inout some RandomNumberGenerator) {
        precondition(!profiles.isEmpty && o.students > 0 && o.schools > 0)
        var b = Builder(o: o)
        b.orgs.append(.init(id: o.districtID, name: o.districtName, type: "district"))
        b.sessions = [
            .init(id: "y\(o.schoolYear)", title: "\(o.schoolYear - 1)-\(o.schoolYear % 100)", type: "schoolYear",
                  startDate: "\(o.schoolYear - 1)-08-25", endDate: "\(o.schoolYear)-06-20", schoolYear: o.schoolYear),
            .init(id: "fall\(o.schoolYear)", title: "Fall \(o.schoolYear - 1)", type: "semester",
                  startDate: "\(o.schoolYear - 1)-08-25", endDate: "\(o.schoolYear)-01-20", parent: 0, schoolYear: o.schoolYear),
            .init(id: "spring\(o.schoolYear)", title: "Spring \(o.schoolYear)", type: "semester",
                  startDate: "\(o.schoolYear)-01-21", endDate: "\(o.schoolYear)-06-20", parent: 0, schoolYear: o.schoolYear),
        ]
        // School levels and sizes: half elementary, a fifth middle, the rest high;
        // high schools enrol about twice an elementary school.
        var levels: [Level] = []
        for s in 0..<o.schools {
            let u = Double(s) / Double(o.schools)
            levels.append(u < 0.5 ? .elementary : u < 0.7 ? .middle : .high)
        }
        if o.schools >= 3 { levels.shuffle(using: &rng) }
        let weights = levels.map { l -> Double in (l == .high ? 2.0 : 1.0) * Double.random(in: 0.6...1.4, using: &rng) }
        let totalWeight = weights.reduce(0, +)
        var remaining = o.students
        // Every school's profile and its own generator are drawn first, so the same seed
        // gives the same schools and students whatever `tracking` and `sorting` are (they
        // change only where students are placed): terms of a demo district differ by their
        // placement, not by their schools.
        let chosen = (0..<o.schools).map { _ in (profile: Int.random(in: 0..<profiles.count, using: &rng), seed: rng.next()) }
        for s in 0..<o.schools {
            let size = s == o.schools - 1 ? remaining : min(remaining, max(1, Int((Double(o.students) * weights[s] / totalWeight).rounded())))
            remaining -= size
            var schoolRng = SeededGenerator(seed: chosen[s].seed)
            b.addSchool(s, level: levels[s], size: size, profile: profiles[chosen[s].profile], using: &schoolRng)
        }
        // The ledger comes last, from its own generator, so it changes nothing drawn before it.
        var ledgerRng = SeededGenerator(seed: rng.next())
        b.addOpenHonorsLedger(using: &ledgerRng)
        var assessmentRng = SeededGenerator(seed: rng.next())
        b.addAssessments(using: &assessmentRng)
        roster = Roster(version: "1.1", orgs: b.orgs, sessions: b.sessions, courses: b.courses, sections: b.sections,
                        students: b.students, enrollmentSection: b.enrollmentSection, enrollmentStudent: b.enrollmentStudent,
                        openHonors: b.openHonors, assessments: b.assessments)
    }
}

/// Builds the roster school by school.
struct Builder {
    let o: SyntheticDistrict.Options
    var orgs: [Roster.Org] = []
    var sessions: [Roster.Session] = []
    var courses: [Roster.Course] = []
    var courseIndex: [String: Int] = [:]
    var sections: [Roster.Section] = []
    var students: [Student] = []
    var enrollmentSection: [Int32] = []
    var enrollmentStudent: [Int32] = []
    /// Each student's placement score.
    var score: [Double] = []
    var openHonors: [Roster.OpenHonorsChoice] = []
    var assessments: [Roster.Assessment] = []

    static let sectionSize = 26

    /// The advanced levels' names in Spanish, for the synthetic courses' Spanish titles.
    static let spanishLevel: [CourseLevel: String] = [.honors: "honores", .openHonors: "honores abiertos", .ap: "AP", .ib: "IB",
                                                      .dual: "inscripción doble"]

    /// The district-wide course for a subject, level and grade band.
    /// `titleEs` is its title in Spanish (the district's own, as a roster's `mosaic_courses.csv` gives it).
    mutating func course(_ code: String, _ title: String, _ titleEs: String, level: CourseLevel, grades: [Grade]) -> Int {
        if let c = courseIndex[code] { return c }
        courseIndex[code] = courses.count
        courses.append(.init(id: "c-\(code)", title: title, titleEs: titleEs, code: code, grades: grades, org: 0, level: level))
        return courses.count - 1
    }

    mutating func addSchool(_ s: Int, level: SyntheticDistrict.Level, size: Int, profile p: SyntheticDistrict.Profile,
                            using rng: inout some RandomNumberGenerator) {
        let school = orgs.count
        let kind = level == .elementary ? "Elementary" : level == .middle ? "Middle" : "High"
        orgs.append(.init(id: "sch\(s + 1)", name: "Synthetic \(kind) School \(s + 1)", type: "school", parent: 0))
        // Students, each with a placement score for tracking.
        let grades = Array(level.grades)
        var byGrade: [[(student: Int32, score: Double)]] = Array(repeating: [], count: grades.count)
        let nycToFederal: [Student.Race] = [.asian, .black, .hispanic, .multiracial, .white]
        for i in 0..<size {
            let g = grades[i % grades.count]
            var u = Double.random(in: 0..<1, using: &rng)
            var k = 0
            while k < 4 && u >= p.race[k] { u -= p.race[k]; k += 1 }
            let race = nycToFederal[k]
            // Poverty and English learning depend on race as well as on the school, keeping
            // the school's overall rate about right.
            let povertyOdds: Double = race == .white || race == .asian ? 0.6 : 1.25
            let poor = Double.random(in: 0..<1, using: &rng) < min(0.98, p.poverty * povertyOdds)
            let elOdds: Double = race == .hispanic || race == .asian ? 1.6 : 0.5
            let el = g > 0 ? Double.random(in: 0..<1, using: &rng) < min(0.9, p.englishLearner * elOdds) : Double.random(in: 0..<1, using: &rng) < p.englishLearner
            let disabled = Double.random(in: 0..<1, using: &rng) < p.disability
            let advantage = (race == .white || race == .asian ? 1.0 : 0.0) + (poor ? 0.0 : 1.0) - (el ? 0.5 : 0.0)
            let score = gaussian(&rng) + o.tracking * advantage
            let id = Int32(students.count)
            students.append(Student(
                id: "stu\(students.count + 1)", grade: Grade(ordinal: 4 + g), race: race,
                sex: Double.random(in: 0..<1, using: &rng) < p.female ? .female : .male,
                economicallyDisadvantaged: poor, englishLearner: el,
                disability: disabled ? (Double.random(in: 0..<1, using: &rng) < 0.8 ? .iep : .section504) : Student.Disability.none,
                gifted: level == .elementary && score > 1.6, homeLanguage: el ? (race == .asian ? "zh" : "es") : "en"))
            byGrade[i % grades.count].append((id, score))
            self.score.append(score)
        }
        for (gi, g) in grades.enumerated() {
            let roster = byGrade[gi]
            guard !roster.isEmpty else { continue }
            let grade = Grade(ordinal: 4 + g)
            if level == .elementary {
                let homeroom = course("HR\(g)", "Grade \(grade) Homeroom", "Grupo base, grado \(grade)", level: .general, grades: [grade])
                deal(roster, into: homeroom, school: school, s: s, code: "HR\(g)", period: "1", using: &rng)
                let gifted = roster.filter { students[Int($0.student)].gifted == true }
                if !gifted.isEmpty {
                    deal(gifted, into: course("GT\(g)", "Grade \(grade) Gifted Pull-out", "Dotados y talentosos (fuera del aula), grado \(grade)", level: .gifted, grades: [grade]),
                         school: school, s: s, code: "GT\(g)", period: "5", using: &rng)
                }
                let ells = roster.filter { students[Int($0.student)].englishLearner == true }
                if !ells.isEmpty {
                    deal(ells, into: course("ESL\(g)", "Grade \(grade) ESL", "Inglés como segundo idioma, grado \(grade)", level: .esl, grades: [grade]),
                         school: school, s: s, code: "ESL\(g)", period: "3", using: &rng)
                }
                continue
            }
            // Middle and high school: eight periods.
            let ranked = roster.sorted { $0.score > $1.score }
            let advancedShare = level == .high ? 0.3 : 0.25
            let advancedCount = Int(Double(ranked.count) * advancedShare)
            let advanced = Array(ranked.prefix(advancedCount)), general = Array(ranked.dropFirst(advancedCount))
            let advancedLevels: [CourseLevel] = level == .middle ? [.honors, .honors, .openHonors, .honors]
                : g >= 11 ? [.ap, .ap, .ib, .dual] : [.honors, .honors, .openHonors, .honors]
            for (period, (subject, subjectEs)) in [("English", "Inglés"), ("Mathematics", "Matemáticas"), ("Science", "Ciencias"),
                                                    ("Social Studies", "Estudios sociales")].enumerated() {
                let code = "\(subject.prefix(3).uppercased())\(g)"
                let lvl = advancedLevels[period]
                deal(general, into: course(code, "\(subject) \(grade)", "\(subjectEs) \(grade)", level: .general, grades: [grade]),
                     school: school, s: s, code: code, period: "\(period + 1)", using: &rng)
                if !advanced.isEmpty {
                    deal(advanced, into: course("\(code)-\(lvl.rawValue)", "\(lvl.title) \(subject) \(grade)",
                                                 "\(subjectEs) \(grade), \(Self.spanishLevel[lvl] ?? lvl.title)", level: lvl, grades: [grade]),
                         school: school, s: s, code: "\(code)-\(lvl.rawValue)", period: "\(period + 1)", using: &rng)
                }
            }
            for (offset, (subject, subjectEs)) in [("Physical Education", "Educación física"), ("Arts", "Artes"),
                                                    ("World Languages", "Idiomas")].enumerated() {
                let code = "\(subject.prefix(3).uppercased())\(g)"
                deal(ranked.shuffled(using: &rng), into: course(code, "\(subject) \(grade)", "\(subjectEs) \(grade)", level: .general, grades: [grade]),
                     school: school, s: s, code: code, period: "\(offset + 5)", using: &rng, shuffle: false)
            }
            // Period 8: ESL for English learners, intervention for the lowest placed, an elective for the rest.
            let ells = roster.filter { students[Int($0.student)].englishLearner == true }
            let ellSet = Set(ells.map(\.student))
            let rest = ranked.filter { !ellSet.contains($0.student) }
            let interventionCount = rest.count / 8
            let intervention = Array(rest.suffix(interventionCount)), elective = Array(rest.dropLast(interventionCount))
            for (members, code, title, titleEs, lvl) in [
                (ells, "ESL\(g)", "ESL \(grade)", "Inglés como segundo idioma \(grade)", CourseLevel.esl),
                (intervention, "INT\(g)", "Intervention \(grade)", "Ayuda adicional \(grade)", .intervention),
                (elective, "ELE\(g)", "Elective \(grade)", "Optativa \(grade)", .general)] where !members.isEmpty {
                deal(members, into: course(code, title, titleEs, level: lvl, grades: [grade]), school: school, s: s, code: code, period: "8", using: &rng)
            }
        }
    }

    /// Students of open-honors classes opt into honors credit on a day of the first two
    /// weeks of the fall term, with log-odds `0.5 + 0.5·score − tracking·(0.7 if poor +
    /// 0.5 if learning English)`: the higher placed more often, and with tracking the
    /// students it holds back opt in less, as open-honors studies find; one in eight opts
    /// out again within three weeks.
    mutating func addOpenHonorsLedger(using rng: inout some RandomNumberGenerator) {
        let year = o.schoolYear - 1
        func day(_ k: Int) -> String {   // 25 August + k days, k < 37
            let d = 25 + k
            return d <= 31 ? "\(year)-08-\(d)" : "\(year)-09-" + (d - 31 < 10 ? "0" : "") + "\(d - 31)"
        }
        for e in enrollmentSection.indices {
            let c = Int(enrollmentSection[e]), s = Int(enrollmentStudent[e])
            guard courses[sections[c].course].level == .openHonors else { continue }
            let st = students[s]
            let held = (st.economicallyDisadvantaged == true ? 0.7 : 0) + (st.englishLearner == true ? 0.5 : 0)
            let p = 1 / (1 + exp(-(0.5 + 0.5 * score[s] - o.tracking * held)))
            guard Double.random(in: 0..<1, using: &rng) < p else { continue }
            let k = Int.random(in: 0..<14, using: &rng)
            let out = Double.random(in: 0..<1, using: &rng) < 0.125 ? day(k + Int.random(in: 1...21, using: &rng)) : nil
            openHonors.append(.init(student: s, section: c, optedIn: day(k), optedOut: out))
        }
    }

    /// State math results for grades 3 and up: a scale score `300 + 35 · (0.8 · a + 0.6 · z)`
    /// (rounded) where `a` is the student's placement score without half of the advantage
    /// tracking adds to it (placement favours the advantaged beyond what they achieve) and
    /// `z` is fresh noise; proficient from 310.
    mutating func addAssessments(using rng: inout some RandomNumberGenerator) {
        let third = Grade("03")!.ordinal
        for (s, st) in students.enumerated() {
            guard let g = st.grade, g.ordinal >= third else { continue }
            let advantage = (st.race == .white || st.race == .asian ? 1.0 : 0.0) + (st.economicallyDisadvantaged == true ? 0.0 : 1.0)
                - (st.englishLearner == true ? 0.5 : 0.0)
            let achievement = score[s] - 0.5 * o.tracking * advantage
            let scale = (300 + 35 * (0.8 * achievement + 0.6 * gaussian(&rng))).rounded()
            assessments.append(.init(student: s, subject: "math", score: scale, proficient: scale >= 310))
        }
    }

    /// Splits `members` into sections of about `sectionSize`: in score order with
    /// probability `sorting` per student's draw, else at random.
    mutating func deal(_ members: [(student: Int32, score: Double)], into course: Int, school: Int, s: Int, code: String,
                       period: String, using rng: inout some RandomNumberGenerator, shuffle: Bool = true) {
        let count = max(1, Int((Double(members.count) / Double(Self.sectionSize)).rounded(.up)))
        // Sorting: order by score plus noise whose size shrinks as sorting grows.
        let noise = o.sorting > 0 ? (1 - o.sorting) / o.sorting * 2 : .infinity
        let ordered: [Int32] = shuffle
            ? members.map { ($0.student, noise.isFinite ? $0.score + noise * gaussian(&rng) : Double.random(in: 0..<1, using: &rng)) }
                .sorted { $0.1 > $1.1 }.map(\.0)
            : members.map(\.student)
        for k in 0..<count {
            let section = Int32(sections.count)
            sections.append(.init(id: "sch\(s + 1)-\(code)-\(k + 1)", title: "\(courses[course].title) (\(k + 1))", course: course,
                                  school: school, terms: [1, 2], periods: [period], grades: []))
            let lo = members.count * k / count, hi = members.count * (k + 1) / count
            for m in ordered[lo..<hi] {
                enrollmentSection.append(section)
                enrollmentStudent.append(m)
            }
        }
    }
}

/// A standard normal draw (Box–Muller).
func gaussian(_ rng: inout some RandomNumberGenerator) -> Double {
    let u1 = Double.random(in: Double.ulpOfOne..<1, using: &rng), u2 = Double.random(in: 0..<1, using: &rng)
    return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
}

#if canImport(Glibc)
import Glibc
#endif
