import Foundation
import Hummingbird
import MosaicCore
import MosaicMetrics
import MosaicReport
import MosaicSchedule
import MosaicStore

/// A school's schedule page: the audit of the term's master schedule and its sections
/// before and after a balanced re-sectioning of the same students (issue 6), as a
/// ``ScheduleReview`` computed by a background job and kept in the store — a visit reads
/// it and computes nothing. Section-level counts by group are internal data: the
/// district's staff and the school's own leaders see the page, nobody else, and every
/// view goes to the audit log.
struct SchedulePages: Sendable {
    let server: MosaicServer

    /// The re-sectioning's seed and budget: fixed, so a review is the same on every run
    /// (moves per student: annealing, then descent).
    static let settings = ScheduleReview.Settings()

    func add(to router: Router<MosaicRequestContext>) {
        let school = "districts/:district/terms/:term/schools/:school/schedule"
        router.get(RouterPath(school)) { request, context in try await self.page(request, context) }
        router.post(RouterPath(school + "/review")) { request, context in try await self.review(request, context) }
        router.get(RouterPath(school + "/jobs/:job")) { request, context in try await self.job(request, context) }
        router.get(RouterPath(school + "/enrollments.csv")) { request, context in try await self.export(request, context) }
    }

    static let area = SchoolPlace.Area(
        plural: "schedules", publicView: false,
        staffOnlyReason: "A schedule page shows how many students of each group sit in each section: only the district's staff and the school's leaders, signed in, may open it.",
        needs: "classes to schedule")

    typealias Place = SchoolPlace

    func place(_ request: Request, _ context: MosaicRequestContext) async throws -> Found<Place> {
        try await SchoolPlace.find(server, context, Self.area)
    }

    func page(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        let p: Place
        switch try await place(request, context) { case .response(let r): return r; case .found(let x): p = x }
        let recompute = p.csrf.map { (action: Self.base(p) + "/review", csrf: $0) }
        let underway = try await underway(p)
        guard let kept = try await server.store.scheduleReview(district: p.district, term: p.term.id, school: p.school),
              let review = try? JSONDecoder().decode(ScheduleReview.self, from: Data(kept.json.utf8)) else {
            // The first review under way: its progress.
            if let underway { return Response(status: .seeOther, headers: [.location: Self.base(p) + "/jobs/\(underway.id)"]) }
            return Self.private(SchedulePage.notYetReviewed(district: p.district, school: p.school, schoolName: p.schoolName, term: p.term.id,
                                                            termTitle: p.term.title, viewer: p.visitor.label, account: p.visitor.account, recompute: recompute))
        }
        var page = SchedulePage(district: p.district, school: p.school, schoolName: p.schoolName, term: p.term.id, termTitle: p.term.title,
                                viewer: p.visitor.label, review: review)
        page.account = p.visitor.account
        page.computed = "Reviewed \(kept.runAt.formatted(Date.ISO8601FormatStyle(timeZone: .gmt))) by \(kept.runBy)."
        page.outOfDate = kept.basis != p.term.importedAt
        page.recompute = underway == nil ? recompute : nil
        if let underway { page.computed += " A new review is under way: \(Self.base(p))/jobs/\(underway.id)" }
        try await server.store.record(AuditEvent(district: p.district, at: Date(), actor: p.visitor.viewer.email ?? "", action: "view-schedule",
                                                 detail: "\(p.term.id)/\(p.school): \(review.students) students, \(review.sections) sections"))
        return Self.private(page.html)
    }

