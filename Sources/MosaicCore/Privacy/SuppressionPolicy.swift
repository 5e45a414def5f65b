/// What a public or advocate view, and every export, may show (DESIGN.md, "Privacy").
///
/// - Primary suppression: a count of 1 to `minimumN − 1` students is not shown (0 is).
/// - Complementary suppression: in a table whose row and column totals are shown, more
///   cells are hidden until no hidden cell can be recovered by subtraction: every row and
///   column holds no hidden cell or at least two, whose sum reaches `minimumN` where the
///   line allows, and no hidden cell is a *bridge* of the row/column graph of hidden
///   cells (a bridge's value is fixed by the margins; a cell on a cycle is not).
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
    /// shown: the cells to show, `nil` where hidden.
    public func suppress(table: [[Int]], columnTotalsShown: Bool = true) -> [[Int?]] {
        let rows = table.count
        guard rows > 0 else { return [] }
        let cols = table[0].count
        var hidden = table.map { $0.map(suppresses) }
        // A row whose total is small hides all its non-zero cells.
        for r in 0..<rows where suppresses(table[r].reduce(0, +)) {
            for c in 0..<cols where table[r][c] > 0 { hidden[r][c] = true }
        }
        func fix(_ cells: [(Int, Int)]) -> Bool {
            let h = cells.filter { hidden[$0.0][$0.1] }
            guard !h.isEmpty else { return false }
            let sum = h.reduce(0) { $0 + table[$1.0][$1.1] }
            if h.count >= 2 && sum >= minimumN { return false }
            // Hide the smallest visible non-zero cell; zeros only when nothing else is left
            // and a lone hidden cell would otherwise stand.
            let visible = cells.filter { !hidden[$0.0][$0.1] }
            let candidate = visible.filter { table[$0.0][$0.1] > 0 }.min { table[$0.0][$0.1] < table[$1.0][$1.1] }
                ?? (h.count < 2 ? visible.first : nil)
            guard let c = candidate else { return false }
            hidden[c.0][c.1] = true
            return true
        }
        var changed = true
        while changed {
            changed = false
            for r in 0..<rows where fix((0..<cols).map { (r, $0) }) { changed = true }
            if columnTotalsShown && rows > 1 {
                for c in 0..<cols where fix((0..<rows).map { ($0, c) }) { changed = true }
                if !changed, let (r, c) = bridge(hidden) {
                    // Tie the bridge into a cycle: hide another cell of its row, then let
                    // the line rule close the loop.
                    let options = (0..<cols).filter { $0 != c && !hidden[r][$0] }
                    if let extra = options.min(by: { table[r][$0] < table[r][$1] }) {
                        hidden[r][extra] = true
                        changed = true
                    }
                }
            }
        }
        return (0..<rows).map { r in (0..<cols).map { c in hidden[r][c] ? nil : table[r][c] } }
    }

    /// A hidden cell whose row–column edge is a bridge of the graph of hidden cells, if any
    /// (Tarjan 1974): removing it would disconnect its row from its column, so the margins
    /// determine its value.
    func bridge(_ hidden: [[Bool]]) -> (Int, Int)? {
        let rows = hidden.count, cols = hidden[0].count
        // Nodes: rows 0..<rows, columns rows..<rows+cols.
        var adjacency = [[(node: Int, edge: Int)]](repeating: [], count: rows + cols)
        var edges: [(Int, Int)] = []
        for r in 0..<rows { for c in 0..<cols where hidden[r][c] {
            adjacency[r].append((rows + c, edges.count))
            adjacency[rows + c].append((r, edges.count))
            edges.append((r, c))
        } }
        var order = [Int](repeating: -1, count: rows + cols), low = [Int](repeating: 0, count: rows + cols)
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
        for v in 0..<(rows + cols) where order[v] < 0 && !adjacency[v].isEmpty { visit(v, -1) }
        return found
    }
}
