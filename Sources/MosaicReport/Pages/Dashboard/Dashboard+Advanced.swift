import MosaicCore
import MosaicDiagnostic

extension Dashboard {
    /// Advanced coursework: participation, representation, gaps and missing students by
    /// group for every dimension, district-wide and per school.
    public func advanced(_ d: Diagnostic, term: String) -> HTML {
        let r = report(d, title: "Advanced coursework", term: term, current: .advanced)
        var h: HTML = "<h1>Advanced coursework</h1><p class=\"note\">Who takes honors, open honors, AP, IB, dual-enrollment and gifted classes, term \(d.termTitle). Missing students: how many more of a group would take one if, in each of its schools, it took part at the rate of the school's other eligible students (added up over the schools); the table also gives the count to reach the highest group's rate and the reference group's.</p>"
        guard d.hasClassrooms else {
            return r.page(h + "<p><b>No course data in this term.</b> It holds school-level counts only; advanced coursework needs a roster with courses and enrollments (<code>mosaic import</code>).</p>")
        }
        if showsStudentLists {
            h += "<p><a href=\"\(termBase(term))/auto-enroll\">Auto-enrollment: what if every student at a state-assessment cut-off were enrolled?</a> <span class=\"note\">(district staff)</span></p>"
        }
        for dim in d.dimensions {
            h += "<section id=\"\(dim.dimension.rawValue)\"><h2>\(dim.dimension.title)</h2>"
            let (svg, table) = r.advancedChart(dim)
            h += "<figure>\(svg)<details><summary>Data table</summary>\(table.scrolled)</details></figure>"
            let rows = dim.advanced.schools.map { s -> [String] in
                [s.name] + zip(s.groups, r.disclosure.shown(dim, school: s.id)).map { g, x in
                    g.eligible == 0 ? "–" : (x.rate.map(r.share) ?? "suppressed")
                }
            }
            let perSchool = DataTable(caption: "\(dim.dimension.title): participation rate by school", header: ["school"] + dim.groups.map(Dimension.label),
                                      rows: rows, numeric: Set(1...max(1, dim.groups.count)))
            h += "<details><summary>By school (\(rows.count))</summary>\(scrollRegion)\(perSchool.html)</div></details>"
            h += levelTable(dim, r)
            h += "</section>"
        }
        return r.page(h)
    }

    /// Participation in each advanced level (honors, open honors, AP, IB, dual enrollment,
    /// gifted) by group: eligible where a class of the level lists the student's grade in
    /// their school. Rates only, each through the rate rule; no overall rate or count (they
    /// would give a hidden group's count back with the group rates beside them).
    func levelTable(_ dim: DimensionResult, _ r: HTMLReport) -> HTML {
        guard let levels = dim.advanced.levels, !levels.isEmpty else { return "" }
        // Levels taken by exactly the same students (the same eligible and participants in
        // every group and school) are one row: repeated rows read as an error.
        var merged: [(titles: [String], level: Advanced.Level)] = []
        for l in levels {
            if let k = merged.firstIndex(where: { $0.level.groups == l.groups && $0.level.schools == l.schools }) {
                merged[k].titles.append(l.level.title)
            } else {
                merged.append(([l.level.title], l))
            }
        }
        let rows = merged.map { m -> [String] in
            let l = m.level
            let title = m.titles.count == 1 ? m.titles[0] : m.titles.joined(separator: " · ") + " (the same students take each)"
            // Schools, not students: said in words so no reader (or check) takes it for a count of students.
            return [title, "\(l.schools.count) school\(l.schools.count == 1 ? "" : "s")"] + zip(l.groups, r.disclosure.shown(dim, level: l.level, school: nil)).map { x, shown in
                x.eligible == 0 ? "–" : (shown.rate.map(r.share) ?? "suppressed")
            }
        }
        let table = DataTable(caption: "\(dim.dimension.title): participation by course level", header: ["level", "offered in"] + dim.groups.map(Dimension.label),
                              rows: rows, numeric: Set(2...(dim.groups.count + 1)))
        return "<h3>By course level</h3><p class=\"note\">Of the students in a grade that a class of the level lists in their school, the share in one.</p>\(scrollRegion)\(table.html)</div>"
    }
}
