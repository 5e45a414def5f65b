/// Step 3 of `Enrichment`: the share constraints priced into the flow by Lagrangian
/// relaxation, for a lower bound, and each priced flow repaired into a feasible
/// assignment, for an upper bound.
///
/// With multipliers u, v ≥ 0 on `n_cg − (P_g + x)·n_c ≤ 0` and `(P_g − x)·n_c − n_cg ≤ 0`,
/// student i in cluster c costs `rank − B + Σ_d (u_cdg(i) − v_cdg(i)) − κ_c` with
/// `κ_c = Σ_dg (u_cdg·(P_g + x) − v_cdg·(P_g − x))`: a flow again, whose optimum L(u, v)
/// is a lower bound on every assignment that meets the shares (the minimum sizes are
/// relaxed in it, so the bound holds whichever clusters open). Multipliers move along
/// the subgradient with Polyak's step `θ·(UB − L)/‖s‖²`, θ halved after steps without a
/// better bound.
struct HeterogeneitySearch {
    let model: EnrichmentModel
    let targets: [[Double]]
    /// Per cluster, one slot per group of every dimension: `offset[d] + g`.
    let offset: [Int]
    let width: Int
    /// Clusters that can open within the shares: for some size n between min and max,
    /// every group's lower limit `(P_g − x)·n` is within the students of g who chose the
    /// cluster, and the groups' upper limits leave room for n.
    let mixable: [Bool]

    struct Outcome {
        var assignment: [Int]
        var bound: Double
        var proven: Bool
        var steps: Int
    }

    init(model: EnrichmentModel, targets: [[Double]]) {
        self.model = model
        self.targets = targets
        var offset: [Int] = []
        var w = 0
        for d in model.dimensions { offset.append(w); w += d.groups.count }
        self.offset = offset
        width = w
        var demand = [[Int]](repeating: [Int](repeating: 0, count: w), count: model.clusters)
        for i in 0..<model.students {
            for c in model.choices[i] { for d in model.dimensions.indices { demand[c][offset[d] + model.group[d][i]] += 1 } }
        }
        mixable = (0..<model.clusters).map { c in
            guard model.canOpen[c] else { return false }
            return (max(1, model.minSize[c])...model.maxSize[c]).contains { n in
                model.dimensions.indices.allSatisfy { d in
                    let x = model.dimensions[d].tolerance
                    var room = 0
                    for g in model.dimensions[d].groups.indices {
                        let have = demand[c][offset[d] + g]
                        if Double(have) < (targets[d][g] - x) * Double(n) - 1e-9 { return false }
                        room += min(have, Int(((targets[d][g] + x) * Double(n) + 1e-9).rounded(.down)))
                    }
                    return room >= n
                }
            }
        }
    }

    /// Repairs `start`, the clusters that cannot mix closed.
    private func repair(_ start: [Int], with search: inout QuotaSearch) -> [Int] {
        search.repaired(start, closed: mixable.map { !$0 })
    }

