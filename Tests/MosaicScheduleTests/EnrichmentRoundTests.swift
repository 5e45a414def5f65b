import Foundation
import MosaicSchedule
import Testing

/// The enrichment round's steps: clusters proposed from a form's text (every problem at
/// once, nothing changed then), the survey opening only with two clusters and before the
/// assignment, and the round kept as the JSON the service stored before.
@Suite struct EnrichmentRoundTests {
    @Test func proposingAndOpening() throws {
        var round = EnrichmentRound(heterogeneity: ["economic": 0.15])
        #expect(round.whySurveyCannotOpen(status: .proposing) == "propose at least two clusters first")
        let bad = round.propose(id: "Robotics Club!", title: " ", titleEs: nil, min: "-1", max: "x", by: "ana", status: .proposing)
        #expect(bad == ["the cluster's id is 1 to 40 lower-case letters, digits and hyphens, not 'Robotics Club!'", "the cluster needs a title",
                        "the smallest size is a whole number from 0, not '-1'", "the largest size is a whole number from 1, not 'x'"])
        #expect(round.clusters.isEmpty)
        #expect(round.propose(id: " Robotics ", title: "Robotics", titleEs: "Robótica", min: "4", max: "12", by: "ana", status: .proposing).isEmpty)
        #expect(round.clusters == [.init(id: "robotics", title: "Robotics", titleEs: "Robótica", min: 4, max: 12, proposedBy: "ana")])
        #expect(round.propose(id: "robotics", title: "Again", titleEs: nil, min: "1", max: "2", by: "bo", status: .proposing)
                == ["a cluster 'robotics' is already proposed"])
        #expect(round.propose(id: "garden", title: "Garden", titleEs: "", min: "5", max: "3", by: "bo", status: .proposing)
                == ["the largest size 3 is below the smallest 5"])
        #expect(round.propose(id: "garden", title: "Garden", titleEs: "", min: "3", max: "9", by: "bo", status: .assigned)
                == ["the round is assigned: propose clusters in a new round"])
        #expect(round.propose(id: "garden", title: "Garden", titleEs: "", min: "3", max: "9", by: "bo", status: .surveying).isEmpty)
        #expect(round.whySurveyCannotOpen(status: .surveying) == nil)
        #expect(round.whySurveyCannotOpen(status: .assigned) == "the round is assigned")
        // The stored form: the keys the service wrote before the rules moved here.
        let json = String(decoding: try JSONEncoder().encode(round), as: UTF8.self)
        #expect(json.contains(#""clusters":["#) && json.contains(#""heterogeneity":{"economic":0.15}"#) && json.contains(#""proposedBy":"ana""#))
        #expect(try JSONDecoder().decode(EnrichmentRound.self, from: Data(json.utf8)) == round)
    }

    /// Starting a round: the name, goal and mix limits a form sends, every problem at once.
    @Test func startingARoundReadsTheForm() throws {
        let ok = try EnrichmentRound.start(name: "  Fall clusters ", goal: "40", mixLimits: [("ability", "15"), ("economic", "")]).get()
        #expect(ok.name == "Fall clusters" && ok.goal == 0.4 && ok.round.heterogeneity == ["ability": 0.15])
        guard case .failure(let bad) = EnrichmentRound.start(name: " ", goal: "140", mixLimits: [("ability", "x"), ("economic", "101")]) else {
            Issue.record("a form with four problems was accepted")
            return
        }
        #expect(bad.messages == ["the round needs a name", "the goal is a percentage of the school's students from 1 to 100, not '140'",
                                 "the ability mix limit is percentage points from 0 to 100, not 'x'",
                                 "the economic mix limit is percentage points from 0 to 100, not '101'"])
    }
}
