/// A linear program over real variables with lower bounds: the tool both sides of the
/// disclosure boundary use. The suppression decision asks it how far a reader can narrow a
/// hidden count; the tests' attack asks it the same of everything a page or the API shows.
///
/// `range(of:)` returns the interval `[min f·x, max f·x]` over
/// `{ x : a_i·x (=, ≤, ≥) b_i, x_j ≥ l_j }` — the *interval attack* of statistical
/// disclosure control (Fischetti & Salazar-González 1999, "Models and algorithms for
/// optimizing cell suppression in tabular data", Management Science 45(5),
/// doi:10.1287/mnsc.45.5.675): a hidden cell is exposed when its interval holds one integer.
///
/// The method is the two-phase tableau simplex (Dantzig) with Bland's rule, which cannot
/// cycle on the very degenerate systems that tables give (Bland 1977,
/// doi:10.1287/moor.2.2.103). Phase 1 runs once per program; every objective starts from
/// its feasible basis.
///
/// - Complexity: O(m·n) memory for m constraints and n variables (slacks included); each
///   pivot O(m·n). Meant for the few hundred unknowns a table's hidden cells leave.
public struct LinearProgram: Sendable {
    public enum Relation: Sendable { case equal, atMost, atLeast }

    public struct Constraint: Sendable {
        public var terms: [(variable: Int, coefficient: Double)]
        public var relation: Relation
        public var bound: Double

        public init(_ terms: [(variable: Int, coefficient: Double)], _ relation: Relation, _ bound: Double) {
            self.terms = terms
            self.relation = relation
            self.bound = bound
        }
    }

    public var variableCount: Int
    /// `x_j ≥ lower[j]`; 0 unless set.
    public var lower: [Double]
    public var constraints: [Constraint] = []

    public init(variables: Int) {
        variableCount = variables
        lower = [Double](repeating: 0, count: variables)
    }

    public mutating func add(_ terms: [(variable: Int, coefficient: Double)], _ relation: Relation, _ bound: Double) {
        constraints.append(Constraint(terms, relation, bound))
    }

    /// A feasible basis of the program, ready for any objective; nil when the constraints
    /// have no solution.
    public func solver() -> Solver? { Solver(self) }

    /// The least and greatest values of `Σ objective` over the feasible set (±infinity when
    /// unbounded); nil when the constraints have no solution.
    public func range(of objective: [(variable: Int, coefficient: Double)]) -> ClosedRange<Double>? {
        guard var s = solver() else { return nil }
        return s.range(of: objective)
    }

    /// The program in standard form after phase 1: `T y = rhs`, `y ≥ 0`, with a basis.
    public struct Solver: Sendable {
        static let eps = 1e-9
        let columns: Int
        /// Row-major tableau, `columns + 1` entries a row (the last is the right-hand side).
        var tableau: [Double]
        var basis: [Int]
        let original: Int
        let shift: [Double]

        init?(_ p: LinearProgram) {
            original = p.variableCount
            shift = p.lower
            // y = x − lower ≥ 0; a slack for each inequality; an artificial for each row
            // that has no slack to start the basis (an equality, a ≥, a ≤ whose bound fell
            // below 0).
            let slacks = p.constraints.filter { $0.relation != .equal }.count
            let m = p.constraints.count
            let structural = p.variableCount + slacks
            var rhs = [Double](repeating: 0, count: m)
            var needsArtificial = [Bool](repeating: true, count: m)
            for (i, c) in p.constraints.enumerated() {
                rhs[i] = c.bound - c.terms.reduce(0) { $0 + $1.coefficient * p.lower[$1.variable] }
                if c.relation == .atMost && rhs[i] >= 0 { needsArtificial[i] = false }
            }
            let artificials = needsArtificial.filter { $0 }.count
            let width = structural + artificials + 1
            var t = [Double](repeating: 0, count: m * width)
            var start = [Int](repeating: 0, count: m)
            var slack = p.variableCount
            var artificial = structural
            for (i, c) in p.constraints.enumerated() {
                for (j, a) in c.terms { t[i * width + j] += a }
                var slackColumn = -1
                switch c.relation {
                case .equal: break
                case .atMost: t[i * width + slack] = 1; slackColumn = slack; slack += 1
                case .atLeast: t[i * width + slack] = -1; slack += 1
                }
                var b = rhs[i]
                if b < 0 {
                    for j in 0..<structural { t[i * width + j] = -t[i * width + j] }
                    b = -b
                }
                if needsArtificial[i] {
                    t[i * width + artificial] = 1
                    start[i] = artificial
                    artificial += 1
                } else {
                    start[i] = slackColumn
                }
                t[i * width + width - 1] = b
            }
            tableau = t
            basis = start
            columns = width - 1
            // Phase 1: minimise the artificials' sum.
            var cost = [Double](repeating: 0, count: columns)
            for j in structural..<columns { cost[j] = 1 }
            let value = optimise(cost, allowed: columns)
            guard let value, value < 1e-7 * Double(max(1, m)) else { return nil }
            // Drive artificials out of the basis (or drop the redundant rows they hold).
            var r = 0
            while r < basis.count {
                if basis[r] >= structural {
                    if let j = (0..<structural).first(where: { abs(tableau[r * (columns + 1) + $0]) > Self.eps }) {
                        pivot(row: r, column: j)
                        r += 1
                    } else {
                        tableau.removeSubrange((r * (columns + 1))..<((r + 1) * (columns + 1)))
                        basis.remove(at: r)
                    }
                } else {
                    r += 1
                }
            }
            // Drop the artificial columns.
            let rows = basis.count
            var compact = [Double](repeating: 0, count: rows * (structural + 1))
            for i in 0..<rows {
                for j in 0..<structural { compact[i * (structural + 1) + j] = tableau[i * (columns + 1) + j] }
                compact[i * (structural + 1) + structural] = tableau[i * (columns + 1) + columns]
            }
            tableau = compact
            columnsStorage = structural
        }

