"""Tables made for readers: a DataFrame turned into a great_tables (GT) table.

:func:`table` is the one way a report shows a table. It gives

* numbers in the reader's convention (``fmt_number(..., locale="vi")``: ``0,09``,
  ``1.504,47``), rounded by what the column means (:data:`KINDS`: a count has no decimals,
  a percentage one, a p-value three), never by how many digits pandas happens to hold;
* translated headers (a code column name is looked up in ``headers`` and the catalog),
  no index column, "yes"/"no" for True/False, an em dash for a missing value with one
  footnote saying what it means;
* a long text repeated in several rows (one "why" paragraph row after row) written once,
  as a numbered footnote the rows point to (never in the first column, which names the row);
* a wide table split into parts that fit the page (the first column repeated in each),
  and a one-row table turned into a list of (label, value).

The HTML is static: an inline style sheet, no scripts, nothing fetched from a CDN, and a
table id derived from its content, so the same table gives the same bytes.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata

import pandas as pd

from analysis import i18n
from analysis.i18n import N_, _

#: Rounding by what a column means: kind -> (decimals, suffix).
KINDS = {
    "count": (0, ""),
    "percent": (1, "%"),  # values already in percent
    "pp": (1, ""),  # percentage points
    "share": (1, "%"),  # a 0-1 share, shown as a percentage
    "points": (2, ""),
    "logit": (2, ""),
    "ratio": (2, ""),
    "p_value": (3, ""),
    "vnd": (0, ""),
    "days": (0, ""),
}

#: A column whose (code) name matches is of that kind unless the caller says otherwise.
KIND_BY_NAME = [
    (re.compile(r"(^n$|^n_|_n$|count|dossiers|procedures|^rank)", re.I), "count"),
    (re.compile(r"p_?value|^p$", re.I), "p_value"),
    (re.compile(r"_pp$|_pp_|\bpp\b|points?_pct", re.I), "pp"),
    (re.compile(r"pct|percent|%", re.I), "percent"),
    (re.compile(r"vnd", re.I), "vnd"),
    (re.compile(r"logit|offset", re.I), "logit"),
    (re.compile(r"days", re.I), "days"),
    (re.compile(r"power|share|coverage|prob", re.I), "share"),
]

MISSING = "—"
ITEM, VALUE = N_("Item"), N_("Value")
MISSING_NOTE = N_("— : no figure (not published, not applicable or not computed).")
YES, NO = N_("yes"), N_("no")
NOTE_MARK = N_("see note {n}")
#: A text at least this long, in two rows or more, is written once as a footnote.
LONG_TEXT = 60
#: Most columns a table part shows (the page is about 1,200 px wide).
MAX_COLUMNS = 7


def kind_of(name: str, values: pd.Series, kinds: dict | None) -> str | None:
    """Return the kind of column ``name`` (:data:`KINDS`): the caller's, else one guessed from
    its name, else None (a text column, or numbers rounded by their size)."""
    if kinds and name in kinds:
        return kinds[name]
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return None
    for pattern, kind in KIND_BY_NAME:
        if pattern.search(str(name)):
            return kind
    return "count" if pd.api.types.is_integer_dtype(values) else None


def decimals_for(values: pd.Series) -> int:
    """Return decimals for numbers of no known kind: three significant digits for the
    typical (median absolute) value, at most three decimals."""
    finite = pd.to_numeric(values, errors="coerce").abs()
    finite = finite[finite.map(math.isfinite) & (finite > 0)]
    if finite.empty:
        return 0
    return max(0, min(3, 2 - int(math.floor(math.log10(float(finite.median()))))))


def _missing(v) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    return isinstance(v, str) and v.strip().lower() in ("nan", "none", "nat", "<na>")


def _cell_text(v) -> str:
    if isinstance(v, bool):
        return _(YES) if v else _(NO)
    if isinstance(v, list | tuple):
        return "; ".join(_cell_text(x) for x in v if not _missing(x))
    text = unicodedata.normalize("NFC", str(v))
    # ", nan;" inside a joined text: a missing part of a composite cell.
    return re.sub(r"(?<![A-Za-zÀ-ỹ])(nan|None)(?![A-Za-zÀ-ỹ])", MISSING, text)


def _prepare(frame: pd.DataFrame, kinds: dict | None, values: dict | None = None
             ) -> tuple[pd.DataFrame, dict[str, str | None], dict]:
    """Return (frame with words for booleans, lists, codes in ``values`` and missing texts;
    kind per column; the long repeated texts moved to notes {text: number})."""
    out = frame.reset_index(drop=True).copy()
    if values:
        for c in out.columns:
            if out[c].dtype == object or pd.api.types.is_string_dtype(out[c]):
                out[c] = out[c].map(lambda v: _(values[v]) if isinstance(v, str) and v in values else v)
    col_kinds = {c: kind_of(c, out[c], kinds) for c in out.columns}
    notes: dict[str, int] = {}
    for c in out.columns:
        if col_kinds[c] is not None or (pd.api.types.is_numeric_dtype(out[c]) and not pd.api.types.is_bool_dtype(out[c])):
            out[c] = pd.to_numeric(out[c], errors="coerce").astype("float64")
            continue
        texts = out[c].map(lambda v: None if _missing(v) else _cell_text(v))
        counts = texts.value_counts() if c != out.columns[0] else pd.Series(dtype=int)  # the key column stays
        for text, n in counts.items():
            if n >= 2 and len(text) >= LONG_TEXT and len(out) > 2:
                notes.setdefault(text, len(notes) + 1)
        out[c] = texts.map(lambda t: _(NOTE_MARK).format(n=notes[t]) if t in notes else t).astype("object")
    return out, col_kinds, notes


def _label(c, headers: dict | None) -> str:
    h = str(headers.get(c, c) if headers else c)
    return unicodedata.normalize("NFC", i18n.gettext(h)) if h.strip() else h  # gettext("") is the catalog header


def _turn(frame: pd.DataFrame, headers: dict | None) -> pd.DataFrame:
    """Return a one-row table as two columns: the header and the value (as text)."""
    row = frame.iloc[0]
    return pd.DataFrame({_(ITEM): [_label(c, headers) for c in frame.columns], _(VALUE): [row[c] for c in frame.columns]})


def _constant_notes(frame: pd.DataFrame, headers: dict | None) -> tuple[pd.DataFrame, list[str]]:
    """Return ``frame`` without its text columns that say the same thing in every row (two
    rows or more), and one note per such column: "header: text"."""
    notes, keep = [], []
    for c in frame.columns:
        col = frame[c]
        if len(frame) > 1 and not pd.api.types.is_float_dtype(col) and col.notna().all() and col.nunique() == 1:
            notes.append(f"{_label(c, headers)}: {col.iloc[0]}")
        else:
            keep.append(c)
    return (frame[keep], notes) if keep else (frame, [])


def _format_value(v, kind: str | None, decimals: int) -> str:
    """Return one number as text in the current language (for turned tables)."""
    if _missing(v):
        return MISSING
    if not isinstance(v, int | float) or isinstance(v, bool):
        return _cell_text(v)
    places, suffix = KINDS.get(kind, (decimals, ""))
    value = 100 * v if kind == "share" else v
    return i18n.number(value, places, trim=False) + suffix


_NUMBER_TEXT = re.compile(r"^[<>≈~]?\s*[-−+]?\d[\d.,\s]*(%|/\d[\d.,]*)?$")


def _numeric_text(col: pd.Series) -> bool:
    """Return whether every value of a text column is a number written as text."""
    values = [str(v).strip() for v in col if not _missing(v) and str(v).strip() != MISSING]
    return bool(values) and all(_NUMBER_TEXT.match(v) for v in values)


def _gt(frame: pd.DataFrame, col_kinds: dict, headers: dict | None, table_id: str, notes: list[str],
        group: str | None = None):
    """Return the GT table of ``frame`` (prepared) with numbers formatted by kind and the
    rows grouped under the values of ``group`` (if given)."""
    from great_tables import GT

    lang = i18n.get_language()
    g = GT(frame, id=table_id, groupname_col=group)
    for c in frame.columns:
        if c == group:
            continue
        kind = col_kinds.get(c)
        if not pd.api.types.is_float_dtype(frame[c]):
            if _numeric_text(frame[c]):  # figures already written as text ("63,43/100", "13/34") align like numbers
                g = g.cols_align(align="right", columns=c)
            continue
        places, suffix = KINDS.get(kind, (decimals_for(frame[c]), ""))
        g = g.fmt_number(columns=c, decimals=places, scale_by=100 if kind == "share" else 1,
                         pattern="{x}" + suffix, locale=lang)
    g = g.cols_label(**{c: _label(c, headers) for c in frame.columns if c != group}).sub_missing(missing_text=MISSING)
    for note in notes:
        g = g.tab_source_note(note)
    # pre-line: a cell listing several figures keeps one per line; long words still wrap.
    return (g.tab_options(table_font_size="14px", table_width="100%")
            .opt_css(f"#{table_id} .gt_row {{ white-space: pre-line; overflow-wrap: anywhere; }}"))


def _parts(columns: list, max_columns: int) -> list[list]:
    """Return the column lists of each part of a wide table (the first column in each)."""
    if len(columns) <= max_columns:
        return [columns]
    key, rest = columns[0], columns[1:]
    step = max_columns - 1
    return [[key, *rest[i:i + step]] for i in range(0, len(rest), step)]


class Table:
    """A reader's table: one or more GT tables shown one under the other (``gts``), and the
    prepared frames they show (``frames``, for tests)."""

    def __init__(self, gts: list, frames: list[pd.DataFrame], labels: list[str] | None = None):
        self.gts, self.frames, self.labels = gts, frames, labels or []

    def _repr_html_(self) -> str:
        return "\n".join(g.as_raw_html() for g in self.gts)

    def __repr__(self) -> str:  # a plain-text front end: the translated headers, never a pandas repr
        return " | ".join(self.labels)


def table(frame: pd.DataFrame, *, kinds: dict | None = None, headers: dict | None = None,
          values: dict | None = None, notes: list[str] | None = None, drop: tuple = (),
          group: str | int | None = None, max_columns: int = MAX_COLUMNS, name: str = "table") -> Table:
    """Return ``frame`` as a reader's :class:`Table` in the current language (module docstring).

    ``kinds`` maps columns to a kind of :data:`KINDS` (others are guessed from the column's
    name, else rounded to three significant digits); ``headers`` maps column names to
    labels (marked ``N_`` in the caller, translated here; otherwise the name itself is looked
    up in the catalog); ``values`` maps code cell values to words (marked ``N_``); ``drop``
    names columns a reader does not need; ``group`` names a column whose values head groups
    of rows instead of repeating on each; ``notes`` are footnotes shown under the table, once.
    A text column with one value in every row becomes a note. The table's HTML id is ``name``
    plus a hash of its content. Raises ValueError for an unknown kind."""
    bad = {k for k in (kinds or {}).values() if k not in KINDS}
    if bad:
        raise ValueError(f"unknown column kind(s) {sorted(bad)}; known: {sorted(KINDS)}")
    prepared, col_kinds, long_texts = _prepare(frame.drop(columns=list(drop)), kinds, values)
    prepared, constant = _constant_notes(prepared, headers)
    footer = [unicodedata.normalize("NFC", n) for n in (notes or [])] + constant
    footer += [f"{_(NOTE_MARK).format(n=n).capitalize()}: {text}" for text, n in long_texts.items()]
    digest = hashlib.sha1(prepared.to_csv(index=False).encode("utf-8")).hexdigest()[:10]
    group = prepared.columns[group] if isinstance(group, int) else group
    if len(prepared) == 1 and len(prepared.columns) > max_columns:
        turned = _turn(pd.DataFrame({c: [_format_value(prepared[c].iloc[0], col_kinds[c],
                                                        decimals_for(prepared[c]) if col_kinds[c] is None else 0)]
                                     for c in prepared.columns}), headers)
        parts = [(turned, {})]
    else:
        lead = [group] if group else []
        rest = [c for c in prepared.columns if c != group]
        parts = [(prepared[lead + cols], col_kinds) for cols in _parts(rest, max_columns)]
    gts, frames = [], []
    for i, (part, part_kinds) in enumerate(parts):
        missing = part.isna().to_numpy().any() or (part.astype(str) == MISSING).to_numpy().any()
        part_notes = (footer if i == len(parts) - 1 else []) + ([_(MISSING_NOTE)] if missing else [])
        gts.append(_gt(part, part_kinds, headers, f"{vn_slug(name)}-{digest}-{i}", part_notes, group))
        frames.append(part)
    return Table(gts, frames, [_label(c, headers) for f in frames for c in f.columns])


def vn_slug(text: str) -> str:
    """Return ``text`` as an ASCII id fragment."""
    from analysis.data import vn

    return vn.ascii_slug(text) or "table"
