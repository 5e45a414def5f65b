"""Redraws the zones of a boundaries.md instance with OR-Tools CP-SAT, as the peer of
`mosaic boundaries` in BENCHMARKS.md: the same limits (travel, size, contiguity around
each school's unit, today's islands exempt while they stay) and the same objective, the
multigroup dissimilarity D, written exactly in integers:

    minimise  sum_s sum_g |T n_sg - N_g t_s|      (D = that / (2 sum_g N_g (T - N_g)))

Contiguity is a single-commodity flow per school (Shirabe 2005): every unit that must
connect and is assigned to s sends one unit of flow to s's unit along arcs whose both
ends are assigned to s. Today's zoning is given as a hint. Prints one JSON object:
D and H of the best zoning, the proven lower bound on D, the status and the seconds.

    python boundaries_cpsat.py city.json --dimension race --time-limit 600 --workers 2
"""
import argparse, json, math, sys, time

from ortools.sat.python import cp_model


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("instance")
    ap.add_argument("--dimension", default="race")
    ap.add_argument("--max-travel-increase", type=float, default=0.5)
    ap.add_argument("--max-size-increase", type=float, default=0.15)
    ap.add_argument("--time-limit", type=float, default=600)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--assignment", help="also write the best assignment here (JSON)")
    a = ap.parse_args()
    inst = json.load(open(a.instance))
    schools = [s["id"] for s in inst["schools"]]
    sidx = {s: i for i, s in enumerate(schools)}
    units = inst["units"]
    uidx = {u["id"]: i for i, u in enumerate(units)}
    U, S = len(units), len(schools)

    base, _, focus = a.dimension.partition(":")  # race:white = White against the rest

    def counts(u):
        c = u["students"]
        if c and isinstance(next(iter(c.values())), dict):
            c = c[base]
        if focus:
            return {focus: c.get(focus, 0), "not " + focus: sum(v for k, v in c.items() if k != focus)}
        return c
    groups = sorted({g for u in units for g in counts(u)})
    G = len(groups)
    n = [[counts(u).get(g, 0) for g in groups] for u in units]
    t = [sum(r) for r in n]
    N = [sum(n[u][g] for u in range(U)) for g in range(G)]
    T = sum(N)
    orig = [sidx[u["school"]] for u in units]

    def travel(u, s):
        tr = units[u].get("travel") or {}
        if schools[s] in tr:
            return tr[schools[s]]
        p, q = units[u].get("location"), inst["schools"][s].get("location")
        if p is None or q is None:
            return math.inf
        return math.hypot(p["x"] - q["x"], p["y"] - q["y"])
    choices = []
    for u in range(U):
        lim = (1 + a.max_travel_increase) * travel(u, orig[u])
        choices.append([s for s in range(S) if s == orig[u] or travel(u, s) <= lim * (1 + 1e-12)])
    nbr = [set() for _ in range(U)]
    for i, u in enumerate(units):
        for v in u.get("neighbors") or []:
            j = uidx[v]
            nbr[i].add(j); nbr[j].add(i)
    size = [0] * S
    for u in range(U):
        size[orig[u]] += t[u]
    maxsize = []
    for s, sc in enumerate(inst["schools"]):
        m = int(size[s] * (1 + a.max_size_increase) + 1e-9)
        if sc.get("capacity") is not None:
            m = min(m, sc["capacity"])
        maxsize.append(m)
    home = []
    for s, sc in enumerate(inst["schools"]):
        if sc.get("unit"):
            home.append(uidx[sc["unit"]]); continue
        mine = [u for u in range(U) if orig[u] == s]
        if not mine:
            home.append(-1); continue
        def d(u):
            p, q = units[u].get("location"), sc.get("location")
            return math.hypot(p["x"] - q["x"], p["y"] - q["y"]) if p and q else travel(u, s)
        home.append(min(mine, key=lambda u: (d(u), u)))
    exempt = [False] * U
    for s in range(S):
        if home[s] < 0:
            continue
        seen, stack = {home[s]}, [home[s]]
        while stack:
            u = stack.pop()
            for v in nbr[u]:
                if orig[v] == s and v not in seen:
                    seen.add(v); stack.append(v)
        for u in range(U):
            if orig[u] == s and u not in seen:
                exempt[u] = True

    m = cp_model.CpModel()
    x = {}
    for u in range(U):
        for s in choices[u]:
            x[u, s] = m.NewBoolVar(f"x{u}_{s}")
        m.AddExactlyOne(x[u, s] for s in choices[u])
        for s in choices[u]:
            m.AddHint(x[u, s], 1 if s == orig[u] else 0)
    for s in range(S):
        if home[s] >= 0:
            m.Add(x[home[s], s] == 1)
        members = [u for u in range(U) if (u, s) in x]
        m.Add(sum(t[u] * x[u, s] for u in members) <= maxsize[s])
        # contiguity: flow toward home[s] inside the zone
        if home[s] < 0:
            for u in members:
                m.Add(x[u, s] == 0)
            continue
        cap = len(members)
        inflow = {u: [] for u in members}
        outflow = {u: [] for u in members}
        # Today's zone as a complete hint: a breadth-first tree toward home[s], each unit
        # sending its subtree's count (exempt islands send nothing).
        parent, order, seen = {}, [home[s]], {home[s]}
        for u in order:
            for v in sorted(nbr[u]):
                if orig[v] == s and v not in seen:
                    seen.add(v); parent[v] = u; order.append(v)
        subtree = {u: 1 for u in order}
        for u in reversed(order[1:]):
            subtree[parent[u]] += subtree[u]
        for u in members:
            for v in nbr[u]:
                if (v, s) in x and u != home[s]:
                    f = m.NewIntVar(0, cap, "")
                    m.Add(f == 0).OnlyEnforceIf(x[u, s].Not())
                    m.Add(f == 0).OnlyEnforceIf(x[v, s].Not())
                    m.AddHint(f, subtree[u] if parent.get(u) == v else 0)
                    outflow[u].append(f); inflow[v].append(f)
        for u in members:
            if u == home[s]:
                continue
            need = 0 if (exempt[u] and orig[u] == s) else 1
            m.Add(sum(outflow[u]) - sum(inflow[u]) == need * x[u, s])
    dev = []
    for s in range(S):
        members = [u for u in range(U) if (u, s) in x]
        for g in range(G):
            expr = sum((T * n[u][g] - N[g] * t[u]) * x[u, s] for u in members)
            bound = sum(abs(T * n[u][g] - N[g] * t[u]) for u in members)
            y = m.NewIntVar(0, bound, "")
            m.Add(y >= expr); m.Add(y >= -expr)
            m.AddHint(y, abs(sum(T * n[u][g] - N[g] * t[u] for u in members if orig[u] == s)))
            dev.append(y)
    m.Minimize(sum(dev))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = a.time_limit
    solver.parameters.num_workers = a.workers
    start = time.time()
    status = solver.Solve(m)
    seconds = time.time() - start
    denom = 2 * sum(Ng * (T - Ng) for Ng in N)
    out = {"status": solver.StatusName(status), "seconds": seconds, "units": U, "schools": S}
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        assign = [next(s for s in choices[u] if solver.Value(x[u, s])) for u in range(U)]
        cnt = [[0] * G for _ in range(S)]
        for u in range(U):
            for g in range(G):
                cnt[assign[u]][g] += n[u][g]
        def D(c):
            return sum(abs(T * c[s][g] - N[g] * sum(c[s])) for s in range(S) for g in range(G)) / denom
        def H(c):
            E = -sum(Ng / T * math.log(Ng / T) for Ng in N if Ng > 0)
            tot = 0.0
            for s in range(S):
                ts = sum(c[s])
                if ts == 0:
                    continue
                Es = -sum(v / ts * math.log(v / ts) for v in c[s] if v > 0)
                tot += ts * (E - Es)
            return tot / (T * E)
        base = [[0] * G for _ in range(S)]
        for u in range(U):
            for g in range(G):
                base[orig[u]][g] += n[u][g]
        out.update({"D": D(cnt), "H": H(cnt), "bound": solver.BestObjectiveBound() / denom,
                    "before": D(base), "unitsMoved": sum(1 for u in range(U) if assign[u] != orig[u])})
        if a.assignment:
            json.dump({units[u]["id"]: schools[assign[u]] for u in range(U)}, open(a.assignment, "w"))
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
