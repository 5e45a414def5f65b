import Foundation
import MosaicCore
@testable import MosaicImport
import MosaicTestSupport
import Testing
import ZIPFoundation

/// A copy of a fixture roster in a temporary folder, to break on purpose.
struct RosterCopy {
    let url: URL

    init(_ fixture: String) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("roster-\(UUID())")
        let source = Bundle.module.resourceURL!.appendingPathComponent("Fixtures").appendingPathComponent(fixture)
        try FileManager.default.copyItem(at: source, to: url)
    }

    func replace(in file: String, _ old: String, with new: String) throws {
        let path = url.appendingPathComponent(file).path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        precondition(text.contains(old), "\(file) has no \(old)")
        try text.replacingOccurrences(of: old, with: new).write(toFile: path, atomically: true, encoding: .utf8)
    }

    func remove(_ file: String) throws { try FileManager.default.removeItem(at: url.appendingPathComponent(file)) }

    /// The problems reading it reports; fails the test if it reads.
    func problems(sourceLocation: SourceLocation = #_sourceLocation) -> [String] {
        defer { try? FileManager.default.removeItem(at: url) }
        do {
            _ = try OneRosterReader.read(url.path)
            Issue.record("the broken roster was imported", sourceLocation: sourceLocation)
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }
}

func fixtureRoster(_ name: String) -> String {
    Bundle.module.resourceURL!.appendingPathComponent("Fixtures").appendingPathComponent(name).path
}

@Suite struct OneRosterReaderTests {
    @Test func readsAVersion11RosterWithItsExtensionFiles() throws {
        let r = try OneRosterReader.read(fixtureRoster("roster-1.1"))
        #expect(r.version == "1.1")
        #expect(r.orgs.map(\.name) == ["Hillside Unified School District", "Adams High School, North Campus", "Baker High School"])
        #expect(r.orgs[1].parent == 0)
        #expect(r.sessions.map(\.id) == ["Y2026", "T1", "T2"])
        #expect(r.courses.map(\.level) == [.general, .honors, .general, .general])
        #expect(r.courses[2].grades.map(\.description) == ["09", "10"])
        #expect(r.sections.count == 6)
        // Students only; the teacher's enrollment is not a student's.
        #expect(r.students.map(\.id) == ["s1", "s2", "s3", "s4", "s5", "s6"])
        #expect(r.enrollmentCount == 13)
        // White and Hispanic flags: Hispanic wins; TRUE and Female in any case.
        #expect(r.students.map(\.race) == [.white, .white, .black, .hispanic, .black, .black])
        #expect(r.students.map(\.sex) == [.female, .male, .female, .male, .female, nil])
        #expect(r.students[3].englishLearner == true)
        #expect(r.students[4].disability == .section504)
        #expect(r.students[5].economicallyDisadvantaged == nil)
        #expect(r.students.allSatisfy { $0.grade?.description == "09" })
        #expect(r.reference?[.race]?["white"] == 500)
        #expect(r.termsWithSections.map { r.sessions[$0].id } == ["T2", "T1"])
    }

    /// A course's Spanish title is an optional column of mosaic_courses.csv: read where
    /// given (trimmed), absent where the cell is empty, and never a reason to refuse.
    @Test func readsTheCoursesSpanishTitles() throws {
        let copy = try RosterCopy("roster-1.1")
        defer { try? FileManager.default.removeItem(at: copy.url) }
        try copy.replace(in: "mosaic_courses.csv", "sourcedId,level\nC-ENGH,honors",
                         with: "sourcedId,level,titleEs\nC-ENGH,honors, Inglés de honores \nC-MATH,general,")
        let r = try OneRosterReader.read(copy.url.path)
        #expect(r.courses.map(\.titleEs) == [nil, "Inglés de honores", nil, nil])
        #expect(r.courses.map(\.level) == [.general, .honors, .general, .general])
    }

