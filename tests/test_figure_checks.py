"""Every figure of every report, in both languages, reads cleanly: no two text boxes
overlap, no text leaves the canvas, no English-style number on a Vietnamese figure, no line
runs through a label. Each check is first shown to fail on a planted defect."""

import pytest

from analysis import i18n
from analysis.reports import figure_checks, plotting
from analysis.reports.figure_gallery import draw_all


def _clean_figure(title="Nghệ An: tỷ lệ hồ sơ trực tuyến", subtitle="năm 2026"):
    i18n.set_language("vi")
    fig, ax = plotting.new_figure()
    ax.plot([1, 2, 3], [30, 44, 72])
    ax.set_xlabel("Ngày")
    plotting.finish(fig, title=title, subtitle=subtitle, caption="Nguồn: [2].")
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


@pytest.mark.parametrize("text", ["Nguồn: [seed003] \"Tập trung tháo gỡ\"", "NA014 là một cận"])
def test_planted_project_id_is_found_in_either_language(text):
    fig, ax = _clean_figure()
    ax.set_title(text)
    for lang in ("vi", "en"):
        assert [p.kind for p in figure_checks.problems(fig, lang)] == ["project_id"]


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
    # On a light box above the gridlines (a gridline through it would be a second problem).
    ax.text(2, 40, "nguồn: chú thích rất nhỏ", fontsize=5, bbox=dict(fc="white", ec="none"))
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


def _curve_figure():
    """A figure with one rising curve, 30 -> 72 over 1 -> 3 (it passes 51 at x = 2)."""
    i18n.set_language("vi")
    fig, ax = plotting.new_figure()
    ax.plot([1, 2, 3], [30, 51, 72], lw=2)
    return fig, ax


def _line_kinds(fig):
    return [p for p in figure_checks.problems(fig, "vi") if p.kind == "line_through_text"]


def test_planted_curve_through_an_unboxed_label_is_found():
    fig, ax = _curve_figure()
    ax.text(2, 51, "51,0%", ha="center", va="center")  # the curve runs through the digits
    plotting.finish(fig, title="t", caption="c")
    found = _line_kinds(fig)
    assert [p.kind for p in figure_checks.problems(fig, "vi")] == ["line_through_text"]
    assert "51,0%" in found[0].detail and "gridline" not in found[0].detail


def test_a_curve_through_a_boxed_label_is_still_found():
    # The box would hide the letters' background but cut the curve: a stretch of data vanishes.
    fig, ax = _curve_figure()
    ax.text(2, 51, "51,0%", ha="center", va="center", zorder=3, bbox=dict(fc="white", alpha=1.0))
    plotting.finish(fig, title="t", caption="c")
    assert [p.kind for p in _line_kinds(fig)] == ["line_through_text"]


def test_the_same_value_as_a_data_label_is_placed_off_the_curve():
    fig, ax = _curve_figure()
    plotting.data_label(ax, "51,0%", (2, 51), xytext=(0, 0))  # starts on the curve
    plotting.finish(fig, title="t", caption="c")
    assert figure_checks.problems(fig, "vi") == []


def test_a_label_moved_far_from_its_point_gets_a_leader_to_it():
    # Eleven close parallel curves around the point: the nearest free place is beyond them, far
    # from the point, so a thin leader shows which point the label names.
    from matplotlib.text import Annotation
    fig, ax = _curve_figure()
    for k in range(-5, 6):
        ax.plot([1, 3], [51 + 1.2 * k, 51 + 1.2 * k], lw=1.5)
    ax.scatter([2], [51], zorder=3)
    plotting.data_label(ax, "51,0%", (2, 51), xytext=(0, 0))
    plotting.finish(fig, title="t", caption="c")
    leaders = [a for a in ax.texts if isinstance(a, Annotation) and not a.get_text() and a.arrow_patch]
    assert len(leaders) == 1 and figure_checks.problems(fig, "vi") == []
    # A label placed right beside its point needs none.
    fig, ax = _curve_figure()
    plotting.data_label(ax, "51,0%", (2, 51), xytext=(0, 0))
    plotting.finish(fig, title="t", caption="c")
    assert not [a for a in ax.texts if isinstance(a, Annotation) and not a.get_text()]


