import Foundation
import Hummingbird
import MosaicCore
import MosaicDiagnostic
import MosaicReport
import MosaicStore

/// The action plan: every viewer reads it (its measures through their suppression
/// policy); the district's own staff add, change and remove items through forms that
/// carry their session's CSRF token. Every change goes to the audit log.
struct ActionPlan: Sendable {
    let server: MosaicServer

    func add(to router: Router<MosaicRequestContext>) {
        router.get("districts/:district/plan") { request, context in try await self.page(request, context, message: nil) }
        router.post("districts/:district/plan") { request, context in try await self.change(request, context, item: nil, delete: false) }
        router.post("districts/:district/plan/:item") { request, context in
            try await self.change(request, context, item: try context.parameters.require("item"), delete: false)
        }
        router.post("districts/:district/plan/:item/delete") { request, context in
            try await self.change(request, context, item: try context.parameters.require("item"), delete: true)
        }
        router.get("api/v1/districts/:district/plan") { request, context in try await self.json(request, context) }
    }

    func page(_ request: Request, _ context: MosaicRequestContext, message: String?, status: HTTPResponse.Status = .ok) async throws -> Response {
        let pages = Pages(server: server)
        let visitor = pages.visitor(context)
        let district = try context.parameters.require("district")
        guard let site = try await pages.site(district) else { return Pages.notFound("There is no district “\(district)” in this store.") }
        let series = try await Pages(server: server).series(site)
        guard let latest = series.last else { return Pages.notFound("District “\(site.name)” has no diagnostic yet.") }
        var dashboard = Dashboard(site: site, policy: pages.policy(visitor, district), viewer: visitor.label)
        dashboard.account = visitor.account
        dashboard.showsStudentLists = visitor.viewer.seesDistrictUnsuppressed(district)
        var editor: Dashboard.PlanEditor?
        if visitor.viewer.seesDistrictUnsuppressed(district), let session = context.identity.signedIn.session {
            editor = Dashboard.PlanEditor(csrf: session.csrf, message: message, indicators: Indicator.all(in: latest.diagnostic))
        }
        let items = try await server.store.planItems(district: district)
        return Pages.html(dashboard.plan(items, guidebook: server.options.guidebook, series: series, editor: editor), status: status)
    }

    struct Form: Decodable {
        var csrf: String?
        var action, title, detail, scope, owner, timeline, status: String?
        var note_practitioners, note_educators, note_advocates: String?
        var step_prioritize, step_customize, step_align, step_plan: String?
        var indicator, target, by: String?
        /// The version of the item the form was opened on (changes and removals).
        var version: String?
    }

    func change(_ request: Request, _ context: MosaicRequestContext, item id: String?, delete: Bool) async throws -> Response {
        let district = try context.parameters.require("district")
        let (viewer, session) = context.identity.signedIn
        guard let session, viewer.seesDistrictUnsuppressed(district) else {
            return Pages.refused("Refused", "Only the district's own staff, signed in, may change its action plan.")
        }
        guard let form = try await SignIn.decode(Form.self, request, limit: 65_536), form.csrf == session.csrf else {
            return Pages.refused("Refused", "The form had expired. Go back, reload the page and send it again.")
        }
        let actor = viewer.email ?? ""
        let existing = try await server.store.planItems(district: district)
        if let id, !existing.contains(where: { $0.id == id }) {
            return Pages.notFound("The action plan has no item “\(id)”.")
        }
        // A change or removal names the version it was made from: a stale form is refused
        // (409) rather than overwriting someone else's change.
        let version = form.version.flatMap { Int($0) }
        if id != nil && version == nil {
            return try await page(request, context, message: "Not saved: the form does not say which version of the item it changes; reload the page and make the change again.", status: .conflict)
        }
        if delete, let id {
            do {
                try await server.store.deletePlanItem(district: district, id: id, version: version)
            } catch let stale as StoreError {
                return try await page(request, context, message: "Not removed: \(stale).", status: .conflict)
            }
            try await server.store.record(AuditEvent(district: district, at: Date(), actor: actor, action: "plan-remove", detail: id))
            return Response(status: .seeOther, headers: [.location: "/districts/\(district.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? district)/plan"])
        }
        let item: PlanItem
        switch parse(form, district: district, id: id ?? "", actor: actor) {
        case .failure(let problems):
            return try await page(request, context, message: "Not saved: " + problems.problems.joined(separator: "; ") + ".", status: .badRequest)
        case .success(let parsed): item = parsed
        }
        let saved: PlanItem
        if id == nil {
            saved = try await server.store.addPlanItem(item)
        } else {
            var changed = item
            changed.version = version
            do {
                saved = try await server.store.updatePlanItem(changed)
            } catch let stale as StoreError {
                return try await page(request, context, message: "Not saved: \(stale).", status: .conflict)
            }
        }
        try await server.store.record(AuditEvent(district: district, at: Date(), actor: actor, action: id == nil ? "plan-add" : "plan-change",
                                                 detail: "\(saved.id): \(saved.name(in: server.options.guidebook))"))
        let path = district.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? district
        return Response(status: .seeOther, headers: [.location: "/districts/\(path)/plan#item-\(saved.id)"])
    }

