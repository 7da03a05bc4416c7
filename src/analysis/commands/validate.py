"""``analysis validate``: check every file in the data folder."""

from __future__ import annotations

import sys

from analysis import config, data

NAME = "validate"
HELP = "Check the data folder; exit 0 when valid, 2 with one line per problem otherwise."


def add_arguments(parser) -> None:
    pass


def run(args) -> int:
    folder = config.resolve_data_dir(args.data)
    problems = data.validate(folder)
    if problems:
        print(f"{len(problems)} problem(s) in {folder}:", file=sys.stderr)
        for p in problems:
            print(str(p), file=sys.stderr)
        return 2
    ds = data.load(folder)
    print(f"{folder}: valid. {len(ds.observations)} observations of {ds.observations['indicator'].nunique()} "
          f"indicators for {len(ds.provinces_with_data())} provinces; {len(ds.sources)} sources, "
          f"{len(ds.policies)} policies, {len(ds.admin_units)} administrative units.")
    return 0
