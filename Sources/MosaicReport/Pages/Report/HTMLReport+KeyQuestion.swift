import MosaicCore
import MosaicDiagnostic

/// The Key Question at a glance: the three levels (district against its reference, schools
/// against the district, classrooms against their school) for every dimension, each cell a
/// headline figure, a verdict in plain words, the change since the previous term and a
/// link to its detail. First on the overview and the one-pager.
///
/// Verdicts:
/// - district vs reference, `½ Σ_k |P_k − r_k|`: at most 0.05 "close to" the reference,
///   up to 0.15 "somewhat different", above that "very different";
/// - schools vs district, the multigroup D (Reardon & Firebaugh 2002): below 0.30 low,
///   below 0.60 moderate, else high (Massey & Denton 1993's bands, the thresholds the
///   findings use);
/// - classrooms vs school: how many schools' sections of the same course are sorted beyond
///   what dealing each course's students at random gives (Benjamini–Hochberg across the
///   district's schools), or, for a diagnostic without layers, whose classrooms are.
struct KeyQuestion {
    enum Tone: String { case good, fair, poor, none }

    struct Cell {
        var figure: String
        var verdict: String
        var tone: Tone
        var words: String
        var change: String?
        var link: String?
    }

    let d: Diagnostic
    let disclosure: DiagnosticDisclosure
    let previous: (title: String, diagnostic: Diagnostic, disclosure: DiagnosticDisclosure)?
    /// The schools page for a dimension (the dashboard), or nil (the report file: anchors).
    let schoolsLink: ((Dimension) -> String)?

    func index(_ x: Double, _ digits: Int = 2) -> String { disclosure.formatted(index: x, digits) }

    static func referenceVerdict(_ x: Double) -> (String, Tone) {
        x <= 0.05 ? ("Close to the reference", .good) : x <= 0.15 ? ("Somewhat different", .fair) : ("Very different", .poor)
    }

    static func schoolsVerdict(_ D: Double) -> (String, Tone) {
        D < 0.30 ? ("Low segregation", .good) : D < 0.60 ? ("Moderate segregation", .fair) : ("High segregation", .poor)
    }

    static func classroomVerdict(sorted: Int, of n: Int) -> (String, Tone) {
        guard n > 0 else { return ("Not measured", .none) }
        if sorted == 0 { return ("As random assignment gives", .good) }
        return Double(sorted) / Double(n) <= 0.25 ? ("Some schools sort students", .fair) : ("Many schools sort students", .poor)
    }

    /// A share as a whole percent ("52%"): the grid's words, not its figures.
    func whole(_ x: Double) -> String { "\(Int((x * 100).rounded()))%" }

    /// The previous term as the grid names it ("2024–25", not its session's title too).
    var previousName: String { previous.map { shortName($0.title) } ?? "" }

    /// A signed change in words: "down 0.03 since 2024-25".
    func change(_ now: Double?, _ before: Double?, digits: Int = 2) -> String? {
        guard let previous, let now, let before, now.isFinite, before.isFinite else { return nil }
        let delta = (now * 100).rounded() / 100 - (before * 100).rounded() / 100
        if abs(delta) < 0.005 { return "unchanged since \(previousName)" }
        return "\(delta < 0 ? "down" : "up") \(Format.fixed(abs(delta), digits)) since \(previousName)"
    }

    func previousDimension(_ dim: Dimension) -> DimensionResult? {
        previous?.diagnostic.dimensions.first { $0.dimension == dim }
    }

    var referenceName: String { d.referenceName ?? "the reference composition" }

    func reference(_ dim: DimensionResult) -> Cell {
        guard dim.districtVsReference != nil else {
            let why = dim.dimension == .raceByEconomic ? "Public figures do not cross race with income."
                : "No reference composition for this term (mosaic_reference.csv)."
            return Cell(figure: "–", verdict: "Not measured", tone: .none, words: why)
        }
        guard let x = disclosure.districtVsReference(dim) else {
            return Cell(figure: "suppressed", verdict: "Not shown", tone: .none, words: "A group of the district is too small to show.")
        }
        let (verdict, tone) = Self.referenceVerdict(x)
        let before = previousDimension(dim.dimension).flatMap { previous?.disclosure.districtVsReference($0) }
        return Cell(figure: index(x), verdict: verdict, tone: tone,
                    words: "\(whole(x)) of its students would have to be of another group to match \(shortName(referenceName)).",
                    change: change(x, before), link: "#\(dim.dimension.rawValue)")
    }

