import MosaicCore
import MosaicDiagnostic

/// `mosaic crdc`'s outputs (contract `crdc.md`): the JSON, a CSV row per district and the
/// terminal table. Plain data in, text out.
public struct PublicDataOutput: Sendable {
    public var source: String
    public var encoding: String
    public var states: [PublicStateFigures]
    public var districts: [PublicDistrictFigures]
    /// The published analysis rebuilt over the districts shown (nil for fewer than two).
    public var fit: APRepresentationFit?

    public init(source: String, encoding: String, states: [PublicStateFigures], districts: [PublicDistrictFigures], fit: APRepresentationFit?) {
        self.source = source
        self.encoding = encoding
        self.states = states
        self.districts = districts
        self.fit = fit
    }

    static let groups = PublicHighSchool.raceGroups

    static func counts(_ c: [Int]) -> JSONValue { .object(zip(groups, c).map { ($0, .int($1)) }) }
    static func rates(_ r: [Double?]) -> JSONValue { .object(zip(groups, r).map { ($0, $1.map(JSONValue.number) ?? .null) }) }
    static func number(_ v: Double?) -> JSONValue { v.map(JSONValue.number) ?? .null }

    public var json: JSONValue {
        var top: [(String, JSONValue)] = [("source", .string(source)), ("encoding", .string(encoding)), ("groups", .array(Self.groups.map(JSONValue.string)))]
        top.append(("states", .array(states.map { s in
            .object([("state", .string(s.state)), ("districts", .int(s.districts)), ("highSchools", .int(s.highSchools)),
                     ("students", Self.counts(s.students)), ("apStudents", Self.counts(s.apStudents))])
        })))
        top.append(("districts", .array(districts.map { d in
            .object([
                ("state", .string(d.state)), ("district", .string(d.district)), ("highSchools", .int(d.highSchools)),
                ("highSchoolsWithAP", .int(d.highSchoolsWithAP)), ("students", Self.counts(d.students)),
                ("apStudents", Self.counts(d.apStudents)), ("inHighSchoolsWithoutAP", Self.counts(d.inHighSchoolsWithoutAP)),
                ("studentsOfColorShare", Self.number(d.studentsOfColorShare)), ("apStudentsOfColorShare", Self.number(d.apStudentsOfColorShare)),
                ("representation", Self.rates(d.representation)), ("accessRate", Self.rates(d.accessRate)),
                ("D", .number(d.D)), ("dissimilarityVsState", .number(d.dissimilarityVsState)),
                ("statePercentileD", Self.number(d.statePercentileD)),
                ("schools", .array(d.schools.map { s in
                    .object([("school", .string(s.name)), ("ap", .bool(s.offersAP)), ("students", Self.counts(s.students)),
                             ("apStudents", Self.counts(s.apStudents)), ("dissimilarityVsDistrict", Self.number(s.dissimilarityVsDistrict))])
                })),
            ])
        })))
        if let fit {
            top.append(("apRepresentationFit", .object([
                ("districts", .int(fit.districts)), ("shareLower", .number(fit.shareLower)), ("shareBelowHalf", .number(fit.shareBelowHalf)),
                ("intercept", .number(fit.intercept)), ("slope", .number(fit.slope)),
            ])))
        }
        return .object(top)
    }

