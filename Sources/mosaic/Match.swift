import ArgumentParser
import Crypto
import Foundation
import MosaicChoice
import MosaicCore
import MosaicImport
import MosaicMetrics
import MosaicReport

/// `mosaic match`: contract `match.md` — the assignment (`mosaic match INSTANCE`, with
/// `--explain` and `--simulate`) and the policy comparison (`mosaic match compare`).
struct Match: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Assign students to schools from their rankings, or compare choice policies.",
        subcommands: [MatchRun.self, MatchCompare.self, MatchSynthetic.self],
        defaultSubcommand: MatchRun.self)
}

/// `mosaic match INSTANCE.json`: one assignment, an explanation or a simulation.
struct MatchRun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Assign students to schools from their rankings: deferred acceptance, top trading cycles or Boston.",
        discussion: "Example: mosaic match kindergarten.json --mechanism da --seed 2027 --format json")

    enum Mechanism: String, ExpressibleByArgument, CaseIterable { case da, ttc, boston }
    enum TieBreaking: String, ExpressibleByArgument, CaseIterable { case single, multiple }
    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case table, json, csv }

    @Argument(help: "The instance (JSON, contract match.md).") var instance: String
    @Option(help: "da, ttc or boston.") var mechanism: Mechanism = .da
    @Option(name: .customLong("tie-breaking"), help: "single or multiple (for lottery numbers the file does not give).")
    var tieBreaking: TieBreaking = .single
    @Option(help: "The seed of the lottery numbers the file does not give.") var seed: UInt64 = 0
    @Option(help: "table, json or csv.") var format: OutputFormat = .table
    @Option(help: "A student: why she was not admitted to each school she ranked above her assignment.") var explain: String?
    @Option(help: "Run N fresh lotteries from --seed and report what the policy does per group.") var simulate: Int?

    func validate() throws {
        if let simulate, simulate < 1 { throw ValidationError("--simulate takes a number of lotteries, at least 1") }
        if simulate != nil && explain != nil { throw ValidationError("--simulate and --explain do not go together") }
    }

    func run() throws {
        do { try match() } catch ExitCodeError.failure { throw ExitCode.failure }
    }

    /// Reads and checks an instance: every problem as `FILE: where: what`.
    static func load(_ instance: String, check: Bool = true) throws -> (Instance, Data) {
        // Mapped, not copied: the pages come from the file cache as the reader reaches them.
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: instance), options: .alwaysMapped) else {
            Terminal.error("\(instance): cannot be read")
            throw ExitCodeError.failure
        }
        let problem: Instance
        do {
            // The byte-level reader for a well-formed instance; JSONDecoder for anything it
            // does not take, so a malformed file gets the same message as before.
            if let fast = data.withUnsafeBytes({ Instance(fastJSON: $0) }) {
                problem = fast
            } else {
                problem = try JSONDecoder().decode(Instance.self, from: data)
            }
        } catch {
            Terminal.error("\(instance): not an instance of match.md: \(Self.describe(error))")
            throw ExitCodeError.failure
        }
        if check { try Self.report(problem.problems(), in: instance) }
        return (problem, data)
    }

    static func report(_ problems: [String], in instance: String) throws {
        guard problems.isEmpty else {
            for p in problems { Terminal.error("\(instance): \(p)") }
            throw ExitCodeError.failure
        }
    }

    func match() throws {
        // Checked with the market below, where each id is looked up once.
        let (problem, data) = try Self.load(instance, check: simulate != nil)
        var rng = SeededGenerator(seed: seed)
        let tie: Instance.TieBreaking = tieBreaking == .single ? .single : .multiple
        let mech = MosaicChoice.Mechanism(rawValue: mechanism.rawValue)!
        if let simulate {
            let draws = simulate
            var progress: (@Sendable (Int) -> Void)?
            if let report = Terminal.progress() {
                progress = { done in report("simulating lotteries", done, draws) }
            }
            let result = problem.simulate(mech, tieBreaking: tie, draws: draws, parallelism: ProcessInfo.processInfo.activeProcessorCount,
                                          using: &rng, progress: progress)
            print(format == .json ? result.json(seed: seed).serialized() : Self.table(result, seed: seed), terminator: format == .json ? "\n" : "")
            return
        }
        let market: Market
        do { market = try problem.checkedMarket(tieBreaking: tie, using: &rng) } catch { try Self.report(error.problems, in: instance); return }
        let assignment = market.assign(mech)
        // The input's hash is printed by the table and the JSON, not the CSV.
        var hash: String { SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }
        let result = MatchReport(instance: problem, market: market, assignment: assignment)
        if let explain {
            guard let st = market.studentIDs.firstIndex(of: explain) else {
                Terminal.error("\(instance): no student “\(explain)”")
                throw ExitCodeError.failure
            }
            let why = result.explanation(st)
            print(format == .json ? why.json.serialized() : why.text, terminator: format == .json ? "\n" : "")
            return
        }
        switch format {
        case .csv: Terminal.output(result.csvBytes)
        case .json: Terminal.output(result.json(mechanism: mechanism.rawValue, seed: seed, inputSha256: hash))
        case .table: print(result.table(mechanism: mechanism.rawValue, seed: seed, inputSha256: hash), terminator: "")
        }
        Terminal.finish()
    }

    static func table(_ r: Simulation, seed: UInt64) -> String {
        var out = "\(r.mechanism.rawValue), \(r.draws) lotteries from seed \(seed)\n\n"
        let K = (r.groups.first?.rankShares.count ?? 1) - 1
        var t = TextTable(["dimension", "group", "students", "1st choice"] + (1..<max(1, K)).map { "rank \($0 + 1)" } + ["unassigned"])
        for g in r.groups {
            t.append([g.dimension, g.group, "\(g.students)"] + g.rankShares.map { Format.percent($0) })
        }
        out += t.rendered()
        for d in r.dissimilarity {
            out += "\n\(d.dimension): dissimilarity of the resulting schools \(Format.fixed(d.mean, 3)) (5–95 %: \(Format.fixed(d.p05, 3))–\(Format.fixed(d.p95, 3)))"
        }
        return out + "\n"
    }

    /// A decoding error as a reader says it: the path to the field and what is wrong.
    static func describe(_ error: any Error) -> String {
        guard let e = error as? DecodingError else { return "\(error)" }
        func path(_ c: DecodingError.Context) -> String {
            let p = c.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return p.isEmpty ? "" : "\(p.hasPrefix(".") ? String(p.dropFirst()) : p): "
        }
        switch e {
        case .keyNotFound(let key, let c): return "\(path(c))missing “\(key.stringValue)”"
        case .typeMismatch(_, let c), .valueNotFound(_, let c): return "\(path(c))\(c.debugDescription)"
        case .dataCorrupted(let c): return "\(path(c))\(c.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}

/// `mosaic match compare INSTANCE.json --policy A.json --policy B.json --simulate N`:
/// what each policy does to access and to school diversity, per group, over the same
/// fresh lotteries.
struct MatchCompare: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Simulate choice policies side by side: first-choice and unassigned shares per group, and how sorted the schools are.",
        discussion: """
            A policy file (JSON) may set name, mechanism, tieBreaking, priorityClasses, reserves \
            ([{name, group, share or seats, kind, schools}], replacing the instance's) and precedence. \
            With one policy it is compared with the instance as written. Every policy is run on the \
            same lotteries; a difference is reported when it exceeds twice its standard error.
            Example: mosaic match compare kindergarten.json --policy zones.json --policy reserve.json --simulate 500 --chart compare.html
            """)

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case table, json }

    @Argument(help: "The instance (JSON, contract match.md).") var instance: String
    @Option(name: .customLong("policy"), help: "A policy file (JSON); give two or more, or one to compare with the instance as written.")
    var policies: [String] = []
    @Option(help: "Lotteries per policy.") var simulate = 200
    @Option(help: "The mechanism for policies that do not name one: da, ttc or boston.") var mechanism: MatchRun.Mechanism = .da
    @Option(name: .customLong("tie-breaking"), help: "single or multiple, for policies that do not say.") var tieBreaking: MatchRun.TieBreaking = .single
    @Option(help: "The seed of the lotteries (the same for every policy).") var seed: UInt64 = 0
    @Option(help: "table or json.") var format: OutputFormat = .table
    @Option(help: "Also write the comparison as an HTML page of charts here.") var chart: String?

    func validate() throws {
        if policies.isEmpty { throw ValidationError("give at least one --policy FILE") }
        if simulate < 2 { throw ValidationError("--simulate takes a number of lotteries, at least 2") }
    }

    func run() throws {
        do { try compare() } catch ExitCodeError.failure { throw ExitCode.failure }
    }

    func compare() throws {
        let (problem, data) = try MatchRun.load(instance)
        var loaded: [Policy] = []
        var failed = false
        for path in policies {
            guard let bytes = FileManager.default.contents(atPath: path) else {
                Terminal.error("\(path): cannot be read")
                failed = true
                continue
            }
            do {
                let policy = try JSONDecoder().decode(Policy.self, from: bytes)
                let problems = policy.problems(for: problem)
                for p in problems { Terminal.error("\(path): \(p)") }
                failed = failed || !problems.isEmpty
                loaded.append(policy)
            } catch {
                Terminal.error("\(path): not a policy: \(MatchRun.describe(error))")
                failed = true
            }
        }
        if failed { throw ExitCodeError.failure }
        if loaded.count == 1 { loaded.insert(Policy(name: "as written"), at: 0) }
        let names = loaded.map(\.name)
        if Set(names).count != names.count {
            Terminal.error("\(policies.joined(separator: ", ")): two policies share a name; give each its own")
            throw ExitCodeError.failure
        }
        var progress: (@Sendable (Int, Int) -> Void)?
        if let report = Terminal.progress() { progress = { done, total in report("simulating lotteries", done, total) } }
        let comparison = PolicyComparison.compare(
            problem, policies: loaded, mechanism: MosaicChoice.Mechanism(rawValue: mechanism.rawValue)!,
            tieBreaking: tieBreaking == .single ? .single : .multiple, draws: simulate, seed: seed,
            parallelism: ProcessInfo.processInfo.activeProcessorCount, progress: progress)
        let hash = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        if let chart { try writeTextFile(Self.page(comparison, instance: problem, seed: seed), to: chart) }
        switch format {
        case .json: print(Self.json(comparison, seed: seed, inputSha256: hash).serialized())
        case .table: print(Self.table(comparison, seed: seed), terminator: "")
        }
    }

    static func json(_ c: PolicyComparison, seed: UInt64, inputSha256: String) -> JSONValue {
        .object([
            ("seed", .unsigned(seed)), ("draws", .int(c.draws)), ("inputSha256", .string(inputSha256)),
            ("policies", .array(c.runs.map { run in
                .object([("name", .string(run.policy.name)), ("simulation", run.simulation.json(seed: seed))])
            })),
            ("findings", .array(c.findings.map(JSONValue.string))),
        ])
    }

    static func table(_ c: PolicyComparison, seed: UInt64) -> String {
        let names = c.runs.map(\.policy.name)
        var out = "\(names.joined(separator: " vs ")): \(c.draws) lotteries each from seed \(seed), the same lotteries for every policy\n\n"
        var access = TextTable(["dimension", "group", "students"] + names)
        for (i, g) in c.runs[0].simulation.groups.enumerated() {
            access.append([g.dimension, g.group, "\(g.students)"] + c.runs.map { run in
                let x = run.simulation.groups[i]
                return "\(Format.percent(x.firstChoice)) / \(Format.percent(x.unassigned))"
            })
        }
        out += "Access: first choice / unassigned\n" + access.rendered()
        var sorting = TextTable(["dimension"] + names)
        for (i, d) in c.runs[0].simulation.dissimilarity.enumerated() {
            sorting.append([d.dimension] + c.runs.map { run in
                let x = run.simulation.dissimilarity[i]
                return "\(Format.fixed(x.mean, 3)) (\(Format.fixed(x.p05, 3))–\(Format.fixed(x.p95, 3)))"
            })
        }
        out += "\nHow sorted the schools are: dissimilarity of the assigned students (5–95 %)\n" + sorting.rendered()
        out += "\nWhat changes\n" + c.findings.map { "  - \($0)\n" }.joined()
        return out
    }

    static func page(_ c: PolicyComparison, instance: Instance, seed: UInt64) -> String {
        let groups = c.runs[0].simulation.groups
        let label = groups.map { $0.dimension == "all" ? "All students" : "\($0.group) (\($0.dimension))" }
        let first = ComparisonChart(
            id: "first-choice", title: "Share assigned to their first choice",
            desc: "For each group of students, the mean share assigned to their first choice over \(c.draws) lotteries, one bar per policy.",
            categories: label,
            series: c.runs.map { .init(name: $0.policy.name, values: $0.simulation.groups.map(\.firstChoice)) }, percent: true)
        let unassigned = ComparisonChart(
            id: "unassigned", title: "Share left without a school",
            desc: "For each group of students, the mean share not assigned to any school they ranked, one bar per policy.",
            categories: label,
            series: c.runs.map { .init(name: $0.policy.name, values: $0.simulation.groups.map(\.unassigned)) }, percent: true)
        let sorting = ComparisonChart(
            id: "sorting", title: "How sorted the schools are (dissimilarity)",
            desc: "For each dimension, the mean dissimilarity of the assigned students across schools, with the 5–95 % band over the lotteries as a line; 0 means every school mirrors the whole.",
            categories: c.runs[0].simulation.dissimilarity.map(\.dimension),
            series: c.runs.map { run in
                .init(name: run.policy.name, values: run.simulation.dissimilarity.map(\.mean),
                      bands: run.simulation.dissimilarity.map { (low: $0.p05, high: $0.p95) })
            }, percent: false)
        let title = "Choice policies compared" + (instance.name.map { ": \($0)" } ?? "")
        return ComparisonChart.page(
            title: title,
            intro: "\(c.runs.map(\.policy.name).joined(separator: ", ")): \(c.draws) lotteries each from seed \(seed), the same lotteries for every policy. \(instance.students.count) students, \(instance.schools.count) schools.",
            findings: c.findings, charts: [first, unassigned, sorting]).markup
    }
}

