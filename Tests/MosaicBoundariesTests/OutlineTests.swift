import MosaicBoundaries
import MosaicCore
import Testing

@Suite struct OutlineTests {
    /// Two unit squares side by side in longitude/latitude near the equator (1° ≈ 111 km),
    /// the left zoned to A and the right to B: they share an edge, so they are neighbours.
    static func twoSquares() -> BoundaryInstance {
        func square(_ x: Double) -> Outline { Outline(wkt: "POLYGON ((\(x) 0, \(x + 0.01) 0, \(x + 0.01) 0.01, \(x) 0.01, \(x) 0))")! }
        return BoundaryInstance.fromLongitudeLatitude(
            name: "two", schools: [.init(id: "A"), .init(id: "B")],
            units: [
                .init(id: "a", school: "A", students: .dimensions(["race": ["white": 40, "black": 0]]), outline: square(0)),
                .init(id: "b", school: "B", students: .dimensions(["race": ["white": 0, "black": 40]]), outline: square(0.01)),
            ])
    }

    @Test func outlinesReadMeasureAndWriteBack() throws {
        let o = try #require(Outline(wkt: "MULTIPOLYGON (((0 0, 4 0, 4 2, 0 2, 0 0)), ((10 10, 11 10, 11 11, 10 10)))"))
        #expect(o.rings.count == 2 && abs(o.area - 8.5) < 1e-12)
        // Centroid: (8 · (2, 1) + 0.5 · (10.667, 10.333)) / 8.5.
        #expect(abs(o.centroid.x - (16 + 0.5 * 32 / 3) / 8.5) < 1e-12 && abs(o.centroid.y - (8 + 0.5 * 31 / 3) / 8.5) < 1e-12)
        #expect(Outline(wkt: o.wkt()) == o)
        #expect(Outline(wkt: "POINT (1 2)") == nil && Outline(wkt: "POLYGON ((0 0, 1 y, 2 2))") == nil && Outline(wkt: "POLYGON EMPTY") == nil)
    }

    @Test func unitsFromLongitudeLatitudeAreProjectedAndJoined() throws {
        let instance = Self.twoSquares()
        #expect(instance.problems().isEmpty)
        #expect(instance.units.map(\.neighbors) == [["b"], ["a"]])
        // 0.01° of longitude at the equator is 1.113 km.
        let a = try #require(instance.units[0].location), b = try #require(instance.units[1].location)
        #expect(abs(a.distance(to: b) - 1.1132) < 1e-3)
        #expect(instance.schools[0].location == a)
    }

    /// Cut into squares of 0.5 km: zone a spans x −1.113…0 (columns −3, −2, −1) and
    /// y −0.553…0.553 (rows −2…1), so 12 pieces; counts are split by area and still add up;
    /// the pieces tile the zone.
    @Test func subdivisionKeepsCountsAndArea() throws {
        let instance = Self.twoSquares()
        let cut = instance.subdivided(cell: 0.5)
        #expect(cut.problems().isEmpty, "\(cut.problems())")
        let a = cut.units.filter { $0.school == "A" }
        #expect(a.count == 12)
        #expect(a.reduce(0) { $0 + ($1.students.counts("race")?["white"] ?? 0) } == 40)
        let area = a.reduce(0.0) { $0 + Outline(wkt: $1.shape!)!.area }
        #expect(abs(area - Outline(wkt: instance.units[0].shape!)!.area) < 1e-4)
        // Neighbours are symmetric, and the zones still touch through their pieces.
        let byID = Dictionary(uniqueKeysWithValues: cut.units.map { ($0.id, $0) })
        for u in cut.units { for n in u.neighbors ?? [] { #expect(byID[n]?.neighbors?.contains(u.id) == true, "\(u.id) – \(n)") } }
        #expect(a.contains { ($0.neighbors ?? []).contains { byID[$0]?.school == "B" } })
        // The redraw runs on the pieces: D falls from 1 with pieces trading schools.
        let p = try BoundaryProblem(cut, dimension: "race", limits: .init(maxTravelIncrease: 3, maxSizeIncrease: 0.5))
        #expect(p.violations(of: p.original).isEmpty)
    }
}
