import Foundation
import MosaicBoundaries
import Testing

/// A scenario's settings, checked from text as a form sends it: defaults, every problem
/// named at once, and the command that gives the same figures.
@Suite struct BoundaryScenarioTests {
    @Test func settingsFromARequest() throws {
        let city = Instances.city(schools: 4, blocks: 8, seed: 3)
        let (settings, problems) = BoundaryScenario.settings(.init(kind: "redraw", travel: "40", seed: "9"), instance: city)
        #expect(problems.isEmpty)
        let s = try #require(settings)
        #expect(s.kind == "redraw" && s.objective == "D" && s.maxTravelIncrease == 0.4 && s.maxSizeIncrease == 0.15 && s.seed == 9)
        #expect(s.restarts == BoundaryScenario.restarts && s.sweeps == BoundaryScenario.sweeps && s.contiguity)
        #expect(s.command("city.json").hasPrefix("mosaic boundaries city.json --dimension "))
        // Stored and read back as it was.
        #expect(try JSONDecoder().decode(BoundaryScenario.self, from: JSONEncoder().encode(s)) == s)

        let (none, wrong) = BoundaryScenario.settings(.init(kind: "swap", dimension: "shoe size", objective: "Q", travel: "lots", seed: "-1",
                                                            groupSize: "4", grades: "K"), instance: city)
        #expect(none == nil)
        #expect(["the travel increase (%) is a number from 0 to 1000000, not 'lots'", "the kind is redraw or pair, not 'swap'",
                          "'shoe size' is not one of the instance's dimensions or groups", "the objective is D or H, not 'Q'",
                          "the seed is a whole number from 0, not '-1'", "the group size is 2, 3 or 2,3, not '4'",
                          "the grades taught are at least two different grades, separated by commas"].sorted() == wrong.sorted(), "\(wrong)")
    }
}
