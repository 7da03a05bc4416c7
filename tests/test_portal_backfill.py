"""``analysis portal backfill`` against a replay server on 127.0.0.1 (test-made answers of
both endpoints, with faults), and a backfill killed by process id then resumed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from analysis import cli
from analysis.data.portal import tables
from portal_fixtures import data_folder
from portal_history_fixtures import Replay, legacy_answer

SRC = Path(__file__).resolve().parents[1] / "src"


def backfill(d, url, *args, capsys=None):
    code = cli.main(["portal", "backfill", "--data", str(d), "--base-url", url, "--pace", "0",
                     "--timeout", "0.5", "--backoff", "0", "--json", *args])
    out = json.loads(capsys.readouterr().out) if capsys else None
    return code, out


def months_held(d) -> list[tuple[str, str]]:
    s = pd.read_csv(d / "portal" / "snapshots.csv", dtype=str, keep_default_na=False)
    s = s[s["time_type"] == "month"]
    return sorted((a, f"{y}-{int(p):02d}") for a, y, p in zip(s["api"], s["year"], s["period"]))


def test_faults_are_reported_per_month_and_the_rest_is_imported(tmp_path, capsys):
    d = data_folder(tmp_path, with_portal=True)
    renamed = [{("TONGDIEM" if k == "TONG_SCORE" else k): v for k, v in e.items()} for e in legacy_answer("2025-04")]
    over = json.loads(json.dumps(legacy_answer("2024-10")))
    over[3]["CKMB"] = "19.50"
    over[3]["TONG_SCORE"] = f"{sum(float(over[3][g]) for g in ('CKMB', 'TDGQ', 'CLGQ', 'TTTT', 'MDHL', 'MDSH')):.2f}"
    faults = {("legacy", "2024-09"): [("status", 429), ("ok", None)],
              ("legacy", "2024-10"): [("json", over)],
              ("legacy", "2024-11"): [("status", 500)],
              ("legacy", "2024-12"): [("status", 403)],
              ("legacy", "2025-01"): [("html", "<!DOCTYPE html><html><body>Bảo trì</body></html>")],
              ("legacy", "2025-02"): [("raw", json.dumps(legacy_answer("2025-02")).encode()[:500])],
              ("legacy", "2025-03"): [("json", [])],
              ("legacy", "2025-04"): [("json", renamed)],
              ("legacy", "2025-05"): [("json", legacy_answer("2025-05")[1:])],
              ("current", "2025-08"): [("sleep", 1.5)]}
    with Replay(faults) as portal:
        code, out = backfill(d, portal.url, "--from", "2024-08", "--to", "2025-09", capsys=capsys)
        assert code == 1
        assert out["months"] == 14 and out["skipped"] == 0
        failed = {f["month"]: f for f in out["failed"]}
        assert set(failed) == {"2024-10", "2024-11", "2024-12", "2025-01", "2025-02", "2025-03", "2025-04",
                               "2025-05", "2025-08"}
        assert out["fetched"] == 14 - len(failed)
        assert "$[3].CKMB: 19.5 is above the group's maximum 18" in failed["2024-10"]["reason"]
        assert "HTTP 500" in failed["2024-11"]["reason"] and "attempt 4 of 4" in failed["2024-11"]["reason"]
        assert "HTTP 403" in failed["2024-12"]["reason"] and "attempt 1 of" in failed["2024-12"]["reason"]
        assert "an HTML page" in failed["2025-01"]["reason"]
        assert "not valid JSON" in failed["2025-02"]["reason"]
        assert "empty list" in failed["2025-03"]["reason"]
        assert "$[0]" in failed["2025-04"]["reason"] and "TONGDIEM" in failed["2025-04"]["reason"]
        assert "missing" in failed["2025-05"]["reason"] and failed["2025-05"]["api"] == "legacy"
        assert "timed out" in failed["2025-08"]["reason"] and failed["2025-08"]["api"] == "current"
        assert all(r["agent"].startswith("vn-online-services-analysis/") for r in portal.requests)
        rejected = sorted(p.name for p in (d / "portal" / "rejected").glob("*.body"))
        assert any(n.startswith("legacy_2025-01") for n in rejected)
        assert any(n.startswith("legacy_2024-10") for n in rejected)
        # The faults are gone: the rerun asks only for the failed months.
        portal.faults.clear()
        before = len(portal.requests)
        code, out = backfill(d, portal.url, "--from", "2024-08", "--to", "2025-09", capsys=capsys)
        assert code == 0 and out == {"months": 14, "fetched": 9, "skipped": 5, "failed": []}
        assert len(portal.requests) - before == 9
    held = months_held(d)
    assert len(held) == len(set(held)) == 14
    assert [m for a, m in held if a == "legacy"] == [f"2024-{m:02d}" for m in range(8, 13)] + \
        [f"2025-{m:02d}" for m in range(1, 7)]


def test_bad_arguments_exit_2_and_ask_nothing(tmp_path):
    d = data_folder(tmp_path, with_portal=True)
    with Replay() as portal:
        for args in (["--from", "2025-13"], ["--from", "2021-12"], ["--from", "2025-03", "--to", "2025-01"],
                     ["--from", "2099-01"], ["--from", "2025-01", "--pace", "-1"]):
            assert backfill(d, portal.url, *args)[0] == 2, args
        assert portal.requests == []


def _kill_after(proc, portal, n: int, limit: float = 60.0) -> None:
    """SIGKILL ``proc`` once the portal has answered ``n`` requests (bounded wait)."""
    deadline = time.monotonic() + limit
    while len(portal.requests) < n and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)


def test_a_killed_backfill_resumes_without_duplicates_or_holes(tmp_path):
    d = data_folder(tmp_path, with_portal=True)
    env = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    with Replay() as portal:
        cmd = [sys.executable, "-m", "analysis.cli", "portal", "backfill", "--from", "2023-01", "--to",
               "2023-12", "--data", str(d), "--base-url", portal.url, "--json"]
        proc = subprocess.Popen(cmd + ["--pace", "0.15"], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        _kill_after(proc, portal, 5)
        assert proc.returncode == -signal.SIGKILL
        first = months_held(d)
        assert 3 <= len(first) < 12, first
        done = subprocess.run(cmd + ["--pace", "0"], env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        out = json.loads(done.stdout)
        assert out["skipped"] == len(first) and out["fetched"] == 12 - len(first)
    held = months_held(d)
    assert held == [("legacy", f"2023-{m:02d}") for m in range(1, 13)]
    sc = pd.read_csv(d / "portal" / "scores.csv", dtype={"snapshot_id": str})
    sc = sc[sc["api"] == "legacy"]
    assert not sc.duplicated(["snapshot_id", "province", "group"]).any()
    assert (sc.groupby("snapshot_id").size() == 63).all() and sc["snapshot_id"].nunique() == 12
    assert set(sc["snapshot_id"]) == set(tables.read(d)["snapshots"].query("api == 'legacy'")["snapshot_id"])


def test_a_run_stopped_between_two_table_files_leaves_no_duplicate(tmp_path, monkeypatch, capsys):
    """Stopped after scores.csv was replaced but before snapshots.csv: the month is not
    held, and the rerun imports it once (rows of no listed snapshot are dropped)."""
    d = data_folder(tmp_path, with_portal=True)
    real = tables.atomic_write

    def stop_at_snapshots(path, write):
        if path.name == "snapshots.csv":
            raise KeyboardInterrupt
        real(path, write)

    with Replay() as portal:
        monkeypatch.setattr(tables, "atomic_write", stop_at_snapshots)
        assert backfill(d, portal.url, "--from", "2024-02", "--to", "2024-02")[0] == 130
        raw_scores = pd.read_csv(d / "portal" / "scores.csv", dtype={"snapshot_id": str})
        assert (raw_scores["api"] == "legacy").sum() > 0  # the orphan rows are on disk
        assert months_held(d) == []
        monkeypatch.setattr(tables, "atomic_write", real)
        capsys.readouterr()
        code, out = backfill(d, portal.url, "--from", "2024-02", "--to", "2024-02", capsys=capsys)
        assert code == 0 and out["fetched"] == 1
    sc = pd.read_csv(d / "portal" / "scores.csv", dtype={"snapshot_id": str})
    legacy_rows = sc[sc["api"] == "legacy"]
    assert legacy_rows["snapshot_id"].nunique() == 1
    assert not legacy_rows.duplicated(["snapshot_id", "province", "group"]).any()


def test_the_current_api_for_months_before_the_merger_is_recorded_as_answered(tmp_path, capsys):
    """Whether the current API serves months before 2025-07, and for which units, is
    unknown: an empty answer is a failed month with its reason, an answer is kept as given."""
    from portal_history_fixtures import current_answer
    from analysis.data.portal import history
    d = data_folder(tmp_path, with_portal=True)
    empty = current_answer("2024-05")
    empty["data"]["evaluation"] = []
    with Replay({("current", "2024-05"): [("json", empty)]}) as portal:
        code, out = backfill(d, portal.url, "--from", "2024-05", "--to", "2024-06", "--api", "current",
                             capsys=capsys)
    assert code == 1 and out["fetched"] == 1
    assert out["failed"][0]["month"] == "2024-05" and "non-empty list" in out["failed"][0]["reason"]
    p = history.panel(d, group="TOTAL")
    assert set(p["month"]) == {"2024-06"} and set(p["endpoint"]) == {"current"} and len(p) == 34
