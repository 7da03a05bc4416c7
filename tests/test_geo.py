"""The province boundaries: the shipped layers equal a fresh derivation from the raw file,
join admin_units.csv by code, tile the country without gaps or overlaps beyond the
simplification tolerance, and keep both archipelagos."""

from __future__ import annotations

import hashlib
import shutil

import pandas as pd
import pytest
import shapely

from analysis import cli, config
from analysis.data import geo
from analysis.errors import Refused

SHARED = config.REPO_ROOT.parent / "shared" / "geo"
DATA = config.DATA_DIR


@pytest.fixture(scope="module")
def layer34():
    return geo.read_layer(DATA, 34)


def test_raw_file_is_the_retrieved_bytes():
    raw = (DATA / "geo" / geo.RAW_FILE).read_bytes()
    assert hashlib.sha256(raw).hexdigest() == geo.RAW_SHA256
    meta = (DATA / "geo" / "raw" / "vn63_provinces_odm.meta.yaml").read_text(encoding="utf-8")
    assert geo.RAW_SHA256 in meta and "CC BY-SA 4.0" in meta


def test_shipped_layers_equal_a_fresh_derivation():
    fresh = geo.derive(DATA)
    for name, content in fresh.items():
        assert (DATA / "geo" / name).read_bytes() == content, f"{name} is stale: run `analysis geo build`"


def test_derivation_is_repeatable():
    assert geo.derive(DATA) == geo.derive(DATA)


def test_34_provinces_join_admin_units_by_code(layer34):
    au = pd.read_csv(DATA / "admin_units.csv", dtype=str, keep_default_na=False)
    current = au[au["official_code"] != ""].set_index("official_code")["province"]
    assert len(layer34) == 34 and layer34["code"].is_unique
    assert set(layer34["code"]) == set(current.index)
    for _i, r in layer34.iterrows():
        assert current[r["code"]] == r["province"]


def test_63_provinces_join_by_pre_2025_code():
    layer63 = geo.read_layer(DATA, 63)
    au = pd.read_csv(DATA / "admin_units.csv", dtype=str, keep_default_na=False)
    old = au[au["code_before_2025"] != ""].set_index("code_before_2025")["province"]
    assert len(layer63) == 63
    assert dict(zip(layer63["code"], layer63["province"])) == old.to_dict()


def _overlap_and_gap(layer):
    geoms = shapely.make_valid(layer.geometry.to_numpy())
    union = shapely.union_all(geoms)
    overlap = float(shapely.area(geoms).sum() - union.area)
    holes = [shapely.Polygon(r) for p in shapely.get_parts(union) for r in p.interiors]
    return overlap, holes


def test_no_gaps_or_overlaps_beyond_the_tolerance(layer34):
    overlap, holes = _overlap_and_gap(layer34)
    tol_area = geo.TOLERANCE ** 2
    assert overlap < tol_area
    raw_holes = _overlap_and_gap(geo.read_raw(DATA))[1]
    # Holes of the raw union (lakes between provinces, if any) may stay; no new ones.
    raw_area = sum(h.area for h in raw_holes)
    assert sum(h.area for h in holes) <= raw_area + tol_area
    # The dissolved country covers the raw one up to the simplification.
    raw_union = shapely.union_all(shapely.make_valid(geo.read_raw(DATA).geometry.to_numpy()))
    diff = shapely.symmetric_difference(raw_union, shapely.union_all(layer34.geometry.to_numpy()))
    assert diff.area / raw_union.area < 0.01


def test_the_gap_check_can_fail(layer34):
    """A planted defect: one province shrunk leaves a gap; one grown makes an overlap."""
    shrunk = layer34.copy()
    shrunk.loc[5, "geometry"] = shrunk.loc[5, "geometry"].buffer(-0.02)
    grown = layer34.copy()
    grown.loc[5, "geometry"] = grown.loc[5, "geometry"].buffer(0.02)
    assert sum(h.area for h in _overlap_and_gap(shrunk)[1]) > geo.TOLERANCE ** 2
    assert _overlap_and_gap(grown)[0] > geo.TOLERANCE ** 2


