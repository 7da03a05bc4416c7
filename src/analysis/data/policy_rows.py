"""Reading a row of the policy table (data/policies.csv): when the policy starts, what that
rests on, and its name in the reader's language.

One rule for every layer: the in-force date (``in_force``), else the first day of the
in-force month when only the month is known (``in_force_month``, YYYY-MM), else the
adoption date (``date_adopted``: the true start may be later). The fee-discount report,
the cross-province designs and the panel checks all read a policy's start from here.
"""

from __future__ import annotations

import re

import pandas as pd

from analysis import i18n

#: The columns a start can rest on, in the order they are tried.
BASES = ("in_force", "in_force_month", "date_adopted")

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _present(value) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip()) and not pd.isna(value)


def start_basis(row) -> str:
    """Return the column ``row`` (a policy row, dict-like) starts from: one of :data:`BASES`,
    or "unknown" when it has none of them."""
    return next((b for b in BASES if _present(row.get(b))), "unknown")


def start_date(row) -> pd.Timestamp | None:
    """Return the day the policy of ``row`` starts (see :data:`BASES`; an in-force month
    gives its first day), or None when no start is known. Raises ValueError when the
    in-force month is not written YYYY-MM."""
    basis = start_basis(row)
    if basis == "unknown":
        return None
    if basis == "in_force_month":
        month = str(row["in_force_month"]).strip()
        if not _MONTH.match(month):
            raise ValueError(f"in-force month '{month}' is not a month YYYY-MM")
        return pd.Timestamp(f"{month}-01")
    return pd.Timestamp(row[basis])


def name(row) -> str:
    """Return the policy's name in the current language: ``name_vi`` in Vietnamese (when the
    row has one), else the English ``name``."""
    vi = row.get("name_vi")
    return vi if i18n.get_language() == "vi" and isinstance(vi, str) and vi.strip() else row["name"]
