import MosaicCore

extension BoundaryInstance {
    /// The instance with every outlined unit cut into the pieces a square grid of `cell`
    /// (in the locations' unit) makes of it, for block-level work on zone-level data.
    ///
    /// Each ring is clipped to each grid square it overlaps (Sutherland & Hodgman 1974; a
    /// square is convex, so a concave zone clips correctly, at worst with zero-width
    /// seams). A piece keeps its unit's school and a share of every count in proportion
    /// to its area (largest remainders, so counts stay whole and add up). Pieces are
    /// neighbours when they share a grid square or sit in side-by-side squares, and belong
    /// to the same unit or to neighbouring units — an approximation at the seams between
    /// zones. Units without a shape are kept whole. Explicit travel is inherited.
    public func subdivided(cell: Double) -> BoundaryInstance {
        precondition(cell > 0)
        struct Piece { var parent: Int; var i: Int; var j: Int; var outline: Outline; var area: Double }
        var pieces: [Piece] = []
        var whole: [Int] = []
        for (u, unit) in units.enumerated() {
            guard let shape = unit.shape, let outline = Outline(wkt: shape) else {
                whole.append(u)
                continue
            }
            let xs = outline.rings.flatMap { $0.map(\.x) }, ys = outline.rings.flatMap { $0.map(\.y) }
            let i0 = Int((xs.min()! / cell).rounded(.down)), i1 = Int((xs.max()! / cell).rounded(.down))
            let j0 = Int((ys.min()! / cell).rounded(.down)), j1 = Int((ys.max()! / cell).rounded(.down))
            var mine: [Piece] = []
            for i in i0...i1 {
                for j in j0...j1 {
                    let box = (Double(i) * cell, Double(j) * cell, Double(i + 1) * cell, Double(j + 1) * cell)
                    let rings = outline.rings.map { Self.clip($0, to: box) }.filter { $0.count >= 3 }
                    let piece = Outline(rings: rings)
                    let area = piece.area
                    if area > cell * cell * 1e-4 { mine.append(Piece(parent: u, i: i, j: j, outline: piece, area: area)) }
                }
            }
            if mine.isEmpty { whole.append(u) } else { pieces += mine }
        }
        let unitIndex = Dictionary(uniqueKeysWithValues: units.enumerated().map { ($1.id, $0) })
        let touching: [Set<Int>] = units.map { Set(($0.neighbors ?? []).compactMap { unitIndex[$0] }) }
        func near(_ a: Int, _ b: Int) -> Bool { a == b || touching[a].contains(b) || touching[b].contains(a) }
        var piecesOf = [[Int]](repeating: [], count: units.count)
        for (k, p) in pieces.enumerated() { piecesOf[p.parent].append(k) }
        func pieceID(_ k: Int) -> String {
            let p = pieces[k]
            return piecesOf[p.parent].count == 1 ? units[p.parent].id : "\(units[p.parent].id) @\(p.i),\(p.j)"
        }
        // Counts by area share, dimension by dimension, group by group.
        var counts = [[String: [String: Int]]](repeating: [:], count: pieces.count)
        for (u, unit) in units.enumerated() where !piecesOf[u].isEmpty {
            let ks = piecesOf[u], total = ks.reduce(0.0) { $0 + pieces[$1].area }
            let dims: [(String, [String: Int])]
            switch unit.students {
            case .groups(let g): dims = [("", g)]
            case .dimensions(let d): dims = d.sorted { $0.key < $1.key }
            }
            for (d, groups) in dims {
                for (g, n) in groups.sorted(by: { $0.key < $1.key }) {
                    for (x, share) in Self.apportion(n, by: ks.map { pieces[$0].area / total }).enumerated() { counts[ks[x]][d, default: [:]][g] = share }
                }
            }
        }
        // Neighbours: same or side-by-side grid squares, same or neighbouring units.
        struct Square: Hashable { let i: Int; let j: Int }
        var inSquare: [Square: [Int]] = [:]
        for (k, p) in pieces.enumerated() { inSquare[Square(i: p.i, j: p.j), default: []].append(k) }
        var out: [Unit] = []
        for (k, p) in pieces.enumerated() {
            var ns = Set<String>()
            for (di, dj) in [(0, 0), (1, 0), (-1, 0), (0, 1), (0, -1)] {
                for q in inSquare[Square(i: p.i + di, j: p.j + dj)] ?? [] where q != k && near(p.parent, pieces[q].parent) { ns.insert(pieceID(q)) }
            }
            for w in whole where touching[p.parent].contains(w) || touching[w].contains(p.parent) { ns.insert(units[w].id) }
            let parent = units[p.parent]
            let students: Students = if case .groups = parent.students { .groups(counts[k][""] ?? [:]) } else { .dimensions(counts[k]) }
            out.append(Unit(id: pieceID(k), school: parent.school, students: students, location: p.outline.centroid,
                            neighbors: ns.sorted(), travel: parent.travel, shape: p.outline.wkt(digits: 3)))
        }
        for w in whole {
            var unit = units[w]
            unit.neighbors = (unit.neighbors ?? []).flatMap { n -> [String] in
                guard let v = unitIndex[n] else { return [] }
                return piecesOf[v].isEmpty ? [n] : piecesOf[v].map(pieceID)
            }
            out.append(unit)
        }
        // A school's own unit may have been cut: let the nearest piece stand for it.
        let schools = self.schools.map { s -> School in
            var s = s
            if let u = s.unit, let v = unitIndex[u], !piecesOf[v].isEmpty { s.unit = nil }
            return s
        }
        return BoundaryInstance(name: name.map { "\($0), cut into \(cell) squares" }, schools: schools, units: out)
    }

    /// A ring clipped to the box (minX, minY, maxX, maxY).
    static func clip(_ ring: [Location], to box: (Double, Double, Double, Double)) -> [Location] {
        var poly = ring
        let edges: [(Location) -> Double] = [{ $0.x - box.0 }, { box.2 - $0.x }, { $0.y - box.1 }, { box.3 - $0.y }]
        for inside in edges {
            guard !poly.isEmpty else { break }
            var next: [Location] = []
            for k in poly.indices {
                let a = poly[k], b = poly[(k + 1) % poly.count]
                let da = inside(a), db = inside(b)
                if da >= 0 { next.append(a) }
                if (da >= 0) != (db >= 0) {
                    let t = da / (da - db)
                    next.append(Location(x: a.x + t * (b.x - a.x), y: a.y + t * (b.y - a.y)))
                }
            }
            poly = next
        }
        return poly
    }

    /// n split by shares into whole numbers that add up to n (largest remainders, ties to the first).
    public static func apportion(_ n: Int, by shares: [Double]) -> [Int] {
        let exact = shares.map { $0 * Double(n) }
        var out = exact.map { Int($0.rounded(.down)) }
        let order = exact.indices.sorted { (exact[$0] - Double(out[$0]), -$0) > (exact[$1] - Double(out[$1]), -$1) }
        for i in order.prefix(max(0, n - out.reduce(0, +))) { out[i] += 1 }
        return out
    }
}
