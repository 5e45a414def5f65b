import MosaicCore
import MosaicDiagnostic

extension HTMLReport {
    /// Composition bars, one per school, with the district's mix as a bar on top and
    /// its group boundaries drawn as lines through every school.
    func compositionChart(_ dim: DimensionResult) -> (HTML, DataTable) {
        let G = dim.groups.count
        let schools = dim.acrossSchools.schools
        let composition = disclosure.composition(dim)
        let district = composition.district, table = composition.schools
        // A hidden index goes last: its place in the order would bound it.
        let index = schools.indices.map { disclosure.schoolIndex(dim, $0) }
        let order = schools.indices.sorted { (index[$0] ?? -1) > (index[$1] ?? -1) }
        let shown = Array(order.prefix(chartedSchools))
        let known = Double(max(1, dim.known))
        let P = dim.counts.map { Double($0) / known }
        let rowH = 16, labelW = 230, barW = 560, top = 34
        let height = top + (shown.count + 1) * (rowH + 4) + 10
        let title = "\(dim.dimension.title): each school's students against the district"
        var desc = "Stacked bars of each school's \(dim.dimension.title.lowercased()) composition, the \(shown.count) schools furthest from the district's mix first (of \(schools.count)); vertical lines mark the district's shares."
        if schools.count > shown.count { desc += " All schools are in the data table." }
        var svg = svgOpening(id: "\(dim.dimension.rawValue)-a", width: labelW + barW + 70, height: height, title: title, desc: desc)
        func bar(_ y: Int, _ label: String, _ cells: [Int?], _ shownTotal: Int?, _ dissimilarity: Double?) {
            svg += "<text x=\"\(labelW - 6)\" y=\"\(y + 12)\" text-anchor=\"end\">\(String(label.prefix(34)))</text>"
            // Shares are drawn against a shown total only: against a hidden one they would give it back.
            guard let total = shownTotal else {
                svg += "<text x=\"\(labelW + 4)\" y=\"\(y + 12)\" class=\"note\">suppressed</text>"
                return
            }
            var x = Double(labelW)
            var hidden = Double(total)
            for k in 0..<G {
                guard let n = cells[k], total > 0 else { continue }
                hidden -= Double(n)
                let w = Double(barW) * Double(n) / Double(total)
                svg += "<rect x=\"\(fmt(x))\" y=\"\(y)\" width=\"\(fmt(w))\" height=\"\(rowH)\" fill=\"\(GroupColour.of(dim.groups[k]))\"><title>\(Dimension.label(dim.groups[k])): \(share(Double(n) / Double(total)))</title></rect>"
                x += w
            }
            if hidden > 0 && total > 0 {
                svg += "<rect x=\"\(fmt(x))\" y=\"\(y)\" width=\"\(fmt(Double(barW) * hidden / Double(total)))\" height=\"\(rowH)\" fill=\"\(hiddenColour)\"><title>suppressed or unknown</title></rect>"
            }
            if let dissimilarity { svg += "<text x=\"\(labelW + barW + 6)\" y=\"\(y + 12)\">\(Format.fixed(dissimilarity, 2))</text>" }
        }
        bar(top, "District", district, composition.districtStudents, nil)
        svg += "<text x=\"\(labelW + barW + 6)\" y=\"\(top - 6)\" class=\"note\">½Σ|p−P|</text>"
        for (row, s) in shown.enumerated() {
            bar(top + (row + 1) * (rowH + 4), schools[s].name, table[s], composition.schoolStudents[s], index[s])
        }
        var cum = 0.0
        for k in 0..<(G - 1) {
            cum += P[k]
            let x = Double(labelW) + Double(barW) * cum * Double(dim.known) / Double(max(1, dim.known + dim.unknown))
            svg += "<line x1=\"\(fmt(x))\" x2=\"\(fmt(x))\" y1=\"\(top)\" y2=\"\(height - 6)\" stroke=\"#222\" stroke-width=\"1\" stroke-dasharray=\"3 3\" opacity=\".55\"/>"
        }
        svg += "</svg>" + legend(dim.groups, hidden: true)
        let rows = order.map { s -> [String] in
            let total = composition.schoolStudents[s]
            return [schools[s].name, total.map(Format.count) ?? "suppressed"]
                + (0...G).map { k in
                    table[s][k].map { n in total.map { "\(Format.count(n)) (\(share($0 > 0 ? Double(n) / Double($0) : 0)))" } ?? Format.count(n) } ?? "suppressed"
                }
                + [index[s].map { self.index($0, 3) } ?? "suppressed"]
        }
        let districtRow = ["District", composition.districtStudents.map(Format.count) ?? "suppressed"]
            + (0...G).map { k in district[k].map { Format.count($0) } ?? "suppressed" } + [""]
        return (svg, DataTable(caption: "\(dim.dimension.title) by school (most different first)",
                               header: ["school", "students"] + dim.groups.map(Dimension.label) + ["unknown", "½Σ|p − P| vs district"],
                               rows: [districtRow] + rows, numeric: Set(1...(G + 3))))
    }

