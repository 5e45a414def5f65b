import Foundation
import MosaicMetrics

/// A choice policy to try on an instance (`mosaic match compare --policy FILE`): what the
/// board could change — the mechanism, the tie-breaking, the priority classes, the
/// reserves and their precedence. Fields left out keep the instance's (or the command
/// line's) choice.
///
/// ```json
/// {"name": "30 % low-income reserve",
///  "mechanism": "da", "tieBreaking": "single",
///  "priorityClasses": ["sibling", "other"],
///  "reserves": [{"name": "low-income", "group": {"economic": "disadvantaged"},
///                "share": 0.3, "kind": "soft"}],
///  "precedence": "reserveFirst"}
/// ```
///
/// `reserves`, when given, replaces every school's reserves (`[]` removes them); each
/// reserve holds `seats` seats or `share` of the school's capacity (rounded), at the
/// schools it lists in `schools` or at all of them.
public struct Policy: Sendable, Codable, Equatable {
    public struct Reserve: Sendable, Codable, Equatable {
        public var name: String
        public var group: [String: String]
        public var share: Double?
        public var seats: Int?
        public var kind: String?
        public var schools: [String]?

        public init(name: String, group: [String: String], share: Double? = nil, seats: Int? = nil, kind: String? = nil, schools: [String]? = nil) {
            self.name = name
            self.group = group
            self.share = share
            self.seats = seats
            self.kind = kind
            self.schools = schools
        }
    }

    public var name: String
    public var mechanism: String?
    public var tieBreaking: String?
    public var priorityClasses: [String]?
    public var reserves: [Reserve]?
    public var precedence: String?

    public init(name: String, mechanism: String? = nil, tieBreaking: String? = nil, priorityClasses: [String]? = nil,
                reserves: [Reserve]? = nil, precedence: String? = nil) {
        self.name = name
        self.mechanism = mechanism
        self.tieBreaking = tieBreaking
        self.priorityClasses = priorityClasses
        self.reserves = reserves
        self.precedence = precedence
    }

    /// Every problem with the policy for this instance, each as `where: what`.
    public func problems(for instance: Instance) -> [String] {
        var out: [String] = []
        if name.trimmingCharacters(in: .whitespaces).isEmpty { out.append("name: a policy needs a name") }
        if let m = mechanism, Mechanism(rawValue: m) == nil { out.append("mechanism: “\(m)” is not da, ttc or boston") }
        if let t = tieBreaking, Instance.TieBreaking(rawValue: t) == nil { out.append("tieBreaking: “\(t)” is not single or multiple") }
        if let p = precedence, Market.Precedence(rawValue: p) == nil { out.append("precedence: “\(p)” is not reserveFirst or openFirst") }
        let schoolIDs = Set(instance.schools.map(\.id))
        for (i, r) in (reserves ?? []).enumerated() {
            let at = "reserves[\(i)] \(r.name)"
            if (r.share == nil) == (r.seats == nil) { out.append("\(at): give either share or seats") }
            if let s = r.share, !(0...1).contains(s) { out.append("\(at): share \(s) is not between 0 and 1") }
            if let s = r.seats, s < 0 { out.append("\(at): \(s) seats") }
            if let k = r.kind, k != "soft" && k != "hard" { out.append("\(at): kind “\(k)” is not soft or hard") }
            if r.group.isEmpty { out.append("\(at): names no group") }
            for s in r.schools ?? [] where !schoolIDs.contains(s) { out.append("\(at): unknown school “\(s)”") }
        }
        if out.isEmpty { out += applied(to: instance).problems().map { "applied to the instance: \($0)" } }
        return out
    }

    /// The instance with this policy's priority classes, reserves and precedence.
    public func applied(to instance: Instance) -> Instance {
        var out = instance
        if let classes = priorityClasses { out.priorityClasses = classes }
        for i in out.schools.indices {
            let school = out.schools[i]
            if let reserves {
                let here = reserves.filter { $0.schools == nil || $0.schools!.contains(school.id) }
                out.schools[i].reserves = here.isEmpty ? nil : here.map { r in
                    Instance.Reserve(name: r.name, group: r.group,
                                     seats: r.seats ?? Int((r.share ?? 0) * Double(school.capacity) + 0.5), kind: r.kind ?? "soft")
                }
            }
            if let precedence { out.schools[i].precedence = precedence }
        }
        return out
    }
}

/// Policies simulated on the same fresh lotteries, side by side, with the plain findings
/// a board needs: where access and sorting move, and when better access for a group
/// comes with more sorting.
public struct PolicyComparison: Sendable {
    public struct Run: Sendable {
        public var policy: Policy
        public var simulation: Simulation
    }

    public var draws: Int
    public var runs: [Run]
    public var findings: [String]

