"""Province boundaries as data: the raw 63-province TopoJSON of Open Development Vietnam
(kept unchanged in ``data/geo/raw/``), its names joined to the official codes, and the 34
provinces since 1 Jul 2025 derived by dissolving along the lineage in ``admin_units.csv``.

The merger of Resolution 202/2025/QH15 moved whole provinces, so each of the 34 is the
union of whole pre-2025 provinces. Both archipelagos are inside the source polygons
(Hoàng Sa in Đà Nẵng, Trường Sa in Khánh Hòa) and survive the simplification: the
coverage simplifier (GEOS, via ``shapely.coverage_simplify``) moves shared edges together,
so neighbours keep one border (no gaps or overlaps), and never drops a ring.

Derived layers are GeoJSON FeatureCollections with deterministic bytes: features sorted
by code, coordinates rounded to :data:`DECIMALS` places, keys in a fixed order, no
timestamps. They are rebuilt by ``analysis geo build`` and checked against a fresh
derivation by ``tests/test_geo.py``. The raw file and every derived layer are under
CC BY-SA 4.0 (see :data:`ATTRIBUTION`); the code is not.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from analysis.errors import Refused
from analysis.files import atomic_write

GEO_SUBDIR = "geo"
RAW_FILE = "raw/vn63_provinces_odm.topojson"
NAME_CODES_FILE = "vn63_odm_name_to_gso_code.csv"
LAYER_34 = "provinces34.geojson"
LAYER_63 = "provinces63.geojson"
#: sha256 of the raw file as retrieved (data/geo/raw/vn63_provinces_odm.meta.yaml).
RAW_SHA256 = "fb3c0294dc1951ebec6765937b9478e6ceca202f71622a81421407f51a4c0218"
#: Simplification tolerance in degrees (about 550 m): invisible on a page-wide map of the
#: country, and it keeps the shipped layers small.
TOLERANCE = 0.005
#: Decimal places of the written coordinates (about 1 m): far below the tolerance, and
#: fine enough that the islets of Trường Sa keep their shape.
DECIMALS = 5
#: The credit every map of these boundaries carries (licence CC BY-SA 4.0).
ATTRIBUTION = "Open Development Vietnam, 'Địa phận tỉnh', CC BY-SA 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by-sa/4.0/"
#: Where the two archipelagos are (lon, lat of a label point) and the province holding each.
ARCHIPELAGOS = {
    "hoang_sa": {"province": "Đà Nẵng", "point": (111.9, 16.5), "box": (111.0, 15.7, 113.0, 17.2)},
    "truong_sa": {"province": "Khánh Hòa", "point": (114.3, 9.5), "box": (111.5, 6.8, 117.1, 11.6)},
}


def geo_dir(data_dir: str | Path) -> Path:
    """Return the boundaries folder of ``data_dir``."""
    return Path(data_dir) / GEO_SUBDIR


def read_raw(data_dir: str | Path) -> gpd.GeoDataFrame:
    """Return the 63 raw provinces (``gid``, ``ten_tinh``, ``geometry``; WGS 84).

    Raises Refused when the file is missing or its bytes are not the retrieved ones (a
    raw input is never edited)."""
    path = geo_dir(data_dir) / RAW_FILE
    if not path.exists():
        raise Refused(f"{path}: missing; the boundaries ship in data/geo/raw/ (see data/geo/README.md)")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != RAW_SHA256:
        raise Refused(f"{path}: sha256 {digest} is not the retrieved file's {RAW_SHA256}; restore it from git")
    raw = gpd.read_file(path)
    raw = raw[["gid", "ten_tinh", "geometry"]].set_crs("EPSG:4326", allow_override=True)
    raw["gid"] = raw["gid"].astype(int)
    return raw


def _read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def lineage(data_dir: str | Path) -> pd.DataFrame:
    """Return one row per pre-2025 province: ``code_before_2025``, ``old_province``,
    ``code`` (the official 2025 code of the province holding it) and ``province`` (its
    name as in ``admin_units.csv``).

    Raises Refused when a successor has no row or no official code in ``admin_units.csv``."""
    au = _read_csv(Path(data_dir) / "admin_units.csv")
    au = au[au["level"] == "province"]
    codes = au[au["official_code"] != ""].set_index("province")["official_code"]
    old = au[au["code_before_2025"] != ""]
    rows = []
    for _i, r in old.iterrows():
        new = r["successor"] or r["province"]
        if new not in codes.index:
            raise Refused(f"admin_units.csv: {r['province']}: successor {new!r} has no official_code")
        rows.append({"code_before_2025": r["code_before_2025"], "old_province": r["province"],
                     "code": codes[new], "province": new})
    return pd.DataFrame(rows).sort_values("code_before_2025").reset_index(drop=True)


def provinces63(data_dir: str | Path) -> gpd.GeoDataFrame:
    """Return the 63 pre-2025 provinces, simplified as one coverage: ``code`` (official
    pre-2025 code), ``province`` (name as in ``admin_units.csv``), ``geometry``.

    Raises Refused when the name table and the raw file or the lineage disagree (a
    province without code, or a code twice)."""
    raw = read_raw(data_dir)
    names = _read_csv(geo_dir(data_dir) / NAME_CODES_FILE)
    names["odm_gid"] = names["odm_gid"].astype(int)
    joined = raw.merge(names, left_on="gid", right_on="odm_gid", how="left", validate="one_to_one")
    if joined["gso_code_pre2025"].isna().any() or joined["gso_code_pre2025"].duplicated().any():
        bad = joined.loc[joined["gso_code_pre2025"].isna(), "ten_tinh"].tolist()
        raise Refused(f"{NAME_CODES_FILE}: no code, or a code twice, for raw provinces {bad}")
    lin = lineage(data_dir).set_index("code_before_2025")
    missing = sorted(set(joined["gso_code_pre2025"]) ^ set(lin.index))
    if missing:
        raise Refused(f"admin_units.csv and {NAME_CODES_FILE} disagree on pre-2025 codes {missing}")
    geoms = shapely.make_valid(joined.geometry.to_numpy())
    geoms = shapely.coverage_simplify(geoms, TOLERANCE)
    out = gpd.GeoDataFrame({"code": joined["gso_code_pre2025"].to_numpy(),
                            "province": lin.loc[joined["gso_code_pre2025"], "old_province"].to_numpy()},
                           geometry=geoms, crs="EPSG:4326")
    return out.sort_values("code").reset_index(drop=True)


def provinces34(data_dir: str | Path, *, layer63: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """Return the 34 provinces since 1 Jul 2025: ``code`` (official 2025 code),
    ``province`` (name as in ``admin_units.csv``), ``geometry`` (the union of the
    simplified pre-2025 provinces it holds). Raises Refused as :func:`provinces63`."""
    p63 = provinces63(data_dir) if layer63 is None else layer63
    lin = lineage(data_dir).set_index("code_before_2025")
    frame = p63.assign(new_code=lin.loc[p63["code"], "code"].to_numpy(),
                       new_province=lin.loc[p63["code"], "province"].to_numpy())
    out = frame.dissolve(by=["new_code", "new_province"], as_index=False)[["new_code", "new_province", "geometry"]]
    out = out.rename(columns={"new_code": "code", "new_province": "province"})
    return out.sort_values("code").reset_index(drop=True)


def _round(geom):
    return shapely.transform(geom, lambda xy: np.round(xy, DECIMALS))


def to_geojson(layer: gpd.GeoDataFrame, *, description: str) -> bytes:
    """Return ``layer`` as GeoJSON bytes: one feature per row in code order, properties
    ``code`` and ``province``, coordinates rounded to :data:`DECIMALS` places, the
    attribution and licence at the top. Identical layers give identical bytes."""
    features = []
    for _i, r in layer.sort_values("code").iterrows():
        geom = json.loads(shapely.to_geojson(_round(r.geometry)))
        features.append({"type": "Feature", "properties": {"code": r["code"], "province": r["province"]},
                         "geometry": geom})
    doc = {"type": "FeatureCollection", "name": description, "attribution": ATTRIBUTION,
           "license": "CC-BY-SA-4.0", "license_url": LICENCE_URL, "features": features}
    return (json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def derive(data_dir: str | Path) -> dict[str, bytes]:
    """Return the bytes of both derived layers by file name (nothing written)."""
    p63 = provinces63(data_dir)
    p34 = provinces34(data_dir, layer63=p63)
    return {
        LAYER_63: to_geojson(p63, description="Vietnam, 63 provinces before 1 Jul 2025 (simplified)"),
        LAYER_34: to_geojson(p34, description="Vietnam, 34 provinces from 1 Jul 2025 (dissolved along "
                                              "Resolution 202/2025/QH15; simplified)"),
    }


def build(data_dir: str | Path) -> list[Path]:
    """Derive both layers from the raw file and write them into ``data_dir``/geo (each
    replaced whole). Returns the paths written. Raises Refused as :func:`provinces63`."""
    out = []
    for name, content in derive(data_dir).items():
        path = geo_dir(data_dir) / name
        atomic_write(path, lambda p, c=content: p.write_bytes(c))
        out.append(path)
    return out


def read_layer(data_dir: str | Path, which: int = 34) -> gpd.GeoDataFrame:
    """Return the shipped layer of 34 (or 63) provinces: ``code``, ``province``,
    ``geometry``. Raises Refused when the file is missing (run ``analysis geo build``)."""
    path = geo_dir(data_dir) / (LAYER_34 if which == 34 else LAYER_63)
    if not path.exists():
        raise Refused(f"{path}: missing; run `analysis geo build`")
    layer = gpd.read_file(path)
    layer["code"] = layer["code"].astype(str)
    return layer[["code", "province", "geometry"]].set_crs("EPSG:4326", allow_override=True)
