import ArgumentParser
import Foundation
import MosaicCore
import MosaicDiagnostic
import MosaicImport
import MosaicReport

/// `mosaic diagnose`: contract `diagnose.md`.
struct Diagnose: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Is each student in a diverse school and diverse classes? The diagnostic of one term of a roster.",
        discussion: """
            ROSTER is a OneRoster 1.1/1.2 CSV folder or .zip with the Mosaic extension files (contract roster.md).
            Example: mosaic generate --out demo-roster && mosaic diagnose demo-roster --format html --out report
            """
    )

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case table, json, html }

    @Argument(help: "The roster: a OneRoster CSV folder or .zip.") var roster: String
    @Option(help: "The academic session (sourcedId) to diagnose; default: the latest term with classes.") var term: String?
    @Option(help: "Random assignments per school for the classroom baselines.") var baseline: Int = 200
    @Option(help: "The random seed; the same seed gives the same output.") var seed: UInt64 = 0
    @Option(name: .customLong("min-n"), help: "Counts below this are suppressed in public output; findings rest on at least this many students.") var minN: Int = 10
    @Option(help: "table, json or html (html needs --out).") var format: OutputFormat = .table
    @Option(help: "The folder for --format html (index.html, CSV tables).") var out: String?
    @Flag(help: "JSON for the public: every count passes the suppression policy.") var `public` = false
    @Option(help: "The guidebook's actions (default: the copy shipped with Mosaic).") var actions: String?
    @Flag(help: "Print how long reading and diagnosing took, and the enrollment rows read per second, on stderr.")
    var timings = false
    @Option(name: .customLong("reference-group"), help: ArgumentHelp(
        "The students each group's missingToReference is measured against, as DIMENSION=GROUP[,GROUP…]; repeat to combine dimensions (students in all of them). Default: race=white,asian with economic=notDisadvantaged.",
        valueName: "DIMENSION=GROUPS"))
    var referenceGroup: [String] = []
    @OptionGroup var stateReference: StateReferenceOptions
    @Option(name: .customLong("reference-name"), help: ArgumentHelp("What mosaic_reference.csv is, as pages and reports name it (for example \"New York State, 2024-25\").", valueName: "NAME"))
    var referenceName: String?
    @Option(help: ArgumentHelp("An earlier roster of the same district: adds what changed since then (M across schools split into composition and sorting; each group's own change in advanced participation).", valueName: "EARLIER_ROSTER"))
    var compare: String?
    @Option(name: .customLong("compare-term"), help: "The term of --compare (default: its latest term with classes).") var compareTerm: String?
    @Option(help: "Threads for the baselines (this machine's cores by default); results do not depend on it.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard baseline >= 0 else { throw ValidationError("--baseline takes 0 or more random assignments") }
        guard minN >= 1 else { throw ValidationError("--min-n is at least 1") }
        guard threads >= 1 else { throw ValidationError("--threads takes 1 or more") }
        if format == .html && out == nil { throw ValidationError("--format html writes a folder: add --out DIR") }
        _ = try reference()
    }

    /// The `--reference-group` criteria, or Equal Opportunity Schools' benchmark.
    func reference() throws -> ReferenceGroup {
        guard !referenceGroup.isEmpty else { return .equalOpportunitySchools }
        do { return try ReferenceGroup(parsing: referenceGroup) } catch { throw ValidationError("--reference-group: \(error.description)") }
    }

    func run() throws {
        do {
            let progress = Terminal.progress()
            let guidebook = try Terminal.reportingImportErrors { try Guidebook.load(actions) }
            let clock = ContinuousClock()
            let started = clock.now
            var r = try Terminal.reportingImportErrors {
                try OneRosterReader.read(roster) { file, rows in progress?("reading \(file)", rows, 0) }
            }
            Terminal.endProgress()
            let read = clock.now
            var options = DiagnosticOptions(
                term: term, baselineDraws: baseline, seed: seed, minimumN: minN, parallelism: threads,
                guidebook: guidebook, progress: progress)
            options.referenceGroup = (try? reference()) ?? .equalOpportunitySchools
            options.referenceName = referenceName
            let districts = r.orgs.filter { $0.type == "district" }
            try stateReference.apply(to: &r, district: districts.count == 1 ? districts[0] : nil, options: &options, source: roster)
            let diagnostic: Diagnostic
            do {
                diagnostic = try diagnose(r, options: options)
            } catch {
                Terminal.error("\(roster): \(error.description)")
                throw ExitCodeError.failure
            }
            var change: (DiagnosticChange, Diagnostic)?
            if let compare {
                let earlierRoster = try Terminal.reportingImportErrors { try OneRosterReader.read(compare) { _, _ in } }
                do {
                    // Across schools and participation need no classroom baseline.
                    var options = DiagnosticOptions(term: compareTerm, baselineDraws: 0, seed: seed, minimumN: minN, parallelism: threads, guidebook: guidebook)
                    options.referenceGroup = (try? reference()) ?? .equalOpportunitySchools
                    let earlier = try diagnose(earlierRoster, options: options)
                    change = (DiagnosticChange(from: earlier, to: diagnostic), earlier)
                } catch {
                    Terminal.error("\(compare): \(error.description)")
                    throw ExitCodeError.failure
                }
            }
            if timings {
                let readSeconds = (read - started).seconds, diagnoseSeconds = (clock.now - read).seconds
                Terminal.error("timings: read \(r.students.count) students, \(r.sections.count) classes, \(r.enrollmentCount) enrollments in \(Format.fixed(readSeconds, 2)) s (\(Format.count(Int(Double(r.enrollmentCount) / readSeconds))) enrollment rows/s); diagnosed in \(Format.fixed(diagnoseSeconds, 2)) s")
            }
            switch format {
            case .table:
                print(diagnostic.text(), terminator: "")
                if let (c, _) = change { print(c.text(), terminator: "") }
            case .json:
                let policy = `public` ? SuppressionPolicy(minimumN: minN) : nil
                var json = diagnostic.json(policy: policy)
                if let (c, earlier) = change, case .object(var fields) = json {
                    fields.append(("change", c.json(earlier: earlier, later: diagnostic, policy: policy)))
                    json = .object(fields)
                }
                Terminal.output(json)
            case .html:
                let files = HTMLReport(diagnostic, policy: SuppressionPolicy(minimumN: minN), synthetic: r.orgs.contains { $0.name.contains("Synthetic") }).files()
                try writeReport(files, to: out!)
                Terminal.error("wrote \(out!)/index.html and \(files.count - 1) CSV tables")
            }
        } catch ExitCodeError.failure {
            throw ExitCode.failure
        }
    }

    /// Writes the report into a fresh folder beside the target, then moves it into place,
    /// so a failure leaves no half-written report.
    func writeReport(_ files: [(name: String, text: String)], to folder: String) throws {
        let fm = FileManager.default
        let target = URL(fileURLWithPath: folder)
        let staging = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).partial-\(ProcessInfo.processInfo.processIdentifier)")
        try? fm.removeItem(at: staging)
        try fm.createDirectory(at: staging, withIntermediateDirectories: true)
        for f in files { try Data(f.text.utf8).write(to: staging.appendingPathComponent(f.name)) }
        if fm.fileExists(atPath: target.path) { try fm.removeItem(at: target) }
        try fm.moveItem(at: staging, to: target)
    }
}
