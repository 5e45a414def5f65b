import MosaicCore
import MosaicImport
import MosaicTestSupport
import Testing

@Suite struct NYCElementaryZonesTests {
    static let header = "the_geom,DBN,SCHOOLDIST,BORO\n"

    @Test func readsZonesAndSkipsEmptyOutlines() throws {
        let text = Self.header
            + "\"MULTIPOLYGON (((-74 40.7, -73.99 40.7, -73.99 40.71, -74 40.7)))\",03M009,3,MN\n"
            + "MULTIPOLYGON EMPTY,,0,CR\n"
            + "\"POLYGON ((0 0, 1 0, 1 1, 0 1, 0 0))\",\"21K095,21K097\",21,BK\n"
        let zones = try NYCElementaryZone.zones(from: CSVTable(name: "zones.csv", text: text))
        #expect(zones.count == 2)
        #expect(zones[0].line == 2 && zones[0].dbns.map(\.description) == ["03M009"] && zones[0].district == 3)
        #expect(zones[1].line == 4 && zones[1].dbns.map(\.description) == ["21K095", "21K097"])
        #expect(zones[1].outline.rings.count == 1 && abs(zones[1].outline.area - 1) < 1e-12)
        #expect(abs(zones[1].outline.centroid.x - 0.5) < 1e-12 && abs(zones[1].outline.centroid.y - 0.5) < 1e-12)
    }

    @Test func everyBadRowIsNamed() throws {
        let text = Self.header
            + "\"MULTIPOLYGON (((0 0, 1 x, 1 1)))\",03M009,3,MN\n"
            + "\"POLYGON ((0 0, 1 0, 1 1, 0 0))\",3M9,3,MN\n"
            + "\"POLYGON ((0 0, 1 0, 1 1, 0 0))\",03M009,three,MN\n"
        #expect(throws: ImportError(problems: [
            .init(file: "zones.csv", line: 2, message: "column \"the_geom\": not a WKT POLYGON or MULTIPOLYGON of longitude latitude pairs"),
            .init(file: "zones.csv", line: 3, message: "column \"DBN\": \"3M9\" is not a DBN (01M015)"),
            .init(file: "zones.csv", line: 4, message: "column \"SCHOOLDIST\": \"three\" is not a district number"),
        ])) { try NYCElementaryZone.zones(from: CSVTable(name: "zones.csv", text: text)) }
        #expect(throws: ImportError("zones.csv", 1, "not an elementary zone file: no column \"the_geom\"")) {
            try NYCElementaryZone.zones(from: CSVTable(name: "zones.csv", text: "geometry,DBN,SCHOOLDIST\n"))
        }
    }

    @Test func readsSchoolLocations() throws {
        let text = "ATS SYSTEM CODE,LOCATION_NAME,latitude,longitude\n01M015      ,P.S. 015,40.722075,-73.978747\n02M000,none,,\n03M009,bad,north,west\n"
        #expect(throws: ImportError("loc.csv", 4, "latitude \"north\", longitude \"west\" are not coordinates")) {
            try NYCSchoolLocations.locations(from: CSVTable(name: "loc.csv", text: text))
        }
        let ok = try NYCSchoolLocations.locations(from: CSVTable(name: "loc.csv", text: String(text.split(separator: "\n").prefix(3).joined(separator: "\n"))))
        #expect(ok == [DBN("01M015")!: Location(x: -73.978747, y: 40.722075)])
    }
}
