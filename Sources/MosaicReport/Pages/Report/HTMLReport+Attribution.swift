import MosaicCore
import MosaicDiagnostic

/// Where each school's classroom segregation comes from (contract `diagnose.md`,
/// "Attribution of classroom segregation"): programme, course level, course and section.
extension HTMLReport {
    /// The four layers, their colours (Okabe & Ito) and what each one means.
    static let layerStyles: [(ClassroomLayers.Layer, colour: String, label: String)] = [
        (.programme, "#0072B2", "designated programmes (ESL, intervention, self-contained)"),
        (.level, "#E69F00", "course levels (tracking)"),
        (.course, "#767676", "courses and grades of one level"),
        (.section, "#D55E00", "sections of one course (scheduling)"),
    ]

    /// A stacked bar per school (the district's first): its classroom M split into the four
    /// layers; a school whose section layer is beyond chance is marked.
    func layersChart(_ dim: DimensionResult) -> (HTML, DataTable)? {
        guard let district = dim.withinSchools.layers else { return nil }
        let schools = dim.withinSchools.schools.filter { $0.layers != nil }.sorted { $0.layers!.total > $1.layers!.total }
        let shown = Array(schools.prefix(chartedSchools))
        let rows: [(String, ClassroomLayers, WithinSchools.School?)] = [("District (seat-weighted)", district, nil)] + shown.map { ($0.name, $0.layers!, $0) }
        let maxM = max(0.01, rows.map { disclosure.aggregate($0.1.total) }.max() ?? 0.01)
        let rowH = 16, labelW = 230, plotW = 480, top = 34
        let height = top + rows.count * (rowH + 4) + 30
        let title = "\(dim.dimension.title): where classroom segregation comes from"
        let desc = "For the district and each school (most segregated first, \(shown.count) of \(schools.count)), a bar of length M (mutual information over its classes) split into designated programmes, course levels, courses of one level and sections of one course. A school marked “sections beyond chance” sorts students between sections of the same course more than dealing them at random would."
        var svg = svgOpening(id: "\(dim.dimension.rawValue)-d", width: labelW + plotW + 190, height: height, title: title, desc: desc)
        for (row, (name, layers, school)) in rows.enumerated() {
            let y = top + row * (rowH + 4)
            svg += "<text x=\"\(labelW - 6)\" y=\"\(y + 12)\" text-anchor=\"end\">\(String(name.prefix(34)))</text>"
            let total = disclosure.aggregate(layers.total)
            var x = Double(labelW)
            for (layer, colour, label) in Self.layerStyles {
                let share = disclosure.aggregate(layers.share(layer))
                let w = Double(plotW) * total * share / maxM
                guard w > 0 else { continue }
                svg += "<rect x=\"\(fmt(x))\" y=\"\(y + 2)\" width=\"\(fmt(w))\" height=\"\(rowH - 4)\" fill=\"\(colour)\"><title>\(name): \(label), \(Format.percent(share, digits: 0)) of M</title></rect>"
                x += w
            }
            let marked = school?.section?.significant == true
            svg += "<text x=\"\(fmt(x + 6))\" y=\"\(y + 12)\">M = \(index(layers.total, 3))\(marked ? " · sections beyond chance" : "")</text>"
        }
        svg += "</svg><div class=\"legend\">"
        for (_, colour, label) in Self.layerStyles { svg += "<span><i style=\"background:\(colour)\"></i>\(label)</span>" }
        svg += "</div>"
        func percent(_ l: ClassroomLayers, _ layer: ClassroomLayers.Layer) -> String { Format.percent(disclosure.aggregate(l.share(layer)), digits: 0) }
        var table = [[String]]()
        table.append(["District (seat-weighted)", index(district.total, 4)] + ClassroomLayers.Layer.allCases.map { percent(district, $0) } + ["", "", "", ""])
        for s in schools {
            let l = s.layers!, b = s.section
            let courses = disclosure.seesClassrooms(of: s.id)
                ? (s.courses ?? []).prefix(3).map { "\($0.title) (\($0.sections) sections)" }.joined(separator: "; ")
                : "not shown outside the school's staff"
            table.append([s.name, index(l.total, 4)] + ClassroomLayers.Layer.allCases.map { percent(l, $0) }
                         + [b.map { index($0.expectedM, 4) } ?? "–",
                            b.map { disclosure.showsEverything ? Format.pValue($0.pValue) : index($0.pValue, 2) } ?? "–",
                            b?.significant == true ? "yes" : "no", courses])
        }
        return (svg, DataTable(caption: "\(dim.dimension.title): classroom segregation by layer",
                               header: ["school", "M", "programme", "level", "course", "section", "section M by chance", "p-value", "sections beyond chance", "courses whose sections differ most"],
                               rows: table, numeric: [1, 2, 3, 4, 5, 6, 7]))
    }
}
