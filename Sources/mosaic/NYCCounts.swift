import ArgumentParser
import Foundation
import MosaicCore
import MosaicImport

/// `mosaic nyc-counts`: a count table for `mosaic segregation` from the NYC DOE
/// Demographic Snapshot (school level, 2013-14 to 2017-18).
struct NYCCounts: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nyc-counts",
        abstract: "Write one school year and dimension of the NYC Demographic Snapshot as a table of counts.",
        discussion: """
            Columns: dbn, district, borough, name, then one count column per group. By default only \
            the 32 community school districts (01-32) are kept: citywide special education (75), \
            alternative schools (79) and charter schools (84) are not in a geographic district.
            Source: NYC DOE 2013-2018 Demographic Snapshot School, NYC Open Data.
            """
    )

    @Option(name: .customLong("snapshot"), help: "The Demographic Snapshot school file; default: the copy shipped with Mosaic.")
    var snapshotFile: String?
    var snapshot: String { snapshotFile ?? NYCData.snapshot }

    @Option(help: "The school year, such as 2017-18.")
    var year: String

    @Option(help: "race, economic, englishLearner, disability or gender.")
    var dimension: MosaicCore.Dimension = .race

    @Flag(help: "Keep every school, not only those in community school districts 01-32.")
    var allDistricts = false

    @Option(help: "Where to write the table (- for standard output).")
    var out: String = "-"

    func validate() throws {
        guard SchoolYear(year) != nil else { throw ValidationError("--year is a school year such as 2017-18") }
    }

    func run() throws {
        do {
            let schools = try Terminal.reportingImportErrors {
                try NYCDemographicSnapshot.schools(from: CSVTable(contentsOf: snapshot))
            }
            let schoolYear = SchoolYear(year)!
            let years = Set(schools.map(\.year))
            guard years.contains(schoolYear) else {
                Terminal.error("\(snapshot): no rows for \(year); the file has \(years.sorted().map(\.description).joined(separator: ", "))")
                throw ExitCodeError.failure
            }
            let table = NYCDemographicSnapshot.countTable(
                schools, year: schoolYear, dimension: dimension, communityDistrictsOnly: !allDistricts)
            if out == "-" {
                print(table.csv, terminator: "")
            } else {
                try Terminal.reportingImportErrors { try writeTextFile(table.csv, to: out) }
                Terminal.error("wrote \(table.rows) schools (\(year), \(dimension.rawValue)) to \(out)")
            }
            if !table.skipped.isEmpty {
                Terminal.error("left out \(table.skipped.count) schools with no students counted: \(table.skipped.map(\.description).joined(separator: ", "))")
            }
        } catch ExitCodeError.failure {
            throw ExitCode.failure
        }
    }
}

extension MosaicCore.Dimension: ExpressibleByArgument {}
