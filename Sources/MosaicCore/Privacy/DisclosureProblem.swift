/// Every count a view shows, everything a reader knows about how those counts relate, and
/// the attack on what is hidden: can a reader name a count of 1 to `minimumN − 1` students
/// from what is left? (DESIGN.md, "Privacy": the test is an attack.)
///
/// A reader is assumed to know every relation added with ``relate(_:_:_:)`` (a school's
/// groups add up to its students; the district is the sum of its schools; participants are
/// among the eligible), that counts are whole and not negative, and that a hidden count is
/// not 0 (zeros are never hidden). For each small count (or protected combination, such
/// as eligible − participants), the least and greatest values it can take given everything
/// shown are found by linear programming (``LinearProgram``, the interval attack of
/// Fischetti & Salazar-González 1999); a count whose interval holds one whole number is
/// recovered.
///
/// - Complexity: one linear program per small count, over the unknowns connected to it by
///   the relations (grown in steps; see ``isPinned(_:hidden:)``), not the whole district.
public struct DisclosureProblem: Sendable {
    /// What a reader knows of one count.
    public enum Visibility: Sendable, Equatable {
        /// Shown unless the decision hides it.
        case published
        /// Known to this reader whatever is hidden (a school leader's own school).
        case known
        /// Never shown: a count a reader can only bound (students of unknown race taking
        /// advanced courses, a school's eligible students of every group together).
        case unpublished
    }

    public typealias Term = (count: Int, coefficient: Int)

    public private(set) var values: [Int] = []
    public private(set) var visibility: [Visibility] = []
    var relations: [(terms: [Term], relation: LinearProgram.Relation, bound: Int)] = []
    var relationsOf: [[Int]] = []
    var forms: [[Term]] = []

    public init() {}

    /// Whether a reader may take a hidden count to be at least 1 (its table never hides a zero).
    public private(set) var nonZeroWhenHidden: [Bool] = []

    /// Adds a count; its handle for relations and for reading the decision.
    /// `zerosShown`: the count's table never hides a zero, so a hidden one is at least 1.
    @discardableResult
    public mutating func count(_ value: Int, _ visibility: Visibility = .published, zerosShown: Bool = true) -> Int {
        precondition(value >= 0, "counts are not negative")
        values.append(value)
        nonZeroWhenHidden.append(zerosShown)
        self.visibility.append(visibility)
        relationsOf.append([])
        return values.count - 1
    }

    /// States a relation a reader knows: `Σ coefficient · count (=, ≤, ≥) bound`. It must
    /// hold for the true counts.
    public mutating func relate(_ terms: [Term], _ relation: LinearProgram.Relation = .equal, _ bound: Int = 0) {
        let lhs = terms.reduce(0) { $0 + $1.coefficient * values[$1.count] }
        switch relation {
        case .equal: precondition(lhs == bound, "a relation must hold for the true counts")
        case .atMost: precondition(lhs <= bound, "a relation must hold for the true counts")
        case .atLeast: precondition(lhs >= bound, "a relation must hold for the true counts")
        }
        for t in terms where !relationsOf[t.count].contains(relations.count) { relationsOf[t.count].append(relations.count) }
        relations.append((terms, relation, bound))
    }

    /// Protects a combination of counts a reader could read off the tables (eligible −
    /// participants: students who could take part and do not) as if it were a count.
    public mutating func protect(_ terms: [Term]) {
        forms.append(terms)
    }

    func value(_ form: [Term]) -> Int { form.reduce(0) { $0 + $1.coefficient * values[$1.count] } }

    /// The protected combinations (see ``protect(_:)``).
    public var protectedForms: [[Term]] { forms }

    /// Every count or protected combination of 1 to `minimumN − 1` students that a reader
    /// who sees the counts not `hidden` can name: the attack's findings (empty when the
    /// view is safe). Counts the reader knows anyway are left out.
    public func recoverable(minimumN: Int, hidden: [Bool]) -> [[Term]] {
        func small(_ v: Int) -> Bool { v > 0 && v < minimumN }
        let candidates: [[Term]] = values.indices.filter { visibility[$0] != .known && small(values[$0]) }.map { [($0, 1)] }
            + forms.filter { f in small(value(f)) && f.contains { visibility[$0.count] != .known } }
        return candidates.filter { form in
            // A shown small count is recovered outright.
            isPinned(form, hidden: hidden)
        }
    }

