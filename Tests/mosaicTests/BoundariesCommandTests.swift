import Foundation
import MosaicTestSupport
import Testing

/// `mosaic boundaries` as contract `boundaries.md` lays it out.
@Suite struct BoundariesCommandTests {
    /// Three blocks in a row: b1 and b2 zoned to PS 11 (White), b3 to PS 20 (Black); b2 is
    /// as near PS 20 as PS 11, so it may move, and moving it halves D.
    static let instance = """
        {"schools": [{"id": "PS 11", "capacity": 600, "location": {"x": 0.0, "y": 0.0}},
                     {"id": "PS 20", "capacity": 600, "location": {"x": 2.0, "y": 0.0}}],
         "units": [{"id": "b1", "school": "PS 11", "students": {"white": 12, "black": 0}, "location": {"x": 0.0, "y": 0.0}, "neighbors": ["b2"]},
                   {"id": "b2", "school": "PS 11", "students": {"white": 12, "black": 0}, "location": {"x": 1.0, "y": 0.0}, "neighbors": ["b1", "b3"],
                    "travel": {"PS 11": 4.0, "PS 20": 4.0}},
                   {"id": "b3", "school": "PS 20", "students": {"white": 0, "black": 24}, "location": {"x": 2.0, "y": 0.0}, "neighbors": ["b2"]}]}
        """

