"""Monthly, procedure-level panels of online and total dossiers: read and validate.

A panel file is a CSV with one row per province, procedure and month::

    province,procedure,month,online,total,discounted
    Nghệ An,Cấp giấy phép xây dựng,2023-11,1.234,2.870,true

It is what a provincial TTHC information system can export, and what the
difference-in-differences (:mod:`analysis.models.did`) and interrupted-time-series
(:mod:`analysis.models.its`) estimators need. No such file is public (see DOMAIN.md);
:mod:`analysis.models.simulate` writes simulated ones in the same format.

The reading is as strict as for ``data/``: a BOM, CRLF line endings and semicolon
delimiters are accepted; counts may use Vietnamese thousands grouping ("1.234");
months may be written "2023-11", "11/2023", "11-2023" or "11.2023" (year with four
digits, no day), and anything ambiguous ("11/23", "7/11/2023") is refused. Every problem
is reported with file, line, column and reason, all at once, in a :class:`PanelError`.

Rules: online <= total, both whole numbers >= 0; one row per (province, procedure,
month); a procedure's ``discounted`` flag is the same in every month; the province is
known to the dataset (any alias or Unicode form); and no month is missing inside a
procedure's first-to-last month (a gap is refused, not interpolated: a missing month is
missing data, not zero dossiers; write a row with total 0 if the office was closed).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import i18n
from analysis.data import policy_rows, vn
from analysis.i18n import _
from analysis.data.loader import DataError, Problem, UnknownProvinceError, _header_problems, _read_rows

#: The columns of a panel file, in the order they are written.
COLUMNS = ("province", "procedure", "month", "online", "total", "discounted")

_YM = re.compile(r"^(\d{4})[-/.](\d{1,2})$")  # 2023-11, 2023/11
_MY = re.compile(r"^(\d{1,2})[-/.](\d{4})$")  # 11/2023, 11-2023, 11.2023


class PanelError(DataError):
    """Raised when a panel file breaks a rule; ``problems`` lists every one found."""


def parse_month(text: str) -> pd.Period:
    """Return the calendar month written in ``text`` as a monthly ``pd.Period``.

    Accepts "2023-11", "2023/11", "11/2023", "11-2023" and "11.2023": the year has four
    digits and there is no day, so the order cannot be misread. Raises ValueError for a
    two-digit year ("11/23": November 2023 or 2023 read backwards?), for a full date
    ("7/11/2023": is it a month?), and for a month outside 1-12.
    """
    s = vn.nfc(text)
    m = _YM.match(s)
    if m:
        y, mo = int(m.group(1)), int(m.group(2))
    else:
        m = _MY.match(s)
        if m:
            mo, y = int(m.group(1)), int(m.group(2))
        elif re.match(r"^\d{1,2}[-/.]\d{1,2}$", s):
            raise ValueError(f"'{s}' is ambiguous (a two-digit year, or a day and a month?); "
                             "write the month as YYYY-MM, e.g. 2023-11")
        elif re.match(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}$", s):
            raise ValueError(f"'{s}' is a date, not a month; write the month as YYYY-MM, e.g. 2023-11")
        else:
            raise ValueError(f"'{s}' is not a month; write YYYY-MM (2023-11) or MM/YYYY (11/2023)")
    if not 1 <= mo <= 12:
        raise ValueError(f"'{s}' has month {mo}, outside 1 to 12 (months are written YYYY-MM or MM/YYYY)")
    return pd.Period(year=y, month=mo, freq="M")


def _province_resolver(dataset, data_dir):
    """Return a function name -> canonical province (ValueError when unknown)."""
    if dataset is None:
        from analysis.data.loader import load
        dataset = load(data_dir)

    def resolve(name: str) -> str:
        try:
            return dataset.canonical_province(name)
        except UnknownProvinceError as exc:
            raise ValueError(str(exc)) from None

    return resolve


def _parse_rows(name, header, rows, resolve, problems):
    if _header_problems(name, header, COLUMNS, problems):
        return []
    index = {c: i for i, c in enumerate(header)}
    parsers = {"province": resolve, "procedure": vn.nfc, "month": parse_month,
               "online": vn.parse_int, "total": vn.parse_int, "discounted": vn.parse_bool}
    records = []
    for line, rec in rows:
        out, ok = {"_line": line}, True
        for col in COLUMNS:
            text = vn.nfc(rec[index[col]])
            if text == "":
                problems.append(Problem(name, line, col, "is empty; this column is required"))
                ok = False
                continue
            try:
                out[col] = parsers[col](text)
            except ValueError as exc:
                problems.append(Problem(name, line, col, str(exc)))
                ok = False
        if ok and out["online"] > out["total"]:
            problems.append(Problem(name, line, "online",
                                    f"{out['online']} is greater than total {out['total']}"))
            ok = False
        if ok:
            records.append(out)
    return records


def _panel_rules(name: str, df: pd.DataFrame, problems: list[Problem]) -> None:
    key = ["province", "procedure", "month"]
    dup = df[df.duplicated(key, keep=False)]
    for _key, grp in dup.groupby(key, sort=False):
        lines = grp["_line"].tolist()
        r = grp.iloc[0]
        for line in lines[1:]:
            problems.append(Problem(name, line, "month",
                                    f"duplicate row for {r['province']} / {r['procedure']} / {r['month']} "
                                    f"(lines {', '.join(map(str, lines))})"))
    # vectorized first (a simulated panel has thousands of rows), details only where wrong
    ym = np.array([m.year * 12 + m.month for m in df["month"]]) if len(df) else np.array([])
    g = df.assign(_ym=ym).groupby(["province", "procedure"], sort=False)
    summary = g.agg(flags=("discounted", "nunique"), lo=("_ym", "min"), hi=("_ym", "max"),
                    k=("_ym", "nunique"))
    for (prov, proc), s_ in summary.iterrows():
        if s_["flags"] <= 1 and s_["hi"] - s_["lo"] + 1 == s_["k"]:
            continue
        grp = df[(df["province"] == prov) & (df["procedure"] == proc)]
        if s_["flags"] > 1:
            first = bool(grp["discounted"].iloc[0])
            for _i, r in grp[grp["discounted"] != first].iterrows():
                problems.append(Problem(name, int(r["_line"]), "discounted",
                                        f"'{str(r['discounted']).lower()}' differs from line {int(grp['_line'].iloc[0])} "
                                        f"('{str(first).lower()}'); a procedure's discounted flag must be the same "
                                        "in every month"))
        months = grp["month"].drop_duplicates().sort_values()
        full = pd.period_range(months.iloc[0], months.iloc[-1], freq="M")
        gaps = sorted(set(full) - set(months))
        if gaps:
            shown = ", ".join(str(x) for x in gaps[:6]) + (" ..." if len(gaps) > 6 else "")
            problems.append(Problem(name, int(grp["_line"].max()), "month",
                                    f"{prov} / {proc}: {len(gaps)} month(s) missing inside "
                                    f"{months.iloc[0]} to {months.iloc[-1]} ({shown}); a gap is not filled "
                                    "in: add the month (total 0 if there truly were no dossiers) or "
                                    "shorten the range"))


def read_panel(path: str | Path, *, dataset=None, data_dir=None) -> pd.DataFrame:
    """Return the validated panel in ``path`` as a DataFrame.

    Columns: province (canonical name), procedure (NFC text), month (``pd.Period`` 'M'),
    online and total (int64), discounted (bool), share (online / total, NaN when total
    is 0); sorted by province, procedure, month. ``dataset`` (or ``data_dir``, default
    the shipped data/) supplies the known provinces.

    Raises PanelError listing every problem (file, line, column, reason) when the file
    is missing, not UTF-8, not CSV, or breaks any rule in the module docstring; raises
    DataError when the data folder itself is invalid.
    """
    path = Path(path)
    problems: list[Problem] = []
    got = _read_rows(path, problems)
    if got is None:
        raise PanelError(problems)
    header, rows = got
    resolve = _province_resolver(dataset, data_dir)
    records = _parse_rows(path.name, header, rows, resolve, problems)
    if not problems and not records:
        problems.append(Problem(path.name, 0, None, "has a header but no rows"))
    df = pd.DataFrame.from_records(records, columns=["_line", *COLUMNS])
    if records:
        _panel_rules(path.name, df, problems)
    if problems:
        raise PanelError(sorted(dict.fromkeys(problems), key=lambda p: (p.line, p.column or "")))
    return _finish(df)


def _finish(df: pd.DataFrame) -> pd.DataFrame:
    out = df.drop(columns="_line").astype({"online": "int64", "total": "int64", "discounted": bool})
    out["province"] = out["province"].astype(object)
    out["procedure"] = out["procedure"].astype(object)
    total = out["total"].to_numpy()
    out["share"] = np.where(total > 0, out["online"] / np.where(total > 0, total, 1), np.nan)
    return out.sort_values(["province", "procedure", "month"]).reset_index(drop=True)


def from_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` (already typed, e.g. from the simulator) in :func:`read_panel`'s form.

    Raises PanelError (file ``<frame>``) when it breaks a rule.
    """
    df = frame[list(COLUMNS)].copy()
    if not isinstance(df["month"].dtype, pd.PeriodDtype):
        df["month"] = df["month"].map(lambda m: m if isinstance(m, pd.Period) else parse_month(str(m)))
    df.insert(0, "_line", np.arange(2, len(df) + 2))
    problems: list[Problem] = []
    bad = (df["online"] < 0) | (df["total"] < 0) | (df["online"] > df["total"])
    for _i, r in df[bad].iterrows():
        problems.append(Problem("<frame>", int(r["_line"]), "online",
                                f"online {r['online']} / total {r['total']} are not 0 <= online <= total"))
    _panel_rules("<frame>", df, problems)
    if problems:
        raise PanelError(problems)
    return _finish(df)


