"""Reusing runs of the previous pack: its manifest, and copying an unchanged run's files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

def read_json(path: Path) -> dict:
    """Return the JSON object in ``path``, or {} if it is missing or unreadable."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def read_manifest(pack_dir: Path) -> dict:
    """Return the manifest of the pack in ``pack_dir``, or {} if there is none."""
    return read_json(pack_dir / "manifest.json")


def previous(out_root: Path, name: str) -> tuple[Path | None, dict]:
    """Return (folder, {cache key: run record}) of the last published pack ``name``."""
    prev = out_root / "packs" / name
    manifest = read_manifest(prev)
    if not manifest:
        return None, {}
    return prev.resolve(), {r["cache_key"]: r for r in manifest.get("runs", []) if r.get("status") == "ok"}


def record_files(record: dict) -> list[str]:
    files = [record["notebook_executed"], record["html"], record["log"]]
    for fig in record["figures"]:
        files += list(fig["files"].values())
    return files


def reuse(prev_dir: Path, record: dict, tmp: Path) -> bool:
    """Copy a cached run's files from the previous pack into ``tmp``; False if any is missing."""
    files = record_files(record)
    if not all((prev_dir / f).is_file() for f in files):
        return False
    for f in files:
        (tmp / f).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(prev_dir / f, tmp / f)
    return True


def write_json(path: Path, obj) -> None:
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8")
