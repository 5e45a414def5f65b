/// Everything `mosaic segregation` reports about one count table: the multigroup
/// indices, the two-group indices, each group against the rest, exposures, pairwise D,
/// every unit's diversity and local segregation, and optionally the nested split, the
/// random-assignment baseline and the bootstrap (contract: `segregation.md`).
///
/// Groups with no students anywhere are dropped first and listed in `droppedGroups`;
/// every index is computed over the groups that remain.
public struct SegregationProfile: Sendable {
    public struct Indices: Sendable, Equatable {
        public var D, Gini, H, M, E, E_normalized, P, R, C: Double
        public var simpsonConcentration, simpsonInteraction: Double
    }

    /// Only when exactly two groups have students; `x` is the first.
    public struct TwoGroup: Sendable, Equatable {
        public var atkinson01, atkinson05, atkinson09: Double
        public var hutchensSquareRoot: Double
        public var V: Double
    }

    public struct Group: Sendable, Equatable {
        public var name: String
        public var DVersusRest, HVersusRest, isolation, V: Double
    }

    public struct Unit: Sendable, Equatable {
        public var id: String
        public var students: Int
        public var measures: UnitMeasures
        /// `p_ig / P_g` for each of the profile's `groups`.
        public var locationQuotients: ArraySlice<Double>
        public var dissimilarityVsReference: Double
        /// Only with a nesting: `½ Σ_k |p_ik − q_sk|` against its own outer unit.
        public var dissimilarityVsOuter: Double?
    }

    public var students: Int
    public var unitCount: Int
    /// The groups with students, in the table's order.
    public var groups: [String]
    public var droppedGroups: [String]
    /// `P_k` for each of `groups`.
    public var composition: [Double]
    public var indices: Indices
    public var twoGroup: TwoGroup?
    public var byGroup: [Group]
    /// `exposure[x][y]` = exposure of group x to group y (isolation on the diagonal).
    public var exposure: [[Double]]
    public var pairwiseD: [(first: String, second: String, D: Double)]
    public var units: [Unit]
    public var within: NestedDecomposition?
    public var baseline: RandomAssignmentBaseline?
    public var bootstrap: Bootstrap?
}

/// What to compute beyond the indices.
public struct ProfileOptions: Sendable {
    /// One outer label per unit (`--within`), or `nil`.
    public var outerLabels: [String]?
    /// The reference composition (counts per named group, e.g. the state); `nil` = the whole table.
    public var referenceCounts: [Int]?
    /// Random assignments for the baseline; 0 = none.
    public var baselineDraws: Int
    /// Multinomial resamples; 0 = none.
    public var bootstrapDraws: Int
    /// The seed: the baseline uses `SeededGenerator(seed:)`, the bootstrap the same
    /// generator after one `jump()`, so each is reproducible on its own.
    public var seed: UInt64
    /// Threads for the baseline and bootstrap; results do not depend on it.
    public var parallelism: Int
    /// Called with (step, finished draws, all draws) for the baseline and bootstrap.
    public var progress: (@Sendable (_ step: String, _ done: Int, _ of: Int) -> Void)?

    public init(
        outerLabels: [String]? = nil, referenceCounts: [Int]? = nil, baselineDraws: Int = 0,
        bootstrapDraws: Int = 0, seed: UInt64 = 0, parallelism: Int = 1,
        progress: (@Sendable (String, Int, Int) -> Void)? = nil
    ) {
        self.outerLabels = outerLabels
        self.referenceCounts = referenceCounts
        self.baselineDraws = baselineDraws
        self.bootstrapDraws = bootstrapDraws
        self.seed = seed
        self.parallelism = parallelism
        self.progress = progress
    }
}

