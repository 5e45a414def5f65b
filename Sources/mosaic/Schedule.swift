import ArgumentParser
import Foundation
import MosaicCore
import MosaicImport
import MosaicStore
import MosaicMetrics
import MosaicReport
import MosaicSchedule

/// `mosaic schedule`: contract `schedule.md` — the audit of a master schedule, student
/// sectioning and balanced class lists.
struct Schedule: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Audit a master schedule, section students, or build balanced class lists.",
        subcommands: [ScheduleAuditCommand.self, ScheduleSection.self, ScheduleClasslist.self, ScheduleEnrichment.self, ScheduleInstance.self])

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case table, json }

    /// Reads a JSON file of the contract; a file that cannot be read or decoded is one
    /// line on stderr (`FILE: not a WHAT of schedule.md: where: what`).
    static func read<T: Decodable>(_ path: String, as what: String) throws -> T {
        guard let data = FileManager.default.contents(atPath: path) else {
            Terminal.error("\(path): cannot be read")
            throw ExitCodeError.failure
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            let article = "aeiou".contains(what.first ?? "x") ? "an" : "a"
            Terminal.error("\(path): not \(article) \(what) of schedule.md: \(MatchRun.describe(error))")
            throw ExitCodeError.failure
        }
    }

    /// Reads and checks a sectioning instance: every problem as `FILE: where: what`.
    static func load(_ path: String) throws -> (SectioningInstance, SectioningModel) {
        let instance: SectioningInstance = try read(path, as: "sectioning instance")
        do {
            return (instance, try SectioningModel(instance))
        } catch .invalidInstance(let problems) {
            for p in problems { Terminal.error("\(path): \(p)") }
            throw ExitCodeError.failure
        }
    }

    static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try! encoder.encode(value), as: UTF8.self)
    }
}

/// `mosaic schedule audit INSTANCE.json`: the conflict matrix and the access conflicts.
struct ScheduleAuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "The conflict matrix, singletons and doubletons, the course pairs no student can take together (by group), and period moves that help.",
        discussion: "Example: mosaic schedule audit lincoln.json --format json")

    @Argument(help: "The sectioning instance (JSON, contract schedule.md).") var instance: String
    @Option(help: "table or json.") var format: Schedule.OutputFormat = .table
    @Option(help: "How many of the largest conflicts to look for period moves for.") var moves: Int = 20

    func run() throws {
        do {
            let (problem, model) = try Schedule.load(instance)
            let audit = ScheduleAudit(model, instance: problem, moveLimit: moves)
            print(format == .json ? Schedule.json(audit) : Self.table(audit, name: problem.name ?? instance))
        } catch ExitCodeError.failure { throw ExitCode.failure }
    }

    static func table(_ a: ScheduleAudit, name: String) -> String {
        var out = "\(name): \(Format.count(a.students)) students, \(Format.count(a.blockedStudents)) cannot have every course they asked for first\n"
        out += "singletons (\(a.singletons.count)): \(a.singletons.joined(separator: ", "))\n"
        out += "doubletons (\(a.doubletons.count)): \(a.doubletons.joined(separator: ", "))\n\n"
        if a.conflicts.isEmpty {
            out += "No conflicts: every student's first choices fit together.\n"
        } else {
            var t = TextTable(["courses", "period", "kind", "students", "blocked, by group"])
            for c in a.conflicts.prefix(25) {
                // Gender is left to the JSON.
                let groups = c.groupSummary(excluding: ["gender"])
                t.append([c.courses.joined(separator: " + "), c.period ?? "–", c.kind, "\(c.students)", groups])
            }
            out += "Conflicts (no student can take these together):\n" + t.rendered()
            if a.conflicts.count > 25 { out += "  … and \(a.conflicts.count - 25) more (--format json lists every one)\n" }
        }
        if !a.moves.isEmpty {
            var t = TextTable(["move", "from", "to", "removes", "unblocks", "blocks"])
            for m in a.moves { t.append([m.section, m.from, m.to, m.removes.map { $0.joined(separator: " + ") }.joined(separator: ", "), "\(m.unblocks)", "\(m.blocks)"]) }
            out += "\nPeriod moves that unblock more students than they block:\n" + t.rendered()
        }
        return out
    }
}

