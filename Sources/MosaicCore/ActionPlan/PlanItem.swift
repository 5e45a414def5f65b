import Foundation

/// One line of a district's action plan: a root cause it chose, an action against it (one
/// of the guidebook's, or its own), where it acts, who owns it and by when, how far it
/// is, what each group of stakeholders said, the district's notes on the guidebook's four
/// planning steps, and the measure that shows whether it works.
public struct PlanItem: Sendable, Equatable, Codable {
    public enum Scope: String, Sendable, Codable, CaseIterable {
        case acrossSchools, withinSchools

        public var label: String {
            switch self {
            case .acrossSchools: "Across schools"
            case .withinSchools: "Within schools"
            }
        }
    }

    /// The guidebook's short, medium and long term.
    public enum Timeline: String, Sendable, Codable, CaseIterable {
        case short, medium, long

        public var label: String {
            switch self {
            case .short: "Short term (this school year)"
            case .medium: "Medium term (1–2 years)"
            case .long: "Long term (3+ years)"
            }
        }
    }

    public enum Status: String, Sendable, Codable, CaseIterable {
        case planned, inProgress, done, onHold

        public var label: String {
            switch self {
            case .planned: "Planned"
            case .inProgress: "In progress"
            case .done: "Done"
            case .onHold: "On hold"
            }
        }
    }

    /// The stakeholder groups of the guidebook.
    public enum Stakeholder: String, Sendable, Codable, CaseIterable, CodingKeyRepresentable {
        case practitioners, educators, advocates

        public var label: String {
            switch self {
            case .practitioners: "Practitioners (board, district leaders, central office)"
            case .educators: "Educators (school leaders, teachers)"
            case .advocates: "Advocates (civil rights and business leaders, families, community)"
            }
        }
    }

    /// The guidebook's four planning steps.
    public enum Step: String, Sendable, Codable, CaseIterable, CodingKeyRepresentable {
        case prioritize, customize, align, plan

        public var label: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }
    }

    /// A live indicator (an ``IndicatorKey`` text such as `schoolsD:race`) and the value
    /// the district aims for.
    public struct Measure: Sendable, Equatable, Codable {
        public var indicator: String
        public var target: Double
        /// The school year the target is for, such as `2027-28`.
        public var by: String

        public init(indicator: String, target: Double, by: String) {
            self.indicator = indicator
            self.target = target
            self.by = by
        }
    }

    public var district: String
    public var id: String
    /// A guidebook root-cause id (`districtPolicies`, `courseEnrollment`, `scheduling`, `other`).
    public var rootCause: String
    /// A guidebook action id, or nil for the district's own action.
    public var action: String?
    /// The district's name for its own action (required when `action` is nil).
    public var title: String
    /// What the district will do, in its words (for a guidebook action, how it adapts it).
    public var detail: String
    public var scope: Scope
    public var owner: String
    public var timeline: Timeline
    public var status: Status
    public var notes: [Stakeholder: String]
    public var steps: [Step: String]
    public var measure: Measure?
    public var updatedAt: Date
    public var updatedBy: String
    /// The stored version (1 when added, one more with each change; nil before it is
    /// stored). A change or removal names the version it was made from, and the store
    /// refuses it when the item has changed since (a stale form).
    public var version: Int?

    public init(district: String, id: String, rootCause: String, action: String?, title: String, detail: String,
                scope: Scope, owner: String, timeline: Timeline, status: Status,
                notes: [Stakeholder: String] = [:], steps: [Step: String] = [:], measure: Measure? = nil,
                updatedAt: Date, updatedBy: String, version: Int? = nil) {
        self.district = district
        self.id = id
        self.rootCause = rootCause
        self.action = action
        self.title = title
        self.detail = detail
        self.scope = scope
        self.owner = owner
        self.timeline = timeline
        self.status = status
        self.notes = notes
        self.steps = steps
        self.measure = measure
        self.updatedAt = updatedAt
        self.updatedBy = updatedBy
        self.version = version
    }

    /// What is wrong with the item against the guidebook, one sentence per problem (empty
    /// when it may be kept). The measure's indicator is checked where indicators are known.
    public func problems(against guidebook: Guidebook) -> [String] {
        var out: [String] = []
        if guidebook.rootCause(rootCause) == nil {
            out.append("“\(rootCause)” is not one of the guidebook's root causes (\(guidebook.rootCauses.map(\.id).joined(separator: ", ")))")
        }
        if let action {
            if let a = guidebook.action(action) {
                if a.rootCause != rootCause {
                    out.append("the action “\(action)” answers the root cause “\(a.rootCause)”, not “\(rootCause)”")
                }
                if !a.scope.contains(scope.rawValue) {
                    out.append("the action “\(action)” works \(a.scope.joined(separator: " and ")), not \(scope.rawValue)")
                }
            } else {
                out.append("“\(action)” is not one of the guidebook's actions")
            }
        } else if title.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            out.append("a custom action needs a title")
        }
        if owner.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { out.append("every action needs an owner") }
        if let m = measure {
            if !m.target.isFinite { out.append("the target must be a number") }
            if SchoolYear(m.by) == nil { out.append("the target's year “\(m.by)” is not a school year such as 2027-28") }
        }
        let texts = [("title", title), ("detail", detail), ("owner", owner)] + notes.map { ($0.key.rawValue, $0.value) }
            + steps.map { ($0.key.rawValue, $0.value) }
        for (field, text) in texts where text.count > 4_000 {
            out.append("the \(field) is longer than 4,000 characters")
        }
        return out
    }

    /// The name shown for the item: the district's title, else the guidebook action's id in words.
    public func name(in guidebook: Guidebook) -> String {
        if !title.isEmpty { return title }
        return action.map(PlanItem.words) ?? "Untitled action"
    }

    /// `equitableChoice` → "Equitable choice".
    public static func words(_ id: String) -> String {
        var out = ""
        for c in id {
            if c.isUppercase { out += " " + c.lowercased() } else { out.append(c) }
        }
        return out.prefix(1).uppercased() + out.dropFirst()
    }
}
