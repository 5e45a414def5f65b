import Foundation
import MosaicTestSupport
import Testing

/// `mosaic match` as contract `match.md` lays it out.
@Suite struct MatchCommandTests {
    let instance = "Tests/mosaicTests/Fixtures/kindergarten.json"

    /// The hand instance: S01 (2 seats, one soft low-income reserve, reserve first) ranks
    /// st3 (sibling), st1 (zone), st2, st4 by lottery; S02 ranks by lottery st2, st4, …
    /// Under DA st3 takes the reserve seat (no low-income applicant), st1 the open one,
    /// st4 her first choice S02; st2 is left out.
    @Test func deferredAcceptanceAsCSV() throws {
        let run = try Run(["match", instance, "--format", "csv"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == """
            student_id,school_id,rank,seat_type
            st1,S01,1,open
            st2,,,
            st3,S01,1,low-income
            st4,S02,1,open

            """)
    }

    @Test func theJSONCarriesTheContractsFields() throws {
        let run = try Run(["match", instance, "--format", "json", "--mechanism", "ttc", "--seed", "5"])
        #expect(run.status == 0, "\(run.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(doc["mechanism"] as? String == "ttc" && doc["seed"] as? Int == 5)
        #expect((doc["inputSha256"] as? String)?.count == 64)
        let summary = try #require(doc["summary"] as? [String: Any])
        #expect(summary["students"] as? Int == 4 && summary["assigned"] as? Int == 3 && summary["unassigned"] as? Int == 1)
        let schools = try #require(doc["schools"] as? [[String: Any]])
        #expect(schools.map { $0["id"] as? String } == ["S01", "S02"])
        #expect((schools[0]["cutoff"] as? [String: Any])?["class"] as? String != nil)
        #expect(((doc["groups"] as? [String: Any])?["economic"] as? [String: Any])?["dissimilarity"] is Double)
    }

    /// Lottery numbers the file leaves out are drawn from --seed: the same seed, the same
    /// bytes; another seed, another lottery.
    @Test func theSameSeedGivesTheSameOutput() throws {
        // Five students, no lottery numbers, all wanting A (one seat) then B (one seat).
        let students = (1...5).map { #"{"id": "st\#($0)", "prefs": ["A", "B"]}"# }.joined(separator: ", ")
        let unnumbered = #"{"schools": [{"id": "A", "capacity": 1}, {"id": "B", "capacity": 1}], "students": ["# + students + "]}"
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("match-\(UUID()).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try unnumbered.write(toFile: path, atomically: true, encoding: .utf8)
        for tie in ["single", "multiple"] {
            let a = try Run(["match", path, "--format", "json", "--seed", "11", "--tie-breaking", tie])
            let b = try Run(["match", path, "--format", "json", "--seed", "11", "--tie-breaking", tie])
            #expect(a.status == 0, "\(a.stderr)")
            #expect(a.stdout == b.stdout)
            var other = false
            for seed in 12..<40 where try Run(["match", path, "--format", "csv", "--seed", "\(seed)", "--tie-breaking", tie]).stdout
                != Run(["match", path, "--format", "csv", "--seed", "11", "--tie-breaking", tie]).stdout {
                other = true
                break
            }
            #expect(other, "\(tie): no seed changed the lottery")
        }
    }

    @Test func aBadInstanceIsRefusedWithEveryProblem() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID()).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try #"{"schools": [{"id": "A", "capacity": 1}], "students": [{"id": "x", "prefs": ["B", "A"]}, {"id": "x", "prefs": []}]}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        let run = try Run(["match", path])
        #expect(run.status != 0 && run.stdout.isEmpty)
        #expect(run.stderr.contains("\(path): students: two students share an id"))
        #expect(run.stderr.contains("\(path): students[0] x: prefs name an unknown school “B”"))
        try #"{"schools": [{"id": "A"}], "students": []}"#.write(toFile: path, atomically: true, encoding: .utf8)
        let missing = try Run(["match", path])
        #expect(missing.status != 0 && missing.stderr.contains("\(path): not an instance of match.md: schools[0]: missing “capacity”"))
    }

    /// st2 ranked only S01, which filled with a sibling (st3) and a zone student (st1):
    /// her key (other, 1) is below the cutoff (zone, 4).
    @Test func explainSaysWhyAStudentWasNotAdmitted() throws {
        let run = try Run(["match", instance, "--explain", "st2", "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == #"{"student":"st2","assigned":null,"higherChoices":[{"school":"S01","choice":1,"priority":{"class":"other","lottery":1},"cutoff":{"class":"zone","lottery":4},"filled":true,"belowCutoff":true}]}"# + "\n")
        let text = try Run(["match", instance, "--explain", "st2"])
        #expect(text.stdout.contains("choice 1 S01: her priority other 1, cutoff zone 4 — full with students of higher priority"))
        #expect(try Run(["match", instance, "--explain", "st9"]).status != 0)
    }

    /// `mosaic match synthetic` writes an instance `mosaic match` accepts; `compare` sets
    /// policies side by side in a table, as JSON and as a page of charts.
    @Test func policiesCompareSideBySide() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("compare-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let made = try Run(["match", "synthetic", "--out", "\(dir)/city.json", "--students", "600", "--schools", "8", "--choices", "3", "--seed", "3"])
        #expect(made.status == 0, "\(made.stderr)")
        #expect(try Run(["match", "\(dir)/city.json", "--format", "csv"]).status == 0)
        try #"{"name": "zones"}"#.write(toFile: "\(dir)/zones.json", atomically: true, encoding: .utf8)
        try #"{"name": "no zones", "priorityClasses": ["sibling", "other"]}"#.write(toFile: "\(dir)/open.json", atomically: true, encoding: .utf8)
        let args = ["match", "compare", "\(dir)/city.json", "--policy", "\(dir)/zones.json", "--policy", "\(dir)/open.json", "--simulate", "30", "--seed", "2"]
        let table = try Run(args + ["--chart", "\(dir)/compare.html"])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.hasPrefix("zones vs no zones: 30 lotteries each from seed 2, the same lotteries for every policy"))
        #expect(table.stdout.contains("Access: first choice / unassigned") && table.stdout.contains("What changes"))
        let page = try String(contentsOfFile: "\(dir)/compare.html", encoding: .utf8)
        #expect(page.contains("<title id=\"t-first-choice\">Share assigned to their first choice</title>"))
        #expect(page.contains("<desc id=\"d-sorting\">") && page.contains("<caption>How sorted the schools are (dissimilarity)</caption>"))
        let json = try Run(args + ["--format", "json"])
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect((doc["policies"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["zones", "no zones"])
        #expect((doc["findings"] as? [String])?.isEmpty == false)
        #expect((doc["inputSha256"] as? String)?.count == 64 && doc["draws"] as? Int == 30)
        // The same seed, the same bytes.
        #expect(try Run(args + ["--format", "json"]).stdout == json.stdout)
    }

    @Test func aBadPolicyIsRefusedAndNothingIsWritten() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("badpolicy-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try #"{"name": "odd", "reserves": [{"name": "r", "group": {"economic": "disadvantaged"}, "share": 2}]}"#
            .write(toFile: "\(dir)/odd.json", atomically: true, encoding: .utf8)
        try #"{"reserves": []}"#.write(toFile: "\(dir)/nameless.json", atomically: true, encoding: .utf8)
        let run = try Run(["match", "compare", instance, "--policy", "\(dir)/odd.json", "--policy", "\(dir)/nameless.json", "--chart", "\(dir)/c.html"])
        #expect(run.status != 0 && run.stdout.isEmpty)
        #expect(run.stderr.contains("\(dir)/odd.json: reserves[0] r: share 2.0 is not between 0 and 1"))
        #expect(run.stderr.contains("\(dir)/nameless.json: not a policy: missing “name”"))
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/c.html"))
    }
}

/// `mosaic generate --kind match` (issue 25): the NYC-size market the whole command is
/// measured on, with its lottery in the file, the same for the same seed.
@Suite struct GenerateMatchCommandTests {
    @Test func aGeneratedMarketCarriesItsLotteryAndMatches() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gen-match-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("a.json").path, b = dir.appendingPathComponent("b.json").path
        for path in [a, b] {
            let run = try Run(["generate", "--kind", "match", "--students", "2000", "--programmes", "30", "--choices", "6", "--seed", "3", "--out", path])
            #expect(run.status == 0, "\(run.stderr)")
        }
        #expect(FileManager.default.contents(atPath: a) == FileManager.default.contents(atPath: b))
        let doc = try #require(try JSONSerialization.jsonObject(with: FileManager.default.contents(atPath: a)!) as? [String: Any])
        let students = try #require(doc["students"] as? [[String: Any]])
        #expect(students.count == 2_000 && (doc["schools"] as? [Any])?.count == 30)
        #expect(Set(students.compactMap { $0["lottery"] as? Int }) == Set(1...2_000))
        #expect(students.allSatisfy { ($0["prefs"] as? [String])?.count == 6 })
        let match = try Run(["match", a, "--format", "csv"])
        #expect(match.status == 0, "\(match.stderr)")
        #expect(match.stdout.split(separator: "\n").count == 2_001)
    }
}