    /// One row per district: the contract's figures, then per group its students, AP
    /// students, students in high schools without AP, representation and access rate.
    public var csv: String {
        var header = ["state", "district", "highSchools", "highSchoolsWithAP", "students", "apStudents", "studentsOfColorShare",
                      "apStudentsOfColorShare", "D", "dissimilarityVsState", "statePercentileD"]
        for g in Self.groups { header += ["students_\(g)", "apStudents_\(g)", "inHighSchoolsWithoutAP_\(g)", "representation_\(g)", "accessRate_\(g)"] }
        func line(_ cells: [String]) -> String { cells.map(spreadsheetField).joined(separator: ",") + "\n" }
        var out = line(header)
        func f(_ v: Double?) -> String { v.map { "\($0)" } ?? "" }
        for d in districts {
            var row = [d.state, d.district, "\(d.highSchools)", "\(d.highSchoolsWithAP)", "\(d.totalStudents)", "\(d.totalAPStudents)",
                       f(d.studentsOfColorShare), f(d.apStudentsOfColorShare), f(d.D), f(d.dissimilarityVsState), f(d.statePercentileD)]
            for k in Self.groups.indices {
                row += ["\(d.students[k])", "\(d.apStudents[k])", "\(d.inHighSchoolsWithoutAP[k])", f(d.representation[k]), f(d.accessRate[k])]
            }
            out += line(row)
        }
        return out
    }

    /// The terminal table: the states, then the districts (largest first, up to `limit`),
    /// then the published comparison over the districts shown.
    public func text(limit: Int) -> String {
        var out = "\(source) (read as \(encoding))\n\n"
        var st = TextTable(["state", "districts", "high schools", "students", "AP students", "students of colour", "of AP students"])
        for s in states {
            let all = s.students.reduce(0, +), ap = s.apStudents.reduce(0, +)
            st.append([s.state, Format.count(s.districts), Format.count(s.highSchools), Format.count(all), Format.count(ap),
                       all > 0 ? Format.percent(1 - Double(s.students[PublicHighSchool.white]) / Double(all)) : "–",
                       ap > 0 ? Format.percent(1 - Double(s.apStudents[PublicHighSchool.white]) / Double(ap)) : "–"])
        }
        out += st.rendered()
        let shown = districts.sorted { ($0.totalStudents, $1.district) > ($1.totalStudents, $0.district) }
        let listed = limit > 0 ? Array(shown.prefix(limit)) : shown
        out += "\n\(Format.count(districts.count)) district\(districts.count == 1 ? "" : "s")\(listed.count < shown.count ? ", the \(listed.count) largest listed" : ""):\n"
        var dt = TextTable(["state", "district", "high schools", "with AP", "students", "of colour", "of AP students", "D", "vs state",
                            "state pct", "Black access", "Hispanic access"])
        func pct(_ v: Double?) -> String { v.map { Format.percent($0) } ?? "–" }
        for d in listed {
            dt.append([d.state, d.district, "\(d.highSchools)", "\(d.highSchoolsWithAP)", Format.count(d.totalStudents),
                       pct(d.studentsOfColorShare), pct(d.apStudentsOfColorShare), Format.fixed(d.D, 2),
                       Format.fixed(d.dissimilarityVsState, 2), d.statePercentileD.map { Format.fixed($0 * 100, 0) } ?? "–",
                       pct(d.accessRate[2]), pct(d.accessRate[3])])
        }
        out += dt.rendered()
        if districts.count == 1, let d = districts.first {
            out += "\nHigh schools of \(d.district) against the district (½Σ|p − P|):\n"
            var t = TextTable(["school", "AP", "students", "vs district"] + Self.groups)
            for s in d.schools.sorted(by: { ($0.dissimilarityVsDistrict ?? 0) > ($1.dissimilarityVsDistrict ?? 0) }) {
                t.append([s.name, s.offersAP ? "yes" : "no", Format.count(s.students.reduce(0, +)),
                          s.dissimilarityVsDistrict.map { Format.fixed($0, 2) } ?? "–"] + s.students.map(Format.count))
            }
            out += t.rendered()
        }
        if let fit {
            out += "\nAP students against all students, districts over 1,000 students (the published analysis of this file):\n"
            out += "  \(Format.count(fit.districts)) districts; \(Format.percent(fit.shareLower)) have fewer students of colour among AP students than among all students, "
            out += "\(Format.percent(fit.shareBelowHalf)) under half; % of colour among AP students = \(Format.fixed(fit.intercept, 4)) + \(Format.fixed(fit.slope, 4)) × % among all\n"
        }
        return out
    }
}
