import Dispatch
import Synchronization
import MosaicCore
import MosaicMetrics

/// What to compute and how.
public struct DiagnosticOptions: Sendable {
    /// The academic session to diagnose; `nil` = the latest term with classes.
    public var term: String?
    /// Random assignments per school for the classroom baselines.
    public var baselineDraws: Int
    public var seed: UInt64
    /// Smallest count a finding may rest on (and the suppression minimum).
    public var minimumN: Int
    public var parallelism: Int
    public var guidebook: Guidebook
    /// The students `missingToReference` measures against.
    public var referenceGroup: ReferenceGroup = .equalOpportunitySchools
    /// What the reference composition is, as pages name it ("New York State, 2024-25").
    public var referenceName: String? = nil
    /// Called with a step and its progress (done, of).
    public var progress: (@Sendable (String, Int, Int) -> Void)?

    public init(term: String? = nil, baselineDraws: Int = 200, seed: UInt64 = 0, minimumN: Int = 10,
                parallelism: Int = 1, guidebook: Guidebook, progress: (@Sendable (String, Int, Int) -> Void)? = nil) {
        self.term = term
        self.baselineDraws = baselineDraws
        self.seed = seed
        self.minimumN = minimumN
        self.parallelism = parallelism
        self.guidebook = guidebook
        self.progress = progress
    }
}

/// Runs the diagnostic on one term of a roster.
///
/// Classrooms are the classes of the term; a student counts in a school if enrolled in
/// at least one class of that school in the term. `unknown` is counted apart and left
/// out of every index and rate.
/// - Complexity: O(E · dimensions + draws · seats · dimensions) for E enrollments in the term.
public func diagnose(_ roster: Roster, options o: DiagnosticOptions) throws(DiagnosticError) -> Diagnostic {
    let term = try TermView(roster, term: o.term)
    var dimensions: [DimensionResult] = []
    var rng = SeededGenerator(seed: o.seed)
    let reference = ReferenceFlags(o.referenceGroup, roster)
    // Each student's group in every dimension (the group count for unknown).
    let codes: [[UInt8]] = Dimension.allCases.map { d in
        let G = d.rosterGroups.count
        return roster.students.map { UInt8($0.group(in: d) ?? G) }
    }
    let baselines = classroomBaselines(term, roster, codes: codes, o, using: &rng)
    for (d, dimension) in Dimension.allCases.enumerated() {
        o.progress?("diagnosing \(dimension.rawValue)", d, Dimension.allCases.count)
        dimensions.append(analyse(dimension, index: d, code: codes[d], term, roster, o, reference: reference, baselines: baselines))
    }
    o.progress?("diagnosing", Dimension.allCases.count, Dimension.allCases.count)
    let findings = Findings.derive(dimensions, options: o)
    return Diagnostic(
        termID: roster.sessions[term.term].id, termTitle: roster.sessions[term.term].title,
        students: term.studentCount, schools: term.schools.count, classes: term.sections.count,
        enrollments: term.enrollmentSlot.count, baselineDraws: o.baselineDraws, seed: o.seed,
        dimensions: dimensions, findings: findings, openHonors: OpenHonorsSummary(roster, term: roster.sessions[term.term]),
        referenceName: dimensions.contains { $0.referenceCounts != nil } ? o.referenceName : nil)
}

/// The term's classes, enrollments and students, indexed once for every dimension.
struct TermView {
    let term: Int
    /// Roster section indices of the term's classes, and each one's school slot.
    let sections: [Int]
    let sectionSchool: [Int]
    /// Term enrollments: the class slot and the student.
    let enrollmentSlot: [Int32]
    let enrollmentStudent: [Int32]
    /// Roster org indices of the schools with classes in the term.
    let schools: [Int]
    /// (student, school slot) pairs: each student once per school attended.
    let attendance: [(student: Int32, school: Int32)]
    let studentCount: Int
    let advancedSlot: [Bool]
    /// Per school slot: bit g set when an advanced class of the term lists grade ordinal g.
    let advancedGrades: [UInt32]
    /// Students enrolled in at least one advanced class of the term.
    let participates: [Bool]

