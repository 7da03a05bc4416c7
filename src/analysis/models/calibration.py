"""What the calibration study measured, and the inference route it picks for a panel.

``benchmarks/bench_calibration.py`` simulates panels of many designs with a simulator
written independently of :mod:`analysis.models.simulate` and measures, for each test the
fee-discount report shows and each route (wild cluster score bootstrap, randomization
inference), its size at the nominal level and its coverage. The rows are stored in
:mod:`analysis.models.calibration_table` (written by the benchmark with ``--write-table``).

For a panel at hand, :func:`nearest` finds the study design most like it (number of
discounted and of all procedures, the spread of procedure volumes), and
:func:`effect_route` / :func:`pretrend_route` choose the route that kept its level there.
The result says which route produced the interval and what size the study measured for
it, so a reader can weigh a p-value by how the test behaves in designs like this one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from analysis.i18n import N_, _, percent
from analysis.models.calibration_table import COMMAND, DESIGNS

ROUTES = ("bootstrap", "randomization")
#: The routes' names as readers see them (the JSON keeps the codes above).
ROUTE_LABELS = {"bootstrap": N_("wild cluster bootstrap"), "randomization": N_("randomization inference")}
#: A 10%-level pre-trend test may give a verdict only if its measured size is at most this.
PRETREND_MAX_SIZE = 0.11
#: A 5%-level effect test keeps its level when its measured size is within this of 5%.
EFFECT_SIZE_TOLERANCE = 0.02
#: Smallest acceptable measured coverage of a 95% interval.
MIN_COVERAGE = 0.93


@dataclass(frozen=True)
class RouteChoice:
    """The route chosen for one test, what the study measured for it, and where."""

    route: str
    measured_size: float | None
    nominal: float
    design: str
    allowed: bool  # True when the measured size keeps the level (a verdict may be given)

    def to_dict(self) -> dict:
        return {"route": self.route, "measured_size": self.measured_size, "nominal_level": self.nominal,
                "calibration_design": self.design, "calibrated": self.allowed}


def volume_spread(volumes) -> float:
    """Return the sd of log mean monthly volumes across procedures (0 for equal volumes)."""
    v = np.asarray(volumes, float)
    v = v[v > 0]
    return float(np.std(np.log(v), ddof=1)) if len(v) > 1 else 0.0


def nearest(n_discounted: int, n_procedures: int, spread: float) -> dict:
    """Return the study design closest to a panel with these features.

    Distance: the log-ratio of discounted procedures counts twice (the bootstrap's
    behaviour turns on it), plus the log-ratio of all procedures and the difference of
    volume spreads. Among equally near designs the one with more panels wins.
    """
    def dist(d):
        return (2 * abs(math.log(n_discounted / d["n_discounted"]))
                + abs(math.log(n_procedures / d["n_procedures"])) + abs(spread - d["spread"]))
    return min(DESIGNS, key=lambda d: (round(dist(d), 6), -d["n_null"]))


def mc_margin(level: float, n: int) -> float:
    """Return 1.645 Monte Carlo standard errors of a rejection rate ``level`` over ``n`` panels:
    how far above its level a measured rate may fall by chance alone (one-sided 5%)."""
    return 1.645 * math.sqrt(level * (1 - level) / max(n, 1))


def effect_route(design: dict) -> RouteChoice:
    """Return the route for the effect's p-value and interval in ``design``.

    A route keeps its level when its measured size is at most 5% plus the larger of
    EFFECT_SIZE_TOLERANCE and the study's Monte Carlo margin, and its coverage at least
    95% minus the same (conservative routes keep their level; they lose power). Among the
    routes that keep their level the one with more power at the study's effect wins, then
    the narrower median interval (an unbounded interval in some panels makes the median
    infinite), then the bootstrap. When none does, the route with size nearest 5% is
    used and ``allowed`` is False.
    """
    did = design["did"]
    tol_size = max(EFFECT_SIZE_TOLERANCE, mc_margin(0.05, design["n_null"]))
    tol_cov = max(0.95 - MIN_COVERAGE, mc_margin(0.05, design["n_effect"]))
    ok = [r for r in ROUTES if did[r]["size"] is not None and did[r]["size"] <= 0.05 + tol_size
          and did[r]["coverage"] >= 0.95 - tol_cov]
    if ok:  # the more powerful route (measured on every effect panel), then the narrower interval
        best = min(ok, key=lambda r: (-round(did[r].get("power") or 0.0, 3),
                                      did[r]["width_pp"] if did[r]["width_pp"] is not None else np.inf,
                                      ROUTES.index(r)))
    else:
        best = min(ROUTES, key=lambda r: abs(did[r]["size"] - 0.05))
    return RouteChoice(route=best, measured_size=did[best]["size"], nominal=0.05, design=design["name"],
                       allowed=bool(ok))


def pretrend_route(design: dict, test: str = "pretrend_linear", nominal: float = 0.10) -> RouteChoice:
    """Return the route for a pre-period test (``pretrend_linear``, ``pretrend_joint``,
    ``placebo``) in ``design``.

    The bootstrap keeps its level when its measured size is at most PRETREND_MAX_SIZE at
    10% (6% at 5%): it has no finite-sample guarantee, so it must show it. Randomization
    inference is exact when the discounted set is a random draw (as in the study), so its
    measured size differs from the nominal level only by Monte Carlo error: it keeps its
    level when the size is within :func:`mc_margin` of it. Among routes that keep their
    level the one nearest the nominal level (the most powerful) is shown, randomization on
    a tie; when none does, the one nearest the level, with ``allowed`` False.
    """
    sizes = design[test]
    n = design.get("n_pre_period", design["n_null"])
    caps = {"bootstrap": PRETREND_MAX_SIZE if nominal == 0.10 else nominal + 0.01,
            "randomization": nominal + max(PRETREND_MAX_SIZE - 0.10, mc_margin(nominal, n))}
    ok = [r for r in ROUTES if sizes[r] is not None and sizes[r] <= caps[r]]
    pool = ok or [r for r in ROUTES if sizes[r] is not None]
    best = min(pool, key=lambda r: (abs(sizes[r] - nominal), -ROUTES.index(r)))
    return RouteChoice(route=best, measured_size=sizes[best], nominal=nominal, design=design["name"],
                       allowed=bool(ok))


def study_command() -> str:
    """Return the command that produced the stored study (for a reader who wants to rerun it)."""
    return COMMAND


# ---------------------------------------------------------------- wording for reports
# The report modules only display these: the logic of what may be said lives here.


def route_label(code: str) -> str:
    """Return the reader's name of a route code, in the current language."""
    return _(ROUTE_LABELS[code])


