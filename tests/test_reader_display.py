"""How reports show tables, figures and their parameters to a reader (reports.tables,
reports.show, reports.param_words), in both languages."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from analysis import i18n  # noqa: E402
from analysis.reports import param_words, plotting, show, tables  # noqa: E402

import reader_checks as rc  # noqa: E402


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"<style.*?</style>", "", html, flags=re.S)))


FRAME = pd.DataFrame({
    "design": ["did", "its", "its"],
    "noise_sd_logit": [0.090374, 0.094066, None],
    "mde_pp": [1.962303, 6.874757, 4.571655],
    "power_at_mde": [0.82, 0.805, 0.815],
    "n_sims": [200, 200, 200],
    "detectable": [True, False, True],
    "why": ["the same long explanation, repeated on every row where it applies, row after row"] * 2 + ["short"],
}, index=[7, 8, 9])


def test_numbers_follow_the_language_and_the_column_meaning():
    i18n.set_language("vi")
    html = tables.table(FRAME, kinds={"noise_sd_logit": "logit", "mde_pp": "pp", "power_at_mde": "share"})._repr_html_()
    text = _text(html)
    assert "0,09" in text and "1,96" not in text and "2,0" in text  # pp: one decimal
    assert "82,0%" in text and "0.82" not in text  # a share as a percentage
    assert "0.090374" not in text and "1.962303" not in text
    assert " có " in text and " không " in text and "True" not in text
    assert rc.english_numbers(html) == [] and rc.missing_values(html) == []
    i18n.set_language("en")
    assert "1.96" not in _text(tables.table(FRAME, kinds={"mde_pp": "pp"})._repr_html_())


def test_no_index_a_dash_with_one_footnote_and_repeated_text_written_once():
    t = tables.table(FRAME)
    html = t._repr_html_()
    text = _text(html)
    assert not any(str(i) in list(f.columns) for f in t.frames for i in (7, 8, 9))
    assert " 7 " not in text and " 8 " not in text  # the index is not shown
    assert text.count("the same long explanation") == 1  # once, as a note
    assert text.count("see note 1") == 2
    assert "—" in text and text.count("no figure (not published") == 1


def test_a_column_saying_one_thing_in_every_row_becomes_a_note():
    frame = pd.DataFrame({"scenario": ["low", "central"], "uplift_pp": [0.0, 4.99],
                          "label": ["SCENARIO (assumed response, not an estimate)"] * 2})
    t = tables.table(frame)
    assert "label" not in t.frames[0].columns
    assert _text(t._repr_html_()).count("SCENARIO (assumed response") == 1


def test_wide_tables_are_split_and_one_row_tables_turned():
    wide = pd.DataFrame({f"c{i}": [float(i), i + 0.5] for i in range(10)})
    t = tables.table(wide, max_columns=5)
    assert len(t.gts) == 3 and all(list(f.columns)[0] == "c0" for f in t.frames)
    turned = tables.table(wide.head(1), max_columns=5)
    assert len(turned.gts) == 1 and len(turned.frames[0]) == 10


def test_table_html_is_static_and_repeatable():
    html = tables.table(FRAME)._repr_html_()
    assert html == tables.table(FRAME)._repr_html_()
    assert "<script" not in html and not re.search(r"https?://", html)


def test_an_unknown_column_kind_is_refused():
    with pytest.raises(ValueError, match="unknown column kind"):
        tables.table(FRAME, kinds={"mde_pp": "furlongs"})


def test_a_saved_figure_is_shown_from_its_file_at_full_width_with_its_alt_text(tmp_path):
    i18n.set_language("vi")
    fig, ax = plotting.new_figure()
    ax.plot([1, 2], [1, 2])
    plotting.finish(fig, title="Tiêu đề", caption="Nguồn: thử.")
    saved = plotting.save(fig, "f", tmp_path, caption="Nguồn: thử.", alt_text="Một đường thẳng đi lên.")
    shown = show.figure(saved)
    assert plt.get_fignums() == []  # closed: the inline backend will not draw it again
    html = shown._repr_html_()
    assert 'alt="Một đường thẳng đi lên."' in html and "width:100%" in html and "data:image/png;base64," in html
    assert rc.alt_texts(html) == [] and rc.reprs(html) == []
    assert len(show.figures([saved["png"], saved])) == 2
    assert show.figure("Không có biểu đồ.") == "Không có biểu đồ."


def test_parameters_read_in_words_in_either_language():
    values = {"province": "Nghệ An", "tolerance_days": 366, "panel_path": None, "offsets": [],
              "reference_scope": "provincial_centre", "n_boot": 4000, "seed": 2023, "output_dir": "/tmp/x"}
    vi = dict(param_words.items(values, "vi", skip_unset=True))
    assert vi["Tỉnh"] == "Nghệ An"
    assert vi["Số lần lấy mẫu bootstrap"] == "4.000" and vi["Hạt giống ngẫu nhiên (seed)"] == "2023"
    assert "Bảng dữ liệu cấp thủ tục" not in vi and not any("output" in k for k in vi)
    assert "provincial_centre" not in " ".join(vi.values())
    en = dict(param_words.items(values, "en"))
    assert en["Procedure-level panel"] == "none (a simulated panel)" and en["Bootstrap draws"] == "4,000"
