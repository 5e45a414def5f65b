import Foundation
import MosaicMetrics
import MosaicTestSupport
import Testing

/// Values pinned from PySAL `segregation` 2.5.4 and `divintseg` 0.7.0 on the real NYC
/// 2017-18 school counts (scripts/crosscheck/run writes the fixtures).
@Suite struct PublishedImplementationTests {
    static let tolerance = 1e-14

    @Test(arguments: ["race", "economic"]) func multigroupIndicesMatchPySAL(dimension: String) throws {
        let (m, _) = try NYCFixture.table(dimension)
        let pins = try NYCFixture.pins(dimension).object("multigroup")
        let profile = try segregationProfile(of: m)
        let i = profile.indices
        for (key, value) in [("D", i.D), ("Gini", i.Gini), ("H", i.H), ("E", i.E), ("E_normalized", i.E_normalized),
                             ("P", i.P), ("R", i.R), ("C", i.C), ("SimpsonConcentration", i.simpsonConcentration),
                             ("SimpsonInteraction", i.simpsonInteraction)] {
            #expect(value.isClose(to: pins.number(key), within: Self.tolerance), "\(dimension) \(key): \(value) vs PySAL \(pins.number(key))")
        }
    }

    @Test(arguments: ["race", "economic"]) func eachGroupAgainstTheRestMatchesPySAL(dimension: String) throws {
        let (m, _) = try NYCFixture.table(dimension)
        let pins = try NYCFixture.pins(dimension).object("byGroup")
        let profile = try segregationProfile(of: m)
        for g in profile.byGroup {
            let p = pins.object(g.name)
            #expect(g.DVersusRest.isClose(to: p.number("D_vs_rest"), within: Self.tolerance))
            #expect(g.HVersusRest.isClose(to: p.number("H_vs_rest"), within: Self.tolerance))
            #expect(g.isolation.isClose(to: p.number("isolation"), within: Self.tolerance))
            #expect(g.V.isClose(to: p.number("V"), within: Self.tolerance))
            // PySAL's Interaction: exposure of g to everyone else = Σ_y≠g exposure(g, y).
            let k = profile.groups.firstIndex(of: g.name)!
            let toRest = profile.exposure[k].enumerated().filter { $0.offset != k }.reduce(0.0) { $0 + $1.element }
            #expect(toRest.isClose(to: p.number("exposure_to_rest"), within: Self.tolerance))
        }
    }

    @Test(arguments: ["race", "economic"]) func pairwiseDMatchesPySAL(dimension: String) throws {
        let (m, _) = try NYCFixture.table(dimension)
        let pins = try NYCFixture.pins(dimension).object("pairwiseD")
        let pairs = pairwiseDissimilarity(of: m)
        #expect(pairs.count == pins.count)
        for p in pairs {
            #expect(p.D.isClose(to: pins.number("\(p.first)|\(p.second)"), within: Self.tolerance))
        }
    }

    @Test func twoGroupIndicesMatchPySALAndTheFormula() throws {
        let (m, _) = try NYCFixture.table("economic")
        let pins = try NYCFixture.pins("economic")
        let two = try #require(try segregationProfile(of: m).twoGroup)
        let atkinson = pins.object("twoGroup")
        #expect(two.atkinson01.isClose(to: atkinson.number("Atkinson_0.1"), within: Self.tolerance))
        #expect(two.atkinson05.isClose(to: atkinson.number("Atkinson_0.5"), within: Self.tolerance))
        #expect(two.atkinson09.isClose(to: atkinson.number("Atkinson_0.9"), within: Self.tolerance))
        // No published implementation of Hutchens' index: NumPy from the formula.
        #expect(two.hutchensSquareRoot.isClose(to: pins.object("numpyFormulas").number("HutchensSqrt"), within: Self.tolerance))
        #expect(two.V.isClose(to: pins.object("byGroup").object("poverty").number("V"), within: Self.tolerance))
    }

    @Test(arguments: ["race", "economic"]) func unitDiversityAndDissimilarityMatchDivintseg(dimension: String) throws {
        let (m, _) = try NYCFixture.table(dimension)
        let pins = try NYCFixture.pins(dimension).object("units")
        let profile = try segregationProfile(of: m)
        let ids = pins["ids"] as! [String]
        let diversity = (pins["divintseg_diversity"] as! [NSNumber]).map(\.doubleValue)
        let dissim = (pins["divintseg_dissimilarity_vs_whole"] as! [NSNumber]).map(\.doubleValue)
        #expect(ids == profile.units.map(\.id))
        for (i, u) in profile.units.enumerated() {
            #expect(u.measures.simpsonDiversity.isClose(to: diversity[i], within: Self.tolerance))
            #expect(u.dissimilarityVsReference.isClose(to: dissim[i], within: Self.tolerance))
        }
    }

    @Test(arguments: ["race", "economic"]) func isolationWithinEachDistrictMatchesDivintseg(dimension: String) throws {
        let (m, districts) = try NYCFixture.table(dimension)
        let pins = try NYCFixture.pins(dimension).object("divintsegByDistrict")
        let nesting = NestedUnits(labels: districts)
        for s in 0..<nesting.outerCount {
            let schools = m.units(in: s, of: nesting)
            for (k, g) in m.groups.enumerated() {
                let p = pins.object(g)
                #expect(isolation(of: k, in: schools).isClose(to: p.object("isolation").number(nesting.outerIDs[s]), within: Self.tolerance))
                #expect(correlationRatio(of: k, in: schools).isClose(to: p.object("bells").number(nesting.outerIDs[s]), within: Self.tolerance))
            }
        }
    }

    @Test(arguments: ["race", "economic"]) func nestedSplitMatchesTheFormula(dimension: String) throws {
        let (m, districts) = try NYCFixture.table(dimension)
        let pins = try NYCFixture.pins(dimension).object("numpyFormulas")
        let d = nestedDecomposition(of: m, nesting: NestedUnits(labels: districts))
        #expect(d.mTotal.isClose(to: pins.number("M"), within: Self.tolerance))
        #expect(d.mBetween.isClose(to: pins.number("M_between"), within: Self.tolerance))
        #expect(d.mWithin.isClose(to: pins.number("M_within"), within: Self.tolerance))
        #expect(d.hBetween.isClose(to: pins.number("H_between"), within: Self.tolerance))
        #expect(d.hWithin.isClose(to: pins.number("H_within"), within: Self.tolerance))
    }
}
