"""Verdicts on pairs of figures: comparable or not, with machine-readable reasons, and
the readable table of the pairs that cannot be compared."""

from __future__ import annotations

import math
from itertools import combinations

import pandas as pd

from analysis.data import Dataset
from analysis.data.schema import SCOPES
from analysis.models.compare.derived import derive_shares
from analysis.models.compare.index import index_figures, index_reasons
from analysis.models.compare.lineage import (_d, _length_days, _period_label, lineage_flags,
                                             period_distance_days, predecessors)
from analysis.models.compare.matrix import indicator_matrix, resolve_provinces
from analysis.models.compare.rules import (DEFAULT_TOLERANCE_DAYS, DERIVED, FLOW_UNITS,
                                           LOCAL_UNIT_UNITS, NO_DATA, RELATED_GROUPS,
                                           REFORM_DATE, REPORTED, Flag)

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


def _definition_reasons(a, b) -> list[Flag]:
    """Return the reasons two figures measure different things: indicator, formula,
    scope, sub-unit or unit."""
    reasons: list[Flag] = []
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
    return reasons


def _period_reasons(a, b, dist: float, tolerance_days: float) -> list[Flag]:
    """Return the reasons two figures describe different periods: too far apart, of
    different types, or flows over different or unknown lengths."""
    reasons: list[Flag] = []
    pa_, pb_ = a["province"], b["province"]
    if dist > tolerance_days:
        reasons.append(Flag("period_too_far",
                            f"{pa_}: {_period_label(a)}; {pb_}: {_period_label(b)}; reference dates "
                            f"{dist:.0f} days apart (tolerance {tolerance_days:g} days)."))
    if a["period_type"] != b["period_type"]:
        reasons.append(Flag("period_type_differs",
                            f"{pa_}: {_period_label(a)}; {pb_}: {_period_label(b)}."))
    if a["unit"] in FLOW_UNITS or b["unit"] in FLOW_UNITS:
        la, lb = _length_days(a), _length_days(b)
        if la is not None and lb is not None and abs(la - lb) > 0.1 * max(la, lb):
            reasons.append(Flag("period_length_differs",
                                f"Counts over {la:.0f} days ({pa_}) and {lb:.0f} days ({pb_})."))
        undated = [r["province"] for r in (a, b) if r["unit"] in FLOW_UNITS and _length_days(r) is None]
        if undated:
            reasons.append(Flag("start_not_stated",
                                f"{' and '.join(undated)}: a count of {a['unit'] if a['unit'] in FLOW_UNITS else b['unit']} "
                                "'as of' a date with no stated start; the period it covers is unknown."))
    return reasons


def _bound_checks(a, b) -> tuple[list[Flag], list[Flag]]:
    """Return (reasons, caveats) from the two figures' bounds."""
    reasons: list[Flag] = []
    caveats: list[Flag] = []
    pa_, pb_ = a["province"], b["province"]
    ba, bb = _get(a, "bound"), _get(b, "bound")
    ca, cb = _bound_class(ba), _bound_class(bb)
    if ca != cb or "indeterminate" in (ba, bb):
        reasons.append(Flag("bound_differs", f"{pa_}: {ba}; {pb_}: {bb}."))
    elif ca in ("lower", "upper"):
        caveats.append(Flag("both_bounds", f"Both figures are {ca} bounds."))
    if "approximate" in (ba, bb):
        caveats.append(Flag("approximate", f"{pa_}: {ba}; {pb_}: {bb}."))
    return reasons, caveats


def _lineage_checks(ds: Dataset, a, b) -> tuple[list[Flag], list[Flag]]:
    """Return (reasons, caveats) from administrative lineage: a province that had ceased,
    a successor's territory against one of its predecessors (or itself before the merger),
    and local-unit counts on either side of the 2025 reform."""
    reasons: list[Flag] = []
    caveats: list[Flag] = []
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
        if min(sa_, sb_) < REFORM_DATE and max(ea, eb) >= REFORM_DATE:
            reasons.append(Flag("locality_reform",
                                f"{a['province']}: {_period_label(a)} ({a['unit']}); {b['province']}: "
                                f"{_period_label(b)} ({b['unit']}): on either side of the 1 Jul 2025 "
                                "reform, the units counted differ (in Nghệ An: 20 district-level "
                                "localities before, 130 communes after)."))
    return reasons, caveats


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
    dist = period_distance_days(a, b)
    reasons = _definition_reasons(a, b) + _period_reasons(a, b, dist, tolerance_days) + index_reasons(a, b)
    bound_reasons, caveats = _bound_checks(a, b)
    lineage_reasons, lineage_caveats = _lineage_checks(ds, a, b)
    reasons += bound_reasons + lineage_reasons
    caveats += lineage_caveats
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
        ida = "+".join(a["inputs"]) if kind == "derived" else a["obs_id"]
        idb = "+".join(b["inputs"]) if kind == "derived" else b["obs_id"]
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
                  within_province: bool = False, index: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return one row per pair of figures from different provinces on the same or a
    related indicator, for reported figures (``kind == 'observed'``), derived shares
    (``kind == 'derived'``) and figures of the national index (``kind == 'index'``, by
    default the latest retrieval of each period: :func:`index_figures`), with the verdict of :func:`pair_verdict` (columns
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
    if index is None:
        index = index_figures(ds, resolve_provinces(ds, provinces))
    obs_rows = matrix[matrix["status"] == REPORTED].reset_index(drop=True)
    der_rows = derived[derived["status"] == DERIVED].reset_index(drop=True)
    rows = _pairs_of(ds, obs_rows, "observed", tolerance_days, within_province) + \
        _pairs_of(ds, der_rows, "derived", tolerance_days, within_province) + \
        _pairs_of(ds, index.reset_index(drop=True), "index", tolerance_days, within_province)
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

