import ArgumentParser
import Foundation
import MosaicBoundaries
import MosaicCore
import MosaicImport
import MosaicMetrics
import MosaicReport
import MosaicStore

/// `mosaic boundaries`: contract `boundaries.md` — redraw attendance zones within travel,
/// size and contiguity limits (`mosaic boundaries INSTANCE.json`).
struct Boundaries: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Redraw attendance zones so that schools mirror the district, within travel, size and contiguity limits.",
        subcommands: [BoundariesRun.self, BoundariesPair.self, BoundariesNYC.self, BoundariesLoad.self],
        defaultSubcommand: BoundariesRun.self)
}

struct BoundariesRun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Assign planning units to schools to lower the segregation of one dimension across schools.",
        discussion: """
            A unit may move to a school only if travel there is at most (1 + --max-travel-increase) × travel \
            to today's school; a school keeps at most (1 + --max-size-increase) × today's students and no more \
            than its capacity; with --contiguity on every zone stays one connected piece around the school's \
            unit. The search (simulated annealing over unit flips and swaps, --restarts runs, then steepest \
            descent) is the same for the same seed; --time-limit cuts it short on a slow machine.
            Example: mosaic boundaries city.json --dimension race --seed 7 --format json
            """)

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case table, json, svg, csv }
    enum Switch: String, ExpressibleByArgument, CaseIterable { case on, off }

    @Argument(help: "The instance (JSON, contract boundaries.md).") var instance: String
    @Option(help: "The dimension whose segregation to lower (units may give counts by dimension).") var dimension = "race"
    @Option(name: .customLong("max-travel-increase"), help: "A unit's travel may grow by at most this share.") var maxTravelIncrease = 0.5
    @Option(name: .customLong("max-size-increase"), help: "A school's students may grow by at most this share.") var maxSizeIncrease = 0.15
    @Option(name: .customLong("max-size-decrease"), help: "When given, a school's students may shrink by at most this share.") var maxSizeDecrease: Double?
    @Option(help: "on: every zone stays one connected piece; off: units may move to any school within the travel limit.") var contiguity: Switch = .on
    @Option(help: "D (dissimilarity) or H (information theory index).") var objective: String = "D"
    @Option(help: "The seed of the search.") var seed: UInt64 = 0
    @Option(name: .customLong("time-limit"), help: "Stop the search after this many seconds (the result then depends on the machine).") var timeLimit: Double?
    @Option(help: "Independent annealing runs.") var restarts = 4
    @Option(help: "Moves tried per run, as a multiple of the number of units.") var sweeps = 4000
    @Option(help: "Threads for the runs.") var threads = ProcessInfo.processInfo.activeProcessorCount
    @Option(name: .customLong("transport-beyond"), help: "Also count the students who would travel farther than this (in the travel's unit).") var transportBeyond: Double?
    @Option(help: "table, json, svg (maps before and after) or csv (unit, school today, school after, moved).") var format: OutputFormat = .table

    func validate() throws {
        guard maxTravelIncrease >= 0, maxSizeIncrease >= 0 else { throw ValidationError("--max-travel-increase and --max-size-increase are 0 or more") }
        if let d = maxSizeDecrease, !(0...1).contains(d) { throw ValidationError("--max-size-decrease lies between 0 and 1") }
        guard BoundaryObjective(rawValue: objective.uppercased()) != nil else { throw ValidationError("--objective is D or H") }
        if let t = timeLimit, !(t > 0) { throw ValidationError("--time-limit is a number of seconds above 0") }
        guard restarts >= 1, sweeps >= 1, threads >= 1 else { throw ValidationError("--restarts, --sweeps and --threads are at least 1") }
        if let t = transportBeyond, !(t >= 0) { throw ValidationError("--transport-beyond is 0 or more") }
    }

    func run() throws {
        do { try redraw() } catch ExitCodeError.failure { throw ExitCode.failure }
    }

    var limits: BoundaryLimits {
        BoundaryLimits(maxTravelIncrease: maxTravelIncrease, maxSizeIncrease: maxSizeIncrease, maxSizeDecrease: maxSizeDecrease, contiguity: contiguity == .on)
    }

    /// Reads, checks and compiles an instance: every problem as `FILE: where: what`.
    static func load(_ path: String, dimension: String, limits: BoundaryLimits) throws -> BoundaryProblem {
        guard let data = FileManager.default.contents(atPath: path) else {
            Terminal.error("\(path): cannot be read")
            throw ExitCodeError.failure
        }
        let instance: BoundaryInstance
        do {
            instance = try JSONDecoder().decode(BoundaryInstance.self, from: data)
        } catch {
            Terminal.error("\(path): not an instance of boundaries.md: \(MatchRun.describe(error))")
            throw ExitCodeError.failure
        }
        do {
            return try BoundaryProblem(instance, dimension: dimension, limits: limits)
        } catch {
            for p in error.problems { Terminal.error("\(path): \(p)") }
            throw ExitCodeError.failure
        }
    }

    func redraw() throws {
        let problem = try Self.load(instance, dimension: dimension, limits: limits)
        let objective = BoundaryObjective(rawValue: self.objective.uppercased())!
        let search = BoundarySearch(problem, objective: objective)
        var options = BoundarySearch.Options(restarts: restarts, sweeps: sweeps, parallelism: threads)
        if let timeLimit { options.deadline = ContinuousClock.now + .milliseconds(Int(timeLimit * 1000)) }
        var rng = SeededGenerator(seed: seed)
        let report = Terminal.progress()
        let outcome = search.run(options, using: &rng) { done, total in report?("redrawing zones (moves tried)", done, total) }
        Terminal.endProgress()
        let plan = BoundaryPlan(problem, assignment: outcome.assignment, transportBeyond: transportBeyond)
        switch format {
        case .json: Terminal.output(plan.json(objective: objective, seed: seed, outcome: outcome))
        case .table: print(Self.table(plan, objective: objective, seed: seed, outcome: outcome), terminator: "")
        case .csv: print(problem.assignmentCSV(plan.assignment), terminator: "")
        case .svg:
            let title = "Attendance zones today and redrawn: \(problem.schoolCount) schools, \(problem.unitCount) units"
            let desc = "\(problem.dimension) dissimilarity across schools \(Format.fixed(plan.before.D, 3)) today, \(Format.fixed(plan.after.D, 3)) redrawn; "
                + "\(plan.studentsMoved) students in \(plan.unitsMoved) units change school."
            print(BoundaryMap(problem).svg(after: plan.assignment, title: title, description: desc).markup, terminator: "")
        }
    }

    /// D and H before and after, the students moved, travel by group and transport: the
    /// figures a redraw and a pairing both report.
    static func figuresTable(_ f: some ScenarioFigures, moved: String) -> String {
        let p = f.problem
        func change(_ a: Double, _ b: Double) -> String { a > 0 ? " (\(b <= a ? "−" : "+")\(Format.percent(abs(b - a) / a)))" : "" }
        var out = "Dissimilarity D  \(Format.fixed(f.before.D, 3)) → \(Format.fixed(f.after.D, 3))\(change(f.before.D, f.after.D))\n"
        out += "Information H    \(Format.fixed(f.before.H, 3)) → \(Format.fixed(f.after.H, 3))\(change(f.before.H, f.after.H))\n"
        out += "Moved: \(moved)\n"
        out += "Mean travel \(Format.fixed(f.travel.meanBefore, 2)) → \(Format.fixed(f.travel.meanAfter, 2))\n\n"
        var t = TextTable(["group", "students", "moved", "travel today", "travel after"])
        for g in p.groups.indices {
            t.append([p.groups[g], "\(p.groupTotals[g])", "\(f.movedByGroup[g])",
                      Format.fixed(f.travelByGroup[g].meanBefore, 2), Format.fixed(f.travelByGroup[g].meanAfter, 2)])
        }
        out += t.rendered()
        if let tr = f.transport {
            out += "\nStudents travelling beyond \(Format.fixed(tr.distance, 2)): \(tr.before) today, \(tr.after) after; \(tr.newlyBeyond) would newly need transportation\n"
            var tt = TextTable(["group", "beyond today", "beyond after", "newly beyond"])
            for r in tr.byGroup { tt.append([r.group, "\(r.before)", "\(r.after)", "\(r.newlyBeyond)"]) }
            out += tt.rendered()
        }
        return out
    }

    static func table(_ plan: BoundaryPlan, objective: BoundaryObjective, seed: UInt64, outcome: BoundarySearch.Outcome) -> String {
        let p = plan.problem
        var out = "\(p.instance.name ?? "Attendance zones"): \(p.schoolCount) schools, \(p.unitCount) units, \(p.total) students\n"
        out += "Dimension \(p.dimension) (\(p.groups.joined(separator: ", "))); objective \(objective.rawValue); seed \(seed)\n"
        out += "Limits: travel +\(Format.percent(p.limits.maxTravelIncrease)), size +\(Format.percent(p.limits.maxSizeIncrease))"
        if let d = p.limits.maxSizeDecrease { out += " / −\(Format.percent(d))" }
        out += ", contiguity \(p.limits.contiguity ? "on" : "off")\n\n"
        out += figuresTable(plan, moved: "\(plan.studentsMoved) students (\(Format.percent(Double(plan.studentsMoved) / Double(max(1, p.total))))) in \(plan.unitsMoved) units")
        out += "\n"
        var s = TextTable(["school", "students", "after", "limit", "units +/−", "gap to district", "after"])
        for school in plan.schools {
            s.append([school.id, "\(school.studentsBefore)", "\(school.studentsAfter)", "\(school.limit)", "+\(school.unitsGained)/−\(school.unitsLost)",
                      Format.fixed(school.distanceBefore, 3), Format.fixed(school.distanceAfter, 3)])
        }
        out += s.rendered()
        out += "\n" + (plan.feasible ? "Every limit is met.\n" : "Limits not met:\n" + plan.violations.map { "  \($0)\n" }.joined())
        out += "Search: \(outcome.runObjectives.count) runs (\(outcome.runObjectives.map { Format.fixed($0, 4) }.joined(separator: ", "))), \(outcome.movesTaken) of \(outcome.movesTried) moves taken"
        out += outcome.stoppedByDeadline ? "; stopped by the time limit\n" : "\n"
        return out
    }
}

