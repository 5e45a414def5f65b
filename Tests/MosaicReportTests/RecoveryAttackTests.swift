import Foundation
import MosaicCore
import MosaicDiagnostic
import MosaicImport
import MosaicMetrics
import MosaicReport
import MosaicTestSupport
import Testing

/// The public view attacked as an outsider would: everything the public diagnostic JSON
/// shows, every relation a reader knows between its numbers (a school's groups add up to
/// its students and the schools to the district; participants are among the eligible and
/// the eligible among the enrolled, equal to them when every grade is offered; every
/// dimension's groups add up to the same eligible students; one level's students are
/// among all levels'), and linear programming over all of it at once. No count of 1 to
/// min n − 1 students, nor eligible − participants or enrolled − eligible, may come back.
struct PublicRecoveryAttack {
    var problem = DisclosureProblem()
    var hidden: [Bool] = []
    /// Numbers the JSON shows that a reader could use beyond the counts (a rate beside a
    /// hidden count, an index beside a hidden cell, a classroom's index): each a leak.
    var shownBeyondCounts: [String] = []
    /// What each count is, for the findings.
    var labels: [String] = []

    /// Builds the reader's model from the public JSON, with the true counts from the
    /// district's own (unsuppressed) JSON of the same diagnostic.
    /// `dimensions`: the dimensions the reader models (all by default, race × income
    /// apart: ``intersectionAttack(_:minimumN:)`` attacks it with race and income, tied
    /// together cell by cell — a larger program, so run on its own).
    init(public view: JSONValue, truth: JSONValue, knownSchools: Set<String> = [],
         dimensions: Set<String> = ["race", "economic", "englishLearner", "disability", "gender"]) {
        var p = DisclosureProblem()
        var hidden: [Bool] = []
        var labels: [String] = []
        var where_ = ""
        func cell(_ shown: JSONValue?, _ value: JSONValue?, school: String? = nil, _ label: String = "", zerosShown: Bool = true) -> Int {
            let v = value?.intValue ?? 0
            let known = school.map(knownSchools.contains) ?? false
            let h = p.count(v, known ? .known : .published, zerosShown: zerosShown)
            hidden.append(!known && shown == .null)
            labels.append("\(where_) \(label)\(shown == .null ? " (hidden)" : "")")
            return h
        }
        /// A relation is credited to the reader when it holds for the true counts.
        func relate(_ terms: [DisclosureProblem.Term], _ r: LinearProgram.Relation = .equal) {
            let lhs = terms.reduce(0) { $0 + $1.coefficient * p.values[$1.count] }
            switch r {
            case .equal where lhs == 0, .atMost where lhs <= 0, .atLeast where lhs >= 0: p.relate(terms, r)
            default: break
            }
        }
        var studentCell: [String: Int] = [:]
        var districtStudents: Int?
        // Eligible / participants blocks: dimension → unit ("" = district) → level → (e, p) per group.
        var blocks: [String: [String: [String: [(e: Int, p: Int)]]]] = [:]
        var unknownZero: [String: [String: Bool]] = [:]
        // Dimension → unit ("" = district) → composition cells, in the dimension's group order.
        var compositionCells: [String: [String: [Int]]] = [:]
        var groupNames: [String: [String]] = [:]
        let dims = (view["dimensions"]?.members ?? []).filter { dimensions.contains($0.0) }
        for (name, block) in dims {
            let full = truth["dimensions"]?[name]
            let groups = (block["composition"]?.members ?? []).map(\.0)
            // Composition.
            where_ = "\(name) district"
            let dCells = groups.map { g in cell(block["composition"]?[g], full?["composition"]?[g], school: nil, g) }
            let total = p.values.count
            if districtStudents == nil {
                districtStudents = cell(view["students"], truth["students"], school: nil, "students")
                _ = total
            }
            relate([(districtStudents!, -1)] + dCells.map { ($0, 1) })
            var columns = Array(repeating: [Int](), count: groups.count)
            let schools = block["acrossSchools"]?["schools"]?.elements ?? []
            let fullSchools = full?["acrossSchools"]?["schools"]?.elements ?? []
            var enrolledBy: [String: [Int]] = [:]
            for (s, fs) in zip(schools, fullSchools) {
                guard case .string(let id)? = s["id"] else { continue }
                where_ = "\(name) \(id)"
                if studentCell[id] == nil { studentCell[id] = cell(s["students"], fs["students"], school: id, "students") }
                // A row the view hides whole hides its zeros too: a hidden cell there may be 0.
                let whole = s["suppressedWhole"] == .bool(true)
                let cells = groups.map { g in cell(s["composition"]?[g], fs["composition"]?[g], school: id, g, zerosShown: !whole) }
                relate([(studentCell[id]!, -1)] + cells.map { ($0, 1) })
                for k in cells.indices { columns[k].append(cells[k]) }
                enrolledBy[id] = cells
                unknownZero[name, default: [:]][id] = fs["composition"]?["unknown"]?.intValue == 0
                // Indices beside hidden cells, and classrooms' indices, are leaks in themselves.
                if s["dissimilarityVsDistrict"] != .null, cells.contains(where: { hidden[$0] }) || dCells.contains(where: { hidden[$0] }) {
                    shownBeyondCounts.append("\(name) \(id): ½Σ|p − P| beside a hidden cell")
                }
            }
            unknownZero[name, default: [:]][""] = full?["composition"]?["unknown"]?.intValue == 0
            for k in groups.indices { relate([(dCells[k], -1)] + columns[k].map { ($0, 1) }) }
            relate([(districtStudents!, -1)] + studentCell.values.map { ($0, 1) })
            enrolledBy[""] = dCells
            compositionCells[name] = enrolledBy
            groupNames[name] = groups
            for s in block["withinSchools"]?["schools"]?.elements ?? [] {
                for c in s["classroomsList"]?.elements ?? [] where c["dissimilarityVsSchool"] != .null {
                    if case .string(let id)? = s["id"], knownSchools.contains(id) { continue }
                    shownBeyondCounts.append("\(name): a classroom's index is shown")
                }
            }
            // Advanced coursework, any level, per school and district; each level, district.
            func advanced(_ shownGroups: JSONValue?, _ trueGroups: JSONValue?, unit: String, level: String, school: String?) {
                let gs = (trueGroups?.members ?? []).map(\.0)
                var pairs: [(e: Int, p: Int)] = []
                for g in gs {
                    let x = shownGroups?[g], t = trueGroups?[g]
                    where_ = "\(name) \(unit.isEmpty ? "district" : unit) \(level)"
                    // An advanced block is hidden whole, zeros included: a hidden count there may be 0.
                    let e = cell(x?["eligible"], t?["eligible"], school: school, "\(g) eligible", zerosShown: false)
                    let part = cell(x?["participants"], t?["participants"], school: school, "\(g) participants", zerosShown: false)
                    relate([(part, 1), (e, -1)], .atMost)
                    p.protect([(e, 1), (part, -1)])
                    if let k = groups.firstIndex(of: g), let enrolled = enrolledBy[unit]?[k] {
                        relate([(e, 1), (enrolled, -1)], .atMost)
                        relate([(e, 1), (enrolled, -1)])
                        p.protect([(enrolled, 1), (e, -1)])
                    }
                    // A rate, representation, gap or missing count shown beside a hidden count.
                    let rateShown = x?["rate"] != nil && x?["rate"] != .null
                    if rateShown && (hidden[e] || hidden[part]) { shownBeyondCounts.append("\(name) \(unit) \(level) \(g): rate beside a hidden count") }
                    pairs.append((e, part))
                }
                let anyHidden = pairs.contains { hidden[$0.e] || hidden[$0.p] }
                for g in gs where anyHidden {
                    for key in ["representationIndex", "gapToHighestPP", "missing", "missingToHighest"] {
                        if let v = shownGroups?[g]?[key], v != .null { shownBeyondCounts.append("\(name) \(unit) \(level) \(g): \(key) beside a hidden count") }
                    }
                }
                blocks[name, default: [:]][unit, default: [:]][level] = pairs
            }
            let adv = block["advanced"], fadv = full?["advanced"]
            advanced(adv?["groups"], fadv?["groups"], unit: "", level: "any", school: nil)
            for (s, fs) in zip(adv?["schools"]?.elements ?? [], fadv?["schools"]?.elements ?? []) {
                guard case .string(let id)? = fs["id"] else { continue }
                advanced(s["groups"], fs["groups"], unit: id, level: "any", school: id)
            }
            for (level, l) in fadv?["levels"]?.members ?? [] {
                advanced(adv?["levels"]?[level]?["groups"], l["groups"], unit: "", level: level, school: nil)
            }
            // District = Σ schools, any level.
            let units = blocks[name]?.keys.filter { !$0.isEmpty } ?? []
            if let d = blocks[name]?[""]?["any"] {
                for g in d.indices {
                    relate([(d[g].e, -1)] + units.compactMap { blocks[name]?[$0]?["any"]?[g].e }.map { ($0, 1) })
                    relate([(d[g].p, -1)] + units.compactMap { blocks[name]?[$0]?["any"]?[g].p }.map { ($0, 1) })
                }
                // Each level's among all levels'.
                for (level, l) in blocks[name]?[""] ?? [:] where level != "any" {
                    for g in l.indices where g < d.count {
                        relate([(l[g].e, 1), (d[g].e, -1)], .atMost)
                        relate([(l[g].p, 1), (d[g].p, -1)], .atMost)
                        p.protect([(d[g].e, 1), (l[g].e, -1)])
                        p.protect([(d[g].p, 1), (l[g].p, -1)])
                    }
                }
            }
            if adv?["overallRate"] != .null, blocks[name]?[""]?["any"]?.contains(where: { hidden[$0.e] || hidden[$0.p] }) == true {
                shownBeyondCounts.append("\(name): overall rate beside a hidden count")
            }
        }
        // Race × income against race and income: at every unit, a race's two intersection
        // cells and its students of unknown income (never shown) add up to the race's count,
        // and an income group's cells and its students of unknown race to the group's — for
        // the enrolment and the eligible students and participants of every block alike.
        if let cross = groupNames["raceByEconomic"], let races = groupNames["race"], let incomes = groupNames["economic"] {
            func crossRelations(_ whole: (String, Int) -> Int?, _ part: (Int) -> Int?) {
                for (r, race) in races.enumerated() where race != "unknown" {
                    let members = incomes.filter { $0 != "unknown" }.compactMap { cross.firstIndex(of: "\(race)·\($0)") }.compactMap(part)
                    guard let total = whole("race", r), members.count == 2 else { continue }
                    let rest = p.values[total] - members.reduce(0) { $0 + p.values[$1] }
                    let u = p.count(max(0, rest), .unpublished, zerosShown: false)
                    hidden.append(true)
                    labels.append("race \(race) of unknown income")
                    relate([(total, -1), (u, 1)] + members.map { ($0, 1) })
                }
                for (e, income) in incomes.enumerated() where income != "unknown" {
                    let members = races.filter { $0 != "unknown" }.compactMap { cross.firstIndex(of: "\($0)·\(income)") }.compactMap(part)
                    guard let total = whole("economic", e), members.count == races.count - 1 else { continue }
                    let rest = p.values[total] - members.reduce(0) { $0 + p.values[$1] }
                    let u = p.count(max(0, rest), .unpublished, zerosShown: false)
                    hidden.append(true)
                    labels.append("\(income) of unknown race")
                    relate([(total, -1), (u, 1)] + members.map { ($0, 1) })
                }
            }
            for unit in compositionCells["raceByEconomic"]?.keys ?? [:].keys {
                crossRelations({ compositionCells[$0]?[unit]?[$1] }, { compositionCells["raceByEconomic"]?[unit]?[$0] })
            }
            for (unit, levels) in blocks["raceByEconomic"] ?? [:] {
                for (level, pairs) in levels {
                    crossRelations({ d, g in blocks[d]?[unit]?[level].flatMap { b in g < b.count ? b[g].e : nil } }, { $0 < pairs.count ? pairs[$0].e : nil })
                    crossRelations({ d, g in blocks[d]?[unit]?[level].flatMap { b in g < b.count ? b[g].p : nil } }, { $0 < pairs.count ? pairs[$0].p : nil })
                }
            }
        }
        // Between dimensions: with no unknowns in both, their groups add up to the same eligible
        // students and participants, at every unit and level.
        let names = dims.map(\.0)
        for (a, b) in zip(names, names.dropFirst()) {
            for (unit, levels) in blocks[a] ?? [:] {
                guard unknownZero[a]?[unit] == true, unknownZero[b]?[unit] == true else { continue }
                for (level, x) in levels {
                    guard let y = blocks[b]?[unit]?[level] else { continue }
                    relate(x.map { ($0.e, 1) } + y.map { ($0.e, -1) })
                    relate(x.map { ($0.p, 1) } + y.map { ($0.p, -1) })
                }
            }
        }
        problem = p
        self.hidden = hidden
        self.labels = labels
    }

