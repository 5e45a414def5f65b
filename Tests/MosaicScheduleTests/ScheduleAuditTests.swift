import Foundation
import MosaicMetrics
@testable import MosaicSchedule
import Testing

@Suite struct ScheduleAuditTests {
    /// The issue's example: the only AP Calculus section against the only ESL section
    /// blocks English learners from AP Calculus. The audit names the pair, the period,
    /// the kind and who is blocked; moving either singleton to a free period removes it.
    @Test func theOnlyAPCalculusAgainstTheOnlyESLSection() throws {
        var students: [(String, [String])] = [], groups: [String: [String: String]] = [:]
        for k in 0..<14 { students.append(("E\(k)", ["AP-CALC", "ESL3", "ENG"])); groups["E\(k)"] = ["englishLearner": "el"] }
        for k in 0..<20 { students.append(("N\(k)", ["AP-CALC", "ENG"])); groups["N\(k)"] = ["englishLearner": "not el"] }
        let problem = instance(courses: [("AP-CALC", [("AP-CALC-1", "3", 34)]), ("ESL3", [("ESL3-1", "3", 20)]),
                                         ("ENG", [("ENG-1", "1", 34), ("ENG-2", "2", 34)])],
                               students: students, groups: groups)
        let audit = ScheduleAudit(try SectioningModel(problem), instance: problem)
        #expect(audit.singletons == ["AP-CALC", "ESL3"])
        #expect(audit.doubletons == ["ENG"])
        #expect(audit.conflicts == [.init(courses: ["AP-CALC", "ESL3"], period: "3", students: 14, kind: "singleton",
                                          groups: ["englishLearner": ["el": 14]])])
        #expect(audit.matrix["AP-CALC"]?["ESL3"] == 14)
        #expect(audit.matrix["AP-CALC"]?["ENG"] == 34)
        #expect(audit.matrix["ESL3"]?["ENG"] == 14)
        #expect(audit.blockedStudents == 14)
        // Moving either singleton out of period 3 unblocks all 14 and blocks nobody (ENG
        // has a section in 1 and in 2); one move is suggested for the conflict.
        let move = try #require(audit.moves.first)
        #expect(move.unblocks == 14 && move.blocks == 0)
        #expect(["AP-CALC-1", "ESL3-1"].contains(move.section) && move.from == "3" && move.to != "3")
        #expect(move.removes == [["AP-CALC", "ESL3"]])
        #expect(audit.moves.count == 1)
    }

    /// A doubleton caught between two singletons: no pair conflicts, but nobody can take
    /// all three; the audit finds the triple and calls it a doubleton conflict.
    @Test func aDoubletonBetweenTwoSingletons() throws {
        let problem = instance(courses: [("A", [("A-1", "1", 30), ("A-2", "2", 30)]), ("B", [("B-1", "1", 30)]), ("C", [("C-1", "2", 30)]),
                                         ("D", [("D-1", "3", 30)])],
                               students: [("S1", ["A", "B", "C", "D"]), ("S2", ["A", "B", "D"]), ("S3", ["A", "B", "C"])],
                               groups: ["S1": ["race": "black"], "S3": ["race": "white"]])
        let audit = ScheduleAudit(try SectioningModel(problem), instance: problem)
        #expect(audit.conflicts.map(\.courses) == [["A", "B", "C"]])
        #expect(audit.conflicts.first?.kind == "doubleton")
        #expect(audit.conflicts.first?.period == "1, 2")
        #expect(audit.conflicts.first?.groups["race"] == ["black": 1, "white": 1])
        #expect(audit.blockedStudents == 2)
    }

    /// Meeting blocks: a lecture Monday–Wednesday–Friday and a lab Tuesday never clash;
    /// two blocks on Wednesday at overlapping times do.
    @Test func meetingBlocksConflictOnlyWhenTheyShareTime() throws {
        let json = #"""
            {"courses": [
               {"id": "A", "sections": [{"id": "A1", "limit": 5, "meets": [{"days": "10101", "start": 96, "length": 12, "weeks": "1"}]}]},
               {"id": "B", "sections": [{"id": "B1", "limit": 5, "meets": [{"days": "01000", "start": 96, "length": 12, "weeks": "1"}]}]},
               {"id": "C", "sections": [{"id": "C1", "limit": 5, "meets": [{"days": "00100", "start": 104, "length": 12, "weeks": "1"}]}]}],
             "students": [{"id": "S1", "requests": [{"course": "A"}, {"course": "B"}, {"course": "C"}]}]}
            """#
        let problem = try JSONDecoder().decode(SectioningInstance.self, from: Data(json.utf8))
        let audit = ScheduleAudit(try SectioningModel(problem), instance: problem)
        #expect(audit.conflicts.map(\.courses) == [["A", "C"]])
        #expect(audit.conflicts.first?.period == nil)
        #expect(audit.moves.isEmpty)
    }

    /// A meeting starting near the largest integer overflowed the overlap test and crashed
    /// the audit; it is refused with where and why.
    @Test func aMeetingBeyondAnyDayIsRefused() throws {
        let json = #"""
            {"courses": [
               {"id": "A", "sections": [{"id": "A1", "limit": 5, "meets": [{"days": "10101", "start": 9223372036854775800, "length": 12, "weeks": "1"}]}]},
               {"id": "B", "sections": [{"id": "B1", "limit": 5, "meets": [{"days": "10101", "start": 96, "length": 9223372036854775800, "weeks": "1"}]}]}],
             "students": [{"id": "S1", "requests": [{"course": "A"}, {"course": "B"}]}]}
            """#
        let problem = try JSONDecoder().decode(SectioningInstance.self, from: Data(json.utf8))
        #expect(throws: ScheduleError.invalidInstance([
            "courses[0] A: section A1 has a meeting at slot 9223372036854775800 for 12 slots; start and length are at most 100000",
            "courses[1] B: section B1 has a meeting at slot 96 for 9223372036854775800 slots; start and length are at most 100000",
        ])) { try SectioningModel(problem) }
    }

    /// A move that removes one conflict but blocks more students elsewhere is not
    /// suggested.
    @Test func aMoveThatBlocksMoreIsNotSuggested() throws {
        var students: [(String, [String])] = [("S0", ["A", "B"])]
        for k in 1...3 { students.append(("S\(k)", ["A", "C"])) }
        for k in 4...6 { students.append(("S\(k)", ["B", "C"])) }
        // A and B meet in 1, C in 2: moving A or B to 2 frees S0 but blocks three others.
        let problem = instance(periods: ["1", "2"], courses: [("A", [("A-1", "1", 30)]), ("B", [("B-1", "1", 30)]), ("C", [("C-1", "2", 30)])],
                               students: students)
        let audit = ScheduleAudit(try SectioningModel(problem), instance: problem)
        #expect(audit.conflicts.map(\.courses) == [["A", "B"]])
        #expect(audit.moves.isEmpty)
    }

    /// The synthetic school audits: its singletons and doubletons are counted, every
    /// conflict's students are blocked students, and a synthetic school is reproducible.
    @Test func theSyntheticSchoolAudits() throws {
        var a = SeededGenerator(seed: 3), b = SeededGenerator(seed: 3)
        let school = SectioningInstance.synthetic(students: 300, using: &a)
        #expect(school == SectioningInstance.synthetic(students: 300, using: &b))
        #expect(school.problems().isEmpty)
        let audit = ScheduleAudit(try SectioningModel(school), instance: school)
        #expect(audit.conflicts.reduce(0) { $0 + $1.students } >= audit.blockedStudents)
        #expect((audit.blockedStudents > 0) == !audit.conflicts.isEmpty)
        #expect(!audit.singletons.isEmpty)
    }
}
