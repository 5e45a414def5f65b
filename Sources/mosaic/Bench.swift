import ArgumentParser
import Foundation
import MosaicChoice
import MosaicCore
import MosaicImport
import MosaicMetrics
import MosaicReport

/// `mosaic bench`: performance figures on synthetic data, measured in this process
/// (build with `-c release`). BENCHMARKS.md records them beside the peers' figures
/// from the same run (`scripts/bench/run`).
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure the index library on a synthetic district (use a release build).",
        subcommands: [SegregationBench.self, MatchBench.self]
    )
}

struct SegregationBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segregation",
        abstract: "(a) every index + the full within-school decomposition with per-school detail; (b) a within-school random-assignment baseline.",
        discussion: "Synthetic data: schools × classrooms × students, each school's composition drawn at random and each classroom drawn from its school with a tilt, so classrooms are segregated beyond chance."
    )

    @Option var schools = 2000
    @Option var classrooms = 20
    @Option(help: "Students per classroom.") var students = 25
    @Option var groups = 5
    @Option(help: "Baseline draws for (b).") var draws = 1000
    @Option(help: "Threads for (b).") var threads = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Repetitions of each measurement; the median is reported.") var `repeat` = 5
    @Option var seed: UInt64 = 1
    @Option(help: "Also write the synthetic table here (classroom, school, g1…), for the peers.") var writeCounts: String?
    @Flag(help: "Print one JSON object instead of a table.") var json = false

    func validate() throws {
        guard schools > 0, classrooms > 0, students > 0, groups >= 2, draws >= 1, threads >= 1, `repeat` >= 1 else {
            throw ValidationError("sizes must be positive, with at least 2 groups")
        }
    }

    func run() throws {
        var rng = SeededGenerator(seed: seed)
        let (matrix, outer) = Self.syntheticDistrict(
            schools: schools, classrooms: classrooms, students: students, groups: groups, using: &rng)
        if let path = writeCounts {
            var lines = [(["classroom", "school"] + matrix.groups).joined(separator: ",")]
            lines.reserveCapacity(matrix.unitCount + 1)
            for i in 0..<matrix.unitCount {
                lines.append(([matrix.units[i], outer[i]] + matrix.row(i).map(String.init)).joined(separator: ","))
            }
            try writeTextFile(lines.joined(separator: "\n") + "\n", to: path)
        }
        let clock = ContinuousClock()
        var profileTimes: [Double] = []
        var profile: SegregationProfile?
        for _ in 0..<`repeat` {
            let t = clock.measure {
                profile = try? segregationProfile(of: matrix, options: .init(outerLabels: outer))
            }
            profileTimes.append(t.seconds)
        }
        var baselineTimes: [Double] = []
        var result: RandomAssignmentBaseline?
        let nesting = NestedUnits(labels: outer)
        for _ in 0..<max(1, min(`repeat`, 3)) {
            var g = SeededGenerator(seed: seed)
            let t = clock.measure {
                result = randomAssignmentBaseline(of: matrix, within: nesting, draws: draws, parallelism: threads, using: &g)
            }
            baselineTimes.append(t.seconds)
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF_WHO, &usage)
        let median = { (xs: [Double]) in xs.sorted()[xs.count / 2] }
        guard let profile, let result else { throw ExitCode.failure }
        if json {
            let doc: JSONValue = .object([
                ("students", .int(matrix.total)), ("classrooms", .int(matrix.unitCount)), ("schools", .int(schools)),
                ("groups", .int(groups)),
                ("profileSeconds", .object([("median", .number(median(profileTimes))), ("min", .number(profileTimes.min()!))])),
                ("baselineSeconds", .object([("median", .number(median(baselineTimes))), ("min", .number(baselineTimes.min()!))])),
                ("draws", .int(draws)), ("threads", .int(threads)),
                ("maxResidentMegabytes", .number(Double(usage.ru_maxrss) / 1024)),
                ("check", .object([("D", .number(profile.indices.D)), ("H", .number(profile.indices.H)),
                                   ("H_within", .number(profile.within!.hWithin)),
                                   ("baselineD", .number(result.D.expected)), ("pValueD", .number(result.D.pValue))])),
            ])
            print(doc.serialized())
        } else {
            print("Synthetic district: \(Format.count(matrix.total)) students = \(schools) schools × \(classrooms) classrooms × \(students), \(groups) groups (seed \(seed))")
            var t = TextTable(["measurement", "median s", "min s", "runs"])
            t.append(["(a) all indices + within split, per-school detail", Format.fixed(median(profileTimes), 4), Format.fixed(profileTimes.min()!, 4), "\(profileTimes.count)"])
            t.append(["(b) baseline, \(draws) draws within schools, \(threads) threads", Format.fixed(median(baselineTimes), 3), Format.fixed(baselineTimes.min()!, 3), "\(baselineTimes.count)"])
            print(t.rendered(), terminator: "")
            print("  peak memory \(Format.fixed(Double(usage.ru_maxrss) / 1024, 0)) MB; D \(Format.fixed(profile.indices.D, 4)), H \(Format.fixed(profile.indices.H, 4)), H within \(Format.fixed(profile.within!.hWithin, 4)), expected D by chance \(Format.fixed(result.D.expected, 4))")
        }
    }

    /// A district whose schools differ in composition and whose classrooms are tracked
    /// within each school. Each school's shares are `u_k³` normalised (u uniform), each
    /// classroom mixes its school's shares (70 %) with shares of its own (30 %), and each
    /// student's group is drawn from the classroom's shares.
    static func syntheticDistrict(
        schools: Int, classrooms: Int, students: Int, groups K: Int, using rng: inout SeededGenerator
    ) -> (CountMatrix, [String]) {
        func shares() -> [Double] {
            let raw = (0..<K).map { _ in let u = Double.random(in: 0.05..<1, using: &rng); return u * u * u }
            let sum = raw.reduce(0, +)
            return raw.map { $0 / sum }
        }
        var units: [String] = [], outer: [String] = [], counts: [Int] = []
        units.reserveCapacity(schools * classrooms)
        counts.reserveCapacity(schools * classrooms * K)
        for s in 0..<schools {
            let school = shares()
            for c in 0..<classrooms {
                let own = shares()
                let mix = (0..<K).map { 0.7 * school[$0] + 0.3 * own[$0] }
                var row = [Int](repeating: 0, count: K)
                for _ in 0..<students {
                    var u = Double.random(in: 0..<1, using: &rng)
                    var k = 0
                    while k < K - 1 && u >= mix[k] { u -= mix[k]; k += 1 }
                    row[k] += 1
                }
                units.append("s\(s)c\(c)")
                outer.append("s\(s)")
                counts.append(contentsOf: row)
            }
        }
        let names = (0..<K).map { "g\($0 + 1)" }
        // Every classroom has `students` > 0 students, so the matrix is valid.
        return (try! CountMatrix(units: units, groups: names, counts: counts), outer)
    }
}

