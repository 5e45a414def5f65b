import Foundation
import MosaicSchedule
import MosaicTestSupport
import Testing

/// `mosaic schedule` as contract `schedule.md` lays it out.
@Suite struct ScheduleCommandTests {
    let lincoln = "Tests/mosaicTests/Fixtures/lincoln.json"
    let grade2 = "Tests/mosaicTests/Fixtures/grade2.json"
    let clusters = "Tests/mosaicTests/Fixtures/enrichment.json"

    /// The contract's JSON examples, in order: instance, audit, section, class-list
    /// instance, class lists, enrichment instance.
    static func examples() throws -> [Any] {
        let text = try String(contentsOf: TestSupport.shared.appendingPathComponent("contracts/schedule.md"), encoding: .utf8)
        var out: [Any] = [], rest = text[...]
        while let start = rest.range(of: "```json\n"), let end = rest.range(of: "\n```", range: start.upperBound..<rest.endIndex) {
            out.append(try JSONSerialization.jsonObject(with: Data(rest[start.upperBound..<end.lowerBound].utf8)))
            rest = rest[end.upperBound...]
        }
        return out
    }

    /// Lincoln's only AP Calculus section meets with its only ESL section: the audit says
    /// so with the contract's fields and figures, and suggests a move.
    @Test func theAuditFindsTheContractsConflict() throws {
        let run = try Run(["schedule", "audit", lincoln, "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        let doc = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8))
        #expect(ContractExample.compare(doc, try Self.examples()[1], path: "audit", allowExtra: true) == [])
        let audit = try JSONDecoder().decode(ScheduleAudit.self, from: Data(run.stdout.utf8))
        #expect(audit.singletons == ["AP-CALC", "ESL3"])
        let conflict = try #require(audit.conflicts.first)
        #expect(conflict.courses == ["AP-CALC", "ESL3"] && conflict.period == "3" && conflict.students == 14 && conflict.kind == "singleton")
        #expect(conflict.groups["englishLearner"] == ["el": 14])
        #expect(audit.matrix["AP-CALC"]?["ESL3"] == 14)
        #expect(audit.moves.first?.unblocks == 14)
        let table = try Run(["schedule", "audit", lincoln])
        #expect(table.stdout.contains("AP-CALC + ESL3"))
    }

    /// Sectioning: the contract's fields, a feasible result (the checker reads the
    /// instance itself), the bound reached, and the same bytes for the same seed.
    @Test func sectioningMeetsTheContract() throws {
        let run = try Run(["schedule", "section", lincoln, "--seed", "3", "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        let doc = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8))
        #expect(ContractExample.compare(doc, try Self.examples()[2], path: "section", allowExtra: true) == [])
        let result = try JSONDecoder().decode(SectioningResult.self, from: Data(run.stdout.utf8))
        let instance = try JSONDecoder().decode(SectioningInstance.self, from: Data(contentsOf: URL(fileURLWithPath: lincoln, relativeTo: TestSupport.repositoryRoot)))
        #expect(instance.check(result) == [])
        #expect(result.requestsMet == result.bound)
        // The English learners cannot have AP Calculus in period 3: they get Precalculus.
        #expect(result.assignments.filter { $0.course == "PRECALC" && Int($0.student.dropFirst())! <= 14 }.count == 14)
        #expect(try Run(["schedule", "section", lincoln, "--seed", "3", "--format", "json"]).stdout == run.stdout)
    }

    /// Class lists: the contract's fields, the hard constraints, and perfect balance.
    @Test func classListsMeetTheContract() throws {
        let run = try Run(["schedule", "classlist", grade2, "--seed", "1", "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        let doc = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8))
        #expect(ContractExample.compare(doc, try Self.examples()[4], path: "classlist", allowExtra: true) == [])
        let result = try JSONDecoder().decode(ClassListResult.self, from: Data(run.stdout.utf8))
        #expect(result.assignments["S1"] == "2A")
        #expect(result.assignments["S1"] != result.assignments["S7"])
        #expect(result.assignments["S3"] == result.assignments["S4"])
        #expect(result.perfect && result.balance.values.allSatisfy { $0.maxDeviation < 1 })
        #expect(result.classes.allSatisfy { (18...24).contains($0.size) })
    }

    /// The enrichment output the contract shows inline (`Output: {...}`).
    static func enrichmentOutput() throws -> Any {
        let text = try String(contentsOf: TestSupport.shared.appendingPathComponent("contracts/schedule.md"), encoding: .utf8)
        let section = try #require(text.range(of: "## `mosaic schedule enrichment"))
        let start = try #require(text.range(of: "Output: `", range: section.upperBound..<text.endIndex))
        let end = try #require(text.range(of: "`", range: start.upperBound..<text.endIndex))
        return try JSONSerialization.jsonObject(with: Data(text[start.upperBound..<end.lowerBound].replacingOccurrences(of: "\n", with: " ").utf8))
    }

    /// Enrichment clusters: the contract's fields, every student in one of her choices,
    /// sizes within bounds, the mix within the limits, and the same bytes for the same seed.
    @Test func enrichmentMeetsTheContract() throws {
        let run = try Run(["schedule", "enrichment", clusters, "--seed", "2", "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        let doc = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8))
        // The contract's student S1 is our fixture's S01.
        var contract = try #require(try Self.enrichmentOutput() as? [String: Any])
        contract["assignments"] = ["S01": "robotics"]
        #expect(ContractExample.compare(doc, contract, path: "enrichment", allowExtra: true) == [])
        #expect((doc as? [String: Any])?["optimal"] is Bool)
        let result = try JSONDecoder().decode(EnrichmentResult.self, from: Data(run.stdout.utf8))
        let instance = try JSONDecoder().decode(EnrichmentInstance.self, from: Data(contentsOf: URL(fileURLWithPath: clusters, relativeTo: TestSupport.repositoryRoot)))
        #expect(result.placed == instance.students.count && result.unplaced.isEmpty)
        for s in instance.students { #expect(s.choices.contains(result.assignments[s.id] ?? "none"), "\(s.id)") }
        for c in instance.clusters {
            let n = result.assignments.values.filter { $0 == c.id }.count
            #expect(n == 0 || (c.min...c.max).contains(n), "\(c.id): \(n)")
        }
        for (d, x) in instance.heterogeneity ?? [:] { #expect(result.maxShareDeviation[d]! <= x + 1e-9, "\(d)") }
        #expect(result.rankCounts.values.reduce(0, +) == result.placed)
        #expect(result.bound <= result.rankSum)
        #expect(try Run(["schedule", "enrichment", clusters, "--seed", "2", "--format", "json"]).stdout == run.stdout)
        let table = try Run(["schedule", "enrichment", clusters, "--seed", "2"])
        #expect(table.status == 0)
        #expect(table.stdout.contains("placed            60 of 60 students"))
        #expect(table.stdout.contains("robotics"))
    }

    /// Bad input: every problem as FILE: where: what, exit 1, nothing on stdout.
    @Test func badInstancesAreRefusedWithWhatIsWrong() throws {
        try withTemporaryDirectory { dir in
            let bad = dir.appendingPathComponent("bad.json").path
            try #"{"courses": [{"id": "A", "sections": [{"id": "A1", "limit": 5, "period": "1"}]}], "students": [{"id": "S1", "requests": [{"course": "B"}]}]}"#
                .write(toFile: bad, atomically: true, encoding: .utf8)
            for command in ["audit", "section"] {
                let run = try Run(["schedule", command, bad])
                #expect(run.status == 1)
                #expect(run.stdout.isEmpty)
                #expect(run.stderr == "\(bad): students[0] S1: requests unknown course “B”\n")
            }
            let broken = dir.appendingPathComponent("broken.json").path
            try #"{"courses": [{"id": "A"}], "students": 3}"#.write(toFile: broken, atomically: true, encoding: .utf8)
            let run = try Run(["schedule", "section", broken])
            #expect(run.status == 1 && run.stdout.isEmpty)
            #expect(run.stderr.hasPrefix("\(broken): not a sectioning instance of schedule.md: students: "))
            let classes = dir.appendingPathComponent("classes.json").path
            try #"{"classes": [{"id": "A", "min": 5, "max": 6}], "students": [{"id": "S1"}]}"#.write(toFile: classes, atomically: true, encoding: .utf8)
            let c = try Run(["schedule", "classlist", classes])
            #expect(c.status == 1 && c.stdout.isEmpty)
            #expect(c.stderr == "\(classes): classes: 1 students cannot fill classes holding 5 to 6\n")
            let survey = dir.appendingPathComponent("survey.json").path
            try #"{"clusters": [{"id": "robotics", "min": 10, "max": 15}], "students": [{"id": "S1", "choices": ["robotics", "chess"], "ability": "high"}], "heterogeneity": {"ability": 0.15}}"#
                .write(toFile: survey, atomically: true, encoding: .utf8)
            let e = try Run(["schedule", "enrichment", survey])
            #expect(e.status == 1 && e.stdout.isEmpty)
            #expect(e.stderr == "\(survey): students[0] S1: chooses unknown cluster “chess”\n")
            try #"{"clusters": [{"id": "robotics", "min": 10}], "students": []}"#.write(toFile: survey, atomically: true, encoding: .utf8)
            let f = try Run(["schedule", "enrichment", survey])
            #expect(f.status == 1 && f.stdout.isEmpty)
            #expect(f.stderr.hasPrefix("\(survey): not an enrichment instance of schedule.md: "))
        }
    }

    /// A generated high school and a generated district's roster both become instances
    /// that audit and section.
    @Test func generatedSchoolsAndRostersSection() throws {
        try withTemporaryDirectory { dir in
            let school = dir.appendingPathComponent("school.json").path
            let g = try Run(["generate", "--kind", "sectioning", "--students", "200", "--seed", "4", "--out", school])
            #expect(g.status == 0, "\(g.stderr)")
            #expect(g.stderr.contains("wrote a synthetic high school to \(school): 200 students"))
            #expect(try Run(["schedule", "audit", school]).status == 0)
            let roster = dir.appendingPathComponent("roster").path
            #expect(try Run(["generate", "--out", roster, "--students", "400", "--schools", "2", "--seed", "2"]).status == 0)
            let instance = dir.appendingPathComponent("from-roster.json").path
            let built = try Run(["schedule", "instance", "--roster", roster, "--school", "sch2", "--term", "spring2026", "--limit", "30", "--out", instance])
            #expect(built.status == 0, "\(built.stderr)")
            #expect(built.stderr.contains("as loaded now, race: mean dissimilarity of sections from their course"))
            let run = try Run(["schedule", "section", instance, "--format", "json", "--annealing", "2000"])
            #expect(run.status == 0, "\(run.stderr)")
            let result = try JSONDecoder().decode(SectioningResult.self, from: Data(run.stdout.utf8))
            let problem = try JSONDecoder().decode(SectioningInstance.self, from: Data(contentsOf: URL(fileURLWithPath: instance)))
            #expect(problem.check(result) == [])
            #expect(result.requestsMet == result.requests)   // every student keeps every course
        }
    }
}
