import Foundation
import MosaicChoice
import MosaicCore
import MosaicMetrics
import Testing

/// A kept explanation reads back as it was, and is written as the contract's JSON.
@Suite struct MatchReportCodableTests {
    @Test func explanationsRoundTrip() throws {
        var rng = SeededGenerator(seed: 7)
        let instance = Instance.synthetic(students: 200, programmes: 6, choices: 3, seats: 150, reserveShare: 0.3, using: &rng)
        let market = instance.market(tieBreaking: .single, using: &rng)
        let report = MatchReport(instance: instance, market: market, assignment: market.assign(.da))
        for st in market.studentIDs.indices {
            let why = report.explanation(st)
            let data = try JSONEncoder().encode(why)
            let back = try JSONDecoder().decode(MatchReport.Explanation.self, from: data)
            #expect(back.json == why.json, "\(why.student)")
            let written = try JSONSerialization.jsonObject(with: data) as? NSDictionary
            let contract = try JSONSerialization.jsonObject(with: Data(why.json.serialized().utf8)) as? NSDictionary
            #expect(written == contract, "\(why.student)")
        }
    }
}
