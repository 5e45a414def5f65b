import MosaicCore

/// The attack on a series of rates (open honors week by week, enrichment round by round,
/// participation term by term): a reader who knows every group's size at every point
/// (the school's composition is public), reads each shown rate as its count, knows the
/// groups add up to the row, and subtracts any point from any other.
public struct SeriesAttack {
    public var problem = DisclosureProblem()
    public var hidden: [Bool] = []

    public init(rows: [[SuppressionPolicy.RateCount]], totals: [SuppressionPolicy.RateCount], shown: SuppressionPolicy.ShownSeries) {
        var p = DisclosureProblem()
        var hidden: [Bool] = []
        var k: [[Int]] = [], n: [[Int]] = [], K: [Int] = [], N: [Int] = []
        /// Rates of 0 are coded (`<5%`) and hidden like any other, so a hidden count may be 0.
        func add(_ value: Int, _ visibility: DisclosureProblem.Visibility, hide: Bool) -> Int {
            hidden.append(hide)
            return p.count(value, visibility, zerosShown: false)
        }
        for (t, row) in rows.enumerated() {
            K.append(add(totals[t].numerator, .published, hide: shown.totals[t] == nil))
            N.append(add(totals[t].denominator, .known, hide: false))
            k.append(row.indices.map { g in add(row[g].numerator, .published, hide: shown.cells[t][g] == nil && row[g].denominator > 0) })
            n.append(row.indices.map { g in add(row[g].denominator, .known, hide: false) })
            p.relate([(K[t], -1)] + k[t].map { ($0, 1) })
            p.relate([(N[t], -1)] + n[t].map { ($0, 1) })
            for g in row.indices {
                p.relate([(k[t][g], 1), (n[t][g], -1)], .atMost)
                p.protect([(n[t][g], 1), (k[t][g], -1)])          // non-participants
            }
            p.protect([(N[t], 1), (K[t], -1)])
        }
        // Every difference between two points, either way: participants and non-participants.
        for t in rows.indices {
            for s in rows.indices where s != t {
                p.protect([(K[t], 1), (K[s], -1)])
                p.protect([(N[t], 1), (K[t], -1), (N[s], -1), (K[s], 1)])
                for g in rows[t].indices where g < rows[s].count {
                    p.protect([(k[t][g], 1), (k[s][g], -1)])
                    p.protect([(n[t][g], 1), (k[t][g], -1), (n[s][g], -1), (k[s][g], 1)])
                }
            }
        }
        problem = p
        self.hidden = hidden
    }

    public func recovered(minimumN: Int) -> [[DisclosureProblem.Term]] { problem.recoverable(minimumN: minimumN, hidden: hidden) }
}
