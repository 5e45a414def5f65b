"""The exact optimum of a sectioning instance (contract schedule.md), by HiGHS.

Used only by scripts/bench/schedule to check `mosaic schedule section` against a proven
optimum; never a product dependency. The model is the contract's, written as a mixed
integer program:

  x[i,r,o] = 1 when request r of student i is met by option o (one section of every
  subpart of one configuration of the course or of an alternative, parents taken);
  value(i,r,o) = weight * 0.9**k for the k-th alternative (k = 0: the course asked for).

  max  sum value * x                                  (stage 1: weighted requests met)
  s.t. sum_o x[i,r,o] <= 1                            every request met at most once
       sum_{r,o of course c} x[i,r,o] <= 1            a course given once per student
       sum_{(r,o) holding section s' overlapping s} x <= 1 for every student and every
           maximal set of mutually overlapping sections (a period, for period schedules)
       sum_{i,r,o holding s} x <= limit_s             section limits

Stage 2 (--balance) keeps stage 1's optimum as a constraint and minimises the sections'
seat-weighted dissimilarity from their courses, summed over the balance dimensions:
  min sum_{s,d,g} y[s,d,g]/2,  y >= +/-(n[s,g] - n[s] * p[c,d,g])
with p the composition of the students asking for the course first — the same quantity
mosaic reports as balance.d.meanDissimilarityVsCourse (divided by the seats).

Usage: python sectioning_highs.py INSTANCE.json [--balance] [--time-limit S] [--count]
Prints one JSON line: optimum, bound, status, seconds (and balance when asked).
"""
import argparse
import itertools
import json
import sys
import time

import highspy
import numpy as np


