import Dispatch
import Synchronization
import MosaicCore

/// Reads a OneRoster 1.1 or 1.2 CSV bulk roster plus the Mosaic extension files
/// (contract `roster.md`) into a `Roster`.
///
/// Every file is validated (required files and columns, duplicate ids, references that
/// point nowhere, malformed booleans, dates, grades and levels, students without an
/// enrollment, enrollments in a class of another school, text that is not UTF-8) and
/// every problem is collected as `FILE:LINE: message`. A roster with any problem is
/// refused whole: nothing is returned. Files are streamed, never held whole in memory.
public enum OneRosterReader {
    static let orgTypes: Set<String> = ["national", "state", "district", "local", "school", "department"]
    static let sessionTypes: Set<String> = ["calendarYear", "gradingPeriod", "schoolYear", "semester", "term"]

    /// - Parameters:
    ///   - path: a folder or a `.zip` of one.
    ///   - progress: called with a file name and the rows read so far, for large files.
    /// - Throws: `ImportError` with every problem found.
    public static func read(_ path: String, progress: (@Sendable (String, Int) -> Void)? = nil) throws(ImportError) -> Roster {
        let source = try RosterSource(path: path)
        let log = ProblemLog()
        var r = Reading(source: source, log: log, progress: progress)
        r.readAll()
        if !log.isEmpty { throw log.error() }
        return r.roster()
    }
}

/// The state of one read: ids to indices, what each file contributed, where.
struct Reading {
    let source: RosterSource
    var log: ProblemLog
    let progress: (@Sendable (String, Int) -> Void)?

    var version = "1.1"
    var orgs: [Roster.Org] = [], orgIndex: [String: Int] = [:], orgIDs = IdentifierTable()
    var sessions: [Roster.Session] = [], sessionIndex: [String: Int] = [:]
    var courses: [Roster.Course] = [], courseIndex: [String: Int] = [:]
    var sections: [Roster.Section] = [], sectionIDs = IdentifierTable()
    var students: [Student] = [], studentLine: [Int] = []
    var users = UserDirectory(capacity: 0)
    var enrollmentSection: [Int32] = [], enrollmentStudent: [Int32] = []
    var reference: Roster.Reference?
    var openHonors: [Roster.OpenHonorsChoice] = []
    var assessments: [Roster.Assessment] = []

    init(source: RosterSource, log: ProblemLog, progress: (@Sendable (String, Int) -> Void)?) {
        self.source = source
        self.log = log
        self.progress = progress
    }

    func roster() -> Roster {
        Roster(version: version, orgs: orgs, sessions: sessions, courses: courses, sections: sections,
               students: students, enrollmentSection: enrollmentSection, enrollmentStudent: enrollmentStudent,
               reference: reference, openHonors: openHonors, assessments: assessments)
    }

    func require(_ files: [String]) -> Bool {
        var ok = true
        for f in files where !source.has(f) {
            log.add(f, 0, "required file is missing")
            ok = false
        }
        return ok
    }

