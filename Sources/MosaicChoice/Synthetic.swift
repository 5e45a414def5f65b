import Foundation

extension Instance {
    /// A synthetic choice market shaped like a large city's high-school match (for
    /// benchmarks and the demo): programmes and students placed in five borough-like
    /// clusters of the unit square; each student ranks her `choices` programmes of highest
    /// utility, quality − 3 · distance + a Gumbel taste shock (the random-utility model of
    /// discrete choice); capacities sum to about `seats`; a student's nearest two
    /// programmes are her zone, and one in twenty has a sibling at one of her choices.
    /// Groups: `economic` (disadvantaged about 70 %, more often in two of the clusters) and
    /// `race` (five groups whose shares vary by cluster), so schools sort by neighbourhood
    /// as real ones do. A `reserveShare` of programmes set aside 40 % of their seats for
    /// economically disadvantaged students (soft, filled first).
    public static func synthetic(students n: Int, programmes k: Int, choices: Int, seats: Int, reserveShare: Double = 0.2,
                                 using rng: inout some RandomNumberGenerator) -> Instance {
        let centres = [(0.25, 0.75), (0.70, 0.70), (0.50, 0.45), (0.25, 0.25), (0.75, 0.20)]
        // Per cluster: share economically disadvantaged, and race shares.
        let disadvantaged = [0.55, 0.85, 0.60, 0.80, 0.65]
        let raceGroups = ["asian", "black", "hispanic", "white", "other"]
        let raceShares: [[Double]] = [[0.15, 0.10, 0.25, 0.45, 0.05], [0.05, 0.45, 0.40, 0.05, 0.05], [0.30, 0.15, 0.30, 0.20, 0.05],
                                      [0.10, 0.35, 0.45, 0.05, 0.05], [0.20, 0.10, 0.30, 0.35, 0.05]]
        func normal() -> Double {
            let u = Double.random(in: Double.ulpOfOne..<1, using: &rng), v = Double.random(in: 0..<1, using: &rng)
            return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
        }
        func place() -> (cluster: Int, point: Point) {
            let c = Int.random(in: 0..<centres.count, using: &rng)
            let x = min(1, max(0, centres[c].0 + 0.12 * normal())), y = min(1, max(0, centres[c].1 + 0.12 * normal()))
            return (c, Point(x: (x * 1_000).rounded() / 1_000, y: (y * 1_000).rounded() / 1_000))
        }
        func pick(_ shares: [Double]) -> Int {
            var u = Double.random(in: 0..<1, using: &rng)
            for (i, s) in shares.enumerated() { u -= s; if u < 0 { return i } }
            return shares.count - 1
        }
        let width = max(3, String(k).count)
        let programmes = (0..<k).map { _ in (place().point, quality: normal(), size: exp(0.4 * normal())) }
        let totalSize = programmes.reduce(0) { $0 + $1.size }
        let schools = programmes.enumerated().map { i, p -> School in
            let capacity = max(1, Int((Double(seats) * p.size / totalSize).rounded()))
            let reserve = Double.random(in: 0..<1, using: &rng) < reserveShare
            return School(id: "P" + String(repeating: "0", count: width - String(i + 1).count) + String(i + 1), capacity: capacity,
                          reserves: reserve ? [Reserve(name: "low-income", group: ["economic": "disadvantaged"],
                                                       seats: Int((0.4 * Double(capacity)).rounded()), kind: "soft")] : nil,
                          precedence: reserve ? "reserveFirst" : nil, location: p.0)
        }
        let studentWidth = max(5, String(n).count)
        var utilities = [Double](repeating: 0, count: k)
        let students = (0..<n).map { i -> Student in
            let (c, at) = place()
            for (s, p) in programmes.enumerated() {
                let d = ((p.0.x - at.x) * (p.0.x - at.x) + (p.0.y - at.y) * (p.0.y - at.y)).squareRoot()
                let gumbel = -log(-log(Double.random(in: Double.ulpOfOne..<1, using: &rng)))
                utilities[s] = p.quality - 3 * d + gumbel
            }
            let ranked = Self.top(min(choices, k), of: utilities)
            let byDistance = Self.top(min(2, k), of: programmes.map { p in -(abs(p.0.x - at.x) + abs(p.0.y - at.y)) })
            let sibling = Int.random(in: 0..<20, using: &rng) == 0 ? ranked.randomElement(using: &rng) : nil
            let economic = Double.random(in: 0..<1, using: &rng) < disadvantaged[c] ? "disadvantaged" : "not disadvantaged"
            return Student(id: "st" + String(repeating: "0", count: studentWidth - String(i + 1).count) + String(i + 1),
                           prefs: ranked.map { schools[$0].id }, sibling: sibling.map { schools[$0].id },
                           zones: byDistance.map { schools[$0].id },
                           groups: ["economic": economic, "race": raceGroups[pick(raceShares[c])]], location: at)
        }
        return Instance(name: "Synthetic city: \(n) students, \(k) programmes", priorityClasses: ["sibling", "zone", "other"],
                        schools: schools, students: students)
    }

    /// The indices of the `m` largest values, largest first.
    static func top(_ m: Int, of values: [Double]) -> [Int] {
        var best: [Int] = []
        best.reserveCapacity(m + 1)
        for i in values.indices {
            guard best.count < m || values[i] > values[best[m - 1]] else { continue }
            var j = best.count
            best.append(i)
            while j > 0 && values[best[j - 1]] < values[i] { best[j] = best[j - 1]; j -= 1 }
            best[j] = i
            if best.count > m { best.removeLast() }
        }
        return best
    }
}
