"""Small responses in the format of the portal's service-results endpoint, written by the
tests (not copied from the shipped ones), and a data folder to import them into."""

from __future__ import annotations

import json
import random
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from analysis import config

MAXIMA = {"CKMB": 18, "TDGQ": 20, "CLGQ": 12, "TTTT": 10, "MDHL": 18, "MDSH": 22}
CODES = ["H41", "H44", "H26", "H29", "H57", "H01"]  # Nghệ An, Phú Thọ, Hà Nội, HCM, Huế, An Giang


def response(codes=CODES, seed: int = 0, **overrides) -> dict:
    """Return a valid response for ``codes`` with random group scores (two decimals)."""
    rng = random.Random(seed)
    evaluation = []
    for i, code in enumerate(codes):
        groups = {g: round(rng.uniform(0.3, 0.95) * mx, 2) for g, mx in MAXIMA.items()}
        total = round(sum(groups.values()), 2)
        evaluation.append({"departmentId": f"id-{i}", "departmentName": f"UBND {code}",
                           "departmentCode": code, "totalScore": total, "ratio": total,
                           "scoreDelta": round(rng.uniform(-5, 20), 2), "groupScores": groups})
    national = round(sum(e["totalScore"] for e in evaluation) / len(evaluation), 2)
    data = {
        "overview": {"departmentName": "Cả nước", "departmentCode": None, "totalScore": national,
                     "totalMaxScore": 100, "ratio": national},
        "growthPercent": 12.5,
        "radar": [{"code": "CKMB", "name": "Công khai, minh bạch", "score": 10.0, "maxScore": 18, "ratio": 55.56},
                  {"code": "TDGQ", "name": "Tiến độ giải quyết", "score": 17.0, "maxScore": 20, "ratio": 85.0},
                  {"code": "ONLINE_SERVICE", "name": "Dịch vụ trực tuyến", "score": 14.0, "maxScore": 22,
                   "ratio": 63.64},
                  {"code": "MDHL", "name": "Mức độ hài lòng", "score": 10.0, "maxScore": 18, "ratio": 55.56},
                  {"code": "MDSH", "name": "Số hóa hồ sơ", "score": 9.0, "maxScore": 22, "ratio": 40.91}],
        "donuts": {"onlineDossier": [{"code": "ONLINE", "name": "Trực tuyến", "value": 900, "percent": 90.0},
                                     {"code": "OTHER", "name": "Trực tiếp, bưu chính", "value": 100, "percent": 10.0}],
                   "onlineProvision": [{"code": "FULL", "name": "Toàn trình", "value": 5, "percent": 50.0},
                                       {"code": "PARTIAL", "name": "Một phần", "value": 3, "percent": 30.0},
                                       {"code": "NONE", "name": "Chưa cung cấp", "value": 2, "percent": 20.0}]},
        "evaluation": evaluation,
        "monthlyChart": [{"month": f"{m:02d}", "averageScore": 50.0 if m < 4 else None} for m in range(1, 13)],
        "dossierChart": [{"month": f"{m:02d}", "onTimePct": 80.0 if m < 4 else None,
                          "overduePct": 20.0 if m < 4 else None} for m in range(1, 13)],
    }
    obj = {"code": "OK", "data": data, "message": "Thành công"}
    obj.update(overrides)
    return obj


def write(path: Path, obj) -> Path:
    path.write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")
    return path


def data_folder(tmp_path: Path, with_portal: bool = False) -> Path:
    """Return a copy of the shipped data/ (without the imported index unless asked)."""
    dst = tmp_path / "data"
    ignore = None if with_portal else shutil.ignore_patterns("portal")
    shutil.copytree(config.DATA_DIR, dst, ignore=ignore)
    return dst


def snapshot_state(data_dir: Path) -> dict[str, bytes]:
    """Return every file under data_dir/portal with its bytes (to show nothing changed)."""
    root = data_dir / "portal"
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()} \
        if root.exists() else {}


class ScriptedServer:
    """A portal on 127.0.0.1 (never another address) that hands each POST to
    :meth:`handle`; a context manager that serves while open. Subclasses decide what each
    request gets and answer with :func:`reply`."""

    def __init__(self):
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):  # keep test output quiet
                pass

            def do_POST(self):
                n = int(self.headers.get("Content-Length", 0))
                owner.handle(self, self.rfile.read(n))

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def handle(self, handler, body: bytes) -> None:
        raise NotImplementedError

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def reply(handler, kind: str, payload) -> None:
    """Answer one request with a scripted action: ("json", object), ("raw", bytes),
    ("html", text) or ("status", code); a 429 carries Retry-After: 0. A client that hung up
    is ignored (the timeout tests do that)."""
    status, ctype, data = 200, "application/json", b""
    if kind == "json":
        data = json.dumps(payload, ensure_ascii=False).encode()
    elif kind == "raw":
        data = payload
    elif kind == "html":
        data, ctype = payload.encode(), "text/html"
    else:  # ("status", code)
        status, data = payload, b'{"message": "error"}'
    handler.send_response(status)
    handler.send_header("Content-Type", ctype)
    handler.send_header("Content-Length", str(len(data)))
    if status == 429:
        handler.send_header("Retry-After", "0")
    handler.end_headers()
    try:
        handler.wfile.write(data)
    except (BrokenPipeError, ConnectionResetError):
        pass
