"""Benchmark: simulated power analysis, vectorized over whole panels.

Times, on this machine:

* one power evaluation of each design: 1,000 simulated panels generated and analysed
  (DiD: 40 procedures x 24 months each, two-way FE OLS with a Welch t; ITS: 24-month
  province series, segmented OLS with the autocorrelation-set critical values);
* a full minimum-detectable-effect search (bisection, about 10 evaluations) per design;
* for scale, the full GLM difference-in-differences with its 999-draw wild cluster
  bootstrap interval on one panel (what `analysis effect` runs), and the per-panel cost
  of a loop of full GLM score tests (what a loop-based power analysis would pay).

Prints a table and writes benchmarks/results/bench_power.json. No goal is asserted;
the brief's aim is 1,000 simulated panels analysed in seconds on 2 cores.

    .venv/bin/python benchmarks/bench_power.py
"""

from __future__ import annotations

import json
import platform
import time
from pathlib import Path

import numpy as np

from analysis.models import did, power, simulate

RESULTS = Path(__file__).resolve().parent / "results"


def timed(fn, repeat=3):
    best = float("inf")
    out = None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def main() -> int:
    rows = {}
    for design in ("did", "its"):
        spec = power.PowerSpec(design=design, n_sims=1000, noise_sd=0.10 if design == "did" else 0.05)
        tester = power._Tester(spec)
        t_eval, p = timed(lambda: tester.power(0.2))
        t_mde, r = timed(lambda: power.mde(spec), repeat=1)
        rows[f"{design}: 1,000 panels, one power evaluation (s)"] = t_eval
        rows[f"{design}: full MDE search (s)"] = t_mde
        rows[f"{design}: MDE found (pp)"] = r.mde_pp
    pnl, _ = simulate.simulate_panel(simulate.PanelDesign(effect_logit=0.2), seed=1)
    t_full, _ = timed(lambda: did.fit_did(pnl, "2023-11-07"), repeat=1)
    rows["full GLM DiD + 999-draw bootstrap interval, one panel (s)"] = t_full
    data = did.prepare(pnl, "2023-11-07")
    d = did._treatment_columns(data)
    W = did.webb_weights(np.random.default_rng(0), 199, data.cluster.max() + 1)
    t_one, _ = timed(lambda: [did.score_test(data.y, data.n, data.X_fe, d, 0.0, data.cluster, W)
                              for _ in range(20)], repeat=1)
    rows["full GLM score test, per panel (s)"] = t_one / 20
    rows["full GLM: implied time for 1,000 panels (s)"] = t_one / 20 * 1000
    width = max(map(len, rows))
    for k, v in rows.items():
        print(f"{k:<{width}}  {v:8.3f}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "bench_power.json").write_text(json.dumps(
        {"machine": platform.platform(), "python": platform.python_version(), "results": rows}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
