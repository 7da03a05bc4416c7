"""Notebook 05 runs with papermill in Vietnamese and English: figures that say they show
index points, name the retrieval date and cite the portal (and the crawler for counts),
findings saved, and no stock English phrase in a Vietnamese run."""

from __future__ import annotations

import json
import re

import nbformat
import papermill as pm
import pytest

from analysis import config, i18n
from analysis.reports import scorecard, wording
from reader_checks import notebook_outputs

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


#: The notebook's section headings in each language, in their order.
HEADINGS = {
    "en": ("## Load inputs", "## Model", "## Figures", "## What this does not show"),
    "vi": ("## Nạp dữ liệu đầu vào", "## Mô hình", "## Biểu đồ",
           "## Những điều báo cáo này không cho thấy"),
}


def _markdown(path) -> str:
    """Return the Markdown outputs of an executed notebook, inline code (codes stay English) removed."""
    nb = nbformat.read(path, as_version=4)
    md = [o.get("data", {}).get("text/markdown", "") for c in nb.cells for o in c.get("outputs", [])]
    return re.sub(r"`[^`]*`", "", "\n".join(md))


def test_committed_clean_with_every_text_from_the_catalog(monkeypatch):
    nb = nbformat.read(NB, as_version=4)
    assert not [c for c in nb.cells if c.cell_type == "markdown"]  # no prose outside the catalog
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", [])
    assert all(not c.outputs and c.execution_count is None and "def " not in c.source for c in code)
    src = "".join(c.source for c in code)
    keys = [k for k in scorecard.TEXTS if f'scorecard.text("{k}"' in src]
    assert keys == list(scorecard.TEXTS)
    # the parameters in words at the end (show.run_note: no build folder), never `p` itself
    assert code[-1].source == "show.run_note(p)" and not [c for c in code if c.source.splitlines()[-1:] == ["p"]]
    for lang, heads in HEADINGS.items():
        monkeypatch.setattr(i18n, "_current", lang)
        shown = "".join(scorecard.text(k, province="Nghệ An") for k in keys)
        positions = [shown.index(h) for h in heads]
        assert positions == sorted(positions), (lang, positions)
    assert "·" not in shown  # one language at a time, not both side by side


@pytest.mark.slow
def test_vietnamese_run_has_no_stock_english(tmp_path):
    out = _run(tmp_path, "vi")
    shown = re.sub(r"`[^`]*`", "", notebook_outputs(out / "run.ipynb"))  # parameter names and codes stay English
    captions = "\n".join(p.read_text(encoding="utf-8") for p in out.glob("*.txt"))
    found = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    everything = shown + captions + found["headline"] + " ".join(found["sentences"])
    for phrase in ENGLISH:
        assert phrase not in everything, phrase
    md = _markdown(out / "run.ipynb")
    assert all(h in md for h in HEADINGS["vi"])
    stock = [s for s in wording.stock_phrases() if s in md]
    assert not stock, stock
    assert "điểm chỉ số" in captions and "lấy ngày 10/10/2026" in captions
    assert "Cổng Dịch vụ công quốc gia" in captions
    assert found["lang"] == "vi" and found["headline"].startswith("Nghệ An: 61,82/100")


@pytest.mark.slow
def test_english_run_figures_say_points_date_and_source(tmp_path):
    out = _run(tmp_path, "en", "Phu Tho")
    stems = {p.stem.split("__")[0] for p in out.glob("*.png")}
    assert stems == {"scorecard_total", "scorecard_groups", "scorecard_counts", "scorecard_map"}
    locator = (out / "scorecard_map__lang-en__province-phu-tho.txt").read_text(encoding="utf-8")
    assert "Open Development Vietnam" in locator and "Phú Thọ highlighted" in locator
    for txt in (t for t in out.glob("scorecard_*.txt") if not t.name.startswith("scorecard_map")):
        cap = txt.read_text(encoding="utf-8")
        assert "retrieved 10 Oct 2026" in cap and "National Public Service Portal" in cap or \
            "duynghiaqn/Crawler-766" in cap, txt.name
        assert "not index points" in cap or "Index points, not rates" in cap, txt.name
    counts = (out / "scorecard_counts__lang-en__province-phu-tho.txt").read_text(encoding="utf-8")
    assert "Third-party processing" in counts and "Wilson" in counts
    found = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert found["report"] == "05_province_scorecard" and found["status"] == "descriptive"
    assert found["headline"].startswith("Phú Thọ: 62.18 of 100 index points, rank 19 of 34")
    shown = notebook_outputs(out / "run.ipynb")
    assert "includes the former Vĩnh Phúc and Hòa Bình" in shown
    md = _markdown(out / "run.ipynb")
    assert all(h in md for h in HEADINGS["en"]) and "# Province scorecard" in md and "Phú Thọ" in md
    assert "output_dir" not in md  # the build folder is not shown
