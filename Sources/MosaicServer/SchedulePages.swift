import Foundation
import Hummingbird
import MosaicCore
import MosaicMetrics
import MosaicReport
import MosaicSchedule
import MosaicStore

/// A school's schedule page: the audit of the term's master schedule and its sections
/// before and after a balanced re-sectioning of the same students (issue 6). Section-level
/// counts by group are internal data: the district's staff and the school's own leaders
/// see the page, nobody else, and every view goes to the audit log.
struct SchedulePages: Sendable {
    let server: MosaicServer

    /// The re-sectioning's seed and budget: fixed, so the page is the same on every visit
    /// (moves per student: annealing, then descent).
    static let seed: UInt64 = 0, annealingPerStudent = 10, descentPerStudent = 20

    func add(to router: Router<MosaicRequestContext>) {
        router.get("districts/:district/terms/:term/schools/:school/schedule") { request, context in try await self.page(request, context) }
    }

    func page(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        let pages = Pages(server: server)
        let visitor = try await pages.visitor(request)
        let district = try context.parameters.require("district"), term = try context.parameters.require("term")
        let school = try context.parameters.require("school")
        switch visitor.viewer.access(school: school, in: district) {
        case .unsuppressed: break
        case .forbidden:
            return Pages.refused("Not one of your schools", "This account leads \(visitor.viewer.schools.joined(separator: ", ")); other schools' schedules are not open to it.",
                                 account: visitor.account)
        case .publicView:
            return Pages.refused("District staff and school leaders only",
                                 "A schedule page shows how many students of each group sit in each section: only the district's staff and the school's leaders, signed in, may open it.",
                                 account: visitor.account)
        }
        guard let site = try await pages.site(district), let record = try await server.store.terms(district: district).first(where: { $0.id == term }) else {
            return Pages.notFound("District “\(district)” has no term “\(term)”.")
        }
        guard record.sections > 0 else { return Pages.notFound("Term “\(record.title)” holds school counts only: it has no classes to schedule.") }
        let roster = try await server.store.roster(district: district, term: term)
        guard let session = try await server.diagnostics.diagnostic(district: district, term: term, version: site.version)?.termID,
              let name = roster.orgs.first(where: { $0.id == school })?.name else {
            return Pages.notFound("No school “\(school)” in this term.")
        }
        let built: (instance: SectioningInstance, current: [String: [String: [String]]], notes: [String])
        let model: SectioningModel
        do {
            built = try SectioningInstance.from(roster, school: school, term: session)
            model = try SectioningModel(built.instance)
        } catch .invalidInstance(let problems) {
            return Pages.notFound("The schedule of “\(name)” cannot be read: \(problems.joined(separator: "; "))")
        }
        let n = model.students.count
        let audit = ScheduleAudit(model, instance: built.instance)
        var rng = SeededGenerator(seed: Self.seed)
        let result = Sectioning.solve(model, options: .init(moveLimit: Self.descentPerStudent * n, annealingMoves: Self.annealingPerStudent * n), using: &rng)
        let before = Sectioning.evaluate(model, loading: built.current)
        let dimension = "race"
        let was = Sectioning.composition(model, loading: built.current, dimension: dimension)
        let now = Sectioning.composition(model, loading: Sectioning.loading(of: result), dimension: dimension)
        var courses: [SchedulePage.Course] = []
        if let was, let now {
            for course in was.courses {
                let after = now.courses.first { $0.id == course.id }
                let sections = was.sections.filter { $0.course == course.id }.map { s in
                    SchedulePage.Section(id: s.id, when: s.when, before: s.counts, after: now.sections.first { $0.id == s.id }?.counts ?? [])
                }
                courses.append(.init(id: course.id, title: course.title, before: course.dissimilarity, after: after?.dissimilarity ?? 0, sections: sections))
            }
        }
        let conflicts = audit.conflicts.map { c in
            SchedulePage.Conflict(courses: c.courses, period: c.period, kind: c.kind, students: c.students,
                                  groups: c.groupSummary())
        }
        let moves = audit.moves.map { m in
            SchedulePage.Move(section: m.section, from: m.from, to: m.to, removes: m.removes.map { $0.joined(separator: " + ") }.joined(separator: ", "),
                              unblocks: m.unblocks, blocks: m.blocks)
        }
        let balance = model.balance.map { d in
            (dimension: d, before: before.balance[d]?.meanDissimilarityVsCourse ?? 0, after: result.balance[d]?.meanDissimilarityVsCourse ?? 0)
        }
        let page = SchedulePage(
            district: district, school: school, schoolName: name, term: term, termTitle: record.title, viewer: visitor.label,
            students: n, sections: model.sections.count, singletons: audit.singletons, doubletons: audit.doubletons,
            blocked: audit.blockedStudents, conflicts: conflicts, moves: moves, dimension: .race, groups: was?.groups ?? [],
            balance: balance, requests: result.requests, requestsMet: result.requestsMet, courses: courses,
            method: "Course requests are the term's enrollments; each section keeps its size (its limit is its enrollment). "
                + "mosaic schedule section with seed \(Self.seed), \(Self.annealingPerStudent) annealing and \(Self.descentPerStudent) descent moves per student "
                + "(\(Format.count(result.moves ?? 0)) moves); the audit ignores limits. The same figures come from "
                + "mosaic schedule instance --db … --district \(district) --term \(term) --school \(school), then mosaic schedule audit and section.",
            notes: built.notes)
        try await server.store.record(AuditEvent(district: district, at: Date(), actor: visitor.viewer.email ?? "", action: "view-schedule",
                                                 detail: "\(term)/\(school): \(n) students, \(model.sections.count) sections"))
        var response = Pages.html(page.html)
        response.headers[.cacheControl] = "no-store"
        return response
    }
}
