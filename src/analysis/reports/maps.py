"""Maps of Vietnam: choropleths of a per-province value and locator maps, both through one
function (:func:`new_map`) that always adds the two archipelagos.

Vietnamese practice, and the law for maps published in Vietnam, require Hoàng Sa and
Trường Sa to be shown and labelled on every map of the country. The islands are in the
boundary data (in Đà Nẵng and Khánh Hòa) but are tens of metres across: at the scale of a
page they vanish. So every map gets an inset of the East Sea at a larger scale, where each
archipelago's islands are drawn in their province's colour, marked and labelled
(vi "Quần đảo Hoàng Sa", en "Hoang Sa (Paracel) Islands"). :func:`missing_archipelagos`
inspects a drawn figure and names what is missing; :func:`save` refuses to write a map of
Vietnam without them, and the tests plant a map drawn without them to show the check fails.

Palette: matplotlib's ``cividis`` (designed for colour-vision deficiency, and its lightness
rises steadily, so it reads in greyscale). Every map credits its boundary data under its
licence (:func:`boundary_credit`), drawn beside the map through :func:`plotting.finish`.
"""

from __future__ import annotations

import textwrap

import matplotlib as mpl
import numpy as np
import pandas as pd
import shapely

from analysis import i18n
from analysis.data import geo
from analysis.i18n import N_, _
from analysis.reports import plotting

CMAP = "cividis"
NO_DATA = "#DDDDDD"
EDGE = "#FFFFFF"
HIGHLIGHT = plotting.PALETTE[3]
#: The label of each archipelago (English source; vi from the catalog, as Vietnamese maps write it).
ARCHIPELAGO_LABELS = {
    "hoang_sa": N_("Hoang Sa (Paracel) Islands"),
    "truong_sa": N_("Truong Sa (Spratly) Islands"),
}
#: Where each label is written in the inset (lon, lat, vertical alignment): clear of the islands.
LABEL_AT = {"hoang_sa": (112.2, 15.5, "top"), "truong_sa": (114.0, 12.0, "bottom")}
#: Both languages' labels: a map in either language passes :func:`missing_archipelagos`.
_ALL_LABELS = {key: {i18n.gettext(lab, lang) for lang in i18n.LANGS} for key, lab in ARCHIPELAGO_LABELS.items()}
#: The mainland frame and the inset's (lon0, lat0, lon1, lat1).
MAINLAND = (102.0, 8.3, 110.0, 23.5)
SEA = (110.6, 6.5, 117.4, 17.6)
MAP_GID = "vietnam-map"
PROVINCE_LABEL = "province-label"
#: Official codes of the six centrally-run cities (Hà Nội, Hải Phòng, Huế, Đà Nẵng, Hồ Chí
#: Minh, Cần Thơ): their names are placed first, so a crowded delta keeps them.
CITY_CODES = ("01", "31", "46", "48", "79", "92")


def boundary_credit() -> str:
    """Return the boundary data's credit sentence in the current language (source and licence)."""
    return _("Boundaries: {attribution} (changes: simplified; 34 provinces dissolved along Resolution "
             "202/2025/QH15); maps under the same licence.").format(attribution=geo.ATTRIBUTION)


def _island_parts(layer, key: str):
    arch = geo.ARCHIPELAGOS[key]
    geom = layer.set_index("province").loc[arch["province"], "geometry"]
    box = shapely.box(*arch["box"])
    return [p for p in shapely.get_parts(geom) if p.intersects(box)]


def _draw_layer(ax, layer, colours: list, edge: str = EDGE, lw: float = 0.4) -> None:
    layer.plot(ax=ax, color=colours, edgecolor=edge, linewidth=lw)


def _add_archipelagos(fig, ax, layer, colours: dict[str, str], inset_rect) -> object:
    """Draw the East Sea inset with both archipelagos marked and labelled; return the inset axes."""
    inset = ax.inset_axes(inset_rect)
    inset.set_gid(MAP_GID + "-sea")
    for key, arch in geo.ARCHIPELAGOS.items():
        parts = _island_parts(layer, key)
        colour = colours.get(arch["province"], NO_DATA)
        for part in parts:
            xs, ys = part.exterior.xy
            inset.fill(xs, ys, color=colour, edgecolor="#333333", linewidth=0.3)
        # The islets are too small to see even here: a ring marks each one.
        cx = [p.representative_point().x for p in parts]
        cy = [p.representative_point().y for p in parts]
        inset.scatter(cx, cy, s=6, facecolors=colour, edgecolors="#333333", linewidths=0.3, zorder=3)
        lon, lat, va = LABEL_AT[key]
        small = fig.get_size_inches()[0] < 6
        inset.text(lon, lat, "\n".join(textwrap.wrap(_(ARCHIPELAGO_LABELS[key]), 12 if small else 18)), ha="center",
                   va=va, fontsize=5.5 if small else 7, color="#222222", gid=f"archipelago-{key}")
    inset.set_xlim(SEA[0], SEA[2])
    inset.set_ylim(SEA[1], SEA[3])
    inset.set_aspect(1 / np.cos(np.radians(12)))
    inset.set_xticks([])
    inset.set_yticks([])
    inset.set_facecolor("#F4F8FB")
    for spine in inset.spines.values():
        spine.set_edgecolor("#888888")
        spine.set_linewidth(0.6)
    return inset