    init(_ r: Roster, term requested: String?) throws(DiagnosticError) {
        let candidates = r.termsWithSections
        let t: Int
        if let requested {
            guard let i = r.sessions.firstIndex(where: { $0.id == requested }) else {
                throw .unknownTerm(requested, available: candidates.map { r.sessions[$0].id })
            }
            t = i
        } else {
            guard let latest = candidates.first else { throw .noClassesInTerm("(any)") }
            t = latest
        }
        term = t
        var slotOf = [Int32](repeating: -1, count: r.sections.count)
        var sections: [Int] = [], schools: [Int] = [], schoolSlot: [Int: Int] = [:], sectionSchool: [Int] = []
        for (i, s) in r.sections.enumerated() where s.terms.contains(t) {
            slotOf[i] = Int32(sections.count)
            sections.append(i)
            if schoolSlot[s.school] == nil { schoolSlot[s.school] = schools.count; schools.append(s.school) }
            sectionSchool.append(schoolSlot[s.school]!)
        }
        guard !sections.isEmpty else { throw .noClassesInTerm(r.sessions[t].id) }
        self.sections = sections
        self.schools = schools
        self.sectionSchool = sectionSchool
        var slots: [Int32] = [], studs: [Int32] = []
        slots.reserveCapacity(r.enrollmentCount)
        studs.reserveCapacity(r.enrollmentCount)
        var firstSchool = [Int32](repeating: -1, count: r.students.count)
        var extra = Set<Int64>()
        for e in 0..<r.enrollmentCount {
            let slot = slotOf[Int(r.enrollmentSection[e])]
            guard slot >= 0 else { continue }
            let st = r.enrollmentStudent[e]
            slots.append(slot)
            studs.append(st)
            let school = Int32(sectionSchool[Int(slot)])
            if firstSchool[Int(st)] < 0 { firstSchool[Int(st)] = school }
            else if firstSchool[Int(st)] != school { extra.insert(Int64(st) << 32 | Int64(school)) }
        }
        enrollmentSlot = slots
        enrollmentStudent = studs
        var attendance: [(Int32, Int32)] = []
        var count = 0
        for (st, school) in firstSchool.enumerated() where school >= 0 {
            attendance.append((Int32(st), school))
            count += 1
        }
        for key in extra.sorted() { attendance.append((Int32(key >> 32), Int32(key & 0xFFFF_FFFF))) }
        self.attendance = attendance
        studentCount = count
        var advancedSlot = [Bool](repeating: false, count: sections.count)
        var advancedGrades = [UInt32](repeating: 0, count: schools.count)
        for (slot, i) in sections.enumerated() {
            let s = r.sections[i]
            guard r.courses[s.course].level.isAdvanced else { continue }
            advancedSlot[slot] = true
            for g in r.grades(of: s) { advancedGrades[sectionSchool[slot]] |= 1 << UInt32(g.ordinal) }
        }
        var participates = [Bool](repeating: false, count: r.students.count)
        for (slot, st) in zip(slots, studs) where advancedSlot[Int(slot)] { participates[Int(st)] = true }
        self.advancedSlot = advancedSlot
        self.advancedGrades = advancedGrades
        self.participates = participates
    }
}

