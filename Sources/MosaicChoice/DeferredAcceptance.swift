extension Market {
    /// The school's choice from a set of applicants (contract `match.md`): the seats are
    /// filled one at a time in `seatOrder`, each with the best remaining applicant for that
    /// seat. A reserve seat takes the best applicant of its group; with none left, a `soft`
    /// seat takes the best applicant of any group, a `hard` seat stays empty. An open seat
    /// takes the best applicant. "Best" is the smallest `key`.
    ///
    /// Slot-specific priorities of this kind are substitutable and satisfy the law of
    /// aggregate demand, so deferred acceptance with them is stable and strategy-proof
    /// for students (Kominers & Sönmez 2016; Dur, Kominers, Pathak & Sönmez 2018).
    /// - Returns: the chosen applicants in the order their seats were filled, with the
    ///   seat (nil = open, else a reserve index).
    /// - Complexity: O(a log a + (reserves + 1) · a + seats) for a applicants.
    public func choose(at s: Int, from applicants: [Int]) -> [(student: Int, reserve: Int?)] {
        choose(at: s, from: applicants, seats: schools[s].seatOrder)
    }

    /// The choice filling only `seats` (in that order): the seats a school has left.
    public func choose(at s: Int, from applicants: [Int], seats: [Int?]) -> [(student: Int, reserve: Int?)] {
        let sorted = applicants.map { key($0, at: s) }.sorted()
        var scratch = ChoiceScratch()
        var out: [(student: Int, reserve: Int?)] = []
        fill(schools[s], sorted: sorted, seats: seats, scratch: &scratch) { i, seat in out.append((Market.student(sorted[i]), seat)) }
        return out
    }

    /// Fills `seats` in order from candidates given as keys in ascending order, calling
    /// `take(index, seat)` for each seat filled. Every seat kind keeps a cursor into the
    /// candidates that only moves forward (a candidate once passed is taken or not of the
    /// seat's group), so one call costs O((reserves + 1) · candidates + seats).
    @inline(__always)
    func fill(_ school: School, sorted: [UInt64], seats: [Int?], scratch: inout ChoiceScratch, take: (Int, Int?) -> Void) {
        let a = sorted.count
        scratch.reset(candidates: a, reserves: school.reserves.count)
        var any = 0
        for seat in seats {
            if let r = seat {
                let eligible = school.reserves[r].eligible
                var c = scratch.cursor[r]
                while c < a && (scratch.taken[c] || !eligible[Market.student(sorted[c])]) { c += 1 }
                scratch.cursor[r] = c
                if c < a {
                    scratch.taken[c] = true
                    take(c, r)
                    continue
                }
                guard school.reserves[r].kind == .soft else { continue }
            }
            while any < a && scratch.taken[any] { any += 1 }
            guard any < a else { continue }
            scratch.taken[any] = true
            take(any, seat)
        }
    }

    /// Student-proposing deferred acceptance (Gale & Shapley 1962; Abdulkadiroğlu &
    /// Sönmez 2003): each free student proposes to her most preferred school that has not
    /// rejected her; the school keeps its choice from the students it holds and the new
    /// proposer and rejects the rest; when no free student has a school left to propose
    /// to, the held students are assigned. Proposals are made one at a time, which gives
    /// the same outcome as rounds for these choice functions (the student-optimal stable
    /// assignment).
    ///
    /// A school without reserves holds its students in a max-heap of keys (the worst on
    /// top), all heaps in one buffer; a school with reserves keeps its held students
    /// sorted and re-runs its choice on each proposal.
    /// - Complexity: O(P log q) for P proposals and q seats without reserves; O(P · r · q)
    ///   with r reserves.
    public func deferredAcceptance() -> Assignment {
        let n = studentCount, m = schools.count
        let capacity = schools.map { max(0, $0.capacity) }
        let plain = schools.map(\.reserves.isEmpty)
        var offset = [Int](repeating: 0, count: m + 1)
        for s in 0..<m { offset[s + 1] = offset[s] + (plain[s] ? capacity[s] : 0) }
        var heap = [UInt64](repeating: 0, count: offset[m])
        var size = [Int](repeating: 0, count: m)
        // Schools with reserves: held students sorted by key, each with the reserves
        // she is eligible for as bits; the seats as blocks in precedence order.
        var held = [SortedHeld](repeating: SortedHeld(), count: m)
        let plans = schools.map(SeatPlan.init)
        var single: [OneReserveHeld?] = schools.map { $0.reserves.count == 1 ? OneReserveHeld($0) : nil }
        var taken: [Bool] = []
        var next = [Int32](repeating: 0, count: n)
        var at = [Int32](repeating: -1, count: n)
        var free = [Int](unsafeUninitializedCapacity: n) { buffer, count in
            for i in 0..<n { buffer[i] = n - 1 - i }
            count = n
        }
        // The key of a proposal from the class table and the lottery numbers, without the
        // general `key(_:at:)` lookups, when there is one lottery and no explicit order.
        let table = classTable
        let numbers = lottery.numbers
        let anyGeneral = lottery.perSchool != nil || schools.contains { $0.rank != nil }
        heap.withUnsafeMutableBufferPointer { heap in
            while let st = free.popLast() {
                let mine = prefs[st]
                let k = Int(next[st])
                guard k < mine.count else { continue }
                next[st] += 1
                let s = mine[k]
                let key = anyGeneral ? self.key(st, at: s)
                    : UInt64(table.klass[Int(table.start[st]) + k]) << 56 | UInt64(numbers[st]) << 24 | UInt64(st)
                if plain[s] {
                    let cap = capacity[s], base = offset[s]
                    if size[s] < cap {
                        Market.push(key, into: heap, base: base, size: &size[s])
                        at[st] = Int32(s)
                    } else if cap > 0 && key < heap[base] {
                        let worst = Market.student(heap[base])
                        Market.replaceTop(with: key, in: heap, base: base, size: size[s])
                        at[st] = Int32(s)
                        at[worst] = -1
                        free.append(worst)
                    } else {
                        free.append(st)
                    }
                    continue
                }
                at[st] = Int32(s)
                if var one = single[s] {
                    single[s] = nil   // keep the arrays uniquely referenced while they change
                    if let out = one.add(key, eligible: plans[s].groups[0][st]) {
                        let x = Market.student(out)
                        at[x] = -1
                        free.append(x)
                    }
                    single[s] = one
                    continue
                }
                held[s].insert(key, mask: plans[s].mask(of: st))
                // With only soft reserves every seat takes anyone: all are kept until the
                // school holds more than its capacity.
                if plans[s].allSoft && held[s].count <= capacity[s] { continue }
                held[s].choose(plans[s], taken: &taken) { x in
                    at[x] = -1
                    free.append(x)
                }
            }
        }
        // The seats of the held students: the choice re-run on the held set picks the
        // same students in the same order (those it rejected were never the best left).
        var seat = [Int32](repeating: -1, count: n)
        for s in 0..<m where !plain[s] {
            if let one = single[s] {
                for k in one.eligible { held[s].insert(k, mask: 1) }
                for k in one.other { held[s].insert(k, mask: 0) }
            }
            held[s].keys.withUnsafeBufferPointer { keys in
                held[s].masks.withUnsafeBufferPointer { masks in
                    plans[s].fill(keys: keys, masks: masks, taken: &taken) { st, r in seat[st] = Int32(r) }
                }
            }
        }
        return Assignment(places: (0..<n).map { st in
            at[st] >= 0 ? .init(school: Int(at[st]), reserve: seat[st] >= 0 ? Int(seat[st]) : nil) : nil
        })
    }

    /// Max-heap on keys in `heap[base ..< base + size]`.
    @inline(__always)
    static func push(_ key: UInt64, into heap: UnsafeMutableBufferPointer<UInt64>, base: Int, size: inout Int) {
        var i = size
        size += 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard key > heap[base + parent] else { break }
            heap[base + i] = heap[base + parent]
            i = parent
        }
        heap[base + i] = key
    }

    @inline(__always)
    static func replaceTop(with key: UInt64, in heap: UnsafeMutableBufferPointer<UInt64>, base: Int, size: Int) {
        var i = 0
        while true {
            let l = 2 * i + 1
            guard l < size else { break }
            var c = l
            if l + 1 < size && heap[base + l + 1] > heap[base + l] { c = l + 1 }
            guard heap[base + c] > key else { break }
            heap[base + i] = heap[base + c]
            i = c
        }
        heap[base + i] = key
    }
}