/// `mosaic match synthetic --out FILE`: a synthetic instance to try mechanisms and
/// policies on (the market the benchmark uses, at any size).
struct MatchSynthetic: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synthetic",
        abstract: "Write a synthetic choice instance (JSON, contract match.md): students who rank nearby, popular schools; groups that vary by neighbourhood.")

    @Option(help: "The file to write.") var out: String
    @Option var students = 2_000
    @Option var schools = 20
    @Option(help: "Schools each student ranks.") var choices = 5
    @Option(help: "Seats in all (default: 95 % of the students).") var seats: Int?
    @Option(help: "Share of schools with a 40 % low-income reserve.") var reserveShare = 0.0
    @Option(help: "The random seed; the same seed gives the same instance.") var seed: UInt64 = 1

    func validate() throws {
        guard students > 0, schools > 0, choices > 0, (seats ?? 1) > 0 else { throw ValidationError("sizes must be positive") }
        guard (0...1).contains(reserveShare) else { throw ValidationError("--reserve-share is a share between 0 and 1") }
    }

    func run() throws {
        var rng = SeededGenerator(seed: seed)
        let instance = Instance.synthetic(students: students, programmes: schools, choices: choices,
                                          seats: seats ?? Int(Double(students) * 0.95), reserveShare: reserveShare, using: &rng)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(instance)
        try writeTextFile(String(decoding: data, as: UTF8.self) + "\n", to: out)
        Terminal.error("wrote \(out): \(students) students, \(schools) schools, \(instance.schools.reduce(0) { $0 + $1.capacity }) seats")
    }
}

extension MatchReport {
    func table(mechanism: String, seed: UInt64, inputSha256: String) -> String {
        let assigned = assignment.places.compactMap { $0 }.count
        var out = "\(instance.name ?? "Match"): \(mechanism), seed \(seed), input sha256 \(inputSha256.prefix(16))…\n"
        out += "\(market.studentCount) students: \(assigned) assigned (\(order.filter { rank($0) == 1 }.count) to their first choice), \(market.studentCount - assigned) unassigned\n"
        out += "Ranks: " + rankDistribution.map { "\($0.0): \($0.1)" }.joined(separator: ", ") + "\n\n"
        var t = TextTable(["school", "capacity", "assigned", "cutoff"])
        for s in market.schools.indices {
            let cut = cutoffKey(s)?.text ?? "–"
            t.append([market.schools[s].id, "\(market.schools[s].capacity)", "\(admitted[s].count)", cut])
        }
        out += t.rendered()
        for (dim, d, _) in groups { out += "\n\(dim): dissimilarity of the assigned students across schools \(d.map { Format.fixed($0, 3) } ?? "–")" }
        return out + "\n"
    }
}
