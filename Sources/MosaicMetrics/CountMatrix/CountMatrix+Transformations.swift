extension CountMatrix {
    /// The matrix without the groups that have no students anywhere, and the names of
    /// those groups. Indices divide by `P_k`; an absent group would turn them into NaN,
    /// so callers drop it and report it instead.
    public func droppingEmptyGroups() -> (matrix: CountMatrix, dropped: [String]) {
        let keep = groups.indices.filter { groupTotals[$0] > 0 }
        guard keep.count != groupCount else { return (self, []) }
        let dropped = groups.indices.filter { groupTotals[$0] == 0 }.map { groups[$0] }
        return (selecting(groupIndices: keep), dropped)
    }

    /// The matrix restricted to the given group columns, in the given order, keeping
    /// only the units that still have students.
    public func selecting(groupIndices keep: [Int]) -> CountMatrix {
        let K = groupCount
        var units: [String] = []
        var counts: [Int] = []
        var unitTotals: [Int] = []
        var groupTotals = [Int](repeating: 0, count: keep.count)
        counts.reserveCapacity(unitCount * keep.count)
        for i in 0..<unitCount {
            var t = 0
            for k in keep { t += self.counts[i * K + k] }
            guard t > 0 else { continue }
            units.append(self.units[i])
            unitTotals.append(t)
            for (j, k) in keep.enumerated() {
                let c = self.counts[i * K + k]
                counts.append(c)
                groupTotals[j] += c
            }
        }
        return CountMatrix(
            trusted: units, groups: keep.map { groups[$0] }, counts: counts,
            unitTotals: unitTotals, groupTotals: groupTotals)
    }

    /// Two columns: group `k` and every other group summed ("rest"). Used for the
    /// one-group-against-the-rest indices.
    public func groupAgainstRest(_ k: Int) -> CountMatrix {
        let K = groupCount
        var counts = [Int](repeating: 0, count: unitCount * 2)
        for i in 0..<unitCount {
            let x = self.counts[i * K + k]
            counts[2 * i] = x
            counts[2 * i + 1] = unitTotals[i] - x
        }
        return CountMatrix(
            trusted: units, groups: [groups[k], "rest"], counts: counts,
            unitTotals: unitTotals, groupTotals: [groupTotals[k], total - groupTotals[k]])
    }

    /// Sums the units that share an outer label (schools from their classrooms), in
    /// the order each outer label first appears.
    public func aggregated(by outer: NestedUnits) -> CountMatrix {
        let K = groupCount
        var counts = [Int](repeating: 0, count: outer.outerCount * K)
        var unitTotals = [Int](repeating: 0, count: outer.outerCount)
        for i in 0..<unitCount {
            let s = outer.outerIndex[i]
            unitTotals[s] += self.unitTotals[i]
            for k in 0..<K { counts[s * K + k] += self.counts[i * K + k] }
        }
        return CountMatrix(
            trusted: outer.outerIDs, groups: groups, counts: counts,
            unitTotals: unitTotals, groupTotals: groupTotals)
    }

    /// The units of one outer unit, as a matrix of their own.
    public func units(in s: Int, of outer: NestedUnits) -> CountMatrix {
        let K = groupCount
        let members = outer.members[s]
        var counts: [Int] = []
        counts.reserveCapacity(members.count * K)
        var groupTotals = [Int](repeating: 0, count: K)
        for i in members {
            for k in 0..<K {
                let c = self.counts[i * K + k]
                counts.append(c)
                groupTotals[k] += c
            }
        }
        return CountMatrix(
            trusted: members.map { units[$0] }, groups: groups, counts: counts,
            unitTotals: members.map { unitTotals[$0] }, groupTotals: groupTotals)
    }
}