    /// Every small count the attack names, as readable lines.
    func findings(minimumN: Int) -> [String] {
        problem.recoverable(minimumN: minimumN, hidden: hidden).map { form in
            form.map { "\($0.coefficient > 0 ? "+" : "−")[\(labels[$0.count])]" }.joined() + " = \(form.reduce(0) { $0 + $1.coefficient * problem.values[$1.count] })"
        } + shownBeyondCounts
    }
}

extension JSONValue {
    var intValue: Int? {
        switch self {
        case .int(let i): i
        case .number(let x): Int(x)
        default: nil
        }
    }
}

@Suite struct RecoveryAttackTests {
    static let guidebook = try! Guidebook(contentsOf: TestSupport.shared.appendingPathComponent("data/actions.json").path)

    static func district(seed: UInt64, students: Int, schools: Int) throws -> Diagnostic {
        var rng = SeededGenerator(seed: seed)
        // Profiles drawn at random too: the district's mix varies from run to run.
        let profiles = (0..<3).map { _ in
            let race = (0..<5).map { _ in Double.random(in: 0.02...1, using: &rng) }
            let sum = race.reduce(0, +)
            return SyntheticDistrict.Profile(race: race.map { $0 / sum }, poverty: .random(in: 0.1...0.9, using: &rng),
                                             englishLearner: .random(in: 0.02...0.3, using: &rng), disability: .random(in: 0.05...0.25, using: &rng),
                                             female: .random(in: 0.45...0.55, using: &rng))
        }
        let roster = SyntheticDistrict(.init(students: students, schools: schools, tracking: .random(in: 0...1, using: &rng),
                                             sorting: .random(in: 0...1, using: &rng)), profiles: profiles, using: &rng).roster
        return try diagnose(roster, options: .init(baselineDraws: 10, seed: seed, minimumN: 10, guidebook: guidebook))
    }

