"""Tables, figures and text of the data-overview report (notebooks/01_data_overview.ipynb).

Everything the reader sees is in the language set by the notebook's ``lang`` parameter
(:mod:`analysis.i18n`); codes (scope and indicator ids, source ids) stay as in the data.
"""

from __future__ import annotations

import matplotlib.dates as mdates
import pandas as pd

from analysis import i18n
from analysis.i18n import N_, _
from analysis.reports import narrative, plotting, wording
from analysis.data import Dataset
from analysis.reports.params import COMMON, Param
from analysis.data.observations import (  # noqa: F401  (re-exported for the notebooks)
    NATIONAL_TARGET_PCT, ONLINE_RATE, online_rate_observations, province_observations)
from analysis.reports.wording import format_period, format_value  # noqa: F401  (re-exported)

STEM = "01_data_overview"

NATIONAL_TARGET_LABEL = N_("National target {target} by 2025 (Decision 942/QĐ-TTg)")

PARAMETERS = {
    "province": Param("province", "Province to describe (any spelling in data/admin_units.csv)."),
    **COMMON,
}

#: The notebook's headings and explanations (English source; see analysis.reports.narrative).
TEXTS = {
    "title": N_(
        "# Data overview: what the sources report for {province}\n\n"
        "This report lists every figure the curated sources give for the chosen province, and draws every "
        "reported online dossier rate at its own period and scope. It is the first thing to read before any "
        "model: it shows what the evidence is, and how little of it is one series."),
    "load": N_("## Load inputs\n\nEvery table goes through the validating loader: a bad row stops the run with "
               "file, row, column and reason. The table below counts the figures per province and indicator."),
    "figures_table": N_("## The figures reported for this province\n\nOne row per figure, with its period, scope "
                        "(who is counted), value (with '>' for a lower bound) and source id (a key to "
                        "the project's list of sources)."),
    "coverage": N_("## Figures\n\n### Where the evidence sits in time"),
    "timeline": N_("### Online dossier rate: every figure at its own scope"),
    "limits": N_(
        "## What this does not show\n\n"
        "- The online-rate figures are on different scopes (province-wide, the provincial centre only, the "
        "national portal's figure) and periods (a month, nine months, a cumulative figure with no stated start). "
        "They are not a time series; the growth report (“Online-rate growth”) models them only under stated "
        "assumptions.\n"
        "- Counts of agencies passing a threshold (\"4 of 13 departments above 80%\") say nothing about the "
        "province's overall rate.\n"
        "- A missing figure is missing, not zero: the sources are news articles, not a complete statistical "
        "series.\n"
        "- What would answer more: monthly counts of dossiers submitted online and in total, on one scope, from "
        "the provincial TTHC information system or the National Public Service Portal."),
}


def text(key: str, **values) -> narrative.Markdown:
    """Return the notebook's heading or explanation ``key`` (see :data:`TEXTS`) as Markdown in
    the current language. Raises KeyError for an unknown key."""
    return narrative.render(TEXTS, key, **values)


def indicator_table(ds: Dataset, province: str) -> pd.DataFrame:
    """Return one row per observation of ``province``: indicator title, scope, subunit,
    period, value (with bound and unit) and source, ordered by indicator then date; titles,
    labels and column headers in the current language."""
    obs = province_observations(ds, province)
    meta = ds.indicators.set_index("indicator")
    out = pd.DataFrame({
        "indicator": obs["indicator"].map(meta["title"]).map(wording.indicator_title),
        "scope": obs["scope"].map(plotting.scope_label),
        "subunit": obs["subunit"],
        # a list, not DataFrame.apply: on a province with no figure apply returns a frame
        "period": pd.Series([format_period(r) for _i, r in obs.iterrows()], index=obs.index, dtype=object),
        "value": pd.Series([format_value(r) for _i, r in obs.iterrows()], index=obs.index, dtype=object),
        "source": pd.Series([wording.source_key(ds, s) for s in obs["source_id"]], index=obs.index, dtype=object),
        "obs_id": obs["obs_id"],
        "_end": obs["period_end"],
    })
    out = out.sort_values(["indicator", "_end", "obs_id"]).drop(columns="_end").reset_index(drop=True)
    return out.rename(columns=table_headers())


