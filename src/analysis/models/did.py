"""Procedure-level difference-in-differences and event study, with few-cluster inference.

The main design for "did the fee discount raise online uptake?" (METHODS.md): within one
province, the monthly online share of the discounted procedures is compared with that of
the other procedures, before and after the policy. The model is a binomial GLM (logit
link) of each procedure-month's online share, weighted by its dossiers
(``var_weights``, never ``freq_weights``: see METHODS.md), with procedure and month
fixed effects and a treatment term ``discounted x post``::

    logit p_jt = a_j + g_t + beta * D_jt

Month effects absorb everything common to all procedures in a month (national campaigns,
Circular 63's cut of national fees in so far as it hits all procedures alike, Tết).

Inference is clustered by procedure: the procedures, not the dossiers, are the units
that were or were not discounted, and their month-to-month shocks are correlated. With
9 discounted procedures, conventional cluster-robust standard errors over-reject, so the
p-value and the 95% interval come from a **wild cluster score bootstrap** with the null
imposed (Kline and Santos 2012; the GLM form of the restricted wild cluster bootstrap
WCR of Cameron, Gelbach and Miller 2008 and MacKinnon and Webb 2017, as in Stata's
``boottest``): the model is refitted with beta fixed at the tested value, each
procedure's efficient score for beta is multiplied by a Webb six-point weight, and the
studentized score statistic is compared with its bootstrap distribution. The interval is
the set of values not rejected at 5% (test inversion). This is the one-step linearization
of the WCR at the restricted IRLS solution, written on numpy and vectorized over draws.

The effect is reported in percentage points of the discounted procedures' online share:
the average, over their post-period months weighted by dossiers, of the predicted share
with the treatment term minus the predicted share without it (the average marginal
effect on the treated). The interval's ends are the same quantity at the restricted fits
at the interval's ends in logit units.

The event study replaces ``discounted x post`` with one term per month relative to the
policy (reference: the last pre-period month). Its lead coefficients show whether the
two groups moved in parallel before the discount. Two score-bootstrap tests are reported:
of a linear trend of the discounted procedures relative to the others across the
pre-period (the headline ``pretrend_p_value``: one parameter, so it keeps its power with
few treated clusters) and of all leads jointly (``pretrend_joint_p_value``). Pointwise event-study intervals use CR1 cluster-robust standard errors
with t(G-1) critical values (a cheaper approximation, labelled as such).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, stats
from scipy.special import expit

# The model's pieces live in their own modules; their names are re-exported here so that
# ``did.fit_binomial``, ``did.score_test`` etc. keep working.
from analysis.models.did_data import (  # noqa: F401
    FEW_TREATED_CLUSTERS, MIN_CLUSTERS_PER_GROUP, MIN_MONTHS_POST, MIN_MONTHS_PRE, DidData,
    _event_columns, _treatment_columns, prepare)
from analysis.i18n import _, number, percent
from analysis.models import calibration, pretrend
from analysis.models import randomization as ri
from analysis.models.event_study import _event_study, placebo, placebo_data  # noqa: F401
from analysis.models.glm import GlmFit, _ame_pp, _cluster_sums, _cr1, fit_binomial, gram  # noqa: F401
from analysis.models.wild import WEBB_POINTS, ScoreTest, score_test, webb_weights  # noqa: F401


@dataclass
class DidResult:
    """The difference-in-differences estimate and its inference; :meth:`to_dict` for JSON."""

    method: str
    province: str
    effect_pp: float
    ci_low_pp: float
    ci_high_pp: float
    p_value: float
    beta_logit: float
    ci_low_logit: float
    ci_high_logit: float
    se_cr1_logit: float
    p_value_cr1: float
    n_months_pre: int
    n_months_post: int
    n_discounted_procedures: int
    n_other_procedures: int
    n_boot: int
    pretrend_p_value: float | None
    pretrend_joint_p_value: float | None
    pretrend_n_leads: int
    baseline_share_pct: float
    effect_scope: str = "online share of the discounted procedures (percentage points)"
    inference: str = ("wild cluster score bootstrap by procedure, null imposed, Webb weights; "
                      "interval by test inversion")
    warnings: list[str] = field(default_factory=list)
    placebo: dict | None = None
    #: which route produced p_value and the interval ("bootstrap" or "randomization"),
    #: and the size the calibration study measured for it in the nearest design
    inference_route: str = "bootstrap"
    route_measured_size: float | None = None
    route_calibrated: bool | None = None
    calibration_design: str | None = None
    bootstrap: dict | None = None
    randomization: dict | None = None
    #: both routes of the pre-period tests, their measured sizes and whether a verdict is allowed
    pretrend: dict | None = None
    event_study: pd.DataFrame | None = None

    def to_dict(self) -> dict:
        d = asdict(self)
        es = d.pop("event_study")
        if es is not None:
            d["event_study"] = es.to_dict(orient="records")
        return d


def fit_did(panel: pd.DataFrame, policy_date, *, province: str | None = None, n_boot: int = 999,
            seed: int = 12345, alpha: float = 0.05, event_study: bool = True,
            placebo_check: bool = True, randomization: bool = True) -> DidResult:
    """Return the difference-in-differences estimate for ``province`` in ``panel``.

    ``n_boot`` Webb bootstrap draws (seeded by ``seed``) give the p-value of "no effect"
    and the (1 - alpha) interval by test inversion; with ``event_study`` the lead/lag
    coefficients and the pre-trend tests are added, with ``placebo_check`` the test at a
    fake date inside the pre-period (:func:`placebo`). With ``randomization`` the
    effect, the pre-trend tests and the placebo are also tested by randomization
    inference over which procedures were discounted (:mod:`analysis.models.randomization`),
    and the route that the calibration study measured to keep its level in the nearest
    design (:mod:`analysis.models.calibration`) gives the headline p-value and interval.
    Raises Refused as :func:`prepare` does.
    """
    data = prepare(panel, policy_date, province)
    y, n, cl, Xf = data.y, data.n, data.cluster, data.X_fe
    G = int(cl.max()) + 1
    rng = np.random.default_rng(seed)
    W = webb_weights(rng, n_boot, G)
    d = _treatment_columns(data)
    X = np.column_stack([Xf, d])
    full = fit_binomial(y, n, X)
    beta = float(full.params[-1])
    eta, mu = full.eta, full.mu
    V = _cr1(X, n, y, mu, cl)
    se = float(np.sqrt(V[-1, -1]))
    p_cr1 = float(2 * stats.t.sf(abs(beta) / se, G - 1)) if se > 0 else float("nan")
    effect_pp = _ame_pp(eta, beta, d, n)

    p0 = score_test(y, n, Xf, d, 0.0, cl, W, start=full.params[:-1]).p_value
    (lo_logit, lo_pp), (hi_logit, hi_pp) = _interval(data, d, W, full, se, alpha)
    c = data.cells
    tp = (c["discounted"] & c["post"]).to_numpy()
    baseline = 100 * float(np.sum(expit(eta[tp] - beta) * n[tp]) / np.sum(n[tp]))

    es_frame, pre_p, joint_p, n_leads = _event_study(data, W, alpha) if event_study else (None, None, None, 0)
    placebo_res = placebo(panel, policy_date, province=data.province, n_boot=n_boot, seed=seed) \
        if placebo_check else None
    boot = {"p_value": p0, "ci_low_pp": lo_pp, "ci_high_pp": hi_pp, "ci_low_logit": lo_logit,
            "ci_high_logit": hi_logit, "n_boot": n_boot}
    design = calibration.nearest(data.n_treated, data.n_treated + data.n_control,
                                 calibration.volume_spread(data.cells.groupby("procedure")["total"].mean()))
    res = DidResult(
        placebo=placebo_res,
        method="did", province=data.province, effect_pp=effect_pp, ci_low_pp=lo_pp, ci_high_pp=hi_pp,
        p_value=p0, beta_logit=beta, ci_low_logit=lo_logit, ci_high_logit=hi_logit, se_cr1_logit=se,
        p_value_cr1=p_cr1, n_months_pre=data.n_months_pre, n_months_post=data.n_months_post,
        n_discounted_procedures=data.n_treated, n_other_procedures=data.n_control, n_boot=n_boot,
        pretrend_p_value=pre_p, pretrend_joint_p_value=joint_p, pretrend_n_leads=n_leads, baseline_share_pct=baseline,
        event_study=es_frame, bootstrap=boot, calibration_design=design["name"])
    if randomization:
        _add_randomization(res, data, d, full, se, design, np.random.default_rng([seed, 1]), alpha,
                           panel, policy_date)
    res.warnings = _warnings(data, res)
    return res


def _add_randomization(res: DidResult, data: DidData, d, full, se, design, rng, alpha, panel, policy_date):
    """Add randomization inference to ``res`` and make the study's chosen route the headline.

    Fills ``randomization``, ``pretrend`` and the placebo's second route, then, when the
    chosen effect route is randomization, replaces p_value and the interval with its own
    (the bootstrap's stay under ``bootstrap``)."""
    beta = float(full.params[-1])
    e = ri.effect(data, d, beta, se, rng, alpha)
    n = data.n

    def pp(b):
        return _ame_pp(full.eta - beta + b, b, d, n) if np.isfinite(b) else float(np.sign(b) * np.inf)

    res.randomization = {"p_value": e.p_value, "ci_low_pp": pp(e.ci_low_logit), "ci_high_pp": pp(e.ci_high_logit),
                         "ci_low_logit": e.ci_low_logit, "ci_high_logit": e.ci_high_logit,
                         "n_assignments": e.n_assignments, "n_possible": e.n_possible, "exact": e.exact}
    choice = calibration.effect_route(design)
    res.inference_route, res.route_measured_size, res.route_calibrated = (
        choice.route, choice.measured_size, choice.allowed)
    if choice.route == "randomization":
        r = res.randomization
        res.p_value, res.ci_low_pp, res.ci_high_pp = r["p_value"], r["ci_low_pp"], r["ci_high_pp"]
        res.ci_low_logit, res.ci_high_logit = r["ci_low_logit"], r["ci_high_logit"]
        res.inference = ("randomization inference over which procedures were discounted (sharp null, "
                         "studentized score); interval by test inversion")
    if res.event_study is not None and res.pretrend_p_value is not None:
        res.pretrend = pretrend.summary(data, res.pretrend_p_value, res.pretrend_joint_p_value, rng, design)
        res.pretrend_p_value = res.pretrend["linear"]["p_value"]
        res.pretrend_joint_p_value = res.pretrend["joint"]["p_value"]
    if res.placebo is not None:
        split = placebo_data(panel, policy_date, data.province)
        res.placebo = pretrend.placebo_routes(res.placebo, split[1] if split else None, rng, design)


def _interval(data: DidData, d, W, full, se: float, alpha: float):
    """Return ((low logit, low pp), (high logit, high pp)): the (1 - alpha) interval of the
    effect by inverting the score bootstrap test (the values of beta it does not reject)."""
    y, n, cl, Xf = data.y, data.n, data.cluster, data.X_fe
    beta = float(full.params[-1])

    def pval(b):
        return score_test(y, n, Xf, d, b, cl, W, start=full.params[:-1])

    def bound(direction):
        step = max(se, 1e-3)
        x_in, x_out = beta, beta + direction * 2 * step
        for _attempt in range(30):
            if pval(x_out).p_value < alpha:
                break
            x_in, x_out = x_out, x_out + direction * step * 2
        else:  # pragma: no cover - a flat p-value curve: no finite interval
            return float(direction * np.inf), float(direction * np.inf)
        f = lambda b: pval(b).p_value - alpha  # noqa: E731
        if f(x_in) < 0:  # the estimate itself is rejected (odd, bootstrap noise): keep it
            x = x_in
        else:
            x = optimize.brentq(f, min(x_in, x_out), max(x_in, x_out), xtol=max(se, 1e-3) / 200)
        t = pval(x)
        return x, _ame_pp(t.eta, x, d, n)

    return bound(-1.0), bound(+1.0)


def _warnings(data: DidData, res: DidResult) -> list[str]:
    """Return the warnings a reader must see next to the estimate (few treated clusters,
    a failed pre-trend test whose route keeps its level, a pre-trend test that does not,
    a placebo date that shows an 'effect')."""
    warnings = []
    if data.n_treated < FEW_TREATED_CLUSTERS:
        warnings.append(_("only {n} discounted procedures: the wild cluster bootstrap is unreliable with fewer "
                          "than {k} treated clusters (MacKinnon and Webb 2017); read the interval as "
                          "indicative").format(n=data.n_treated, k=FEW_TREATED_CLUSTERS)
                        + (_("; the p-value and interval shown are from randomization inference instead")
                           if res.inference_route == "randomization" else ""))
    pre_p, pt = res.pretrend_p_value, res.pretrend
    if pt is not None and not pt["verdict_allowed"]:
        warnings.append(_("the pre-trend test's measured size in designs like this one is {size} at its "
                          "nominal {level} (calibration study, design \"{design}\"): no verdict on pre-trends "
                          "is given").format(size=percent(100 * pt["linear"]["measured_size"], 1), level=percent(10),
                                              design=pt["linear"]["calibration_design"]))
    elif pre_p is not None and pre_p < 0.10:
        how = "" if pt is None else _(" by {route}, whose measured size in designs like this one is {size} at "
                                      "the nominal {level}").format(
            route=calibration.route_label(pt["linear"]["route"]),
            size=percent(100 * pt["linear"]["measured_size"], 1), level=percent(10))
        warnings.append(_("pre-trend test p = {p}{how} (linear trend of the discounted procedures relative "
                          "to the others before the policy): the two groups were not moving in parallel "
                          "before the policy; the difference-in-differences estimate is doubtful")
                        .format(p=number(pre_p, 3, trim=False), how=how))
    placebo_res = res.placebo
    if placebo_res is not None and placebo_res["rejects"]:
        warnings.append(_("the placebo date {date} inside the pre-period shows an 'effect' (p = {p}): the "
                          "groups' difference moves without any policy, so the estimate may not be the "
                          "discount's").format(date=placebo_res["placebo_date"],
                                               p=number(placebo_res["p_value"], 3, trim=False)))
    return warnings