    /// Random districts (sizes, mixes, tracking and sorting drawn from the seed), attacked
    /// through the public JSON at three minimum sizes: nothing comes back.
    @Test(arguments: [(UInt64(1), 900, 3), (2, 1_500, 4), (3, 2_400, 5), (4, 600, 4), (5, 3_000, 6)])
    func randomDistrictsGiveNothingBack(_ seed: UInt64, students: Int, schools: Int) throws {
        let d = try Self.district(seed: seed, students: students, schools: schools)
        let truth = d.json(policy: nil)
        for minimumN in [5, 10, 20] {
            let view = d.scopedJSON(policy: SuppressionPolicy(minimumN: minimumN))
            let attack = PublicRecoveryAttack(public: view, truth: truth)
            let found = attack.findings(minimumN: minimumN)
            #expect(found.isEmpty, "seed \(seed), min n \(minimumN): \(found.prefix(8))")
            // Something is hidden, so the attack attacks something.
            #expect(attack.hidden.contains(true))
        }
    }

    /// Race × income (issue 22) attacked together with race and income: every cell of the
    /// intersection tied to its race's and its income group's, at every school and in the
    /// district, for the enrolment, the eligible students and the participants; the students
    /// of unknown income (or race) in between are never shown and attacked too.
    @Test(arguments: [(UInt64(4), 600, 4), (1, 900, 3)])
    func theIntersectionGivesNothingBack(_ seed: UInt64, students: Int, schools: Int) throws {
        let d = try Self.district(seed: seed, students: students, schools: schools)
        let truth = d.json(policy: nil)
        for minimumN in [5, 10] {
            let view = d.scopedJSON(policy: SuppressionPolicy(minimumN: minimumN))
            let attack = PublicRecoveryAttack(public: view, truth: truth, dimensions: ["race", "economic", "raceByEconomic"])
            let found = attack.findings(minimumN: minimumN)
            #expect(found.isEmpty, "seed \(seed), min n \(minimumN): \(found.prefix(8))")
            // The district's intersection is shown where it is safe: not everything is hidden.
            let cross = try #require(view["dimensions"]?["raceByEconomic"]?["composition"]?.members)
            #expect(cross.contains { $0.1 != .null && $0.1 != .int(0) })
        }
    }

