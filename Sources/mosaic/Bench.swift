import ArgumentParser
import Foundation
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
        subcommands: [SegregationBench.self]
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

#if os(Linux)
private let RUSAGE_SELF_WHO = Int32(RUSAGE_SELF.rawValue)
#else
private let RUSAGE_SELF_WHO = RUSAGE_SELF
#endif
