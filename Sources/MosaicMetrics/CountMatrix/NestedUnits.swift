/// How inner units (classrooms) nest in outer units (schools): for each inner unit, the
/// index of its outer unit. Outer units are numbered in the order they first appear.
public struct NestedUnits: Sendable, Equatable {
    /// Outer unit identifiers, in order of first appearance.
    public let outerIDs: [String]
    /// For each inner unit `i`, the index of its outer unit in `outerIDs`.
    public let outerIndex: [Int]
    /// For each outer unit, the inner unit indices it contains, in row order.
    public let members: [[Int]]

    public var outerCount: Int { outerIDs.count }

    /// - Parameter labels: one outer label per inner unit, in row order.
    public init(labels: [String]) {
        var ids: [String] = []
        var position: [String: Int] = [:]
        var index: [Int] = []
        var members: [[Int]] = []
        index.reserveCapacity(labels.count)
        for (i, label) in labels.enumerated() {
            if let s = position[label] {
                index.append(s)
                members[s].append(i)
            } else {
                position[label] = ids.count
                index.append(ids.count)
                members.append([i])
                ids.append(label)
            }
        }
        self.outerIDs = ids
        self.outerIndex = index
        self.members = members
    }

    /// Outer units given by number: `parts[i]` is inner unit i's outer unit, numbered from 0
    /// (an outer unit's id is its number). Every number below the largest must be used.
    /// - Complexity: O(units).
    public init(parts: [Int]) {
        let count = (parts.max() ?? -1) + 1
        var members = [[Int]](repeating: [], count: count)
        for (i, p) in parts.enumerated() { members[p].append(i) }
        precondition(!members.contains { $0.isEmpty }, "outer units are numbered without gaps")
        // Renumbered in order of first appearance, as the label form numbers them.
        let order = members.indices.sorted { members[$0][0] < members[$1][0] }
        var renumber = [Int](repeating: 0, count: count)
        for (new, old) in order.enumerated() { renumber[old] = new }
        self.outerIDs = order.map { String($0) }
        self.outerIndex = parts.map { renumber[$0] }
        self.members = order.map { members[$0] }
    }

    /// Every unit in one outer unit: the baseline then permutes across the whole table.
    public static func single(unitCount: Int, id: String = "all") -> NestedUnits {
        NestedUnits(labels: [String](repeating: id, count: unitCount))
    }
}
