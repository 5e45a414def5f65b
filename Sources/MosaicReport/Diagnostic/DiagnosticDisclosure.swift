import MosaicCore
import MosaicDiagnostic

/// What one audience may see of a diagnostic: the single place where its counts become
/// shown or hidden, for the JSON, the pages and the CSV tables alike.
///
/// The tables that show the same students are decided together, dimension by dimension:
/// - **Composition** (schools × groups, with each school's students and the district's row):
///   ``SuppressionPolicy/suppressTable(_:columnTotalsShown:)``. For a school leader, over the
///   other schools against the district less their own (what they can subtract).
/// - **Advanced coursework** per school: a school's block (every group's eligible and
///   participants) is shown whole or hidden whole. Shown only when the school's composition
///   row is shown whole — so an eligible count can never stand in for a hidden enrolment
///   (with every grade offered they are equal: the leak of issue 21) — and no group's
///   eligible, participants, non-participants (eligible − participants) or students in
///   grades without the course (enrolled − eligible) is small. The hidden blocks of a
///   dimension are never one alone, nor hold, in any group, a single non-zero count or a
///   small sum (the district's row is their sum); more blocks go until they do not.
/// - **The district's advanced row**, group by group, by the same counts, with hidden
///   groups never one alone nor adding up to a small count (every dimension's groups add up
///   to the same eligible students, which another dimension may show); each **level** on
///   its own for the district only, shown whole or not at all.
///
/// Everything else a view shows is computed from these counts and is shown only when every
/// count it is computed from is shown (a rate, an overall rate, representation, gaps,
/// missing students — themselves hidden when small; a school's `½ Σ |p − P|`; a share of a
/// total), so it tells a reader nothing the counts do not. Indices over many units (D, H,
/// M, a school's classroom H and its p-value) are rounded to two decimals; a single
/// classroom's index and its class list are not shown outside the school's own staff (they
/// give back the class's composition, and a school's classes add up to it).
///
/// The proof is an attack (RecoveryAttackTests): linear programming over everything the
/// public JSON shows and every relation a reader knows names no small count.
public struct DiagnosticDisclosure: Sendable {
    public let audience: Audience
    /// The policy applied; nil when nothing is hidden (the district's staff).
    public let policy: SuppressionPolicy?
    var dimensions: [Dimension: Cells] = [:]

    /// One advanced block: a school's (or the district's) groups at one level.
    struct Block: Sendable {
        var eligible: [Int?]
        var participants: [Int?]
        var allShown: Bool { !eligible.contains(nil) && !participants.contains(nil) }
    }

    /// One dimension's shown counts.
    struct Cells: Sendable {
        var schoolStudents: [Int?] = []
        var districtStudents: Int?
        /// Schools × (groups + unknown), in `acrossSchools.schools` order.
        var schools: [[Int?]] = []
        var district: [Int?] = []
        /// Level key (`any` or a level's raw value) → school id (`""` for the district) → block.
        var advanced: [String: [String: Block]] = [:]
        /// The district's groups whose access (students in offered grades, access rate) is shown.
        var access: [Bool] = []
        /// Schools whose row is hidden whole, zeros too (race × income outside the school).
        var wholeRows: Set<Int> = []
    }

    static let anyLevel = "any"
    static let districtKey = ""

    public init(_ d: Diagnostic, audience: Audience, policy: SuppressionPolicy?) {
        self.audience = audience
        guard let policy, !audience.seesEverything, policy.minimumN > 1 else {
            self.policy = nil
            for dim in d.dimensions { dimensions[dim.dimension] = Self.everything(dim) }
            return
        }
        self.policy = policy
        let known = audience.knownSchools
        for dim in d.dimensions where dim.dimension != .raceByEconomic {
            dimensions[dim.dimension] = Self.decide(dim, policy: policy, known: known)
        }
        if let cross = d.dimensions.first(where: { $0.dimension == .raceByEconomic }) {
            dimensions[.raceByEconomic] = Self.decideIntersection(cross, in: d, policy: policy, known: known)
        }
        referenceShown = Self.decideReference(d, decided: dimensions, policy: policy)
    }

    /// Whether the reference group's rate (and each group's `missingToReference`) is shown.
    var referenceShown = true

