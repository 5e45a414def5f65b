/// A place on a district's plane (a school, a student's home, a planning unit), in the
/// unit the district measures travel in. Contracts write it `{"x": 0.0, "y": 0.0}`.
public struct Location: Sendable, Codable, Equatable, Hashable {
    public var x: Double
    public var y: Double

    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }

    /// The straight-line distance to `other`.
    public func distance(to other: Location) -> Double { ((x - other.x) * (x - other.x) + (y - other.y) * (y - other.y)).squareRoot() }
}
