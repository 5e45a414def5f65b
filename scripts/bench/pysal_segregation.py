"""The peer for `mosaic bench segregation`: the same work in PySAL `segregation`, on the
same synthetic table (written by `mosaic bench segregation --write-counts FILE`).

(a) every index Mosaic's profile reports that PySAL has, over all classrooms, each group
    against the rest, every pair's D, and the within-school split with per-school detail
    (looping over schools: PySAL has no nested decomposition).
(b) a within-school random-assignment baseline: per draw, NumPy shuffles each school's
    students across its classrooms and PySAL recomputes D and H. Timed over --draws
    draws and scaled to 1000 (labelled as such).

Prints one JSON object. Cross-checking and benchmarking only, never a product dependency.
"""
import argparse
import json
import time
import warnings

import numpy as np
import pandas as pd

warnings.filterwarnings("ignore")

from segregation import multigroup as mg  # noqa: E402
from segregation import singlegroup as sg  # noqa: E402


def profile(df, groups):
    out = {}
    out["D"] = mg.MultiDissim(df, groups).statistic
    out["H"] = mg.MultiInfoTheory(df, groups).statistic
    out["E"] = mg.MultiDiversity(df, groups).statistic
    out["E_normalized"] = mg.MultiDiversity(df, groups, normalized=True).statistic
    out["P"] = mg.MultiNormExposure(df, groups).statistic
    out["R"] = mg.MultiRelativeDiversity(df, groups).statistic
    out["C"] = mg.MultiSquaredCoefVar(df, groups).statistic
    out["SimpsonConcentration"] = mg.SimpsonsConcentration(df, groups).statistic
    out["SimpsonInteraction"] = mg.SimpsonsInteraction(df, groups).statistic
    total = df[groups].sum(axis=1)
    for g in groups:
        d = pd.DataFrame({"x": df[g], "t": total})
        sg.Dissim(d, "x", "t")
        sg.Entropy(d, "x", "t")
        sg.Isolation(d, "x", "t")
        sg.CorrelationR(d, "x", "t")
        sg.Interaction(d, "x", "t")
    for a in range(len(groups)):
        for b in range(a + 1, len(groups)):
            d = pd.DataFrame({"x": df[groups[a]], "t": df[groups[a]] + df[groups[b]]})
            sg.Dissim(d[d.t > 0], "x", "t")
    # Within schools, per-school detail: each school's M/H, D and entropy, then the between part.
    schools = df.groupby("school", sort=False)
    per_school = []
    for _, s in schools:
        per_school.append((
            mg.MultiInfoTheory(s, groups).statistic,
            mg.MultiDissim(s, groups).statistic,
            mg.MultiDiversity(s, groups).statistic,
        ))
    between = schools[groups].sum().reset_index()
    out["H_between"] = mg.MultiInfoTheory(between, groups).statistic
    return out


def baseline_draw(labels_by_school, sizes_by_school, classroom_ids, groups, rng):
    rows = []
    for labels, sizes in zip(labels_by_school, sizes_by_school):
        shuffled = rng.permutation(labels)
        starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
        for start, size in zip(starts, sizes):
            rows.append(np.bincount(shuffled[start:start + size], minlength=len(groups)))
    df = pd.DataFrame(np.array(rows), columns=groups)
    return mg.MultiDissim(df, groups).statistic, mg.MultiInfoTheory(df, groups).statistic


def main():
    p = argparse.ArgumentParser()
    p.add_argument("counts")
    p.add_argument("--draws", type=int, default=3)
    p.add_argument("--gini-units", type=int, default=4000)
    a = p.parse_args()
    df = pd.read_csv(a.counts)
    groups = [c for c in df.columns if c not in ("classroom", "school")]

    t0 = time.perf_counter()
    values = profile(df, groups)
    profile_seconds = time.perf_counter() - t0

    # MultiGini builds a units × units distance matrix (and an outer product of the
    # same size): 40,000 classrooms need 2 × 12.8 GB. Time it on a subsample and scale
    # by (n / m)², as its cost grows.
    sub = df.iloc[: a.gini_units]
    t0 = time.perf_counter()
    mg.MultiGini(sub, groups)
    gini_sub = time.perf_counter() - t0
    gini_scaled = gini_sub * (len(df) / len(sub)) ** 2

    schools = df.groupby("school", sort=False)
    labels_by_school, sizes_by_school = [], []
    for _, s in schools:
        counts = s[groups].sum().to_numpy()
        labels_by_school.append(np.repeat(np.arange(len(groups)), counts))
        sizes_by_school.append(s[groups].sum(axis=1).to_numpy())
    rng = np.random.default_rng(1)
    t0 = time.perf_counter()
    for _ in range(a.draws):
        baseline_draw(labels_by_school, sizes_by_school, df.classroom, groups, rng)
    per_draw = (time.perf_counter() - t0) / a.draws

    print(json.dumps({
        "students": int(df[groups].to_numpy().sum()),
        "classrooms": len(df),
        "profileSecondsWithoutGini": profile_seconds,
        "giniSecondsOnSubsample": gini_sub,
        "giniSubsampleUnits": len(sub),
        "giniSecondsScaledToAllUnits": gini_scaled,
        "baselineSecondsPerDraw": per_draw,
        "baselineDrawsTimed": a.draws,
        "baselineSecondsScaledTo1000Draws": per_draw * 1000,
        "check": {"D": values["D"], "H": values["H"]},
    }))


if __name__ == "__main__":
    main()