    /// The same attack finds the leak the old view had: the composition table suppressed on
    /// its own and the advanced table beside it with every eligible count shown.
    @Test func theAttackFindsTheTableByTableLeak() throws {
        let d = try Self.district(seed: 2, students: 1_500, schools: 4)
        let truth = d.json(policy: nil)
        let policy = SuppressionPolicy(minimumN: 10)
        var view = d.scopedJSON(policy: policy)
        // Undo the joint decision for the advanced tables: every eligible count the rate
        // rule alone allowed, as the view showed them before.
        view = view.replacingAdvancedEligible(with: truth, policy: policy)
        let attack = PublicRecoveryAttack(public: view, truth: truth)
        #expect(!attack.findings(minimumN: 10).isEmpty)
    }

    /// A school leader knows their own school: the view they get of the others holds up
    /// against that knowledge too.
    @Test func aSchoolLeadersViewGivesNothingBackAboutOtherSchools() throws {
        let d = try Self.district(seed: 3, students: 2_400, schools: 5)
        let truth = d.json(policy: nil)
        let own = d.dimensions[0].acrossSchools.schools[0].id
        let disclosure = DiagnosticDisclosure(d, audience: .schoolLeader(schools: [own]), policy: SuppressionPolicy(minimumN: 10))
        let view = d.scopedJSON(disclosure)
        let attack = PublicRecoveryAttack(public: view, truth: truth, knownSchools: [own])
        let found = attack.findings(minimumN: 10)
        #expect(found.isEmpty, "\(found.prefix(8))")
    }
}

