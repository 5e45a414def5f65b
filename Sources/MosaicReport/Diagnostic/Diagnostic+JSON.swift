import MosaicCore
import MosaicDiagnostic

extension Diagnostic {
    /// The diagnostic as contract `diagnose.md` lays it out (required keys first, more
    /// after). `policy` applies suppression (the public view); `nil` is the district view.
    public func json(policy: SuppressionPolicy? = nil) -> JSONValue {
        let disclosure = AdvancedDisclosure(self, policy: policy)
        var root: [(String, JSONValue)] = [
            ("students", count(students, policy)),
            ("dimensions", .object(dimensions.map { ($0.dimension.rawValue, $0.json(policy, disclosure)) })),
            ("findings", .array(findings.map { $0.json(policy, disclosure) })),
            ("term", .object([("sourcedId", .string(termID)), ("title", .string(termTitle))])),
            ("schools", .int(schools)), ("classes", .int(classes)),
            ("baseline", .object([("draws", .int(baselineDraws)), ("seed", .seed(seed))])),
        ]
        if let policy { root.append(("suppression", policy.json)) }
        return .object(root)
    }
}

extension Finding {
    /// Under a policy, a finding whose numbers would give back a small count keeps its
    /// outline, and its value (a school's ½Σ|p − P|, a representation index) is hidden.
    func json(_ policy: SuppressionPolicy?, _ disclosure: AdvancedDisclosure) -> JSONValue {
        let stated = disclosure.message(self)
        let hideValue = stated != message && level != .scheduling
        var fields: [(String, JSONValue)] = [
            ("level", .string(level.rawValue)), ("dimension", .string(dimension.rawValue)),
            ("subject", .string(subject)), ("metric", .string(metric)), ("value", hideValue ? .null : .number(value)),
            ("message", .string(stated)), ("actions", .array(actions.map { .string($0.summary) })),
            ("actionIds", .array(actions.map { .string($0.id) })),
        ]
        if hideValue { fields.append(("suppressed", .bool(true))) }
        return .object(fields)
    }
}

/// A count, or `null` when the policy suppresses it.
func count(_ n: Int, _ policy: SuppressionPolicy?) -> JSONValue {
    if let policy, policy.suppresses(n) { return .null }
    return .int(n)
}

