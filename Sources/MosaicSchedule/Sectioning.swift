import Foundation

/// Student sectioning (contract `schedule.md`, `mosaic schedule section`): every student
/// gets one section of every subpart of one configuration of each course she asked for
/// (or of an alternative), with no two of her sections overlapping and no section over
/// its limit. The objective, in order: weighted requests met (the k-th alternative worth
/// weight × 0.9^k), complete schedules, sections that mirror their course on the balance
/// dimensions, even section sizes.
///
/// The method follows the batch sectioning of Müller & Murray (2010, "Comprehensive
/// approach to student sectioning", Annals of Operations Research 181,
/// doi:10.1007/s10479-010-0735-9), in four phases:
///
/// 1. Construction: students one at a time, greatest need first (a random order among
///    equal needs), each given her best schedule by exact branch and bound against
///    everyone placed so far.
/// 2. Re-dealing each family of courses (a course and its alternatives) among its
///    requests, everything else fixed, as a maximum-weight b-matching by minimum-cost
///    circulation — the long chains of moves a local search cannot see.
/// 3. Annealing on the weighted requests met (Kirkpatrick, Gelatt & Vecchi 1983,
///    doi:10.1126/science.220.4598.671) over ruin-and-recreate neighbourhoods (Schrimpf et
///    al. 2000, doi:10.1006/jcph.1999.6413), each re-solved student by student with the
///    exact search: a student with an unmet request together with students holding the
///    seats she needs (an ejection chain of depth one per full section, and one for a
///    course of hers in the way), two students of one subpart in different sections (a
///    swap, for the balance), and single students.
/// 4. Descent from the best loading seen: the same moves, kept when no worse, until
///    `idleLimit` moves bring no improvement (every family re-dealt once more before it
///    stops) or `moveLimit` moves are made.
///
/// Every step draws from the caller's generator: the same seed gives the same result.
public enum Sectioning {
    public struct Options: Sendable {
        /// Moves without an improvement before the search stops (default 25 per student,
        /// at least 1,000).
        public var idleLimit: Int?
        /// The most moves of the descent after the annealing (default 100 per student).
        public var moveLimit: Int?
        /// Off: sections are picked at random among those meeting the most requests, with
        /// no regard to balance or size — the random loading the balance is compared with.
        public var balancing: Bool
        /// Off: construction only.
        public var improving: Bool
        /// Moves of the annealing phase (0: none; default `defaultAnnealingMoves`).
        public var annealingMoves: Int?

        public init(idleLimit: Int? = nil, moveLimit: Int? = nil, balancing: Bool = true, improving: Bool = true,
                    annealingMoves: Int? = nil) {
            self.idleLimit = idleLimit
            self.annealingMoves = annealingMoves
            self.moveLimit = moveLimit
            self.balancing = balancing
            self.improving = improving
        }
    }

    /// Where a run is: the phase, how far it is, and the objective so far.
    public struct Progress: Sendable {
        public var phase: String
        public var done: Int
        public var total: Int
        public var score: Score
    }