    /// Each school's classroom H against the H random assignment gives.
    func classroomChart(_ dim: DimensionResult) -> (HTML, DataTable) {
        let schools = dim.withinSchools.schools.sorted { $0.excessH > $1.excessH }
        let shown = Array(schools.prefix(chartedSchools))
        let maxH = max(0.05, shown.map { max($0.H, $0.expectedH) }.max() ?? 0.05)
        let rowH = 14, labelW = 230, plotW = 520, top = 34
        let height = top + shown.count * (rowH + 4) + 30
        let title = "\(dim.dimension.title): classrooms within each school against chance"
        let desc = "For each school (most excess first, \(shown.count) of \(schools.count)), a grey bar shows the classroom H that random assignment of its students to its classes gives, a dot the observed H; a filled dot is beyond chance after Benjamini–Hochberg."
        var svg = svgOpening(id: "\(dim.dimension.rawValue)-b", width: labelW + plotW + 90, height: height, title: title, desc: desc)
        for (row, s) in shown.enumerated() {
            let y = top + row * (rowH + 4)
            svg += "<text x=\"\(labelW - 6)\" y=\"\(y + 11)\" text-anchor=\"end\">\(String(s.name.prefix(34)))</text>"
            svg += "<rect x=\"\(labelW)\" y=\"\(y + 3)\" width=\"\(fmt(Double(plotW) * s.expectedH / maxH))\" height=\"\(rowH - 6)\" fill=\"#cfd8e3\"><title>expected by chance: H = \(index(s.expectedH, 3))</title></rect>"
            let cx = Double(labelW) + Double(plotW) * s.H / maxH
            svg += "<circle cx=\"\(fmt(cx))\" cy=\"\(y + rowH / 2)\" r=\"5\" fill=\"\(s.significant ? "#D55E00" : "#ffffff")\" stroke=\"#D55E00\" stroke-width=\"2\"><title>observed H = \(index(s.H, 3)), p = \(index(s.pValue, 3))</title></circle>"
            svg += "<text x=\"\(labelW + plotW + 8)\" y=\"\(y + 11)\">+\(index(max(0, s.excessH), 3))</text>"
        }
        let axisY = top + shown.count * (rowH + 4) + 14
        svg += "<text x=\"\(labelW)\" y=\"\(axisY)\">0</text><text x=\"\(labelW + plotW)\" y=\"\(axisY)\" text-anchor=\"end\">H = \(Format.fixed(maxH, 2))</text></svg>"
        svg += "<div class=\"legend\"><span><i style=\"background:#cfd8e3\"></i>H by chance</span><span><i style=\"background:#D55E00;border-radius:50%\"></i>observed, beyond chance</span><span><i style=\"border:2px solid #D55E00;border-radius:50%\"></i>observed, within chance</span></div>"
        let rows = schools.map { s in
            [s.name, "\(s.classrooms.count)", index(s.H, 4), index(s.expectedH, 4), index(s.excessH, 4),
             disclosure.showsEverything ? Format.pValue(s.pValue) : index(s.pValue, 2), s.significant ? "yes" : "no",
             s.classrooms.max { $0.dissimilarityVsSchool < $1.dissimilarityVsSchool }.map { c in
                 disclosure.classroomIndex(c, school: s.id).map { "\(c.title) (\(Format.fixed($0, 2)))" } ?? "not shown outside the school's staff"
             } ?? ""]
        }
        return (svg, DataTable(caption: "\(dim.dimension.title): classroom segregation by school",
                               header: ["school", "classes", "H", "expected H", "excess", "p-value", "beyond chance", "class furthest from the school"],
                               rows: rows, numeric: [1, 2, 3, 4, 5]))
    }