/// Reused storage for a school's choice: which candidates are taken, each reserve's cursor.
struct ChoiceScratch {
    var taken: [Bool] = []
    var cursor: [Int] = []

    @inline(__always)
    mutating func reset(candidates a: Int, reserves r: Int) {
        if taken.count < a { taken = [Bool](repeating: false, count: max(a, 2 * taken.count)) }
        for i in 0..<a { taken[i] = false }
        if cursor.count < r { cursor = [Int](repeating: 0, count: r) }
        for i in 0..<r { cursor[i] = 0 }
    }
}

extension Array where Element == UInt64 {
    /// The first index whose element satisfies `belongs`, for a predicate that is false
    /// then true along the array.
    func partitioningIndex(where belongs: (UInt64) -> Bool) -> Int {
        var lo = 0, hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            if belongs(self[mid]) { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}

/// A school's held students sorted by key, each with a bit for every reserve whose group
/// she is in.
struct SortedHeld {
    var keys: [UInt64] = []
    var masks: [UInt64] = []

    var count: Int { keys.count }

    mutating func insert(_ key: UInt64, mask: UInt64) {
        let place = keys.partitioningIndex { $0 > key }
        keys.insert(key, at: place)
        masks.insert(mask, at: place)
    }

    /// Keeps the school's choice from the held students, reporting each other student.
    mutating func choose(_ plan: SeatPlan, taken: inout [Bool], rejected: (Int) -> Void) {
        keys.withUnsafeBufferPointer { keys in
            masks.withUnsafeBufferPointer { masks in plan.fill(keys: keys, masks: masks, taken: &taken, seat: nil) }
        }
        var j = 0
        for i in 0..<keys.count {
            if taken[i] {
                keys[j] = keys[i]
                masks[j] = masks[i]
                j += 1
            } else {
                rejected(Market.student(keys[i]))
            }
        }
        keys.removeLast(keys.count - j)
        masks.removeLast(masks.count - j)
    }
}

/// The students held by a school with one reserve, eligible and not, each sorted by key.
/// Adding a proposer to a held set (itself the school's choice) rejects at most one
/// student (the choice is substitutable and satisfies the law of aggregate demand), and
/// which one follows from the ends of the two lists, so a proposal costs a binary search
/// and an insertion instead of re-running the choice.
struct OneReserveHeld {
    var eligible: [UInt64] = []
    var other: [UInt64] = []
    let reserveSeats: Int
    let openSeats: Int
    let soft: Bool
    let reserveFirst: Bool

    init(_ school: Market.School) {
        reserveSeats = school.reserves[0].seats
        openSeats = school.openSeats
        soft = school.reserves[0].kind == .soft
        reserveFirst = school.precedence == .reserveFirst
    }

    /// Adds a proposer and returns the key of the student the school's choice now leaves
    /// out (possibly hers), or nil when it keeps everyone. With R reserve and O open seats,
    /// E the eligible and N the other held students:
    /// - reserve first: the reserve takes the best R of E (soft: then the best of N), the
    ///   open seats the best O of the rest; the one left out is the worst of the rest.
    /// - open first: the open seats take the best O of all, the reserve the best R of E
    ///   left (soft: then the best of N left); the one left out is the worst of E when the
    ///   R + 1 worst students are all in E, else the worst of N.
    mutating func add(_ key: UInt64, eligible isEligible: Bool) -> UInt64? {
        if isEligible { eligible.insert(key, at: eligible.partitioningIndex { $0 > key }) }
        else { other.insert(key, at: other.partitioningIndex { $0 > key }) }
        let R = reserveSeats, O = openSeats, e = eligible.count, n = other.count
        switch (reserveFirst, soft) {
        case (true, true):
            guard e + n > R + O else { return nil }
            return removeWorst(eligibleInRest: e > R, otherInRest: n > max(0, R - e))
        case (true, false):
            guard max(0, e - R) + n > O else { return nil }
            return removeWorst(eligibleInRest: e > R, otherInRest: n > 0)
        case (false, true):
            guard e + n > R + O else { return nil }
            if e > R && (n == 0 || other[n - 1] < eligible[e - R - 1]) { return eligible.removeLast() }
            return other.removeLast()
        case (false, false):
            // The students left after the open seats: the m worst of all.
            let m = e + n - O
            guard m > 0 else { return nil }
            if let worstOther = other.last, e - eligible.partitioningIndex(where: { $0 > worstOther }) < m { return other.removeLast() }
            return m > R ? eligible.removeLast() : nil
        }
    }

    private mutating func removeWorst(eligibleInRest: Bool, otherInRest: Bool) -> UInt64 {
        if eligibleInRest && (!otherInRest || eligible[eligible.count - 1] > other[other.count - 1]) { return eligible.removeLast() }
        return other.removeLast()
    }
}

/// A school's seats as blocks in precedence order: each reserve's seats (reserve index
/// and count) and the open seats (reserve −1).
struct SeatPlan {
    var blocks: [(reserve: Int, count: Int)]
    var soft: UInt64
    var allSoft: Bool
    var groups: [[Bool]]

    init(_ school: Market.School) {
        let reserves = school.reserves.indices.map { (reserve: $0, count: school.reserves[$0].seats) }
        let open = [(reserve: -1, count: school.openSeats)]
        blocks = school.precedence == .reserveFirst ? reserves + open : open + reserves
        soft = 0
        for (r, reserve) in school.reserves.enumerated() where reserve.kind == .soft { soft |= 1 << UInt64(r) }
        allSoft = school.reserves.allSatisfy { $0.kind == .soft }
        groups = school.reserves.map(\.eligible)
    }

    func mask(of st: Int) -> UInt64 {
        var out: UInt64 = 0
        for r in groups.indices where groups[r][st] { out |= 1 << UInt64(r) }
        return out
    }

    /// The school's choice from held students (`keys` ascending, `masks` their reserve
    /// bits; the definition of `Market.choose`, block by
    /// block): sets `taken[i]` for each chosen entry and reports its student and seat.
    @inline(__always)
    func fill(keys: UnsafeBufferPointer<UInt64>, masks: UnsafeBufferPointer<UInt64>, taken: inout [Bool], seat: ((Int, Int) -> Void)?) {
        let a = keys.count
        if taken.count < a { taken = [Bool](repeating: false, count: max(a, 2 * taken.count)) }
        for i in 0..<a { taken[i] = false }
        var any = 0
        for block in blocks {
            var left = block.count
            if block.reserve >= 0 {
                let bit: UInt64 = 1 << UInt64(block.reserve)
                var c = 0
                while left > 0 && c < a {
                    if !taken[c] && masks[c] & bit != 0 {
                        taken[c] = true
                        seat?(Market.student(keys[c]), block.reserve)
                        left -= 1
                    }
                    c += 1
                }
                guard soft & bit != 0 else { continue }
            }
            while left > 0 && any < a {
                if !taken[any] {
                    taken[any] = true
                    seat?(Market.student(keys[any]), block.reserve)
                    left -= 1
                }
                any += 1
            }
        }
    }
}
