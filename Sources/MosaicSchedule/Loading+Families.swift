/// A family of courses and the requests naming them first, student by student.
struct CourseFamily {
    let courses: [Int]
    /// Indexed by course: whether it belongs to the family.
    let membership: [Bool]
    let requests: [(student: Int, requests: [Int])]

    func contains(_ course: Int) -> Bool { membership[course] }
}

/// The exact move of the search: re-deal one *family* of courses (a course and every course
/// linked to it as an alternative) among the students asking for them, everything else
/// held fixed, as a maximum-weight b-matching solved by minimum-cost circulation. It finds
/// the long chains a local move cannot — a student leaves her section for another, which
/// frees a seat for a second, whose alternative seat goes to a third who asked for it
/// first — and gives each family's seats to the requests worth most.
extension Loading {
    /// The families: courses joined through the requests naming them together, each
    /// sorted, in order of their first course. Only families whose every section belongs
    /// to exactly one way of taking its course are returned (a way's seats are then a
    /// capacity of its own); the search leaves the others to its local moves.
    static func families(_ model: SectioningModel) -> [CourseFamily] {
        var root = Array(model.courses.indices)
        func find(_ x: Int) -> Int {
            var x = x
            while root[x] != x { root[x] = root[root[x]]; x = root[x] }
            return x
        }
        for st in model.students {
            for r in st.requests {
                for c in r.courses.dropFirst() {
                    let a = find(r.courses[0]), b = find(c)
                    if a != b { root[max(a, b)] = min(a, b) }
                }
            }
        }
        var uses = [Int](repeating: 0, count: model.sections.count)
        for o in model.options { for s in o.sections { uses[s] += 1 } }
        var groups: [Int: [Int]] = [:]
        for c in model.courses.indices { groups[find(c), default: []].append(c) }
        return groups.values
            .filter { family in family.allSatisfy { c in model.sections(of: c).allSatisfy { uses[$0] == 1 } } }
            .map { $0.sorted() }
            .sorted { $0[0] < $1[0] }
            .map { courses in
                var membership = [Bool](repeating: false, count: model.courses.count)
                for c in courses { membership[c] = true }
                let requests = model.students.indices.compactMap { i -> (Int, [Int])? in
                    let own = model.students[i].requests.indices.filter { r in model.students[i].requests[r].courses.first.map { membership[$0] } ?? false }
                    return own.isEmpty ? nil : (i, own)
                }
                return CourseFamily(courses: courses, membership: membership, requests: requests)
            }
    }