/// `mosaic bench match`: deferred acceptance and simulated lotteries on an NYC-size
/// synthetic market; `--write-market` exports the same market (with its lottery) for the
/// Python `matching` library's hospital–resident solver.
struct MatchBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "match",
        abstract: "One DA run and N simulated lotteries on a synthetic city-size choice market (use a release build).")

    @Option var students = 80_000
    @Option var programmes = 700
    @Option var choices = 12
    @Option var seats = 85_000
    @Option(help: "Share of programmes with a low-income reserve (40 % of seats).") var reserveShare = 0.2
    @Option(help: "Simulated lotteries.") var draws = 1_000
    @Option(help: "Threads for the simulations.") var threads = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Repetitions of each single run; the median is reported.") var `repeat` = 7
    @Option var seed: UInt64 = 1
    @Option(help: "Write the market without reserves here (preferences and each programme's order of its applicants), for the peer.") var writeMarket: String?
    @Option(help: "Write DA's assignment of that market here (one school index per student, -1 unassigned), to compare with the peer's.") var writeAssignment: String?
    @Flag(help: "Print one JSON object instead of a table.") var json = false

    func validate() throws {
        guard students > 0, programmes > 0, choices > 0, seats > 0, draws >= 1, threads >= 1, `repeat` >= 1 else {
            throw ValidationError("sizes must be positive")
        }
        guard (0...1).contains(reserveShare) else { throw ValidationError("--reserve-share is a share between 0 and 1") }
    }

    func run() throws {
        let clock = ContinuousClock()
        var rng = SeededGenerator(seed: seed)
        var instance = Instance.synthetic(students: students, programmes: programmes, choices: choices, seats: seats,
                                          reserveShare: reserveShare, using: &rng)
        var plainInstance = instance
        for i in plainInstance.schools.indices { plainInstance.schools[i].reserves = nil; plainInstance.schools[i].precedence = nil }
        var built: Market?
        let buildTime = clock.measure { built = instance.market(tieBreaking: .single, using: &rng) }
        let market = built!
        var plain = plainInstance.market(tieBreaking: .single, using: &rng)
        plain.lottery = market.lottery   // the same lottery, without reserves
        func timed(_ work: () -> Assignment) -> (Assignment, [Double]) {
            var out: Assignment?
            let times = (0..<`repeat`).map { _ in clock.measure { out = work() }.seconds }
            return (out!, times)
        }
        let (daPlain, daPlainTimes) = timed { plain.deferredAcceptance() }
        let (daReserves, daReserveTimes) = timed { market.deferredAcceptance() }
        var bostonAssignment: Assignment?, ttcAssignment: Assignment?
        let bostonTime = clock.measure { bostonAssignment = market.boston() }.seconds
        let ttcTime = clock.measure { ttcAssignment = market.topTradingCycles() }.seconds
        if let path = writeMarket { try writeTextFile(Self.exported(plain), to: path) }
        if let path = writeAssignment {
            try writeTextFile(daPlain.places.map { "\($0?.school ?? -1)" }.joined(separator: "\n") + "\n", to: path)
        }
        for i in instance.students.indices { instance.students[i].lottery = nil }
        let total = draws
        var simRng = SeededGenerator(seed: seed &+ 1)
        var report: (@Sendable (Int) -> Void)?
        if let p = Terminal.progress() { report = { done in p("simulated lotteries", done, total) } }
        let simStart = clock.now
        let simulation: Simulation? = instance.simulate(.da, tieBreaking: .single, draws: draws, parallelism: threads,
                                                        using: &simRng, progress: report)
        let simTime = (clock.now - simStart).seconds
        Terminal.endProgress()
        var usage = rusage()
        getrusage(RUSAGE_SELF_WHO, &usage)
        let median = { (xs: [Double]) in xs.sorted()[xs.count / 2] }
        func assigned(_ a: Assignment) -> Int { a.places.filter { $0 != nil }.count }
        let firstChoice = { (a: Assignment) in (0..<market.studentCount).filter { st in a.places[st].map { market.prefs[st].first == $0.school } ?? false }.count }
        let sim = simulation!
        if json {
            let doc: JSONValue = .object([
                ("students", .int(students)), ("programmes", .int(programmes)), ("choices", .int(choices)),
                ("seats", .int(market.schools.reduce(0) { $0 + $1.capacity })),
                ("programmesWithReserve", .int(market.schools.filter { !$0.reserves.isEmpty }.count)),
                ("marketBuildSeconds", .number(buildTime.seconds)),
                ("daSeconds", .object([("median", .number(median(daPlainTimes))), ("min", .number(daPlainTimes.min()!))])),
                ("daReservesSeconds", .object([("median", .number(median(daReserveTimes))), ("min", .number(daReserveTimes.min()!))])),
                ("bostonSeconds", .number(bostonTime)), ("ttcSeconds", .number(ttcTime)),
                ("draws", .int(draws)), ("threads", .int(threads)), ("simulationSeconds", .number(simTime)),
                ("maxResidentMegabytes", .number(Double(usage.ru_maxrss) / 1024)),
                ("check", .object([("daAssigned", .int(assigned(daPlain))), ("daFirstChoice", .int(firstChoice(daPlain))),
                                   ("daReservesAssigned", .int(assigned(daReserves))),
                                   ("bostonAssigned", .int(assigned(bostonAssignment!))), ("ttcAssigned", .int(assigned(ttcAssignment!))),
                                   ("simulatedFirstChoice", .number(sim.groups[0].firstChoice))])),
            ])
            print(doc.serialized())
        } else {
            print("Synthetic city: \(Format.count(students)) students, \(programmes) programmes, \(choices) choices, \(Format.count(market.schools.reduce(0) { $0 + $1.capacity })) seats, \(market.schools.filter { !$0.reserves.isEmpty }.count) programmes with a reserve (seed \(seed))")
            var t = TextTable(["measurement", "median s", "min s", "runs"])
            t.append(["market from the instance (priorities, lottery)", Format.fixed(buildTime.seconds, 4), "", "1"])
            t.append(["DA, no reserves", Format.fixed(median(daPlainTimes), 4), Format.fixed(daPlainTimes.min()!, 4), "\(`repeat`)"])
            t.append(["DA, with reserves", Format.fixed(median(daReserveTimes), 4), Format.fixed(daReserveTimes.min()!, 4), "\(`repeat`)"])
            t.append(["Boston, with reserves", Format.fixed(bostonTime, 4), "", "1"])
            t.append(["TTC, with reserves", Format.fixed(ttcTime, 3), "", "1"])
            t.append(["\(draws) simulated lotteries (DA with reserves), \(threads) threads", Format.fixed(simTime, 2), "", "1"])
            print(t.rendered(), terminator: "")
            print("  peak memory \(Format.fixed(Double(usage.ru_maxrss) / 1024, 0)) MB; DA assigns \(Format.count(assigned(daPlain))) (\(Format.count(firstChoice(daPlain))) first choice); simulated first-choice share \(Format.percent(sim.groups[0].firstChoice))")
        }
    }

    /// The market as plain text for the peer: `n k`, then each programme's capacity, then
    /// each student's preferences (programme indices), then each programme's applicants in
    /// priority order.
    static func exported(_ m: Market) -> String {
        var applicants = [[UInt64]](repeating: [], count: m.schools.count)
        for st in 0..<m.studentCount { for s in m.prefs[st] { applicants[s].append(m.key(st, at: s)) } }
        var lines = ["\(m.studentCount) \(m.schools.count)"]
        lines.reserveCapacity(1 + 2 * m.schools.count + m.studentCount)
        for s in m.schools { lines.append("\(s.capacity)") }
        for p in m.prefs { lines.append(p.map(String.init).joined(separator: " ")) }
        for a in applicants { lines.append(a.sorted().map { String(Market.student($0)) }.joined(separator: " ")) }
        return lines.joined(separator: "\n") + "\n"
    }
}

#if os(Linux)
private let RUSAGE_SELF_WHO = Int32(RUSAGE_SELF.rawValue)
#else
private let RUSAGE_SELF_WHO = RUSAGE_SELF
#endif
