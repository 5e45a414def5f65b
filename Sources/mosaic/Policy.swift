import ArgumentParser
import Foundation
import MosaicCore
import MosaicDiagnostic
import MosaicImport
import MosaicMetrics
import MosaicReport

/// `mosaic policy`: what a district policy would do before it is adopted.
struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Simulate a district policy on a roster before adopting it.",
        subcommands: [PolicyAutoEnroll.self])
}

/// `mosaic policy auto-enroll ROSTER --assessments FILE --threshold X [--opt-out-rate r] [--seed S]`.
struct PolicyAutoEnroll: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "auto-enroll",
        abstract: "Universal identification: enroll every student at or above a state-assessment cut-off in advanced coursework, with opt-out.",
        discussion: """
            Projects participation, representation and missing students per group and school; \
            the seats and sections each school would need to close the gap in a year; and who \
            sits just below the cut-off. Give several thresholds to compare them side by side \
            (--threshold 60 --threshold 70, or --threshold 60,70; 'proficient' uses the state's flag). \
            ASSESSMENTS is a CSV with sourcedId, subject, score, proficient (mosaic_assessments.csv). \
            Example: mosaic policy auto-enroll demo-roster --assessments scores.csv --threshold 60,70 --opt-out-rate 0.1
            """)

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case table, json }

    @Argument(help: "The roster: a OneRoster CSV folder or .zip.") var roster: String
    @Option(help: "The assessment results (CSV: sourcedId, subject, score, proficient); default: the roster's mosaic_assessments.csv.")
    var assessments: String?
    @Option(parsing: .singleValue, help: "A cut-off score, or 'proficient'; repeat or separate with commas to compare.")
    var threshold: [String] = []
    @Option(name: .customLong("opt-out-rate"), help: "The share of enrolled families expected to opt out (0 to 1).")
    var optOutRate: Double = 0
    @Option(help: "The seed for the opt-out draws; the same seed gives the same output.") var seed: UInt64 = 0
    @Option(help: "The assessment subject (needed when the file holds several).") var subject: String?
    @Option(help: "The academic session (sourcedId); default: the latest term with classes.") var term: String?
    @Option(help: "Points below the cut-off that count as near it; default: a quarter of the scores' standard deviation.")
    var band: Double?
    @Option(name: .customLong("class-size"), help: "Students per new section; default: the median advanced class of each school.")
    var classSize: Int?
    @Option(help: "The dimension whose gap the seats close: \(Dimension.five.map(\.rawValue).joined(separator: ", ")).")
    var dimension: String = Dimension.race.rawValue
    @Option(name: .customLong("min-n"), help: "Groups smaller than this do not set the highest rate.") var minN: Int = 10
    @Option(help: "table or json.") var format: OutputFormat = .table

    var thresholds: [AutoEnrollmentThreshold] {
        threshold.flatMap { $0.split(separator: ",") }.compactMap { AutoEnrollmentThreshold(String($0).trimmingCharacters(in: .whitespaces)) }
    }

    func validate() throws {
        guard !threshold.isEmpty else { throw ValidationError("give at least one --threshold (a score, or 'proficient')") }
        for t in threshold.flatMap({ $0.split(separator: ",") }) where AutoEnrollmentThreshold(String(t).trimmingCharacters(in: .whitespaces)) == nil {
            throw ValidationError("--threshold '\(t)' is neither a number nor 'proficient'")
        }
        guard optOutRate >= 0 && optOutRate <= 1 else { throw ValidationError("--opt-out-rate is a share between 0 and 1, not \(optOutRate)") }
        if let band { guard band >= 0 && band.isFinite else { throw ValidationError("--band is 0 or more points") } }
        if let classSize { guard classSize >= 1 else { throw ValidationError("--class-size is at least 1") } }
        guard Dimension.five.contains(where: { $0.rawValue == dimension }) else {
            throw ValidationError("--dimension '\(dimension)' is not one of \(Dimension.five.map(\.rawValue).joined(separator: ", "))")
        }
        guard minN >= 1 else { throw ValidationError("--min-n is at least 1") }
    }

    func run() throws {
        do {
            let progress = Terminal.progress()
            var r = try Terminal.reportingImportErrors {
                try OneRosterReader.read(roster) { file, rows in progress?("reading \(file)", rows, 0) }
            }
            Terminal.endProgress()
            if let assessments {
                let rows = try Terminal.reportingImportErrors { try OneRosterReader.readAssessments(assessments, for: r) }
                r.assessments = rows
            }
            var rng = SeededGenerator(seed: seed)
            let simulation: AutoEnrollmentSimulation
            do {
                simulation = try simulateAutoEnrollment(r, options: .init(
                    term: term, subject: subject, thresholds: thresholds, optOutRate: optOutRate, band: band,
                    classSize: classSize, dimension: Dimension(rawValue: dimension)!, minimumN: minN), seed: seed, using: &rng)
            } catch {
                Terminal.error("\(roster): \(error.description)")
                throw ExitCodeError.failure
            }
            print(format == .json ? Schedule.json(simulation) : simulation.text(), terminator: format == .json ? "\n" : "")
        } catch ExitCodeError.failure {
            throw ExitCode.failure
        }
    }
}
