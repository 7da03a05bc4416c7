"""Notebook parameters are checked before any work: names, types, ranges, provinces."""

import datetime as dt
import unicodedata
from pathlib import Path

import pytest

from analysis import config
from analysis.reports import params
from analysis.errors import ParameterError
from analysis.reports.params import Param


def check(**values):
    base = {"province": "Nghệ An", "data_dir": None, "output_dir": None}
    return params.check("01_data_overview", {**base, **values})


def test_defaults_resolve_paths_and_province():
    p = check()
    assert p.province == "Nghệ An"
    assert p.data_dir == config.DATA_DIR
    assert p.output_dir == config.SCRATCH_DIR.resolve()


def test_nfd_and_alias_province_are_canonicalised():
    assert check(province=unicodedata.normalize("NFD", "Nghệ An")).province == "Nghệ An"
    assert check(province="Hoà Bình").province == "Hòa Bình"


def test_unknown_parameter_is_named():
    with pytest.raises(ParameterError, match="01_data_overview: parameter 'provnce': unknown parameter"):
        check(provnce="Nghệ An")


def test_wrong_type_is_named():
    with pytest.raises(ParameterError, match="parameter 'province': expected a province name"):
        check(province=42)


def test_unknown_province_lists_known_ones():
    with pytest.raises(ParameterError, match="known provinces: Nghệ An"):
        check(province="Atlantis")


def test_missing_parameter():
    with pytest.raises(ParameterError, match="missing"):
        params.check("01_data_overview", {"province": "Nghệ An"})


def test_unknown_notebook():
    with pytest.raises(ParameterError, match="no parameter specification"):
        params.spec_for("99_nothing")


@pytest.mark.parametrize("p,value,ok", [
    (Param("int", "n", min=1), 3, 3),
    (Param("float", "x", min=0, max=100), 80, 80.0),
    (Param("date", "d"), "7/11/2023", dt.date(2023, 11, 7)),
    (Param("floats", "xs"), [1, 2.5], [1.0, 2.5]),
    (Param("str", "s", choices=("did", "its")), "its", "its"),
    (Param("path", "p"), "out", Path("out")),
])
def test_kinds_accept(p, value, ok):
    assert params.check_value("nb", "x", p, value, None) == ok


@pytest.mark.parametrize("p,value,why", [
    (Param("int", "n"), True, "whole number"),
    (Param("int", "n"), 2.5, "whole number"),
    (Param("float", "x", max=100), 120, "above the maximum"),
    (Param("float", "x", min=0), -1, "below the minimum"),
    (Param("float", "x"), "80", "expected a number"),
    (Param("date", "d"), "11/25/2023", "day first"),
    (Param("str", "s", choices=("did", "its")), "rdd", "not one of"),
    (Param("floats", "xs"), [1, "a"], "numbers"),
    (Param("bool", "b"), "yes", "True or False"),
    (Param("str", "s"), None, "must not be None"),
])
def test_kinds_refuse(p, value, why):
    with pytest.raises(ParameterError, match=why):
        params.check_value("nb", "x", p, value, None)
