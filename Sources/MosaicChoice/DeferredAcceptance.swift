extension Market.School {
    /// The school's choice from a set of applicants (contract `match.md`): the seats are
    /// filled one at a time in `seatOrder`, each with the best remaining applicant for that
    /// seat. A reserve seat takes the best applicant of its group; with none left, a `soft`
    /// seat takes the best applicant of any group, a `hard` seat stays empty. An open seat
    /// takes the best applicant. "Best" is the lowest `rank`.
    ///
    /// Slot-specific priorities of this kind are substitutable and satisfy the law of
    /// aggregate demand, so deferred acceptance with them is stable and strategy-proof
    /// for students (Kominers & Sönmez 2016; Dur, Kominers, Pathak & Sönmez 2018).
    /// - Returns: the chosen applicants with their seat (nil = open, else a reserve index).
    /// - Complexity: O(a log a + seats · a) for a applicants; O(a log a) without reserves.
    public func choose(from applicants: [Int]) -> [(student: Int, reserve: Int?)] {
        if reserves.isEmpty { return applicants.sorted { rank[$0] < rank[$1] }.prefix(capacity).map { ($0, nil) } }
        return choose(from: applicants, seats: seatOrder)
    }

    /// The choice filling only `seats` (in that order): the seats a school has left.
    public func choose(from applicants: [Int], seats: [Int?]) -> [(student: Int, reserve: Int?)] {
        let ordered = applicants.sorted { rank[$0] < rank[$1] }
        var taken = [Bool](repeating: false, count: ordered.count)
        var out: [(student: Int, reserve: Int?)] = []
        for seat in seats {
            var pick: Int?
            if let r = seat {
                pick = ordered.indices.first { !taken[$0] && reserves[r].eligible[ordered[$0]] }
                if pick == nil && reserves[r].kind == .soft { pick = ordered.indices.first { !taken[$0] } }
            } else {
                pick = ordered.indices.first { !taken[$0] }
            }
            guard let p = pick else { continue }
            taken[p] = true
            out.append((ordered[p], seat))
        }
        return out
    }
}

extension Market {
    /// Student-proposing deferred acceptance (Gale & Shapley 1962; Abdulkadiroğlu &
    /// Sönmez 2003): each free student proposes to her most preferred school that has not
    /// rejected her; the school keeps its choice from the students it holds and the new
    /// proposer and rejects the rest; when no free student has a school left to propose
    /// to, the held students are assigned. Proposals are made one at a time, which gives
    /// the same outcome as rounds for these choice functions (the student-optimal stable
    /// assignment).
    /// - Complexity: O(P · q) proposals P and seats q with reserves; O(P log q) without.
    public func deferredAcceptance() -> Assignment {
        var next = [Int](repeating: 0, count: studentCount)
        var held = [[Int]](repeating: [], count: schools.count)
        var seat = [Int?](repeating: nil, count: studentCount)
        var at = [Int](repeating: -1, count: studentCount)
        var free = Array((0..<studentCount).reversed())
        // Without reserves, each school's held students in a max-heap on rank.
        var heaps = schools.map { RankHeap(rank: $0.rank) }
        while let st = free.popLast() {
            guard next[st] < prefs[st].count else { continue }
            let s = prefs[st][next[st]]
            next[st] += 1
            let school = schools[s]
            if school.reserves.isEmpty {
                if heaps[s].count < school.capacity {
                    heaps[s].push(st); at[st] = s
                } else if let worst = heaps[s].top, school.rank[st] < school.rank[worst] {
                    heaps[s].pop(); heaps[s].push(st); at[st] = s
                    at[worst] = -1; free.append(worst)
                } else {
                    free.append(st)
                }
            } else {
                let chosen = school.choose(from: held[s] + [st])
                let kept = Set(chosen.map(\.student))
                for x in held[s] + [st] where !kept.contains(x) { at[x] = -1; seat[x] = nil; free.append(x) }
                held[s] = chosen.map(\.student)
                for c in chosen { at[c.student] = s; seat[c.student] = c.reserve }
            }
        }
        return Assignment(places: (0..<studentCount).map { at[$0] >= 0 ? .init(school: at[$0], reserve: seat[$0]) : nil })
    }
}

/// A binary max-heap of students by a school's rank (the worst held student on top).
struct RankHeap {
    let rank: [Int32]
    var items: [Int] = []

    init(rank: [Int32]) { self.rank = rank }

    var count: Int { items.count }
    var top: Int? { items.first }

    mutating func push(_ x: Int) {
        items.append(x)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard rank[items[i]] > rank[items[parent]] else { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() {
        guard !items.isEmpty else { return }
        items.swapAt(0, items.count - 1)
        items.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < items.count && rank[items[l]] > rank[items[m]] { m = l }
            if r < items.count && rank[items[r]] > rank[items[m]] { m = r }
            guard m != i else { break }
            items.swapAt(i, m)
            i = m
        }
    }
}
