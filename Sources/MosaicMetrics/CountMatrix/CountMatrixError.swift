/// Why a count matrix cannot be built or an index cannot be computed. Each message
/// names the unit or group so that an analyst can find it in the source table.
public enum CountMatrixError: Error, Equatable, Sendable, CustomStringConvertible {
    case noUnits
    case noGroups
    case shapeMismatch(String)
    case duplicateGroup(String)
    case negativeCount(unit: String, group: String, value: Int)
    case emptyUnit(String)
    case tooFewGroups(present: [String])
    case tooManyStudents(unit: String)

    public var description: String {
        switch self {
        case .noUnits: "there are no units (no rows of counts)"
        case .noGroups: "there are no group columns to count"
        case .shapeMismatch(let what): "the counts do not form a table: \(what)"
        case .duplicateGroup(let g): "group \"\(g)\" is named twice"
        case .negativeCount(let unit, let group, let value):
            "unit \"\(unit)\", group \"\(group)\": \(value) is negative; counts are numbers of students"
        case .emptyUnit(let unit): "unit \"\(unit)\" has no students in any group; remove it or check its counts"
        case .tooFewGroups(let present):
            present.isEmpty
                ? "no group has any students"
                : "only \(present.joined(separator: ", ")) has students; segregation needs at least two groups with students"
        case .tooManyStudents(let u):
            "the counts add up to more than \(CountMatrix.maximumStudents) students by unit \"\(u)\"; check the table for a misplaced column or digits"
        }
    }
}
