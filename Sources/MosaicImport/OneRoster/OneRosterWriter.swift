import Foundation
import MosaicCore

/// Writes a `Roster` as a OneRoster 1.1 CSV bulk folder plus the Mosaic extension files
/// (`mosaic_students.csv`, `mosaic_courses.csv`, `mosaic_reference.csv` when it has a
/// reference, `mosaic_open_honors.csv` when it has a ledger): what `OneRosterReader` reads back.
public enum OneRosterWriter {
    /// - Parameter progress: called with a file name and the rows written so far.
    public static func write(_ roster: Roster, to folder: String, progress: ((String, Int) -> Void)? = nil) throws {
        let dir = URL(fileURLWithPath: folder)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        func file(_ name: String, _ header: [String], _ rows: Int, _ row: (Int, inout CSVWriter) -> Void) throws {
            var w = try CSVWriter(dir.appendingPathComponent(name))
            w.record(header)
            for i in 0..<rows {
                row(i, &w)
                if let progress, (i + 1) % 500_000 == 0 { progress(name, i + 1) }
            }
            try w.close()
        }
        try file("manifest.csv", ["propertyName", "value"], 2) { i, w in
            w.record(i == 0 ? ["manifest.version", "1.0"] : ["oneroster.version", "1.1"])
        }
        let r = roster
        try file("orgs.csv", ["sourcedId", "status", "dateLastModified", "name", "type", "identifier", "parentSourcedId"], r.orgs.count) { i, w in
            let o = r.orgs[i]
            w.record([o.id, "", "", o.name, o.type, o.id, o.parent.map { r.orgs[$0].id } ?? ""])
        }
        try file("academicSessions.csv", ["sourcedId", "status", "dateLastModified", "title", "type", "startDate", "endDate", "parentSourcedId", "schoolYear"], r.sessions.count) { i, w in
            let s = r.sessions[i]
            w.record([s.id, "", "", s.title, s.type, s.startDate, s.endDate, s.parent.map { r.sessions[$0].id } ?? "", "\(s.schoolYear)"])
        }
        try file("courses.csv", ["sourcedId", "status", "dateLastModified", "schoolYearSourcedId", "title", "courseCode", "grades", "orgSourcedId", "subjects"], r.courses.count) { i, w in
            let c = r.courses[i]
            w.record([c.id, "", "", "", c.title, c.code, c.grades.map(\.description).joined(separator: ","), r.orgs[c.org].id, ""])
        }
        // The Spanish titles column only when some course has one (the file stays as before otherwise).
        let spanish = r.courses.contains { $0.titleEs != nil }
        try file("mosaic_courses.csv", ["sourcedId", "level"] + (spanish ? ["titleEs"] : []), r.courses.count) { i, w in
            let c = r.courses[i]
            w.record([c.id, c.level.rawValue] + (spanish ? [c.titleEs ?? ""] : []))
        }
        try file("classes.csv", ["sourcedId", "status", "dateLastModified", "title", "grades", "courseSourcedId", "classCode", "classType", "location", "schoolSourcedId", "termSourcedIds", "subjects", "periods"], r.sections.count) { i, w in
            let c = r.sections[i]
            w.record([c.id, "", "", c.title, c.grades.map(\.description).joined(separator: ","), r.courses[c.course].id, c.id,
                      r.courses[c.course].code.hasPrefix("HR") ? "homeroom" : "scheduled", "", r.orgs[c.school].id,
                      c.terms.map { r.sessions[$0].id }.joined(separator: ","), "", c.periods.joined(separator: ",")])
        }
        // Each student's schools, for orgSourcedIds.
        var schoolsOf = [[Int]](repeating: [], count: r.students.count)
        for e in 0..<r.enrollmentCount {
            let s = Int(r.enrollmentStudent[e]), school = r.sections[Int(r.enrollmentSection[e])].school
            if !schoolsOf[s].contains(school) { schoolsOf[s].append(school) }
        }
        try file("users.csv", ["sourcedId", "status", "dateLastModified", "enabledUser", "orgSourcedIds", "role", "username", "userIds", "givenName", "familyName", "middleName", "identifier", "email", "sms", "phone", "agentSourcedIds", "grades", "password"], r.students.count) { i, w in
            let s = r.students[i]
            w.record([s.id, "", "", "true", schoolsOf[i].map { r.orgs[$0].id }.joined(separator: ","), "student", s.id, "", "Student", s.id, "", s.id, "", "", "", "", s.grade?.description ?? "", ""])
        }
        func flag(_ b: Bool?) -> String { b.map { $0 ? "true" : "false" } ?? "" }
        try file("demographics.csv", ["sourcedId", "status", "dateLastModified", "birthDate", "sex", "americanIndianOrAlaskaNative", "asian", "blackOrAfricanAmerican", "nativeHawaiianOrOtherPacificIslander", "white", "demographicRaceTwoOrMoreRaces", "hispanicOrLatinoEthnicity", "countryOfBirthCode", "stateOfBirthAbbreviation", "cityOfBirth", "publicSchoolResidenceStatus"], r.students.count) { i, w in
            let s = r.students[i]
            func race(_ x: Student.Race) -> String { s.race == nil ? "" : s.race == x ? "true" : "false" }
            w.record([s.id, "", "", "", s.sex?.rawValue ?? "", race(.americanIndian), race(.asian), race(.black), race(.pacificIslander),
                      race(.white), race(.multiracial), race(.hispanic), "", "", "", ""])
        }
        try file("mosaic_students.csv", ["sourcedId", "economicallyDisadvantaged", "englishLearner", "disability", "gifted", "homeLanguage"], r.students.count) { i, w in
            let s = r.students[i]
            w.record([s.id, flag(s.economicallyDisadvantaged), flag(s.englishLearner), s.disability?.rawValue ?? "", flag(s.gifted), s.homeLanguage ?? ""])
        }
        try file("enrollments.csv", ["sourcedId", "status", "dateLastModified", "classSourcedId", "schoolSourcedId", "userSourcedId", "role", "primary", "beginDate", "endDate"], r.enrollmentCount) { e, w in
            let section = r.sections[Int(r.enrollmentSection[e])]
            w.record(["e\(e + 1)", "", "", section.id, r.orgs[section.school].id, r.students[Int(r.enrollmentStudent[e])].id, "student", "false", "", ""])
        }
        if !r.openHonors.isEmpty {
            try file("mosaic_open_honors.csv", ["studentSourcedId", "classSourcedId", "optedIn", "optedOut"], r.openHonors.count) { i, w in
                let o = r.openHonors[i]
                w.record([r.students[o.student].id, r.sections[o.section].id, o.optedIn, o.optedOut ?? ""])
            }
        }
        if !r.assessments.isEmpty {
            try file("mosaic_assessments.csv", ["sourcedId", "subject", "score", "proficient"], r.assessments.count) { i, w in
                let a = r.assessments[i]
                let score = a.score == a.score.rounded() && abs(a.score) < 1e15 ? "\(Int(a.score))" : "\(a.score)"
                w.record([r.students[a.student].id, a.subject, score, a.proficient.map { $0 ? "true" : "false" } ?? ""])
            }
        }
        if let reference = r.reference {
            let rows = Dimension.allCases.flatMap { d in d.rosterGroups.compactMap { g in reference[d]?[g].map { (d, g, $0) } } }
            try file("mosaic_reference.csv", ["dimension", "group", "count"], rows.count) { i, w in
                w.record([rows[i].0.rawValue, rows[i].1, "\(rows[i].2)"])
            }
        }
    }
}

/// Buffered RFC 4180 output: fields quoted only when they must be.
struct CSVWriter {
    let handle: FileHandle
    var buffer: [UInt8] = []

    init(_ url: URL) throws {
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: 0)
        buffer.reserveCapacity(1 << 20)
    }

    mutating func record(_ fields: [String]) {
        for (i, f) in fields.enumerated() {
            if i > 0 { buffer.append(UInt8(ascii: ",")) }
            buffer.append(contentsOf: csvField(f).utf8)
        }
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= 1 << 20 { flush() }
    }

    mutating func flush() {
        handle.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }

    mutating func close() throws {
        flush()
        try handle.close()
    }
}