        // `columns` is fixed at init for phase 1; afterwards the compact width.
        private var columnsStorage: Int? = nil
        var width: Int { (columnsStorage ?? columns) + 1 }
        var n: Int { columnsStorage ?? columns }

        mutating func pivot(row r: Int, column c: Int) {
            let w = width
            let p = tableau[r * w + c]
            for j in 0..<w { tableau[r * w + j] /= p }
            for i in 0..<basis.count where i != r {
                let f = tableau[i * w + c]
                if abs(f) > Self.eps {
                    for j in 0..<w { tableau[i * w + j] -= f * tableau[r * w + j] }
                } else if f != 0 {
                    tableau[i * w + c] = 0
                }
            }
            basis[r] = c
        }

        /// Minimises `cost · y` from the current basis over columns `0..<allowed`; the
        /// optimum, or nil when unbounded. The reduced costs are kept as one more row and
        /// updated with each pivot. Pricing is Dantzig's (the most negative reduced cost)
        /// until a run of degenerate pivots, then Bland's (the first), which cannot cycle.
        mutating func optimise(_ cost: [Double], allowed: Int) -> Double? {
            let w = width
            let m = basis.count
            // Reduced costs d_j = c_j − c_B · column j, and −c_B · rhs in the last entry.
            var d = [Double](repeating: 0, count: w)
            for j in 0..<(w - 1) { d[j] = cost[j] }
            for i in 0..<m {
                let cb = cost[basis[i]]
                guard cb != 0 else { continue }
                let row = i * w
                for j in 0..<w { d[j] -= cb * tableau[row + j] }
            }
            var degenerate = 0
            while true {
                var entering = -1
                if degenerate < 50 {
                    var most = -1e-9
                    for j in 0..<allowed where d[j] < most { most = d[j]; entering = j }
                } else {
                    for j in 0..<allowed where d[j] < -1e-9 { entering = j; break }
                }
                if entering < 0 { break }
                var leaving = -1
                var best = Double.infinity
                for i in 0..<m {
                    let a = tableau[i * w + entering]
                    guard a > Self.eps else { continue }
                    let ratio = tableau[i * w + w - 1] / a
                    if ratio < best - 1e-12 || (abs(ratio - best) <= 1e-12 && basis[i] < basis[leaving]) {
                        best = ratio
                        leaving = i
                    }
                }
                if leaving < 0 { return nil }
                degenerate = best < 1e-12 ? degenerate + 1 : 0
                pivot(row: leaving, column: entering)
                let f = d[entering]
                let row = leaving * w
                for j in 0..<w where tableau[row + j] != 0 { d[j] -= f * tableau[row + j] }
            }
            return -d[w - 1]
        }

        /// The least and greatest values of the objective (over the original variables).
        public mutating func range(of objective: [(variable: Int, coefficient: Double)]) -> ClosedRange<Double> {
            let lo = minimum(of: objective), hi = maximum(of: objective)
            return lo...max(lo, hi)
        }

        /// The least value of the objective; −infinity when unbounded.
        public func minimum(of objective: [(variable: Int, coefficient: Double)]) -> Double {
            let (cost, constant) = costs(objective)
            var copy = self
            return copy.optimise(cost, allowed: n).map { $0 + constant } ?? -.infinity
        }

        /// The greatest value of the objective; +infinity when unbounded.
        public func maximum(of objective: [(variable: Int, coefficient: Double)]) -> Double {
            let (cost, constant) = costs(objective)
            var copy = self
            return copy.optimise(cost.map { -$0 }, allowed: n).map { -$0 + constant } ?? .infinity
        }

        func costs(_ objective: [(variable: Int, coefficient: Double)]) -> ([Double], Double) {
            var cost = [Double](repeating: 0, count: n)
            var constant = 0.0
            for (j, a) in objective {
                cost[j] += a
                constant += a * shift[j]
            }
            return (cost, constant)
        }
    }
}

extension ClosedRange where Bound == Double {
    /// True when the interval holds exactly one integer (a count a reader can name), or none.
    public var pinsAnInteger: Bool {
        let lo = (lowerBound - 1e-6).rounded(.up), hi = (upperBound + 1e-6).rounded(.down)
        return hi - lo < 1
    }
}
