import MosaicBoundaries
import MosaicCore

/// SVG maps of a zoning: every unit coloured by its school, today's zones beside the
/// redrawn ones, schools marked, units that change school outlined. Units are drawn
/// from their WKT `shape` when the instance gives one, else as squares at their
/// locations sized by the typical distance between neighbours. Typed markup: every
/// unit, school and label is escaped by ``HTML``.
public struct BoundaryMap: Sendable {
    public let problem: BoundaryProblem
    /// One outline per unit (rings of points), nil for a unit without shape or location.
    let outlines: [[[BoundaryInstance.Point]]?]
    let schoolPoints: [BoundaryInstance.Point?]
    /// A colour index per school such that schools whose zones touch today differ, the
    /// palette used evenly (greedy, most-connected school first).
    let colours: [Int]

    static let palette = ["#8dd3c7", "#ffffb3", "#bebada", "#fb8072", "#80b1d3", "#fdb462", "#b3de69", "#fccde5", "#d9d9d9", "#bc80bd", "#ccebc5", "#ffed6f"]

    public init(_ problem: BoundaryProblem) {
        self.problem = problem
        let units = problem.instance.units
        var side = 1.0
        var gaps: [Double] = []
        for (u, unit) in units.enumerated() {
            guard let a = unit.location else { continue }
            for v in problem.neighbors[u] { if let b = units[Int(v)].location { gaps.append(a.distance(to: b)) } }
        }
        if !gaps.isEmpty { side = gaps.sorted()[gaps.count / 2] }
        outlines = units.map { unit in
            if let shape = unit.shape, let outline = Outline(wkt: shape) { return outline.rings }
            guard let p = unit.location else { return nil }
            let h = side / 2
            return [[.init(x: p.x - h, y: p.y - h), .init(x: p.x + h, y: p.y - h), .init(x: p.x + h, y: p.y + h), .init(x: p.x - h, y: p.y + h)]]
        }
        schoolPoints = problem.instance.schools.enumerated().map { s, school in
            school.location ?? (problem.home[s] >= 0 ? units[Int(problem.home[s])].location : nil)
        }
        // Greedy colouring of the schools' adjacency, most-connected first.
        let S = problem.schoolCount
        var touching = [Set<Int>](repeating: [], count: S)
        for u in 0..<problem.unitCount {
            for v in problem.neighbors[u] where problem.original[Int(v)] != problem.original[u] {
                touching[Int(problem.original[u])].insert(Int(problem.original[Int(v)]))
            }
        }
        var colours = [Int](repeating: -1, count: S), used = [Int](repeating: 0, count: Self.palette.count)
        for s in (0..<S).sorted(by: { (touching[$0].count, $1) > (touching[$1].count, $0) }) {
            // The least-used colour no neighbour has, so the palette spreads over the map.
            let taken = Set(touching[s].map { colours[$0] })
            let c = (0..<Self.palette.count).filter { !taken.contains($0) }.min { (used[$0], $0) < (used[$1], $1) } ?? (s % Self.palette.count)
            colours[s] = c
            used[c] += 1
        }
        self.colours = colours
    }

    /// One panel: today's zones.
    public func svgToday(title: String, description: String) -> HTML {
        svg(after: nil, title: title, description: description, caption: "Colours: schools (neighbouring zones differ). Dots: schools.")
    }

    /// Two panels, today's zones and the paired ones, each group's zones merged and its
    /// schools joined by dashed lines.
    public func svg(paired plan: PairingPlan, title: String, description: String) -> HTML {
        svg(after: Pairing.zones(of: plan.groups, in: problem), title: title, description: description, links: plan.groups.map(\.schools),
            afterLabel: "Paired", caption: "Colours: zones. Dashed lines join the schools of a group, whose zones merge (outlined).")
    }

