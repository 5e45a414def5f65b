import Dispatch
import Foundation
import Hummingbird
import MosaicBoundaries
import MosaicCore
import MosaicMetrics
import MosaicReport
import MosaicStore
import Synchronization

/// The attendance-boundary pages (issue 8): the district's boundary instances, a form to
/// run redraws and pairings with the limits the analyst sets, runs shown with their
/// progress, scenarios side by side, each with its maps and the assignment as CSV.
/// Unit-level counts are internal: only the district's staff, signed in, open these
/// pages, and every run and view is audited.
struct BoundaryPages: Sendable {
    let server: MosaicServer


    func add(to router: Router<MosaicRequestContext>) {
        let base = "districts/:district/boundaries"
        router.get(RouterPath(base)) { request, context in try await self.index(request, context) }
        router.get(RouterPath(base + "/:instance")) { request, context in try await self.instance(request, context) }
        router.post(RouterPath(base + "/:instance/scenarios")) { request, context in try await self.run(request, context) }
        router.get(RouterPath(base + "/:instance/jobs/:job")) { request, context in try await self.job(request, context) }
        router.get(RouterPath(base + "/:instance/scenarios/:scenario")) { request, context in try await self.scenario(request, context) }
        router.get(RouterPath(base + "/:instance/scenarios/:scenario/assignment.csv")) { request, context in try await self.csv(request, context) }
    }

    // MARK: Finding things

    struct Place {
        var district: String
        var visitor: Pages.Visitor
        var csrf: String?
    }

    func place(_ request: Request, _ context: MosaicRequestContext) async throws -> Found<Place> {
        let pages = Pages(server: server)
        let visitor = pages.visitor(context)
        let district = try context.parameters.require("district")
        guard visitor.viewer.seesDistrictUnsuppressed(district) else {
            return .response(Pages.refused("District staff only",
                                           "Boundary scenarios hold student counts block by block: only the district's staff, signed in, may open them.",
                                           account: visitor.account))
        }
        guard try await pages.site(district) != nil else { return .response(Pages.notFound("No district “\(district)”.")) }
        let csrf = context.identity.signedIn.session?.csrf
        return .found(Place(district: district, visitor: visitor, csrf: csrf))
    }

    struct Loaded {
        var record: BoundaryInstanceRecord
        var instance: BoundaryInstance
    }

    func loaded(_ p: Place, _ context: MosaicRequestContext) async throws -> Found<Loaded> {
        let id = try context.parameters.require("instance")
        guard let record = try await server.store.boundaryInstances(district: p.district).first(where: { $0.id == id }) else {
            return .response(Pages.notFound("District “\(p.district)” has no boundary instance “\(id)”."))
        }
        guard let instance = try? JSONDecoder().decode(BoundaryInstance.self, from: Data(record.json.utf8)) else {
            return .response(Pages.notFound("Boundary instance “\(record.name)” cannot be read as contract boundaries.md."))
        }
        return .found(Loaded(record: record, instance: instance))
    }

    static func summary(_ l: Loaded) -> BoundariesPage.Instance {
        let d = BoundaryScenario.dimensions(l.instance).first ?? "students"
        let students = l.instance.units.reduce(0) { $0 + ($1.students.counts(d) ?? [:]).values.reduce(0, +) }
        return .init(id: l.record.id, name: l.record.name, units: l.instance.units.count, schools: l.instance.schools.count, students: students,
                     dimensions: BoundaryScenario.dimensions(l.instance), addedAt: OpenHonorsPages.day(l.record.addedAt), addedBy: l.record.addedBy)
    }

    func page(_ p: Place, message: String? = nil) -> BoundariesPage {
        BoundariesPage(district: p.district, viewer: p.visitor.label, account: p.visitor.account, csrf: p.csrf, message: message)
    }

