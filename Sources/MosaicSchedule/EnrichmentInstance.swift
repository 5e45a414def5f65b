/// An enrichment-cluster instance as contract `schedule.md` writes it (JSON): the clusters
/// staff propose with their smallest and largest sizes, the students with their ranked
/// interests, groups and ability level, and how far each open cluster's share of every
/// group may stray from the share among all placed students.
///
/// ```json
/// {"clusters": [{"id": "robotics", "min": 10, "max": 15}],
///  "students": [{"id": "S1", "choices": ["robotics", "theatre"],
///                "groups": {"economic": "disadvantaged"}, "ability": "high"}],
///  "heterogeneity": {"ability": 0.15, "economic": 0.15}}
/// ```
public struct EnrichmentInstance: Sendable, Codable, Equatable {
    public struct Cluster: Sendable, Codable, Equatable {
        public var id: String
        public var min: Int
        public var max: Int
        public var title: String?

        public init(id: String, min: Int, max: Int, title: String? = nil) {
            self.id = id
            self.min = min
            self.max = max
            self.title = title
        }
    }

    public struct Student: Sendable, Codable, Equatable {
        public var id: String
        /// Cluster ids, the first choice first.
        public var choices: [String]
        public var groups: [String: String]?
        public var ability: String?

        public init(id: String, choices: [String], groups: [String: String]? = nil, ability: String? = nil) {
            self.id = id
            self.choices = choices
            self.groups = groups
            self.ability = ability
        }

        /// The student's group in dimension d: `ability` is the ability level, any other
        /// name is looked up in `groups`.
        public func group(in d: String) -> String? { d == "ability" ? ability : groups?[d] }
    }

    public var clusters: [Cluster]
    public var students: [Student]
    /// Dimension → the largest distance allowed between a cluster's share of a group and
    /// the share among all placed students.
    public var heterogeneity: [String: Double]?

    public init(clusters: [Cluster], students: [Student], heterogeneity: [String: Double]? = nil) {
        self.clusters = clusters
        self.students = students
        self.heterogeneity = heterogeneity
    }

    /// Every way the instance is malformed, each naming the cluster or student: duplicate
    /// ids, sizes that are negative or have max below min, choices that name no cluster or
    /// a cluster twice, tolerances outside [0, 1], and students without a group in a
    /// dimension the heterogeneity names. Empty when the instance can be solved.
    public func problems() -> [String] {
        var out: [String] = []
        var clusterIDs: Set<String> = []
        for (k, c) in clusters.enumerated() {
            let name = "clusters[\(k)] \(c.id)"
            if c.id.isEmpty { out.append("clusters[\(k)]: the id is empty") }
            if !clusterIDs.insert(c.id).inserted { out.append("\(name): the id \(c.id) is used twice") }
            if c.min < 0 { out.append("\(name): min \(c.min) is below 0") }
            if c.max < 1 { out.append("\(name): max \(c.max) must be at least 1") }
            if c.max < c.min { out.append("\(name): max \(c.max) is below min \(c.min)") }
        }
        let dimensions = (heterogeneity ?? [:]).keys.sorted()
        for d in dimensions {
            let x = heterogeneity![d]!
            if !(x >= 0 && x <= 1) { out.append("heterogeneity.\(d): \(x) is not a share between 0 and 1") }
        }
        var studentIDs: Set<String> = []
        for (k, s) in students.enumerated() {
            let name = "students[\(k)] \(s.id)"
            if s.id.isEmpty { out.append("students[\(k)]: the id is empty") }
            if !studentIDs.insert(s.id).inserted { out.append("\(name): the id \(s.id) is used twice") }
            var seen: Set<String> = []
            for c in s.choices {
                if !clusterIDs.contains(c) { out.append("\(name): chooses unknown cluster “\(c)”") }
                if !seen.insert(c).inserted { out.append("\(name): chooses “\(c)” twice") }
            }
            for d in dimensions where s.group(in: d) == nil {
                out.append("\(name): has no \(d) group, which heterogeneity.\(d) needs")
            }
        }
        return out
    }
}

/// Students placed in enrichment clusters: contract `schedule.md`.
public struct EnrichmentResult: Sendable, Codable, Equatable {
    /// One cluster as placed: its size and its count in every group of every dimension.
    public struct ClusterSummary: Sendable, Codable, Equatable {
        public var id: String
        public var size: Int
        public var open: Bool
        public var groups: [String: [String: Int]]
    }

    /// Student id → cluster id.
    public var assignments: [String: String]
    /// Choice rank ("1" the first choice) → students placed at that rank; every rank up to
    /// the longest list of choices appears.
    public var rankCounts: [String: Int]
    public var unplaced: [String]
    /// Clusters with no student: those that could not reach their minimum, or that no one chose.
    public var closed: [String]
    /// Dimension → the largest |n_cg / n_c − P_g| over open clusters c and groups g, with
    /// P_g the share of g among all placed students.
    public var maxShareDeviation: [String: Double]
    /// True only when no assignment within the limits places more students, or places as
    /// many with a smaller sum of ranks.
    public var optimal: Bool
    public var placed: Int
    public var rankSum: Int
    /// No assignment within the limits that places at least `placed` students has a rank
    /// sum below this.
    public var bound: Int
    /// A short account of how the result was reached.
    public var method: String
    public var clusters: [ClusterSummary]
}
