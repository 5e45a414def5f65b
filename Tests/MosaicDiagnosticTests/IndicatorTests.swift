import MosaicCore
import MosaicDiagnostic
import Testing

@Suite struct IndicatorTests {
    @Test func anIndicatorIsWrittenAndReadAsText() {
        for text in ["schoolsD:race", "classroomsH:economic", "advancedRate:race:black", "advancedGap:gender:female"] {
            #expect(Indicator(text)?.key == text)
        }
        // Unknown kind or dimension, a group missing or where none belongs.
        for text in ["", "schoolsD", "segregation:race", "schoolsD:height", "advancedRate:race", "advancedRate:race:", "schoolsD:race:black"] {
            #expect(Indicator(text) == nil, "\(text)")
        }
    }

    @Test func aReadingIsTheDiagnosticsOwnNumber() throws {
        let d = try diagnose(handMadeDistrict(), options: .init(baselineDraws: 0, minimumN: 1, guidebook: guidebook))
        let race = try #require(d.dimensions.first { $0.dimension == .race })
        #expect(Indicator(kind: .schoolsD, dimension: .race).reading(in: d)?.value == race.acrossSchools.D)
        #expect(Indicator(kind: .classroomsH, dimension: .race).reading(in: d)?.value == race.withinSchools.hWithin)
        let g = try #require(race.advanced.groups.first { $0.eligible > 0 })
        let rate = try #require(Indicator(kind: .advancedRate, dimension: .race, group: g.group).reading(in: d))
        #expect(rate.value == g.rate)
        #expect(rate.rates.map(\.numerator) == [g.participants] && rate.rates.map(\.denominator) == [g.eligible])
        // The gap rests on the highest group's rate as well.
        #expect(Indicator(kind: .advancedGap, dimension: .race, group: g.group).reading(in: d)?.rates.count == 2)
        #expect(Indicator(kind: .advancedRate, dimension: .race, group: "nobody").reading(in: d) == nil)
        // Every indicator the form offers reads a value.
        let all = Indicator.all(in: d)
        #expect(!all.isEmpty && all.allSatisfy { $0.reading(in: d) != nil })
    }

    @Test func aTargetIsACeilingOrAFloor() {
        #expect(Indicator(kind: .schoolsD, dimension: .race).meets(0.2, target: 0.25))
        #expect(!Indicator(kind: .schoolsD, dimension: .race).meets(0.3, target: 0.25))
        #expect(Indicator(kind: .advancedRate, dimension: .race, group: "black").meets(0.31, target: 0.3))
        #expect(!Indicator(kind: .advancedRate, dimension: .race, group: "black").meets(0.29, target: 0.3))
    }
}