    /// The open-honors ledger: rows read as choices, and written back the same.
    @Test func readsTheOpenHonorsLedger() throws {
        let copy = try RosterCopy("roster-1.1")
        defer { try? FileManager.default.removeItem(at: copy.url) }
        try copy.replace(in: "mosaic_courses.csv", "C-ENGH,honors", with: "C-ENGH,honors\nC-MATH,openHonors")
        try "studentSourcedId,classSourcedId,optedIn,optedOut\ns1,MATH-1,2026-01-25,\ns2,MATH-1,2026-01-26,2026-02-10\n"
            .write(to: copy.url.appendingPathComponent("mosaic_open_honors.csv"), atomically: true, encoding: .utf8)
        let r = try OneRosterReader.read(copy.url.path)
        let math = try #require(r.sections.firstIndex { $0.id == "MATH-1" })
        #expect(r.openHonors == [.init(student: 0, section: math, optedIn: "2026-01-25"),
                                 .init(student: 1, section: math, optedIn: "2026-01-26", optedOut: "2026-02-10")])
        #expect(r.openHonors[0].holds(on: "2026-01-25") && !r.openHonors[0].holds(on: "2026-01-24"))
        #expect(r.openHonors[1].holds(on: "2026-02-09") && !r.openHonors[1].holds(on: "2026-02-10"))
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("written-\(UUID())")
        defer { try? FileManager.default.removeItem(at: out) }
        try OneRosterWriter.write(r, to: out.path)
        #expect(try OneRosterReader.read(out.path).openHonors == r.openHonors)
    }

    /// Every bad ledger row is reported with its line, and nothing is imported.
    @Test func aBadOpenHonorsLedger() throws {
        let copy = try RosterCopy("roster-1.1")
        try copy.replace(in: "mosaic_courses.csv", "C-ENGH,honors", with: "C-ENGH,honors\nC-MATH,openHonors")
        try """
            studentSourcedId,classSourcedId,optedIn,optedOut
            s1,MATH-1,2026-01-25,
            s3,MATH-1,2026-01-25,2026-01-20
            s1,MATH-1,2026-02-01,
            s5,MATH-1,2026-01-25,
            s1,ENG-1,2026-01-25,
            s9,MATH-1,2026-01-25,
            s4,MATH-9,2026-01-25,
            s4,MATH-1,25/01/2026,
            s2,MATH-1,2025-09-01,

            """.write(to: copy.url.appendingPathComponent("mosaic_open_honors.csv"), atomically: true, encoding: .utf8)
        #expect(copy.problems() == [
            "mosaic_open_honors.csv:3: optedOut 2026-01-20 is outside the class's terms (2026-01-21 to 2026-06-20)",
            "mosaic_open_honors.csv:3: optedOut 2026-01-20 is before optedIn 2026-01-25",
            "mosaic_open_honors.csv:4: student 's1' and class 'MATH-1' are already on line 2",
            "mosaic_open_honors.csv:5: student 's5' is not enrolled in class 'MATH-1'",
            "mosaic_open_honors.csv:6: class 'ENG-1' is not open honors: its course 'C-ENG' is general (mosaic_courses.csv level openHonors)",
            "mosaic_open_honors.csv:7: studentSourcedId 's9' is not a student",
            "mosaic_open_honors.csv:8: classSourcedId 'MATH-9' is not a class",
            "mosaic_open_honors.csv:9: optedIn '25/01/2026' is not a date (expected YYYY-MM-DD)",
            "mosaic_open_honors.csv:10: optedIn 2025-09-01 is outside the class's terms (2026-01-21 to 2026-06-20)",
        ])
    }

    /// Assessment results: read with the roster or from a file of their own, written back
    /// the same.
    @Test func readsAssessmentResults() throws {
        let copy = try RosterCopy("roster-1.1")
        defer { try? FileManager.default.removeItem(at: copy.url) }
        let text = "sourcedId,subject,score,proficient\ns1,math,312,true\ns2,math,287.5,false\ns1,ela,301,\n"
        try text.write(to: copy.url.appendingPathComponent("mosaic_assessments.csv"), atomically: true, encoding: .utf8)
        let r = try OneRosterReader.read(copy.url.path)
        #expect(r.assessments == [.init(student: 0, subject: "math", score: 312, proficient: true),
                                  .init(student: 1, subject: "math", score: 287.5, proficient: false),
                                  .init(student: 0, subject: "ela", score: 301, proficient: nil)])
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("written-\(UUID())")
        defer { try? FileManager.default.removeItem(at: out) }
        try OneRosterWriter.write(r, to: out.path)
        #expect(try OneRosterReader.read(out.path).assessments == r.assessments)
        let apart = FileManager.default.temporaryDirectory.appendingPathComponent("scores-\(UUID()).csv")
        defer { try? FileManager.default.removeItem(at: apart) }
        try text.write(to: apart, atomically: true, encoding: .utf8)
        #expect(try OneRosterReader.readAssessments(apart.path, for: r) == r.assessments)
    }

    /// Every bad result is reported with its line — in the roster and in a file of its own,
    /// named as given — and nothing is read.
    @Test func badAssessmentResults() throws {
        let copy = try RosterCopy("roster-1.1")
        let text = """
            sourcedId,subject,score,proficient
            s1,math,312,true
            s9,math,300,false
            s2,,300,false
            s3,math,high,false
            s4,math,300,yes
            s1,math,290,false
            s5,math,,

            """
        try text.write(to: copy.url.appendingPathComponent("mosaic_assessments.csv"), atomically: true, encoding: .utf8)
        let expected = [
            "3: sourcedId 's9' is not a student of the roster",
            "4: subject is empty",
            "5: score 'high' is not a number",
            "6: proficient 'yes' is not true, false or empty",
            "7: student 's1' already has a math score on line 2",
            "8: score is empty",
        ]
        #expect(copy.problems() == expected.map { "mosaic_assessments.csv:" + $0 })
        let roster = try OneRosterReader.read(fixtureRoster("roster-1.1"))
        let apart = FileManager.default.temporaryDirectory.appendingPathComponent("scores-\(UUID()).csv")
        defer { try? FileManager.default.removeItem(at: apart) }
        try text.write(to: apart, atomically: true, encoding: .utf8)
        do {
            _ = try OneRosterReader.readAssessments(apart.path, for: roster)
            Issue.record("a bad assessments file was read")
        } catch {
            #expect(error.problems.map { "\($0.file):\($0.line): \($0.message)" } == expected.map { "\(apart.path):" + $0 })
        }
        #expect(throws: ImportError("/nowhere/scores.csv", 0, "no such file")) {
            try OneRosterReader.readAssessments("/nowhere/scores.csv", for: roster)
        }
    }

    @Test func readsAVersion12RosterWithoutExtensionFiles() throws {
        let r = try OneRosterReader.read(fixtureRoster("roster-1.2"))
        #expect(r.version == "1.2")
        #expect(r.students.map(\.id) == ["s1", "s2", "s3", "s4", "s5", "s6"])
        #expect(r.enrollmentCount == 13)
        // No demographics.csv or mosaic_students.csv: every group unknown, every course general.
        #expect(r.students.allSatisfy { $0.race == nil && $0.economicallyDisadvantaged == nil })
        #expect(r.courses.allSatisfy { $0.level == .general })
        #expect(r.reference == nil)
    }

    @Test func readsAZipOfARosterFolder() throws {
        let zip = FileManager.default.temporaryDirectory.appendingPathComponent("roster-\(UUID()).zip")
        defer { try? FileManager.default.removeItem(at: zip) }
        let archive = try Archive(url: zip, accessMode: .create)
        let folder = URL(fileURLWithPath: fixtureRoster("roster-1.1"))
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            try archive.addEntry(with: "export/\(name)", fileURL: folder.appendingPathComponent(name), compressionMethod: .deflate)
        }
        let fromZip = try OneRosterReader.read(zip.path)
        let fromFolder = try OneRosterReader.read(folder.path)
        #expect(fromZip.students == fromFolder.students)
        #expect(fromZip.enrollmentSection == fromFolder.enrollmentSection)
        #expect(fromZip.sections == fromFolder.sections)
    }

    /// A 2 MB zip that expanded to 2 GB ran past 300 s at 3 GB of memory. A file that
    /// would expand more than 200 times, or a .zip over its total limit, is refused before
    /// anything is inflated; a row over 1 MiB stops the reader.
    @Test func aZipBombIsRefusedUnread() throws {
        let zip = FileManager.default.temporaryDirectory.appendingPathComponent("bomb-\(UUID()).zip")
        defer { try? FileManager.default.removeItem(at: zip) }
        let archive = try Archive(url: zip, accessMode: .create)
        let folder = URL(fileURLWithPath: fixtureRoster("roster-1.1"))
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name != "enrollments.csv" {
            try archive.addEntry(with: name, fileURL: folder.appendingPathComponent(name), compressionMethod: .deflate)
        }
        // 8 MB of one repeated row: it deflates some hundreds of times.
        let row = Array("e1,,,ENG-1,S1,s1,student,\n".utf8), size = 8 << 20
        try archive.addEntry(with: "enrollments.csv", type: .file, uncompressedSize: Int64(size), compressionMethod: .deflate) { position, length in
            Data((0..<length).map { row[(Int(position) + $0) % row.count] })
        }
        let problems: [String]
        do {
            _ = try OneRosterReader.read(zip.path)
            problems = []
        } catch { problems = error.problems.map(\.description) }
        #expect(problems.count == 1 && problems[0].contains("enrollments.csv would expand from") && problems[0].contains("8 MB, more than 200 times"),
                "\(problems)")
        // Over the total a roster may be, with a (test-sized) limit: refused the same way.
        let plain = FileManager.default.temporaryDirectory.appendingPathComponent("roster-\(UUID()).zip")
        defer { try? FileManager.default.removeItem(at: plain) }
        let small = try Archive(url: plain, accessMode: .create)
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            try small.addEntry(with: name, fileURL: folder.appendingPathComponent(name), compressionMethod: .deflate)
        }
        #expect(throws: ImportError.self) { try RosterSource(path: plain.path, maxUncompressed: 1_000) }
        #expect((try? RosterSource(path: plain.path)) != nil)
        // An endless row stops the reader at its line.
        var stream = CSVStream()
        stream.maxRecordBytes = 1_000
        #expect(throws: CSVStream.Problem.recordTooLong(line: 2, limit: 1_000)) {
            try Array(("a,b\n\"" + String(repeating: "x", count: 5_000)).utf8).withUnsafeBytes { try stream.feed($0) { _ in } }
        }
    }

    @Test func aMissingPathIsAClearError() {
        #expect(throws: ImportError("/nonexistent/roster", 0, "no such folder or .zip")) {
            try OneRosterReader.read("/nonexistent/roster")
        }
    }
}