    /// One dimension's decision (see the type's documentation for what is protected).
    ///
    /// `forcedDistrict` / `forcedAdvanced`: district groups hidden by another rule (the
    /// intersection's tie to the race and income tables); `schoolsHidden`: every school's
    /// row and block hidden from this reader (but the ones they know).
    static func decide(_ dim: DimensionResult, policy: SuppressionPolicy, known: Set<String>,
                       forcedDistrict: Set<Int> = [], forcedAdvanced: Set<Int> = [], schoolsHidden: Bool = false) -> Cells {
        let schools = dim.acrossSchools.schools
        let G = dim.groups.count
        var c = Cells()

        // Composition: the schools this reader does not know, against the district less
        // the schools they do (what they can subtract), suppressed as one table.
        let others = schools.indices.filter { !known.contains(schools[$0].id) }
        var district = dim.counts + [dim.unknown]
        for i in schools.indices where known.contains(schools[i].id) {
            for k in 0...G { district[k] -= schools[i].counts.indices.contains(k) ? schools[i].counts[k] : schools[i].unknown }
        }
        let rows = others.map { schools[$0].counts + [schools[$0].unknown] } + [district]
        let forced = others.map { _ in [Bool](repeating: schoolsHidden, count: G + 1) }
            + [(0...G).map { forcedDistrict.contains($0) }]
        let t = policy.suppressTable(rows, columnTotalsShown: rows.count > 1, forced: forced)
        c.schools = schools.map { ($0.counts + [$0.unknown]).map { Optional($0) } }
        c.schoolStudents = schools.map { Optional($0.students) }
        for (r, i) in others.enumerated() {
            if schoolsHidden { c.wholeRows.insert(i) }
            c.schools[i] = schoolsHidden ? t.cells[r].map { _ in nil } : t.cells[r]
            c.schoolStudents[i] = t.rowTotalHidden[r] || schoolsHidden ? nil : schools[i].students
        }
        let last = rows.count - 1
        c.district = zip(dim.counts + [dim.unknown], t.cells[last]).map { full, shown in shown == nil ? nil : full }
        c.districtStudents = t.rowTotalHidden[last] ? nil : dim.known + dim.unknown

        // Advanced coursework: a school's block (every group's eligible and participants)
        // is shown whole or hidden whole. Whole: its composition row is shown whole (so a
        // reader cannot tie a hidden enrolment to its eligible count), and no group's
        // eligible, participants, non-participants or students in grades without the
        // course is small.
        func small(_ n: Int) -> Bool { policy.suppresses(n) }
        func passes(_ groups: [Advanced.Group], enrolled: [Int?]) -> Bool {
            guard !enrolled.contains(nil) else { return false }
            return groups.indices.allSatisfy { g in
                let x = groups[g]
                let n = g < enrolled.count ? enrolled[g]! : x.eligible
                return !small(x.eligible) && !small(x.participants) && !small(x.eligible - x.participants) && !small(n - x.eligible)
            }
        }
        let rowOf = Dictionary(schools.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        var shownBlock: [String: Bool] = [:]
        for b in dim.advanced.schools {
            guard let i = rowOf[b.id] else { continue }
            shownBlock[b.id] = known.contains(b.id) || (!schoolsHidden && passes(b.groups, enrolled: c.schools[i]) && c.schoolStudents[i] != nil)
        }
        // The district's block group by group: a group whose counts fail is hidden with
        // enough others (the fewest eligible first) that the hidden groups are never one
        // alone nor add up to a small count (every dimension's groups add up to the same
        // eligible students, which another dimension may show).
        let dg = dim.advanced.groups
        var districtGroupShown = dg.indices.map { g in
            !forcedAdvanced.contains(g) && c.districtStudents != nil && c.district[g] != nil && passes([dg[g]], enrolled: [c.district[g]])
        }
        while districtGroupShown.contains(false) {
            let hidden = dg.indices.filter { !districtGroupShown[$0] && dg[$0].eligible > 0 }
            let e = hidden.reduce(0) { $0 + dg[$1].eligible }, part = hidden.reduce(0) { $0 + dg[$1].participants }
            let n = hidden.reduce(0) { $0 + (c.district[$1] ?? dim.counts[$1]) }
            if hidden.isEmpty || (hidden.count >= 2 && !small(e) && !small(part) && !small(e - part) && !small(n - e)) { break }
            guard let next = dg.indices.filter({ districtGroupShown[$0] && dg[$0].eligible > 0 })
                .min(by: { (dg[$0].eligible, $0) < (dg[$1].eligible, $1) }) else {
                districtGroupShown = dg.map { _ in false }
                break
            }
            districtGroupShown[next] = false
        }
        var districtShown = districtGroupShown.contains(true)
        // The district's block is the sum of the schools' (each student in one school): the
        // hidden blocks among the schools this reader does not know must not be one alone,
        // nor add up, in any group, to a small count of eligible students, participants or
        // non-participants. Failing that, more blocks go (the fewest eligible students first),
        // and if none is left, the district's block.
        let candidates = dim.advanced.schools.filter { !known.contains($0.id) && rowOf[$0.id] != nil }
        func eligibleTotal(_ b: Advanced.School) -> Int { b.groups.reduce(0) { $0 + $1.eligible } }
        while districtShown {
            let hidden = candidates.filter { shownBlock[$0.id] == false }
            guard !hidden.isEmpty else { break }
            // Per shown group: the hidden blocks' sums, and how many of them hold any
            // eligible students, participants or non-participants (one alone is named).
            let exposed = hidden.count == 1 || (0..<G).filter { districtGroupShown[$0] }.contains { g in
                let e = hidden.map { $0.groups[g].eligible }, part = hidden.map { $0.groups[g].participants }
                let out = zip(e, part).map { $0 - $1 }
                let sum = (e.reduce(0, +), part.reduce(0, +), out.reduce(0, +))
                return small(sum.0) || small(sum.1) || small(sum.2)
                    || e.filter { $0 > 0 }.count == 1 || part.filter { $0 > 0 }.count == 1 || out.filter { $0 > 0 }.count == 1
            }
            guard exposed else { break }
            if let next = candidates.filter({ shownBlock[$0.id] == true }).min(by: { (eligibleTotal($0), $0.id) < (eligibleTotal($1), $1.id) }) {
                shownBlock[next.id] = false
            } else {
                districtShown = false
                districtGroupShown = dg.map { _ in false }
            }
        }
        func block(_ groups: [Advanced.Group], shown: Bool) -> Block {
            Block(eligible: groups.map { shown ? $0.eligible : nil }, participants: groups.map { shown ? $0.participants : nil })
        }
        var any: [String: Block] = [districtKey: Block(eligible: dg.indices.map { districtGroupShown[$0] ? dg[$0].eligible : nil },
                                                       participants: dg.indices.map { districtGroupShown[$0] ? dg[$0].participants : nil })]
        for b in dim.advanced.schools where shownBlock[b.id] != nil { any[b.id] = block(b.groups, shown: shownBlock[b.id]!) }
        c.advanced[anyLevel] = any

        // Each level on its own, for the district only: shown whole when the district's
        // block is, and no group's count at the level — eligible, participants,
        // non-participants, or the students it leaves out of all levels' — is small.
        for l in dim.advanced.levels ?? [] {
            let shown = !districtGroupShown.contains(false) && l.groups.indices.allSatisfy { g in
                let x = l.groups[g], all = dim.advanced.groups[g]
                let n = c.district[g] ?? 0
                return !small(x.eligible) && !small(x.participants) && !small(x.eligible - x.participants)
                    && !small(all.eligible - x.eligible) && !small(all.participants - x.participants) && !small(n - x.eligible)
            }
            c.advanced[l.level.rawValue] = [districtKey: block(l.groups, shown: shown)]
        }

        // Access: a group's students in grades offered somewhere, shown beside its eligible
        // students (so also what lies between them, and between them and its enrolment),
        // when none of those is small; the hidden groups are never one alone nor add up
        // to a small count (every dimension's groups add up to the same students).
        var access = dg.indices.map { g -> Bool in
            guard districtGroupShown[g], let offered = dg[g].inOfferedGrades, let n = c.district[g] else { return false }
            return !small(offered) && !small(offered - dg[g].eligible) && !small(n - offered)
        }
        while access.contains(false) {
            let hidden = dg.indices.filter { !access[$0] && (dg[$0].inOfferedGrades ?? 0) > 0 }
            let o = hidden.reduce(0) { $0 + (dg[$1].inOfferedGrades ?? 0) }, e = hidden.reduce(0) { $0 + dg[$1].eligible }
            if hidden.isEmpty || (hidden.count >= 2 && !small(o) && !small(o - e)) { break }
            guard let next = dg.indices.filter({ access[$0] && (dg[$0].inOfferedGrades ?? 0) > 0 })
                .min(by: { (dg[$0].inOfferedGrades ?? 0, $0) < (dg[$1].inOfferedGrades ?? 0, $1) }) else {
                access = dg.map { _ in false }
                break
            }
            access[next] = false
        }
        c.access = access
        return c
    }

    /// Race × income for a reader who also sees the race and the income tables: each
    /// intersection cell of a race adds up (with the students of unknown income) to that
    /// race's count, and each income group's cells (with unknown race) to the income
    /// group's. So the district's intersection is decided as a two-way table, races (and
    /// unknown) × income (and unknown), whose margins are the race and income counts — for
    /// the enrolment, the eligible students, participants and non-participants alike —
    /// together with the dimension's own rules, until neither hides anything more. A
    /// school's intersection cells (seven races by two, in a few hundred students) are
    /// not shown outside its staff.
    static func decideIntersection(_ cross: DimensionResult, in d: Diagnostic,
                                   policy: SuppressionPolicy, known: Set<String>) -> Cells {
        guard let race = d.dimensions.first(where: { $0.dimension == .race }),
              let income = d.dimensions.first(where: { $0.dimension == .economic }),
              cross.groups.count == race.groups.count * income.groups.count else {
            // Not the intersection of these two: nothing of it shown.
            return decide(cross, policy: policy, known: known, forcedDistrict: Set(0...cross.groups.count),
                          forcedAdvanced: Set(cross.groups.indices), schoolsHidden: true)
        }
        let R = race.groups.count, E = income.groups.count
        /// The two-way table of `value(race, income)` for the 2 × … cells, with the unknown
        /// row and column made up from the margins; returns the intersection groups it hides.
        func twoWay(_ cell: (Int) -> Int, raceTotals: [Int], incomeTotals: [Int], all: Int, forced: Set<Int>) -> Set<Int> {
            var table = [[Int]](repeating: [Int](repeating: 0, count: E + 1), count: R + 1)
            var force = [[Bool]](repeating: [Bool](repeating: false, count: E + 1), count: R + 1)
            for r in 0..<R {
                for e in 0..<E {
                    table[r][e] = cell(r * E + e)
                    force[r][e] = forced.contains(r * E + e)
                }
                table[r][E] = max(0, raceTotals[r] - table[r][0..<E].reduce(0, +))
            }
            for e in 0..<E { table[R][e] = max(0, incomeTotals[e] - (0..<R).reduce(0) { $0 + table[$1][e] }) }
            table[R][E] = max(0, all - table.flatMap { $0 }.reduce(0, +))
            let t = policy.suppressTable(table, columnTotalsShown: true, forced: force)
            var hidden = Set<Int>()
            for r in 0..<R { for e in 0..<E where t.cells[r][e] == nil || t.rowTotalHidden[r] { hidden.insert(r * E + e) } }
            return hidden
        }
        var forcedDistrict = Set<Int>(), forcedAdvanced = Set<Int>()
        while true {
            let c = decide(cross, policy: policy, known: known, forcedDistrict: forcedDistrict,
                           forcedAdvanced: forcedAdvanced, schoolsHidden: true)
            let hiddenNow = Set(cross.groups.indices.filter { c.district[$0] == nil })
            let composition = twoWay({ cross.counts[$0] }, raceTotals: race.counts, incomeTotals: income.counts,
                                     all: race.known + race.unknown, forced: hiddenNow)
            let shownAdvanced = c.advanced[anyLevel]?[districtKey]
            let advancedHidden = Set(cross.groups.indices.filter { shownAdvanced?.eligible[$0] == nil })
            let g = cross.advanced.groups, rg = race.advanced.groups, ig = income.advanced.groups
            var advanced = Set<Int>()
            if g.count == cross.groups.count && rg.count == R && ig.count == E {
                let eligibleAll = rg.reduce(0) { $0 + $1.eligible }
                let participantsAll = rg.reduce(0) { $0 + $1.participants }
                advanced.formUnion(twoWay({ g[$0].eligible }, raceTotals: rg.map(\.eligible), incomeTotals: ig.map(\.eligible),
                                          all: max(eligibleAll, ig.reduce(0) { $0 + $1.eligible }), forced: advancedHidden))
                advanced.formUnion(twoWay({ g[$0].participants }, raceTotals: rg.map(\.participants), incomeTotals: ig.map(\.participants),
                                          all: max(participantsAll, ig.reduce(0) { $0 + $1.participants }), forced: advancedHidden))
                advanced.formUnion(twoWay({ g[$0].eligible - g[$0].participants }, raceTotals: rg.map { $0.eligible - $0.participants },
                                          incomeTotals: ig.map { $0.eligible - $0.participants },
                                          all: max(eligibleAll - participantsAll, ig.reduce(0) { $0 + $1.eligible - $1.participants }),
                                          forced: advancedHidden))
            } else {
                advanced = Set(cross.groups.indices)
            }
            if composition.isSubset(of: forcedDistrict.union(hiddenNow)) && advanced.isSubset(of: forcedAdvanced.union(advancedHidden)) {
                return c
            }
            forcedDistrict.formUnion(composition)
            forcedDistrict.formUnion(hiddenNow)
            forcedAdvanced.formUnion(advanced)
            forcedAdvanced.formUnion(advancedHidden)
        }
    }

    /// The reference group's rate is the rate of the groups it is made of: shown when every
    /// one of them is shown in the district's advanced block (of the one dimension, or of
    /// race × income, that it is made of), and none of its own counts is small.
    static func decideReference(_ d: Diagnostic, decided: [Dimension: Cells], policy: SuppressionPolicy) -> Bool {
        guard let any = d.dimensions.first, let reference = any.advanced.reference else { return false }
        guard !policy.suppresses(reference.eligible), !policy.suppresses(reference.participants),
              !policy.suppresses(reference.eligible - reference.participants), reference.eligible > 0 else { return false }
        guard let group = try? ReferenceGroup(parsing: reference.criteria) else { return false }
        let dimensions = Set(group.criteria.map(\.dimension))
        let made: Dimension
        switch dimensions {
        case [.race, .economic]: made = .raceByEconomic
        case _ where dimensions.count == 1: made = dimensions.first!
        default: return false
        }
        guard let dim = d.dimensions.first(where: { $0.dimension == made }),
              let block = decided[made]?.advanced[anyLevel]?[districtKey] else { return false }
        // The members: groups of `made` every criterion accepts.
        func accepts(_ g: Int) -> Bool {
            if made == .raceByEconomic {
                let E = Dimension.economic.rosterGroups.count
                return group.criteria.allSatisfy { c in c.groups.contains(c.dimension == .race ? g / E : g % E) }
            }
            return group.criteria[0].groups.contains(g)
        }
        return dim.groups.indices.filter(accepts).allSatisfy { block.eligible[$0] != nil && block.participants[$0] != nil }
    }

    /// The district view: every count as it is.
    static func everything(_ dim: DimensionResult) -> Cells {
        var c = Cells()
        c.schoolStudents = dim.acrossSchools.schools.map { Optional($0.students) }
        c.districtStudents = dim.known + dim.unknown
        c.schools = dim.acrossSchools.schools.map { ($0.counts + [$0.unknown]).map { Optional($0) } }
        c.district = (dim.counts + [dim.unknown]).map { Optional($0) }
        func block(_ groups: [Advanced.Group]) -> Block {
            Block(eligible: groups.map { Optional($0.eligible) }, participants: groups.map { Optional($0.participants) })
        }
        var levels: [String: [String: Block]] = [:]
        var any = [districtKey: block(dim.advanced.groups)]
        for s in dim.advanced.schools { any[s.id] = block(s.groups) }
        levels[anyLevel] = any
        for l in dim.advanced.levels ?? [] {
            var b = [districtKey: block(l.groups)]
            for s in l.schools { b[s.id] = block(s.groups) }
            levels[l.level.rawValue] = b
        }
        c.advanced = levels
        c.access = dim.advanced.groups.map { _ in true }
        return c
    }
}

extension DiagnosticDisclosure {
    /// The district's composition and every school's as this audience may see them:
    /// cells and students, `nil` where hidden.
    public struct Composition: Sendable {
        public var district: [Int?]
        public var districtStudents: Int?
        public var schools: [[Int?]]
        public var schoolStudents: [Int?]
    }

