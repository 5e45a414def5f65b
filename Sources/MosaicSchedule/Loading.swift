/// Students loaded into sections: the solver's working state. Every change goes through
/// `assign` and `unassign`, which keep the section counts, the group counts and the four
/// parts of the objective (`Score`) exact, so a move's effect is read off the score.
struct Loading {
    let model: SectioningModel
    /// `choice[requestStart[i] + r]`: the option meeting request r of student i, or −1.
    var choice: [Int]
    let requestStart: [Int]
    /// Student i's held sections: words [i·W, (i+1)·W).
    var held: [UInt64]
    var load: [Int]
    /// `groupLoad[s·G + offset[d] + g]`.
    var groupLoad: [Int]
    let groupOffset: [Int]
    let groupWidth: Int
    /// `target[s·G + offset[d] + g]`: the share of group g the section should hold.
    let target: [Double]
    /// Students in each section (unordered).
    var members: [[Int]]
    /// Requests of each student met.
    var metCount: [Int]
    var score = Score()
    /// Whether the imbalance and spread parts count (off for a random loading).
    let balancing: Bool

    init(model: SectioningModel, balancing: Bool = true) {
        self.model = model
        self.balancing = balancing
        var start: [Int] = [], n = 0
        for st in model.students { start.append(n); n += st.requests.count }
        requestStart = start
        choice = [Int](repeating: -1, count: n)
        held = [UInt64](repeating: 0, count: model.students.count * model.words)
        load = [Int](repeating: 0, count: model.sections.count)
        var offset: [Int] = [], g = 0
        for names in model.groupNames { offset.append(g); g += names.count }
        groupOffset = offset
        groupWidth = g
        groupLoad = [Int](repeating: 0, count: model.sections.count * g)
        var target = [Double](repeating: 0, count: model.sections.count * g)
        for (s, section) in model.sections.enumerated() {
            for d in model.balance.indices {
                for (k, p) in model.reference[section.course][d].enumerated() { target[s * g + offset[d] + k] = p }
            }
        }
        self.target = target
        members = [[Int]](repeating: [], count: model.sections.count)
        metCount = [Int](repeating: 0, count: model.students.count)
        score.complete = model.students.filter { $0.requests.isEmpty }.count
    }

    /// ½ Σ_d Σ_g |n_{s,g} − n_s · p_{c,d,g}| for section s holding `n` students with group
    /// counts `groupLoad[s·G …] + extra` — the seat-weighted dissimilarity of the section
    /// from its course, summed over the balance dimensions. Zero for a section alone in
    /// its subpart.
    @inline(__always)
    func imbalance(_ s: Int, count n: Int, adding groups: [Int], sign: Int) -> Double {
        guard balancing, model.subparts[model.sections[s].subpart].balanced else { return 0 }
        var total = 0.0
        let base = s * groupWidth
        for d in groupOffset.indices {
            let own = groupOffset[d] + groups[d]
            let width = model.groupNames[d].count
            for g in 0..<width {
                let k = groupOffset[d] + g
                let count = groupLoad[base + k] + (k == own ? sign : 0)
                total += abs(Double(count) - Double(n) * target[base + k])
            }
        }
        return total / 2
    }

    /// ½ Σ_g |n_{s,g} − n_s·p_{c,g}| on one dimension: section s's seat-weighted
    /// dissimilarity from its course, as the reports read it (whether or not balancing).
    func distance(_ s: Int, dimension d: Int) -> Double {
        let n = Double(load[s]), base = s * groupWidth + groupOffset[d]
        var sum = 0.0
        for g in model.groupNames[d].indices { sum += abs(Double(groupLoad[base + g]) - n * target[base + g]) }
        return sum / 2
    }

    /// The change in imbalance from adding (sign +1) or removing (−1) a student to s.
    @inline(__always)
    func imbalanceDelta(_ s: Int, groups: [Int], sign: Int) -> Double {
        guard balancing, model.subparts[model.sections[s].subpart].balanced else { return 0 }
        return imbalance(s, count: load[s] + sign, adding: groups, sign: sign) - imbalance(s, count: load[s], adding: groups, sign: 0)
    }

    /// The change in Σ n_s² from adding (+1) or removing (−1) one student to s.
    @inline(__always)
    func spreadDelta(_ s: Int, sign: Int) -> Int {
        guard balancing else { return 0 }
        return sign > 0 ? 2 * load[s] + 1 : -2 * load[s] + 1
    }

    func heldWords(_ i: Int) -> ArraySlice<UInt64> { held[(i * model.words)..<((i + 1) * model.words)] }

    /// Whether option o fits student i's schedule (time only).
    func fits(_ o: Int, student i: Int) -> Bool {
        let mask = model.optionMask[o], base = i * model.words
        for w in 0..<model.words where mask[w] & held[base + w] != 0 { return false }
        return true
    }

