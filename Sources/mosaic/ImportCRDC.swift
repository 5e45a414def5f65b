import ArgumentParser
import Foundation
import MosaicCore
import MosaicDemo
import MosaicDiagnostic
import MosaicImport
import MosaicStore

/// `mosaic import-crdc`: every district of the CRDC high-school file into the store, as
/// public-data districts with their state as the reference (issue 24). All or nothing.
struct ImportCRDC: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-crdc",
        abstract: "Store every US district of the CRDC high-school file as a public-data district: all of them or none.",
        discussion: """
            Each district gets one term, 2015-16 (CRDC, high schools): its high schools against the district, \
            the district against its state's high schools, AP by group, its percentile of D in its state and \
            the districts nearest to it in size and composition. Pages label them "public data: CRDC 2015-16, \
            high schools" and the home page finds them by name or state.
            Example: mosaic import-crdc --db sqlite:mosaic.sqlite
            """
    )

    @Argument(help: "The CRDC high-school file (default: the copy shipped with Mosaic).") var file: String?
    @OptionGroup var store: StoreOptions
    @Flag(help: "Replace the public-data districts already stored (in the same transaction).") var replace = false
    @Option(name: .customLong("min-n"), help: "Findings rest on at least this many students.") var minN: Int = 10
    @Option(help: "The guidebook's actions (default: the copy shipped with Mosaic).") var actions: String?

    func validate() throws {
        guard minN >= 1 else { throw ValidationError("--min-n is at least 1") }
    }

    func run() async throws {
        let clock = ContinuousClock()
        let started = clock.now
        let path = file ?? CRDCData.highSchools
        let guidebook = try Terminal.reportingImportErrors { try Guidebook.load(actions) }
        let crdc = try Terminal.reportingImportErrors { try CRDCFile.read(path) }
        let read = clock.now - started
        if !crdc.notes.isEmpty { Terminal.error("note: \(crdc.notes.count) AP count(s) above the school's count of the group, kept as published (mosaic crdc lists them)") }
        let analysis = PublicDataAnalysis(crdc.schools)
        let items = try PublicDistricts.items(analysis, guidebook: guidebook, minimumN: minN, importedAt: Date(), progress: Terminal.progress())
        Terminal.endProgress()
        let computed = clock.now - started
        try await store.withStore { store in
            do {
                try await store.importPublicDistricts(items, replace: replace)
            } catch StoreError.termExists {
                Terminal.error("\(Terminal.redacted(self.store.db)): public-data districts are already stored; add --replace to replace them")
                throw ExitCode.failure
            }
        }
        let total = clock.now - started
        print("Stored \(Format.count(items.count)) public-data districts in \(Format.count(analysis.states.count)) states "
              + "(\(Format.count(crdc.schools.count)) high schools, read as \(crdc.encoding.rawValue)) in "
              + "\(Format.fixed(total.seconds, 1)) s: read \(Format.fixed(read.seconds, 1)) s, diagnosed \(Format.fixed((computed - read).seconds, 1)) s, "
              + "stored \(Format.fixed((total - computed).seconds, 1)) s.")
    }
}
