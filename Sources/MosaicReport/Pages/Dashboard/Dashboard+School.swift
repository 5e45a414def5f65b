import MosaicCore
import MosaicDiagnostic

extension Dashboard {
    /// One school: its students against the district, its classrooms against the school
    /// and chance, its advanced participation by group, and the findings about it. Nil
    /// when the term has no such school.
    public func school(_ d: Diagnostic, term: String, id: String) -> HTML? {
        guard let first = d.dimensions.first, let index = first.acrossSchools.schools.firstIndex(where: { $0.id == id }) else { return nil }
        let name = first.acrossSchools.schools[index].name
        var r = report(d, title: name, term: term, current: .schools)
        r.pageTitle = "\(name) — \(site.name) — Mosaic"
        var h: HTML = "<h1>\(name)</h1><p class=\"note\">Term \(d.termTitle) · school \(id)</p>"
        if showsSchedule && d.hasClassrooms {
            let school = "\(termBase(term))/schools/\(urlEscape(id))"
            h += "<ul class=\"tools\"><li><a href=\"\(school)/students\">Student list</a> · <a href=\"\(school)/students?advanced=missing\">eligible students in no advanced class</a></li>"
            h += "<li><a href=\"\(school)/schedule\">Schedule: conflicts, and the sections before and after a balanced re-sectioning (export as enrollments.csv)</a></li>"
            h += "<li><a href=\"\(school)/class-lists\">Class lists: split a grade into balanced classes</a></li></ul>"
            h += "<p class=\"note\">For the district's staff and the school's leaders; every view of student-level data is logged.</p>"
        }
        if d.hasClassrooms {
            h += "<p><a href=\"\(termBase(term))/schools/\(urlEscape(id))/enrichment\">Enrichment clusters: participation this year against the school's goal</a></p>"
        }
        if first.advanced.levels?.contains(where: { $0.level == .openHonors && $0.schools.contains { $0.id == id } }) == true {
            h += "<p><a href=\"\(termBase(term))/schools/\(urlEscape(id))/open-honors\">Open honors: who takes honors credit, by group, week by week</a></p>"
        }
        if site.synthetic { h += "<p class=\"synthetic\"><b>Synthetic data.</b> An invented district for demonstration: school compositions drawn from real NYC schools, students and classes invented.</p>" }
        let findings = d.findings.filter { $0.subject == id }
        h += "<section><h2>Findings about this school</h2>"
        h += findings.isEmpty ? "<p>None: nothing beyond chance and the thresholds.</p>"
            : findings.map { "<div class=\"finding \($0.level.rawValue)\">\(r.disclosure.message($0, in: d))</div>" }.joined()
        h += "</section>"
        for dim in d.dimensions {
            guard let i = dim.acrossSchools.schools.firstIndex(where: { $0.id == id }) else { continue }
            h += "<section id=\"\(dim.dimension.rawValue)\"><h2>\(dim.dimension.title)</h2>"
            h += schoolComposition(dim, i, r)
            if let w = dim.withinSchools.schools.first(where: { $0.id == id }) { h += classrooms(dim, w, r) }
            if let a = dim.advanced.schools.first(where: { $0.id == id }) { h += schoolAdvanced(dim, a, r) }
            h += "</section>"
        }
        return r.page(h)
    }

    /// The school's bar against the district's, from the suppressed table of all schools
    /// (so the cells hidden here are the cells hidden everywhere).
    func schoolComposition(_ dim: DimensionResult, _ i: Int, _ r: HTMLReport) -> HTML {
        let comp = r.disclosure.composition(dim)
        let s = dim.acrossSchools.schools[i]
        let G = dim.groups.count
        let labelW = 120, barW = 560, rowH = 22
        var svg = svgOpening(id: "\(dim.dimension.rawValue)-school", width: labelW + barW + 20, height: 34 + 2 * (rowH + 8) + 6,
                             title: "\(dim.dimension.title): \(s.name) against the district",
                             desc: "Two stacked bars: the district's students and the school's, by group. Grey is suppressed or unknown.")
        func bar(_ y: Int, _ label: String, _ cells: [Int?], _ shownTotal: Int?) {
            svg += "<text x=\"\(labelW - 6)\" y=\"\(y + 15)\" text-anchor=\"end\">\(label)</text>"
            // Shares of a hidden total would give it back.
            guard let total = shownTotal else {
                svg += "<text x=\"\(labelW + 4)\" y=\"\(y + 15)\" class=\"note\">suppressed</text>"
                return
            }
            var x = Double(labelW), rest = Double(total)
            for k in 0..<G {
                guard let n = cells[k], total > 0 else { continue }
                let w = Double(barW) * Double(n) / Double(total)
                rest -= Double(n)
                svg += "<rect x=\"\(fmt(x))\" y=\"\(y)\" width=\"\(fmt(w))\" height=\"\(rowH)\" fill=\"\(GroupColour.of(dim.groups[k]))\"><title>\(Dimension.label(dim.groups[k])): \(r.share(Double(n) / Double(total)))</title></rect>"
                x += w
            }
            if rest > 0 && total > 0 {
                svg += "<rect x=\"\(fmt(x))\" y=\"\(y)\" width=\"\(fmt(Double(barW) * rest / Double(total)))\" height=\"\(rowH)\" fill=\"\(hiddenColour)\"><title>suppressed or unknown</title></rect>"
            }
        }
        bar(34, "District", comp.district, comp.districtStudents)
        bar(34 + rowH + 8, "This school", comp.schools[i], comp.schoolStudents[i])
        svg += "</svg>" + r.legend(dim.groups, hidden: true)
        let rows = (0...G).map { k -> [String] in
            let label = k < G ? Dimension.label(dim.groups[k]) : "Unknown"
            func cell(_ n: Int?, _ total: Int?) -> String {
                guard let n else { return "suppressed" }
                guard let total else { return Format.count(n) }
                return "\(Format.count(n)) (\(r.share(total > 0 ? Double(n) / Double(total) : 0)))"
            }
            let school = cell(comp.schools[i][k], comp.schoolStudents[i])
            let district = cell(comp.district[k], comp.districtStudents)
            return [label, school, district]
        }
        let index = r.disclosure.schoolIndex(dim, i).map { Format.fixed($0, 2) } ?? "suppressed"
        let table = DataTable(caption: "\(dim.dimension.title): the school and the district (½Σ|p − P| = \(index))",
                              header: ["group", "this school", "district"], rows: rows, numeric: [1, 2])
        return "<figure>\(svg)<details><summary>Data table</summary>\(table.scrolled)</details></figure>"
    }

