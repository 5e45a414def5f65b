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
    static func families(_ model: SectioningModel) -> [[Int]] {
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
    }

    /// Re-deals the family's seats for the best weighted requests met; applies the result
    /// only when it is strictly better (so balance is never traded for nothing). For a
    /// student with several requests in the family, one (drawn) is re-dealt and the
    /// others stay as they are. Returns whether the loading improved.
    @discardableResult
    mutating func improveFamily(_ family: [Int], using rng: inout some RandomNumberGenerator) -> Bool {
        let inFamily = Set(family)
        // The requests re-dealt: one per student.
        var chosen: [(student: Int, request: Int)] = []
        for (i, st) in model.students.enumerated() {
            let own = st.requests.indices.filter { r in st.requests[r].courses.first.map(inFamily.contains) ?? false }
            if let r = own.count == 1 ? own.first : own.randomElement(using: &rng) { chosen.append((i, r)) }
        }
        guard !chosen.isEmpty else { return false }
        let familyOptions = family.flatMap { model.courses[$0].options }
        var optionNode: [Int: Int] = [:]
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
            let otherCourses = Set(schedule(of: i).enumerated().filter { $0.offset != r && $0.element >= 0 }.map { model.options[$0.element].course })
            graph.addEdge(from: source, to: 1 + k, capacity: 1, cost: 0, flow: current >= 0 ? 1 : 0)
            var edges: [(Int, Int)] = []
            for (rankK, c) in request.courses.enumerated() where !otherCourses.contains(c) {
                let cost = -Int((request.value(rankK) * scale).rounded())
                for o in model.courses[c].options where o == current || model.fits(o, held) {
                    let node = 1 + chosen.count + optionNode[o]!
                    let e = graph.addEdge(from: 1 + k, to: node, capacity: 1, cost: cost, flow: o == current ? 1 : 0)
                    edges.append((e, o))
                }
            }
            if current >= 0 { holders[optionNode[current]!] += 1 }
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
        for c in changes { unassign(c.student, request: c.request) }
        for c in changes where c.option >= 0 { assign(c.student, request: c.request, option: c.option) }
        return score.value > old.value + Score.tolerance
    }
}

extension Loading {
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
