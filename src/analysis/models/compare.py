"""Compare provinces figure by figure, and say which figures cannot be compared and why.

The sources report different provinces in different years, on different scopes (the
national TTHC database, the provincial system, the provincial centre) and with different
definitions (services offered online vs dossiers submitted online; full-process vs partial
services). This module never puts two such figures side by side as if they measured the
same thing. It returns:

- :func:`indicator_matrix`: every observation of every requested province for each
  indicator, with period, scope, value and source; a province with no figure for an
  indicator gets an explicit ``no data`` row with ``value`` NaN (never zero);
- :func:`derive_shares`: shares computed from two or three reported figures of one
  province (e.g. full-process online services as a share of all online services), each
  with its ``formula``, its input ``obs_ids`` and the scope and period of the result;
- :func:`pair_verdict` / :func:`pair_verdicts`: for each pair of figures from different
  provinces on the same indicator (or on related definitions), ``comparable`` True or
  False with machine-readable reason codes (:data:`REASONS`) and human text;
- :func:`lineage_flags`: administrative-lineage flags from ``admin_units.csv`` (a figure
  dated after its province ceased to exist; a successor's figure that includes merged
  provinces; counts of localities that change with the 2025 reform).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import combinations

import pandas as pd

from analysis.data import Dataset
from analysis.errors import Refused
from analysis.data.observations import format_period
from analysis.data.schema import SCOPES

#: Default maximum distance in days between two figures' reference dates (interval
#: midpoints, or 'as of' dates) for them to count as the same period: one year (366 days
#: so that a leap year's 31 Dec to 31 Dec still counts).
DEFAULT_TOLERANCE_DAYS = 366

#: Two input figures of one derived share may be at most this many days apart ('as of'
#: stocks reported in the same article a few days apart).
MAX_INPUT_GAP_DAYS = 31

#: Start of the two-tier local government (Law 72/2025/QH15) and of the 34-province map
#: (Resolution 202/2025/QH15): district-level localities ceased to exist on this date.
REFORM_DATE = pd.Timestamp("2025-07-01")

#: Units and scopes that count local-government units, whose number changes with the reform.
LOCAL_UNIT_UNITS = frozenset({"localities", "communes"})

#: Units of flows: their value accumulates with the length of the period, so a figure
#: whose start is not stated, or that covers a longer period, is not comparable.
FLOW_UNITS = frozenset({"dossiers", "notifications", "lookups", "documents", "resolutions"})

#: Marker in the ``status`` column for a province without a figure.
NO_DATA = "no data"
REPORTED = "reported"
DERIVED = "derived"

#: Every reason two figures are not comparable, by code. Each has a test case.
REASONS: dict[str, str] = {
    "indicator_differs": "The figures measure related but different things (different definitions).",
    "formula_differs": "The derived figures are computed by different formulas or from different kinds of input.",
    "scope_differs": "The figures count different things or places (measurement scope).",
    "subunit_differs": "The figures are about different sub-units (a task group, a procedure, a locality) or one is about a sub-unit and the other about the whole.",
    "unit_differs": "The figures are in different units.",
    "period_too_far": "The figures' reference dates are further apart than the tolerance.",
    "period_type_differs": "One figure covers a stated interval, the other is an 'as of' figure whose start is not stated.",
    "period_length_differs": "The figures are counts over periods of different length.",
    "start_not_stated": "A count that accumulates over time ('as of' a date) has no stated start, so its period is unknown.",
    "bound_differs": "One figure is a bound ('more than', 'less than') and the other a point, or the bound of a derived share is unknown.",
    "province_ceased": "A figure is dated after its province ceased to exist.",
    "territory_changed": "A successor province's figure after a merger includes the merged provinces, so it is not the same territory as the other figure.",
    "locality_reform": "Counts of local-government units on either side of the 1 Jul 2025 reform (districts abolished, communes merged) count different units.",
}

#: Flags that do not block a comparison but must be shown with it.
CAVEATS: dict[str, str] = {
    "both_bounds": "Both figures are bounds of the same direction: neither can be said to be larger.",
    "approximate": "At least one figure is a round number the source presents as approximate.",
    "successor_includes_merged": "A successor province's figure after a merger covers the merged provinces too.",
    "mixed_scope_inputs": "A derived share divides figures from two different scopes.",
    "undated_stock": "An 'as of' figure's reference date was assigned by convention (see the observation's note).",
}

#: Related definitions: indicators that researchers are tempted to compare with each other
#: but that measure different things. Pairs across provinces within a group are shown
#: (and are never comparable because the indicator differs).
RELATED_GROUPS: dict[str, tuple[str, ...]] = {
    "online share (dossiers submitted online vs services offered online)": (
        "online_dossier_rate", "online_service_coverage_rate", "procedures_e_process_rate"),
    "full-process online provision (procedures vs services)": (
        "procedures_full_online", "online_services_full_process"),
    "partial online provision (procedures vs services)": (
        "procedures_partial_online", "online_services_partial"),
    "online payment (capability vs use vs agencies passing a threshold)": (
        "online_payment_enabled_rate", "procedures_with_online_payment_rate",
        "online_payment_dossier_rate", "departments_online_payment_above_65pct",
        "departments_online_payment_below_10pct"),
    "essential services deployed (53 vs 25 vs 28 listed)": (
        "essential_services_deployed", "essential_services_deployed_project06",
        "essential_services_deployed_decision422"),
    "online payment, derived (share of published procedures payable online vs share of departments above 65%)": (
        "online_payment_coverage_of_published", "departments_online_payment_above_65pct_share"),
    "online provision, derived (services per procedure vs full-process per procedure)": (
        "online_service_coverage", "full_process_share_of_published"),
    "local-government units counted (district-level localities before 1 Jul 2025 vs communes after)": (
        "localities_satisfaction_above_90pct", "localities_on_time_above_99pct",
        "localities_on_time_below_97pct", "localities_score_below_7",
        "residence_digitisation_pilot_localities", "communes_with_admin_centre"),
}


# ----------------------------------------------------------------------------- periods


def reference_date(row) -> pd.Timestamp:
    """Return the date a figure describes: the midpoint of a stated interval, else the
    'as of' date (period_end). An 'as of' figure has no stated start, so no midpoint."""
    start, end = row["period_start"], row["period_end"]
    if row["period_type"] == "interval" and pd.notna(start):
        return start + (end - start) / 2
    return end


def period_distance_days(a, b) -> float:
    """Return the distance in days between the reference dates of two figures."""
    return abs((reference_date(a) - reference_date(b)).total_seconds()) / 86400.0


def _length_days(row) -> float | None:
    if row["period_type"] != "interval" or pd.isna(row["period_start"]):
        return None
    return (row["period_end"] - row["period_start"]).days + 1


def _period_label(row) -> str:
    return format_period(row)


# ----------------------------------------------------------------------------- lineage


@dataclass(frozen=True)
class Flag:
    """A reason code with its human text."""

    code: str
    text: str

    def as_dict(self) -> dict:
        return {"code": self.code, "text": self.text}


def _admin(ds: Dataset) -> pd.DataFrame:
    return ds.admin_units.set_index("province")


def predecessors(ds: Dataset, province: str) -> list[tuple[str, pd.Timestamp]]:
    """Return [(predecessor, last valid day), ...] of provinces merged into ``province``."""
    au = ds.admin_units
    rows = au[(au["successor"] == province) & au["valid_to"].notna()]
    return [(r["province"], r["valid_to"]) for _, r in rows.iterrows()]


def _d(ts: pd.Timestamp) -> str:
    return ts.strftime("%d/%m/%Y")


def lineage_flags(ds: Dataset, row) -> list[Flag]:
    """Return the administrative-lineage flags of one figure (empty when none).

    ``province_ceased``: the figure's period ends after its province's ``valid_to``.
    ``successor_includes_merged``: the province absorbed others (their ``successor``) and
    the figure's period ends after the day they ceased. ``locality_reform``: the figure
    counts local-government units (unit or scope ``localities``/``communes``); the text
    says on which side of 1 Jul 2025 it lies.
    """
    flags: list[Flag] = []
    admin = _admin(ds)
    prov, end = row["province"], row["period_end"]
    if prov in admin.index:
        a = admin.loc[prov]
        if pd.notna(a["valid_to"]) and end > a["valid_to"]:
            succ = f" (merged into {a['successor']})" if a["successor"] else ""
            flags.append(Flag("province_ceased",
                              f"{prov} ceased to exist after {_d(a['valid_to'])}{succ}; this figure is "
                              f"dated {_period_label(row)}."))
    merged = [(p, last) for p, last in predecessors(ds, prov) if end > last]
    if merged:
        names = ", ".join(p for p, _ in merged)
        last = max(t for _, t in merged)
        flags.append(Flag("successor_includes_merged",
                          f"{prov} after {_d(last)} includes former {names}; this figure "
                          f"({_period_label(row)}) is not the same territory as {prov} before."))
    if row["unit"] in LOCAL_UNIT_UNITS or row["scope"] in LOCAL_UNIT_UNITS:
        side = "after" if end >= REFORM_DATE else "before"
        what = ("commune-level units" if row["unit"] == "communes" or row["scope"] == "communes"
                else "district-level localities")
        flags.append(Flag("locality_reform",
                          f"Counts {what}, {side} the 1 Jul 2025 reform (districts abolished)."))
    return flags


# ----------------------------------------------------------------------------- matrix

MATRIX_COLUMNS = ["indicator", "title", "province", "status", "obs_id", "scope", "subunit",
                  "period_type", "period_start", "period_end", "period", "value", "unit",
                  "bound", "numerator", "denominator", "source_id", "lineage"]


def resolve_provinces(ds: Dataset, provinces) -> list[str]:
    """Return the canonical names of ``provinces`` (aliases, NFD, case), duplicates dropped.

    Raises UnknownProvinceError (listing the known ones) for a name not in the data, and
    Refused when fewer than two distinct provinces remain: a comparison needs two.
    """
    if isinstance(provinces, str):
        provinces = [provinces]
    names = list(dict.fromkeys(ds.canonical_province(p) for p in provinces))
    if len(names) < 2:
        raise Refused(f"a comparison needs at least two different provinces; got {names}. "
                      f"Known provinces: {', '.join(ds.provinces())}")
    return names


def indicator_matrix(ds: Dataset, provinces, indicators=None) -> pd.DataFrame:
    """Return the long indicator matrix: one row per observation of each province, and one
    ``status == 'no data'`` row (value NaN, no source) per province without a figure.

    Indicators default to every indicator reported for at least one of the provinces,
    in indicators.csv order. Columns: :data:`MATRIX_COLUMNS`; ``lineage`` is a list of
    :class:`Flag` dicts. Raises UnknownProvinceError / Refused as :func:`resolve_provinces`,
    KeyError for an unknown indicator.
    """
    names = resolve_provinces(ds, provinces)
    obs = ds.observations[ds.observations["province"].isin(names)]
    meta = ds.indicators.set_index("indicator")
    if indicators is None:
        present = set(obs["indicator"])
        indicators = [i for i in ds.indicators["indicator"] if i in present]
    for i in indicators:
        ds.indicator_meta(i)  # KeyError for an unknown indicator
    rows = []
    for ind in indicators:
        for prov in names:
            sel = obs[(obs["indicator"] == ind) & (obs["province"] == prov)].sort_values(
                ["period_end", "obs_id"])
            if sel.empty:
                rows.append({"indicator": ind, "title": meta.loc[ind, "title"], "province": prov,
                             "status": NO_DATA, "obs_id": None, "scope": None, "subunit": None,
                             "period_type": None, "period_start": pd.NaT, "period_end": pd.NaT,
                             "period": NO_DATA, "value": math.nan, "unit": meta.loc[ind, "unit"],
                             "bound": None, "numerator": pd.NA, "denominator": pd.NA,
                             "source_id": None, "lineage": []})
                continue
            for _, r in sel.iterrows():
                rows.append({"indicator": ind, "title": meta.loc[ind, "title"], "province": prov,
                             "status": REPORTED, "obs_id": r["obs_id"], "scope": r["scope"],
                             "subunit": r["subunit"] or None, "period_type": r["period_type"],
                             "period_start": r["period_start"], "period_end": r["period_end"],
                             "period": _period_label(r), "value": float(r["value"]),
                             "unit": r["unit"], "bound": r["bound"], "numerator": r["numerator"],
                             "denominator": r["denominator"], "source_id": r["source_id"],
                             "lineage": [f.as_dict() for f in lineage_flags(ds, r)]})
    return pd.DataFrame(rows, columns=MATRIX_COLUMNS)


def _cell_text(r) -> str:
    if r["status"] == NO_DATA:
        return "— (no data)"
    v = r["value"]
    num = f"{v:,.2f}".rstrip("0").rstrip(".") if v != int(v) else f"{int(v):,}"
    prefix = {"lower": "> ", "upper": "< ", "approximate": "≈ "}.get(r["bound"], "")
    unit = "%" if r["unit"] == "percent" else f" {r['unit']}"
    sub = f", {r['subunit']}" if r.get("subunit") else ""
    flags = " ⚑" if r["lineage"] else ""
    return f"{prefix}{num}{unit} ({r['scope']}{sub}; {r['period']}) [{r['source_id']}]{flags}"


def matrix_table(matrix: pd.DataFrame) -> pd.DataFrame:
    """Return the matrix as a readable wide table: one row per indicator, one column per
    province, each cell listing that province's figures ('— (no data)' when none)."""
    provinces = list(dict.fromkeys(matrix["province"]))
    out = []
    for ind, grp in matrix.groupby("indicator", sort=False):
        row = {"indicator": grp["title"].iloc[0]}
        for p in provinces:
            cells = grp[grp["province"] == p]
            row[p] = "\n".join(_cell_text(r) for _, r in cells.iterrows())
        out.append(row)
    return pd.DataFrame(out, columns=["indicator", *provinces])


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
    Formula("full_process_share_of_online", "Full-process share of online provision (%)",
            "100 × procedures_full_online / (procedures_full_online + procedures_partial_online)",
            ("procedures_full_online", "procedures_partial_online"), "percent", "procedures"),
    Formula("full_process_share_of_online", "Full-process share of online provision (%)",
            "100 × online_services_full_process / (online_services_full_process + online_services_partial)",
            ("online_services_full_process", "online_services_partial"), "percent", "services"),
    Formula("full_process_share_of_published", "Full-process online as a share of published procedures (%)",
            "100 × procedures_full_online / procedures_published",
            ("procedures_full_online", "procedures_published"), "percent", "procedures",
            same_scope=False),
    Formula("full_process_share_of_published", "Full-process online as a share of published procedures (%)",
            "100 × online_services_full_process / procedures_published",
            ("online_services_full_process", "procedures_published"), "percent",
            "services per procedure", same_scope=False),
    Formula("online_service_coverage", "Online services provided per published procedure (%)",
            "100 × online_services_provided / procedures_published",
            ("online_services_provided", "procedures_published"), "percent", "services per procedure"),
    Formula("online_payment_coverage_of_published",
            "Procedures with online payment enabled, as a share of published procedures (%)",
            "online_payment_enabled_rate × procedures_with_fees / procedures_published",
            ("online_payment_enabled_rate", "procedures_with_fees", "procedures_published"),
            "percent", "procedures", same_scope=False),
    Formula("departments_online_payment_above_65pct_share",
            "Departments with online payment above 65%, as a share of departments (%)",
            "100 × departments_online_payment_above_65pct / its stated denominator",
            ("departments_online_payment_above_65pct",), "percent", "agencies"),
    Formula("lookups_per_dossier", "Population-database lookups per dossier received",
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
                    vals = [float(r["value"]) for r in combo]
                    if f.family == "departments_online_payment_above_65pct_share":
                        # The share's denominator is the count of departments the source states.
                        if pd.isna(combo[0]["denominator"]):
                            continue
                        vals.append(float(combo[0]["denominator"]))
                    try:
                        value = f.compute(vals)
                    except ZeroDivisionError:
                        continue  # a zero total: no share to report
                    scopes = list(dict.fromkeys(r["scope"] for r in combo))
                    interval = combo[0]["period_type"] == "interval"
                    end = max(r["period_end"] for r in combo)
                    start = combo[0]["period_start"] if interval else pd.NaT
                    period_row = {"period_type": combo[0]["period_type"], "period_start": start,
                                  "period_end": end}
                    caveats = []
                    if len(scopes) > 1:
                        caveats.append(Flag("mixed_scope_inputs",
                                            f"Divides figures from different scopes ({' vs '.join(scopes)})."))
                    lineage = []
                    for r in combo:
                        for fl in lineage_flags(ds, r):
                            if fl.as_dict() not in lineage:
                                lineage.append(fl.as_dict())
                    rows.append({
                        "indicator": fam, "title": f.title, "province": prov, "status": DERIVED,
                        "formula": f.formula, "basis": f.basis,
                        "inputs": [r["obs_id"] for r in combo], "missing_inputs": [],
                        "scope": "+".join(scopes), "subunit": None, **period_row,
                        "period": _period_label(period_row), "value": value, "unit": f.unit,
                        "bound": _bound_for(f, [r["bound"] for r in combo]),
                        "source_id": "+".join(dict.fromkeys(r["source_id"] for r in combo)),
                        "caveats": [c.as_dict() for c in caveats], "lineage": lineage,
                    })
                    made += 1
            if not made:
                title = next(f.title for f in FORMULAS if f.family == fam)
                rows.append({
                    "indicator": fam, "title": title, "province": prov, "status": NO_DATA,
                    "formula": " or ".join(f.formula for f in FORMULAS if f.family == fam),
                    "basis": None, "inputs": [], "missing_inputs": missing, "scope": None,
                    "subunit": None, "period_type": None, "period_start": pd.NaT,
                    "period_end": pd.NaT, "period": NO_DATA, "value": math.nan,
                    "unit": next(f.unit for f in FORMULAS if f.family == fam), "bound": None,
                    "source_id": None, "caveats": [], "lineage": [],
                })
    return pd.DataFrame(rows, columns=DERIVED_COLUMNS)


# ----------------------------------------------------------------------------- verdicts


def _related(a: str, b: str) -> str | None:
    """Return the name of the related-definitions group holding both indicators, if any."""
    for name, members in RELATED_GROUPS.items():
        if a in members and b in members:
            return name
    return None


def _is_local_count(r) -> bool:
    return r["unit"] in LOCAL_UNIT_UNITS or r["scope"] in LOCAL_UNIT_UNITS


def _bound_class(b: str | None) -> str:
    return {"exact": "point", "approximate": "point"}.get(b, b or "unknown")


def _get(r, key, default=None):
    try:
        v = r[key]
    except (KeyError, IndexError):
        return default
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return default
    return v


def _who(r) -> str:
    return f"{r['province']} [{_get(r, 'obs_id') or _get(r, 'inputs') or '?'}]"


def pair_verdict(ds: Dataset, a, b, tolerance_days: float = DEFAULT_TOLERANCE_DAYS) -> dict:
    """Return the comparability verdict of two figures (observation or derived rows).

    The result has ``comparable`` (bool), ``reasons`` (list of {code, text}, codes from
    :data:`REASONS`; empty exactly when comparable), ``caveats`` (list of {code, text}
    from :data:`CAVEATS`, shown but not blocking) and ``period_distance_days``.
    Raises ValueError for a negative tolerance or a row without a value.
    """
    if tolerance_days < 0:
        raise ValueError(f"tolerance_days must be 0 or more, got {tolerance_days}")
    for r in (a, b):
        if _get(r, "value") is None:
            raise ValueError(f"{_who(r)} has no value (a 'no data' row cannot be compared)")
    reasons: list[Flag] = []
    caveats: list[Flag] = []
    pa_, pb_ = a["province"], b["province"]
    ia, ib = a["indicator"], b["indicator"]
    if ia != ib:
        group = _related(ia, ib)
        label = f" ({group})" if group else ""
        reasons.append(Flag("indicator_differs",
                            f"{pa_} reports '{ia}', {pb_} reports '{ib}': related but different "
                            f"definitions{label}."))
    fa, fb = _get(a, "formula"), _get(b, "formula")
    if fa != fb and (fa or fb):
        reasons.append(Flag("formula_differs",
                            f"{pa_}: {fa or 'a reported figure'} (basis: {_get(a, 'basis', '?')}); "
                            f"{pb_}: {fb or 'a reported figure'} (basis: {_get(b, 'basis', '?')})."))
    if a["scope"] != b["scope"]:
        da = SCOPES.get(a["scope"], a["scope"])
        db = SCOPES.get(b["scope"], b["scope"])
        reasons.append(Flag("scope_differs",
                            f"{pa_} counts '{a['scope']}' ({da}); {pb_} counts '{b['scope']}' ({db})."))
    sa, sb = _get(a, "subunit") or "", _get(b, "subunit") or ""
    if sa != sb:
        reasons.append(Flag("subunit_differs",
                            f"{pa_}'s figure is about {('“' + sa + '”') if sa else 'the whole scope'}; "
                            f"{pb_}'s about {('“' + sb + '”') if sb else 'the whole scope'}."))
    if a["unit"] != b["unit"]:
        reasons.append(Flag("unit_differs", f"{pa_} in {a['unit']}, {pb_} in {b['unit']}."))
    dist = period_distance_days(a, b)
    if dist > tolerance_days:
        reasons.append(Flag("period_too_far",
                            f"{pa_}: {_period_label(a)}; {pb_}: {_period_label(b)}; reference dates "
                            f"{dist:.0f} days apart (tolerance {tolerance_days:g} days)."))
    if a["period_type"] != b["period_type"]:
        reasons.append(Flag("period_type_differs",
                            f"{pa_}: {_period_label(a)}; {pb_}: {_period_label(b)}."))
    flow = a["unit"] in FLOW_UNITS or b["unit"] in FLOW_UNITS
    if flow:
        la, lb = _length_days(a), _length_days(b)
        if la is not None and lb is not None and abs(la - lb) > 0.1 * max(la, lb):
            reasons.append(Flag("period_length_differs",
                                f"Counts over {la:.0f} days ({pa_}) and {lb:.0f} days ({pb_})."))
        undated = [r["province"] for r in (a, b) if r["unit"] in FLOW_UNITS and _length_days(r) is None]
        if undated:
            reasons.append(Flag("start_not_stated",
                                f"{' and '.join(undated)}: a count of {a['unit'] if a['unit'] in FLOW_UNITS else b['unit']} "
                                "'as of' a date with no stated start; the period it covers is unknown."))
    ba, bb = _get(a, "bound"), _get(b, "bound")
    ca, cb = _bound_class(ba), _bound_class(bb)
    if ca != cb or "indeterminate" in (ba, bb):
        reasons.append(Flag("bound_differs", f"{pa_}: {ba}; {pb_}: {bb}."))
    elif ca in ("lower", "upper"):
        caveats.append(Flag("both_bounds", f"Both figures are {ca} bounds."))
    if "approximate" in (ba, bb):
        caveats.append(Flag("approximate", f"{pa_}: {ba}; {pb_}: {bb}."))
    # Administrative lineage.
    la_flags, lb_flags = lineage_flags(ds, a), lineage_flags(ds, b)
    reasons.extend(fl for fl in la_flags + lb_flags if fl.code == "province_ceased")
    for r, other, flags in ((a, b, la_flags), (b, a, lb_flags)):
        if any(fl.code == "successor_includes_merged" for fl in flags):
            merged = {p for p, last in predecessors(ds, r["province"]) if r["period_end"] > last}
            last = max(t for p, t in predecessors(ds, r["province"]) if p in merged)
            if other["province"] in merged or (other["province"] == r["province"]
                                               and other["period_end"] <= last):
                reasons.append(Flag("territory_changed",
                                    f"{r['province']} after {_d(last)} includes former "
                                    f"{', '.join(sorted(merged))}; the other figure is "
                                    f"{other['province']} ({_period_label(other)})."))
            else:
                caveats.extend(fl for fl in flags if fl.code == "successor_includes_merged")
    if _is_local_count(a) or _is_local_count(b):
        ea, eb = a["period_end"], b["period_end"]
        sa_ = a["period_start"] if pd.notna(_get(a, "period_start", pd.NaT)) else ea
        sb_ = b["period_start"] if pd.notna(_get(b, "period_start", pd.NaT)) else eb
        before = min(sa_, sb_) < REFORM_DATE
        after = max(ea, eb) >= REFORM_DATE
        if before and after:
            reasons.append(Flag("locality_reform",
                                f"{pa_}: {_period_label(a)} ({a['unit']}); {pb_}: {_period_label(b)} "
                                f"({b['unit']}): on either side of the 1 Jul 2025 reform, the units "
                                "counted differ (in Nghệ An: 20 district-level localities before, 130 communes after)."))
    # One entry per code: keep the first text.
    seen, uniq = set(), []
    for fl in reasons:
        if fl.code not in seen:
            seen.add(fl.code)
            uniq.append(fl)
    return {"comparable": not uniq, "reasons": [f.as_dict() for f in uniq],
            "caveats": [c.as_dict() for c in dict.fromkeys(caveats)],
            "period_distance_days": round(dist, 1)}


def _candidate_pairs(rows: pd.DataFrame, within_province: bool = False):
    """Yield (i, j) index pairs of rows whose indicators are the same or related (see
    RELATED_GROUPS): rows from different provinces, and with ``within_province`` also
    rows of one province (a province against itself over time)."""
    idx = list(rows.index)
    for i, j in combinations(idx, 2):
        a, b = rows.loc[i], rows.loc[j]
        if a["province"] == b["province"] and not within_province:
            continue
        if a["indicator"] == b["indicator"] or _related(a["indicator"], b["indicator"]):
            yield i, j


PAIR_COLUMNS = ["kind", "indicator_a", "indicator_b", "province_a", "province_b", "id_a", "id_b",
                "value_a", "value_b", "unit_a", "unit_b", "period_a", "period_b", "scope_a",
                "scope_b", "bound_a", "bound_b", "source_a", "source_b", "comparable",
                "reason_codes", "reasons", "caveats", "period_distance_days"]


def _pairs_of(ds, rows: pd.DataFrame, kind: str, tolerance_days: float,
              within_province: bool = False) -> list[dict]:
    out = []
    for i, j in _candidate_pairs(rows, within_province):
        a, b = rows.loc[i], rows.loc[j]
        v = pair_verdict(ds, a, b, tolerance_days)
        ida = a["obs_id"] if kind == "observed" else "+".join(a["inputs"])
        idb = b["obs_id"] if kind == "observed" else "+".join(b["inputs"])
        out.append({
            "kind": kind, "indicator_a": a["indicator"], "indicator_b": b["indicator"],
            "province_a": a["province"], "province_b": b["province"], "id_a": ida, "id_b": idb,
            "value_a": float(a["value"]), "value_b": float(b["value"]), "unit_a": a["unit"],
            "unit_b": b["unit"], "period_a": a["period"], "period_b": b["period"],
            "scope_a": a["scope"], "scope_b": b["scope"], "bound_a": a["bound"],
            "bound_b": b["bound"], "source_a": a["source_id"], "source_b": b["source_id"],
            "comparable": v["comparable"], "reason_codes": [r["code"] for r in v["reasons"]],
            "reasons": v["reasons"], "caveats": v["caveats"],
            "period_distance_days": v["period_distance_days"],
        })
    return out


def pair_verdicts(ds: Dataset, provinces, tolerance_days: float = DEFAULT_TOLERANCE_DAYS,
                  matrix: pd.DataFrame | None = None, derived: pd.DataFrame | None = None,
                  within_province: bool = False) -> pd.DataFrame:
    """Return one row per pair of figures from different provinces on the same or a
    related indicator, for reported figures (``kind == 'observed'``) and derived shares
    (``kind == 'derived'``), with the verdict of :func:`pair_verdict` (columns
    :data:`PAIR_COLUMNS`). With ``within_province`` the pairs of one province's figures
    over time are included too (e.g. its 20 localities before the 2025 reform against its
    130 communes after). Comparable pairs come first, then by fewest reasons and
    shortest period distance. Raises as :func:`resolve_provinces` and ValueError for a
    negative tolerance.
    """
    if tolerance_days < 0:
        raise ValueError(f"tolerance_days must be 0 or more, got {tolerance_days}")
    if matrix is None:
        matrix = indicator_matrix(ds, provinces)
    if derived is None:
        derived = derive_shares(ds, provinces)
    obs_rows = matrix[matrix["status"] == REPORTED].reset_index(drop=True)
    der_rows = derived[derived["status"] == DERIVED].reset_index(drop=True)
    rows = _pairs_of(ds, obs_rows, "observed", tolerance_days, within_province) + \
        _pairs_of(ds, der_rows, "derived", tolerance_days, within_province)
    out = pd.DataFrame(rows, columns=PAIR_COLUMNS)
    if out.empty:
        return out
    out["_n"] = out["reason_codes"].map(len)
    out = out.sort_values(["comparable", "_n", "period_distance_days", "indicator_a", "id_a", "id_b"],
                          ascending=[False, True, True, True, True, True], kind="mergesort")
    return out.drop(columns="_n").reset_index(drop=True)


_BOUND_PREFIX = {"lower": "> ", "upper": "< ", "approximate": "≈ ", "indeterminate": "? "}


def format_figure(value: float, unit: str, bound: str | None) -> str:
    """Return a value as text with its bound and unit: '> 44%', '224,930 dossiers', '0.2183 lookups per dossier'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return NO_DATA
    num = f"{int(value):,}" if float(value) == int(value) else f"{value:,.4g}"
    unit_text = "%" if unit == "percent" else f" {unit}"
    return f"{_BOUND_PREFIX.get(bound, '')}{num}{unit_text}"


def not_comparable_table(pairs: pd.DataFrame) -> pd.DataFrame:
    """Return a readable table of the pairs that cannot be compared: the two figures (value
    with bound and unit, scope, period, source) and every reason, codes and words."""
    bad = pairs[~pairs["comparable"]]
    rows = []
    for _, p in bad.iterrows():
        rows.append({
            "figure A": f"{p['province_a']}: {p['indicator_a']} = {format_figure(p['value_a'], p['unit_a'], p['bound_a'])} "
                        f"({p['scope_a']}; {p['period_a']}) [{p['source_a']}]",
            "figure B": f"{p['province_b']}: {p['indicator_b']} = {format_figure(p['value_b'], p['unit_b'], p['bound_b'])} "
                        f"({p['scope_b']}; {p['period_b']}) [{p['source_b']}]",
            "reasons": "; ".join(p["reason_codes"]),
            "why": " ".join(r["text"] for r in p["reasons"]),
        })
    return pd.DataFrame(rows, columns=["figure A", "figure B", "reasons", "why"])


# ----------------------------------------------------------------------------- JSON


def _jsonable(v):
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d")
    if v is None or v is pd.NaT or v is pd.NA:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    if hasattr(v, "item"):  # numpy scalars
        return _jsonable(v.item())
    return v


def records(frame: pd.DataFrame) -> list[dict]:
    """Return ``frame`` as JSON-ready dicts: ISO dates, None for missing (NaN, NaT, NA)."""
    return [{k: _jsonable(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


def comparison(ds: Dataset, provinces, tolerance_days: float = DEFAULT_TOLERANCE_DAYS,
               within_province: bool = False) -> dict:
    """Return the whole comparison as a JSON-ready dict: ``provinces``, ``tolerance_days``,
    ``matrix`` (observations and 'no data' rows), ``derived``, ``pairs`` (verdicts) and the
    ``reason_codes`` and ``caveat_codes`` vocabularies. Raises as :func:`pair_verdicts`."""
    names = resolve_provinces(ds, provinces)
    matrix = indicator_matrix(ds, names)
    derived = derive_shares(ds, names)
    pairs = pair_verdicts(ds, names, tolerance_days, matrix=matrix, derived=derived,
                          within_province=within_province)
    return {
        "provinces": names,
        "tolerance_days": tolerance_days,
        "within_province": within_province,
        "matrix": records(matrix),
        "derived": records(derived),
        "pairs": records(pairs),
        "n_comparable": int(pairs["comparable"].sum()) if len(pairs) else 0,
        "reason_codes": REASONS,
        "caveat_codes": CAVEATS,
    }
