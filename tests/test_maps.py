"""Maps of Vietnam: both archipelagos on every map (and a check that fails on a map
without them), the boundary credit, a palette that reads in greyscale, both languages."""

from __future__ import annotations

import os

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from analysis import config, i18n
from analysis.data import geo
from analysis.reports import maps, plotting

#: Set P06_SHOW_MAPS=DIR to keep the locator maps of the test for a look.
SHOW_DIR = os.environ.get("P06_SHOW_MAPS")


@pytest.fixture(scope="module")
def layer():
    return geo.read_layer(config.DATA_DIR, 34)


@pytest.fixture(autouse=True)
def english():
    i18n.set_language("en")
    yield
    i18n.set_language("en")
    plt.close("all")


def _values(layer):
    return pd.Series(np.linspace(40, 70, len(layer)), index=layer["province"])


def _texts(fig):
    return {t.get_text().replace("\n", " ") for ax in maps._all_axes(fig) for t in ax.texts}


@pytest.mark.parametrize("lang, labels", [
    ("vi", {"Quần đảo Hoàng Sa", "Quần đảo Trường Sa"}),
    ("en", {"Hoang Sa (Paracel) Islands", "Truong Sa (Spratly) Islands"}),
])
def test_choropleth_shows_and_labels_both_archipelagos(layer, lang, labels):
    i18n.set_language(lang)
    fig, _ax = maps.choropleth(layer, _values(layer), vmin=40, vmax=70, legend="points")
    assert maps.missing_archipelagos(fig) == []
    assert labels <= _texts(fig)


@pytest.mark.parametrize("province", ["Nghệ An", "Đà Nẵng", "Khánh Hòa", "Cà Mau"])
def test_locator_shows_both_archipelagos_and_the_province(layer, province):
    fig, ax = maps.locator(layer, province)
    assert maps.missing_archipelagos(fig) == []
    fills = {mpl.colors.to_hex(c) for c in ax.collections[0].get_facecolors()}
    assert mpl.colors.to_hex(maps.HIGHLIGHT) in fills


def test_locator_refuses_an_unknown_province(layer):
    with pytest.raises(KeyError):
        maps.locator(layer, "Hà Giang")


def test_the_check_fails_on_a_map_drawn_without_the_archipelagos(layer, tmp_path):
    """Planted defects: a plain geopandas map; a map whose inset is removed; a map whose
    labels are removed. Each is caught, and save() writes nothing."""
    fig, ax = plotting.new_figure()
    layer.plot(ax=ax)
    ax.set_xlim(102, 110)  # the mainland frame: the islands are out of view and unlabelled
    assert maps.missing_archipelagos(fig) == ["hoang_sa", "truong_sa"]
    with pytest.raises(ValueError, match="archipelagos"):
        maps.save(fig, "planted_map", tmp_path, caption=maps.boundary_credit(), alt_text="x")
    assert list(tmp_path.iterdir()) == []
    fig, ax = maps.locator(layer, "Nghệ An")
    ax.child_axes[0].remove()
    ax.set_xlim(102, 110)
    assert maps.missing_archipelagos(fig) == ["hoang_sa", "truong_sa"]
    fig, ax = maps.locator(layer, "Nghệ An")
    for t in list(ax.child_axes[0].texts):
        if "Truong Sa" in t.get_text():
            t.remove()
    assert maps.missing_archipelagos(fig) == ["truong_sa"]


def test_a_figure_without_a_map_needs_no_archipelagos():
    fig, ax = plotting.new_figure()
    ax.plot([1, 2], [3, 4])
    assert maps.missing_archipelagos(fig) == []


def test_save_requires_the_boundary_credit(layer, tmp_path):
    fig, _ax = maps.locator(layer, "Huế")
    with pytest.raises(ValueError, match="credit"):
        maps.save(fig, "map_no_credit", tmp_path, caption="No credit here.", alt_text="x")
    paths = maps.save(fig, "map_ok", tmp_path, caption=maps.boundary_credit(), alt_text="x")
    assert geo.ATTRIBUTION in paths["txt"].read_text(encoding="utf-8")


def _luminance(hex_colour):
    r, g, b = mpl.colors.to_rgb(hex_colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_palette_reads_in_greyscale(layer):
    """More points is lighter on the drawn map: the fills' luminance rises with the value."""
    values = _values(layer).sample(frac=1, random_state=1)
    fig, ax = maps.choropleth(layer, values, vmin=40, vmax=70, legend="points")
    fills = [mpl.colors.to_hex(c) for c in ax.collections[0].get_facecolors()]
    lum = pd.Series([_luminance(c) for c in fills], index=layer["province"])
    ordered = lum[values.sort_values().index].to_numpy()
    assert np.all(np.diff(ordered) > 0)


def test_missing_values_are_grey(layer):
    values = _values(layer).drop("Huế")
    fig, ax = maps.choropleth(layer, values, vmin=40, vmax=70, legend="points")
    fills = dict(zip(layer["province"], (mpl.colors.to_hex(c) for c in ax.collections[0].get_facecolors())))
    assert fills["Huế"] == maps.NO_DATA.lower()


def test_colliding_names_are_dropped(layer):
    fig, ax = maps.choropleth(layer, _values(layer), vmin=40, vmax=70, legend="points", label_min_area=0.0)
    before = sum(t.get_gid() == maps.PROVINCE_LABEL for t in ax.texts)
    removed = maps.drop_colliding_labels(fig)
    assert before == 34 and removed > 0
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in ax.texts if t.get_gid() == maps.PROVINCE_LABEL]
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_scorecard_locator_map(shipped, layer, lang, tmp_path):
    from analysis.models import scorecard as scorecard_model
    from analysis.reports import scorecard

    i18n.set_language(lang)
    card = scorecard_model.build(shipped, "Phú Thọ")
    fig, caption, alt = scorecard.locator_figure(card, layer)
    assert maps.missing_archipelagos(fig) == []
    paths = maps.save(fig, f"scorecard_map_{lang}", SHOW_DIR or tmp_path, caption=caption, alt_text=alt)
    assert paths["png"].stat().st_size > 0
    former = {"vi": "gồm cả Vĩnh Phúc và Hòa Bình cũ", "en": "including the former Vĩnh Phúc and Hòa Bình"}[lang]
    # The caption is wrapped to the figure's width: compare with line breaks as spaces.
    assert any(former in " ".join(t.split()) for t in _texts(fig) | {t.get_text() for t in fig.texts})


def test_the_63_province_layer_maps_with_both_archipelagos():
    layer63 = geo.read_layer(config.DATA_DIR, 63)
    values = pd.Series(np.linspace(0, 1, len(layer63)), index=layer63["province"])
    fig, _ax = maps.choropleth(layer63, values, vmin=0, vmax=1, legend="share")
    assert maps.missing_archipelagos(fig) == []
    fig, _ax = maps.locator(layer63, "Hòa Bình")
    assert maps.missing_archipelagos(fig) == []


def test_a_map_saves_to_the_same_bytes_twice(layer, tmp_path):
    outs = []
    for k in range(2):
        fig, _ax = maps.choropleth(layer, _values(layer), vmin=40, vmax=70, legend="points")
        maps.finish(fig, title="t", subtitle="s", caption=maps.boundary_credit())
        outs.append(maps.save(fig, f"map_{k}", tmp_path, caption=maps.boundary_credit(), alt_text="x"))
        plt.close(fig)
    for kind in ("png", "svg"):
        assert outs[0][kind].read_bytes() == outs[1][kind].read_bytes()
