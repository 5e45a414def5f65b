/// What a public or advocate view, and every export, may show (DESIGN.md, "Privacy").
///
/// - Primary suppression: a count of 1 to `minimumN − 1` students is not shown (0 is).
/// - Complementary suppression: in a table whose row and column totals are shown, more
///   cells are hidden until no hidden cell can be recovered by subtraction: every row and
///   column holds no hidden cell or at least two (whose sum reaches `minimumN` unless all
///   are small counts hidden anyway), and no hidden cell is a *bridge* of the row/column graph of hidden
///   cells (a bridge's value is fixed by the margins; a cell on a cycle is not). Zeros
///   are never hidden, and a row whose total is hidden binds nothing.
/// - Shares near 0 or 1 are coded `<5%` / `>95%`.
public struct SuppressionPolicy: Sendable, Equatable {
    public var minimumN: Int
    public var lowShare: Double
    public var highShare: Double

    public init(minimumN: Int = 10, lowShare: Double = 0.05, highShare: Double = 0.95) {
        precondition(minimumN >= 1)
        self.minimumN = minimumN
        self.lowShare = lowShare
        self.highShare = highShare
    }

    /// True for a count that may not be shown.
    public func suppresses(_ n: Int) -> Bool { n > 0 && n < minimumN }

    /// True when an index of one unit (a school's or a class's `½ Σ |p − P|`) may not be
    /// shown: with two groups it gives the unit's shares, and with its size shown, its
    /// counts; so it is hidden when any of those counts is.
    public func hidesIndex(of counts: [Int]) -> Bool { counts.contains(where: suppresses) }

    /// True when a rate may not be shown: its numerator, its denominator or what lies
    /// between them is a small count (each can be recovered from the rate and the others).
    public func suppressesRate(_ numerator: Int, of denominator: Int) -> Bool {
        suppresses(denominator) || suppresses(numerator) || suppresses(denominator - numerator)
    }

    /// `<5%` or `>95%` for a share near the ends, `nil` when it may be shown as it is.
    public func code(share: Double) -> String? {
        if share > 0 && share < lowShare { return "<\(Int((lowShare * 100).rounded()))%" }
        if share < 1 && share > highShare { return ">\(Int((highShare * 100).rounded()))%" }
        return nil
    }

    /// One row whose total is shown: the cells to show (`nil` = hidden). When the
    /// total itself is below `minimumN`, every non-zero cell is hidden.
    public func suppress(row: [Int]) -> [Int?] {
        suppress(table: [row], columnTotalsShown: false)[0]
    }

    /// A table whose row totals (and, when `columnTotalsShown`, column totals) are
    /// shown: the cells to show, `nil` where hidden. Use ``suppressTable(_:columnTotalsShown:)``
    /// to learn which row totals must be hidden too.
    public func suppress(table: [[Int]], columnTotalsShown: Bool = true) -> [[Int?]] {
        suppressTable(table, columnTotalsShown: columnTotalsShown).cells
    }

    /// The result of suppressing a table: its cells, and which rows' totals must be hidden.
    public struct SuppressedTable: Sendable, Equatable {
        public var cells: [[Int?]]
        /// A hidden row total: the row's students are too few, or its one non-zero cell is hidden.
        public var rowTotalHidden: [Bool]
    }

    /// Which group rates of one row may be shown beside the row's overall rate, for a
    /// reader who also knows the groups' sizes: `cells[g]` = (numerator, denominator).
    /// A rate is hidden when it fails the rate rule or would be coded (`<5%`, `>95%`);
    /// then, because the overall rate gives back the hidden groups' combined numerator,
    /// shown groups are hidden too (smallest first) until that combination passes the
    /// rate rule — so no hidden group's rate, nor a small combination, can be recovered.
    /// Returns nil for a group whose rate is hidden; the rate otherwise.
    /// `alsoHiding`: groups hidden whatever their counts (by another rule, such as
    /// ``shownSeries(_:totals:)``'s), which the complementary step treats as hidden too.
    public func shownRates(_ cells: [(numerator: Int, denominator: Int)], alsoHiding: Set<Int> = []) -> [Double?] {
        func fails(_ n: Int, _ d: Int) -> Bool {
            guard d > 0 else { return false }
            return suppressesRate(n, of: d) || code(share: Double(n) / Double(d)) != nil
        }
        var hidden = cells.indices.map { alsoHiding.contains($0) && cells[$0].denominator > 0 || fails(cells[$0].numerator, cells[$0].denominator) }
        while hidden.contains(true) {
            let combinedSafe = hidden.filter { $0 }.count >= 2 && hiddenCombinationIsSafe(cells, hidden: hidden)
            if combinedSafe { break }
            guard let next = cells.indices.filter({ !hidden[$0] && cells[$0].denominator > 0 }).min(by: { cells[$0].denominator < cells[$1].denominator }) else { break }
            hidden[next] = true
        }
        return cells.indices.map { g in
            hidden[g] || cells[g].denominator == 0 ? nil : Double(cells[g].numerator) / Double(cells[g].denominator)
        }
    }

    /// Whether the hidden groups of a row, whose combined numerator and denominator a reader
    /// gets from the overall rate, keep each of them unknown: the combination passes the rate
    /// rule, and is neither all in nor all out (then every hidden group is all in, or all
    /// out, and its count is its size, or 0).
    func hiddenCombinationIsSafe(_ cells: [(numerator: Int, denominator: Int)], hidden: [Bool]) -> Bool {
        let n = cells.indices.filter { hidden[$0] }.reduce(0) { $0 + cells[$1].numerator }
        let d = cells.indices.filter { hidden[$0] }.reduce(0) { $0 + cells[$1].denominator }
        return !suppressesRate(n, of: d) && n > 0 && n < d
    }

