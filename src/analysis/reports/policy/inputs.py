"""Inputs of the fee-policies report: parameters, texts, the policy timeline and the panel
(the imported monthly history, or a SIMULATED one when none is held)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis import i18n
from analysis.data import Dataset
from analysis.data.portal import groups as portal_groups
from analysis.data.portal import history
from analysis.i18n import N_, _
from analysis.models import policy_sim
from analysis.models.policy_panel import policy_starts
from analysis.reports import narrative
from analysis.reports.params import COMMON, Param

STEM = "07_fee_policies_across_provinces"
BACKFILL = "analysis portal backfill --from 2022-01"
#: True effect (points of the ratio) of each policy in the SIMULATED panel.
SIM_EFFECT = 3.0

PARAMETERS = {
    "province": Param("province", "Province whose policy the synthetic control studies (any spelling in data/admin_units.csv)."),
    "group": Param("str", "Index group whose ratio to its maximum is the outcome, or TOTAL.",
                   choices=tuple(portal_groups.GROUPS) + (portal_groups.TOTAL,)),
    "method": Param("str", "Design whose estimate leads the findings: 'scm' or 'staggered'.",
                    choices=("scm", "staggered")),
    "seed": Param("int", "Seed of the SIMULATED panel and the placebo draws.", default=2023),
    **COMMON,
}

TEXTS = {
    "title": N_("# Online-fee policies across provinces: {province}"),
    "load": N_("## Load inputs\n\nThe policies come from the toolkit's table of online-fee policies (one row per instrument, each "
               "with its source; a researcher adds a province by adding a row). The outcome is a group of the national Decision 766 index as a "
               "percent of its maximum, province by month."),
    "model": N_("## Model\n\n**Synthetic control**: {province} against a weighted average of provinces with no "
                "online-fee policy in the window, weights fitted on the months before the policy; placebos in "
                "space give the p-value and the interval. **Staggered difference-in-differences** (Callaway and "
                "Sant'Anna): every policy province against provinces not yet treated, month by month since its "
                "policy. Both compare provinces, so the national Circular 63/2023/TT-BTC, which applies to every "
                "province at once, is differenced out."),
    "figures": N_("## Figures"),
    "limits": N_("## What this does not show"),
}


def text(key: str, **values) -> narrative.Markdown:
    """Return the report's text ``key`` in the current language (see :data:`TEXTS`)."""
    return narrative.render(TEXTS, key, **values)


@dataclass
class PanelInput:
    """The panel analysed, whether it is SIMULATED, and the sentence that says what it is."""

    panel: pd.DataFrame
    simulated: bool
    description: str
    effect: float | None  # the true effect when SIMULATED


def timeline(ds: Dataset) -> pd.DataFrame:
    """Return one row per policy (national ones included): province, policy, instrument,
    start month and what it rests on (in force, month only, adoption, unknown), end date,
    whether the date is confirmed, and its source."""
    starts = {}
    for _i, row in ds.policies.iterrows():
        one = policy_starts(pd.DataFrame([row]))
        starts[row["policy_id"]] = next(iter(one.values())) if one else None
    rows = []
    for _i, r in ds.policies.iterrows():
        s = starts[r["policy_id"]]
        month = (s.month if s else (r["in_force"].strftime("%Y-%m") if pd.notna(r["in_force"]) else None))
        basis = s.basis if s else ("in_force" if pd.notna(r["in_force"]) else "unknown")
        rows.append({"province": r["province"] or _("all provinces (national)"), "policy_id": r["policy_id"],
                     "document": r["document"], "instrument": r["instrument"], "start_month": month,
                     "basis": basis, "end": r["date_end"].strftime("%Y-%m-%d") if pd.notna(r["date_end"]) else None,
                     "date_confirmed": r["date_confirmed"], "level": r["level"], "source_id": r["source_id"]})
    return pd.DataFrame(rows)


TIMELINE_HEADERS = {"province": N_("province"), "document": N_("instrument"), "start_month": N_("start month"),
                    "basis": N_("start taken from"), "end": N_("end"), "date_confirmed": N_("date confirmed")}
TIMELINE_VALUES = {"in_force": N_("in-force date"), "in_force_month": N_("in-force month only"),
                   "date_adopted": N_("adoption date (in-force date not found)"), "unknown": N_("no date known"),
                   "yes": N_("yes"), "no": N_("no")}


def timeline_table(tl: pd.DataFrame) -> pd.DataFrame:
    """Return the timeline for the reader: its columns and codes in the current language."""
    out = tl[list(TIMELINE_HEADERS)].copy()
    for col in ("basis", "date_confirmed"):
        out[col] = out[col].map(lambda v: _(TIMELINE_VALUES[v]) if v in TIMELINE_VALUES else v)
    # The table's "not named in ..." notes are the curators' English: say it in the reader's words.
    out["document"] = out["document"].map(
        lambda v: _("instrument not named") if isinstance(v, str) and v.startswith("not named") else v)
    # Months and dates as the reader writes them (vi 11/2023, 31/12/2025), not the data's ISO form.
    out["start_month"] = out["start_month"].map(lambda m: i18n.month(m) if isinstance(m, str) and m else m)
    out["end"] = out["end"].map(lambda d: i18n.date(pd.Timestamp(d)) if pd.notna(d) and d != "" else None)
    out = out.astype(object).where(out.notna(), "–")
    return out.rename(columns={c: _(h) for c, h in TIMELINE_HEADERS.items()})


def load_panel(ds: Dataset, group: str, seed: int) -> PanelInput:
    """Return the imported monthly history of ``group``, or, when none is held, a SIMULATED
    panel with every province of data/admin_units.csv, the policies at their real months
    and a known effect of :data:`SIM_EFFECT` points."""
    held = history.panel(ds.data_dir, group=group)
    if not held.empty:
        held = held[held["group"] == group]
        return PanelInput(held, False, _("Monthly history read from the imported index: {n} provinces, {first} to "
                                         "{last}.").format(n=held["province"].nunique(), first=i18n.month(held["month"].min()),
                                                           last=i18n.month(held["month"].max())), None)
    known = policy_starts(ds.policies)
    starts = {s.province: s.month for s in known.values() if s.month is not None}
    unknown = {s.province for s in known.values() if s.month is None}
    names = [p for p in ds.admin_units["province"] if p not in starts and p not in unknown]
    design = policy_sim.SimDesign(effect=SIM_EFFECT, n_donors=len(names), group=group)
    pnl = policy_sim.simulate(design, starts, seed=seed, donor_names=names)
    return PanelInput(pnl, True, _(
        "**No monthly history of the index is held** in the data this report was built from, so everything "
        "below runs on a "
        "**SIMULATED panel**: {n} provinces, {first} to {last}, a factor model with a national step in December "
        "2023 and a true effect of {effect} points from each policy's start month. Every number below is about "
        "this simulation, not about any province. To bring the real history: `{command}`").format(
        n=pnl["province"].nunique(), first=i18n.month(design.first), last=i18n.month(design.last),
        effect=i18n.signed(SIM_EFFECT, 1), command=BACKFILL), SIM_EFFECT)
