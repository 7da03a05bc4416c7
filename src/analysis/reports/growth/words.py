"""The growth model's own words, rebuilt in the reader's language from its structured fields.

``analysis.models.growth`` writes its labels, assumptions and refusals in English with the
data's codes (they are data for logs and JSON). The report never shows those strings: it
rebuilds each one here from the fit's fields (scope mode, offsets, scale, counts) or, for a
refusal, from the kind of refusal and the figures, in the current language, naming scopes
and options in words.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from analysis import i18n
from analysis.i18n import _
from analysis.models import growth
from analysis.reports import plotting
from analysis.reports.wording import figure_ref

_BOUND_CHECK = re.compile(r"^not checked: no offset relates (\w+) to (\w+)")


def _english() -> bool:
    return i18n.get_language() == "en"


def scope_name(scope: str) -> str:
    """Return a scope as the reader sees it: its label in the current language (never the code)."""
    return plotting.scope_label(scope)


def fit_label(fit: growth.GrowthFit) -> str:
    """Return the assumption a curve rests on, in words in the current language (the model's
    ``label``, which names scopes by their codes, stays in the data files)."""
    if fit.scope_mode == "single_scope":
        return _("{scope} figures only").format(scope=scope_name(fit.reference_scope))
    parts = [_("{scope} {offset} logit").format(scope=scope_name(s), offset=i18n.number(d, 2))
             for s, d in fit.assumed_offsets.items()]
    parts += [_("{scope} offset estimated").format(scope=scope_name(s)) for s in fit.estimated_scopes]
    return _("vs {scope}: {offsets}").format(scope=scope_name(fit.reference_scope), offsets=", ".join(parts))


def cell_label(cell) -> str:
    """Return the label of a sensitivity-grid cell in words: its fit's label, or its assumed
    offsets when the fit was refused."""
    if cell.fit is not None:
        return fit_label(cell.fit)
    return ", ".join(_("{scope} {offset} logit").format(scope=plotting.scope_short(s), offset=i18n.number(d, 2))
                     for s, d in cell.offsets.items()) or _("no offset")


def legend_label(fit: growth.GrowthFit) -> str:
    """Return a short label of a grid curve for a legend: the assumed offsets only, scopes by
    their short names (the subtitle names the reference scope)."""
    if not fit.assumed_offsets:
        return fit_label(fit)
    return ", ".join(_("{scope} {offset} logit").format(scope=plotting.scope_short(s), offset=i18n.number(d, 2))
                     for s, d in fit.assumed_offsets.items())


def scale_method(fit: growth.GrowthFit) -> str:
    """Return how the scale was set, in words a reader of statistics reports knows (no
    statsmodels names such as ``df_resid``), in the current language."""
    return (_("estimated from the Pearson chi-square divided by the residual degrees of freedom, "
              "quasi-binomial") if fit.scale_method.startswith("pearson")
            else _("fixed at 1, binomial sampling only"))


def family(fit: growth.GrowthFit) -> str:
    """Return the model family in words, in the current language."""
    if fit.family == "binomial":
        return _("binomial GLM with logit link, weighted by the dossier counts")
    return _("fractional logit")


def assumptions(data: growth.GrowthData) -> list[str]:
    """Return the placement assumptions of the figures (the model's ``assumptions``)."""
    if _english():
        return list(data.assumptions)
    out = [_("An interval figure is placed at the midpoint of its period.")]
    if (data.frame["period_type"] == "as_of").any():
        out.append(_("A cumulative figure whose start is not stated is placed at its end date.")
                   if data.as_of_placement == "end" else
                   _("A cumulative figure whose start is not stated is placed halfway between 1 January of its "
                     "year and its end date (a year-to-date count is assumed)."))
    return out


def no_data(province: str, message: str) -> str:
    """Return why nothing is modelled for ``province``, in the current language. The model's
    ``message`` (for the command line: it names the data file and indicator code) is not shown
    to a report's reader."""
    return _("no online-dossier-rate figure for {province} in the data, so there is nothing to fit. A growth curve "
             "needs at least two exact figures on one scope at different dates (better: monthly counts of dossiers "
             "submitted online and in total, on one scope).").format(province=province)


def refusal(message: str, data: growth.GrowthData | None) -> str:
    """Return a refusal of the growth model in the current language.

    The reason is rebuilt in both languages from the kind of refusal (recognised by the
    model's wording) and the figures: how many exact figures each scope has, and the
    alternatives (one scope, assumed offsets, more data); the model's own message, which
    names design columns, stays in the logs and JSON. Without data the message is returned."""
    if data is None:
        return message
    frame = data.frame
    exact = frame[frame["bound"].isin(("exact", "approximate"))]
    counts = "; ".join(_("{scope}: {n} exact figure(s)").format(scope=plotting.scope_label(s),
                                                                n=int((exact["scope"] == s).sum()))
                       for s in dict.fromkeys(frame["scope"]))
    if "slope is not identified" in message:
        why = _("the exact figures do not span two dates, so the slope is not identified")
    elif "has rank" in message:
        why = _("growth over time cannot be separated from the difference between scopes")
    elif "no residual" in message:
        why = _("there are no more figures than parameters, so nothing is left to measure the uncertainty")
    elif "no exact online-rate figure" in message:
        why = _("bounds alone cannot place a curve")
    else:
        why = _("the data cannot identify the model")
    return _("the figures ({counts}) cannot carry one growth curve: {why}. What would work instead: a fit on one "
             "scope with two or more exact figures at different dates; a sensitivity analysis under assumed "
             "offsets between scopes (the sensitivity fan); or more data on one scope.").format(counts=counts, why=why)


def no_date_reason(fit: growth.GrowthFit, target: float, reason: str) -> str:
    """Return why a curve gives no date for ``target``, in the current language."""
    if float(fit.params.iloc[1]) <= 0:
        return _("the fitted slope is not positive: the fitted share does not rise, so the curve never reaches "
                 "{target}").format(target=i18n.percent(target))
    return _("target already passed: the fitted curve crosses {target} on or before the latest fitted "
             "figure").format(target=i18n.percent(target))


def bound_status(status: str) -> str:
    """Return the outcome of a bound check in the current language (scopes by name)."""
    m = _BOUND_CHECK.match(status)
    if m:
        return _("not checked: no offset relates {scope} to {reference}").format(
            scope=plotting.scope_label(m.group(1)), reference=plotting.scope_label(m.group(2)))
    if status.startswith("consistent"):
        return _("consistent with the curve")
    if status.startswith("inconsistent") or status.startswith("violated"):
        return _("inconsistent with the curve")
    return status


def _figure_warnings(fit: growth.GrowthFit) -> list[str]:
    """Return, in words, what placing and using each figure assumed: 'as of' figures without a
    start, approximate figures, bounds kept out of the fit and how each bound compares. Each
    figure is named by its value and period (wording.figure_ref)."""
    out = []
    frame = fit.points if "period_type" in fit.points else None
    if frame is not None:
        for _i, r in frame[frame["period_type"] == "as_of"].iterrows():
            out.append(_("The figure {obs} is cumulative and its start is not stated: placed at {date} (an "
                         "assumption; if it counts from the start of the year, its effective date is months "
                         "earlier).").format(obs=figure_ref(r), date=i18n.date(pd.Timestamp(r["date"]))))
        for _i, r in frame[frame["bound"] == "approximate"].iterrows():
            out.append(_("The figure {obs} is approximate: treated as a point.").format(obs=figure_ref(r)))
    rows = fit.bounds.set_index("obs_id") if "obs_id" in fit.bounds else None
    for _i, b in fit.bound_checks().iterrows():
        out.append(_("The figure {obs} ({scope}) is a bound: kept out of the fit; {status}.").format(
            obs=figure_ref(rows.loc[b["obs_id"]]) if rows is not None else i18n.percent(b["value_pct"]),
            scope=plotting.scope_label(b["scope"]), status=bound_status(str(b["status"]))))
    return out


def warnings(fit: growth.GrowthFit) -> list[str]:
    """Return the fit's warnings in the current language, rebuilt from the fit's fields (no
    scale estimate, mixed scopes, assumed offsets, placed and bound figures) so that scopes
    and options are named in words; the model's own English, with codes, stays in its JSON."""
    out = _figure_warnings(fit)
    if fit.df_resid < 1:
        w = fit.points["denominator"].astype(float).to_numpy()
        out.append(_("No residual degrees of freedom: the curve passes exactly through the {n} fitted figures, so "
                     "there is no scale estimate. The scale is fixed at 1 (binomial sampling only): with {low} to "
                     "{high} dossiers per figure the intervals ignore extra-binomial variation (differences between "
                     "reports, periods and definitions), which is certainly far larger. Read them as a lower limit "
                     "on the uncertainty; no prediction interval is given.").format(
            n=len(fit.points), low=i18n.integer(np.nanmin(w)), high=i18n.integer(np.nanmax(w))))
    elif not fit.scale_method.startswith("pearson"):
        out.append(_("Scale fixed at 1 by request (binomial sampling only): the intervals ignore extra-binomial "
                     "variation."))
    elif fit.df_resid < 5:
        out.append(_("Only {n} residual degree(s) of freedom: the scale estimate is very uncertain (intervals use "
                     "Student t with that many degrees of freedom).").format(n=i18n.integer(fit.df_resid)))
    if fit.points["scope"].nunique() > 1:
        out.append(_("The fit mixes {n} scopes; the curve is that of {scope}.").format(
            n=fit.points["scope"].nunique(), scope=plotting.scope_label(fit.reference_scope)))
    for s, d in fit.assumed_offsets.items():
        out.append(_("The assumed offset for {scope} ({offset} logit), not the data, decides how its figures enter "
                     "the slope: compare the sensitivity grid over offsets.").format(
            scope=plotting.scope_label(s), offset=i18n.number(d, 2)))
    return out