extension JSONValue {
    /// The view with every school's advanced `eligible` replaced by its true value where
    /// the rate rule alone would show it (the table-by-table view).
    func replacingAdvancedEligible(with truth: JSONValue, policy: SuppressionPolicy) -> JSONValue {
        func walk(_ v: JSONValue, _ t: JSONValue?, path: [String]) -> JSONValue {
            switch v {
            case .object(let members):
                return .object(members.map { key, value in
                    if key == "eligible", path.contains("advanced"), let n = t?[key]?.intValue, !policy.suppresses(n) { return (key, .int(n)) }
                    return (key, walk(value, t?[key], path: path + [key]))
                })
            case .array(let a):
                return .array(a.enumerated().map { i, x in walk(x, t?.elements.flatMap { i < $0.count ? $0[i] : nil }, path: path) })
            default: return v
            }
        }
        return walk(self, truth, path: [])
    }
}

/// The demo store's synthetic district (what `mosaic demo` builds: 20,000 students in 24
/// schools from the real NYC 2017-18 profiles, seed 2026) in its first and last school
/// year, attacked through the public JSON at the demo's minimum n.
@Suite struct DemoDistrictAttackTests {
    @Test(arguments: [(2023, 1.2, 0.7), (2026, 0.4, 0.3)])
    func theDemoDistrictGivesNothingBack(_ year: Int, tracking: Double, sorting: Double) throws {
        let nyc = try NYCDemographicSnapshot.schools(from: CSVTable(contentsOf: TestSupport.shared
            .appendingPathComponent("data/nyc/nyc_demographic_snapshot_school_2013-14_to_2017-18.csv").path))
        let profiles = SyntheticDistrict.Profile.from(nyc, year: SchoolYear(startYear: 2017))
        var rng = SeededGenerator(seed: 2026)
        let roster = SyntheticDistrict(.init(students: 20_000, schools: 24, tracking: tracking, sorting: sorting, schoolYear: year),
                                       profiles: profiles, using: &rng).roster
        let d = try diagnose(roster, options: .init(baselineDraws: 10, seed: UInt64(year), minimumN: 10, guidebook: RecoveryAttackTests.guidebook))
        let view = d.scopedJSON(policy: SuppressionPolicy(minimumN: 10))
        let attack = PublicRecoveryAttack(public: view, truth: d.json(policy: nil))
        let found = attack.findings(minimumN: 10)
        #expect(found.isEmpty, "\(year): \(found.prefix(8))")
        #expect(attack.hidden.contains(true))
    }
}