    mutating func readAll() {
        readManifest()
        let users12 = version == "1.2"
        var needed = ["orgs.csv", "academicSessions.csv", "courses.csv", "classes.csv", "users.csv", "enrollments.csv"]
        if users12 { needed.append("roles.csv") }
        guard require(needed) else { return }
        // From a folder, two cores: the enrollments (the largest file, about seven rows a
        // student) are scanned from the start on one, the users and the per-student files
        // on the other; the classes go to whichever is free first. Each file keeps its own
        // problems, reported in file order either way. (A `.zip` is opened a second time
        // for the second core; if it cannot be, its files are read one after another.)
        let scanBox = ScanBox(), scanDone = DispatchGroup()
        let second = try? source.reopened()
        let classesJob = ClaimOnce()
        let classesBox = ClassesBox()
        let classesLog = ProblemLog(), usersLog = ProblemLog(), demographicsLog = ProblemLog()
        let extensionLog = ProblemLog(), enrollmentLog = ProblemLog()
        let source = source, progress = progress
        if let second {
            DispatchQueue.global().async(group: scanDone) {
                scanBox.scan = EnrollmentScan.scan(second, progress: progress)
                var context = scanBox.classContext.wait()
                context.source = second
                if classesJob.claim() {
                    classesBox.result = Reading.readClasses(context, log: classesLog)
                }
            }
        }
        readOrgs()
        readSessions()
        readCourses()
        let classContext = ClassContext(
            source: source, courseIndex: courseIndex, orgIndex: orgIndex, orgTypes: orgs.map(\.type),
            sessionIndex: sessionIndex, progress: progress)
        scanBox.classContext.put(classContext)
        let main = log
        log = usersLog
        readUsers()
        log = demographicsLog
        if source.has("demographics.csv") { readDemographics() }
        log = extensionLog
        if source.has("mosaic_students.csv") { readStudentExtension() }
        log = main
        if classesJob.claim() { classesBox.result = Reading.readClasses(classContext, log: classesLog) }
        scanDone.wait()
        let classes = classesBox.result!
        sections = classes.sections
        sectionIDs = classes.ids
        for l in [classesLog, usersLog, demographicsLog, extensionLog] { log.append(l) }
        let context = EnrollmentContext(
            sectionIDs: sectionIDs, sectionSchool: sections.map(\.school), orgIDs: orgIDs, orgs: orgs.map(\.id),
            users: users, studentCount: students.count)
        // Resolved when every id is known and nothing was irregular; otherwise read again,
        // exactly, for the messages.
        let enrollments = scanBox.scan?.resolve(context)
            ?? EnrollmentReading.read(context, from: source, log: enrollmentLog, progress: progress)
        log.append(enrollmentLog)
        enrollmentSection = enrollments.section
        enrollmentStudent = enrollments.student
        if log.isEmpty {
            for (i, isEnrolled) in enrollments.enrolled.enumerated() where !isEnrolled {
                log.add("users.csv", studentLine[i], "student '\(students[i].id)' has no enrollment")
            }
        }
        if source.has("mosaic_reference.csv") { readReference() }
        if source.has("mosaic_open_honors.csv") { readOpenHonors() }
        if source.has("mosaic_assessments.csv") { readAssessments() }
    }

    /// Checks that an id is new in a large file, keeping ids as bytes (`lines[i]` is where
    /// id i first appeared); logs the line of its first appearance otherwise.
    static func unique(_ id: String, _ seen: inout IdentifierTable, _ lines: inout [Int], _ file: String, _ line: Int, _ log: ProblemLog) -> Bool {
        if id.isEmpty {
            log.add(file, line, "sourcedId is empty")
            return false
        }
        let (i, inserted) = seen.insert(id)
        guard inserted else {
            log.add(file, line, "duplicate sourcedId '\(id)' (first on line \(lines[Int(i)]))")
            return false
        }
        lines.append(line)
        return true
    }

    /// Checks that an id is new in its file; logs the line of its first appearance otherwise.
    static func unique(_ id: String, _ seen: inout [String: Int], _ file: String, _ line: Int, _ log: ProblemLog, what: String = "sourcedId") -> Bool {
        if id.isEmpty {
            log.add(file, line, "\(what) is empty")
            return false
        }
        if let first = seen[id] {
            log.add(file, line, "duplicate \(what) '\(id)' (first on line \(first))")
            return false
        }
        seen[id] = line
        return true
    }

    /// The first of a list of grades, every one checked: a student's grade.
    static func firstGrade(_ text: String, _ file: String, _ line: Int, _ log: ProblemLog) -> Grade? {
        if text.isEmpty { return nil }
        // One plain code, the common case: no list made.
        if let g = Grade(text) { return g }
        return grades(text, file, line, log).first
    }

    static func grades(_ text: String, _ file: String, _ line: Int, _ log: ProblemLog) -> [Grade] {
        var out: [Grade] = []
        for code in RosterValue.list(text) {
            if let g = Grade(code) { out.append(g) } else {
                log.add(file, line, "grade '\(code)' is not a CEDS grade (expected KG, 01-12, PK…)")
            }
        }
        return out
    }

