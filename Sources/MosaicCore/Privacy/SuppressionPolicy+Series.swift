/// Rates over time: a participation table whose rows are points in time (weeks of an
/// add/drop window, rounds of a school year, terms) and whose columns are groups.
extension SuppressionPolicy {
    /// One group's (or a row's) participants and students at one point in time.
    public typealias RateCount = (numerator: Int, denominator: Int)

    /// How a series grows.
    public enum Cadence: Sendable, Equatable {
        /// Each point stands (terms, rounds): decided against the points before it.
        case settled
        /// Weeks of a running term: a point waits for the next week and is skipped while it
        /// is passing through; `ended` when no week will follow (the term is over).
        case weekly(ended: Bool)
    }

    /// What a series of rates may show.
    public struct ShownSeries: Sendable, Equatable {
        /// Point × group: the rate shown, nil where hidden or where the group has no students.
        public var cells: [[Double?]]
        /// Per point: the overall rate shown, nil where hidden.
        public var totals: [Double?]

        public init(cells: [[Double?]], totals: [Double?]) {
            self.cells = cells
            self.totals = totals
        }
    }

    /// Which rates of a series may be shown, for a reader who knows every group's size at
    /// every point (the worst case: the school's composition is public).
    ///
    /// Each row is decided as ``shownRates(_:alsoHiding:)`` decides one (the rate rule,
    /// coded shares hidden, complementary hiding beside the overall rate). Then two shown
    /// points of the same series must not differ by a small count: a reader who subtracts
    /// week 3 from week 4 learns how many students of the group opted in that week. So a
    /// group's rate (and the overall rate) at a point is shown only when, against *every*
    /// earlier point shown of it, its participants, its students and its non-participants
    /// each changed by 0 or by at least `minimumN`; otherwise it is hidden, and the row's
    /// complementary hiding is decided again with it hidden. The overall count is held to
    /// the same rule whether shown or the sum of a row whose groups are all shown (then
    /// one group is hidden, and its partner with it). Repeated until nothing more is
    /// hidden (each pass only hides, so it ends).
    ///
    /// Which point to keep matters: the first point shown blocks every later one within a
    /// small count of it. With ``Cadence/weekly(ended:)`` a point is a candidate only when the
    /// next week is the same or far from it, so a passing value in the add/drop window (33,
    /// then 51, then 49 …) does not block the value that then holds all term (46); the
    /// latest week waits for the next one unless the series has ended. Each point is still
    /// decided only from itself, the points before it and the one after, so a point once
    /// shown stays shown as weeks are added, and one hidden never comes back.
    ///
    /// - Complexity: O(P² · G) per pass over P points and G groups; at most P · G passes.
    public func shownSeries(_ rows: [[RateCount]], totals: [RateCount], cadence: Cadence = .settled) -> ShownSeries {
        precondition(rows.count == totals.count, "one overall count per point")
        func far(_ a: RateCount, _ b: RateCount) -> Bool {
            [a.numerator - b.numerator, a.denominator - b.denominator,
             (a.denominator - a.numerator) - (b.denominator - b.numerator)].allSatisfy { $0 == 0 || abs($0) >= minimumN }
        }
        func passes(_ c: RateCount) -> Bool {
            c.denominator > 0 && !suppressesRate(c.numerator, of: c.denominator)
                && code(share: Double(c.numerator) / Double(c.denominator)) == nil
        }
        /// A weekly point that is about to move again by a small count is passing through.
        func settles(_ series: [RateCount], _ t: Int) -> Bool {
            guard case .weekly(let ended) = cadence else { return true }
            return t + 1 < series.count ? far(series[t], series[t + 1]) : ended
        }
        /// Forward through one series: shown where `candidate`, settled, and far from every
        /// earlier shown point.
        func greedy(_ series: [RateCount], candidate: [Bool]) -> [Bool] {
            var shown: [Int] = []
            var result = Array(repeating: false, count: series.count)
            for t in series.indices where candidate[t] && settles(series, t) && shown.allSatisfy({ far(series[t], series[$0]) }) {
                shown.append(t)
                result[t] = true
            }
            return result
        }
        var showTotal = greedy(totals, candidate: totals.map(passes))
        let groups = rows.map(\.count).max() ?? 0
        func cell(_ t: Int, _ g: Int) -> RateCount { g < rows[t].count ? rows[t][g] : (0, 0) }
        var forced = Array(repeating: Set<Int>(), count: rows.count)
        var shown: [[Double?]] = []
        while true {
            shown = rows.indices.map { shownRates(rows[$0], alsoHiding: forced[$0]) }
            var changed = false
            // Each group's series first, so that the totals below are read from rows as
            // they will be shown, not from weeks about to be hidden.
            for g in 0..<groups {
                let series = rows.indices.map { cell($0, g) }
                let candidate = rows.indices.map { g < shown[$0].count && shown[$0][g] != nil }
                let kept = greedy(series, candidate: candidate)
                for t in rows.indices where candidate[t] && !kept[t] {
                    forced[t].insert(g)
                    changed = true
                }
            }
            if changed { continue }
            // A total is known when shown, or when every group of its row is (their sum).
            var known: [Int] = []
            for t in rows.indices {
                let derived = rows[t].indices.allSatisfy { rows[t][$0].denominator == 0 || shown[t][$0] != nil }
                guard showTotal[t] || derived else { continue }
                if known.allSatisfy({ far(totals[t], totals[$0]) }) {
                    known.append(t)
                    continue
                }
                showTotal[t] = false
                if derived, let g = rows[t].indices.filter({ rows[t][$0].denominator > 0 }).min(by: { rows[t][$0].denominator < rows[t][$1].denominator }) {
                    forced[t].insert(g)
                }
                changed = true
            }
            if !changed { break }
        }
        // A row whose hidden groups together are still too few, or all in or all out with a
        // small one among them, hides its overall rate (which would give their sum back).
        for t in rows.indices where showTotal[t] {
            let hidden = rows[t].indices.map { rows[t][$0].denominator > 0 && shown[t][$0] == nil }
            if hidden.contains(true) && !hiddenCombinationIsSafe(rows[t], hidden: hidden) { showTotal[t] = false }
        }
        return ShownSeries(
            cells: shown,
            totals: totals.indices.map { showTotal[$0] ? Double(totals[$0].numerator) / Double(totals[$0].denominator) : nil })
    }
}
