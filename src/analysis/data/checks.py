"""Rules across cells, rows and tables of ``data/``: units and bounds of observations,
references to sources, quotes checked against the seed texts, policies' dates and the
successors named in ``admin_units.csv``. Each returns the problems it finds."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.data.csvread import _INVALID, _alias_key, _decimals, _norm_ws, _present
from analysis.data.schema import COUNT_UNITS
from analysis.errors import Problem

def _row_rules(obs: pd.DataFrame, raws, units_of: dict[str, str]) -> list[Problem]:
    """Cross-field rules of observations.csv; returns the problems."""
    P, fname = [], "observations.csv"
    for (i, r), raw in zip(obs.iterrows(), raws):
        line = int(r["_line"])
        def bad(col, reason):
            P.append(Problem(fname, line, col, reason))
        def ok(col):
            return _present(r[col])
        unit = r["unit"] if ok("unit") else None
        if ok("indicator") and r["indicator"] not in units_of:
            bad("indicator", f"'{r['indicator']}' is not defined in indicators.csv")
        elif ok("indicator") and unit and units_of[r["indicator"]] != unit:
            bad("unit", f"'{unit}' differs from the unit of indicator '{r['indicator']}' "
                        f"in indicators.csv ('{units_of[r['indicator']]}')")
        if r["period_type"] == "interval" and not ok("period_start") and r["period_start"] is not _INVALID:
            bad("period_start", "is empty; an 'interval' row needs its start date "
                                "(use period_type 'as_of' if the source states none)")
        if r["period_type"] == "as_of" and ok("period_start"):
            bad("period_start", "must be empty for an 'as_of' row (or use period_type 'interval')")
        if ok("period_start") and ok("period_end") and r["period_start"] > r["period_end"]:
            bad("period_start", f"{r['period_start'].date()} is after period_end "
                                f"{r['period_end'].date()}")
        if not ok("value") or unit is None:
            continue
        v = float(r["value"])
        if unit == "percent" and not 0 <= v <= 100:
            bad("value", f"{v:g} is outside 0 to 100 for a percent")
        if unit in COUNT_UNITS and (v < 0 or v != int(v)):
            bad("value", f"{v:g} is not a non-negative whole number, as a count of {unit} must be")
        if unit == "rank" and (v < 1 or v != int(v)):
            bad("value", f"{v:g} is not a rank (a whole number from 1)")
        num = r["numerator"] if ok("numerator") else None
        den = r["denominator"] if ok("denominator") else None
        if num is not None and den is None:
            bad("denominator", "is empty but a numerator is given")
        if num is not None and den is not None:
            if num > den:
                bad("numerator", f"{num} is greater than the denominator {den}")
            elif unit == "percent":
                if den == 0:
                    bad("denominator", "is 0")
                else:
                    implied = 100 * num / den
                    tol = 0.5 * 10 ** (-_decimals(raw["value"])) + 0.05
                    if abs(implied - v) > tol:
                        bad("value", f"{v:g}% does not match numerator/denominator "
                                     f"{num}/{den} = {implied:.2f}% (tolerance {tol:.2f})")
            elif unit in COUNT_UNITS and v != num:
                bad("value", f"{v:g} differs from the numerator {num}")
        if unit == "rank" and den is not None and v > den:
            bad("value", f"rank {v:g} is beyond the {den} ranked (denominator)")
    return P


def _refs(table: str, df: pd.DataFrame, col: str, known: set, what: str) -> list[Problem]:
    out = []
    for _, r in df.iterrows():
        v = r[col]
        if v is not None and v is not _INVALID and v not in known:
            out.append(Problem(f"{table}.csv", int(r["_line"]), col,
                               f"'{v}' is not a {what} (known: {', '.join(sorted(known))})"))
    return out


def _seed_texts(data_dir: Path, sources: pd.DataFrame, problems: list[Problem]) -> dict[str, str]:
    texts = {}
    for _, s in sources.iterrows():
        if s["kind"] != "seed":
            continue
        if not s["file"] or s["file"] is _INVALID:
            problems.append(Problem("sources.csv", int(s["_line"]), "file",
                                    "is empty; a seed source names its file in seeds/"))
            continue
        p = data_dir / config.SEEDS_SUBDIR / s["file"]
        try:
            texts[s["source_id"]] = _norm_ws(p.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem("sources.csv", int(s["_line"]), "file",
                                    f"cannot read seed {p}: {exc.__class__.__name__}"))
    return texts


def _quote_rules(table: str, df: pd.DataFrame, seeds: dict[str, str]) -> list[Problem]:
    out = []
    for _, r in df.iterrows():
        q, sid = r["quote"], r["source_id"]
        if not isinstance(q, str) or sid not in seeds:
            continue
        if _norm_ws(q) not in seeds[sid]:
            out.append(Problem(f"{table}.csv", int(r["_line"]), "quote",
                               f"not found in the text of seed '{sid}' (it must be copied verbatim)"))
    return out




def _successor_rules(au: pd.DataFrame, aliases: dict[str, str]) -> list[Problem]:
    """Check that every ``successor`` in admin_units.csv names a province of the file, and
    replace it (in place) by that province's canonical spelling; return the problems."""
    problems: list[Problem] = []
    for i, r in au.iterrows():
        s = r["successor"]
        if isinstance(s, str) and s:
            key = _alias_key(s)
            if key not in aliases:
                problems.append(Problem("admin_units.csv", int(r["_line"]), "successor",
                                        f"'{s}' is not a province in admin_units.csv"))
            else:
                au.at[i, "successor"] = aliases[key]
    return problems


