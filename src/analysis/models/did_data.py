"""The cells of one province's panel that enter the difference-in-differences, checked.

:func:`prepare` selects the province, drops the transition month and empty cells, refuses
designs with no identifiable effect, and builds the fixed-effect design matrix.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.errors import Refused
from analysis.data.panel import check_months, policy_months, select_province

#: at least two leads to look at pre-trends).
MIN_MONTHS_PRE = 3
#: Fewest post-period months.
MIN_MONTHS_POST = 1
#: Fewest discounted and fewest other procedures: one cluster per group cannot be
#: told apart from its own shocks, whatever the bootstrap.
MIN_CLUSTERS_PER_GROUP = 2
#: Below this many discounted procedures the wild cluster bootstrap is known to be
#: unreliable (MacKinnon and Webb 2017): the result is given with a warning.
FEW_TREATED_CLUSTERS = 5


@dataclass
class DidData:
    """The cells of one province's panel that enter the model, and the design matrix.

    ``X`` columns: intercept, procedure dummies (first dropped), month dummies (first
    dropped), then the treatment columns named in ``treat_names``.
    """

    province: str
    cells: pd.DataFrame
    y: np.ndarray
    n: np.ndarray
    cluster: np.ndarray
    X_fe: np.ndarray
    n_months_pre: int
    n_months_post: int
    first_month: pd.Period
    last_month: pd.Period
    transition_month: pd.Period | None
    n_treated: int
    n_control: int


def prepare(panel: pd.DataFrame, policy_date, province: str | None = None) -> DidData:
    """Return the model's cells for ``province`` (None when the panel holds one).

    The transition month (the policy starts after the 1st) and months with no dossiers
    are left out. Raises Refused when the panel has too few pre- or post-period months
    (MIN_MONTHS_PRE, MIN_MONTHS_POST), fewer than MIN_CLUSTERS_PER_GROUP discounted or
    other procedures, a group whose shares are all 0% or 100% (no finite estimate), or a
    discounted procedure without months on both sides.
    """
    province, rows = select_province(panel, province)
    last_pre, transition, first_post = policy_months(policy_date)
    cells = rows[(rows["total"] > 0) & (rows["month"] != transition)].copy() if transition is not None \
        else rows[rows["total"] > 0].copy()
    cells["post"] = cells["month"] >= first_post
    pre_months = sorted(set(cells.loc[~cells["post"], "month"]))
    post_months = sorted(set(cells.loc[cells["post"], "month"]))
    n_pre, n_post = len(pre_months), len(post_months)
    check_months("difference-in-differences", MIN_MONTHS_PRE, MIN_MONTHS_POST, policy_date, province,
                 n_pre, n_post, transition,
                 "Monthly procedure-level counts for 12 or more months on each side would answer.")
    procs = cells.groupby("procedure")["discounted"].first()
    n_t, n_c = int(procs.sum()), int((~procs).sum())
    if n_t < MIN_CLUSTERS_PER_GROUP or n_c < MIN_CLUSTERS_PER_GROUP:
        raise Refused(
            f"difference-in-differences needs at least {MIN_CLUSTERS_PER_GROUP} discounted and "
            f"{MIN_CLUSTERS_PER_GROUP} other procedures (clusters); the panel for {province} has "
            f"{n_t} discounted and {n_c} other")
    for flag, group in ((True, "discounted"), (False, "other")):
        sh = cells.loc[cells["discounted"] == flag, "share"]
        if ((sh == 0) | (sh == 1)).all():
            raise Refused(f"every month of the {group} procedures in {province} has an online share of 0% or "
                          "100%: the logit model has no finite estimate (perfect separation), and the share "
                          "cannot move")
    sides = cells[cells["discounted"]].groupby("procedure")["post"].agg(["min", "max"])
    one_sided = sides[sides["min"] == sides["max"]].index.tolist()
    if one_sided:
        raise Refused(f"discounted procedure(s) {', '.join(one_sided)} have months on only one side of "
                      "the policy date; each needs months before and after")
    cells = cells.sort_values(["procedure", "month"]).reset_index(drop=True)
    proc_codes, proc_names = pd.factorize(cells["procedure"], sort=True)
    month_codes, month_vals = pd.factorize(cells["month"], sort=True)
    policy_month = pd.Period(pd.Timestamp(policy_date), freq="M")
    cells["event"] = [(m - policy_month).n for m in cells["month"]]
    N = len(cells)
    X_fe = np.zeros((N, 1 + len(proc_names) - 1 + len(month_vals) - 1))
    X_fe[:, 0] = 1.0
    rows_ = np.arange(N)
    pj = proc_codes > 0
    X_fe[rows_[pj], proc_codes[pj]] = 1.0
    mj = month_codes > 0
    X_fe[rows_[mj], len(proc_names) - 1 + month_codes[mj]] = 1.0
    return DidData(
        province=province, cells=cells, y=cells["share"].to_numpy(float), n=cells["total"].to_numpy(float),
        cluster=proc_codes, X_fe=X_fe, n_months_pre=n_pre, n_months_post=n_post,
        first_month=min(pre_months), last_month=max(post_months), transition_month=transition,
        n_treated=n_t, n_control=n_c)


def _treatment_columns(data: DidData):
    c = data.cells
    d = (c["discounted"] & c["post"]).to_numpy(float)
    return d


def _event_columns(data: DidData, ref: int):
    """Return (matrix of discounted x event-time dummies, their event times, is_lead)."""
    c = data.cells
    events = sorted(e for e in set(c["event"]) if e != ref)
    cols = np.column_stack([((c["event"] == e) & c["discounted"]).to_numpy(float) for e in events])
    keep = cols.sum(0) > 0
    events = [e for e, k in zip(events, keep) if k]
    return cols[:, keep], np.array(events), np.array([e < ref for e in events]) if events else np.array([], bool)
