"""Pre-trend and placebo tests that keep their level: randomization inference on the pre-period.

The wild cluster score bootstrap's linear pre-trend test rejected 14.7% of null panels at
its nominal 10% in an outside study (issue 13). The pre-period tests here are
randomization tests (:mod:`analysis.models.randomization`) on the pre-period cells alone:
procedure and month fixed effects, no treatment term, and the test columns of the
discounted procedures (a linear trend in months before the policy, or one dummy per lead
month). Under "the discounted procedures moved like any other set of as many procedures
before the policy" their p-values are exact, whatever the noise, the volumes or the
number of discounted procedures.

:func:`pre_period_tests` returns both routes' p-values; the report shows the route that
the calibration study (:mod:`analysis.models.calibration`) measured to keep its level,
with that measured size beside the p-value.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from analysis.models import randomization as ri
from analysis.models.did_data import DidData
from analysis.models.glm import fit_binomial

#: Nominal level of the pre-trend tests (a screening check: 10%, as in the report).
PRETREND_LEVEL = 0.10


@dataclass
class PrePeriodTests:
    """Randomization p-values of the pre-period checks; None when a test cannot be run."""

    linear_p_value: float | None
    joint_p_value: float | None
    n_leads: int
    n_assignments: int
    exact: bool

    def to_dict(self) -> dict:
        return asdict(self)


def _pre_cells(data: DidData) -> pd.DataFrame:
    """Return the pre-period cells with 0-based procedure and month codes."""
    c = data.cells.loc[~data.cells["post"]].copy()
    c["pcode"] = pd.factorize(c["procedure"], sort=True)[0]
    c["mcode"] = pd.factorize(c["month"], sort=True)[0]
    return c


def pre_period_tests(data: DidData, rng: np.random.Generator) -> PrePeriodTests:
    """Return the randomization linear pre-trend and joint-lead tests of ``data``'s pre-period.

    The linear test's column is the month's distance before the policy; the joint test
    has one dummy per pre-period month except the last (the event study's reference),
    and is left out (None) when there are not fewer leads than procedures minus one.
    Raises Refused when the pre-period model cannot be fitted.
    """
    c = _pre_cells(data)
    y, n = c["share"].to_numpy(float), c["total"].to_numpy(float)
    cl = c["pcode"].to_numpy()
    procs = c.groupby("pcode")["discounted"].first().to_numpy(bool)
    X = ri.fe_matrix(cl, c["mcode"].to_numpy())
    A = ri.assignments(procs, rng)
    ev = c["event"].to_numpy(float)
    ref = ev.max()
    fit = fit_binomial(y, n, X)  # one nuisance fit serves both tests
    linear = ri.run_test(y, n, X, ev - ref, cl, procs, A, fit=fit).p_value
    leads = sorted(set(ev) - {ref})
    joint = None
    if 0 < len(leads) < len(procs) - 1:
        F = np.column_stack([(ev == e).astype(float) for e in leads])
        joint = ri.run_test(y, n, X, F, cl, procs, A, fit=fit).p_value
    return PrePeriodTests(linear_p_value=linear, joint_p_value=joint, n_leads=len(leads),
                          n_assignments=len(A.Z), exact=A.exact)


def placebo_test(data: DidData, rng: np.random.Generator) -> float:
    """Return the randomization p-value of "no effect" at the (placebo) date ``data`` was
    prepared with: the discounted procedures' post-date indicator is the test column."""
    procs = data.cells.groupby("procedure", sort=True)["discounted"].first().to_numpy(bool)
    A = ri.assignments(procs, rng)
    return ri.run_test(data.y, data.n, data.X_fe, data.cells["post"].to_numpy(float), data.cluster,
                       procs, A).p_value


def summary(data: DidData, boot_linear: float | None, boot_joint: float | None, rng: np.random.Generator,
            design: dict) -> dict:
    """Return the pre-trend tests by both routes, the route shown and whether it may give a verdict.

    ``boot_linear`` and ``boot_joint`` are the wild bootstrap p-values (event study);
    ``design`` is the nearest calibration-study design
    (:func:`analysis.models.calibration.nearest`). For each test the dict holds both
    p-values, the route chosen from the study, its measured size at the 10% level and
    ``p_value`` (the chosen route's); ``verdict_allowed`` is True only when the linear
    test's route kept its level in the study (so "pre-trends detected" may be said).
    Raises Refused when the pre-period model cannot be fitted.
    """
    from analysis.models import calibration
    ri_tests = pre_period_tests(data, rng)
    out = {"level": PRETREND_LEVEL, "n_assignments": ri_tests.n_assignments, "exact": ri_tests.exact}
    for name, boot, rand in (("linear", boot_linear, ri_tests.linear_p_value),
                             ("joint", boot_joint, ri_tests.joint_p_value)):
        choice = calibration.pretrend_route(design, f"pretrend_{name}", PRETREND_LEVEL)
        p = {"bootstrap": boot, "randomization": rand}
        out[name] = {"p_value": p[choice.route], "p_value_bootstrap": boot, "p_value_randomization": rand,
                     **choice.to_dict()}
    out["verdict_allowed"] = bool(out["linear"]["calibrated"] and out["linear"]["p_value"] is not None)
    return out


def placebo_routes(placebo: dict | None, data: DidData | None, rng: np.random.Generator, design: dict) -> dict | None:
    """Return the placebo dict with the randomization p-value, the route chosen from the
    study (its measured size at 5%) and ``rejects`` decided by that route."""
    from analysis.models import calibration
    if placebo is None or data is None:
        return placebo
    choice = calibration.pretrend_route(design, "placebo", 0.05)
    p_ri = placebo_test(data, rng)
    p = {"bootstrap": placebo["p_value"], "randomization": p_ri}[choice.route]
    return {**placebo, "p_value_bootstrap": placebo["p_value"], "p_value_randomization": p_ri, "p_value": p,
            "rejects": bool(p < 0.05), **choice.to_dict()}