    func schools(_ dim: DimensionResult) -> Cell {
        let D = dim.acrossSchools.D
        let (verdict, tone) = Self.schoolsVerdict(D)
        let far = dim.acrossSchools.schools.filter { $0.dissimilarityVsDistrict >= 0.25 }.count
        let n = dim.acrossSchools.schools.count
        let before = previousDimension(dim.dimension)?.acrossSchools.D
        return Cell(figure: "D \(index(D))", verdict: verdict, tone: tone,
                    words: "\(whole(D)) of students would have to change schools for each to mirror the district; \(far) of \(n) schools are 25 points or more off its mix.",
                    change: change(D, before), link: schoolsLink.map { $0(dim.dimension) } ?? "#\(dim.dimension.rawValue)-schools")
    }

    /// Schools whose sections are sorted beyond chance (or, before the layers were kept,
    /// whose classrooms are).
    static func sortedSchools(_ dim: DimensionResult) -> (sorted: Int, of: Int, bySection: Bool) {
        let schools = dim.withinSchools.schools
        let bySection = schools.contains { $0.section != nil }
        let sorted = bySection ? schools.filter { $0.section?.significant == true }.count : schools.filter(\.significant).count
        return (sorted, schools.count, bySection)
    }

    func classrooms(_ dim: DimensionResult) -> Cell {
        guard d.hasClassrooms else {
            if d.publicData != nil {
                return Cell(figure: "–", verdict: "Not measured", tone: .none, words: "Public data has no classes to compare; who takes AP is under Advanced coursework.")
            }
            return Cell(figure: "–", verdict: "Not measured", tone: .none, words: "This term has school counts only: no classes to compare.")
        }
        let (sorted, n, bySection) = Self.sortedSchools(dim)
        let (verdict, tone) = Self.classroomVerdict(sorted: sorted, of: n)
        var changed: String?
        if let previous, let p = previousDimension(dim.dimension), previous.diagnostic.hasClassrooms {
            let before = Self.sortedSchools(p).sorted
            changed = before == sorted ? "unchanged since \(previousName)" : "\(sorted < before ? "down" : "up") from \(before) in \(previousName)"
        }
        let what = bySection ? "sort the sections of a course" : "place students in classrooms"
        return Cell(figure: "\(sorted) of \(n) schools", verdict: verdict, tone: tone,
                    words: sorted == 0
                        ? "No school's classes are more segregated than placing its students at random would make them."
                        : "\(sorted) school\(sorted == 1 ? "" : "s") \(what) by \(dim.dimension.phrase) beyond chance.",
                    change: changed, link: "#\(dim.dimension.rawValue)-classrooms")
    }

    func cell(_ c: Cell, level: String) -> HTML {
        var h: HTML = "<td class=\"kq \(c.tone.rawValue)\" data-level=\"\(level)\"><b class=\"fig\">\(c.figure)</b> <span class=\"verdict\">\(c.verdict)</span>"
        h += "<span class=\"words\">\(c.words)</span>"
        if let change = c.change { h += "<span class=\"change\">\(change)</span>" }
        if let link = c.link { h += "<a href=\"\(link)\">Details<span class=\"visually-hidden\">: \(level)</span></a>" }
        return h + "</td>"
    }

    var html: HTML {
        var h: HTML = "<section id=\"key-question\" aria-labelledby=\"kq-title\"><h2 id=\"kq-title\">The Key Question at a glance</h2>"
        h += "<p>Is each student enrolled in a school and attending classes that are diverse? Three levels for each dimension, \(d.termTitle)\(previous.map { " (changes since \(shortName($0.title)))" } ?? ""):</p>"
        h += scrollRegion + "<table class=\"kq\"><caption>Three levels × \(d.dimensions.count) dimensions</caption><thead><tr><th scope=\"col\">Dimension</th>"
        h += "<th scope=\"col\">The district vs. \(d.referenceName.map { shortName($0) } ?? "its reference")</th>"
        h += "<th scope=\"col\">Schools vs. the district</th><th scope=\"col\">Classrooms vs. their school</th></tr></thead><tbody>"
        for dim in d.dimensions {
            h += "<tr><th scope=\"row\">\(dim.dimension.title)</th>\(cell(reference(dim), level: "The district vs. its reference"))"
            h += "\(cell(schools(dim), level: "Schools vs. the district"))\(cell(classrooms(dim), level: "Classrooms vs. their school"))</tr>"
        }
        h += "</tbody></table></div>"
        h += referenceTable()
        return h + "</section>"
    }

