import Foundation
import MosaicMetrics
import MosaicTestSupport

/// Builds a matrix from literal rows, naming units u0, u1… and groups g0, g1….
func matrix(_ rows: [[Int]]) -> CountMatrix {
    try! CountMatrix(
        units: rows.indices.map { "u\($0)" }, groups: rows[0].indices.map { "g\($0)" }, rows: rows)
}

/// A random matrix: `units` units, `groups` groups, each unit 1…`maxSize` students
/// drawn with unit-specific shares so that segregation varies from draw to draw.
func randomMatrix(units: Int, groups: Int, maxSize: Int, using rng: inout SeededGenerator) -> CountMatrix {
    var rows: [[Int]] = []
    for _ in 0..<units {
        let weights = (0..<groups).map { _ in Double(rng.below(1000) + 1) * (rng.below(4) == 0 ? 10 : 1) }
        let total = weights.reduce(0, +)
        var row = [Int](repeating: 0, count: groups)
        for _ in 0..<(1 + rng.below(maxSize)) {
            var u = Double(rng.below(1_000_000)) / 1_000_000 * total
            var k = 0
            while k < groups - 1 && u >= weights[k] { u -= weights[k]; k += 1 }
            row[k] += 1
        }
        rows.append(row)
    }
    return matrix(rows)
}

/// The NYC 2017-18 school counts (community school districts) and the values the
/// published packages give on them, written by scripts/crosscheck/run.
enum NYCFixture {
    static func table(_ dimension: String) throws -> (matrix: CountMatrix, districts: [String]) {
        let text = try TestSupport.fixture("nyc-2017-18-\(dimension).csv", in: .module)
        var lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = lines.removeFirst()
        let groups = Array(header.dropFirst(2))
        let m = try CountMatrix(
            units: lines.map { $0[0] }, groups: groups, rows: lines.map { $0.dropFirst(2).map { Int($0)! } })
        return (m, lines.map { $0[1] })
    }

    static func pins(_ dimension: String) throws -> [String: Any] {
        let text = try TestSupport.fixture("nyc-2017-18-pins.json", in: .module)
        let doc = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
        return doc[dimension] as! [String: Any]
    }
}

extension Dictionary where Key == String, Value == Any {
    func number(_ key: String) -> Double { (self[key] as! NSNumber).doubleValue }
    func object(_ key: String) -> [String: Any] { self[key] as! [String: Any] }
}
