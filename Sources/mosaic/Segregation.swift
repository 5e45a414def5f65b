import ArgumentParser
import Foundation
import MosaicImport
import MosaicMetrics
import MosaicReport

/// `mosaic segregation`: contract `segregation.md`.
struct Segregation: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Segregation and diversity indices from a table of counts (one row per unit, one column per group).",
        discussion: """
            Example (NYC schools within community school districts, 2017-18):
              mosaic nyc-counts --year 2017-18 --dimension race --out nyc-race.csv
              mosaic segregation nyc-race.csv --unit dbn --within district --baseline 1000 --seed 1
            """
    )

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case table, json }

    @Argument(help: "The counts: a header row, one row per unit, one non-negative integer column per group.")
    var file: String

    @Option(help: "The column that names each unit.")
    var unit: String

    @Option(help: "The column naming each unit's outer unit (classrooms within schools): adds the between/within split and makes the baseline permute within outer units.")
    var within: String?

    @Option(help: "The group columns in order, comma-separated (default: every all-integer column except --unit, --within and total).")
    var groups: String?

    @Option(help: "A one-row table of counts for the same groups to compare each unit with (default: the whole file).")
    var reference: String?

    @Option(help: "Random assignments keeping every unit's size and every group's total (within each outer unit with --within).")
    var baseline: Int = 0

    @Option(help: "Multinomial bootstrap resamples.")
    var bootstrap: Int = 0

    @Option(help: "The random seed; the same seed gives the same output.")
    var seed: UInt64 = 0

    @Option(help: "table or json.")
    var format: OutputFormat = .table

    @Option(help: "Units listed in the table, most locally segregated first (0 = all). JSON always lists all.")
    var units: Int = 20

    @Option(help: "Threads for the baseline and bootstrap (this machine's cores by default); results do not depend on it.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard baseline >= 0 else { throw ValidationError("--baseline takes a number of random assignments, 0 or more") }
        guard bootstrap == 0 || bootstrap >= 2 else { throw ValidationError("--bootstrap needs at least 2 resamples to estimate a standard error") }
        guard units >= 0 else { throw ValidationError("--units takes 0 (all) or a positive number") }
        guard threads >= 1 else { throw ValidationError("--threads takes 1 or more") }
        if let groups, groups.split(separator: ",").count < 2 {
            throw ValidationError("--groups lists at least two group columns, comma-separated: --groups asian,black")
        }
    }

    func run() throws {
        do {
            let table = try Terminal.reportingImportErrors {
                try CountTable(
                    csv: CSVTable(contentsOf: file),
                    columns: .init(unit: unit, within: within,
                                   groups: groups.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }))
            }
            let referenceCounts = try reference.map { path in
                try Terminal.reportingImportErrors {
                    try ReferenceCounts(csv: CSVTable(contentsOf: path), groups: table.matrix.groups).counts
                }
            }
            let options = ProfileOptions(
                outerLabels: table.outerLabels, referenceCounts: referenceCounts, baselineDraws: baseline,
                bootstrapDraws: bootstrap, seed: seed, parallelism: threads, progress: Terminal.progress())
            let profile: SegregationProfile
            do {
                profile = try segregationProfile(of: table.matrix, options: options)
            } catch {
                Terminal.error("\(file): \(error.description)")
                throw ExitCodeError.failure
            }
            switch format {
            case .json: Terminal.output(profile.json(seed: seed))
            case .table:
                print(profile.text(.init(source: file, unitColumn: unit, withinColumn: within, unitLimit: units, seed: seed)), terminator: "")
            }
        } catch ExitCodeError.failure {
            throw ExitCode.failure
        }
    }
}
