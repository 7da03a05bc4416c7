"""Figures, tables and text of the province-comparison report
(notebooks/04_province_comparison.ipynb).

Every figure here shows what can be compared side by side and marks everything else NOT
COMPARABLE with its reasons; when no pair of figures is strictly comparable, the figure
says so and shows the closest pairs, never a faked comparison.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pandas as pd

from analysis.models import compare
from analysis.reports import plotting
from analysis.data import Dataset
from analysis.data.observations import format_period
from analysis.reports.params import COMMON, Param

PARAMETERS = {
    "provinces": Param("provinces", "Two or more provinces to compare (any spelling or alias in data/admin_units.csv)."),
    "tolerance_days": Param("int", "Maximum distance in days between two figures' reference dates "
                                   "(interval midpoint or 'as of' date) for the same period.", min=0, max=3660),
    **COMMON,
}

#: How many of the closest not-comparable pairs to draw when nothing is comparable.
CLOSEST_PAIRS = 6

_PROVISION_FULL = {"procedures_full_online": "procedures", "online_services_full_process": "services"}
_PROVISION_PARTIAL = {"procedures_partial_online": "procedures", "online_services_partial": "services"}
_PAYMENT = compare.RELATED_GROUPS["online payment (capability vs use vs agencies passing a threshold)"]


def province_colours(provinces) -> dict[str, str]:
    """Return one palette colour per province, in the order given."""
    return {p: plotting.PALETTE[i % len(plotting.PALETTE)] for i, p in enumerate(provinces)}


def _fmt(v: float) -> str:
    if pd.isna(v):
        return "no data"
    return f"{int(v):,}" if float(v) == int(v) else f"{v:,.4g}"


_BOUND_MARK = {"lower": "> ", "upper": "< ", "approximate": "≈ ", "indeterminate": "? "}


def _label(value, unit, bound, period, scope) -> str:
    u = "%" if unit == "percent" else f" {unit}"
    return f"{_BOUND_MARK.get(bound, '')}{_fmt(value)}{u}\n{period}; {scope}"


# ----------------------------------------------------------------------------- text


def summary_markdown(ds: Dataset, provinces, pairs: pd.DataFrame, tolerance_days: int) -> str:
    """Return Markdown saying how many pairs of figures are comparable and, when none are,
    that the report will not fake a comparison, and what data would make one possible."""
    names = compare.resolve_provinces(ds, provinces)
    n, k = len(pairs), int(pairs["comparable"].sum()) if len(pairs) else 0
    head = (f"**{', '.join(names)}**: {n} pair(s) of figures on the same or a related indicator "
            f"(reported and derived), **{k} comparable** at a period tolerance of {tolerance_days} days.")
    if n == 0:
        return (head + "\n\nThe sources report no indicator, or related definition, for more than one of "
                "these provinces: there is nothing to put side by side. To compare them, the data would "
                "need the same indicator, on the same scope, for the same period, for each province.")
    lines = [head, ""]
    if k:
        comp = pairs[pairs["comparable"]]
        lines.append("Comparable pairs:")
        for _, p in comp.iterrows():
            lines.append(f"- `{p['indicator_a']}`: {p['province_a']} {_fmt(p['value_a'])} ({p['period_a']}) vs "
                         f"{p['province_b']} {_fmt(p['value_b'])} ({p['period_b']}), scope *{p['scope_a']}*.")
    else:
        lines.append("**Nothing in the data is strictly comparable across these provinces.** The figures below "
                     "show the closest pairs, each marked NOT COMPARABLE with its reasons; they are not a "
                     "comparison. A comparison would need the same indicator, on the same scope and definition, "
                     f"for periods no more than {tolerance_days} days apart, from each province.")
    codes = pd.Series([c for cs in pairs["reason_codes"] for c in cs]).value_counts()
    if len(codes):
        lines += ["", "Why pairs are not comparable (number of pairs per reason):", ""]
        lines += [f"- `{c}` ({n_}): {compare.REASONS[c]}" for c, n_ in codes.items()]
    return "\n".join(lines)


def lineage_markdown(ds: Dataset, provinces) -> str:
    """Return Markdown on the administrative lineage of the provinces: which ceased to exist
    (and into what), which absorbed others, and which figures carry a lineage flag."""
    names = compare.resolve_provinces(ds, provinces)
    admin = ds.admin_units.set_index("province")
    lines = []
    for p in names:
        a = admin.loc[p]
        obs = ds.observations[ds.observations["province"] == p]
        last = f"; its figures in the data end {obs['period_end'].max():%d/%m/%Y}" if len(obs) else \
            "; the data hold no figure for it"
        if pd.notna(a["valid_to"]):
            lines.append(f"- **{p}** ceased to exist after {a['valid_to']:%d/%m/%Y} (merged into "
                         f"{a['successor'] or 'no named successor'}){last}. A figure dated later is flagged "
                         "`province_ceased` and is not compared.")
        preds = compare.predecessors(ds, p)
        if preds:
            lines.append(f"- **{p}** absorbed {', '.join(q for q, _ in preds)} after "
                         f"{max(t for _, t in preds):%d/%m/%Y}: its later figures cover a larger territory "
                         "(flag `successor_includes_merged`), and are not compared with the merged provinces "
                         f"or with {p} before (`territory_changed`){last}.")
        local = obs[obs["unit"].isin(compare.LOCAL_UNIT_UNITS) | obs["scope"].isin(compare.LOCAL_UNIT_UNITS)]
        if len(local):
            before = (local["period_end"] < compare.REFORM_DATE).sum()
            after = len(local) - before
            lines.append(f"- **{p}**: {len(local)} figure(s) count local-government units ({before} before and "
                         f"{after} after the 1 Jul 2025 reform). Counts across the reform are flagged "
                         "`locality_reform` (e.g. 20 district-level localities before, 130 communes after in Nghệ An).")
        if not lines or not lines[-1].startswith(f"- **{p}**"):
            lines.append(f"- **{p}**: no change of boundaries recorded in admin_units.csv{last}.")
    return "\n".join(lines)


# ----------------------------------------------------------------------------- pair figures


def _pick_closest(pairs: pd.DataFrame, k: int) -> pd.DataFrame:
    """Return up to ``k`` pairs, one per (kind, indicator pair), fewest reasons first."""
    if pairs.empty:
        return pairs
    key = pairs.apply(lambda p: (p["kind"], *sorted([p["indicator_a"], p["indicator_b"]])), axis=1)
    return pairs.loc[~key.duplicated()].head(k)


def _fit_margins(fig, caption: str, caption_width: int = 130, hspace: float | None = None) -> None:
    """Reset the top and bottom margins of a tall figure in inches, not fractions, so the
    caption drawn by plotting.finish fits without leaving a large blank band."""
    height = fig.get_figheight()
    n_lines = len(textwrap.wrap(caption, caption_width))
    bottom_in = 0.85 + 0.125 * n_lines
    # Below finish()'s subtitle (drawn at 0.915 of the height) with room for an axes title.
    kw = {"bottom": min(0.6, bottom_in / height), "top": min(0.895, 1 - 1.05 / height)}
    if hspace is not None:
        kw["hspace"] = hspace
    fig.subplots_adjust(**kw)


def _dumbbell(ds: Dataset, chosen: pd.DataFrame, colours: dict, title: str, subtitle: str,
              caption_head: str):
    n = max(1, len(chosen))
    fig, axes = plotting.new_figure(n, 1, figsize=(10, 2.1 * n + 3.2), squeeze=False)
    for ax, (_, p) in zip(axes[:, 0], chosen.iterrows()):
        comparable = bool(p["comparable"])
        xa, xb = p["value_a"], p["value_b"]
        same_unit = p["unit_a"] == p["unit_b"]
        ax.plot([xa, xb], [0, 0], color=colours[p["province_a"]] if comparable else "#999999",
                ls="-" if comparable else ":", lw=2, zorder=1)
        for x, prov, unit, bound, period, scope, dy in (
                (xa, p["province_a"], p["unit_a"], p["bound_a"], p["period_a"], p["scope_a"], 1),
                (xb, p["province_b"], p["unit_b"], p["bound_b"], p["period_b"], p["scope_b"], -1)):
            marker = {"lower": ">", "upper": "<"}.get(bound, "o")
            ax.scatter([x], [0], s=90, color=colours[prov], marker=marker, zorder=3, label=prov)
            ax.annotate(f"{prov}: {_label(x, unit, bound, period, scope)}", (x, 0),
                        xytext=(0, 14 * dy), textcoords="offset points", ha="center",
                        va="bottom" if dy > 0 else "top", fontsize=7.5)
        ax.set_yticks([])
        ax.set_ylim(-1.6, 1.6)
        lo, hi = min(xa, xb), max(xa, xb)
        pad = (hi - lo) * 0.35 or abs(hi) * 0.3 or 1.0
        ax.set_xlim(lo - pad, hi + pad)
        ind = p["indicator_a"] if p["indicator_a"] == p["indicator_b"] else f"{p['indicator_a']} vs {p['indicator_b']}"
        kind = " (derived)" if p["kind"] == "derived" else ""
        if comparable:
            ax.set_title(f"{ind}{kind}: comparable", fontsize=9, loc="left", color="#009E73")
        else:
            ax.set_title(f"NOT COMPARABLE — {ind}{kind}: {', '.join(p['reason_codes'])}", fontsize=9,
                         loc="left", color="#D55E00")
        unit_text = (("%" if p["unit_a"] == "percent" else p["unit_a"]) if same_unit
                     else f"{p['unit_a']} ({p['province_a']}) / {p['unit_b']} ({p['province_b']}): different units")
        ax.set_xlabel(f"Value ({unit_text})", fontsize=8)
    srcs = list(chosen["source_a"]) + list(chosen["source_b"])
    srcs = [s for ss in srcs for s in str(ss).split("+")]
    caption = caption_head + " " + ds.citation(srcs)
    plotting.finish(fig, title=title, subtitle=subtitle, caption=caption)
    _fit_margins(fig, caption, hspace=1.25)
    data = chosen.drop(columns=["reasons", "caveats"]).assign(
        reason_codes=chosen["reason_codes"].map(";".join),
        reasons=chosen["reasons"].map(lambda rs: " ".join(r["text"] for r in rs)))
    return fig, data, caption


def pair_figures(ds: Dataset, pairs: pd.DataFrame, provinces, tolerance_days: int) -> list[dict]:
    """Return the pair figures as a list of {name, fig, data, caption, alt}.

    One dumbbell figure per indicator (or derived share) with at least one comparable
    pair; when there is none, one figure of the closest pairs (fewest reasons, then
    nearest periods), each marked NOT COMPARABLE with its reason codes; when there is no
    pair at all, a figure that says so.
    """
    names = compare.resolve_provinces(ds, provinces)
    colours = province_colours(names)
    out = []
    # Index figures have their own figure (reports.compare_index), with the portal's citation.
    pairs = pairs[pairs["kind"] != "index"] if len(pairs) else pairs
    comp = pairs[pairs["comparable"]] if len(pairs) else pairs
    if len(comp):
        for ind, grp in comp.groupby("indicator_a", sort=False):
            title = f"{ind}: figures that can be compared across provinces"
            gaps = ", ".join(f"{d:.0f}" for d in grp["period_distance_days"])
            cap = (f"Comparable pairs of '{ind}': same indicator, scope, definition, unit and bound type, "
                   f"reference dates within the chosen tolerance of {tolerance_days} days (here {gaps} days "
                   "apart). Labels give each figure's period and scope; a difference between two figures "
                   "mixes province and time when their dates differ. Caveats (not blocking): "
                   + ("; ".join(sorted({c['text'] for cs in grp['caveats'] for c in cs})) or "none") + ".")
            fig, data, caption = _dumbbell(ds, grp, colours, title,
                                           f"{len(grp)} comparable pair(s); tolerance {tolerance_days} days", cap)
            alt = "; ".join(f"{p['province_a']} {_fmt(p['value_a'])} ({p['period_a']}) vs {p['province_b']} "
                            f"{_fmt(p['value_b'])} ({p['period_b']})" for _, p in grp.iterrows())
            out.append({"name": plotting.figure_name(f"compare_pair_{ind}", _fig_params(names, tolerance_days)),
                        "fig": fig, "data": data, "caption": caption, "alt": f"Dumbbell chart of {ind}: {alt}."})
        return out
    fig_params = _fig_params(names, tolerance_days)
    if pairs.empty:
        fig, ax = plotting.new_figure()
        msg = (f"No indicator or related definition is reported for more than one of {', '.join(names)}: "
               "there is no pair of figures to compare.")
        plotting.empty_panel(ax, msg)
        caption = msg + " " + ds.citation(ds.observations[ds.observations["province"].isin(names)]["source_id"])
        plotting.finish(fig, title="Nothing to compare", caption=caption)
        return [{"name": plotting.figure_name("compare_pairs_none", fig_params), "fig": fig,
                 "data": pairs, "caption": caption, "alt": msg}]
    chosen = _pick_closest(pairs, CLOSEST_PAIRS)
    cap = ("NOTHING IS STRICTLY COMPARABLE: these are the closest pairs (fewest reasons, nearest periods), "
           "each marked NOT COMPARABLE with its reason codes; the dotted grey line joins figures that must not "
           "be read as a comparison. Codes: " + "; ".join(
               f"{c} = {compare.REASONS[c]}" for c in dict.fromkeys(c for cs in chosen["reason_codes"] for c in cs))
           + " ▶ = lower bound.")
    fig, data, caption = _dumbbell(ds, chosen, colours,
                                   f"No strictly comparable figures: {' vs '.join(names)}",
                                   f"Closest pairs, all NOT COMPARABLE (tolerance {tolerance_days} days)", cap)
    alt = "; ".join(f"NOT COMPARABLE {p['indicator_a']}/{p['indicator_b']}: {p['province_a']} "
                    f"{_fmt(p['value_a'])} vs {p['province_b']} {_fmt(p['value_b'])} "
                    f"({', '.join(p['reason_codes'])})" for _, p in chosen.iterrows())
    return [{"name": plotting.figure_name("compare_closest_pairs", fig_params), "fig": fig, "data": data,
             "caption": caption, "alt": alt}]


def _fig_params(names, tolerance_days) -> dict:
    return {"provinces": "-".join(names), "tol": tolerance_days}


def save_figures(figures: list[dict], output_dir) -> list[Path]:
    """Save every figure of :func:`pair_figures` with plotting.save; return the PNG paths."""
    return [plotting.save(f["fig"], f["name"], output_dir, caption=f["caption"], alt_text=f["alt"],
                          data=f["data"])["png"] for f in figures]


# ----------------------------------------------------------------------------- provision


def provision_table(ds: Dataset, provinces) -> pd.DataFrame:
    """Return one row per (province, scope, date) of online service provision: counts of
    full-process, partial and online-but-split-not-stated services or procedures, the
    procedures published in the national TTHC database, what is counted, obs_ids and
    sources. A province without any such figure gets one row with status 'no data'."""
    names = compare.resolve_provinces(ds, provinces)
    obs = ds.observations[ds.observations["province"].isin(names) & (ds.observations["subunit"] == "")]
    wanted = [*_PROVISION_FULL, *_PROVISION_PARTIAL, "online_services_provided", "procedures_published"]
    obs = obs[obs["indicator"].isin(wanted)]
    rows = []
    for p in names:
        po = obs[obs["province"] == p]
        if po.empty:
            rows.append({"province": p, "status": compare.NO_DATA, "scope": None, "period_end": pd.NaT,
                         "counted": None, "full": float("nan"), "partial": float("nan"),
                         "online_unsplit": float("nan"), "published": float("nan"),
                         "obs_ids": "", "source_id": ""})
            continue
        for (scope, end), g in po.groupby(["scope", "period_end"], sort=True):
            val = {i: float(g.loc[g["indicator"] == i, "value"].iloc[0]) for i in g["indicator"]}
            full = next((val[i] for i in _PROVISION_FULL if i in val), float("nan"))
            partial = next((val[i] for i in _PROVISION_PARTIAL if i in val), float("nan"))
            counted = next((_PROVISION_FULL[i] for i in _PROVISION_FULL if i in val),
                           next((_PROVISION_PARTIAL[i] for i in _PROVISION_PARTIAL if i in val),
                                "services" if "online_services_provided" in val else "procedures"))
            provided = val.get("online_services_provided", float("nan"))
            unsplit = provided if pd.isna(full) and pd.isna(partial) else float("nan")
            rows.append({"province": p, "status": compare.REPORTED, "scope": scope, "period_end": end,
                         "counted": counted, "full": full, "partial": partial, "online_unsplit": unsplit,
                         "published": val.get("procedures_published", float("nan")),
                         "obs_ids": "+".join(g["obs_id"]), "source_id": "+".join(dict.fromkeys(g["source_id"]))})
    return pd.DataFrame(rows)


def provision_figure(ds: Dataset, provinces):
    """Return (fig, data, caption, alt): the composition of online service provision
    (full-process vs partial) per province and date, one bar per scope, with the
    procedures published in the national TTHC database as a tick; 'no data' rows say so."""
    names = compare.resolve_provinces(ds, provinces)
    tab = provision_table(ds, names)
    fig, ax = plotting.new_figure(figsize=(10, 1.1 * len(tab) + 3))
    labels = []
    for y, (_, r) in enumerate(tab.iterrows()):
        if r["status"] == compare.NO_DATA:
            labels.append(f"{r['province']}\n(no data)")
            ax.text(0, y, "  no figure on online service provision in the data (missing, not zero)",
                    va="center", fontsize=8, color="#444444")
            continue
        scope_label = ("national TTHC database / national portal" if r["scope"] == "national_portal"
                       else plotting.SCOPE_LABELS.get(r["scope"], r["scope"]))
        labels.append(f"{r['province']} · as of {r['period_end']:%d/%m/%Y}\n{scope_label}\n(counts {r['counted']})")
        left = 0.0
        for col, colour, name, hatch in (("full", "#009E73", "Full-process (toàn trình)", None),
                                         ("partial", "#E69F00", "Partial (một phần)", None),
                                         ("online_unsplit", "#BBBBBB", "Online, full/partial\nsplit not stated", "//")):
            v = r[col]
            if pd.notna(v):
                ax.barh(y, v, left=left, color=colour, hatch=hatch, edgecolor="white", label=name, height=0.6)
                ax.text(left + v / 2, y, _fmt(v), ha="center", va="center", fontsize=8)
                left += v
        if pd.notna(r["full"]) and pd.notna(r["partial"]):
            share = 100 * r["full"] / (r["full"] + r["partial"])
            ax.text(0, y - 0.34, f" full-process {share:.1f}% of online provision "
                    f"({_fmt(r['full'])} of {_fmt(r['full'] + r['partial'])})", fontsize=7.5, va="bottom")
        if pd.notna(r["published"]):
            ax.plot([r["published"]] * 2, [y - 0.4, y + 0.4], color="black", lw=2,
                    label="Procedures published\n(national TTHC database)")
            ax.text(r["published"], y - 0.42, f" {_fmt(r['published'])} published", fontsize=7.5, va="top")
        if left == 0 and pd.notna(r["published"]):
            ax.text(0, y + 0.25, "  online provision not reported on this scope", fontsize=7.5, color="#444444")
    ax.set_yticks(range(len(tab)), labels, fontsize=7.5)
    ax.set_ylim(len(tab) - 0.4, -0.6)
    ax.set_xlabel("Number of online services or procedures (see each row: what is counted)")
    h, lab = ax.get_legend_handles_labels()
    uniq = dict(zip(lab, h))
    if uniq:
        ax.legend(uniq.values(), uniq.keys(), fontsize=7.5, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.set_xlim(0, max(1.0, tab[["full", "published"]].max().max(), (tab["full"].fillna(0)
                + tab["partial"].fillna(0) + tab["online_unsplit"].fillna(0)).max()) * 1.25)
    fig.subplots_adjust(left=0.25, right=0.74)
    srcs = [s for ss in tab["source_id"] for s in ss.split("+") if s]
    caption = ("Composition of online service provision, per province, date and scope. Bars on the provincial "
               "TTHC information system and on the national TTHC database/portal count different things and "
               "are not one series; some rows count procedures (TTHC), others online services. 'As of' dates "
               "of undated stock figures are set by convention (see each observation's note). Provinces and "
               "years differ: the bars are not a comparison. " + (ds.citation(srcs) if srcs else "Sources: none."))
    alt = "; ".join(f"{r['province']} {r['scope']} {r['period_end']:%m/%Y}: full {_fmt(r['full'])}, partial "
                    f"{_fmt(r['partial'])}, online unsplit {_fmt(r['online_unsplit'])}, published {_fmt(r['published'])}"
                    if r["status"] != compare.NO_DATA else f"{r['province']}: no data" for _, r in tab.iterrows())
    plotting.finish(fig, title="Online service provision: full-process vs partial, by province, date and scope",
                    subtitle="Each bar is one scope on one date; procedures and services are different counts",
                    caption=caption)
    _fit_margins(fig, caption)
    return fig, tab, caption, "Stacked bars of online service provision. " + alt


# ----------------------------------------------------------------------------- payment


def payment_table(ds: Dataset, provinces) -> pd.DataFrame:
    """Return every online-payment figure of the provinces as a percentage with its
    definition: rates as reported; counts of departments with a stated denominator as
    100 × count / denominator (``formula`` recorded). 'no data' row for a province without any."""
    names = compare.resolve_provinces(ds, provinces)
    obs = ds.observations
    meta = ds.indicators.set_index("indicator")
    rows = []
    for p in names:
        po = obs[(obs["province"] == p) & obs["indicator"].isin(_PAYMENT)]
        if po.empty:
            rows.append({"province": p, "status": compare.NO_DATA, "indicator": None, "title": None,
                         "percent": float("nan"), "formula": None, "bound": None, "scope": None,
                         "period": compare.NO_DATA, "obs_id": None, "source_id": None})
            continue
        for _, r in po.iterrows():
            if r["unit"] == "percent":
                pct, formula = float(r["value"]), "as reported"
            elif pd.notna(r["denominator"]):
                pct = 100.0 * float(r["value"]) / float(r["denominator"])
                formula = f"100 × {int(r['value'])} / {int(r['denominator'])} departments"
            else:
                continue
            rows.append({"province": p, "status": compare.REPORTED, "indicator": r["indicator"],
                         "title": meta.loc[r["indicator"], "title"], "percent": pct, "formula": formula,
                         "bound": r["bound"], "scope": r["scope"], "period": format_period(r),
                         "obs_id": r["obs_id"], "source_id": r["source_id"]})
        # The derived coverage (share of all published procedures payable online), formula recorded.
        der = compare.derive_shares(ds, names)
        der = der[(der["province"] == p) & (der["indicator"] == "online_payment_coverage_of_published")
                  & (der["status"] == compare.DERIVED)]
        for _, d in der.iterrows():
            rows.append({"province": p, "status": compare.DERIVED, "indicator": d["indicator"],
                         "title": d["title"] + " (derived)", "percent": float(d["value"]),
                         "formula": d["formula"], "bound": d["bound"], "scope": d["scope"],
                         "period": d["period"], "obs_id": "+".join(d["inputs"]), "source_id": d["source_id"]})
    return pd.DataFrame(rows)


def payment_figure(ds: Dataset, provinces):
    """Return (fig, data, caption, alt): every online-payment figure as a percentage, one row
    per figure, labelled with its definition, scope and period; the rows are different
    definitions and are not compared (the caption says so)."""
    names = compare.resolve_provinces(ds, provinces)
    tab = payment_table(ds, names)
    colours = province_colours(names)
    fig, ax = plotting.new_figure(figsize=(10, 0.75 * len(tab) + 3))
    labels = []
    for y, (_, r) in enumerate(tab.iterrows()):
        if r["status"] == compare.NO_DATA:
            labels.append(f"{r['province']}: no online-payment figure")
            ax.text(1, y, "no data (missing, not zero)", va="center", fontsize=8, color="#444444")
            continue
        labels.append("\n".join(textwrap.wrap(f"{r['province']}: {r['title']}", 48))
                      + f"\n{r['scope']}; {r['period']}")
        ax.scatter([r["percent"]], [y], color=colours[r["province"]], s=70, zorder=3, label=r["province"])
        how = "" if r["formula"] == "as reported" else " (" + "\n".join(textwrap.wrap(r["formula"], 45)) + ")"
        ax.annotate(f"{r['percent']:.1f}%{how}",
                    (r["percent"], y), xytext=(6, 6), textcoords="offset points", fontsize=7.5)
    ax.set_yticks(range(len(tab)), labels, fontsize=7)
    ax.set_ylim(len(tab) - 0.5, -0.7)
    ax.set_xlim(0, 105)
    ax.set_xlabel("Percent (each row has its own definition: procedures, dossiers or departments)")
    h, lab = ax.get_legend_handles_labels()
    uniq = dict(zip(lab, h))
    if uniq:
        ax.legend(uniq.values(), uniq.keys(), fontsize=8, loc="best")
    fig.subplots_adjust(left=0.36)
    srcs = [s for ss in tab["source_id"] if isinstance(ss, str) for s in ss.split("+")]
    caption = ("Online payment: every figure in the data, each with its own definition: the share of fee-bearing "
               "procedures where online payment is enabled (capability), of procedures with at least one online "
               "payment (use), of dossiers paid online, or of departments passing a threshold (65% or 10%). "
               "These are different quantities for different provinces and periods: NOT COMPARABLE across "
               "provinces. Rows marked (derived) are computed from reported figures with the formula shown; a derived row "
               "whose scope joins two scopes with '+' divides figures from both. "
               + (ds.citation(srcs) if srcs else "Sources: none."))
    alt = "; ".join(f"{r['province']} {r['indicator']} {r['percent']:.1f}% ({r['period']})"
                    if r["status"] != compare.NO_DATA else f"{r['province']}: no data" for _, r in tab.iterrows())
    plotting.finish(fig, title="Online payment: what each province reports (different definitions)",
                    subtitle="Rows are different measures; not a comparison", caption=caption)
    _fit_margins(fig, caption)
    return fig, tab, caption, "Dot chart of online-payment figures. " + alt


def derived_table(derived: pd.DataFrame) -> pd.DataFrame:
    """Return the derived shares as a readable table (value, formula, inputs, scope, period),
    'no data' rows naming the missing inputs."""
    out = derived.copy()
    out["value"] = out.apply(lambda r: "no data" if r["status"] == compare.NO_DATA
                             else f"{_BOUND_MARK.get(r['bound'], '')}{r['value']:.4g} {r['unit']}", axis=1)
    out["inputs"] = out.apply(lambda r: "+".join(r["inputs"]) if r["inputs"]
                              else "missing: " + ", ".join(r["missing_inputs"]), axis=1)
    out["caveats"] = out["caveats"].map(lambda cs: " ".join(c["text"] for c in cs))
    return out[["indicator", "province", "value", "formula", "inputs", "scope", "period", "source_id", "caveats"]]


def within_province_table(ds: Dataset, provinces, tolerance_days: int) -> pd.DataFrame:
    """Return the verdicts on pairs of one province's own figures over time: the same
    indicator at two dates, or local-government unit counts across the 2025 reform. One
    row per pair with 'verdict', the two figures and the reasons (empty when comparable)."""
    pairs = compare.pair_verdicts(ds, provinces, tolerance_days, within_province=True)
    same = pairs["province_a"] == pairs["province_b"]
    # Figures about two different procedures or localities of one date are not a change over time.
    only_subunit = pairs["reason_codes"].map(lambda c: c == ["subunit_differs"])
    own = pairs[same & ~only_subunit & ((pairs["indicator_a"] == pairs["indicator_b"])
                                        | pairs["reason_codes"].map(lambda c: "locality_reform" in c))]
    table = compare.not_comparable_table(own.assign(comparable=False))
    table.insert(0, "verdict", ["comparable" if ok else "NOT COMPARABLE" for ok in own["comparable"]])
    return table


def what_this_does_not_show() -> str:
    """Return the Markdown of the report's limits, and what data would answer more."""
    return "\n".join([
        "- A pair marked comparable shares indicator, scope, definition, unit and bound type, and its reference "
        "dates are within the tolerance. It is still two numbers from news articles, without sampling error or "
        "an interval: a difference between them is a description, not an estimate of an effect.",
        "- Nothing here adjusts for province size, population or the mix of procedures; counts of dossiers or "
        "services reflect size as much as uptake.",
        "- 'As of' stock figures whose date a source does not state were dated by convention (see the notes in "
        "data/observations.csv); the period distance uses that date.",
        "- Derived shares divide figures the sources report separately; where their scopes differ (the provincial "
        "system vs the national TTHC database) the result is flagged and is not a measured share.",
        "- What would make the provinces comparable: the same indicator (e.g. the online dossier rate as "
        "published by the National Public Service Portal, or its Decision 766 scoring index) for each province "
        "for the same month or quarter, and figures for Phú Thọ after 1 Jul 2025 split by former province.",
    ])