    /// Re-deals the family's seats for the best weighted requests met; applies the result
    /// only when it is strictly better (so balance is never traded for nothing). For a
    /// student with several requests in the family, one (drawn) is re-dealt and the
    /// others stay as they are. Returns whether the loading improved.
    ///
    /// With `lookahead` an option's worth to a student also counts what it does to the
    /// rest of her schedule (`lookAhead`): she may give up at most two courses in its way,
    /// and time it frees may meet a request still waiting. Seats those need are only
    /// estimated, so the re-deal is applied, every changed student's schedule filled
    /// (`fill`), and the whole kept only when the objective is strictly better.
    @discardableResult
    mutating func improveFamily(_ family: CourseFamily, lookahead: Bool = false, using rng: inout some RandomNumberGenerator) -> Bool {
        // The requests re-dealt: one per student.
        var chosen: [(student: Int, request: Int)] = []
        for (i, own) in family.requests {
            if let r = own.count == 1 ? own.first : own.randomElement(using: &rng) { chosen.append((i, r)) }
        }
        guard !chosen.isEmpty else { return false }
        let familyOptions = family.courses.flatMap { model.courses[$0].options }
        var optionNode = [Int](repeating: -1, count: model.options.count)
        for (k, o) in familyOptions.enumerated() { optionNode[o] = k }
        let source = 0, sink = 1 + chosen.count + familyOptions.count
        var graph = MinCostCirculation(nodes: sink + 1)
        let scale = 1_000_000.0
        var holders = [Int](repeating: 0, count: familyOptions.count)
        var requestEdges: [[(edge: Int, option: Int)]] = []
        for (k, (i, r)) in chosen.enumerated() {
            let current = choice[requestStart[i] + r]
            let request = model.students[i].requests[r]
            // Her time without this request's sections, and the courses her other requests hold.
            var held = Array(heldWords(i))
            if current >= 0 { for s in model.options[current].sections { held[s >> 6] &= ~(1 << UInt64(s & 63)) } }
            let otherCourses = schedule(of: i).enumerated().filter { $0.offset != r && $0.element >= 0 }.map { model.options[$0.element].course }
            graph.addEdge(from: source, to: 1 + k, capacity: 1, cost: 0, flow: current >= 0 ? 1 : 0)
            var edges: [(Int, Int)] = []
            let waiting = lookahead && model.students[i].requests.indices.contains { $0 != r && choice[requestStart[i] + $0] < 0 }
            for (rankK, c) in request.courses.enumerated() where !otherCourses.contains(c) {
                for o in model.courses[c].options {
                    var net = request.value(rankK)
                    if o != current && !model.fits(o, held) {
                        // Lookahead: she may give up one or two courses in the way.
                        guard lookahead, let look = lookAhead(i, request: r, option: o, held: held, family: family) else { continue }
                        net += look
                    } else if waiting {
                        net += lookAhead(i, request: r, option: o, held: held, family: family) ?? 0
                    }
                    let cost = -Int((net * scale).rounded())
                    let node = 1 + chosen.count + optionNode[o]
                    let e = graph.addEdge(from: 1 + k, to: node, capacity: 1, cost: cost, flow: o == current ? 1 : 0)
                    edges.append((e, o))
                }
            }
            if current >= 0 { holders[optionNode[current]] += 1 }
            requestEdges.append(edges)
        }
        var total = 0
        for (k, o) in familyOptions.enumerated() {
            // Seats left to the re-dealt requests: the limit less the holders held fixed.
            let fixed = load[model.options[o].sections[0]] - holders[k]
            let seats = max(holders[k], (model.options[o].sections.map { model.sections[$0].limit }.min() ?? 0) - fixed)
            graph.addEdge(from: 1 + chosen.count + k, to: sink, capacity: seats, cost: 0, flow: holders[k])
            total += holders[k]
        }
        graph.addEdge(from: sink, to: source, capacity: chosen.count, cost: 0, flow: total)
        let saved = graph.cancelNegativeCycles()
        guard Double(saved) / scale > Score.tolerance else { return false }
        // Apply: release every changed request first, then give the new options.
        var changes: [(student: Int, request: Int, option: Int)] = []
        for (k, (i, r)) in chosen.enumerated() {
            let now = requestEdges[k].first { graph.flow($0.edge) > 0 }?.option ?? -1
            if now != choice[requestStart[i] + r] { changes.append((i, r, now)) }
        }
        let old = score
        guard lookahead else {
            for c in changes { unassign(c.student, request: c.request) }
            for c in changes where c.option >= 0 { assign(c.student, request: c.request, option: c.option) }
            return score.value > old.value + Score.tolerance
        }
        let students = Array(Set(changes.map(\.student))).sorted()
        let before = students.map { schedule(of: $0) }
        for c in changes { unassign(c.student, request: c.request) }
        for c in changes where c.option >= 0 {
            for u in conflicts(c.student, option: c.option) { unassign(c.student, request: u) }
            assign(c.student, request: c.request, option: c.option)
        }
        for i in students { fill(i) }
        if score.isBetter(than: old) { return true }
        restore(students, before)
        return false
    }
}

extension Loading {
    /// Student i's met requests whose sections overlap option o.
    func conflicts(_ i: Int, option o: Int) -> [Int] {
        model.students[i].requests.indices.filter { u in
            let q = choice[requestStart[i] + u]
            return q >= 0 && !model.compatible(o, q)
        }
    }

