import Foundation
import MosaicCore
import MosaicSchedule

/// A school's class lists for its principal: choose a grade, how many classes and their
/// sizes, the students to keep apart or together, and get classes that each mirror the
/// grade on race, income, English learners, disability and gender (`ClassLists.solve`,
/// the contract's `mosaic schedule classlist`), with each class's composition, the lists
/// themselves and a CSV to take away. Student-level: staff and the school's leaders only.
public struct ClassListPage: Sendable {
    public struct Grade: Sendable {
        public var code: String
        public var title: String
        public var students: Int
        public init(code: String, title: String, students: Int) {
            self.code = code
            self.title = title
            self.students = students
        }
    }

    /// What the form was sent with (kept on the page when it is shown again).
    public struct Request: Sendable {
        public var grade: String
        public var classes: Int
        public var min: Int
        public var max: Int
        public var seed: UInt64
        public var keepApart: String
        public var keepTogether: String
        public init(grade: String, classes: Int, min: Int, max: Int, seed: UInt64, keepApart: String = "", keepTogether: String = "") {
            self.grade = grade
            self.classes = classes
            self.min = min
            self.max = max
            self.seed = seed
            self.keepApart = keepApart
            self.keepTogether = keepTogether
        }
    }

    public var district: String, term: String, termTitle: String, school: String, schoolName: String, viewer: String
    public var account: HTML
    public var csrf: String
    public var grades: [Grade]

    public init(district: String, term: String, termTitle: String, school: String, schoolName: String, viewer: String, account: HTML,
                csrf: String, grades: [Grade]) {
        self.district = district
        self.term = term
        self.termTitle = termTitle
        self.school = school
        self.schoolName = schoolName
        self.viewer = viewer
        self.account = account
        self.csrf = csrf
        self.grades = grades
    }

    var schoolPath: String { "/districts/\(urlEscape(district))/terms/\(urlEscape(term))/schools/\(urlEscape(school))" }

    /// A sensible request for a grade of `n` students: classes of about 22.
    public static func defaults(grade: String, students n: Int) -> Request {
        let classes = Swift.max(1, Int((Double(n) / 22).rounded(.up)))
        let even = Double(n) / Double(classes)
        return Request(grade: grade, classes: classes, min: Swift.max(0, Int(even.rounded(.down)) - 2), max: Int(even.rounded(.up)) + 2, seed: 1)
    }

    func form(_ r: Request) -> HTML {
        var h: HTML = "<form method=\"post\" action=\"\(schoolPath)/class-lists\" class=\"tool\"><input type=\"hidden\" name=\"csrf\" value=\"\(csrf)\">"
        h += "<label>Grade <select name=\"grade\">"
        for g in grades { h += "<option value=\"\(g.code)\"\((g.code == r.grade ? " selected" : "") as HTML)>\(g.title) (\(g.students) students)</option>" }
        h += "</select></label>"
        h += "<label>Classes <input name=\"classes\" type=\"number\" min=\"1\" max=\"40\" value=\"\(r.classes)\"></label>"
        h += "<label>Smallest class <input name=\"min\" type=\"number\" min=\"0\" max=\"200\" value=\"\(r.min)\"></label>"
        h += "<label>Largest class <input name=\"max\" type=\"number\" min=\"1\" max=\"200\" value=\"\(r.max)\"></label>"
        h += "<label>Keep apart (one set of student ids per line) <textarea name=\"keepApart\" rows=\"3\">\(r.keepApart)</textarea></label>"
        h += "<label>Keep together (one set of student ids per line) <textarea name=\"keepTogether\" rows=\"3\">\(r.keepTogether)</textarea></label>"
        h += "<label>Seed <input name=\"seed\" type=\"number\" min=\"0\" value=\"\(String(r.seed))\"> <span class=\"note\">the same seed and form give the same lists</span></label>"
        return h + "<button type=\"submit\">Make the class lists</button></form>"
    }