/// `mosaic boundaries pair INSTANCE.json`: which nearby schools to pair (or triple) into
/// grade spans to lower segregation the most, within a drive limit and the size limits.
struct BoundariesPair: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pair",
        abstract: "Propose pairs (or triples) of nearby schools that merge their zones and split the grades, chosen to lower segregation the most.",
        discussion: """
            Each group's schools share one combined zone and split --grades into consecutive spans (K–5 in a \
            pair: K–2 and 3–5), so each enrols the combined zone's students; grade cohorts are taken as \
            equal. Schools are grouped only when at most --max-drive apart and when a split keeps every \
            school between (1 − --max-size-decrease) and (1 + --max-size-increase) × today's students and within its capacity. The set of groups \
            is the best possible (branch and bound), and the same for the same input.
            Example: mosaic boundaries pair city.json --max-drive 2.5 --group-size 2,3 --transport-beyond 1.5
            """)

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case table, json, svg }

    @Argument(help: "The instance (JSON, contract boundaries.md).") var instance: String
    @Option(help: "The dimension whose segregation to lower (dimension:group for one group against the rest).") var dimension = "race"
    @Option(name: .customLong("max-drive"), help: "Group only schools at most this far apart (default: twice the median distance to a school's nearest school).") var maxDrive: Double?
    @Option(name: .customLong("max-size-increase"), help: "A school's students may grow by at most this share.") var maxSizeIncrease = 0.15
    @Option(name: .customLong("max-size-decrease"), help: "A school's students may shrink by at most this share.") var maxSizeDecrease = 0.15
    @Option(name: .customLong("group-size"), help: "2 (pairs), 3 (triples) or 2,3.") var groupSize = "2"
    @Option(help: "The grades the schools teach, in order, comma-separated.") var grades = "K,1,2,3,4,5"
    @Option(name: .customLong("max-groups"), help: "Propose at most this many groups.") var maxGroups: Int?
    @Option(help: "D (dissimilarity) or H (information theory index).") var objective: String = "D"
    @Option(name: .customLong("transport-beyond"), help: "Also count the students who would travel farther than this.") var transportBeyond: Double?
    @Option(help: "table, json or svg (maps before and after).") var format: OutputFormat = .table

    var sizes: Set<Int>? {
        let parts = groupSize.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.allSatisfy({ $0 == 2 || $0 == 3 }) else { return nil }
        return Set(parts.compactMap { $0 })
    }

    var gradeList: [String] { grades.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }

    func validate() throws {
        guard sizes != nil else { throw ValidationError("--group-size is 2, 3 or 2,3") }
        guard gradeList.count >= 2, Set(gradeList).count == gradeList.count else { throw ValidationError("--grades lists at least two different grades") }
        if let d = maxDrive, !(d >= 0) { throw ValidationError("--max-drive is 0 or more") }
        guard maxSizeIncrease >= 0 else { throw ValidationError("--max-size-increase is 0 or more") }
        if !(0...1).contains(maxSizeDecrease) { throw ValidationError("--max-size-decrease lies between 0 and 1") }
        if let n = maxGroups, n < 1 { throw ValidationError("--max-groups is at least 1") }
        guard BoundaryObjective(rawValue: objective.uppercased()) != nil else { throw ValidationError("--objective is D or H") }
        if let t = transportBeyond, !(t >= 0) { throw ValidationError("--transport-beyond is 0 or more") }
    }

    func run() throws {
        do { try pair() } catch ExitCodeError.failure { throw ExitCode.failure }
    }

    func pair() throws {
        let limits = BoundaryLimits(maxSizeIncrease: maxSizeIncrease, maxSizeDecrease: maxSizeDecrease)
        let problem = try BoundariesRun.load(instance, dimension: dimension, limits: limits)
        let objective = BoundaryObjective(rawValue: self.objective.uppercased())!
        let pairing = Pairing(problem, options: .init(sizes: sizes!, grades: gradeList, maxDrive: maxDrive, maxGroups: maxGroups, objective: objective))
        let (groups, proven) = pairing.choose()
        let plan = PairingPlan(pairing, groups: groups, proven: proven, transportBeyond: transportBeyond)
        switch format {
        case .json: print(plan.json(objective: objective).serialized())
        case .table: print(Self.table(plan, objective: objective), terminator: "")
        case .svg:
            let title = "School pairings: \(groups.count) groups of \(problem.schoolCount) schools"
            let desc = "\(problem.dimension) dissimilarity across schools \(Format.fixed(plan.before.D, 3)) today, \(Format.fixed(plan.after.D, 3)) with the pairings."
            print(BoundaryMap(problem).svg(paired: plan, title: title, description: desc).markup, terminator: "")
        }
    }

    static func table(_ plan: PairingPlan, objective: BoundaryObjective) -> String {
        let p = plan.problem
        var out = "\(p.instance.name ?? "Schools"): \(p.schoolCount) schools, \(p.total) students; grades \(plan.grades.joined(separator: ", "))\n"
        out += "Dimension \(p.dimension); objective \(objective.rawValue); schools at most \(Format.fixed(plan.maxDrive, 2)) apart; size +\(Format.percent(p.limits.maxSizeIncrease)) / −\(Format.percent(p.limits.maxSizeDecrease ?? 1))\n\n"
        if plan.groups.isEmpty { out += "No group of nearby schools lowers segregation within the limits.\n\n" }
        var t = TextTable(["group", "grades", "apart", "gain in \(objective.rawValue)"])
        for g in plan.groups {
            t.append([g.schools.map { p.schoolIDs[$0] }.joined(separator: " + "), g.labels.joined(separator: " / "), Format.fixed(g.distance, 2), Format.fixed(g.gain, 4)])
        }
        if !plan.groups.isEmpty { out += t.rendered() + "\n" }
        out += BoundariesRun.figuresTable(plan, moved: "about \(plan.studentsMoved) students (equal grade cohorts) from \(plan.unitsMoved) units")
        out += "\n" + (plan.feasible ? "Every limit is met." : "Limits not met: " + plan.violations.joined(separator: "; "))
        out += plan.proven ? " The groups are the best set possible.\n" : " The search stopped at its node limit: the groups are the best found.\n"
        return out
    }
}