    /// What else changes for student i if request r is met by option o, her time without
    /// r's sections being `held`: less the value of the (at most two) courses of hers in
    /// its way, plus what a greedy placement of those and her unmet requests would then
    /// meet (options with room, the seats she frees counted). Nil when more than two
    /// courses, or a course of the family being re-dealt, are in the way.
    func lookAhead(_ i: Int, request r: Int, option o: Int, held: [UInt64], family: CourseFamily) -> Double? {
        let st = model.students[i]
        let start = requestStart[i]
        // What is in the way, before anything is allocated: most calls end here.
        var dropped = 0
        var waiting = false
        for u in st.requests.indices where u != r {
            let q = choice[start + u]
            if q < 0 { waiting = true; continue }
            if !model.compatible(o, q) {
                dropped += 1
                if dropped > 2 || family.contains(model.options[q].course) { return nil }
            }
        }
        guard waiting || dropped > 0 else { return 0 }
        var time = held
        var lost = 0.0
        var freed: [Int] = []
        var open: [Int] = []
        var courses: [Int] = []
        courses.reserveCapacity(st.requests.count)
        for (u, request) in st.requests.enumerated() where u != r {
            let q = choice[start + u]
            guard q >= 0 else { open.append(u); continue }
            let option = model.options[q]
            if !model.compatible(o, q) {
                lost += request.value(rank(q, student: i, request: u))
                for s in option.sections { time[s >> 6] &= ~(1 << UInt64(s & 63)); freed.append(s) }
                open.append(u)
            } else {
                courses.append(option.course)
            }
        }
        for s in model.options[o].sections { time[s >> 6] |= 1 << UInt64(s & 63) }
        courses.append(model.options[o].course)
        open.sort { st.requests[$0].weight > st.requests[$1].weight }
        var gained = 0.0
        for u in open {
            if let best = bestOption(i, request: u, time: time, courses: courses, freed: freed) {
                gained += best.value
                courses.append(model.options[best.option].course)
                for s in model.options[best.option].sections { time[s >> 6] |= 1 << UInt64(s & 63) }
            }
        }
        return gained - lost
    }

    /// Gives student i, her sections held, each unmet request's best option that still
    /// fits and has room, the requests worth most first.
    mutating func fill(_ i: Int) {
        let st = model.students[i]
        let unmet = st.requests.indices.filter { choice[requestStart[i] + $0] < 0 }.sorted { st.requests[$0].weight > st.requests[$1].weight }
        for r in unmet {
            let courses = schedule(of: i).filter { $0 >= 0 }.map { model.options[$0].course }
            if let best = bestOption(i, request: r, time: Array(heldWords(i)), courses: courses, freed: []) {
                assign(i, request: r, option: best.option)
            }
        }
    }

    /// The option worth most (the first of its course in the instance's order) meeting
    /// request r of student i in `time`, of a course not in `courses`, with room — a seat
    /// in a section of `freed` counted as free.
    func bestOption(_ i: Int, request r: Int, time: [UInt64], courses: [Int], freed: [Int]) -> (option: Int, value: Double)? {
        let request = model.students[i].requests[r]
        var best: (option: Int, value: Double)? = nil
        for (k, c) in request.courses.enumerated() where !courses.contains(c) && request.value(k) > (best?.value ?? 0) {
            for q in model.courses[c].options where model.fits(q, time) {
                if model.options[q].sections.allSatisfy({ load[$0] - (freed.contains($0) ? 1 : 0) < model.sections[$0].limit }) {
                    best = (q, request.value(k))
                    break
                }
            }
        }
        return best
    }

    /// Ruin and recreate: clears the students' schedules, then gives each in turn her best
    /// schedule against everyone else's. Returns the schedules it replaced.
    mutating func recreate(_ students: [Int], using rng: inout some RandomNumberGenerator, randomOrder: Bool) -> [[Int]] {
        let saved = students.map { schedule(of: $0) }
        for i in students { clear(i) }
        for i in students { apply(i, bestSchedule(for: i, shuffle: &rng, randomOrder: randomOrder).options) }
        return saved
    }

    /// Puts back the schedules `recreate` replaced.
    mutating func restore(_ students: [Int], _ saved: [[Int]]) {
        for i in students { clear(i) }
        for (i, schedule) in zip(students, saved) { apply(i, schedule) }
    }
}
