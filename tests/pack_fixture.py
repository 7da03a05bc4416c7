"""A hand-made pack (files and manifest, no kernels) for the reviewers' page tests.

Reports in both languages with findings of each kind, a failed run without findings, a
report built only in English, a run whose findings file was broken, and a run of an older
notebook without a language or findings. Vietnamese text is written decomposed (NFD) where
the page must normalise it.
"""

from __future__ import annotations

import json
import struct
import unicodedata
import zlib
from pathlib import Path

from analysis import i18n

NFD = lambda s: unicodedata.normalize("NFD", s)  # noqa: E731


def png(width: int = 6, height: int = 4) -> bytes:
    """Return a small valid grey PNG (what a browser can decode)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


FINDINGS = {
    "01_data_overview__province-nghe-an__lang-vi": {
        "report": "01_data_overview", "lang": "vi", "status": "descriptive",
        "headline": NFD("Nghệ An: tỷ lệ hồ sơ trực tuyến 72,35% (224.930/310.903) đến 06/08/2025."),
        "sentences": [NFD("Ba số liệu đo trên ba phạm vi khác nhau.")]},
    "01_data_overview__province-nghe-an__lang-en": {
        "report": "01_data_overview", "lang": "en", "status": "descriptive",
        "headline": "Nghệ An: online dossier rate 72.35% (224,930/310,903) by 6 Aug 2025.",
        "sentences": ["The three figures are on three scopes."]},
    "02_online_rate_growth__province-nghe-an__lang-vi": {
        "report": "02_online_rate_growth", "lang": "vi", "status": "refused",
        "headline": NFD("Từ chối ước lượng: ba số liệu thuộc ba phạm vi."),
        "sentences": [NFD("Với độ lệch giả định, mốc 80% đạt được trong khoảng 12/2025 đến 01/2027."),
                      "<script>alert(1)</script> & co"]},
    "03_fee_discount__province-nghe-an__lang-en": {
        "report": "03_fee_discount", "lang": "en", "status": "simulated",
        "headline": "SIMULATED data; the smallest detectable effect is 2.8 pp.", "sentences": []},
    "04_province_comparison__lang-en": {
        "report": "04_province_comparison", "lang": "en", "status": "not_comparable",
        "headline": "Nghệ An and Hòa Bình report on different bases.", "sentences": []},
}

RUNS = [  # name, notebook stem, parameters, status, error, number of figures
    ("01_data_overview__province-nghe-an__lang-vi", "01_data_overview", {"province": "Nghệ An", "lang": "vi"}, "ok", None, 1),
    ("01_data_overview__province-nghe-an__lang-en", "01_data_overview", {"province": "Nghệ An", "lang": "en"}, "ok", None, 1),
    ("02_online_rate_growth__province-nghe-an__lang-vi", "02_online_rate_growth",
     {"province": "Nghệ An", "lang": "vi"}, "ok", None, 1),
    ("02_online_rate_growth__province-nghe-an__lang-en", "02_online_rate_growth",
     {"province": "Nghệ An", "lang": "en"}, "failed", "ValueError: deliberate failure (cell 7)", 0),
    ("03_fee_discount__province-nghe-an__lang-en", "03_fee_discount",
     {"province": "Nghệ An", "panel_path": None, "lang": "en"}, "ok", None, 1),
    ("04_province_comparison__lang-vi", "04_province_comparison",
     {"provinces": ["Nghệ An", "Hòa Bình"], "lang": "vi"}, "ok", None, 0),
    ("04_province_comparison__lang-en", "04_province_comparison",
     {"provinces": ["Nghệ An", "Hòa Bình"], "lang": "en"}, "ok", None, 0),
    ("99_legacy__label-a", "99_legacy", {"label": "a"}, "ok", None, 1),
]

FINDINGS_ERROR = "findings.json: status 'maybe' is not one of (...)"


def _caption(name: str, lang: str | None) -> str:
    if lang == "vi":
        return NFD(f"Tỷ lệ hồ sơ trực tuyến ({name}).\nNguồn: Cổng Dịch vụ công quốc gia.\n\n"
                   "Văn bản thay thế: Đường tăng dần đến 72,35%.\n")
    return f"Online dossier rate ({name}).\nSource: National Public Service Portal.\n\nAlt text: A rising line to 72.35%.\n"


def make_pack(root: Path) -> tuple[Path, dict]:
    """Write the fixture pack under ``root/pack``; return (pack folder, manifest)."""
    pack = root / "pack"
    for sub in ("html", "notebooks", "logs", "figures"):
        (pack / sub).mkdir(parents=True, exist_ok=True)
    records = []
    for name, stem, params, status, error, n_figs in RUNS:
        (pack / "html" / f"{name}.html").write_text(f"<!DOCTYPE html><html><body>{name}</body></html>", encoding="utf-8")
        (pack / "notebooks" / f"{name}.ipynb").write_text("{}", encoding="utf-8")
        (pack / "logs" / f"{name}.log").write_text(f"run {name}\n", encoding="utf-8")
        figs = []
        for k in range(n_figs):
            fig = f"{stem}_fig{k}__{name.partition('__')[2]}"
            files = {"png": f"figures/{fig}.png", "svg": f"figures/{fig}.svg", "csv": f"figures/{fig}.csv",
                     "txt": f"figures/{fig}.txt"}
            (pack / files["png"]).write_bytes(png())
            (pack / files["svg"]).write_text('<svg xmlns="http://www.w3.org/2000/svg" width="6" height="4"/>')
            (pack / files["csv"]).write_text("x,y\n1,2\n")
            (pack / files["txt"]).write_text(_caption(fig, params.get("lang")), encoding="utf-8")
            figs.append({"name": fig, "files": files})
        rec = {"name": name, "notebook": f"{stem}.ipynb", "notebook_path": f"notebooks/{stem}.ipynb",
               "parameters": params, "timeout": 900.0, "spec_names": sorted(params), "status": status,
               "error": error, "cache_key": "0" * 64, "notebook_executed": f"notebooks/{name}.ipynb",
               "html": f"html/{name}.html", "log": f"logs/{name}.log", "figures": figs,
               "findings": FINDINGS.get(name)}
        if name == "04_province_comparison__lang-vi":
            rec["findings_error"] = FINDINGS_ERROR
        records.append(rec)
    manifest = {"pack": "default", "params_file": "packs/default.yaml", "data_dir": "data",
                "inputs": {}, "versions": {}, "git": {"commit": "abc123", "dirty": False},
                "plan_sha256": None, "runs": records}
    (pack / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    (pack / "timings.json").write_text("{}", encoding="utf-8")
    assert set(i18n.LANGS) == {"vi", "en"}
    return pack, manifest
