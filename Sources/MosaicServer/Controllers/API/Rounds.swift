import Crypto
import Foundation
import Hummingbird
import MosaicChoice
import MosaicCore
import MosaicImport
import MosaicMetrics
import MosaicStore

/// The application round (issue 5) through `/api/v1`: the enrollment office (or the
/// district's staff) creates a round from its schools and policy, uploads the
/// applications as CSV, runs the match with a recorded seed and the SHA-256 of the exact
/// input, and publishes one run; a family reads only its own result, with the reference
/// and code it was given. Every step by staff goes to the audit log.
public struct Rounds: Sendable {
    let server: MosaicServer

    func add(to router: Router<MosaicRequestContext>) {
        let v1 = router.group("api/v1/districts/:district/rounds")
        v1.get("") { request, context in try await self.list(request, context) }
        v1.post("") { request, context in try await self.create(request, context) }
        v1.put(":round/applications") { request, context in try await self.upload(request, context) }
        v1.post(":round/invitations") { request, context in try await self.invite(request, context) }
        v1.post(":round/runs") { request, context in try await self.run(request, context) }
        v1.post(":round/simulate") { request, context in try await self.simulate(request, context) }
        v1.get(":round/runs/:run") { request, context in try await self.show(request, context) }
        v1.get(":round/runs/:run/input") { request, context in try await self.input(request, context) }
        v1.get(":round/runs/:run/explain/:student") { request, context in try await self.explain(request, context) }
        v1.post(":round/runs/:run/publish") { request, context in try await self.publish(request, context) }
        v1.post(":round/result") { request, context in try await self.result(request, context) }
    }

    typealias Body = RoundDefinition

    /// Staff who may run the district's rounds: its enrollment office and district staff.
    func staff(_ context: MosaicRequestContext, _ district: String) throws -> Viewer {
        let viewer = try context.identity.apiViewer()
        guard viewer.district == district, viewer.role == .enrollment || viewer.role == .district else {
            throw APIError(.forbidden, "only the district's enrollment office and district staff run application rounds")
        }
        return viewer
    }

    /// A district's round and its schools and policy; nil when there is none.
    static func lookup(_ store: any Store, district: String, id: String) async throws -> (record: ApplicationRoundRecord, body: Body)? {
        guard let record = try await store.applicationRounds(district: district).first(where: { $0.id == id }),
              let body = try? JSONDecoder().decode(Body.self, from: Data(record.json.utf8)) else { return nil }
        return (record, body)
    }

    func round(_ context: MosaicRequestContext) async throws -> (district: String, record: ApplicationRoundRecord, body: Body) {
        let district = try context.parameters.require("district"), id = try context.parameters.require("round")
        guard let found = try await Self.lookup(server.store, district: district, id: id) else {
            throw APIError(.notFound, "no application round '\(id)' in district '\(district)'")
        }
        return (district, found.record, found.body)
    }

    /// The round's instance with every stored application (by applicant id).
    static func instance(_ round: Body, _ applications: [ApplicationRecord]) throws -> Instance {
        round.instance(students: try applications.map { try JSONDecoder().decode(Instance.Student.self, from: Data($0.json.utf8)) })
    }

