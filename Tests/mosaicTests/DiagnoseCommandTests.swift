import Foundation
import MosaicTestSupport
import Testing

let handMadeRoster = "Tests/MosaicImportTests/Fixtures/roster-1.1"

@Suite struct DiagnoseCommandTests {
    @Test func jsonAnswersEveryRequiredKeyForEveryDimension() throws {
        let run = try Run(["diagnose", handMadeRoster, "--format", "json", "--baseline", "50", "--seed", "1", "--min-n", "1"])
        #expect(run.status == 0, "\(run.stderr)")
        let ours = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let contract = try #require(try ContractExample.example("diagnose.md") as? [String: Any])
        let template = try #require((contract["dimensions"] as? [String: Any])?["race"])
        let dimensions = try #require(ours["dimensions"] as? [String: Any])
        #expect(Set(dimensions.keys) == ["race", "economic", "englishLearner", "disability", "gender", "raceByEconomic"])
        // The attribution (added 2026-12): layers per school and district, access and the reference.
        let attribution = try #require(try ContractExample.examples("diagnose.md").dropFirst().first as? [String: Any])
        for (name, block) in dimensions {
            let within = try #require((block as? [String: Any])?["withinSchools"])
            let problems = ContractExample.compare(within, attribution["withinSchools"]!, path: "\(name).withinSchools", allowExtra: true)
            #expect(problems.isEmpty, "\(problems)")
            let advanced = try #require((block as? [String: Any])?["advanced"] as? [String: Any])
            let reference = try #require(advanced["reference"] as? [String: Any])
            #expect(reference["name"] as? String == "Asian or White students, not economically disadvantaged")
            for (group, x) in try #require(advanced["groups"] as? [String: Any]) {
                let keys = Set((x as? [String: Any])?.keys.map { $0 } ?? [])
                #expect(keys.isSuperset(of: ["inOfferedGrades", "accessRate", "accessGapPP", "missingToReference"]), "\(name).\(group)")
            }
        }
        let cross = try #require((dimensions["raceByEconomic"] as? [String: Any])?["composition"] as? [String: Any])
        #expect(cross["white·notDisadvantaged"] as? Int == 2 && cross["black·disadvantaged"] as? Int == 2)
        for (name, block) in dimensions {
            // districtVsReference is absent without a reference: the fixture has one for race only.
            var expected = template as! [String: Any]
            if name != "race" { expected["districtVsReference"] = nil }
            #expect(ContractExample.compare(block, expected, path: name, allowExtra: true).isEmpty,
                    "\(ContractExample.compare(block, expected, path: name, allowExtra: true))")
        }
        var top = contract
        top["dimensions"] = nil
        var mine = ours
        mine["dimensions"] = nil
        #expect(ContractExample.compare(mine, top, path: "", allowExtra: true).isEmpty, "\(ContractExample.compare(mine, top, path: "", allowExtra: true))")
        #expect(ours["students"] as? Int == 6)
        // One JSON object, alone on stdout.
        #expect(run.stdout.filter { $0 == "\n" }.count == 1)
    }

    /// `--compare`: what changed since an earlier roster, M's change split so the parts add up.
    @Test func compareSplitsTheChange() throws {
        let run = try Run(["diagnose", handMadeRoster, "--compare", handMadeRoster, "--format", "json", "--baseline", "0", "--min-n", "1"])
        #expect(run.status == 0, "\(run.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let change = try #require(doc["change"] as? [String: Any])
        let race = try #require((change["dimensions"] as? [String: Any])?["race"] as? [String: Any])
        let parts = ["composition", "sorting"].compactMap { race[$0] as? Double }
        #expect(parts.count == 2 && abs(parts.reduce(0, +) - (race["difference"] as? Double ?? 1)) < 1e-9)
        // The same roster twice: nothing changed, and every group's own change is 0.
        #expect(race["difference"] as? Double == 0)
        let white = try #require((race["participation"] as? [String: Any])?["white"] as? [String: Any])
        #expect(white["changePP"] as? Double == 0 && white["rateBefore"] as? Double == 1)
        let missing = try Run(["diagnose", handMadeRoster, "--compare", "/nonexistent-roster", "--baseline", "0"])
        #expect(missing.status != 0 && missing.stdout.isEmpty && missing.stderr.contains("/nonexistent-roster"))
    }

    @Test func publicJSONShowsNoSmallCount() throws {
        let run = try Run(["diagnose", handMadeRoster, "--format", "json", "--public", "--min-n", "3", "--baseline", "20"])
        #expect(run.status == 0, "\(run.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        var small: [String] = []
        func walk(_ v: Any, _ path: String) {
            if let o = v as? [String: Any] {
                for (k, x) in o {
                    // Counts: compositions, students, eligible, participants.
                    let isCount = path.hasSuffix("composition") || ["students", "eligible", "participants"].contains(k)
                    if isCount, let n = x as? Int, n > 0, n < 3 { small.append("\(path).\(k) = \(n)") }
                    walk(x, "\(path).\(k)")
                }
            } else if let a = v as? [Any] {
                for x in a { walk(x, path + "[]") }
            }
        }
        walk(doc, "")
        #expect(small.isEmpty, "\(small)")
        #expect((doc["suppression"] as? [String: Any])?["minimumN"] as? Int == 3)
        // The hand-made district has 1 Hispanic student: hidden, with a complement.
        let race = try #require((doc["dimensions"] as? [String: Any])?["race"] as? [String: Any])
        let composition = try #require(race["composition"] as? [String: Any])
        #expect(composition["hispanic"] is NSNull)
        #expect(composition.values.filter { $0 is NSNull }.count >= 2)
        // The attribution's keys are in the public view too, every count through the policy.
        let attribution = try #require(try ContractExample.examples("diagnose.md").dropFirst().first as? [String: Any])
        for (name, block) in try #require(doc["dimensions"] as? [String: Any]) {
            let within = try #require((block as? [String: Any])?["withinSchools"])
            // Null where the policy hides a share.
            let problems = ContractExample.compare(within, attribution["withinSchools"]!, path: "\(name).withinSchools", allowExtra: true)
                .filter { !$0.contains("NSNull where") }
            #expect(problems.isEmpty, "\(problems)")
            let advanced = try #require((block as? [String: Any])?["advanced"] as? [String: Any])
            let reference = try #require(advanced["reference"] as? [String: Any])
            // The reference's counts are the district staff's; its rate is shown only when its groups are.
            #expect(reference["eligible"] == nil && reference["name"] is String && reference.keys.contains("rate"))
            for (_, x) in try #require(advanced["groups"] as? [String: Any]) {
                let keys = Set((x as? [String: Any] ?? [:]).keys)
                #expect(keys.isSuperset(of: ["inOfferedGrades", "accessRate", "accessGapPP"]))
            }
        }
    }

    @Test func theHTMLReportMatchesItsSnapshotAndLinksItsTables() throws {
        try withTemporaryDirectory { dir in
            let out = dir.appendingPathComponent("report").path
            let run = try Run(["diagnose", handMadeRoster, "--format", "html", "--out", out, "--baseline", "50", "--seed", "1", "--min-n", "3"])
            #expect(run.status == 0, "\(run.stderr)")
            let html = try String(contentsOfFile: out + "/index.html", encoding: .utf8)
            try Snapshot.assert(html, named: "hand-made-report.html")
            // Self-contained: no script, nothing fetched; every chart has a title and a description.
            #expect(!html.contains("<script") && !html.contains("http://") && !html.contains("https://"))
            #expect(html.components(separatedBy: "<svg").count - 1 == 24)
            #expect(html.components(separatedBy: "<title id=").count - 1 == 24)
            #expect(html.components(separatedBy: "<desc id=").count - 1 == 24)
            for dimension in ["race", "economic", "englishLearner", "disability", "gender", "raceByEconomic"] {
                for table in ["schools", "classrooms", "layers", "advanced"] {
                    let name = "\(dimension)-\(table).csv"
                    #expect(html.contains("href=\"\(name)\""))
                    #expect(FileManager.default.fileExists(atPath: out + "/" + name))
                }
            }
        }
    }

    @Test func aBrokenRosterWritesNothing() throws {
        try withTemporaryDirectory { dir in
            let roster = dir.appendingPathComponent("roster")
            try FileManager.default.copyItem(at: TestSupport.repositoryRoot.appendingPathComponent(handMadeRoster), to: roster)
            let enrollments = roster.appendingPathComponent("enrollments.csv")
            let text = try String(contentsOf: enrollments, encoding: .utf8)
            try text.replacingOccurrences(of: "e9,,,ENG-2,S2,s5", with: "e9,,,ENG-2,S2,S9").write(to: enrollments, atomically: true, encoding: .utf8)
            let out = dir.appendingPathComponent("report").path
            let run = try Run(["diagnose", roster.path, "--format", "html", "--out", out])
            #expect(run.status == 1)
            #expect(run.stderr == "enrollments.csv:10: userSourcedId 'S9' is not a user\n")
            #expect(!FileManager.default.fileExists(atPath: out))
        }
    }

    @Test func generateThenDiagnoseFindsThePlantedTracking() throws {
        try withTemporaryDirectory { dir in
            let roster = dir.appendingPathComponent("district").path
            let gen = try Run(["generate", "--out", roster, "--students", "3000", "--schools", "8", "--seed", "4"])
            #expect(gen.status == 0, "\(gen.stderr)")
            #expect(gen.stderr.contains("wrote a synthetic district"))
            let run = try Run(["diagnose", roster, "--format", "json", "--baseline", "50", "--seed", "2"])
            let doc = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            #expect(doc["students"] as? Int == 3000)
            let findings = try #require(doc["findings"] as? [[String: Any]])
            // Tracking by income is planted: the disadvantaged are under-represented in advanced courses.
            #expect(findings.contains { $0["level"] as? String == "courseEnrollment" && $0["dimension"] as? String == "economic" })
            let economic = try #require(((doc["dimensions"] as? [String: Any])?["economic"] as? [String: Any])?["advanced"] as? [String: Any])
            let groups = try #require(economic["groups"] as? [String: [String: Any]])
            #expect((groups["disadvantaged"]?["rate"] as! Double) < (groups["notDisadvantaged"]?["rate"] as! Double))
        }
    }
}
