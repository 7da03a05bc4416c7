"""Every figure kind of every report, drawn the way the report notebooks draw them.

:func:`draw_all` yields ``(kind, figure)`` for one language and a few provinces, so the
figure checks (:mod:`analysis.reports.figure_checks`, ``tests/test_figure_checks.py``)
and anyone looking at the figures can draw all of them without running a notebook. The
calls repeat the notebooks' cells with small simulation sizes (the layout does not depend
on how many bootstrap draws there were).
"""

from __future__ import annotations

from collections.abc import Iterator

import matplotlib.pyplot as plt

from analysis import i18n
from analysis.data import Dataset
from analysis.reports import params

#: Small simulation sizes: the figures' text and layout are the same as with the defaults.
QUICK = {"n_boot": 200, "n_sims": 100}


def overview_figures(ds: Dataset, province: str) -> Iterator[tuple[str, object]]:
    """Yield the data overview's figures (coverage, online-rate timeline) for ``province``."""
    from analysis.reports import overview
    yield "overview_coverage", overview.coverage_figure(ds, province)[0]
    yield "overview_online_rate_timeline", overview.timeline_figure(ds, province)[0]


def growth_figures(ds: Dataset, province: str) -> Iterator[tuple[str, object]]:
    """Yield the growth report's three figures (fit, fan, time to target) for ``province``."""
    from analysis.reports import growth
    p = params.check("02_online_rate_growth", lang=i18n.get_language(), province=province, target_pct=80.0,
                     scope=None, offsets=[], reference_scope=None, offset_grid=[-1.0, 0.0, 1.0],
                     as_of_placement="end", horizon="2027-12-31", n_boot=QUICK["n_boot"], seed=0,
                     data_dir=str(ds.data_dir), output_dir=None)
    ga = growth.build(ds, p)
    yield "growth_fit", growth.fit_figure(ga, ds)[0]
    yield "growth_fan", growth.fan_figure(ga, ds)[0]
    yield "growth_time_to_target", growth.time_to_target_figure(ga, ds)[0]


def discount_figures(ds: Dataset, province: str) -> Iterator[tuple[str, object]]:
    """Yield the fee-discount report's four figures for ``province`` (SIMULATED panel)."""
    from analysis.models import scenarios
    from analysis.reports import discount as dr
    policy = dr.policy_for(ds, province)
    inp = dr.load_or_simulate(ds, policy, None, 2023)
    power_tab = dr.power_table(inp, policy, QUICK["n_sims"], 2023)
    curves = dr.power_curves(power_tab, QUICK["n_sims"], 2023)
    yield "discount_power", dr.power_figure(curves, ds, policy, inp, power_tab)[0]
    est = dr.estimates(inp, policy, 2023, n_boot=QUICK["n_boot"])
    yield "discount_event_study", dr.event_study_figure(est, ds, policy, inp)[0]
    yield "discount_its", dr.its_figure(est, ds, policy, inp)[0]
    response = scenarios.ResponseRange.from_list([0.0, 0.05, 0.15])
    sc = dr.scenario_curves(est, policy, response, None, None)
    mde = float(power_tab.loc[power_tab["design"] == "did", "mde_pp"].iloc[0])
    yield "discount_scenarios", dr.scenario_figure(sc, est, mde, ds, policy, inp, response)[0]


def compare_figures(ds: Dataset, provinces: list[str]) -> Iterator[tuple[str, object]]:
    """Yield the comparison report's figures (pairs, provision, payment, index) for ``provinces``."""
    from analysis.models import compare
    from analysis.reports import compare as cr
    from analysis.reports.compare import index as compare_index
    matrix = compare.indicator_matrix(ds, provinces)
    derived = compare.derive_shares(ds, provinces)
    pairs = compare.pair_verdicts(ds, provinces, 366, matrix=matrix, derived=derived)
    for f in cr.pair_figures(ds, pairs, provinces, 366):
        yield f["name"].split("__")[0], f["fig"]
    yield "compare_provision", cr.provision_figure(ds, provinces)[0]
    yield "compare_payment", cr.payment_figure(ds, provinces)[0]
    made = compare_index.index_figure(ds, pairs, provinces)
    if made is not None:
        yield "compare_index766", made[0]


