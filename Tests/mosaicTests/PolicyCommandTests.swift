import Foundation
import MosaicDiagnostic
import MosaicTestSupport
import Testing

@Suite struct PolicyCommandTests {
    /// Scores for the hand-made roster: S1 offers Honors English to grade 9 (s1 and s2 in
    /// it), S2 offers no advanced class, so s5's 330 enrolls nobody.
    static func scores(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("scores-\(UUID()).csv")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    static let good = "sourcedId,subject,score,proficient\ns1,math,320,true\ns2,math,290,false\ns3,math,315,true\ns4,math,305,false\ns5,math,330,true\ns6,math,280,false\n"

    @Test func autoEnrollComparesThresholds() throws {
        let file = try Self.scores(Self.good)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let run = try Run(["policy", "auto-enroll", handMadeRoster, "--assessments", file, "--threshold", "310",
                           "--threshold", "300,proficient", "--format", "json", "--min-n", "1"])
        #expect(run.status == 0, "\(run.stderr)")
        let sim = try JSONDecoder().decode(AutoEnrollmentSimulation.self, from: Data(run.stdout.utf8))
        #expect(sim.eligible == 4 && sim.assessed == 4)
        #expect(sim.scenarios.map(\.threshold) == ["310", "300", "proficient"])
        #expect(sim.scenarios.map(\.autoEnrolled) == [1, 2, 1])
        #expect(sim.scenarios.map(\.participantsProjected) == [3, 4, 3])
        #expect(sim.scenarios[0].schools.map(\.id) == ["S1"] && sim.scenarios[0].schools[0].newSeats == 1)
        let table = try Run(["policy", "auto-enroll", handMadeRoster, "--assessments", file, "--threshold", "310,300"])
        #expect(table.status == 0 && table.stdout.contains("Thresholds side by side"), "\(table.stderr)")
    }

    /// A bad results file is reported as PATH:LINE, nothing is printed, the exit is 1.
    @Test func badInputIsExplained() throws {
        let file = try Self.scores("sourcedId,subject,score,proficient\ns1,math,320,true\ns9,math,300,false\ns2,math,abc,\n")
        defer { try? FileManager.default.removeItem(atPath: file) }
        let bad = try Run(["policy", "auto-enroll", handMadeRoster, "--assessments", file, "--threshold", "310"])
        #expect(bad.status == 1 && bad.stdout.isEmpty)
        #expect(bad.stderr.contains("\(file):3: sourcedId 's9' is not a student of the roster"), "\(bad.stderr)")
        #expect(bad.stderr.contains("\(file):4: score 'abc' is not a number"))
        let good = try Self.scores(Self.good)
        defer { try? FileManager.default.removeItem(atPath: good) }
        let threshold = try Run(["policy", "auto-enroll", handMadeRoster, "--assessments", good, "--threshold", "high"])
        #expect(threshold.status != 0 && threshold.stderr.contains("--threshold 'high' is neither a number nor 'proficient'"))
        let none = try Run(["policy", "auto-enroll", handMadeRoster, "--threshold", "310"])
        #expect(none.status == 1 && none.stderr.contains("no assessment results"), "\(none.stderr)")
        let rate = try Run(["policy", "auto-enroll", handMadeRoster, "--assessments", good, "--threshold", "310", "--opt-out-rate", "1.5"])
        #expect(rate.status != 0 && rate.stderr.contains("--opt-out-rate is a share between 0 and 1"))
    }
}
