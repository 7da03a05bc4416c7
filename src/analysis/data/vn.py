"""Vietnamese data-entry conventions, normalised when unambiguous and refused otherwise.

Vietnamese reports write "224.930" for 224930 (dot groups thousands), "72,35%" for 72.35
(comma is the decimal mark) and "7/11/2023" for 7 November 2023 (day first). Spreadsheet
exports mix these with the international forms. Every parser here either returns the one
reading that is certain, or raises :class:`ValueError` whose message says why the text is
ambiguous and how to write it so that it is not. Nothing is guessed.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

_SPACES = re.compile(r"[\s\u00a0\u202f]+")
# Thousands grouped by dots or by (narrow no-break) spaces: 224.930, 1.443.007, 2 624 655.
_DOT_GROUPED = re.compile(r"^\d{1,3}(?:\.\d{3})+$")
_SPACE_GROUPED = re.compile(r"^\d{1,3}(?:[ \u00a0\u202f]\d{3})+$")
_COMMA_GROUPED = re.compile(r"^\d{1,3}(?:,\d{3})+$")
_PLAIN_INT = re.compile(r"^\d+$")
_PLAIN_DEC = re.compile(r"^\d+\.\d+$")
_COMMA_DEC = re.compile(r"^\d+,\d+$")
# Both marks present: the last one is the decimal mark.
_VN_FULL = re.compile(r"^\d{1,3}(?:\.\d{3})+,\d+$")  # 1.234,5
_EN_FULL = re.compile(r"^\d{1,3}(?:,\d{3})+\.\d+$")  # 1,234.5


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC with runs of white space folded to one space.

    Vietnamese names arrive composed (NFC) or decomposed (NFD, common from macOS); both
    must compare equal, so every text field goes through here.
    """
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def ascii_slug(text: str) -> str:
    """Return a lower-case ASCII slug of ``text`` for file names ("Nghệ An" -> "nghe-an")."""
    text = nfc(text).replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def parse_int(text: str) -> int:
    """Return the non-negative whole number written in ``text``.

    Accepts "224930", "224.930" and "224 930" (Vietnamese thousands grouping).
    Raises ValueError for "224,930" (a thousands comma in English, a decimal comma in
    Vietnamese: ambiguous), for signs, decimals and anything else.
    """
    s = nfc(text)
    if _PLAIN_INT.match(s):
        return int(s)
    if _DOT_GROUPED.match(s) or _SPACE_GROUPED.match(s):
        return int(re.sub(r"\D", "", s))
    if _COMMA_GROUPED.match(s):
        raise ValueError(
            f"'{s}' is ambiguous: a comma is a decimal mark in Vietnamese and a thousands "
            f"separator in English; write {s.replace(',', '')} or {s.replace(',', '.')}"
        )
    if s.startswith("-"):
        raise ValueError(f"'{s}' is negative; counts must be 0 or more")
    raise ValueError(f"'{s}' is not a whole number")


def parse_number(text: str, *, percent_allowed: bool = False) -> float:
    """Return the number written in ``text`` as a float.

    Accepts the international form ("72.35"), a decimal comma ("72,35"), Vietnamese
    thousands with or without decimals ("1.443.007", "1.234,5"), English thousands with
    decimals ("1,234.5"), an optional leading minus, and a trailing "%" when
    ``percent_allowed``. Raises ValueError when the text is not a number, has a "%" where
    none is allowed, or is ambiguous: one separator followed by exactly three digits
    ("1.234", "1,234") reads as a thousand in one convention and as a fraction in the other.
    """
    s = nfc(text)
    if s.endswith("%"):
        if not percent_allowed:
            raise ValueError(f"'{s}' has a % sign but the unit of this row is not percent")
        s = s[:-1].strip()
    sign = 1.0
    if s.startswith("-"):
        sign, s = -1.0, s[1:].strip()
    if _PLAIN_INT.match(s):
        return sign * float(s)
    if _VN_FULL.match(s):
        return sign * float(s.replace(".", "").replace(",", "."))
    if _EN_FULL.match(s):
        return sign * float(s.replace(",", ""))
    if _SPACE_GROUPED.match(s):
        return sign * float(re.sub(r"\D", "", s))
    if _DOT_GROUPED.match(s) and s.count(".") > 1:
        return sign * float(s.replace(".", ""))
    if _COMMA_GROUPED.match(s) and s.count(",") > 1:
        return sign * float(s.replace(",", ""))
    if re.match(r"^0[.,]\d{3}$", s):  # "0.500": a leading 0 is never a thousands group
        return sign * float(s.replace(",", "."))
    if re.match(r"^\d{1,3}[.,]\d{3}$", s):
        whole = s.replace(".", "").replace(",", "")
        frac = s.replace(",", ".")
        raise ValueError(
            f"'{s}' is ambiguous: {whole} with a thousands separator, or {frac} with a "
            f"decimal mark; write it as {whole} or with a different number of decimals"
        )
    if _PLAIN_DEC.match(s):
        return sign * float(s)
    if _COMMA_DEC.match(s):
        return sign * float(s.replace(",", "."))
    raise ValueError(f"'{s}' is not a number")


_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")


def parse_date(text: str) -> dt.date:
    """Return the calendar date written in ``text``.

    Accepts ISO "2023-11-07" and day-first "7/11/2023", "07-11-2023", "7.11.2023" (the
    Vietnamese order: 7/11/2023 is 7 November). Raises ValueError for two-digit years,
    impossible dates (so a month-first "11/25/2023" is refused, not swapped) and other forms.
    """
    s = nfc(text)
    m = _ISO.match(s)
    if m:
        y, mo, d = (int(g) for g in m.groups())
    else:
        m = _DAY_FIRST.match(s)
        if not m:
            raise ValueError(f"'{s}' is not a date (write YYYY-MM-DD, or day first: 7/11/2023)")
        d, mo, y = (int(g) for g in m.groups())
    try:
        return dt.date(y, mo, d)
    except ValueError:
        raise ValueError(
            f"'{s}' is not a valid date (dates are read day first: dd/mm/yyyy)"
        ) from None


def parse_bool(text: str) -> bool:
    """Return True/False for "true"/"false", "1"/"0", "yes"/"no", "có"/"không".

    Raises ValueError for anything else.
    """
    s = nfc(text).lower()
    if s in {"true", "1", "yes", "có", "co", "t", "y"}:
        return True
    if s in {"false", "0", "no", "không", "khong", "f", "n"}:
        return False
    raise ValueError(f"'{s}' is not true or false")
