"""Province-by-month panels for the fee-policy designs, and the policies' start months.

A panel is a long table with at least ``province``, ``month`` (``YYYY-MM``), ``group`` and
``ratio`` (0 to 100: a group's score as a percent of its maximum). :func:`check_panel` says
what is wrong with one (file, row, column, reason); :func:`wide` turns one group of it into
the month-by-province matrix both designs fit. :func:`policy_starts` reads the start month
of every provincial policy from a policies table (``data/policies.csv`` or a user's CSV
with ``province`` and ``in_force``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.errors import Problem
from analysis.data.policy_rows import start_basis, start_date

PANEL_COLUMNS = ("province", "month", "group", "ratio")
_MONTH = re.compile(r"^(19|20)\d\d-(0[1-9]|1[0-2])$")


def check_panel(df: pd.DataFrame, fname: str = "panel") -> list[Problem]:
    """Return the problems of a long panel (empty when usable): missing columns, months not
    written YYYY-MM, ratios that are not numbers in 0..100, duplicated province-month-group
    rows. Rows are numbered as in a CSV file with a header (first data row is line 2)."""
    missing = [c for c in PANEL_COLUMNS if c not in df.columns]
    if missing:
        return [Problem(fname, 1, c, "column is missing; a panel needs "
                        + ", ".join(PANEL_COLUMNS)) for c in missing]
    out: list[Problem] = []
    ratio = pd.to_numeric(df["ratio"], errors="coerce")
    for i, (prov, month, r_raw, r) in enumerate(zip(df["province"], df["month"], df["ratio"], ratio)):
        line = i + 2
        if not isinstance(prov, str) or not prov.strip():
            out.append(Problem(fname, line, "province", "is empty"))
        if not isinstance(month, str) or not _MONTH.match(month):
            out.append(Problem(fname, line, "month", f"'{month}' is not a month written YYYY-MM"))
        if pd.isna(r):
            out.append(Problem(fname, line, "ratio", f"'{r_raw}' is not a number"))
        elif not 0 <= r <= 100:
            out.append(Problem(fname, line, "ratio", f"{r:g} is outside 0 to 100"))
    if not out:
        dup = df.duplicated(["province", "month", "group"], keep="first")
        for i in np.flatnonzero(dup.to_numpy()):
            out.append(Problem(fname, int(i) + 2, "month", "duplicate province, month and group"))
    return out


def month_index(month: str) -> int:
    """Return a month ``YYYY-MM`` as a count of months (for differences of months)."""
    y, m = month.split("-")
    return int(y) * 12 + int(m) - 1


def month_label(index: int) -> str:
    """Return the ``YYYY-MM`` text of a month count made by :func:`month_index`."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def wide(panel: pd.DataFrame, group: str) -> pd.DataFrame:
    """Return one group of a long panel as months (rows, ``YYYY-MM`` sorted) by provinces
    (columns) of ``ratio``; provinces missing any month of the span are dropped (a balanced
    panel). Raises ValueError when the group is not in the panel."""
    sub = panel[panel["group"] == group]
    if sub.empty:
        known = ", ".join(sorted(map(str, panel["group"].unique())))
        raise ValueError(f"group '{group}' is not in the panel (groups: {known})")
    w = sub.pivot_table(index="month", columns="province", values="ratio", aggfunc="first")
    w = w.sort_index()
    return w.loc[:, w.notna().all()].astype(float)


@dataclass(frozen=True)
class PolicyStart:
    """When one province's online-fee policy starts, and how that month was found."""

    province: str
    month: str | None  # YYYY-MM, None when no month can be placed
    basis: str  # "in_force", "in_force_month", "date_adopted" or "unknown"
    policy_id: str


def _start_of(row) -> tuple[str | None, str]:
    """The start month (YYYY-MM) of a policy row and its basis (:mod:`analysis.data.policy_rows`);
    an in-force month is returned as written, for :func:`policy_starts` to check."""
    basis = start_basis(row)
    if basis == "unknown":
        return None, basis
    if basis == "in_force_month":
        return str(row["in_force_month"]).strip(), basis
    return start_date(row).strftime("%Y-%m"), basis