/// Computes the full profile of `table`.
/// - Throws: `CountMatrixError.tooFewGroups` when fewer than two groups have students;
///   `.shapeMismatch` when the reference or the outer labels do not fit the table.
/// - Complexity: O(units × groups² + K · units log units) without baseline and
///   bootstrap; each draw adds O(T + units × groups).
public func segregationProfile(of table: CountMatrix, options: ProfileOptions = .init()) throws(CountMatrixError) -> SegregationProfile {
    let (m, dropped) = table.droppingEmptyGroups()
    guard m.groupCount >= 2 else {
        throw .tooFewGroups(present: m.groupTotals.indices.filter { m.groupTotals[$0] > 0 }.map { m.groups[$0] })
    }
    let namedK = table.groupCount
    let P = m.composition
    let E = entropy(of: P)
    let indices = SegregationProfile.Indices(
        D: dissimilarity(of: m), Gini: gini(of: m), H: informationTheoryIndex(of: m),
        M: mutualInformation(of: m), E: E, E_normalized: normalizedEntropy(of: P, groupCount: namedK),
        P: normalizedExposure(of: m), R: relativeDiversity(of: m), C: squaredCoefficientOfVariation(of: m),
        simpsonConcentration: simpsonConcentration(of: P), simpsonInteraction: simpsonInteraction(of: P))

    var twoGroup: SegregationProfile.TwoGroup?
    if m.groupCount == 2 {
        twoGroup = .init(
            atkinson01: atkinson(of: m, shape: 0.1), atkinson05: atkinson(of: m, shape: 0.5),
            atkinson09: atkinson(of: m, shape: 0.9), hutchensSquareRoot: hutchensSquareRoot(of: m),
            V: correlationRatio(of: 0, in: m))
    }
    let byGroup = (0..<m.groupCount).map { k in
        let pair = m.groupAgainstRest(k)
        return SegregationProfile.Group(
            name: m.groups[k], DVersusRest: dissimilarity(of: pair), HVersusRest: informationTheoryIndex(of: pair),
            isolation: isolation(of: k, in: m), V: correlationRatio(of: k, in: m))
    }
    let exposureMatrix = (0..<m.groupCount).map { x in (0..<m.groupCount).map { y in exposure(of: x, to: y, in: m) } }

    // Units: measured against the kept groups; compositions over the named groups
    // compare with the reference, which may hold students of groups absent here.
    var reference = table.composition
    if let r = options.referenceCounts {
        guard r.count == namedK else {
            throw .shapeMismatch("the reference has \(r.count) group counts for \(namedK) groups")
        }
        let rt = r.reduce(0, +)
        guard rt > 0 else { throw .shapeMismatch("the reference has no students") }
        reference = r.map { Double($0) / Double(rt) }
    }
    let measures = unitMeasures(of: m, namedGroupCount: namedK)
    let quotients = locationQuotients(of: m)
    let K = m.groupCount
    var nesting: NestedUnits?
    var outerComposition: [[Double]] = []
    if let labels = options.outerLabels {
        guard labels.count == table.unitCount else {
            throw .shapeMismatch("\(labels.count) outer labels for \(table.unitCount) units")
        }
        let n = NestedUnits(labels: labels)
        nesting = n
        outerComposition = (0..<n.outerCount).map { table.units(in: $0, of: n).composition }
    }
    var units: [SegregationProfile.Unit] = []
    units.reserveCapacity(table.unitCount)
    var named = [Double](repeating: 0, count: namedK)
    for i in 0..<table.unitCount {
        let t = Double(table.unitTotals[i])
        for k in 0..<namedK { named[k] = Double(table.counts[i * namedK + k]) / t }
        units.append(.init(
            id: table.units[i], students: table.unitTotals[i], measures: measures[i],
            locationQuotients: quotients[(i * K)..<((i + 1) * K)],
            dissimilarityVsReference: dissimilarity(of: named, against: reference),
            dissimilarityVsOuter: nesting.map { dissimilarity(of: named, against: outerComposition[$0.outerIndex[i]]) }))
    }

    let progress = options.progress
    var baseline: RandomAssignmentBaseline?
    if options.baselineDraws > 0 {
        var rng = SeededGenerator(seed: options.seed)
        let n = options.baselineDraws
        baseline = randomAssignmentBaseline(
            of: m, within: nesting, draws: n, parallelism: options.parallelism, using: &rng,
            progress: reporting(progress, "baseline", of: n))
    }
    var boot: Bootstrap?
    if options.bootstrapDraws > 0 {
        var rng = SeededGenerator(seed: options.seed)
        rng.jump()
        let n = options.bootstrapDraws
        boot = bootstrap(
            of: m, draws: n, parallelism: options.parallelism, using: &rng,
            progress: reporting(progress, "bootstrap", of: n))
    }
    return SegregationProfile(
        students: m.total, unitCount: m.unitCount, groups: m.groups, droppedGroups: dropped,
        composition: P, indices: indices, twoGroup: twoGroup, byGroup: byGroup,
        exposure: exposureMatrix, pairwiseD: pairwiseDissimilarity(of: m), units: units,
        within: nesting.map { nestedDecomposition(of: m, nesting: $0) },
        baseline: baseline, bootstrap: boot)
}

/// Adapts the profile's progress callback to one step's.
private func reporting(
    _ progress: (@Sendable (String, Int, Int) -> Void)?, _ step: String, of n: Int
) -> (@Sendable (Int) -> Void)? {
    guard let progress else { return nil }
    return { @Sendable done in progress(step, done, n) }
}
