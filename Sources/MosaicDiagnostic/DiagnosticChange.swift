import MosaicCore
import MosaicMetrics

/// What changed between two terms of a district, and why (issue 22, "what changed"): per
/// dimension, the change in M across schools split into composition (the groups' and the
/// schools' marginals, schools opened and closed) and sorting (the structure), by
/// ``differenceDecomposition(from:to:)`` (Elbers 2021); and each group's own change in
/// advanced participation, so that a gap that narrows because the top group fell is never
/// read as progress.
public struct DiagnosticChange: Sendable, Equatable {
    public struct GroupChange: Sendable, Equatable {
        public var group: String
        public var rateBefore: Double
        public var rateAfter: Double
        /// 100 × (after − before).
        public var changePP: Double
        /// 100 × (highest rate − rate), before and after.
        public var gapBeforePP: Double
        public var gapAfterPP: Double
    }

    public struct DimensionChange: Sendable, Equatable {
        public var dimension: Dimension
        public var acrossSchools: DifferenceDecomposition
        /// Groups with eligible students in both terms.
        public var participation: [GroupChange]
    }

    public var fromTerm: String
    public var toTerm: String
    public var dimensions: [DimensionChange]

    /// The change from `earlier` to `later` for every dimension both have.
    public init(from earlier: Diagnostic, to later: Diagnostic) {
        fromTerm = earlier.termID
        toTerm = later.termID
        dimensions = later.dimensions.compactMap { after in
            guard let before = earlier.dimensions.first(where: { $0.dimension == after.dimension }),
                  let m1 = Self.schools(before), let m2 = Self.schools(after) else { return nil }
            let rates = before.advanced.groups.compactMap { b -> GroupChange? in
                guard let a = after.advanced.groups.first(where: { $0.group == b.group }), a.eligible > 0, b.eligible > 0 else { return nil }
                return GroupChange(group: b.group, rateBefore: b.rate, rateAfter: a.rate, changePP: 100 * (a.rate - b.rate),
                                   gapBeforePP: b.gapToHighestPP, gapAfterPP: a.gapToHighestPP)
            }
            return DimensionChange(dimension: after.dimension, acrossSchools: differenceDecomposition(from: m1, to: m2), participation: rates)
        }
    }

    /// Schools × groups of a dimension (schools with known students only).
    static func schools(_ d: DimensionResult) -> CountMatrix? {
        let rows = d.acrossSchools.schools.filter { $0.counts.reduce(0, +) > 0 }
        guard !rows.isEmpty else { return nil }
        return try? CountMatrix(units: rows.map(\.id), groups: d.groups, rows: rows.map(\.counts))
    }
}

extension DiagnosticChange.GroupChange {
    /// "Black: 12.8% → 13.6% (+0.8 points); gap to the highest group 42.0 → 17.0 points": the
    /// group's own change first, so that a gap closing because another group fell is seen.
    public var sentence: String {
        let sign = changePP >= 0 ? "+" : "−"
        return "\(Format.percent(rateBefore)) → \(Format.percent(rateAfter)) (\(sign)\(Format.fixed(abs(changePP), 1)) points); gap to the highest group \(Format.fixed(gapBeforePP, 1)) → \(Format.fixed(gapAfterPP, 1)) points"
    }
}
