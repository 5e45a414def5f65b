import MosaicCore
import MosaicDiagnostic

extension Diagnostic {
    /// The diagnostic as contract `diagnose.md` lays it out (required keys first, more
    /// after). `policy` applies suppression for the public; `nil` is the district view.
    public func json(policy: SuppressionPolicy? = nil) -> JSONValue {
        json(DiagnosticDisclosure(self, audience: policy == nil ? .districtStaff : .public, policy: policy))
    }

    /// The diagnostic as one audience may see it: every number through `disclosure`.
    public func json(_ disclosure: DiagnosticDisclosure) -> JSONValue {
        var root: [(String, JSONValue)] = [
            ("students", disclosure.policy.map { count(students, $0) } ?? .int(students)),
            ("dimensions", .object(dimensions.map { ($0.dimension.rawValue, $0.json(disclosure)) })),
            ("findings", .array(findings.map { $0.json(disclosure, in: self) })),
            ("term", .object([("sourcedId", .string(termID)), ("title", .string(termTitle))])),
            ("schools", .int(schools)), ("classes", .int(classes)),
            ("baseline", .object([("draws", .int(baselineDraws)), ("seed", .seed(seed))])),
        ]
        if let policy = disclosure.policy { root.append(("suppression", policy.json)) }
        return .object(root)
    }
}

extension Finding {
    /// A finding whose numbers would give back a hidden count keeps its outline, and its
    /// value (a school's ½Σ|p − P|, a representation index) is hidden.
    func json(_ disclosure: DiagnosticDisclosure, in d: Diagnostic) -> JSONValue {
        let value = disclosure.value(self, in: d)
        var fields: [(String, JSONValue)] = [
            ("level", .string(level.rawValue)), ("dimension", .string(dimension.rawValue)),
            ("subject", .string(subject)), ("metric", .string(metric)), ("value", value.map(JSONValue.number) ?? .null),
            ("message", .string(disclosure.message(self, in: d))), ("actions", .array(actions.map { .string($0.summary) })),
            ("actionIds", .array(actions.map { .string($0.id) })),
        ]
        if let group { fields.append(("group", .string(group))) }
        if value == nil { fields.append(("suppressed", .bool(true))) }
        return .object(fields)
    }
}

/// A count, or `null` when the policy suppresses it.
func count(_ n: Int, _ policy: SuppressionPolicy?) -> JSONValue {
    if let policy, policy.suppresses(n) { return .null }
    return .int(n)
}

extension DimensionResult {
    func json(_ disclosure: DiagnosticDisclosure) -> JSONValue {
        let comp = disclosure.composition(self)
        func cells(_ shown: [Int?]) -> JSONValue {
            var out: [(String, JSONValue)] = groups.indices.map { (groups[$0], shown[$0].map(JSONValue.int) ?? .null) }
            out.append(("unknown", shown[groups.count].map(JSONValue.int) ?? .null))
            return .object(out)
        }
        func number(_ x: Double?) -> JSONValue { x.map(JSONValue.number) ?? .null }
        var out: [(String, JSONValue)] = [("composition", cells(comp.district))]
        if districtVsReference != nil {
            out.append(("districtVsReference", .object([("dissimilarity", number(disclosure.districtVsReference(self)))])))
        }
        let a = { disclosure.aggregate($0) }
        out.append(("acrossSchools", .object([
            ("D", .number(a(acrossSchools.D))), ("H", .number(a(acrossSchools.H))), ("M", .number(a(acrossSchools.M))),
            ("schools", .array(acrossSchools.schools.enumerated().map { i, s in
                .object([
                    ("id", .string(s.id)), ("name", .string(s.name)),
                    ("students", comp.schoolStudents[i].map(JSONValue.int) ?? .null),
                    ("composition", cells(comp.schools[i])),
                    ("dissimilarityVsDistrict", number(disclosure.schoolIndex(self, i))),
                ])
            })),
        ])))
        out.append(("withinSchools", .object([
            ("H_between", .number(a(withinSchools.hBetween))), ("H_within", .number(a(withinSchools.hWithin))),
            ("M_between", .number(a(withinSchools.mBetween))), ("M_within", .number(a(withinSchools.mWithin))),
            ("schools", .array(withinSchools.schools.map { s in
                .object([
                    ("id", .string(s.id)), ("name", .string(s.name)), ("classrooms", .int(s.classrooms.count)),
                    ("H", .number(a(s.H))), ("expectedH", .number(a(s.expectedH))), ("excessH", .number(a(s.excessH))),
                    ("pValue", .number(a(s.pValue))), ("significant", .bool(s.significant)),
                    ("classroomsList", .array(s.classrooms.map { c in
                        .object([("id", .string(c.id)), ("title", .string(c.title)),
                                 ("students", disclosure.classroomStudents(c, school: s.id).map(JSONValue.int) ?? .null),
                                 ("dissimilarityVsSchool", number(disclosure.classroomIndex(c, school: s.id)))])
                    })),
                ])
            })),
        ])))
        func rate(_ x: Double?) -> JSONValue {
            guard let x else { return .null }
            if let coded = disclosure.code(share: x) { return .string(coded) }
            return .number(x)
        }
        func groupsJSON(level: CourseLevel?, school: String?) -> JSONValue {
            let gs = DiagnosticDisclosure.groups(self, level: level, school: school)
            return .object(zip(gs, disclosure.shown(self, level: level, school: school)).map { g, x in
                (g.group, .object([
                    ("eligible", x.eligible.map(JSONValue.int) ?? .null), ("participants", x.participants.map(JSONValue.int) ?? .null),
                    ("rate", rate(x.rate)), ("representationIndex", number(x.representationIndex)),
                    ("gapToHighestPP", number(x.gapToHighestPP)),
                    ("missing", number(x.missing)),
                    ("missingToHighest", number(x.missingToHighest)),
                ]))
            })
        }
        var advancedFields: [(String, JSONValue)] = [
            ("overallRate", number(disclosure.overall(self, school: nil))),
            ("groups", groupsJSON(level: nil, school: nil)),
            ("schools", .array(advanced.schools.map { s in
                .object([("id", .string(s.id)), ("name", .string(s.name)), ("groups", groupsJSON(level: nil, school: s.id))])
            })),
        ]
        if let levels = advanced.levels {
            advancedFields.append(("levels", .object(levels.map { l in
                (l.level.rawValue, .object([
                    ("overallRate", number(disclosure.overall(self, level: l.level, school: nil))),
                    ("groups", groupsJSON(level: l.level, school: nil)),
                    ("schools", .array(l.schools.map { s in
                        .object([("id", .string(s.id)), ("name", .string(s.name)), ("groups", groupsJSON(level: l.level, school: s.id))])
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