    func hasRoom(_ o: Int) -> Bool { model.options[o].sections.allSatisfy { load[$0] < model.sections[$0].limit } }

    /// The course index k (0 = asked first) by which option o meets request r of student i.
    func rank(_ o: Int, student i: Int, request r: Int) -> Int {
        model.students[i].requests[r].courses.firstIndex(of: model.options[o].course) ?? 0
    }

    mutating func assign(_ i: Int, request r: Int, option o: Int) {
        let st = model.students[i]
        let groups = st.groups
        for s in model.options[o].sections {
            score.imbalance += imbalanceDelta(s, groups: groups, sign: 1)
            score.spread += spreadDelta(s, sign: 1)
            load[s] += 1
            for d in groupOffset.indices { groupLoad[s * groupWidth + groupOffset[d] + groups[d]] += 1 }
            held[i * model.words + (s >> 6)] |= 1 << UInt64(s & 63)
            members[s].append(i)
        }
        choice[requestStart[i] + r] = o
        score.value += st.requests[r].value(rank(o, student: i, request: r))
        score.met += 1
        metCount[i] += 1
        if metCount[i] == st.requests.count { score.complete += 1 }
    }

    mutating func unassign(_ i: Int, request r: Int) {
        let o = choice[requestStart[i] + r]
        guard o >= 0 else { return }
        let st = model.students[i]
        let groups = st.groups
        if metCount[i] == st.requests.count { score.complete -= 1 }
        metCount[i] -= 1
        score.met -= 1
        score.value -= st.requests[r].value(rank(o, student: i, request: r))
        choice[requestStart[i] + r] = -1
        for s in model.options[o].sections {
            score.imbalance += imbalanceDelta(s, groups: groups, sign: -1)
            score.spread += spreadDelta(s, sign: -1)
            load[s] -= 1
            for d in groupOffset.indices { groupLoad[s * groupWidth + groupOffset[d] + groups[d]] -= 1 }
            held[i * model.words + (s >> 6)] &= ~(1 << UInt64(s & 63))
            if let at = members[s].firstIndex(of: i) { members[s].swapAt(at, members[s].count - 1); members[s].removeLast() }
        }
    }

    /// Student i's options, request by request (−1 = unmet).
    func schedule(of i: Int) -> [Int] {
        Array(choice[requestStart[i]..<(requestStart[i] + model.students[i].requests.count)])
    }

    mutating func clear(_ i: Int) {
        for r in model.students[i].requests.indices { unassign(i, request: r) }
    }

    mutating func apply(_ i: Int, _ options: [Int]) {
        for (r, o) in options.enumerated() where o >= 0 { assign(i, request: r, option: o) }
    }

    // MARK: Per-student exact search

    /// One way to meet a request in the per-student search, with what it would change.
    struct Candidate { var option: Int; var value: Double; var imbalance: Double; var spread: Int }

