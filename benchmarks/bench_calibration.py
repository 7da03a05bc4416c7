"""Calibration study of every fee-discount test the reports show, across designs (issue 13).

The panels come from a simulator written HERE from the issue's description, not from
``analysis.models.simulate`` (a check on a simulator one did not write): J procedures,
T of them discounted (a random set) from 2023-11 (12 months before, 12 after), procedure
volumes equal or lognormal with a given spread on the log scale, procedure baselines
spread on the logit scale, a common linear trend, common month shocks, procedure-month
logit noise independent or AR(1), and optionally a national step from 2023-12 acting on
every procedure alike. Counts: total ~ Poisson(volume), online ~ Binomial(total, p).

For each design, null panels (no effect) and effect panels (a logit effect of 0.2, about
4.5 pp) are analysed with the project's estimators. Measured, per test and route:

- DiD effect, wild cluster score bootstrap (``bootstrap``) and randomization inference
  (``randomization``): size at 5% (null panels), coverage of the true logit effect
  (effect panels: the test at the truth does not reject, which is what the inverted
  interval's coverage is), power at 5%, bias of the pp estimate, and the width of the
  95% interval in pp (on the first ``--n-width`` effect panels: intervals cost more);
- pre-trend tests at their 10% level: linear trend and joint leads, both routes;
- the placebo date at 5%, both routes;
- the ITS level change at 5%: size, coverage of the discount's province-wide effect.

Run (about 20 minutes on the 2-core machine)::

    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_calibration.py --workers 2

Writes ``benchmarks/results/calibration.json`` and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import pprint
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import expit, logit

HERE = Path(__file__).resolve().parent
POLICY = dt.date(2023, 11, 1)
NATIONAL = pd.Period("2023-12", "M")
MONTHS = pd.period_range("2022-11", periods=24, freq="M")
EFFECT = 0.2


@dataclass(frozen=True)
class Design:
    """One simulated design (see the module docstring)."""

    name: str
    n_procedures: int = 30
    n_discounted: int = 9
    spread: float = 0.6  # sd of log volumes; 0 = equal volumes
    rho: float = 0.5  # AR(1) of procedure-month noise; 0 = independent
    national_step: bool = True
    n_null: int = 60
    n_effect: int = 60
    monthly_total: int = 22_000
    noise_sd: float = 0.10
    common_sd: float = 0.05
    baseline_sd: float = 0.5


def simulate(design: Design, effect: float, rng: np.random.Generator) -> tuple[pd.DataFrame, dict]:
    """Return one panel of ``design`` and its truth (logit effect, pp effects), independently written."""
    J, M = design.n_procedures, len(MONTHS)
    treated = np.zeros(J, bool)
    treated[rng.choice(J, design.n_discounted, replace=False)] = True
    s = design.spread
    vol = design.monthly_total / J * np.exp(s * rng.standard_normal(J) - s ** 2 / 2)
    base = logit(0.35) + design.baseline_sd * rng.standard_normal(J)
    t = np.arange(M)
    post = (MONTHS >= pd.Period(POLICY, "M")).astype(float)
    eps = rng.standard_normal((J, M))
    u = np.empty((J, M))
    u[:, 0] = eps[:, 0]
    for m in range(1, M):  # stationary AR(1), marginal sd 1
        u[:, m] = design.rho * u[:, m - 1] + np.sqrt(1 - design.rho ** 2) * eps[:, m]
    eta0 = (base[:, None] + 0.02 * t[None, :] + design.common_sd * rng.standard_normal(M)[None, :]
            + design.noise_sd * u)
    if design.national_step:
        eta0 = eta0 + 0.1 * (MONTHS >= NATIONAL).astype(float)[None, :]
    D = treated[:, None] * post[None, :]
    eta = eta0 + effect * D
    total = rng.poisson(np.repeat(vol[:, None], M, axis=1))
    online = rng.binomial(total, expit(eta))
    frame = pd.DataFrame({
        "province": "Simulated", "procedure": np.repeat([f"P{j:02d}" for j in range(J)], M),
        "month": np.tile(np.asarray(MONTHS), J), "online": online.ravel(), "total": total.ravel(),
        "discounted": np.repeat(treated, M)})
    frame["share"] = np.where(frame["total"] > 0, frame["online"] / frame["total"].clip(lower=1), 0.0)
    m = D == 1
    w = total[m]
    true_pp = 100 * float(np.sum((expit(eta[m]) - expit(eta0[m])) * w) / np.sum(w))
    first = int(np.argmax(post))  # province-wide level change at the first post month
    p1 = np.sum(vol * expit(eta[:, first])) / vol.sum()
    p0 = np.sum(vol * expit(eta0[:, first])) / vol.sum()
    return frame, {"effect_logit": effect, "effect_pp": true_pp, "its_logit": float(logit(p1) - logit(p0))}


def analyse(frame: pd.DataFrame, truth: dict, seed: int, width: bool) -> dict:
    """Return every test's outcome on one panel (p-values, estimates, optional interval widths)."""
    from analysis.models import did, event_study, pretrend, randomization as ri
    data = did.prepare(frame, POLICY)
    y, n, cl, Xf = data.y, data.n, data.cluster, data.X_fe
    d = did._treatment_columns(data)
    full = did.fit_binomial(y, n, np.column_stack([Xf, d]))
    beta = float(full.params[-1])
    se = float(np.sqrt(did._cr1(np.column_stack([Xf, d]), n, y, full.mu, cl)[-1, -1]))
    rng = np.random.default_rng(seed)
    W = did.webb_weights(rng, 399, int(cl.max()) + 1)
    start = full.params[:-1]
    out = {"effect_pp": did._ame_pp(full.eta, beta, d, n), "true_pp": truth["effect_pp"], "beta": beta}
    out["boot_p0"] = did.score_test(y, n, Xf, d, 0.0, cl, W, start=start).p_value
    out["boot_ptrue"] = did.score_test(y, n, Xf, d, truth["effect_logit"], cl, W, start=start).p_value
    procs = data.cells.groupby("procedure", sort=True)["discounted"].first().to_numpy(bool)
    A = ri.assignments(procs, rng)
    post = data.cells["post"].to_numpy(float)
    out["ri_p0"] = ri.run_test(y, n, Xf, post, cl, procs, A, start=start).p_value
    y0 = ri.remove_effect(y, d, truth["effect_logit"])
    out["ri_ptrue"] = ri.run_test(y0, n, Xf, post, cl, procs, A, start=start).p_value
    # the event study's bootstrap pre-trend tests, without its figure's full fit
    out["boot_pre_linear"], out["boot_pre_joint"], _ = event_study.pretrend_bootstrap(data, W)
    pre = pretrend.pre_period_tests(data, rng)
    out["ri_pre_linear"], out["ri_pre_joint"] = pre.linear_p_value, pre.joint_p_value
    plc = event_study.placebo(frame, POLICY, n_boot=399, seed=seed)
    out["boot_placebo"] = plc["p_value"]
    out["ri_placebo"] = pretrend.placebo_test(event_study.placebo_data(frame, POLICY)[1], rng)
    if width:
        (lo, lo_pp), (hi, hi_pp) = did._interval(data, d, W, full, se, 0.05)
        out["boot_width_pp"] = hi_pp - lo_pp
        e = ri.effect(data, d, beta, se, rng)
        finite = np.isfinite([e.ci_low_logit, e.ci_high_logit]).all()  # an unbounded interval is infinitely wide
        out["ri_width_pp"] = (did._ame_pp(full.eta - beta + e.ci_high_logit, e.ci_high_logit, d, n)
                              - did._ame_pp(full.eta - beta + e.ci_low_logit, e.ci_low_logit, d, n)) if finite else np.inf
    g = frame.groupby("month")[["online", "total"]].sum()
    out["its_y"] = logit((g["online"] / g["total"]).clip(1e-6, 1 - 1e-6)).tolist()
    out["its_truth"] = truth["its_logit"]
    return out


