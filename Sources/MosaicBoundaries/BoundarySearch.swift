import Dispatch
import MosaicMetrics
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Redraws attendance zones by local search: simulated annealing over unit flips (a unit
/// on a zone's edge joins the neighbouring zone) and swaps (two neighbouring units in
/// different zones trade), every move checked against the travel, size and contiguity
/// limits before it is taken, from today's zones, with independent restarts; the best
/// zoning found is polished by steepest descent over every flip.
///
/// Moves never increase the students outside a school's size limits, so a zoning that
/// starts within them stays within them, and one that does not (a school over capacity
/// today) is brought back as far as the moves allow before the objective counts: zonings
/// compare first by those students, then by the objective.
///
/// Deterministic for a seed: restart r draws from its own generator seeded, in order,
/// from the caller's, and the best restart (ties: the lowest r) wins whatever the thread
/// count. A deadline ends the annealing early (then the result depends on the machine).
public struct BoundarySearch: Sendable {
    public struct Options: Sendable {
        /// Independent annealing runs from today's zones.
        public var restarts: Int
        /// Moves tried per run, as a multiple of the number of units.
        public var sweeps: Int
        /// The share of moves that are swaps rather than flips.
        public var swapShare: Double
        public var parallelism: Int
        /// When given, every run stops annealing at this instant and polishes what it has.
        public var deadline: ContinuousClock.Instant?
        /// Called with the zoning after every move a run takes (tests watch the limits with it).
        public var observer: (@Sendable ([Int32]) -> Void)?

        public init(restarts: Int = 4, sweeps: Int = 400, swapShare: Double = 0.2, parallelism: Int = 1,
                    deadline: ContinuousClock.Instant? = nil, observer: (@Sendable ([Int32]) -> Void)? = nil) {
            self.restarts = restarts
            self.sweeps = sweeps
            self.swapShare = swapShare
            self.parallelism = parallelism
            self.deadline = deadline
            self.observer = observer
        }
    }

    /// The best zoning found and how the search went.
    public struct Outcome: Sendable {
        public var assignment: [Int32]
        public var objective: Double
        /// Students outside the size limits in the best zoning (0 when it respects them).
        public var excess: Int
        /// Moves tried and taken over all runs.
        public var movesTried: Int
        public var movesTaken: Int
        /// The objective each run ended with.
        public var runObjectives: [Double]
        public var stoppedByDeadline: Bool
    }

    public let problem: BoundaryProblem
    public let objective: BoundaryObjective

    public init(_ problem: BoundaryProblem, objective: BoundaryObjective = .dissimilarity) {
        self.problem = problem
        self.objective = objective
    }

    /// Today's zoning's objective.
    public var todayObjective: Double { Zoning(problem, objective: objective, assignment: problem.original).value }

    /// Runs the search. `progress` is called with (moves tried, moves planned).
    public func run(_ options: Options, using rng: inout some RandomNumberGenerator,
                    progress: (@Sendable (Int, Int) -> Void)? = nil) -> Outcome {
        let runs = max(1, options.restarts)
        let seeds = (0..<runs).map { _ in rng.next() }
        let planned = runs * max(1, options.sweeps) * problem.unitCount
        let results = Mutex([Int: RunResult]())
        let tried = Mutex(0)
        let workers = max(1, min(options.parallelism, runs))
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            for r in stride(from: w, to: runs, by: workers) {
                var g = SeededGenerator(seed: seeds[r])
                let result = anneal(options, using: &g) { step in
                    let n = tried.withLock { n in n += step; return n }
                    progress?(n, planned)
                }
                results.withLock { $0[r] = result }
            }
        }
        let all = results.withLock { $0 }.sorted { $0.key < $1.key }.map(\.value)
        let best = all.min { ($0.excess, $0.objective) < ($1.excess, $1.objective) }!
        return Outcome(assignment: best.assignment, objective: best.objective, excess: best.excess,
                       movesTried: all.reduce(0) { $0 + $1.tried }, movesTaken: all.reduce(0) { $0 + $1.taken },
                       runObjectives: all.map(\.objective), stoppedByDeadline: all.contains(where: \.stopped))
    }

    struct RunResult: Sendable {
        var assignment: [Int32]
        var objective: Double
        var excess: Int
        var tried: Int
        var taken: Int
        var stopped: Bool
    }

    /// The edges of the neighbour graph (each once) with an end that may change school:
    /// the only places a flip or a swap can happen.
    private var edges: [(Int32, Int32)] {
        var out: [(Int32, Int32)] = []
        for u in 0..<problem.unitCount {
            for v in problem.neighbors[u] where v > Int32(u) && (problem.choices[u].count > 1 || problem.choices[Int(v)].count > 1) {
                out.append((Int32(u), v))
            }
        }
        return out
    }

    /// One annealing run from today's zones, then steepest descent from the best zoning it saw.
    func anneal(_ options: Options, using g: inout SeededGenerator, report: (Int) -> Void) -> RunResult {
        let p = problem, U = p.unitCount
        var z = Zoning(p, objective: objective, assignment: p.original)
        let edges = p.limits.contiguity ? self.edges : []
        let contiguous = p.limits.contiguity
        if contiguous && edges.isEmpty { return finish(&z, best: nil, tried: 0, taken: 0, stopped: false, options) }
        let swapThreshold = UInt64(Double(UInt64.max) * min(max(options.swapShare, 0), 1))

        /// A random candidate move: (unit, school, swap partner or -1).
        func propose(_ z: inout Zoning, _ g: inout SeededGenerator) -> (Int, Int, Int)? {
            if contiguous {
                let (x, y) = edges[g.below(edges.count)]
                var (u, v) = g.next() & 1 == 0 ? (Int(x), Int(y)) : (Int(y), Int(x))
                if p.choices[u].count == 1 { swap(&u, &v) }
                if z.zone[u] == z.zone[v] { return nil }
                if g.next() < swapThreshold { return z.canSwap(u, v) ? (u, Int(z.zone[v]), v) : nil }
                return z.canMove(u, to: Int(z.zone[v])) ? (u, Int(z.zone[v]), -1) : nil
            }
            let u = g.below(U)
            let c = p.choices[u]
            guard c.count > 1 else { return nil }
            let b = Int(c[g.below(c.count)])
            if g.next() < swapThreshold {
                // Trade with a unit of b that may come to u's school.
                guard b != Int(z.zone[u]), !z.members[b].isEmpty else { return nil }
                let v = Int(z.members[b][g.below(z.members[b].count)])
                return z.canSwap(u, v) ? (u, b, v) : nil
            }
            return z.canMove(u, to: b) ? (u, b, -1) : nil
        }

        // The starting temperature: a typical worsening move is taken with probability 1/3.
        var ups: [Double] = []
        for _ in 0..<max(200, U) {
            guard let (u, b, v) = propose(&z, &g) else { continue }
            let d = z.delta(moving: u, to: b, swapping: v)
            if d > 0 { ups.append(d) }
            if ups.count >= 200 { break }
        }
        let typical = ups.isEmpty ? 1 : ups.sorted()[ups.count / 2]
        let start = typical / log(3.0), end = start * 1e-4
        let steps = max(1, options.sweeps) * U
        let cooling = pow(end / start, 1 / Double(steps))
        var temperature = start
        var best = z.zone, bestValue = z.termSum, bestExcess = z.excess, atBest = true
        var excess = bestExcess
        var taken = 0, tried = 0, stopped = false
        let clock = ContinuousClock()
        for step in 0..<steps {
            tried += 1
            temperature *= cooling
            if step & 4095 == 4095 {
                report(4096)
                if let deadline = options.deadline, clock.now >= deadline {
                    stopped = true
                    break
                }
            }
            guard let (u, b, v) = propose(&z, &g) else { continue }
            let d = z.delta(moving: u, to: b, swapping: v)
            let a = Int(z.zone[u])
            let before = excess == 0 ? 0 : z.violation(of: a, size: z.size[a]) + z.violation(of: b, size: z.size[b])
            var after = before
            if excess > 0 {
                let moved = p.totals[u] - (v >= 0 ? p.totals[v] : 0)
                after = z.violation(of: a, size: z.size[a] - moved) + z.violation(of: b, size: z.size[b] + moved)
            }
            let better = after < before || d <= 0
            if !better && Double(g.next() >> 11) * 0x1p-53 >= exp(-d / temperature) { continue }
            if atBest && !(after < before) && d > 0 {
                best = z.zone
                atBest = false
            }
            z.apply(moving: u, to: b, swapping: v)
            excess += after - before
            taken += 1
            options.observer?(z.zone)
            if (excess, z.termSum) < (bestExcess, bestValue - 1e-9 * max(1, abs(bestValue))) {
                bestExcess = excess
                bestValue = z.termSum
                atBest = true
            }
        }
        report(tried % 4096)
        return finish(&z, best: atBest ? nil : best, tried: tried, taken: taken, stopped: stopped, options)
    }

    /// Steepest descent over every flip from the best zoning (or the current one), until
    /// no flip improves it.
    private func finish(_ z: inout Zoning, best: [Int32]?, tried: Int, taken: Int, stopped: Bool, _ options: Options) -> RunResult {
        if let best { z = Zoning(problem, objective: objective, assignment: best) }
        var taken = taken, tried = tried
        var improved = true
        while improved {
            improved = false
            for u in 0..<problem.unitCount {
                var choice: (Int, Double)?
                let targets: [Int32] = problem.limits.contiguity
                    ? Array(Set(problem.neighbors[u].map { z.zone[Int($0)] }).subtracting([z.zone[u]])).sorted()
                    : problem.choices[u]
                for b in targets where Int(b) != Int(z.zone[u]) {
                    tried += 1
                    guard z.canMove(u, to: Int(b)) else { continue }
                    let a = Int(z.zone[u])
                    let relief = z.violation(of: a, size: z.size[a]) + z.violation(of: Int(b), size: z.size[Int(b)])
                        - z.violation(of: a, size: z.size[a] - problem.totals[u]) - z.violation(of: Int(b), size: z.size[Int(b)] + problem.totals[u])
                    let d = z.delta(moving: u, to: Int(b)) - (relief > 0 ? Double.infinity : 0)
                    if d < -1e-9 * max(1, abs(z.termSum)), choice == nil || d < choice!.1 { choice = (Int(b), d) }
                }
                if let (b, _) = choice {
                    z.apply(moving: u, to: b)
                    taken += 1
                    options.observer?(z.zone)
                    improved = true
                }
            }
        }
        return RunResult(assignment: z.zone, objective: z.value, excess: z.excess, tried: tried, taken: taken, stopped: stopped)
    }
}
