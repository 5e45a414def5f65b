import MosaicCore

extension SectioningInstance {
    /// A school's term as a sectioning instance: its classes as sections (grouped by
    /// course), its students' enrollments as their course requests (one per course), and
    /// their groups on the five dimensions — so the term can be re-sectioned and compared
    /// with how it was loaded.
    ///
    /// A class meeting in one period keeps it; when any class meets in several, every
    /// class is written as meeting blocks (one slot per period, every day) so that periods
    /// still decide every overlap. A class with no period cannot be placed and is left
    /// out, with its course's requests; `notes` says so. Each section's limit is its
    /// enrollment, or `limit` when that is larger (room to even the sections out).
    ///
    /// - Returns: the instance, the current loading (student → course → sections) and notes.
    public static func from(_ roster: Roster, school: String, term: String?, limit: Int? = nil,
                            balance: [String] = ["race", "economic"]) throws(ScheduleError)
        -> (instance: SectioningInstance, current: [String: [String: [String]]], notes: [String]) {
        guard let schoolIndex = roster.orgs.firstIndex(where: { $0.id == school }) else {
            throw .invalidInstance(["school \(school): not in the roster"])
        }
        var termIndex: Int? = nil
        if let term {
            guard let t = roster.sessions.firstIndex(where: { $0.id == term }) else { throw .invalidInstance(["term \(term): not in the roster"]) }
            termIndex = t
        }
        let chosen = roster.sections.indices.filter { k in
            roster.sections[k].school == schoolIndex && (termIndex.map { roster.sections[k].terms.contains($0) } ?? true)
        }
        guard !chosen.isEmpty else { throw .invalidInstance(["school \(school): no classes\(term.map { " in term \($0)" } ?? "")"]) }
        var notes: [String] = []
        let unplaced = chosen.filter { roster.sections[$0].periods.isEmpty }
        if !unplaced.isEmpty {
            notes.append("\(unplaced.count) classes have no period and are left out (\(unplaced.prefix(5).map { roster.sections[$0].id }.joined(separator: ", "))\(unplaced.count > 5 ? ", …" : ""))")
        }
        let placed = chosen.filter { !roster.sections[$0].periods.isEmpty }
        var periods: [String] = []
        for k in placed { for p in roster.sections[k].periods where !periods.contains(p) { periods.append(p) } }
        periods.sort { a, b in
            switch (Int(a), Int(b)) {
            case let (x?, y?): return x < y
            case (_?, nil): return true
            case (nil, _?): return false
            default: return a < b
            }
        }
        let multiple = placed.contains { roster.sections[$0].periods.count > 1 }
        let slot = Dictionary(uniqueKeysWithValues: periods.enumerated().map { ($1, $0) })
        var enrolled = [Int](repeating: 0, count: roster.sections.count)
        var bySection: [Int: [Int]] = [:]
        let wanted = Set(placed)
        for k in 0..<roster.enrollmentCount {
            let s = Int(roster.enrollmentSection[k])
            guard wanted.contains(s) else { continue }
            enrolled[s] += 1
            bySection[s, default: []].append(Int(roster.enrollmentStudent[k]))
        }
        var courseOrder: [Int] = []
        var sectionsOf: [Int: [Section]] = [:]
        for k in placed {
            let s = roster.sections[k]
            if sectionsOf[s.course] == nil { courseOrder.append(s.course) }
            let meets = multiple ? s.periods.map { Meeting(days: "11111", start: slot[$0]!, length: 1) } : nil
            sectionsOf[s.course, default: []].append(
                Section(id: s.id, limit: max(enrolled[k], limit ?? 0), period: multiple ? nil : s.periods[0], meets: meets))
        }
        let courses = courseOrder.map { c in
            Course(id: roster.courses[c].id, title: roster.courses[c].title, level: roster.courses[c].level.rawValue,
                   sections: sectionsOf[c], configs: nil)
        }
        // Students: one request per course they are enrolled in.
        var requests: [Int: [String]] = [:], studentOrder: [Int] = []
        var current: [String: [String: [String]]] = [:]
        for k in placed {
            let courseID = roster.courses[roster.sections[k].course].id
            for st in bySection[k] ?? [] {
                if requests[st] == nil { studentOrder.append(st) }
                let id = roster.students[st].id
                if current[id]?[courseID] == nil { requests[st, default: []].append(courseID) }
                current[id, default: [:]][courseID, default: []].append(roster.sections[k].id)
            }
        }
        var doubled = 0
        for (id, byCourse) in current { for (c, s) in byCourse where s.count > 1 { doubled += 1; current[id]![c] = [s[0]] } }
        if doubled > 0 { notes.append("\(doubled) enrollments in a second class of the same course are read as one request (the first class kept as the current loading)") }
        let dimensions = Dimension.five
        let students = studentOrder.map { k -> Student in
            let st = roster.students[k]
            var groups: [String: String] = [:]
            for d in dimensions { groups[d.rawValue] = st.group(in: d).map { d.rosterGroups[$0] } ?? "unknown" }
            return Student(id: st.id, grade: st.grade?.description, need: nil, groups: groups,
                           requests: requests[k]!.map { Request(course: $0, weight: nil, alternatives: nil) })
        }
        let instance = SectioningInstance(name: "\(roster.orgs[schoolIndex].name)\(term.map { " \($0)" } ?? "")",
                                          periods: multiple ? nil : periods, courses: courses, students: students, balance: balance)
        return (instance, current, notes)
    }
}
