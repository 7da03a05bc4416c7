"""Import raw responses into the tidy tables: all or nothing per command.

Every file is read, validated and turned into rows before anything is written; a file
that is not a known response, or names a field, group or department code the importer
does not know, raises PortalFormatError (exit 2) and leaves ``data/`` unchanged. A
snapshot imported before (same SHA-256) adds nothing and is reported as a warning.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.data.portal import details as details_mod
from analysis.data.portal import legacy_rows, mapping
from analysis.data.portal import snapshot as snap
from analysis.data.portal import tables
from analysis.data.portal.response import ENDPOINT, PortalFormatError, parse_json, parse_service_results

#: The crawler's names for its raw responses: raw_Provinces_<timeType>_<year>_<DDMMYYYY>.json.
CRAWLER_NAME = re.compile(r"raw_Provinces_(year)_(\d{4})_(\d{2})(\d{2})(\d{4})\.json")
TIME_TYPES = ("year", "quarter", "month")


@dataclass
class ImportResult:
    """What one import did: ``snapshots`` newly added, ``rows_added`` over every table,
    ``provinces`` (distinct provinces in the new snapshots), ``warnings``."""

    snapshots: int = 0
    rows_added: int = 0
    provinces: int = 0
    warnings: list[str] = field(default_factory=list)
    snapshot_ids: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"snapshots": self.snapshots, "rows_added": self.rows_added,
                "provinces": self.provinces, "warnings": self.warnings}


@dataclass(frozen=True)
class Options:
    """What the caller knows about a file that the response itself does not say."""

    retrieved: dt.date | None = None
    retrieved_at: str | None = None
    source: str | None = None
    time_type: str | None = None
    year: int | None = None
    period: int | None = None
    http_status: int | None = None
    origin: str = "imported"
    base_url: str = snap.DEFAULT_BASE_URL


def _request(name: str, opts: Options) -> tuple[dict, dt.date | None, list[str]]:
    """Return (request body, retrieval date or None, warnings) from the options, else
    from the crawler's file-name convention."""
    warnings: list[str] = []
    m = CRAWLER_NAME.fullmatch(name)
    time_type, year, period, retrieved = opts.time_type, opts.year, opts.period, opts.retrieved
    if m and time_type is None and year is None:
        time_type, year = m.group(1), int(m.group(2))
    if m and retrieved is None:
        retrieved = dt.date(int(m.group(5)), int(m.group(4)), int(m.group(3)))
        warnings.append(f"{name}: retrieval date {retrieved.isoformat()} taken from the crawler's file name")
    if time_type is None or year is None:
        raise PortalFormatError(name, "$", "the response does not say which period it covers: pass "
                                "--time-type and --year (and --period for a quarter or month)")
    if time_type not in TIME_TYPES:
        raise PortalFormatError(name, "$", f"time type {time_type!r} is not one of {', '.join(TIME_TYPES)}")
    body: dict = {"timeType": time_type, "year": int(year)}
    if time_type != "year":
        if period is None:
            raise PortalFormatError(name, "$", f"a {time_type} response needs --period")
        body[time_type] = int(period)
    body["departmentType"] = "ADMINISTRATIVE_UNIT"
    return body, retrieved, warnings


def _meta(path: Path, raw: bytes, kind: str, body: dict, retrieved: dt.date, opts: Options,
          retrieved_at: str | None) -> snap.SnapshotMeta:
    digest = snap.sha256(raw)
    up = snap.upstream_from_sources(path, digest) or {}
    source = opts.source or (f"{up['upstream_repository']} ({up['what']})" if up else "not stated")
    endpoint = (opts.base_url.rstrip("/") + ENDPOINT if kind == "service_results" else
                opts.base_url.rstrip("/") + "/api/v1/reporting/evaluation/ (component endpoints, "
                "merged by the crawler)")
    return snap.SnapshotMeta(
        snapshot_id=digest[:16], sha256=digest, kind=kind, endpoint=endpoint, method="POST",
        request_body=body, retrieved=retrieved.isoformat(),
        retrieved_at=retrieved_at or opts.retrieved_at or retrieved.isoformat(),
        http_status=opts.http_status, origin=opts.origin, source=source, original_name=path.name,
        upstream_repository=up.get("upstream_repository", ""), upstream_path=up.get("upstream_path", ""),
        upstream_commit=up.get("upstream_commit", ""))


def _rows_service_results(name: str, raw: bytes, meta, body, province_of) -> dict[str, list[dict]]:
    res = parse_service_results(name, raw)
    base = {"snapshot_id": meta.snapshot_id, "time_type": body["timeType"], "year": body["year"],
            "period": body.get(body["timeType"]) if body["timeType"] != "year" else None,
            "retrieved": meta.retrieved, "api": "current", "index_version": mapping.index_version(body["year"])}
    short = {"snapshot_id": meta.snapshot_id, "retrieved": meta.retrieved}
    national = [{**short, "group": "TOTAL", "score": res.overview["total"], "max_score": 100.0,
                 "ratio": res.overview["ratio"], "growth_percent": res.growth_percent}]
    national += [{**short, **r, "growth_percent": None} for r in res.radar]
    counts = [{**short, "measure": tables.DONUT_MEASURES[(donut, d["code"])], "value": d["value"]}
              for donut, items in res.donuts.items() for d in items]
    monthly = [{**short, "average_score": None, "on_time_pct": None, "overdue_pct": None, **m}
               for m in res.monthly]
    return {"scores": tables.score_rows(base, res.evaluation, province_of), "national": national,
            "national_counts": counts, "national_monthly": monthly}


