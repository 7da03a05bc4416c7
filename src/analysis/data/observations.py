"""Selections and plain-text renderings of the curated observations, shared by the
models and the reports (which is why they live in the data layer)."""

from __future__ import annotations

import pandas as pd

from analysis.data.loader import Dataset

#: The indicator every growth and overview analysis of uptake is about.
ONLINE_RATE = "online_dossier_rate"

#: Decision 942/QĐ-TTg (15 Jun 2021): at least 80% of dossiers processed online by 2025.
NATIONAL_TARGET_PCT = 80.0
_BOUND_PREFIX = {"exact": "", "lower": "> ", "upper": "< ", "approximate": "≈ "}


def format_period(row) -> str:
    """Return the period of an observation as text: '15/01/2023–15/02/2023' or 'as of 06/08/2025'."""
    end = row["period_end"].strftime("%d/%m/%Y")
    if row["period_type"] == "as_of" or pd.isna(row["period_start"]):
        return f"as of {end}"
    return f"{row['period_start'].strftime('%d/%m/%Y')}–{end}"


def format_value(row) -> str:
    """Return the value with its bound and unit, e.g. '> 44%' or '224,930 dossiers'."""
    v = row["value"]
    if v == int(v):
        num = f"{int(v):,}"
    elif abs(v) >= 0.01:
        num = f"{v:,.2f}".rstrip("0").rstrip(".")
    else:  # keep small values visible: 0.004 is not "0"
        num = f"{v:.2g}"
    unit = "%" if row["unit"] == "percent" else f" {row['unit']}"
    frac = ""
    if pd.notna(row["denominator"]):
        top = f"{int(row['numerator']):,}/" if pd.notna(row["numerator"]) else "of "
        frac = f" ({top}{int(row['denominator']):,})"
    return f"{_BOUND_PREFIX[row['bound']]}{num}{unit}{frac}"


def province_observations(ds: Dataset, province: str) -> pd.DataFrame:
    """Return the observations of ``province`` (canonicalised; UnknownProvinceError if unknown)."""
    name = ds.canonical_province(province)
    return ds.observations[ds.observations["province"] == name].copy()


def online_rate_observations(ds: Dataset, province: str) -> pd.DataFrame:
    """Return the online-dossier-rate observations of ``province``, oldest first."""
    obs = province_observations(ds, province)
    return obs[obs["indicator"] == ONLINE_RATE].sort_values("period_end").reset_index(drop=True)