def run_chunk(args) -> list[dict]:
    design, effect, seeds, n_width = args
    rows = []
    for i, s in enumerate(seeds):
        frame, truth = simulate(design, effect, np.random.default_rng(s))
        rows.append(analyse(frame, truth, s, width=effect != 0 and i < n_width))
    return rows


def its_outcomes(rows: list[dict], alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Return (rejects no change, covers the truth) of the calibrated ITS for each panel."""
    from analysis.models import its
    X = its.segmented_design(12, 12)
    grid, rhos, ts = its.null_distribution(X, np.random.default_rng(7), 2000)
    Y = np.array([r["its_y"] for r in rows])
    b, se, R = its.ols_t(Y, X)
    crit = its.set_critical_values(its.lag1(R), rhos, ts, alpha)
    truth = np.array([r["its_truth"] for r in rows])
    return np.abs(b / se) > crit, np.abs((b - truth) / se) <= crit


def summarise(design: Design, null: list[dict], eff: list[dict]) -> dict:
    """Return the table row of one design: rates and their Monte Carlo standard errors."""
    def rate(rows, key, level):
        v = np.array([r[key] for r in rows if r[key] is not None], float)
        return float(np.mean(v < level)) if len(v) else None
    its_rej0, _ = its_outcomes(null)
    its_rej1, its_cov = its_outcomes(eff)
    wb = [r["boot_width_pp"] for r in eff if "boot_width_pp" in r]
    wr = [r["ri_width_pp"] for r in eff if "ri_width_pp" in r]
    return {
        **asdict(design),
        "did": {route: {"size": rate(null, f"{k}_p0", 0.05), "coverage": 1 - rate(eff, f"{k}_ptrue", 0.05),
                        "power": rate(eff, f"{k}_p0", 0.05),
                        "width_pp": float(np.median(w)) if w else None}
                for route, k, w in (("bootstrap", "boot", wb), ("randomization", "ri", wr))},
        "bias_pp": float(np.mean([r["effect_pp"] - r["true_pp"] for r in eff])),
        # the pre-period holds no effect in either set of panels: both count for the
        # pre-trend and placebo tests (twice the panels for their sizes)
        "n_pre_period": len(null) + len(eff),
        "pretrend_linear": {"bootstrap": rate(null + eff, "boot_pre_linear", 0.10),
                            "randomization": rate(null + eff, "ri_pre_linear", 0.10)},
        "pretrend_joint": {"bootstrap": rate(null + eff, "boot_pre_joint", 0.10),
                           "randomization": rate(null + eff, "ri_pre_joint", 0.10)},
        "placebo": {"bootstrap": rate(null + eff, "boot_placebo", 0.05),
                    "randomization": rate(null + eff, "ri_placebo", 0.05)},
        "its": {"size": float(its_rej0.mean()), "coverage": float(its_cov.mean())},
    }


DESIGNS = [
    Design("issue: 9 of 30, lognormal 0.6, AR(1), national step", n_null=500, n_effect=500),
    Design("3 of 30, lognormal 0.6, AR(1), national step", n_discounted=3, n_null=500, n_effect=500),
    Design("5 of 30", n_discounted=5),
    Design("15 of 30", n_discounted=15),
    Design("3 of 20", n_procedures=20, n_discounted=3),
    Design("9 of 40", n_procedures=40),
    Design("9 of 30, equal volumes", spread=0.0),
    Design("9 of 30, lognormal 0.3", spread=0.3),
    Design("9 of 30, lognormal 1.0", spread=1.0),
    Design("3 of 30, lognormal 1.0", n_discounted=3, spread=1.0),
    Design("9 of 30, independent noise", rho=0.0),
    Design("9 of 30, no national step", national_step=False),
]


def fmt(x, pct=True):
    return "-" if x is None else (f"{100 * x:.1f}%" if pct else f"{x:.2f}")


def table(rows: list[dict]) -> str:
    head = ("| design | panels null/effect | DiD size 5%: boot / RI | coverage 95%: boot / RI | "
            "power: boot / RI | median width pp: boot / RI | bias pp | pre-trend linear 10%: boot / RI | "
            "joint leads 10%: boot / RI | placebo 5%: boot / RI | ITS size / coverage |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        dd = r["did"]
        lines.append(
            f"| {r['name']} | {r['n_null']}/{r['n_effect']} "
            f"| {fmt(dd['bootstrap']['size'])} / {fmt(dd['randomization']['size'])} "
            f"| {fmt(dd['bootstrap']['coverage'])} / {fmt(dd['randomization']['coverage'])} "
            f"| {fmt(dd['bootstrap']['power'])} / {fmt(dd['randomization']['power'])} "
            f"| {fmt(dd['bootstrap']['width_pp'], False)} / {fmt(dd['randomization']['width_pp'], False)} "
            f"| {r['bias_pp']:+.2f} "
            f"| {fmt(r['pretrend_linear']['bootstrap'])} / {fmt(r['pretrend_linear']['randomization'])} "
            f"| {fmt(r['pretrend_joint']['bootstrap'])} / {fmt(r['pretrend_joint']['randomization'])} "
            f"| {fmt(r['placebo']['bootstrap'])} / {fmt(r['placebo']['randomization'])} "
            f"| {fmt(r['its']['size'])} / {fmt(r['its']['coverage'])} |")
    return "\n".join(lines)


TABLE_MODULE = HERE.parent / "src" / "analysis" / "models" / "calibration_table.py"


def write_table(results: dict) -> Path:
    """Write the study's rows as :mod:`analysis.models.calibration_table` (a Python literal, so
    the package reads it without data files) and return its path."""
    keep = ("name", "n_procedures", "n_discounted", "spread", "rho", "national_step", "n_null", "n_effect",
            "n_pre_period", "did", "bias_pp", "pretrend_linear", "pretrend_joint", "placebo", "its")
    rows = [{k: d[k] for k in keep} for d in results["designs"]]
    for r in rows:  # a median width over panels with an unbounded interval (NaN from inf - inf) is unbounded
        for route in r["did"].values():
            w = route.get("width_pp")
            if w is not None and not np.isfinite(w):
                route["width_pp"] = float("inf")
    TABLE_MODULE.write_text(
        '"""Measured by benchmarks/bench_calibration.py (written by it: do not edit by hand).\n\n'
        'Each row is one simulated design: size at the nominal level, coverage, power and median\n'
        'interval width of the DiD effect test by route, and size of the pre-period tests.\n"""\n\n'
        f"COMMAND = {results['command']!r}\n"
        f"ELAPSED_S = {round(results['elapsed_s'])!r}\n"
        f"EFFECT_LOGIT = {results['effect_logit']!r}\n\n"
        "inf = float('inf')\n\n"
        f"DESIGNS = {pprint.pformat(rows, width=110, sort_dicts=False)}\n",
        encoding="utf-8")
    return TABLE_MODULE


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--scale", type=float, default=1.0, help="multiply every design's panel counts")
    ap.add_argument("--n-width", type=int, default=40, help="effect panels per design whose intervals are computed")
    ap.add_argument("--only", type=int, nargs="*", help="indices of DESIGNS to run")
    ap.add_argument("--table-from", type=Path, nargs="+", help="only write the package's table from these results "
                    "JSON files (designs concatenated in order: a study run in parts)")
    ap.add_argument("--out", type=Path, default=HERE / "results" / "calibration.json", help="results JSON")
    ap.add_argument("--n-null", type=int, help="panels per design without an effect (all designs run)")
    ap.add_argument("--n-effect", type=int, help="panels per design with an effect (all designs run)")
    args = ap.parse_args(argv)
    if args.table_from:
        parts = [json.loads(p.read_text()) for p in args.table_from]
        res = {"command": " && ".join(p["command"] for p in parts), "elapsed_s": sum(p["elapsed_s"] for p in parts),
               "effect_logit": parts[0]["effect_logit"], "designs": [d for p in parts for d in p["designs"]]}
        print(table(res["designs"]))
        print(f"wrote {write_table(res)}")
        return 0
    designs = [DESIGNS[i] for i in args.only] if args.only else DESIGNS
    designs = [replace(d, n_null=args.n_null or max(20, int(d.n_null * args.scale)),
                       n_effect=args.n_effect or max(20, int(d.n_effect * args.scale))) for d in designs]
    t0 = time.perf_counter()
    jobs, keys = [], []
    for di, d in enumerate(designs):
        for kind, effect, n in (("null", 0.0, d.n_null), ("effect", EFFECT, d.n_effect)):
            seeds = [1_000_000 * (di + 1) + (0 if kind == "null" else 500_000) + i for i in range(n)]
            for c in range(0, n, 25):
                n_w = max(0, min(args.n_width - c, 25)) if kind == "effect" else 0
                jobs.append((d, effect, seeds[c:c + 25], n_w))
                keys.append((di, kind))
    results: dict = {}
    out = []
    left = {i: sum(1 for k in keys if k[0] == i) for i in range(len(designs))}
    with ProcessPoolExecutor(args.workers) as ex:
        for key, rows in zip(keys, ex.map(run_chunk, jobs)):
            results.setdefault(key, []).extend(rows)
            left[key[0]] -= 1
            if left[key[0]] == 0:  # a design is complete: summarise it and save what there is so far
                out.append(summarise(designs[key[0]], results[(key[0], "null")], results[(key[0], "effect")]))
                save(out, time.perf_counter() - t0, args.out)
                print(f"{designs[key[0]].name}: done at {time.perf_counter() - t0:.0f} s", flush=True)
    elapsed = time.perf_counter() - t0
    print(table(out))
    print(f"\n{sum(d.n_null + d.n_effect for d in designs)} panels in {elapsed:.0f} s, {args.workers} workers, "
          f"load average {os.getloadavg()[0]:.1f}")
    return 0


def save(out: list[dict], elapsed: float, path: Path) -> None:
    """Write the designs summarised so far to ``path`` (JSON)."""
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(
        {"command": " ".join(["python", "benchmarks/bench_calibration.py", *sys.argv[1:]]), "elapsed_s": elapsed,
         "load_average_1min": os.getloadavg()[0], "effect_logit": EFFECT, "designs": out}, indent=1))


if __name__ == "__main__":
    sys.exit(main())
