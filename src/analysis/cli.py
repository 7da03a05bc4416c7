"""The ``analysis`` command: one subcommand per module in ``analysis.commands``.

Exit status: 0 success; 1 a run finished but something in it failed (e.g. a notebook in
a pack); 2 bad input (data problems with file, row, column and reason; unknown province;
bad parameters; a request the data cannot support). Data problems never print a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from .data import DataError, UnknownProvinceError
from .errors import Refused
from .params import ParameterError

#: Subcommand modules in the order ``analysis --help`` lists them. A module missing from
#: this installation is skipped, so the list can name commands still being built.
COMMANDS = ("validate", "growth", "effect", "power", "simulate_panel", "compare", "pack")


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every available subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="analysis",
        description="Online public services in Vietnamese provinces: data checks, models and figure packs.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        try:
            mod = importlib.import_module(f"analysis.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"analysis.commands.{name}":
                continue
            raise
        p = sub.add_parser(mod.NAME, help=mod.HELP, description=mod.HELP)
        p.add_argument("--data", metavar="DIR", default=None,
                       help="data folder to read (default: the shipped data/)")
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status (also used by the console script)."""
    args = build_parser().parse_args(argv)
    try:
        return int(args._run(args) or 0)
    except DataError as exc:
        print(f"{len(exc.problems)} problem(s) in the data:", file=sys.stderr)
        for p in exc.problems:
            print(str(p), file=sys.stderr)
        return 2
    except (UnknownProvinceError, ParameterError, Refused) as exc:
        print(f"analysis {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