    static func write(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("zones-\(UUID()).json").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The contract's output example, which boundaries.md writes inline after "Output (json):".
    static func contractOutput() throws -> Any {
        let text = try String(contentsOf: TestSupport.shared.appendingPathComponent("contracts/boundaries.md"), encoding: .utf8)
        let start = try #require(text.range(of: "Output (json): `"))
        let end = try #require(text.range(of: "`.", range: start.upperBound..<text.endIndex))
        return try JSONSerialization.jsonObject(with: Data(text[start.upperBound..<end.lowerBound].utf8))
    }

    @Test func theJSONFollowsTheContract() throws {
        let path = try Self.write(Self.instance)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let run = try Run(["boundaries", path, "--dimension", "race", "--max-travel-increase", "0.5", "--max-size-increase", "1",
                           "--contiguity", "on", "--seed", "3", "--time-limit", "60", "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        var contract = try #require(try Self.contractOutput() as? [String: Any])
        contract["assignment"] = ["b1": "PS 11", "b2": "PS 20", "b3": "PS 20"]
        #expect(ContractExample.compare(doc, contract, path: "", allowExtra: true).isEmpty, "\(ContractExample.compare(doc, contract, path: "", allowExtra: true))")
        // b2 moves: PS 11 = 12 White, PS 20 = 12 White + 24 Black; D = ½ (|12/24 − 0| + |12/24 − 1|) = 0.5.
        #expect(doc["assignment"] as? [String: String] == ["b1": "PS 11", "b2": "PS 20", "b3": "PS 20"])
        #expect((doc["before"] as? [String: Double])?["D"] == 1 && (doc["after"] as? [String: Double])?["D"] == 0.5)
        #expect(doc["studentsMoved"] as? Int == 12 && doc["unitsMoved"] as? Int == 1 && doc["feasible"] as? Bool == true)
        // Travel: b1 0, b2 4, b3 0 before and after (4 to either school): mean 48/48 = 1 for all.
        let travel = try #require(doc["travel"] as? [String: Any])
        #expect(travel["meanBefore"] as? Double == 1 && travel["meanAfter"] as? Double == 1)
        #expect((travel["byGroup"] as? [String: [String: Double]])?["white"] == ["meanBefore": 2, "meanAfter": 2])
    }

    @Test func aGeneratedCityRefusesNegativeSettingsAndWritesNothing() throws {
        for (option, value) in [("--zone-lines", "-1"), ("--zone-reach", "-0.3"), ("--segregation", "-1")] {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("city-\(UUID()).json").path
            let run = try Run(["generate", "--kind", "boundaries", "--schools", "5", "\(option)=\(value)", "--out", path])
            #expect(run.status != 0 && run.stderr.contains(option) && run.stderr.contains("0 or more"), "\(option): \(run.stderr)")
            #expect(!FileManager.default.fileExists(atPath: path), "\(option): nothing written")
        }
    }

    @Test func theSameSeedGivesTheSameBytesAndEveryFormatWorks() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("city-\(UUID()).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let made = try Run(["generate", "--kind", "boundaries", "--schools", "5", "--blocks-per-school", "20", "--seed", "2", "--out", path])
        #expect(made.status == 0, "\(made.stderr)")
        let a = try Run(["boundaries", path, "--seed", "4", "--sweeps", "50", "--format", "json"])
        let b = try Run(["boundaries", path, "--seed", "4", "--sweeps", "50", "--format", "json", "--threads", "1"])
        #expect(a.status == 0 && a.stdout == b.stdout, "\(a.stderr)")
        let table = try Run(["boundaries", path, "--seed", "4", "--sweeps", "50", "--transport-beyond", "0.8"])
        #expect(table.stdout.contains("Dissimilarity D") && table.stdout.contains("would newly need transportation"))
        let svg = try Run(["boundaries", path, "--seed", "4", "--sweeps", "50", "--format", "svg"])
        #expect(svg.stdout.hasPrefix("<svg") && svg.stdout.contains("<title id=\"map-title\">") && svg.stdout.contains("<desc"))
        // 100 blocks (a 10 × 10 grid for 5 schools × 20 blocks), drawn in both panels.
        #expect(svg.stdout.components(separatedBy: "<path ").count - 1 == 2 * 100)
        let csv = try Run(["boundaries", path, "--seed", "4", "--sweeps", "50", "--format", "csv"])
        #expect(csv.stdout.hasPrefix("unit,school_today,school_after,moved\n") && csv.stdout.split(separator: "\n").count == 101)
    }

    @Test func aBadInstanceIsRefusedWithEveryProblem() throws {
        let missing = try Run(["boundaries", "/nonexistent/zones.json"])
        #expect(missing.status != 0 && missing.stdout.isEmpty && missing.stderr.contains("/nonexistent/zones.json: cannot be read"))
        let path = try Self.write(#"{"schools": [{"id": "A"}], "units": [{"id": "u", "students": {"w": 1}}]}"#)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let shape = try Run(["boundaries", path])
        #expect(shape.status != 0 && shape.stdout.isEmpty)
        #expect(shape.stderr.contains("\(path): not an instance of boundaries.md: units[0]: missing “school”"), "\(shape.stderr)")
        try #"{"schools": [{"id": "A"}], "units": [{"id": "u", "school": "B", "students": {"w": 1, "b": "x"}}]}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        let counts = try Run(["boundaries", path])
        #expect(counts.status != 0 && counts.stderr.contains("units[0].students: counts of students by group"), "\(counts.stderr)")
        try #"{"schools": [{"id": "A"}], "units": [{"id": "u", "school": "B", "students": {"w": 1}, "neighbors": ["v"]}]}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        let bad = try Run(["boundaries", path])
        #expect(bad.status != 0 && bad.stdout.isEmpty)
        #expect(bad.stderr.contains("\(path): units[0] u: school “B” is not one of the schools"))
        #expect(bad.stderr.contains("\(path): units[0] u: neighbor “v” is not a unit"))
        let path2 = try Self.write(Self.instance)
        defer { try? FileManager.default.removeItem(atPath: path2) }
        let dimension = try Run(["boundaries", path2, "--dimension", "race:asian"])
        #expect(dimension.status != 0 && dimension.stderr.contains("race: no group “asian”; the groups are black, white"))
        let option = try Run(["boundaries", path2, "--objective", "Q"])
        #expect(option.status != 0 && option.stderr.contains("--objective is D or H"))
    }

    /// `mosaic boundaries pair`: PS 11 (24 White) and PS 20 (24 Black) 2 apart, a third
    /// school far away; pairing K–2 / 3–5 gives each 12 and 12, D from 1 to 0.
    @Test func pairingReportsTheSameFigures() throws {
        let path = try Self.write("""
            {"schools": [{"id": "PS 11", "location": {"x": 0.0, "y": 0.0}}, {"id": "PS 20", "location": {"x": 2.0, "y": 0.0}},
                         {"id": "PS 99", "location": {"x": 50.0, "y": 0.0}}],
             "units": [{"id": "b1", "school": "PS 11", "students": {"white": 24, "black": 0}, "location": {"x": 0.0, "y": 0.0}},
                       {"id": "b2", "school": "PS 20", "students": {"white": 0, "black": 24}, "location": {"x": 2.0, "y": 0.0}},
                       {"id": "b3", "school": "PS 99", "students": {"white": 5, "black": 5}, "location": {"x": 50.0, "y": 0.0}}]}
            """)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let run = try Run(["boundaries", "pair", path, "--max-drive", "3", "--transport-beyond", "1", "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        var contract = try #require(try Self.contractOutput() as? [String: Any])
        contract["assignment"] = nil
        #expect(ContractExample.compare(doc, contract, path: "", allowExtra: true).isEmpty, "\(ContractExample.compare(doc, contract, path: "", allowExtra: true))")
        let groups = try #require(doc["groups"] as? [[String: Any]])
        #expect(groups.count == 1 && groups[0]["schools"] as? [String] == ["PS 11", "PS 20"])
        #expect(groups[0]["grades"] as? [String: String] == ["PS 11": "K–2", "PS 20": "3–5"])
        #expect((doc["after"] as? [String: Double])?["D"] == 0 && doc["studentsMoved"] as? Int == 24)
        #expect((doc["transport"] as? [String: Any])?["newlyBeyond"] as? Int == 24)
        let table = try Run(["boundaries", "pair", path, "--max-drive", "3"])
        #expect(table.stdout.contains("PS 11 + PS 20") && table.stdout.contains("The groups are the best set possible."))
        let svg = try Run(["boundaries", "pair", path, "--max-drive", "3", "--format", "svg"])
        #expect(svg.stdout.contains("<polyline") && svg.stdout.contains("<title id=\"map-title\">School pairings"))
        let bad = try Run(["boundaries", "pair", path, "--group-size", "4"])
        #expect(bad.status != 0 && bad.stdout.isEmpty && bad.stderr.contains("--group-size is 2, 3 or 2,3"))
    }

    /// The real NYC zones of community school district 3: 19 zones of 17 schools (one
    /// shared zone, 03M185/03M208), 8,555 students in 2017-18; cut into 0.2 km pieces the
    /// redraw lowers D, and pairing finds groups.
    @Test func nycZonesMakeAnInstance() throws {
        try withTemporaryDirectory { dir in
            let zones = dir.appendingPathComponent("d3.json").path, cut = dir.appendingPathComponent("d3-cut.json").path
            let made = try Run(["boundaries", "nyc", "--district", "3", "--out", zones])
            #expect(made.status == 0, "\(made.stderr)")
            #expect(made.stderr.contains("19 zones, 17 schools (district 3)"))
            let doc = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: zones))) as? [String: Any])
            let units = try #require(doc["units"] as? [[String: Any]])
            #expect(units.count == 19 && units.allSatisfy { ($0["shape"] as? String)?.hasPrefix("MULTIPOLYGON") == true })
            #expect(units.contains { $0["school"] as? String == "03M185/03M208" })
            let pair = try Run(["boundaries", "pair", zones, "--format", "json"])
            let paired = try #require(try JSONSerialization.jsonObject(with: Data(pair.stdout.utf8)) as? [String: Any])
            #expect(((paired["groups"] as? [Any])?.count ?? 0) > 0)
            #expect(try Run(["boundaries", "nyc", "--district", "3", "--cell", "0.2", "--out", cut]).status == 0)
            let run = try Run(["boundaries", cut, "--sweeps", "200", "--format", "json"])
            let result = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            let before = try #require((result["before"] as? [String: Double])?["D"]), after = try #require((result["after"] as? [String: Double])?["D"])
            #expect(result["feasible"] as? Bool == true && after < before * 0.95, "D \(before) → \(after)")
            #expect(result["studentsMoved"] as? Int ?? 0 > 0)
            let none = try Run(["boundaries", "nyc", "--district", "99", "--out", zones])
            #expect(none.status != 0 && none.stderr.contains("no zones in district 99"))
        }
    }
}
