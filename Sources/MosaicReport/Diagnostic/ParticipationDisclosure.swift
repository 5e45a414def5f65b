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

    public var showsEverything: Bool { policy == nil }

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

    /// Units that together make up a whole (a school's open-honors courses): each unit's
    /// overall rate, decided as the groups of one row beside the whole's rate.
    public func units(_ units: [SuppressionPolicy.RateCount]) -> [Double?] {
        guard let policy else { return units.map { $0.denominator > 0 ? Double($0.numerator) / Double($0.denominator) : nil } }
        return policy.shownRates(units)
    }
}