    /// Suppresses a table whose row totals (and, when `columnTotalsShown`, column totals)
    /// are shown. Zeros are never hidden: non-negativity would give them away, and with
    /// every hidden cell at least 1 a cycle of hidden cells lets each vary both ways.
    ///
    /// `forced`: cells hidden by another rule whatever their counts (non-zero cells only;
    /// rows × columns like `table`, or empty), which the complementary steps protect too.
    public func suppressTable(_ table: [[Int]], columnTotalsShown: Bool = true, forced: [[Bool]] = []) -> SuppressedTable {
        let rows = table.count
        guard rows > 0 else { return SuppressedTable(cells: [], rowTotalHidden: []) }
        let cols = table[0].count
        var hidden = table.map { $0.map(suppresses) }
        for (r, row) in forced.enumerated() {
            for (c, f) in row.enumerated() where f && table[r][c] > 0 { hidden[r][c] = true }
        }
        // A row whose total is small hides its total and all its students: it has no
        // equation left for a reader to use.
        var free = table.map { suppresses($0.reduce(0, +)) }
        for r in 0..<rows where free[r] {
            for c in 0..<cols where table[r][c] > 0 { hidden[r][c] = true }
        }
        func candidates(_ cells: [(Int, Int)]) -> [(Int, Int)] {
            cells.filter { !hidden[$0.0][$0.1] && table[$0.0][$0.1] > 0 }
                .sorted { table[$0.0][$0.1] < table[$1.0][$1.1] }
        }
        /// Makes one line safe by one step; true when it changed something.
        func fix(_ cells: [(Int, Int)], row: Int?) -> Bool {
            let h = cells.filter { hidden[$0.0][$0.1] }
            guard !h.isEmpty else { return false }
            let sum = h.reduce(0) { $0 + table[$1.0][$1.1] }
            // Two or more hidden cells: their sum tells nothing about one of them when it
            // reaches the minimum, or when each is a small count hidden anyway.
            if h.count >= 2 && (sum >= minimumN || h.allSatisfy { suppresses(table[$0.0][$0.1]) }) { return false }
            if let c = candidates(cells).first {
                hidden[c.0][c.1] = true
                return true
            }
            // Nothing left to hide beside it: a row gives up its total instead.
            if let r = row, h.count < 2, !free[r] { free[r] = true; return true }
            return false
        }
        var changed = true
        while changed {
            changed = false
            for r in 0..<rows where !free[r] && fix((0..<cols).map { (r, $0) }, row: r) { changed = true }
            if columnTotalsShown && rows > 1 {
                for c in 0..<cols where fix((0..<rows).map { ($0, c) }, row: nil) { changed = true }
                if !changed, let (r, c) = bridge(hidden, free: free) {
                    // Tie the bridge into a cycle: hide another cell of its row, of its
                    // column, or of a row that meets its column; failing all, give up the
                    // row's total. When nothing is left to hide, stop.
                    let touching = (0..<rows).filter { hidden[$0][c] }.flatMap { rr in (0..<cols).map { (rr, $0) } }
                    if let extra = (free[r] ? nil : candidates((0..<cols).map { (r, $0) }).first)
                        ?? candidates((0..<rows).map { ($0, c) }).first ?? candidates(touching).first {
                        hidden[extra.0][extra.1] = true
                        changed = true
                    } else if !free[r] {
                        free[r] = true
                        changed = true
                    } else if let other = (0..<rows).first(where: { $0 != r && !free[$0] && hidden[$0][c] }) {
                        // One hidden row total protects nothing (the district's total less the
                        // others gives it back); a second one in the same column does.
                        free[other] = true
                        changed = true
                    }
                }
            }
        }
        return SuppressedTable(
            cells: (0..<rows).map { r in (0..<cols).map { c in hidden[r][c] ? nil : table[r][c] } },
            rowTotalHidden: free)
    }

    /// A hidden cell whose row–column edge is a bridge of the graph of hidden cells, if any
    /// (Tarjan 1974): removing it would disconnect its row from its column, so the margins
    /// determine its value.
    func bridge(_ hidden: [[Bool]], free: [Bool]) -> (Int, Int)? {
        let rows = hidden.count, cols = hidden[0].count
        // Nodes: rows 0..<rows, columns rows..<rows+cols, and one ground node for every row
        // whose total is hidden (no equation binds it).
        let ground = rows + cols
        var adjacency = [[(node: Int, edge: Int)]](repeating: [], count: rows + cols + 1)
        var edges: [(Int, Int)] = []
        for r in 0..<rows { for c in 0..<cols where hidden[r][c] {
            let rowNode = free[r] ? ground : r
            adjacency[rowNode].append((rows + c, edges.count))
            adjacency[rows + c].append((rowNode, edges.count))
            edges.append((r, c))
        } }
        var order = [Int](repeating: -1, count: rows + cols + 1), low = [Int](repeating: 0, count: rows + cols + 1)
        var time = 0
        var found: (Int, Int)?
        func visit(_ v: Int, _ viaEdge: Int) {
            order[v] = time; low[v] = time; time += 1
            for (w, e) in adjacency[v] where e != viaEdge {
                if order[w] < 0 {
                    visit(w, e)
                    low[v] = min(low[v], low[w])
                    if low[w] > order[v] && found == nil { found = edges[e] }
                } else {
                    low[v] = min(low[v], order[w])
                }
            }
        }
        for v in 0..<(rows + cols + 1) where order[v] < 0 && !adjacency[v].isEmpty { visit(v, -1) }
        return found
    }
}