/// `mosaic schedule section INSTANCE.json`: students into sections.
struct ScheduleSection: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "section",
        abstract: "Assign students to sections: the most requests met, complete schedules, sections that mirror their course, even sizes.",
        discussion: """
            Without --time-limit the search stops on its own criteria and the same seed gives the \
            identical result. --random-loading sections the same students at random among the \
            schedules meeting the most requests, for comparison.
            """)

    @Argument(help: "The sectioning instance (JSON, contract schedule.md).") var instance: String
    @Option(help: "The seed of the loading order and the search.") var seed: UInt64 = 0
    @Option(name: .customLong("time-limit"), help: "Stop the search after this many seconds.") var timeLimit: Double?
    @Option(help: "table or json.") var format: Schedule.OutputFormat = .table
    @Option(help: "Moves without an improvement before the search stops (default 25 per student, at least 1,000).") var patience: Int?
    @Option(help: "Moves of the annealing phase (default 400 per student, at least 480,000 but 1,600 per student, at most 600,000; 0: none).") var annealing: Int?
    @Flag(name: .customLong("random-loading"), help: "Load sections at random (no balance, no size evening).") var randomLoading = false

    func validate() throws {
        if let timeLimit, !(timeLimit > 0) { throw ValidationError("--time-limit takes a number of seconds above 0") }
        if let patience, patience < 1 { throw ValidationError("--patience takes a number of moves, at least 1") }
    }

    func run() throws {
        do {
            let (_, model) = try Schedule.load(instance)
            var rng = SeededGenerator(seed: seed)
            let clock = ContinuousClock(), start = clock.now
            let deadline = timeLimit.map { start + .milliseconds(Int($0 * 1000)) }
            let report = Terminal.progress()
            let result = Sectioning.solve(
                model, options: .init(idleLimit: patience, balancing: !randomLoading, annealingMoves: annealing), using: &rng,
                shouldStop: deadline.map { d in { clock.now >= d } },
                progress: { p in
                    guard let report else { return }
                    if p.phase == "construction" { report("loading students", p.done, p.total) }
                    else { report("improving: \(p.score.met) requests met, move", p.done, 0) }
                })
            Terminal.endProgress()
            let seconds = (clock.now - start).seconds
            print(format == .json ? Schedule.json(result) : Self.table(result, model: model, seconds: seconds))
        } catch ExitCodeError.failure { throw ExitCode.failure }
    }

    static func table(_ r: SectioningResult, model: SectioningModel, seconds: Double) -> String {
        func share(_ a: Int, _ b: Int) -> String { b == 0 ? "–" : Format.percent(Double(a) / Double(b)) }
        var out = "requests met      \(Format.count(r.requestsMet)) of \(Format.count(r.requests)) (\(share(r.requestsMet, r.requests)))"
        out += "; proven bound \(Format.count(r.bound))" + (r.requestsMet == r.bound ? " — optimal\n" : " (within \(Format.count(r.bound - r.requestsMet)))\n")
        if let k = r.metByAlternative, k > 0 { out += "                  \(Format.count(k)) of them with an alternative rather than the course asked for\n" }
        out += "complete schedules \(Format.count(r.studentsComplete)) of \(Format.count(model.students.count)) (\(share(r.studentsComplete, model.students.count)))\n"
        for d in r.balance.keys.sorted() {
            out += "section balance   \(d): mean dissimilarity from the course \(Format.fixed(r.balance[d]!.meanDissimilarityVsCourse, 3))\n"
        }
        out += "search            \(Format.count(r.moves ?? 0)) moves, \(Format.fixed(seconds, 1)) s\n"
        if !r.unmet.isEmpty {
            var byCourse: [String: Int] = [:]
            for u in r.unmet { byCourse[u.course, default: 0] += 1 }
            var t = TextTable(["course", "unmet", "for example"])
            for (course, n) in byCourse.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }).prefix(15) {
                let example = r.unmet.first { $0.course == course }!
                t.append([course, "\(n)", "\(example.student): \(example.reason)"])
            }
            out += "\nUnmet requests by course (every one with its reason in --format json):\n" + t.rendered()
        }
        return out
    }
}

