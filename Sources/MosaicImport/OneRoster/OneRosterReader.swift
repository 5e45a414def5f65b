import Dispatch
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
    var students: [Student] = [], studentIDs = IdentifierTable(), studentLine: [Int] = []
    /// Every user (students, teachers, …) and their role, by index in `userIDs`.
    var userIDs = IdentifierTable(), userRoles: [String] = []
    var enrollmentSection: [Int32] = [], enrollmentStudent: [Int32] = []
    var reference: Roster.Reference?

    init(source: RosterSource, log: ProblemLog, progress: (@Sendable (String, Int) -> Void)?) {
        self.source = source
        self.log = log
        self.progress = progress
    }

    func roster() -> Roster {
        Roster(version: version, orgs: orgs, sessions: sessions, courses: courses, sections: sections,
               students: students, enrollmentSection: enrollmentSection, enrollmentStudent: enrollmentStudent,
               reference: reference)
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
        readOrgs()
        readSessions()
        readCourses()
        // Classes need courses, orgs and sessions; users need orgs: from a folder, read the
        // classes on a second core beside the users. Problems keep their file order.
        let classContext = ClassContext(
            source: source, courseIndex: courseIndex, orgIndex: orgIndex, orgTypes: orgs.map(\.type),
            sessionIndex: sessionIndex, progress: progress)
        let classesLog = ProblemLog(), usersLog = ProblemLog()
        let classesBox = ClassesBox()
        let classesDone = DispatchGroup()
        if case .folder = source {
            DispatchQueue.global().async(group: classesDone) {
                classesBox.result = Reading.readClasses(classContext, log: classesLog)
            }
        }
        let main = log
        log = usersLog
        readUsers()
        log = main
        classesDone.wait()
        let classes = classesBox.result ?? Reading.readClasses(classContext, log: classesLog)
        sections = classes.sections
        sectionIDs = classes.ids
        log.append(classesLog)
        log.append(usersLog)
        // The enrollments and the per-student files depend only on what is read so far:
        // from a folder, read the enrollments on a second core meanwhile. Each side keeps
        // its own problems; they are reported in file order either way.
        let context = EnrollmentContext(
            sectionIDs: sectionIDs, sectionSchool: sections.map(\.school), orgIDs: orgIDs, orgs: orgs.map(\.id),
            studentIDs: studentIDs, userIDs: userIDs, userRoles: userRoles, studentCount: students.count)
        let enrollmentLog = ProblemLog()
        let box = EnrollmentBox()
        let group = DispatchGroup()
        if case .folder = source {
            let source = source, progress = progress
            DispatchQueue.global().async(group: group) {
                box.result = EnrollmentReading.read(context, from: source, log: enrollmentLog, progress: progress)
            }
        }
        if source.has("demographics.csv") { readDemographics() }
        if source.has("mosaic_students.csv") { readStudentExtension() }
        group.wait()
        let enrollments = box.result ?? EnrollmentReading.read(context, from: source, log: enrollmentLog, progress: progress)
        log.append(enrollmentLog)
        enrollmentSection = enrollments.section
        enrollmentStudent = enrollments.student
        if log.isEmpty {
            for (i, isEnrolled) in enrollments.enrolled.enumerated() where !isEnrolled {
                log.add("users.csv", studentLine[i], "student '\(students[i].id)' has no enrollment")
            }
        }
        if source.has("mosaic_reference.csv") { readReference() }
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
        var levels: [String: (CourseLevel, Int)] = [:]
        if source.has("mosaic_courses.csv") {
            var levelSeen: [String: Int] = [:]
            RosterFile.read("mosaic_courses.csv", from: source, required: ["sourcedId", "level"], log: log) { f, r in
                guard let id = f.field("sourcedId", r, log), let level = f.field("level", r, log) else { return }
                guard Reading.unique(id, &levelSeen, f.name, r.line, log) else { return }
                guard let l = CourseLevel(rawValue: level) else {
                    log.add(f.name, r.line, "level '\(level)' is not a course level (\(CourseLevel.allCases.map(\.rawValue).joined(separator: ", ")))")
                    return
                }
                levels[id] = (l, r.line)
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
            courses.append(.init(id: id, title: title, code: code, grades: Reading.grades(gradeText, f.name, r.line, log), org: o,
                                 level: levels[id]?.0 ?? .general))
        }
        for (id, (_, line)) in levels where courseIndex[id] == nil {
            log.add("mosaic_courses.csv", line, "sourcedId '\(id)' is not a course")
        }
    }

    /// What reading the classes needs: courses, orgs and sessions.
    struct ClassContext: Sendable {
        let source: RosterSource
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
        var seen = IdentifierTable(capacity: students.count + 16), seenLines: [Int] = []
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
            guard Reading.unique(id, &seen, &seenLines, f.name, r.line, log) else { return }
            let role: String
            if version == "1.2" {
                guard let rr = roles12[id] else {
                    log.add(f.name, r.line, "user '\(id)' has no role in roles.csv")
                    return
                }
                role = rr
            } else {
                guard let rr = f.field(at: at[2], names[2], r, log) else { return }
                role = rr
                if let orgList = f.field(at: at[3], names[3], r, log) {
                    for o in RosterValue.list(orgList) where orgIndex[o] == nil {
                        log.add(f.name, r.line, "orgSourcedIds '\(o)' is not an org")
                    }
                }
            }
            _ = userIDs.insert(id)
            userRoles.append(role)
            guard role == "student" else { return }
            let g = Reading.grades(gradeText, f.name, r.line, log)
            _ = studentIDs.insert(id)
            studentLine.append(r.line)
            students.append(Student(id: id, grade: g.first))
        }
        if version == "1.2" {
            for (user, _) in roles12 where userIDs.find(user) == nil {
                log.add("roles.csv", 0, "userSourcedId '\(user)' is not a user")
                break
            }
        }
    }

    mutating func readDemographics() {
        var seen = IdentifierTable(capacity: students.count + 16), seenLines: [Int] = []
        let flags = ["americanIndianOrAlaskaNative", "asian", "blackOrAfricanAmerican", "nativeHawaiianOrOtherPacificIslander",
                     "white", "demographicRaceTwoOrMoreRaces", "hispanicOrLatinoEthnicity"]
        let names = ["sourcedId", "sex"] + flags
        var at: [Int] = []
        RosterFile.read("demographics.csv", from: source, required: names, log: log, progress: progress) { f, r in
            if at.isEmpty { at = f.positions(names) }
            guard let id = f.field(at: at[0], names[0], r, log), let sexText = f.field(at: at[1], names[1], r, log) else { return }
            guard Reading.unique(id, &seen, &seenLines, f.name, r.line, log) else { return }
            var values: [Bool?] = []
            values.reserveCapacity(flags.count)
            for (j, flag) in flags.enumerated() {
                let i = at[j + 2]
                guard let v = RosterValue.bool(bytes: r.bytes(i), r, i) else {
                    guard let text = f.field(at: i, flag, r, log) else { return }
                    log.add(f.name, r.line, "\(flag) '\(text)' is not a boolean (true, false or empty)")
                    return
                }
                values.append(v)
            }
            var sex: Student.Sex?
            if !sexText.isEmpty {
                guard let s = Student.Sex(rawValue: sexText) ?? Student.Sex(rawValue: sexText.lowercased()) else {
                    log.add(f.name, r.line, "sex '\(sexText)' is not one of male, female, other, unspecified")
                    return
                }
                sex = s
            }
            guard let i = studentIDs.find(id) else {
                if userIDs.find(id) == nil { log.add(f.name, r.line, "sourcedId '\(id)' is not a user") }
                return
            }
            students[Int(i)].sex = sex
            students[Int(i)].race = Student.race(
                hispanic: values[6], twoOrMore: values[5], americanIndian: values[0], asian: values[1],
                black: values[2], pacificIslander: values[3], white: values[4])
        }
    }

    mutating func readStudentExtension() {
        var seen = IdentifierTable(capacity: students.count + 16), seenLines: [Int] = []
        let names = ["sourcedId", "economicallyDisadvantaged", "englishLearner", "gifted", "disability", "homeLanguage"]
        var at: [Int] = []
        RosterFile.read("mosaic_students.csv", from: source, required: ["sourcedId"], log: log, progress: progress) { f, r in
            if at.isEmpty { at = f.positions(names) }
            guard let id = f.field(at: at[0], names[0], r, log) else { return }
            guard Reading.unique(id, &seen, &seenLines, f.name, r.line, log) else { return }
            guard let i = studentIDs.find(id).map(Int.init) else {
                log.add(f.name, r.line, "sourcedId '\(id)' is not a student")
                return
            }
            func flag(_ column: String) -> Bool? {
                let j = names.firstIndex(of: column)!
                if at[j] < 0 { return nil }
                if let v = RosterValue.bool(bytes: r.bytes(at[j]), r, at[j]) { return v }
                guard let text = f.field(at: at[j], column, r, log) else { return nil }
                guard let v = RosterValue.bool(text) else {
                    log.add(f.name, r.line, "\(column) '\(text)' is not a boolean (true, false or empty)")
                    return nil
                }
                return v
            }
            students[i].economicallyDisadvantaged = flag("economicallyDisadvantaged")
            students[i].englishLearner = flag("englishLearner")
            students[i].gifted = flag("gifted")
            if let d = f.field(at: at[4], names[4], r, log), !d.isEmpty {
                if let v = Student.Disability(rawValue: d.lowercased()) { students[i].disability = v } else {
                    log.add(f.name, r.line, "disability '\(d)' is not one of none, iep, 504")
                }
            }
            if let lang = f.field(at: at[5], names[5], r, log), !lang.isEmpty { students[i].homeLanguage = lang }
        }
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

/// What reading the enrollments needs from the files read before: ids and owners.
struct EnrollmentContext: Sendable {
    let sectionIDs: IdentifierTable
    let sectionSchool: [Int]
    let orgIDs: IdentifierTable
    let orgs: [String]
    let studentIDs: IdentifierTable
    let userIDs: IdentifierTable
    let userRoles: [String]
    let studentCount: Int
}

final class ClassesBox: @unchecked Sendable {
    var result: (sections: [Roster.Section], ids: IdentifierTable)?
}

final class EnrollmentBox: @unchecked Sendable {
    var result: (section: [Int32], student: [Int32], enrolled: [Bool])?
}

enum EnrollmentReading {
    /// The largest file (a million students have about seven million rows): read from the
    /// field bytes with interned ids; a `String` is made only for a problem or a date.
    static func read(_ c: EnrollmentContext, from source: RosterSource, log: ProblemLog,
                     progress: (@Sendable (String, Int) -> Void)?) -> (section: [Int32], student: [Int32], enrolled: [Bool]) {
        // Sized from the file (rows are rarely under 40 bytes), so the table does not grow
        // through millions of ids.
        let expectedRows = max(1 << 12, source.size(of: "enrollments.csv") / 40)
        var seen = IdentifierTable(capacity: expectedRows)
        var enrolled = [Bool](repeating: false, count: c.studentCount)
        var sectionOf: [Int32] = [], studentOf: [Int32] = []
        sectionOf.reserveCapacity(expectedRows)
        studentOf.reserveCapacity(expectedRows)
        var column: (id: Int, cls: Int, school: Int, user: Int, role: Int, begin: Int?, end: Int?)?
        let student = Array("student".utf8)
        RosterFile.read("enrollments.csv", from: source,
                        required: ["sourcedId", "classSourcedId", "schoolSourcedId", "userSourcedId", "role"], log: log,
                        progress: progress) { f, r in
            if column == nil {
                column = (f.columns["sourcedId"]!, f.columns["classSourcedId"]!, f.columns["schoolSourcedId"]!,
                          f.columns["userSourcedId"]!, f.columns["role"]!, f.columns["beginDate"], f.columns["endDate"])
            }
            let col = column!
            // Quoted fields with doubled quotes (rare) are not plain ids.
            guard let id = r.bytes(col.id), let cls = r.bytes(col.cls), let school = r.bytes(col.school),
                  let user = r.bytes(col.user), let role = r.bytes(col.role) else {
                log.add(f.name, r.line, "an id holds a quote; sourcedIds are plain text")
                return
            }
            func text(_ b: UnsafeBufferPointer<UInt8>) -> String { String(decoding: b, as: UTF8.self) }
            if id.isEmpty { log.add(f.name, r.line, "sourcedId is empty"); return }
            if !seen.insert(id).inserted { log.add(f.name, r.line, "duplicate sourcedId '\(text(id))'"); return }
            if let i = col.begin, !r.isEmpty(i), let value = r.string(i), !RosterValue.isDate(value) {
                log.add(f.name, r.line, "beginDate '\(value)' is not a date (expected YYYY-MM-DD)")
            }
            if let i = col.end, !r.isEmpty(i), let value = r.string(i), !RosterValue.isDate(value) {
                log.add(f.name, r.line, "endDate '\(value)' is not a date (expected YYYY-MM-DD)")
            }
            guard let section = c.sectionIDs.find(cls) else {
                log.add(f.name, r.line, "classSourcedId '\(text(cls))' is not a class")
                return
            }
            let classSchool = c.sectionSchool[Int(section)]
            if c.orgIDs.find(school).map(Int.init) != classSchool {
                log.add(f.name, r.line, "class '\(text(cls))' belongs to school '\(c.orgs[classSchool])', not to schoolSourcedId '\(text(school))'")
                return
            }
            guard role.elementsEqual(student) else {
                if c.userIDs.find(user) == nil { log.add(f.name, r.line, "userSourcedId '\(text(user))' is not a user") }
                return
            }
            guard let s = c.studentIDs.find(user) else {
                let u = c.userIDs.find(user)
                log.add(f.name, r.line, u == nil
                    ? "userSourcedId '\(text(user))' is not a user"
                    : "userSourcedId '\(text(user))' is enrolled as a student but is a \(c.userRoles[Int(u!)])")
                return
            }
            sectionOf.append(section)
            studentOf.append(s)
            enrolled[Int(s)] = true
        }
        return (sectionOf, studentOf, enrolled)
    }
}
