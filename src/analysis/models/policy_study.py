"""The design study of the two fee-policy designs: what each test and interval does on
simulated province-by-month panels whose effect is known.

:func:`one_panel` simulates one panel (:mod:`analysis.models.policy_sim`, policies at the
real start months, the national circular's step in Dec 2023) and runs the synthetic control
for Nghệ An and the staggered DiD for every policy province; :func:`summarise` turns many
panels into size, coverage, power, bias and refusal rates. ``benchmarks/bench_policy_designs.py``
runs the study; ``tests/test_policy_study.py`` runs a small seeded version.
"""

from __future__ import annotations

import math
from dataclasses import asdict

import numpy as np
import pandas as pd

from analysis.models import staggered, staggered_placebo, synth, synth_inference
from analysis.models.policy_panel import wide
from analysis.models.policy_sim import REAL_STARTS, SimDesign, simulate

TREATED = "Nghệ An"
ALPHA = 0.05


def one_panel(design: SimDesign, seed: int, placebo_reps: int = 99) -> dict:
    """Return the estimates of both designs on one simulated panel (a flat dict)."""
    w = wide(simulate(design, seed=seed), design.group)
    donors = [c for c in w.columns if c not in REAL_STARTS]
    out = {"seed": seed, "effect_true": design.effect}
    s = synth.fit(w, TREATED, REAL_STARTS[TREATED], donors)
    out["scm_refused"] = s.refusal is not None
    if s.refusal is None:
        inf = synth_inference.infer(w, s, level=1 - ALPHA, loo=False)
        out.update(scm_effect=s.effect, scm_p=inf.p_value, scm_smallest_p=inf.smallest_p,
                   scm_ci_low=inf.ci_low, scm_ci_high=inf.ci_high)
    r = staggered.estimate(w, REAL_STARTS, level=1 - ALPHA)
    lo, hi = r.ci
    a, b = staggered_placebo.placebo_stats(w, REAL_STARTS, reps=placebo_reps, seed=seed)
    plo, phi = staggered_placebo.interval(r.att, a, b, 1 - ALPHA)
    out.update(stg_att=r.att, stg_se=r.se, stg_ci_low=lo, stg_ci_high=hi, stg_p=r.p_value,
               stg_p_placebo=float(staggered_placebo.p_values(r.att, a, b, [0.0])[0]),
               stg_pci_low=plo, stg_pci_high=phi)
    return out


def _rate(x) -> float:
    x = pd.Series(x, dtype=float).dropna()
    return float(x.mean()) if len(x) else float("nan")


def _covers(lo, hi, truth) -> pd.Series:
    lo = pd.to_numeric(pd.Series(lo), errors="coerce")
    hi = pd.to_numeric(pd.Series(hi), errors="coerce")
    # An unbounded interval (None: too few placebos) covers everything.
    return ((lo.isna() | (lo <= truth)) & (hi.isna() | (truth <= hi))).astype(float)


def summarise(null: pd.DataFrame, effect: pd.DataFrame) -> dict:
    """Return the study's rates for one design from its null panels (effect 0) and effect
    panels: size, coverage, power and bias of each design, and the SCM refusal rate."""
    truth = float(effect["effect_true"].iloc[0]) if len(effect) else float("nan")
    nf = null[~null["scm_refused"]] if "scm_refused" in null else null
    ef = effect[~effect["scm_refused"]] if "scm_refused" in effect else effect
    return {
        "n_null": len(null), "n_effect": len(effect), "effect": truth,
        "scm_refused": _rate(pd.concat([null["scm_refused"], effect["scm_refused"]])),
        "scm_size": _rate(nf.get("scm_p", pd.Series(dtype=float)) <= ALPHA),
        "scm_coverage": _rate(_covers(ef.get("scm_ci_low"), ef.get("scm_ci_high"), truth)),
        "scm_power": _rate(ef.get("scm_p", pd.Series(dtype=float)) <= ALPHA),
        "scm_bias": _rate(ef.get("scm_effect", pd.Series(dtype=float)) - truth),
        "scm_smallest_p": _rate(nf.get("scm_smallest_p", pd.Series(dtype=float))),
        "stg_size": _rate(null["stg_p"] <= ALPHA),
        "stg_size_placebo": _rate(null["stg_p_placebo"] <= ALPHA),
        "stg_coverage": _rate(_covers(effect["stg_ci_low"], effect["stg_ci_high"], truth)),
        "stg_coverage_placebo": _rate(_covers(effect.get("stg_pci_low"), effect.get("stg_pci_high"), truth)),
        "stg_power": _rate(effect["stg_p"] <= ALPHA),
        "stg_power_placebo": _rate(effect["stg_p_placebo"] <= ALPHA),
        "stg_bias": _rate(effect["stg_att"] - truth),
    }


def run(design: SimDesign, n_null: int, n_effect: int, effect: float, seed0: int = 0,
        placebo_reps: int = 99) -> dict:
    """Return :func:`summarise` of ``n_null`` null and ``n_effect`` effect panels, seeded
    from ``seed0`` (null panels first)."""
    null_d = SimDesign(**{**asdict(design), "effect": 0.0})
    eff_d = SimDesign(**{**asdict(design), "effect": effect})
    null = pd.DataFrame([one_panel(null_d, seed0 + k, placebo_reps) for k in range(n_null)])
    eff = pd.DataFrame([one_panel(eff_d, seed0 + n_null + k, placebo_reps) for k in range(n_effect)])
    return summarise(null, eff)


def mc_se(rate: float, n: int) -> float:
    """Monte Carlo standard error of a rejection rate ``rate`` measured on ``n`` panels."""
    return math.sqrt(rate * (1 - rate) / n) if n else float("nan")


def keeps_level(rate: float, n: int, nominal: float) -> bool:
    """True when a measured rate is within two Monte Carlo standard errors (at the nominal
    rate) of ``nominal`` or below it: for a size, below is conservative; for a coverage pass
    ``1 - coverage`` and ``1 - level``."""
    return bool(np.isfinite(rate)) and rate <= nominal + 2 * mc_se(nominal, n)
