"""The province-by-month index history (placeholder until the index-history module lands).

:func:`panel` returns the imported monthly history of one index group as a long table;
this placeholder holds none and returns the empty table with the same columns.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

COLUMNS = ("province", "month", "group", "score", "max_score", "ratio", "rank", "endpoint",
           "index_version", "retrieved")


def panel(data_dir: str | Path | None = None, group: str | None = None, vintage: str | None = None) -> pd.DataFrame:
    """Return the monthly history of ``group`` (all groups when None) from ``data_dir`` as
    of ``vintage``: columns :data:`COLUMNS`, empty when no monthly history is held."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
