"""Benchmark: `analysis portal backfill` against the tests' replay server on 127.0.0.1
(TEST answers of both endpoints, never real figures), at pace 0, so what is measured is the
tool's own cost per month (request, validation, import rewriting the tables), which adds to
the pause (`--pace`, 5 s by default) and the portal's answer time in a real run. Also the
time of `history.panel()` on the result and of a rerun that skips every month.

    .venv/bin/python benchmarks/bench_backfill.py [--from 2022-01] [--to 2026-10]

Prints a Markdown table and writes benchmarks/results/bench_backfill.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

from analysis import cli  # noqa: E402
from analysis.data.portal import history  # noqa: E402
from portal_fixtures import data_folder  # noqa: E402
from portal_history_fixtures import Replay  # noqa: E402


def _backfill(d: Path, url: str, start: str, end: str) -> float:
    t0 = time.perf_counter()
    code = cli.main(["portal", "backfill", "--from", start, "--to", end, "--data", str(d), "--base-url", url,
                     "--pace", "0", "--json"])
    if code != 0:
        raise SystemExit(f"backfill exited {code}")
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--from", dest="start", default="2022-01")
    ap.add_argument("--to", dest="end", default="2026-10")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp, Replay() as portal:
        d = data_folder(Path(tmp), with_portal=True)
        first = _backfill(d, portal.url, args.start, args.end)
        again = _backfill(d, portal.url, args.start, args.end)
        t0 = time.perf_counter()
        p = history.panel(d)
        panel_s = time.perf_counter() - t0
        months = p["month"].nunique()
    res = {"months": int(months), "backfill_s": round(first, 2), "per_month_s": round(first / months, 3),
           "rerun_all_skipped_s": round(again, 2), "panel_s": round(panel_s, 3), "panel_rows": int(len(p))}
    out = ROOT / "benchmarks" / "results" / "bench_backfill.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
    print("| measure | value |\n|---|---|")
    for k, v in res.items():
        print(f"| {k} | {v} |")


if __name__ == "__main__":
    main()