    /// Student i's best schedule given everyone else's (she holds nothing while it is
    /// searched): branch and bound over her requests, most constrained first, each met by
    /// one option with room that fits her other choices, or left unmet. The bound adds the
    /// best value each remaining request could bring, its most negative imbalance change
    /// and no spread, so a branch is cut only when no completion can beat the best found.
    /// Stops after `nodeLimit` nodes with the best found so far (`proven` false).
    /// With `ignoringLimits` every option counts as having room and only time matters;
    /// with `counting` every request is worth 1 (the most requests she could have met);
    /// `excluding` leaves one request out.
    func bestSchedule(for i: Int, ignoringLimits: Bool = false, counting: Bool = false, excluding: Int? = nil,
                      nodeLimit: Int = 200_000,
                      shuffle: inout some RandomNumberGenerator, randomOrder: Bool = false) -> (options: [Int], score: Score, proven: Bool) {
        let st = model.students[i]
        let m = st.requests.count
        var candidates = [[Candidate]](repeating: [], count: m)
        for (r, request) in st.requests.enumerated() where r != excluding {
            for (k, c) in request.courses.enumerated() {
                let v = counting ? 1 : request.value(k)
                for o in model.courses[c].options where ignoringLimits || hasRoom(o) {
                    var imb = 0.0, spread = 0
                    if !ignoringLimits && !counting {
                        for s in model.options[o].sections {
                            imb += imbalanceDelta(s, groups: st.groups, sign: 1)
                            spread += spreadDelta(s, sign: 1)
                        }
                    }
                    candidates[r].append(Candidate(option: o, value: v, imbalance: imb, spread: spread))
                }
            }
            if randomOrder {
                candidates[r].shuffle(using: &shuffle)
                candidates[r].sort { $0.value > $1.value }   // stable: random among equal values
            } else {
                candidates[r].sort { ($0.value, -$0.imbalance, -$0.spread, -$0.option) > ($1.value, -$1.imbalance, -$1.spread, -$1.option) }
            }
            // Of options of one course with the same footprint only the first (best) can be
            // in a best schedule: the others block the same sections and score no better.
            var seen = Set<Int>()
            candidates[r] = candidates[r].filter { seen.insert(model.footprint[$0.option] &* 1_000_003 &+ model.options[$0.option].course).inserted }
        }
        let order = (0..<m).sorted { (candidates[$0].count, -st.requests[$0].weight, $0) < (candidates[$1].count, -st.requests[$1].weight, $1) }
        // Suffix bounds in search order.
        var restValue = [Double](repeating: 0, count: m + 1), restImbalance = [Double](repeating: 0, count: m + 1)
        var restAll = [Bool](repeating: true, count: m + 1)
        for k in stride(from: m - 1, through: 0, by: -1) {
            let cs = candidates[order[k]]
            restValue[k] = restValue[k + 1] + (cs.map(\.value).max() ?? 0)
            restImbalance[k] = restImbalance[k + 1] + min(0, cs.map(\.imbalance).min() ?? 0)
            restAll[k] = restAll[k + 1] && !cs.isEmpty
        }
        var best = Score(value: -1, met: 0, complete: 0, imbalance: 0, spread: 0)
        var bestChoice = [Int](repeating: -1, count: m)
        var current = [Int](repeating: -1, count: m)
        var localHeld = [UInt64](repeating: 0, count: model.words)
        var usedCourses: [Int] = []
        var nodes = 0
        var proven = true
        var value = 0.0, imbalance = 0.0, spread = 0, met = 0
        func search(_ k: Int) {
            nodes += 1
            if nodes > nodeLimit { proven = false; return }
            let allSoFar = met == k
            if k == m {
                let s = Score(value: value, met: met, complete: met == m ? 1 : 0, imbalance: imbalance, spread: spread)
                if s.isBetter(than: best) { best = s; bestChoice = current }
                return
            }
            var optimistic = Score(value: value + restValue[k], met: met + (m - k), complete: allSoFar && restAll[k] ? 1 : 0,
                                   imbalance: imbalance + restImbalance[k], spread: spread)
            if !optimistic.isBetter(than: best) { return }
            // Forward check: a remaining request none of whose candidates still fits adds
            // nothing, which tightens the bound.
            var still = value, stillAll = allSoFar, stillImbalance = imbalance
            for j in k..<m {
                var top = 0.0, low = 0.0, any = false
                for cand in candidates[order[j]] where !usedCourses.contains(model.options[cand.option].course) && model.fits(cand.option, localHeld) {
                    if !any || cand.value > top { top = cand.value }
                    low = min(low, cand.imbalance)
                    any = true
                }
                still += top; stillImbalance += low
                if !any { stillAll = false }
            }
            optimistic = Score(value: still, met: optimistic.met, complete: stillAll ? 1 : 0, imbalance: stillImbalance, spread: spread)
            if !optimistic.isBetter(than: best) { return }
            let r = order[k]
            for cand in candidates[r] {
                let c = model.options[cand.option].course
                if usedCourses.contains(c) || !model.fits(cand.option, localHeld) { continue }
                current[r] = cand.option
                usedCourses.append(c)
                for s in model.options[cand.option].sections { localHeld[s >> 6] |= 1 << UInt64(s & 63) }
                value += cand.value; imbalance += cand.imbalance; spread += cand.spread; met += 1
                search(k + 1)
                value -= cand.value; imbalance -= cand.imbalance; spread -= cand.spread; met -= 1
                for s in model.options[cand.option].sections { localHeld[s >> 6] &= ~(1 << UInt64(s & 63)) }
                usedCourses.removeLast()
                current[r] = -1
                if nodes > nodeLimit { return }
            }
            search(k + 1)   // leave request r unmet
        }
        search(0)
        return (bestChoice, best, proven)
    }
}

/// The solver's objective, compared in order: the weighted requests met (`value`, higher
/// is better), complete schedules (higher), the seat-weighted dissimilarity of sections
/// from their courses summed over the balance dimensions (`imbalance`, lower), and
/// Σ n_s² over sections (`spread`, lower: even section sizes).
public struct Score: Sendable, Equatable, CustomStringConvertible {
    public var value = 0.0
    public var met = 0
    public var complete = 0
    public var imbalance = 0.0
    public var spread = 0

    static let tolerance = 1e-7

    public func isBetter(than other: Score) -> Bool {
        if abs(value - other.value) > Self.tolerance { return value > other.value }
        if complete != other.complete { return complete > other.complete }
        if abs(imbalance - other.imbalance) > Self.tolerance { return imbalance < other.imbalance }
        return spread < other.spread
    }

    public var description: String {
        "value \(value), met \(met), complete \(complete), imbalance \(imbalance), spread \(spread)"
    }
}