extension DimensionResult {
    func json(_ policy: SuppressionPolicy?, _ disclosure: AdvancedDisclosure) -> JSONValue {
        // Composition: the district and its schools suppressed as one table.
        let suppressed = policy.map { suppressedComposition($0) }
        let shown = suppressed?.district ?? (counts + [unknown]).map { Optional($0) }
        var composition: [(String, JSONValue)] = groups.indices.map { (groups[$0], shown[$0].map(JSONValue.int) ?? .null) }
        composition.append(("unknown", shown[groups.count].map(JSONValue.int) ?? .null))
        var out: [(String, JSONValue)] = [("composition", .object(composition))]
        let schoolCells = suppressed?.schools ?? acrossSchools.schools.map { ($0.counts + [$0.unknown]).map { Optional($0) } }
        if let r = districtVsReference { out.append(("districtVsReference", .object([("dissimilarity", .number(r))]))) }
        out.append(("acrossSchools", .object([
            ("D", .number(acrossSchools.D)), ("H", .number(acrossSchools.H)), ("M", .number(acrossSchools.M)),
            ("schools", .array(acrossSchools.schools.enumerated().map { i, s in
                let cells = schoolCells[i]
                var comp: [(String, JSONValue)] = groups.indices.map { (groups[$0], cells[$0].map(JSONValue.int) ?? .null) }
                comp.append(("unknown", cells[groups.count].map(JSONValue.int) ?? .null))
                return .object([
                    ("id", .string(s.id)), ("name", .string(s.name)),
                    ("students", suppressed.map { $0.schoolStudents[i].map(JSONValue.int) ?? .null } ?? .int(s.students)),
                    ("composition", .object(comp)),
                    ("dissimilarityVsDistrict", suppressed.map { $0.index(i, s.dissimilarityVsDistrict).map(JSONValue.number) ?? .null } ?? .number(s.dissimilarityVsDistrict)),
                ])
            })),
        ])))
        out.append(("withinSchools", .object([
            ("H_between", .number(withinSchools.hBetween)), ("H_within", .number(withinSchools.hWithin)),
            ("M_between", .number(withinSchools.mBetween)), ("M_within", .number(withinSchools.mWithin)),
            ("schools", .array(withinSchools.schools.map { s in
                .object([
                    ("id", .string(s.id)), ("name", .string(s.name)), ("classrooms", .int(s.classrooms.count)),
                    ("H", .number(s.H)), ("expectedH", .number(s.expectedH)), ("excessH", .number(s.excessH)),
                    ("pValue", .number(s.pValue)), ("significant", .bool(s.significant)),
                    ("classroomsList", .array(s.classrooms.map { c in
                        .object([("id", .string(c.id)), ("title", .string(c.title)), ("students", count(c.students, policy)),
                                 ("dissimilarityVsSchool", policy?.hidesIndex(of: c.counts) == true ? .null : .number(c.dissimilarityVsSchool))])
                    })),
                ])
            })),
        ])))
        func groupsJSON(_ gs: [Advanced.Group], school: String?) -> JSONValue {
            .object(zip(gs, disclosure.shown(gs, school: school)).map { g, x in
                func rate(_ x: Double?) -> JSONValue {
                    guard let x else { return .null }
                    if let policy, let coded = policy.code(share: x) { return .string(coded) }
                    return .number(x)
                }
                return (g.group, .object([
                    ("eligible", x.eligible.map(JSONValue.int) ?? .null), ("participants", x.participants.map(JSONValue.int) ?? .null),
                    ("rate", rate(x.rate)), ("representationIndex", x.representationIndex.map(JSONValue.number) ?? .null),
                    ("gapToHighestPP", x.gapToHighestPP.map(JSONValue.number) ?? .null),
                    ("missing", x.missing.map(JSONValue.number) ?? .null),
                    ("missingToHighest", x.missingToHighest.map(JSONValue.number) ?? .null),
                ]))
            })
        }
        func levelGroupsJSON(_ gs: [Advanced.Group]) -> JSONValue {
            guard let policy else { return groupsJSON(gs, school: nil) }
            return .object(gs.map { g in
                let hide = policy.suppressesRate(g.participants, of: g.eligible)
                let rate: JSONValue = hide ? .null : (policy.code(share: g.rate).map(JSONValue.string) ?? .number(g.rate))
                return (g.group, .object([("rate", rate)]))
            })
        }
        var advancedFields: [(String, JSONValue)] = [
            ("overallRate", disclosure.overall(advanced.overallRate, school: nil).map(JSONValue.number) ?? .null),
            ("groups", groupsJSON(advanced.groups, school: nil)),
            ("schools", .array(advanced.schools.map { s in
                .object([("id", .string(s.id)), ("name", .string(s.name)), ("groups", groupsJSON(s.groups, school: s.id))])
            })),
        ]
        if let levels = advanced.levels {
            advancedFields.append(("levels", .object(levels.map { l in
                // A level's overall rate and cross-group statistics would give a hidden
                // group back as the any-level ones would: a public view shows its rates only.
                (l.level.rawValue, .object([
                    ("overallRate", policy == nil ? .number(l.overallRate) : .null),
                    ("groups", levelGroupsJSON(l.groups)),
                    ("schools", .array(l.schools.map { s in
                        .object([("id", .string(s.id)), ("name", .string(s.name)), ("groups", levelGroupsJSON(s.groups))])
                    })),
                ]))
            })))
        }
        out.append(("advanced", .object(advancedFields)))
        return .object(out)
    }
}

extension SuppressionPolicy {
    /// The policy as the public JSON states it.
    var json: JSONValue {
        .object([
            ("minimumN", .int(minimumN)),
            ("rule", .string("counts of 1 to \(minimumN - 1) students are null, with complementary cells hidden so that none can be recovered from a shown total; shares below \(Int((lowShare * 100).rounded()))% or above \(Int((highShare * 100).rounded()))% are coded")),
        ])
    }
}