    /// Neighbourhood sizes tried in turn by ``isPinned(_:hidden:)``; the last is every
    /// unknown connected to the form.
    public static let neighbourhoods = [8, 32, 128, Int.max]

    /// True when a reader who sees the counts not `hidden` may be able to name `form`'s
    /// value.
    ///
    /// The attack is run on growing neighbourhoods of the form: the unknowns nearest to it
    /// in the relations, every other count *given to the reader at its true value*. Such a
    /// reader knows more than a real one, so a form it cannot pin is safe; one it pins is
    /// tried on the next neighbourhood, up to all the unknowns connected to it. Most counts
    /// are settled by a small program.
    public func isPinned(_ form: [Term], hidden: [Bool]) -> Bool {
        for limit in Self.neighbourhoods {
            let (range, complete) = interval(of: form, hidden: hidden, limit: limit, stopAbove: value(form))
            if !range.pinsAnInteger { return false }
            if complete { return true }
        }
        return true
    }

    /// The least and greatest values a reader can give `form` from the counts not
    /// `hidden` and the relations (the interval attack over every unknown).
    public func interval(of form: [Term], hidden: [Bool]) -> ClosedRange<Double> {
        interval(of: form, hidden: hidden, limit: .max).range
    }

    /// The interval attack with at most `limit` unknowns nearest the form (breadth first
    /// through the relations); the rest are given at their true values. `complete` is true
    /// when no unknown was left out.
    ///
    /// With `stopAbove` (the form's true value), the least value is not sought when the
    /// greatest already exceeds it by one (the form is not pinned either way), and the
    /// range returned is then `v...max`.
    public func interval(of form: [Term], hidden: [Bool], limit: Int, stopAbove: Int? = nil) -> (range: ClosedRange<Double>, complete: Bool) {
        func unknown(_ i: Int) -> Bool { visibility[i] == .unpublished || (visibility[i] == .published && hidden[i]) }
        // The unknowns tied to the form through relations, breadth first.
        var index: [Int: Int] = [:]
        var order: [Int] = []
        var usedRelations = Set<Int>()
        var queue = form.map(\.count).filter(unknown)
        for v in queue where index[v] == nil { index[v] = order.count; order.append(v) }
        var head = 0
        var complete = true
        while head < queue.count {
            let v = queue[head]; head += 1
            // Small relations first (a row before a long column): they close the cycles
            // that let hidden counts vary; within one, the largest counts (the most room).
            let mine = relationsOf[v].filter { !usedRelations.contains($0) }
                .map { r in (r, relations[r].terms.filter { unknown($0.count) && index[$0.count] == nil }.map(\.count)) }
                .sorted { ($0.1.count, $0.0) < ($1.1.count, $1.0) }
            for (r, fresh) in mine {
                usedRelations.insert(r)
                for c in fresh.sorted(by: { (values[$0], $1) > (values[$1], $0) }) where index[c] == nil {
                    guard order.count < limit else { complete = false; continue }
                    index[c] = order.count
                    order.append(c)
                    queue.append(c)
                }
            }
        }
        let constant = Double(form.filter { index[$0.count] == nil }.reduce(0) { $0 + $1.coefficient * values[$1.count] })
        guard !order.isEmpty else { return (constant...constant, complete) }
        var lp = LinearProgram(variables: order.count)
        for (k, v) in order.enumerated() where visibility[v] == .published && nonZeroWhenHidden[v] { lp.lower[k] = 1 }
        for r in usedRelations.sorted() {
            let rel = relations[r]
            var bound = Double(rel.bound)
            var terms: [(variable: Int, coefficient: Double)] = []
            for t in rel.terms {
                if let k = index[t.count] { terms.append((k, Double(t.coefficient))) }
                else { bound -= Double(t.coefficient * values[t.count]) }
            }
            lp.add(terms, rel.relation, bound)
        }
        let objective = form.compactMap { t in index[t.count].map { (variable: $0, coefficient: Double(t.coefficient)) } }
        // The true counts satisfy every relation, so the program is feasible.
        guard var solver = lp.solver() else { return (constant...constant, complete) }
        if let v = stopAbove {
            let high = solver.maximum(of: objective) + constant
            if high >= Double(v) + 1 - 1e-6 { return (Double(v)...high, complete) }
            let low = solver.minimum(of: objective) + constant
            return (min(low, high)...high, complete)
        }
        let range = solver.range(of: objective)
        return ((range.lowerBound + constant)...(range.upperBound + constant), complete)
    }
}
