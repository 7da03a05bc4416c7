"""``analysis geo build``: derive the province boundary layers from the raw file."""

from __future__ import annotations

from analysis import config
from analysis.data import geo

NAME = "geo"
HELP = ("Province boundaries: `analysis geo build` rewrites data/geo/provinces34.geojson and "
        "provinces63.geojson from the raw TopoJSON and admin_units.csv.")


def add_arguments(parser) -> None:
    parser.add_argument("action", choices=["build"], help="build: derive both layers and write them")


def run(args) -> int:
    folder = config.resolve_data_dir(args.data)
    for path in geo.build(folder):
        print(path)
    return 0
