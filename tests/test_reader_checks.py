"""What a reader must never see in a rendered report (tests/reader_checks.py): each check
fails on a planted defect and passes a clean page; then every report notebook (found by
glob, so new ones are covered) is built in both languages and its HTML checked."""

from __future__ import annotations

import pytest

import reader_checks as rc

CLEAN_VI = """<html lang="vi"><head><title>t</title><style>td { color: red } /* nan None 0.09 */</style></head><body>
<h1>Bảng điểm tỉnh: Bà Rịa - Vũng Tàu</h1>
<p>Tỷ lệ hồ sơ trực tuyến đạt 72,35% (224.930/310.903) đến 06/08/2025, khoảng tin cậy 95%.</p>
<figure><img src="data:image/png;base64,AAAA" alt="Biểu đồ chấm tổng điểm của 34 tỉnh."></figure>
<table><tr><th>Nhóm</th><th>Điểm</th></tr><tr><td>Tổng</td><td>63,43</td></tr><tr><td>Số hồ sơ</td><td>1.504</td></tr>
<tr><td>Quốc gia</td><td>—</td></tr></table>
<div class="jp-RenderedText" data-mime-type="text/plain"><pre>Cảnh báo: ít số liệu</pre></div>
</body></html>"""

CLEAN_EN = CLEAN_VI.replace('lang="vi"', 'lang="en"').replace("63,43", "63.43").replace("1.504", "1,504")

#: One planted defect per check: (check name, text inserted before </body>, page language).
PLANTED = [
    ("repr", "<p>[PosixPath('/tmp/x/figures/a.png')]</p>", "en"),
    ("repr", '<div data-mime-type="text/plain"><pre>\'Nghệ An: 72.35%\'</pre></div>', "en"),
    ("repr", "<p><em>saved figure timeline__lang-en (.png, .svg)</em></p>", "en"),
    ("missing", "<table><tr><td>NaN</td></tr></table>", "en"),
    ("missing", "<p>44% (province-wide, nan; 2023)</p>", "en"),
    ("missing", "<p>panel = None</p>", "en"),
    ("missing", "<table><tr><td>None</td></tr></table>", "en"),
    ("shape", "<p>70 rows × 6 columns</p>", "en"),
    ("alt", '<img src="data:image/png;base64,AAAA" alt="No description has been provided for this image">', "en"),
    ("alt", '<img src="a.png">', "en"),
    ("internal", "<p>assumed (METHODS.md; autocorrelation 0.5)</p>", "en"),
    ("internal", "<p>see shared/DOMAIN.md</p>", "en"),
    ("internal", "<p>data from analysis.models.simulate (seed 1)</p>", "en"),
    ("internal", "<p>see the notes in data/observations.csv</p>", "en"),
    ("internal", "<p>the growth report (<code>02_online_rate_growth</code>) models them</p>", "en"),
    ("internal", "<p>with its reason codes (see <code>compare.REASONS</code>)</p>", "en"),
    ("ids", "<p>Sources: [seed003] \"Removing obstacles\" (22 Apr 2024)</p>", "en"),
    ("ids", "<p>Nghệ An reported 44% (seed 004).</p>", "en"),
    ("ids", '<img src="x.png" alt="NA014 is a bound: kept out of the fit">', "en"),
    ("english_number", "<table><tr><td>0.090374</td></tr></table>", "vi"),
    ("english_number", "<table><tr><td>0.09</td></tr></table>", "vi"),
    ("english_number", "<table><tr><td>15.4%</td></tr></table>", "vi"),
    ("iso_date", "<table><tr><td>Nghệ An</td><td>2023-11</td></tr></table>", "vi"),
    ("iso_date", "<table><tr><td>kết thúc 2025-12-31</td></tr></table>", "vi"),
    ("iso_date", "<p>trong khoảng thời gian phân tích 2022-11..2024-11</p>", "vi"),
    ("english_or_code", "<p>Nguồn: Online dossier rate</p>", "vi"),
    ("english_or_code", "<p>vs national_portal: provincial_centre -1 logit</p>", "vi"),
    ("english_or_code", '<img src="x.png" alt="Hòa Bình online_payment_enabled_rate 100%">', "vi"),
]