def effect_note(res) -> str:
    """Return "route: X, measured size Y at the nominal 5%" for a DidResult (translated),
    or "" when the result has no calibration (randomization inference was not run)."""
    if res.route_measured_size is None:
        return ""
    text = _("route: {route}, measured size {size} at the nominal {level} in designs like this one").format(
        route=route_label(res.inference_route), size=percent(100 * res.route_measured_size, 1), level=percent(5))
    return text if res.route_calibrated else text + _(" (this route does not keep its level here)")


def pretrend_note(res) -> str:
    """Return how a DidResult's pre-trend p-value was obtained: the route and its measured
    size at the nominal 10%, or that no route keeps its level (no verdict); translated."""
    pt = res.pretrend
    if pt is None:
        return _("wild bootstrap, not calibrated")
    lin = pt["linear"]
    text = _("{route}, measured size {size} at the nominal {level}").format(
        route=route_label(lin["route"]), size=percent(100 * lin["measured_size"], 1), level=percent(10))
    return text if pt["verdict_allowed"] else text + _("; not calibrated for this design: no verdict")


def placebo_note(res) -> str:
    """Return the placebo p-value's route and its measured size at the nominal 5% (translated),
    or "" when the result has no calibrated placebo."""
    pl = res.placebo
    if not pl or pl.get("measured_size") is None:
        return ""
    return _("{route}, measured size {size} at the nominal {level}").format(
        route=route_label(pl["route"]), size=percent(100 * pl["measured_size"], 1), level=percent(5))


def pretrend_failed(res) -> bool:
    """Return True when a DidResult's pre-trend test rejects at 10% by a route the study
    measured to keep its level: the only case a report may say the groups diverged before."""
    pt = res.pretrend
    return bool(pt is not None and pt["verdict_allowed"] and res.pretrend_p_value is not None
                and res.pretrend_p_value < pt["level"])
