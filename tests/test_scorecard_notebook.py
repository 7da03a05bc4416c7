"""Notebook 05 runs with papermill in Vietnamese and English: figures that say they show
index points, name the retrieval date and cite the portal (and the crawler for counts),
findings saved, and no stock English phrase in a Vietnamese run."""

from __future__ import annotations

import json

import nbformat
import papermill as pm
import pytest

from analysis import config

NB = config.NOTEBOOKS_DIR / "05_province_scorecard.ipynb"

#: English phrases of the report that must not appear in a Vietnamese run.
ENGLISH = ("index points", "retrieved", "Source:", "rank ", " of 100", "Transparency", "Satisfaction",
           "Processing progress", "Online payment", "year to date", "Median province", "not rates",
           "Third-party processing", "What this", "Best group")


def _run(tmp_path, lang, province="Nghệ An"):
    out = tmp_path / lang
    out.mkdir()
    pm.execute_notebook(str(NB), str(out / "run.ipynb"), kernel_name=config.KERNEL_NAME, progress_bar=False,
                        parameters={"province": province, "lang": lang, "output_dir": str(out)})
    return out


def _outputs(path) -> str:
    nb = nbformat.read(path, as_version=4)
    texts = []
    for c in nb.cells:
        for o in c.get("outputs", []):
            d = o.get("data", {})
            texts.append(d.get("text/markdown", "") + d.get("text/html", "") + o.get("text", ""))
    return "\n".join(texts)


@pytest.mark.slow
def test_vietnamese_run_has_no_stock_english(tmp_path):
    out = _run(tmp_path, "vi")
    shown = _outputs(out / "run.ipynb")
    captions = "\n".join(p.read_text(encoding="utf-8") for p in out.glob("*.txt"))
    found = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    everything = shown + captions + found["headline"] + " ".join(found["sentences"])
    for phrase in ENGLISH:
        assert phrase not in everything, phrase
    assert "điểm chỉ số" in captions and "lấy ngày 10/10/2026" in captions
    assert "Cổng Dịch vụ công quốc gia" in captions
    assert found["lang"] == "vi" and found["headline"].startswith("Nghệ An: 61,82/100")


@pytest.mark.slow
def test_english_run_figures_say_points_date_and_source(tmp_path):
    out = _run(tmp_path, "en", "Phu Tho")
    stems = {p.stem.split("__")[0] for p in out.glob("*.png")}
    assert stems == {"scorecard_total", "scorecard_groups", "scorecard_counts"}
    for txt in out.glob("scorecard_*.txt"):
        cap = txt.read_text(encoding="utf-8")
        assert "retrieved 10 Oct 2026" in cap and "National Public Service Portal" in cap or \
            "duynghiaqn/Crawler-766" in cap, txt.name
        assert "not index points" in cap or "Index points, not rates" in cap, txt.name
    counts = (out / "scorecard_counts__lang-en__province-phu-tho.txt").read_text(encoding="utf-8")
    assert "Third-party processing" in counts and "Wilson" in counts
    found = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert found["report"] == "05_province_scorecard" and found["status"] == "descriptive"
    assert found["headline"].startswith("Phú Thọ: 62.18 of 100 index points, rank 19 of 34")
    shown = _outputs(out / "run.ipynb")
    assert "includes the former Vĩnh Phúc and Hòa Bình" in shown
