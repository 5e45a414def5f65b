import MosaicCore

/// A roster as rows of the term tables (`orgs`, `academic_sessions`, `courses`,
/// `sections`, `students`, `enrollments`, `reference_counts`, `open_honors`, `assessments`), and back. Positions
/// (`idx`) keep the roster's order, so the roster read back is the roster stored.
/// Lists (grades, terms, periods) are comma-joined, as OneRoster writes them.
enum RosterRows {
    static func list(_ values: [String]) -> SQLValue { SQLValue(values.joined(separator: ",")) }
    static func split(_ v: SQLValue) -> [String] {
        guard let t = v.text, !t.isEmpty else { return [] }
        return t.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }

    static func insert(_ r: Roster, key: [SQLValue], into db: any SQLDatabase, failAfter: String? = nil) async throws {
        try await insertOrgs([(r, key)], into: db)
        try await insertSessions([(r, key)], into: db)
        try await db.insert(into: "courses",
                            columns: ["district_id", "term_id", "idx", "sourced_id", "title", "code", "grades", "org", "level", "title_es"],
                            rows: r.courses.count) { i, b in
            let c = r.courses[i]
            b += key + [SQLValue(i), SQLValue(c.id), SQLValue(c.title), SQLValue(c.code), list(c.grades.map(\.description)),
                        SQLValue(c.org), SQLValue(c.level.rawValue), SQLValue(c.titleEs)]
        }
        try await db.insert(into: "sections",
                            columns: ["district_id", "term_id", "idx", "sourced_id", "title", "course", "school", "terms",
                                      "periods", "grades"], rows: r.sections.count) { i, b in
            let s = r.sections[i]
            b += key + [SQLValue(i), SQLValue(s.id), SQLValue(s.title), SQLValue(s.course), SQLValue(s.school),
                        list(s.terms.map(String.init)), list(s.periods), list(s.grades.map(\.description))]
        }
        try await db.insert(into: "students",
                            columns: ["district_id", "term_id", "idx", "sourced_id", "grade", "race", "sex",
                                      "economically_disadvantaged", "english_learner", "disability", "gifted", "home_language"],
                            rows: r.students.count) { i, b in
            let s = r.students[i]
            b += key + [SQLValue(i), SQLValue(s.id), SQLValue(s.grade?.description), SQLValue(s.race?.rawValue),
                        SQLValue(s.sex?.rawValue), SQLValue(s.economicallyDisadvantaged), SQLValue(s.englishLearner),
                        SQLValue(s.disability?.rawValue), SQLValue(s.gifted), SQLValue(s.homeLanguage)]
        }
        if failAfter == "students" { throw SQLStore.InjectedFailure() }
        try await db.insert(into: "enrollments", columns: ["district_id", "term_id", "idx", "section", "student"],
                            rows: r.enrollmentCount) { i, b in
            b += key + [SQLValue(i), SQLValue(Int(r.enrollmentSection[i])), SQLValue(Int(r.enrollmentStudent[i]))]
        }
        try await insertOpenHonors(r.openHonors, key: key, db)
        try await db.insert(into: "assessments", columns: ["district_id", "term_id", "idx", "student", "subject", "score", "proficient"],
                            rows: r.assessments.count) { i, b in
            let a = r.assessments[i]
            b += key + [SQLValue(i), SQLValue(a.student), SQLValue(a.subject), .double(a.score), SQLValue(a.proficient)]
        }
        try await insertReferenceCounts([(r, key)], into: db)
    }

    /// The rows of many rosters that hold only orgs, sessions and reference counts (school
    /// counts or public data), each under its own key, in as few statements as the
    /// database allows.
    static func insertCounts(_ rosters: [(roster: Roster, key: [SQLValue])], into db: any SQLDatabase) async throws {
        for r in rosters {
            precondition(r.roster.courses.isEmpty && r.roster.sections.isEmpty && r.roster.students.isEmpty && r.roster.enrollmentCount == 0,
                         "insertCounts takes rosters of counts only")
        }
        try await insertOrgs(rosters, into: db)
        try await insertSessions(rosters, into: db)
        try await insertReferenceCounts(rosters, into: db)
    }

    /// Each roster's orgs under its key (one roster's for an import, many for public data).
    static func insertOrgs(_ rosters: [(roster: Roster, key: [SQLValue])], into db: any SQLDatabase) async throws {
        let orgs = rosters.flatMap { r in r.roster.orgs.enumerated().map { (r.key, $0, $1) } }
        try await db.insert(into: "orgs", columns: ["district_id", "term_id", "idx", "sourced_id", "name", "type", "parent"], rows: orgs.count) { i, b in
            let (key, idx, o) = orgs[i]
            b += key + [SQLValue(idx), SQLValue(o.id), SQLValue(o.name), SQLValue(o.type), SQLValue(o.parent)]
        }
    }

    static func insertSessions(_ rosters: [(roster: Roster, key: [SQLValue])], into db: any SQLDatabase) async throws {
        let sessions = rosters.flatMap { r in r.roster.sessions.enumerated().map { (r.key, $0, $1) } }
        try await db.insert(into: "academic_sessions",
                            columns: ["district_id", "term_id", "idx", "sourced_id", "title", "type", "start_date", "end_date", "school_year", "parent"],
                            rows: sessions.count) { i, b in
            let (key, idx, s) = sessions[i]
            b += key + [SQLValue(idx), SQLValue(s.id), SQLValue(s.title), SQLValue(s.type), SQLValue(s.startDate), SQLValue(s.endDate),
                        SQLValue(s.schoolYear), SQLValue(s.parent)]
        }
    }

