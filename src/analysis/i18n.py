"""Two languages from one source: gettext catalogs and locale-aware numbers and dates.

Messages are written in English in the code and marked ``_("...")`` (or ``N_("...")`` where
the text is stored first and translated later); Babel extracts them into
``locale/analysis.pot`` and the Vietnamese catalog ``locale/vi/LC_MESSAGES/analysis.po``
(``make messages``), which a translator edits without touching code. The ``.po`` file is
the only source: it is compiled in memory when a language is first used, so a stale ``.mo``
cannot exist.

The language is set once per process (``set_language``): a report notebook sets it from its
``lang`` parameter, a command from ``--lang``. Numbers and dates go through Babel
(``number``, ``percent``, ``integer``, ``date``), never through string replacement:
vi ``72,35%``, ``224.930``, ``06/08/2025``; en ``72.35%``, ``224,930``, ``6 Aug 2025``.

Base layer: imports nothing from the package, so every layer may mark its text.
"""

from __future__ import annotations

import datetime as dt
import gettext as _gettext
import io
import math
import unicodedata
from functools import lru_cache
from pathlib import Path

#: The languages every report is written in; codes as in the notebooks' ``lang`` parameter.
LANGS = ("vi", "en")
DEFAULT_LANG = "en"
DOMAIN = "analysis"
LOCALE_DIR = Path(__file__).parent / "locale"

_current = DEFAULT_LANG


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is one of :data:`LANGS`; raise ValueError naming them otherwise."""
    if lang not in LANGS:
        raise ValueError(f"{lang!r} is not a supported language; choose one of {', '.join(LANGS)}")
    return lang


def set_language(lang: str) -> None:
    """Make ``lang`` the language of every later ``_()`` call and number format.

    Raises ValueError for a language not in :data:`LANGS`."""
    global _current
    _current = check_lang(lang)


def get_language() -> str:
    """Return the language set by :func:`set_language` (``DEFAULT_LANG`` until then)."""
    return _current


@lru_cache(maxsize=None)
def translations(lang: str) -> _gettext.NullTranslations:
    """Return the compiled catalog of ``lang`` (English: the identity).

    Compiles ``locale/LANG/LC_MESSAGES/analysis.po`` in memory with Babel. Raises
    FileNotFoundError when a supported language has no catalog."""
    check_lang(lang)
    if lang == "en":
        return _gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    po = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=lang, domain=DOMAIN)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return _gettext.GNUTranslations(buf)


def gettext(message: str, lang: str | None = None) -> str:
    """Return ``message`` in ``lang`` (default: the current language), NFC-normalised.

    An untranslated message comes back in English; ``tests/test_i18n.py`` fails the build
    when the catalog lacks one."""
    return unicodedata.normalize("NFC", translations(lang or _current).gettext(message))


def ngettext(singular: str, plural: str, n: int, lang: str | None = None) -> str:
    """Return the singular or plural form of a message for count ``n`` in ``lang``."""
    return unicodedata.normalize("NFC", translations(lang or _current).ngettext(singular, plural, n))


_ = gettext


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it now (for constants)."""
    return message


def _babel_locale(lang: str | None) -> str:
    return check_lang(lang or _current)


def number(value: float, decimals: int = 2, lang: str | None = None, *, trim: bool = True) -> str:
    """Return ``value`` with thousands separators and up to ``decimals`` decimals
    (``trim``: drop trailing zeros): vi ``72,35`` / ``224.930``, en ``72.35`` / ``224,930``.
    NaN is returned as an en dash."""
    from babel.numbers import format_decimal

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    pattern = "#,##0" + ("." + ("#" if trim else "0") * decimals if decimals > 0 else "")
    return format_decimal(value, format=pattern, locale=_babel_locale(lang))


def integer(value: float, lang: str | None = None) -> str:
    """Return a count with the language's thousands separator: vi ``224.930``, en ``224,930``."""
    return number(round(value), 0, lang)


def percent(value_pct: float, decimals: int = 2, lang: str | None = None, *, trim: bool = True) -> str:
    """Return a value already in percent as text: ``percent(72.35)`` is vi ``72,35%``, en ``72.35%``."""
    return f"{number(value_pct, decimals, lang, trim=trim)}%"


def date(value, lang: str | None = None, *, short: bool = False) -> str:
    """Return a date: vi ``06/08/2025`` (``short``: ``08/2025``), en ``6 Aug 2025`` (``Aug 2025``).

    Accepts a ``datetime.date``, ``datetime.datetime`` or pandas ``Timestamp``."""
    from babel.dates import format_date

    if hasattr(value, "date") and not isinstance(value, dt.date | str):
        value = value.date()
    elif isinstance(value, dt.datetime):
        value = value.date()
    lang = _babel_locale(lang)
    if lang == "vi":
        pattern = "MM/yyyy" if short else "dd/MM/yyyy"
    else:
        pattern = "MMM y" if short else "d MMM y"
    return format_date(value, pattern, locale=lang)


def month(label: str, lang: str | None = None) -> str:
    """Return a month written 'YYYY-MM' (as the data and the panels key months) in the
    reader's language: vi ``11/2023``, en ``Nov 2023``. Raises ValueError for another form."""
    year, _sep, mon = str(label).partition("-")
    if not (year.isdigit() and mon.isdigit() and len(year) == 4 and 1 <= int(mon) <= 12):
        raise ValueError(f"not a month 'YYYY-MM': {label!r}")
    return date(dt.date(int(year), int(mon), 1), lang, short=True)


def add_lang_argument(parser) -> None:
    """Add ``--lang vi|en`` to a command's argument ``parser``: the language of its
    human-readable output (JSON keys and values stay English)."""
    parser.add_argument("--lang", default=DEFAULT_LANG, choices=list(LANGS),
                        help="language of the human-readable output (JSON stays English); default en")


def signed(value: float, decimals: int = 2, lang: str | None = None) -> str:
    """Return ``value`` with its sign and exactly ``decimals`` decimals: vi ``+1,23``, en ``+1.23``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return ("+" if value >= 0 else "") + number(value, decimals, lang, trim=False)
