import Foundation
import MosaicMetrics
import MosaicTestSupport
@testable import MosaicSchedule
import Testing

@Suite struct ClassListTests {
    /// A grade of 100 with groups drawn at random, four classes of 22–28: the lists reach
    /// perfect balance on every dimension (each count the floor or the ceiling of its
    /// expected value, proven by maxDeviation < 1) and the class means lie close.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func aGradeSplitsIntoPerfectlyBalancedClasses(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let problem = grade(100, classes: 4, using: &rng)
        let result = try ClassLists.solve(problem, using: &rng)
        #expect(check(problem, result) == [])
        #expect(result.perfect)
        for (dim, b) in result.balance {
            #expect(b.maxDeviation < 1, "\(dim)")
            #expect(b.bound < 1 && b.bound <= b.maxDeviation + 1e-9, "\(dim)")
            #expect(b.D < 0.1, "\(dim)")
        }
        #expect(try #require(result.score).meanRange < 5)
    }

    /// The hard constraints hold: fixed placements, keep-apart, keep-together and sizes.
    @Test func hardConstraintsHold() throws {
        var rng = SeededGenerator(seed: 8)
        var problem = grade(60, classes: 3, using: &rng)
        problem.students[0].fixed = "C"
        problem.students[1].fixed = "A"
        problem.keepApart = [["S2", "S3", "S4"], ["S0", "S5"]]
        problem.keepTogether = [["S6", "S7", "S8"], ["S9", "S0"]]
        let result = try ClassLists.solve(problem, using: &rng)
        #expect(check(problem, result) == [])
        #expect(result.assignments["S0"] == "C" && result.assignments["S9"] == "C")
        #expect(result.assignments["S1"] == "A")
        #expect(Set(["S2", "S3", "S4"].map { result.assignments[$0]! }).count == 3)
        #expect(Set(["S6", "S7", "S8"].map { result.assignments[$0]! }).count == 1)
        #expect(result.assignments["S5"] != "C")
    }

    /// The same seed gives the same lists.
    @Test func aSeedReproducesTheLists() throws {
        var a = SeededGenerator(seed: 4), b = SeededGenerator(seed: 4)
        let problem = grade(80, classes: 3, using: &a)
        _ = grade(80, classes: 3, using: &b)
        #expect(try ClassLists.solve(problem, using: &a) == ClassLists.solve(problem, using: &b))
    }

    /// Impossible instances are refused with what is wrong.
    @Test func impossibleInstancesAreNamed() throws {
        var rng = SeededGenerator(seed: 1)
        var problem = grade(30, classes: 2, using: &rng)
        problem.classes = [.init(id: "A", min: 5, max: 10), .init(id: "B", min: 5, max: 10)]
        #expect(throws: ScheduleError.invalidInstance(["classes: 30 students cannot fill classes holding 10 to 20"])) {
            try ClassLists.solve(problem, using: &rng)
        }
        problem = grade(20, classes: 2, using: &rng)
        problem.keepTogether = [["S1", "S2"]]
        problem.keepApart = [["S1", "S2"]]
        #expect(throws: ScheduleError.invalidInstance(["keepApart: S1, S2 must be apart but some are kept together"])) {
            try ClassLists.solve(problem, using: &rng)
        }
        problem = grade(20, classes: 2, using: &rng)
        problem.students[3].fixed = "Z"
        #expect(throws: ScheduleError.invalidInstance(["students[3] S3: fixed to “Z”, not one of the classes"])) {
            try ClassLists.solve(problem, using: &rng)
        }
    }

    /// The bound: with a class of 25 and a group share of 0.3 (7.5 expected) no list can
    /// do better than 0.5, and a perfect list reaches it.
    @Test func theBoundIsTheDistanceToTheNearestInteger() throws {
        var students: [ClassListInstance.Student] = []
        for k in 0..<50 { students.append(.init(id: "S\(k)", groups: ["economic": k < 15 ? "disadvantaged" : "not"])) }
        let problem = ClassListInstance(classes: [.init(id: "A", min: 25, max: 25), .init(id: "B", min: 25, max: 25)],
                                        students: students, balance: ["economic"])
        var rng = SeededGenerator(seed: 2)
        let result = try ClassLists.solve(problem, using: &rng)
        // 7 and 8 of 25: Σ|n − e| = 1 per class, D = 2 / (2 · 50 · (0.3·0.7 + 0.7·0.3)) = 1/21.
        let economic = try #require(result.balance["economic"])
        #expect(abs(economic.D - 1.0 / 21.0) < 1e-12)
        #expect(economic.maxDeviation == 0.5)
        #expect(economic.bound == 0.5)
        #expect(result.perfect)
    }
}