    mutating func run(from start: [Int], steps: Int, incumbentBound: Double,
                      progress: ((Enrichment.Progress) -> Void)?) -> Outcome {
        var quota = QuotaSearch(model: model, targets: targets)
        var best = [Int](repeating: -1, count: model.students)
        var upper = Double.infinity
        var lower = incumbentBound.isFinite ? incumbentBound : -Double(model.students) * model.worth
        // Until a feasible assignment is known, steps aim at a tenth above the start's rank sum.
        let placedAtStart = Double(start.filter { $0 >= 0 }.count)
        let aim = lower + 0.1 * (model.cost(start) + placedAtStart * model.worth) + 1
        // The priced flows are repaired a few times, late in the search, where they are
        // close to meeting the shares.
        let repairs = Set([steps / 3, (2 * steps) / 3, steps - 1].filter { $0 >= 0 })

        let possible = mixable
        var up = [Double](repeating: 0, count: model.clusters * width)
        var down = up
        var flow = ClusterAssignment(
            choices: model.choices, cost: model.rankCost,
            capacity: (0..<model.clusters).map { possible[$0] ? model.maxSize[$0] : 0 },
            floor: [Int](repeating: 0, count: model.clusters), penalty: model.floorPenalty,
            at: start.indices.map { i in start[i] >= 0 && possible[model.choices[i][start[i]]] ? start[i] : -1 })
        var theta = 1.0
        var sinceBetter = 0
        var taken = 0
        for step in 0..<steps {
            if upper - lower < 1 - 1e-6 { break }
            taken = step + 1
            progress?(Enrichment.Progress(phase: "balancing clusters", done: step, total: steps))
            flow.cost = pricedCosts(up: up, down: down)
            flow.rebuild()
            flow.optimize()
            let value = flow.placementCost
            if value > lower + 1e-9 { lower = value; sinceBetter = 0 } else { sinceBetter += 1 }
            if sinceBetter >= 8 { theta /= 2; sinceBetter = 0 }
            let at = (0..<model.students).map { flow.at[$0] }
            if repairs.contains(step) {
                let candidate = repair(at, with: &quota)
                let cost = model.cost(candidate)
                if cost < upper, model.isFeasible(candidate, targets: targets) {
                    best = candidate
                    upper = cost
                }
            }
            // Subgradient.
            let size = model.sizes(at)
            var count = [Double](repeating: 0, count: model.clusters * width)
            for i in 0..<model.students where at[i] >= 0 {
                let c = model.choices[i][at[i]]
                for d in model.dimensions.indices { count[c * width + offset[d] + model.group[d][i]] += 1 }
            }
            var sUp = [Double](repeating: 0, count: up.count), sDown = sUp
            var norm = 0.0
            for c in 0..<model.clusters {
                for d in model.dimensions.indices {
                    let x = model.dimensions[d].tolerance
                    for g in model.dimensions[d].groups.indices {
                        let k = c * width + offset[d] + g
                        sUp[k] = count[k] - (targets[d][g] + x) * Double(size[c])
                        sDown[k] = (targets[d][g] - x) * Double(size[c]) - count[k]
                        if up[k] > 0 || sUp[k] > 0 { norm += sUp[k] * sUp[k] }
                        if down[k] > 0 || sDown[k] > 0 { norm += sDown[k] * sDown[k] }
                    }
                }
            }
            if norm < 1e-12 || theta < 1e-4 { break }
            let t = theta * max((upper.isFinite ? upper : aim) - value, 1) / norm
            for k in up.indices {
                up[k] = max(0, up[k] + t * sUp[k])
                down[k] = max(0, down[k] + t * sDown[k])
            }
        }
        // No way found to meet the shares: nobody placed meets them trivially.
        if !upper.isFinite { best = [Int](repeating: -1, count: model.students) }
        return Outcome(assignment: best, bound: lower, proven: upper - lower < 1 - 1e-6, steps: taken)
    }

    /// `rank − B + Σ_d (u − v)_{c,d,g_d(i)} − κ_c` for every student and choice.
    private func pricedCosts(up: [Double], down: [Double]) -> [[Double]] {
        var kappa = [Double](repeating: 0, count: model.clusters)
        for c in 0..<model.clusters {
            for d in model.dimensions.indices {
                let x = model.dimensions[d].tolerance
                for g in model.dimensions[d].groups.indices {
                    let k = c * width + offset[d] + g
                    kappa[c] += up[k] * (targets[d][g] + x) - down[k] * (targets[d][g] - x)
                }
            }
        }
        return (0..<model.students).map { i in
            model.choices[i].enumerated().map { k, c in
                var v = model.rankCost[i][k] - kappa[c]
                for d in model.dimensions.indices {
                    let slot = c * width + offset[d] + model.group[d][i]
                    v += up[slot] - down[slot]
                }
                return v
            }
        }
    }
}

extension EnrichmentModel {
    /// Every open cluster between its minimum and maximum, and within its shares.
    func isFeasible(_ at: [Int], targets: [[Double]]) -> Bool {
        let size = sizes(at)
        for c in 0..<clusters where size[c] > 0 && (size[c] < minSize[c] || size[c] > maxSize[c]) { return false }
        return meetsShares(at, targets: targets)
    }
}