    public func composition(_ dim: DimensionResult) -> Composition {
        let c = dimensions[dim.dimension] ?? Self.everything(dim)
        return Composition(district: c.district, districtStudents: c.districtStudents, schools: c.schools, schoolStudents: c.schoolStudents)
    }

    /// True when a school's row of this dimension is hidden whole, its zeros too.
    public func hidesWhole(_ dim: DimensionResult, school i: Int) -> Bool {
        dimensions[dim.dimension]?.wholeRows.contains(i) ?? false
    }

    /// True when nothing is hidden from this audience.
    public var showsEverything: Bool { policy == nil }

    /// An index over many units (D, H, M, a school's classroom H, a p-value) as this
    /// audience sees it: rounded to two decimals outside the district's staff.
    public func aggregate(_ x: Double) -> Double {
        policy == nil ? x : (x * 100).rounded() / 100
    }

    /// A school's `½ Σ |p − P|` against the district: shown (rounded) only when the
    /// school's row and the district's row are shown whole, since it is computed from them.
    public func schoolIndex(_ dim: DimensionResult, _ i: Int) -> Double? {
        let s = dim.acrossSchools.schools[i]
        if policy == nil || audience.knownSchools.contains(s.id) { return s.dissimilarityVsDistrict }
        let c = composition(dim)
        guard i < c.schools.count, !c.schools[i].contains(nil), c.schoolStudents[i] != nil,
              !c.district.contains(nil), c.districtStudents != nil else { return nil }
        return aggregate(s.dissimilarityVsDistrict)
    }

