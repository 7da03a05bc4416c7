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


def test_number_and_date_ticks_follow_the_language(monkeypatch):
    from analysis import i18n
    monkeypatch.setattr(i18n, "_current", "vi")
    fig, ax = plotting.new_figure()
    ax.plot(pd.to_datetime(["2025-01-01", "2025-08-06"]), [2.5, 1250.0])
    plotting.date_axis(ax.xaxis)
    plotting.finish(fig, title="t", caption="c")
    fig.canvas.draw()
    ys = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    xs = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert any("." in y for y in ys) and not any("," in y and y.endswith(",0") for y in ys)  # 1.000, not 1,000.0
    assert all("/" in x and len(x) == 7 for x in xs)  # 08/2025
    monkeypatch.setattr(i18n, "_current", "en")
    fig.canvas.draw()
    assert any(x.startswith(("Jan", "Mar", "May", "Jul")) for x in (t.get_text() for t in ax.get_xticklabels()))


def test_language_is_part_of_the_figure_name():
    a = plotting.figure_name("timeline", {"province": "Nghệ An", "lang": "vi"})
    b = plotting.figure_name("timeline", {"province": "Nghệ An", "lang": "en"})
    assert a == "timeline__lang-vi__province-nghe-an" and a != b


def test_long_titles_and_axis_labels_wrap_inside_the_figure():
    fig, ax = plotting.new_figure()
    ax.set_ylabel("Lực kiểm định: khả năng kiểm định 5% phát hiện hiệu ứng, một nhãn rất dài (%)")
    plotting.finish(fig, title="MÔ PHỎNG: " + "rất dài " * 20, caption="c", subtitle="s")
    assert "\n" in fig._suptitle.get_text() and "\n" in ax.get_ylabel()
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    box = ax.yaxis.label.get_window_extent(renderer)
    assert box.y1 <= fig.bbox.y1 and box.y0 >= 0


def test_plotted_data_is_rounded_to_what_the_data_supports(tmp_path):
    data = pd.DataFrame({"percent": [15.384615384615385, 69.23076923076923, 100.0],
                         "share": [0.0903741, 0.0941234, 0.1], "count": [2, 9, 13], "label": ["a", "b", "c"]})
    paths = plotting.save(_figure(), "r", tmp_path, caption="c", alt_text="a", data=data)
    back = pd.read_csv(paths["csv"])
    assert back["percent"].tolist() == [15.38, 69.23, 100.0]
    assert back["share"].tolist() == [0.09037, 0.09412, 0.1]
    assert back["count"].tolist() == [2, 9, 13]
    assert "15.384615" not in paths["csv"].read_text()
