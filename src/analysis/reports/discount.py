"""The fee-discount report (notebooks/03_fee_discount.ipynb): parameters, the policy, the
panel and the estimates.

Power lives in :mod:`analysis.reports.discount_power`, figures in
:mod:`analysis.reports.discount_figures` and tables and text in
:mod:`analysis.reports.discount_text`; all are re-exported here, so the notebook calls
this one module.

The report answers "could we detect it?" before "did it work?": the minimum detectable
effect first, then the estimate with its interval and pre-trend check, then scenarios
of the response under an assumed range, then what the evidence can and cannot say.
With no panel (``panel_path=None``) it runs on a SIMULATED panel calibrated to the
seeds, and says so on every table and figure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.models import did, its, simulate
from analysis.data import panel as panel_mod
from analysis.data import Dataset
from analysis.errors import Refused
from analysis.reports.params import COMMON, Param

PARAMETERS = {
    "province": Param("province", "Province whose fee discount is studied (any spelling in data/admin_units.csv)."),
    "policy_date": Param("date", "Date the discount took effect; None takes it from data/policies.csv.",
                         nullable=True),
    "discount_pct": Param("float", "Discount for online submission, percent; None takes it from data/policies.csv.",
                          nullable=True, min=0, max=100),
    "panel_path": Param("path", "Monthly procedure-level panel CSV; None simulates one (SIMULATED)."),
    "response_range": Param("floats", "Assumed change in logit(online share) per 10% discount: [low, central, high].",
                            min=-1, max=2),
    "fee_vnd": Param("float", "In-person fee of a typical discounted procedure (VND), or None.", nullable=True, min=0),
    "reference_fee_vnd": Param("float", "Fee at which response_range applies (VND), or None.", nullable=True, min=0),
    "n_sims": Param("int", "Simulated panels per power evaluation (1000 or more for a report).", min=100),
    "seed": Param("int", "Random seed of the simulated panel, the bootstrap and the power simulations."),
    **COMMON,
}

@dataclass
class PolicyInfo:
    """The policy studied: province, date, discount and where each came from."""

    province: str
    date: dt.date
    discount_pct: float
    policy_name: str
    date_note: str
    discount_note: str
    source_ids: list[str]


def policy_for(ds: Dataset, province: str, policy_date=None, discount_pct=None) -> PolicyInfo:
    """Return the fee policy of ``province``: given values, else its row in policies.csv.

    A policy row counts when it is provincial for the province and names a discount or
    an incentive. When no date is given and the row has only an adoption date, that
    date is used and the note says so. When no discount rate is known anywhere, 40%
    (Nghệ An's) is used as an illustrative rate and the note says so. Raises Refused
    when no date is given and the province has no such policy in the data.
    """
    province = ds.canonical_province(province)
    pol = ds.policies[(ds.policies["level"] == "provincial") & (ds.policies["province"] == province)]
    row = pol.iloc[0] if len(pol) else None
    ids = [row["source_id"]] if row is not None else []
    if policy_date is not None:
        date, date_note = pd.Timestamp(policy_date).date(), "as given in the parameters"
    elif row is None:
        raise Refused(f"{province} has no fee policy in data/policies.csv; give policy_date")
    elif pd.notna(row["date_effective"]):
        date, date_note = row["date_effective"].date(), f"effective date in policies.csv ({row['policy_id']})"
    elif pd.notna(row["date_adopted"]):
        date = row["date_adopted"].date()
        date_note = (f"adoption date in policies.csv ({row['policy_id']}); the effective date is not known, "
                     "so the true start may be later")
    else:
        raise Refused(f"the {province} policy in data/policies.csv has no date; give policy_date")
    if discount_pct is not None:
        disc, disc_note = float(discount_pct), "as given in the parameters"
    elif row is not None and pd.notna(row["discount_pct"]):
        disc, disc_note = float(row["discount_pct"]), f"policies.csv ({row['policy_id']})"
    else:
        disc, disc_note = 40.0, ("not known for this province: 40% (Nghệ An's rate) is used as an "
                                 "illustration")
    return PolicyInfo(province=province, date=date, discount_pct=disc,
                      policy_name=row["name"] if row is not None else "(policy given by parameters)",
                      date_note=date_note, discount_note=disc_note, source_ids=ids)


@dataclass
class PanelInput:
    """The panel analysed, whether it is SIMULATED, and the simulator's truth if so."""

    panel: pd.DataFrame
    simulated: bool
    truth: dict | None
    description: str


def load_or_simulate(ds: Dataset, policy: PolicyInfo, panel_path: Path | None, seed: int) -> PanelInput:
    """Return the panel at ``panel_path`` (validated), or a SIMULATED one when it is None.

    The simulated panel uses the seeds' calibration (:mod:`analysis.models.simulate`) with the
    policy's province and date and a true effect of 0.2 on the logit scale. Raises
    PanelError for a bad panel file.
    """
    if panel_path is not None:
        pnl = panel_mod.read_panel(panel_path, dataset=ds)
        return PanelInput(pnl, False, None, f"Panel read from `{Path(panel_path).name}`: {len(pnl)} rows, "
                          f"{pnl['procedure'].nunique()} procedures, {pnl['month'].min()} to {pnl['month'].max()}.")
    design = simulate.PanelDesign(province=policy.province, policy_date=policy.date, effect_logit=0.2)
    pnl, truth = simulate.simulate_panel(design, seed=seed)
    return PanelInput(pnl, True, truth, (
        f"**SIMULATED panel** (no monthly procedure-level data is public): {len(pnl)} rows, "
        f"{design.n_procedures} procedures of which {design.n_discounted} discounted, "
        f"{pnl['month'].min()} to {pnl['month'].max()}, about {design.monthly_total:,} dossiers a month. "
        f"Its true effect is known: {truth['true_effect_pp_discounted']:+.2f} pp on the discounted "
        f"procedures' share ({truth['true_effect_pp_province']:+.2f} pp province-wide), plus a national "
        f"policy from {design.national_date} worth {truth['true_national_effect_pp_province']:+.2f} pp "
        "province-wide. Every number below is about this simulation, not about the province."))



@dataclass
class Estimates:
    """Both designs' results, or the reason each was refused."""

    did: did.DidResult | None
    did_refusal: str | None
    its: its.ItsResult | None
    its_refusal: str | None
    baseline_share_pct: float

    @property
    def any(self) -> bool:
        return self.did is not None or self.its is not None


def estimates(inp: PanelInput, policy: PolicyInfo, seed: int, n_boot: int = 999) -> Estimates:
    """Return both designs' results; a design the panel cannot support is recorded with its
    refusal message instead of stopping the report. The baseline share (for scenarios) is
    the DiD's predicted share of the discounted procedures without the discount, or, when
    the DiD is refused, their observed share over the last three pre-period months."""
    out = {}
    for name, fit in (("did", lambda: did.fit_did(inp.panel, policy.date, province=policy.province,
                                                  n_boot=n_boot, seed=seed)),
                      ("its", lambda: its.fit_its(inp.panel, policy.date, province=policy.province, seed=seed))):
        try:
            out[name], out[f"{name}_refusal"] = fit(), None
        except Refused as exc:
            out[name], out[f"{name}_refusal"] = None, str(exc)
    if out["did"] is not None:
        base = out["did"].baseline_share_pct
    else:
        rows = inp.panel[(inp.panel["province"] == policy.province) & inp.panel["discounted"]]
        last_pre = panel_mod.policy_months(policy.date)[0]
        pre = rows[rows["month"] <= last_pre]
        pre = pre[pre["month"] > last_pre - 3]
        base = 100 * pre["online"].sum() / max(pre["total"].sum(), 1) if len(pre) else 40.0
    return Estimates(baseline_share_pct=float(base), **out)


# Re-exported so the notebook (and scripts) call one module; imported last because these
# modules refer back to the classes above.
from analysis.reports.discount_power import (  # noqa: E402,F401
    ASSUMED_PROVINCE_NOISE, ASSUMED_RHO, describe_power, power_curves, power_figure, power_table)
from analysis.reports.discount_figures import (  # noqa: E402,F401
    event_study_figure, its_figure, scenario_curves, scenario_figure)
from analysis.reports.discount_text import (  # noqa: E402,F401
    estimate_table, evidence_statement, uplift_table, warnings_markdown)