/// `mosaic schedule classlist INSTANCE.json`: one grade split into balanced classes.
struct ScheduleClasslist: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classlist",
        abstract: "Split one grade into classes that each mirror the grade (sizes, keep-apart, keep-together and fixed placements kept).",
        discussion: "Example: mosaic schedule classlist grade2.json --seed 7 --format json")

    @Argument(help: "The class-list instance (JSON, contract schedule.md).") var instance: String
    @Option(help: "The seed of the search.") var seed: UInt64 = 0
    @Option(help: "table or json.") var format: Schedule.OutputFormat = .table

    func run() throws {
        do { try classlist() } catch ExitCodeError.failure { throw ExitCode.failure }
    }

    func classlist() throws {
        let problem: ClassListInstance = try Schedule.read(instance, as: "class-list instance")
        var rng = SeededGenerator(seed: seed)
        let result: ClassListResult
        do {
            result = try ClassLists.solve(problem, using: &rng)
        } catch .invalidInstance(let problems) {
            for p in problems { Terminal.error("\(instance): \(p)") }
            throw ExitCodeError.failure
        }
        print(format == .json ? Schedule.json(result) : Self.table(result, problem: problem))
    }

    static func table(_ r: ClassListResult, problem: ClassListInstance) -> String {
        var out = "\(problem.students.count) students in \(r.classes.count) classes: " + r.classes.map { "\($0.id) \($0.size)" }.joined(separator: ", ") + "\n"
        out += r.perfect ? "Perfect balance: every group's count in every class is the floor or the ceiling of its share.\n"
                         : "Not perfect: some count lies a whole student or more from its share (the hard constraints may not allow better).\n"
        var t = TextTable(["dimension", "D", "largest deviation", "best possible"])
        for d in r.balance.keys.sorted() {
            let b = r.balance[d]!
            t.append([d, Format.fixed(b.D, 3), Format.fixed(b.maxDeviation, 2), Format.fixed(b.bound, 2)])
        }
        out += t.rendered()
        if let s = r.score { out += "score: class means within \(Format.fixed(s.meanRange, 1)), spreads within \(Format.fixed(s.sdRange, 1))\n" }
        return out
    }
}

/// `mosaic schedule enrichment INSTANCE.json`: students into enrichment clusters.
struct ScheduleEnrichment: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enrichment",
        abstract: "Place students in enrichment clusters by their ranked interests: the most placed, then the best ranks, every cluster mixed.",
        discussion: """
            Clusters that cannot reach their minimum are closed and their students placed \
            elsewhere. optimal is true only when proven; otherwise bound is the smallest rank \
            sum any assignment placing as many students could have. Example: \
            mosaic schedule enrichment fall-clusters.json --format json
            """)

    @Argument(help: "The enrichment instance (JSON, contract schedule.md).") var instance: String
    @Option(help: "The seed that breaks ties between equally good assignments.") var seed: UInt64 = 0
    @Option(help: "table or json.") var format: Schedule.OutputFormat = .table

    func run() throws {
        do { try enrichment() } catch ExitCodeError.failure { throw ExitCode.failure }
    }

    func enrichment() throws {
        let problem: EnrichmentInstance = try Schedule.read(instance, as: "enrichment instance")
        var rng = SeededGenerator(seed: seed)
        let clock = ContinuousClock(), start = clock.now
        let report = Terminal.progress()
        let result: EnrichmentResult
        do {
            result = try Enrichment.solve(problem, using: &rng, progress: { p in report?(p.phase, p.done, p.total) })
        } catch .invalidInstance(let problems) {
            Terminal.endProgress()
            for p in problems { Terminal.error("\(instance): \(p)") }
            throw ExitCodeError.failure
        }
        Terminal.endProgress()
        let seconds = (clock.now - start).seconds
        print(format == .json ? Schedule.json(result) : Self.table(result, problem: problem, seconds: seconds))
    }

    static func table(_ r: EnrichmentResult, problem: EnrichmentInstance, seconds: Double) -> String {
        let n = problem.students.count
        var out = "placed            \(Format.count(r.placed)) of \(Format.count(n)) students"
        let limits = (problem.heterogeneity ?? [:]).isEmpty ? "the clusters' sizes" : "the clusters' sizes and mix limits"
        out += r.unplaced.isEmpty ? "\n" : " (\(Format.count(r.unplaced.count)) could not be placed in a cluster they chose within \(limits))\n"
        let ranks = r.rankCounts.keys.compactMap(Int.init).sorted()
        if !ranks.isEmpty {
            out += "choices           " + ranks.map { "\(Format.count(r.rankCounts["\($0)"]!)) got choice \($0)" }.joined(separator: ", ") + "\n"
        }
        out += "rank sum          \(Format.count(r.rankSum))"
        out += r.optimal ? " — proven optimal\n" : "; no assignment placing as many can do better than \(Format.count(r.bound)) (within \(Format.count(r.rankSum - r.bound)))\n"
        for d in r.maxShareDeviation.keys.sorted() {
            let limit = problem.heterogeneity?[d].map { " (limit \(Format.percent($0)))" } ?? ""
            out += "mix               \(d): every open cluster within \(Format.percent(r.maxShareDeviation[d]!)) of the placed students' shares\(limit)\n"
        }
        if !r.closed.isEmpty { out += "closed            \(r.closed.joined(separator: ", "))\n" }
        out += "search            \(r.method), \(Format.fixed(seconds, 1)) s\n\n"
        let dims = r.maxShareDeviation.keys.sorted()
        var t = TextTable(["cluster", "size", "min–max"] + dims)
        for (c, cl) in zip(r.clusters, problem.clusters) where c.open {
            let mix = dims.map { d in
                (c.groups[d] ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            }
            t.append([c.id, "\(c.size)", "\(cl.min)–\(cl.max)"] + mix)
        }
        return out + t.rendered()
    }
}