/// One dimension at every level.
func analyse(_ dimension: Dimension, index: Int, code: [UInt8], _ term: TermView, _ r: Roster, _ o: DiagnosticOptions,
             reference: ReferenceFlags, baselines: [SchoolBaselines?]) -> DimensionResult {
    let groups = dimension.rosterGroups
    let G = groups.count
    let S = term.schools.count
    // District and schools: each student once per school attended.
    var district = [Int](repeating: 0, count: G + 1)
    var schoolCounts = [Int](repeating: 0, count: S * (G + 1))
    var counted = [Bool](repeating: false, count: r.students.count)
    for (st, school) in term.attendance {
        let g = Int(code[Int(st)])
        schoolCounts[Int(school) * (G + 1) + g] += 1
        if !counted[Int(st)] { counted[Int(st)] = true; district[g] += 1 }
    }
    let counts = Array(district[0..<G])
    let known = counts.reduce(0, +)
    let P = counts.map { known > 0 ? Double($0) / Double(known) : 0 }

    var versusReference: Double?
    var referenceCounts: [Int]?
    if let ref = r.reference?[dimension] {
        let rc = groups.map { ref[$0] ?? 0 }
        let rt = rc.reduce(0, +)
        if rt > 0 && known > 0 {
            versusReference = dissimilarity(of: P, against: rc.map { Double($0) / Double(rt) })
            referenceCounts = rc
        }
    }

    // Across schools.
    let across = acrossSchools((0..<S).map { s in
        let org = r.orgs[term.schools[s]]
        return (id: org.id, name: org.name, counts: Array(schoolCounts[(s * (G + 1))..<(s * (G + 1) + G)]), unknown: schoolCounts[s * (G + 1) + G])
    }, groups: groups, P: P)

    // Within schools: classroom seats.
    let C = term.sections.count
    var seats = [Int](repeating: 0, count: C * G)
    for (slot, st) in zip(term.enrollmentSlot, term.enrollmentStudent) {
        let g = Int(code[Int(st)])
        if g < G { seats[Int(slot) * G + g] += 1 }
    }
    var classSlots: [[Int]] = Array(repeating: [], count: S)
    for c in 0..<C where seats[(c * G)..<(c * G + G)].contains(where: { $0 > 0 }) {
        classSlots[term.sectionSchool[c]].append(c)
    }
    let within = withinSchools(seats: seats, G: G, groups: groups, classSlots: classSlots, term: term, r: r, o: o,
                               baselines: baselines.map { $0.map { ($0.wide.dimensions[index], $0.sections.dimensions[index]) } })
    let advanced = advancedCoursework(code: code, G: G, groups: groups, term: term, r: r, minimumN: o.minimumN, reference: reference)
    return DimensionResult(dimension: dimension, groups: groups, counts: counts, unknown: district[G],
                           districtVsReference: versusReference, referenceCounts: referenceCounts, acrossSchools: across, withinSchools: within,
                           advanced: advanced)
}

