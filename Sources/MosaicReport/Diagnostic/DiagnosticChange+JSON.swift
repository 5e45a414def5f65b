import MosaicCore
import MosaicDiagnostic

extension DiagnosticChange {
    /// The change as an audience may see it: the indices through `after`'s disclosure (rounded
    /// outside the district's staff); a group's rates only when both terms show them.
    public func json(earlier: Diagnostic, later: Diagnostic, policy: SuppressionPolicy?) -> JSONValue {
        let before = DiagnosticDisclosure(earlier, audience: policy == nil ? .districtStaff : .public, policy: policy)
        let after = DiagnosticDisclosure(later, audience: policy == nil ? .districtStaff : .public, policy: policy)
        func index(_ x: Double) -> JSONValue { .number(after.aggregate(x)) }
        return .object([
            ("from", .string(fromTerm)), ("to", .string(toTerm)),
            ("dimensions", .object(dimensions.map { c in
                let a = c.acrossSchools
                var fields: [(String, JSONValue)] = [
                    ("M1", index(a.M1)), ("M2", index(a.M2)), ("difference", index(a.difference)),
                    ("composition", index(a.composition + a.additions + a.removals)), ("sorting", index(a.structural)),
                    ("groupMarginal", index(a.groupMarginal)), ("unitMarginal", index(a.unitMarginal)),
                    ("structural", index(a.structural)), ("additions", index(a.additions)), ("removals", index(a.removals)),
                ]
                if let b = earlier.dimensions.first(where: { $0.dimension == c.dimension }),
                   let l = later.dimensions.first(where: { $0.dimension == c.dimension }) {
                    let shownBefore = before.shown(b, school: nil), shownAfter = after.shown(l, school: nil)
                    fields.append(("participation", .object(c.participation.map { g in
                        let i = b.advanced.groups.firstIndex { $0.group == g.group }, j = l.advanced.groups.firstIndex { $0.group == g.group }
                        let r1 = i.flatMap { shownBefore[$0].rate }, r2 = j.flatMap { shownAfter[$0].rate }
                        guard r1 != nil, r2 != nil else { return (g.group, .object([("rateBefore", .null), ("rateAfter", .null), ("changePP", .null)])) }
                        let gaps = i.flatMap { shownBefore[$0].gapToHighestPP } != nil && j.flatMap { shownAfter[$0].gapToHighestPP } != nil
                        return (g.group, .object([
                            ("rateBefore", .number(g.rateBefore)), ("rateAfter", .number(g.rateAfter)), ("changePP", .number(g.changePP)),
                            ("gapBeforePP", gaps ? .number(g.gapBeforePP) : .null), ("gapAfterPP", gaps ? .number(g.gapAfterPP) : .null),
                        ]))
                    })))
                }
                return (c.dimension.rawValue, .object(fields))
            })),
        ])
    }

    /// The change for the terminal: one paragraph per dimension.
    public func text() -> String {
        var out = "\nWhat changed from \(fromTerm) to \(toTerm) (M across schools; Elbers 2021 Shapley split)\n"
        for c in dimensions {
            let a = c.acrossSchools
            out += "  \(c.dimension.title): M \(Format.fixed(a.M1, 4)) → \(Format.fixed(a.M2, 4)) (\(a.difference >= 0 ? "+" : "")\(Format.fixed(a.difference, 4))): "
            out += "composition \(Format.fixed(a.composition, 4)) (groups \(Format.fixed(a.groupMarginal, 4)), schools' sizes \(Format.fixed(a.unitMarginal, 4))), "
            out += "schools opened \(Format.fixed(a.additions, 4)), closed \(Format.fixed(a.removals, 4)), sorting \(Format.fixed(a.structural, 4))\n"
            for g in c.participation { out += "    \(Dimension.label(g.group)): \(g.sentence)\n" }
        }
        return out
    }
}