    /// "New York City public schools, 2017-18 (…)" → "New York City public schools, 2017-18".
    func shortName(_ name: String) -> String {
        name.split(separator: "(").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? name
    }

    /// The district's composition beside its reference's, every dimension that has one.
    func referenceTable() -> HTML {
        let dims = d.dimensions.filter { $0.referenceShares != nil }
        guard !dims.isEmpty else {
            return "<p class=\"note\">No reference composition for this term: the first level needs one (<code>mosaic_reference.csv</code>, such as the state's counts).</p>"
        }
        var rows: [[String]] = []
        for dim in dims {
            let shown = disclosure.composition(dim).district
            let known = dim.known
            for (k, g) in dim.groups.enumerated() {
                let district: String = shown[k].map { known > 0 ? disclosure.formatted(share: Double($0) / Double(known)) : "–" } ?? "suppressed"
                rows.append(["\(dim.dimension.title): \(groupLabel(g))", district, Format.percent(dim.referenceShares![k])])
            }
        }
        let table = DataTable(caption: "The district's students and \(referenceName), by group", header: ["Group", "District", shortName(referenceName)],
                              rows: rows, numeric: [1, 2])
        return "<details><summary>The reference: \(referenceName) — its composition beside the district's</summary>\(scrollRegion)\(table.html)</div></details>"
    }

    static let css: HTML = """
        table.kq{width:100%;font-size:.88rem}table.kq td{vertical-align:top;width:29%;border-left:4px solid #ddd;background:#fafbfc}
        table.kq td.good{border-left-color:\(SeverityColour.good)}table.kq td.fair{border-left-color:\(SeverityColour.fair)}table.kq td.poor{border-left-color:\(SeverityColour.poor)}
        td.kq .fig{font-size:1.15rem;display:block}td.kq .verdict{font-weight:600;display:block}td.kq .words{display:block;color:#333;margin:.2rem 0}
        td.kq .change{display:block;color:#444;font-style:italic}td.kq a{font-size:.85rem}
        @media (max-width:640px){table.kq thead{display:none}table.kq tr{display:block;margin:.6rem 0;border-top:2px solid #ddd}
        table.kq th,table.kq td{display:block;width:auto}table.kq td::before{content:attr(data-level);display:block;font-size:.8rem;color:#555}}
        """
}

/// The glossary: every index and term the pages use, in plain words.
enum Glossary {
    static let entries: [(term: String, id: String, meaning: String)] = [
        ("Reference composition", "reference", "The mix of students the district is compared with at the first level: the state's, or the city's for a community school district."),
        ("½ Σ|P − r| (district vs. reference)", "district-vs-reference", "The share of the district's students who would have to be of another group for the district to match its reference. 0 means the same mix."),
        ("D (dissimilarity)", "D", "The share of students who would have to change schools (or classrooms) for every one of them to mirror the whole. 0 is a perfect mirror, 1 complete separation; below 0.30 is called low, 0.30–0.60 moderate and above 0.60 high (Massey & Denton)."),
        ("H (Theil's information index)", "H", "How much less mixed the schools (or classrooms) are than the whole, from 0 (each mirrors the whole) to 1 (each holds one group)."),
        ("M (mutual information)", "M", "The same idea as H, in bits, and it adds up: the district's classroom M splits exactly into programmes, course levels, courses and sections."),
        ("Beyond chance", "chance", "Small classes differ from their school by luck alone. A school is flagged only when its classes are more segregated than in all but a few of many random assignments of its own students to its own classes, after Benjamini–Hochberg across the district's schools."),
        ("Eligible / missing students", "missing", "Students in a grade where the school offers an advanced course are eligible. A group's missing students are how many more of it would take one if it took them at the rate of the reference group."),
        ("Suppressed", "suppressed", "A count smaller than the minimum is not shown, and neither is any other cell that would let it be worked out from a total."),
    ]

    static var html: HTML {
        var h: HTML = "<section id=\"glossary\" aria-labelledby=\"glossary-title\"><h2 id=\"glossary-title\">Glossary</h2><dl class=\"glossary\">"
        for e in entries { h += "<dt id=\"g-\(e.id)\">\(e.term)</dt><dd>\(e.meaning)</dd>" }
        return h + "</dl></section>"
    }

    static let css: HTML = "dl.glossary dt{font-weight:600;margin-top:.6rem}dl.glossary dd{margin:.1rem 0 0 1rem}"
}