    /// Compact JSON with sorted keys: how the store keeps rounds and applications.
    public static func storedJSON(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// What a run or a simulation asks for (`{draws?, seed?, mechanism?, tieBreaking?}`),
    /// checked; a seed not given is drawn, and recorded like any other.
    struct LotteryRequest: Decodable {
        var draws: Int?
        var seed: UInt64?
        var mechanism: String?
        var tieBreaking: String?
    }

    static func lottery(_ request: Request, example: String) async throws
        -> (asked: LotteryRequest, mechanism: Mechanism, tieBreaking: Instance.TieBreaking, seed: UInt64) {
        let text = try await body(request, limit: 4_096)
        guard let asked = text.isEmpty ? LotteryRequest() : try? JSONDecoder().decode(LotteryRequest.self, from: Data(text.utf8)) else {
            throw APIError(.badRequest, example)
        }
        guard let mechanism = Mechanism(rawValue: asked.mechanism ?? "da") else { throw APIError(.badRequest, "mechanism is da, ttc or boston") }
        guard let tie = Instance.TieBreaking(rawValue: asked.tieBreaking ?? "single") else { throw APIError(.badRequest, "tieBreaking is single or multiple") }
        return (asked, mechanism, tie, asked.seed ?? UInt64.random(in: 0...UInt64(UInt32.max)))
    }

    static func body(_ request: Request, limit: Int = 8 << 20) async throws -> String {
        var request = request
        guard let buffer = try? await request.collectBody(upTo: limit) else {
            throw APIError(.contentTooLarge, "the body is larger than \(limit >> 20) MB")
        }
        return String(buffer: buffer)
    }

    func list(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        let district = try context.parameters.require("district")
        _ = try staff(context, district)
        var out: [JSONValue] = []
        for r in try await server.store.applicationRounds(district: district) {
            let runs = try await server.store.matchRuns(district: district, round: r.id)
            let applications = try await server.store.applications(district: district, round: r.id).count
            let invited = try await server.store.invitationCount(district: district, round: r.id)
            out.append(.object([("id", .string(r.id)), ("term", .string(r.term)), ("name", .string(r.name)), ("status", .string(r.status)),
                                ("invitations", .int(invited)), ("applications", .int(applications)), ("runs", .int(runs.count)),
                                ("published", runs.first(where: \.published).map { .string($0.id) } ?? .null)]))
        }
        return API.json(.object([("rounds", .array(out))]))
    }

    func create(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        let district = try context.parameters.require("district")
        let viewer = try staff(context, district)
        let text = try await Self.body(request)
        let body: Body
        do { body = try JSONDecoder().decode(Body.self, from: Data(text.utf8)) } catch {
            throw APIError(.badRequest, "the round must be JSON with term, name and schools (contract match.md): \(error)")
        }
        let saved = try await Self.create(body, district: district, actor: viewer.email ?? "", server: server)
        return API.json(.object([("id", .string(saved.id)), ("status", .string(saved.status))]), status: .created)
    }

    /// The applications file (text/csv, `readApplications`): all of it or nothing. Each
    /// applicant gets a reference and a code for the family, returned once as CSV; only
    /// the code's hash is kept.
    func upload(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        let (viewer, district, record, body) = try await openRound(context)
        let csv = try await Self.body(request)
        let codes = try await Self.storeApplications(csv, district: district, record: record, body: body, actor: viewer.email ?? "", server: server)
        return Self.codes(codes.csv)
    }

    /// The round of the route, for its staff, while it takes applications.
    func openRound(_ context: MosaicRequestContext) async throws -> (Viewer, String, ApplicationRoundRecord, Body) {
        let viewer = try staff(context, try context.parameters.require("district"))
        let (district, record, body) = try await round(context)
        guard record.status == "open" else { throw APIError(.conflict, "round \(record.id) is \(record.status): applications are closed") }
        return (viewer, district, record, body)
    }

    /// A file read whole, or a 400 with every problem as `file:line: what`.
    static func file<T>(_ read: () throws(ImportError) -> T) throws -> T {
        do { return try read() } catch { throw APIError(.badRequest, error.problems.map(\.description).joined(separator: "\n")) }
    }

    /// Codes for the families' letters, answered once and never kept.
    static func codes(_ csv: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .cacheControl: "no-store"], body: .init(byteBuffer: ByteBuffer(string: csv)))
    }

    /// Invitations to apply (text/csv, `readInvitations`: `student_id` and any verified
    /// groups): each child gets an application code for the family's letter, returned once
    /// as CSV; only its hash is kept. A child invited again gets a new code and the old one
    /// stops working. All of the file or nothing.
    func invite(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        let (viewer, district, record, _) = try await openRound(context)
        let text = try await Self.body(request)
        let rows = try Self.file { () throws(ImportError) in try readInvitations(name: "invitations.csv", text: text) }
        let now = Date()
        var invitations: [ApplicationInvitation] = [], codes = "student_id,application_code\n"
        for row in rows {
            let code = Self.randomCode(12)
            invitations.append(ApplicationInvitation(district: district, round: record.id, student: row.student, codeHash: Self.hash(code),
                                                     groups: row.groups, issuedAt: now))
            codes += [row.student, code].map(spreadsheetField).joined(separator: ",") + "\n"
        }
        try await server.store.putInvitations(invitations, district: district, round: record.id)
        try await audit(district, viewer, "round-invitations", "round \(record.id): \(invitations.count) application codes issued")
        return Self.codes(codes)
    }

    func run(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        let viewer = try staff(context, try context.parameters.require("district"))
        let (district, record, body) = try await round(context)
        let (_, mechanism, tie, seed) = try await Self.lottery(
            request, example: "the run is JSON: {\"seed\": 2027, \"mechanism\": \"da\", \"tieBreaking\": \"single\"}")
        let (saved, matched) = try await Self.runMatch(district: district, record: record, body: body, seed: seed, mechanism: mechanism,
                                                       tieBreaking: tie, actor: viewer.email ?? "", server: server)
        let sha = matched.inputSha256
        return API.json(.object([("run", .string(saved.id)), ("seed", .unsigned(seed)), ("inputSha256", .string(sha)),
                                 ("mechanism", .string(mechanism.rawValue)), ("tieBreaking", .string(tie.rawValue)), ("summary", matched.summary)]),
                        status: .created)
    }

    /// What the round's policy does over fresh lotteries (`mosaic match --simulate`): per
    /// group the rank distribution and first-choice share, per dimension the schools'
    /// dissimilarity with its 5–95 % band. Nothing is stored but the audit line.
    func simulate(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        let viewer = try staff(context, try context.parameters.require("district"))
        let (district, record, body) = try await round(context)
        let (asked, mechanism, tie, seed) = try await Self.lottery(
            request, example: "the simulation is JSON: {\"draws\": 500, \"seed\": 1, \"mechanism\": \"da\", \"tieBreaking\": \"single\"}")
        let draws = asked.draws ?? 200
        guard (2...2_000).contains(draws) else { throw APIError(.badRequest, "draws is a number of lotteries from 2 to 2000") }
        let applications = try await server.store.applications(district: district, round: record.id)
        guard !applications.isEmpty else { throw APIError(.conflict, "round \(record.id) has no applications yet") }
        let instance = try Self.instance(body, applications)
        let problems = instance.problems()
        guard problems.isEmpty else { throw APIError(.badRequest, problems.joined(separator: "; ")) }
        var rng = SeededGenerator(seed: seed)
        let result = instance.simulate(mechanism, tieBreaking: tie, draws: draws, parallelism: ProcessInfo.processInfo.activeProcessorCount, using: &rng)
        try await audit(district, viewer, "match-simulate", "round \(record.id): \(draws) lotteries, \(mechanism.rawValue), seed \(seed)")
        return API.json(result.json(seed: seed))
    }

    func stored(_ context: MosaicRequestContext) async throws -> (district: String, record: ApplicationRoundRecord, run: MatchRunRecord, doc: [String: Any]) {
        let (district, record, _) = try await round(context)
        let id = try context.parameters.require("run")
        guard let run = try await server.store.matchRuns(district: district, round: record.id).first(where: { $0.id == id }),
              let doc = try JSONSerialization.jsonObject(with: Data(run.json.utf8)) as? [String: Any] else {
            throw APIError(.notFound, "round \(record.id) has no run '\(id)'")
        }
        return (district, record, run, doc)
    }

    /// A run's result as `mosaic match` prints it for the same input and seed: the
    /// contract's JSON, or its CSV with `?format=csv`.
    func show(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        let viewer = try staff(context, try context.parameters.require("district"))
        let (district, record, run, _) = try await stored(context)
        guard let report = try Self.recompute(run) else { throw APIError(.notFound, "run \(run.id) of round \(record.id) cannot be read back") }
        try await audit(district, viewer, "view-student-data", "round \(record.id) run \(run.id)")
        if request.uri.queryParameters["format"] == "csv" {
            return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .cacheControl: "no-store"],
                            body: .init(byteBuffer: ByteBuffer(string: report.csv)))
        }
        return API.json(report.json(mechanism: run.mechanism, seed: run.seed, inputSha256: run.inputSha256))
    }

    /// Why a student was not admitted where she ranked higher (`mosaic match --explain`),
    /// for the office answering a family.
    func explain(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        let viewer = try staff(context, try context.parameters.require("district"))
        let (district, record, run, _) = try await stored(context)
        let student = try context.parameters.require("student")
        guard let report = try Self.recompute(run), let st = report.market.studentIDs.firstIndex(of: student) else {
            throw APIError(.notFound, "no applicant '\(student)' in run \(run.id) of round \(record.id)")
        }
        try await audit(district, viewer, "view-student-data", "round \(record.id) run \(run.id) explain \(student)")
        return API.json(report.explanation(st).json)
    }

    /// The run's input file: `mosaic match input.json --seed SEED` gives the same result,
    /// and its SHA-256 is the one recorded.
    func input(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        let viewer = try staff(context, try context.parameters.require("district"))
        let (district, record, run, doc) = try await stored(context)
        try await audit(district, viewer, "export", "round \(record.id) run \(run.id) input")
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(string: doc["input"] as? String ?? "")))
    }

    func publish(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        let viewer = try staff(context, try context.parameters.require("district"))
        let (_, record, run, _) = try await stored(context)
        try await Self.publish(run, of: record, actor: viewer.email ?? "", server: server)
        return API.json(.object([("run", .string(run.id)), ("published", .bool(true))]))
    }

    struct Lookup: Decodable {
        var reference: String
        var code: String
    }

    /// A family's own result: the reference and code it was given; an unknown reference
    /// and a wrong code get the same answer, so neither can be probed.
    func result(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        let (district, record, body) = try await round(context)
        guard let lookup = try? JSONDecoder().decode(Lookup.self, from: Data(try await Self.body(request, limit: 4_096).utf8)) else {
            throw APIError(.badRequest, "send {\"reference\": \"…\", \"code\": \"…\"} as your letter gives them")
        }
        guard let application = try await server.store.application(district: district, round: record.id, reference: lookup.reference),
              application.secretHash == Self.hash(lookup.code) else {
            throw APIError(.notFound, "no application with that reference and code in this round")
        }
        guard let run = try await server.store.matchRuns(district: district, round: record.id).first(where: \.published) else {
            return API.json(.object([("round", .string(body.name)), ("status", .string(record.status)), ("result", .null)]))
        }
        guard let why = try await Self.result(of: application.applicant, in: run, store: server.store) else {
            return API.json(.object([("round", .string(body.name)), ("status", .string(record.status)), ("result", .null),
                                     ("note", .string("this application came after the published match"))]))
        }
        return API.json(.object([("round", .string(body.name)), ("status", .string(record.status)),
                                 ("seed", .unsigned(run.seed)), ("inputSha256", .string(run.inputSha256)),
                                 ("result", why.json)]))
    }

    /// Publishes a run: every applicant's result is computed once from the run's stored
    /// input and seed and kept, then the run becomes the round's published one. A family's
    /// lookup reads its own kept result (it used to recompute the whole match).
    public static func publish(_ run: MatchRunRecord, in store: any Store) async throws {
        try await keepResults(of: run, in: store)
        try await store.publishMatchRun(district: run.district, round: run.round, run: run.id)
    }

    @discardableResult
    static func keepResults(of run: MatchRunRecord, in store: any Store) async throws -> [String: MatchReport.Explanation] {
        guard let report = try recompute(run) else { return [:] }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var out: [String: MatchReport.Explanation] = [:], rows: [(applicant: String, json: String)] = []
        for st in report.market.studentIDs.indices {
            let why = report.explanation(st)
            out[why.student] = why
            rows.append((why.student, String(decoding: try encoder.encode(why), as: UTF8.self)))
        }
        try await store.putMatchResults(district: run.district, round: run.round, run: run.id, rows)
        return out
    }

    /// An applicant's result in a published run, as kept; a run published before results
    /// were kept has them computed and kept on its first lookup. Nil when the applicant
    /// applied after the run.
    static func result(of applicant: String, in run: MatchRunRecord, store: any Store) async throws -> MatchReport.Explanation? {
        if let kept = try await store.matchResult(district: run.district, round: run.round, run: run.id, applicant: applicant) {
            return try JSONDecoder().decode(MatchReport.Explanation.self, from: Data(kept.utf8))
        }
        return try await keepResults(of: run, in: store)[applicant]
    }

    /// A run recomputed from its stored input and seed (the same bytes give the same
    /// assignment); nil when the stored document cannot be read.
    static func recompute(_ run: MatchRunRecord) throws -> MatchReport? {
        guard let doc = try JSONSerialization.jsonObject(with: Data(run.json.utf8)) as? [String: Any],
              let input = doc["input"] as? String,
              let instance = try? JSONDecoder().decode(Instance.self, from: Data(input.utf8)) else { return nil }
        var rng = SeededGenerator(seed: run.seed)
        let tie = Instance.TieBreaking(rawValue: doc["tieBreaking"] as? String ?? "single") ?? .single
        let market = instance.market(tieBreaking: tie, using: &rng)
        return MatchReport(instance: instance, market: market, assignment: market.assign(Mechanism(rawValue: run.mechanism) ?? .da))
    }

    func audit(_ district: String, _ viewer: Viewer, _ action: String, _ detail: String) async throws {
        try await Self.audit(server, district, viewer.email ?? "", action, detail)
    }

    static func audit(_ server: MosaicServer, _ district: String, _ actor: String, _ action: String, _ detail: String) async throws {
        try await server.store.record(AuditEvent(district: district, at: Date(), actor: actor, action: action, detail: detail))
    }

    public static func hash(_ text: String) -> String { SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined() }

    /// Letters and digits a family can read and type: no 0/O or 1/I/L.
    public static func randomCode(_ length: Int) -> String {
        var g = SystemRandomNumberGenerator()
        return randomCode(length, using: &g)
    }

    public static func randomCode(_ length: Int, using g: inout some RandomNumberGenerator) -> String {
        let alphabet = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ")
        return String((0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &g)] })
    }
}

