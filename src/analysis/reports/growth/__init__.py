"""The growth report (notebooks/02_online_rate_growth.ipynb): parameters, the analysis and saving.

The text lives in :mod:`analysis.reports.growth.sentences` and the figures in
:mod:`analysis.reports.growth.figures`; both are re-exported here, so a notebook calls
``growth_report.fit_figure(...)`` on this one module.

:func:`build` runs everything the notebook shows and never raises for a request the data
cannot support: a refusal is kept as a message, and every figure and text function then
says what was refused and why (a province without online-rate figures gets figures that
say so instead of a crash). Bad parameters still raise ParameterError.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from analysis.models import growth
from analysis import i18n
from analysis.i18n import N_, _
from analysis.reports import narrative, plotting, wording
from analysis.reports.growth import words as growth_words
from analysis.data import Dataset
from analysis.errors import Refused
from analysis.reports.params import COMMON, Param
from analysis.data.schema import SCOPES
from analysis.reports.growth.sentences import (  # noqa: F401  (re-exported for the notebook)
    chronology_markdown, grid_summary, grid_table, limits_markdown, model_markdown)
from analysis.reports.growth.figures import (  # noqa: F401  (re-exported for the notebook)
    fan_figure, fit_figure, time_to_target_figure)

PARAMETERS = {
    "province": Param("province", "Province to model (any spelling in data/admin_units.csv)."),
    "target_pct": Param("float", "Target online share in percent (80: Decision 942/QĐ-TTg).", min=1.0, max=99.0),
    "scope": Param("str", "Fit only this scope's figures; None uses every scope.", nullable=True,
                   choices=tuple(SCOPES)),
    "offsets": Param("strs", "Assumed scope offsets for the main fit, as 'SCOPE:LOGIT' or 'SCOPE=LOGIT' (logits above the "
                             "reference scope at the same date); [] for none."),
    "reference_scope": Param("str", "Scope whose curve is reported; None: scope of the latest exact figure.",
                             nullable=True, choices=tuple(SCOPES)),
    "offset_grid": Param("floats", "Assumed offsets (logits) of the sensitivity fan, applied to each "
                                   "non-reference scope with exact figures.", min=-5.0, max=5.0),
    "as_of_placement": Param("str", "Where an 'as of' figure without a start date is placed.",
                             choices=tuple(growth.AS_OF_PLACEMENTS)),
    "horizon": Param("date", "Last date of the projection (YYYY-MM-DD)."),
    "n_boot": Param("int", "Parametric bootstrap draws.", min=200, max=100000),
    "seed": Param("int", "Random seed of the bootstrap.", min=0),
    **COMMON,
}

STEM = "02_online_rate_growth"


@dataclass
class GrowthAnalysis:
    """Everything the growth report shows for one province and parameter set.

    ``data`` is None when the province has no online-rate figure (``no_data`` says so);
    ``main`` is the fit asked for by ``scope``/``offsets`` or None with ``main_refusal``;
    ``grid`` holds the sensitivity fan over assumed offsets (empty with ``grid_note`` when
    there is nothing to vary).
    """

    province: str
    p: object
    data: growth.GrowthData | None = None
    no_data: str | None = None
    main: growth.GrowthFit | None = None
    main_refusal: str | None = None
    grid: list[growth.GridCell] = field(default_factory=list)
    grid_note: str | None = None
    sources: list[str] = field(default_factory=list)
    #: How the report refers to each source in its lists ("[3]", see wording.source_key).
    source_keys: dict[str, str] = field(default_factory=dict)
    #: The newest figure in the data about the province (any indicator, or its index score):
    #: a projected date before it is already past.
    latest: pd.Timestamp | None = None

    @property
    def fits(self) -> list[tuple[str, growth.GrowthFit | None, str | None]]:
        """Return (label, fit or None, refusal) for the main fit and every grid cell."""
        out = []
        if self.data is not None:
            out.append((_("main fit: {label}").format(
                label=growth_words.fit_label(self.main) if self.main else _("refused")), self.main, self.main_refusal))
        out += [(growth_words.legend_label(c.fit) if c.fit else c.label, c.fit, c.refusal) for c in self.grid]
        return out


def build(ds: Dataset, p) -> GrowthAnalysis:
    """Return the :class:`GrowthAnalysis` for the checked parameters ``p`` (from params.check).

    Raises ParameterError for malformed offsets; never raises Refused (refusals are kept).
    """
    offsets = growth.parse_offsets(p.offsets)
    ga = GrowthAnalysis(ds.canonical_province(p.province), p)
    ga.latest = latest_figure_date(ds, ga.province)
    ga.source_keys = {sid: wording.source_key(ds, sid) for sid in ds.sources["source_id"]}
    try:
        ga.data = growth.prepare(ds, ga.province, as_of_placement=p.as_of_placement)
    except Refused as exc:
        ga.no_data = str(exc)
        ga.sources = list(ds.observations.loc[ds.observations["province"] == ga.province, "source_id"])
        return ga
    ga.sources = list(ga.data.frame["source_id"])
    kw = dict(n_boot=p.n_boot, seed=p.seed)
    try:
        ga.main = growth.fit_growth(ga.data, scope=p.scope, offsets=offsets, reference_scope=p.reference_scope, **kw)
    except Refused as exc:
        ga.main_refusal = str(exc)
    if p.scope is not None:
        ga.grid_note = f"The main fit uses one scope ({p.scope}), so there are no scope offsets to vary."
        return ga
    try:
        ref, others = growth.grid_scopes(ga.data, p.reference_scope)
    except Refused as exc:
        ga.grid_note = str(exc)
        return ga
    if not others:
        ga.grid_note = f"Every exact figure is on one scope ({ref}): there are no scope offsets to vary."
        return ga
    fixed = {k: v for k, v in offsets.items() if k not in others}
    ga.grid = growth.sensitivity_grid(ga.data, list(p.offset_grid), reference_scope=ref, fixed_offsets=fixed, **kw)
    return ga



def latest_figure_date(ds: Dataset, province: str) -> pd.Timestamp | None:
    """Return the date of the newest figure about ``province`` in the data: the latest period
    end of its observations, or the latest retrieval of the national index when the province
    has a score there (None when there is neither)."""
    obs = ds.observations.loc[ds.observations["province"] == province, "period_end"]
    dates = [pd.Timestamp(obs.max())] if len(obs) else []
    unit = ds.admin_units.set_index("province").loc[province] if province in set(ds.admin_units["province"]) else None
    if unit is not None and str(unit.get("portal_code") or "").strip():
        from analysis.data.portal import tables
        try:
            snaps = tables.read(ds.data_dir)["snapshots"]
        except (FileNotFoundError, KeyError):  # a data folder without the national index
            snaps = None
        if snaps is not None and len(snaps):
            dates.append(pd.Timestamp(snaps["retrieved"].max()))
    return max(dates) if dates else None


def figure_params(ga: GrowthAnalysis) -> dict:
    """Return the parameters that name this run's figures (province, target, scope, offsets,
    placement, language: the two languages of one run never share a file)."""
    p = ga.p
    out = {"province": ga.province, "target": f"{p.target_pct:g}", "asof": p.as_of_placement,
           "lang": getattr(p, "lang", None) or i18n.get_language()}
    if p.scope:
        out["scope"] = p.scope
    if p.offsets:
        out["offsets"] = "_".join(p.offsets)
    return out


def save_all(ga: GrowthAnalysis, ds: Dataset) -> pd.DataFrame:
    """Draw and save the three figures of the report to ``p.output_dir``; return the list of
    files written (one row per figure)."""
    out = []
    for stem, fn in (("growth_fit", fit_figure), ("growth_fan", fan_figure),
                     ("growth_time_to_target", time_to_target_figure)):
        fig, plotted, caption, alt = fn(ga, ds)
        paths = plotting.save(fig, plotting.figure_name(stem, figure_params(ga)), ga.p.output_dir,
                              caption=caption, alt_text=alt, data=plotted if len(plotted) else None)
        out.append({"figure": stem, "png": str(paths["png"])})
    return pd.DataFrame(out)


#: The notebook's headings and explanations (English source; see analysis.reports.narrative).
TEXTS = {
    "title": N_(
        "# Online-rate growth: how fast, how sure, and when the target is reached ({province})\n\n"
        "This report fits a logistic growth curve to the online dossier rates reported for one province and asks "
        "when it reaches the national target (80% of dossiers online by 2025, Decision 942/QĐ-TTg). It gives the "
        "best estimate the data allow with its uncertainty, and refuses what the data cannot support: figures "
        "measured on different scopes cannot be joined into one curve unless the difference between scopes is "
        "estimated from the data or assumed, and labelled as an assumption.\n\n"
        "Model: *logit(share) = intercept + slope × years (+ scope offset)*, a binomial GLM with the dossier "
        "counts as weights (a fractional logit when a figure gives only a rate). Bounds ('more than 44%') are not "
        "fitted; they are checked against the curve afterwards."),
    "load": N_("## Load inputs\n\nEvery table goes through the validating loader; the online-rate figures of the "
               "province are then placed in time (an interval at its midpoint, a cumulative figure at its end date "
               "unless the report's parameters say otherwise)."),
    "chronology": N_("### The figures, in time order\n\nRead this before any curve: the order in which figures "
                     "were reported is not the order of what they measure, and a change of scope can look like a "
                     "fall."),
    "model": N_("## Model\n\nFirst the fit asked for by the parameters (by default every scope, with the scope "
                "offsets estimated from the data, which is refused when the data cannot identify them), then the "
                "sensitivity grid: the same curve under each assumed offset between scopes."),
    "grid_table": N_("One row per fit: the slope, the projected share at the horizon with its confidence interval "
                     "for the mean, the date the target is reached (or why there is none) and the bound checks."),
    "fit_figure": N_("## Figures\n\n### The figures by scope, with the fitted curve and its band"),
    "fan_figure": N_("### The sensitivity fan across assumed scope offsets"),
    "ttt_figure": N_("### When the target is reached, under each assumption"),
    "limits": N_("## What this does not show"),
}


def text(key: str, **values) -> narrative.Markdown:
    """Return the notebook's heading or explanation ``key`` (:data:`TEXTS`) as Markdown in the
    current language. Raises KeyError for an unknown key."""
    return narrative.render(TEXTS, key, **values)


def findings(ga: GrowthAnalysis):
    """Return the :class:`~analysis.reports.findings.Findings` of the growth report, built
    from the results: "estimate" with the target date when the main fit stands; otherwise
    "refused" with the reason in a few words and, when the sensitivity grid gives dates,
    the range of dates under the assumed offsets."""
    from analysis.reports.findings import Findings
    from analysis.reports.growth.sentences import target_dates

    target = i18n.percent(ga.p.target_pct)
    if ga.data is None:
        return Findings(report=STEM, status="refused", headline=_(
            "Refused: {province} has no online dossier rate in the data, so no growth curve is fitted.").format(
            province=ga.province))
    if ga.main is not None:
        t = growth_text_ttt(ga)
        head = (_("Estimate: {province} reaches {target} on {date} (interval {low} to {high}), under: {label}.")
                .format(province=ga.province, target=target, date=i18n.date(t.date, short=True),
                        low=i18n.date(t.low, short=True) if t.low is not None else "?",
                        high=i18n.date(t.high, short=True) if t.high is not None else _("unbounded"),
                        label=growth_words.fit_label(ga.main))
                if t.date is not None else
                _("Estimate: {province}'s fitted curve gives no date for {target}.").format(
                    province=ga.province, target=target))
        return Findings(report=STEM, status="estimate", headline=head)
    n_scopes = ga.data.frame["scope"].nunique()
    if n_scopes == 1:
        return Findings(report=STEM, status="refused", headline=_("Refused: {reason}").format(
            reason=growth_words.refusal(ga.main_refusal, ga.data)))
    head = i18n.ngettext("Refused: the {n} figure is on {k} scope(s), so growth cannot be told apart from the "
                         "difference between scopes.",
                         "Refused: the {n} figures are on {k} scopes, so growth cannot be told apart from the "
                         "difference between scopes.", len(ga.data.frame)).format(n=len(ga.data.frame), k=n_scopes)
    d = target_dates(ga)
    more = []
    if d["dates"]:
        more.append(_("Under assumed offsets {target} is reached between {first} and {last}; the assumption, not "
                      "the data, decides where.").format(target=target, first=i18n.date(min(d["dates"]), short=True),
                                                        last=i18n.date(max(d["dates"]), short=True)))
    return Findings(report=STEM, status="refused", headline=head, sentences=more)


def growth_text_ttt(ga: GrowthAnalysis):
    """Return the main fit's time to target."""
    return ga.main.time_to_target(ga.p.target_pct)
