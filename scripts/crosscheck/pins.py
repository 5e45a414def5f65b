"""Values of PySAL `segregation` 2.5.4 and `divintseg` 0.7.0 on the NYC 2017-18
school counts (community school districts 01-32), for MosaicMetricsTests to pin.

Writes, into --out:
  nyc-2017-18-race.csv      dbn,district,asian,black,hispanic,multiracialOrOther,white
  nyc-2017-18-economic.csv  dbn,district,poverty,notPoverty
  nyc-2017-18-pins.json     {"source": ..., "race": {...}, "economic": {...}}

Where a value has no published implementation (Hutchens' square root index, the
nested M/H split), it is computed here with NumPy from the formula and labelled so.
"""
import argparse
import csv
import json
import warnings

import numpy as np
import pandas as pd

warnings.filterwarnings("ignore")

import divintseg  # noqa: E402
import segregation  # noqa: E402
from segregation import multigroup as mg  # noqa: E402
from segregation import singlegroup as sg  # noqa: E402
from segregation.singlegroup.atkinson import _atkinson  # noqa: E402


def load(path, groups):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    df = pd.DataFrame(
        {"dbn": [r["dbn"] for r in rows], "district": [r["district"] for r in rows]}
        | {g: [int(r[g]) for r in rows] for g in groups}
    )
    return df


def write_fixture(df, groups, path):
    df[["dbn", "district"] + groups].to_csv(path, index=False, lineterminator="\n")


def multigroup(df, groups):
    return {
        "D": mg.MultiDissim(df, groups).statistic,
        "Gini": mg.MultiGini(df, groups).statistic,
        "H": mg.MultiInfoTheory(df, groups).statistic,
        "E": mg.MultiDiversity(df, groups).statistic,
        "E_normalized": mg.MultiDiversity(df, groups, normalized=True).statistic,
        "P": mg.MultiNormExposure(df, groups).statistic,
        "R": mg.MultiRelativeDiversity(df, groups).statistic,
        "C": mg.MultiSquaredCoefVar(df, groups).statistic,
        "SimpsonConcentration": mg.SimpsonsConcentration(df, groups).statistic,
        "SimpsonInteraction": mg.SimpsonsInteraction(df, groups).statistic,
    }


def by_group(df, groups):
    out = {}
    total = df[groups].sum(axis=1)
    for g in groups:
        d = pd.DataFrame({"x": df[g], "t": total})
        out[g] = {
            "D_vs_rest": sg.Dissim(d, "x", "t").statistic,
            "H_vs_rest": sg.Entropy(d, "x", "t").statistic,
            "isolation": sg.Isolation(d, "x", "t").statistic,
            "V": sg.CorrelationR(d, "x", "t").statistic,
            # PySAL's Interaction is x's exposure to everyone else (t - x).
            "exposure_to_rest": sg.Interaction(d, "x", "t").statistic,
        }
    return out


def pairwise(df, groups):
    out = {}
    for a in range(len(groups)):
        for b in range(a + 1, len(groups)):
            x, y = groups[a], groups[b]
            d = pd.DataFrame({"x": df[x], "t": df[x] + df[y]})
            d = d[d.t > 0]
            out[f"{x}|{y}"] = sg.Dissim(d, "x", "t").statistic
    return out


def units(df, groups):
    counts = df[groups]
    reference = {g: int(counts[g].sum()) for g in groups}
    diversity = divintseg.diversity(counts)
    dissim = divintseg.dissimilarity(counts, reference)
    return {
        "ids": list(df.dbn),
        "divintseg_diversity": [float(v) for v in diversity],
        "divintseg_dissimilarity_vs_whole": [float(v) for v in dissim],
    }


def divintseg_by_district(df, groups):
    """Isolation and Bell's index of each group within each district (by=district, over=dbn)."""
    out = {}
    for g in groups:
        iso = divintseg.isolation(df[["district", "dbn"] + groups], g, by="district", over="dbn")
        bells = divintseg.bells(df[["district", "dbn"] + groups], g, by="district", over="dbn")
        out[g] = {
            "isolation": dict(zip(iso.district, map(float, iso[g]))),
            "bells": dict(zip(bells.district, map(float, bells[g]))),
        }
    return out


def numpy_formulas(df, groups):
    """Values without a published implementation, from their formulas."""
    t = df[groups].to_numpy(dtype=float)
    T = t.sum()
    P = t.sum(axis=0) / T
    ti = t.sum(axis=1)

    def M(c):
        cT = c.sum()
        Pk = c.sum(axis=0) / cT
        ci = c.sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(c > 0, c / cT * np.log(c * cT / np.outer(ci, Pk * cT)), 0.0)
        return terms.sum()

    E = -(P[P > 0] * np.log(P[P > 0])).sum()
    districts = df.district.to_numpy()
    order = list(dict.fromkeys(districts))
    between = np.array([t[districts == s].sum(axis=0) for s in order])
    within = sum(t[districts == s].sum() / T * M(t[districts == s]) for s in order)
    out = {
        "M": M(t),
        "M_between": M(between),
        "M_within": within,
        "H_between": M(between) / E,
        "H_within": within / E,
    }
    if len(groups) == 2:
        x, y = t[:, 0], t[:, 1]
        out["HutchensSqrt"] = 1 - np.sqrt((x / x.sum()) * (y / y.sum())).sum()
    return out


def pins(df, groups):
    out = {
        "multigroup": multigroup(df, groups),
        "byGroup": by_group(df, groups),
        "pairwiseD": pairwise(df, groups),
        "units": units(df, groups),
        "divintsegByDistrict": divintseg_by_district(df, groups),
        "numpyFormulas": numpy_formulas(df, groups),
    }
    if len(groups) == 2:
        d = pd.DataFrame({"x": df[groups[0]], "t": df[groups].sum(axis=1)})
        # PySAL's Atkinson class takes b through **kwargs and drops it (always b = 0.5);
        # its module function _atkinson applies b, so the pins come from there, and the
        # class is checked to agree at b = 0.5.
        out["twoGroup"] = {f"Atkinson_{b}": _atkinson(d, "x", "t", b=b)[0] for b in (0.1, 0.5, 0.9)}
        assert abs(sg.Atkinson(d, "x", "t").statistic - out["twoGroup"]["Atkinson_0.5"]) < 1e-15
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--race", required=True)
    p.add_argument("--economic", required=True)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    race_groups = ["asian", "black", "hispanic", "multiracialOrOther", "white"]
    economic_groups = ["poverty", "notPoverty"]
    race = load(a.race, race_groups)
    economic = load(a.economic, economic_groups)
    write_fixture(race, race_groups, f"{a.out}/nyc-2017-18-race.csv")
    write_fixture(economic, economic_groups, f"{a.out}/nyc-2017-18-economic.csv")
    doc = {
        "source": f"PySAL segregation {segregation.__version__}, divintseg 0.7.0, numpy {np.__version__}; "
        "NYC DOE Demographic Snapshot 2017-18, community school districts 01-32 (scripts/crosscheck/run)",
        "race": pins(race, race_groups),
        "economic": pins(economic, economic_groups),
    }
    with open(f"{a.out}/nyc-2017-18-pins.json", "w") as f:
        json.dump(doc, f, indent=1, sort_keys=False)
        f.write("\n")
    print(f"wrote pins for {len(race)} schools to {a.out}")


if __name__ == "__main__":
    main()