    func classrooms(_ dim: DimensionResult, _ w: WithinSchools.School, _ r: HTMLReport) -> HTML {
        let p = r.disclosure.showsEverything ? Format.pValue(w.pValue) : r.index(w.pValue, 2)
        var h: HTML = "<h3>Classrooms</h3><p>Classroom H \(r.index(w.H, 3)) against \(r.index(w.expectedH, 3)) by chance (p = \(p))\((w.significant ? ": <b>more segregated than random assignment, beyond chance</b>" : ": within what chance gives") as HTML)."
        h += "</p>"
        if let layers = w.layers {
            // Where it comes from: the chain rule's four layers (contract diagnose.md).
            let parts = HTMLReport.layerStyles.map { layer, colour, label -> HTML in
                "<span><i style=\"background:\(colour)\"></i>\(label): \(Format.percent(r.disclosure.aggregate(layers.share(layer)), digits: 0))</span>"
            }
            h += "<p>Where it comes from (share of M = \(r.index(layers.total, 3))):</p><div class=\"legend\">\(parts.joined())</div>"
            if let b = w.section {
                let pSections = r.disclosure.showsEverything ? Format.pValue(b.pValue) : r.index(b.pValue, 2)
                h += "<p>Sections of the same course: M \(r.index(layers.section, 3)) against \(r.index(b.expectedM, 3)) if each course's students were dealt to its sections at random (p = \(pSections))\((b.significant ? ": <b>sorted beyond chance</b> — a scheduling practice" : ": within what chance gives") as HTML).</p>"
                if r.disclosure.seesClassrooms(of: w.id), let courses = w.courses, !courses.isEmpty {
                    h += "<p class=\"note\">Courses whose sections differ most: \(courses.prefix(3).map { "\($0.title) (\($0.sections) sections)" }.joined(separator: ", ")).</p>"
                }
            }
        }
        guard r.disclosure.seesClassrooms(of: w.id) else {
            // A class's index gives back its composition, and a school's classes add up to
            // its students: class by class is for the school's own staff.
            return h + "<p class=\"note\">\(w.classrooms.count) classes. Class-by-class figures are shown to the school's and the district's staff only.</p>"
        }
        let shown = w.classrooms.sorted { $0.dissimilarityVsSchool > $1.dissimilarityVsSchool }
        let rows = shown.map { c in
            [c.title, Format.count(c.students), Format.fixed(c.dissimilarityVsSchool, 2)]
        }
        let table = DataTable(caption: "\(dim.dimension.title): classes furthest from the school's mix first", header: ["class", "students", "½Σ|p − P| vs school"], rows: rows, numeric: [1, 2])
        h += "<details><summary>\(w.classrooms.count) classes</summary>\(scrollRegion)\(table.html)</div></details>"
        return h
    }

    func schoolAdvanced(_ dim: DimensionResult, _ a: Advanced.School, _ r: HTMLReport) -> HTML {
        let rows = zip(a.groups, r.disclosure.shown(dim, school: a.id)).map { g, x -> [String] in
            if g.eligible == 0 { return [Dimension.label(g.group), "0", "0", "–", "–"] }
            return [Dimension.label(g.group), x.eligible.map(Format.count) ?? "suppressed", x.participants.map(Format.count) ?? "suppressed",
                    x.rate.map(r.share) ?? "suppressed", x.gapToHighestPP.map { Format.fixed($0, 1) } ?? "suppressed"]
        }
        let table = DataTable(caption: "\(dim.dimension.title): advanced course participation in this school",
                              header: ["group", "eligible", "participants", "rate", "gap to highest (pp)"], rows: rows, numeric: [1, 2, 3, 4])
        return "<h3>Advanced coursework</h3>\(table.scrolled)"
    }
}
