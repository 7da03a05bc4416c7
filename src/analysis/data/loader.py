"""Load and validate the curated data in ``data/``.

``load()`` returns every table as a typed pandas DataFrame, or raises :class:`DataError`
listing every problem found (file, line, column, reason). ``validate()`` returns the same
problems as a list. Nothing downstream reads the CSV files directly.

The reading is deliberately strict: Vietnamese number and date conventions are parsed
by :mod:`analysis.data.vn`, which refuses anything ambiguous; text is NFC-normalised; a BOM,
CRLF line endings and semicolon-delimited spreadsheet exports are accepted.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from analysis import config
from analysis.data import vn
from analysis.errors import DataError, Problem, UnknownProvinceError
from analysis.data.schema import COUNT_UNITS, LOAD_ORDER, TABLES, Field

__all__ = ["DataError", "Dataset", "Problem", "UnknownProvinceError", "load", "validate"]


@dataclass(frozen=True)
class Dataset:
    """The validated tables. Dates are pandas Timestamps, counts nullable Int64."""

    observations: pd.DataFrame
    indicators: pd.DataFrame
    sources: pd.DataFrame
    policies: pd.DataFrame
    admin_units: pd.DataFrame
    data_dir: Path
    _aliases: dict[str, str] = field(default_factory=dict, repr=False)

    def provinces(self) -> list[str]:
        """Return the canonical names of every province in admin_units.csv."""
        return list(self.admin_units["province"])

    def provinces_with_data(self) -> list[str]:
        """Return the provinces that have at least one observation, in file order."""
        return list(dict.fromkeys(self.observations["province"]))

    def canonical_province(self, name: str) -> str:
        """Return the canonical spelling of ``name`` (any Unicode form, alias or case).

        Raises UnknownProvinceError listing the known provinces.
        """
        key = _alias_key(name)
        if key not in self._aliases:
            raise UnknownProvinceError(vn.nfc(name), self.provinces())
        return self._aliases[key]

    def indicator_meta(self, indicator: str) -> pd.Series:
        """Return the indicators.csv row for ``indicator`` (KeyError if unknown)."""
        rows = self.indicators[self.indicators["indicator"] == indicator]
        if rows.empty:
            raise KeyError(f"unknown indicator '{indicator}'")
        return rows.iloc[0]

    def citation(self, source_ids) -> str:
        """Return a 'Sources: ...' sentence naming each source once, in the order given."""
        parts = []
        srcs = self.sources.set_index("source_id")
        for sid in dict.fromkeys(source_ids):
            s = srcs.loc[sid]
            date = s["publication_date"]
            bits = [date.strftime("%d/%m/%Y") if pd.notna(date) else "date not stated"]
            if not s["publisher"].startswith("not stated"):
                bits.insert(0, s["publisher"])
            if s["documents_cited"]:
                bits.append(f"citing {s['documents_cited']}")
            if s["url"]:
                bits.append(s["url"])
            parts.append(f"[{sid}] \"{s['title']}\" ({'; '.join(bits)})")
        return "Sources: " + "; ".join(parts) + "." if parts else "Sources: none."


def _alias_key(name: str) -> str:
    return vn.nfc(name).casefold()


# ----------------------------------------------------------------------------- reading


def _read_rows(path: Path, problems: list[Problem]) -> tuple[list[str], list[tuple[int, list[str]]]] | None:
    """Return (header, [(line_number, fields), ...]) or None after recording a problem.

    Rows whose number of fields differs from the header's are recorded as problems and
    left out, so every reader of a CSV file reports them the same way.
    """
    name = path.name
    if not path.exists():
        problems.append(Problem(name, 0, None, f"file not found in {path.parent}"))
        return None
    if not path.is_file():
        problems.append(Problem(name, 0, None, f"is not a file (a folder?) in {path.parent}"))
        return None
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(name, 0, None, f"cannot be read: {exc.strerror or exc}"))
        return None
    try:
        text = raw.decode("utf-8-sig")  # accepts and drops a BOM
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(Problem(name, line, None,
            f"not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            "save the file as UTF-8 (Excel: 'CSV UTF-8')"))
        return None
    if not text.strip():
        problems.append(Problem(name, 0, None, "file is empty (expected a header line)"))
        return None
    first = text.splitlines()[0]
    # A Vietnamese spreadsheet export uses ';' because ',' is the decimal mark.
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [vn.nfc(h) for h in next(reader)]
        rows: list[tuple[int, list[str]]] = []
        start = reader.line_num + 1
        for rec in reader:
            if len(rec) != len(header) and any(c.strip() for c in rec):
                problems.append(Problem(name, start, None,
                    f"has {len(rec)} fields, the header has {len(header)} "
                    "(a stray delimiter or an unquoted comma?)"))
            elif any(c.strip() for c in rec):
                rows.append((start, rec))
            start = reader.line_num + 1
    except csv.Error as exc:
        problems.append(Problem(name, reader.line_num, None, f"not valid CSV: {exc}"))
        return None
    return header, rows


def _header_problems(fname: str, header: list[str], expected, problems: list[Problem]) -> bool:
    """Record a problem per required column missing from ``header``, per unknown column
    and per repeated column; return True when a column is missing or repeated (the rows
    cannot be read)."""
    missing = [c for c in expected if c not in header]
    for col in missing:
        problems.append(Problem(fname, 1, col, "required column is missing from the header"))
    for col in header:
        if col not in expected:
            problems.append(Problem(fname, 1, col or "(blank)",
                                    f"unknown column; expected columns: {', '.join(expected)}"))
    repeated = [c for c in dict.fromkeys(header) if c in expected and header.count(c) > 1]
    for col in repeated:  # which copy holds the value would be a guess
        problems.append(Problem(fname, 1, col, f"appears {header.count(col)} times in the header"))
    return bool(missing or repeated)


def _parse_cell(f: Field, raw: str, row_unit: str | None, aliases: dict[str, str]):
    """Return the typed value of one cell (None when blank); raise ValueError on bad text."""
    text = vn.nfc(raw)
    if text == "":
        return None
    if f.kind == "int":
        return vn.parse_int(text)
    if f.kind == "number":
        return vn.parse_number(text, percent_allowed=(row_unit == "percent"))
    if f.kind == "date":
        return pd.Timestamp(vn.parse_date(text))
    if f.kind == "province":
        key = _alias_key(text)
        if key not in aliases:
            known = sorted(set(aliases.values()))
            raise ValueError(f"unknown province '{text}'; known: {', '.join(known)}")
        return aliases[key]
    return text


def _decimals(raw: str) -> int:
    s = vn.nfc(raw).rstrip("%").strip()
    for mark in (",", "."):
        if mark in s and len(s.rsplit(mark, 1)[1]) != 3:
            return len(s.rsplit(mark, 1)[1])
    return 0


def _read_table(data_dir: Path, table: str, aliases: dict[str, str], problems: list[Problem]):
    """Return (typed DataFrame with a '_line' column, raw value strings) or (None, None)."""
    fields = TABLES[table]
    fname = f"{table}.csv"
    got = _read_rows(data_dir / fname, problems)
    if got is None:
        return None, None
    header, rows = got
    if _header_problems(fname, header, known_order(fields), problems):
        return None, None
    index = {c: i for i, c in enumerate(header)}
    records, raws = [], []
    for line, rec in rows:
        cells = {f.name: rec[index[f.name]] for f in fields}
        row_unit = vn.nfc(cells.get("unit", "")) or None
        out = {"_line": line}
        for f in fields:
            try:
                out[f.name] = _parse_cell(f, cells[f.name], row_unit, aliases)
            except ValueError as exc:
                problems.append(Problem(fname, line, f.name, str(exc)))
                out[f.name] = _INVALID
        records.append(out)
        raws.append(cells)
    df = pd.DataFrame.from_records(records, columns=["_line"] + [f.name for f in fields])
    return df, raws


_INVALID = object()  # a cell whose text could not be parsed (already reported)


def known_order(fields) -> list[str]:
    return [f.name for f in fields]


def _schema_problems(table: str, df: pd.DataFrame) -> list[Problem]:
    """Check required/vocabulary/uniqueness rules with pandera; return the problems."""
    fname = f"{table}.csv"
    fields = TABLES[table]
    clean = df.map(lambda v: None if v is _INVALID else v)
    columns = {}
    for f in fields:
        checks = [pa.Check.isin(list(f.vocab))] if f.vocab else []
        columns[f.name] = pa.Column(object, checks=checks, nullable=not f.required,
                                    unique=f.unique, coerce=False)
    schema = pa.DataFrameSchema(columns, strict=False)
    out: list[Problem] = []
    try:
        schema.validate(clean, lazy=True)
    except pa.errors.SchemaErrors as err:
        by_name = {f.name: f for f in fields}
        fc = err.failure_cases
        for _, case in fc.iterrows():
            col, check, idx = case["column"], str(case["check"]), case["index"]
            if col not in by_name or pd.isna(idx):
                continue
            line = int(df.loc[int(idx), "_line"])
            if df.loc[int(idx), col] is _INVALID:
                continue  # already reported by the parser
            f = by_name[col]
            if "not_nullable" in check:
                reason = "is empty; this column is required"
            elif check.startswith("isin"):
                reason = f"'{case['failure_case']}' is not one of: {', '.join(f.vocab)}"
            elif "unique" in check:
                dups = df.loc[df[col] == case["failure_case"], "_line"].tolist()
                reason = f"duplicate value '{case['failure_case']}' (lines {', '.join(map(str, dups))})"
            else:
                reason = f"fails {check}: {case['failure_case']!r}"
            out.append(Problem(fname, line, col, reason))
    return sorted(set(out), key=lambda p: (p.line, p.column or ""))


# ----------------------------------------------------------------------------- rules


def _present(v) -> bool:
    """True for a parsed, non-blank cell (blank cells become None, NaN or NaT in frames)."""
    if v is None or v is _INVALID:
        return False
    try:
        return not bool(pd.isna(v))
    except (TypeError, ValueError):
        return True


def _norm_ws(text: str) -> str:
    return " ".join(vn.nfc(text).split())


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


def _aliases(admin: pd.DataFrame | None) -> dict[str, str]:
    out: dict[str, str] = {}
    if admin is None:
        return out
    for _, r in admin.iterrows():
        name = r["province"]
        if not isinstance(name, str):
            continue
        out[_alias_key(name)] = name
        for a in (r["aliases"] or "").split("|") if isinstance(r["aliases"], str) else []:
            if a.strip():
                out[_alias_key(a)] = name
    return out


def _finish(df: pd.DataFrame, table: str) -> pd.DataFrame:
    """Return the public typed frame: no helper column, proper dtypes."""
    out = df.drop(columns="_line").reset_index(drop=True)
    for f in TABLES[table]:
        if f.kind == "int":
            out[f.name] = pd.array(out[f.name], dtype="Int64")
        elif f.kind == "number":
            out[f.name] = pd.to_numeric(out[f.name]).astype(float)
        elif f.kind == "date":
            out[f.name] = pd.to_datetime(out[f.name])
        else:
            out[f.name] = out[f.name].map(lambda v: "" if not _present(v) else v).astype(object)
    return out


def _collect(data_dir: Path) -> tuple[dict[str, pd.DataFrame], list[Problem], dict[str, str]]:
    problems: list[Problem] = []
    tables: dict[str, pd.DataFrame] = {}
    raws = {}
    aliases: dict[str, str] = {}
    if not data_dir.is_dir():  # one line, not one "file not found" per table
        what = "is a file, not a data folder" if data_dir.exists() else "data folder not found"
        return tables, [Problem(str(data_dir), 0, None, what)], aliases
    for table in LOAD_ORDER:
        # admin_units defines the province names, so it is read first, with none known.
        df, raw = _read_table(data_dir, table, aliases, problems)
        if df is None:
            continue
        problems.extend(_schema_problems(table, df))
        tables[table], raws[table] = df, raw
        if table == "admin_units":
            aliases = _aliases(df)
    # admin_units.successor is a province field: check it now that names are known.
    if "admin_units" in tables:
        au = tables["admin_units"]
        for i, r in au.iterrows():
            s = r["successor"]
            if isinstance(s, str) and s:
                key = _alias_key(s)
                if key not in aliases:
                    problems.append(Problem("admin_units.csv", int(r["_line"]), "successor",
                                            f"'{s}' is not a province in admin_units.csv"))
                else:
                    au.at[i, "successor"] = aliases[key]
    src_ids = set(tables["sources"]["source_id"]) if "sources" in tables else set()
    seeds = _seed_texts(data_dir, tables["sources"], problems) if "sources" in tables else {}
    units_of = (dict(zip(tables["indicators"]["indicator"], tables["indicators"]["unit"]))
                if "indicators" in tables else {})
    for table in ("observations", "policies", "admin_units"):
        if table in tables and "sources" in tables:
            problems.extend(_refs(table, tables[table], "source_id", src_ids, "source_id in sources.csv"))
    for table in ("observations", "policies"):
        if table in tables and "sources" in tables:
            problems.extend(_quote_rules(table, tables[table], seeds))
    if "observations" in tables and "indicators" in tables:
        problems.extend(_row_rules(tables["observations"], raws["observations"], units_of))
    if "policies" in tables:
        pol = tables["policies"]
        for _, r in pol.iterrows():
            line = int(r["_line"])
            if r["level"] == "provincial" and not r["province"]:
                problems.append(Problem("policies.csv", line, "province",
                                        "is empty; a provincial policy names its province"))
            d = r["discount_pct"]
            if _present(d) and not 0 <= d <= 100:
                problems.append(Problem("policies.csv", line, "discount_pct",
                                        f"{d:g} is outside 0 to 100"))
            a, b = r["date_effective"], r["date_end"]
            if isinstance(a, pd.Timestamp) and isinstance(b, pd.Timestamp) and a > b:
                problems.append(Problem("policies.csv", line, "date_end",
                                        f"{b.date()} is before date_effective {a.date()}"))
    problems = sorted(dict.fromkeys(problems), key=lambda p: (LOAD_ORDER.index(p.file[:-4])
                      if p.file[:-4] in LOAD_ORDER else 99, p.line, p.column or ""))
    return tables, problems, aliases


def validate(data_dir: str | Path | None = None) -> list[Problem]:
    """Return every problem in the data folder (empty when valid). Never raises for bad data."""
    _, problems, _ = _collect(config.resolve_data_dir(data_dir))
    return problems


def load(data_dir: str | Path | None = None) -> Dataset:
    """Return the validated tables of ``data_dir`` (default: the shipped ``data/``).

    Raises DataError listing every problem (file, line, column, reason) when any file
    is missing, unreadable or breaks a rule; no partially validated data is returned.
    """
    path = config.resolve_data_dir(data_dir)
    tables, problems, aliases = _collect(path)
    if problems:
        raise DataError(problems)
    return Dataset(
        observations=_finish(tables["observations"], "observations"),
        indicators=_finish(tables["indicators"], "indicators"),
        sources=_finish(tables["sources"], "sources"),
        policies=_finish(tables["policies"], "policies"),
        admin_units=_finish(tables["admin_units"], "admin_units"),
        data_dir=path,
        _aliases=aliases,
    )
