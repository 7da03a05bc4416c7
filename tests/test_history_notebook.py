"""Notebook 06 runs with papermill in Vietnamese and English, on the shipped data (no
monthly history: a short report that says so and gives the command) and on a small
monthly history made by the tests (TEST DATA, served by a replay server on 127.0.0.1)."""

from __future__ import annotations

import json
import re

import nbformat
import papermill as pm
import pytest

from analysis import config
from analysis.reports.history import text as history_text
from portal_history_fixtures import monthly_history

NB = config.NOTEBOOKS_DIR / "06_index_history.ipynb"
ENGLISH = ("index points", "retrieved", "Source:", "No monthly history", "month by month", "What this",
           "Online payment", "Transparency", "before the merger")


def _run(out, lang, province, data_dir=None):
    out.mkdir(parents=True)
    params = {"province": province, "lang": lang, "output_dir": str(out)}
    if data_dir is not None:
        params["data_dir"] = str(data_dir)
    pm.execute_notebook(str(NB), str(out / "run.ipynb"), kernel_name=config.KERNEL_NAME, progress_bar=False,
                        parameters=params)
    nb = nbformat.read(out / "run.ipynb", as_version=4)
    shown = "\n".join(o.get("data", {}).get("text/markdown", "") + o.get("text", "")
                      for c in nb.cells for o in c.get("outputs", []))
    captions = "\n".join(p.read_text(encoding="utf-8") for p in out.glob("*.txt"))
    found = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    return shown, captions, found


@pytest.fixture(scope="module")
def test_history(tmp_path_factory):
    """A data folder with TEST monthly answers 2024-01 to 2025-08 (both endpoints), and
    2024-03 retrieved twice with a revision."""
    return monthly_history(tmp_path_factory.mktemp("history"))


def test_committed_clean_with_every_text_from_the_catalog():
    nb = nbformat.read(NB, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert not [c for c in nb.cells if c.cell_type == "markdown"]
    assert "parameters" in code[0].metadata.get("tags", [])
    assert all(not c.outputs and c.execution_count is None and "def " not in c.source for c in code)
    src = "".join(c.source for c in code)
    assert [k for k in history_text.TEXTS if f'text.text("{k}"' in src] == list(history_text.TEXTS)
    assert "params.check(\"06_index_history\"" in src and "show.run_note(p)" in src


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_shipped_data_says_how_much_history_and_the_command(tmp_path, lang):
    shown, captions, found = _run(tmp_path / lang, lang, "Nghệ An")
    assert "analysis portal backfill --from 2022-01" in shown and "make pack" in shown
    assert found["report"] == "06_index_history" and found["lang"] == lang
    assert found["status"] == "descriptive"
    if lang == "vi":
        everything = re.sub(r"`[^`]*`", "", shown) + captions + found["headline"]
        assert not [p for p in ENGLISH if p in everything]
        assert "27/09/2026" in shown
    else:
        assert "No monthly history" in shown and "27 Sep 2026" in shown
        assert found["headline"].startswith("Nghệ An: no monthly history")


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_test_made_history_in_both_languages(tmp_path, test_history, lang):
    shown, captions, found = _run(tmp_path / lang, lang, "Phú Thọ", test_history)
    stems = {p.stem.split("__")[0] for p in (tmp_path / lang).glob("*.png")}
    assert stems == {"history_groups", "history_rank", "history_pair"}
    assert "127.0.0.1" in captions  # the test server, not the portal, answered: said on every figure
    assert "Hòa Bình" in shown and "Vĩnh Phúc" in shown  # merger partners before 1 Jul 2025
    pair = (tmp_path / lang / f"history_pair__lang-{lang}__province-phu-tho.csv").read_text(encoding="utf-8")
    assert len(pair.strip().splitlines()) == 1 + 18  # 2024-01 to 2025-06, both scored
    if lang == "en":
        assert "Held: 20 month(s)" in shown and "Phú Thọ: " in found["headline"]
        assert "revised between retrievals" in shown
        assert "18 month(s) before July 2025" in " ".join(found["sentences"])
    else:
        everything = re.sub(r"`[^`]*`", "", shown) + captions + found["headline"] + " ".join(found["sentences"])
        assert not [p for p in ENGLISH if p in everything]