func withinSchools(seats: [Int], G: Int, groups: [String], classSlots: [[Int]], term: TermView, r: Roster,
                   o: DiagnosticOptions,
                   baselines: [(wide: JointAssignmentBaseline.Dimension, sections: JointAssignmentBaseline.Dimension)?]) -> WithinSchools {
    // The district's classrooms nested in schools.
    var ids: [String] = [], labels: [String] = [], flat: [Int] = []
    for (s, slots) in classSlots.enumerated() {
        for c in slots {
            ids.append(r.sections[term.sections[c]].id)
            labels.append(r.orgs[term.schools[s]].id)
            flat.append(contentsOf: seats[(c * G)..<(c * G + G)])
        }
    }
    var result = WithinSchools(hBetween: 0, hWithin: 0, mBetween: 0, mWithin: 0, schools: [])
    guard !ids.isEmpty, let all = try? CountMatrix(units: ids, groups: groups, counts: flat) else { return result }
    let split = nestedDecomposition(of: all, nesting: NestedUnits(labels: labels))
    result.hBetween = split.hBetween
    result.hWithin = split.hWithin
    result.mBetween = split.mBetween
    result.mWithin = split.mWithin

    // Each school's layers, schools spread over threads; the baselines are drawn once
    // for every dimension (``classroomBaselines``).
    let schools = classSlots.indices.filter { !classSlots[$0].isEmpty }
    var work = [SchoolWork?](repeating: nil, count: schools.count)
    work.withUnsafeMutableBufferPointer { out in
        nonisolated(unsafe) let out = out
        let workers = max(1, min(o.parallelism, schools.count))
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            for j in stride(from: w, to: schools.count, by: workers) {
                let slots = classSlots[schools[j]]
                var counts: [Int] = []
                counts.reserveCapacity(slots.count * G)
                for c in slots { counts.append(contentsOf: seats[(c * G)..<(c * G + G)]) }
                guard let m = try? CountMatrix(units: slots.map { "\($0)" }, groups: groups, counts: counts) else { continue }
                let layout = ClassLayers(slots, term: term, r: r)
                let layers = layeredDecomposition(of: m, parts: [layout.programme, layout.level, layout.course])
                let b = baselines[schools[j]]
                out[j] = SchoolWork(layout: layout, layers: layers, baseline: b?.wide, sections: b?.sections)
            }
        }
    }
    var pValues: [Double] = [], sectionPValues: [Double] = []
    var districtLayers = ClassroomLayers(programme: 0, level: 0, course: 0, section: 0)
    var districtSeats = [Int](repeating: 0, count: G)
    var districtProgrammes: [CourseLevel: [Int]] = [:]
    let totalSeats = Double(all.total)
    for (j, s) in schools.enumerated() {
        let slots = classSlots[s]
        var schoolSeats = [Int](repeating: 0, count: G)
        for c in slots { for k in 0..<G { schoolSeats[k] += seats[c * G + k] } }
        let total = Double(schoolSeats.reduce(0, +))
        let q = schoolSeats.map { Double($0) / total }
        let classrooms = slots.map { c -> WithinSchools.Classroom in
            let row = Array(seats[(c * G)..<(c * G + G)])
            let t = Double(row.reduce(0, +))
            let section = r.sections[term.sections[c]]
            return .init(id: section.id, title: section.title, counts: row,
                         dissimilarityVsSchool: dissimilarity(of: row.map { Double($0) / t }, against: q),
                         course: r.courses[section.course].id)
        }
        // Outer units are numbered in the order their labels first appear: the order of `schools`.
        let outer = split.outer[j]
        assert(outer.id == r.orgs[term.schools[s]].id)
        let w = work[j]
        let b = w?.baseline
        let H = outer.H
        var school = WithinSchools.School(
            id: r.orgs[term.schools[s]].id, name: r.orgs[term.schools[s]].name, H: H,
            expectedH: b?.H.expected ?? H, excessH: b.map { H - $0.H.expected } ?? 0, pValue: b?.H.pValue ?? 1,
            significant: false, classrooms: classrooms)
        pValues.append(b?.H.pValue ?? 1)
        if let w {
            let t = w.layers.terms
            let layers = ClassroomLayers(programme: t[0], level: t[1], course: t[2], section: t[3])
            school.layers = layers
            let weight = total / totalSeats
            districtLayers.programme += weight * layers.programme
            districtLayers.level += weight * layers.level
            districtLayers.course += weight * layers.course
            districtLayers.section += weight * layers.section
            // M(course) is the same in every draw, so E[M(section | course)] = E[M(classes)] − M(course).
            let above = layers.programme + layers.level + layers.course
            if let sb = w.sections {
                school.section = .init(expectedM: max(0, sb.M.expected - above), excessM: sb.M.excess, pValue: sb.M.pValue, significant: false)
            } else {
                school.section = .init(expectedM: layers.section, excessM: 0, pValue: 1, significant: false)
            }
            sectionPValues.append(school.section!.pValue)
            school.courses = w.layout.courses(w.layers.finestParts, classrooms: classrooms, r: r, term: term, slots: slots)
            var programmes: [CourseLevel: [Int]] = [:]
            for (i, c) in slots.enumerated() where w.layout.designated[i] {
                let level = r.courses[r.sections[term.sections[c]].course].level
                for k in 0..<G { programmes[level, default: [Int](repeating: 0, count: G)][k] += seats[c * G + k] }
            }
            school.programmes = CourseLevel.allCases.compactMap { l in programmes[l].map { .init(level: l, seats: $0) } }
            for (l, row) in programmes { for k in 0..<G { districtProgrammes[l, default: [Int](repeating: 0, count: G)][k] += row[k] } }
        } else {
            sectionPValues.append(1)
        }
        school.seats = schoolSeats
        for k in 0..<G { districtSeats[k] += schoolSeats[k] }
        result.schools.append(school)
    }
    result.layers = districtLayers
    result.seats = districtSeats
    result.programmes = CourseLevel.allCases.compactMap { l in districtProgrammes[l].map { .init(level: l, seats: $0) } }
    // Benjamini–Hochberg at q = 0.05 across the schools: never flag chance.
    let significant = benjaminiHochberg(pValues, q: 0.05)
    let sectionSignificant = benjaminiHochberg(sectionPValues, q: 0.05)
    for j in result.schools.indices {
        result.schools[j].significant = significant[j] && result.schools[j].excessH > 0
        if result.schools[j].section != nil {
            result.schools[j].section!.significant = sectionSignificant[j] && result.schools[j].section!.excessM > 0
        }
    }
    return result
}

