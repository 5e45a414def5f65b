import ArgumentParser
import Foundation
import MosaicCore
import MosaicDiagnostic
import MosaicImport

/// The state as a roster district's first level (issue 24): `--state`, or the district
/// org's parent of type `state` in orgs.csv, measured by that state's high schools in the
/// CRDC 2015-16 file, unless the roster has its own `mosaic_reference.csv`.
struct StateReferenceOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The district's state, for its first level: that state's high schools in the CRDC 2015-16 file (default: the parent org of type state in orgs.csv). A mosaic_reference.csv in the roster is used instead when there is one.", valueName: "NAME"))
    var state: String?

    @Option(name: .customLong("crdc"), help: ArgumentHelp("The CRDC high-school file the state's figures come from (default: the copy shipped with Mosaic).", valueName: "FILE"))
    var crdc: String?

    /// Sets the roster's reference to the state's and names it in `options`, where the
    /// roster has no reference of its own; says on stderr which reference the first level uses.
    func apply(to r: inout Roster, district: Roster.Org?, options: inout DiagnosticOptions, source: String) throws {
        let named = state ?? district.flatMap { r.state(of: $0) }
        if r.reference != nil {
            if let named { Terminal.error("note: the first level uses the roster's mosaic_reference.csv, not \(named)'s high schools") }
            return
        }
        guard let named else { return }
        let file = crdc ?? CRDCData.highSchools
        let analysis = PublicDataAnalysis(try Terminal.reportingImportErrors { try CRDCFile.read(file) }.schools)
        do {
            let (reference, name) = try analysis.stateReference(named)
            r.reference = reference
            if options.referenceName == nil { options.referenceName = name }
            Terminal.error("note: the first level is the district against \(name)")
        } catch {
            Terminal.error("\(source): \(error.description)")
            throw ExitCodeError.failure
        }
    }
}
