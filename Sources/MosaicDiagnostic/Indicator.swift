import MosaicCore

/// A number of the diagnostic that an action plan's measure follows term by term. Written
/// as text `kind:dimension[:group]` (for example `schoolsD:race`,
/// `advancedRate:race:black`), so a plan keeps it as one field.
public struct Indicator: Sendable, Equatable, Hashable {
    public enum Kind: String, Sendable, CaseIterable {
        /// Schools against the district: `D = ½ Σ_s Σ_k t_s |p_sk − P_k| / T` summed as
        /// the diagnostic's across-schools D (Massey & Denton 1988).
        case schoolsD
        /// Classrooms within schools: the within-school part of classroom H (Theil's
        /// information theory index, Reardon & Firebaugh 2002), as in the diagnostic.
        case classroomsH
        /// A group's share of eligible students in at least one advanced class.
        case advancedRate
        /// 100 × (highest group's rate − the group's rate), percentage points.
        case advancedGap
        /// The group's rate over the overall rate (1 = represented in proportion).
        case representation
        /// Students of the group missing from advanced classes against the other groups'
        /// rates in their school.
        case advancedMissing
        /// A group's share of the students in open-honors classes who hold honors credit
        /// on the term's last day (the open-honors ledger).
        case openHonorsRate
        /// A group's share of the district's students placed in an enrichment cluster this
        /// school year (the service's enrichment rounds).
        case enrichmentRate

        /// Whether the indicator needs a group.
        public var hasGroup: Bool { self != .schoolsD && self != .classroomsH }
        /// Whether a smaller value is better (so a target is a ceiling, not a floor).
        public var lowerIsBetter: Bool { self != .advancedRate && self != .representation && self != .openHonorsRate && self != .enrichmentRate }
    }

    public var kind: Kind
    public var dimension: Dimension
    public var group: String?

    public init(kind: Kind, dimension: Dimension, group: String? = nil) {
        self.kind = kind
        self.dimension = dimension
        self.group = group
    }

    /// Parses `kind:dimension[:group]`; nil when it names no indicator.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2, let kind = Kind(rawValue: parts[0]), let dimension = Dimension(rawValue: parts[1]) else { return nil }
        if kind.hasGroup {
            guard parts.count == 3, !parts[2].isEmpty else { return nil }
            self.init(kind: kind, dimension: dimension, group: parts[2])
        } else {
            guard parts.count == 2 else { return nil }
            self.init(kind: kind, dimension: dimension)
        }
    }

    public var key: String { ([kind.rawValue, dimension.rawValue] + (group.map { [$0] } ?? [])).joined(separator: ":") }

    /// Every indicator a diagnostic has a value for, in the order a form lists them.
    public static func all(in d: Diagnostic) -> [Indicator] {
        d.dimensions.flatMap { dim -> [Indicator] in
            [Indicator(kind: .schoolsD, dimension: dim.dimension), Indicator(kind: .classroomsH, dimension: dim.dimension)]
                + [Kind.advancedRate, .advancedGap, .representation, .advancedMissing, .openHonorsRate, .enrichmentRate].flatMap { k in
                    dim.groups.map { Indicator(kind: k, dimension: dim.dimension, group: $0) }
                }
        }.filter { $0.reading(in: d) != nil }
    }

    /// How a reader names it.
    public var name: String {
        let g = group.map(Dimension.label) ?? ""
        switch kind {
        case .schoolsD: return "\(dimension.title): schools vs. district (D)"
        case .classroomsH: return "\(dimension.title): classrooms within schools (H within)"
        case .advancedRate: return "Advanced-course rate, \(g)"
        case .advancedGap: return "Advanced-course gap to the highest group, \(g) (pp)"
        case .representation: return "Advanced-course representation, \(g)"
        case .advancedMissing: return "Students missing from advanced courses, \(g)"
        case .openHonorsRate: return "Open honors: share taking honors credit, \(g)"
        case .enrichmentRate: return "Enrichment: share in a cluster this year, \(g)"
        }
    }

    /// What the indicator reads in a diagnostic, with the counts it rests on (for the
    /// suppression policy to judge); nil when the diagnostic does not have it (no
    /// classrooms in an aggregate term, no eligible student of the group).
    public func reading(in d: Diagnostic) -> Reading? {
        guard let dim = d.dimensions.first(where: { $0.dimension == dimension }) else { return nil }
        switch kind {
        case .openHonorsRate:
            guard let c = d.openHonors?.groups[dimension.rawValue]?[group ?? ""], c.enrolled > 0 else { return nil }
            return Reading(value: Double(c.optedIn) / Double(c.enrolled), rates: [(c.optedIn, c.enrolled)])
        case .enrichmentRate:
            guard let c = d.enrichment?.groups[dimension.rawValue]?[group ?? ""], c.students > 0 else { return nil }
            return Reading(value: Double(c.placed) / Double(c.students), rates: [(c.placed, c.students)])
        case .schoolsD:
            guard dim.acrossSchools.schools.count > 1, dim.acrossSchools.D.isFinite else { return nil }
            return Reading(value: dim.acrossSchools.D)
        case .classroomsH:
            guard !dim.withinSchools.schools.isEmpty, dim.withinSchools.hWithin.isFinite else { return nil }
            return Reading(value: dim.withinSchools.hWithin)
        case .advancedRate, .advancedGap, .representation, .advancedMissing:
            guard let g = dim.advanced.groups.first(where: { $0.group == group }), g.eligible > 0 else { return nil }
            switch kind {
            case .advancedRate: return Reading(value: g.rate, rates: [(g.participants, g.eligible)])
            case .representation: return Reading(value: g.representationIndex, rates: [(g.participants, g.eligible)])
            case .advancedGap:
                // The gap rests on this group's rate and on the highest group's.
                let top = dim.advanced.groups.filter { $0.eligible > 0 }.max { $0.rate < $1.rate }
                return Reading(value: g.gapToHighestPP, rates: [(g.participants, g.eligible)] + (top.map { [($0.participants, $0.eligible)] } ?? []))
            default: return Reading(value: g.missing, counts: [Int(g.missing.rounded())])
            }
        }
    }

    /// A value and what it rests on: fractions (participants of eligible) and counts.
    public struct Reading: Sendable {
        public var value: Double
        public var rates: [(numerator: Int, denominator: Int)]
        public var counts: [Int]

        public init(value: Double, rates: [(numerator: Int, denominator: Int)] = [], counts: [Int] = []) {
            self.value = value
            self.rates = rates
            self.counts = counts
        }
    }

    /// Whether a value meets a target, in the indicator's direction.
    public func meets(_ value: Double, target: Double) -> Bool {
        kind.lowerIsBetter ? value <= target : value >= target
    }
}