    /// An index as a table shows it: to `digits` decimals for the district's staff, two (as
    /// rounded) for everyone else.
    public func formatted(index x: Double, _ digits: Int) -> String {
        showsEverything ? Format.fixed(x, digits) : Format.fixed(aggregate(x), min(digits, 2))
    }

    /// A share as a table shows it: coded near 0 % and 100 % under the policy.
    public func formatted(share x: Double) -> String { policy?.code(share: x) ?? Format.percent(x) }

    /// The district against its reference, shown (rounded) when the district's row is.
    public func districtVsReference(_ dim: DimensionResult) -> Double? {
        guard let r = dim.districtVsReference else { return nil }
        if policy == nil { return r }
        return composition(dim).district.contains(nil) ? nil : aggregate(r)
    }

    /// True when this audience sees one school's classrooms class by class (its staff).
    public func seesClassrooms(of school: String) -> Bool {
        policy == nil || audience.knownSchools.contains(school)
    }

    /// One classroom's `½ Σ |p − q|` against its school: only for those who see the
    /// school's classrooms (it gives back the class's composition).
    public func classroomIndex(_ c: WithinSchools.Classroom, school: String) -> Double? {
        seesClassrooms(of: school) ? c.dissimilarityVsSchool : nil
    }

    /// A classroom's size (a count of students): hidden when small.
    public func classroomStudents(_ c: WithinSchools.Classroom, school: String) -> Int? {
        guard let policy, !seesClassrooms(of: school) else { return c.students }
        return policy.suppresses(c.students) ? nil : c.students
    }