/// `mosaic boundaries nyc --out FILE`: a zone-level instance from the real NYC 2017-18
/// elementary attendance zones, for the coarse demo and the maps.
struct BoundariesNYC: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nyc",
        abstract: "Write a boundaries.md instance from the NYC elementary attendance zones (2017-18), one unit per zone.",
        discussion: """
            Units are the zones (WKT outlines, neighbours where outlines share a border, projected to km); \
            each zone is assigned its zoned school, a shared zone the schools it lists together. The files \
            give no counts of residents, so each zone holds its zoned school's enrollment that year (race, \
            poverty, English learners, disability), spread over the school's zones by area: a coarse, \
            zone-level picture. Travel is the straight-line distance (km) from a zone's centroid to a school.
            Example: mosaic boundaries nyc --district 3 --out district3.json
            """)

    @Option(help: "The JSON file to write.") var out: String
    @Option(name: .customLong("district"), help: "Keep the zones of this community school district (repeat for several; default all).") var districts: [Int] = []
    @Option(help: "The school year of the enrollment counts.") var year = "2017-18"
    @Option(help: "Cut every zone into the pieces of a grid of squares this many km wide (block-level work on zone data).") var cell: Double?
    @Option(name: .customLong("zones"), help: "The elementary zones file (WKT); default: the copy shipped with Mosaic.") var zonesFile: String?
    @Option(name: .customLong("locations"), help: "The school locations file; default: the copy shipped with Mosaic.") var locationsFile: String?
    @Option(name: .customLong("snapshot"), help: "The Demographic Snapshot school file; default: the copy shipped with Mosaic.") var snapshotFile: String?
    var zones: String { zonesFile ?? NYCData.zones }
    var locations: String { locationsFile ?? NYCData.locations }
    var snapshot: String { snapshotFile ?? NYCData.snapshot }

    func run() throws {
        do { try write() } catch ExitCodeError.failure { throw ExitCode.failure }
    }

    func write() throws {
        guard let schoolYear = SchoolYear(year) else {
            Terminal.error("--year “\(year)” is not a school year (2017-18)")
            throw ExitCodeError.failure
        }
        if let cell, !(cell > 0.01) {
            Terminal.error("--cell is a width in km above 0.01")
            throw ExitCodeError.failure
        }
        let (instance, note) = try Terminal.reportingImportErrors {
            try BoundaryInstance.nyc(districts: districts, year: schoolYear, zones: zones, locations: locations, snapshot: snapshot, cell: cell)
        }
        do {
            try Data(Schedule.json(instance).utf8).write(to: URL(fileURLWithPath: out))
        } catch {
            Terminal.error("\(out): cannot be written: \(error.localizedDescription)")
            throw ExitCodeError.failure
        }
        Terminal.error("wrote \(out): \(note)")
    }
}

