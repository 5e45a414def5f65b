import MosaicCore
import MosaicMetrics

/// The three mechanisms of contract `match.md`.
public enum Mechanism: String, Sendable, CaseIterable {
    case da, ttc, boston
}

extension Market {
    public func assign(_ mechanism: Mechanism) -> Assignment {
        switch mechanism {
        case .da: deferredAcceptance()
        case .ttc: topTradingCycles()
        case .boston: boston()
        }
    }

    /// Per dimension of `groups`, the multigroup dissimilarity D of the assigned students
    /// across schools (segregation.md; for two groups ½ Σ_s |g_s/G − n_s/N|); nil when a
    /// dimension has fewer than two groups among them.
    public func dissimilarity(_ a: Assignment, groups: [Instance.GroupDimension]) -> [Double?] {
        groups.map { dim in
            var counts = [[Int]](repeating: [Int](repeating: 0, count: dim.groups.count), count: schools.count)
            for st in 0..<studentCount {
                guard let p = a.places[st], let k = dim.member[st] else { continue }
                counts[p.school][k] += 1
            }
            let units = schools.indices.filter { counts[$0].reduce(0, +) > 0 }
            guard dim.groups.count > 1, let m = try? CountMatrix(units: units.map { schools[$0].id }, groups: dim.groups, rows: units.map { counts[$0] })
            else { return nil }
            return MosaicMetrics.dissimilarity(of: m)
        }
    }
}

extension Instance {
    /// One dimension of the students' groups: its groups in order of first appearance and
    /// each student's group (nil when the student has none in it).
    public struct GroupDimension: Sendable {
        public var name: String
        public var groups: [String]
        public var member: [Int?]
    }

    /// The dimensions the students' `groups` name, alphabetically.
    public var groupDimensions: [GroupDimension] {
        Set(students.flatMap { ($0.groups ?? [:]).keys }).sorted().map { name in
            var groups: [String] = []
            for st in students { if let g = st.groups?[name], !groups.contains(g) { groups.append(g) } }
            return GroupDimension(name: name, groups: groups, member: students.map { st in st.groups?[name].flatMap { groups.firstIndex(of: $0) } })
        }
    }
}

/// What a policy does over fresh lotteries (`mosaic match --simulate N`): per group, the
/// distribution of assigned ranks and the first-choice share; per dimension, the mean
/// dissimilarity of the resulting schools with its 5th and 95th percentiles.
public struct Simulation: Sendable {
    public struct Group: Sendable {
        public var dimension: String
        public var group: String
        public var students: Int
        /// Mean share of the group's students at each rank (index 0 = first choice), the
        /// last entry the share unassigned.
        public var rankShares: [Double]
        /// Standard deviations over the draws of the first-choice and unassigned shares.
        public var firstChoiceSD: Double
        public var unassignedSD: Double
        public var firstChoice: Double { rankShares.first ?? 0 }
        public var unassigned: Double { rankShares.last ?? 0 }
    }

    public struct Dissimilarity: Sendable {
        public var dimension: String
        public var mean: Double
        /// Standard deviation over the draws.
        public var sd: Double
        public var p05: Double
        public var p95: Double
    }

    public var draws: Int
    public var mechanism: Mechanism
    /// Everyone, then each dimension's groups.
    public var groups: [Group]
    public var dissimilarity: [Dissimilarity]
}