    /// Advanced participation by group, the gap to the highest group and missing students.
    func advancedChart(_ dim: DimensionResult) -> (HTML, DataTable) {
        let groups = dim.advanced.groups
        let shown = disclosure.shown(dim, school: nil)
        let overall = disclosure.overall(dim, school: nil)
        // Wide enough for the longest label ("economically disadvantaged") at 12 px.
        let labelW = max(170, 10 + 7 * (groups.map { Dimension.label($0.group).count }.max() ?? 0)), rowH = 22, plotW = 480, top = 34
        let height = top + groups.count * (rowH + 6) + 24
        let title = "\(dim.dimension.title): who takes advanced courses"
        let desc = "Share of eligible students of each group enrolled in at least one honors, open honors, AP, IB, dual-enrollment or gifted class this term; the dashed line is the overall rate. Groups with suppressed counts are not drawn."
        var svg = svgOpening(id: "\(dim.dimension.rawValue)-c", width: labelW + plotW + 80, height: height, title: title, desc: desc)
        for (k, (g, x)) in zip(groups, shown).enumerated() {
            let y = top + k * (rowH + 6)
            svg += "<text x=\"\(labelW - 6)\" y=\"\(y + 15)\" text-anchor=\"end\">\(Dimension.label(g.group))</text>"
            if g.eligible == 0 { svg += "<text x=\"\(labelW + 4)\" y=\"\(y + 15)\" class=\"note\">no eligible students</text>"; continue }
            guard let rate = x.rate else { svg += "<text x=\"\(labelW + 4)\" y=\"\(y + 15)\" class=\"note\">suppressed (fewer than \(policy.minimumN))</text>"; continue }
            svg += "<rect x=\"\(labelW)\" y=\"\(y)\" width=\"\(fmt(Double(plotW) * rate))\" height=\"\(rowH)\" fill=\"\(GroupColour.of(g.group))\"><title>\(Dimension.label(g.group)): \(share(rate)) of eligible students</title></rect>"
            svg += "<text x=\"\(fmt(Double(labelW) + Double(plotW) * rate + 6))\" y=\"\(y + 15)\">\(share(rate))</text>"
        }
        if let overall {
            let ox = Double(labelW) + Double(plotW) * overall
            svg += "<line x1=\"\(fmt(ox))\" x2=\"\(fmt(ox))\" y1=\"\(top - 4)\" y2=\"\(height - 18)\" stroke=\"#222\" stroke-dasharray=\"4 3\"/>"
            svg += "<text x=\"\(fmt(ox))\" y=\"\(height - 4)\" text-anchor=\"middle\">overall \(share(overall))</text>"
        } else {
            svg += "<text x=\"\(labelW)\" y=\"\(height - 4)\" class=\"note\">overall rate suppressed (it would give a hidden group back)</text>"
        }
        svg += "</svg>"
        func cell(_ v: Double?, _ f: (Double) -> String) -> String { v.map(f) ?? "suppressed" }
        // Access before participation: students in a grade the district offers advanced
        // courses to, and how many of them attend a school that offers one to their grade.
        let access = disclosure.access(dim)
        let hasAccess = groups.contains { $0.inOfferedGrades != nil }
        let reference = disclosure.reference(dim)
        let rows = zip(groups, shown).enumerated().map { i, pair -> [String] in
            let (g, x) = pair
            let a = i < access.count ? access[i] : .init()
            let accessCells = hasAccess ? [cell(a.inOfferedGrades.map(Double.init)) { Format.count(Int($0)) }, cell(a.accessRate, share), cell(a.accessGapPP) { Format.fixed($0, 1) }] : []
            let referenceCell = reference != nil ? [cell(x.missingToReference) { Format.fixed($0, 0) }] : []
            if g.eligible == 0 { return [Dimension.label(g.group)] + accessCells + ["0", "0", "–", "–", "–", "0", "0"] + referenceCell.map { _ in "0" } }
            return [Dimension.label(g.group)] + accessCells + [x.eligible.map(Format.count) ?? "suppressed", x.participants.map(Format.count) ?? "suppressed",
                    cell(x.rate, share), cell(x.representationIndex) { Format.fixed($0, 2) }, cell(x.gapToHighestPP) { Format.fixed($0, 1) },
                    cell(x.missing) { Format.fixed($0, 0) }, cell(x.missingToHighest) { Format.fixed($0, 0) }] + referenceCell
        }
        let header = ["group"] + (hasAccess ? ["in offered grades", "access rate", "access gap (pp)"] : [])
            + ["eligible", "participants", "rate", "representation", "gap to highest (pp)", "missing students", "missing to highest rate"]
            + (reference.map { r in ["missing to the rate of \(r.reference.name)\(r.rate.map { " (\(share($0)))" } ?? "")"] } ?? [])
        return (svg, DataTable(caption: "\(dim.dimension.title): access to advanced courses and participation",
                               header: header, rows: rows, numeric: Set(1..<header.count)))
    }
}

/// An accessible chart's opening: `role="img"` labelled by its `<title>` and `<desc>`,
/// with the title drawn as a heading.
func svgOpening(id: String, width: Int, height: Int, title: String, desc: String) -> HTML {
    "<svg role=\"img\" aria-labelledby=\"t-\(id) d-\(id)\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\">"
        + "<title id=\"t-\(id)\">\(title)</title><desc id=\"d-\(id)\">\(desc)</desc>"
        + "<text x=\"0\" y=\"14\" font-weight=\"600\">\(title)</text>"
}

/// A coordinate with one decimal.
func fmt(_ x: Double) -> String { Format.fixed(x, 1) }