/// One school's share of the within-school work, computed on a worker thread.
struct SchoolWork {
    var layout: ClassLayers
    var layers: LayeredDecomposition
    var baseline: JointAssignmentBaseline.Dimension?
    var sections: JointAssignmentBaseline.Dimension?
}

/// One school's two baselines, every dimension at once: its students dealt across all its
/// classes (H against chance), and each course's students dealt to its own sections (the
/// section layer against chance).
struct SchoolBaselines {
    var wide: JointAssignmentBaseline
    var sections: JointAssignmentBaseline
}

/// The classroom baselines of every school with classes (indexed by school slot; nil
/// without draws). Each school's seed is drawn first, in order, so the result does not
/// depend on the number of threads.
/// - Complexity: O(draws · E · dimensions) for E enrollments in the term.
func classroomBaselines(_ term: TermView, _ r: Roster, codes: [[UInt8]], _ o: DiagnosticOptions,
                        using rng: inout SeededGenerator) -> [SchoolBaselines?] {
    let S = term.schools.count
    guard o.baselineDraws > 0 else { return [SchoolBaselines?](repeating: nil, count: S) }
    let seeds = (0..<S).map { _ in rng.next() }
    // Enrollments grouped by school (a counting sort).
    var start = [Int](repeating: 0, count: S + 1)
    for slot in term.enrollmentSlot { start[term.sectionSchool[Int(slot)] + 1] += 1 }
    for s in 0..<S { start[s + 1] += start[s] }
    var next = start
    var order = [Int32](repeating: 0, count: term.enrollmentSlot.count)
    for (e, slot) in term.enrollmentSlot.enumerated() {
        let s = term.sectionSchool[Int(slot)]
        order[next[s]] = Int32(e)
        next[s] += 1
    }
    let groups = Dimension.allCases.map { $0.rosterGroups.count }
    let first = start, seatOrder = order
    var out = [SchoolBaselines?](repeating: nil, count: S)
    let done = Mutex(0)
    let progress = o.progress
    out.withUnsafeMutableBufferPointer { out in
        nonisolated(unsafe) let out = out
        let workers = max(1, min(o.parallelism, S))
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            for s in stride(from: w, to: S, by: workers) where first[s + 1] > first[s] {
                // Local numbers for the school's classes, and their courses as strata.
                var unitOf: [Int32: Int32] = [:], courseOf: [Int: Int32] = [:]
                var unit: [Int32] = [], stratum: [Int32] = []
                var seatCodes = [[UInt8]](repeating: [], count: codes.count)
                for k in first[s]..<first[s + 1] {
                    let e = Int(seatOrder[k])
                    let slot = term.enrollmentSlot[e], st = Int(term.enrollmentStudent[e])
                    let u: Int32
                    if let known = unitOf[slot] { u = known } else {
                        u = Int32(unitOf.count)
                        unitOf[slot] = u
                        let course = r.sections[term.sections[Int(slot)]].course
                        let c = courseOf[course] ?? Int32(courseOf.count)
                        courseOf[course] = c
                        stratum.append(c)
                    }
                    unit.append(u)
                    for d in codes.indices { seatCodes[d].append(codes[d][st]) }
                }
                var g = SeededGenerator(seed: seeds[s])
                let wide = jointRandomAssignmentBaseline(
                    of: SeatTable(unit: unit, stratum: [Int32](repeating: 0, count: stratum.count), codes: seatCodes, groups: groups),
                    draws: o.baselineDraws, using: &g)
                let sections = jointRandomAssignmentBaseline(
                    of: SeatTable(unit: unit, stratum: stratum, codes: seatCodes, groups: groups), draws: o.baselineDraws, using: &g)
                out[s] = SchoolBaselines(wide: wide, sections: sections)
                let n = done.withLock { n in n += 1; return n }
                progress?("classroom baselines", n, S)
            }
        }
    }
    return out
}

