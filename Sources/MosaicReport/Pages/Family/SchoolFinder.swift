import Foundation
import MosaicCore
import MosaicDiagnostic

/// One school as the family school finder shows it: its programmes by course level, who
/// attends (through the suppression policy), and how far it is from the family's point.
public struct FinderSchool: Sendable {
    public var id: String
    public var name: String
    /// Nil when the policy hides the total.
    public var students: Int?
    /// Course titles offered this term, by level (general courses left out).
    public var courses: [CourseLevel: [String]]
    /// Per dimension (race, economic), each group's share of the school, nil where hidden.
    public var composition: [(dimension: MosaicCore.Dimension, groups: [(group: String, share: Double?)])]
    public var location: (x: Double, y: Double)?
    public var distanceKm: Double?

    public init(id: String, name: String, students: Int?, courses: [CourseLevel: [String]],
                composition: [(dimension: MosaicCore.Dimension, groups: [(group: String, share: Double?)])],
                location: (x: Double, y: Double)?, distanceKm: Double? = nil) {
        self.id = id
        self.name = name
        self.students = students
        self.courses = courses
        self.composition = composition
        self.location = location
        self.distanceKm = distanceKm
    }
}

extension FamilyPages {
    /// The finder's schools from a term's roster and diagnostic: every share shown passes
    /// `policy` (a group's share is shown only where its count is, so no hidden count can
    /// be read back from a share and the total). Course titles are in `language` where
    /// the district gave them (`Roster.Course.titleEs`), in English otherwise.
    public static func finderSchools(roster: Roster, diagnostic: Diagnostic, policy: SuppressionPolicy,
                                     locations: [String: (x: Double, y: Double)], language: Language = .en) -> [FinderSchool] {
        var courses: [String: [CourseLevel: Set<String>]] = [:]
        for section in roster.sections {
            let course = roster.courses[section.course]
            guard course.level != .general else { continue }
            let title = language == .es ? course.titleEs ?? course.title : course.title
            courses[roster.orgs[section.school].id, default: [:]][course.level, default: []].insert(title)
        }
        let dims = diagnostic.dimensions.filter { $0.dimension == .race || $0.dimension == .economic }
        let disclosure = DiagnosticDisclosure.cached(diagnostic, audience: .public, policy: policy)
        let tables = dims.map { ($0, disclosure.composition($0)) }
        let schools = dims.first?.acrossSchools.schools ?? []
        return schools.enumerated().map { i, s in
            let totals: Int? = tables.first.flatMap { $0.1.schoolStudents[i] }
            let composition = tables.map { dim, table in
                (dimension: dim.dimension, groups: dim.groups.indices.map { k in
                    (group: dim.groups[k], share: table.schools[i][k].flatMap { n in totals.map { $0 > 0 ? Double(n) / Double($0) : 0 } })
                })
            }
            return FinderSchool(id: s.id, name: s.name, students: totals,
                                courses: (courses[s.id] ?? [:]).mapValues { $0.sorted() }, composition: composition,
                                location: locations[s.id], distanceKm: nil)
        }
    }

    /// The finder page: the schools (nearest first when the family chose a starting
    /// point), and how placement, advanced courses, fees and requirements work.
    public func finder(district: String, schools given: [FinderSchool], minimumN: Int, near: String?, openRound: (name: String, path: String)?) -> HTML {
        var schools = given
        let start = near.flatMap { id in schools.first { $0.id == id }?.location }
        if let start {
            for i in schools.indices {
                schools[i].distanceKm = schools[i].location.map { ((($0.x - start.x) * ($0.x - start.x) + ($0.y - start.y) * ($0.y - start.y))).squareRoot() }
            }
            schools.sort { ($0.distanceKm ?? .infinity, $0.name) < ($1.distanceKm ?? .infinity, $1.name) }
        }
        let located = schools.filter { $0.location != nil }
        var body: HTML = "<h1>\(t("finder.title", district))</h1><p>\(t("finder.intro", "\(minimumN)"))</p>"
        if let openRound { body += "<p><a href=\"\(openRound.path)\"><strong>\(t("finder.apply", openRound.name))</strong></a></p>" }
        if located.isEmpty {
            body += "<p class=\"note\">\(t("finder.noDistances"))</p>"
        } else {
            body += "<form method=\"get\" action=\"\(path)\"><label for=\"near\">\(t("finder.near"))</label><select id=\"near\" name=\"near\">"
            body += "<option value=\"\">\(t("finder.nearNone"))</option>"
            for s in located.sorted(by: { $0.name < $1.name }) {
                body += "<option value=\"\(s.id)\"\(s.id == near ? " selected" : "")>\(s.name)</option>"
            }
            body += "</select> <button type=\"submit\">\(t("finder.sort"))</button></form>"
        }
        for s in schools {
            body += "<section class=\"school\" aria-labelledby=\"s-\(s.id)\"><h2 id=\"s-\(s.id)\">\(s.name)</h2><p class=\"note\">"
            body += s.students.map { t("finder.students", Format.count($0)) } ?? t("finder.studentsHidden")
            // Miles: the districts Mosaic serves are American.
            if let d = s.distanceKm { body += " · " + t("finder.distance", Format.fixed(d * 0.621371, 1)) }
            body += "</p>"
            func levels(_ heading: String, _ wanted: [CourseLevel]) -> HTML {
                let found = wanted.filter { !(s.courses[$0] ?? []).isEmpty }
                var h: HTML = "<h3>\(t(heading))</h3>"
                guard !found.isEmpty else { return h + "<p class=\"note\">\(t("finder.none"))</p>" }
                h += "<ul>"
                for level in found { h += "<li><strong>\(t("level.\(level.rawValue)"))</strong>: \(s.courses[level]!.joined(separator: ", "))</li>" }
                return h + "</ul>"
            }
            body += levels("finder.advanced", [.honors, .openHonors, .ap, .ib, .dual, .gifted])
            body += levels("finder.enrichment", [.enrichment])
            body += levels("finder.support", [.esl, .intervention])
            body += "<h3>\(t("finder.composition"))</h3>"
            for (dimension, groups) in s.composition {
                let label = dimension == .race ? t("finder.race") : t("finder.economic")
                body += "<p><span class=\"dim\">\(label):</span> " + groups.map { g in
                    "\(t("group.\(g.group)")) \(g.share.map { HTML(text: Format.percent($0)) } ?? t("finder.hidden"))" as HTML
                }.joined(separator: " · ") + "</p>"
            }
            body += "</section>"
        }
        body += "<h2>\(t("finder.placement"))</h2><p>\(t("finder.placement.text"))</p>"
        body += "<h2>\(t("finder.advancedHow"))</h2><p>\(t("finder.advancedHow.text"))</p>"
        body += "<h2>\(t("finder.fees"))</h2><p>\(t("finder.fees.text"))</p>"
        body += "<h2>\(t("finder.requirements"))</h2><p>\(t("finder.requirements.text"))</p>"
        return page(t("finder.title", district), body)
    }
}
