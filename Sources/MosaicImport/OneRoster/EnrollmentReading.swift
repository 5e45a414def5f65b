import MosaicCore

/// What reading the enrollments needs from the files read before: ids and owners.
struct EnrollmentContext: Sendable {
    let sectionIDs: IdentifierTable
    let sectionSchool: [Int]
    let orgIDs: IdentifierTable
    let orgs: [String]
    let users: UserDirectory
    let studentCount: Int
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
            if !EnrollmentRole.isKnown(role) {
                log.add(f.name, r.line, "role '\(text(role))' is not an enrollment role (\(EnrollmentRole.names.joined(separator: ", ")))")
                return
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
            guard RosterValue.equals(role, student) else {
                if c.users.ids.find(user) == nil { log.add(f.name, r.line, "userSourcedId '\(text(user))' is not a user") }
                return
            }
            guard let s = c.users.student(user) else {
                let u = c.users.ids.find(user)
                log.add(f.name, r.line, u == nil
                    ? "userSourcedId '\(text(user))' is not a user"
                    : "userSourcedId '\(text(user))' is enrolled as a student but is a \(c.users.roles[Int(u!)])")
                return
            }
            sectionOf.append(section)
            studentOf.append(s)
            enrolled[Int(s)] = true
        }
        return (sectionOf, studentOf, enrolled)
    }
}

/// The enrollments read on their own, before the classes and users are known, so that
/// the largest file can be read from the start on a core of its own: each class,
/// school and user id is interned locally and resolved once the other files are read.
///
/// The scan writes no message. Anything irregular — a problem, or what might be one —
/// marks the scan `irregular` (or makes ``resolve(_:)`` return nil), and the reader
/// then reads the file again with ``EnrollmentReading``, which says exactly what is
/// wrong and where. A valid roster is read once.
struct EnrollmentScan: Sendable {
    var classes = IdentifierTable(capacity: 1 << 14)
    var schools = IdentifierTable(capacity: 1 << 10)
    var students = IdentifierTable(capacity: 1 << 16)
    /// Users enrolled in another role (teachers, aides): they need only exist.
    var others = IdentifierTable(capacity: 1 << 10)
    /// The school each local class was first seen with.
    var classSchool: [Int32] = []
    var rowClass: [Int32] = [], rowStudent: [Int32] = []
    var irregular = false

    static func scan(_ source: RosterSource, progress: (@Sendable (String, Int) -> Void)?) -> EnrollmentScan {
        let expectedRows = max(1 << 12, source.size(of: "enrollments.csv") / 40)
        var scan = EnrollmentScan()
        scan.rowClass.reserveCapacity(expectedRows)
        scan.rowStudent.reserveCapacity(expectedRows)
        var ids = Fingerprints(capacity: expectedRows)
        var column: (id: Int, cls: Int, school: Int, user: Int, role: Int, begin: Int, end: Int)?
        let student = Array("student".utf8)
        let log = ProblemLog()
        RosterFile.read("enrollments.csv", from: source,
                        required: ["sourcedId", "classSourcedId", "schoolSourcedId", "userSourcedId", "role"], log: log,
                        progress: progress) { f, r in
            if scan.irregular { return }
            if column == nil {
                column = (f.columns["sourcedId"]!, f.columns["classSourcedId"]!, f.columns["schoolSourcedId"]!,
                          f.columns["userSourcedId"]!, f.columns["role"]!, f.columns["beginDate"] ?? -1, f.columns["endDate"] ?? -1)
            }
            let col = column!
            guard let id = r.bytes(col.id), let cls = r.bytes(col.cls), let school = r.bytes(col.school),
                  let user = r.bytes(col.user), let role = r.bytes(col.role), !id.isEmpty, ids.insert(id) else {
                scan.irregular = true
                return
            }
            func isDateOrAbsent(_ i: Int) -> Bool {
                i < 0 || r.isEmpty(i) || r.bytes(i).map(RosterValue.isDate(bytes:)) == true
            }
            guard isDateOrAbsent(col.begin), isDateOrAbsent(col.end), EnrollmentRole.isKnown(role) else { scan.irregular = true; return }
            let (c, newClass) = scan.classes.insert(cls)
            let s = scan.schools.insert(school).index
            if newClass { scan.classSchool.append(s) } else if scan.classSchool[Int(c)] != s { scan.irregular = true; return }
            guard RosterValue.equals(role, student) else {
                _ = scan.others.insert(user)
                return
            }
            scan.rowClass.append(c)
            scan.rowStudent.append(scan.students.insert(user).index)
        }
        if !log.isEmpty { scan.irregular = true }
        return scan
    }

    /// The enrollments in the roster's terms, or nil when an id does not resolve (a class
    /// that is not a class, one of another school, a student who is not one, a user who
    /// is not a user): the exact reader then names it.
    func resolve(_ c: EnrollmentContext) -> (section: [Int32], student: [Int32], enrolled: [Bool])? {
        guard !irregular else { return nil }
        var section = [Int32](repeating: 0, count: classes.count)
        for i in 0..<classes.count {
            guard let s = classes.withKey(i, { c.sectionIDs.find($0) }),
                  let school = schools.withKey(Int(classSchool[i]), { c.orgIDs.find($0) }),
                  c.sectionSchool[Int(s)] == Int(school) else { return nil }
            section[i] = s
        }
        var studentIndex = [Int32](repeating: 0, count: students.count)
        var enrolled = [Bool](repeating: false, count: c.studentCount)
        for i in 0..<students.count {
            guard let s = students.withKey(i, { c.users.student($0) }) else { return nil }
            studentIndex[i] = s
            enrolled[Int(s)] = true
        }
        for i in 0..<others.count where others.withKey(i, { c.users.ids.find($0) }) == nil { return nil }
        let sectionOf = rowClass.map { section[Int($0)] }
        let studentOf = rowStudent.map { studentIndex[Int($0)] }
        return (sectionOf, studentOf, enrolled)
    }
}

/// The roles an enrollment may name (OneRoster 1.1 and 1.2, `RoleEnum`): anything else is
/// a mistake in the file, not a role to skip.
enum EnrollmentRole {
    static let names = ["administrator", "aide", "guardian", "parent", "proctor", "relative", "student", "teacher"]
    static let bytes = names.map { Array($0.utf8) }

    static func isKnown(_ role: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.contains { RosterValue.equals(role, $0) }
    }
}
