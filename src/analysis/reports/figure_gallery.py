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


def draw_all(ds: Dataset, lang: str, provinces: list[str],
             reports: tuple[str, ...] = ("overview", "growth", "discount", "compare", "scorecard"),
             ) -> Iterator[tuple[str, str, object]]:
    """Yield ``(kind, province, figure)`` for every figure of ``reports`` in ``lang``: one set per
    province, and the comparison of all ``provinces`` together. Each figure is closed after
    the caller has used it (when the caller asks for the next one)."""
    i18n.set_language(lang)
    makers = {"overview": overview_figures, "growth": growth_figures, "discount": discount_figures,
              "scorecard": scorecard_figures}
    for report in reports:
        if report == "compare":
            runs = [(" + ".join(provinces), compare_figures(ds, list(provinces)))]
        else:
            runs = [(prov, makers[report](ds, prov)) for prov in provinces]
        for label, figures in runs:
            for kind, fig in figures:
                yield kind, label, fig
                plt.close(fig)