    /// The item a form describes, or every problem with it in the analyst's words.
    func parse(_ f: Form, district: String, id: String, actor: String) -> Result<PlanItem, PlanProblems> {
        var problems: [String] = []
        func text(_ s: String?) -> String { (s ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        let choice = text(f.action).split(separator: ":", maxSplits: 1).map(String.init)
        var rootCause = "", action: String?
        if choice.count == 2, choice[0] == "action", let a = server.options.guidebook.action(choice[1]) {
            rootCause = a.rootCause
            action = a.id
        } else if choice.count == 2, choice[0] == "custom" {
            rootCause = choice[1]
        } else {
            problems.append("choose an action from the list")
        }
        let scope = PlanItem.Scope(rawValue: text(f.scope))
        let timeline = PlanItem.Timeline(rawValue: text(f.timeline))
        let status = PlanItem.Status(rawValue: text(f.status))
        if scope == nil { problems.append("choose across or within schools") }
        if timeline == nil { problems.append("choose a timeline") }
        if status == nil { problems.append("choose a status") }
        var measure: PlanItem.Measure?
        let key = text(f.indicator)
        if !key.isEmpty {
            if let indicator = Indicator(key) {
                let raw = text(f.target)
                let percent = raw.hasSuffix("%")
                if let number = Double(percent ? String(raw.dropLast()).trimmingCharacters(in: .whitespaces) : raw), number.isFinite {
                    let target = percent || (indicator.kind == .advancedRate && number > 1) ? number / 100 : number
                    measure = PlanItem.Measure(indicator: indicator.key, target: target, by: text(f.by))
                } else {
                    problems.append("the target “\(raw)” is not a number (write a rate as 30% or 0.30)")
                }
            } else {
                problems.append("“\(key)” is not an indicator of the diagnostic")
            }
        }
        var notes: [PlanItem.Stakeholder: String] = [:]
        for (s, v) in [(PlanItem.Stakeholder.practitioners, f.note_practitioners), (.educators, f.note_educators), (.advocates, f.note_advocates)] where !text(v).isEmpty {
            notes[s] = text(v)
        }
        var steps: [PlanItem.Step: String] = [:]
        for (s, v) in [(PlanItem.Step.prioritize, f.step_prioritize), (.customize, f.step_customize), (.align, f.step_align), (.plan, f.step_plan)] where !text(v).isEmpty {
            steps[s] = text(v)
        }
        guard problems.isEmpty, let scope, let timeline, let status else { return .failure(PlanProblems(problems)) }
        let item = PlanItem(district: district, id: id, rootCause: rootCause, action: action, title: text(f.title), detail: text(f.detail),
                            scope: scope, owner: text(f.owner), timeline: timeline, status: status, notes: notes, steps: steps,
                            measure: measure, updatedAt: Date(), updatedBy: actor)
        let found = item.problems(against: server.options.guidebook)
        return found.isEmpty ? .success(item) : .failure(PlanProblems(found))
    }

    /// `GET /api/v1/districts/{district}/plan`: the plan with each measure read in every
    /// term, through the caller's suppression policy.
    func json(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        let viewer = try context.identity.apiViewer()
        let district = try context.parameters.require("district")
        guard let site = try await Pages(server: server).site(district) else { throw APIError(.notFound, "no district '\(district)'") }
        let policy = viewer.seesDistrictUnsuppressed(district) ? MosaicServer.unsuppressed : server.policy
        let dashboard = Dashboard(site: site, policy: policy, viewer: "")
        let series = try await Pages(server: server).series(site)
        let items = try await server.store.planItems(district: district)
        return API.json(.object([
            ("district", .string(district)),
            ("items", .array(items.map { item in
                var fields: [(String, JSONValue)] = [
                    ("id", .string(item.id)), ("rootCause", .string(item.rootCause)), ("action", item.action.map(JSONValue.string) ?? .null),
                    ("title", .string(item.name(in: server.options.guidebook))), ("detail", .string(item.detail)),
                    ("scope", .string(item.scope.rawValue)), ("owner", .string(item.owner)), ("timeline", .string(item.timeline.rawValue)),
                    ("status", .string(item.status.rawValue)),
                    ("notes", .object(PlanItem.Stakeholder.allCases.compactMap { s in item.notes[s].map { (s.rawValue, .string($0)) } })),
                    ("steps", .object(PlanItem.Step.allCases.compactMap { s in item.steps[s].map { (s.rawValue, .string($0)) } })),
                    ("updatedAt", .string(item.updatedAt.formatted(.iso8601))),
                ]
                if let m = item.measure, let indicator = Indicator(m.indicator) {
                    fields.append(("measure", .object([
                        ("indicator", .string(m.indicator)), ("name", .string(indicator.name)), ("target", .number(m.target)), ("by", .string(m.by)),
                        ("lowerIsBetter", .bool(indicator.kind.lowerIsBetter)),
                        ("terms", .array(dashboard.readings(indicator, series).map { r in
                            .object([("term", .string(r.term)), ("value", r.value.map(JSONValue.number) ?? .null), ("suppressed", .bool(r.suppressed))])
                        })),
                    ])))
                } else {
                    fields.append(("measure", .null))
                }
                return .object(fields)
            })),
        ]))
    }
}

struct PlanProblems: Error {
    let problems: [String]
    init(_ problems: [String]) { self.problems = problems }
}
