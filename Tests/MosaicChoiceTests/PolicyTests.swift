import MosaicChoice
import MosaicMetrics
import Testing

@Suite struct PolicyTests {
    /// A small city: 1,200 students ranking 4 of 12 schools, groups varying by neighbourhood.
    func city() -> Instance {
        var rng = SeededGenerator(seed: 21)
        return Instance.synthetic(students: 1_200, programmes: 12, choices: 4, seats: 1_150, reserveShare: 0, using: &rng)
    }

    @Test func aPolicySetsReservesClassesAndPrecedence() {
        let instance = city()
        let policy = Policy(name: "reserve", priorityClasses: ["sibling", "other"],
                            reserves: [.init(name: "low-income", group: ["economic": "disadvantaged"], share: 0.25, kind: "hard", schools: ["P001", "P002"])],
                            precedence: "openFirst")
        let applied = policy.applied(to: instance)
        #expect(applied.classes == ["sibling", "other"])
        #expect(applied.schools[0].reserves == [.init(name: "low-income", group: ["economic": "disadvantaged"],
                                                       seats: Int(0.25 * Double(instance.schools[0].capacity) + 0.5), kind: "hard")])
        #expect(applied.schools[2].reserves == nil)
        #expect(applied.schools.allSatisfy { $0.precedence == "openFirst" })
        // Reserves left out keep the instance's; [] removes them.
        var reserved = instance
        reserved.schools[3].reserves = [.init(name: "r", group: ["race": "asian"], seats: 2)]
        #expect(Policy(name: "keep").applied(to: reserved).schools[3].reserves?.count == 1)
        #expect(Policy(name: "none", reserves: []).applied(to: reserved).schools[3].reserves == nil)
    }

    @Test func everyProblemIsNamed() {
        let bad = Policy(name: " ", mechanism: "lottery", tieBreaking: "double",
                         reserves: [.init(name: "r", group: [:], share: 1.5, seats: 3, kind: "firm", schools: ["Z9"])],
                         precedence: "later")
        #expect(bad.problems(for: city()) == [
            "name: a policy needs a name",
            "mechanism: “lottery” is not da, ttc or boston",
            "tieBreaking: “double” is not single or multiple",
            "precedence: “later” is not reserveFirst or openFirst",
            "reserves[0] r: give either share or seats",
            "reserves[0] r: share 1.5 is not between 0 and 1",
            "reserves[0] r: kind “firm” is not soft or hard",
            "reserves[0] r: names no group",
            "reserves[0] r: unknown school “Z9”",
        ])
        let unknownClass = Policy(name: "x", priorityClasses: ["sibling", "staff"])
        #expect(unknownClass.problems(for: city()) == ["applied to the instance: priorityClasses: “staff” is not sibling, zone or other"])
    }

    /// The same policy twice: the same lotteries give the same numbers, and the finding
    /// says nothing can be told apart.
    @Test func theSamePolicyTwiceIsTheSame() {
        let c = PolicyComparison.compare(city(), policies: [Policy(name: "A"), Policy(name: "B")], mechanism: .da, tieBreaking: .single,
                                         draws: 20, seed: 4, parallelism: 2)
        #expect(c.runs[0].simulation.groups.map(\.rankShares) == c.runs[1].simulation.groups.map(\.rankShares))
        #expect(c.findings == ["B and A give the same access and sorting within what 20 lotteries can tell apart."])
    }

    /// Zone priority keeps students near home: dropping it lets students reach the popular
    /// schools they rank first and mixes neighbourhoods, so schools are less sorted.
    @Test func droppingZonePriorityIsSeenInAccessAndSorting() {
        let c = PolicyComparison.compare(city(), policies: [Policy(name: "zones"), Policy(name: "no zones", priorityClasses: ["sibling", "other"])],
                                         mechanism: .da, tieBreaking: .single, draws: 60, seed: 1, parallelism: 2)
        let zones = c.runs[0].simulation, open = c.runs[1].simulation
        #expect(open.groups[0].firstChoice > zones.groups[0].firstChoice)
        #expect(open.dissimilarity.map(\.mean) != zones.dissimilarity.map(\.mean))
        #expect(c.findings.contains { $0.hasPrefix("Students get their first choice more often under no zones than under zones") })
        #expect(c.findings.contains { $0.hasPrefix("no zones makes schools less sorted by race than zones") })
    }

    /// A large reserve for the majority group gives it better access and concentrates it
    /// in the popular schools: the comparison must say so plainly.
    @Test func betterAccessThatIncreasesSortingIsSaidPlainly() {
        let reserve = Policy(name: "big reserve", reserves: [.init(name: "low-income", group: ["economic": "disadvantaged"], share: 0.8)])
        let c = PolicyComparison.compare(city(), policies: [Policy(name: "no reserve"), reserve], mechanism: .da, tieBreaking: .single,
                                         draws: 60, seed: 1, parallelism: 2)
        let base = c.runs[0].simulation, big = c.runs[1].simulation
        let economic = big.dissimilarity.first { $0.dimension == "economic" }!.mean
        #expect(economic > base.dissimilarity.first { $0.dimension == "economic" }!.mean)
        let finding = c.findings.first { $0.hasPrefix("Better access is not more integration: under big reserve, disadvantaged (economic)") }
        #expect(finding != nil, "\(c.findings)")
        #expect(finding?.contains("more sorted by economic") == true)
    }
}
