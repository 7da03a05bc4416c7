"""The national overview's figures and the scorecard locator map, drawn in both languages:
no two texts overlap (province names, archipelago labels, legend, title, caption), every
map shows both archipelagos, and the check catches a planted overlap."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest
from matplotlib.text import Text

from analysis import config, i18n
from analysis.data import geo
from analysis.models import national
from analysis.models import scorecard as scorecard_model
from analysis.reports import maps, scorecard
from analysis.reports.national import figures


def overlapping_texts(fig) -> list[tuple[str, str]]:
    """Return the pairs of visible, non-empty texts of ``fig`` whose boxes overlap."""
    fig.canvas.draw()  # legends and ticks are placed at draw time
    renderer = fig.canvas.get_renderer()
    texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    boxes = [(t.get_text()[:40], t.get_window_extent(renderer)) for t in texts]
    return [(a, b) for i, (a, ba) in enumerate(boxes) for (b, bb) in boxes[i + 1:] if ba.overlaps(bb)]


@pytest.fixture(scope="module")
def inputs(shipped):
    return national.build(shipped), geo.read_layer(config.DATA_DIR), scorecard_model.build(shipped, "Hồ Chí Minh")


@pytest.fixture(autouse=True)
def english():
    yield
    i18n.set_language("en")
    plt.close("all")


def _figures(inputs):
    ov, layer, card = inputs
    yield "league", figures.league_figure(ov)[0]
    yield "revisions", figures.revision_figure(ov)[0]
    for column in figures.MAP_COLUMNS:
        yield f"map {column}", figures.map_figure(ov, layer, column)[0]
    yield "locator", scorecard.locator_figure(card, layer)[0]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_no_text_overlaps_and_every_map_has_the_archipelagos(inputs, lang):
    i18n.set_language(lang)
    for name, fig in _figures(inputs):
        assert overlapping_texts(fig) == [], (lang, name)
        if name.startswith(("map", "locator")):
            assert maps.missing_archipelagos(fig) == [], (lang, name)
        plt.close(fig)


def test_the_overlap_check_can_fail(inputs):
    ov, layer, _card = inputs
    fig = figures.map_figure(ov, layer)[0]
    ax = fig.axes[0]
    ax.text(105.8, 21.0, "Planted label over Hà Nội", fontsize=9)
    ax.text(105.8, 21.0, "Another one", fontsize=9)
    assert ("Planted label over Hà Nội", "Another one") in overlapping_texts(fig)
