"""Tables, figures and text of the data-overview report (notebooks/01_data_overview.ipynb)."""

from __future__ import annotations

import matplotlib.dates as mdates
import pandas as pd

from analysis.reports import plotting
from analysis.data import Dataset
from analysis.reports.params import COMMON, Param
from analysis.data.observations import (  # noqa: F401  (re-exported for the notebooks)
    NATIONAL_TARGET_PCT, ONLINE_RATE, format_period, format_value, online_rate_observations,
    province_observations)
from analysis.data.schema import SCOPES

NATIONAL_TARGET_LABEL = "National target 80% by 2025 (Decision 942/QĐ-TTg)"

PARAMETERS = {
    "province": Param("province", "Province to describe (any spelling in data/admin_units.csv)."),
    **COMMON,
}

def indicator_table(ds: Dataset, province: str) -> pd.DataFrame:
    """Return one row per observation of ``province``: indicator title, scope, subunit,
    period, value (with bound and unit) and source, ordered by indicator then date."""
    obs = province_observations(ds, province)
    meta = ds.indicators.set_index("indicator")
    out = pd.DataFrame({
        "indicator": obs["indicator"].map(meta["title"]),
        "scope": obs["scope"],
        "subunit": obs["subunit"],
        "period": obs.apply(format_period, axis=1),
        "value": obs.apply(format_value, axis=1),
        "source": obs["source_id"],
        "obs_id": obs["obs_id"],
        "_end": obs["period_end"],
    })
    return out.sort_values(["indicator", "_end", "obs_id"]).drop(columns="_end").reset_index(drop=True)


def coverage_summary(ds: Dataset) -> pd.DataFrame:
    """Return, per province and indicator, the number of observations, scopes and date range."""
    obs = ds.observations
    g = obs.groupby(["province", "indicator"], sort=True)
    out = g.agg(n=("obs_id", "size"), scopes=("scope", lambda s: ", ".join(sorted(set(s)))),
                first=("period_end", "min"), last=("period_end", "max"))
    return out.reset_index()


def describe_online_rates(ds: Dataset, province: str) -> str:
    """Return Markdown that lists the province's online-rate figures in time order and
    says plainly when they are on different scopes, or that there are none."""
    name = ds.canonical_province(province)
    rates = online_rate_observations(ds, name)
    if rates.empty:
        others = province_observations(ds, name)
        cov = others[others["indicator"].str.contains("online")]["indicator"].unique()
        extra = (" The data hold related but different indicators: "
                 + ", ".join(f"`{c}`" for c in cov) + "." if len(cov) else "")
        return (f"**No online-dossier-rate figure for {name} in the data.**{extra} "
                "To answer how fast its online share grows, the data would need the number of "
                "dossiers submitted online and in total, per month or quarter, on one scope.")
    lines = [f"**{len(rates)} online-dossier-rate figure(s) for {name}, in time order:**", ""]
    for _, r in rates.iterrows():
        lines.append(f"- {format_period(r)}: {format_value(r)}, scope *{r['scope']}* "
                     f"({SCOPES[r['scope']]}) [{r['source_id']}]")
    scopes = rates["scope"].unique()
    if len(scopes) > 1:
        lines += ["", f"These figures come from {len(scopes)} different scopes "
                  f"({', '.join(scopes)}). A rise or fall between them mixes change over time "
                  "with a change of who is counted; they are drawn unjoined below."]
    if (rates["bound"] != "exact").any():
        lines += ["", "Bounds ('more than', 'less than') are drawn as arrows, not as points."]
    return "\n".join(lines)


