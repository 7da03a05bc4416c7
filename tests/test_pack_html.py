"""The reviewers' pages (one per language) and the code-hidden report HTML, on a hand-made
pack (tests/pack_fixture.py): no kernels, so these run in a second or two."""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from analysis.pack import html as pack_html
from pack_fixture import FINDINGS, FINDINGS_ERROR, make_pack

NFC = lambda s: unicodedata.normalize("NFC", s)  # noqa: E731


class Elements(HTMLParser):
    """Every start tag with its attributes, the text (per language attribute nesting not
    tracked), and the inline CSS, of one HTML document."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.css: list[str] = []
        self._in_style = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"
        if "style" in dict(attrs):
            self.css.append(dict(attrs)["style"] or "")

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        (self.css if self._in_style else self.text).append(data)

    def attr(self, tag: str, name: str) -> list[str]:
        return [a[name] for t, a in self.tags if t == tag and a.get(name) is not None]

    def ids(self) -> set[str]:
        return {a["id"] for _, a in self.tags if a.get("id")}


_NETWORK = re.compile(r"^\s*(https?:)?//", re.I)


def network_loads(text: str) -> list[str]:
    """Return every resource an HTML document would fetch from the network: src of any
    element, href of <link>, url(...) and @import in its CSS (data: URLs are local)."""
    doc = Elements(text)
    found = [v for _, a in doc.tags for k, v in a.items() if k in ("src", "data-src", "srcset") and v]
    found += [a.get("href") or "" for t, a in doc.tags if t == "link"]
    for css in doc.css:
        found += re.findall(r"url\(\s*['\"]?([^'\")]+)", css) + re.findall(r"@import\s+['\"]([^'\"]+)", css)
    return [u for u in found if _NETWORK.match(u)]


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """The fixture pack with both pages written; returns (pack dir, manifest, {lang: html})."""
    pack, manifest = make_pack(tmp_path_factory.mktemp("pages"))
    written = pack_html.write_pages(pack, manifest)
    assert [p.name for p in written] == ["index.vi.html", "index.html"]
    return pack, manifest, {"vi": (pack / "index.vi.html").read_text(encoding="utf-8"),
                            "en": (pack / "index.html").read_text(encoding="utf-8")}


def sections(page: str) -> list[str]:
    return re.findall(r'<(?:h2|section)[^>]* id="([^"]+)"', page)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_each_page_has_its_language_and_links_to_the_other(pages, lang):
    _, _, html = pages
    page = html[lang]
    assert page.startswith(f'<!DOCTYPE html>\n<html lang="{lang}">')
    other = "index.html" if lang == "vi" else "index.vi.html"
    doc = Elements(page)
    assert other in doc.attr("a", "href") and other in doc.attr("link", "href")
    assert page == NFC(page)


def test_a_page_reads_failures_then_findings_then_runs_then_figures(pages):
    _, _, html = pages
    order = sections(html["en"])
    assert order.index("failed") < order.index("findings") < order.index("runs") < order.index("figures")
    assert order[order.index("findings") + 1:order.index("runs")] == [
        "findings-01_data_overview", "findings-02_online_rate_growth", "findings-03_fee_discount",
        "findings-04_province_comparison", "findings-99_legacy"]


def test_findings_are_shown_in_the_page_language_and_link_to_their_report(pages):
    _, _, html = pages
    vi, en = html["vi"], html["en"]
    assert NFC(FINDINGS["01_data_overview__province-nghe-an__lang-vi"]["headline"]) in vi
    assert FINDINGS["01_data_overview__province-nghe-an__lang-en"]["headline"] not in vi
    assert FINDINGS["01_data_overview__province-nghe-an__lang-en"]["headline"] in en
    assert NFC(FINDINGS["01_data_overview__province-nghe-an__lang-vi"]["headline"]) not in en
    assert "Các báo cáo cho thấy gì" in vi and "What the reports found" in en
    # Each finding block links to its own run's report.
    block = vi[vi.index('id="findings-02_online_rate_growth"'):vi.index('id="findings-03_fee_discount"')]
    assert 'href="html/02_online_rate_growth__province-nghe-an__lang-vi.html"' in block
    assert "Từ chối ước lượng" in block and "12/2025" in block  # badge and sentence, in Vietnamese
    # Text from the findings is escaped, never markup.
    assert "<script>" not in vi and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in vi


def test_runs_without_findings_say_so_plainly(pages):
    _, _, html = pages
    en = html["en"]
    growth = en[en.index('id="findings-02_online_rate_growth"'):en.index('id="findings-03_fee_discount"')]
    assert "No findings: this run failed before saving them." in growth
    assert "ValueError: deliberate failure (cell 7)" in growth
    legacy = en[en.index('id="findings-99_legacy"'):en.index('id="runs"')]
    assert "this notebook does not save them" in legacy
    vi = html["vi"]
    broken = vi[vi.index('id="findings-04_province_comparison"'):vi.index('id="findings-99_legacy"')]
    assert "không đọc được tệp kết luận" in broken and FINDINGS_ERROR.replace("'", "&#x27;") in broken
    for page in html.values():
        assert not re.search(r'<div class="finding[^"]*">\s*</div>', page)  # never an empty box


def test_a_report_missing_in_one_language_falls_back_and_says_so(pages):
    _, _, html = pages
    vi = html["vi"]
    fee = vi[vi.index('id="findings-03_fee_discount"'):vi.index('id="findings-04_province_comparison"')]
    assert "Chưa được tạo bằng ngôn ngữ này" in fee
    assert 'lang="en"' in fee and "MÔ PHỎNG" in fee  # the English text is marked as English
    assert "Chưa được tạo bằng ngôn ngữ này" not in html["en"]


def test_failed_runs_are_at_the_top_in_red_with_their_error(pages):
    _, _, html = pages
    for lang, page in html.items():
        box = page[page.index('id="failed"'):page.index('id="findings"')]
        assert "02_online_rate_growth__province-nghe-an__lang-en" in box and "deliberate failure" in box
        rows = re.findall(r'<tr class="run-(\w+)" id="run-([^"]+)"', page)
        assert rows[0] == ("failed", "02_online_rate_growth__province-nghe-an__lang-en")
        assert all(status == "ok" for status, _ in rows[1:]) and len(rows) == len(pages[1]["runs"])
    assert "(1 succeeded" not in html["en"] and '<span class="failed">1 failed</span>' in html["en"]
    assert '<span class="failed">1 thất bại</span>' in html["vi"]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_local_link_and_image_of_a_page_exists(pages, lang):
    pack, _, html = pages
    page = html[lang]
    doc = Elements(page)
    ids = {"index.html": Elements(html["en"]).ids(), "index.vi.html": Elements(html["vi"]).ids()}
    targets = doc.attr("a", "href") + doc.attr("img", "src") + doc.attr("link", "href")
    assert targets
    for t in targets:
        path, _, fragment = t.partition("#")
        assert not _NETWORK.match(t), t
        if path:
            assert (pack / path).is_file(), t
        if fragment:
            assert fragment in ids[path or pack_html.page_name(lang)], t
    assert network_loads(page) == []


def test_figures_show_only_the_page_language_with_translated_captions(pages):
    _, manifest, html = pages
    vi_imgs = Elements(html["vi"]).attr("img", "src")
    assert all("lang-en" not in s or "03_fee_discount" in s for s in vi_imgs)  # fee discount: fallback
    assert any("lang-vi" in s for s in vi_imgs) and any("legacy" in s for s in vi_imgs)
    alts = [a["alt"] for t, a in Elements(html["vi"]).tags if t == "img"]
    assert "Đường tăng dần đến 72,35%." in alts  # the alt text after the Vietnamese label
    assert "Nguồn: Cổng Dịch vụ công quốc gia." in html["vi"]


def test_the_same_manifest_gives_the_same_bytes(pages, tmp_path):
    pack, manifest, html = pages
    again = {lang: pack_html.render(pack, manifest, lang) for lang in ("vi", "en")}
    assert again == html


def test_an_unknown_language_is_refused(pages):
    pack, manifest, _ = pages
    with pytest.raises(ValueError, match="not a supported language"):
        pack_html.render(pack, manifest, "fr")


@pytest.mark.parametrize("text, caption, alt", [
    ("Caption.\nSource: X.\n\nAlt text: A line.\n", "Caption.\nSource: X.", "A line."),
    ("Chú thích.\n\nVăn bản thay thế: Một đường.\n", "Chú thích.", "Một đường."),
    ("Only a caption.\n", "Only a caption.", ""),
])
def test_captions_and_alt_text_are_split_in_either_language(tmp_path, text, caption, alt):
    (tmp_path / "f.txt").write_text(text, encoding="utf-8")
    assert pack_html.read_caption(tmp_path / "f.txt") == (caption, alt)
    assert pack_html.read_caption(tmp_path / "missing.txt") == ("", "")


# --- the code-hidden report ----------------------------------------------------------------

def executed_notebook(path: Path, lang: str) -> Path:
    """A notebook as papermill leaves it: parameters recorded, outputs, random cell ids."""
    png = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
    code = new_code_cell("secret_code = 1 + 1\nprint('hidden source')", outputs=[
        new_output("stream", name="stdout", text="Tỷ lệ: 72,35%\n"),
        new_output("stream", name="stderr", text="FutureWarning: a library's warning\n"),
        new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"})])
    nb = new_notebook(cells=[new_markdown_cell("# Tổng quan dữ liệu\n\nLink: [source](https://example.org/a)"), code],
                      metadata={"papermill": {"parameters": {"lang": lang}},
                                "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nbformat.write(nb, path)
    return path


def test_the_report_html_hides_code_loads_nothing_from_the_network_and_has_its_language(tmp_path):
    nb = executed_notebook(tmp_path / "run.ipynb", "vi")
    out = pack_html.export_notebook(nb, tmp_path / "run.html", "run")
    page = out.read_text(encoding="utf-8")
    assert '<html lang="vi">' in page
    assert "secret_code" not in page and "Tỷ lệ: 72,35%" in page and "Tổng quan dữ liệu" in page
    assert "FutureWarning" not in page  # stderr is for the log, not the reader
    assert "<title>Tổng quan dữ liệu</title>" in page  # the report's heading, not the run's name
    assert network_loads(page) == []
    assert "mathjax" not in page.lower() and "require.min.js" not in page and "mermaid" not in page.lower()
    assert 'href="https://example.org/a"' in page  # links in the prose stay (they load nothing)
    # Repeatable: a second export of the same run (new random ids from nbformat) is identical.
    nb2 = executed_notebook(tmp_path / "run2.ipynb", "vi")
    assert pack_html.export_notebook(nb2, tmp_path / "run2.html", "run").read_bytes() == out.read_bytes()


def test_the_report_html_defaults_to_english_and_takes_an_explicit_language(tmp_path):
    nb = executed_notebook(tmp_path / "run.ipynb", "xx")
    assert '<html lang="en">' in pack_html.export_notebook(nb, tmp_path / "a.html", "a").read_text(encoding="utf-8")
    exporter = pack_html.notebook_exporter("en")
    page = pack_html.export_notebook(nb, tmp_path / "b.html", "b", lang="vi", exporter=exporter).read_text(encoding="utf-8")
    assert '<html lang="vi">' in page


def test_a_page_reads_parameters_in_words_under_a_real_title(pages):
    _, _manifest, html = pages
    vi, en = Elements(html["vi"]), Elements(html["en"])
    vi_text, en_text = " ".join(vi.text), " ".join(en.text)
    assert "Tỉnh: Nghệ An" in vi_text and "Các tỉnh: Nghệ An; Hòa Bình" in vi_text
    assert "Province: Nghệ An" in en_text
    assert not re.search(r"\bprovinces?: Nghệ", vi_text + en_text)  # codes as labels
    assert "panel_path" not in vi_text + en_text and "–" not in " ".join(t for t in vi.text if "Tỉnh" in t)
    h1 = re.search(r"<h1>(.*?)</h1>", html["vi"]).group(1)
    assert "default" not in h1 and "Bộ biểu đồ" not in h1 and "tỉnh" in h1


def test_figures_are_thumbnails_that_open_full_size_with_each_caption_once(pages):
    pack, _manifest, html = pages
    page = html["vi"]
    thumbs = re.findall(r'<a href="([^"]+\.png)"><img src="([^"]+)"', page)
    assert thumbs and all(a == b for a, b in thumbs)  # each thumbnail links to its own full-size image
    assert "<figure>" not in page  # every figure is a thumbnail
    caption = "Nguồn: Cổng Dịch vụ công quốc gia."
    assert page.count(caption) == len(re.findall(r'<img src="[^"]*lang-vi[^"]*"', page)) > 0  # once per figure
    assert "<strong>01_data_overview" not in page  # no file name before the caption