/// Which programme, level and course each of a school's classes is in, numbered nested
/// (contract `diagnose.md`): the programme is the designated level (ESL, intervention,
/// self-contained) or general; the level is the course level; the course is the course.
struct ClassLayers {
    var programme: [Int] = [], level: [Int] = [], course: [Int] = []
    var designated: [Bool] = []
    /// The roster course of each course part.
    var courseIndex: [Int] = []

    init(_ slots: [Int], term: TermView, r: Roster) {
        var programmes: [Int: Int] = [:], levels: [Int: Int] = [:], courses: [Int: Int] = [:]
        let levelCodes = Dictionary(uniqueKeysWithValues: CourseLevel.allCases.enumerated().map { ($1, $0) })
        for c in slots {
            let courseID = r.sections[term.sections[c]].course
            let lv = r.courses[courseID].level
            let isDesignated = lv.isDesignatedProgramme
            let p = programmes[isDesignated ? levelCodes[lv]! : -1, default: programmes.count]
            programmes[isDesignated ? levelCodes[lv]! : -1] = p
            // A level is read within its programme, a course within its level: the parts nest.
            let lk = p << 8 | levelCodes[lv]!
            let l = levels[lk, default: levels.count]
            levels[lk] = l
            let ck = l << 32 | courseID
            let k = courses[ck, default: courses.count]
            if k == courses.count { courseIndex.append(courseID) }
            courses[ck] = k
            programme.append(p)
            level.append(l)
            course.append(k)
            designated.append(isDesignated)
        }
    }

    /// Courses with two or more sections and a part of the section layer, the largest first.
    func courses(_ parts: [Double], classrooms: [WithinSchools.Classroom], r: Roster, term: TermView, slots: [Int]) -> [WithinSchools.CourseSections] {
        var sections = [Int](repeating: 0, count: parts.count), seats = [Int](repeating: 0, count: parts.count)
        for (i, k) in course.enumerated() {
            sections[k] += 1
            seats[k] += classrooms[i].students
        }
        return parts.indices.filter { sections[$0] >= 2 && parts[$0] > 1e-12 }
            .sorted { parts[$0] > parts[$1] }
            .prefix(5)
            .map { k in
                let c = r.courses[courseIndex[k]]
                return .init(id: c.id, title: c.title, sections: sections[k], seats: seats[k], M: parts[k])
            }
    }
}

/// Benjamini & Hochberg (1995): which of m p-values are discoveries at false-discovery rate q.
func benjaminiHochberg(_ p: [Double], q: Double) -> [Bool] {
    let m = p.count
    let order = p.indices.sorted { p[$0] < p[$1] }
    var cutoff = -1
    for (rank, i) in order.enumerated() where p[i] <= Double(rank + 1) / Double(m) * q { cutoff = rank }
    var out = [Bool](repeating: false, count: m)
    if cutoff >= 0 { for rank in 0...cutoff { out[order[rank]] = true } }
    return out
}

func advancedCoursework(code: [UInt8], G: Int, groups: [String], term: TermView, r: Roster, minimumN: Int,
                        reference: ReferenceFlags) -> Advanced {
    let any = participation(code: code, G: G, groups: groups, term: term, r: r, minimumN: minimumN,
                            grades: term.advancedGrades, takes: term.participates, reference: reference)
    // Each advanced level on its own: offered where a class of it lists the grade, taken
    // by a student in one class of it (one pass over the enrollments for every level).
    let levels = CourseLevel.allCases.filter(\.isAdvanced)
    let slotLevel: [Int] = term.sections.map { i in levels.firstIndex(of: r.courses[r.sections[i].course].level) ?? -1 }
    var grades = [[UInt32]](repeating: [UInt32](repeating: 0, count: term.schools.count), count: levels.count)
    for (slot, i) in term.sections.enumerated() where slotLevel[slot] >= 0 {
        for g in r.grades(of: r.sections[i]) { grades[slotLevel[slot]][term.sectionSchool[slot]] |= 1 << UInt32(g.ordinal) }
    }
    var takes = [[Bool]](repeating: [Bool](repeating: false, count: r.students.count), count: levels.count)
    for (slot, st) in zip(term.enrollmentSlot, term.enrollmentStudent) where slotLevel[Int(slot)] >= 0 {
        takes[slotLevel[Int(slot)]][Int(st)] = true
    }
    var byLevel: [Advanced.Level] = []
    for (l, level) in levels.enumerated() where slotLevel.contains(l) {
        let p = participation(code: code, G: G, groups: groups, term: term, r: r, minimumN: minimumN, grades: grades[l], takes: takes[l],
                              reference: reference)
        byLevel.append(.init(level: level, overallRate: p.overallRate, groups: p.groups, schools: p.schools))
    }
    var out = any
    out.levels = byLevel
    return out
}

