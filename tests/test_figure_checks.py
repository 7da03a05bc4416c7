"""Every figure of every report, in both languages, reads cleanly: no two text boxes
overlap, no text leaves the canvas, no English-style number on a Vietnamese figure. Each
check is first shown to fail on a planted defect."""

import pytest

from analysis import i18n
from analysis.reports import figure_checks, plotting
from analysis.reports.figure_gallery import draw_all


@pytest.fixture(autouse=True)
def _english_after():
    yield
    i18n.set_language("en")


def _clean_figure(title="Nghệ An: tỷ lệ hồ sơ trực tuyến", subtitle="năm 2026"):
    i18n.set_language("vi")
    fig, ax = plotting.new_figure()
    ax.plot([1, 2, 3], [30, 44, 72])
    ax.set_xlabel("Ngày")
    plotting.finish(fig, title=title, subtitle=subtitle, caption="Nguồn: [seed001].")
    return fig, ax


def test_a_clean_figure_has_no_problem():
    fig, _ax = _clean_figure()
    assert figure_checks.problems(fig, "vi") == []


def test_planted_overlap_is_found():
    fig, ax = _clean_figure()
    # A subtitle drawn on the title, as the Vietnamese scorecard_counts figures had it.
    title = fig._suptitle
    fig.text(*title.get_position(), "năm 2026, lũy kế từ đầu năm", va="top", fontsize=10)
    found = figure_checks.overlaps(fig)
    assert found and all(p.kind == "overlap" for p in found)


def test_planted_axis_label_on_caption_is_found():
    fig, ax = _clean_figure()
    renderer = fig.canvas.get_renderer()
    box = ax.xaxis.label.get_window_extent(renderer).transformed(fig.transFigure.inverted())
    # A caption line drawn where the x-axis label is, as on every scorecard_counts figure.
    fig.text(box.x0, box.y0, "Tỷ lệ hồ sơ (số đếm, không phải điểm chỉ số)", fontsize=8.5)
    assert any("Ngày" in p.detail for p in figure_checks.overlaps(fig))


def test_planted_text_off_the_canvas_is_found():
    fig, ax = _clean_figure()
    ax.text(3.0, 72, "72,35% (224.930/310.903) tính đến 06/08/2025", clip_on=False,
            transform=ax.transData)
    ax.set_xlim(1, 3)
    assert any(p.kind == "outside" for p in figure_checks.outside(fig))


@pytest.mark.parametrize("text", ["15.4%", "0.09", "2.106910", "1,234,567"])
def test_planted_english_number_is_found_on_a_vietnamese_figure(text):
    fig, ax = _clean_figure()
    ax.set_title(f"tỷ lệ {text}")
    assert [p.kind for p in figure_checks.problems(fig, "vi")] == ["english_number"]
    assert figure_checks.problems(fig, "en") == []


@pytest.mark.parametrize("text", ["72,35%", "224.930", "0,090", "01/04/2025", "Quyết định 766/QĐ-TTg"])
def test_vietnamese_numbers_pass(text):
    assert not figure_checks.ENGLISH_NUMBER.search(text)


def test_a_licence_version_is_a_name_not_an_english_number():
    fig, ax = _clean_figure()
    ax.set_title("Ranh giới: geoBoundaries, giấy phép CC BY-SA 4.0; tỷ lệ 4.5%")
    found = figure_checks.problems(fig, "vi")
    assert [p.kind for p in found] == ["english_number"] and "4.5" in found[0].detail


def test_the_simulated_stamp_may_lie_across_everything():
    fig, ax = plotting.new_figure()
    ax.plot([1, 2], [1, 2])
    plotting.finish(fig, title="t", caption="c", simulated=True)
    assert figure_checks.problems(fig, "en") == []


def test_a_long_vietnamese_title_and_caption_wrap_without_collisions():
    fig, _ax = _clean_figure(title="MÔ PHỎNG: " + "Bà Rịa - Vũng Tàu, rất dài " * 8,
                             subtitle="Hiệu ứng nhỏ nhất phát hiện được (MDE) " * 4)
    assert figure_checks.problems(fig, "vi") == []


def _real_data():
    from analysis import config, data
    if not (config.DATA_DIR / "observations.csv").exists():
        pytest.skip("the shipped data/ folder is absent")
    return data.load()


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_figure_of_every_report_reads_cleanly(lang):
    ds = _real_data()
    # Nghệ An and Hòa Bình hold the observations; Hồ Chí Minh is the longest name with a score on
    # the national index; Bà Rịa - Vũng Tàu the longest of all (no data, no score: short figures).
    bad = []
    runs = [(("overview", "growth"), ["Nghệ An", "Bà Rịa - Vũng Tàu"]),
            (("discount",), ["Nghệ An"]),
            (("compare",), ["Nghệ An", "Hòa Bình"]),
            (("compare",), ["Nghệ An", "Phú Thọ"]),  # comparable on the national index
            (("scorecard",), ["Hồ Chí Minh", "Nghệ An", "Bà Rịa - Vũng Tàu"]),
            (("scorecard_map",), ["Hồ Chí Minh"]),
            # Without monthly history the history report draws one panel that says so; the
            # figures of a held history are checked on test-made months below.
            (("history",), ["Nghệ An"]),
            (("policy",), ["Nghệ An", "Hà Nội"]),  # Hà Nội: no policy of its own
            (("national",), [])]
    for reports, provinces in runs:
        for kind, province, fig in draw_all(ds, lang, provinces, reports):
            bad += [f"{kind} {province}: {p}" for p in figure_checks.problems(fig, lang)]
    assert bad == []


def test_planted_tiny_text_is_found():
    fig, ax = _clean_figure()
    ax.text(2, 40, "nguồn: chú thích rất nhỏ", fontsize=5)
    assert [p.kind for p in figure_checks.problems(fig, "vi")] == ["too_small"]


def test_planted_repeated_tick_labels_are_found():
    fig, ax = _clean_figure()
    ax.set_xticks([1, 1.5, 2, 2.5, 3], ["1", "2", "2", "3", "3"])  # a format rounding 1.5 to 2
    assert [p.kind for p in figure_checks.problems(fig, "vi")] == ["repeated_ticks"]


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_figures_of_a_held_monthly_history_read_cleanly(tmp_path, lang):
    """The index-history figures drawn on TEST months (the shipped data hold none): Phú Thọ
    has merger partners before July 2025, Nghệ An is one of the pair of the seeds."""
    from analysis import data
    from portal_history_fixtures import monthly_history

    _real_data()  # skips without the shipped data/ folder (the test folder copies it)
    ds = data.load(monthly_history(tmp_path))
    bad = []
    for kind, province, fig in draw_all(ds, lang, ["Phú Thọ", "Nghệ An"], ("history",)):
        bad += [f"{kind} {province}: {p}" for p in figure_checks.problems(fig, lang)]
    kinds = {kind for kind, _p, _f in draw_all(ds, lang, ["Phú Thọ"], ("history",))}
    assert kinds == {"history_groups", "history_rank", "history_pair"}
    assert bad == []