@pytest.mark.parametrize("key", sorted(geo.ARCHIPELAGOS))
def test_archipelagos_are_in_their_provinces(layer34, key):
    arch = geo.ARCHIPELAGOS[key]
    geom = layer34.set_index("province").loc[arch["province"], "geometry"]
    box = shapely.box(*arch["box"])
    parts = [p for p in shapely.get_parts(geom) if p.intersects(box)]
    assert len(parts) >= 5, f"{key}: only {len(parts)} islands left in {arch['province']}"


def test_lineage_agrees_with_the_shared_table():
    path = SHARED / "vn63_to_vn34_lineage.csv"
    if not path.exists():
        pytest.skip(f"{path} not present (the shared folder is not mounted)")
    ref = pd.read_csv(path, dtype=str, keep_default_na=False)
    mine = geo.lineage(DATA).set_index("code_before_2025")
    assert len(ref) == len(mine) == 63
    for _i, r in ref.iterrows():
        assert mine.loc[r["old_code_pre2025"], "code"] == r["new_code_2025"], r["old_name_pre2025"]
        assert mine.loc[r["old_code_pre2025"], "province"] == r["new_name_2025"], r["old_name_pre2025"]


def test_name_table_matches_the_shared_copy():
    path = SHARED / geo.NAME_CODES_FILE
    if not path.exists():
        pytest.skip(f"{path} not present (the shared folder is not mounted)")
    assert (DATA / "geo" / geo.NAME_CODES_FILE).read_bytes() == path.read_bytes()


def test_build_command_rewrites_the_layers(data_copy):
    target = data_copy / "geo" / geo.LAYER_34
    target.write_text("stale", encoding="utf-8")
    assert cli.main(["geo", "build", "--data", str(data_copy)]) == 0
    assert target.read_bytes() == (DATA / "geo" / geo.LAYER_34).read_bytes()


def test_an_edited_raw_file_is_refused(data_copy, capsys):
    raw = data_copy / "geo" / geo.RAW_FILE
    raw.chmod(0o644)
    raw.write_bytes(raw.read_bytes().replace("Quản Bình".encode(), b"Quang Binh"))
    before = (data_copy / "geo" / geo.LAYER_34).read_bytes()
    assert cli.main(["geo", "build", "--data", str(data_copy)]) == 2
    assert "sha256" in capsys.readouterr().err
    assert (data_copy / "geo" / geo.LAYER_34).read_bytes() == before
    with pytest.raises(Refused):
        geo.read_raw(data_copy)


def test_a_missing_raw_file_is_refused(data_copy):
    shutil.rmtree(data_copy / "geo" / "raw")
    with pytest.raises(Refused, match="missing"):
        geo.provinces34(data_copy)


def test_a_province_missing_from_the_name_table_is_refused(data_copy, capsys):
    table = data_copy / "geo" / geo.NAME_CODES_FILE
    table.chmod(0o644)
    lines = table.read_text(encoding="utf-8").splitlines()
    table.write_text("\n".join(line for line in lines if ",Quản Bình," not in line) + "\n", encoding="utf-8")
    before = (data_copy / "geo" / geo.LAYER_63).read_bytes()
    assert cli.main(["geo", "build", "--data", str(data_copy)]) == 2
    err = capsys.readouterr().err
    assert geo.NAME_CODES_FILE in err and "Quản Bình" in err
    assert (data_copy / "geo" / geo.LAYER_63).read_bytes() == before


def test_a_successor_without_a_code_is_refused(data_copy):
    au = data_copy / "admin_units.csv"
    text = au.read_text(encoding="utf-8").replace(",Tuyên Quang,,02,", ",Tuyen Quang X,,02,")
    au.write_text(text, encoding="utf-8")
    with pytest.raises(Refused, match="Tuyen Quang X"):
        geo.lineage(data_copy)
