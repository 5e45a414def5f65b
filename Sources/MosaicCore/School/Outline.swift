/// The outline of an area on the plane (an attendance zone, a census block): its rings,
/// as WKT `POLYGON` or `MULTIPOLYGON` writes them. Holes are kept as rings of their own
/// and drawn with the even-odd rule.
public struct Outline: Sendable, Equatable {
    public var rings: [[Location]]

    public init(rings: [[Location]]) { self.rings = rings }

    /// Reads WKT `POLYGON ((x y, …), …)` or `MULTIPOLYGON (((x y, …)), …)`: every innermost
    /// parenthesised list of `x y` pairs with at least three points is a ring. Nil when
    /// the text is neither, a pair is not two numbers, or there is no ring.
    public init?(wkt: String) {
        let text = wkt.drop { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }.uppercased()
        guard text.hasPrefix("POLYGON") || text.hasPrefix("MULTIPOLYGON") else { return nil }
        var rings: [[Location]] = []
        var current = ""
        var inRing = false
        for ch in text {
            if ch == "(" {
                inRing = true
                current = ""
            } else if ch == ")" {
                if inRing {
                    var ring: [Location] = []
                    for pair in current.split(separator: ",") {
                        let xy = pair.split(separator: " ", omittingEmptySubsequences: true)
                        guard xy.count >= 2, let x = Double(xy[0]), let y = Double(xy[1]), x.isFinite, y.isFinite else { return nil }
                        ring.append(Location(x: x, y: y))
                    }
                    if ring.count >= 3 { rings.append(ring) }
                }
                inRing = false
            } else if inRing {
                current.append(ch)
            }
        }
        guard !rings.isEmpty else { return nil }
        self.rings = rings
    }

    /// Each ring's area by the shoelace formula, `½ |Σ (x_i y_{i+1} − x_{i+1} y_i)|`, summed.
    public var area: Double { rings.reduce(0) { $0 + abs(Self.signedArea($1)) } }

    /// The area-weighted centroid of the rings (`C = Σ (p_i + p_{i+1}) (x_i y_{i+1} − x_{i+1} y_i) / (6 A)`
    /// per ring); the mean of the points for rings without area.
    public var centroid: Location {
        var cx = 0.0, cy = 0.0, w = 0.0
        for ring in rings {
            let a = Self.signedArea(ring)
            guard abs(a) > 0 else { continue }
            var sx = 0.0, sy = 0.0
            for i in ring.indices {
                let p = ring[i], q = ring[(i + 1) % ring.count]
                let cross = p.x * q.y - q.x * p.y
                sx += (p.x + q.x) * cross
                sy += (p.y + q.y) * cross
            }
            cx += sx / (6 * a) * abs(a)
            cy += sy / (6 * a) * abs(a)
            w += abs(a)
        }
        if w > 0 { return Location(x: cx / w, y: cy / w) }
        let points = rings.flatMap { $0 }
        return Location(x: points.reduce(0) { $0 + $1.x } / Double(points.count), y: points.reduce(0) { $0 + $1.y } / Double(points.count))
    }

    /// WKT `MULTIPOLYGON`, one polygon per ring, coordinates rounded to `digits` decimals.
    public func wkt(digits: Int = 3) -> String {
        let scale = (0..<digits).reduce(1.0) { r, _ in r * 10 }
        func f(_ v: Double) -> String { "\((v * scale).rounded() / scale)" }
        return "MULTIPOLYGON (" + rings.map { ring in "((" + ring.map { "\(f($0.x)) \(f($0.y))" }.joined(separator: ", ") + "))" }.joined(separator: ", ") + ")"
    }

    static func signedArea(_ ring: [Location]) -> Double {
        var s = 0.0
        for i in ring.indices {
            let p = ring[i], q = ring[(i + 1) % ring.count]
            s += p.x * q.y - q.x * p.y
        }
        return s / 2
    }
}