def table_headers() -> dict[str, str]:
    """Return the column headers of the overview tables in the current language."""
    return {"indicator": _("indicator"), "scope": _("scope"), "subunit": _("subunit"), "period": _("period"),
            "value": _("value"), "source": _("source"), "obs_id": "obs_id", "province": _("province"),
            "n": _("reported figures"), "scopes": _("scopes"), "first": _("first period end"),
            "last": _("last period end")}


def coverage_summary(ds: Dataset) -> pd.DataFrame:
    """Return, per province and indicator, the number of observations (``n``), scopes and
    date range (``first``, ``last`` as Timestamps); codes as in the data."""
    obs = ds.observations
    g = obs.groupby(["province", "indicator"], sort=True)
    out = g.agg(n=("obs_id", "size"), scopes=("scope", lambda s: ", ".join(sorted(set(s)))),
                first=("period_end", "min"), last=("period_end", "max"))
    return out.reset_index()


def coverage_table(ds: Dataset) -> pd.DataFrame:
    """Return :func:`coverage_summary` for the reader: indicator titles, scope names, headers
    and dates in the current language."""
    out = coverage_summary(ds)
    titles = ds.indicators.set_index("indicator")["title"]
    out["indicator"] = out["indicator"].map(lambda code: wording.indicator_title(titles.get(code, code)))
    out["scopes"] = out["scopes"].map(lambda codes: ", ".join(plotting.scope_short(c) for c in codes.split(", ")))
    for col in ("first", "last"):
        out[col] = out[col].map(i18n.date)
    return out.rename(columns=table_headers())


def describe_online_rates(ds: Dataset, province: str) -> str:
    """Return Markdown that lists the province's online-rate figures in time order and
    says plainly when they are on different scopes, or that there are none."""
    name = ds.canonical_province(province)
    rates = online_rate_observations(ds, name)
    if rates.empty:
        others = province_observations(ds, name)
        cov = others[others["indicator"].str.contains("online")]["indicator"].unique()
        extra = (" " + _("The data hold related but different indicators: {codes}.").format(
            codes="; ".join(wording.indicator_words(ds, c) for c in cov)) if len(cov) else "")
        return (_("**No online-dossier-rate figure for {province} in the data.**").format(province=name) + extra
                + " " + _("To answer how fast its online share grows, the data would need the number of dossiers "
                          "submitted online and in total, per month or quarter, on one scope."))
    lines = [i18n.ngettext("**{n} online-dossier-rate figure for {province}, in time order:**",
                           "**{n} online-dossier-rate figures for {province}, in time order:**",
                           len(rates)).format(n=len(rates), province=name), ""]
    for _i, r in rates.iterrows():
        lines.append(f"- {format_period(r)}: {format_value(r)}, *{plotting.scope_label(r['scope'])}* "
                     f"{wording.source_key(ds, r['source_id'])}")
    scopes = rates["scope"].unique()
    if len(scopes) > 1:
        lines += ["", _("These figures come from {n} different scopes ({scopes}). A rise or fall between them "
                        "mixes change over time with a change of who is counted; they are drawn unjoined "
                        "below.").format(n=len(scopes), scopes="; ".join(plotting.scope_label(s) for s in scopes))]
    if (rates["bound"] != "exact").any():
        lines += ["", _("Bounds ('more than', 'less than') are drawn as arrows, not as points.")]
    return "\n".join(lines)


def _no_rates_figure(ds: Dataset, name: str, title: str, rates: pd.DataFrame):
    fig, ax = plotting.new_figure()
    plotting.empty_panel(ax, describe_online_rates(ds, name).replace("**", "").replace("`", ""))
    srcs = province_observations(ds, name)["source_id"].tolist()
    caption = (_("The seeds report no share of dossiers submitted online for this province.") + " "
               + wording.citation(ds, srcs))
    plotting.finish(fig, title=title, caption=caption,
                    subtitle=_("No online-dossier-rate observation in the data"))
    return fig, rates, caption, _("{province}: no online dossier rate is reported in the sources.").format(
        province=name)