    /// Sections the model's students. `shouldStop` is asked between moves (a time limit);
    /// without it the search stops on its own criteria and a seed reproduces the run.
    public static func solve(_ model: SectioningModel, options: Options = Options(),
                             using rng: inout some RandomNumberGenerator,
                             shouldStop: (() -> Bool)? = nil,
                             progress: ((Progress) -> Void)? = nil) -> SectioningResult {
        var loading = Loading(model: model, balancing: options.balancing)
        let n = model.students.count
        // Greatest need first; a random order among equal needs.
        var order = Array(0..<n)
        order.shuffle(using: &rng)
        let rankInDraw = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        order.sort { (model.students[$0].need, -rankInDraw[$0]!) > (model.students[$1].need, -rankInDraw[$1]!) }
        for (done, i) in order.enumerated() {
            let best = loading.bestSchedule(for: i, shuffle: &rng, randomOrder: !options.balancing)
            loading.apply(i, best.options)
            if let progress, (done + 1) % 250 == 0 || done + 1 == n {
                progress(Progress(phase: "construction", done: done + 1, total: n, score: loading.score))
            }
        }
        var moves = 0
        if options.improving && n > 0 {
            let families = Loading.families(model)
            func everyFamily() -> Bool {
                var improved = false
                for f in families where !(shouldStop?() ?? false) {
                    if loading.improveFamily(f, using: &rng) { improved = true }
                }
                return improved
            }
            _ = everyFamily()
            // Annealing on the weighted requests met: a move that keeps the value is kept
            // whatever it does to the balance (the descent restores it; drifting along
            // equal values is what finds the packings), one that loses Δ with probability
            // exp(−Δ/T), T cooling geometrically from 0.15 to 0.005; the best loading
            // seen is where the descent below starts.
            let annealing = options.annealingMoves ?? Self.defaultAnnealingMoves(students: n)
            if annealing > 0 {
                var best = loading.score, bestChoice = loading.choice
                let t0 = 0.15, t1 = 0.005
                var temperature = t0
                // The look-ahead re-deal walks a whole family: at most once in n/5 moves.
                let lookEvery = max(200, n / 5)
                let cooling = exp(log(t1 / t0) / Double(annealing))
                for _ in 0..<annealing where !(shouldStop?() ?? false) {
                    moves += 1
                    temperature *= cooling
                    if moves % lookEvery == 0, let f = families.randomElement(using: &rng) {
                        // Every 200th move (every n/5th in a large school) re-deals a family
                        // looking ahead: a student may give up a course in the way, or free
                        // time for one still waiting.
                        loading.improveFamily(f, lookahead: true, using: &rng)
                        if loading.score.isBetter(than: best) { best = loading.score; bestChoice = loading.choice }
                        continue
                    }
                    let neighbourhood = pickNeighbourhood(loading, using: &rng)
                    guard !neighbourhood.isEmpty else { continue }
                    let before = loading.score
                    let saved = loading.recreate(neighbourhood, using: &rng, randomOrder: !options.balancing)
                    let loss = before.value - loading.score.value
                    let keep = loss <= Score.tolerance
                        || (loss > Score.tolerance && Double.random(in: 0..<1, using: &rng) < exp(-loss / temperature))
                    if !keep { loading.restore(neighbourhood, saved) }
                    if loading.score.isBetter(than: best) { best = loading.score; bestChoice = loading.choice }
                    if let progress, moves % 2_000 == 0 {
                        progress(Progress(phase: "annealing", done: moves, total: annealing, score: loading.score))
                    }
                }
                if best.isBetter(than: loading.score) {
                    for i in 0..<n { loading.clear(i) }
                    for i in 0..<n { loading.apply(i, Array(bestChoice[loading.requestStart[i]..<(loading.requestStart[i] + model.students[i].requests.count)])) }
                }
            }
            let idleLimit = options.idleLimit ?? max(1_000, 25 * n)
            var idle = 0
            let lastMove = moves + (options.moveLimit ?? 100 * n)
            while moves < lastMove && !(shouldStop?() ?? false) {
                if idle >= idleLimit {
                    // Before stopping, re-deal every family; go on only if that helped.
                    if everyFamily() { idle = 0 } else { break }
                }
                moves += 1
                if moves % 500 == 0, let f = families.randomElement(using: &rng), loading.improveFamily(f, using: &rng) {
                    idle = 0
                    continue
                }
                let neighbourhood = pickNeighbourhood(loading, using: &rng)
                guard !neighbourhood.isEmpty else { idle += 1; continue }
                let before = loading.score
                let saved = loading.recreate(neighbourhood, using: &rng, randomOrder: !options.balancing)
                if loading.score.isBetter(than: before) {
                    idle = 0
                } else {
                    idle += 1
                    if before.isBetter(than: loading.score) { loading.restore(neighbourhood, saved) }
                }
                if let progress, moves % 2_000 == 0 {
                    progress(Progress(phase: "improvement", done: moves, total: idle, score: loading.score))
                }
            }
            progress?(Progress(phase: "improvement", done: moves, total: idle, score: loading.score))
        }
        return SectioningResult(loading, bound: requestBound(model), moves: moves)
    }

    /// The annealing's moves when the caller names none: 400 per student, at least 480,000
    /// (at most 1,600 per student) and at most 600,000 unless that floor is higher. A small
    /// school's moves are cheap and its packings need many of them; a large school's are
    /// dear. Measured on the generated high schools (BENCHMARKS.md): 400 per student left
    /// 300 students up to 0.14 % under the optimum, 1,600 per student 0.05–0.07 %, in
    /// about 20 s; 2,000 students reach within 0.02 % of 800,000 moves' result with
    /// 600,000, in three quarters of the time.
    public static func defaultAnnealingMoves(students n: Int) -> Int {
        max(min(400 * n, 600_000), min(1_600 * n, 480_000))
    }

