"""The Vietnamese catalog is complete and consistent with the code, and numbers and dates
follow each language's convention.

The messages are extracted from the source at test time (Babel's own extractor, the same
keywords as ``make messages``), so a message added to the code without a translation fails
here even if nobody ran ``make messages``."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import pandas as pd
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from analysis import i18n

KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "gettext": None}
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\(?\w*\)?[sdfr]")


def code_messages() -> dict[str, str]:
    """Return {msgid: 'file:line'} of every message marked in src/analysis."""
    out = {}
    for fname, line, msg, _comments, _ctx in extract_from_dir(
            str(i18n.LOCALE_DIR.parent), method_map=[("**.py", "python")], keywords=KEYWORDS):
        key = msg[0] if isinstance(msg, tuple) else msg  # a plural is filed under its singular
        if key:
            out.setdefault(key, f"{fname}:{line}")
    return out


@pytest.fixture(scope="module")
def catalog():
    with (i18n.LOCALE_DIR / "vi" / "LC_MESSAGES" / "analysis.po").open("rb") as fh:
        return read_po(fh, locale="vi")


def test_every_message_in_the_code_has_a_vietnamese_translation(catalog):
    missing = []
    for msgid, where in code_messages().items():
        m = catalog.get(msgid)
        if m is None or not m.string or (isinstance(m.string, tuple) and not all(m.string)) or m.fuzzy:
            missing.append(f"{where}: {msgid!r}")
    assert not missing, "untranslated (run `make messages`, then translate in the .po):\n" + "\n".join(missing)


def test_placeholders_agree_between_languages(catalog):
    bad = []
    for m in catalog:
        if not m.id or not m.string:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strs = m.string if isinstance(m.string, tuple) else (m.string,)
        want = sorted(PLACEHOLDER.findall(ids[0]))
        for s in strs:
            if sorted(PLACEHOLDER.findall(s)) != want:
                bad.append(f"{ids[0]!r} -> {s!r}")
    assert not bad, "\n".join(bad)


def test_translations_are_nfc(catalog):
    for m in catalog:
        for s in (m.string if isinstance(m.string, tuple) else (m.string,)):
            assert s == unicodedata.normalize("NFC", s), m.id


@pytest.mark.parametrize("lang, pct, count, day, short", [
    ("vi", "72,35%", "224.930", "06/08/2025", "08/2025"),
    ("en", "72.35%", "224,930", "6 Aug 2025", "Aug 2025"),
])
def test_numbers_and_dates_follow_the_language(lang, pct, count, day, short):
    assert i18n.percent(72.35, lang=lang) == pct
    assert i18n.integer(224930, lang=lang) == count
    assert i18n.date(dt.date(2025, 8, 6), lang=lang) == day
    assert i18n.date(pd.Timestamp("2025-08-06"), lang=lang) == day
    assert i18n.date(dt.datetime(2025, 8, 6, 13, 5), lang=lang, short=True) == short


def test_percent_keeps_requested_decimals_and_nan_is_a_dash():
    assert i18n.percent(44, 1, lang="vi") == "44%"
    assert i18n.percent(44, 1, lang="vi", trim=False) == "44,0%"
    assert i18n.number(float("nan"), lang="en") == "–"


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="vi, en"):
        i18n.set_language("fr")
    with pytest.raises(ValueError):
        i18n.gettext("x", lang="de")


def test_language_switch_changes_gettext(monkeypatch, catalog):
    translated = [m for m in catalog if m.id and m.string and not isinstance(m.id, tuple)]
    if not translated:
        pytest.skip("the catalog has no messages yet")
    m = translated[0]
    monkeypatch.setattr(i18n, "_current", "en")
    assert i18n._(m.id) == m.id
    i18n.set_language("vi")
    assert i18n._(m.id) == unicodedata.normalize("NFC", m.string)


def _shadowing_names(source: str) -> list[int]:
    """Return the lines where a module that imports gettext's ``_`` also binds ``_``
    (a loop variable, an assignment): there ``_()`` would call an int or a tuple."""
    import ast

    tree = ast.parse(source)
    imports_gettext = any(isinstance(n, ast.ImportFrom) and n.module == "analysis.i18n"
                          and any(a.name == "_" for a in n.names) for n in ast.walk(tree))
    if not imports_gettext:
        return []
    return sorted({n.lineno for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == "_"
                   and isinstance(n.ctx, ast.Store)})


def test_no_module_that_translates_rebinds_the_gettext_name():
    bad = {}
    for path in sorted(i18n.LOCALE_DIR.parent.rglob("*.py")):
        lines = _shadowing_names(path.read_text(encoding="utf-8"))
        if lines:
            bad[path.name] = lines
    assert not bad, f"`_` rebound where it is gettext (rename the variable): {bad}"
    assert _shadowing_names("from analysis.i18n import _\nfor _, r in x:\n    pass\n") == [2]


@pytest.mark.parametrize("label,vi,en", [("2023-11", "11/2023", "Nov 2023"), ("2025-06", "06/2025", "Jun 2025")])
def test_a_data_month_is_written_the_readers_way(label, vi, en):
    from analysis import i18n
    assert i18n.month(label, "vi") == vi and i18n.month(label, "en") == en


@pytest.mark.parametrize("bad", ["2023-13", "11/2023", "2023", "2023-1-5"])
def test_a_month_in_another_form_is_refused(bad):
    from analysis import i18n
    with pytest.raises(ValueError, match="YYYY-MM"):
        i18n.month(bad)
