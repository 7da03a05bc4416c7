"""Shares derived from two or three reported figures of one province, each with its
formula, its inputs and the bound it inherits from them."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from analysis.data import Dataset
from analysis.i18n import N_  # titles marked for the catalog; shown through _() by the reports
from analysis.models.compare.lineage import _period_label, lineage_flags
from analysis.models.compare.matrix import resolve_provinces
from analysis.models.compare.rules import DERIVED, MAX_INPUT_GAP_DAYS, NO_DATA, Flag

# ----------------------------------------------------------------------------- derived shares


@dataclass(frozen=True)
class Formula:
    """One way to derive a share from reported figures of one province.

    ``family`` names the derived quantity (shares of one family are compared with each
    other); ``formula`` is the recorded expression; ``inputs`` are the indicators in the
    order ``compute`` takes their values; ``same_scope`` requires every input to be on one
    scope (when False, a mixed-scope result carries the ``mixed_scope_inputs`` caveat).
    """

    family: str
    title: str
    formula: str
    inputs: tuple[str, ...]
    unit: str
    basis: str
    same_scope: bool = True

    def compute(self, values: list[float]) -> float:
        v = values
        if self.family == "full_process_share_of_online":
            return 100.0 * v[0] / (v[0] + v[1])
        if self.family in ("full_process_share_of_published", "online_service_coverage"):
            return 100.0 * v[0] / v[1]
        if self.family == "online_payment_coverage_of_published":
            return v[0] * v[1] / v[2]
        if self.family == "lookups_per_dossier":
            return v[0] / v[1]
        if self.family == "departments_online_payment_above_65pct_share":
            return 100.0 * v[0] / v[1]
        raise ValueError(f"no computation for family '{self.family}'")  # pragma: no cover


#: The derived shares this toolkit computes, from indicators present in indicators.csv.
FORMULAS: tuple[Formula, ...] = (
    Formula("full_process_share_of_online", N_("Full-process share of online provision (%)"),
            "100 × procedures_full_online / (procedures_full_online + procedures_partial_online)",
            ("procedures_full_online", "procedures_partial_online"), "percent", "procedures"),
    Formula("full_process_share_of_online", N_("Full-process share of online provision (%)"),
            "100 × online_services_full_process / (online_services_full_process + online_services_partial)",
            ("online_services_full_process", "online_services_partial"), "percent", "services"),
    Formula("full_process_share_of_published", N_("Full-process online as a share of published procedures (%)"),
            "100 × procedures_full_online / procedures_published",
            ("procedures_full_online", "procedures_published"), "percent", "procedures",
            same_scope=False),
    Formula("full_process_share_of_published", N_("Full-process online as a share of published procedures (%)"),
            "100 × online_services_full_process / procedures_published",
            ("online_services_full_process", "procedures_published"), "percent",
            "services per procedure", same_scope=False),
    Formula("online_service_coverage", N_("Online services provided per published procedure (%)"),
            "100 × online_services_provided / procedures_published",
            ("online_services_provided", "procedures_published"), "percent", "services per procedure"),
    Formula("online_payment_coverage_of_published",
            N_("Procedures with online payment enabled, as a share of published procedures (%)"),
            "online_payment_enabled_rate × procedures_with_fees / procedures_published",
            ("online_payment_enabled_rate", "procedures_with_fees", "procedures_published"),
            "percent", "procedures", same_scope=False),
    Formula("departments_online_payment_above_65pct_share",
            N_("Departments with online payment above 65%, as a share of departments (%)"),
            "100 × departments_online_payment_above_65pct / its stated denominator",
            ("departments_online_payment_above_65pct",), "percent", "agencies"),
    Formula("lookups_per_dossier", N_("Population-database lookups per dossier received"),
            "population_db_lookups / total_dossiers",
            ("population_db_lookups", "total_dossiers"), "lookups per dossier", "dossiers"),
)

DERIVED_COLUMNS = ["indicator", "title", "province", "status", "formula", "basis", "inputs",
                   "missing_inputs", "scope", "subunit", "period_type", "period_start",
                   "period_end", "period", "value", "unit", "bound", "source_id", "caveats",
                   "lineage"]


def _ratio_bound(bounds: list[str], roles: list[str]) -> str:
    """Return the bound of a product/ratio of figures: 'exact' when all are exact,
    'approximate' when the rest are exact or approximate, 'lower'/'upper' when one
    input's bound direction carries through, 'indeterminate' otherwise.

    ``roles`` says for each input whether it is in the numerator ('num') or the
    denominator ('den'); a lower bound in a denominator makes the ratio an upper bound.
    """
    directions = set()
    for b, role in zip(bounds, roles):
        if b in ("lower", "upper"):
            flip = {"lower": "upper", "upper": "lower"}
            directions.add(b if role == "num" else flip[b])
    if not directions:
        return "approximate" if "approximate" in bounds else "exact"
    if len(directions) == 1 and "approximate" not in bounds:
        return directions.pop()
    return "indeterminate"


_ROLES = {
    "full_process_share_of_online": ["num", "den"],  # v0/(v0+v1) rises with v0, falls with v1
    "full_process_share_of_published": ["num", "den"],
    "online_service_coverage": ["num", "den"],
    "online_payment_coverage_of_published": ["num", "num", "den"],
    "departments_online_payment_above_65pct_share": ["num"],
    "lookups_per_dossier": ["num", "den"],
}


def _bound_for(formula: Formula, bounds: list[str]) -> str:
    return _ratio_bound(bounds, _ROLES[formula.family])


def _input_sets(obs: pd.DataFrame, formula: Formula) -> list[list]:
    """Return every combination of input rows (one per input indicator) on one subunit
    whose periods match: same period type; identical interval, or 'as of' dates within
    MAX_INPUT_GAP_DAYS; same scope when the formula requires it."""
    per = [obs[(obs["indicator"] == ind) & (obs["subunit"] == "")] for ind in formula.inputs]
    if any(p.empty for p in per):
        return []
    combos: list[list] = [[]]
    for p in per:
        combos = [c + [r] for c in combos for _, r in p.iterrows()]
    out = []
    for c in combos:
        if len({r["period_type"] for r in c}) != 1:
            continue
        if c[0]["period_type"] == "interval":
            if len({(r["period_start"], r["period_end"]) for r in c}) != 1:
                continue
        else:
            ends = [r["period_end"] for r in c]
            if (max(ends) - min(ends)).days > MAX_INPUT_GAP_DAYS:
                continue
        if formula.same_scope and len({r["scope"] for r in c}) != 1:
            continue
        out.append(c)
    return out


def _derived_row(ds: Dataset, prov: str, f: Formula, combo: list) -> dict | None:
    """Return the derived-share row computed from one set of input rows, or None when it
    cannot be computed (no stated denominator, or a zero total)."""
    vals = [float(r["value"]) for r in combo]
    if f.family == "departments_online_payment_above_65pct_share":
        # The share's denominator is the count of departments the source states.
        if pd.isna(combo[0]["denominator"]):
            return None
        vals.append(float(combo[0]["denominator"]))
    try:
        value = f.compute(vals)
    except ZeroDivisionError:
        return None  # a zero total: no share to report
    scopes = list(dict.fromkeys(r["scope"] for r in combo))
    interval = combo[0]["period_type"] == "interval"
    end = max(r["period_end"] for r in combo)
    start = combo[0]["period_start"] if interval else pd.NaT
    period_row = {"period_type": combo[0]["period_type"], "period_start": start, "period_end": end}
    caveats = []
    if len(scopes) > 1:
        caveats.append(Flag("mixed_scope_inputs",
                            f"Divides figures from different scopes ({' vs '.join(scopes)})."))
    lineage = []
    for r in combo:
        for fl in lineage_flags(ds, r):
            if fl.as_dict() not in lineage:
                lineage.append(fl.as_dict())
    return {
        "indicator": f.family, "title": f.title, "province": prov, "status": DERIVED,
        "formula": f.formula, "basis": f.basis,
        "inputs": [r["obs_id"] for r in combo], "missing_inputs": [],
        "scope": "+".join(scopes), "subunit": None, **period_row,
        "period": _period_label(period_row), "value": value, "unit": f.unit,
        "bound": _bound_for(f, [r["bound"] for r in combo]),
        "source_id": "+".join(dict.fromkeys(r["source_id"] for r in combo)),
        "caveats": [c.as_dict() for c in caveats], "lineage": lineage,
    }


def _no_data_row(prov: str, fam: str, missing: list[str]) -> dict:
    """Return the explicit 'no data' row of a family a province has no inputs for."""
    fs = [f for f in FORMULAS if f.family == fam]
    return {
        "indicator": fam, "title": fs[0].title, "province": prov, "status": NO_DATA,
        "formula": " or ".join(f.formula for f in fs),
        "basis": None, "inputs": [], "missing_inputs": missing, "scope": None,
        "subunit": None, "period_type": None, "period_start": pd.NaT,
        "period_end": pd.NaT, "period": NO_DATA, "value": math.nan,
        "unit": fs[0].unit, "bound": None, "source_id": None, "caveats": [], "lineage": [],
    }


def derive_shares(ds: Dataset, provinces) -> pd.DataFrame:
    """Return the derived shares of every province in ``provinces`` (columns
    :data:`DERIVED_COLUMNS`).

    Each computed row records ``formula``, the input ``inputs`` (obs_ids), ``scope`` (the
    inputs' scopes joined with '+' when they differ), period (as of the latest input
    date, or the shared interval), ``bound`` (propagated from the inputs) and the
    inputs' sources. A family with no computable row for a province gets one
    ``status == 'no data'`` row with value NaN and ``missing_inputs`` naming the absent
    indicators. Raises as :func:`resolve_provinces`.
    """
    names = resolve_provinces(ds, provinces)
    obs = ds.observations
    rows = []
    families = list(dict.fromkeys(f.family for f in FORMULAS))
    for prov in names:
        pobs = obs[obs["province"] == prov]
        for fam in families:
            made = 0
            missing: list[str] = []
            for f in (f for f in FORMULAS if f.family == fam):
                missing += [i for i in f.inputs if i not in set(pobs["indicator"]) and i not in missing]
                for combo in _input_sets(pobs, f):
                    row = _derived_row(ds, prov, f, combo)
                    if row is not None:
                        rows.append(row)
                        made += 1
            if not made:
                rows.append(_no_data_row(prov, fam, missing))
    return pd.DataFrame(rows, columns=DERIVED_COLUMNS)
