"""Report parameters in words, in the reader's language ("Tỉnh: Nghệ An", not ``province:``).

Used by the "how this was run" note at the end of each report (:mod:`analysis.reports.show`)
and by the reviewers' pages (:mod:`analysis.pack.index_page`). A parameter without a label
here is shown by its name with spaces for underscores, so a new report still reads.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from analysis import config, i18n
from analysis.data.portal import groups
from analysis.i18n import N_

#: Each parameter's label, in English (marked for the catalog).
LABELS = {
    "province": N_("Province"),
    "provinces": N_("Provinces"),
    "lang": N_("Language"),
    "data_dir": N_("Data"),
    "target_pct": N_("Target online share (%)"),
    "scope": N_("Scope fitted"),
    "offsets": N_("Assumed scope offsets (logits)"),
    "reference_scope": N_("Reference scope"),
    "offset_grid": N_("Offsets in the sensitivity fan (logits)"),
    "as_of_placement": N_("Placement of 'as of' figures"),
    "horizon": N_("Projection horizon"),
    "n_boot": N_("Bootstrap draws"),
    "seed": N_("Random seed"),
    "policy_date": N_("Discount start date"),
    "discount_pct": N_("Online fee discount (%)"),
    "panel_path": N_("Procedure-level panel"),
    "response_range": N_("Assumed response (change in logit per 10% discount)"),
    "fee_vnd": N_("In-person fee (VND)"),
    "reference_fee_vnd": N_("Fee at which the response applies (VND)"),
    "n_sims": N_("Simulated panels per power evaluation"),
    "tolerance_days": N_("Largest gap between compared dates (days)"),
    "retrieved": N_("Index snapshot retrieved on"),
    "snapshot": N_("Index snapshot retrieved on"),
    "group": N_("Index group studied"),
    "method": N_("Design leading the findings"),
}

#: Words for values that are codes, by parameter.
VALUE_WORDS = {
    "as_of_placement": {"end": N_("at the end of the period"), "year_to_date": N_("over the year to date")},
    "lang": {"vi": N_("Vietnamese"), "en": N_("English")},
    "group": {code: groups.group_title(code) for code in (*groups.GROUPS, groups.TOTAL)},
    "method": {"scm": N_("synthetic control"), "staggered": N_("staggered difference-in-differences")},
}

#: What an unset (None) value means, by parameter; others read "not set".
UNSET = {
    "data_dir": N_("the project's shipped data"),
    "panel_path": N_("none (a simulated panel)"),
    "policy_date": N_("from the policy table"),
    "discount_pct": N_("from the policy table"),
    "scope": N_("every scope"),
    "reference_scope": N_("the scope of the latest exact figure"),
    "retrieved": N_("the latest snapshot"),
    "snapshot": N_("the latest snapshot"),
    "fee_vnd": N_("not set"),
    "reference_fee_vnd": N_("not set"),
}

#: Parameters never shown to a reader: where the figures were written (a build folder).
HIDDEN = {"output_dir"}


def label(name: str, lang: str | None = None) -> str:
    """Return the label of parameter ``name`` in ``lang`` (default: the current language)."""
    return i18n.gettext(LABELS[name], lang) if name in LABELS else name.replace("_", " ")


def value(name: str, v, lang: str | None = None) -> str:
    """Return the value ``v`` of parameter ``name`` in words and the language's numbers:
    lists joined, dates as the language writes them, scope codes as their labels."""
    if v is None or (name == "data_dir" and Path(v) == config.DATA_DIR):
        return i18n.gettext(UNSET.get(name, N_("not set")), lang)
    if isinstance(v, list | tuple):
        return "; ".join(value(name, x, lang) for x in v) if v else i18n.gettext(N_("none"), lang)
    if isinstance(v, bool):
        return i18n.gettext(N_("yes") if v else N_("no"), lang)
    if isinstance(v, int):
        return str(v) if name == "seed" else i18n.integer(v, lang)  # a seed is a name, not a quantity
    if isinstance(v, float):
        return i18n.number(v, 4, lang)
    if isinstance(v, dt.date):
        return i18n.date(v, lang)
    if name == "data_dir" or isinstance(v, Path):
        return Path(v).name
    words = VALUE_WORDS.get(name, {})
    if v in words:
        return i18n.gettext(words[v], lang)
    if name in ("scope", "reference_scope") or (name == "offsets" and ":" in str(v)):
        return _scope_words(str(v), lang)
    return str(v)


def _scope_words(text: str, lang: str | None) -> str:
    """Return a scope code (or "SCOPE:OFFSET") with the scope's label in ``lang``."""
    from analysis.reports import plotting  # imported here: the pages need it only for these values

    code, _sep, offset = text.partition(":")
    name = i18n.gettext(plotting.SCOPE_LABELS[code], lang) if code in plotting.SCOPE_LABELS else code
    if not offset:
        return name
    try:
        return f"{name}: {i18n.number(float(offset), 2, lang)}"
    except ValueError:
        return f"{name}: {offset}"


def items(values: dict, lang: str | None = None, *, skip_unset: bool = False) -> list[tuple[str, str]]:
    """Return [(label, value in words)] for the parameters in ``values`` (in their order),
    without :data:`HIDDEN` ones, and without unset (None or empty) ones when ``skip_unset``."""
    out = []
    for name, v in values.items():
        if name in HIDDEN or (skip_unset and (v is None or v == [] or v == "")):
            continue
        out.append((label(name, lang), value(name, v, lang)))
    return out