def _gridline_figure():
    """A figure whose y gridline at 40 runs through the digits "9,17" (written after finish,
    so the layout cannot box it), as the issue saw it."""
    fig, ax = _clean_figure()
    assert 40 in ax.get_yticks()
    return fig, ax


def test_planted_gridline_through_unboxed_digits_is_found():
    fig, ax = _gridline_figure()
    ax.text(2.3, 40, "9,17", va="center")
    found = _line_kinds(fig)
    assert found and all("gridline" in p.detail for p in found)


@pytest.mark.parametrize("zorder, alpha, found", [(3, 0.85, False),  # box above the gridline: hidden
                                                  (0.1, 0.85, True),  # box drawn below the gridline
                                                  (3, 0.3, True)])    # box too transparent
def test_a_box_hides_a_gridline_only_when_opaque_and_drawn_above_it(zorder, alpha, found):
    fig, ax = _gridline_figure()
    ax.text(2.3, 40, "9,17", va="center", zorder=zorder, bbox=dict(fc="white", ec="none", alpha=alpha))
    assert bool(_line_kinds(fig)) is found


def test_the_layout_boxes_text_a_gridline_or_reference_line_runs_through():
    i18n.set_language("vi")
    fig, ax = plotting.new_figure()
    ax.plot([1, 2, 3], [30, 44, 72])
    ax.axhline(60, color="#666666", ls="--")
    ax.text(2.3, 40, "9,17", va="center")  # on the y gridline at 40, off the curve
    ax.text(1.1, 60, "mục tiêu 60%", va="center")  # on the reference line, off the curve
    assert len({p.detail.split(" crossed")[0] for p in _line_kinds(fig)}) == 2  # both crossed before the layout
    plotting.finish(fig, title="t", caption="c")
    assert figure_checks.problems(fig, "vi") == []
    assert all(t.get_bbox_patch() is not None for t in ax.texts)



@pytest.mark.parametrize("alpha, found", [(1.0, False), (0.3, True)])
def test_a_value_written_on_an_opaque_bar_is_not_crossed_by_the_gridline_the_bar_hides(alpha, found):
    i18n.set_language("vi")
    fig, ax = plotting.new_figure()
    ax.barh([0, 1], [1648, 900], height=0.6, color="#E69F00", alpha=alpha)
    ax.set_xlim(0, 2000)
    plotting.finish(fig, title="t", caption="c")
    ax.text(1000, 0, "1.648", ha="center", va="center")  # on the x gridline at 1.000, on the bar
    assert bool(_line_kinds(fig)) is found



def test_a_label_in_a_gap_of_the_line_is_not_crossed():
    i18n.set_language("vi")
    fig, ax = plotting.new_figure()
    ax.plot([1, 2, float("nan"), 4, 5], [10, 20, float("nan"), 40, 50])  # no line between 2 and 4
    plotting.finish(fig, title="t", caption="c")
    gap = ax.text(3, 30, "30,0", ha="center", va="center", bbox=dict(fc="white", ec="none"))
    assert _line_kinds(fig) == []
    gap.set_position((4.5, 45))  # on the drawn part
    assert [p.kind for p in _line_kinds(fig)] == ["line_through_text"]


def test_an_interval_bar_through_a_label_is_found():
    i18n.set_language("vi")
    fig, ax = plotting.new_figure()
    ax.errorbar([1, 2, 3], [30, 44, 72], yerr=[[8, 8, 8], [8, 8, 8]], fmt="o")  # bars, no joining line
    plotting.finish(fig, title="t", caption="c")
    label = ax.text(2, 48, "44,0", ha="center", va="center", zorder=3, bbox=dict(fc="white", ec="none"))
    assert [p.detail for p in _line_kinds(fig)] == ["'44,0' crossed by a drawn line"]  # the bar, boxed or not
    label.set_position((2.5, 58))  # between the points: no bar there (and the gridlines are boxed away)
    assert _line_kinds(fig) == []