def _rows_details(name: str, parsed: dict, meta, province_of) -> dict[str, list[dict]]:
    short = {"snapshot_id": meta.snapshot_id, "retrieved": meta.retrieved}
    rows = [{**short, "province": province_of(p["code"]), "department_code": p["code"], **c}
            for p in parsed["provinces"] for c in p["counts"]]
    return {"counts": rows}


def prepare(path: Path, opts: Options, province_of,
            context=None) -> tuple[bytes, snap.SnapshotMeta, dict, dict, list[str]]:
    """Return (raw bytes, metadata, snapshots row, rows per table, warnings) for one file.
    ``context()`` returns the :class:`.legacy_rows.Context` an older-endpoint answer needs.

    Raises PortalFormatError when the file cannot be read or is not a known response."""
    name = path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PortalFormatError(name, "$", f"cannot be read: {exc.strerror or exc}") from None
    obj = parse_json(name, raw)
    if isinstance(obj, list):  # the older endpoint answers a bare list of provinces
        if context is None:
            raise PortalFormatError(name, "$", "an older-endpoint answer, but no admin units to match names")
        meta, srow, rows, warnings = legacy_rows.prepare(path, raw, opts, context())
        return raw, meta, srow, rows, warnings
    if details_mod.is_details(obj):
        parsed = details_mod.parse_details(name, raw)
        md = parsed["metadata"]
        body = {"timeType": md["timeType"], "year": md["year"], "departmentType": "ADMINISTRATIVE_UNIT"}
        if md["period"] is not None:
            body[md["timeType"]] = md["period"]
        at = str(md["extractedAt"])
        retrieved = opts.retrieved or dt.date.fromisoformat(at[:10])
        meta = _meta(path, raw, "crawler_details", body, retrieved, opts, at)
        rows, warnings = _rows_details(name, parsed, meta, province_of), []
    else:
        body, retrieved, warnings = _request(name, opts)
        if retrieved is None:
            raise PortalFormatError(name, "$", "the retrieval date is not known: pass --retrieved YYYY-MM-DD "
                                    "(a year-to-date figure changes with the day it is retrieved)")
        meta = _meta(path, raw, "service_results", body, retrieved, opts, None)
        rows = _rows_service_results(name, raw, meta, body, province_of)
    if dt.date.fromisoformat(meta.retrieved).year < int(body["year"]):
        raise PortalFormatError(name, "$", f"retrieved {meta.retrieved}, before the year {body['year']} it reports")
    return raw, meta, tables.snapshot_row(meta, body), rows, warnings


def import_files(paths, data_dir: Path, opts: Options, province_of, admin_units=None) -> ImportResult:
    """Validate every file of ``paths``, then add their snapshots and rows to the tables of
    ``data_dir/portal/``; return what was added. ``province_of(code)`` maps a portal
    department code to a province and raises KeyError for an unknown one; ``admin_units``
    (admin_units.csv) matches the older endpoint's names, read from ``data_dir`` if None.

    All or nothing: raises PortalFormatError (nothing written) when any file fails."""
    current = tables.read(data_dir)
    ctx: list = []

    def context():
        if not ctx:
            from analysis.data.loader import load
            units = admin_units if admin_units is not None else load(data_dir).admin_units
            ctx.append(legacy_rows.Context(units, current))
        return ctx[0]

    known = current.snapshot_ids()
    result = ImportResult()
    prepared, seen = [], set()

    def mapper(name):
        def of(code):
            try:
                return province_of(code)
            except KeyError as exc:
                raise PortalFormatError(name, "departmentCode", str(exc.args[0])) from None
        return of

    for path in map(Path, paths):
        raw, meta, srow, rows, warnings = prepare(path, opts, mapper(path.name), context)
        result.warnings += warnings
        if meta.snapshot_id in known or meta.snapshot_id in seen:
            result.warnings.append(f"{path.name}: snapshot {meta.snapshot_id} already imported; nothing added")
            continue
        seen.add(meta.snapshot_id)
        prepared.append((raw, meta, srow, rows))
    if not prepared:
        return result
    new = {name: [current[name]] for name in tables.COLUMNS}
    provinces = set()
    for raw, meta, srow, rows in prepared:
        new["snapshots"].append(pd.DataFrame([srow], columns=tables.COLUMNS["snapshots"]))
        for name, rs in rows.items():
            new[name].append(pd.DataFrame(rs, columns=tables.COLUMNS[name]))
            result.rows_added += len(rs)
            provinces |= {r["province"] for r in rs if "province" in r}
        result.snapshots += 1
        result.snapshot_ids.append(meta.snapshot_id)
    for raw, meta, _, _ in prepared:  # raw files first: content-hashed, so harmless if the rest fails
        snap.store(raw, meta, data_dir)
    frames = {name: pd.concat([f for f in fs if len(f)], ignore_index=True) if any(len(f) for f in fs)
              else fs[0] for name, fs in new.items()}
    tables.write(data_dir, frames)
    result.provinces = len(provinces)
    return result