def select_province(panel: pd.DataFrame, province: str | None = None) -> tuple[str, pd.DataFrame]:
    """Return (province, its rows) from ``panel``.

    ``province`` may be None when the panel holds one province. Raises
    :class:`analysis.errors.Refused` when it holds several and none is named, or the
    named one has no rows.
    """
    from analysis.errors import Refused
    provinces = list(dict.fromkeys(panel["province"]))
    if province is None:
        if len(provinces) != 1:
            raise Refused(f"the panel holds {len(provinces)} provinces ({', '.join(provinces)}); "
                          "name one with --province")
        province = provinces[0]
    rows = panel[panel["province"] == province]
    if rows.empty:
        raise Refused(f"the panel has no rows for {province}; it holds {', '.join(provinces)}")
    return province, rows.reset_index(drop=True)


def write_panel(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write ``frame`` as a panel CSV to ``path`` atomically (temp file, then rename).

    Months are written YYYY-MM, flags true/false, so the file validates with
    :func:`read_panel` (no comment lines: CSV has none). Returns the path.
    """
    from analysis.files import atomic_write
    out = frame[list(COLUMNS)].copy()
    out["month"] = out["month"].astype(str)
    out["discounted"] = out["discounted"].map(lambda b: "true" if b else "false")
    path = Path(path)
    atomic_write(path, lambda p: out.to_csv(p, index=False, lineterminator="\n"))
    return path


# ----------------------------------------------------------------------------- timing


def policy_months(policy_date) -> tuple[pd.Period, pd.Period | None, pd.Period]:
    """Return (last pre-period month, transition month or None, first post-period month).

    A policy in force from the 1st of a month makes that month the first post month and
    has no transition month. A policy starting later in the month (Nghệ An: 7 Nov 2023)
    makes that month a transition month, partly treated; the estimators leave it out
    rather than count it as either before or after.
    """
    d = pd.Timestamp(policy_date)
    month = pd.Period(d, freq="M")
    if d.day == 1:
        return month - 1, None, month
    return month - 1, month, month + 1


def check_months(design: str, min_pre: int, min_post: int, policy_date, province: str,
                 n_pre: int, n_post: int, transition: pd.Period | None, advice: str) -> None:
    """Raise :class:`analysis.errors.Refused` when ``n_pre`` < ``min_pre`` or ``n_post`` <
    ``min_post``, saying what ``design`` needs, what the panel has (and that the transition
    month is left out), followed by ``advice``."""
    if n_pre >= min_pre and n_post >= min_post:
        return
    from analysis.errors import Refused
    raise Refused(
        f"{design} needs at least {min_pre} months before and {min_post} after the policy "
        f"({pd.Timestamp(policy_date).date()}); the panel for {province} has {n_pre} before and {n_post} after"
        + (f" (the transition month {transition} is left out)" if transition is not None else "")
        + ". " + advice)


def confounding_policies(policies: pd.DataFrame, province: str, policy_date,
                         first_month: pd.Period, last_month: pd.Period) -> list[str]:
    """Return one warning per other policy in ``policies`` that could confound the analysis.

    A policy counts when it is national, or provincial for ``province``, and its
    start (:func:`analysis.data.policy_rows.start_date`) falls inside the analysis window
    ``first_month``..``last_month``; the policy being analysed (same province, same
    effective date) is skipped. Each warning names the policy, its date, and how many
    days it starts after (or before) the analysed one.
    """
    d0 = pd.Timestamp(policy_date)
    lo, hi = first_month.start_time, last_month.end_time
    out = []
    for _i, p in policies.iterrows():
        when = policy_rows.start_date(p)
        if when is None:
            continue
        if p["level"] != "national" and p["province"] != province:
            continue
        if p["province"] == province and when == d0:
            continue
        if not lo <= when <= hi:
            continue
        days = (when - d0).days
        rel = (_("{days} days after").format(days=days) if days >= 0
               else _("{days} days before").format(days=-days))
        msg = (_("{name} ({level}) effective {when}, {rel} the policy date {d0}, inside the "
                 "analysis window {first} to {last}: its effect cannot be separated from the discount's by a "
                 "before/after comparison.") if policy_rows.start_basis(p) != "date_adopted" else
               _("{name} ({level}) adopted {when}, {rel} the policy date {d0}, inside the "
                 "analysis window {first} to {last}: its effect cannot be separated from the discount's by a "
                 "before/after comparison."))
        level = {"national": _("national policy"), "provincial": _("provincial policy")}.get(p["level"], p["level"])
        out.append(msg.format(name=policy_rows.name(p), policy_id=p["policy_id"], level=level, when=i18n.date(when),
                              rel=rel, d0=i18n.date(d0), first=i18n.month(str(first_month)),
                              last=i18n.month(str(last_month))))
    return out


def policy_match_warnings(policies: pd.DataFrame, province: str, policy_date, rows: pd.DataFrame) -> list[str]:
    """Return warnings when the panel and data/policies.csv disagree about the policy analysed.

    Warns when no provincial policy of ``province`` starts on ``policy_date``
    (:func:`analysis.data.policy_rows.start_date`), and when that policy's number of procedures
    covered differs from the number of procedures the panel marks as discounted.
    """
    d0 = pd.Timestamp(policy_date)
    mine = [p for _i, p in policies.iterrows() if p["level"] == "provincial" and p["province"] == province]
    starts = [policy_rows.start_date(p) for p in mine]
    match = [p for p, s in zip(mine, starts) if s == d0]
    if not match:
        known = ", ".join(f"{policy_rows.name(p)} ({i18n.date(s)})" for p, s in zip(mine, starts)
                          if s is not None) or _("none")
        return [_("no policy of {province} in the project's policy table is dated {date} (known: {known}); "
                  "check the policy date").format(province=province, date=i18n.date(d0), known=known)]
    out = []
    n_disc = int(rows.groupby("procedure")["discounted"].first().sum())
    for p in match:
        if pd.notna(p["procedures_covered"]) and int(p["procedures_covered"]) != n_disc:
            out.append(_("{policy} covers {n_policy} procedures but the panel marks {n_panel} as discounted; "
                         "the estimate is for the procedures the panel marks").format(
                policy=policy_rows.name(p), n_policy=int(p["procedures_covered"]), n_panel=n_disc))
    return out