    mutating func readManifest() {
        if source.has("roles.csv") { version = "1.2" }
        guard source.has("manifest.csv") else { return }
        var manifestVersion: String?
        RosterFile.read("manifest.csv", from: source, required: ["propertyName", "value"], log: log) { f, r in
            guard let key = f.field("propertyName", r, log), let value = f.field("value", r, log) else { return }
            if key == "oneroster.version" {
                guard value == "1.1" || value == "1.2" else {
                    log.add(f.name, r.line, "oneroster.version '\(value)' is not supported (expected 1.1 or 1.2)")
                    return
                }
                manifestVersion = value
            } else if key.hasPrefix("file.") {
                let v = value.lowercased()
                if v == "delta" {
                    log.add(f.name, r.line, "\(key) is a delta file; Mosaic reads bulk rosters only for now (export a full bulk roster)")
                } else if v != "bulk" && v != "absent" {
                    log.add(f.name, r.line, "\(key) is '\(value)' (expected bulk or absent)")
                }
            }
        }
        if let v = manifestVersion { version = v }
    }

    mutating func readOrgs() {
        var seen: [String: Int] = [:]
        var parents: [(Int, String, Int)] = []
        RosterFile.read("orgs.csv", from: source, required: ["sourcedId", "name", "type"], log: log) { f, r in
            guard let id = f.field("sourcedId", r, log), let name = f.field("name", r, log),
                  let type = f.field("type", r, log), let parent = f.field("parentSourcedId", r, log) else { return }
            guard Reading.unique(id, &seen, f.name, r.line, log) else { return }
            if !OneRosterReader.orgTypes.contains(type) {
                log.add(f.name, r.line, "type '\(type)' is not an org type (national, state, district, local, school, department)")
            }
            orgIndex[id] = orgs.count
            _ = orgIDs.insert(id)
            if !parent.isEmpty { parents.append((orgs.count, parent, r.line)) }
            orgs.append(.init(id: id, name: name, type: type))
        }
        for (i, parent, line) in parents {
            if let p = orgIndex[parent] { orgs[i].parent = p } else {
                log.add("orgs.csv", line, "parentSourcedId '\(parent)' is not an org")
            }
        }
    }

    mutating func readSessions() {
        var seen: [String: Int] = [:]
        var parents: [(Int, String, Int)] = []
        RosterFile.read("academicSessions.csv", from: source,
                        required: ["sourcedId", "title", "type", "startDate", "endDate", "schoolYear"], log: log) { f, r in
            guard let id = f.field("sourcedId", r, log), let title = f.field("title", r, log),
                  let type = f.field("type", r, log), let start = f.field("startDate", r, log),
                  let end = f.field("endDate", r, log), let year = f.field("schoolYear", r, log),
                  let parent = f.field("parentSourcedId", r, log) else { return }
            guard Reading.unique(id, &seen, f.name, r.line, log) else { return }
            if !OneRosterReader.sessionTypes.contains(type) {
                log.add(f.name, r.line, "type '\(type)' is not a session type (schoolYear, term, semester, gradingPeriod, calendarYear)")
            }
            for (column, value) in [("startDate", start), ("endDate", end)] where !RosterValue.isDate(value) {
                log.add(f.name, r.line, "\(column) '\(value)' is not a date (expected YYYY-MM-DD)")
            }
            if RosterValue.isDate(start) && RosterValue.isDate(end) && end < start {
                log.add(f.name, r.line, "endDate \(end) is before startDate \(start)")
            }
            guard let schoolYear = Int(year), year.count == 4 else {
                log.add(f.name, r.line, "schoolYear '\(year)' is not a year (expected YYYY, the year the school year ends)")
                return
            }
            sessionIndex[id] = sessions.count
            if !parent.isEmpty { parents.append((sessions.count, parent, r.line)) }
            sessions.append(.init(id: id, title: title, type: type, startDate: start, endDate: end, schoolYear: schoolYear))
        }
        for (i, parent, line) in parents {
            if let p = sessionIndex[parent] { sessions[i].parent = p } else {
                log.add("academicSessions.csv", line, "parentSourcedId '\(parent)' is not an academic session")
            }
        }
    }