/// A grade of n students with race, economic, EL, disability and gender drawn at random,
/// a score, and k classes sized around n/k.
func grade(_ n: Int, classes k: Int, using rng: inout SeededGenerator) -> ClassListInstance {
    func draw(_ shares: [(String, Double)]) -> String {
        var x = Double.random(in: 0..<1, using: &rng)
        for (name, p) in shares { if x < p { return name }; x -= p }
        return shares.last!.0
    }
    let students = (0..<n).map { i in
        ClassListInstance.Student(id: "S\(i)", groups: [
            "race": draw([("hispanic", 0.4), ("black", 0.25), ("asian", 0.15), ("white", 0.15), ("multiracial", 0.05)]),
            "economic": draw([("disadvantaged", 0.7), ("not disadvantaged", 0.3)]),
            "englishLearner": draw([("el", 0.15), ("not el", 0.85)]),
            "disability": draw([("swd", 0.2), ("none", 0.8)]),
            "gender": draw([("female", 0.5), ("male", 0.5)]),
        ], score: Double.random(in: 200...800, using: &rng).rounded())
    }
    let letters = ["A", "B", "C", "D", "E", "F"]
    let mid = n / k
    return ClassListInstance(classes: (0..<k).map { .init(id: letters[$0], min: mid - 3, max: mid + 3) }, students: students,
                             balance: ["race", "economic", "englishLearner", "disability", "gender"])
}

/// Every hard constraint the lists break.
func check(_ problem: ClassListInstance, _ result: ClassListResult) -> [String] {
    var out: [String] = []
    for s in problem.students {
        guard let c = result.assignments[s.id] else { out.append("\(s.id) has no class"); continue }
        if let f = s.fixed, f != c { out.append("\(s.id) fixed to \(f), placed in \(c)") }
    }
    for c in problem.classes {
        let n = result.assignments.values.filter { $0 == c.id }.count
        if n < c.min || n > c.max { out.append("\(c.id) holds \(n), outside [\(c.min), \(c.max)]") }
    }
    for list in problem.keepApart ?? [] where Set(list.map { result.assignments[$0] }).count != list.count { out.append("apart: \(list)") }
    for list in problem.keepTogether ?? [] where Set(list.map { result.assignments[$0] }).count != 1 { out.append("together: \(list)") }
    return out
}

@Suite struct ClassListPlacementTests {
    /// Three students kept apart in three classes of 16–22, with a student fixed and two
    /// groups kept together: a greedy first placement once filled the third class before
    /// the last of the three came, and refused a feasible instance. The most constrained
    /// go first now, and room is made when none is left.
    @Test func threeKeptApartInThreeClassesArePlaced() throws {
        let text = try TestSupport.fixture("three-apart.json", in: .module)
        let problem = try JSONDecoder().decode(ClassListInstance.self, from: Data(text.utf8))
        for seed in Array(0..<20) + [32] as [UInt64] {
            var rng = SeededGenerator(seed: seed)
            let result = try ClassLists.solve(problem, using: &rng)
            #expect(check(problem, result) == [], "seed \(seed)")
            #expect(result.perfect, "seed \(seed)")
        }
    }
}
