"""Vietnamese renders with the project's font: every diacritic, in PNG and SVG, no missing glyph,
and the font file used is matplotlib's own DejaVu Sans (installed with the project), never a
font the machine happens to have."""

from __future__ import annotations

import unicodedata
import warnings
from pathlib import Path

import matplotlib
import pytest
from matplotlib import font_manager

from analysis import i18n
from analysis.reports import plotting

#: Every Vietnamese letter with a diacritic, lower and upper case: the five tones on each of
#: the twelve vowels (a ă â e ê i o ô ơ u ư y) plus đ/Đ.
VOWELS = "aăâeêioôơuưy"
TONES = "\u0300\u0301\u0309\u0303\u0323"  # huyền, sắc, hỏi, ngã, nặng
ALL_DIACRITICS = "".join(unicodedata.normalize("NFC", v + t) for v in VOWELS for t in ("", *TONES)) + "đ"
ALL_DIACRITICS += ALL_DIACRITICS.upper()


def test_the_test_string_covers_every_vietnamese_letter():
    assert len(ALL_DIACRITICS) == 2 * (12 * 6 + 1)
    assert all(len(unicodedata.normalize("NFC", c)) == 1 for c in ALL_DIACRITICS)  # precomposed
    for word in ("Nghệ An", "Hòa Bình", "Thừa Thiên Huế", "Quảng Ngãi", "ỹ", "Ỵ"):
        assert all(c in ALL_DIACRITICS or c.isascii() for c in word)


def test_the_font_is_the_one_shipped_with_matplotlib():
    plotting.apply_style()
    path = Path(plotting.project_font())
    assert path.name == "DejaVuSans.ttf"
    assert Path(matplotlib.get_data_path()) in path.parents, path


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_every_diacritic_renders_without_missing_glyph(tmp_path, fmt):
    fig, ax = plotting.new_figure()
    ax.set_title(ALL_DIACRITICS[:80])
    ax.set_xlabel(ALL_DIACRITICS[80:])
    ax.text(0.5, 0.5, ALL_DIACRITICS, fontweight="bold", fontsize=7, transform=ax.transAxes, ha="center")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)" and on fallback
        fig.savefig(tmp_path / f"vi.{fmt}", format=fmt)
    for text in (ax.title, ax.xaxis.label, ax.texts[0]):
        used = Path(font_manager.findfont(text.get_fontproperties(), fallback_to_default=False))
        assert Path(matplotlib.get_data_path()) in used.parents, used
    assert (tmp_path / f"vi.{fmt}").stat().st_size > 0


def test_the_font_covers_every_letter_by_its_character_map():
    from matplotlib.ft2font import FT2Font

    plotting.apply_style()
    for weight in ("normal", "bold"):
        path = font_manager.findfont(font_manager.FontProperties(family=plotting.FONT, weight=weight),
                                     fallback_to_default=False)
        cmap = FT2Font(path).get_charmap()
        missing = [c for c in ALL_DIACRITICS if ord(c) not in cmap]
        assert not missing, (path, missing)


def test_vietnamese_figure_stays_byte_repeatable(tmp_path, monkeypatch):
    monkeypatch.setattr(i18n, "_current", "vi")
    digests = []
    for run in ("a", "b"):
        fig, ax = plotting.new_figure()
        ax.plot([1, 2, 3], [30.5, 44.25, 72.35])
        plotting.finish(fig, title="Nghệ An: " + ALL_DIACRITICS[:40], caption="Nguồn: [seed001].", simulated=True)
        paths = plotting.save(fig, "f", tmp_path / run, caption="c", alt_text="a", simulated=True)
        digests.append({k: paths[k].read_bytes() for k in ("png", "svg", "txt")})
    assert digests[0] == digests[1]
    assert digests[0]["txt"].decode("utf-8").startswith("MÔ PHỎNG")
