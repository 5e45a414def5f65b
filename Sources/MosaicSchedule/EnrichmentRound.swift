import MosaicCore

/// A school's enrichment round (schoolwide enrichment: Renzulli & Reis's model of
/// interest-based clusters), as the service keeps it: staff propose clusters, open an
/// interest survey (each student a code, only its hash kept), then assign — `proposing →
/// surveying → assigned`. The rules of each step live here; the service stores the round
/// (this value as JSON) and the surveys, and shows the pages.
public struct EnrichmentRound: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable { case proposing, surveying, assigned }

    public struct Cluster: Codable, Sendable, Equatable {
        public var id: String
        public var title: String
        public var titleEs: String?
        public var min: Int
        public var max: Int
        public var proposedBy: String

        public init(id: String, title: String, titleEs: String?, min: Int, max: Int, proposedBy: String) {
            self.id = id
            self.title = title
            self.titleEs = titleEs
            self.min = min
            self.max = max
            self.proposedBy = proposedBy
        }
    }

    public var clusters: [Cluster] = []
    /// Dimension → tolerance (`ability`, `economic`, …).
    public var heterogeneity: [String: Double] = [:]
    /// Student id → SHA-256 of her survey code.
    public var codes: [String: String] = [:]

    public init(clusters: [Cluster] = [], heterogeneity: [String: Double] = [:], codes: [String: String] = [:]) {
        self.clusters = clusters
        self.heterogeneity = heterogeneity
        self.codes = codes
    }

    /// A new round's name, goal and mix limits, read from what a form sends.
    public struct Start: Sendable, Equatable {
        public var name: String
        /// The share of the school's students to reach in a year (0.01 … 1).
        public var goal: Double
        /// The round itself, with its mix limits (shares, from points 0 … 100).
        public var round: EnrichmentRound
    }

    /// Reads a new round from a form: a name, a goal in percent of the school's students
    /// (1 to 100), and for `ability` and `economic` an optional mix limit in percentage
    /// points (0 to 100). Every problem at once.
    public static func start(name raw: String?, goal rawGoal: String?, mixLimits: [(dimension: String, points: String?)]) -> Result<Start, Problems> {
        var problems: [String] = []
        let name = (raw ?? "").trimmingWhitespace()
        if name.isEmpty { problems.append("the round needs a name") }
        let goal = Double(rawGoal ?? "")
        if goal == nil || !(1...100).contains(goal!) { problems.append("the goal is a percentage of the school's students from 1 to 100, not '\(rawGoal ?? "")'") }
        var heterogeneity: [String: Double] = [:]
        for (dimension, text) in mixLimits {
            guard let text, !text.isEmpty else { continue }
            guard let x = Double(text), (0...100).contains(x) else { problems.append("the \(dimension) mix limit is percentage points from 0 to 100, not '\(text)'"); continue }
            heterogeneity[dimension] = x / 100
        }
        guard problems.isEmpty, let goal else { return .failure(Problems(messages: problems)) }
        return .success(Start(name: name, goal: goal / 100, round: EnrichmentRound(heterogeneity: heterogeneity)))
    }

    /// What was wrong with a form, every problem at once.
    public struct Problems: Error, Sendable, Equatable {
        public var messages: [String]
    }

    /// Proposes a cluster from what a form sends: its id (1 to 40 lower-case letters,
    /// digits and hyphens, new in the round), title, Spanish title, smallest and largest
    /// size. Every problem at once; nothing changes when there is any.
    public mutating func propose(id raw: String?, title rawTitle: String?, titleEs: String?, min: String?, max: String?,
                                 by: String, status: Status) -> [String] {
        var problems: [String] = []
        let id = (raw ?? "").trimmingWhitespace().lowercased()
        if id.wholeMatch(of: /[a-z0-9][a-z0-9-]{0,39}/) == nil {
            problems.append("the cluster's id is 1 to 40 lower-case letters, digits and hyphens, not '\(raw ?? "")'")
        }
        if clusters.contains(where: { $0.id == id }) { problems.append("a cluster '\(id)' is already proposed") }
        let title = (rawTitle ?? "").trimmingWhitespace()
        if title.isEmpty { problems.append("the cluster needs a title") }
        let low = Int(min ?? ""), high = Int(max ?? "")
        if low == nil || low! < 0 { problems.append("the smallest size is a whole number from 0, not '\(min ?? "")'") }
        if high == nil || high! < 1 { problems.append("the largest size is a whole number from 1, not '\(max ?? "")'") }
        if let low, let high, high < low { problems.append("the largest size \(high) is below the smallest \(low)") }
        if status == .assigned { problems.append("the round is assigned: propose clusters in a new round") }
        guard problems.isEmpty, let low, let high else { return problems }
        let es = (titleEs ?? "").trimmingWhitespace()
        clusters.append(Cluster(id: id, title: title, titleEs: es.isEmpty ? nil : es, min: low, max: high, proposedBy: by))
        return []
    }

    /// Why the survey cannot open now, or nil: it needs two clusters and a round not yet
    /// assigned (opening again issues new codes).
    public func whySurveyCannotOpen(status: Status) -> String? {
        if clusters.count < 2 { return "propose at least two clusters first" }
        if status == .assigned { return "the round is assigned" }
        return nil
    }

    /// The students of a school this term (enrolled in one of its classes), in roster order.
    public static func students(of school: String, in roster: Roster) -> [Int] {
        var seen = Set<Int>(), out: [Int] = []
        for e in 0..<roster.enrollmentCount where roster.orgs[roster.sections[Int(roster.enrollmentSection[e])].school].id == school {
            let s = Int(roster.enrollmentStudent[e])
            if seen.insert(s).inserted { out.append(s) }
        }
        return out.sorted()
    }

    /// The `schedule.md` instance of the round: its clusters, the surveys as ranked choices
    /// (clusters no longer in the round dropped), each student's income group and ability
    /// level (the school's tercile of her scores in the first assessed subject, `unknown`
    /// without one) when the round limits them, and its mix limits.
    public func instance(surveys: [(student: String, choices: [String])], roster: Roster) -> EnrichmentInstance {
        let index = Dictionary(roster.students.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        let surveyed = Set(surveys.compactMap { index[$0.student] })
        var ability: [Int: String] = [:]
        if heterogeneity["ability"] != nil {
            let subject = roster.assessments.first?.subject
            let scored = roster.assessments.filter { $0.subject == subject && surveyed.contains($0.student) }.sorted { $0.score < $1.score }
            for (k, a) in scored.enumerated() { ability[a.student] = ["low", "middle", "high"][Swift.min(2, 3 * k / Swift.max(1, scored.count))] }
        }
        let known = Set(clusters.map(\.id))
        let students = surveys.map { s -> EnrichmentInstance.Student in
            let i = index[s.student]
            var groups: [String: String] = [:]
            if heterogeneity["economic"] != nil {
                groups["economic"] = i.flatMap { roster.students[$0].group(in: .economic) }.map { Dimension.economic.rosterGroups[$0] } ?? "unknown"
            }
            return .init(id: s.student, choices: s.choices.filter(known.contains), groups: groups.isEmpty ? nil : groups,
                         ability: heterogeneity["ability"] != nil ? (i.flatMap { ability[$0] } ?? "unknown") : nil)
        }
        return EnrichmentInstance(clusters: clusters.map { .init(id: $0.id, min: $0.min, max: $0.max, title: $0.title) },
                                  students: students, heterogeneity: heterogeneity.isEmpty ? nil : heterogeneity)
    }
}