def _draw_rate(ax, r) -> None:
    """Draw one online-rate figure: its period bar (or dotted lead-in), marker, bound arrow and label."""
    colour = plotting.SCOPE_COLOURS[r["scope"]]
    end, start = r["period_end"], r["period_start"]
    if pd.notna(start):
        ax.plot([start, end], [r["value"]] * 2, color=colour, lw=5, alpha=0.55, solid_capstyle="butt")
    else:
        lead = end - pd.Timedelta(days=120)
        ax.plot([lead, end], [r["value"]] * 2, color=colour, lw=2, ls=":", alpha=0.8)
        # Above the dotted lead-in: the figure's own label may sit below its point (see below).
        ax.annotate(_("start not stated"), (lead, r["value"]), xytext=(0, 5),
                    textcoords="offset points", fontsize=7, color=colour)
    marker = "^" if r["bound"] == "lower" else ("v" if r["bound"] == "upper" else "o")
    ax.scatter([end], [r["value"]], color=colour, marker=marker, s=80, zorder=3,
               label=plotting.scope_label(r["scope"]))
    if r["bound"] in ("lower", "upper"):
        dy = 9 if r["bound"] == "lower" else -9
        ax.annotate("", xy=(end, r["value"] + dy), xytext=(end, r["value"]),
                    arrowprops=dict(arrowstyle="->", color=colour, lw=1.5))
    # A label whose value sits near the target line goes below the point, so it never
    # lies on the dashed line (72.35% next to 80% did).
    below = 0 < NATIONAL_TARGET_PCT - r["value"] < 12
    plotting.data_label(ax, f"{format_value(r)}\n{format_period(r)}", (end, r["value"]),
                        xytext=(8, -26 if below else 4), textcoords="offset points")


def _no_observations_figure(ds: Dataset, name: str):
    """Return the coverage figure of a unit the sources say nothing about: a panel that says so."""
    fig, ax = plotting.new_figure()
    msg = _("The data holds no figure for {province}: the sources collected so far do not report on it. "
            "This is missing evidence, not a zero.").format(province=name)
    plotting.empty_panel(ax, msg)
    caption = _("Sources checked: every source in the data ({n} sources).").format(n=len(ds.sources))
    plotting.finish(fig, title=_("{province}: which indicators the sources report, and when").format(province=name),
                    subtitle=_("No figure in the data"), caption=caption)
    return fig, province_observations(ds, name), caption, msg


def timeline_figure(ds: Dataset, province: str):
    """Return (fig, plotted_data, caption, alt_text) for the online-rate timeline.

    Each figure is drawn at its reporting period (a bar from start to end, or a point
    with a dashed lead-in for an 'as of' figure whose start is not stated), coloured by
    scope, never joined by a line; lower bounds are arrows pointing up. A province
    without online-rate data gets a figure that says so instead of an empty chart.
    """
    name = ds.canonical_province(province)
    rates = online_rate_observations(ds, name)
    title = _("{province}: every reported online dossier rate, by measurement scope").format(province=name)
    if rates.empty:
        return _no_rates_figure(ds, name, title, rates)
    fig, ax = plotting.new_figure()
    for _i, r in rates.iterrows():
        _draw_rate(ax, r)
    ax.axhline(NATIONAL_TARGET_PCT, color="#666666", ls="--", lw=1)
    ax.text(ax.get_xlim()[0], NATIONAL_TARGET_PCT + 1.5,
            _(NATIONAL_TARGET_LABEL).format(target=i18n.percent(NATIONAL_TARGET_PCT)), fontsize=8, color="#444444")
    ax.set_ylim(0, 100)
    lo, hi = ax.get_xlim()
    ax.set_xlim(lo, hi + 0.22 * (hi - lo))  # room for the labels of the latest figure
    ax.set_ylabel(_("Dossiers submitted online (%)"))
    ax.set_xlabel(_("Reporting period (bar: start to end; point: end)"))
    plotting.date_axis(ax.xaxis)
    handles, labels = ax.get_legend_handles_labels()
    uniq = dict(zip(labels, handles))
    ax.legend(uniq.values(), uniq.keys(), loc="lower right", fontsize=8, title=_("Scope (who is counted)"))
    caption = (_("Online dossier rate: share of administrative-procedure dossiers submitted online. Each colour is "
                 "a different scope, so the points are not one time series and are not joined: a fall from one "
                 "point to the next can be a change of who is counted rather than of behaviour. ▲ = lower bound "
                 "('hơn': more than). Dotted lead-in = cumulative figure whose start date the source does not "
                 "state. Dashed line: national target (Decision 942/QĐ-TTg).")
               + " " + wording.citation(ds, rates["source_id"]))
    alt = (_("Timeline of {n} online dossier rates reported for {province}: {items}. Points are on different "
             "scopes and are not joined.").format(
        n=len(rates), province=name,
        items="; ".join(f"{format_value(r)} ({plotting.scope_label(r['scope'])}, {format_period(r)})"
                        for _i, r in rates.iterrows())))
    data = rates[["obs_id", "province", "scope", "period_type", "period_start", "period_end",
                  "value", "unit", "bound", "numerator", "denominator", "source_id"]]
    plotting.finish(fig, title=title, caption=caption,
                    subtitle=_("Different colours = different scopes: not one series, not joined"))
    return fig, data, caption, alt


