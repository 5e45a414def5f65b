/// The root causes and potential actions of the Alliance for Resource Equity guidebook
/// "Dimension 10: Diverse Classrooms & Schools" (`../shared/data/actions.json`).
public struct Guidebook: Sendable, Codable {
    public struct RootCause: Sendable, Codable, Equatable {
        /// `districtPolicies`, `courseEnrollment`, `scheduling` or `other`.
        public var id: String
        /// `acrossSchools`, `withinSchools` or `either`.
        public var scope: String
        public var summary: String

        public init(id: String, scope: String, summary: String) {
            self.id = id
            self.scope = scope
            self.summary = summary
        }
    }

    public struct Action: Sendable, Codable, Equatable {
        public var id: String
        public var rootCause: String
        public var scope: [String]
        /// The Mosaic capability that supports the action, when there is one.
        public var tool: String?
        public var summary: String

        public init(id: String, rootCause: String, scope: [String], tool: String?, summary: String) {
            self.id = id
            self.rootCause = rootCause
            self.scope = scope
            self.tool = tool
            self.summary = summary
        }
    }

    /// One of the four planning steps (prioritize, customize, align, plan).
    public struct PlanStep: Sendable, Codable, Equatable {
        public var id: String
        public var summary: String

        public init(id: String, summary: String) {
            self.id = id
            self.summary = summary
        }
    }

    public var rootCauses: [RootCause]
    public var actions: [Action]
    /// The guidebook's four planning steps, in order.
    public var planSteps: [PlanStep]
    /// The stakeholder groups whose voices a plan records.
    public var stakeholders: [String]

    public init(rootCauses: [RootCause], actions: [Action], planSteps: [PlanStep] = [], stakeholders: [String] = []) {
        self.rootCauses = rootCauses
        self.actions = actions
        self.planSteps = planSteps
        self.stakeholders = stakeholders
    }

    enum CodingKeys: String, CodingKey { case rootCauses, actions, planSteps, stakeholders }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        rootCauses = try c.decode([RootCause].self, forKey: .rootCauses)
        actions = try c.decode([Action].self, forKey: .actions)
        planSteps = try c.decodeIfPresent([PlanStep].self, forKey: .planSteps) ?? []
        stakeholders = try c.decodeIfPresent([String].self, forKey: .stakeholders) ?? []
    }

    public func action(_ id: String) -> Action? { actions.first { $0.id == id } }
    public func rootCause(_ id: String) -> RootCause? { rootCauses.first { $0.id == id } }

    /// The actions for a root cause that apply at a scope.
    public func actions(for rootCause: String, scope: String) -> [Action] {
        actions.filter { $0.rootCause == rootCause && $0.scope.contains(scope) }
    }
}