    /// Two panels, today's zones and `assignment`'s (one, today's, when nil), with a title and
    /// description; each of `links` (groups of schools, as for pairings) is drawn on the right
    /// as lines between its schools.
    public func svg(after assignment: [Int32]?, title: String, description: String, links: [[Int]] = [], afterLabel: String = "Redrawn",
                    caption: String = "Colours: schools (neighbouring zones differ). Dots: schools. Outlined on the right: units that change school.") -> HTML {
        let panel = 460.0, pad = 20.0, top = 40.0
        var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
        for rings in outlines.compactMap({ $0 }) {
            for ring in rings {
                for p in ring {
                    minX = min(minX, p.x); maxX = max(maxX, p.x)
                    minY = min(minY, p.y); maxY = max(maxY, p.y)
                }
            }
        }
        if !minX.isFinite { minX = 0; minY = 0; maxX = 1; maxY = 1 }
        let scale = panel / max(maxX - minX, maxY - minY, 1e-9)
        let panels = assignment == nil ? [("Today", problem.original)] : [("Today", problem.original), (afterLabel, assignment!)]
        let width = Double(panels.count) * panel + Double(panels.count + 1) * pad, height = panel + top + pad + 24
        func fmt(_ v: Double) -> String { String(Double(Int((v * 10).rounded())) / 10) }
        func project(_ p: BoundaryInstance.Point, _ x0: Double) -> String {
            "\(fmt(x0 + (p.x - minX) * scale)),\(fmt(top + panel - (p.y - minY) * scale))"
        }
        var out: HTML = """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(fmt(width)) \(fmt(height))" width="\(fmt(width))" height="\(fmt(height))" role="img" aria-labelledby="map-title map-desc" font-family="system-ui, sans-serif">
            <title id="map-title">\(title)</title>
            <desc id="map-desc">\(description)</desc>
            <rect width="100%" height="100%" fill="#ffffff"/>

            """
        for (i, (label, zones)) in panels.enumerated() {
            let x0 = pad + Double(i) * (panel + pad)
            out += "<text x=\"\(fmt(x0))\" y=\"24\" font-size=\"16\" font-weight=\"600\" fill=\"#222\">\(label)</text>\n<g stroke-linejoin=\"round\">\n"
            for u in 0..<problem.unitCount {
                guard let rings = outlines[u] else { continue }
                let s = Int(zones[u])
                let d = rings.map { ring in "M" + ring.map { project($0, x0) }.joined(separator: "L") + "Z" }.joined()
                let moved = i == 1 && zones[u] != problem.original[u]
                out += "<path d=\"\(d)\" fill=\"\(Self.palette[colours[s] % Self.palette.count])\" fill-rule=\"evenodd\" stroke=\"\(moved ? "#222" : "#ffffff")\" stroke-width=\"\(moved ? "1.2" : "0.3")\"><title>\(problem.unitIDs[u]): \(problem.schoolIDs[s])\(moved ? " (was \(problem.schoolIDs[Int(problem.original[u])]))" : "")</title></path>\n"
            }
            out += "</g>\n"
            if i == 1 {
                for group in links {
                    let points = group.compactMap { schoolPoints[$0] }.map { project($0, x0) }
                    guard points.count > 1 else { continue }
                    out += "<polyline points=\"\(points.joined(separator: " "))\" fill=\"none\" stroke=\"#222\" stroke-width=\"2\" stroke-dasharray=\"5 3\"/>\n"
                }
            }
            for (s, point) in schoolPoints.enumerated() {
                guard let point else { continue }
                let xy = project(point, x0).split(separator: ",")
                out += "<circle cx=\"\(xy[0])\" cy=\"\(xy[1])\" r=\"4\" fill=\"#222\" stroke=\"#fff\" stroke-width=\"1.5\"><title>\(problem.schoolIDs[s])</title></circle>\n"
            }
        }
        out += "<text x=\"\(fmt(pad))\" y=\"\(fmt(height - 8))\" font-size=\"12\" fill=\"#444\">\(caption)</text>\n</svg>\n"
        return out
    }
}

