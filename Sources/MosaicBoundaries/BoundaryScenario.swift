import Foundation
import MosaicCore
import MosaicMetrics

/// A boundary scenario as the service runs it: a redraw of the zones or a pairing of
/// schools, with the limits the analyst set, checked from what a form sends (text),
/// stored with the scenario (Codable), and run to the `mosaic boundaries` command's JSON.
/// The same settings give the same scenario: the redraw's budget is fixed here.
public struct BoundaryScenario: Codable, Sendable, Equatable {
    /// The redraw's budget on the service: fixed, so a seed gives the same scenario every time.
    public static let restarts = 4, sweeps = 2000

    public var kind: String
    public var dimension: String
    public var objective: String
    public var maxTravelIncrease: Double
    public var maxSizeIncrease: Double
    public var maxSizeDecrease: Double?
    public var contiguity: Bool
    public var seed: UInt64
    public var restarts: Int
    public var sweeps: Int
    public var transportBeyond: Double?
    public var maxDrive: Double?
    public var groupSize: String
    public var grades: [String]

    /// The pairing these settings ask for on `problem`.
    public func pairing(_ problem: BoundaryProblem) -> Pairing {
        Pairing(problem, options: .init(sizes: Set(groupSize.split(separator: ",").compactMap { Int($0) }), grades: grades, maxDrive: maxDrive,
                                        objective: BoundaryObjective(rawValue: objective) ?? .dissimilarity))
    }

    public var limits: BoundaryLimits {
        .init(maxTravelIncrease: maxTravelIncrease, maxSizeIncrease: maxSizeIncrease, maxSizeDecrease: maxSizeDecrease, contiguity: contiguity)
    }

    public var summary: String {
        func pc(_ x: Double) -> String { Format.percent(x, digits: x * 100 == (x * 100).rounded() ? 0 : 1) }
        var parts = ["objective \(objective)", "size +\(pc(maxSizeIncrease))" + (maxSizeDecrease.map { " / −\(pc($0))" } ?? "")]
        if kind == "redraw" {
            parts.insert("travel +\(pc(maxTravelIncrease))", at: 1)
            parts += ["contiguity \(contiguity ? "on" : "off")", "seed \(seed)"]
        } else {
            parts += ["groups of \(groupSize)", "grades \(grades.joined(separator: ","))"] + (maxDrive.map { ["at most \(Format.fixed($0, 2)) apart"] } ?? [])
        }
        return parts.joined(separator: ", ")
    }

    /// The command that gives the same figures.
    public func command(_ instance: String) -> String {
        var c = kind == "pair" ? "mosaic boundaries pair \(instance)" : "mosaic boundaries \(instance)"
        c += " --dimension \(dimension) --objective \(objective) --max-size-increase \(maxSizeIncrease)"
        if let d = maxSizeDecrease { c += " --max-size-decrease \(d)" }
        if kind == "pair" {
            c += " --group-size \(groupSize) --grades \(grades.joined(separator: ","))"
            if let d = maxDrive { c += " --max-drive \(d)" }
        } else {
            c += " --max-travel-increase \(maxTravelIncrease) --contiguity \(contiguity ? "on" : "off") --seed \(seed) --restarts \(restarts) --sweeps \(sweeps)"
        }
        if let t = transportBeyond { c += " --transport-beyond \(t)" }
        return c + " --format json"
    }

    /// What a person asks for, as text (a form's fields): every field optional, with the
    /// service's defaults.
    public struct Request: Sendable {
        public var kind, dimension, objective, travel, growth, shrink, contiguity, seed, beyond, drive, groupSize, grades: String?

        public init(kind: String? = nil, dimension: String? = nil, objective: String? = nil, travel: String? = nil, growth: String? = nil,
                    shrink: String? = nil, contiguity: String? = nil, seed: String? = nil, beyond: String? = nil, drive: String? = nil,
                    groupSize: String? = nil, grades: String? = nil) {
            (self.kind, self.dimension, self.objective, self.travel, self.growth, self.shrink) = (kind, dimension, objective, travel, growth, shrink)
            (self.contiguity, self.seed, self.beyond, self.drive, self.groupSize, self.grades) = (contiguity, seed, beyond, drive, groupSize, grades)
        }
    }

/// The instance's dimensions, race first when it has one.
    public static func dimensions(_ instance: BoundaryInstance) -> [String] {
        (instance.units.first?.students.dimensionNames ?? ["students"]).sorted { ($0 == "race" ? 0 : 1, $0) < ($1 == "race" ? 0 : 1, $1) }
    }
    