def timeline_figure(ds: Dataset, province: str):
    """Return (fig, plotted_data, caption, alt_text) for the online-rate timeline.

    Each figure is drawn at its reporting period (a bar from start to end, or a point
    with a dashed lead-in for an 'as of' figure whose start is not stated), coloured by
    scope, never joined by a line; lower bounds are arrows pointing up. A province
    without online-rate data gets a figure that says so instead of an empty chart.
    """
    name = ds.canonical_province(province)
    rates = online_rate_observations(ds, name)
    fig, ax = plotting.new_figure()
    title = f"{name}: every reported online dossier rate, by measurement scope"
    if rates.empty:
        plotting.empty_panel(ax, describe_online_rates(ds, name).replace("**", "").replace("`", ""))
        srcs = province_observations(ds, name)["source_id"].tolist()
        caption = ("The seeds report no share of dossiers submitted online for this province. "
                   + ds.citation(srcs))
        plotting.finish(fig, title=title, caption=caption,
                        subtitle="No online-dossier-rate observation in the data")
        return fig, rates, caption, f"{name}: no online dossier rate is reported in the sources."
    for _, r in rates.iterrows():
        colour = plotting.SCOPE_COLOURS[r["scope"]]
        end = r["period_end"]
        start = r["period_start"]
        if pd.notna(start):
            ax.plot([start, end], [r["value"]] * 2, color=colour, lw=5, alpha=0.55, solid_capstyle="butt")
        else:
            lead = end - pd.Timedelta(days=120)
            ax.plot([lead, end], [r["value"]] * 2, color=colour, lw=2, ls=":", alpha=0.8)
            ax.annotate("start not stated", (lead, r["value"]), xytext=(0, -12),
                        textcoords="offset points", fontsize=7, color=colour)
        marker = "^" if r["bound"] == "lower" else ("v" if r["bound"] == "upper" else "o")
        ax.scatter([end], [r["value"]], color=colour, marker=marker, s=80, zorder=3,
                   label=plotting.SCOPE_LABELS[r["scope"]])
        if r["bound"] in ("lower", "upper"):
            dy = 9 if r["bound"] == "lower" else -9
            ax.annotate("", xy=(end, r["value"] + dy), xytext=(end, r["value"]),
                        arrowprops=dict(arrowstyle="->", color=colour, lw=1.5))
        ax.annotate(f"{format_value(r)}\n{format_period(r)}", (end, r["value"]),
                    xytext=(8, 4), textcoords="offset points", fontsize=8)
    ax.axhline(NATIONAL_TARGET_PCT, color="#666666", ls="--", lw=1)
    ax.text(ax.get_xlim()[0], NATIONAL_TARGET_PCT + 1.5, NATIONAL_TARGET_LABEL, fontsize=8, color="#444444")
    ax.set_ylim(0, 100)
    lo, hi = ax.get_xlim()
    ax.set_xlim(lo, hi + 0.22 * (hi - lo))  # room for the labels of the latest figure
    ax.set_ylabel("Dossiers submitted online (%)")
    ax.set_xlabel("Reporting period (bar: start to end; point: end)")
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%m/%Y"))
    handles, labels = ax.get_legend_handles_labels()
    uniq = dict(zip(labels, handles))
    ax.legend(uniq.values(), uniq.keys(), loc="lower right", fontsize=8, title="Scope (who is counted)")
    caption = (
        "Online dossier rate: share of administrative-procedure dossiers submitted online. "
        "Each colour is a different scope, so the points are not one time series and are not "
        "joined: a fall from one point to the next can be a change of who is counted rather than "
        "of behaviour. ▲ = lower bound ('hơn': more than). Dotted lead-in = 'as of' figure whose "
        "start date the source does not state. Dashed line: national target (Decision 942/QĐ-TTg, "
        "per project domain notes). " + ds.citation(rates["source_id"])
    )
    alt = (f"Timeline of {len(rates)} online dossier rates reported for {name}: "
           + "; ".join(f"{format_value(r)} ({r['scope']}, {format_period(r)})" for _, r in rates.iterrows())
           + ". Points are on different scopes and are not joined.")
    data = rates[["obs_id", "province", "scope", "period_type", "period_start", "period_end",
                  "value", "unit", "bound", "numerator", "denominator", "source_id"]]
    plotting.finish(fig, title=title, caption=caption,
                    subtitle="Different colours = different scopes: not one series, not joined")
    return fig, data, caption, alt


def coverage_figure(ds: Dataset, province: str):
    """Return (fig, plotted_data, caption, alt_text): every observation of ``province``
    as a dot at its period end, one row per indicator, coloured by scope."""
    name = ds.canonical_province(province)
    obs = province_observations(ds, name)
    meta = ds.indicators.set_index("indicator")
    obs["title"] = obs["indicator"].map(meta["title"])
    order = obs.sort_values("title")["title"].unique().tolist()
    height = max(4.5, 0.22 * len(order) + 2.5)
    fig, ax = plotting.new_figure(figsize=(10, height))
    ypos = {t: i for i, t in enumerate(order)}
    for scope, grp in obs.groupby("scope"):
        ax.scatter(grp["period_end"], grp["title"].map(ypos), color=plotting.SCOPE_COLOURS[scope],
                   s=30, label=plotting.SCOPE_LABELS[scope], alpha=0.85)
    ax.set_yticks(range(len(order)), order, fontsize=7)
    ax.set_ylim(-1, len(order))
    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 7)))
    pad = pd.Timedelta(days=60)
    ax.set_xlim(obs["period_end"].min() - pad, obs["period_end"].max() + pad)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%m/%Y"))
    ax.tick_params(axis="x", labelrotation=30)
    ax.set_xlabel("End of reporting period")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0), title="Scope")
    caption = (f"What the sources say about {name}: {len(obs)} figures on {len(order)} indicators "
               "(one dot per figure, at the end of its period). Gaps are periods with no report, "
               "not zero values. " + ds.citation(obs["source_id"]))
    alt = f"Evidence map for {name}: {len(obs)} figures on {len(order)} indicators between " \
          f"{obs['period_end'].min():%m/%Y} and {obs['period_end'].max():%m/%Y}."
    plotting.finish(fig, title=f"{name}: which indicators the sources report, and when",
                    caption=caption, caption_width=150)
    fig.subplots_adjust(left=0.38, right=0.72)
    data = obs[["obs_id", "indicator", "title", "scope", "period_end", "value", "unit", "source_id"]]
    return fig, data, caption, alt
