import Foundation
import MosaicMetrics
@testable import MosaicSchedule
import Testing

/// A small instance written compactly: courses as id → [(section, period, limit)],
/// students as (id, [course], groups).
func instance(periods: [String] = ["1", "2", "3", "4"], courses: [(String, [(String, String, Int)])],
              students: [(String, [String])], groups: [String: [String: String]] = [:], balance: [String] = []) -> SectioningInstance {
    SectioningInstance(
        name: "test", periods: periods,
        courses: courses.map { id, sections in
            SectioningInstance.Course(id: id, title: nil, level: nil,
                                      sections: sections.map { .init(id: $0.0, limit: $0.2, period: $0.1) }, configs: nil)
        },
        students: students.map { id, requests in
            SectioningInstance.Student(id: id, grade: nil, need: nil, groups: groups[id],
                                       requests: requests.map { .init(course: $0, weight: nil, alternatives: nil) })
        },
        balance: balance)
}

/// Solves with a short annealing (debug builds are slow; the tests check correctness,
/// the benchmark the quality of the default search).
func solve(_ instance: SectioningInstance, seed: UInt64 = 1, options: Sectioning.Options = .init(annealingMoves: 2_000)) throws -> SectioningResult {
    let model = try SectioningModel(instance)
    var rng = SeededGenerator(seed: seed)
    let result = Sectioning.solve(model, options: options, using: &rng)
    #expect(instance.check(result) == [], "the solver's output breaks the contract")
    return result
}

@Suite struct SectioningTests {
    /// S1 needs A and B; B meets only in period 1, so S1 must have A in period 2 and S2,
    /// who asked for A alone, must have the seat in period 1. Whoever is loaded first, the
    /// optimum (every request) is reached and the bound proves it.
    @Test func theOptimumIsReachedWhenTheFirstPlacementBlocksIt() throws {
        let problem = instance(courses: [("A", [("A1", "1", 1), ("A2", "2", 1)]), ("B", [("B1", "1", 5)])],
                               students: [("S2", ["A"]), ("S1", ["A", "B"])])
        for seed in 0..<20 as Range<UInt64> {
            let result = try solve(problem, seed: seed)
            #expect(result.requestsMet == 3)
            #expect(result.bound == 3)
            #expect(result.studentsComplete == 2)
            #expect(result.assignments.contains(.init(student: "S1", course: "A", sections: ["A2"])))
        }
    }

    /// Three students need a singleton that seats two: the seat totals prove that only
    /// five of the six requests can be met, and the unmet one names the full section.
    /// S1 holds G in period 1, where H's only section meets; S2 holds G's other seat, in
    /// period 2. Swapping their G sections changes no value of G, so the plain re-deal of
    /// G sees nothing to gain; looking ahead it sees H fit S1 once she is in period 2,
    /// makes the swap and gives her H.
    @Test func theLookaheadReDealFreesTimeForARequestWaiting() throws {
        let problem = instance(courses: [("G", [("G1", "1", 1), ("G2", "2", 1)]), ("H", [("H1", "1", 1)])],
                               students: [("S1", ["G", "H"]), ("S2", ["G"])])
        let model = try SectioningModel(problem)
        var loading = Loading(model: model)
        let g1 = model.courses[model.courseIndex["G"]!].options.first { model.options[$0].sections == [model.sectionIndex["G1"]!] }!
        let g2 = model.courses[model.courseIndex["G"]!].options.first { model.options[$0].sections == [model.sectionIndex["G2"]!] }!
        loading.apply(0, [g1, -1])
        loading.apply(1, [g2])
        let family = Loading.families(model).first { $0.contains(model.courseIndex["G"]!) }!
        var rng = SeededGenerator(seed: 1)
        #expect(!loading.improveFamily(family, using: &rng))
        #expect(loading.score.met == 2)
        #expect(loading.improveFamily(family, lookahead: true, using: &rng))
        #expect(loading.score.met == 3)
        #expect(loading.schedule(of: 1) == [g1])
        #expect(problem.check(SectioningResult(loading, bound: 3, moves: 0)) == [])
    }

    @Test func seatTotalsBoundTheRequestsMet() throws {
        let problem = instance(courses: [("A", [("A1", "1", 2)]), ("B", [("B1", "2", 9)])],
                               students: [("S1", ["A", "B"]), ("S2", ["A", "B"]), ("S3", ["A", "B"])])
        let result = try solve(problem)
        #expect(result.requests == 6)
        #expect(result.requestsMet == 5)
        #expect(result.bound == 5)
        #expect(result.unmet.count == 1)
        #expect(result.unmet.first?.reason == "every section of A that fits her schedule is full: A1 (2 of 2)")
    }

