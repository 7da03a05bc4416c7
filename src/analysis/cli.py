"""The ``analysis`` command: one subcommand per module in ``analysis.commands``.

Exit status: 0 success; 1 a run finished but something in it failed (e.g. a notebook in
a pack); 2 bad input (data problems with file, row, column and reason; unknown province;
bad parameters; a request the data cannot support); 3 another pack build holds the lock.
Data problems never print a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from analysis.errors import DataError, Refused, UnknownProvinceError
from analysis.errors import ParameterError

#: Command name -> module in analysis.commands, in the order ``analysis --help`` lists them.
COMMANDS = {
    "validate": "validate",
    "growth": "growth",
    "effect": "effect",
    "power": "power",
    "simulate-panel": "simulate_panel",
    "compare": "compare",
    "policy-effect": "policy_effect",
    "portal": "portal",
    "pack": "pack",
    "geo": "geo",
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """Return the argument parser with every subcommand, or just ``only``.

    Importing a subcommand imports what it needs (pandas, statsmodels, papermill), so a
    run of one command registers only that one: ``analysis pack`` on a warm cache then
    starts in a fraction of a second.
    """
    parser = argparse.ArgumentParser(
        prog="analysis",
        description="Online public services in Vietnamese provinces: data checks, models and figure packs.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, module in COMMANDS.items():
        if only is not None and name != only:
            continue
        mod = importlib.import_module(f"analysis.commands.{module}")
        p = sub.add_parser(mod.NAME, help=mod.HELP, description=mod.HELP)
        p.add_argument("--data", metavar="DIR", default=None,
                       help="data folder to read (default: the shipped data/)")
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status (also used by the console script)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    first = next((a for a in argv if not a.startswith("-")), None)
    args = build_parser(first if first in COMMANDS else None).parse_args(argv)
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
