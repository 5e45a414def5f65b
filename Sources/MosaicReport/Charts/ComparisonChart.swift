import MosaicCore

/// Horizontal grouped bars: for each category (a group of students, a dimension) one bar
/// per series (a policy), with an optional whisker (a 5–95 % band). Used to set policies
/// side by side; like every chart here it carries `<title>`, `<desc>` and its data table.
public struct ComparisonChart: Sendable {
    public struct Series: Sendable {
        public var name: String
        public var values: [Double]
        /// Per category, the band's low and high ends (nil: no whisker).
        public var bands: [(low: Double, high: Double)?]

        public init(name: String, values: [Double], bands: [(low: Double, high: Double)?]? = nil) {
            self.name = name
            self.values = values
            self.bands = bands ?? Array(repeating: nil, count: values.count)
        }
    }

    public var id: String
    public var title: String
    public var desc: String
    public var categories: [String]
    public var series: [Series]
    /// How a value reads: a share as a percentage, an index with three decimals.
    public var percent: Bool

    public init(id: String, title: String, desc: String, categories: [String], series: [Series], percent: Bool) {
        self.id = id
        self.title = title
        self.desc = desc
        self.categories = categories
        self.series = series
        self.percent = percent
    }

    func label(_ x: Double) -> String { percent ? Format.percent(x) : Format.fixed(x, 3) }

    /// The chart (SVG), its legend and its data table, as HTML.
    public var html: HTML {
        let barH = 14, gap = 10, labelW = 270, barW = 480, top = 30
        let rowH = series.count * barH + gap
        let height = top + categories.count * rowH + 24
        let maximum = max(percent ? 1 : 0.01, series.flatMap { s in s.values + s.bands.compactMap { $0?.high } }.max() ?? 0)
        let scale = Double(barW) / maximum
        var svg = svgOpening(id: id, width: labelW + barW + 80, height: height, title: title, desc: desc)
        for (c, category) in categories.enumerated() {
            let y0 = top + c * rowH
            svg += "<text x=\"\(labelW - 8)\" y=\"\(y0 + series.count * barH / 2 + 4)\" text-anchor=\"end\">\(String(category.prefix(40)))</text>"
            for (k, s) in series.enumerated() {
                let y = y0 + k * barH
                let v = s.values[c]
                svg += "<rect x=\"\(labelW)\" y=\"\(y)\" width=\"\(fmt(max(0.5, v * scale)))\" height=\"\(barH - 2)\" fill=\"\(palette[k % palette.count])\"><title>\(s.name): \(label(v))</title></rect>"
                var end = Double(labelW) + v * scale
                if let band = s.bands[c] {
                    let mid = Double(y) + Double(barH - 2) / 2
                    svg += "<line x1=\"\(fmt(Double(labelW) + band.low * scale))\" x2=\"\(fmt(Double(labelW) + band.high * scale))\" y1=\"\(fmt(mid))\" y2=\"\(fmt(mid))\" stroke=\"#222\" stroke-width=\"1.5\"/>"
                    end = max(end, Double(labelW) + band.high * scale)
                }
                svg += "<text x=\"\(fmt(end + 5))\" y=\"\(y + barH - 4)\" font-size=\"11\">\(label(v))</text>"
            }
        }
        svg += "</svg>"
        var legend: HTML = "<div class=\"legend\">"
        for (k, s) in series.enumerated() { legend += "<span><i style=\"background:\(palette[k % palette.count])\"></i>\(s.name)</span>" }
        legend += "</div>"
        let hasBands = series.contains { $0.bands.contains { $0 != nil } }
        let header = [""] + series.flatMap { s in hasBands ? [s.name, "\(s.name) 5 %", "\(s.name) 95 %"] : [s.name] }
        let rows = categories.indices.map { c in
            [categories[c]] + series.flatMap { s -> [String] in
                hasBands ? [label(s.values[c]), s.bands[c].map { label($0.low) } ?? "–", s.bands[c].map { label($0.high) } ?? "–"] : [label(s.values[c])]
            }
        }
        let table = DataTable(caption: title, header: header, rows: rows, numeric: Set(1..<header.count))
        return "<figure class=\"chart\">\(svg)\(legend)<details><summary>Data table</summary>\(table.scrolled)</details></figure>"
    }

    /// A page of comparison charts with their findings, in the site's style.
    public static func page(title: String, intro: String, findings: [String], charts: [ComparisonChart]) -> HTML {
        var body: HTML = "<h1>\(title)</h1><p class=\"note\">\(intro)</p>"
        if !findings.isEmpty {
            body += "<h2>What changes</h2><ul>" + findings.map { "<li>\($0)</li>" }.joined() + "</ul>"
        }
        for chart in charts { body += chart.html }
        return Dashboard.standalone(title: title, body: body)
    }
}