    /// Simulates every policy with `draws` lotteries drawn from the same seed (the same
    /// random numbers for each policy, so differences are the policies', not luck's).
    /// - Precondition: every policy's `problems(for:)` is empty.
    public static func compare(_ instance: Instance, policies: [Policy], mechanism: Mechanism, tieBreaking: Instance.TieBreaking,
                               draws: Int, seed: UInt64, parallelism: Int,
                               progress: (@Sendable (Int, Int) -> Void)? = nil) -> PolicyComparison {
        let runs = policies.enumerated().map { i, policy -> Run in
            var rng = SeededGenerator(seed: seed)
            let done = i * draws
            let total = draws * policies.count
            var report: (@Sendable (Int) -> Void)?
            if let progress { report = { n in progress(done + n, total) } }
            let simulation = policy.applied(to: instance).simulate(
                policy.mechanism.flatMap(Mechanism.init(rawValue:)) ?? mechanism,
                tieBreaking: policy.tieBreaking.flatMap(Instance.TieBreaking.init(rawValue:)) ?? tieBreaking,
                draws: draws, parallelism: parallelism, using: &rng, progress: report)
            return Run(policy: policy, simulation: simulation)
        }
        return PolicyComparison(draws: draws, runs: runs, findings: findings(runs, draws: draws))
    }

    /// Each policy after the first against the first: a change is reported when it is
    /// larger than twice its standard error over the draws (√(s²_A/N + s²_B/N)).
    static func findings(_ runs: [Run], draws: Int) -> [String] {
        guard let base = runs.first else { return [] }
        let n = Double(draws)
        func clear(_ a: Double, _ sa: Double, _ b: Double, _ sb: Double) -> Bool {
            abs(b - a) > max(1e-9, 2 * ((sa * sa + sb * sb) / n).squareRoot())
        }
        func pct(_ x: Double) -> String { String(format: "%.1f%%", 100 * x) }
        func d(_ x: Double) -> String { String(format: "%.3f", x) }
        func points(_ x: Double) -> String { String(format: "%+.1f pts", 100 * x) }
        var out: [String] = []
        for run in runs.dropFirst() {
            let a = base.policy.name, b = run.policy.name
            var lines: [String] = [], tradeOffs: [String] = []
            var sorting: [String: (from: Double, to: Double, more: Bool)] = [:]
            for (x, y) in zip(base.simulation.dissimilarity, run.simulation.dissimilarity) where x.dimension == y.dimension {
                guard clear(x.mean, x.sd, y.mean, y.sd) else { continue }
                sorting[x.dimension] = (x.mean, y.mean, y.mean > x.mean)
                lines.append("\(b) makes schools \(y.mean > x.mean ? "more" : "less") sorted by \(x.dimension) than \(a): dissimilarity \(d(x.mean)) → \(d(y.mean)).")
            }
            var firstByGroup: [String] = [], unassignedByGroup: [String] = [], gainers: [String] = []
            for (x, y) in zip(base.simulation.groups, run.simulation.groups) where x.dimension == y.dimension && x.group == y.group && x.students > 0 {
                let better = clear(x.firstChoice, x.firstChoiceSD, y.firstChoice, y.firstChoiceSD) ? y.firstChoice > x.firstChoice : nil
                let unassigned = clear(x.unassigned, x.unassignedSD, y.unassigned, y.unassignedSD)
                if x.dimension == "all" {
                    if let better { lines.append("Students get their first choice \(better ? "more" : "less") often under \(b) than under \(a): \(pct(x.firstChoice)) → \(pct(y.firstChoice)).") }
                    if unassigned { lines.append("Students are left without a school \(y.unassigned > x.unassigned ? "more" : "less") often under \(b): \(pct(x.unassigned)) → \(pct(y.unassigned)).") }
                    continue
                }
                if better != nil { firstByGroup.append("\(x.group) \(points(y.firstChoice - x.firstChoice))") }
                if unassigned { unassignedByGroup.append("\(x.group) \(points(y.unassigned - x.unassigned))") }
                if better == true { gainers.append("\(x.group) (\(x.dimension))") }
            }
            for (dimension, s) in sorting.sorted(by: { $0.key < $1.key }) where s.more && !gainers.isEmpty {
                tradeOffs.append("Better access is not more integration: under \(b), \(gainers.joined(separator: ", ")) students get their first choice more often than under \(a), and schools are more sorted by \(dimension) (\(d(s.from)) → \(d(s.to))).")
            }
            if !firstByGroup.isEmpty { lines.append("First choice by group, \(b) against \(a): \(firstByGroup.joined(separator: ", ")).") }
            if !unassignedByGroup.isEmpty { lines.append("Left without a school by group, \(b) against \(a): \(unassignedByGroup.joined(separator: ", ")).") }
            if lines.isEmpty && tradeOffs.isEmpty {
                lines.append("\(b) and \(a) give the same access and sorting within what \(draws) lotteries can tell apart.")
            }
            out += tradeOffs + lines
        }
        return out
    }
}
