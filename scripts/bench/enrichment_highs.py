"""The exact optimum of an enrichment-cluster instance (contract schedule.md), by HiGHS.

Used only by scripts/bench/enrichment to check `mosaic schedule enrichment` against a
proven optimum; never a product dependency. The model is the contract's, as a mixed
integer program:

  x[i,k] = 1 when student i is placed in her k-th choice; y[c] = 1 when cluster c opens;
  n_c = sum of x[i,k] over the choices naming c.

  min  sum (k + 1 - B) * x[i,k]        B = n*K + 1: the most placed first, then ranks
  s.t. sum_k x[i,k] <= 1                each student at most once
       min_c * y_c <= n_c <= max_c * y_c
       n_cg - (P_g + t) * n_c <= 0      every cluster c, dimension d (tolerance t),
       (P_g - t) * n_c - n_cg <= 0      group g of d

with P_g the share of g among all students (among placed ones when everyone is
placed, as in the instances the benchmark draws). --no-heterogeneity drops the
share rows.

Usage: python enrichment_highs.py INSTANCE.json [--no-heterogeneity] [--time-limit S]
Prints one JSON line: rankSum, placed, bound (on the rank sum), status, seconds.
"""
import argparse
import json
import time

import highspy
import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("instance")
    ap.add_argument("--no-heterogeneity", action="store_true")
    ap.add_argument("--time-limit", type=float, default=600)
    args = ap.parse_args()
    inst = json.load(open(args.instance))
    clusters = inst["clusters"]
    students = inst["students"]
    index = {c["id"]: k for k, c in enumerate(clusters)}
    longest = max((len(s["choices"]) for s in students), default=0)
    B = len(students) * longest + 1
    het = {} if args.no_heterogeneity else (inst.get("heterogeneity") or {})

    def group(s, d):
        return s.get("ability") if d == "ability" else (s.get("groups") or {}).get(d)

    cols_cost, cols_student, cols_cluster, cols_rank = [], [], [], []
    for i, s in enumerate(students):
        for k, cid in enumerate(s["choices"]):
            cols_cost.append(k + 1 - B)
            cols_student.append(i)
            cols_cluster.append(index[cid])
            cols_rank.append(k + 1)
    n = len(cols_cost)
    m = len(clusters)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", args.time_limit)
    h.setOptionValue("threads", 2)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 0.5)
    inf = highspy.kHighsInf
    h.addVars(n + m, np.zeros(n + m), np.ones(n + m))
    h.changeColsIntegrality(n + m, np.arange(n + m, dtype=np.int32), np.array([highspy.HighsVarType.kInteger] * (n + m)))
    h.changeColsCost(n, np.arange(n, dtype=np.int32), np.array(cols_cost, dtype=float))
    by_student = [[] for _ in students]
    by_cluster = [[] for _ in clusters]
    for j in range(n):
        by_student[cols_student[j]].append(j)
        by_cluster[cols_cluster[j]].append(j)
    for js in by_student:
        if len(js) > 1:
            h.addRow(-inf, 1, len(js), np.array(js, dtype=np.int32), np.ones(len(js)))
    rows = len(students)
    for c, cl in enumerate(clusters):
        js = by_cluster[c]
        y = n + c
        # n_c - max*y <= 0 ; n_c - min*y >= 0
        h.addRow(-inf, 0, len(js) + 1, np.array(js + [y], dtype=np.int32), np.append(np.ones(len(js)), -cl["max"]))
        h.addRow(0, inf, len(js) + 1, np.array(js + [y], dtype=np.int32), np.append(np.ones(len(js)), -cl["min"]))
        rows += 2
        for d, t in sorted(het.items()):
            labels = sorted({group(s, d) for s in students})
            for g in labels:
                P = sum(1 for s in students if group(s, d) == g) / len(students)
                member = np.array([1.0 if group(students[cols_student[j]], d) == g else 0.0 for j in js])
                if not len(js):
                    continue
                h.addRow(-inf, 0, len(js), np.array(js, dtype=np.int32), member - (P + t))
                h.addRow(-inf, 0, len(js), np.array(js, dtype=np.int32), (P - t) - member)
                rows += 2
    started = time.time()
    h.run()
    info = h.getInfo()
    status = h.modelStatusToString(h.getModelStatus())
    sol = np.array(h.getSolution().col_value)
    x = sol[:n]
    sizes = [0] * m
    for j in range(n):
        if x[j] > 0.5:
            sizes[cols_cluster[j]] += 1
    placed = int(round(sum(x)))
    rank_sum = int(round(sum(x[j] * cols_rank[j] for j in range(n))))
    bound = info.mip_dual_bound + placed * B
    print(json.dumps({"students": len(students), "clusters": m, "columns": n + m, "rows": rows, "status": status,
                      "placed": placed, "rankSum": rank_sum, "bound": round(bound, 3),
                      "closed": [clusters[c]["id"] for c in range(m) if sizes[c] == 0],
                      "seconds": round(time.time() - started, 2)}))


if __name__ == "__main__":
    main()
