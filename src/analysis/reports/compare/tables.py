"""The comparison report's tables as a reader sees them (shown through :mod:`analysis.reports.tables`).

The models' tables (:mod:`analysis.models.compare`) write figures the way a programmer
checks them: codes (``province_wide``, ``p06_tasks_completed``), English units and dates,
``nan`` for a missing subunit. These functions rebuild each table from the same rows in
the reader's language: indicator titles from the catalog, values and dates by the
language's convention (:mod:`analysis.reports.wording`), scopes by their short labels,
and no code columns.
"""

from __future__ import annotations

import re

import pandas as pd

from analysis.i18n import N_, _
from analysis.models import compare
from analysis.reports import compare as compare_report, plotting, wording

#: Column headers (translated by tables.table).
HEADERS = {
    "indicator": N_("Indicator"), "province": N_("Province"), "value": N_("Value"), "scope": N_("Scope"),
    "period": N_("Period"), "notes": N_("Notes"), "figure_a": N_("First figure"), "figure_b": N_("Second figure"),
    "why": N_("Why they cannot be compared"), "verdict": N_("Verdict"),
}
VERDICTS = {True: N_("comparable"), False: N_("NOT COMPARABLE")}


def _present(v) -> bool:
    return v is not None and not (isinstance(v, float) and pd.isna(v)) and str(v).strip() not in ("", "nan", "None")


def _figure(row) -> str:
    """Return one figure as 'value (scope; subunit; period)' in the current language."""
    bits = ["+".join(plotting.scope_short(c) for c in str(row["scope"]).split("+"))]
    if _present(row.get("subunit")):
        bits.append(str(row["subunit"]))
    bits.append(wording.format_period(row))
    flag = " ⚑" if len(row.get("lineage") or []) else ""
    return f"{wording.format_value(row)} ({'; '.join(bits)}){flag}"


def matrix_table(matrix: pd.DataFrame) -> pd.DataFrame:
    """Return the indicator matrix (``compare.indicator_matrix``) with one row per indicator
    and one column per province, each cell the province's figures one per line (None when
    it has none: shown as a dash with a footnote)."""
    provinces = list(dict.fromkeys(matrix["province"]))
    rows = []
    for _ind, grp in matrix.groupby("indicator", sort=False):
        row = {"indicator": wording.indicator_title(grp["title"].iloc[0])}
        for prov in provinces:
            cells = grp[(grp["province"] == prov) & grp["value"].notna()]
            row[prov] = "\n".join(_figure(r) for _i, r in cells.iterrows()) or None
        rows.append(row)
    return pd.DataFrame(rows, columns=["indicator", *provinces])


def derived_table(derived: pd.DataFrame) -> pd.DataFrame:
    """Return the derived shares (``compare.derive_shares``): indicator, province, value with
    its scope and period (None where an input is missing), and the caveats in words."""
    rows = []
    for _i, r in derived.iterrows():
        has = pd.notna(r["value"])
        rows.append({"indicator": wording.indicator_title(r["title"]), "province": r["province"],
                     "value": _figure(r) if has else None,
                     "notes": " ".join(_caveat(c, r) for c in r["caveats"]) or None})
    return pd.DataFrame(rows, columns=["indicator", "province", "value", "notes"])


def _caveat(caveat: dict, row) -> str:
    """Return a derived share's caveat in words in the current language (the model writes
    English with scope codes)."""
    if caveat.get("code") == "mixed_scope_inputs":
        scopes = _(" vs ").join(plotting.scope_short(c) for c in str(row["scope"]).split("+"))
        return _("Divides figures from different scopes ({scopes}).").format(scopes=scopes)
    code = caveat.get("code")
    return compare_report.reason_text(code) if code in compare_report.REASON_TEXTS else caveat["text"]


_AS_OF = re.compile(r"^as of (?P<date>\d{2}/\d{2}/\d{4})$")


def _pair_side(ds, pairs_row, side: str, titles: dict) -> str:
    """Return one side ('a' or 'b') of a pair as 'Province: indicator = figure'."""
    obs = ds.observations
    hit = obs[obs["obs_id"] == pairs_row[f"id_{side}"]]
    if len(hit):
        figure = _figure(hit.iloc[0].to_dict() | {"lineage": []})
    else:  # a derived share: no observation row, so the pair's own fields
        row = {"value": pairs_row[f"value_{side}"], "unit": pairs_row[f"unit_{side}"],
               "bound": pairs_row[f"bound_{side}"] or "exact"}
        period = str(pairs_row[f"period_{side}"])
        m = _AS_OF.match(period)
        period = _("as of {date}").format(date=m.group("date")) if m else period
        value = wording.format_value(row) if pd.notna(row["value"]) else "—"
        scopes = "+".join(plotting.scope_short(c) for c in str(pairs_row[f"scope_{side}"]).split("+"))
        figure = f"{value} ({scopes}; {period})"
    code = pairs_row[f"indicator_{side}"]
    return f"{pairs_row[f'province_{side}']}: {wording.indicator_title(titles.get(code, code))} = {figure}"


def pairs_table(ds, pairs: pd.DataFrame, *, with_verdict: bool = False) -> pd.DataFrame:
    """Return the pairs that cannot be compared (all of ``pairs`` with ``with_verdict``,
    then a verdict column leads): the two figures in words and why, in the current language."""
    titles = ds.indicators.set_index("indicator")["title"].to_dict()
    shown = pairs if with_verdict else pairs[~pairs["comparable"]]
    if len(shown) and (shown["kind"] == "derived").any():  # derived shares are titled by the model
        names = sorted(set(shown["province_a"]) | set(shown["province_b"]))
        titles |= compare.derive_shares(ds, names).drop_duplicates("indicator").set_index("indicator")["title"].to_dict()
    why = compare_report.not_comparable_table(shown.assign(comparable=False))["why"].tolist()
    rows = []
    for (_i, p), reason in zip(shown.iterrows(), why):
        row = {"verdict": _(VERDICTS[bool(p["comparable"])])} if with_verdict else {}
        row |= {"figure_a": _pair_side(ds, p, "a", titles), "figure_b": _pair_side(ds, p, "b", titles),
                "why": None if p["comparable"] else reason}
        rows.append(row)
    cols = (["verdict"] if with_verdict else []) + ["figure_a", "figure_b", "why"]
    return pd.DataFrame(rows, columns=cols)


def within_table(ds, provinces, tolerance_days: int) -> pd.DataFrame:
    """Return :func:`pairs_table` of each province's own figures over time, with verdicts."""
    return pairs_table(ds, compare_report.within_province_pairs(ds, provinces, tolerance_days), with_verdict=True)

