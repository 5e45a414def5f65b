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
    /// 4-neighbour adjacency), `schools` schools spread by best-candidate sampling, each
    /// block zoned today to its nearest school, and residential segregation from
    /// neighbourhoods that each lean to one race group (`segregation` 0 = none, 1 =
    /// strong). Blocks hold 8–27 students, counted by race and by income (low or not,
    /// with a rate that differs by group); capacities are 100–125 % of today's students;
    /// travel is the straight-line distance in km (left to the locations).
    public static func synthetic(schools: Int, blocksPerSchool: Int = 64, segregation: Double = 1,
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
            let school = (0..<schools).min { center(sites[$0]).distance(to: p) < center(sites[$1]).distance(to: p) }!
            size[school] += students
            var neighbors: [String] = []
            let r = i / side, c = i % side
            if r > 0 { neighbors.append(unitID(i - side)) }
            if c > 0 { neighbors.append(unitID(i - 1)) }
            if c < side - 1 { neighbors.append(unitID(i + 1)) }
            if r < side - 1 { neighbors.append(unitID(i + side)) }
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
}