    /// A singleton against a singleton: nobody can have both, the bound knows it, and the
    /// reason names the course in the way and its period.
    @Test func aConflictIsNamedInTheReason() throws {
        let problem = instance(courses: [("CALC", [("CALC-1", "3", 30)]), ("ESL", [("ESL-1", "3", 15)])],
                               students: [("S1", ["ESL", "CALC"])])
        let result = try solve(problem)
        #expect(result.requestsMet == 1)
        #expect(result.bound == 1)
        let reason = try #require(result.unmet.first?.reason)
        #expect(reason.hasPrefix("every section of "))
        #expect(reason.contains("meets at the same time as her"))
        #expect(reason.contains("(period 3)"))
    }

    /// Alternatives are taken when the course asked for cannot be, and count less: a
    /// student is given her alternative only when the first choice is impossible.
    @Test func alternativesCountLess() throws {
        var problem = instance(courses: [("AP", [("AP-1", "1", 1)]), ("REG", [("REG-1", "2", 5)]), ("ART", [("ART-1", "2", 5)])],
                               students: [("S1", ["AP"]), ("S2", ["AP", "ART"])])
        problem.students[0].requests[0].alternatives = ["REG"]
        problem.students[1].requests[0].alternatives = ["REG"]
        let result = try solve(problem)
        // Only one AP seat; S2's alternative (REG, period 2) clashes with her ART, so the
        // seat goes to S2 and S1 takes REG: every request met.
        #expect(result.requestsMet == 3)
        #expect(result.assignments.contains(.init(student: "S1", course: "REG", sections: ["REG-1"])))
        #expect(result.assignments.contains(.init(student: "S2", course: "AP", sections: ["AP-1"])))
        #expect(abs((result.weightedRequestsMet ?? 0) - 2.9) < 1e-9)
    }

