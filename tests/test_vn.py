"""Vietnamese data-entry conventions: normalised when unambiguous, refused otherwise."""

import datetime as dt
import unicodedata

import pytest

from analysis.data import vn


class TestParseInt:
    @pytest.mark.parametrize("text,expected", [
        ("224930", 224930), ("224.930", 224930), ("1.443.007", 1443007),
        ("2 624 655", 2624655), ("2\u00a0624\u00a0655", 2624655), (" 42 ", 42), ("0", 0),
    ])
    def test_accepts_plain_and_vietnamese_grouping(self, text, expected):
        assert vn.parse_int(text) == expected

    @pytest.mark.parametrize("text,why", [
        ("224,930", "ambiguous"), ("-5", "negative"), ("12.5", "not a whole number"),
        ("1.23.456", "not a whole number"), ("abc", "not a whole number"), ("72,35", "not a whole"),
    ])
    def test_refuses_ambiguous_or_invalid(self, text, why):
        with pytest.raises(ValueError, match=why):
            vn.parse_int(text)


class TestParseNumber:
    @pytest.mark.parametrize("text,expected", [
        ("72.35", 72.35), ("72,35", 72.35), ("88,43", 88.43), ("4,5", 4.5), ("33.7", 33.7),
        ("1.443.007", 1443007.0), ("1.234,5", 1234.5), ("1,234.5", 1234.5), ("-3", -3.0),
        ("2 624 655", 2624655.0), ("100", 100.0), ("0.500", 0.5), ("0,125", 0.125),
    ])
    def test_accepts(self, text, expected):
        assert vn.parse_number(text) == pytest.approx(expected)

    def test_percent_sign_only_where_unit_is_percent(self):
        assert vn.parse_number("72,35%", percent_allowed=True) == pytest.approx(72.35)
        with pytest.raises(ValueError, match="% sign"):
            vn.parse_number("72,35%")

    @pytest.mark.parametrize("text", ["1.234", "1,234", "224.930"])
    def test_single_separator_before_three_digits_is_ambiguous(self, text):
        with pytest.raises(ValueError, match="ambiguous"):
            vn.parse_number(text)

    @pytest.mark.parametrize("text", ["", "abc", "1..2", "72,35,1", "1.2.3,4.5"])
    def test_refuses_non_numbers(self, text):
        with pytest.raises(ValueError):
            vn.parse_number(text)


class TestParseDate:
    @pytest.mark.parametrize("text,expected", [
        ("2023-11-07", dt.date(2023, 11, 7)), ("7/11/2023", dt.date(2023, 11, 7)),
        ("07/11/2023", dt.date(2023, 11, 7)), ("7-11-2023", dt.date(2023, 11, 7)),
        ("7.11.2023", dt.date(2023, 11, 7)), ("15/02/2023", dt.date(2023, 2, 15)),
    ])
    def test_day_first(self, text, expected):
        assert vn.parse_date(text) == expected

    @pytest.mark.parametrize("text", ["11/25/2023", "7/11/23", "2023/11/07", "31/02/2023", "Nov 7 2023"])
    def test_refuses_month_first_short_years_and_impossible_dates(self, text):
        with pytest.raises(ValueError):
            vn.parse_date(text)


def test_nfc_makes_nfd_and_nfc_names_equal():
    nfd = unicodedata.normalize("NFD", "Nghệ An")
    assert nfd != "Nghệ An"
    assert vn.nfc(nfd) == "Nghệ An"
    assert vn.nfc("  Hòa   Bình ") == "Hòa Bình"


def test_ascii_slug():
    assert vn.ascii_slug("Nghệ An") == "nghe-an"
    assert vn.ascii_slug("Đắk Lắk") == "dak-lak"
    assert vn.ascii_slug(unicodedata.normalize("NFD", "Hòa Bình")) == "hoa-binh"


@pytest.mark.parametrize("text,expected", [("true", True), ("có", True), ("0", False), ("không", False)])
def test_parse_bool(text, expected):
    assert vn.parse_bool(text) is expected


def test_parse_bool_refuses():
    with pytest.raises(ValueError):
        vn.parse_bool("maybe")
