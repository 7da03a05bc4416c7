"""Checks on a rendered report (HTML) for what a reader must never see.

Each check takes the page's HTML and returns a list of problems (short excerpts; empty
when the page passes). :func:`problems` runs every check that applies to the page's
language. ``tests/test_reader_checks.py`` shows each check failing on a planted defect and
runs them all on every report notebook in both languages.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from analysis.reports import wording
from analysis.reports.figure_checks import PROJECT_ID


class _Page(HTMLParser):
    """The visible text of a page, the text of its table cells, its plain-text outputs and
    its images' alt texts (style, script and head skipped)."""

    SKIP = {"style", "script", "head", "title"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text, self.cells, self.plain, self.alts, self.imgs_without_alt = [], [], [], [], 0
        self._skip, self._cell, self._plain = 0, 0, 0
        self._plain_depth: list[int] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in self.SKIP:
            self._skip += 1
        elif tag in ("td", "th"):
            self._cell += 1
            self.cells.append("")
        elif tag == "img":
            if a.get("alt") is None or not a["alt"].strip():
                self.imgs_without_alt += 1
            else:
                self.alts.append(a["alt"])
        if a.get("data-mime-type") == "text/plain":
            self._plain += 1
            self.plain.append("")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in ("td", "th"):
            self._cell = max(0, self._cell - 1)
        elif tag == "div" and self._plain:
            self._plain -= 1  # nbconvert's plain-text output is one div with a <pre> inside

    def handle_data(self, data):
        if self._skip:
            return
        self.text.append(data)
        if self._cell:
            self.cells[-1] += data
        if self._plain:
            self.plain[-1] += data


def notebook_outputs(path) -> str:
    """Return what the executed notebook at ``path`` shows: the Markdown, HTML and text of
    every cell's outputs, one per line (before the pack renders it to a page)."""
    import nbformat

    texts = []
    for cell in nbformat.read(path, as_version=4).cells:
        for o in cell.get("outputs", []):
            d = o.get("data", {})
            texts.append(d.get("text/markdown", "") + d.get("text/html", "") + o.get("text", ""))
    return "\n".join(texts)


def parse(html: str) -> _Page:
    """Return the parsed page (see :class:`_Page`)."""
    page = _Page()
    page.feed(html)
    return page


def _visible(page: _Page) -> str:
    return " ".join(page.text + page.alts)


def _hits(pattern: re.Pattern, text: str, width: int = 40) -> list[str]:
    return [text[max(0, m.start() - width):m.end() + width].replace("\n", " ") for m in pattern.finditer(text)]


REPR = re.compile(r"PosixPath\(|WindowsPath\(|object at 0x|<pandas\.|Styler at|saved figure |"
                  r"<Figure size|<matplotlib\.|\bdtype: \w+|Name: \w+, dtype")
STANDING = re.compile(r"^\s*(?:'[^\n]*'|\"[^\n]*\"|\[[^\n]*\]|\w+\([^\n]*\))\s*$")


def reprs(html: str) -> list[str]:
    """A Python repr, a return value or a standing string in the page (a plain-text output
    that is a quoted string, a list or a call)."""
    page = parse(html)
    out = _hits(REPR, _visible(page))
    out += [p.strip()[:80] for p in page.plain if STANDING.match(p)]
    return out


MISSING = re.compile(r"(?<![\w-])(NaN|nan|NaT|<NA>)(?![\w-])")
#: Python's None as a value (after "=", ":", "(" or ",", or alone in a cell), not the English
#: word at the start of a sentence ("None of the pairs ...").
NONE = re.compile(r"(?:[=:(,]\s*|^\s*)None(?![\w-])(?!\s+of\b)")


def missing_values(html: str) -> list[str]:
    """NaN, nan, NaT or <NA> written as a word, or None as a value, anywhere a reader sees."""
    page = parse(html)
    out = _hits(MISSING, _visible(page))
    return out + [t.strip()[:60] for t in page.text + page.cells if NONE.search(t)]


SHAPE = re.compile(r"\d+\s+rows?\s*×\s*\d+\s+columns?")


def shape_lines(html: str) -> list[str]:
    """pandas' "70 rows × 6 columns" line."""
    return _hits(SHAPE, _visible(parse(html)))


DEFAULT_ALT = "No description has been provided for this image"


def alt_texts(html: str) -> list[str]:
    """An image with no alt text, or with nbconvert's default one."""
    page = parse(html)
    out = ["<img> without alt text"] * page.imgs_without_alt
    return out + [a[:60] for a in page.alts if DEFAULT_ALT.lower() in a.lower()]


INTERNAL = re.compile(r"(?<![\w/])(?:[\w.-]+/)*[\w-]+\.(?:md|py|csv|ipynb|json|ya?ml|po|pot)\b|"
                      r"\banalysis\.(?:models|reports|data|pack|commands)\b[\w.]*|\bMETHODS\b|\bDOMAIN\b|"
                      r"\b\d{2}_[a-z]+(?:_[a-z]+)+\b|"  # a notebook's stem: 02_online_rate_growth
                      r"\b[a-z_]+\.[A-Z][A-Z_]+\b")  # a module's constant: compare.REASONS


def internal_names(html: str) -> list[str]:
    """A project file or module name (METHODS.md, shared/DOMAIN.md, analysis.models.simulate,
    data/observations.csv, compare.REASONS) or a notebook's stem (02_online_rate_growth) where
    the reader should see a title."""
    return _hits(INTERNAL, _visible(parse(html)))


def project_ids(html: str) -> list[str]:
    """A source or observation id of the project's data files where a reader reads."""
    return _hits(PROJECT_ID, _visible(parse(html)))


#: A month or date written the data's way (2023-11, 2025-12-31, 2022-11..2024-11); not the
#: argument of a command a researcher is told to run (``--from 2022-01``).
ISO_DATE = re.compile(r"(?<![\w-])(?<!--from )(?<!--to )\d{4}-\d{2}(?:-\d{2})?(?![\w-])")


def iso_dates(html: str) -> list[str]:
    """In a Vietnamese page, a month or date written the data's way (``2023-11``, ``2025-12-31``)
    where Vietnamese writes ``11/2023``, ``31/12/2025``."""
    return _hits(ISO_DATE, _visible(parse(html)), 30)


ENGLISH_DECIMAL = re.compile(r"(?<![\d.,/])\d+\.(?:\d{1,2}|\d{4,})(?![\d.])")


def english_numbers(html: str) -> list[str]:
    """In a Vietnamese page, a number in a table written the English way: a dot before one,
    two or more than three digits (``0.09``, ``1.504472``; ``1.504`` is a Vietnamese thousand)."""
    cells = parse(html).cells
    return [c.strip()[:60] for c in cells if ENGLISH_DECIMAL.search(c)]


CODE = re.compile(r"(?<![\w.@/-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w.(-])")


def english_or_codes(html: str) -> list[str]:
    """In a Vietnamese page, an English stock phrase (``wording.stock_phrases``) or a code
    (``provincial_centre``, ``p06_tasks_completed``) where a reader reads."""
    text = _visible(parse(html))
    out = []
    for phrase in wording.stock_phrases():
        out += _hits(re.compile(r"(?<![\w])" + re.escape(phrase) + r"(?![\w])"), text, 30)
    return out + _hits(CODE, text, 30)


#: Every check, and whether it applies to a page in English too.
CHECKS = {
    "repr": (reprs, True), "missing": (missing_values, True), "shape": (shape_lines, True),
    "alt": (alt_texts, True), "internal": (internal_names, True), "ids": (project_ids, True),
    "english_number": (english_numbers, False), "english_or_code": (english_or_codes, False),
    "iso_date": (iso_dates, False),
}


def problems(html: str, lang: str) -> dict[str, list[str]]:
    """Return {check name: problems} for the checks that apply to a page in ``lang`` and found
    something (empty when the page passes them all)."""
    found = {}
    for name, (check, both) in CHECKS.items():
        if both or lang == "vi":
            hits = check(html)
            if hits:
                found[name] = hits
    return found
