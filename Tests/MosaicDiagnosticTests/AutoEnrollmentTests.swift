import MosaicCore
import MosaicMetrics
@testable import MosaicDiagnostic
import Testing

@Suite struct AutoEnrollmentTests {
    /// One high school, grade 9: Honors Algebra (s1 in it) and Algebra. Math scores — white
    /// s1 80, s2 60, s8 90; Black s3 75, s4 50; Hispanic s5 72, s6 68, s7 none.
    static func school(extraSubject: Bool = false) -> Roster {
        let races: [Student.Race] = [.white, .white, .black, .black, .hispanic, .hispanic, .hispanic, .white]
        let students = races.enumerated().map { Student(id: "s\($0.offset + 1)", grade: Grade("09"), race: $0.element) }
        let scores: [(Int, Double, Bool)] = [(0, 80, true), (1, 60, false), (2, 75, true), (3, 50, false),
                                             (4, 72, false), (5, 68, false), (7, 90, true)]
        var assessments = scores.map { Roster.Assessment(student: $0.0, subject: "math", score: $0.1, proficient: $0.2) }
        if extraSubject { assessments.append(.init(student: 0, subject: "ela", score: 300)) }
        return Roster(
            version: "1.1",
            orgs: [.init(id: "D", name: "District", type: "district"), .init(id: "S1", name: "Adams High", type: "school", parent: 0)],
            sessions: [.init(id: "T1", title: "Fall", type: "term", startDate: "2025-09-01", endDate: "2026-01-20", schoolYear: 2026)],
            courses: [.init(id: "C-HON", title: "Honors Algebra", code: "HON", grades: [Grade("09")!], org: 0, level: .honors),
                      .init(id: "C-ALG", title: "Algebra", code: "ALG", grades: [Grade("09")!], org: 0, level: .general)],
            sections: [.init(id: "HON-1", title: "Honors Algebra (1)", course: 0, school: 1, terms: [0], periods: ["1"], grades: []),
                       .init(id: "ALG-1", title: "Algebra (1)", course: 1, school: 1, terms: [0], periods: ["1"], grades: [])],
            students: students,
            enrollmentSection: [0, 1, 1, 1, 1, 1, 1, 1], enrollmentStudent: [0, 1, 2, 3, 4, 5, 6, 7],
            assessments: assessments)
    }

    static func run(_ roster: Roster, _ thresholds: [AutoEnrollmentThreshold], optOut: Double = 0, seed: UInt64 = 1,
                    subject: String? = nil) throws -> AutoEnrollmentSimulation {
        var rng = SeededGenerator(seed: seed)
        return try simulateAutoEnrollment(roster, options: .init(subject: subject, thresholds: thresholds, optOutRate: optOut,
                                                                 band: 5, classSize: 2), seed: seed, using: &rng)
    }