def scorecard_figures(ds: Dataset, province: str) -> Iterator[tuple[str, object]]:
    """Yield the scorecard's three figures (total, groups, counts) for ``province``."""
    from analysis.reports import scorecard
    card = scorecard.card(ds, province, None)
    yield "scorecard_total", scorecard.total_figure(card)[0]
    yield "scorecard_groups", scorecard.groups_figure(card)[0]
    yield "scorecard_counts", scorecard.counts_figure(card)[0]


def scorecard_map(ds: Dataset, province: str) -> Iterator[tuple[str, object]]:
    """Yield the scorecard's locator map for ``province``."""
    from analysis.data import geo
    from analysis.reports import scorecard
    yield "scorecard_map", scorecard.locator_figure(scorecard.card(ds, province, None),
                                                    geo.read_layer(ds.data_dir))[0]


def history_figures(ds: Dataset, province: str) -> Iterator[tuple[str, object]]:
    """Yield the index-history figures ``province`` has in ``ds`` (one panel that says so when
    no month is held; the others then draw nothing)."""
    from analysis.reports.history import figures as hf, series
    hist = series.load(str(ds.data_dir), province)
    for kind, make in (("history_groups", hf.groups_figure), ("history_rank", hf.rank_figure),
                       ("history_pair", hf.pair_figure)):
        drawn = make(hist)
        if drawn is not None:
            yield kind, drawn[0]


def policy_figures(ds: Dataset, province: str) -> Iterator[tuple[str, object]]:
    """Yield the cross-province fee report's figures with ``province`` as the synthetic
    control's case (on the SIMULATED panel when no monthly history is held)."""
    from analysis.reports.policy import report as pr
    yield "policy_timeline", pr.timeline_figure(pr.timeline(ds), ds)[0]
    inp = pr.load_panel(ds, "CLGQ", 2023)
    res = pr.estimate(inp, ds.policies, province, "CLGQ", 2023)
    yield "policy_scm", pr.scm_figure(res, inp, ds)[0]
    yield "policy_event_study", pr.event_study_figure(res, inp, ds)[0]


def national_figures(ds: Dataset) -> Iterator[tuple[str, object]]:
    """Yield the national overview's figures: league, revisions, and the map of the total
    and of each group."""
    from analysis.data import geo
    from analysis.data.portal.groups import GROUPS, TOTAL
    from analysis.models import national as national_model
    from analysis.reports.national import figures as nf
    ov = national_model.build(ds, None)
    layer = geo.read_layer(ds.data_dir)
    yield "national_league", nf.league_figure(ov)[0]
    yield "national_revisions", nf.revision_figure(ov)[0]
    for group in (TOTAL, *GROUPS):
        yield f"national_map_{group.lower()}", nf.map_figure(ov, layer, group)[0]


#: Every report, in the order of the notebooks.
REPORTS = ("overview", "growth", "discount", "compare", "scorecard", "scorecard_map", "history", "policy",
           "national")


def draw_all(ds: Dataset, lang: str, provinces: list[str], reports: tuple[str, ...] = REPORTS,
             ) -> Iterator[tuple[str, str, object]]:
    """Yield ``(kind, province, figure)`` for every figure of ``reports`` in ``lang``: one set per
    province, the comparison of all ``provinces`` together, and the national overview once.
    Each figure is closed after the caller has used it (when the caller asks for the next one)."""
    i18n.set_language(lang)
    makers = {"overview": overview_figures, "growth": growth_figures, "discount": discount_figures,
              "scorecard": scorecard_figures, "scorecard_map": scorecard_map, "history": history_figures,
              "policy": policy_figures}
    for report in reports:
        if report == "compare":
            runs = [(" + ".join(provinces), compare_figures(ds, list(provinces)))]
        elif report == "national":
            runs = [("", national_figures(ds))]
        else:
            runs = [(prov, makers[report](ds, prov)) for prov in provinces]
        for label, figures in runs:
            for kind, fig in figures:
                yield kind, label, fig
                plt.close(fig)
