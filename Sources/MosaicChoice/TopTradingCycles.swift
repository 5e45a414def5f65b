extension Market {
    /// Top trading cycles (Shapley & Scarf 1974; Abdulkadiroğlu & Sönmez 2003), as
    /// contract `match.md` defines it: each school with a free seat points to its
    /// highest-priority student still in the market (whether or not she ranked it), each
    /// student to her most preferred school with a free seat; every cycle is cleared (its
    /// students get the schools they point to); a student with no school left leaves
    /// unassigned. With reserves a school points for its next seat in precedence order:
    /// a reserve seat to the best student of its group (a soft one, with none left, to the
    /// best student; a hard one is then given up).
    /// - Complexity: O(students · choices + schools · students) pointer moves, plus the
    ///   priority orders (one sort of the lottery under single tie-breaking).
    public func topTradingCycles() -> Assignment {
        let n = studentCount
        var inMarket = [Bool](repeating: true, count: n)
        var seatsLeft = schools.map(\.seatOrder)
        var places = [Assignment.Place?](repeating: nil, count: n)
        let orders = priorityOrders()
        // Cursors that only move forward: students leave and never return, seats are
        // never given back. Each student's next school in her list; each school's next
        // student for an open seat and for each reserve's seats.
        var nextChoice = [Int](repeating: 0, count: n)
        var openCursor = [Int](repeating: 0, count: schools.count)
        var reserveCursor = schools.map { [Int](repeating: 0, count: $0.reserves.count) }
        func best(_ s: Int, from cursor: inout Int, where fits: (Int) -> Bool) -> Int? {
            let order = orders[s]
            while cursor < order.count && !(inMarket[order[cursor]] && fits(order[cursor])) { cursor += 1 }
            return cursor < order.count ? order[cursor] : nil
        }
        /// The school's pointer: the best student in the market for its next seat.
        func pointer(_ s: Int) -> (student: Int, seat: Int?)? {
            while let seat = seatsLeft[s].first {
                if let r = seat {
                    let eligible = schools[s].reserves[r].eligible
                    if let st = best(s, from: &reserveCursor[s][r], where: { eligible[$0] }) { return (st, seat) }
                    if schools[s].reserves[r].kind == .soft, let st = best(s, from: &openCursor[s], where: { _ in true }) { return (st, seat) }
                    seatsLeft[s].removeFirst()   // a hard seat no one left can take
                } else {
                    return best(s, from: &openCursor[s], where: { _ in true }).map { ($0, nil) }
                }
            }
            return nil
        }
        /// The student's pointer: her most preferred school with a seat left.
        func wants(_ st: Int) -> Int? {
            let mine = prefs[st]
            while nextChoice[st] < mine.count && seatsLeft[mine[nextChoice[st]]].isEmpty { nextChoice[st] += 1 }
            return nextChoice[st] < mine.count ? mine[nextChoice[st]] : nil
        }
        // Follow student → school → student along a path kept on a stack; when the path
        // meets itself the cycle is cleared and the walk goes on from the student below it,
        // whose pointer is the only one on the stack the cycle can have changed. Clearing
        // cycles one at a time gives the outcome of clearing each round's cycles together:
        // a cycle stays a cycle while others are cleared.
        var stack: [Int] = []
        var position = [Int](repeating: -1, count: n)
        for start in 0..<n where inMarket[start] {
            stack.append(start)
            position[start] = 0
            while let top = stack.last {
                guard let s = wants(top) else {
                    inMarket[top] = false   // no school left: unassigned
                    position[top] = -1
                    stack.removeLast()
                    continue
                }
                guard let (next, _) = pointer(s) else { continue }   // its last seats were hard: she looks further
                if position[next] < 0 {
                    position[next] = stack.count
                    stack.append(next)
                    continue
                }
                let cycle = stack[position[next]...].map { st -> (student: Int, school: Int, seat: Int?) in
                    let school = wants(st)!
                    return (st, school, pointer(school)!.seat)
                }
                stack.removeLast(cycle.count)
                for c in cycle {
                    places[c.student] = .init(school: c.school, reserve: c.seat)
                    inMarket[c.student] = false
                    position[c.student] = -1
                    if let i = seatsLeft[c.school].firstIndex(where: { $0 == c.seat }) { seatsLeft[c.school].remove(at: i) }
                }
            }
        }
        return Assignment(places: places)
    }

    /// Every school's students in priority order. Under one lottery for all schools most
    /// of a school's order is the lottery's: the students whose class there is better than
    /// "other" (a sibling or a zone there) come first, sorted, then every student in
    /// lottery order (those already listed appear again and are passed over). Schools with
    /// an explicit order or their own lottery are sorted in full.
    func priorityOrders() -> [PriorityOrder] {
        var special = [[Int]](repeating: [], count: schools.count)
        if let classes {
            for st in 0..<studentCount {
                if classes.sibling < classes.other, classes.siblingSchool[st] >= 0 { special[Int(classes.siblingSchool[st])].append(st) }
                if classes.zone < classes.other { for z in classes.zones[st] { special[Int(z)].append(st) } }
            }
        }
        let byLottery = lottery.perSchool == nil
            ? (0..<studentCount).map { UInt64(lottery.numbers[$0]) << 24 | UInt64($0) }.sorted().map(Market.student) : []
        return schools.indices.map { s in
            if schools[s].rank != nil || lottery.perSchool != nil {
                return PriorityOrder(head: (0..<studentCount).map { key($0, at: s) }.sorted().map(Market.student), tail: [])
            }
            return PriorityOrder(head: special[s].map { key($0, at: s) }.sorted().map(Market.student), tail: byLottery)
        }
    }

    /// The Boston mechanism (immediate acceptance; Abdulkadiroğlu & Sönmez 2003): in round
    /// k every unassigned student applies to her k-th choice, even if it is full; each
    /// school accepts for good its best applicants up to the seats it has left (with
    /// reserves, its choice over those seats).
    /// - Complexity: O(rounds · applications · log).
    public func boston() -> Assignment {
        var places = [Assignment.Place?](repeating: nil, count: studentCount)
        var seatsLeft = schools.map(\.seatOrder)
        let rounds = prefs.map(\.count).max() ?? 0
        for k in 0..<rounds {
            var applicants = [[Int]](repeating: [], count: schools.count)
            for st in 0..<studentCount where places[st] == nil && k < prefs[st].count { applicants[prefs[st][k]].append(st) }
            for s in schools.indices where !applicants[s].isEmpty && !seatsLeft[s].isEmpty {
                for c in choose(at: s, from: applicants[s], seats: seatsLeft[s]) {
                    places[c.student] = .init(school: s, reserve: c.reserve)
                    if let i = seatsLeft[s].firstIndex(where: { $0 == c.reserve }) { seatsLeft[s].remove(at: i) }
                }
            }
        }
        return Assignment(places: places)
    }
}

/// A school's students in priority order: `head` then `tail`, a student possibly in both.
struct PriorityOrder {
    let head: [Int]
    let tail: [Int]
    var count: Int { head.count + tail.count }
    subscript(i: Int) -> Int { i < head.count ? head[i] : tail[i - head.count] }
}
