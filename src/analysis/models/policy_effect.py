"""The fee-policy effect of one province (synthetic control) or of every policy province
(staggered DiD), from a long panel and a policies table, as the plain dictionaries the
``analysis policy-effect`` command prints and notebook 07 reports.

Inputs that cannot be used raise ``Refused`` (with the reason) before any model runs: a
group missing from the panel, a province without rows, a policy month outside the panel or
with too few months before it. A model the data cannot identify returns
``status = "refused"`` and its ``reason``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analysis.errors import Refused
from analysis.i18n import _
from analysis.models import staggered, staggered_placebo, synth, synth_inference
from analysis.models.policy_panel import PolicyStart, donors, policy_starts, wide

#: Placebo reassignments for the staggered design's placebo p-value.
PLACEBO_REPS = 199
#: Last month before 63 provinces became 34 (Resolution 202/2025/QH15, 1 Jul 2025): later months
#: belong to different units (Hòa Bình, Hải Dương and Quảng Nam no longer exist), so both
#: designs stop here.
LAST_MONTH_BEFORE_MERGER = "2025-06"


def _num(x) -> float | None:
    return None if x is None or (isinstance(x, float) and not math.isfinite(x)) else float(x)


def _matrix(panel: pd.DataFrame, group: str) -> pd.DataFrame:
    """Return the months-by-provinces matrix of ``group`` up to the merger; raises Refused
    when the group is not in the panel or no month precedes the merger."""
    try:
        w = wide(panel[panel["month"] <= LAST_MONTH_BEFORE_MERGER], group)
    except ValueError as exc:
        raise Refused(str(exc)) from None
    if w.empty:
        raise Refused(_("no month of the panel is on or before {month}, the last month before the 2025 "
                        "province merger").format(month=LAST_MONTH_BEFORE_MERGER))
    return w


def prepare(panel: pd.DataFrame, policies: pd.DataFrame, province: str, group: str,
            policy_date: str | None) -> tuple[pd.DataFrame, dict[str, PolicyStart], str]:
    """Return (months-by-provinces matrix of ``group``, policy starts, the province's policy
    month YYYY-MM). Raises Refused when the group or province is not in the panel, no
    policy month is known for the province, the month is outside the panel or fewer than
    ``synth.MIN_PRE_MONTHS`` months precede it. Months after :data:`LAST_MONTH_BEFORE_MERGER`
    are left out."""
    w = _matrix(panel, group)
    if province not in w.columns:
        held = province in set(panel["province"])
        raise Refused((_("{province} has an incomplete series in the panel for group {group}") if held else
                       _("{province} has no rows in the panel for group {group}")).format(province=province, group=group))
    starts = policy_starts(policies)
    if policy_date:
        month = policy_date[:7]
        starts[province] = PolicyStart(province, month, "given", "--policy-date")
    elif starts.get(province) and starts[province].month:
        month = starts[province].month
    else:
        raise Refused(_("{province} has no online-fee policy with a known start month in the policy table, so "
                        "there is no policy of its own to study").format(province=province))
    first, last = w.index[0], w.index[-1]
    if not first < month <= last:
        raise Refused(_("policy month {month} is outside the panel ({first} to {last})").format(
            month=month, first=first, last=last))
    n_pre = int(sum(m < month for m in w.index))
    if n_pre < synth.MIN_PRE_MONTHS:
        raise Refused(_("only {n} months of the panel precede {month}; at least {min} are needed").format(
            n=n_pre, month=month, min=synth.MIN_PRE_MONTHS))
    return w, starts, month


def _staggered_inputs(panel, policies, province: str, group: str, policy_date: str | None):
    """Return (matrix, policy starts) for the staggered design. It pools every policy
    province, so a ``province`` with no policy of its own (or outside the panel) only loses
    its place at the head of the cohort list; a given ``policy_date`` is checked as in
    :func:`prepare`."""
    if policy_date:
        w, starts, _month = prepare(panel, policies, province, group, policy_date)
        return w, starts
    return _matrix(panel, group), policy_starts(policies)


def scm(panel, policies, province: str, group: str, policy_date: str | None = None) -> tuple[dict, object]:
    """Return (the JSON-ready result, the fit and its inference for figures) of the
    synthetic control for ``province``. Raises Refused for unusable inputs (see
    :func:`prepare`)."""
    w, starts, month = prepare(panel, policies, province, group, policy_date)
    pool = donors(w.columns, starts, province, w.index[-1])
    s = synth.fit(w, province, month, pool)
    out = {"status": "refused", "method": "scm", "province": province, "group": group,
           "policy_date": policy_date or month, "policy_month": month,
           "policy_basis": starts[province].basis, "effect": None, "ci_low": None, "ci_high": None,
           "p_value": None, "smallest_p": None, "pre_rmspe": _num(s.pre_rmspe),
           "post_rmspe": _num(s.post_rmspe), "n_pre_months": s.n_pre, "n_donors": len(pool),
           "donors": [], "leave_one_out": [], "reason": s.refusal}
    if s.refusal:
        return out, (s, None)
    inf = synth_inference.infer(w, s)
    out.update(status="estimate", effect=s.effect, ci_low=_num(inf.ci_low), ci_high=_num(inf.ci_high),
               level=inf.level, p_value=inf.p_value, smallest_p=inf.smallest_p,
               donors=[{"province": r.province, "weight": float(r.weight)}
                       for r in s.weight_table(1e-4).itertuples()],
               leave_one_out=[{"dropped": d, "effect": _num(e)} for d, e in inf.leave_one_out.items()],
               notes=inf.notes)
    return out, (s, inf)


def _cohort_rows(r: staggered.Staggered, first: str | None) -> list[dict]:
    rows = []
    for c, provs in r.cohorts.items():
        post = r.gt[(r.gt["cohort"] == c) & (r.gt["e"] >= 0)]
        rows.append({"cohort": c, "provinces": provs, "att": _num(float(post["att"].mean())),
                     "n_post_months": int(len(post))})
    rows.sort(key=lambda d: (first not in d["provinces"], d["cohort"]))
    return rows


def did(panel, policies, province: str, group: str, policy_date: str | None = None,
        control: str = "not_yet_treated", seed: int = 0) -> tuple[dict, staggered.Staggered]:
    """Return (the JSON-ready result, the estimate) of the staggered DiD over every policy
    province with a known month in the panel, ``province``'s cohort listed first (a province
    with no policy of its own changes nothing else). Raises Refused for unusable inputs (see
    :func:`prepare` when ``policy_date`` is given) or when no cohort can be estimated."""
    w, starts = _staggered_inputs(panel, policies, province, group, policy_date)
    unknown = [p for p, s in starts.items() if s.month is None and p in w.columns]
    w = w.drop(columns=unknown)
    cohorts = {p: s.month for p, s in starts.items() if s.month is not None and p in w.columns}
    try:
        r = staggered.estimate(w, cohorts, control=control)
    except ValueError as exc:
        raise Refused(str(exc)) from None
    a, b = staggered_placebo.placebo_stats(w, cohorts, control, PLACEBO_REPS, seed)
    r.p_placebo = float(staggered_placebo.p_values(r.att, a, b, [0.0])[0])
    lo, hi = staggered_placebo.interval(r.att, a, b, r.level)
    alo, ahi = r.ci
    es = [{"e": int(x.e), "att": _num(x.att), "ci_low": _num(x.ci_low), "ci_high": _num(x.ci_high),
           "n_cohorts": int(x.n_cohorts)} for x in r.event_study.itertuples()]
    notes = [n for n in r.notes if "analytic interval" not in n] + ([_("left out (policy of unknown date): {provinces}").format(provinces=", ".join(unknown))]
                                                                    if unknown else [])
    out = {"status": "estimate", "method": "staggered", "province": province, "group": group,
           "control": control, "att": r.att, "ci_low": lo, "ci_high": hi, "level": r.level,
           "interval_method": "placebo test inversion", "p_value": r.p_placebo, "placebo_reps": len(a),
           "ci_low_analytic": alo, "ci_high_analytic": ahi, "p_value_analytic": r.p_value,
           "analytic_note": "influence-function interval and p-value; the design study measured them "
                            "missing their level with one or two provinces per cohort",
           "n_provinces": int(w.shape[1]), "cohorts": _cohort_rows(r, province),
           "event_study": es, "notes": notes}
    return out, r


def leads_max(r: staggered.Staggered) -> float:
    """Return the largest absolute lead (e < -1) of the event study (nan without leads)."""
    lead = r.event_study[r.event_study["e"] < -1]["att"]
    return float(np.abs(lead).max()) if len(lead) else float("nan")