    /// The dimensions and, for each, every group against the rest (`race:white`).
    public static func dimensionChoices(_ instance: BoundaryInstance) -> [String] {
        dimensions(instance).flatMap { d -> [String] in
            let groups = Set(instance.units.flatMap { ($0.students.counts(d) ?? [:]).keys }).sorted()
            return [d] + groups.map { "\(d):\($0)" }
        }
    }

    /// The form as settings, or every problem with it.
    public static func settings(_ f: Request, instance: BoundaryInstance) -> (BoundaryScenario?, [String]) {
        var problems: [String] = []
        func number(_ text: String?, _ what: String, default d: Double?, range: ClosedRange<Double> = 0...1_000_000) -> Double? {
            let t = (text ?? "").trimmingCharacters(in: .whitespaces)
            if t.isEmpty { return d }
            guard let x = Double(t), range.contains(x) else {
                problems.append("\(what) is a number from \(Format.fixed(range.lowerBound, 0)) to \(Format.fixed(range.upperBound, 0)), not '\(t)'")
                return d
            }
            return x
        }
        let kind = f.kind ?? "redraw"
        if kind != "redraw" && kind != "pair" { problems.append("the kind is redraw or pair, not '\(kind)'") }
        let dimension = f.dimension ?? dimensions(instance)[0]
        if !dimensionChoices(instance).contains(dimension) { problems.append("'\(dimension)' is not one of the instance's dimensions or groups") }
        let objective = (f.objective ?? "D").uppercased()
        if BoundaryObjective(rawValue: objective) == nil { problems.append("the objective is D or H, not '\(objective)'") }
        let travel = number(f.travel, "the travel increase (%)", default: 50)
        let growth = number(f.growth, "the size increase (%)", default: 15)
        let shrink = number(f.shrink, "the size decrease (%)", default: nil, range: 0...100)
        let contiguity = (f.contiguity ?? "on") != "off"
        let seedText = (f.seed ?? "1").trimmingCharacters(in: .whitespaces)
        let seed = UInt64(seedText.isEmpty ? "1" : seedText)
        if seed == nil { problems.append("the seed is a whole number from 0, not '\(seedText)'") }
        let beyond = number(f.beyond, "the transport distance", default: nil)
        let drive = number(f.drive, "the distance between paired schools", default: nil)
        let groupSize = f.groupSize ?? "2"
        if !["2", "3", "2,3"].contains(groupSize) { problems.append("the group size is 2, 3 or 2,3, not '\(groupSize)'") }
        let grades = (f.grades ?? "K,1,2,3,4,5").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if grades.count < 2 || Set(grades).count != grades.count { problems.append("the grades taught are at least two different grades, separated by commas") }
        guard problems.isEmpty else { return (nil, problems) }
        return (BoundaryScenario(kind: kind, dimension: dimension, objective: objective, maxTravelIncrease: travel! / 100, maxSizeIncrease: growth! / 100,
                                 maxSizeDecrease: shrink.map { $0 / 100 } ?? (kind == "pair" ? 0.15 : nil), contiguity: contiguity, seed: seed!,
                                 restarts: restarts, sweeps: sweeps, transportBeyond: beyond, maxDrive: drive, groupSize: groupSize, grades: grades), [])
    }

    /// Runs the scenario on `problem` off the caller's thread (a dispatch queue: the search
    /// is CPU-bound) and returns the command's JSON output; `progress` hears the moves tried.
    public func run(_ problem: BoundaryProblem, progress: @escaping @Sendable (Int) -> Void) async throws -> String {
        let settings = self
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .utility).async {
                let objective = BoundaryObjective(rawValue: settings.objective) ?? .dissimilarity
                if settings.kind == "pair" {
                    let pairing = settings.pairing(problem)
                    let (groups, proven) = pairing.choose()
                    let plan = PairingPlan(pairing, groups: groups, proven: proven, transportBeyond: settings.transportBeyond)
                    progress(1)
                    continuation.resume(returning: plan.json(objective: objective).serialized())
                    return
                }
                var rng = SeededGenerator(seed: settings.seed)
                let outcome = BoundarySearch(problem, objective: objective).run(
                    .init(restarts: settings.restarts, sweeps: settings.sweeps, parallelism: ProcessInfo.processInfo.activeProcessorCount),
                    using: &rng) { done, _ in progress(done) }
                let plan = BoundaryPlan(problem, assignment: outcome.assignment, transportBeyond: settings.transportBeyond)
                continuation.resume(returning: plan.json(objective: objective, seed: settings.seed, outcome: outcome).serialized())
            }
        }
    }
}