/// `mosaic boundaries load INSTANCE.json --db URL --district D`: keeps an instance in the
/// store, where the service's boundary pages run scenarios on it.
struct BoundariesLoad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Keep a boundaries.md instance in the store for the service's scenario pages.",
        discussion: "The instance is checked in full first (every dimension it gives); nothing is stored when anything is wrong.\nExample: mosaic boundaries load city.json --db sqlite:mosaic.sqlite --district D01 --name \"Kindergarten zones 2027\"")

    @Argument(help: "The instance (JSON, contract boundaries.md).") var instance: String
    @OptionGroup var storeOptions: StoreOptions
    @Option(help: "The district (already in the store) the instance belongs to.") var district: String
    @Option(help: "The name the pages show (default: the instance's own name, else the file's).") var name: String?

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: instance) else {
            Terminal.error("\(instance): cannot be read")
            throw ExitCode.failure
        }
        let parsed: BoundaryInstance
        do {
            parsed = try JSONDecoder().decode(BoundaryInstance.self, from: data)
        } catch {
            Terminal.error("\(instance): not an instance of boundaries.md: \(MatchRun.describe(error))")
            throw ExitCode.failure
        }
        let dimensions = parsed.units.first?.students.dimensionNames ?? ["students"]
        var problems: [String] = []
        for d in dimensions {
            do { _ = try BoundaryProblem(parsed, dimension: d) } catch { problems += error.problems.filter { !problems.contains($0) } }
        }
        guard problems.isEmpty else {
            for p in problems { Terminal.error("\(instance): \(p)") }
            throw ExitCode.failure
        }
        let title = name ?? parsed.name ?? URL(fileURLWithPath: instance).deletingPathExtension().lastPathComponent
        let record = try await storeOptions.withStore { store in
            let kept = try await store.addBoundaryInstance(BoundaryInstanceRecord(
                district: district, name: title, json: String(decoding: data, as: UTF8.self), addedAt: Date(), addedBy: "cli"))
            try await store.record(AuditEvent(district: district, at: Date(), actor: "cli", action: "boundary-instance", detail: "\(kept.id): \(title) from \(instance)"))
            return kept
        }
        print("stored boundary instance \(record.id) (\(title)) of district \(district): \(parsed.units.count) units, \(parsed.schools.count) schools; its scenarios at /districts/\(district)/boundaries/\(record.id)")
    }
}