/// One match of a round: its exact input (the round's schools and policy and every
/// application, by applicant id, as match.md JSON), that input's SHA-256, and the stored
/// document — tie-breaking, input and the contract's result — from which the published
/// run is recomputed for a family.
public struct RoundMatch: Sendable {
    public struct Problem: Error { public let message: String }

    public let input: String
    public let inputSha256: String
    public let document: String
    public let summary: JSONValue

    public init(_ round: RoundDefinition, applications: [ApplicationRecord], seed: UInt64, mechanism: Mechanism,
                tieBreaking: Instance.TieBreaking) throws {
        let instance = try Rounds.instance(round, applications)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        input = String(decoding: try encoder.encode(instance), as: UTF8.self) + "\n"
        var rng = SeededGenerator(seed: seed)
        let market: Market
        do { market = try instance.checkedMarket(tieBreaking: tieBreaking, using: &rng) } catch {
            throw Problem(message: error.problems.joined(separator: "; "))
        }
        let report = MatchReport(instance: instance, market: market, assignment: market.assign(mechanism))
        inputSha256 = Rounds.hash(input)
        let result = report.json(mechanism: mechanism.rawValue, seed: seed, inputSha256: inputSha256)
        document = JSONValue.object([("tieBreaking", .string(tieBreaking.rawValue)), ("input", .string(input)), ("result", result)]).serialized()
        if case .object(let fields) = result, let s = fields.first(where: { $0.0 == "summary" }) { summary = s.1 } else { summary = .null }
    }
}