def coverage_figure(ds: Dataset, province: str):
    """Return (fig, plotted_data, caption, alt_text): every observation of ``province``
    as a dot at its period end, one row per indicator, coloured by scope."""
    name = ds.canonical_province(province)
    obs = province_observations(ds, name)
    if obs.empty:
        return _no_observations_figure(ds, name)
    meta = ds.indicators.set_index("indicator")
    obs["title"] = obs["indicator"].map(meta["title"]).map(wording.indicator_title)
    order = obs.sort_values("title")["title"].unique().tolist()
    height = max(4.5, 0.22 * len(order) + 2.5)
    fig, ax = plotting.new_figure(figsize=(10, height))
    ypos = {t: i for i, t in enumerate(order)}
    for scope, grp in obs.groupby("scope"):
        ax.scatter(grp["period_end"], grp["title"].map(ypos), color=plotting.SCOPE_COLOURS[scope],
                   s=30, label=plotting.scope_label(scope), alpha=0.85)
    ax.set_yticks(range(len(order)), order, fontsize=7)
    ax.set_ylim(-1, len(order))
    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 7)))
    pad = pd.Timedelta(days=60)
    ax.set_xlim(obs["period_end"].min() - pad, obs["period_end"].max() + pad)
    plotting.date_axis(ax.xaxis)
    ax.tick_params(axis="x", labelrotation=30)
    ax.set_xlabel(_("End of reporting period"))
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0), title=_("Scope"))
    caption = (_("What the sources say about {province}: {n} figures on {k} indicators (one dot per figure, at the "
                 "end of its period). Gaps are periods with no report, not zero values.").format(
        province=name, n=len(obs), k=len(order)) + " " + wording.citation(ds, obs["source_id"]))
    alt = _("Evidence map for {province}: {n} figures on {k} indicators between {first} and {last}.").format(
        province=name, n=len(obs), k=len(order), first=i18n.date(obs["period_end"].min(), short=True),
        last=i18n.date(obs["period_end"].max(), short=True))
    plotting.finish(fig, title=_("{province}: which indicators the sources report, and when").format(province=name),
                    caption=caption, caption_width=150)
    data = obs[["obs_id", "indicator", "title", "scope", "period_end", "value", "unit", "source_id"]]
    return fig, data, caption, alt


def findings(ds: Dataset, province: str):
    """Return the :class:`~analysis.reports.findings.Findings` of the overview for
    ``province`` (status "descriptive"), generated from its online-rate figures: how many
    there are, on how many scopes, and the latest one."""
    from analysis.reports.findings import Findings

    name = ds.canonical_province(province)
    rates = online_rate_observations(ds, name)
    n_all = len(province_observations(ds, name))
    if rates.empty:
        return Findings(report=STEM, status="descriptive", headline=_(
            "{province}: {n} figures in the sources, none of them an online dossier rate; nothing can be said "
            "about the trend of online submission.").format(province=name, n=n_all))
    scopes = rates["scope"].nunique()
    last = rates.iloc[-1]
    headline = i18n.ngettext(
        "{province}: {n} online dossier rate in the sources, on {k} scope(s): not one time series.",
        "{province}: {n} online dossier rates in the sources, on {k} scope(s): not one time series.",
        len(rates)).format(province=name, n=len(rates), k=scopes) if scopes > 1 else i18n.ngettext(
        "{province}: {n} online dossier rate in the sources, all on one scope.",
        "{province}: {n} online dossier rates in the sources, all on one scope.",
        len(rates)).format(province=name, n=len(rates))
    latest = _("The latest is {value} ({scope}, {period}).").format(
        value=format_value(last), scope=plotting.scope_label(last["scope"]), period=format_period(last))
    return Findings(report=STEM, status="descriptive", headline=headline, sentences=[latest])