def _policy_rules(pol: pd.DataFrame) -> list[Problem]:
    """Cross-field rules of policies.csv (province of a provincial policy, discount range,
    date order); return the problems."""
    problems: list[Problem] = []
    for _, r in pol.iterrows():
        line = int(r["_line"])
        if r["level"] == "provincial" and not r["province"]:
            problems.append(Problem("policies.csv", line, "province",
                                    "is empty; a provincial policy names its province"))
        d = r["discount_pct"]
        if _present(d) and not 0 <= d <= 100:
            problems.append(Problem("policies.csv", line, "discount_pct",
                                    f"{d:g} is outside 0 to 100"))
        a, b = r["in_force"], r["date_end"]
        if isinstance(a, pd.Timestamp) and isinstance(b, pd.Timestamp) and a > b:
            problems.append(Problem("policies.csv", line, "date_end",
                                    f"{b.date()} is before in_force {a.date()}"))
        problems.extend(_policy_date_rules(r, line))
    return problems


def _policy_date_rules(r, line: int) -> list[Problem]:
    """The in-force month, adoption order, confirmation and URL of one policy row."""
    out: list[Problem] = []
    def bad(col, reason):
        out.append(Problem("policies.csv", line, col, reason))
    a, m, adopted = r["in_force"], r["in_force_month"], r["date_adopted"]
    if isinstance(m, str) and m:
        if not re.fullmatch(r"(19|20)\d\d-(0[1-9]|1[0-2])", m):
            bad("in_force_month", f"'{m}' is not a month written YYYY-MM")
        elif isinstance(a, pd.Timestamp) and a.strftime("%Y-%m") != m:
            bad("in_force_month", f"{m} is not the month of in_force {a.date()}")
    if isinstance(a, pd.Timestamp) and isinstance(adopted, pd.Timestamp) and adopted > a:
        bad("in_force", f"{a.date()} is before date_adopted {adopted.date()}")
    if r["date_confirmed"] == "yes" and not isinstance(a, pd.Timestamp):
        bad("date_confirmed", "is 'yes' but in_force is empty; only a stated in-force date is confirmed")
    u = r["url"]
    if isinstance(u, str) and u and not re.match(r"https?://\S+$", u):
        bad("url", f"'{u}' is not an http(s) address")
    return out


#: Official codes are the two-digit province codes of the General Statistics Office
#: (Decree 124/2004, renumbered for the 34 provinces from 1 Jul 2025); portal codes are the
#: National Public Service Portal's department codes ('H' and two digits, e.g. H41 Nghệ An).
_CODE_FORMATS = {"official_code": re.compile(r"\d{2}"), "code_before_2025": re.compile(r"\d{2}"),
                 "portal_code": re.compile(r"H\d{2}")}


def _admin_code_rules(au: pd.DataFrame) -> list[Problem]:
    """Check the code columns of admin_units.csv: the format of each filled cell, no code
    used twice, an official and a portal code exactly for the provinces in force (no
    ``valid_to``), and none for those that ceased; return the problems."""
    problems: list[Problem] = []
    for col, pattern in _CODE_FORMATS.items():
        seen: dict[str, int] = {}
        for _, r in au.iterrows():
            v, line = r[col], int(r["_line"])
            if not isinstance(v, str) or not v:
                continue
            if not pattern.fullmatch(v):
                problems.append(Problem("admin_units.csv", line, col,
                                        f"'{v}' is not a code of the form {pattern.pattern}"))
            elif v in seen:
                problems.append(Problem("admin_units.csv", line, col,
                                        f"duplicate code '{v}' (also on line {seen[v]})"))
            else:
                seen[v] = line
    for _, r in au.iterrows():
        current = not isinstance(r["valid_to"], pd.Timestamp)
        for col in ("official_code", "portal_code"):
            filled = isinstance(r[col], str) and bool(r[col])
            if current and not filled:
                problems.append(Problem("admin_units.csv", int(r["_line"]), col,
                                        "is empty; a province in force (no valid_to) needs its code"))
            elif not current and filled:
                problems.append(Problem("admin_units.csv", int(r["_line"]), col,
                                        "must be empty for a province that ceased (valid_to set); "
                                        "its old code goes in code_before_2025"))
    return problems
