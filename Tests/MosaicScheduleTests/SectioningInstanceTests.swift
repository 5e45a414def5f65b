import Foundation
import MosaicSchedule
import Testing

@Suite struct SectioningInstanceTests {
    /// The contract's example reads, and its two shapes of course (short sections, or
    /// configurations with subparts) give their configurations.
    @Test func theContractsExampleReads() throws {
        let json = #"""
            {"name": "Lincoln HS 2026-27", "periods": ["1", "2", "3", "4", "5", "6", "7", "X"],
             "courses": [
               {"id": "ALG2-H", "title": "Algebra II Honors", "level": "honors", "sections": [{"id": "ALG2-H-1", "limit": 28, "period": "3"}]},
               {"id": "ALG2", "sections": [{"id": "ALG2-1", "limit": 30, "period": "4"}]},
               {"id": "ESL2", "sections": [{"id": "ESL2-1", "limit": 15, "period": "3"}]},
               {"id": "CHEM", "level": "general", "configs": [{"id": "lecture+lab", "subparts": [
                  {"id": "lec", "sections": [{"id": "CHEM-L1", "limit": 60, "meets": [{"days": "1010100", "start": 96, "length": 12, "weeks": "1"}]}]},
                  {"id": "lab", "sections": [{"id": "CHEM-B1", "limit": 20, "parent": "CHEM-L1", "meets": [{"days": "0100000", "start": 96, "length": 24, "weeks": "1"}]}]}]}]}],
             "students": [{"id": "S1", "grade": "10", "need": 2, "groups": {"race": "black"},
                           "requests": [{"course": "ALG2-H", "weight": 1, "alternatives": ["ALG2"]}, {"course": "ESL2"}]}],
             "balance": ["race", "economic"]}
            """#
        let instance = try JSONDecoder().decode(SectioningInstance.self, from: Data(json.utf8))
        #expect(instance.problems().isEmpty)
        #expect(instance.courses[0].configurations.map { $0.subparts.map { $0.sections.map(\.id) } } == [[["ALG2-H-1"]]])
        #expect(instance.courses[3].configurations[0].subparts.map(\.id) == ["lec", "lab"])
        let algebra = instance.courses[0].configurations[0].subparts[0].sections[0], esl = instance.courses[2].configurations[0].subparts[0].sections[0]
        #expect(algebra.overlaps(esl))
        let lecture = instance.courses[3].configurations[0].subparts[0].sections[0], lab = instance.courses[3].configurations[0].subparts[1].sections[0]
        #expect(!lecture.overlaps(lab))   // Monday/Wednesday/Friday against Tuesday
    }

    /// Blocks overlap only on a shared day and week with intersecting slot ranges.
    @Test func meetingsOverlapAsTheContractSays() {
        let a = SectioningInstance.Meeting(days: "1010100", start: 96, length: 12)
        #expect(a.overlaps(.init(days: "0010000", start: 100, length: 4)))
        #expect(!a.overlaps(.init(days: "0010000", start: 108, length: 4)))   // touching ends do not overlap
        #expect(!a.overlaps(.init(days: "0101000", start: 96, length: 12)))
        #expect(!SectioningInstance.Meeting(days: "1", start: 0, length: 5, weeks: "10").overlaps(.init(days: "1", start: 0, length: 5, weeks: "01")))
    }

    @Test func everyProblemIsNamed() throws {
        let json = #"""
            {"periods": ["1", "2"],
             "courses": [{"id": "A", "sections": [{"id": "A1", "limit": -1, "period": "9"}, {"id": "A2", "limit": 5, "parent": "Z"}]},
                         {"id": "B", "sections": [{"id": "A1", "limit": 5, "period": "1"}]}],
             "students": [{"id": "S1", "requests": [{"course": "C", "weight": 0}]}]}
            """#
        let instance = try JSONDecoder().decode(SectioningInstance.self, from: Data(json.utf8))
        #expect(instance.problems() == [
            "courses[0] A: section A1 has limit -1",
            "courses[0] A: section A1 meets in period “9”, not one of periods",
            "courses[0] A: section A2 needs either a period or meets",
            "courses[1] B: section A1 is also a section of A",
            "courses[0] A: section A2 has parent “Z”, not a section of its configuration",
            "students[0] S1: requests unknown course “C”",
            "students[0] S1: request for C has weight 0.0",
        ])
    }
}
