import Foundation
import MosaicCore
@testable import MosaicImport
import MosaicMetrics
import Testing

/// The enrollments are scanned on their own core before the classes and users are known,
/// then resolved; the exact reader is the fallback that names every problem. The scan
/// must give the exact reader's result on a valid roster, and must never let a problem
/// through.
@Suite struct EnrollmentScanTests {
    /// Reads `path` as the reader does and also with the exact enrollment reader alone.
    func bothWays(_ path: String) throws -> (scan: EnrollmentScan, reading: Reading, exact: (section: [Int32], student: [Int32], enrolled: [Bool])) {
        let source = try RosterSource(path: path)
        var reading = Reading(source: source, log: ProblemLog(), progress: nil)
        reading.readAll()
        #expect(reading.log.isEmpty, "\(reading.log.problems)")
        let context = EnrollmentContext(
            sectionIDs: reading.sectionIDs, sectionSchool: reading.sections.map(\.school), orgIDs: reading.orgIDs,
            orgs: reading.orgs.map(\.id), users: reading.users, studentCount: reading.students.count)
        let log = ProblemLog()
        let exact = EnrollmentReading.read(context, from: source, log: log, progress: nil)
        #expect(log.isEmpty)
        return (EnrollmentScan.scan(source, progress: nil), reading, exact)
    }

