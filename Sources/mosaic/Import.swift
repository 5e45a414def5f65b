import ArgumentParser
import Foundation
import MosaicCore
import MosaicDiagnostic
import MosaicImport
import MosaicStore

/// `mosaic import`: contract `service.md`. Reads a term's roster, computes its
/// diagnostic, and stores both in one transaction.
struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Store a term's roster and its diagnostic: all of it or nothing.",
        discussion: """
            ROSTER is a OneRoster 1.1/1.2 CSV folder or .zip with the Mosaic extension files (contract roster.md).
            Example: mosaic import fall-roster.zip --db sqlite:mosaic.sqlite --term 2026-fall
            """
    )

    @Argument(help: "The roster: a OneRoster CSV folder or .zip.") var roster: String
    @OptionGroup var store: StoreOptions
    var db: String { store.db }
    @Option(help: "The name the term is stored under, unique in the district (e.g. 2026-fall).") var term: String
    @Option(help: "The district (its org sourcedId); default: the roster's one org of type district.") var district: String?
    @Option(help: "The term's title as pages show it; default: the academic session's title.") var title: String?
    @Option(help: "The academic session (sourcedId) to diagnose; default: the latest term with classes.") var session: String?
    @Flag(help: "Replace a term already stored under this name (in the same transaction).") var replace = false
    @Flag(help: "Print how long reading, diagnosing and storing took (stderr).") var timings = false
    @Option(help: "Random assignments per school for the classroom baselines.") var baseline: Int = 200
    @Option(help: "The random seed; the same seed gives the same diagnostic.") var seed: UInt64 = 0
    @Option(name: .customLong("min-n"), help: "Findings rest on at least this many students.") var minN: Int = 10
    @Option(help: "The guidebook's actions (default: the copy shipped with Mosaic).") var actions: String?
    @OptionGroup var stateReference: StateReferenceOptions
    @Option(name: .customLong("reference-name"), help: ArgumentHelp("What mosaic_reference.csv is, as pages name it (for example \"New York State, 2024-25\").", valueName: "NAME"))
    var referenceName: String?

    func validate() throws {
        guard baseline >= 0 else { throw ValidationError("--baseline takes 0 or more random assignments") }
        guard minN >= 1 else { throw ValidationError("--min-n is at least 1") }
        guard !term.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--term needs a name") }
    }

    func run() async throws {
        let clock = ContinuousClock()
        let started = clock.now
        let progress = Terminal.progress()
        let guidebook = try Terminal.reportingImportErrors { try Guidebook.load(actions) }
        var r = try Terminal.reportingImportErrors {
            try OneRosterReader.read(roster) { file, rows in progress?("reading \(file)", rows, 0) }
        }
        Terminal.endProgress()
        let read = clock.now
        let owner = try districtOrg(of: r)
        var options = DiagnosticOptions(
            term: session, baselineDraws: baseline, seed: seed, minimumN: minN,
            parallelism: ProcessInfo.processInfo.activeProcessorCount, guidebook: guidebook, progress: progress)
        options.referenceName = referenceName
        do {
            try stateReference.apply(to: &r, district: owner, options: &options, source: roster)
        } catch ExitCodeError.failure {
            throw ExitCode.failure
        }
        let diagnostic: Diagnostic
        do {
            diagnostic = try diagnose(r, options: options)
        } catch {
            Terminal.error("\(roster): \(error.description)")
            throw ExitCode.failure
        }
        let diagnosed = clock.now
        let session = r.sessions.first { $0.id == diagnostic.termID }
        let now = Date()
        let record = TermRecord(
            district: owner.id, id: term, title: title ?? diagnostic.termTitle, schoolYear: session?.schoolYear ?? 0,
            importedAt: now, students: diagnostic.students, schools: diagnostic.schools, sections: diagnostic.classes,
            enrollments: r.enrollmentCount)
        let districtRecord = DistrictRecord(id: owner.id, name: owner.name, synthetic: owner.name.contains("Synthetic"))
        try await Terminal.reportingStoreErrors(db) {
            let store = try await openStore(db, logger: Terminal.logger)
            do {
                try await store.migrate()
                let kept = StoredDiagnostic(json: try diagnostic.archived(), computedAt: now,
                                            options: "baseline=\(baseline) seed=\(seed) min-n=\(minN) session=\(diagnostic.termID)")
                try await store.importTerm(record, district: districtRecord, roster: r, diagnostic: kept, replace: replace)
                try await store.record(AuditEvent(district: owner.id, at: now, actor: "cli", action: "import",
                                                  detail: "term \(term) from \(roster)\(replace ? " (replaced)" : "")"))
                try await store.close()
            } catch {
                try? await store.close()
                throw error
            }
        }
        let seconds = (clock.now - started).seconds
        if timings {
            Terminal.error("timings: read \(Format.fixed((read - started).seconds, 2)) s, diagnosed \(Format.fixed((diagnosed - read).seconds, 2)) s, stored \(Format.fixed((clock.now - diagnosed).seconds, 2)) s (\(Format.count(r.enrollmentCount)) enrollments)")
        }
        print("stored term '\(term)' (\(record.title)) of \(owner.name) [\(owner.id)]: \(Format.count(record.students)) students, \(Format.count(record.schools)) schools, \(Format.count(record.sections)) classes, \(Format.count(record.enrollments)) enrollments and the diagnostic (\(baseline) draws) in \(Format.fixed(seconds, 1)) s")
    }

    /// The district the roster belongs to: `--district`, or its one org of type district.
    func districtOrg(of r: Roster) throws -> Roster.Org {
        if let district {
            guard let o = r.orgs.first(where: { $0.id == district }) else {
                Terminal.error("\(roster): --district '\(district)' is not an org of the roster (orgs.csv)")
                throw ExitCode.failure
            }
            return o
        }
        let districts = r.orgs.filter { $0.type == "district" }
        guard districts.count == 1 else {
            Terminal.error("\(roster): orgs.csv has \(districts.count) orgs of type district (\(districts.map(\.id).joined(separator: ", "))); name the one to store with --district ID")
            throw ExitCode.failure
        }
        return districts[0]
    }
}
