/// The output of `mosaic schedule section` (contract `schedule.md`): counts, every met
/// request with its sections, every unmet request with its reason, the balance of the
/// sections against their courses, and the proven bound on requests met.
public struct SectioningResult: Sendable, Codable, Equatable {
    public struct Assignment: Sendable, Codable, Equatable {
        public var student: String
        public var course: String
        public var sections: [String]
    }

    public struct Unmet: Sendable, Codable, Equatable {
        public var student: String
        public var course: String
        public var reason: String
    }

    public struct Balance: Sendable, Codable, Equatable {
        /// Seat-weighted mean over sections (of subparts with two or more sections) of
        /// ½ Σ_k |p_section,k − p_course,k|, p_course the composition of the students who
        /// asked for the course first (of all students when nobody did).
        public var meanDissimilarityVsCourse: Double
    }

    public var requests: Int
    public var requestsMet: Int
    public var studentsComplete: Int
    public var assignments: [Assignment]
    public var unmet: [Unmet]
    public var balance: [String: Balance]
    public var bound: Int
    /// Weighted requests met (alternatives worth less), the solver's first objective.
    public var weightedRequestsMet: Double?
    /// Moves the local search made.
    public var moves: Int?
    /// Met requests given an alternative rather than the course asked for.
    public var metByAlternative: Int?

    public init(requests: Int, requestsMet: Int, studentsComplete: Int, assignments: [Assignment], unmet: [Unmet],
                balance: [String: Balance], bound: Int, weightedRequestsMet: Double? = nil, moves: Int? = nil) {
        self.requests = requests
        self.requestsMet = requestsMet
        self.studentsComplete = studentsComplete
        self.assignments = assignments
        self.unmet = unmet
        self.balance = balance
        self.bound = bound
        self.weightedRequestsMet = weightedRequestsMet
        self.moves = moves
    }

    init(_ loading: Loading, bound: Int, moves: Int) {
        let model = loading.model
        var assignments: [Assignment] = [], unmet: [Unmet] = []
        var alternatives = 0
        for (i, st) in model.students.enumerated() {
            for (r, request) in st.requests.enumerated() {
                let o = loading.choice[loading.requestStart[i] + r]
                if o >= 0 {
                    if model.options[o].course != request.courses.first { alternatives += 1 }
                    assignments.append(Assignment(student: st.id, course: model.courses[model.options[o].course].id,
                                                  sections: model.options[o].sections.map { model.sections[$0].id }))
                } else {
                    let asked = request.courses.first.map { model.courses[$0].id } ?? "?"
                    unmet.append(Unmet(student: st.id, course: asked, reason: Self.reason(loading, student: i, request: r)))
                }
            }
        }
        var balance: [String: Balance] = [:]
        for (d, name) in model.balance.enumerated() {
            balance[name] = Balance(meanDissimilarityVsCourse: Self.meanDissimilarity(loading, dimension: d))
        }
        self.init(requests: loading.choice.count, requestsMet: loading.score.met, studentsComplete: loading.score.complete,
                  assignments: assignments, unmet: unmet, balance: balance, bound: min(bound, loading.choice.count),
                  weightedRequestsMet: (loading.score.value * 1e6).rounded() / 1e6, moves: moves)
        metByAlternative = alternatives
    }

    /// Σ_s ½ Σ_g |n_{s,g} − n_s·p_{c,g}| / Σ_s n_s over the sections of subparts with two or more sections.
    static func meanDissimilarity(_ loading: Loading, dimension d: Int) -> Double {
        let model = loading.model
        var weighted = 0.0, seats = 0
        for (s, section) in model.sections.enumerated() where model.subparts[section.subpart].balanced && loading.load[s] > 0 {
            weighted += loading.distance(s, dimension: d)
            seats += loading.load[s]
        }
        return seats == 0 ? 0 : weighted / Double(seats)
    }

