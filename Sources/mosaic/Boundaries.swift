import ArgumentParser
import Foundation
import MosaicBoundaries
import MosaicCore
import MosaicMetrics
import MosaicReport

/// `mosaic boundaries`: contract `boundaries.md` — redraw attendance zones within travel,
/// size and contiguity limits (`mosaic boundaries INSTANCE.json`).
struct Boundaries: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Redraw attendance zones so that schools mirror the district, within travel, size and contiguity limits.",
        subcommands: [BoundariesRun.self],
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
    @Option(help: "Moves tried per run, as a multiple of the number of units.") var sweeps = 400
    @Option(help: "Threads for the runs.") var threads = ProcessInfo.processInfo.activeProcessorCount
    @Option(name: .customLong("transport-beyond"), help: "Also count the students who would travel farther than this (in the travel's unit).") var transportBeyond: Double?
    @Option(help: "table, json, svg (maps before and after) or csv (unit, school today, school after).") var format: OutputFormat = .table

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
        case .json: print(plan.json(objective: objective, seed: seed, outcome: outcome).serialized())
        case .table: print(Self.table(plan, objective: objective, seed: seed, outcome: outcome), terminator: "")
        case .csv: print(Self.csv(plan), terminator: "")
        case .svg:
            let title = "Attendance zones today and redrawn: \(problem.schoolCount) schools, \(problem.unitCount) units"
            let desc = "\(problem.dimension) dissimilarity across schools \(Format.fixed(plan.before.D, 3)) today, \(Format.fixed(plan.after.D, 3)) redrawn; "
                + "\(plan.studentsMoved) students in \(plan.unitsMoved) units change school."
            print(BoundaryMap(problem).svg(after: plan.assignment, title: title, description: desc), terminator: "")
        }
    }

    /// unit, school today, school after: the assignment a district loads into its systems.
    static func csv(_ plan: BoundaryPlan) -> String {
        let p = plan.problem
        var out = "unit,school_today,school_after,students,moved\n"
        for u in 0..<p.unitCount {
            let today = p.schoolIDs[Int(p.original[u])], after = p.schoolIDs[Int(plan.assignment[u])]
            out += [csvField(p.unitIDs[u]), csvField(today), csvField(after), "\(p.totals[u])", today == after ? "no" : "yes"].joined(separator: ",") + "\n"
        }
        return out
    }

    static func table(_ plan: BoundaryPlan, objective: BoundaryObjective, seed: UInt64, outcome: BoundarySearch.Outcome) -> String {
        let p = plan.problem
        func change(_ a: Double, _ b: Double) -> String { a > 0 ? " (\(b <= a ? "−" : "+")\(Format.percent(abs(b - a) / a)))" : "" }
        var out = "\(p.instance.name ?? "Attendance zones"): \(p.schoolCount) schools, \(p.unitCount) units, \(p.total) students\n"
        out += "Dimension \(p.dimension) (\(p.groups.joined(separator: ", "))); objective \(objective.rawValue); seed \(seed)\n"
        out += "Limits: travel +\(Format.percent(p.limits.maxTravelIncrease)), size +\(Format.percent(p.limits.maxSizeIncrease))"
        if let d = p.limits.maxSizeDecrease { out += " / −\(Format.percent(d))" }
        out += ", contiguity \(p.limits.contiguity ? "on" : "off")\n\n"
        out += "Dissimilarity D  \(Format.fixed(plan.before.D, 3)) → \(Format.fixed(plan.after.D, 3))\(change(plan.before.D, plan.after.D))\n"
        out += "Information H    \(Format.fixed(plan.before.H, 3)) → \(Format.fixed(plan.after.H, 3))\(change(plan.before.H, plan.after.H))\n"
        out += "Moved: \(plan.studentsMoved) students (\(Format.percent(Double(plan.studentsMoved) / Double(max(1, p.total))))) in \(plan.unitsMoved) units\n"
        out += "Mean travel \(Format.fixed(plan.travel.meanBefore, 2)) → \(Format.fixed(plan.travel.meanAfter, 2))\n\n"
        var t = TextTable(["group", "students", "moved", "travel today", "travel after"])
        for g in p.groups.indices {
            t.append([p.groups[g], "\(p.groupTotals[g])", "\(plan.movedByGroup[g])",
                      Format.fixed(plan.travelByGroup[g].meanBefore, 2), Format.fixed(plan.travelByGroup[g].meanAfter, 2)])
        }
        out += t.rendered()
        if let tr = plan.transport {
            out += "\nStudents travelling beyond \(Format.fixed(tr.distance, 2)): \(tr.before) today, \(tr.after) after; \(tr.newlyBeyond) would newly need transportation\n"
            var tt = TextTable(["group", "beyond today", "beyond after", "newly beyond"])
            for r in tr.byGroup { tt.append([r.group, "\(r.before)", "\(r.after)", "\(r.newlyBeyond)"]) }
            out += tt.rendered()
        }
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
