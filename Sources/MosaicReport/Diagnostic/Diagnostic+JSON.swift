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
            ("information", .array(dimensions.flatMap { dim in
                disclosure.programmeNotes(dim, minimumN: disclosure.policy?.minimumN ?? 10).map { n, share -> JSONValue in
                    .object([("level", .string("programme")), ("dimension", .string(dim.dimension.rawValue)),
                             ("subject", .string("district")), ("group", .string(n.group)), ("programme", .string(n.level.rawValue)),
                             ("metric", .string("programmeSeats")), ("value", .number(share)), ("message", .string(n.message))])
                }
            })),
            ("term", .object([("sourcedId", .string(termID)), ("title", .string(termTitle))])),
            ("schools", .int(schools)), ("classes", .int(classes)),
            ("baseline", .object([("draws", .int(baselineDraws)), ("seed", .seed(seed))])),
        ]
        if let referenceName { root.append(("reference", .object([("name", .string(referenceName))]))) }
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
            var reference: [(String, JSONValue)] = [("dissimilarity", number(disclosure.districtVsReference(self)))]
            // The reference's own shares: published figures (the state's), not the district's students.
            if let shares = referenceShares {
                reference.append(("composition", .object(groups.indices.map { (groups[$0], .number(shares[$0])) })))
            }
            out.append(("districtVsReference", .object(reference)))
        }
        let a = { disclosure.aggregate($0) }
        out.append(("acrossSchools", .object([
            ("D", .number(a(acrossSchools.D))), ("H", .number(a(acrossSchools.H))), ("M", .number(a(acrossSchools.M))),
            ("schools", .array(acrossSchools.schools.enumerated().map { i, s in
                var fields: [(String, JSONValue)] = [
                    ("id", .string(s.id)), ("name", .string(s.name)),
                    ("students", comp.schoolStudents[i].map(JSONValue.int) ?? .null),
                    ("composition", cells(comp.schools[i])),
                    ("dissimilarityVsDistrict", number(disclosure.schoolIndex(self, i))),
                ]
                if disclosure.hidesWhole(self, school: i) { fields.append(("suppressedWhole", .bool(true))) }
                return .object(fields)
            })),
        ])))
        func groupShares(_ shares: [Double?]) -> JSONValue {
            .object(zip(groups, shares).map { g, x in (g, number(x)) })
        }
        func programmeJSON(_ programmes: [WithinSchools.ProgrammeSeats]?, seats: [Int]?) -> [(String, JSONValue)] {
            guard let programmes, let seats else { return [] }
            let shares = disclosure.programmeShares(programmes, seats: seats)
            return [("programmeSeats", groupShares(shares.all)),
                    ("programmes", .object(shares.byLevel.map { ($0.0.rawValue, groupShares($0.1)) }))]
        }
        var within: [(String, JSONValue)] = [
            ("H_between", .number(a(withinSchools.hBetween))), ("H_within", .number(a(withinSchools.hWithin))),
            ("M_between", .number(a(withinSchools.mBetween))), ("M_within", .number(a(withinSchools.mWithin))),
        ]
        if let l = withinSchools.layers {
            let shown = disclosure.layers(l)
            within.append(("layers", .object(ClassroomLayers.Layer.allCases.map { ($0.rawValue, .number(shown[$0])) })))
        }
        within += programmeJSON(withinSchools.programmes, seats: withinSchools.seats)
        within.append(("schools", .array(withinSchools.schools.map { s in
            var fields: [(String, JSONValue)] = [
                ("id", .string(s.id)), ("name", .string(s.name)), ("classrooms", .int(s.classrooms.count)),
                ("H", .number(a(s.H))), ("expectedH", .number(a(s.expectedH))), ("excessH", .number(a(s.excessH))),
                ("pValue", .number(a(s.pValue))), ("significant", .bool(s.significant)),
            ]
            if let l = s.layers {
                let shown = disclosure.layers(l)
                fields.append(("layers", .object(ClassroomLayers.Layer.allCases.map { layer in
                    var entry: [(String, JSONValue)] = [("M", .number(shown[layer])), ("share", .number(a(l.share(layer))))]
                    if layer == .section, let b = s.section {
                        entry += [("expectedM", .number(a(b.expectedM))), ("excessM", .number(a(b.excessM))),
                                  ("pValue", .number(a(b.pValue))), ("significant", .bool(b.significant))]
                    }
                    return (layer.rawValue, .object(entry))
                })))
            }
            fields += programmeJSON(s.programmes, seats: s.seats)
            if let courses = s.courses, disclosure.seesClassrooms(of: s.id) {
                fields.append(("sectionCourses", .array(courses.map { c in
                    .object([("id", .string(c.id)), ("title", .string(c.title)), ("sections", .int(c.sections)),
                             ("seats", .int(c.seats)), ("M", .number(c.M))])
                })))
            }
            fields.append(("classroomsList", .array(s.classrooms.map { c in
                var entry: [(String, JSONValue)] = [
                    ("id", .string(c.id)), ("title", .string(c.title)),
                    ("students", disclosure.classroomStudents(c, school: s.id).map(JSONValue.int) ?? .null),
                    ("dissimilarityVsSchool", number(disclosure.classroomIndex(c, school: s.id))),
                ]
                if let course = c.course { entry.append(("course", .string(course))) }
                return .object(entry)
            })))
            return .object(fields)
        })))
        out.append(("withinSchools", .object(within)))
        func rate(_ x: Double?) -> JSONValue {
            guard let x else { return .null }
            if let coded = disclosure.code(share: x) { return .string(coded) }
            return .number(x)
        }
        func groupsJSON(level: CourseLevel?, school: String?) -> JSONValue {
            let gs = DiagnosticDisclosure.groups(self, level: level, school: school)
            let access = level == nil && school == nil ? disclosure.access(self) : []
            return .object(zip(gs, disclosure.shown(self, level: level, school: school)).enumerated().map { i, pair in
                let (g, x) = pair
                var fields: [(String, JSONValue)] = [
                    ("eligible", x.eligible.map(JSONValue.int) ?? .null), ("participants", x.participants.map(JSONValue.int) ?? .null),
                    ("rate", rate(x.rate)), ("representationIndex", number(x.representationIndex)),
                    ("gapToHighestPP", number(x.gapToHighestPP)),
                    ("missing", number(x.missing)),
                    ("missingToHighest", number(x.missingToHighest)),
                ]
                if g.missingToReference != nil { fields.append(("missingToReference", number(x.missingToReference))) }
                if i < access.count, g.inOfferedGrades != nil {
                    fields += [("inOfferedGrades", access[i].inOfferedGrades.map(JSONValue.int) ?? .null),
                               ("accessRate", rate(access[i].accessRate)), ("accessGapPP", number(access[i].accessGapPP))]
                }
                return (g.group, .object(fields))
            })
        }
        var advancedFields: [(String, JSONValue)] = [
            ("overallRate", number(disclosure.overall(self, school: nil))),
            ("groups", groupsJSON(level: nil, school: nil)),
            ("schools", .array(advanced.schools.map { s in
                .object([("id", .string(s.id)), ("name", .string(s.name)), ("groups", groupsJSON(level: nil, school: s.id))])
            })),
        ]
        if let r = disclosure.reference(self) {
            var fields: [(String, JSONValue)] = [("name", .string(r.reference.name)),
                                                 ("criteria", .array(r.reference.criteria.map(JSONValue.string))),
                                                 ("rate", rate(r.rate))]
            if r.countsShown { fields += [("eligible", .int(r.reference.eligible)), ("participants", .int(r.reference.participants))] }
            advancedFields.append(("reference", .object(fields)))
        }
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