    /// Configurations with subparts and parents: a lab goes with its own lecture.
    @Test func subpartsAndParentsAreHonoured() throws {
        let json = #"""
            {"courses": [{"id": "CHEM", "configs": [{"id": "lec+lab", "subparts": [
                {"id": "lec", "sections": [{"id": "L1", "limit": 10, "period": "1"}, {"id": "L2", "limit": 10, "period": "2"}]},
                {"id": "lab", "sections": [{"id": "B1", "limit": 1, "period": "3", "parent": "L1"},
                                           {"id": "B2", "limit": 5, "period": "4", "parent": "L2"}]}]}]},
                         {"id": "ART", "sections": [{"id": "ART-1", "limit": 5, "period": "2"}]}],
             "students": [{"id": "S1", "requests": [{"course": "CHEM"}, {"course": "ART"}]},
                          {"id": "S2", "requests": [{"course": "CHEM"}]},
                          {"id": "S3", "requests": [{"course": "CHEM"}]}]}
            """#
        let problem = try JSONDecoder().decode(SectioningInstance.self, from: Data(json.utf8))
        let model = try SectioningModel(problem)
        #expect(model.courses[0].options.map { model.options[$0].sections.map { model.sections[$0].id } } == [["L1", "B1"], ["L2", "B2"]])
        let result = try solve(problem)
        #expect(result.requestsMet == 4)
        #expect(result.assignments.contains(.init(student: "S1", course: "CHEM", sections: ["L1", "B1"])))
    }

    /// Meeting blocks: two sections on different days do not overlap; on a shared day with
    /// intersecting times they do.
    @Test func meetingBlocksOverlapByDayAndTime() throws {
        let json = #"""
            {"courses": [
               {"id": "A", "sections": [{"id": "A1", "limit": 5, "meets": [{"days": "10100", "start": 96, "length": 12, "weeks": "1"}]}]},
               {"id": "B", "sections": [{"id": "B1", "limit": 5, "meets": [{"days": "01000", "start": 96, "length": 12, "weeks": "1"}]}]},
               {"id": "C", "sections": [{"id": "C1", "limit": 5, "meets": [{"days": "00100", "start": 100, "length": 12, "weeks": "1"}]}]}],
             "students": [{"id": "S1", "requests": [{"course": "A"}, {"course": "B"}, {"course": "C"}]}]}
            """#
        let problem = try JSONDecoder().decode(SectioningInstance.self, from: Data(json.utf8))
        let result = try solve(problem)
        #expect(result.requestsMet == 2)
        #expect(result.bound == 2)
    }

    /// The checker is the tests' referee: it must catch an overlap, an overfull section,
    /// a course not asked for and counts that do not add up.
    @Test func theCheckerCatchesBrokenResults() throws {
        let problem = instance(courses: [("A", [("A1", "1", 1)]), ("B", [("B1", "1", 5)]), ("C", [("C1", "2", 5)])],
                               students: [("S1", ["A", "B"]), ("S2", ["A"])])
        let broken = SectioningResult(
            requests: 3, requestsMet: 3, studentsComplete: 2,
            assignments: [.init(student: "S1", course: "A", sections: ["A1"]), .init(student: "S1", course: "B", sections: ["B1"]),
                          .init(student: "S2", course: "A", sections: ["A1"]), .init(student: "S2", course: "C", sections: ["C1"])],
            unmet: [], balance: [:], bound: 2)
        let problems = problem.check(broken)
        #expect(problems.contains("S1: sections A1 and B1 overlap"))
        #expect(problems.contains("section A1: 2 students over its limit of 1"))
        #expect(problems.contains("S2: given C, which none of her requests names"))
        #expect(problems.contains("requestsMet is 3, 4 assignments are listed"))
        #expect(problems.contains("bound 2 is below requestsMet 3"))
    }

    /// On random small instances the solver meets as many requests as an exhaustive search
    /// over every loading, and never breaks the contract.
    @Test(arguments: 0..<12 as Range<UInt64>)
    func smallInstancesReachTheExhaustiveOptimum(seed: UInt64) throws {
        var rng = SeededGenerator(seed: 100 + seed)
        let problem = randomInstance(students: 5, courses: 4, using: &rng)
        let result = try solve(problem, seed: seed)
        let optimum = exhaustiveOptimum(try SectioningModel(problem))
        #expect(result.requestsMet == optimum)
        #expect(result.bound >= optimum)
    }

    /// The same seed gives the identical result; another seed may differ but stays feasible.
    @Test func aSeedReproducesTheRun() throws {
        var rng = SeededGenerator(seed: 9)
        let problem = randomInstance(students: 60, courses: 10, using: &rng)
        let a = try solve(problem, seed: 5), b = try solve(problem, seed: 5)
        #expect(a == b)
        _ = try solve(problem, seed: 6)
    }

    /// Balancing matters: sections mirror their course far better than a random loading
    /// of the same students.
    @Test func balancedSectionsMirrorTheirCourse() throws {
        var students: [(String, [String])] = [], groups: [String: [String: String]] = [:]
        for k in 0..<60 {
            students.append(("S\(k)", ["A"]))
            groups["S\(k)"] = ["race": ["black", "hispanic", "asian", "white"][k % 4]]
        }
        let problem = instance(courses: [("A", [("A1", "1", 20), ("A2", "2", 20), ("A3", "3", 20)])],
                               students: students, groups: groups, balance: ["race"])
        let balanced = try solve(problem)
        let random = try solve(problem, options: .init(balancing: false, annealingMoves: 2_000))
        let d = try #require(balanced.balance["race"]?.meanDissimilarityVsCourse)
        let r = try #require(random.balance["race"]?.meanDissimilarityVsCourse)
        #expect(d < 0.02)
        #expect(d <= r / 2)
    }
}

/// A random instance: courses with one to three sections in random periods, students
/// asking for two or three courses, groups on one dimension.
func randomInstance(students n: Int, courses m: Int, using rng: inout SeededGenerator) -> SectioningInstance {
    let periods = ["1", "2", "3", "4"]
    var courses: [(String, [(String, String, Int)])] = []
    for c in 0..<m {
        let k = Int.random(in: 1...3, using: &rng)
        courses.append(("C\(c)", (0..<k).map { ("C\(c)-\($0)", periods.randomElement(using: &rng)!, Int.random(in: 1...max(1, n / 3), using: &rng)) }))
    }
    var students: [(String, [String])] = [], groups: [String: [String: String]] = [:]
    for i in 0..<n {
        let wanted = Array((0..<m).shuffled(using: &rng).prefix(Int.random(in: 2...3, using: &rng))).map { "C\($0)" }
        students.append(("S\(i)", wanted))
        groups["S\(i)"] = ["race": ["a", "b", "c"].randomElement(using: &rng)!]
    }
    return instance(periods: periods, courses: courses, students: students, groups: groups, balance: ["race"])
}

/// The most requests any loading meets, by trying every schedule of every student.
func exhaustiveOptimum(_ model: SectioningModel) -> Int {
    var load = [Int](repeating: 0, count: model.sections.count)
    var best = 0
    func student(_ i: Int, _ met: Int) {
        if i == model.students.count { best = max(best, met); return }
        let requests = model.students[i].requests
        var held: [Int] = []
        func request(_ r: Int, _ met: Int) {
            if r == requests.count { student(i + 1, met); return }
            request(r + 1, met)
            for o in requests[r].courses.flatMap({ model.courses[$0].options }) {
                let sections = model.options[o].sections
                guard sections.allSatisfy({ s in load[s] < model.sections[s].limit && !held.contains { model.overlaps($0, s) } }) else { continue }
                for s in sections { load[s] += 1 }
                held.append(contentsOf: sections)
                request(r + 1, met + 1)
                held.removeLast(sections.count)
                for s in sections { load[s] -= 1 }
            }
        }
        request(0, met)
    }
    student(0, 0)
    return best
}
