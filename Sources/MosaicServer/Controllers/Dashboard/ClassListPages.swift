import Foundation
import Hummingbird
import MosaicCore
import MosaicDiagnostic
import MosaicMetrics
import MosaicReport
import MosaicSchedule
import MosaicStore

/// A school's class lists (`…/schools/:school/class-lists`): the principal picks a grade,
/// the number and sizes of classes and who to keep apart or together, and gets balanced
/// lists (`ClassLists.solve`, seeded). Student-level data: the district's staff and the
/// school's leaders, signed in; every list made goes to the audit log.
struct ClassListPages: Sendable {
    let server: MosaicServer

    func add(to router: Router<MosaicRequestContext>) {
        let base = "districts/:district/terms/:term/schools/:school/class-lists"
        router.get(RouterPath(base)) { request, context in try await self.page(request, context) }
        router.post(RouterPath(base)) { request, context in try await self.make(request, context) }
    }

    static let area = SchoolPlace.Area(
        plural: "class lists", publicView: false,
        staffOnlyReason: "Class lists name students: only the district's staff and the school's leaders, signed in, may make them.",
        needs: "students to place in classes")

    /// The school's students of the term, by grade.
    func students(_ p: SchoolPlace) async throws -> [Grade: [Student]] {
        let roster = try await server.rosters.roster(p.term, from: server.store)
        let list = (try? placements(in: roster, term: p.session, school: p.school)) ?? nil
        return Dictionary(grouping: (list ?? []).map(\.student).filter { $0.grade != nil }, by: { $0.grade! })
    }

    func view(_ p: SchoolPlace, _ byGrade: [Grade: [Student]]) -> ClassListPage {
        ClassListPage(district: p.district, term: p.term.id, termTitle: p.term.title, school: p.school, schoolName: p.schoolName,
                      viewer: p.visitor.label, account: p.visitor.account, csrf: p.csrf ?? "",
                      grades: byGrade.keys.sorted().map { .init(code: $0.description, title: Self.title($0), students: byGrade[$0]!.count) })
    }

    static func title(_ g: Grade) -> String {
        switch g.description {
        case "KG": "Kindergarten"
        case "PK": "Pre-kindergarten"
        case "TK": "Transitional kindergarten"
        case let code: Int(code).map { "Grade \($0)" } ?? code
        }
    }

    func page(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        let p: SchoolPlace
        switch try await SchoolPlace.find(server, context, Self.area) { case .response(let r): return r; case .found(let x): p = x }
        let byGrade = try await students(p)
        let first = byGrade.keys.sorted().first
        let request = first.map { ClassListPage.defaults(grade: $0.description, students: byGrade[$0]!.count) }
            ?? ClassListPage.Request(grade: "", classes: 1, min: 0, max: 30, seed: 1)
        return SchedulePages.private(view(p, byGrade).html(request))
    }

    struct Form: Decodable {
        var csrf: String?
        var grade, classes, min, max, seed, keepApart, keepTogether: String?
    }

    func make(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        let p: SchoolPlace
        switch try await SchoolPlace.find(server, context, Self.area) { case .response(let r): return r; case .found(let x): p = x }
        guard let csrf = p.csrf, let form = try await SignIn.decode(Form.self, request, limit: 131_072), form.csrf == csrf else {
            return Pages.refused("Refused", "The form had expired. Go back, reload the page and send it again.", account: p.visitor.account)
        }
        let byGrade = try await students(p)
        func number(_ s: String?) -> Int? { s.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } }
        var problems: [String] = []
        let grade = Grade(form.grade ?? "")
        if grade == nil || byGrade[grade!] == nil { problems.append("grade: choose one of the school's grades") }
        let classes = number(form.classes), min = number(form.min), max = number(form.max)
        if classes == nil || !(1...40).contains(classes!) { problems.append("classes: a number from 1 to 40") }
        if min == nil || max == nil || min! < 0 || max! < 1 || min! > max! { problems.append("class sizes: the smallest and largest class, 0 ≤ smallest ≤ largest") }
        let seedText = (form.seed ?? "").trimmingCharacters(in: .whitespaces)
        let seed = seedText.isEmpty ? 1 : UInt64(seedText)
        if seed == nil { problems.append("seed: a whole number from 0") }
        let asked = ClassListPage.Request(grade: form.grade ?? "", classes: classes ?? 1, min: min ?? 0, max: max ?? 30, seed: seed ?? 1,
                                          keepApart: form.keepApart ?? "", keepTogether: form.keepTogether ?? "")
        let view = view(p, byGrade)
        guard problems.isEmpty, let grade, let students = byGrade[grade] else {
            return SchedulePages.private(view.html(asked, problems: problems), status: .badRequest)
        }
        let instance = ClassListInstance.grade(students, classes: asked.classes, min: asked.min, max: asked.max, prefix: "\(grade.description)-",
                                               keepApart: asked.keepApart, keepTogether: asked.keepTogether)
        let found = instance.problems()
        guard found.isEmpty else { return SchedulePages.private(view.html(asked, problems: found), status: .badRequest) }
        // A grade is a few hundred students at most: a second or less, off the event loop.
        let result = try await Task.detached(priority: .userInitiated) { () throws -> ClassListResult in
            var rng = SeededGenerator(seed: asked.seed)
            return try ClassLists.solve(instance, using: &rng)
        }.value
        try await server.store.record(AuditEvent(district: p.district, at: Date(), actor: p.visitor.viewer.email ?? "", action: "view-student-data",
                                                 detail: "\(p.term.id)/\(p.school) class lists, grade \(grade.description): \(students.count) students in \(asked.classes) classes"))
        return SchedulePages.private(view.html(asked, result: (result, instance)))
    }
}
