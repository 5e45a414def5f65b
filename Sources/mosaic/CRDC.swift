import ArgumentParser
import Foundation
import MosaicCore
import MosaicDiagnostic
import MosaicImport
import MosaicReport

/// `mosaic crdc`: contract `crdc.md`. Any US district's Key Question from the federal
/// Civil Rights Data Collection's high-school file.
struct CRDC: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crdc",
        abstract: "Any US district from public data: its high schools, its state, who takes AP and who has none (CRDC 2015-16).",
        discussion: """
            FILE is the CRDC high-school file (../shared/data/crdc/: one total row per school, one ap row per \
            school with AP, seven race columns; Latin-1 or UTF-8, found from the bytes). Every district's high \
            schools against the district (D), the district against its state (the state's high schools summed), \
            AP representation and access by group, and the district's place among its state's districts.
            Examples:
              mosaic crdc crdc.csv --state GEORGIA --district "Cobb County"
              mosaic crdc crdc.csv --format json --min-students 1000 > districts.json
            """
    )

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case table, json, csv }

    @Argument(help: "The CRDC high-school file (CSV).")
    var file: String

    @Option(help: "Only this state (as the file writes it, any case): GEORGIA.")
    var state: String?

    @Option(help: "Only this district (as the file writes it, any case), within --state when given.")
    var district: String?

    @Option(help: "table, json or csv.")
    var format: OutputFormat = .table

    @Option(name: .customLong("min-students"), help: "Leave out districts with fewer high-school students.")
    var minStudents: Int = 0

    @Option(help: "Districts listed in the table, largest first (0 = all). JSON and CSV list every district.")
    var limit: Int = 25

    func validate() throws {
        guard minStudents >= 0 else { throw ValidationError("--min-students takes 0 or more students") }
        guard limit >= 0 else { throw ValidationError("--limit takes 0 (all) or a positive number") }
    }

    func run() throws {
        do {
            let crdc = try Terminal.reportingImportErrors { try CRDCFile.read(file) }
            for note in crdc.notes.prefix(3) { Terminal.error("note: \(note.description)") }
            if crdc.notes.count > 3 { Terminal.error("note: … and \(crdc.notes.count - 3) more such cells, kept as published") }
            let analysis = PublicDataAnalysis(crdc.schools)
            let selection = try PublicDataSelection(analysis, state: state, district: district, minimumStudents: minStudents)
            let output = PublicDataOutput(
                source: "CRDC 2015-16 high schools (\((file as NSString).lastPathComponent)): students and AP students by race",
                encoding: crdc.encoding.rawValue, states: selection.states, districts: selection.districts,
                fit: APRepresentationFit(selection.districts))
            switch format {
            case .json: Terminal.output(output.json)
            case .csv: print(output.csv, terminator: "")
            case .table: print(output.text(limit: limit), terminator: "")
            }
        } catch let error as PublicDataSelection.Unknown {
            Terminal.error("\(file): \(error.description)")
            throw ExitCode.failure
        } catch ExitCodeError.failure {
            throw ExitCode.failure
        }
    }
}