    /// A share as this audience may read it: coded near 0 and 1 outside the district's staff.
    public func code(share: Double) -> String? { policy?.code(share: share) }

    // MARK: Advanced coursework

    /// One group of an advanced block as it may be shown: nil where hidden.
    public struct Shown: Sendable {
        public var eligible: Int?
        public var participants: Int?
        public var rate: Double?
        public var representationIndex: Double?
        public var gapToHighestPP: Double?
        public var missing: Double?
        public var missingToHighest: Double?
        /// max(0, eligible · the reference group's rate − participants): shown with the
        /// group's rate and the reference's.
        public var missingToReference: Double? = nil
        /// The group's rate is hidden (one of its counts is).
        public var rateHidden: Bool

        init(eligible: Int? = nil, participants: Int? = nil, rate: Double? = nil, representationIndex: Double? = nil,
             gapToHighestPP: Double? = nil, missing: Double? = nil, missingToHighest: Double? = nil, rateHidden: Bool) {
            self.eligible = eligible
            self.participants = participants
            self.rate = rate
            self.representationIndex = representationIndex
            self.gapToHighestPP = gapToHighestPP
            self.missing = missing
            self.missingToHighest = missingToHighest
            self.rateHidden = rateHidden
        }
    }

    func block(_ dim: DimensionResult, level: CourseLevel?, school: String?) -> Block? {
        dimensions[dim.dimension]?.advanced[level?.rawValue ?? Self.anyLevel]?[school ?? Self.districtKey]
    }