    mutating func readCourses() {
        var seen: [String: Int] = [:]
        var levels: [String: (level: CourseLevel, titleEs: String?, line: Int)] = [:]
        if source.has("mosaic_courses.csv") {
            var levelSeen: [String: Int] = [:]
            RosterFile.read("mosaic_courses.csv", from: source, required: ["sourcedId", "level"], log: log) { f, r in
                guard let id = f.field("sourcedId", r, log), let level = f.field("level", r, log) else { return }
                guard Reading.unique(id, &levelSeen, f.name, r.line, log) else { return }
                guard let l = CourseLevel(rawValue: level) else {
                    log.add(f.name, r.line, "level '\(level)' is not a course level (\(CourseLevel.allCases.map(\.rawValue).joined(separator: ", ")))")
                    return
                }
                // Optional: the course's title in Spanish, for the family pages.
                guard let es = f.field("titleEs", r, log) else { return }
                let titleEs = es.trimmingWhitespace()
                levels[id] = (l, titleEs.isEmpty ? nil : titleEs, r.line)
            }
        }
        RosterFile.read("courses.csv", from: source, required: ["sourcedId", "title", "orgSourcedId"], log: log) { f, r in
            guard let id = f.field("sourcedId", r, log), let title = f.field("title", r, log),
                  let code = f.field("courseCode", r, log), let gradeText = f.field("grades", r, log),
                  let org = f.field("orgSourcedId", r, log), let year = f.field("schoolYearSourcedId", r, log)
            else { return }
            guard Reading.unique(id, &seen, f.name, r.line, log) else { return }
            guard let o = orgIndex[org] else {
                log.add(f.name, r.line, "orgSourcedId '\(org)' is not an org")
                return
            }
            if !year.isEmpty && sessionIndex[year] == nil {
                log.add(f.name, r.line, "schoolYearSourcedId '\(year)' is not an academic session")
            }
            courseIndex[id] = courses.count
            courses.append(.init(id: id, title: title, titleEs: levels[id]?.titleEs, code: code,
                                 grades: Reading.grades(gradeText, f.name, r.line, log), org: o, level: levels[id]?.level ?? .general))
        }
        for (id, (_, _, line)) in levels where courseIndex[id] == nil {
            log.add("mosaic_courses.csv", line, "sourcedId '\(id)' is not a course")
        }
    }

    /// What reading the classes needs: courses, orgs and sessions.
    struct ClassContext: Sendable {
        var source: RosterSource
        let courseIndex: [String: Int]
        let orgIndex: [String: Int]
        let orgTypes: [String]
        let sessionIndex: [String: Int]
        let progress: (@Sendable (String, Int) -> Void)?
    }

    /// Reads classes.csv into sections; it needs only courses, orgs and sessions, so it
    /// can run beside the users.
    static func readClasses(_ c: ClassContext, log: ProblemLog) -> (sections: [Roster.Section], ids: IdentifierTable) {
        var seen: [String: Int] = [:]
        var sections: [Roster.Section] = []
        var ids = IdentifierTable(capacity: max(1 << 10, c.source.size(of: "classes.csv") / 60))
        let names = ["sourcedId", "title", "grades", "courseSourcedId", "schoolSourcedId", "termSourcedIds", "periods"]
        var at: [Int] = []
        RosterFile.read("classes.csv", from: c.source,
                        required: ["sourcedId", "title", "courseSourcedId", "schoolSourcedId", "termSourcedIds"], log: log,
                        progress: c.progress) { f, r in
            if at.isEmpty { at = f.positions(names) }
            guard let id = f.field(at: at[0], names[0], r, log), let title = f.field(at: at[1], names[1], r, log),
                  let gradeText = f.field(at: at[2], names[2], r, log), let course = f.field(at: at[3], names[3], r, log),
                  let school = f.field(at: at[4], names[4], r, log), let terms = f.field(at: at[5], names[5], r, log),
                  let periods = f.field(at: at[6], names[6], r, log) else { return }
            guard Reading.unique(id, &seen, f.name, r.line, log) else { return }
            var ok = true
            let courseIndex = c.courseIndex[course]
            if courseIndex == nil { log.add(f.name, r.line, "courseSourcedId '\(course)' is not a course"); ok = false }
            let s = c.orgIndex[school]
            if s == nil { log.add(f.name, r.line, "schoolSourcedId '\(school)' is not an org"); ok = false }
            else if c.orgTypes[s!] != "school" { log.add(f.name, r.line, "schoolSourcedId '\(school)' is a \(c.orgTypes[s!]), not a school"); ok = false }
            var termList: [Int] = []
            let termIDs = RosterValue.list(terms)
            if termIDs.isEmpty { log.add(f.name, r.line, "termSourcedIds is empty; a class is taught in at least one term"); ok = false }
            for t in termIDs {
                if let i = c.sessionIndex[t] { termList.append(i) } else {
                    log.add(f.name, r.line, "termSourcedIds '\(t)' is not an academic session"); ok = false
                }
            }
            let g = Reading.grades(gradeText, f.name, r.line, log)
            guard ok else { return }
            _ = ids.insert(id)
            sections.append(.init(id: id, title: title, course: courseIndex!, school: s!, terms: termList,
                                  periods: RosterValue.list(periods), grades: g))
        }
        return (sections, ids)
    }