    /// The form, and the class lists when they were made.
    public func html(_ request: Request, result: (ClassListResult, ClassListInstance)? = nil, problems: [String] = []) -> HTML {
        var h = SiteNavigation([.link(schoolName, href: schoolPath)], viewer: viewer, account: account).html
        h += "<h1>Class lists: \(schoolName)</h1><p class=\"note\">\(termTitle) · for the district's staff and the school's leaders; every list made is logged</p>"
        h += "<p>Split a grade into classes that each mirror the grade by race and ethnicity, economic disadvantage, English learners, disability and gender, keeping apart and together the students you name.</p>"
        if !problems.isEmpty {
            h += "<div class=\"problem\" role=\"alert\"><p><b>No lists made:</b></p><ul>" + problems.map { "<li>\($0)</li>" as HTML }.joined() + "</ul></div>"
        }
        h += form(request)
        if let (result, instance) = result { h += lists(result, instance, grade: request.grade) }
        return Dashboard.standalone(title: "Class lists: \(schoolName) — Mosaic", css: RoundsPage.css + HTMLReport.kpiCSS + Self.css, body: h)
    }

    func lists(_ r: ClassListResult, _ instance: ClassListInstance, grade: String) -> HTML {
        var h: HTML = "<section aria-labelledby=\"lists\"><h2 id=\"lists\">The classes</h2>"
        h += r.perfect
            ? "<p class=\"done\">Every class mirrors the grade as closely as whole students allow, on every dimension.</p>"
            : "<p class=\"note\">Not every count could be the nearest whole number to the grade's share (the keep-apart and keep-together sets, or the sizes, stand in the way): the largest gaps are below.</p>"
        let dims: [MosaicCore.Dimension] = [.race, .economic, .englishLearner, .disability, .gender]
        var cards = Cards()
        for d in dims { if let b = r.balance[d.rawValue] { cards.add("\(Format.fixed(b.D, 3))", "\(d.title): D across the classes (largest gap \(Format.fixed(b.maxDeviation, 1)) students)") } }
        h += cards.html
        // Each class's composition.
        let byClass = Dictionary(grouping: instance.students, by: { r.assignments[$0.id] ?? "" })
        var header = ["Class", "Students"]
        var columns: [(MosaicCore.Dimension, String)] = []
        for d in dims {
            let present = Set(instance.students.compactMap { $0.groups?[d.rawValue] })
            for g in d.rosterGroups where present.contains(g) { columns.append((d, g)); header.append("\(d.title): \(groupLabel(g))") }
        }
        let rows = instance.classes.map { c -> [String] in
            let members = byClass[c.id] ?? []
            return [c.id, "\(members.count)"] + columns.map { d, g in "\(members.filter { $0.groups?[d.rawValue] == g }.count)" }
        }
        h += scrollRegion + DataTable(caption: "Each class by group", header: header, rows: rows, numeric: Set(1..<header.count)).html + "</div>"
        // The lists.
        var csv = "student_id,class\n"
        h += "<div class=\"classes\">"
        for c in instance.classes {
            let members = (byClass[c.id] ?? []).map(\.id).sorted()
            for m in members { csv += "\(csvField(m)),\(csvField(c.id))\n" }
            h += "<section class=\"class\"><h3>\(c.id) <span class=\"note\">\(members.count) students</span></h3><p>\(members.joined(separator: ", "))</p></section>"
        }
        h += "</div>"
        h += "<p><a download=\"class-lists-\(school)-grade-\(grade).csv\" href=\"data:text/csv;charset=utf-8;base64,\(Data(csv.utf8).base64EncodedString())\">Download the class lists (CSV: student_id, class)</a></p>"
        return h + "</section>"
    }

    static let css: HTML = """
        .classes{display:grid;grid-template-columns:repeat(auto-fill,minmax(14rem,1fr));gap:.6rem}.class{background:#f5f7fa;border-radius:8px;padding:.2rem .8rem}
        .class p{font-size:.85rem;word-break:break-word}form.tool textarea{font:inherit;width:min(30rem,100%)}
        """
}
