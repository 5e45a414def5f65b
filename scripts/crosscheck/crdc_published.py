#!/usr/bin/env python3
"""The published analysis of the CRDC 2015-16 AP file, rebuilt from the raw file in plain
Python (no Mosaic code): jhuggins/anti-racist-data, data/AP-enrollment-by-race/README.Rmd.

Per district (state, district name) and row type: % SOC = 100 (1 - sum(White) / sum(total)),
students = sum(total); districts without AP rows get % SOC ap = 0 (pivot_wider's
values_fill); kept: students total > 1000 and `% SOC ap %% 1 != 0` (an exact whole
percentage, 0 and 100 among them, is left out). Then the share of districts whose AP
students have a lower % SOC than the student body, the share below half, and the
least-squares line of % SOC ap on % SOC total. Published: 2992 districts, 78 %, 4 %,
intercept -1.6771, slope 0.9107.

Usage: crdc_published.py FILE [--json]   (FILE is Latin-1 / Windows-1252)
"""
import csv, json, sys
from collections import defaultdict

path = sys.argv[1]
raw = open(path, "rb").read()
try:
    text = raw.decode("utf-8")
except UnicodeDecodeError:
    text = raw.decode("cp1252", errors="strict") if all(b not in raw for b in (0x81, 0x8D, 0x8F, 0x90, 0x9D)) else raw.decode("latin-1")
rows = list(csv.reader(text.splitlines()))
header, rows = rows[0], rows[1:]
white = header.index("White")
sums = defaultdict(lambda: [0, 0])  # (state, district, type) -> [white, total]
for r in rows:
    key = (r[0], r[1], r[4])
    sums[key][0] += int(r[white])
    sums[key][1] += int(r[5])
districts = sorted({(s, d) for s, d, _ in sums})
kept = []
for s, d in districts:
    wt, tt = sums[(s, d, "total")]
    soc_total = 100 * (1 - wt / tt)
    if (s, d, "ap") in sums and sums[(s, d, "ap")][1] > 0:
        wa, ta = sums[(s, d, "ap")]
        soc_ap = 100 * (1 - wa / ta)
    elif (s, d, "ap") in sums:
        soc_ap = float("nan")  # 0/0 in R: NaN, and NaN %% 1 != 0 is NA, which filter() drops
    else:
        soc_ap = 0.0
    if soc_ap != soc_ap or soc_ap % 1 == 0 or tt <= 1000:
        continue
    kept.append((s, d, soc_total, soc_ap, tt))
n = len(kept)
lower = sum(1 for k in kept if k[3] < k[2]) / n
half = sum(1 for k in kept if k[3] < 0.5 * k[2]) / n
xs = [k[2] for k in kept]; ys = [k[3] for k in kept]
mx = sum(xs) / n; my = sum(ys) / n
slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
intercept = my - slope * mx
out = {"districts": n, "shareLower": lower, "shareBelowHalf": half, "intercept": intercept, "slope": slope}
print(json.dumps(out) if "--json" in sys.argv else
      f"{n} districts; {lower:.4f} with fewer students of colour among AP students than among all; "
      f"{half:.4f} below half; % SOC ap = {intercept:.4f} + {slope:.4f} x % SOC total")

# Independent figures for a few districts, to pin in Mosaic's tests: D (Reardon &
# Firebaugh's multigroup dissimilarity, written out), access and representation of Black
# and Hispanic students, the district against its state, the state percentile of D.
def district_figures():
    G = header.index("American Indian/Alaska Native")
    schools = defaultdict(lambda: {"ap": None, "total": None, "ap_row": None})
    for r in rows:
        key = (r[0], r[1], r[2], r[3])
        counts = [int(x) if x != "NA" else 0 for x in r[G:G + 7]]
        schools[key]["ap_row" if r[4] == "ap" else "total"] = counts
    by_district = defaultdict(list); by_state = defaultdict(lambda: [0] * 7)
    for (s, d, name, ap), v in schools.items():
        by_district[(s, d)].append((ap == "Yes", v["total"], v["ap_row"] or [0] * 7))
        by_state[s] = [a + b for a, b in zip(by_state[s], v["total"])]
    def D(units):
        units = [u for u in units if sum(u) > 0]
        if len(units) < 2: return 0.0
        T = sum(map(sum, units)); P = [sum(u[k] for u in units) / T for k in range(7)]
        I = sum(p * (1 - p) for p in P)
        return sum(sum(u) * abs(u[k] / sum(u) - P[k]) for u in units for k in range(7)) / (2 * T * I) if I > 0 else 0.0
    Ds = {k: D([t for _, t, _ in v]) for k, v in by_district.items()}
    out = {}
    for key in [("GEORGIA", "Cobb County"), ("NEW YORK", "NEW YORK CITY PUBLIC SCHOOLS"), ("CALIFORNIA", "Los Angeles Unified"),
                ("ILLINOIS", "Quincy SD 172"), ("TEXAS", "HOUSTON ISD")]:
        v = by_district[key]
        students = [sum(t[k] for _, t, _ in v) for k in range(7)]
        ap = [sum(a[k] for _, _, a in v) for k in range(7)]
        without = [sum(t[k] for offers, t, _ in v if not offers) for k in range(7)]
        n, na = sum(students), sum(ap); st = by_state[key[0]]; ns = sum(st)
        peers = [Ds[k] for k, u in by_district.items() if k[0] == key[0] and len(u) >= 2]
        out["/".join(key)] = {
            "highSchools": len(v), "D": Ds[key],
            "accessBlack": 1 - without[2] / students[2], "accessHispanic": 1 - without[3] / students[3],
            "representationBlack": (ap[2] / na) / (students[2] / n), "representationHispanic": (ap[3] / na) / (students[3] / n),
            "vsState": sum(abs(students[k] / n - st[k] / ns) for k in range(7)) / 2,
            "statePercentileD": sum(1 for x in peers if x < Ds[key]) / len(peers) if len(v) >= 2 else None}
    return out

if "--districts" in sys.argv:
    print(json.dumps(district_figures(), indent=1))