    mutating func readUsers() {
        users = UserDirectory(capacity: source.size(of: "users.csv") / 60)
        // 1.2 keeps roles apart: the student role comes from roles.csv.
        var roles12: [String: String] = [:]
        if version == "1.2" {
            RosterFile.read("roles.csv", from: source, required: ["userSourcedId", "role", "orgSourcedId"], log: log) { f, r in
                guard let user = f.field("userSourcedId", r, log), let role = f.field("role", r, log),
                      let org = f.field("orgSourcedId", r, log) else { return }
                if orgIndex[org] == nil { log.add(f.name, r.line, "orgSourcedId '\(org)' is not an org") }
                if roles12[user] != "student" { roles12[user] = role }
            }
        }
        let required = version == "1.2" ? ["sourcedId"] : ["sourcedId", "role"]
        let names = ["sourcedId", "grades", "role", "orgSourcedIds"]
        var at: [Int] = []
        RosterFile.read("users.csv", from: source, required: required, log: log, progress: progress) { f, r in
            if at.isEmpty { at = f.positions(names) }
            guard let id = f.field(at: at[0], names[0], r, log), let gradeText = f.field(at: at[1], names[1], r, log) else { return }
            if id.isEmpty {
                log.add(f.name, r.line, "sourcedId is empty")
                return
            }
            let (u, inserted) = users.ids.insert(id)
            guard inserted else {
                log.add(f.name, r.line, "duplicate sourcedId '\(id)' (first on line \(users.lines[Int(u)]))")
                return
            }
            users.lines.append(Int32(r.line))
            let role: String
            if version == "1.2" {
                guard let rr = roles12[id] else {
                    log.add(f.name, r.line, "user '\(id)' has no role in roles.csv")
                    users.add(role: "user without a role", student: nil)
                    return
                }
                role = rr
            } else {
                guard let rr = f.field(at: at[2], names[2], r, log) else {
                    users.add(role: "user without a role", student: nil)
                    return
                }
                role = rr
                // The organisations, looked up from the field's bytes (usually one school).
                if at[3] >= 0 {
                    if let list = r.bytes(at[3]) {
                        RosterValue.forEach(in: list) { o in
                            if orgIDs.find(o) == nil {
                                log.add(f.name, r.line, "orgSourcedIds '\(String(decoding: o, as: UTF8.self))' is not an org")
                            }
                        }
                    } else if let orgList = f.field(at: at[3], names[3], r, log) {
                        for o in RosterValue.list(orgList) where orgIndex[o] == nil {
                            log.add(f.name, r.line, "orgSourcedIds '\(o)' is not an org")
                        }
                    }
                }
            }
            guard role == "student" else {
                users.add(role: role, student: nil)
                return
            }
            users.add(role: role, student: Int32(students.count))
            studentLine.append(r.line)
            students.append(Student(id: id, grade: Reading.firstGrade(gradeText, f.name, r.line, log)))
        }
        if version == "1.2" {
            for (user, _) in roles12 where users.ids.find(user) == nil {
                log.add("roles.csv", 0, "userSourcedId '\(user)' is not a user")
                break
            }
        }
    }