/// `mosaic schedule instance`: a school's term, from a stored roster or a OneRoster
/// folder, written as a sectioning instance (course requests = the term's enrollments).
struct ScheduleInstance: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "instance",
        abstract: "Write a school's term as a sectioning instance: its classes as sections, its enrollments as course requests.",
        discussion: """
            Reads the roster stored for a term (--db, --district, --term) or a OneRoster folder \
            (--roster). Reports how the term's classes are loaded now, so a re-sectioning can be \
            compared with it. Example: mosaic schedule instance --db sqlite:mosaic.sqlite \
            --district nyc --term 2026-spring --school 02M475 --out 02M475.json
            """)

    @Option(help: "The store holding the roster.") var db: String?
    @Option(help: "The district in the store; default: its only district.") var district: String?
    @Option(help: "The term: its id in the store, or the academic session (sourcedId) of --roster.") var term: String?
    @Option(help: "A OneRoster CSV folder or .zip, instead of --db.") var roster: String?
    @Option(help: "The school (sourcedId).") var school: String
    @Option(help: "Each section's limit: its enrollment, or this when larger.") var limit: Int?
    @Option(help: "The dimensions each section should mirror, comma separated.") var balance: String = "race,economic"
    @Option(help: "The file to write.") var out: String

    func validate() throws {
        if (db == nil) == (roster == nil) { throw ValidationError("give either --db (with --term) or --roster") }
        if db != nil && term == nil { throw ValidationError("--db needs --term") }
        let known = Set(MosaicCore.Dimension.five.map(\.rawValue))
        for d in balance.split(separator: ",") where !known.contains(String(d)) {
            throw ValidationError("--balance: “\(d)” is not one of \(known.sorted().joined(separator: ", "))")
        }
    }

    func run() async throws {
        do { try await write() } catch ExitCodeError.failure { throw ExitCode.failure }
    }

    func write() async throws {
        let r: Roster
        var session = term
        if let roster {
            r = try Terminal.reportingImportErrors { try OneRosterReader.read(roster) }
        } else {
            let db = db!, term = term!
            r = try await Terminal.reportingStoreErrors(db) {
                let store = try await openStore(db, logger: Terminal.logger)
                do {
                    let districts = try await store.districts()
                    guard let owner = district ?? (districts.count == 1 ? districts[0].id : nil) else {
                        throw StoreMessage("name the district with --district (the store holds \(districts.count))")
                    }
                    let roster = try await store.roster(district: owner, term: term)
                    try await store.close()
                    return roster
                } catch {
                    try? await store.close()
                    throw error
                }
            }
            session = nil   // a stored term holds its own sections only
        }
        let built: (instance: SectioningInstance, current: [String: [String: [String]]], notes: [String])
        do {
            built = try SectioningInstance.from(r, school: school, term: session, limit: limit,
                                                balance: balance.split(separator: ",").map(String.init))
        } catch .invalidInstance(let problems) {
            for p in problems { Terminal.error(p) }
            throw ExitCodeError.failure
        }
        for note in built.notes { Terminal.error("note: \(note)") }
        do {
            try Data(Schedule.json(built.instance).utf8).write(to: URL(fileURLWithPath: out))
        } catch {
            Terminal.error("\(out): cannot be written: \(error.localizedDescription)")
            throw ExitCodeError.failure
        }
        let model = try SectioningModel(built.instance)
        let now = Sectioning.evaluate(model, loading: built.current)
        let sections = built.instance.courses.reduce(0) { $0 + ($1.sections?.count ?? 0) }
        Terminal.error("wrote \(out): \(built.instance.students.count) students, \(built.instance.courses.count) courses, \(sections) sections")
        for d in now.balance.keys.sorted() {
            Terminal.error("as loaded now, \(d): mean dissimilarity of sections from their course \(Format.fixed(now.balance[d]!.meanDissimilarityVsCourse, 3))")
        }
    }
}

/// A store problem said in words (no URL to redact).
struct StoreMessage: Error, CustomStringConvertible {
    let description: String
    init(_ text: String) { description = text }
}