    /// The groups of a block (the district's when `school` is nil; all advanced levels
    /// when `level` is nil) as they may be shown. A statistic that combines counts is shown
    /// only when every count it is computed from is.
    public func shown(_ dim: DimensionResult, level: CourseLevel? = nil, school: String?) -> [Shown] {
        let groups = Self.groups(dim, level: level, school: school)
        guard policy != nil else {
            return groups.map {
                var x = Shown(eligible: $0.eligible, participants: $0.participants, rate: $0.rate, representationIndex: $0.representationIndex,
                              gapToHighestPP: $0.gapToHighestPP, missing: $0.missing, missingToHighest: $0.missingToHighest, rateHidden: false)
                x.missingToReference = $0.missingToReference
                return x
            }
        }
        // A block this audience is not shown (a level at one school): nothing of it.
        guard let b = block(dim, level: level, school: school) else { return groups.map { _ in Shown(rateHidden: true) } }
        let whole = b.allShown
        // The district's missing students are summed over its schools' blocks.
        let schoolsWhole = school != nil || Self.schoolBlocks(dim, level: level).allSatisfy { self.block(dim, level: level, school: $0.id)?.allShown ?? false }
        // Missing students are counts too: a small one is not shown.
        func count(_ x: Double) -> Double? { policy!.suppresses(Int(x.rounded())) ? nil : x }
        return groups.indices.map { g in
            let x = groups[g]
            let rateShown = b.eligible[g] != nil && b.participants[g] != nil
            var shown = Shown(
                eligible: b.eligible[g], participants: b.participants[g],
                rate: rateShown ? x.rate : nil,
                representationIndex: rateShown && whole ? x.representationIndex : nil,
                gapToHighestPP: whole ? x.gapToHighestPP : nil,
                missing: whole && schoolsWhole ? count(x.missing) : nil,
                missingToHighest: whole ? count(x.missingToHighest) : nil,
                rateHidden: !rateShown)
            if rateShown && referenceShown, let m = x.missingToReference { shown.missingToReference = count(m) }
            return shown
        }
    }

    /// A block's overall rate (the district's when `school` is nil): shown when every
    /// group's counts are.
    public func overall(_ dim: DimensionResult, level: CourseLevel? = nil, school: String?) -> Double? {
        let groups = Self.groups(dim, level: level, school: school)
        guard !groups.isEmpty else { return nil }
        let rate: Double
        if school == nil {
            // The district's, as computed (students counted once however many schools they attend).
            rate = level.map { l in dim.advanced.levels?.first { $0.level == l }?.overallRate ?? 0 } ?? dim.advanced.overallRate
        } else {
            let e = groups.reduce(0) { $0 + $1.eligible }
            rate = e > 0 ? Double(groups.reduce(0) { $0 + $1.participants }) / Double(e) : 0
        }
        guard policy != nil else { return rate }
        return block(dim, level: level, school: school)?.allShown == true ? rate : nil
    }

    /// One district group's access to advanced courses as it may be shown.
    public struct Access: Sendable {
        public var inOfferedGrades: Int?
        public var accessRate: Double?
        public var accessGapPP: Double?
    }

    /// The district's groups' access: `accessGapPP` only when every group's access is
    /// shown (it is computed from the best-served group's).
    public func access(_ dim: DimensionResult) -> [Access] {
        let groups = dim.advanced.groups
        let shown = dimensions[dim.dimension]?.access ?? groups.map { _ in policy == nil }
        let whole = !shown.contains(false)
        return groups.indices.map { g in
            let ok = g < shown.count && shown[g]
            return Access(inOfferedGrades: ok ? groups[g].inOfferedGrades : nil, accessRate: ok ? groups[g].accessRate : nil,
                          accessGapPP: whole ? groups[g].accessGapPP : nil)
        }
    }

