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

@Suite struct FindingPrivacyTests {
    /// A finding whose numbers rest on a small count keeps only its outline in a public
    /// view; the district's staff read it whole.
    @Test func aFindingOnASmallCountShowsItsOutlineToThePublic() throws {
        let d = try diagnose(handMadeDistrict(), options: .init(baselineDraws: 50, minimumN: 1, guidebook: guidebook))
        let withCounts = d.findings.filter { $0.counts != nil && $0.outline != nil }
        #expect(!withCounts.isEmpty)
        let strict = SuppressionPolicy(minimumN: 1_000)
        for f in withCounts {
            #expect(f.message(under: nil) == f.message)
            #expect(f.message(under: SuppressionPolicy(minimumN: 1)) == f.message)
            let small = f.counts!.contains { $0 > 0 && $0 < 1_000 }
            #expect(f.message(under: strict) == (small ? f.outline! : f.message))
            // The outline states no number of the message's but what the level names.
            #expect(!f.outline!.contains("%"))
        }
        // A finding about the whole district rests on no small count and reads the same.
        for f in d.findings where f.outline == nil { #expect(f.message(under: strict) == f.message) }
    }
}