/// One test per class of validation error: the message, and that nothing is imported.
@Suite struct OneRosterValidationTests {
    @Test func aMissingRequiredFile() throws {
        let copy = try RosterCopy("roster-1.1")
        try copy.remove("classes.csv")
        #expect(copy.problems() == ["classes.csv: required file is missing"])
    }

    @Test func aMissingRequiredColumn() throws {
        let copy = try RosterCopy("roster-1.1")
        try copy.replace(in: "enrollments.csv", "userSourcedId", with: "personId")
        #expect(copy.problems() == ["enrollments.csv:1: missing column 'userSourcedId'"])
    }

    @Test func aDuplicateSourcedId() throws {
        let copy = try RosterCopy("roster-1.1")
        try copy.replace(in: "users.csv", "s6,,,true,S2", with: "s5,,,true,S2")
        // The second s5 is refused, so s6 no longer exists: every reference to it is reported too.
        #expect(copy.problems() == [
            "users.csv:7: duplicate sourcedId 's5' (first on line 6)",
            "demographics.csv:7: sourcedId 's6' is not a user",
            "enrollments.csv:11: userSourcedId 's6' is not a user",
            "enrollments.csv:13: userSourcedId 's6' is not a user",
        ])
    }

    @Test func aDanglingReference() throws {
        let copy = try RosterCopy("roster-1.1")
        try copy.replace(in: "enrollments.csv", "e9,,,ENG-2,S2,s5", with: "e9,,,ENG-2,S2,S9")
        #expect(copy.problems() == ["enrollments.csv:10: userSourcedId 'S9' is not a user"])
        let classes = try RosterCopy("roster-1.1")
        try classes.replace(in: "classes.csv", "C-MATH,MATH-2", with: "C-GEOM,MATH-2")
        #expect(classes.problems().first == "classes.csv:6: courseSourcedId 'C-GEOM' is not a course")
    }

    @Test func aMalformedBoolean() throws {
        let copy = try RosterCopy("roster-1.1")
        try copy.replace(in: "mosaic_students.csv", "s2,false,false", with: "s2,no,false")
        #expect(copy.problems() == ["mosaic_students.csv:3: economicallyDisadvantaged 'no' is not a boolean (true, false or empty)"])
    }

    @Test func aMalformedDate() throws {
        let copy = try RosterCopy("roster-1.1")
        try copy.replace(in: "academicSessions.csv", "2026-01-21,2026-06-20,Y2026", with: "2026-02-30,2026-06-20,Y2026")
        #expect(copy.problems() == ["academicSessions.csv:4: startDate '2026-02-30' is not a date (expected YYYY-MM-DD)"])
    }

    @Test func aMalformedGrade() throws {
        let copy = try RosterCopy("roster-1.1")
        try copy.replace(in: "users.csv", ",,,,,09,\ns3", with: ",,,,,13th,\ns3")
        #expect(copy.problems() == ["users.csv:3: grade '13th' is not a CEDS grade (expected KG, 01-12, PK…)"])
    }

    @Test func aMalformedLevel() throws {
        let copy = try RosterCopy("roster-1.1")
        try copy.replace(in: "mosaic_courses.csv", "C-ENGH,honors", with: "C-ENGH,Honours")
        #expect(copy.problems() == ["mosaic_courses.csv:2: level 'Honours' is not a course level (general, honors, openHonors, ap, ib, dual, gifted, enrichment, esl, intervention, selfContained)"])
    }

    @Test func aStudentWithNoEnrollment() throws {
        let copy = try RosterCopy("roster-1.1")
        try copy.replace(in: "enrollments.csv", "e10,,,ENG-2,S2,s6,student,false,,\n", with: "")
        try copy.replace(in: "enrollments.csv", "e12,,,MATH-2,S2,s6,student,false,,\n", with: "")
        #expect(copy.problems() == ["users.csv:7: student 's6' has no enrollment"])
    }

    /// A role that is not a OneRoster role is a mistake in the file: it used to be taken as
    /// a teacher's enrollment and skipped without a word.
    @Test func anEnrollmentRoleThatIsNotARole() throws {
        let copy = try RosterCopy("roster-1.1")
        try copy.replace(in: "enrollments.csv", "e3,,,ENG-1,S1,s3,student,", with: "e3,,,ENG-1,S1,s3,wizard,")
        #expect(copy.problems() == ["enrollments.csv:4: role 'wizard' is not an enrollment role (administrator, aide, guardian, parent, proctor, relative, student, teacher)"])
    }

    /// A NUL byte (binary data, or UTF-16 saved as CSV) is refused at its line, in an
    /// unquoted field and in a quoted one; it used to pass as part of a name.
    @Test func aNULByteIsNotText() throws {
        let copy = try RosterCopy("roster-1.1")
        try copy.replace(in: "enrollments.csv", "e3,,,ENG-1,S1,s3,", with: "e3,,,ENG-1,S1\u{0},s3,")
        #expect(copy.problems() == ["enrollments.csv:4: a NUL byte: this is not a text file (saved as UTF-16, or binary?); save it as UTF-8 CSV"])
        var stream = CSVStream()
        #expect(throws: CSVStream.Problem.nulByte(line: 2)) {
            try Array("a,b\n\"x\u{0}y\",2\n".utf8).withUnsafeBytes { try stream.feed($0) { _ in } }
            try stream.finish { _ in }
        }
    }

    @Test func anEnrollmentInAClassOfAnotherSchool() throws {
        let copy = try RosterCopy("roster-1.1")
        try copy.replace(in: "enrollments.csv", "e9,,,ENG-2,S2", with: "e9,,,ENG-2,S1")
        #expect(copy.problems() == ["enrollments.csv:10: class 'ENG-2' belongs to school 'S2', not to schoolSourcedId 'S1'"])
    }

    @Test func textThatIsNotUTF8() throws {
        let copy = try RosterCopy("roster-1.1")
        let path = copy.url.appendingPathComponent("orgs.csv")
        var bytes = try Data(contentsOf: path)
        bytes.append(contentsOf: Array("S3,,,Caf".utf8) + [0xE9] + Array(" School,school,S3,D1\n".utf8))
        try bytes.write(to: path)
        #expect(copy.problems() == ["orgs.csv:5: column 'name' is not valid UTF-8 text; save the file as UTF-8"])
    }

    @Test func aDeltaFileIsRefusedForNow() throws {
        let copy = try RosterCopy("roster-1.1")
        try copy.replace(in: "manifest.csv", "file.enrollments,bulk", with: "file.enrollments,delta")
        #expect(copy.problems() == ["manifest.csv:5: file.enrollments is a delta file; Mosaic reads bulk rosters only for now (export a full bulk roster)"])
    }

    @Test func manyProblemsAreAllReportedPerFileUpToALimit() throws {
        let copy = try RosterCopy("roster-1.1")
        var rows = ""
        for i in 0..<40 { rows += "x\(i),,,ENG-1,S1,nobody\(i),student,false,,\n" }
        let path = copy.url.appendingPathComponent("enrollments.csv")
        try (String(contentsOf: path, encoding: .utf8) + rows).write(to: path, atomically: true, encoding: .utf8)
        let problems = copy.problems()
        #expect(problems.count == 26)
        #expect(problems.first == "enrollments.csv:16: userSourcedId 'nobody0' is not a user")
        #expect(problems.last == "enrollments.csv: 15 more problems in this file")
    }
}
