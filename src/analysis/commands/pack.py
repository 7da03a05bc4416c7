"""``analysis pack``: run the report notebooks over a parameter grid and publish a figure pack."""

from __future__ import annotations

from .. import config, pack

NAME = "pack"
HELP = "Run the notebooks of a parameter file with papermill and publish the figure pack."


def add_arguments(parser) -> None:
    parser.add_argument("--params", default=str(config.PACKS_PARAMS_DIR / "default.yaml"),
                        help="YAML file naming the notebooks and their parameter grids")
    parser.add_argument("--out", default=None, help="root folder of packs (default: figures/)")


def run(args) -> int:
    dest, records = pack.build(args.params, args.out, args.data)
    failed = [r for r in records if r["status"] != "ok"]
    print(f"pack written to {dest}: {len(records)} runs, {len(failed)} failed")
    return 1 if failed else 0
