import Foundation
import Hummingbird
import MosaicCore
import MosaicDiagnostic
import MosaicMetrics
import MosaicReport
import MosaicStore

/// The auto-enrollment policy page (issue 7): universal identification from the term's
/// stored assessment results, at thresholds the visitor chooses. It lists students near
/// the cut-off by id, so only the district's staff may open it; every view is audited.
struct PolicyPages: Sendable {
    let server: MosaicServer

    func add(to router: Router<MosaicRequestContext>) {
        router.get("districts/:district/terms/:term/auto-enroll") { request, context in try await self.autoEnroll(request, context) }
    }

    /// A bad form value: 400 with the reason, as the command would say it.
    static func badRequest(_ message: String) -> Response { Pages.badRequest(message, heading: "Cannot simulate that") }

    func autoEnroll(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        let pages = Pages(server: server)
        let visitor = pages.visitor(context)
        let district = try context.parameters.require("district"), term = try context.parameters.require("term")
        guard visitor.viewer.seesDistrictUnsuppressed(district) else {
            return Pages.refused("District staff only",
                                 "The auto-enrollment page names the students just below a cut-off: only the district's staff, signed in, may open it.",
                                 account: visitor.account)
        }
        guard let site = try await pages.site(district), let record = try await server.store.terms(district: district).first(where: { $0.id == term }) else {
            return Pages.notFound("District “\(district)” has no term “\(term)”.")
        }
        guard record.sections > 0 else { return Pages.notFound("Term “\(record.title)” holds school counts only: it has no classes to enroll students in.") }
        let roster = try await server.rosters.roster(record, from: server.store)
        guard !roster.assessments.isEmpty else {
            return Pages.notFound("Term “\(record.title)” has no assessment results: import its roster with mosaic_assessments.csv (sourcedId, subject, score, proficient).")
        }
        let q = request.uri.queryParameters
        let subjects = Array(Set(roster.assessments.map(\.subject))).sorted()
        let subject = q["subject"].map(String.init) ?? (subjects.contains("math") ? "math" : subjects[0])
        guard subjects.contains(subject) else {
            return Self.badRequest(DiagnosticError.unknownSubject(subject, available: subjects).description)
        }
        let scores = roster.assessments.filter { $0.subject == subject }.map(\.score).sorted()
        // Default: the state's flag where it is reported, beside the 60th and 75th percentile scores.
        let defaultThresholds = (roster.assessments.contains { $0.subject == subject && $0.proficient != nil } ? ["proficient"] : [])
            + [0.6, 0.75].compactMap { p in scores.isEmpty ? nil : AutoEnrollmentThreshold.score(scores[min(scores.count - 1, Int(Double(scores.count) * p))]).description }
        let typed = q["threshold"].map(String.init) ?? defaultThresholds.joined(separator: ",")
        let parts = typed.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        var thresholds: [AutoEnrollmentThreshold] = []
        for p in parts {
            guard let t = AutoEnrollmentThreshold(p) else { return Self.badRequest("threshold '\(p)' is neither a number nor 'proficient'") }
            thresholds.append(t)
        }
        guard !thresholds.isEmpty, thresholds.count <= 6 else { return Self.badRequest("give one to six thresholds, separated by commas") }
        let rateText = q["opt-out-rate"].map(String.init) ?? "0.1"
        guard let rate = Double(rateText), rate >= 0, rate <= 1 else { return Self.badRequest("opt-out rate '\(rateText)' is not a share between 0 and 1") }
        let seedText = q["seed"].map(String.init) ?? "0"
        guard let seed = UInt64(seedText) else { return Self.badRequest("seed '\(seedText)' is not a whole number from 0") }
        let dimensionText = q["dimension"].map(String.init) ?? Dimension.race.rawValue
        guard let dimension = Dimension.five.first(where: { $0.rawValue == dimensionText }) else {
            return Self.badRequest("dimension '\(dimensionText)' is not one of \(Dimension.five.map(\.rawValue).joined(separator: ", "))")
        }
        guard let session = try await server.diagnostics.diagnostic(district: district, term: term, version: site.version)?.termID else {
            return Pages.notFound("District “\(district)” has no term “\(term)”.")
        }
        var rng = SeededGenerator(seed: seed)
        let simulation: AutoEnrollmentSimulation
        do {
            simulation = try simulateAutoEnrollment(roster, options: .init(
                term: session, subject: subject, thresholds: thresholds, optOutRate: rate, dimension: dimension,
                minimumN: server.options.minimumN), seed: seed, using: &rng)
        } catch {
            return Self.badRequest(error.description)
        }
        try await server.store.record(AuditEvent(district: district, at: Date(), actor: visitor.viewer.email ?? "", action: "view-auto-enroll",
                                                 detail: "\(term): \(subject) at \(typed), opt-out \(rateText), seed \(seed)"))
        var page = AutoEnrollmentPage(district: district, term: term, viewer: visitor.label, simulation: simulation,
                                      subjects: subjects, thresholds: typed)
        page.account = visitor.account
        var response = Pages.html(page.html)
        response.headers[.cacheControl] = "no-store"
        return response
    }
}
