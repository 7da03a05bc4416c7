"""The plotting module: repeatable bytes, stable names, captions, SIMULATED marks, diacritics."""

import hashlib
import unicodedata
import warnings

import pandas as pd

from analysis.reports import plotting


def _figure(title="Nghệ An: tỷ lệ hồ sơ trực tuyến", simulated=False):
    fig, ax = plotting.new_figure()
    ax.plot([1, 2, 3], [30, 44, 72])
    ax.set_ylabel("Dossiers submitted online (%)")
    plotting.finish(fig, title=title, caption="Caption with sources: [seed001].", simulated=simulated)
    return fig


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_same_figure_saves_byte_identical_png_and_svg(tmp_path):
    a = plotting.save(_figure(), "f", tmp_path / "a", caption="c", alt_text="a")
    b = plotting.save(_figure(), "f", tmp_path / "b", caption="c", alt_text="a")
    for kind in ("png", "svg", "txt"):
        assert _digest(a[kind]) == _digest(b[kind]), kind
    svg = a["svg"].read_text()
    assert "<dc:date>" not in svg


def test_vietnamese_text_renders_without_missing_glyphs(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)"
        fig = _figure(title="Hòa Bình, Nghệ An: ệ ộ ữ ằ ẫ đ Đ")
        plotting.save(fig, "vi", tmp_path, caption="Quảng Nam, Thừa Thiên Huế", alt_text="x")


def test_nfd_title_is_drawn_as_nfc():
    nfd = unicodedata.normalize("NFD", "Nghệ An")
    fig = _figure(title=nfd)
    assert fig._suptitle.get_text() == "Nghệ An"


def test_simulated_is_marked_on_figure_caption_and_data(tmp_path):
    fig = _figure(simulated=True)
    assert fig._suptitle.get_text().startswith("SIMULATED")
    assert any(t.get_text() == "SIMULATED" for t in fig.texts)
    paths = plotting.save(fig, "sim", tmp_path, caption="c", alt_text="a",
                          data=pd.DataFrame({"x": [1]}), simulated=True)
    assert paths["txt"].read_text().startswith("SIMULATED")
    assert pd.read_csv(paths["csv"])["data_status"].eq("SIMULATED").all()


def test_figure_name_is_stable_ascii_and_parameterised():
    assert plotting.figure_name("timeline", {"province": "Nghệ An"}) == "timeline__province-nghe-an"
    a = plotting.figure_name("fan", {"province": "Hòa Bình", "target": 80})
    b = plotting.figure_name("fan", {"target": 80, "province": unicodedata.normalize("NFD", "Hòa Bình")})
    assert a == b == "fan__province-hoa-binh__target-80"
    assert a.isascii()


def test_save_does_not_leave_partial_files_on_failure(tmp_path):
    class Boom(Exception):
        pass

    good = plotting.save(_figure(), "f", tmp_path, caption="c", alt_text="a")
    before = _digest(good["png"])
    fig = _figure()

    def explode(*a, **k):
        raise Boom

    fig.savefig = explode
    try:
        plotting.save(fig, "f", tmp_path, caption="c", alt_text="a")
    except Boom:
        pass
    assert _digest(good["png"]) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
