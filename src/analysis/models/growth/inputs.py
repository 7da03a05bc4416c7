"""Inputs of the growth model: the online-rate figures of a province placed in time, the
assumed offsets given as text, and simulated figures for the statistical tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.special import expit

from analysis.data import Dataset
from analysis.data.observations import ONLINE_RATE, format_value, online_rate_observations
from analysis.data.schema import SCOPES
from analysis.errors import ParameterError, Refused

DAYS_PER_YEAR = 365.25
#: Where an 'as of' figure (start not stated) is placed in time.
AS_OF_PLACEMENTS = {
    "end": "at its end date (the 'as of' date)",
    "year_to_date": "at the midpoint of 1 January of its year to its end date (assumes a year-to-date count)",
}
#: Ways to set the GLM scale; see the module docstring.
SCALE_MODES = ("auto", "pearson", "binomial")
#: Default grid of assumed scope offsets (logits) for the sensitivity analysis: +-1 logit is
#: about +-20 percentage points near 50%. A range set by judgement, not by data.
DEFAULT_OFFSET_GRID = (-1.0, -0.5, 0.0, 0.5, 1.0)
DEFAULT_HORIZON = dt.date(2027, 12, 31)
DEFAULT_N_BOOT = 4000
LEVEL = 0.95
_POINT_BOUNDS = ("exact", "approximate")


@dataclass
class GrowthData:
    """The online-rate figures of one province, placed in time.

    ``frame`` has one row per figure: obs_id, scope, bound, value_pct, share, numerator,
    denominator (nullable), period_type, period_start, period_end, date (where it is placed),
    placement (text), t (years since ``origin``), source_id.
    """

    province: str
    frame: pd.DataFrame
    origin: pd.Timestamp
    as_of_placement: str
    warnings: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)


def _years(date, origin: pd.Timestamp) -> float:
    return (pd.Timestamp(date) - origin).days / DAYS_PER_YEAR


def _date_of(t: float, origin: pd.Timestamp) -> pd.Timestamp:
    return (origin + pd.Timedelta(days=float(t) * DAYS_PER_YEAR)).normalize()


def _placed_row(r, as_of_placement: str, warns: list[str]) -> dict:
    """Return one figure of the growth frame placed in time (see the package docstring);
    appends to ``warns`` what the placement assumed."""
    end = pd.Timestamp(r["period_end"])
    if r["period_type"] == "interval" and pd.notna(r["period_start"]):
        start = pd.Timestamp(r["period_start"])
        date = (start + (end - start) / 2).normalize()
        placement = f"midpoint of {start:%d/%m/%Y}–{end:%d/%m/%Y}"
    elif as_of_placement == "year_to_date":
        start = pd.Timestamp(end.year, 1, 1)
        date = (start + (end - start) / 2).normalize()
        placement = f"midpoint of assumed 01/01/{end.year}–{end:%d/%m/%Y} (start not stated)"
        warns.append(f"{r['obs_id']} is an 'as of' figure whose start is not stated: assumed to "
                     f"count from 01/01/{end.year} (year to date) and placed at {date:%d/%m/%Y}, "
                     "the midpoint; with as_of_placement='end' it would sit at its end date.")
    else:
        date = end
        placement = f"end date {end:%d/%m/%Y} ('as of', start not stated)"
        warns.append(f"{r['obs_id']} is an 'as of' figure whose start is not stated: placed at "
                     f"its end date {end:%d/%m/%Y} (an assumption; if it is a year-to-date total its "
                     "effective date is months earlier: as_of_placement='year_to_date' shows the effect).")
    if r["bound"] == "approximate":
        warns.append(f"{r['obs_id']} is an approximate figure ({format_value(r)}): treated as a point.")
    num, den = r["numerator"], r["denominator"]
    has_counts = pd.notna(num) and pd.notna(den) and int(den) > 0
    return {
        "obs_id": r["obs_id"], "scope": r["scope"], "bound": r["bound"],
        "value": float(r["value"]), "unit": r["unit"],
        "value_pct": float(r["value"]), "share": float(r["value"]) / 100.0,
        "numerator": int(num) if has_counts else pd.NA,
        "denominator": int(den) if has_counts else pd.NA,
        "period_type": r["period_type"], "period_start": r["period_start"], "period_end": end,
        "date": date, "placement": placement, "source_id": r["source_id"],
    }


def prepare_frame(rows: pd.DataFrame, province: str, *, as_of_placement: str = "end") -> GrowthData:
    """Return :class:`GrowthData` built from online-rate observation rows (columns as in
    observations.csv).

    Raises Refused when there are no rows, ParameterError for an unknown placement.
    """
    if as_of_placement not in AS_OF_PLACEMENTS:
        raise ParameterError("growth", "as_of_placement",
                             f"{as_of_placement!r} is not one of {list(AS_OF_PLACEMENTS)}")
    if rows.empty:
        raise Refused(
            f"no online-dossier-rate figure for {province} in the data, so there is nothing to fit. "
            "A growth curve needs at least two exact figures on one scope at different dates "
            "(better: monthly counts of dossiers submitted online and in total, on one scope), "
            f"added to observations.csv with indicator '{ONLINE_RATE}'.")
    warns, assumptions = [], []
    out = [_placed_row(r, as_of_placement, warns) for _, r in rows.sort_values(["period_end", "obs_id"]).iterrows()]
    frame = pd.DataFrame(out)
    frame["numerator"] = frame["numerator"].astype("Int64")
    frame["denominator"] = frame["denominator"].astype("Int64")
    origin = pd.Timestamp(frame["date"].min().year, 1, 1)
    frame["t"] = [_years(d, origin) for d in frame["date"]]
    assumptions.append("An interval figure is placed at the midpoint of its period.")
    if (frame["period_type"] == "as_of").any():
        assumptions.append(f"An 'as of' figure (start not stated) is placed {AS_OF_PLACEMENTS[as_of_placement]}.")
    return GrowthData(province, frame, origin, as_of_placement, warns, assumptions)


def prepare(ds: Dataset, province: str, *, as_of_placement: str = "end") -> GrowthData:
    """Return the placed online-rate figures of ``province`` (any spelling).

    Raises UnknownProvinceError for a province not in the data, Refused when it has no
    online-rate figure (the message says what data would be needed).
    """
    name = ds.canonical_province(province)
    return prepare_frame(online_rate_observations(ds, name), name, as_of_placement=as_of_placement)




def simulate_rows(b0: float, b1: float, dates, *, n: int | None = 1000, extra_sd: float = 0.0,
                  scope: str = "province_wide", scope_offset: float = 0.0, seed=0,
                  origin=None, prefix: str = "SIM") -> pd.DataFrame:
    """Return SIMULATED observation rows (columns of observations.csv) of an online rate with
    ``logit(share) = b0 + b1 * years_since_origin + scope_offset + N(0, extra_sd)``.

    ``dates`` are period ends of monthly interval figures (each from the 1st of its month), so
    they are placed at mid-month; ``origin`` defaults to 1 January of the first date's year,
    which is what :func:`prepare_frame` uses. With ``n`` the counts are binomial draws and
    numerator/denominator are given; with ``n=None`` only the true share is reported (a rate
    without counts). ``seed`` may be a numpy Generator.
    """
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    rows = []
    dates = [pd.Timestamp(d) for d in dates]
    origin = pd.Timestamp(origin) if origin is not None else pd.Timestamp(min(dates).year, 1, 1)
    for i, end in enumerate(dates):
        start = end.replace(day=1)
        mid = (start + (end - start) / 2).normalize()
        eta = b0 + b1 * _years(mid, origin) + scope_offset + (rng.normal(0, extra_sd) if extra_sd else 0.0)
        p = float(expit(eta))
        if n:
            k = int(rng.binomial(n, p))
            num, den, value = k, n, round(100 * k / n, 6)
        else:
            num, den, value = pd.NA, pd.NA, round(100 * p, 6)
        rows.append({"obs_id": f"{prefix}{i:03d}", "province": "SIMULATED", "scope": scope, "subunit": "",
                     "indicator": ONLINE_RATE, "period_type": "interval", "period_start": start,
                     "period_end": end, "value": value, "unit": "percent", "bound": "exact",
                     "numerator": num, "denominator": den, "source_id": "SIMULATED",
                     "quote": "SIMULATED", "note": "SIMULATED"})
    out = pd.DataFrame(rows)
    out["numerator"] = out["numerator"].astype("Int64")
    out["denominator"] = out["denominator"].astype("Int64")
    return out


def parse_offsets(items) -> dict[str, float]:
    """Return {scope: logit} from ``["SCOPE=LOGIT", ...]`` (``SCOPE:LOGIT`` also accepted, so a
    notebook's parameters cell can avoid a second '=' on the line, which papermill cannot parse).

    Raises ParameterError for a malformed item, an unknown scope, a repeated scope or a value
    that is not a number (decimal comma accepted).
    """
    out: dict[str, float] = {}
    for item in items or []:
        sep = "=" if isinstance(item, str) and "=" in item else ":"
        if not isinstance(item, str) or sep not in item:
            raise ParameterError("growth", "offset", f"{item!r} is not SCOPE=LOGIT (e.g. provincial_centre=-0.5)")
        s, v = (x.strip() for x in item.split(sep, 1))
        if s not in SCOPES:
            raise ParameterError("growth", "offset", f"{s!r} is not a scope; known scopes: {', '.join(SCOPES)}")
        if s in out:
            raise ParameterError("growth", "offset", f"scope {s!r} is given twice")
        try:
            val = float(v.replace(",", ".")) if v.count(",") <= 1 and "." not in v else float(v)
        except ValueError:
            raise ParameterError("growth", "offset", f"{v!r} is not a number of logits") from None
        if not np.isfinite(val):
            raise ParameterError("growth", "offset", f"{v!r} is not a finite number")
        out[s] = val
    return out
