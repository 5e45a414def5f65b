import MosaicCore
import MosaicMetrics

extension SegregationProfile {
    /// The profile as the JSON object of contract `segregation.md`, key for key.
    /// `within`, `baseline`, `bootstrap` and `twoGroup` appear only when computed.
    public func json(seed: UInt64) -> JSONValue {
        func num(_ x: Double) -> JSONValue { .number(x) }
        var root: [(String, JSONValue)] = [
            ("students", .int(students)),
            ("unitCount", .int(unitCount)),
            ("groups", .array(groups.map(JSONValue.string))),
            ("droppedGroups", .array(droppedGroups.map(JSONValue.string))),
            ("composition", .object(zip(groups, composition).map { ($0, num($1)) })),
            ("indices", .object([
                ("D", num(indices.D)), ("Gini", num(indices.Gini)), ("H", num(indices.H)), ("M", num(indices.M)),
                ("E", num(indices.E)), ("E_normalized", num(indices.E_normalized)), ("P", num(indices.P)),
                ("R", num(indices.R)), ("C", num(indices.C)),
                ("SimpsonConcentration", num(indices.simpsonConcentration)),
                ("SimpsonInteraction", num(indices.simpsonInteraction)),
            ])),
        ]
        if let t = twoGroup {
            root.append(("twoGroup", .object([
                ("Atkinson_0.1", num(t.atkinson01)), ("Atkinson_0.5", num(t.atkinson05)),
                ("Atkinson_0.9", num(t.atkinson09)), ("HutchensSqrt", num(t.hutchensSquareRoot)), ("V", num(t.V)),
            ])))
        }
        root.append(("byGroup", .object(byGroup.map { g in
            (g.name, .object([
                ("D_vs_rest", num(g.DVersusRest)), ("H_vs_rest", num(g.HVersusRest)),
                ("isolation", num(g.isolation)), ("V", num(g.V)),
            ]))
        })))
        root.append(("exposure", .object(groups.indices.map { x in
            (groups[x], .object(groups.indices.map { y in (groups[y], num(exposure[x][y])) }))
        })))
        root.append(("pairwiseD", .object(pairwiseD.map { ("\($0.first)|\($0.second)", num($0.D)) })))
        root.append(("units", .array(units.map { u in
            var fields: [(String, JSONValue)] = [
                ("id", .string(u.id)), ("students", .int(u.students)),
                ("simpsonDiversity", num(u.measures.simpsonDiversity)), ("entropy", num(u.measures.entropy)),
                ("entropyNormalized", num(u.measures.entropyNormalized)),
                ("localSegregation", num(u.measures.localSegregation)),
                ("dissimilarityVsReference", num(u.dissimilarityVsReference)),
            ]
            if let d = u.dissimilarityVsOuter { fields.append(("dissimilarityVsOuter", num(d))) }
            fields.append(("locationQuotient", .object(zip(groups, u.locationQuotients).map { ($0, num($1)) })))
            return .object(fields)
        })))
        if let w = within {
            root.append(("within", .object([
                ("M_between", num(w.mBetween)), ("M_within", num(w.mWithin)), ("M_total", num(w.mTotal)),
                ("H_between", num(w.hBetween)), ("H_within", num(w.hWithin)), ("H_total", num(w.hTotal)),
                ("outer", .array(w.outer.map { o in
                    .object([
                        ("id", .string(o.id)), ("students", .int(o.students)), ("M", num(o.M)), ("H", num(o.H)),
                        ("D", num(o.D)), ("entropy", num(o.entropy)), ("localSegregation", num(o.localSegregation)),
                    ])
                })),
            ])))
        }
        if let b = baseline {
            func stat(_ s: RandomAssignmentBaseline.Statistic) -> JSONValue {
                .object([("observed", num(s.observed)), ("expected", num(s.expected)),
                         ("excess", num(s.excess)), ("pValue", num(s.pValue))])
            }
            root.append(("baseline", .object([
                ("draws", .int(b.draws)), ("seed", .seed(seed)),
                ("D", stat(b.D)), ("H", stat(b.H)), ("M", stat(b.M)), ("D_CT", num(b.carringtonTroskeD)),
            ])))
        }
        if let b = bootstrap {
            func est(_ e: Bootstrap.Estimate) -> JSONValue {
                .object([("estimate", num(e.estimate)), ("debiased", num(e.debiased)), ("se", num(e.standardError)),
                         ("ci95", .array([num(e.lower95), num(e.upper95)]))])
            }
            root.append(("bootstrap", .object([
                ("draws", .int(b.draws)), ("seed", .seed(seed)),
                ("D", est(b.D)), ("H", est(b.H)), ("M", est(b.M)),
            ])))
        }
        return .object(root)
    }
}

extension JSONValue {
    /// A seed as an exact JSON integer (seeds are 64-bit unsigned; beyond Int.max they
    /// are written as their decimal digits all the same).
    static func seed(_ seed: UInt64) -> JSONValue {
        seed <= UInt64(Int.max) ? .int(Int(seed)) : .unsigned(seed)
    }
}