def new_map(layer, colours: dict[str, str], *, figsize=(7.2, 9.0), inset_rect=(0.64, 0.04, 0.42, 0.56)):
    """Return (fig, ax): the provinces of ``layer`` filled with ``colours`` (province ->
    colour; grey where missing), in the house style, with the archipelagos' inset. The one
    way every map of Vietnam in the toolkit is drawn."""
    fig, ax = plotting.new_figure(figsize=figsize)
    fills = [colours.get(p, NO_DATA) for p in layer["province"]]
    _draw_layer(ax, layer, fills)
    ax.set_xlim(MAINLAND[0], MAINLAND[2] + 5.6)
    ax.set_ylim(MAINLAND[1], MAINLAND[3])
    ax.set_aspect(1 / np.cos(np.radians(16)))
    ax.set_axis_off()
    # No hidden tick or axis labels left behind (geopandas names the axes by the CRS):
    # a layout check that measures every text would otherwise find them.
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_gid(MAP_GID)
    ax.set_anchor("NW")
    # finish() sets the top and bottom margins; the map uses the whole width.
    fig.subplots_adjust(left=0.02, right=0.98)
    _add_archipelagos(fig, ax, layer, colours, inset_rect)
    return fig, ax


def _label_provinces(ax, layer, min_area: float, fontsize: float) -> None:
    """Write each province's name where it fits (its area at least ``min_area`` square
    degrees), at a point inside it; the rest are left to the table beside the map."""
    mainland = [max(shapely.get_parts(g), key=lambda p: p.area) for g in layer.geometry]
    # The centrally-run cities first, then the largest: when two names collide, the later
    # (smaller) province's is the one dropped.
    for i in sorted(range(len(layer)), key=lambda i: (layer["code"].iloc[i] not in CITY_CODES, -mainland[i].area,
                                                      layer["code"].iloc[i])):
        if mainland[i].area < min_area:
            continue
        pt = mainland[i].representative_point()
        ax.text(pt.x, pt.y, layer["province"].iloc[i], ha="center", va="center", fontsize=fontsize,
                color="#111111", gid=PROVINCE_LABEL,
                bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.6})


def drop_colliding_labels(fig) -> int:
    """Remove each province name whose box overlaps a name drawn before it (the larger
    province's) or the inset; return how many were removed. Call once the layout is final
    (:func:`save` does)."""
    fig.draw_without_rendering()  # an equal-aspect map takes its final size only at draw time
    renderer = fig.canvas.get_renderer()
    removed = 0
    for ax in fig.axes:
        if ax.get_gid() != MAP_GID:
            continue
        kept = [child.get_tightbbox(renderer) for child in ax.child_axes]  # ticks and labels included
        for text in [t for t in ax.texts if t.get_gid() == PROVINCE_LABEL]:
            box = text.get_window_extent(renderer).expanded(1.05, 1.1)
            if any(box.overlaps(k) for k in kept):
                text.remove()
                removed += 1
            else:
                kept.append(box)
    return removed


def finish(fig, *, title: str, caption: str, subtitle: str | None = None, caption_width: int = 105) -> None:
    """Draw title, subtitle and caption through :func:`plotting.finish` (which sizes the
    margins by the measured text) and drop province names that collide
    (:func:`drop_colliding_labels`). The caption should end with :func:`boundary_credit`
    (:func:`save` checks)."""
    plotting.finish(fig, title=title, subtitle=subtitle, caption=caption, caption_width=caption_width)
    drop_colliding_labels(fig)  # the layout is final: names that now overlap go


