import HeapModule
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension BoundaryInstance {
    /// The race groups of a generated city and their district-wide shares.
    public static let syntheticGroups = ["white", "black", "hispanic", "asian"]
    static let syntheticShares = [0.30, 0.25, 0.30, 0.15]
    /// The share of each race group that is low-income in a generated city.
    static let syntheticLowIncome = [0.20, 0.65, 0.60, 0.35]

    /// A generated city for block-level work: a square grid of blocks (0.2 km a side,
    /// 4-neighbour adjacency), `schools` schools spread by best-candidate sampling, and
    /// residential segregation from neighbourhoods that each lean to one race group
    /// (`segregation` 0 = none, 1 = strong; a block belongs to the neighbourhood whose
    /// centre is nearest). Blocks hold 8–27 students, counted by race and by income (low
    /// or not, with a rate that differs by group); capacities are 100–125 % of today's
    /// students; travel is the straight-line distance in km (left to the locations).
    ///
    /// Today's zones are grown from the schools, block by block, in order of
    ///
    ///     key(b, s) = |b − s| / w_s + lines × spacing × (neighbourhood lines crossed on the way from s to b)
    ///
    /// (spacing = √(area / schools), the typical distance between schools; w_s = e^(reach·z),
    /// z standard normal: a school's reach, larger buildings drawing larger zones), so each
    /// zone is connected and holds to its neighbourhood's edge, the way zones drawn over the
    /// years follow neighbourhood lines rather than the nearest school (Richards 2014, "The
    /// gerrymandering of school attendance zones", AERJ 51(6)). `lines` 0 and `reach` 0 give
    /// the nearest school. The defaults are the ones whose zones look most like NYC's 2017-18
    /// elementary zones within a community district — students outside their nearest
    /// school's zone (NYC median 23.9 %), how much farther their zoned school is (75th / 90th
    /// percentile 1.18 / 1.71 × the nearest), the spread of school sizes (CV 0.43) — measured
    /// by `scripts/bench/boundaries_geography` (BENCHMARKS.md).
    public static func synthetic(schools: Int, blocksPerSchool: Int = 64, segregation: Double = 1,
                                 lines: Double = 1.2, reach: Double = 0,
                                 using rng: inout some RandomNumberGenerator) -> BoundaryInstance {
        precondition(schools >= 1 && blocksPerSchool >= 1)
        func uniform() -> Double { Double(rng.next() >> 11) * 0x1p-53 }
        func below(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
        func pick(_ weights: [Double]) -> Int {
            var x = uniform() * weights.reduce(0, +)
            for (i, w) in weights.enumerated() {
                x -= w
                if x < 0 { return i }
            }
            return weights.count - 1
        }
        let side = Int(Double(schools * blocksPerSchool).squareRoot().rounded(.up))
        let cell = 0.2
        func center(_ i: Int) -> Point { Point(x: (Double(i % side) + 0.5) * cell, y: (Double(i / side) + 0.5) * cell) }
        let n = side * side
        // Neighbourhoods, each leaning to one group.
        let hoods = max(4, schools / 2)
        let sigma = Double(side) * cell / Double(hoods).squareRoot() * 0.6
        let centres = (0..<hoods).map { _ in (Point(x: uniform() * Double(side) * cell, y: uniform() * Double(side) * cell), pick(syntheticShares)) }
        // Schools: best candidate of 30, so they spread over the city.
        var sites: [Int] = [below(n)]
        while sites.count < schools {
            var best = (-1.0, 0)
            for _ in 0..<30 {
                let c = below(n)
                if sites.contains(c) { continue }
                let d = sites.map { center($0).distance(to: center(c)) }.min()!
                if d > best.0 { best = (d, c) }
            }
            if best.0 < 0 { best.1 = (0..<n).first { !sites.contains($0) }! }
            sites.append(best.1)
        }
        let schoolIDs = (0..<schools).map { "School \($0 + 1)" }
        func unitID(_ i: Int) -> String { "b\(i / side + 1)-\(i % side + 1)" }
        func grid(_ i: Int) -> [Int] {
            let r = i / side, c = i % side
            return (r > 0 ? [i - side] : []) + (c > 0 ? [i - 1] : []) + (c < side - 1 ? [i + 1] : []) + (r < side - 1 ? [i + side] : [])
        }
        let hood = (0..<n).map { i in (0..<hoods).min { centres[$0].0.distance(to: center(i)) < centres[$1].0.distance(to: center(i)) }! }
        // (No draws without reach, so the same seed gives the same residents whatever the zones.)
        let weights = (0..<schools).map { _ in reach == 0 ? 1 : exp(reach * (-2 * log(1 - uniform())).squareRoot() * cos(2 * Double.pi * uniform())) }
        let zone = grownZones(sites: sites, blocks: n, neighbours: grid, centre: center, hood: hood, weights: weights,
                              lineCost: lines * (Double(n) * cell * cell / Double(schools)).squareRoot())
        var units: [Unit] = []
        var size = [Int](repeating: 0, count: schools)
        for i in 0..<n {
            let p = center(i)
            var w = syntheticShares
            for (c, g) in centres {
                let d = c.distance(to: p)
                w[g] *= exp(segregation * 3 * exp(-d * d / (2 * sigma * sigma)))
            }
            let students = 8 + below(20)
            var race = [Int](repeating: 0, count: w.count), low = 0
            for _ in 0..<students {
                let g = pick(w)
                race[g] += 1
                if uniform() < syntheticLowIncome[g] { low += 1 }
            }
            let school = zone[i]
            size[school] += students
            let neighbors = grid(i).map(unitID)
            let byGroup = Dictionary(uniqueKeysWithValues: zip(syntheticGroups, race))
            units.append(Unit(id: unitID(i), school: schoolIDs[school],
                              students: .dimensions(["race": byGroup, "income": ["low": low, "notLow": students - low]]),
                              location: p, neighbors: neighbors))
        }
        let list = (0..<schools).map { s in
            School(id: schoolIDs[s], capacity: Int(Double(size[s]) * (1 + 0.25 * uniform())), location: center(sites[s]), unit: unitID(sites[s]))
        }
        return BoundaryInstance(name: "Generated city: \(schools) schools, \(n) blocks (synthetic)", schools: list, units: units)
    }

    /// Zones grown from `sites` over the block graph: a block joins the school whose
    /// growth reaches it with the least key (straight-line distance from the school divided
    /// by the school's weight, plus `lineCost` per neighbourhood line crossed along the growth
    /// path); ties go to the lower school. Every block reachable from a site gets a school;
    /// each zone is connected (a block joins only from a neighbour already in the zone).
    static func grownZones(sites: [Int], blocks n: Int, neighbours: (Int) -> [Int], centre: (Int) -> Point,
                           hood: [Int], weights: [Double], lineCost: Double) -> [Int] {
        var zone = [Int](repeating: -1, count: n)
        var frontier = Heap(sites.enumerated().map { Growth(key: 0, school: $0, block: $1, crossed: 0) })
        while let next = frontier.popMin() {
            let b = next.block, s = next.school
            if zone[b] >= 0 { continue }
            zone[b] = s
            for m in neighbours(b) where zone[m] < 0 {
                let crossed = next.crossed + (hood[m] == hood[b] ? 0 : 1)
                frontier.insert(Growth(key: centre(m).distance(to: centre(sites[s])) / weights[s] + lineCost * Double(crossed),
                                       school: s, block: m, crossed: crossed))
            }
        }
        return zone
    }

    /// A block one school's zone could take next, ordered by key, then school, then block.
    struct Growth: Comparable {
        var key: Double
        var school: Int
        var block: Int
        var crossed: Int

        static func < (a: Growth, b: Growth) -> Bool {
            (a.key, a.school, a.block) < (b.key, b.school, b.block)
        }

        static func == (a: Growth, b: Growth) -> Bool {
            (a.key, a.school, a.block) == (b.key, b.school, b.block)
        }
    }
}
