import Foundation
import Hummingbird
import MosaicCore
import MosaicDiagnostic
import MosaicImport
import MosaicMetrics
import MosaicReport
import MosaicStore
import Synchronization

/// A term imported from the browser (`/districts/:district/import`), for the district's
/// staff: the roster zip is streamed to a temporary file (at most `limit` bytes, never
/// held in memory), then a background job reads and checks it whole, diagnoses it and
/// stores the term with its diagnostic in one transaction — or stores nothing and lists
/// every problem as `file:line: what`. The job's page shows its progress.
struct ImportPages: Sendable {
    let server: MosaicServer
    /// The largest roster zip taken (a district of a million students is about 60 MB).
    static let limit = 1 << 30

    func add(to router: Router<MosaicRequestContext>) {
        router.get("districts/:district/import") { request, context in try await self.form(request, context) }
        router.post("districts/:district/import") { request, context in try await self.upload(request, context) }
        router.get("districts/:district/import/jobs/:job") { request, context in try await self.job(request, context) }
    }

    struct Staff {
        var visitor: Pages.Visitor
        var csrf: String
        var site: Dashboard.Site
        func page() -> ImportPage { ImportPage(site: site, viewer: visitor.label, account: visitor.account, csrf: csrf) }
    }

    func staff(_ context: MosaicRequestContext) async throws -> Found<Staff> {
        let pages = Pages(server: server)
        let visitor = pages.visitor(context)
        let district = try context.parameters.require("district")
        guard visitor.viewer.seesDistrictUnsuppressed(district), let session = context.identity.signedIn.session else {
            return .response(Pages.refused("District staff only", "Only the district's own staff, signed in, import its terms.", account: visitor.account))
        }
        guard let site = try await pages.site(district) else { return .response(Pages.notFound("There is no district “\(district)” in this store.")) }
        return .found(Staff(visitor: visitor, csrf: session.csrf, site: site))
    }

    func form(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        switch try await staff(context) {
        case .response(let r): return r
        case .found(let s): return SchedulePages.private(s.page().form())
        }
    }

    /// Why a roster was refused: every problem, one per line.
    struct Refusal: Error, CustomStringConvertible {
        let problems: [String]
        var description: String { problems.joined(separator: "\n") }
    }