def choropleth(layer, values: pd.Series, *, vmin: float, vmax: float, legend: str, label_min_area: float = 0.0):
    """Return (fig, ax): ``values`` (province -> index points) on the 34 provinces in
    ``cividis`` between ``vmin`` and ``vmax``, a colour bar labelled ``legend``, province
    names where they fit, both archipelagos; provinces without a value in grey."""
    norm = mpl.colors.Normalize(vmin=vmin, vmax=vmax)
    cmap = mpl.colormaps[CMAP]
    colours = {p: mpl.colors.to_hex(cmap(norm(v))) for p, v in values.dropna().items()}
    fig, ax = new_map(layer, colours)
    _label_provinces(ax, layer, label_min_area, 5.5)
    cax = ax.inset_axes((0.66, 0.86, 0.36, 0.025))
    bar = fig.colorbar(mpl.cm.ScalarMappable(norm=norm, cmap=cmap), cax=cax, orientation="horizontal")
    bar.set_label(legend, fontsize=8)
    bar.ax.tick_params(labelsize=7)
    bar.ax.xaxis.set_major_formatter(mpl.ticker.FuncFormatter(lambda x, _p: i18n.number(x, 1)))
    return fig, ax


def locator(layer, province: str, *, figsize=(4.2, 5.2)):
    """Return (fig, ax): a small map of the country with ``province`` highlighted and both
    archipelagos in the inset. Raises KeyError for a province not in ``layer``."""
    if province not in set(layer["province"]):
        raise KeyError(f"{province!r} is not a province of the boundary layer")
    colours = {p: ("#C9C9C9" if p != province else HIGHLIGHT) for p in layer["province"]}
    return new_map(layer, colours, figsize=figsize, inset_rect=(0.6, 0.02, 0.46, 0.6))


def _vertices_in(ax, box) -> bool:
    """Return whether any drawn patch or collection of ``ax`` has a vertex inside ``box``."""
    x0, y0, x1, y1 = box
    paths = [p.get_path().transformed(p.get_patch_transform()) for p in ax.patches]
    for coll in ax.collections:
        paths.extend(coll.get_paths())  # polygons: vertices in data coordinates
        off = np.asarray(coll.get_offsets())  # markers: positions in data coordinates
        if len(off) and np.any((off[:, 0] >= x0) & (off[:, 0] <= x1) & (off[:, 1] >= y0) & (off[:, 1] <= y1)):
            return True
    for path in paths:
        v = path.vertices
        if len(v) and np.any((v[:, 0] >= x0) & (v[:, 0] <= x1) & (v[:, 1] >= y0) & (v[:, 1] <= y1)):
            return True
    return False


def _is_vietnam(ax) -> bool:
    """Return whether ``ax`` draws a map of Vietnam: shapes with vertices both in the far
    north (Hà Giang, above 22.5°N) and the far south (Cà Mau, below 9°N) of the mainland."""
    return _vertices_in(ax, (102.0, 22.5, 106.5, 23.5)) and _vertices_in(ax, (104.4, 8.3, 105.5, 9.0))


def _all_axes(fig) -> list:
    """Return every axes of ``fig``, the insets (child axes, not in ``fig.axes``) included."""
    out, todo = [], list(fig.axes)
    while todo:
        ax = todo.pop(0)
        out.append(ax)
        todo.extend(ax.child_axes)
    return out


def missing_archipelagos(fig) -> list[str]:
    """Return the archipelagos (``hoang_sa``, ``truong_sa``) a map of Vietnam in ``fig``
    fails to show: shapes inside the archipelago's box, within an axes' view, and its
    label drawn. An empty list when every map shows both, or the figure holds no map."""
    every = _all_axes(fig)
    if not any(_is_vietnam(ax) for ax in every):
        return []
    texts = {t.get_text().replace("\n", " ") for ax in every for t in ax.texts}
    missing = []
    for key, arch in geo.ARCHIPELAGOS.items():
        lon, lat = arch["point"]
        seen = [ax for ax in every if _vertices_in(ax, arch["box"])
                and min(ax.get_xlim()) <= lon <= max(ax.get_xlim()) and min(ax.get_ylim()) <= lat <= max(ax.get_ylim())]
        if not seen or not (_ALL_LABELS[key] & texts):
            missing.append(key)
    return missing


def save(fig, name: str, out_dir, *, caption: str, alt_text: str, data: pd.DataFrame | None = None):
    """Save a map through :func:`plotting.save` after checking both archipelagos are on it.

    Returns the paths written. Raises ValueError (nothing written) when a map of Vietnam
    in ``fig`` lacks either archipelago or the boundary credit is not in ``caption``."""
    missing = missing_archipelagos(fig)
    if missing:
        raise ValueError(f"map {name} lacks the archipelagos {missing}: draw maps through analysis.reports.maps.new_map")
    if geo.ATTRIBUTION not in caption:
        raise ValueError(f"map {name}: the caption does not credit the boundary data ({geo.ATTRIBUTION})")
    drop_colliding_labels(fig)
    return plotting.save(fig, name, out_dir, caption=caption, alt_text=alt_text, data=data)