    static func staffOnly(_ html: HTML, status: HTTPResponse.Status = .ok) -> Response {
        var response = Pages.html(html, status: status)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    // MARK: Pages

    func index(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        let p: Place
        switch try await place(request, context) { case .response(let r): return r; case .found(let x): p = x }
        let records = try await server.store.boundaryInstances(district: p.district)
        let list = records.compactMap { r in
            (try? JSONDecoder().decode(BoundaryInstance.self, from: Data(r.json.utf8))).map { Self.summary(Loaded(record: r, instance: $0)) }
        }
        return Self.staffOnly(page(p).index(list))
    }

    func instance(_ request: Request, _ context: MosaicRequestContext, message: String? = nil, form: [String: String] = [:],
                  status: HTTPResponse.Status = .ok) async throws -> Response {
        let p: Place, l: Loaded
        switch try await place(request, context) { case .response(let r): return r; case .found(let x): p = x }
        switch try await loaded(p, context) { case .response(let r): return r; case .found(let x): l = x }
        let today: HTML
        do {
            let problem = try BoundaryProblem(l.instance, dimension: BoundaryScenario.dimensions(l.instance)[0], limits: .init())
            today = BoundaryMap(problem).svgToday(title: "Today's zones: \(problem.schoolCount) schools, \(problem.unitCount) units",
                                                  description: "Each unit coloured by its school today; dots mark the schools.")
        } catch {
            return Pages.notFound("Boundary instance “\(l.record.name)” cannot be run: \(error.description)")
        }
        let scenarios = try await server.store.boundaryScenarios(district: p.district, instance: l.record.id).compactMap(Self.row)
        let jobs = try await server.jobs.unfinished(district: p.district, owner: Self.owner(p.district, l.record.id)).map(Self.shown)
        try await server.store.record(AuditEvent(district: p.district, at: Date(), actor: p.visitor.viewer.email ?? "", action: "view-boundaries",
                                                 detail: "instance \(l.record.id)"))
        return Self.staffOnly(page(p, message: message).instance(Self.summary(l), map: today, jobs: jobs, scenarios: scenarios,
                                                                 dimensionChoices: BoundaryScenario.dimensionChoices(l.instance), form: form), status: status)
    }

    /// A stored scenario's figures, from its result JSON.
    static func row(_ r: BoundaryScenarioRecord) -> BoundariesPage.Scenario? {
        guard let doc = try? JSONSerialization.jsonObject(with: Data(r.result.utf8)) as? [String: Any],
              let settings = try? JSONDecoder().decode(BoundaryScenario.self, from: Data(r.settings.utf8)),
              let before = doc["before"] as? [String: Double], let after = doc["after"] as? [String: Double],
              let travel = doc["travel"] as? [String: Any] else { return nil }
        let transport = doc["transport"] as? [String: Any]
        let students = (doc["schools"] as? [[String: Any]])?.reduce(0) { $0 + (($1["studentsBefore"] as? Int) ?? 0) } ?? 0
        let figures = BoundariesPage.Figures(
            dimension: settings.dimension, objective: settings.objective, before: (before["D"] ?? 0, before["H"] ?? 0), after: (after["D"] ?? 0, after["H"] ?? 0),
            studentsMoved: doc["studentsMoved"] as? Int ?? 0, unitsMoved: doc["unitsMoved"] as? Int ?? 0, students: students,
            travelBefore: travel["meanBefore"] as? Double ?? 0, travelAfter: travel["meanAfter"] as? Double ?? 0,
            newlyBeyond: transport?["newlyBeyond"] as? Int, beyond: transport?["beyond"] as? Double, feasible: doc["feasible"] as? Bool ?? false)
        return .init(id: r.id, name: r.name, kind: r.kind, settings: settings.summary, runAt: OpenHonorsPages.day(r.runAt), runBy: r.runBy, figures: figures)
    }

    // MARK: Running

    struct RunForm: Decodable, CSRFCarrying {
        var csrf: String? = nil
        var name: String? = nil
        var kind: String? = nil
        var dimension: String? = nil
        var objective: String? = nil
        var travel: String? = nil
        var growth: String? = nil
        var shrink: String? = nil
        var contiguity: String? = nil
        var seed: String? = nil
        var beyond: String? = nil
        var drive: String? = nil
        var groupSize: String? = nil
        var grades: String? = nil

        /// What the form asks for, as the library's scenario request.
        var request: BoundaryScenario.Request {
            .init(kind: kind, dimension: dimension, objective: objective, travel: travel, growth: growth, shrink: shrink, contiguity: contiguity,
                  seed: seed, beyond: beyond, drive: drive, groupSize: groupSize, grades: grades)
        }

        var fields: [String: String] {
            var f: [String: String] = [:]
            for (k, v) in [("name", name), ("kind", kind), ("dimension", dimension), ("objective", objective), ("travel", travel), ("growth", growth),
                           ("shrink", shrink), ("contiguity", contiguity), ("seed", seed), ("beyond", beyond), ("drive", drive),
                           ("groupSize", groupSize), ("grades", grades)] {
                if let v { f[k] = v }
            }
            return f
        }
    }

    func run(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        let (viewer, session) = context.identity.signedIn
        let district = try context.parameters.require("district")
        guard let session, viewer.seesDistrictUnsuppressed(district) else {
            return Pages.refused("Refused", "Only the district's staff, signed in, may run boundary scenarios.")
        }
        guard let form = try await SignIn.decode(RunForm.self, request, limit: 65_536), form.csrf == session.csrf else {
            return Pages.refused("Refused", "The form had expired. Go back, reload the page and send it again.")
        }
        let p: Place, l: Loaded
        switch try await place(request, context) { case .response(let r): return r; case .found(let x): p = x }
        switch try await loaded(p, context) { case .response(let r): return r; case .found(let x): l = x }
        let name = (form.name ?? "").trimmingCharacters(in: .whitespaces)
        let (settings, found) = BoundaryScenario.settings(form.request, instance: l.instance)
        var problems = found
        if name.isEmpty || name.count > 80 { problems.insert("the scenario needs a name of 1 to 80 characters", at: 0) }
        var problem: BoundaryProblem?
        if let s = settings, problems.isEmpty {
            do { problem = try BoundaryProblem(l.instance, dimension: s.dimension, limits: s.limits) } catch { problems += error.problems }
        }
        guard problems.isEmpty, let settings, let problem else {
            return try await instance(request, context, message: "Not run: " + problems.joined(separator: "; ") + ".", form: form.fields, status: .badRequest)
        }
        let actor = viewer.email ?? ""
        let total = settings.kind == "redraw" ? settings.restarts * settings.sweeps * problem.unitCount : 1
        let record = l.record
        let job: StoredJob
        do {
            job = try await server.jobs.submit(district: p.district, owner: Self.owner(p.district, record.id), kind: Self.kind, name: name,
                                               parameters: ScenarioJob(instance: record.id, name: name, settings: settings, actor: actor), total: total)
        } catch let full as JobQueueFull {
            return try await instance(request, context, message: "Not run: \(full.description)", form: form.fields, status: .serviceUnavailable)
        }
        try await server.store.record(AuditEvent(district: p.district, at: Date(), actor: actor, action: "boundary-scenario",
                                                 detail: "instance \(record.id), job \(job.id): \(name) (\(settings.summary))"))
        return Response(status: .seeOther, headers: [.location: "/districts/\(p.district)/boundaries/\(record.id)/jobs/\(job.id)"])
    }

    /// The kind of a boundary run in the jobs table.
    static let kind = "boundaries"

    /// What a boundary run's job carries: any server can run it from the store.
    struct ScenarioJob: Codable {
        var instance: String
        var name: String
        var settings: BoundaryScenario
        var actor: String
    }

    /// Runs a scenario on the instance as stored and keeps it under the instance's next
    /// number; returns the scenario's id.
    static func handler(store: any Store) -> JobRunner.Handler {
        { context in
            let p = try context.parameters(ScenarioJob.self)
            let district = context.job.district
            guard let record = try await store.boundaryInstances(district: district).first(where: { $0.id == p.instance }),
                  let instance = try? JSONDecoder().decode(BoundaryInstance.self, from: Data(record.json.utf8)) else {
                throw JobRunner.HandlerError("District “\(district)” no longer has boundary instance “\(p.instance)”.")
            }
            let problem = try BoundaryProblem(instance, dimension: p.settings.dimension, limits: p.settings.limits)
            let total = context.job.total
            let result = try await p.settings.run(problem) { done in context.progress(done, total) }
            guard await context.holding() else { throw CancellationError() }
            let settingsJSON = String(decoding: try JSONEncoder().encode(p.settings), as: UTF8.self)
            return try await store.addBoundaryScenario(BoundaryScenarioRecord(
                district: district, instance: record.id, name: p.name, kind: p.settings.kind, settings: settingsJSON,
                result: result, runAt: Date(), runBy: p.actor)).id
        }
    }

    /// The owner of an instance's runs in the job queue.
    static func owner(_ district: String, _ instance: String) -> String { "boundaries \(district) \(instance)" }

    /// A queued, running or failed run as the instance's page lists it.
    static func shown(_ job: StoredJob, ahead: Int) -> BoundariesPage.Job {
        switch job.state {
        case .queued: .init(id: job.id, name: job.name, done: 0, total: job.total, failure: nil, ahead: ahead)
        case .failed: .init(id: job.id, name: job.name, done: job.done, total: job.total, failure: job.error ?? "it stopped")
        case .running, .finished: .init(id: job.id, name: job.name, done: job.done, total: job.total, failure: nil)
        }
    }

    func job(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        let p: Place, l: Loaded
        switch try await place(request, context) { case .response(let r): return r; case .found(let x): p = x }
        switch try await loaded(p, context) { case .response(let r): return r; case .found(let x): l = x }
        let id = try context.parameters.require("job")
        guard let (job, ahead) = try await server.jobs.job(id, district: p.district, owner: Self.owner(p.district, l.record.id)) else {
            return Pages.notFound("No run “\(id)” here (runs are kept for a week after they end).")
        }
        if job.state == .finished, let scenario = job.result {
            return Response(status: .seeOther, headers: [.location: "/districts/\(p.district)/boundaries/\(l.record.id)/scenarios/\(scenario)"])
        }
        return Self.staffOnly(page(p).job(instance: Self.summary(l), Self.shown(job, ahead: ahead)))
    }

    // MARK: A scenario

    struct Shown {
        var record: BoundaryScenarioRecord
        var settings: BoundaryScenario
        var problem: BoundaryProblem
        var result: [String: Any]
    }

    func shown(_ p: Place, _ l: Loaded, _ context: MosaicRequestContext) async throws -> Found<Shown> {
        let id = try context.parameters.require("scenario")
        guard let record = try await server.store.boundaryScenarios(district: p.district, instance: l.record.id).first(where: { $0.id == id }),
              let settings = try? JSONDecoder().decode(BoundaryScenario.self, from: Data(record.settings.utf8)),
              let result = try? JSONSerialization.jsonObject(with: Data(record.result.utf8)) as? [String: Any],
              let problem = try? BoundaryProblem(l.instance, dimension: settings.dimension, limits: settings.limits) else {
            return .response(Pages.notFound("Boundary instance “\(l.record.name)” has no scenario “\(id)”."))
        }
        return .found(Shown(record: record, settings: settings, problem: problem, result: result))
    }

    /// The zoning a scenario leads to: the stored assignment, or each paired zone's first school.
    static func zones(_ s: Shown) -> (zones: [Int32], groups: [Pairing.Group]) {
        let p = s.problem
        let schoolIndex = Dictionary(uniqueKeysWithValues: p.schoolIDs.enumerated().map { ($1, Int32($0)) })
        if s.settings.kind == "pair" {
            let groups = (s.result["groups"] as? [[String: Any]] ?? []).compactMap { g -> Pairing.Group? in
                guard let ids = g["schools"] as? [String], let spans = g["spans"] as? [Int], let grades = g["grades"] as? [String: String] else { return nil }
                let schools = ids.compactMap { schoolIndex[$0].map(Int.init) }
                guard schools.count == ids.count else { return nil }
                return Pairing.Group(schools: schools, spans: spans, labels: ids.map { grades[$0] ?? "" },
                                     distance: g["distance"] as? Double ?? 0, gain: g["gain"] as? Double ?? 0)
            }
            return (Pairing.zones(of: groups, in: p), groups)
        }
        let assignment = s.result["assignment"] as? [String: String] ?? [:]
        return ((0..<p.unitCount).map { assignment[p.unitIDs[$0]].flatMap { schoolIndex[$0] } ?? p.original[$0] }, [])
    }

    func scenario(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        let p: Place, l: Loaded, s: Shown
        switch try await place(request, context) { case .response(let r): return r; case .found(let x): p = x }
        switch try await loaded(p, context) { case .response(let r): return r; case .found(let x): l = x }
        switch try await shown(p, l, context) { case .response(let r): return r; case .found(let x): s = x }
        guard let row = Self.row(s.record) else { return Pages.notFound("Scenario “\(s.record.name)” cannot be read.") }
        let problem = s.problem
        let (zones, groups) = Self.zones(s)
        let figures: any ScenarioFigures
        var schools: [[String]] = [], header: [String]
        let map: HTML
        let title = "\(s.record.name): zones today and after", desc = "\(problem.dimension) dissimilarity \(Format.fixed(row.figures.before.D, 3)) today, \(Format.fixed(row.figures.after.D, 3)) after."
        var proposed: [String] = []
        if s.settings.kind == "pair" {
            let pairing = s.settings.pairing(problem)
            let plan = PairingPlan(pairing, groups: groups, proven: s.result["proven"] as? Bool ?? true, transportBeyond: s.settings.transportBeyond)
            figures = plan
            header = ["school", "today", "after", "limit", "grades", "gap today", "after"]
            schools = plan.schools.map { [$0.id, Format.count($0.studentsBefore), Format.count($0.studentsAfter), Format.count($0.limit), $0.grades ?? "unchanged",
                                          Format.fixed($0.distanceBefore, 3), Format.fixed($0.distanceAfter, 3)] }
            proposed = groups.map { g in zip(g.schools, g.labels).map { "\(problem.schoolIDs[$0]) (\($1))" }.joined(separator: " + ") + ", \(g.schools.count > 2 ? "at most " : "")\(Format.fixed(g.distance, 2)) apart" }
            map = BoundaryMap(problem).svg(paired: plan, title: title, description: desc)
        } else {
            let plan = BoundaryPlan(problem, assignment: zones, transportBeyond: s.settings.transportBeyond)
            figures = plan
            header = ["school", "today", "after", "limit", "units +/−", "gap today", "after"]
            schools = plan.schools.map { [$0.id, Format.count($0.studentsBefore), Format.count($0.studentsAfter), Format.count($0.limit),
                                          "+\($0.unitsGained)/−\($0.unitsLost)", Format.fixed($0.distanceBefore, 3), Format.fixed($0.distanceAfter, 3)] }
            map = BoundaryMap(problem).svg(after: zones, title: title, description: desc)
        }
        let groupsTable = problem.groups.indices.map { g in
            [Dimension.label(problem.groups[g]), Format.count(problem.groupTotals[g]), Format.count(figures.movedByGroup[g]),
             Format.fixed(figures.travelByGroup[g].meanBefore, 2), Format.fixed(figures.travelByGroup[g].meanAfter, 2)]
        }
        let transport = figures.transport?.byGroup.map { [Dimension.label($0.group), Format.count($0.before), Format.count($0.after), Format.count($0.newlyBeyond)] } ?? []
        let detail = BoundariesPage.Detail(scenario: row, map: map, groups: groupsTable, transport: transport, schools: schools, schoolsHeader: header,
                                           groupsProposed: proposed, violations: figures.violations, command: s.settings.command("INSTANCE.json"))
        try await server.store.record(AuditEvent(district: p.district, at: Date(), actor: p.visitor.viewer.email ?? "", action: "view-boundary-scenario",
                                                 detail: "instance \(l.record.id), scenario \(s.record.id)"))
        return Self.staffOnly(page(p).scenario(instance: Self.summary(l), detail))
    }

    /// The assignment as CSV (``BoundaryProblem/assignmentCSV(_:)``): no counts of students.
    func csv(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        let p: Place, l: Loaded, s: Shown
        switch try await place(request, context) { case .response(let r): return r; case .found(let x): p = x }
        switch try await loaded(p, context) { case .response(let r): return r; case .found(let x): l = x }
        switch try await shown(p, l, context) { case .response(let r): return r; case .found(let x): s = x }
        let problem = s.problem, zones = Self.zones(s).zones
        let text = problem.assignmentCSV(zones)
        try await server.store.record(AuditEvent(district: p.district, at: Date(), actor: p.visitor.viewer.email ?? "", action: "export-boundary-scenario",
                                                 detail: "instance \(l.record.id), scenario \(s.record.id)"))
        let file = "boundaries-\(p.district)-\(l.record.id)-\(s.record.id).csv"
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(file)\"", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