    /// Reads a per-student file (demographics, the Mosaic extension): each row is matched
    /// to its student from the id's bytes, and a repeated student is found by the line
    /// kept per student, so a million rows intern no id. Rows of other users (teachers
    /// may have demographics) are checked against the users; any other id is a problem
    /// unless `othersMayAppear`.
    func readPerStudent(_ file: String, required: [String], names: [String], othersMayAppear: Bool,
                        body: (RosterFile, CSVStream.Record, [Int], Int?) -> Void) {
        var lineOf = [Int32](repeating: 0, count: students.count)
        var seen = IdentifierTable(), seenLines: [Int] = []
        var at: [Int] = []
        // The closure uses these, not `self`: a struct captured whole is copied per row.
        let users = users, students = students, log = log
        RosterFile.read(file, from: source, required: required, log: log, progress: progress) { f, r in
            if at.isEmpty { at = f.positions(names) }
            if let b = r.bytes(at[0]), let s = users.student(b) {
                let i = Int(s)
                guard lineOf[i] == 0 else {
                    log.add(f.name, r.line, "duplicate sourcedId '\(students[i].id)' (first on line \(lineOf[i]))")
                    return
                }
                lineOf[i] = Int32(r.line)
                body(f, r, at, i)
                return
            }
            guard let id = f.field(at: at[0], names[0], r, log) else { return }
            guard Reading.unique(id, &seen, &seenLines, f.name, r.line, log) else { return }
            guard othersMayAppear else {
                log.add(f.name, r.line, "sourcedId '\(id)' is not a student")
                return
            }
            body(f, r, at, nil)
            if users.ids.find(id) == nil {
                log.add(f.name, r.line, "sourcedId '\(id)' is not a user")
            }
        }
    }

    /// A boolean column: exact `true` / `false` / empty from the bytes, other spellings
    /// from the text; nil (with the problem logged, or for an absent column) otherwise.
    static func flag(_ f: RosterFile, _ r: CSVStream.Record, _ i: Int, _ column: String, _ log: ProblemLog) -> Bool?? {
        if i < 0 { return .some(nil) }
        if let v = RosterValue.bool(bytes: r.bytes(i), r, i) { return v }
        guard let text = f.field(at: i, column, r, log) else { return nil }
        log.add(f.name, r.line, "\(column) '\(text)' is not a boolean (true, false or empty)")
        return nil
    }

    mutating func readDemographics() {
        let flags = ["americanIndianOrAlaskaNative", "asian", "blackOrAfricanAmerican", "nativeHawaiianOrOtherPacificIslander",
                     "white", "demographicRaceTwoOrMoreRaces", "hispanicOrLatinoEthnicity"]
        let names = ["sourcedId", "sex"] + flags
        let sexes = Student.Sex.allCases.map { ($0, Array($0.rawValue.utf8)) }
        var values: [(sex: Student.Sex?, race: Student.Race?)] = []
        var rows: [Int] = []
        let log = log
        readPerStudent("demographics.csv", required: names, names: names, othersMayAppear: true) { f, r, at, student in
            var v = [Bool?](repeating: nil, count: flags.count)
            for j in flags.indices {
                guard let b = Reading.flag(f, r, at[j + 2], flags[j], log) else { return }
                v[j] = b
            }
            var sex: Student.Sex?
            if let b = r.bytes(at[1]), let known = sexes.first(where: { RosterValue.equals(b, $0.1) }) {
                sex = known.0
            } else {
                guard let sexText = f.field(at: at[1], names[1], r, log) else { return }
                if !sexText.isEmpty {
                    guard let s = Student.Sex(rawValue: sexText) ?? Student.Sex(rawValue: sexText.lowercased()) else {
                        log.add(f.name, r.line, "sex '\(sexText)' is not one of male, female, other, unspecified")
                        return
                    }
                    sex = s
                }
            }
            guard let i = student else { return }
            rows.append(i)
            values.append((sex, Student.race(hispanic: v[6], twoOrMore: v[5], americanIndian: v[0], asian: v[1],
                                             black: v[2], pacificIslander: v[3], white: v[4])))
        }
        for (i, v) in zip(rows, values) {
            students[i].sex = v.sex
            students[i].race = v.race
        }
    }