def options_of(course):
    """Every way to take a course: one section per subpart of one configuration, with
    parents taken and no two sections in the same period (period schedules only)."""
    configs = course.get("configs") or [{"id": course["id"], "subparts": [{"id": course["id"], "sections": course["sections"]}]}]
    out = []
    for config in configs:
        for combo in itertools.product(*[sp["sections"] for sp in config["subparts"]]):
            ids = {s["id"] for s in combo}
            if any(s.get("parent") and s["parent"] not in ids for s in combo):
                continue
            periods = [s["period"] for s in combo]
            if len(set(periods)) < len(periods):
                continue
            out.append(combo)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("instance")
    ap.add_argument("--balance", action="store_true")
    ap.add_argument("--count", action="store_true", help="maximise the number of requests met instead")
    ap.add_argument("--time-limit", type=float, default=600)
    ap.add_argument("--write-assignments", help="write stage 1's assignments (contract JSON list) to this file")
    args = ap.parse_args()
    inst = json.load(open(args.instance))
    for c in inst["courses"]:
        for config in c.get("configs") or [{"subparts": [{"sections": c.get("sections", [])}]}]:
            for sp in config["subparts"]:
                for s in sp["sections"]:
                    if "period" not in s:
                        sys.exit("this script handles period schedules only (section %s has meets)" % s["id"])
    courses = {c["id"]: c for c in inst["courses"]}
    opts = {cid: options_of(c) for cid, c in courses.items()}
    section_index = {}
    section_limit = []
    section_course = []
    for cid, c in courses.items():
        for o in opts[cid]:
            for s in o:
                if s["id"] not in section_index:
                    section_index[s["id"]] = len(section_limit)
                    section_limit.append(s["limit"])
                    section_course.append(cid)
    balance = inst.get("balance") or []
    students = inst["students"]

    cols_value = []      # objective per column
    cols_student = []    # student index per column
    cols_sections = []   # section indices per column
    cols_label = []      # (student id, course id, section ids) per column
    rows = []            # list of (col indices, upper)
    for i, st in enumerate(students):
        by_course = {}
        by_period = {}
        for r, req in enumerate(st["requests"]):
            row = []
            for k, cid in enumerate([req["course"]] + (req.get("alternatives") or [])):
                value = 1.0 if args.count else (req.get("weight") or 1.0) * 0.9 ** k
                for o in opts[cid]:
                    j = len(cols_value)
                    cols_value.append(value)
                    cols_student.append(i)
                    cols_sections.append([section_index[s["id"]] for s in o])
                    cols_label.append({"student": st["id"], "course": cid, "sections": [s["id"] for s in o]})
                    row.append(j)
                    by_course.setdefault(cid, []).append((r, j))
                    for s in o:
                        by_period.setdefault(s["period"], []).append(j)
            if len(row) > 1:
                rows.append((row, 1))
        for cid, pairs in by_course.items():
            if len({r for r, _ in pairs}) > 1:   # the course is named by two requests
                rows.append(([j for _, j in pairs], 1))
        for p, js in by_period.items():
            if len(js) > 1:
                rows.append((js, 1))
    n = len(cols_value)
    by_section = [[] for _ in section_limit]
    for j, ss in enumerate(cols_sections):
        for s in ss:
            by_section[s].append(j)
    for s, js in enumerate(by_section):
        if len(js) > section_limit[s]:
            rows.append((js, section_limit[s]))

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", args.time_limit)
    h.setOptionValue("threads", 2)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 1e-6)
    inf = highspy.kHighsInf
    h.addVars(n, np.zeros(n), np.ones(n))
    h.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.array([highspy.HighsVarType.kInteger] * n))
    h.changeColsCost(n, np.arange(n, dtype=np.int32), -np.array(cols_value))
    for js, upper in rows:
        h.addRow(-inf, upper, len(js), np.array(js, dtype=np.int32), np.ones(len(js)))
    started = time.time()
    h.run()
    info = h.getInfo()
    status = h.modelStatusToString(h.getModelStatus())
    optimum = -info.objective_function_value
    bound = -info.mip_dual_bound
    x = np.array(h.getSolution().col_value)
    met = int(round(sum(x)))
    if args.write_assignments:
        json.dump([cols_label[j] for j in range(n) if x[j] > 0.5], open(args.write_assignments, "w"))
    out = {"students": len(students), "requests": sum(len(s["requests"]) for s in students), "columns": n, "rows": len(rows),
           "status": status, "optimum": round(optimum, 6), "bound": round(bound, 6), "requestsMet": met,
           "seconds": round(time.time() - started, 2)}
    if args.balance and balance:
        # Stage 2: keep the optimum, minimise the sections' dissimilarity from their courses.
        ref = {}
        asked = {}
        for st in students:
            for req in st["requests"]:
                asked.setdefault(req["course"], []).append(st)
        for cid in courses:
            pool = asked.get(cid) or students
            ref[cid] = [{g: sum(1 for s in pool if (s.get("groups") or {}).get(d, "unknown") == g) / len(pool)
                         for g in {(s.get("groups") or {}).get(d, "unknown") for s in students}} for d in balance]
        subpart_size = {}
        for cid, c in courses.items():
            for config in c.get("configs") or [{"subparts": [{"sections": c.get("sections", [])}]}]:
                for sp in config["subparts"]:
                    for s in sp["sections"]:
                        subpart_size[s["id"]] = len(sp["sections"])
        h.addRow(optimum - 1e-6, inf, n, np.arange(n, dtype=np.int32), np.array(cols_value) if not args.count else np.ones(n))
        h.changeColsCost(n, np.arange(n, dtype=np.int32), np.zeros(n))
        seats_cols = []
        for sid, s in section_index.items():
            if subpart_size[sid] < 2:
                continue
            js = by_section[s]
            if not js:
                continue
            seats_cols.append(s)
            cid = section_course[s]
            for d, dim in enumerate(balance):
                for g, p in ref[cid][d].items():
                    y = h.getNumCol()
                    h.addVar(0, inf)
                    h.changeColCost(y, 0.5)
                    coef = np.array([(1.0 if (students[cols_student[j]].get("groups") or {}).get(dim, "unknown") == g else 0.0) - p for j in js])
                    # y >= sum coef*x  and  y >= -sum coef*x
                    h.addRow(0, inf, len(js) + 1, np.array(js + [y], dtype=np.int32), np.append(-coef, 1.0))
                    h.addRow(0, inf, len(js) + 1, np.array(js + [y], dtype=np.int32), np.append(coef, 1.0))
        started2 = time.time()
        h.run()
        x = np.array(h.getSolution().col_value)[:n]
        seats = 0.0
        per_dim = [0.0] * len(balance)
        for s in seats_cols:
            js = by_section[s]
            count = sum(x[j] for j in js)
            if count < 0.5:
                continue
            seats += count
            cid = section_course[s]
            for d, dim in enumerate(balance):
                for g, p in ref[cid][d].items():
                    ng = sum(x[j] for j in js if (students[cols_student[j]].get("groups") or {}).get(dim, "unknown") == g)
                    per_dim[d] += abs(ng - count * p) / 2
        out["balanceStatus"] = h.modelStatusToString(h.getModelStatus())
        out["balance"] = {dim: round(per_dim[d] / seats, 6) if seats else 0 for d, dim in enumerate(balance)}
        out["balanceLowerBound"] = round(h.getInfo().mip_dual_bound, 3)
        out["balanceSeconds"] = round(time.time() - started2, 2)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
