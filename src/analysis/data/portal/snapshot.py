"""Raw snapshots, kept the way Our World in Data's ``etl`` and Catalyst's PUDL keep raw
inputs: each response stored byte for byte under its content hash
(``data/portal/raw/<sha256[:16]>.json``) beside a small metadata file
(``<sha256[:16]>.meta.json``) saying what it is and where it came from. A snapshot is
never edited; the tidy tables are derived from the snapshots by code.
"""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from analysis.files import atomic_write

SUBDIR = "portal"
RAW_SUBDIR = "raw"
#: Answers the fetcher could not use (HTML, truncated JSON, code not OK), kept for inspection.
REJECTED_SUBDIR = "rejected"
DEFAULT_BASE_URL = "https://dichvucong.gov.vn"

KINDS = {
    "service_results": "The portal's own response of the service-results endpoint, unchanged.",
    "crawler_details": "A third party's processing (the crawler duynghiaqn/Crawler-766) of the portal's "
                       "component endpoints, merged into one file; not the portal's own response.",
    "legacy_report": "The portal's own answer of its older endpoint (/jsp/rest.jsp, report_tinh_766_service, "
                     "the 63 provinces before the 2025 merger), unchanged.",
}


@dataclass(frozen=True)
class SnapshotMeta:
    """Where one raw snapshot came from. ``retrieved_at`` is as precise as known (a date,
    or an ISO date-time in UTC); ``http_status`` is None when the origin did not record it."""

    snapshot_id: str
    sha256: str
    kind: str
    endpoint: str
    method: str
    request_body: dict
    retrieved: str
    retrieved_at: str
    http_status: int | None
    origin: str
    source: str
    original_name: str
    upstream_repository: str = ""
    upstream_path: str = ""
    upstream_commit: str = ""

    @property
    def raw_name(self) -> str:
        return f"{self.snapshot_id}.json"


def sha256(raw: bytes) -> str:
    """Return the hex SHA-256 of ``raw``."""
    return hashlib.sha256(raw).hexdigest()


def snapshot_id(raw: bytes) -> str:
    """Return the content-hashed name of a snapshot: the first 16 hex digits of its SHA-256."""
    return sha256(raw)[:16]


def raw_dir(data_dir: Path) -> Path:
    return Path(data_dir) / SUBDIR / RAW_SUBDIR


def store(raw: bytes, meta: SnapshotMeta, data_dir: Path) -> Path:
    """Write ``raw`` and its metadata under ``data_dir/portal/raw/``; return the raw path.

    An existing snapshot of the same content is left as it is (content-hashed names:
    the bytes cannot differ). Raises ValueError when ``meta`` does not hash ``raw``."""
    if meta.sha256 != sha256(raw):
        raise ValueError("metadata sha256 does not match the snapshot's bytes")
    folder = raw_dir(data_dir)
    path = folder / meta.raw_name
    if not path.exists():
        atomic_write(path, lambda p: p.write_bytes(raw))
    meta_path = folder / f"{meta.snapshot_id}.meta.json"
    if not meta_path.exists():
        text = json.dumps(asdict(meta), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        atomic_write(meta_path, lambda p: p.write_text(text, encoding="utf-8"))
    return path


def read_meta(data_dir: Path, sid: str) -> SnapshotMeta:
    """Return the metadata of snapshot ``sid`` (FileNotFoundError when absent)."""
    path = raw_dir(data_dir) / f"{sid}.meta.json"
    return SnapshotMeta(**json.loads(path.read_text(encoding="utf-8")))


def keep_rejected(raw: bytes, reason: str, data_dir: Path, stem: str) -> Path:
    """Keep an answer the fetcher could not use under ``data_dir/portal/rejected/`` with
    a text file giving the reason; return the path of the kept answer."""
    folder = Path(data_dir) / SUBDIR / REJECTED_SUBDIR
    path = folder / f"{stem}-{snapshot_id(raw)}.body"
    atomic_write(path, lambda p: p.write_bytes(raw))
    atomic_write(path.with_suffix(".reason.txt"), lambda p: p.write_text(reason + "\n", encoding="utf-8"))
    return path


def upstream_from_sources(path: Path, digest: str) -> dict | None:
    """Return the provenance of ``path`` from a ``SOURCES.csv`` beside it (the shipped
    ``portal-766`` folder has one: upstream repository, path, commit, sha256), or None.

    Used only when the listed sha256 equals the file's, so a changed file never
    inherits another file's provenance."""
    sources = path.parent / "SOURCES.csv"
    if not sources.is_file():
        return None
    with sources.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row.get("file") == path.name and row.get("sha256") == digest:
                return row
    return None