    /// The re-sectioned sections as OneRoster enrollments.csv, for the school's student
    /// information system; logged as an export.
    func export(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        let p: Place
        switch try await place(request, context) { case .response(let r): return r; case .found(let x): p = x }
        guard let kept = try await server.store.scheduleReview(district: p.district, term: p.term.id, school: p.school),
              let review = try? JSONDecoder().decode(ScheduleReview.self, from: Data(kept.json.utf8)),
              let csv = review.enrollmentsCSV(school: p.school) else {
            return Pages.notFound("No re-sectioning kept for \(p.schoolName) this term: review the schedule (again) first.")
        }
        try await server.store.record(AuditEvent(district: p.district, at: Date(), actor: p.visitor.viewer.email ?? "", action: "export",
                                                 detail: "\(p.term.id)/\(p.school)/schedule/enrollments.csv"))
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .cacheControl: "no-store",
                                               .contentDisposition: "attachment; filename=\"enrollments-\(p.school)-rebalanced.csv\""],
                        body: .init(byteBuffer: ByteBuffer(string: csv)))
    }

    /// Queues a review of the school's schedule (the form's CSRF token checked); the job
    /// reads the roster, computes and keeps the review.
    func review(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        let p: Place
        switch try await place(request, context) { case .response(let r): return r; case .found(let x): p = x }
        guard let session = p.csrf, let form = try await SignIn.decode(SignIn.LogoutForm.self, request), form.csrf == session else {
            return Pages.refused("Refused", "The form had expired. Go back and reload the page.", account: p.visitor.account)
        }
        let actor = p.visitor.viewer.email ?? ""
        let submitted: (job: StoredJob, new: Bool)
        do {
            submitted = try await server.jobs.submitOnce(district: p.district, owner: Self.owner(p), kind: Self.kind, name: "Schedule review: \(p.schoolName)",
                                                         parameters: ReviewJob(term: p.term.id, session: p.session, school: p.school,
                                                                               basis: p.term.importedAt, actor: actor))
        } catch let full as JobQueueFull {
            return Pages.html(SchedulePage.job(district: p.district, school: p.school, schoolName: p.schoolName, term: p.term.id, termTitle: p.term.title,
                                               viewer: p.visitor.label, account: p.visitor.account, done: 0, total: 1, ahead: nil, failure: full.description),
                              status: .serviceUnavailable)
        }
        // A review already under way is joined, not started twice.
        if submitted.new {
            try await server.store.record(AuditEvent(district: p.district, at: Date(), actor: actor, action: "schedule-review",
                                                     detail: "\(p.term.id)/\(p.school): job \(submitted.job.id)"))
        }
        return Response(status: .seeOther, headers: [.location: Self.base(p) + "/jobs/\(submitted.job.id)"])
    }

    /// The kind of a schedule review in the jobs table.
    static let kind = "schedule-review"

    /// What a schedule review's job carries: any server can run it from the store.
    struct ReviewJob: Codable {
        var term: String
        /// The roster's academic session of the term.
        var session: String
        var school: String
        /// When the roster reviewed was imported (the review is out of date after another import).
        var basis: Date
        var actor: String
    }

    /// Reads the term's roster, reviews the school's schedule and keeps the review;
    /// returns the school's id.
    static func handler(store: any Store) -> JobRunner.Handler {
        { context in
            let p = try context.parameters(ReviewJob.self)
            let district = context.job.district
            let roster = try await store.roster(district: district, term: p.term)
            let progress = context.progress
            let review = try await Task.detached(priority: .utility) {
                try ScheduleReview.review(roster, school: p.school, term: p.session, settings: Self.settings, progress: progress)
            }.value
            let json = String(decoding: try JSONEncoder().encode(review), as: UTF8.self)
            guard await context.holding() else { throw CancellationError() }
            try await store.saveScheduleReview(ScheduleReviewRecord(district: district, term: p.term, school: p.school, basis: p.basis,
                                                                    json: json, runAt: Date(), runBy: p.actor))
            return p.school
        }
    }

    func job(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        let p: Place
        switch try await place(request, context) { case .response(let r): return r; case .found(let x): p = x }
        let id = try context.parameters.require("job")
        guard let (job, queuedAhead) = try await server.jobs.job(id, district: p.district, owner: Self.owner(p)) else {
            return Pages.notFound("No review “\(id)” here (reviews are kept for a week after they end).")
        }
        var ahead: Int?, failure: String?
        switch job.state {
        case .finished: return Response(status: .seeOther, headers: [.location: Self.base(p)])
        case .queued: ahead = queuedAhead
        case .running: break
        case .failed: failure = job.error ?? "it stopped"
        }
        return Self.private(SchedulePage.job(district: p.district, school: p.school, schoolName: p.schoolName, term: p.term.id, termTitle: p.term.title,
                                             viewer: p.visitor.label, account: p.visitor.account, done: job.done, total: job.total, ahead: ahead, failure: failure))
    }

    /// The school's review queued or running now (not one that failed).
    func underway(_ p: Place) async throws -> StoredJob? { try await server.jobs.underway(district: p.district, owner: Self.owner(p)) }

    static func base(_ p: Place) -> String {
        "/districts/\(urlEscape(p.district))/terms/\(urlEscape(p.term.id))/schools/\(urlEscape(p.school))/schedule"
    }

    static func owner(_ p: Place) -> String { "schedule \(p.district) \(p.term.id) \(p.school)" }

    static func `private`(_ html: HTML, status: HTTPResponse.Status = .ok) -> Response {
        var response = Pages.html(html, status: status)
        response.headers[.cacheControl] = "no-store"
        return response
    }
}