    /// Threshold 70, nobody opting out, worked by hand: s1, s3, s5, s8 qualify; s3, s5, s8 are
    /// enrolled (1 → 4 of 8). Missing (one school, eligible_g · rate of the others −
    /// participants_g): now Black 2 · 1/6 = 0.333, Hispanic 3 · 1/5 = 0.6; after Black
    /// 2 · 3/6 − 1 = 0, Hispanic 3 · 3/5 − 1 = 0.8. Three new seats in sections of 2 make
    /// 2 sections; closing the gap takes 3 + ⌈0.8⌉ = 4 seats. s6 (68) is 2 points short.
    @Test func theArithmeticOfOneSchoolByHand() throws {
        let sim = try Self.run(Self.school(), [.score(70)])
        #expect(sim.subject == "math" && sim.eligible == 8 && sim.assessed == 7 && sim.band == 5)
        let s = try #require(sim.scenarios.first)
        #expect(s.threshold == "70" && s.qualifying == 4 && s.autoEnrolled == 3 && s.optedOut == 0)
        #expect(s.participantsNow == 1 && s.participantsProjected == 4 && s.rateNow == 0.125 && s.rateProjected == 0.5)
        #expect(s.expectedRate == 0.5)
        let race = try #require(s.dimensions.first { $0.dimension == .race })
        func group(_ name: String) throws -> AutoEnrollmentSimulation.Group { try #require(race.groups.first { $0.group == name }) }
        let white = try group("white"), black = try group("black"), hispanic = try group("hispanic")
        #expect(white.eligible == 3 && white.participantsNow == 1 && white.participantsProjected == 2)
        #expect(black.participantsProjected == 1 && abs(black.rateProjected - 0.5) < 1e-12)
        #expect(abs(black.missingNow - 1.0 / 3) < 1e-12 && abs(hispanic.missingNow - 0.6) < 1e-12)
        #expect(abs(black.missingProjected) < 1e-12 && abs(hispanic.missingProjected - 0.8) < 1e-12)
        #expect(white.missingNow == 0 && white.missingProjected == 0)
        // Representation: Hispanic 0 → (1/3) / (1/2).
        #expect(hispanic.representationNow == 0 && abs(hispanic.representationProjected - 2.0 / 3) < 1e-12)
        #expect(hispanic.nearCutoff == 1 && s.nearCutoff == [.init(student: "s6", school: "S1", score: 68, below: 2)])
        let school = try #require(s.schools.first)
        #expect(school.id == "S1" && school.eligible == 8 && school.participantsNow == 1 && school.participantsProjected == 4)
        #expect(school.newSeats == 3 && school.classSize == 2 && school.newSections == 2)
        #expect(abs(school.gapAfter - 0.8) < 1e-12 && school.seatsToCloseGap == 4 && school.sectionsToCloseGap == 2)
        #expect(s.newSeats == 3 && s.newSections == 2 && s.seatsToCloseGap == 4)
    }

    /// Thresholds side by side: the state's flag (s1, s3, s8 proficient) enrolls 2; a cut-off
    /// above every score enrolls nobody and changes nothing.
    @Test func thresholdsSideBySide() throws {
        let sim = try Self.run(Self.school(), [.score(70), .proficient, .score(95)])
        #expect(sim.scenarios.map(\.threshold) == ["70", "proficient", "95"])
        #expect(sim.scenarios.map(\.qualifying) == [4, 3, 0])
        #expect(sim.scenarios.map(\.autoEnrolled) == [3, 2, 0])
        #expect(sim.scenarios.map(\.participantsProjected) == [4, 3, 1])
        #expect(sim.scenarios[1].nearCutoff.isEmpty)
        let none = sim.scenarios[2]
        #expect(none.newSeats == 0 && none.newSections == 0)
        // Nobody new: the projection is today's.
        for d in none.dimensions { for g in d.groups { #expect(g.participantsNow == g.participantsProjected && g.missingNow == g.missingProjected) } }
    }

    /// Opt-outs: every family declining leaves today's participation; half declining is
    /// drawn with the seed — the same seed, the same students — and the expected rate is
    /// (1 + 0.5 · 3) / 8 whatever the draw. One draw serves every threshold, so the
    /// students who decline at 75 decline at 70 too.
    @Test func optOutsAreDrawnPerSeedAndSharedAcrossThresholds() throws {
        let all = try Self.run(Self.school(), [.score(70)], optOut: 1)
        #expect(all.scenarios[0].optedOut == 3 && all.scenarios[0].participantsProjected == 1)
        var seen = Set<Int>()
        for seed in UInt64(0)..<40 {
            let a = try Self.run(Self.school(), [.score(70), .score(75)], optOut: 0.5, seed: seed)
            #expect(a == (try Self.run(Self.school(), [.score(70), .score(75)], optOut: 0.5, seed: seed)))
            let s = a.scenarios[0]
            #expect(s.participantsProjected == 1 + s.autoEnrolled - s.optedOut)
            #expect(abs(s.expectedRate - 2.5 / 8) < 1e-12)
            #expect(a.scenarios[1].optedOut <= s.optedOut)
            seen.insert(s.optedOut)
        }
        #expect(seen.count >= 3)   // the draw does vary with the seed
    }

    @Test func subjectsAndMissingResultsAreExplained() throws {
        #expect(throws: DiagnosticError.subjectNeeded(available: ["ela", "math"])) {
            try Self.run(Self.school(extraSubject: true), [.score(70)])
        }
        #expect(throws: DiagnosticError.unknownSubject("science", available: ["ela", "math"])) {
            try Self.run(Self.school(extraSubject: true), [.score(70)], subject: "science")
        }
        #expect(try Self.run(Self.school(extraSubject: true), [.score(70)], subject: "math").scenarios[0].qualifying == 4)
        var bare = Self.school()
        bare.assessments = []
        #expect(throws: DiagnosticError.noAssessments) { try Self.run(bare, [.score(70)]) }
        var general = Self.school()
        general.courses[0].level = .general
        #expect(throws: DiagnosticError.noAdvancedClasses("T1")) { try Self.run(general, [.score(70)]) }
        #expect(AutoEnrollmentThreshold("Proficient") == .proficient && AutoEnrollmentThreshold("72.5") == .score(72.5))
        #expect(AutoEnrollmentThreshold("high") == nil)
    }
}