/// Participation in the classes `takes` marks, among students whose grade `grades` marks
/// in their school (eligible), by group, district-wide and per school.
///
/// With `reference` (a flag per student), district groups also get `missingToReference`
/// against the reference students' rate, and access: `inOfferedGrades` (students whose grade
/// has such a class in some school of the district), `accessRate` = eligible / inOfferedGrades
/// and `accessGapPP` (contract `diagnose.md`, "Access and intersections").
func participation(code: [UInt8], G: Int, groups: [String], term: TermView, r: Roster, minimumN: Int,
                   grades: [UInt32], takes participates: [Bool], reference: ReferenceFlags? = nil) -> Advanced {
    let S = term.schools.count
    var eligibleSG = [Int](repeating: 0, count: S * G), participantsSG = [Int](repeating: 0, count: S * G)
    var eligibleG = [Int](repeating: 0, count: G), participantsG = [Int](repeating: 0, count: G)
    var offeredG = [Int](repeating: 0, count: G)
    var referenceEligible = 0, referenceParticipants = 0
    // Grades with a class somewhere in the district.
    let offered = grades.reduce(0, |)
    // 0: not seen; bit 1: counted as offered; bit 2: counted as eligible.
    var seen = [UInt8](repeating: 0, count: r.students.count)
    for (st, school) in term.attendance {
        let g = Int(code[Int(st)])
        guard g < G, let grade = r.students[Int(st)].grade else { continue }
        let bit = UInt32(1) << UInt32(grade.ordinal)
        if offered & bit != 0 && seen[Int(st)] & 1 == 0 {
            seen[Int(st)] |= 1
            offeredG[g] += 1
        }
        guard grades[Int(school)] & bit != 0 else { continue }
        let takes = participates[Int(st)]
        eligibleSG[Int(school) * G + g] += 1
        if takes { participantsSG[Int(school) * G + g] += 1 }
        if seen[Int(st)] & 2 == 0 {
            seen[Int(st)] |= 2
            eligibleG[g] += 1
            if takes { participantsG[g] += 1 }
        }
    }
    if let reference {
        for (st, school) in term.attendance where reference.member[Int(st)] && seen[Int(st)] & 4 == 0 {
            guard let grade = r.students[Int(st)].grade, grades[Int(school)] & (1 << UInt32(grade.ordinal)) != 0 else { continue }
            seen[Int(st)] |= 4
            referenceEligible += 1
            if participates[Int(st)] { referenceParticipants += 1 }
        }
    }
    let schoolNames = (0..<S).map { s -> (id: String, name: String) in (r.orgs[term.schools[s]].id, r.orgs[term.schools[s]].name) }
    var out = Advanced(eligibleSG: eligibleSG, participantsSG: participantsSG, eligibleG: eligibleG, participantsG: participantsG,
                       offeredG: offeredG, schools: schoolNames, groups: groups, minimumN: minimumN)
    let referenceRate = referenceEligible > 0 ? Double(referenceParticipants) / Double(referenceEligible) : 0
    if reference != nil {
        for g in 0..<G { out.groups[g].missingToReference = max(0, Double(eligibleG[g]) * referenceRate - Double(participantsG[g])) }
    }
    if let reference {
        out.reference = .init(name: reference.group.name, criteria: reference.group.texts, eligible: referenceEligible,
                              participants: referenceParticipants, rate: referenceRate)
    }
    return out
}