def _plant(page: str, defect: str) -> str:
    return page.replace("</body>", defect + "</body>")


@pytest.mark.parametrize("lang, page", [("vi", CLEAN_VI), ("en", CLEAN_EN)])
def test_a_clean_page_passes_every_check(lang, page):
    assert rc.problems(page, lang) == {}


@pytest.mark.parametrize("check, defect, lang", PLANTED, ids=[f"{c}-{i}" for i, (c, _d, _l) in enumerate(PLANTED)])
def test_each_check_fails_on_a_planted_defect(check, defect, lang):
    page = _plant(CLEAN_VI if lang == "vi" else CLEAN_EN, defect)
    found = rc.problems(page, lang)
    assert check in found, found


def test_vietnamese_only_checks_leave_an_english_page_alone():
    page = _plant(CLEAN_EN, "<table><tr><td>0.09</td></tr></table><p>Online dossier rate</p>")
    assert rc.problems(page, "en") == {}
    assert {"english_number", "english_or_code"} <= set(rc.problems(_plant(CLEAN_VI, "<p>Online dossier rate</p>"
                                                                           "<table><tr><td>0.09</td></tr></table>"),
                                                                    "vi"))


def test_none_as_an_english_word_is_not_a_missing_value():
    assert rc.missing_values(_plant(CLEAN_EN, "<p>None of the pairs is comparable.</p>")) == []


def test_a_command_s_month_argument_is_not_a_date_written_the_data_s_way():
    assert rc.iso_dates(_plant(CLEAN_VI, "<pre>analysis portal backfill --from 2022-01 --to 2025-08</pre>")) == []


def test_a_vietnamese_thousand_and_a_date_are_not_english_numbers():
    cells = "<table><tr><td>1.504</td><td>224.930</td><td>06/08/2025</td><td>2,5</td></tr></table>"
    assert rc.english_numbers(_plant(CLEAN_VI, cells)) == []


# --------------------------------------------------------------------------- every report, both languages

from analysis import config  # noqa: E402

NOTEBOOKS = sorted(p.name for p in config.NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))

#: Reports whose full version needs more than a name keep their default province (the fee
#: discount's full report needs a province with a fee policy; its short report for a province
#: with none is checked in tests/test_discount_absent.py).
KEEP_DEFAULT_PROVINCE = {"03_fee_discount.ipynb"}


def _longest_provinces(shipped, n: int) -> list[str]:
    """Return the ``n`` longest names of provinces that exist today (the 34 after the 2025
    merger), longest first: the names most likely to overflow a title or a table."""
    units = shipped.admin_units
    current = units[units["valid_to"].isna()]["province"] if "valid_to" in units else units["province"]
    return sorted(current, key=lambda s: (-len(s), s))[:n]


def _fast_parameters(notebook: str, shipped, lang: str) -> dict:
    """Return parameters for one quick run of ``notebook`` in ``lang``: the longest province
    names, and the smallest simulation sizes the notebook's specification allows."""
    from analysis.reports import params

    try:
        spec = params.spec_for(notebook)
    except params.ParameterError:
        spec = {}
    out = {"lang": lang}
    for name, p in spec.items():
        if p.kind == "province" and notebook not in KEEP_DEFAULT_PROVINCE:
            out[name] = _longest_provinces(shipped, 1)[0]
        elif p.kind == "provinces":
            out[name] = _longest_provinces(shipped, 2)
        elif p.kind == "int" and name.startswith("n_") and p.min is not None:
            out[name] = int(p.min)
    return out


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_every_report_reads_clean(notebook, lang, run_notebook, shipped, tmp_path):
    from analysis.pack import html as pack_html

    run_notebook(notebook, **_fast_parameters(notebook, shipped, lang))
    executed = tmp_path / notebook
    page = pack_html.export_notebook(executed, tmp_path / "report.html", notebook, lang=lang).read_text("utf-8")
    found = rc.problems(page, lang)
    assert not found, "\n".join(f"{check}: {hit}" for check, hits in found.items() for hit in hits)