    /// The reference group of `missingToReference`: its counts for the district's staff,
    /// its rate when the groups it is made of are shown.
    public func reference(_ dim: DimensionResult) -> (reference: Advanced.Reference, rate: Double?, countsShown: Bool)? {
        guard let r = dim.advanced.reference else { return nil }
        return (r, referenceShown ? r.rate : nil, policy == nil)
    }

    /// Layers of a school's (or the district's) classroom M: indices over many classes,
    /// rounded outside the district's staff like a school's H.
    public func layers(_ l: ClassroomLayers) -> ClassroomLayers {
        ClassroomLayers(programme: aggregate(l.programme), level: aggregate(l.level), course: aggregate(l.course), section: aggregate(l.section))
    }

    /// Each group's share of seats in designated programmes (per programme, and all of
    /// them): shown when neither the programme's seats of the group, the group's seats nor
    /// what lies between them is small.
    public func programmeShares(_ programmes: [WithinSchools.ProgrammeSeats], seats: [Int]) -> (all: [Double?], byLevel: [(CourseLevel, [Double?])]) {
        func share(_ part: Int, _ g: Int) -> Double? {
            guard seats[g] > 0 else { return 0 }
            if let policy, policy.suppressesRate(part, of: seats[g]) { return nil }
            let x = Double(part) / Double(seats[g])
            return policy == nil ? x : (x * 100).rounded() / 100
        }
        let all = seats.indices.map { g in share(programmes.reduce(0) { $0 + $1.seats[g] }, g) }
        return (all, programmes.map { p in (p.level, seats.indices.map { share(p.seats[$0], $0) }) })
    }

    /// The district's programme notes (``DimensionResult/programmeNotes(minimumN:)``) this
    /// audience may read, each with the share as shown: a note whose share is hidden is left out.
    public func programmeNotes(_ dim: DimensionResult, minimumN: Int) -> [(note: ProgrammeNote, share: Double)] {
        guard let programmes = dim.withinSchools.programmes, let seats = dim.withinSchools.seats else { return [] }
        let shares = programmeShares(programmes, seats: seats).byLevel
        return dim.programmeNotes(minimumN: minimumN).compactMap { n in
            guard let g = dim.groups.firstIndex(of: n.group), let share = shares.first(where: { $0.0 == n.level })?.1[g] else { return nil }
            return (n, share)
        }
    }

    static func groups(_ dim: DimensionResult, level: CourseLevel?, school: String?) -> [Advanced.Group] {
        if let level {
            guard let l = dim.advanced.levels?.first(where: { $0.level == level }) else { return [] }
            return school.map { id in l.schools.first { $0.id == id }?.groups ?? [] } ?? l.groups
        }
        return school.map { id in dim.advanced.schools.first { $0.id == id }?.groups ?? [] } ?? dim.advanced.groups
    }

    static func schoolBlocks(_ dim: DimensionResult, level: CourseLevel?) -> [Advanced.School] {
        if let level { return dim.advanced.levels?.first { $0.level == level }?.schools ?? [] }
        return dim.advanced.schools
    }

    // MARK: Findings

    /// A finding as this audience may read it: its full message only when every number
    /// it states is shown, otherwise its outline (no numbers that could give a count back).
    public func message(_ f: Finding, in d: Diagnostic) -> String {
        if statesNumbers(f, in: d) { return f.message }
        return partialMessage(f, in: d) ?? f.outline ?? f.message
    }

    /// A participation finding with what this audience may see of it: the group's rate, the
    /// overall rate and the representation index when they are shown (another page shows
    /// them too), and a plain statement of what is withheld — not an outline that hides a
    /// large group's shown rate "for small counts".
    func partialMessage(_ f: Finding, in d: Diagnostic) -> String? {
        guard f.level == .courseEnrollment, f.metric == "representationIndex", let group = f.group,
              let dim = d.dimensions.first(where: { $0.dimension == f.dimension }), let g = dim.groups.firstIndex(of: group) else { return nil }
        let school = f.subject == "district" ? nil : f.subject
        let shown = self.shown(dim, school: school)
        guard g < shown.count, let rate = shown[g].rate, let ri = shown[g].representationIndex,
              let overall = overall(dim, school: school) else { return nil }
        // "English learners", not "English learners students".
        let label = Dimension.label(group)
        let who = label.hasSuffix("learners") || label.hasSuffix("students") ? label : label + " students"
        let place = school.flatMap { id in dim.advanced.schools.first { $0.id == id }?.name }.map { "In \($0), " } ?? ""
        var out = "\(place)\(place.isEmpty ? who.prefix(1).uppercased() + who.dropFirst() : who) take advanced courses at \(Format.percent(rate, digits: 0)) against \(Format.percent(overall, digits: 0)) overall (representation \(Format.fixed(ri, 2)))"
        var withheld: [String] = []
        if let missing = shown[g].missing {
            out += ": \(Int(missing.rounded())) students missing at the rate of the other students in their schools"
        } else {
            withheld.append("how many are missing at the rate of the other students in their schools")
        }
        if school == nil {
            if shown[g].missingToHighest == nil { withheld.append("how many at the highest group's rate") }
            if dim.advanced.groups[g].missingToReference != nil, dim.advanced.reference != nil, shown[g].missingToReference == nil {
                withheld.append("how many at the reference group's rate")
            }
        }
        out += "."
        if !withheld.isEmpty {
            out += " Not shown in the public view: \(withheld.joined(separator: ", ")) — withheld so that no count under \(policy?.minimumN ?? 1) can be worked out from the published figures."
        }
        return out
    }

