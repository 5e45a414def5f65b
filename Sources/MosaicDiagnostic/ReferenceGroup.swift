import MosaicCore

/// The students families are measured against in `missingToReference` (contract
/// `diagnose.md`, "Access and intersections"): by default those who are not economically
/// disadvantaged and White or Asian, the benchmark Equal Opportunity Schools uses ("how
/// many students of each group would take part at the rate of the district's most
/// represented students").
///
/// A reference is a set of criteria, each a dimension and the groups it accepts; a student
/// belongs when every criterion accepts their group (`unknown` never does). Written as
/// `--reference-group` takes it: `race=white,asian` and `economic=notDisadvantaged`.
public struct ReferenceGroup: Sendable, Equatable {
    public struct Criterion: Sendable, Equatable {
        public var dimension: Dimension
        /// Indices into `dimension.rosterGroups`.
        public var groups: Set<Int>

        /// `race=white,asian`.
        public var text: String {
            "\(dimension.rawValue)=\(groups.sorted().map { dimension.rosterGroups[$0] }.joined(separator: ","))"
        }
    }

    public var criteria: [Criterion]

    /// White or Asian students who are not economically disadvantaged.
    public static let equalOpportunitySchools = try! ReferenceGroup(parsing: ["race=white,asian", "economic=notDisadvantaged"])

    /// Reads criteria written `DIMENSION=GROUP[,GROUP…]`, one per element; the groups are the
    /// roster's codes (contract `roster.md`).
    public init(parsing specs: [String]) throws(ReferenceGroupError) {
        guard !specs.isEmpty else { throw .empty }
        var criteria: [Criterion] = []
        for spec in specs {
            let parts = spec.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[1].isEmpty else { throw .malformed(spec) }
            guard let dimension = Dimension(rawValue: parts[0]) else { throw .unknownDimension(parts[0]) }
            guard !criteria.contains(where: { $0.dimension == dimension }) else { throw .repeated(dimension) }
            var groups = Set<Int>()
            for g in parts[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
                guard let k = dimension.rosterGroups.firstIndex(of: g) else { throw .unknownGroup(g, dimension) }
                groups.insert(k)
            }
            criteria.append(Criterion(dimension: dimension, groups: groups))
        }
        self.criteria = criteria
    }

    /// Whether every criterion accepts the student's group.
    public func contains(_ student: Student) -> Bool {
        criteria.allSatisfy { c in student.group(in: c.dimension).map(c.groups.contains) ?? false }
    }

    /// "White or Asian students, not economically disadvantaged".
    public var name: String {
        criteria.map { c in
            let labels = c.groups.sorted().map { g -> String in
                let code = c.dimension.rosterGroups[g]
                if c.dimension == .economic { return code == "disadvantaged" ? "economically disadvantaged" : "not economically disadvantaged" }
                return Dimension.label(code)
            }
            let joined = labels.count <= 1 ? labels.joined() : labels.dropLast().joined(separator: ", ") + " or " + labels.last!
            return c.dimension == .race ? joined + " students" : joined
        }.joined(separator: ", ")
    }

    /// The criteria as `--reference-group` takes them.
    public var texts: [String] { criteria.map(\.text) }
}

/// Why a `--reference-group` cannot be read.
public enum ReferenceGroupError: Error, Equatable, CustomStringConvertible {
    case empty
    case malformed(String)
    case unknownDimension(String)
    case unknownGroup(String, Dimension)
    case repeated(Dimension)

    public var description: String {
        switch self {
        case .empty: "a reference group needs at least one criterion, such as race=white,asian"
        case .malformed(let s): "reference group '\(s)' is not DIMENSION=GROUP[,GROUP…] (for example race=white,asian)"
        case .unknownDimension(let d):
            "reference group: '\(d)' is not a dimension; dimensions: \(Dimension.allCases.map(\.rawValue).joined(separator: ", "))"
        case .unknownGroup(let g, let d):
            "reference group: '\(g)' is not a group of \(d.rawValue); groups: \(d.rosterGroups.joined(separator: ", "))"
        case .repeated(let d): "reference group: \(d.rawValue) is given twice; list its groups once, separated by commas"
        }
    }
}
