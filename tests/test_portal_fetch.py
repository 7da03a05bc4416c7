"""``analysis portal fetch`` against a local HTTP server on 127.0.0.1 that replays
responses and injects faults: timeouts, 403, 500 then success, 429, HTML, truncated JSON,
a renamed field. Never another address."""

from __future__ import annotations

import json
import time

import pytest

from analysis import cli
from analysis.data.portal import fetch, tables
from portal_fixtures import ScriptedServer, data_folder, reply, response, snapshot_state

PATH = "/api/v1/reporting/evaluation/service-results"


class Portal(ScriptedServer):
    """A scripted portal: each request takes the next action of ``script``; the last
    action repeats. Records the requests it saw."""

    def __init__(self, script):
        super().__init__()
        self.script, self.requests = list(script), []

    def handle(self, handler, body: bytes) -> None:
        self.requests.append({"path": handler.path, "headers": dict(handler.headers),
                              "body": json.loads(body or b"null")})
        kind, payload = self.script.pop(0) if len(self.script) > 1 else self.script[0]
        if kind == "sleep":
            time.sleep(payload)
            kind, payload = "json", response()
        reply(handler, kind, payload)


def fetch_cmd(portal, d, *extra):
    return cli.main(["portal", "fetch", "--time-type", "year", "--year", "2026", "--base-url", portal.url,
                     "--data", str(d), "--backoff", "0.01", "--timeout", "0.5", *extra])


def test_success_saves_the_snapshot_and_imports_it(tmp_path, capsys):
    d = data_folder(tmp_path)
    with Portal([("json", response(seed=11))]) as portal:
        assert fetch_cmd(portal, d, "--json") == 0
    out = json.loads(capsys.readouterr().out)
    assert out["snapshots"] == 1 and out["provinces"] == 6
    req = portal.requests[0]
    assert req["path"] == PATH
    assert req["body"] == {"timeType": "year", "year": 2026, "departmentType": "ADMINISTRATIVE_UNIT"}
    assert req["headers"]["User-Agent"] == fetch.USER_AGENT
    snap = tables.read(d)["snapshots"].iloc[0]
    assert snap["origin"] == "fetched" and snap["http_status"] == 200
    assert snap["endpoint"] == portal.url + PATH


def test_500_then_success_retries(tmp_path, capsys):
    d = data_folder(tmp_path)
    with Portal([("status", 500), ("status", 503), ("json", response())]) as portal:
        assert fetch_cmd(portal, d) == 0
    assert len(portal.requests) == 3
    assert "HTTP 500" in capsys.readouterr().err


def test_429_is_retried(tmp_path):
    d = data_folder(tmp_path)
    with Portal([("status", 429), ("json", response())]) as portal:
        assert fetch_cmd(portal, d) == 0
    assert len(portal.requests) == 2


def test_403_fails_at_once_with_exit_1(tmp_path, capsys):
    d = data_folder(tmp_path)
    with Portal([("status", 403)]) as portal:
        assert fetch_cmd(portal, d) == 1
    assert len(portal.requests) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert "HTTP 403" in err[-1]
    assert not (d / "portal" / "snapshots.csv").exists()


def test_timeouts_exhaust_the_retries_with_exit_1(tmp_path, capsys):
    d = data_folder(tmp_path)
    with Portal([("sleep", 1.5)]) as portal:
        assert fetch_cmd(portal, d) == 1
    assert len(portal.requests) == fetch.ATTEMPTS
    assert "timed out" in capsys.readouterr().err
    assert not (d / "portal" / "snapshots.csv").exists()


def test_unreachable_portal_exits_1(tmp_path, capsys):
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    d = data_folder(tmp_path)
    rc = cli.main(["portal", "fetch", "--time-type", "year", "--year", "2026", "--base-url",
                   f"http://127.0.0.1:{port}", "--data", str(d), "--backoff", "0.01"])
    assert rc == 1
    assert "cannot connect" in capsys.readouterr().err


@pytest.mark.parametrize("action,needle", [
    (("html", "<!DOCTYPE html><html><body>Hệ thống đang bảo trì</body></html>"), "HTML"),
    (("raw", json.dumps(response()).encode()[:500]), "not valid JSON"),
    (("json", {**response(), "code": "UNAUTHORIZED"}), "UNAUTHORIZED"),
    (("json", json.loads(json.dumps(response()).replace('"groupScores"', '"groupScore"'))), "groupScore"),
])
def test_unusable_answer_exits_1_imports_nothing_and_keeps_it_aside(tmp_path, capsys, action, needle):
    d = data_folder(tmp_path, with_portal=True)
    before = snapshot_state(d)
    with Portal([action]) as portal:
        assert fetch_cmd(portal, d) == 1
    err = capsys.readouterr().err.strip()
    assert needle in err and "nothing imported" in err
    assert len(err.splitlines()) == 1
    after = snapshot_state(d)
    kept = {k: v for k, v in after.items() if k.startswith("rejected/")}
    assert any(k.endswith(".body") for k in kept) and any(k.endswith(".reason.txt") for k in kept)
    assert {k: v for k, v in after.items() if not k.startswith("rejected/")} == before


@pytest.mark.parametrize("args", [["--time-type", "month", "--year", "2026"],
                                  ["--time-type", "quarter", "--year", "2026", "--period", "5"],
                                  ["--time-type", "year", "--year", "2026", "--period", "2"],
                                  ["--time-type", "week", "--year", "2026"]])
def test_bad_arguments_exit_2_without_a_request(tmp_path, args):
    d = data_folder(tmp_path)
    with Portal([("json", response())]) as portal:
        try:
            rc = cli.main(["portal", "fetch", *args, "--base-url", portal.url, "--data", str(d)])
        except SystemExit as exc:  # argparse refuses an unknown choice
            rc = exc.code
    assert rc == 2
    assert portal.requests == []