    func upload(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        let s: Staff
        switch try await staff(context) { case .response(let r): return r; case .found(let x): s = x }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mosaic-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let zip = folder.appendingPathComponent("roster.zip")
        let fields: [String: String]
        do {
            fields = try await MultipartForm.receive(request, file: "file", to: zip, limit: Self.limit).fields
        } catch let refusal as MultipartForm.Refusal {
            try? FileManager.default.removeItem(at: folder)
            return SchedulePages.private(s.page().form(problems: [refusal.message]), status: .badRequest)
        }
        guard fields["csrf"] == s.csrf else {
            try? FileManager.default.removeItem(at: folder)
            return Pages.refused("Refused", "The form had expired. Go back, reload the page and send it again.", account: s.visitor.account)
        }
        let term = (fields["term"] ?? "").trimmingCharacters(in: .whitespaces), title = (fields["title"] ?? "").trimmingCharacters(in: .whitespaces)
        let replace = fields["replace"] == "yes"
        var problems: [String] = []
        if term.isEmpty || term.count > 60 || term.contains(where: { !($0.isLetter || $0.isNumber || "._-".contains($0)) }) {
            problems.append("term: a name of letters, digits, “.”, “_” and “-” (such as 2026-fall)")
        } else if s.site.terms.contains(where: { $0.id == term }) && !replace {
            problems.append("term: “\(term)” is stored already; tick “Replace” to replace it")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: zip.path)[.size] as? Int) ?? 0
        if size == 0 { problems.append("file: choose the roster zip first") }
        guard problems.isEmpty else {
            try? FileManager.default.removeItem(at: folder)
            return SchedulePages.private(s.page().form(problems: problems, term: term, title: title), status: .badRequest)
        }
        let district = s.site.district, actor = s.visitor.viewer.email ?? "", store = server.store, options = server.options
        let job: StoredJob
        do {
            job = try await server.jobs.submit(district: district, owner: Self.owner(district), kind: Self.kind(server.jobs.name), name: "Importing term \(term)",
                                               parameters: ImportJob(folder: folder.path, term: term, title: title.isEmpty ? nil : title, replace: replace,
                                                                     actor: actor), total: 1000)
        } catch let full as JobQueueFull {
            try? FileManager.default.removeItem(at: folder)
            return SchedulePages.private(s.page().form(problems: ["the service is busy (\(full.description)); try again in a minute"], term: term, title: title),
                                         status: .serviceUnavailable)
        }
        try await store.record(AuditEvent(district: district, at: Date(), actor: actor, action: "import-start", detail: "term \(term): job \(job.id), \(size) bytes"))
        return Response(status: .seeOther, headers: [.location: "/districts/\(urlEscape(district))/import/jobs/\(job.id)"])
    }

    static func owner(_ district: String) -> String { "import \(district)" }

    /// The kind of an import in the jobs table: the upload is kept on the server that
    /// received it, so only that server runs it (after a restart too, while its folder
    /// is there).
    static func kind(_ server: String) -> String { "import@\(server)" }

    /// What an import's job carries: where the upload is on this server, and the form.
    struct ImportJob: Codable {
        var folder: String
        var term: String
        var title: String?
        var replace: Bool
        var actor: String
    }

    static func handler(store: any Store, options: MosaicServer.Options) -> JobRunner.Handler {
        { context in
            let p = try context.parameters(ImportJob.self)
            let zip = URL(fileURLWithPath: p.folder).appendingPathComponent("roster.zip").path
            guard FileManager.default.fileExists(atPath: zip) else {
                throw Refusal(problems: ["roster.zip: the upload is no longer on the server that received it (it was restarted and its temporary files removed); send the file again"])
            }
            do {
                let path = try await importTerm(zip, district: context.job.district, term: p.term, title: p.title, replace: p.replace, actor: p.actor,
                                                store: store, options: options, progress: context.progress, holding: context.holding)
                try? FileManager.default.removeItem(atPath: p.folder)
                return path
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                // Refused: the job fails for good, and the upload goes.
                try? FileManager.default.removeItem(atPath: p.folder)
                throw error
            }
        }
    }

    /// Reads, checks, diagnoses and stores a roster: progress 0–300 reading, 300–950
    /// diagnosing, 950–1000 storing. Throws `Refusal` with every problem; stores nothing then.
    static func importTerm(_ path: String, district: String, term: String, title: String?, replace: Bool, actor: String,
                           store: any Store, options: MosaicServer.Options, progress: @escaping @Sendable (Int, Int) -> Void,
                           holding: @Sendable () async -> Bool = { true }) async throws -> String {
        progress(0, 1000)
        let roster: Roster
        switch Self.read(path, progress: progress) {
        case .success(let r): roster = r
        case .failure(let e): throw Refusal(problems: e.problems.map { $0.description.replacingOccurrences(of: path, with: "roster.zip") })
        }
        guard let owner = roster.orgs.first(where: { $0.type == "district" && $0.id == district }) else {
            let found = roster.orgs.filter { $0.type == "district" }.map(\.id)
            throw Refusal(problems: ["orgs.csv: no org of type district with sourcedId “\(district)” (this roster's: \(found.isEmpty ? "none" : found.joined(separator: ", ")))"])
        }
        var diagnosticOptions = DiagnosticOptions(minimumN: options.minimumN, parallelism: max(1, ProcessInfo.processInfo.activeProcessorCount - 1),
                                                  guidebook: options.guidebook, progress: { _, done, of in
                                                      progress(300 + Int(650 * Double(done) / Double(max(of, 1))), 1000)
                                                  })
        diagnosticOptions.referenceName = nil
        let diagnostic: Diagnostic
        do { diagnostic = try diagnose(roster, options: diagnosticOptions) } catch {
            throw Refusal(problems: ["roster.zip: \(error.description)"])
        }
        progress(950, 1000)
        guard await holding() else { throw CancellationError() }
        let session = roster.sessions.first { $0.id == diagnostic.termID }
        let now = Date()
        let record = TermRecord(district: district, id: term, title: title ?? diagnostic.termTitle, schoolYear: session?.schoolYear ?? 0,
                                importedAt: now, students: diagnostic.students, schools: diagnostic.schools, sections: diagnostic.classes,
                                enrollments: roster.enrollmentCount)
        do {
            try await store.importTerm(record, district: DistrictRecord(id: owner.id, name: owner.name, synthetic: owner.name.contains("Synthetic")),
                                       roster: roster,
                                       diagnostic: StoredDiagnostic(json: try diagnostic.archived(), computedAt: now,
                                                                    options: "baseline=\(diagnosticOptions.baselineDraws) seed=\(diagnosticOptions.seed) min-n=\(options.minimumN) session=\(diagnostic.termID)"),
                                       replace: replace)
        } catch let e as StoreError {
            throw Refusal(problems: ["term “\(term)”: \(e.description)"])
        }
        try await store.record(AuditEvent(district: district, at: now, actor: actor, action: "import",
                                          detail: "term \(term) from the browser\(replace ? " (replaced)" : ""): \(diagnostic.students) students"))
        return "/districts/\(urlEscape(district))/terms/\(urlEscape(term))"
    }

    /// The roster at `path`, read and checked whole, with a progress bar that moves with
    /// the rows read (never past 300 of 1000: reading is the first step).
    static func read(_ path: String, progress: @escaping @Sendable (Int, Int) -> Void) -> Result<Roster, ImportError> {
        let rows = Mutex([String: Int]())
        do {
            return .success(try OneRosterReader.read(path) { file, n in
                let seen = rows.withLock { $0[file] = n; return $0.values.reduce(0, +) }
                progress(min(299, Int(300 * Double(seen) / Double(seen + 1_000_000))), 1000)
            })
        } catch {
            return .failure(error)
        }
    }

    func job(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        let s: Staff
        switch try await staff(context) { case .response(let r): return r; case .found(let x): s = x }
        let id = try context.parameters.require("job")
        guard let (job, ahead) = try await server.jobs.job(id, district: s.site.district, owner: Self.owner(s.site.district)) else {
            return Pages.notFound("No import “\(id)” here (imports are kept for a week after they end).")
        }
        let step = job.done < 300 ? "Reading and checking the roster" : job.done < 950 ? "Computing the diagnostic" : "Storing the term"
        switch job.state {
        case .finished: return Response(status: .seeOther, headers: [.location: job.result ?? "/districts/\(urlEscape(s.site.district))"])
        case .failed:
            return SchedulePages.private(s.page().job(name: job.name, step: step, done: job.done, total: job.total, ahead: nil,
                                                      problems: (job.error ?? "it stopped").split(separator: "\n").map(String.init)))
        case .queued:
            return SchedulePages.private(s.page().job(name: job.name, step: step, done: job.done, total: job.total, ahead: ahead, problems: nil))
        case .running:
            return SchedulePages.private(s.page().job(name: job.name, step: step, done: job.done, total: job.total, ahead: nil, problems: nil))
        }
    }
}
