import Foundation
import MosaicChoice
import MosaicCore
import MosaicMetrics
import MosaicImport
import MosaicStore

/// What the enrollment office does to a round, the same from the JSON API and from the
/// browser: each step checked whole (an `APIError` with the analyst's message, nothing
/// stored), then stored and written to the audit log.
extension Rounds {
    /// A new round, open for applications.
    static func create(_ body: Body, district: String, actor: String, server: MosaicServer) async throws -> ApplicationRoundRecord {
        guard try await server.store.terms(district: district).contains(where: { $0.id == body.term }) else {
            throw APIError(.badRequest, "no term '\(body.term)' in district '\(district)'")
        }
        let problems = body.instance(students: []).problems()
        guard problems.isEmpty, !body.schools.isEmpty else {
            throw APIError(.badRequest, (problems.isEmpty ? ["schools: a round needs at least one school"] : problems).joined(separator: "; "))
        }
        let saved = try await server.store.addApplicationRound(ApplicationRoundRecord(
            district: district, term: body.term, name: body.name, status: "open", json: try Self.storedJSON(body), updatedAt: Date()))
        try await audit(server, district, actor, "round-create", "round \(saved.id): \(body.name), \(body.schools.count) schools")
        return saved
    }

    /// The applications file (`readApplications`): all of it or nothing. Each applicant
    /// gets a reference and a code for the family, returned once as CSV; only the code's
    /// hash is kept. The last uploaded file is replaced; online applications stay.
    static func storeApplications(_ csv: String, district: String, record: ApplicationRoundRecord, body: Body, actor: String,
                                  server: MosaicServer) async throws -> (count: Int, csv: String) {
        let rows = try Self.file { () throws(ImportError) in try readApplications(name: "applications.csv", text: csv, schools: Set(body.schools.map(\.id))) }
        var records: [ApplicationRecord] = [], codes = "applicant,reference,code\n"
        let now = Date()
        for row in rows {
            let student = Instance.Student(id: row.applicant, prefs: row.prefs, lottery: row.lottery, sibling: row.sibling,
                                           zones: row.zones.isEmpty ? nil : row.zones, groups: row.groups.isEmpty ? nil : row.groups)
            let reference = "R\(record.id)-" + Self.randomCode(8), code = Self.randomCode(10)
            records.append(ApplicationRecord(district: district, round: record.id, applicant: row.applicant, reference: reference,
                                             secretHash: Self.hash(code), json: try Self.storedJSON(student),
                                             source: "upload", submittedAt: now))
            codes += [row.applicant, reference, code].map(spreadsheetField).joined(separator: ",") + "\n"
        }
        do {
            try await server.store.putApplications(records, district: district, round: record.id, replacingSource: "upload")
        } catch let clash as StoreError {
            guard case .applicantsFromAnotherSource = clash else { throw clash }
            throw APIError(.conflict, clash.description)
        }
        try await audit(server, district, actor, "applications-upload", "round \(record.id): \(records.count) applications")
        return (records.count, codes)
    }

    /// A match of every stored application, kept with its exact input and seed.
    static func runMatch(district: String, record: ApplicationRoundRecord, body: Body, seed: UInt64, mechanism: Mechanism,
                         tieBreaking tie: Instance.TieBreaking, actor: String, server: MosaicServer) async throws -> (MatchRunRecord, RoundMatch) {
        let applications = try await server.store.applications(district: district, round: record.id)
        guard !applications.isEmpty else { throw APIError(.conflict, "round \(record.id) has no applications yet") }
        let matched: RoundMatch
        do { matched = try RoundMatch(body, applications: applications, seed: seed, mechanism: mechanism, tieBreaking: tie) } catch let e as RoundMatch.Problem {
            throw APIError(.badRequest, e.message)
        }
        let sha = matched.inputSha256
        let saved = try await server.store.addMatchRun(MatchRunRecord(
            district: district, round: record.id, seed: seed, inputSha256: sha, mechanism: mechanism.rawValue,
            json: matched.document, runAt: Date(), runBy: actor))
        // A new run does not withdraw a published result: that takes publishing another.
        if record.status != "published" {
            var updated = record
            updated.status = "matched"
            updated.updatedAt = Date()
            try await server.store.updateApplicationRound(updated)
        }
        try await audit(server, district, actor, "match-run", "round \(record.id) run \(saved.id): \(mechanism.rawValue), seed \(seed), input \(sha)")
        return (saved, matched)
    }

    /// Publishes a run to families: every result kept, the round marked published.
    static func publish(_ run: MatchRunRecord, of record: ApplicationRoundRecord, actor: String, server: MosaicServer) async throws {
        try await Self.publish(run, in: server.store)
        var updated = record
        updated.status = "published"
        updated.updatedAt = Date()
        try await server.store.updateApplicationRound(updated)
        try await audit(server, record.district, actor, "match-publish", "round \(record.id) run \(run.id)")
    }
}