    @Test func onASyntheticDistrictTheScanResolvesToTheExactReadersEnrollments() throws {
        var rng = SeededGenerator(seed: 11)
        let profiles = [
            SyntheticDistrict.Profile(race: [0.1, 0.3, 0.4, 0.05, 0.15], poverty: 0.7, englishLearner: 0.15, disability: 0.2, female: 0.5),
            SyntheticDistrict.Profile(race: [0.3, 0.1, 0.2, 0.05, 0.35], poverty: 0.3, englishLearner: 0.05, disability: 0.15, female: 0.49),
        ]
        let district = SyntheticDistrict(.init(students: 2_500, schools: 5), profiles: profiles, using: &rng)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("scan-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try OneRosterWriter.write(district.roster, to: folder)

        let (scan, reading, exact) = try bothWays(folder)
        #expect(!scan.irregular)
        let context = EnrollmentContext(
            sectionIDs: reading.sectionIDs, sectionSchool: reading.sections.map(\.school), orgIDs: reading.orgIDs,
            orgs: reading.orgs.map(\.id), users: reading.users, studentCount: reading.students.count)
        let resolved = try #require(scan.resolve(context))
        #expect(resolved.section == exact.section)
        #expect(resolved.student == exact.student)
        #expect(resolved.enrolled == exact.enrolled)
        // And what the reader returns is the generated roster's enrollments, row for row.
        #expect(reading.enrollmentSection.map(Int.init) == district.roster.enrollmentSection.map(Int.init))
        #expect(reading.enrollmentStudent.map(Int.init) == district.roster.enrollmentStudent.map(Int.init))
        #expect(exact.section.count > 10_000)
    }

    @Test func theFixtureRosterResolvesWithItsTeacherLeftOut() throws {
        let (scan, reading, exact) = try bothWays(fixtureRoster("roster-1.1"))
        #expect(!scan.irregular)
        #expect(scan.rowClass.count == 13 && scan.others.count == 1)
        let context = EnrollmentContext(
            sectionIDs: reading.sectionIDs, sectionSchool: reading.sections.map(\.school), orgIDs: reading.orgIDs,
            orgs: reading.orgs.map(\.id), users: reading.users, studentCount: reading.students.count)
        let resolved = try #require(scan.resolve(context))
        #expect(resolved.section == exact.section && resolved.student == exact.student)
    }

    /// Each irregular row sends the reader to the exact pass, which names it.
    @Test(arguments: [
        ("e2,,,ENGH-1,S1,s2,", "e1,,,ENGH-1,S1,s2,", "enrollments.csv:3: duplicate sourcedId 'e1'"),
        ("e2,,,ENGH-1,S1,s2,", ",,,ENGH-1,S1,s2,", "enrollments.csv:3: sourcedId is empty"),
        ("e3,,,ENG-1,S1,s3,", "e3,,,ENG-1,S2,s3,", "enrollments.csv:4: class 'ENG-1' belongs to school 'S1', not to schoolSourcedId 'S2'"),
        ("e9,,,ENG-2,S2,s5,", "e9,,,ENG-2,S1,s5,", "enrollments.csv:10: class 'ENG-2' belongs to school 'S2', not to schoolSourcedId 'S1'"),
        ("e13,,,ART-F,S1,s1,", "e13,,,ART-F,S2,s1,", "enrollments.csv:14: class 'ART-F' belongs to school 'S1', not to schoolSourcedId 'S2'"),
        ("e4,,,ENG-1,S1,s4,", "e4,,,ENG-9,S1,s4,", "enrollments.csv:5: classSourcedId 'ENG-9' is not a class"),
        ("e5,,,MATH-1,S1,s1,", "e5,,,MATH-1,S1,s77,", "enrollments.csv:6: userSourcedId 's77' is not a user"),
        ("e14,,,ENG-1,S1,t1,teacher", "e14,,,ENG-1,S1,t9,teacher", "enrollments.csv:15: userSourcedId 't9' is not a user"),
        ("e14,,,ENG-1,S1,t1,teacher", "e14,,,ENG-1,S1,t1,student", "enrollments.csv:15: userSourcedId 't1' is enrolled as a student but is a teacher"),
        ("2026-01-21", "2026-02-30", "enrollments.csv:2: beginDate '2026-02-30' is not a date (expected YYYY-MM-DD)"),
    ])
    func anIrregularRowIsNamedByTheExactPass(old: String, new: String, message: String) throws {
        let copy = try RosterCopy("roster-1.1")
        try copy.replace(in: "enrollments.csv", old, with: new)
        let source = try RosterSource(path: copy.url.path)
        let scan = EnrollmentScan.scan(source, progress: nil)
        // The scan alone notices (irregular) or cannot resolve it; it never says "fine".
        var reading = Reading(source: source, log: ProblemLog(), progress: nil)
        reading.readAll()
        let context = EnrollmentContext(
            sectionIDs: reading.sectionIDs, sectionSchool: reading.sections.map(\.school), orgIDs: reading.orgIDs,
            orgs: reading.orgs.map(\.id), users: reading.users, studentCount: reading.students.count)
        #expect(scan.resolve(context) == nil)
        #expect(copy.problems().contains(message))
    }

    @Test func fingerprintsTellARepeatAndKeepEveryIdThroughGrowth() {
        var set = Fingerprints(capacity: 4)
        func insert(_ s: String) -> Bool {
            var s = s
            return s.withUTF8 { set.insert($0) }
        }
        for i in 0..<10_000 { #expect(insert("e\(i)"), "e\(i)") }
        #expect(set.count == 10_000)
        for i in stride(from: 0, to: 10_000, by: 997) { #expect(!insert("e\(i)")) }
        #expect(insert("e10000"))
    }

    @Test func datesAndListsFromBytesAgreeWithTheTextParsers() {
        for text in ["2026-01-21", "2024-02-29", "2023-02-29", "2026-13-01", "2026-1-021", "+026-01-01", "2026-01-00", "", "2026-12-31"] {
            var t = text
            #expect(t.withUTF8 { RosterValue.isDate(bytes: $0) } == ["2026-01-21", "2024-02-29", "2026-12-31"].contains(text), "\(text)")
        }
        for text in ["S1", "S1,S2", " S1 , S2 ,", ",,", "", "a b,c"] {
            var got: [String] = []
            var t = text
            t.withUTF8 { RosterValue.forEach(in: $0) { got.append(String(decoding: $0, as: UTF8.self)) } }
            #expect(got == RosterValue.list(text), "\(text)")
        }
    }
}
