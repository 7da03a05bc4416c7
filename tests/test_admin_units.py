"""admin_units.csv covers the whole country: the 34 provinces in force since 1 Jul 2025
and the 63 before, agrees with the vietnam-provinces package, and its code rules fail on
bad rows."""

from __future__ import annotations

import shutil

import pytest
import vietnam_provinces as vp

from analysis import config, data
from analysis.data import vn


@pytest.fixture(scope="module")
def ds():
    return data.load()


def _short(name: str) -> str:
    """'Thành phố Hà Nội' -> 'Hà Nội' (the package names centrally-run cities in full)."""
    return vn.nfc(name).removeprefix("Thành phố ")


def test_34_provinces_in_force_and_63_before(ds):
    au = ds.admin_units
    current = au[au["valid_to"].isna()]
    assert len(current) == 34
    # Before 1 Jul 2025: every row except none (the 34 all existed under their names, or
    # as Thừa Thiên Huế) -> 63 distinct pre-2025 codes.
    assert au["code_before_2025"].str.fullmatch(r"\d{2}").all()
    assert au["code_before_2025"].nunique() == 63 == len(au)
    ceased = au[au["valid_to"].notna()]
    assert len(ceased) == 29
    assert (ceased["valid_to"] == "2025-06-30").all()
    assert set(ceased["successor"]) <= set(current["province"])


def test_names_and_official_codes_agree_with_vietnam_provinces(ds):
    package = {f"{int(p.code):02d}": _short(p.name) for p in vp.Province.iter_all()}
    assert len(package) == 34
    au = ds.admin_units
    current = au[au["valid_to"].isna()]
    ours = dict(zip(current["official_code"], current["province"]))
    assert ours == package


def test_each_new_code_is_the_old_code_of_one_of_its_constituents(ds):
    # The 2025 code of a merged province is the pre-2025 code of one of the provinces it
    # was made of: a check of our lineage against the package's codes.
    au = ds.admin_units
    for _, r in au[au["valid_to"].isna()].iterrows():
        parts = au[(au["successor"] == r["province"]) | (au["province"] == r["province"])]
        assert r["official_code"] in set(parts["code_before_2025"]), r["province"]


def test_commune_counts_from_the_package_match_the_seeds():
    # Seed 002: Nghệ An has 130 commune-level units after the reform; DOMAIN.md: Phú Thọ 148.
    def wards(code):
        return sum(1 for w in vp.Ward.iter_by_province(vp.ProvinceCode(code)))
    assert wards(40) == 130
    assert wards(25) == 148


def test_lineage_of_phu_tho_and_portal_codes(ds):
    au = ds.admin_units.set_index("province")
    assert au.loc["Hòa Bình", "successor"] == "Phú Thọ"
    assert au.loc["Vĩnh Phúc", "successor"] == "Phú Thọ"
    assert ds.province_of_portal_code("H41") == "Nghệ An"
    assert ds.province_of_portal_code("H44") == "Phú Thọ"
    with pytest.raises(KeyError, match="H41"):
        ds.province_of_portal_code("H99")
    assert len(ds.current_provinces()) == 34


@pytest.fixture
def data_copy(tmp_path):
    dst = tmp_path / "data"
    shutil.copytree(config.DATA_DIR, dst, ignore=shutil.ignore_patterns("portal"))
    return dst


def _edit(path, province, column, value):
    import csv
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    for r in rows:
        if r["province"] == province:
            r[column] = value
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


@pytest.mark.parametrize("province,column,value,reason", [
    ("Nghệ An", "portal_code", "41", "not a code of the form"),
    ("Nghệ An", "portal_code", "H44", "duplicate code 'H44'"),
    ("Nghệ An", "official_code", "", "needs its code"),
    ("Hòa Bình", "portal_code", "H99", "must be empty for a province that ceased"),
    ("Hòa Bình", "code_before_2025", "40", "duplicate code '40'"),
])
def test_bad_codes_are_refused_with_file_line_column(data_copy, province, column, value, reason):
    _edit(data_copy / "admin_units.csv", province, column, value)
    problems = data.validate(data_copy)
    hits = [p for p in problems if p.file == "admin_units.csv" and p.column == column and reason in p.reason]
    assert hits, problems
    assert hits[0].line > 1
