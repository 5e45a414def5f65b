import MosaicCore

/// What one viewer may see of participation rates: open honors week by week, enrichment
/// round by round, either term by term. The one place where those rates become shown or
/// hidden, for the school pages and the trends page alike (as ``DiagnosticDisclosure`` is
/// for a diagnostic's counts).
///
/// Staff who may see the school's students (the district's, the school's own leaders)
/// see every rate. Everyone else sees what ``SuppressionPolicy/shownSeries(_:totals:)``
/// leaves: each point's rates pass the rate rule with complementary hiding beside the
/// overall rate, and no two points shown differ by a small count (a reader subtracting
/// week 3 from week 4 would learn how many students of a group opted in that week).
/// Shares near 0 or 1 are hidden rather than coded: a coded share still bounds a count.
///
/// The proof is an attack (SeriesDisclosureTests, OpenHonorsPageTests): a reader who
/// knows every group's size at every point recovers no count of 1 to min n − 1 students,
/// nor any small difference between two points.
public struct ParticipationDisclosure: Sendable {
    /// The policy applied; nil when the viewer sees everything.
    public let policy: SuppressionPolicy?

    public init(policy: SuppressionPolicy?) {
        self.policy = policy.flatMap { $0.minimumN > 1 ? $0 : nil }
    }

    /// A series: `rows[t][g]` = group g's participants and students at point t, `totals[t]`
    /// the point's overall counts (every group of the row together).
    public func series(_ rows: [[SuppressionPolicy.RateCount]], totals: [SuppressionPolicy.RateCount],
                       cadence: SuppressionPolicy.Cadence = .settled) -> SuppressionPolicy.ShownSeries {
        guard let policy else {
            func rate(_ c: SuppressionPolicy.RateCount) -> Double? { c.denominator > 0 ? Double(c.numerator) / Double(c.denominator) : nil }
            return .init(cells: rows.map { $0.map(rate) }, totals: totals.map(rate))
        }
        return policy.shownSeries(rows, totals: totals, cadence: cadence)
    }

    /// Several series over the same points and the same students (one per dimension: by
    /// race, by income …): each decided on its own, and a point's overall rate shown only
    /// where every series shows it.
    public func series(_ dimensions: [[[SuppressionPolicy.RateCount]]], totals: [SuppressionPolicy.RateCount],
                       cadence: SuppressionPolicy.Cadence = .settled) -> [SuppressionPolicy.ShownSeries] {
        var decided = dimensions.map { series($0, totals: totals, cadence: cadence) }
        for t in totals.indices where decided.contains(where: { $0.totals[t] == nil }) {
            for k in decided.indices { decided[k].totals[t] = nil }
        }
        return decided
    }

    /// One dimension's groups over a series' points: those with students at some point, in
    /// the dimension's order with `unknown` last, and their counts at each point.
    public struct Split: Sendable {
        public var dimension: Dimension
        public var groups: [String]
        /// Point × group.
        public var rows: [[SuppressionPolicy.RateCount]]
    }

    /// Every dimension's split of the same students over `points` points;
    /// `count(t, dimension, group)` is the group's participants and students at point t
    /// (nil when it has none).
    public static func splits(points: Int, _ dimensions: [Dimension] = Dimension.five,
                              count: (Int, Dimension, String) -> SuppressionPolicy.RateCount?) -> [Split] {
        dimensions.map { d in
            let rows = (0..<points).map { t in (d.rosterGroups + ["unknown"]).map { count(t, d, $0) ?? (0, 0) } }
            let present = (d.rosterGroups + ["unknown"]).indices.filter { g in rows.contains { $0[g].denominator > 0 } }
            return Split(dimension: d, groups: present.map { (d.rosterGroups + ["unknown"])[$0] }, rows: rows.map { r in present.map { r[$0] } })
        }
    }
}
