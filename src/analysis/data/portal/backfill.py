"""Fetch and import the index month by month: one snapshot per month and endpoint.

Each month is fetched, kept raw and imported on its own (:func:`.importer.import_files`,
which writes the raw file, then the tables, the snapshots table last); a month counts as
held once its row is in ``snapshots.csv``. So a run stopped at any point (Ctrl-C,
SIGKILL) keeps every month it finished, and the next run asks only for the others: no
month twice, none skipped. A month that fails is reported and the run goes on.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from analysis.data.portal import fetch, importer, snapshot, tables
from analysis.data.portal.response import PortalFormatError

#: The first month the index (Decision 766/QĐ-TTg of 23 Jun 2022) could cover.
FIRST_MONTH = "2022-01"
#: From this month the current API serves the 34 provinces (``auto`` switches here).
CURRENT_FROM = "2025-07"
APIS = ("auto", "current", "legacy")
#: Default pause between two requests, in seconds.
PACE = 5.0
MONTH = re.compile(r"(\d{4})-(\d{2})")


@dataclass
class Outcome:
    """What a backfill did: months asked for, fetched and imported, skipped (held
    before), and the failures, each {"month", "api", "reason"}."""

    months: int = 0
    fetched: int = 0
    skipped: int = 0
    failed: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"months": self.months, "fetched": self.fetched, "skipped": self.skipped, "failed": self.failed}


def parse_month(text: str) -> tuple[int, int]:
    """Return (year, month) of 'YYYY-MM'; raise ValueError otherwise."""
    m = MONTH.fullmatch(text or "")
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(f"{text!r} is not a month YYYY-MM")
    return int(m.group(1)), int(m.group(2))


def months_between(start: str, end: str) -> list[str]:
    """Return every month 'YYYY-MM' from ``start`` to ``end`` inclusive."""
    (y, m), stop = parse_month(start), parse_month(end)
    out = []
    while (y, m) <= stop:
        out.append(f"{y}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def api_for(month: str, choice: str) -> str:
    """Return the endpoint to ask for ``month``: ``auto`` is the older one before 2025-07."""
    if choice != "auto":
        return choice
    return "legacy" if month < CURRENT_FROM else "current"


def held(data_dir: Path) -> set[tuple[str, str]]:
    """Return {(api, 'YYYY-MM')} of the monthly snapshots already imported."""
    s = tables.read(data_dir)["snapshots"]
    s = s[s["time_type"] == "month"]
    return {(a, f"{int(y)}-{int(p):02d}") for a, y, p in zip(s["api"], s["year"], s["period"])}


def _answer(api: str, base_url: str, year: int, month: int, kw: dict) -> fetch.Answer:
    if api == "legacy":
        return fetch.post_legacy(base_url, year, month, **kw)
    return fetch.post(base_url, fetch.request_body("month", year, month), **kw)


def fetch_month(data_dir: Path, api: str, month: str, base_url: str, resolve, kw: dict) -> None:
    """Fetch one month from one endpoint and import it. ``resolve`` is (province_of,
    admin_units). Raises PortalUnavailable or PortalFormatError (the answer kept under
    ``portal/rejected/``) when the month cannot be imported; nothing is half-written."""
    year, mon = parse_month(month)
    stem = f"{api}_{month}"
    try:
        answer = _answer(api, base_url, year, mon, kw)
    except fetch.PortalUnavailable as exc:
        if exc.body:
            snapshot.keep_rejected(exc.body, str(exc), data_dir, stem)
        raise
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    opts = importer.Options(retrieved=now.date(), retrieved_at=now.isoformat().replace("+00:00", "Z"),
                            source=f"fetched from {answer.url} by analysis portal backfill",
                            time_type="month", year=year, period=mon, http_status=answer.status,
                            origin="fetched", base_url=base_url)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{stem}.json"
        path.write_bytes(answer.body)
        try:
            result = importer.import_files([path], data_dir, opts, resolve[0], resolve[1])
            if result.snapshots == 0:  # same bytes as a snapshot held for another period
                raise PortalFormatError(path.name, "$", "the answer is byte for byte one imported before "
                                        "(for another period?); not recorded as this month")
        except PortalFormatError as exc:
            snapshot.keep_rejected(answer.body, str(exc), data_dir, stem)
            raise


def run(data_dir: Path, months: list[str], api: str, base_url: str, resolve, *, pace: float = PACE,
        kw: dict | None = None, sleep=time.sleep, progress=lambda month, status: None) -> Outcome:
    """Fetch and import every month of ``months`` not held yet; return the outcome.

    ``progress(month, status)`` is told 'skipped', 'fetched' or 'failed' after each month.
    Pauses ``pace`` seconds between two requests."""
    out = Outcome(months=len(months))
    have = held(data_dir)
    asked = False
    for month in months:
        which = api_for(month, api)
        if (which, month) in have:
            out.skipped += 1
            progress(month, "skipped")
            continue
        if asked and pace > 0:
            sleep(pace)
        asked = True
        try:
            fetch_month(data_dir, which, month, base_url, resolve, kw or {})
        except (fetch.PortalUnavailable, PortalFormatError) as exc:
            out.failed.append({"month": month, "api": which, "reason": str(exc)})
            progress(month, "failed")
            continue
        out.fetched += 1
        progress(month, "fetched")
    return out