def policy_starts(policies: pd.DataFrame) -> dict[str, PolicyStart]:
    """Return, per province, the earliest start of its provincial online-fee policies.

    The start is the month of ``in_force``, else ``in_force_month``, else the month of
    ``date_adopted`` (recorded in ``basis`` so reports can say so); a province whose only
    policies have no date gets ``month=None`` (it can be neither treated nor a donor).
    National rows (``level`` = national, or no province) are skipped: they apply to every
    province at once. Raises ValueError when a start month is not written YYYY-MM.
    """
    if "level" in policies.columns:
        policies = policies[policies["level"].fillna("provincial") != "national"]
    policies = policies[policies["province"].notna() & (policies["province"].astype(str) != "")]
    out: dict[str, PolicyStart] = {}
    for _, row in policies.iterrows():
        month, basis = _start_of(row)
        if month is not None and not _MONTH.match(month):
            raise ValueError(f"policy of {row['province']}: start '{month}' is not a month YYYY-MM")
        prov = str(row["province"])
        pid = str(row.get("policy_id", prov))
        old = out.get(prov)
        if old is None or (month is not None and (old.month is None or month < old.month)):
            out[prov] = PolicyStart(prov, month, basis, pid)
    return out


def donors(provinces, starts: dict[str, PolicyStart], treated: str, last_month: str) -> list[str]:
    """Return the provinces with no provincial online-fee policy starting by ``last_month``
    (and none of unknown date), other than ``treated``, sorted."""
    out = []
    for p in provinces:
        s = starts.get(p)
        if p == treated or (s is not None and (s.month is None or s.month <= last_month)):
            continue
        out.append(p)
    return sorted(out)


def read_panel(path) -> pd.DataFrame:
    """Return the long panel in CSV file ``path`` (the format ``portal panel --out`` writes),
    ``ratio`` as float. Raises DataError naming file, row, column and reason when it cannot
    be read or breaks :func:`check_panel`."""
    from analysis.errors import DataError
    name = str(path)
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataError([Problem(name, 0, None, f"cannot read the panel: {exc}")]) from None
    problems = check_panel(df, name)
    if problems:
        raise DataError(problems)
    df["ratio"] = df["ratio"].astype(float)
    df["province"] = df["province"].str.strip()
    return df


def read_policies(path) -> pd.DataFrame:
    """Return a user's policies CSV (at least ``province`` and ``in_force`` YYYY-MM-DD) with
    ``in_force`` as timestamps. Raises DataError naming file, row, column and reason."""
    from analysis.errors import DataError
    name = str(path)
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataError([Problem(name, 0, None, f"cannot read the policies: {exc}")]) from None
    problems = [Problem(name, 1, c, "column is missing; a policies file needs province and in_force")
                for c in ("province", "in_force") if c not in df.columns]
    if problems:
        raise DataError(problems)
    dates = []
    for i, v in enumerate(df["in_force"]):
        if v.strip() == "":
            dates.append(pd.NaT)
        elif re.fullmatch(r"\d{4}-\d\d-\d\d", v.strip()):
            try:
                dates.append(pd.Timestamp(v.strip()))
                continue
            except ValueError:
                pass
            problems.append(Problem(name, i + 2, "in_force", f"'{v}' is not a date"))
            dates.append(pd.NaT)
        else:
            problems.append(Problem(name, i + 2, "in_force", f"'{v}' is not a date written YYYY-MM-DD"))
            dates.append(pd.NaT)
    for i, p in enumerate(df["province"]):
        if not p.strip():
            problems.append(Problem(name, i + 2, "province", "is empty"))
    if problems:
        raise DataError(problems)
    df["in_force"] = dates
    df["province"] = df["province"].str.strip()
    return df
