import MosaicCore

/// A small district built so that the cause of each school's classroom segregation is known
/// (issue 22), one situation per school, two races (white, Black), income following race
/// (Black students economically disadvantaged), one term:
///
/// - **A, tracking only** (grade 9, 80 white + 80 Black): Honors English 9 has 40 students
///   (32 white, 8 Black) in two sections of 16 + 4; English 9 has 120 (48, 72) in four
///   sections of 12 + 18. Every section of a course is alike: all of A's M is the level layer.
/// - **B, sorted sections** (grade 11, 60 + 60): Algebra II in four sections of 30, two of
///   25 white + 5 Black and two of 5 + 25: all of B's M is the section layer.
/// - **C, ESL sections** (grade 12, 120 Hispanic students, 30 of them English learners):
///   Math in four sections (8, 8, 7, 7 English learners of 30), ESL in two sections of 15
///   English learners, English 12 in three sections of 30 other students.
/// - **D, an elementary school dealt at random within each grade** (grade 1: 54 white + 6
///   Black; grade 2: 6 + 54): a homeroom course per grade, three sections each, students
///   shuffled (seeded) and dealt 20 to a section.
/// - **E, a grade with no advanced course** (grade 9: 10 white + 50 Black, no advanced class;
///   grade 10: 20 + 20 with Honors English 10, 5 + 5): grade 9 is offered honors at A, not at E.
public enum CausesDistrict {
    public static func roster(seed: UInt64 = 22) -> Roster {
        var b = Builder()
        let g1 = Grade("01")!, g2 = Grade("02")!, g9 = Grade("09")!, g10 = Grade("10")!, g11 = Grade("11")!, g12 = Grade("12")!
        // A: tracking only.
        let aw = b.students(80, school: "A", grade: g9, race: .white), ab = b.students(80, school: "A", grade: g9, race: .black)
        let honors9 = b.course("ENG9H", "Honors English 9", .honors, [g9])
        let english9 = b.course("ENG9", "English 9", .general, [g9])
        for k in 0..<2 { b.section("A-ENG9H-\(k + 1)", "Honors English 9 (\(k + 1))", honors9, school: "A", Array(aw[(16 * k)..<(16 * k + 16)]) + Array(ab[(4 * k)..<(4 * k + 4)])) }
        for k in 0..<4 { b.section("A-ENG9-\(k + 1)", "English 9 (\(k + 1))", english9, school: "A", Array(aw[(32 + 12 * k)..<(44 + 12 * k)]) + Array(ab[(8 + 18 * k)..<(26 + 18 * k)])) }
        // B: sorted sections.
        let bw = b.students(60, school: "B", grade: g11, race: .white), bb = b.students(60, school: "B", grade: g11, race: .black)
        let algebra = b.course("ALG2", "Algebra II", .general, [g11])
        for k in 0..<4 {
            let (w, bl) = k < 2 ? (25, 5) : (5, 25)
            let wStart = k < 2 ? 25 * k : 50 + 5 * (k - 2), bStart = k < 2 ? 5 * k : 10 + 25 * (k - 2)
            b.section("B-ALG2-\(k + 1)", "Algebra II (\(k + 1))", algebra, school: "B", Array(bw[wStart..<(wStart + w)]) + Array(bb[bStart..<(bStart + bl)]))
        }
        // C: ESL sections.
        let ells = b.students(30, school: "C", grade: g12, race: .hispanic, englishLearner: true)
        let others = b.students(90, school: "C", grade: g12, race: .hispanic, englishLearner: false)
        let math = b.course("MATH12", "Math 12", .general, [g12]), esl = b.course("ESL12", "ESL 12", .esl, [g12])
        let english12 = b.course("ENG12", "English 12", .general, [g12])
        var e = 0, o = 0
        for (k, count) in [8, 8, 7, 7].enumerated() {
            b.section("C-MATH-\(k + 1)", "Math 12 (\(k + 1))", math, school: "C", Array(ells[e..<(e + count)]) + Array(others[o..<(o + 30 - count)]))
            e += count
            o += 30 - count
        }
        for k in 0..<2 { b.section("C-ESL-\(k + 1)", "ESL 12 (\(k + 1))", esl, school: "C", Array(ells[(15 * k)..<(15 * k + 15)])) }
        for k in 0..<3 { b.section("C-ENG12-\(k + 1)", "English 12 (\(k + 1))", english12, school: "C", Array(others[(30 * k)..<(30 * k + 30)])) }
        // D: random within each grade.
        var rng = SplitMix(seed: seed)
        for (grade, white, black) in [(g1, 54, 6), (g2, 6, 54)] {
            var kids = b.students(white, school: "D", grade: grade, race: .white) + b.students(black, school: "D", grade: grade, race: .black)
            for i in stride(from: kids.count - 1, to: 0, by: -1) { kids.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
            let homeroom = b.course("HR\(grade)", "Grade \(grade) Homeroom", .general, [grade])
            for k in 0..<3 { b.section("D-HR\(grade)-\(k + 1)", "Grade \(grade) Homeroom (\(k + 1))", homeroom, school: "D", Array(kids[(20 * k)..<(20 * k + 20)])) }
        }
        // E: grade 9 without an advanced course.
        let e9w = b.students(10, school: "E", grade: g9, race: .white), e9b = b.students(50, school: "E", grade: g9, race: .black)
        let e10w = b.students(20, school: "E", grade: g10, race: .white), e10b = b.students(20, school: "E", grade: g10, race: .black)
        for k in 0..<2 { b.section("E-ENG9-\(k + 1)", "English 9 (\(k + 1))", english9, school: "E", Array(e9w[(5 * k)..<(5 * k + 5)]) + Array(e9b[(25 * k)..<(25 * k + 25)])) }
        let english10 = b.course("ENG10", "English 10", .general, [g10]), honors10 = b.course("ENG10H", "Honors English 10", .honors, [g10])
        for k in 0..<2 { b.section("E-ENG10-\(k + 1)", "English 10 (\(k + 1))", english10, school: "E", Array(e10w[(10 * k)..<(10 * k + 10)]) + Array(e10b[(10 * k)..<(10 * k + 10)])) }
        b.section("E-ENG10H-1", "Honors English 10", honors10, school: "E", Array(e10w[0..<5]) + Array(e10b[0..<5]))
        return b.roster()
    }

    struct Builder {
        var orgs: [Roster.Org] = [.init(id: "D", name: "Causeway", type: "district")]
        var courses: [Roster.Course] = []
        var sections: [Roster.Section] = []
        var students: [Student] = []
        var enrollmentSection: [Int32] = [], enrollmentStudent: [Int32] = []

        mutating func school(_ id: String) -> Int {
            if let i = orgs.firstIndex(where: { $0.id == id }) { return i }
            orgs.append(.init(id: id, name: "School \(id)", type: "school", parent: 0))
            return orgs.count - 1
        }

        mutating func students(_ n: Int, school: String, grade: Grade, race: Student.Race, englishLearner: Bool = false) -> [Int] {
            _ = self.school(school)
            return (0..<n).map { _ in
                students.append(Student(id: "\(school)\(students.count + 1)", grade: grade, race: race, sex: students.count % 2 == 0 ? .female : .male,
                                        economicallyDisadvantaged: race != .white, englishLearner: englishLearner,
                                        disability: Student.Disability.none))
                return students.count - 1
            }
        }

        mutating func course(_ code: String, _ title: String, _ level: CourseLevel, _ grades: [Grade]) -> Int {
            if let i = courses.firstIndex(where: { $0.code == code }) { return i }
            courses.append(.init(id: "c-\(code)", title: title, code: code, grades: grades, org: 0, level: level))
            return courses.count - 1
        }

        mutating func section(_ id: String, _ title: String, _ course: Int, school: String, _ members: [Int]) {
            let s = self.school(school)
            sections.append(.init(id: id, title: title, course: course, school: s, terms: [1], periods: ["\(sections.count % 8 + 1)"], grades: []))
            for m in members {
                enrollmentSection.append(Int32(sections.count - 1))
                enrollmentStudent.append(Int32(m))
            }
        }

        func roster() -> Roster {
            Roster(version: "1.1", orgs: orgs,
                   sessions: [.init(id: "Y", title: "2025-26", type: "schoolYear", startDate: "2025-08-25", endDate: "2026-06-20", schoolYear: 2026),
                              .init(id: "T", title: "2025-26", type: "term", startDate: "2025-08-25", endDate: "2026-06-20", parent: 0, schoolYear: 2026)],
                   courses: courses, sections: sections, students: students,
                   enrollmentSection: enrollmentSection, enrollmentStudent: enrollmentStudent)
        }
    }
}

/// A small seeded generator for fixtures and tests (SplitMix64, Steele, Lea & Flood 2014),
/// independent of the library's generators.
public struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