    /// Why request r of student i is unmet, in a scheduler's words: the courses of hers
    /// that every way to take it meets against, or the full sections among the ways
    /// that fit her schedule.
    static func reason(_ loading: Loading, student i: Int, request r: Int) -> String {
        let model = loading.model
        let request = model.students[i].requests[r]
        let options = request.courses.flatMap { model.courses[$0].options }
        let names = request.courses.map { model.courses[$0].id }.joined(separator: " or ")
        if options.isEmpty { return "\(names) has no sections" }
        let held = loading.schedule(of: i)
        let heldCourses = Set(held.filter { $0 >= 0 }.map { model.options[$0].course })
        let fitting = options.filter { loading.fits($0, student: i) && !heldCourses.contains(model.options[$0].course) }
        if fitting.isEmpty {
            if let c = request.courses.first(where: heldCourses.contains) {
                return "she already has \(model.courses[c].id) for another request"
            }
            var blockers: [String] = []
            for o in options {
                for h in held where h >= 0 && !model.compatible(o, h) {
                    let line = "\(model.courses[model.options[h].course].id) (\(model.options[h].sections.map(model.when).joined(separator: ", ")))"
                    if !blockers.contains(line) { blockers.append(line) }
                }
            }
            return "every section of \(names) meets at the same time as her \(blockers.joined(separator: " or "))"
        }
        let full = fitting.flatMap { o in model.options[o].sections.filter { loading.load[$0] >= model.sections[$0].limit } }
        if !full.isEmpty && fitting.allSatisfy({ !loading.hasRoom($0) }) {
            let listed = Array(Set(full)).sorted().map { "\(model.sections[$0].id) (\(loading.load[$0]) of \(model.sections[$0].limit))" }
            return "every section of \(names) that fits her schedule is full: \(listed.joined(separator: ", "))"
        }
        return "a section of \(names) with room fits her schedule, but the solver left it unmet"
    }
}

extension Sectioning {
    /// A loading given from outside (student → course → sections: the roster's, or
    /// another tool's) scored the way the solver scores its own: the same counts, unmet
    /// requests with reasons and balance. Sections that are not one way to take the
    /// course, and courses not requested, are left out; limits and overlaps are not
    /// checked here (`SectioningInstance.check` does that).
    public static func evaluate(_ model: SectioningModel, loading given: [String: [String: [String]]]) -> SectioningResult {
        SectioningResult(loaded(model, given), bound: requestBound(model), moves: 0)
    }

    /// Each section's students by group on one balance dimension, and each course's
    /// seat-weighted mean dissimilarity of its sections from it, for a given loading —
    /// the before-and-after a scheduler compares.
    public static func composition(_ model: SectioningModel, loading given: [String: [String: [String]]], dimension: String) -> SectionComposition? {
        guard let d = model.balance.firstIndex(of: dimension) else { return nil }
        let loading = loaded(model, given)
        var sections: [SectionComposition.Section] = [], courses: [SectionComposition.Course] = []
        for (c, course) in model.courses.enumerated() {
            var weighted = 0.0, seats = 0
            for s in model.sections(of: c) {
                let counts = model.groupNames[d].indices.map { loading.groupLoad[s * loading.groupWidth + loading.groupOffset[d] + $0] }
                sections.append(.init(id: model.sections[s].id, course: course.id, when: model.sections[s].period.map { model.periods[$0] }, counts: counts))
                guard model.subparts[model.sections[s].subpart].balanced, loading.load[s] > 0 else { continue }
                weighted += loading.distance(s, dimension: d)
                seats += loading.load[s]
            }
            if seats > 0 { courses.append(.init(id: course.id, title: course.title, dissimilarity: weighted / Double(seats), students: seats)) }
        }
        return SectionComposition(groups: model.groupNames[d], sections: sections, courses: courses)
    }

    /// A solver's result as a loading (student → course → sections).
    public static func loading(of result: SectioningResult) -> [String: [String: [String]]] {
        var out: [String: [String: [String]]] = [:]
        for a in result.assignments { out[a.student, default: [:]][a.course] = a.sections }
        return out
    }

    static func loaded(_ model: SectioningModel, _ given: [String: [String: [String]]]) -> Loading {
        var loading = Loading(model: model)
        for (i, st) in model.students.enumerated() {
            guard let mine = given[st.id] else { continue }
            var used = Set<Int>()
            for (r, request) in st.requests.enumerated() {
                for c in request.courses where !used.contains(c) {
                    guard let sections = mine[model.courses[c].id] else { continue }
                    let wanted = Set(sections.compactMap { model.sectionIndex[$0] })
                    if let o = model.courses[c].options.first(where: { Set(model.options[$0].sections) == wanted }) {
                        loading.assign(i, request: r, option: o)
                        used.insert(c)
                        break
                    }
                }
            }
        }
        return loading
    }
}

/// Sections by group on one dimension, and how far each course's sections sit from it.
public struct SectionComposition: Sendable, Equatable {
    public struct Section: Sendable, Equatable {
        public var id: String
        public var course: String
        /// The period it meets in, when it has one.
        public var when: String?
        /// Students per group, in the order of `groups`.
        public var counts: [Int]
    }

    public struct Course: Sendable, Equatable {
        public var id: String
        public var title: String?
        /// Seat-weighted mean over its sections (of subparts with two or more) of
        /// ½ Σ_g |p_section,g − p_course,g|.
        public var dissimilarity: Double
        public var students: Int
    }

    public var groups: [String]
    public var sections: [Section]
    public var courses: [Course]
}
