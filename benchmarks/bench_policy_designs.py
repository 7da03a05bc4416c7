"""Design study of the fee-policy designs (synthetic control for Nghệ An, staggered DiD for
every policy province) on simulated province-by-month panels.

    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_policy_designs.py --workers 2 \
        --out benchmarks/results/policy-designs.json
    .venv/bin/python benchmarks/bench_policy_designs.py --table-from benchmarks/results/policy-designs.json

Prints the Markdown table the README quotes; cells that miss their level by more than two
Monte Carlo standard errors are marked "(misses)".
"""

from __future__ import annotations

import argparse
import json
import time
from concurrent.futures import ProcessPoolExecutor

from analysis.models import policy_study as ps
from analysis.models.policy_sim import SimDesign

EFFECT = 3.0
DESIGNS = [
    ("40 donors, noise sd 1, AR(1) 0.5, national step 4", SimDesign(), 300),
    ("20 donors", SimDesign(n_donors=20), 100),
    ("noise sd 2", SimDesign(noise_sd=2.0), 100),
    ("strong second factor (loading sd 1.2)", SimDesign(factor_sd=1.2), 100),
]


def _one(args):
    k, n = args
    name, design, _ = DESIGNS[k]
    t0 = time.process_time()
    res = ps.run(design, n, n, EFFECT, seed0=1000 * k)
    return {"design": name, **res, "cpu_s": time.process_time() - t0}


def _pct(x, n, nominal, size=True):
    if x != x:
        return "–"
    miss = not ps.keeps_level(x if size else 1 - x, n, nominal)
    return f"{100 * x:.1f}%" + (" (misses)" if miss else "")


def table(rows) -> str:
    head = ("| design | panels null/effect | SCM refused | SCM placebo size 5% | SCM coverage 95% | "
            "SCM power | SCM bias | DiD size 5%: analytic / placebo | DiD coverage 95%: analytic / placebo | "
            "DiD power: analytic / placebo | DiD bias |\n|" + "---|" * 11)
    out = [head]
    for r in rows:
        n0, n1 = r["n_null"], r["n_effect"]
        out.append(
            f"| {r['design']} | {n0}/{n1} | {100 * r['scm_refused']:.1f}% | {_pct(r['scm_size'], n0, .05)} | "
            f"{_pct(r['scm_coverage'], n1, .05, size=False)} | {100 * r['scm_power']:.1f}% | {r['scm_bias']:+.2f} | "
            f"{_pct(r['stg_size'], n0, .05)} / {_pct(r['stg_size_placebo'], n0, .05)} | "
            f"{_pct(r['stg_coverage'], n1, .05, size=False)} / "
            f"{_pct(r.get('stg_coverage_placebo', float('nan')), n1, .05, size=False)} | {100 * r['stg_power']:.1f}% / "
            f"{100 * r['stg_power_placebo']:.1f}% | {r['stg_bias']:+.2f} |")
    return "\n".join(out)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--scale", type=float, default=1.0, help="multiply the panels per design")
    ap.add_argument("--out")
    ap.add_argument("--table-from")
    a = ap.parse_args(argv)
    if a.table_from:
        print(table(json.load(open(a.table_from, encoding="utf-8"))))
        return
    jobs = [(k, max(10, int(n * a.scale))) for k, (_, _, n) in enumerate(DESIGNS)]
    t0 = time.time()
    with ProcessPoolExecutor(a.workers) as ex:
        rows = list(ex.map(_one, jobs))
    print(f"wall {time.time() - t0:.0f} s; cpu {sum(r['cpu_s'] for r in rows):.0f} s")
    if a.out:
        with open(a.out, "w", encoding="utf-8") as f:
            json.dump(rows, f, indent=1)
    print(table(rows))


if __name__ == "__main__":
    main()