/// The public pages' CSV tables hold exactly the counts the public JSON holds — the same
/// count where the JSON shows one, "suppressed" where it hides one — so the attack above
/// over the JSON covers them: subtracting a CSV table from the JSON, or one CSV from
/// another, gives nothing the JSON alone does not.
@Suite struct PublicTablesMatchTheJSONTests {
    static func csv(_ text: String) -> [[String]] {
        text.split(separator: "\n").map { line in
            var fields: [String] = [], field = "", quoted = false
            for ch in line {
                if ch == "\"" { quoted.toggle(); continue }
                if ch == "," && !quoted { fields.append(field); field = ""; continue }
                field.append(ch)
            }
            fields.append(field)
            return fields
        }
    }

    /// "1,234 (12.0%)" → 1234; "suppressed" → nil.
    static func count(_ cell: String) -> Int?? {
        if cell == "suppressed" { return .some(nil) }
        let digits = cell.prefix { $0.isNumber || $0 == "," }.replacingOccurrences(of: ",", with: "")
        return Int(digits).map { .some($0) } ?? nil
    }

    @Test(arguments: [(UInt64(2), 1_500, 4, 10), (3, 2_400, 5, 5), (5, 3_000, 6, 20)])
    func everyCSVCountIsTheJSONsCount(_ seed: UInt64, students: Int, schools: Int, minimumN: Int) throws {
        let d = try RecoveryAttackTests.district(seed: seed, students: students, schools: schools)
        let policy = SuppressionPolicy(minimumN: minimumN)
        let json = d.scopedJSON(policy: policy)
        let dashboard = Dashboard(site: .init(district: "d", name: "District", synthetic: true, terms: [.init(id: "t", title: "Term")]),
                                  policy: policy, viewer: "public")
        let files = Dictionary(uniqueKeysWithValues: dashboard.overview(d, term: "t").tables.map { ($0.name, $0.text) })
        var compared = 0, suppressed = 0
        for (name, block) in json["dimensions"]?.members ?? [] {
            let groups = (block["composition"]?.members ?? []).map(\.0)
            // Schools: students and every group's count, by school name.
            let table = Self.csv(try #require(files["\(name)-schools.csv"]))
            let schoolsJSON = block["acrossSchools"]?["schools"]?.elements ?? []
            for row in table.dropFirst() {
                let shown: JSONValue?
                if row[0] == "District" {
                    shown = block["composition"]
                    #expect(Self.count(row[1]) == .some(json["students"]?.intValue), "\(name) district students")
                } else {
                    let s = try #require(schoolsJSON.first { $0["name"] == .string(row[0]) }, "\(row[0])")
                    shown = s["composition"]
                    #expect(Self.count(row[1]) == .some(s["students"]?.intValue), "\(name) \(row[0]) students")
                }
                for (k, g) in groups.enumerated() {
                    let fromJSON = shown?[g]?.intValue
                    #expect(Self.count(row[2 + k]) == .some(fromJSON), "\(name) \(row[0]) \(g): CSV \(row[2 + k]), JSON \(String(describing: fromJSON))")
                    compared += 1
                    if fromJSON == nil { suppressed += 1 }
                }
            }
            // The district's advanced participation, group by group.
            guard let advanced = files["\(name)-advanced.csv"] else { continue }
            let rows = Self.csv(advanced)
            let columns = [("eligible", "eligible"), ("participants", "participants"), ("in offered grades", "inOfferedGrades")].compactMap { header, key in
                rows[0].firstIndex(of: header).map { ($0, key) }
            }
            #expect(columns.count == 3, "\(rows[0])")
            for row in rows.dropFirst() {
                let g = try #require(groups.first { Dimension.label($0) == row[0] } ?? (row[0] == "Unknown" ? "unknown" : nil), "\(row[0])")
                let x = block["advanced"]?["groups"]?[g]
                for (column, key) in columns {
                    #expect(Self.count(row[column]) == .some(x?[key]?.intValue), "\(name) district advanced \(g) \(key): CSV \(row[column])")
                    compared += 1
                }
            }
        }
        #expect(compared > 100 && suppressed > 0, "\(compared) cells compared, \(suppressed) suppressed")
    }
}
