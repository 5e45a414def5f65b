import MosaicCore
import MosaicDiagnostic
import Testing

@Suite struct StudentPlacementTests {
    /// The student list agrees with the diagnostic's counts: per school, its students with
    /// a known race, the eligible and the participants of the advanced-course level.
    @Test func theListAddsUpToTheDiagnosticsCounts() throws {
        let roster = handMadeDistrict()
        let d = try diagnose(roster, options: .init(baselineDraws: 0, minimumN: 1, guidebook: guidebook))
        let race = try #require(d.dimensions.first { $0.dimension == .race })
        #expect(race.advanced.schools.contains { $0.groups.contains { $0.participants > 0 } }, "the fixture has advanced classes")
        for school in race.acrossSchools.schools {
            let list = try #require(try placements(in: roster, term: d.termID, school: school.id))
            #expect(list.count == school.students, "\(school.id)")
            // Known race only, as the advanced level counts.
            let known = list.filter { $0.student.race != nil }
            #expect(Set(list.map(\.student.id)).count == list.count)
            if let advanced = race.advanced.schools.first(where: { $0.id == school.id }) {
                #expect(known.filter(\.eligible).count == advanced.groups.reduce(0) { $0 + $1.eligible })
                #expect(known.filter { $0.eligible && !$0.advancedLevels.isEmpty }.count == advanced.groups.reduce(0) { $0 + $1.participants })
                #expect(list.allSatisfy { $0.advancedLevels.allSatisfy(\.isAdvanced) })
            }
        }
        #expect(try placements(in: roster, term: d.termID, school: "nowhere") == nil)
        #expect(throws: DiagnosticError.self) { try placements(in: roster, term: "no-term", school: "sch1") }
    }
}
