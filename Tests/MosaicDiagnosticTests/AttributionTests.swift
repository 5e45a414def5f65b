import Foundation
import MosaicCore
import MosaicDiagnostic
import MosaicTestSupport
import Testing

/// The attribution of classroom segregation (contract `diagnose.md`, "Attribution of
/// classroom segregation" and "Access and intersections") on a district whose causes are
/// known: `CausesDistrict`, one situation per school, layers worked by hand.
@Suite struct AttributionTests {
    static let diagnostic: Diagnostic = try! diagnose(
        CausesDistrict.roster(), options: .init(baselineDraws: 400, seed: 5, minimumN: 10, parallelism: 2, guidebook: guidebook))

    func dimension(_ d: MosaicCore.Dimension) -> DimensionResult { Self.diagnostic.dimensions.first { $0.dimension == d }! }
    func school(_ id: String, _ d: MosaicCore.Dimension = .race) -> WithinSchools.School { dimension(d).withinSchools.schools.first { $0.id == id }! }
    func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) < 1e-12 }

    /// Σ_k p_k ln(p_k / P_k).
    func kl(_ p: [Double], _ q: [Double]) -> Double { zip(p, q).reduce(0) { $0 + ($1.0 > 0 ? $1.0 * log($1.0 / $1.1) : 0) } }

    @Test func trackingIsTheLevelLayerAndACourseEnrollmentFinding() throws {
        let a = school("A")
        let level = 0.25 * kl([0.8, 0.2], [0.5, 0.5]) + 0.75 * kl([0.4, 0.6], [0.5, 0.5])
        let layers = try #require(a.layers)
        #expect(close(layers.level, level))
        #expect(layers.programme < 1e-12 && layers.course < 1e-12 && layers.section < 1e-12)
        // Identical sections: chance always reaches the observed 0.
        #expect(a.section?.pValue == 1 && a.section?.significant == false)
        // Tracking, and the participation gap it makes (8 of 80 Black students in honors
        // against 32 of 80 white): both course enrollment, nothing about the schedule.
        let findings = Self.diagnostic.findings.filter { $0.dimension == .race && $0.subject == "A" }
        #expect(findings.map(\.level) == [.courseEnrollment, .courseEnrollment])
        #expect(findings.map(\.metric) == ["levelShare", "representationIndex"] && close(findings[0].value, 1))
        #expect(findings[1].group == "black")
    }

    @Test func sortedSectionsAreTheSectionLayerAndTheOnlySchedulingFinding() throws {
        let b = school("B")
        let layers = try #require(b.layers)
        #expect(close(layers.section, kl([5.0 / 6, 1.0 / 6], [0.5, 0.5])))
        #expect(layers.programme + layers.level + layers.course < 1e-12)
        #expect(b.section?.significant == true && (b.section?.pValue ?? 1) < 0.01)
        #expect(b.courses?.map(\.title) == ["Algebra II"] && b.courses.map { close($0[0].M, layers.section) } == true)
        // Race, and income and race × income, which follow race here.
        let scheduling = Self.diagnostic.findings.filter { $0.level == .scheduling }
        #expect(scheduling.map(\.subject) == ["B", "B", "B"])
        #expect(scheduling.map(\.dimension) == [.race, .economic, .raceByEconomic])
        #expect(scheduling.first?.message.contains("Algebra II (4 sections") == true)
    }

    @Test func eslSectionsAreTheProgrammeLayerAndInformationOnly() throws {
        let c = school("C", .englishLearner)
        let layers = try #require(c.layers)
        // Seats: ESL 30 (all English learners); Math 120 (30, 90); English 90 (0, 90); P = (1/4, 3/4).
        let programme = (30.0 / 240) * kl([1, 0], [0.25, 0.75]) + (210.0 / 240) * kl([1.0 / 7, 6.0 / 7], [0.25, 0.75])
        let course = (120.0 / 240) * kl([0.25, 0.75], [1.0 / 7, 6.0 / 7]) + (90.0 / 240) * kl([0, 1], [1.0 / 7, 6.0 / 7])
        let section = (120.0 / 240) * [8.0, 8, 7, 7].reduce(0) { $0 + 0.25 * kl([$1 / 30, 1 - $1 / 30], [0.25, 0.75]) }
        #expect(close(layers.programme, programme) && close(layers.course, course) && close(layers.section, section))
        #expect(layers.level < 1e-12)
        #expect(c.section?.significant == false)
        #expect(c.programmes == [.init(level: .esl, seats: [30, 0])] && c.seats == [60, 180])
        #expect(!Self.diagnostic.findings.contains { $0.level == .scheduling && $0.dimension == .englishLearner })
        let notes = dimension(.englishLearner).programmeNotes(minimumN: 10)
        #expect(notes.map(\.group) == ["el"] && notes.first?.share == 0.5)
        #expect(notes.first?.message.hasPrefix("50% of English learners' class seats are in ESL classes") == true)
    }

    /// Grades differ (course layer), classes are dealt at random within each: the school-wide
    /// baseline calls it beyond chance, the section layer does not.
    @Test func randomWithinGradeIsNotScheduling() throws {
        let d = school("D")
        let layers = try #require(d.layers)
        #expect(close(layers.course, kl([0.9, 0.1], [0.5, 0.5])))
        #expect(layers.programme + layers.level < 1e-12)
        #expect(d.significant)
        #expect(d.section?.significant == false && (d.section?.pValue ?? 0) > 0.05)
        #expect(!Self.diagnostic.findings.contains { $0.subject == "D" && $0.level != .acrossSchools })
    }

    /// Layers add up to each school's M and, seat-weighted, to the district's M_within.
    @Test func layersAddUp() throws {
        for dim in Self.diagnostic.dimensions {
            let w = dim.withinSchools
            let layers = try #require(w.layers)
            #expect(abs(layers.total - w.mWithin) < 1e-12)
            for s in w.schools {
                let l = try #require(s.layers)
                let E = s.seats.map { seats -> Double in
                    let t = Double(seats.reduce(0, +))
                    return -seats.reduce(0.0) { $0 + ($1 > 0 ? Double($1) / t * log(Double($1) / t) : 0) }
                } ?? 0
                #expect(abs(l.total - s.H * E) < 1e-12)
            }
        }
    }

    @Test func accessSeparatesOfferingFromParticipation() throws {
        let groups = Dictionary(uniqueKeysWithValues: dimension(.race).advanced.groups.map { ($0.group, $0) })
        // Grade 9 is offered (at A), grade 10 (at E); grades 1, 2, 11, 12 nowhere.
        let white = try #require(groups["white"]), black = try #require(groups["black"]), hispanic = try #require(groups["hispanic"])
        #expect(white.inOfferedGrades == 110 && white.eligible == 100 && close(white.accessRate!, 100.0 / 110))
        #expect(black.inOfferedGrades == 150 && black.eligible == 100 && close(black.accessRate!, 100.0 / 150))
        #expect(close(black.accessGapPP!, 100 * (100.0 / 110 - 100.0 / 150)))
        #expect(hispanic.inOfferedGrades == 0 && hispanic.eligible == 0)
        let access = Self.diagnostic.findings.filter { $0.metric == "accessGapPP" && $0.dimension == .race }
        #expect(access.map(\.group) == ["black"])
        #expect(access.first?.message.contains("50 of them are in a grade the district offers such courses to, but not in their school") == true)
    }

    @Test func theReferenceGroupIsWhiteOrAsianNotDisadvantaged() throws {
        let race = dimension(.race)
        let r = try #require(race.advanced.reference)
        // White students (none disadvantaged here): eligible 100, honors 32 at A + 5 at E.
        #expect(r.eligible == 100 && r.participants == 37 && r.name == "Asian or White students, not economically disadvantaged")
        let black = try #require(race.advanced.groups.first { $0.group == "black" })
        #expect(black.participants == 13)
        #expect(close(black.missingToReference!, 100 * 0.37 - 13))
        // The intersection carries the same blocks.
        let cross = dimension(.raceByEconomic)
        #expect(cross.groups.contains("black·disadvantaged") && cross.counts[cross.groups.firstIndex(of: "black·disadvantaged")!] == 270)
        #expect(cross.advanced.groups.first { $0.group == "white·notDisadvantaged" }?.participants == 37)
        // Another reference: Black students.
        var o = DiagnosticOptions(baselineDraws: 0, minimumN: 10, guidebook: guidebook)
        o.referenceGroup = try ReferenceGroup(parsing: ["race=black"])
        let other = try diagnose(CausesDistrict.roster(), options: o)
        let white = try #require(other.dimensions[0].advanced.groups.first { $0.group == "white" })
        #expect(close(white.missingToReference!, 0) && other.dimensions[0].advanced.reference?.rate == 0.13)
    }

    @Test func referenceGroupsAreReadWithClearErrors() {
        #expect(throws: ReferenceGroupError.unknownGroup("whit", .race)) { try ReferenceGroup(parsing: ["race=whit"]) }
        #expect(throws: ReferenceGroupError.malformed("race")) { try ReferenceGroup(parsing: ["race"]) }
        #expect(throws: ReferenceGroupError.unknownDimension("income")) { try ReferenceGroup(parsing: ["income=low"]) }
        #expect(throws: ReferenceGroupError.repeated(.race)) { try ReferenceGroup(parsing: ["race=white", "race=asian"]) }
        #expect(ReferenceGroupError.unknownGroup("whit", .race).description.contains("groups: americanIndian, asian"))
    }
}
