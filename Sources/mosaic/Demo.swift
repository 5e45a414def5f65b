import ArgumentParser
import Foundation
import MosaicBoundaries
import MosaicChoice
import MosaicCore
import MosaicDemo
import MosaicDiagnostic
import MosaicImport
import MosaicMetrics
import MosaicSchedule
import MosaicServer
import MosaicStore

/// `mosaic demo`: contract `service.md`. Builds the demo store (unless it exists), then
/// serves it.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build the demo store and serve it on 127.0.0.1.",
        discussion: """
            The demo store holds a synthetic district (labelled so) over four school years: school \
            compositions drawn from the real NYC 2017-18 schools, and tracking into advanced courses and \
            sorting into classes that ease year by year, as a district acting on its findings might see.
            """)

    @Option(help: "The SQLite file of the demo store (built when it holds no district); a postgres:// URL builds it in PostgreSQL instead.")
    var db: String = "out/demo.sqlite"
    @Option(help: "The port to listen on.") var port: Int = 8080
    @Option(help: "The address to listen on.") var host: String = "127.0.0.1"
    @Option(help: "Students in the synthetic district.") var students: Int = 20_000
    @Option(help: "Schools in the synthetic district.") var schools: Int = 24
    @Option(help: "Random assignments per school for the classroom baselines.") var baseline: Int = 100
    @Flag(help: "Build the store again even if it exists.") var rebuild = false
    @Flag(help: "Build the store, then stop instead of serving it.") var buildOnly = false
    @Option(name: .customLong("snapshot"), help: "The NYC Demographic Snapshot school file the school compositions come from; default: the copy shipped with Mosaic.")
    var snapshotFile: String?
    var snapshot: String { snapshotFile ?? NYCData.snapshot }
    @Option(help: "The guidebook's actions (default: the copy shipped with Mosaic).") var actions: String?

    func validate() throws {
        guard students >= schools, schools >= 2 else { throw ValidationError("--schools is at least 2, --students at least --schools") }
    }

    func run() async throws {
        let postgres = db.hasPrefix("postgres://") || db.hasPrefix("postgresql://")
        let path = postgres ? db : URL(fileURLWithPath: db).standardizedFileURL.path
        if rebuild && !postgres {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        if !postgres {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        }
        let url = postgres ? db : "sqlite:\(path)"
        let store = try await Terminal.reportingStoreErrors(url) {
            let store = try await openStore(url, logger: Terminal.logger)
            try await store.migrate()
            return store
        }
        // (A PostgreSQL demo store is built again with --rebuild: its terms are replaced.)
        // A store built by an earlier mosaic (no NYC or public-data districts yet) is built again: every term
        // is replaced, and the example plan added only where the district has none.
        let guidebook = try Terminal.reportingImportErrors { try Guidebook.load(actions) }
        let demo = DemoStore(students: students, schools: schools, baseline: baseline, snapshot: snapshot,
                             zones: NYCData.zones, locations: NYCData.locations, guidebook: guidebook,
                             say: { Terminal.error("demo: " + $0) }, progress: Terminal.progress())
        let districts = try await store.districts()
        let publicData = try await store.publicStates()
        try await Terminal.reportingStoreErrors(url) {
            do {
                if districts.isEmpty || !districts.contains(where: { $0.id.hasPrefix("nyc-") }) || publicData.isEmpty || (rebuild && postgres) {
                    try await demo.build(into: store)
                }
                try await demo.seedBoundaries(store)
            } catch let e as ImportError {
                Terminal.error(e.description)
                throw ExitCode.failure
            }
        }
        if buildOnly {
            try await store.close()
            return
        }
        let server = MosaicServer(store: store, options: .init(host: host, port: port, minimumN: 10, guidebook: guidebook))
        Terminal.error("serving the demo store \(Terminal.redacted(path)) on http://\(host):\(port)/ (Ctrl-C stops)")
        server.jobs.start()
        try await server.application().runService()
        server.jobs.stop()
        try? await store.close()
    }
}
