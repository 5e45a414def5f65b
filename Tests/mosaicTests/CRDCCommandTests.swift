import Foundation
import MosaicTestSupport
import Testing

/// `mosaic crdc` (contract `crdc.md`) on the published CRDC 2015-16 high-school file.
@Suite struct CRDCCommandTests {
    static let file = TestSupport.shared.appendingPathComponent("data/crdc/crdc_2015-16_school_ap_enrollment_by_race.csv").path

    @Test func jsonAnswersEveryKeyOfTheContract() throws {
        let run = try Run(["crdc", Self.file, "--state", "georgia", "--district", "Cobb County", "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        let ours = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8))
        let mismatches = ContractExample.compare(ours, try ContractExample.example("crdc.md"), path: "", allowExtra: true)
        #expect(mismatches.isEmpty, "\(mismatches)")
        let doc = try #require(ours as? [String: Any])
        let district = try #require((doc["districts"] as? [[String: Any]])?.first)
        #expect(district["district"] as? String == "Cobb County" && district["highSchools"] as? Int == 20)
        #expect(abs((district["D"] as? Double ?? 0) - 0.37925979626136047) < 1e-12)
        #expect((district["schools"] as? [Any])?.count == 20)
        #expect((doc["states"] as? [[String: Any]])?.map { $0["state"] as? String } == ["GEORGIA"])
    }

    @Test func theWholeCountryAsATableAndAsCSV() throws {
        let table = try Run(["crdc", Self.file, "--limit", "3"])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.contains("12,757 districts, the 3 largest listed"))
        #expect(table.stdout.contains("2,992 districts; 77.6% have fewer students of colour among AP students than among all students, 3.8% under half"))
        #expect(table.stdout.contains("-1.6771 + 0.9107"))
        // Six AP cells above the school's count: noted on stderr, not refused.
        #expect(table.stderr.contains("kept as published"))
        let csv = try Run(["crdc", Self.file, "--format", "csv", "--min-students", "1000"])
        let lines = csv.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("state,district,highSchools,highSchoolsWithAP,students,apStudents,") == true)
        #expect(lines.count - 1 == 3_299, "districts with 1,000 high-school students or more")
    }

    @Test func badInputIsNamed() throws {
        let unknown = try Run(["crdc", Self.file, "--state", "Georgie"])
        #expect(unknown.status != 0 && unknown.stdout.isEmpty)
        #expect(unknown.stderr.contains("no state \"Georgie\" in the file; states are written like \"GEORGIA\""))
        let broken = try Run(["crdc", "Tests/MosaicImportTests/Fixtures/crdc/broken.csv"])
        #expect(broken.status != 0 && broken.stdout.isEmpty)
        #expect(broken.stderr.contains("broken.csv:5: 'Black' is '-3'"))
    }
}

/// A roster district's state as its first level (issue 24, item 3): the parent org of type
/// state in orgs.csv, or --state, measured by the state's high schools in the CRDC file,
/// unless the roster brings its own mosaic_reference.csv.
@Suite struct StateReferenceCommandTests {
    /// The hand-made roster, its district placed in Georgia, without its reference file.
    static func rosterInGeorgia(keepReference: Bool = false) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("roster-ga-\(UUID())")
        try FileManager.default.copyItem(at: TestSupport.repositoryRoot.appendingPathComponent(handMadeRoster), to: folder)
        let orgs = folder.appendingPathComponent("orgs.csv")
        var text = try String(contentsOf: orgs, encoding: .utf8)
        text = text.replacingOccurrences(of: "district,D1,\n", with: "district,D1,GA\n") + "GA,,,Georgia,state,GA,\n"
        try text.write(to: orgs, atomically: true, encoding: .utf8)
        if !keepReference { try FileManager.default.removeItem(at: folder.appendingPathComponent("mosaic_reference.csv")) }
        return folder
    }

    static func reference(_ run: Run) throws -> (name: String?, race: [String: Any]?) {
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let race = (doc["dimensions"] as? [String: Any])?["race"] as? [String: Any]
        return ((doc["reference"] as? [String: Any])?["name"] as? String, race?["districtVsReference"] as? [String: Any])
    }

    @Test func theStateInOrgsCSVIsTheFirstLevel() throws {
        let folder = try Self.rosterInGeorgia()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try Run(["diagnose", folder.path, "--format", "json", "--baseline", "0"])
        #expect(run.status == 0, "\(run.stderr)")
        let (name, race) = try Self.reference(run)
        #expect(name == "Georgia public high schools, CRDC 2015-16")
        // Georgia's high schools: 37.97 % Black (CRDC 2015-16), the composition beside the district's.
        #expect(race?["dissimilarity"] is Double)
        let composition = try #require(race?["composition"] as? [String: Double])
        #expect(abs(composition["black"]! - 0.37970898461137437) < 1e-12)
        #expect(run.stderr.contains("note: the first level is the district against Georgia public high schools, CRDC 2015-16"))
        // --state names another state; an unknown one is refused with the closest names.
        let texas = try Run(["diagnose", folder.path, "--format", "json", "--baseline", "0", "--state", "texas"])
        #expect(try Self.reference(texas).name == "Texas public high schools, CRDC 2015-16")
        let unknown = try Run(["diagnose", folder.path, "--baseline", "0", "--state", "Georgie"])
        #expect(unknown.status != 0 && unknown.stderr.contains("no state \"Georgie\" in the CRDC file; states are written like \"GEORGIA\""))
    }

    @Test func aReferenceFileInTheRosterWins() throws {
        let folder = try Self.rosterInGeorgia(keepReference: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try Run(["diagnose", folder.path, "--format", "json", "--baseline", "0"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try Self.reference(run).name == nil)
        #expect(run.stderr.contains("note: the first level uses the roster's mosaic_reference.csv, not Georgia's high schools"))
    }
}
