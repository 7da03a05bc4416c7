"""Notebook 08 runs with papermill in Vietnamese and English: a league table, maps of the
total and each group (named ``map``, each with both archipelagos and the boundary credit),
revisions and counts with their dates, findings saved, no stock English in Vietnamese."""

from __future__ import annotations

import json
import re

import nbformat
import papermill as pm
import pytest

from analysis import config
from analysis.data import geo
from analysis.reports import national, wording
from reader_checks import notebook_outputs

NB = config.NOTEBOOKS_DIR / "08_national_overview.ipynb"
ENGLISH = ("index points", "retrieved", "Source:", " of 100", "Transparency", "Satisfaction", "Processing progress",
           "Online payment", "year to date", "not rates", "What this", "leads the", "Move in rank",
           "Dossiers submitted", "Hoang Sa (Paracel)", "Truong Sa (Spratly)")
HEADINGS = {
    "en": ("## Load inputs", "## Model", "## Figures", "## What this does not show"),
    "vi": ("## Nạp dữ liệu đầu vào", "## Mô hình", "## Biểu đồ",
           "## Những điều báo cáo này không cho thấy"),
}
MAPS = {f"national_map__group-{g}" for g in ("total", "ckmb", "tdgq", "clgq", "tttt", "mdhl", "mdsh")}


def _run(tmp_path, lang):
    out = tmp_path / lang
    out.mkdir()
    pm.execute_notebook(str(NB), str(out / "run.ipynb"), kernel_name=config.KERNEL_NAME, progress_bar=False,
                        parameters={"lang": lang, "output_dir": str(out)})
    return out


def _outputs(path) -> str:
    return re.sub(r"`[^`]*`", "", notebook_outputs(path))  # parameter names and codes stay English


def test_committed_clean_with_every_text_from_the_catalog():
    nb = nbformat.read(NB, as_version=4)
    assert not [c for c in nb.cells if c.cell_type == "markdown"]
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", [])
    assert all(not c.outputs and c.execution_count is None and "def " not in c.source for c in code)
    src = "".join(c.source for c in code)
    assert [k for k in national.TEXTS if f'national.text("{k}"' in src] == list(national.TEXTS)
    assert 'params.check("08_national_overview"' in code[1].source
    assert "show.run_note(p)" in src and "narrative.parameters(p)" not in src
    # every map through maps.save, which refuses a map without the archipelagos
    assert src.count("maps.save(") == len(MAPS) and "figures.map_figure" in src


@pytest.mark.slow
def test_english_run(tmp_path):
    out = _run(tmp_path, "en")
    stems = {p.stem.split("__lang")[0] for p in out.glob("*.png")}
    assert stems == MAPS | {"national_league", "national_revisions"}
    for name in MAPS:
        cap = (out / f"{name}__lang-en.txt").read_text(encoding="utf-8")
        assert geo.ATTRIBUTION in cap and "Hoàng Sa and Trường Sa" in cap and "retrieved 10 Oct 2026" in cap
    shown = _outputs(out / "run.ipynb")
    assert "Đồng Tháp leads the 34 provinces" in shown and "retrieved 27 Sep 2026" in shown
    assert "13,913,639" in shown and "Khánh Hòa" in shown
    found = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert found["report"] == "08_national_overview" and found["lang"] == "en"
    league = (out / "national_league__lang-en.csv").read_text(encoding="utf-8").splitlines()
    assert league[0].startswith("rank,province,code,total") and len(league) == 35


@pytest.mark.slow
def test_vietnamese_run_has_no_stock_english(tmp_path):
    out = _run(tmp_path, "vi")
    shown = _outputs(out / "run.ipynb")
    captions = "\n".join(p.read_text(encoding="utf-8") for p in out.glob("*.txt"))
    found = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    everything = shown + captions + found["headline"] + " ".join(found["sentences"])
    for phrase in ENGLISH:
        assert phrase not in everything, phrase
    assert all(h in shown for h in HEADINGS["vi"])
    markdown = "\n".join(o.get("data", {}).get("text/markdown", "") for c in nbformat.read(out / "run.ipynb", 4).cells
                         for o in c.get("outputs", []))
    stock = [s for s in wording.stock_phrases() if s in markdown]
    assert not stock, stock
    assert "13.913.639" in shown and "lấy ngày 10/10/2026" in captions and "62,59" in found["headline"]
    assert "quần đảo Hoàng Sa và quần đảo Trường Sa" in captions
