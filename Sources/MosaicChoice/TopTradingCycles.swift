extension Market {
    /// Top trading cycles (Shapley & Scarf 1974; Abdulkadiroğlu & Sönmez 2003), as
    /// contract `match.md` defines it: each school with a free seat points to its
    /// highest-priority student still in the market (whether or not she ranked it), each
    /// student to her most preferred school with a free seat; every cycle is cleared (its
    /// students get the schools they point to); a student with no school left leaves
    /// unassigned. With reserves a school points for its next seat in precedence order:
    /// a reserve seat to the best student of its group (a soft one, with none left, to the
    /// best student; a hard one is then given up).
    /// - Complexity: O(rounds · (students + schools)), at most one round per assignment.
    public func topTradingCycles() -> Assignment {
        var inMarket = [Bool](repeating: true, count: studentCount)
        var remaining = studentCount
        var seatsLeft = schools.map(\.seatOrder)
        var places = [Assignment.Place?](repeating: nil, count: studentCount)
        // Each school's students in priority order, and a cursor past those who left.
        let byPriority = schools.map { s in (0..<studentCount).sorted { s.rank[$0] < s.rank[$1] } }
        func pointer(_ s: Int) -> (student: Int, seat: Int?)? {
            while let seat = seatsLeft[s].first {
                let best = byPriority[s].first { st in
                    inMarket[st] && (seat.map { schools[s].reserves[$0].eligible[st] } ?? true)
                }
                if let best { return (best, seat) }
                if let r = seat, schools[s].reserves[r].kind == .soft, let any = byPriority[s].first(where: { inMarket[$0] }) {
                    return (any, seat)
                }
                seatsLeft[s].removeFirst()   // a hard seat no one left can take
            }
            return nil
        }
        while remaining > 0 {
            // Students point to their best school with a seat; those with none leave.
            var wants = [Int](repeating: -1, count: studentCount)
            for st in 0..<studentCount where inMarket[st] {
                if let s = prefs[st].first(where: { !seatsLeft[$0].isEmpty }) {
                    wants[st] = s
                } else {
                    inMarket[st] = false
                    remaining -= 1
                }
            }
            guard remaining > 0 else { break }
            var points = [(student: Int, seat: Int?)?](repeating: nil, count: schools.count)
            for s in schools.indices where !seatsLeft[s].isEmpty { points[s] = pointer(s) }
            // Follow student → school → student from each student; a revisit closes a cycle.
            var state = [UInt8](repeating: 0, count: studentCount)   // 0 new, 1 on the current path, 2 done
            var cleared: [(student: Int, school: Int, seat: Int?)] = []
            for start in 0..<studentCount where inMarket[start] && state[start] == 0 {
                var path: [Int] = []
                var st = start
                while inMarket[st] && state[st] == 0 {
                    state[st] = 1
                    path.append(st)
                    guard wants[st] >= 0, let next = points[wants[st]] else { break }
                    st = next.student
                }
                if inMarket[st] && state[st] == 1, let k = path.firstIndex(of: st) {
                    for x in path[k...] { cleared.append((x, wants[x], points[wants[x]]!.seat)) }
                }
                for x in path { state[x] = 2 }
            }
            for c in cleared {
                places[c.student] = .init(school: c.school, reserve: c.seat)
                inMarket[c.student] = false
                remaining -= 1
                if let i = seatsLeft[c.school].firstIndex(where: { $0 == c.seat }) { seatsLeft[c.school].remove(at: i) }
            }
        }
        return Assignment(places: places)
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
                for c in schools[s].choose(from: applicants[s], seats: seatsLeft[s]) {
                    places[c.student] = .init(school: s, reserve: c.reserve)
                    if let i = seatsLeft[s].firstIndex(where: { $0 == c.reserve }) { seatsLeft[s].remove(at: i) }
                }
            }
        }
        return Assignment(places: places)
    }
}