    /// The reference counts, dimensions and groups in name order (none without a reference).
    static func insertReferenceCounts(_ rosters: [(roster: Roster, key: [SQLValue])], into db: any SQLDatabase) async throws {
        let counts = rosters.flatMap { r in
            (r.roster.reference ?? [:]).sorted { $0.key.rawValue < $1.key.rawValue }
                .flatMap { d, groups in groups.sorted { $0.key < $1.key }.map { (r.key, d, $0.key, $0.value) } }
        }
        try await db.insert(into: "reference_counts", columns: ["district_id", "term_id", "dimension", "grp", "count"], rows: counts.count) { i, b in
            let (key, d, g, n) = counts[i]
            b += key + [SQLValue(d.rawValue), SQLValue(g), SQLValue(n)]
        }
    }

    static func insertOpenHonors(_ ledger: [Roster.OpenHonorsChoice], key: [SQLValue], _ db: any SQLDatabase) async throws {
        try await db.insert(into: "open_honors", columns: ["district_id", "term_id", "idx", "student", "section", "opted_in", "opted_out"],
                            rows: ledger.count) { i, b in
            let o = ledger[i]
            b += key + [SQLValue(i), SQLValue(o.student), SQLValue(o.section), SQLValue(o.optedIn), o.optedOut.map { SQLValue($0) } ?? .null]
        }
    }

    static func read(version: String, key: [SQLValue], from db: any SQLDatabase) async throws -> Roster {
        let whereKey = "WHERE district_id = ? AND term_id = ? ORDER BY idx"
        let orgs = try await db.query("SELECT sourced_id, name, type, parent FROM orgs \(whereKey)", key).map {
            Roster.Org(id: $0[0].text ?? "", name: $0[1].text ?? "", type: $0[2].text ?? "", parent: $0[3].int)
        }
        let sessions = try await db.query(
            "SELECT sourced_id, title, type, start_date, end_date, parent, school_year FROM academic_sessions \(whereKey)", key
        ).map {
            Roster.Session(id: $0[0].text ?? "", title: $0[1].text ?? "", type: $0[2].text ?? "", startDate: $0[3].text ?? "",
                           endDate: $0[4].text ?? "", parent: $0[5].int, schoolYear: $0[6].int ?? 0)
        }
        let courses = try await db.query("SELECT sourced_id, title, code, grades, org, level, title_es FROM courses \(whereKey)", key).map {
            Roster.Course(id: $0[0].text ?? "", title: $0[1].text ?? "", titleEs: $0[6].text, code: $0[2].text ?? "",
                          grades: split($0[3]).compactMap(Grade.init), org: $0[4].int ?? 0,
                          level: $0[5].text.flatMap(CourseLevel.init(rawValue:)) ?? .general)
        }
        let sections = try await db.query(
            "SELECT sourced_id, title, course, school, terms, periods, grades FROM sections \(whereKey)", key
        ).map {
            Roster.Section(id: $0[0].text ?? "", title: $0[1].text ?? "", course: $0[2].int ?? 0, school: $0[3].int ?? 0,
                           terms: split($0[4]).compactMap { Int($0) }, periods: split($0[5]),
                           grades: split($0[6]).compactMap(Grade.init))
        }
        let students = try await db.query("""
            SELECT sourced_id, grade, race, sex, economically_disadvantaged, english_learner, disability, gifted, home_language
            FROM students \(whereKey)
            """, key).map {
            Student(id: $0[0].text ?? "", grade: $0[1].text.flatMap(Grade.init), race: $0[2].text.flatMap(Student.Race.init(rawValue:)),
                    sex: $0[3].text.flatMap(Student.Sex.init(rawValue:)), economicallyDisadvantaged: $0[4].bool,
                    englishLearner: $0[5].bool, disability: $0[6].text.flatMap(Student.Disability.init(rawValue:)),
                    gifted: $0[7].bool, homeLanguage: $0[8].text)
        }
        let enrollments = try await db.query("SELECT section, student FROM enrollments \(whereKey)", key)
        var reference: Roster.Reference?
        let referenceRows = try await db.query(
            "SELECT dimension, grp, count FROM reference_counts WHERE district_id = ? AND term_id = ?", key)
        for row in referenceRows {
            guard let d = row[0].text.flatMap(Dimension.init(rawValue:)), let g = row[1].text, let n = row[2].int else { continue }
            reference = reference ?? [:]
            reference![d, default: [:]][g] = n
        }
        let openHonors = try await db.query("SELECT student, section, opted_in, opted_out FROM open_honors \(whereKey)", key).map {
            Roster.OpenHonorsChoice(student: $0[0].int ?? 0, section: $0[1].int ?? 0, optedIn: $0[2].text ?? "", optedOut: $0[3].text)
        }
        let assessments = try await db.query("SELECT student, subject, score, proficient FROM assessments \(whereKey)", key).map {
            Roster.Assessment(student: $0[0].int ?? 0, subject: $0[1].text ?? "", score: $0[2].double ?? 0, proficient: $0[3].bool)
        }
        return Roster(version: version, orgs: orgs, sessions: sessions, courses: courses, sections: sections, students: students,
                      enrollmentSection: enrollments.map { Int32($0[0].int ?? 0) },
                      enrollmentStudent: enrollments.map { Int32($0[1].int ?? 0) }, reference: reference, openHonors: openHonors,
                      assessments: assessments)
    }
}
