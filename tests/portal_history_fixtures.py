"""Monthly answers of both endpoints of the portal, written by the tests (TEST DATA, never
presented as real figures), and a replay server on 127.0.0.1 that serves them by month
with scripted faults."""

from __future__ import annotations

import datetime as dt
import functools
import json
import random
import time
import urllib.parse
from pathlib import Path

import pandas as pd

from analysis import cli, config
from analysis.data.portal import importer, legacy
from portal_fixtures import ScriptedServer, data_folder, reply, response

LEGACY_MAX = {"CKMB": 18, "TDGQ": 20, "CLGQ": 12, "TTTT": 10, "MDHL": 18, "MDSH": 22}


@functools.lru_cache(maxsize=1)
def admin_units() -> pd.DataFrame:
    """Return the shipped admin_units.csv (read once: the replay server asks for it per answer)."""
    from analysis import data
    return data.load(config.DATA_DIR).admin_units


def official_names(month: str) -> dict[str, str]:
    """Return {province: the official name the older endpoint is assumed to send} in ``month``."""
    names = legacy.names_in_force(admin_units(), month)
    out = {}
    for name, prov in names.items():
        prefix = "Thành phố " if prov in ("Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ") else "Tỉnh "
        out[prov] = prefix + name
    return out


def legacy_answer(month: str, seed: int = 0, swapped: bool = False, shift: float = 0.0) -> list[dict]:
    """Return a TEST older-endpoint answer for ``month``: every province in force, numbers as
    text. Online services (12 points) reach 11 somewhere, so the maxima settle the reading:
    under ``swapped`` it is sent as ``TTTT`` (as one public client labels it)."""
    rng = random.Random(f"{month}-{seed}")
    out = []
    for i, (prov, name) in enumerate(sorted(official_names(month).items())):
        g = {k: round(rng.uniform(0.3, 0.9) * mx, 2) for k, mx in LEGACY_MAX.items()}
        if i == 0:
            g["CLGQ"] = 11.0
        g["CKMB"] = round(min(18.0, g["CKMB"] + shift), 2)
        if swapped:
            g["CLGQ"], g["TTTT"] = g["TTTT"], g["CLGQ"]
        total = round(sum(g.values()), 2)
        out.append({"ID": str(100 + i), "TEN": name, "TONG_SCORE": f"{total:.2f}",
                    **{k: f"{v:.2f}" for k, v in g.items()}})
    return out


def current_answer(month: str, seed: int = 0) -> dict:
    """Return a TEST current-API answer for ``month`` with the 34 provinces."""
    au = admin_units()
    codes = [c for c in au["portal_code"] if isinstance(c, str) and c]
    return response(codes=codes, seed=int(month.replace("-", "")) + seed)


class Replay(ScriptedServer):
    """A scripted portal on 127.0.0.1 for both endpoints. ``faults[(api, 'YYYY-MM')]`` is a
    list of actions taken one per request (the last repeats); other months get a valid
    answer. Actions: ("status", code), ("sleep", seconds), ("html", text), ("raw", bytes),
    ("json", object)."""

    def __init__(self, faults=None, seed: int = 0):
        super().__init__()
        self.faults = {k: list(v) for k, v in (faults or {}).items()}
        self.seed, self.requests = seed, []

    def _month(self, handler, body: bytes) -> tuple[str, str]:
        if handler.path == legacy.PATH:
            p = json.loads(urllib.parse.parse_qs(body.decode())["params"][0])
            return "legacy", f"{p['p_nam']}-{p['p_thang']:02d}"
        b = json.loads(body)
        return "current", f"{b['year']}-{b['month']:02d}"

    def handle(self, handler, body: bytes) -> None:
        api, month = self._month(handler, body)
        self.requests.append({"api": api, "month": month, "agent": handler.headers.get("User-Agent")})
        script = self.faults.get((api, month))
        action = (script.pop(0) if len(script) > 1 else script[0]) if script else ("ok", None)
        kind, payload = action
        if kind == "sleep":
            time.sleep(payload)
            kind = "ok"
        if kind == "ok":
            obj = legacy_answer(month, self.seed) if api == "legacy" else current_answer(month, self.seed)
            kind, payload = "json", obj
        reply(handler, kind, payload)


def _import(d, month: str, retrieved: str, shift: float) -> None:
    """Import a TEST older-endpoint answer for ``month`` as retrieved on ``retrieved``."""
    from analysis import data
    y, m = map(int, month.split("-"))
    path = d.parent / f"test-data_{month}_{retrieved}.json"
    path.write_text(json.dumps(legacy_answer(month, shift=shift), ensure_ascii=False), encoding="utf-8")
    importer.import_files([path], d, importer.Options(
        retrieved=dt.date.fromisoformat(retrieved), time_type="month", year=y, period=m,
        source="TEST DATA written by tests/portal_history_fixtures.py", base_url="http://test-data.invalid"),
        data.load(d).province_of_portal_code)


def monthly_history(root) -> Path:
    """Return a data folder under ``root`` holding TEST monthly answers 2024-01 to 2025-08
    (both endpoints, fetched from a :class:`Replay` on 127.0.0.1), with 2024-03 retrieved
    twice and revised between. Raises AssertionError when the backfill fails."""
    d = data_folder(root, with_portal=True)
    _import(d, "2024-03", "2026-06-01", 0.0)
    _import(d, "2024-03", "2026-07-01", 0.5)
    with Replay() as portal:
        code = cli.main(["portal", "backfill", "--from", "2024-01", "--to", "2025-08", "--data", str(d),
                         "--base-url", portal.url, "--pace", "0", "--json"])
    assert code == 0
    return d
