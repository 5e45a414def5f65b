extension SectioningInstance {
    /// Every way `result` breaks the contract on this instance, read from the instance
    /// itself (not the solver's index form), so a solver bug cannot hide behind its own
    /// bookkeeping: unknown students, courses or sections; a course given that the request
    /// did not ask for; a request met twice; sections that are not one per subpart of one
    /// configuration, or miss a parent; two sections of one student that overlap; a
    /// section over its limit; unmet requests missing or listed wrongly; and counts or a
    /// bound that disagree with the assignments. Empty when the result is feasible.
    public func check(_ result: SectioningResult) -> [String] {
        var out: [String] = []
        var sectionsByID: [String: (course: String, section: Section)] = [:]
        var courseByID: [String: Course] = [:]
        for c in courses {
            courseByID[c.id] = c
            for config in c.configurations { for sp in config.subparts { for s in sp.sections { sectionsByID[s.id] = (c.id, s) } } }
        }
        var studentByID: [String: Student] = [:]
        for st in students { studentByID[st.id] = st }
        var given: [String: [String: [String]]] = [:]   // student → course → sections
        var enrolled: [String: Int] = [:]
        for a in result.assignments {
            guard let st = studentByID[a.student] else { out.append("assignment for unknown student \(a.student)"); continue }
            guard let course = courseByID[a.course] else { out.append("\(a.student): unknown course \(a.course)"); continue }
            guard st.requests.contains(where: { ([$0.course] + ($0.alternatives ?? [])).contains(a.course) }) else {
                out.append("\(a.student): given \(a.course), which none of her requests names"); continue
            }
            if given[a.student]?[a.course] != nil { out.append("\(a.student): given \(a.course) twice") }
            given[a.student, default: [:]][a.course] = a.sections
            let chosen = Set(a.sections)
            let fitsAConfig = course.configurations.contains { config in
                config.subparts.allSatisfy { sp in sp.sections.filter { chosen.contains($0.id) }.count == 1 }
                    && chosen.count == config.subparts.count
                    && chosen.allSatisfy { id in config.subparts.contains { $0.sections.contains { $0.id == id } } }
            }
            if !fitsAConfig { out.append("\(a.student): sections \(a.sections.joined(separator: ", ")) of \(a.course) are not one of every subpart of one configuration") }
            for id in a.sections {
                guard let (owner, s) = sectionsByID[id] else { out.append("\(a.student): unknown section \(id)"); continue }
                if owner != a.course { out.append("\(a.student): section \(id) is not a section of \(a.course)") }
                if let p = s.parent, !chosen.contains(p) { out.append("\(a.student): section \(id) without its parent \(p)") }
                enrolled[id, default: 0] += 1
            }
        }
        for (student, byCourse) in given.sorted(by: { $0.key < $1.key }) {
            let held = byCourse.sorted(by: { $0.key < $1.key }).flatMap(\.value).compactMap { id in sectionsByID[id].map { (id, $0.section) } }
            for x in held.indices { for y in held.indices where x < y && held[x].1.overlaps(held[y].1) {
                out.append("\(student): sections \(held[x].0) and \(held[y].0) overlap")
            } }
            // Each request met at most once: a course given must be matched to a distinct request.
            guard let st = studentByID[student] else { continue }
            var free = Array(st.requests.indices)
            for course in byCourse.keys.sorted() {
                if let k = free.firstIndex(where: { r in ([st.requests[r].course] + (st.requests[r].alternatives ?? [])).contains(course) }) {
                    free.remove(at: k)
                } else {
                    out.append("\(student): more courses given than requests name them")
                }
            }
        }
        for (id, count) in enrolled.sorted(by: { $0.key < $1.key }) {
            if let s = sectionsByID[id]?.section, count > s.limit { out.append("section \(id): \(count) students over its limit of \(s.limit)") }
        }
        let requests = students.reduce(0) { $0 + $1.requests.count }
        if result.requests != requests { out.append("requests is \(result.requests), the instance has \(requests)") }
        if result.requestsMet != result.assignments.count { out.append("requestsMet is \(result.requestsMet), \(result.assignments.count) assignments are listed") }
        if result.requestsMet + result.unmet.count != requests { out.append("\(result.requestsMet) met and \(result.unmet.count) unmet do not add up to \(requests) requests") }
        let complete = students.filter { st in (given[st.id]?.count ?? 0) == st.requests.count }.count
        if result.studentsComplete != complete { out.append("studentsComplete is \(result.studentsComplete), \(complete) students have every request met") }
        for u in result.unmet {
            guard let st = studentByID[u.student] else { out.append("unmet request of unknown student \(u.student)"); continue }
            guard let request = st.requests.first(where: { $0.course == u.course }) else {
                out.append("\(u.student): unmet \(u.course), which she did not ask for first"); continue
            }
            let met = ([request.course] + (request.alternatives ?? [])).contains { given[u.student]?[$0] != nil }
            if met && st.requests.filter({ $0.course == u.course }).count == 1 { out.append("\(u.student): \(u.course) listed unmet but given") }
            if u.reason.isEmpty { out.append("\(u.student): unmet \(u.course) without a reason") }
        }
        if result.bound < result.requestsMet { out.append("bound \(result.bound) is below requestsMet \(result.requestsMet)") }
        if result.bound > requests { out.append("bound \(result.bound) is above the \(requests) requests") }
        return out
    }
}
