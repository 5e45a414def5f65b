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

    public var rootCauses: [RootCause]
    public var actions: [Action]

    public init(rootCauses: [RootCause], actions: [Action]) {
        self.rootCauses = rootCauses
        self.actions = actions
    }

    /// The actions for a root cause that apply at a scope.
    public func actions(for rootCause: String, scope: String) -> [Action] {
        actions.filter { $0.rootCause == rootCause && $0.scope.contains(scope) }
    }
}