    mutating func readStudentExtension() {
        let names = ["sourcedId", "economicallyDisadvantaged", "englishLearner", "gifted", "disability", "homeLanguage"]
        let disabilities = Student.Disability.allCases.map { ($0, Array($0.rawValue.utf8)) }
        var updates: [(Int, Student)] = []
        let log = log, before = students
        readPerStudent("mosaic_students.csv", required: ["sourcedId"], names: names, othersMayAppear: false) { f, r, at, student in
            var s = student.map { before[$0] } ?? Student(id: "")
            if let v = Reading.flag(f, r, at[1], names[1], log) { s.economicallyDisadvantaged = v }
            if let v = Reading.flag(f, r, at[2], names[2], log) { s.englishLearner = v }
            if let v = Reading.flag(f, r, at[3], names[3], log) { s.gifted = v }
            if at[4] >= 0, let b = r.bytes(at[4]), let known = disabilities.first(where: { RosterValue.equals(b, $0.1) }) {
                s.disability = known.0
            } else if let d = f.field(at: at[4], names[4], r, log), !d.isEmpty {
                if let v = Student.Disability(rawValue: d.lowercased()) { s.disability = v } else {
                    log.add(f.name, r.line, "disability '\(d)' is not one of none, iep, 504")
                }
            }
            if let lang = f.field(at: at[5], names[5], r, log), !lang.isEmpty { s.homeLanguage = lang }
            if let i = student { updates.append((i, s)) }
        }
        for (i, s) in updates { students[i] = s }
    }

    mutating func readReference() {
        var ref: Roster.Reference = [:]
        var seen: [String: Int] = [:]
        RosterFile.read("mosaic_reference.csv", from: source, required: ["dimension", "group", "count"], log: log) { f, r in
            guard let d = f.field("dimension", r, log), let g = f.field("group", r, log),
                  let c = f.field("count", r, log) else { return }
            guard let dimension = Dimension(rawValue: d) else {
                log.add(f.name, r.line, "dimension '\(d)' is not one of \(Dimension.allCases.map(\.rawValue).joined(separator: ", "))")
                return
            }
            guard dimension.rosterGroups.contains(g) else {
                log.add(f.name, r.line, "group '\(g)' is not a \(d) group (\(dimension.rosterGroups.joined(separator: ", ")))")
                return
            }
            guard Reading.unique("\(d),\(g)", &seen, f.name, r.line, log, what: "row for") else { return }
            guard let n = Int(c), n >= 0 else {
                log.add(f.name, r.line, "count '\(c)' is not a whole number of students")
                return
            }
            ref[dimension, default: [:]][g] = n
        }
        reference = ref
    }
}

final class ClassesBox: @unchecked Sendable {
    var result: (sections: [Roster.Section], ids: IdentifierTable)?
}

/// The users read from users.csv, in file order: each one's id, role, line, and index
/// among the students (-1 for every other role).
struct UserDirectory: Sendable {
    var ids: IdentifierTable
    var roles: [String] = []
    var lines: [Int32] = []
    var studentIndex: [Int32] = []

    init(capacity: Int) { ids = IdentifierTable(capacity: max(1 << 10, capacity)) }

    mutating func add(role: String, student: Int32?) {
        roles.append(role)
        studentIndex.append(student ?? -1)
    }

    /// The student with this id, if the id is a student's.
    @inline(__always)
    func student(_ key: UnsafeBufferPointer<UInt8>) -> Int32? {
        guard let u = ids.find(key) else { return nil }
        let s = studentIndex[Int(u)]
        return s >= 0 ? s : nil
    }
}

/// What the enrollment lane hands back, and the class context it waits for.
final class ScanBox: @unchecked Sendable {
    var scan: EnrollmentScan?
    let classContext = Handoff<Reading.ClassContext>()
}

/// A job that exactly one of two lanes runs: the first to claim it.
final class ClaimOnce: Sendable {
    private let claimed = Mutex(false)
    func claim() -> Bool { claimed.withLock { c in defer { c = true }; return !c } }
}

/// One value handed from one thread to another: `wait` blocks until `put`.
final class Handoff<Value: Sendable>: @unchecked Sendable {
    private var value: Value?
    private let ready = DispatchSemaphore(value: 0)
    func put(_ v: Value) { value = v; ready.signal() }
    func wait() -> Value { ready.wait(); ready.signal(); return value! }
}
