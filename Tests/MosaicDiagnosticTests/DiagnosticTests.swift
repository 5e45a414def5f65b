import Foundation
import MosaicCore
import MosaicDiagnostic
import MosaicTestSupport
import Testing

/// The hand-made district of the import fixture (roster-1.1), built directly:
/// S1 has s1, s2 (white), s3 (black), s4 (Hispanic); S2 has s5, s6 (black).
/// Spring: S1 teaches Honors English (s1, s2), English (s3, s4), Algebra (all four);
/// S2 English and Algebra (s5, s6). Fall: Art in S1 (s1).
func handMadeDistrict() -> Roster {
    let g9 = Grade("09")!
    let students = [
        Student(id: "s1", grade: g9, race: .white, sex: .female, economicallyDisadvantaged: false, englishLearner: false, disability: Student.Disability.none),
        Student(id: "s2", grade: g9, race: .white, sex: .male, economicallyDisadvantaged: false, englishLearner: false, disability: Student.Disability.none),
        Student(id: "s3", grade: g9, race: .black, sex: .female, economicallyDisadvantaged: true, englishLearner: false, disability: .iep),
        Student(id: "s4", grade: g9, race: .hispanic, sex: .male, economicallyDisadvantaged: true, englishLearner: true, disability: Student.Disability.none),
        Student(id: "s5", grade: g9, race: .black, sex: .female, economicallyDisadvantaged: true, englishLearner: false, disability: .section504),
        Student(id: "s6", grade: g9, race: .black),
    ]
    let sections: [Roster.Section] = [
        .init(id: "ENG-1", title: "English 9 (1)", course: 0, school: 1, terms: [2], periods: ["1"], grades: []),
        .init(id: "ENGH-1", title: "Honors English 9", course: 1, school: 1, terms: [2], periods: ["1"], grades: [g9]),
        .init(id: "MATH-1", title: "Algebra I (1)", course: 2, school: 1, terms: [2], periods: ["2"], grades: []),
        .init(id: "ENG-2", title: "English 9 (2)", course: 0, school: 2, terms: [2], periods: ["1"], grades: []),
        .init(id: "MATH-2", title: "Algebra I (2)", course: 2, school: 2, terms: [2], periods: ["2"], grades: []),
        .init(id: "ART-F", title: "Art (fall)", course: 3, school: 1, terms: [1], periods: ["3"], grades: []),
    ]
    let enrollments: [(Int32, Int32)] = [(1, 0), (1, 1), (0, 2), (0, 3), (2, 0), (2, 1), (2, 2), (2, 3), (3, 4), (3, 5), (4, 4), (4, 5), (5, 0)]
    return Roster(
        version: "1.1",
        orgs: [.init(id: "D1", name: "Hillside", type: "district"), .init(id: "S1", name: "Adams", type: "school", parent: 0),
               .init(id: "S2", name: "Baker", type: "school", parent: 0)],
        sessions: [.init(id: "Y2026", title: "2025-26", type: "schoolYear", startDate: "2025-08-25", endDate: "2026-06-20", schoolYear: 2026),
                   .init(id: "T1", title: "Fall 2025", type: "term", startDate: "2025-08-25", endDate: "2026-01-20", parent: 0, schoolYear: 2026),
                   .init(id: "T2", title: "Spring 2026", type: "term", startDate: "2026-01-21", endDate: "2026-06-20", parent: 0, schoolYear: 2026)],
        courses: [.init(id: "C-ENG", title: "English 9", code: "ENG9", grades: [g9], org: 0, level: .general),
                  .init(id: "C-ENGH", title: "Honors English 9", code: "ENG9H", grades: [g9], org: 0, level: .honors),
                  .init(id: "C-MATH", title: "Algebra I", code: "ALG1", grades: [g9, Grade("10")!], org: 0, level: .general),
                  .init(id: "C-ART", title: "Art", code: "ART", grades: [g9], org: 0, level: .general)],
        sections: sections, students: students,
        enrollmentSection: enrollments.map(\.0), enrollmentStudent: enrollments.map(\.1),
        reference: [.race: ["white": 500, "black": 300, "hispanic": 200]])
}

let guidebook = Guidebook(
    rootCauses: [],
    actions: [.init(id: "rezone", rootCause: "districtPolicies", scope: ["acrossSchools"], tool: "boundaries", summary: "Revise zones."),
              .init(id: "expandAdvanced", rootCause: "courseEnrollment", scope: ["acrossSchools", "withinSchools"], tool: "enrichment", summary: "Expand advanced options."),
              .init(id: "scheduleAudits", rootCause: "scheduling", scope: ["withinSchools"], tool: "scheduleAudit", summary: "Audit the schedule.")])

