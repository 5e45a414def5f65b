import MosaicCore
@testable import MosaicDiagnostic
import Testing

@Suite struct OpenHonorsTests {
    /// One school, one spring term; Algebra I is open honors (four students: two white,
    /// one Black, one Hispanic; the first three economically disadvantaged), English is not.
    static func school(ledger: [Roster.OpenHonorsChoice]) -> Roster {
        let students = [
            Student(id: "s1", race: .white, economicallyDisadvantaged: true),
            Student(id: "s2", race: .white, economicallyDisadvantaged: true),
            Student(id: "s3", race: .black, economicallyDisadvantaged: true),
            Student(id: "s4", race: .hispanic, economicallyDisadvantaged: false),
        ]
        return Roster(
            version: "1.1",
            orgs: [.init(id: "D", name: "District", type: "district"), .init(id: "S1", name: "Adams High", type: "school", parent: 0)],
            sessions: [.init(id: "T2", title: "Spring", type: "term", startDate: "2026-01-21", endDate: "2026-06-20", schoolYear: 2026)],
            courses: [.init(id: "C-MATH", title: "Algebra I", code: "MATH", grades: [], org: 0, level: .openHonors),
                      .init(id: "C-ENG", title: "English 9", code: "ENG", grades: [], org: 0, level: .general)],
            sections: [.init(id: "MATH-1", title: "Algebra I (1)", course: 0, school: 1, terms: [0], periods: ["2"], grades: []),
                       .init(id: "ENG-1", title: "English 9 (1)", course: 1, school: 1, terms: [0], periods: ["1"], grades: [])],
            students: students,
            enrollmentSection: [0, 0, 0, 0, 1, 1], enrollmentStudent: [0, 1, 2, 3, 0, 1],
            openHonors: ledger)
    }

    static let ledger: [Roster.OpenHonorsChoice] = [
        .init(student: 0, section: 0, optedIn: "2026-01-25"),
        .init(student: 1, section: 0, optedIn: "2026-01-26", optedOut: "2026-02-10"),
    ]

    /// Counts by hand: on 1 February both white students hold honors credit (2 of 4); on
    /// 1 March one does (1 of 4, white 1 of 2, Black 0 of 1); English is not counted.
    @Test func participationIsCountedByGroupOnADate() {
        let feb = OpenHonorsParticipation(Self.school(ledger: Self.ledger), on: "2026-02-01")
        #expect(feb.district.total == .init(enrolled: 4, optedIn: 2))
        #expect(feb.district.groups["race"]?["white"] == .init(enrolled: 2, optedIn: 2))
        let march = OpenHonorsParticipation(Self.school(ledger: Self.ledger), on: "2026-03-01")
        #expect(march.district.total == .init(enrolled: 4, optedIn: 1))
        #expect(march.district.total.rate == 0.25)
        #expect(march.district.groups["race"]?["white"] == .init(enrolled: 2, optedIn: 1))
        #expect(march.district.groups["race"]?["black"] == .init(enrolled: 1, optedIn: 0))
        #expect(march.district.groups["economic"]?["disadvantaged"] == .init(enrolled: 3, optedIn: 1))
        #expect(march.district.groups["gender"]?["unknown"] == .init(enrolled: 4, optedIn: 1))
        #expect(march.classes.map(\.id) == ["MATH-1"] && march.courses.map(\.id) == ["C-MATH"] && march.schools.map(\.id) == ["S1"])
        #expect(march.classes[0].total == march.district.total)
        // Outside the term nothing runs.
        #expect(OpenHonorsParticipation(Self.school(ledger: Self.ledger), on: "2026-07-01").district.total.enrolled == 0)
    }

    /// Default opt-out: the ledger's own drop-out rate (1 of the 2 who opted in) makes the
    /// expected rate 50 % for everyone; a given rate of 10 % makes it 90 % (1.8 of the two
    /// white students).
    @Test func theDefaultOptOutScenarioUsesTheLedgersOwnRateOrAGivenOne() throws {
        let roster = Self.school(ledger: Self.ledger)
        let observed = DefaultOptOutScenario(roster, on: "2026-03-01")
        #expect(observed.overallOptOutRate == 0.5 && observed.source == "ledger")
        #expect(observed.currentRate == 0.25 && observed.expectedRate == 0.5)
        let white = try #require(observed.groups.first { $0.dimension == "race" && $0.group == "white" })
        #expect(white.expectedOptedIn == 1 && !white.ownRate)
        let given = DefaultOptOutScenario(roster, on: "2026-03-01", optOutRate: 0.1)
        #expect(given.source == "given" && abs(given.expectedRate - 0.9) < 1e-12)
        let w = try #require(given.groups.first { $0.dimension == "race" && $0.group == "white" })
        #expect(abs(w.expectedOptedIn - 1.8) < 1e-12 && w.currentRate == 0.5)
        // A group with enough students who opted in gets its own rate.
        let own = DefaultOptOutScenario(roster, on: "2026-03-01", minimumGroup: 2)
        #expect(own.groups.first { $0.dimension == "race" && $0.group == "white" }?.ownRate == true)
        #expect(own.groups.first { $0.dimension == "race" && $0.group == "black" }?.ownRate == false)
    }

    /// The diagnostic keeps open honors on the term's last day (20 June: one white student
    /// of four holds credit), and it is an indicator a plan can measure.
    @Test func theDiagnosticKeepsOpenHonorsAsAnIndicator() throws {
        let roster = Self.school(ledger: Self.ledger)
        let d = try diagnose(roster, options: .init(baselineDraws: 0, minimumN: 1, guidebook: guidebook))
        let summary = try #require(d.openHonors)
        #expect(summary.date == "2026-06-20" && summary.total == .init(enrolled: 4, optedIn: 1))
        let white = try #require(Indicator("openHonorsRate:race:white"))
        #expect(white.reading(in: d)?.value == 0.5 && !white.kind.lowerIsBetter)
        #expect(Indicator.all(in: d).contains(white))
        #expect(Indicator("openHonorsRate:race:black").flatMap { $0.reading(in: d) }?.value == 0)
        // Without open-honors classes there is nothing to follow.
        var plain = roster
        plain.courses[0].level = .general
        let none = try diagnose(plain, options: .init(baselineDraws: 0, minimumN: 1, guidebook: guidebook))
        #expect(none.openHonors == nil && white.reading(in: none) == nil)
        // Archived and read back, it is the same.
        #expect(try Diagnostic(archived: d.archived()) == d)
    }
}
