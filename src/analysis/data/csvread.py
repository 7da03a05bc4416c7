"""Reading one CSV file of ``data/`` into typed cells: encoding, delimiter, header and
row-length checks, cell parsing by :class:`~analysis.data.schema.Field` kind, and the
pandera checks of required, vocabulary and unique columns. Every problem is recorded
with file, line, column and reason; nothing here raises for bad data."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from analysis.data import vn
from analysis.data.schema import TABLES, Field
from analysis.errors import Problem

def _alias_key(name: str) -> str:
    return vn.nfc(name).casefold()



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

