import Foundation
import HTTPTypes
import MosaicBoundaries
import MosaicMetrics
import MosaicStore
import MosaicTestSupport
import Testing

@testable import MosaicServer

/// Boundary scenarios in the service: staff run redraws and pairings on a stored
/// instance, watch the run, compare scenarios and export the assignment; nobody else
/// opens the pages.
@Suite struct BoundaryPagesTests {
    static func city() -> BoundaryInstance {
        var rng = SeededGenerator(seed: 12)
        return BoundaryInstance.synthetic(schools: 6, blocksPerSchool: 20, using: &rng)
    }

    static func addCity(_ f: Fixture) async throws -> String {
        let json = String(decoding: try JSONEncoder().encode(city()), as: UTF8.self)
        return try await f.server.store.addBoundaryInstance(BoundaryInstanceRecord(
            district: "district", name: "Test city", json: json, addedAt: Date(timeIntervalSince1970: 1_790_000_000), addedBy: "test")).id
    }

    /// Follows a run's page until it sends the browser to the scenario (at most 30 s).
    static func await(_ f: Fixture, _ job: String, cookies: [String: String]) async throws -> String {
        for _ in 0..<600 {
            let r = try await f.send(.get, job, cookies: cookies)
            if r.status == .seeOther { return try #require(r.location) }
            #expect(r.status == .ok && r.body.contains("<progress"), "\(r.status): \(r.body.prefix(300))")
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("the run did not finish")
        return ""
    }

    @Test func staffRunCompareAndExportScenarios() async throws {
        let f = try await Fixture.make()
        let staff = ["mosaic_session": try await f.signIn("district")]
        let id = try await Self.addCity(f)
        let base = "/districts/district/boundaries"
        let index = try await f.send(.get, base, cookies: staff)
        #expect(index.status == .ok && index.body.contains("Test city"))
        let page = try await f.send(.get, "\(base)/\(id)", cookies: staff)
        #expect(page.status == .ok && page.body.contains("<svg") && page.body.contains("Today&#39;s zones") && page.body.contains("race:white"))
        let token = try EnrichmentPagesTests.csrf(page.body)
        // Bad values are refused with every reason, and nothing runs.
        let bad = try await f.send(.post, "\(base)/\(id)/scenarios", cookies: staff,
                                   form: ["csrf": token, "name": "", "growth": "lots", "dimension": "shoe size", "kind": "redraw"])
        #expect(bad.status == .badRequest)
        #expect(bad.body.contains("the scenario needs a name") && bad.body.contains("the size increase (%) is a number") && bad.body.contains("is not one of the instance"))
        #expect(try await f.server.store.boundaryScenarios(district: "district", instance: id).isEmpty)
        // Without the form's token: refused.
        let forged = try await f.send(.post, "\(base)/\(id)/scenarios", cookies: staff, form: ["name": "x"])
        #expect(forged.status == .forbidden)
        // A redraw runs in the background; its page shows progress, then the scenario.
        let started = try await f.send(.post, "\(base)/\(id)/scenarios", cookies: staff,
                                       form: ["csrf": token, "name": "Travel +50 %", "kind": "redraw", "dimension": "race", "travel": "50", "growth": "15",
                                              "contiguity": "on", "seed": "3", "beyond": "1"])
        #expect(started.status == .seeOther)
        let scenario = try await Self.await(f, try #require(started.location), cookies: staff)
        #expect(scenario == "\(base)/\(id)/scenarios/1")
        let shown = try await f.send(.get, scenario, cookies: staff)
        #expect(shown.status == .ok && shown.body.contains("Travel +50 %") && shown.body.contains("Redrawn") && shown.body.contains("newly beyond"))
        // The stored result is the command's: the same search with the same seed and budget.
        let stored = try #require(try await f.server.store.boundaryScenarios(district: "district", instance: id).first)
        let problem = try BoundaryProblem(Self.city(), dimension: "race", limits: .init())
        var rng = SeededGenerator(seed: 3)
        let outcome = BoundarySearch(problem).run(.init(restarts: BoundaryScenario.restarts, sweeps: BoundaryScenario.sweeps, parallelism: 2), using: &rng)
        let plan = BoundaryPlan(problem, assignment: outcome.assignment, transportBeyond: 1)
        #expect(stored.result == plan.json(objective: .dissimilarity, seed: 3, outcome: outcome).serialized())
        #expect(plan.after.D < plan.before.D && plan.feasible)
        // The export: one row per unit, moved where the plan moves it, no counts.
        let csv = try await f.send(.get, "\(scenario)/assignment.csv", cookies: staff)
        #expect(csv.status == .ok)
        let rows = csv.body.split(separator: "\n").map(String.init)
        #expect(rows.first == "unit,school_today,school_after,moved" && rows.count == problem.unitCount + 1)
        #expect(rows.dropFirst().filter { $0.hasSuffix(",yes") }.count == plan.unitsMoved)
        // A pairing, then both side by side.
        let paired = try await f.send(.post, "\(base)/\(id)/scenarios", cookies: staff,
                                      form: ["csrf": token, "name": "Pairs", "kind": "pair", "dimension": "race", "growth": "30", "shrink": "30", "drive": "3"])
        let pairPage = try await f.send(.get, try await Self.await(f, try #require(paired.location), cookies: staff), cookies: staff)
        #expect(pairPage.status == .ok && pairPage.body.contains("Schools paired") && pairPage.body.contains("Paired"))
        let compare = try await f.send(.get, "\(base)/\(id)", cookies: staff)
        #expect(compare.body.contains("Scenarios side by side") && compare.body.contains("Travel +50 %") && compare.body.contains("Pairs"))
        let audit = try await f.server.store.auditLog(district: "district", limit: 50).map(\.action)
        #expect(audit.contains("boundary-scenario") && audit.contains("export-boundary-scenario"))
    }

    /// Block counts are internal: the public, advocates, enrollment staff and school leaders
    /// are refused every page, the export and the form.
    @Test func onlyTheDistrictsStaffOpenThem() async throws {
        let f = try await Fixture.make()
        let id = try await Self.addCity(f)
        let base = "/districts/district/boundaries"
        for role in ["public", "advocate", "enrollment", "school"] {
            let cookies = role == "public" ? [:] : ["mosaic_session": try await f.signIn(role)]
            for route in [base, "\(base)/\(id)", "\(base)/\(id)/scenarios/1", "\(base)/\(id)/scenarios/1/assignment.csv", "\(base)/\(id)/jobs/1"] {
                let r = try await f.send(.get, route, cookies: cookies)
                #expect(r.status == .forbidden, "\(route) as \(role)")
                #expect(!r.body.contains("School 1"), "\(route) as \(role)")
            }
            let post = try await f.send(.post, "\(base)/\(id)/scenarios", cookies: cookies, form: ["name": "x", "kind": "redraw"])
            #expect(post.status == .forbidden, "POST as \(role)")
        }
        #expect(try await f.server.store.boundaryScenarios(district: "district", instance: id).isEmpty)
    }
}