    /// A neighbourhood to ruin and recreate, in the order its students are put back.
    static func pickNeighbourhood(_ loading: Loading, using rng: inout some RandomNumberGenerator) -> [Int] {
        let model = loading.model
        let n = model.students.count
        let incomplete = loading.score.complete < n
        let kind = Int.random(in: 0..<10, using: &rng)
        if incomplete && kind < 5 {
            // A student with an unmet request, and a student from each full section of a
            // way to meet it (and of a way to move a course that is in its way).
            var i = Int.random(in: 0..<n, using: &rng)
            var tries = 0
            while loading.metCount[i] == model.students[i].requests.count && tries < 64 {
                i = Int.random(in: 0..<n, using: &rng); tries += 1
            }
            let st = model.students[i]
            let unmet = st.requests.indices.filter { loading.choice[loading.requestStart[i] + $0] < 0 }
            guard let r = unmet.randomElement(using: &rng) else { return [i] }
            let options = st.requests[r].courses.flatMap { model.courses[$0].options }
            guard let o = options.randomElement(using: &rng) else { return [i] }
            var out = [i]
            for s in model.options[o].sections where loading.load[s] >= model.sections[s].limit {
                if let j = loading.members[s].randomElement(using: &rng), !out.contains(j) { out.append(j) }
            }
            // Her own sections in the way: a student from a full section she could move to.
            for s in model.options[o].sections {
                for w in 0..<model.words {
                    var bits = model.overlap[s][w] & loading.held[i * model.words + w]
                    while bits != 0 {
                        let h = w * 64 + bits.trailingZeroBitCount
                        bits &= bits - 1
                        let siblings = model.subparts[model.sections[h].subpart].sections.filter { $0 != h && loading.load[$0] >= model.sections[$0].limit }
                        if let t = siblings.randomElement(using: &rng), let j = loading.members[t].randomElement(using: &rng), !out.contains(j) { out.append(j) }
                    }
                }
            }
            return out
        }
        if kind < 9 {
            // Two students of one subpart in different sections.
            let i = Int.random(in: 0..<n, using: &rng)
            let held = loading.schedule(of: i).filter { $0 >= 0 }
            guard let o = held.randomElement(using: &rng) else { return [i] }
            let s = model.options[o].sections.randomElement(using: &rng)!
            let siblings = model.subparts[model.sections[s].subpart].sections.filter { $0 != s && !loading.members[$0].isEmpty }
            guard let t = siblings.randomElement(using: &rng), let j = loading.members[t].randomElement(using: &rng) else { return [i] }
            return Bool.random(using: &rng) ? [i, j] : [j, i]
        }
        return [Int.random(in: 0..<n, using: &rng)]
    }

    /// A proven upper bound on the number of requests met. Each student's most requests
    /// met ignoring limits (exact search over her options, time only), less a loss the
    /// seat totals force: a course c is *essential* to a student when every schedule
    /// giving her that most includes c (asked without alternatives); if E_c students
    /// need c and it seats seats_c, at least short_c = E_c − seats_c of them lose a
    /// request. One student may lose several courses at once, so the loss is at least
    /// max(max_c short_c, ⌈Σ_c short_c / e⌉), e the most essential courses of one student.
    /// A student whose search hits its node limit is counted at her number of requests.
    public static func requestBound(_ model: SectioningModel) -> Int {
        let loading = Loading(model: model, balancing: false)
        var none = NoRandomness()
        var total = 0
        var essential = [Int](repeating: 0, count: model.courses.count)
        var mostEssential = 0
        for (i, st) in model.students.enumerated() {
            let best = loading.bestSchedule(for: i, ignoringLimits: true, counting: true, shuffle: &none)
            guard best.proven else { total += st.requests.count; continue }
            total += best.score.met
            var own = 0
            for (r, request) in st.requests.enumerated() where request.courses.count == 1 && best.options[r] >= 0 {
                let without = loading.bestSchedule(for: i, ignoringLimits: true, counting: true, excluding: r, shuffle: &none)
                if without.proven && without.score.met < best.score.met { essential[request.courses[0]] += 1; own += 1 }
            }
            mostEssential = max(mostEssential, own)
        }
        let short = model.courses.indices.map { max(0, essential[$0] - model.courses[$0].seats) }
        let loss = mostEssential == 0 ? 0 : max(short.max() ?? 0, (short.reduce(0, +) + mostEssential - 1) / mostEssential)
        return total - loss
    }
}

/// A generator for searches that never draw (the bound's).
struct NoRandomness: RandomNumberGenerator {
    mutating func next() -> UInt64 { 0 }
}