extension Instance {
    /// Runs the mechanism on `draws` fresh lotteries (the file's lottery numbers are
    /// ignored). Draw j uses the j-th seed taken from `rng`, so the result is the same for
    /// any `parallelism`.
    /// - Precondition: `problems()` is empty.
    public func simulate(_ mechanism: Mechanism, tieBreaking: TieBreaking, draws: Int, parallelism: Int,
                         using rng: inout some RandomNumberGenerator, progress: (@Sendable (Int) -> Void)? = nil) -> Simulation {
        var base = SeededGenerator(seed: 0)
        let fixed = market(tieBreaking: tieBreaking, using: &base)   // everything but the lottery
        let dims = groupDimensions
        let K = students.map(\.choices.count).max() ?? 0
        // Row of a draw: for everyone and each (dimension, group), counts at ranks 1…K and
        // unassigned; then each dimension's dissimilarity (NaN when undefined).
        let blocks = [(-1, -1)] + dims.enumerated().flatMap { d, dim in dim.groups.indices.map { (d, $0) } }
        let width = blocks.count * (K + 1) + dims.count
        // Each student's blocks: everyone, then her group in each dimension she has one in.
        let memberships = students.indices.map { st in
            [0] + blocks.indices.dropFirst().filter { b in dims[blocks[b].0].member[st] == blocks[b].1 }
        }
        let rows = parallelDraws(count: draws, width: width, parallelism: parallelism, using: &rng, progress: progress,
                                 makeWorker: { () }) { _, g, row in
            let market = fixed.drawingLotteries(tieBreaking, using: &g)
            let a = market.assign(mechanism)
            for st in 0..<market.studentCount {
                let r = a.places[st].flatMap { p in market.prefs[st].firstIndex(of: p.school) } ?? K
                for b in memberships[st] { row[b * (K + 1) + r] += 1 }
            }
            for (d, value) in market.dissimilarity(a, groups: dims).enumerated() { row[blocks.count * (K + 1) + d] = value ?? .nan }
        }
        var groups: [Simulation.Group] = []
        for (b, block) in blocks.enumerated() {
            let size = block.0 < 0 ? students.count : dims[block.0].member.filter { $0 == block.1 }.count
            let shares = (0...K).map { r in
                size == 0 ? 0 : (0..<draws).reduce(0.0) { $0 + rows[$1 * width + b * (K + 1) + r] } / Double(draws * size)
            }
            func sd(_ r: Int) -> Double {
                guard size > 0, draws > 1 else { return 0 }
                let values = (0..<draws).map { rows[$0 * width + b * (K + 1) + r] / Double(size) }
                return standardDeviation(values)
            }
            groups.append(.init(dimension: block.0 < 0 ? "all" : dims[block.0].name, group: block.0 < 0 ? "all" : dims[block.0].groups[block.1],
                                students: size, rankShares: shares, firstChoiceSD: sd(0), unassignedSD: sd(K)))
        }
        let dissimilarity = dims.enumerated().compactMap { d, dim -> Simulation.Dissimilarity? in
            let values = (0..<draws).map { rows[$0 * width + blocks.count * (K + 1) + d] }.filter { !$0.isNaN }.sorted()
            guard !values.isEmpty else { return nil }
            return .init(dimension: dim.name, mean: values.reduce(0, +) / Double(values.count), sd: standardDeviation(values),
                         p05: percentile(values, 0.05), p95: percentile(values, 0.95))
        }
        return Simulation(draws: draws, mechanism: mechanism, groups: groups, dissimilarity: dissimilarity)
    }
}

/// The sample standard deviation (n − 1), 0 for fewer than two values.
func standardDeviation(_ values: [Double]) -> Double {
    guard values.count > 1 else { return 0 }
    let mean = values.reduce(0, +) / Double(values.count)
    return (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)).squareRoot()
}

extension Simulation {
    /// The simulation as `mosaic match --simulate N --format json` prints it.
    public func json(seed: UInt64) -> JSONValue {
        .object([
            ("mechanism", .string(mechanism.rawValue)), ("seed", .unsigned(seed)), ("draws", .int(draws)),
            ("groups", .array(groups.map { g in
                .object([("dimension", .string(g.dimension)), ("group", .string(g.group)), ("students", .int(g.students)),
                         ("firstChoice", .number(g.firstChoice)), ("unassigned", .number(g.unassigned)),
                         ("rankDistribution", .object(g.rankShares.dropLast().enumerated().map { ("\($0.offset + 1)", .number($0.element)) }))])
            })),
            ("dissimilarity", .object(dissimilarity.map { d in
                (d.dimension, .object([("mean", .number(d.mean)), ("p05", .number(d.p05)), ("p95", .number(d.p95))]))
            })),
        ])
    }
}