extension Advanced {
    /// Participation from counts: eligible students and participants per school and group
    /// (`[s * G + g]`), per group district-wide (each student once), and students whose
    /// grade has the class somewhere in the district (`offeredG`, for access).
    ///
    /// Rates `participants / eligible`; the highest rate among groups of at least
    /// `minimumN` eligible students (all groups when none is); `missing_g = Σ_s max(0,
    /// eligible_sg · r_s,others − participants_sg)`; access `eligible / inOfferedGrades`.
    /// Shared by the roster diagnostic and public data (contract `crdc.md`).
    /// - Complexity: O(schools · groups²).
    public init(eligibleSG: [Int], participantsSG: [Int], eligibleG: [Int], participantsG: [Int], offeredG: [Int],
                schools: [(id: String, name: String)], groups: [String], minimumN: Int) {
        let G = groups.count, S = schools.count
        func rates(_ eligible: [Int], _ participants: [Int], others: (Int) -> Double?) -> (Double, [Advanced.Group]) {
            let E = eligible.reduce(0, +), Pn = participants.reduce(0, +)
            let overall = E > 0 ? Double(Pn) / Double(E) : 0
            let rate = (0..<G).map { eligible[$0] > 0 ? Double(participants[$0]) / Double(eligible[$0]) : 0 }
            // The highest rate among groups large enough to be stable (all groups when none is).
            let stable = (0..<G).filter { eligible[$0] >= minimumN }
            let pool = stable.isEmpty ? (0..<G).filter { eligible[$0] > 0 } : stable
            let highest = pool.map { rate[$0] }.max() ?? 0
            return (overall, (0..<G).map { g in
                .init(group: groups[g], eligible: eligible[g], participants: participants[g], rate: rate[g],
                      representationIndex: overall > 0 ? rate[g] / overall : 0,
                      gapToHighestPP: eligible[g] > 0 ? 100 * (highest - rate[g]) : 0,
                      missing: others(g) ?? 0,
                      missingToHighest: max(0, Double(eligible[g]) * highest - Double(participants[g])))
            })
        }
        // missing_g = Σ_s max(0, eligible_sg · r_s,others − participants_sg).
        func missing(_ g: Int, in range: Range<Int>) -> Double {
            var sum = 0.0
            for s in range {
                var eo = 0, po = 0
                for k in 0..<G where k != g { eo += eligibleSG[s * G + k]; po += participantsSG[s * G + k] }
                guard eo > 0 else { continue }
                sum += max(0, Double(eligibleSG[s * G + g]) * Double(po) / Double(eo) - Double(participantsSG[s * G + g]))
            }
            return sum
        }
        var (overall, district) = rates(eligibleG, participantsG) { g in missing(g, in: 0..<S) }
        // Access: the highest rate among groups large enough to be stable, as for participation.
        let access = (0..<G).map { offeredG[$0] > 0 ? Double(eligibleG[$0]) / Double(offeredG[$0]) : 0 }
        let stable = (0..<G).filter { offeredG[$0] >= minimumN }
        let pool = stable.isEmpty ? (0..<G).filter { offeredG[$0] > 0 } : stable
        let highestAccess = pool.map { access[$0] }.max() ?? 0
        for g in 0..<G {
            district[g].inOfferedGrades = offeredG[g]
            district[g].accessRate = access[g]
            district[g].accessGapPP = offeredG[g] > 0 ? 100 * (highestAccess - access[g]) : 0
        }
        var perSchool: [Advanced.School] = []
        for s in 0..<S {
            let e = Array(eligibleSG[(s * G)..<(s * G + G)]), p = Array(participantsSG[(s * G)..<(s * G + G)])
            guard e.reduce(0, +) > 0 else { continue }
            perSchool.append(.init(id: schools[s].id, name: schools[s].name, groups: rates(e, p) { g in missing(g, in: s..<(s + 1)) }.1))
        }
        self.init(overallRate: overall, groups: district, schools: perSchool)
    }
}

/// The reference group of `missingToReference` and which students are in it.
struct ReferenceFlags {
    let group: ReferenceGroup
    let member: [Bool]

    init(_ group: ReferenceGroup, _ r: Roster) {
        self.group = group
        member = r.students.map(group.contains)
    }
}
