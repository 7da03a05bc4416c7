"""The reviewers' page leads with the nation: after the failed runs, the national finding
with its map, then the league table whose rows link to each province's scorecard, in
place of the 34 scorecard paragraphs; the other reports' findings follow. Both languages."""

from __future__ import annotations

import re

import pytest

from analysis.pack import html as pack_html
from analysis.pack import national_section
from national_pack_fixture import NATIONAL_HEADLINE, make_national_pack


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    pack, manifest = make_national_pack(tmp_path_factory.mktemp("nation"))
    pack_html.write_pages(pack, manifest)
    return pack, manifest, {"vi": (pack / "index.vi.html").read_text(encoding="utf-8"),
                            "en": (pack / "index.html").read_text(encoding="utf-8")}


def _ids(page: str) -> list[str]:
    return re.findall(r'<(?:h2|section)[^>]* id="([^"]+)"', page)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_nation_comes_after_failures_and_before_the_other_findings(pages, lang):
    page = pages[2][lang]
    ids = _ids(page)
    assert ids.index("failed") < ids.index("findings-08_national_overview") < ids.index("findings")
    assert ids.index("findings-05_province_scorecard") < ids.index("findings")
    assert page.index(NATIONAL_HEADLINE[lang]) < page.index('id="findings"')
    assert 'src="figures/national_map__group-total__lang-' + lang + '.png"' in page


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_league_rows_link_to_the_scorecards_in_the_page_language(pages, lang):
    page = pages[2][lang]
    table = page[page.index('<table class="league">'):page.index("</table>", page.index('<table class="league">'))]
    rows = re.findall(r'<tr id="province-(\d\d)">(.*?)</tr>', table)
    assert len(rows) == 34
    links = re.findall(r'<a href="html/05_province_scorecard__lang-(\w\w)__province-sc-(\d\d)\.html">', table)
    assert len(links) == 34 and {lg for lg, _c in links} == {lang}
    assert [code for _lg, code in links] == [code for code, _r in rows]
    assert "Đồng Tháp" in rows[0][1] and "Hà Nội" in rows[-1][1]
    number = "68,80" if lang == "vi" else "68.80"
    assert number in rows[0][1]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_scorecard_paragraphs_are_replaced(pages, lang):
    page = pages[2][lang]
    assert "SCORECARD PARAGRAPH" not in page
    assert page.count(NATIONAL_HEADLINE[lang]) == 1  # not repeated among the other findings
    assert "Nghệ An: online dossier rate" in page or "Nghệ An: tỷ lệ hồ sơ trực tuyến" in page


def test_headings_in_each_language(pages):
    _, _, html = pages
    assert "Cả nước trên Bộ chỉ số" in html["vi"] and "Thay đổi thứ hạng" in html["vi"]
    assert "The nation on the Decision 766 index" in html["en"] and "Move in rank" in html["en"]
    assert "The provinces, best first" not in html["vi"]


def test_every_table_of_contents_link_resolves(pages):
    for page in pages[2].values():
        ids = set(re.findall(r'id="([^"]+)"', page))
        targets = re.findall(r'<a href="#([^"]+)"', page)
        assert targets and [t for t in targets if t not in ids] == []


def test_without_a_national_run_the_page_is_as_before(tmp_path):
    pack, manifest = make_national_pack(tmp_path, with_nation=False)
    assert national_section.render(pack, manifest["runs"], "en") == ([], set())
    pack_html.write_pages(pack, manifest)
    page = (pack / "index.html").read_text(encoding="utf-8")
    assert page.count("SCORECARD PARAGRAPH") == 34 and 'class="league"' not in page


def test_a_failed_national_run_leaves_the_scorecard_paragraphs(tmp_path):
    pack, manifest = make_national_pack(tmp_path)
    for r in manifest["runs"]:
        if r["notebook"].startswith("08_"):
            r["status"], r["error"] = "failed", "RuntimeError: planted"
    pack_html.write_pages(pack, manifest)
    page = (pack / "index.html").read_text(encoding="utf-8")
    assert page.count("SCORECARD PARAGRAPH") == 34 and 'class="league"' not in page


def test_a_national_run_in_one_language_shows_on_both_pages_marked(tmp_path):
    pack, manifest = make_national_pack(tmp_path)
    manifest["runs"] = [r for r in manifest["runs"] if r["name"] != "08_national_overview__lang-vi"]
    pack_html.write_pages(pack, manifest)
    page = (pack / "index.vi.html").read_text(encoding="utf-8")
    assert NATIONAL_HEADLINE["en"] in page and '<div class="finding status-descriptive" lang="en">' in page
    assert "SCORECARD PARAGRAPH" not in page and "html/05_province_scorecard__lang-vi__" in page


def test_the_page_modules_do_not_import_pyplot():
    """The pack runner imports the page modules before it forks its kernel factory; pyplot
    imported there gave forked kernels the wrong backend (figures missing from the HTML)."""
    import subprocess
    import sys

    code = "import sys, analysis.pack.index_page; print('matplotlib.pyplot' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == "False"


def test_the_page_shades_with_the_maps_palette():
    from analysis.reports import maps

    assert national_section.CMAP == maps.CMAP