@Suite struct DiagnosticTests {
    func race(_ d: Diagnostic) -> DimensionResult { d.dimensions.first { $0.dimension == .race }! }

    @Test func theLatestTermIsDiagnosedByDefault() throws {
        let d = try diagnose(handMadeDistrict(), options: .init(baselineDraws: 50, minimumN: 1, guidebook: guidebook))
        #expect(d.termID == "T2")
        #expect(d.students == 6)
        #expect(d.classes == 5)
        let fall = try diagnose(handMadeDistrict(), options: .init(term: "T1", baselineDraws: 0, minimumN: 1, guidebook: guidebook))
        #expect(fall.students == 1 && fall.classes == 1)
        #expect(throws: DiagnosticError.unknownTerm("T9", available: ["T2", "T1"])) {
            try diagnose(handMadeDistrict(), options: .init(term: "T9", guidebook: guidebook))
        }
    }

    @Test func acrossSchoolsByHand() throws {
        let r = race(try diagnose(handMadeDistrict(), options: .init(baselineDraws: 0, minimumN: 1, guidebook: guidebook)))
        #expect(r.groups == ["americanIndian", "asian", "black", "hispanic", "multiracial", "pacificIslander", "white"])
        #expect(r.counts == [0, 0, 3, 1, 0, 0, 2])
        // P = (black 1/2, hispanic 1/6, white 1/3); S1 = (1, 1, 2) of 4, S2 = (2, 0, 0).
        // ½Σ|p − P|: S1 = ½(1/4 + 1/12 + 1/6) = 0.25; S2 = ½(1/2 + 1/6 + 1/3) = 0.5.
        #expect(r.acrossSchools.schools.map(\.dissimilarityVsDistrict)[0].isClose(to: 0.25, within: 1e-15))
        #expect(r.acrossSchools.schools.map(\.dissimilarityVsDistrict)[1].isClose(to: 0.5, within: 1e-15))
        // D = Σ_s Σ_k |t_sk − t_s P_k| / (2 T I) = (2 + 2) / (2 · 6 · 11/18) = 6/11.
        #expect(r.acrossSchools.D.isClose(to: 6.0 / 11.0, within: 1e-15))
        // Against the reference (0.5, 0.3, 0.2 for white, black, Hispanic): ½(1/6 + 0.2 + 1/30) = 0.2.
        #expect(r.districtVsReference!.isClose(to: 0.2, within: 1e-15))
    }

    @Test func withinSchoolsByHand() throws {
        let r = race(try diagnose(handMadeDistrict(), options: .init(baselineDraws: 100, seed: 3, minimumN: 1, guidebook: guidebook)))
        let adams = r.withinSchools.schools[0]
        // Adams's seats: white 4, black 2, Hispanic 2 → E = 1.5 ln 2. Classes: English (b, h) e = ln 2,
        // Honors (w, w) e = 0, Algebra (2w, b, h) e = 1.5 ln 2 → M = 1.5 ln 2 − (2/8 ln 2 + 4/8 · 1.5 ln 2) = 0.5 ln 2.
        #expect(adams.H.isClose(to: 1.0 / 3.0, within: 1e-14))
        #expect(adams.classrooms.map(\.id) == ["ENG-1", "ENGH-1", "MATH-1"])
        #expect(adams.classrooms.map(\.dissimilarityVsSchool) == [0.5, 0.5, 0])
        #expect(adams.expectedH > 0 && adams.expectedH < adams.H + 1)
        #expect(adams.excessH.isClose(to: adams.H - adams.expectedH, within: 1e-15))
        #expect(r.withinSchools.schools[1].H == 0)
        #expect((r.withinSchools.hBetween + r.withinSchools.hWithin) > 0)
    }

    @Test func advancedCourseworkByHand() throws {
        let r = race(try diagnose(handMadeDistrict(), options: .init(baselineDraws: 0, minimumN: 1, guidebook: guidebook)))
        let byGroup = Dictionary(uniqueKeysWithValues: r.advanced.groups.map { ($0.group, $0) })
        // Only Adams has an advanced class for grade 9: its four students are eligible; s1, s2 take it.
        #expect(byGroup["white"]!.eligible == 2 && byGroup["white"]!.participants == 2)
        #expect(byGroup["black"]!.eligible == 1 && byGroup["black"]!.participants == 0)
        #expect(byGroup["hispanic"]!.eligible == 1)
        #expect(r.advanced.overallRate == 0.5)
        #expect(byGroup["white"]!.representationIndex == 2)
        #expect(byGroup["black"]!.gapToHighestPP == 100)
        // Missing: the other eligible students of Adams take part at 2/3 (white 2 of 2, Hispanic 0 of 1).
        #expect(byGroup["black"]!.missing.isClose(to: 2.0 / 3.0, within: 1e-15))
        #expect(byGroup["hispanic"]!.missing.isClose(to: 2.0 / 3.0, within: 1e-15))
        #expect(byGroup["white"]!.missing == 0)
        #expect(byGroup["black"]!.missingToHighest == 1)
    }

    @Test func unknownIsCountedApartAndLeftOutOfTheIndices() throws {
        let d = try diagnose(handMadeDistrict(), options: .init(baselineDraws: 0, minimumN: 1, guidebook: guidebook))
        let economic = d.dimensions.first { $0.dimension == .economic }!
        #expect(economic.counts == [3, 2])
        #expect(economic.unknown == 1)
        let baker = economic.withinSchools.schools.first { $0.id == "S2" }!
        #expect(baker.classrooms.map(\.students) == [1, 1])
        let gender = d.dimensions.first { $0.dimension == .gender }!
        #expect(gender.counts == [3, 2, 0, 0] && gender.unknown == 1)
    }

    @Test func findingsNameTheirRootCauseAndActions() throws {
        let d = try diagnose(handMadeDistrict(), options: .init(baselineDraws: 0, minimumN: 1, guidebook: guidebook))
        let across = d.findings.filter { $0.level == .acrossSchools && $0.dimension == .race }
        #expect(across.map(\.subject) == ["district", "S2", "S1"])
        #expect(across.allSatisfy { $0.actions.map(\.id) == ["rezone"] })
        // With no baseline nothing is tested against chance: no scheduling finding.
        #expect(d.findings.filter { $0.level == .scheduling }.isEmpty)
        // Larger minimum: nothing rests on fewer students.
        let strict = try diagnose(handMadeDistrict(), options: .init(baselineDraws: 0, minimumN: 10, guidebook: guidebook))
        #expect(strict.findings.isEmpty)
    }

    /// The store keeps diagnostics archived; what comes back is what went in, including
    /// indices that are not numbers.
    @Test func anArchivedDiagnosticReadsBackUnchanged() throws {
        var d = try diagnose(handMadeDistrict(), options: .init(baselineDraws: 30, seed: 2, minimumN: 1, guidebook: guidebook))
        d.dimensions[0].districtVsReference = .nan
        d.dimensions[0].acrossSchools.H = .infinity
        let text = try d.archived()
        let back = try Diagnostic(archived: text)
        #expect(try back.archived() == text)
        #expect(back.dimensions[0].districtVsReference?.isNaN == true)
        #expect(back.dimensions[0].acrossSchools.H == .infinity)
        #expect(back.findings == d.findings && back.dimensions[1] == d.dimensions[1])
        #expect(throws: (any Error).self) { try Diagnostic(archived: "{\"students\": 1}") }
        // Each action's text is kept once, however many findings name it.
        #expect(d.findings.count > 1 && d.findings.allSatisfy { !$0.actions.isEmpty })
        let summary = try #require(d.findings.first?.actions.first?.summary)
        #expect(text.components(separatedBy: summary).count == 2)
        // A diagnostic stored before (the diagnostic's own JSON) still reads.
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        encoder.outputFormatting = [.sortedKeys]
        let before = String(decoding: try encoder.encode(d), as: UTF8.self)
        #expect(try Diagnostic(archived: before).findings == d.findings)
        #expect(throws: (any Error).self) { try Diagnostic(archived: "{\"actions\":[],\"diagnostic\":{},\"findingActions\":[],\"format\":2}") }
    }

    @Test func theSameSeedGivesTheSameBaselinesOnAnyNumberOfThreads() throws {
        let one = try diagnose(handMadeDistrict(), options: .init(baselineDraws: 200, seed: 9, parallelism: 1, guidebook: guidebook))
        let two = try diagnose(handMadeDistrict(), options: .init(baselineDraws: 200, seed: 9, parallelism: 2, guidebook: guidebook))
        for (a, b) in zip(one.dimensions, two.dimensions) {
            #expect(a.withinSchools.schools.map(\.expectedH) == b.withinSchools.schools.map(\.expectedH))
            #expect(a.withinSchools.schools.map(\.pValue) == b.withinSchools.schools.map(\.pValue))
        }
    }
}