    /// The finding's value (an index) as this audience may see it.
    public func value(_ f: Finding, in d: Diagnostic) -> Double? {
        guard policy != nil else { return f.value }
        guard let dim = d.dimensions.first(where: { $0.dimension == f.dimension }) else { return nil }
        switch (f.level, f.subject) {
        case (.acrossSchools, "district"): return aggregate(f.value)
        case (.acrossSchools, let school):
            guard let i = dim.acrossSchools.schools.firstIndex(where: { $0.id == school }) else { return nil }
            return schoolIndex(dim, i)
        case (.scheduling, _): return aggregate(f.value)
        case (.courseEnrollment, _) where f.metric == "levelShare": return aggregate(f.value)
        case (.courseEnrollment, _) where f.metric == "accessGapPP":
            guard let group = f.group, let g = dim.groups.firstIndex(of: group) else { return nil }
            let a = access(dim)
            return g < a.count ? a[g].accessGapPP : nil
        case (.courseEnrollment, let subject):
            guard let group = f.group, let g = dim.groups.firstIndex(of: group) else { return nil }
            let shown = self.shown(dim, school: subject == "district" ? nil : subject)
            return g < shown.count ? shown[g].representationIndex : nil
        }
    }

    func statesNumbers(_ f: Finding, in d: Diagnostic) -> Bool {
        guard policy != nil, f.outline != nil else { return true }
        guard let dim = d.dimensions.first(where: { $0.dimension == f.dimension }) else { return false }
        switch f.level {
        case .acrossSchools:
            if f.subject == "district" { return true }
            guard let i = dim.acrossSchools.schools.firstIndex(where: { $0.id == f.subject }) else { return false }
            return schoolIndex(dim, i) != nil
        case .scheduling:
            // It names classes and their indices: the school's staff only.
            return seesClassrooms(of: f.subject)
        case .courseEnrollment where f.metric == "levelShare":
            return true
        case .courseEnrollment where f.metric == "accessGapPP":
            // It states the group's access, the best-served group's and how many lack it.
            return !access(dim).contains { $0.accessGapPP == nil || $0.accessRate == nil || $0.inOfferedGrades == nil }
        case .courseEnrollment:
            guard let group = f.group, let g = dim.groups.firstIndex(of: group) else { return false }
            let school = f.subject == "district" ? nil : f.subject
            let shown = self.shown(dim, school: school)
            guard g < shown.count else { return false }
            let x = shown[g]
            let needed: [Double?] = school == nil
                ? [x.rate, x.representationIndex, x.missing, x.missingToHighest, overall(dim, school: nil)]
                    + (dim.advanced.groups[g].missingToReference != nil && dim.advanced.reference != nil
                        ? [x.missingToReference, reference(dim)?.rate] : [])
                : [x.rate, x.representationIndex, x.missing]
            return !needed.contains { $0 == nil }
        }
    }
}

import Synchronization

extension DiagnosticDisclosure {
    /// The disclosure of `d` for `audience` under `policy`, from a small process-wide
    /// cache (the decision runs linear programs; pages and the API ask for it often). A hit
    /// is checked against the whole diagnostic, so a changed term is never served an old
    /// decision.
    public static func cached(_ d: Diagnostic, audience: Audience, policy: SuppressionPolicy?) -> DiagnosticDisclosure {
        let key = "\(d.termID)\u{1F}\(audience.cacheKey)\u{1F}\(policy.map { "\($0.minimumN)/\($0.lowShare)/\($0.highShare)" } ?? "-")"
        if let hit = cache.withLock({ c in c.entries.first { $0.key == key && $0.diagnostic == d } }) {
            return hit.disclosure
        }
        let made = DiagnosticDisclosure(d, audience: audience, policy: policy)
        cache.withLock { c in
            c.entries.removeAll { $0.key == key }
            c.entries.append((key, d, made))
            if c.entries.count > c.capacity { c.entries.removeFirst(c.entries.count - c.capacity) }
        }
        return made
    }

    struct Cache: ~Copyable {
        var entries: [(key: String, diagnostic: Diagnostic, disclosure: DiagnosticDisclosure)] = []
        let capacity = 64
    }

    static let cache = Mutex(Cache())
}
