"""Load and validate the curated data in ``data/``.

``load()`` returns every table as a typed pandas DataFrame, or raises :class:`DataError`
listing every problem found (file, line, column, reason). ``validate()`` returns the same
problems as a list. Nothing downstream reads the CSV files directly.

The reading is deliberately strict: Vietnamese number and date conventions are parsed
by :mod:`analysis.data.vn`, which refuses anything ambiguous; text is NFC-normalised; a BOM,
CRLF line endings and semicolon-delimited spreadsheet exports are accepted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.data import vn
from analysis.errors import DataError, Problem, UnknownProvinceError
from analysis.data.checks import (_admin_code_rules, _policy_rules, _quote_rules, _refs, _row_rules, _seed_texts,
                                   _successor_rules)
from analysis.data.csvread import (_INVALID, _alias_key, _header_problems, _present, _read_rows,  # noqa: F401
                                   _read_table, _schema_problems, known_order)
from analysis.data.schema import LOAD_ORDER, TABLES

__all__ = ["DataError", "Dataset", "Problem", "UnknownProvinceError", "known_order", "load", "validate"]


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

    def current_provinces(self) -> list[str]:
        """Return the provinces in force today (no ``valid_to``): the 34 since 1 Jul 2025."""
        au = self.admin_units
        return list(au.loc[au["valid_to"].isna(), "province"])

    def province_of_portal_code(self, code: str) -> str:
        """Return the province whose National Public Service Portal department code is
        ``code`` (e.g. 'H41' -> 'Nghệ An'). Raises KeyError naming the known codes."""
        au = self.admin_units
        rows = au[au["portal_code"] == code]
        if rows.empty:
            known = ", ".join(sorted(c for c in au["portal_code"] if c))
            raise KeyError(f"unknown portal department code '{code}'; known: {known}")
        return rows["province"].iloc[0]

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
        problems.extend(_successor_rules(tables["admin_units"], aliases))
        problems.extend(_admin_code_rules(tables["admin_units"]))
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
        problems.extend(_policy_rules(tables["policies"]))
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
