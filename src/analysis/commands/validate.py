"""``analysis validate``: check every file in the data folder."""

from __future__ import annotations

import sys

from analysis import config, data, i18n
from analysis.i18n import _

NAME = "validate"
HELP = "Check the data folder; exit 0 when valid, 2 with one line per problem otherwise."


def add_arguments(parser) -> None:
    i18n.add_lang_argument(parser)


def run(args) -> int:
    i18n.set_language(getattr(args, "lang", i18n.DEFAULT_LANG))
    folder = config.resolve_data_dir(args.data)
    problems = data.validate(folder)
    if problems:
        print(f"{len(problems)} problem(s) in {folder}:", file=sys.stderr)
        for p in problems:
            print(str(p), file=sys.stderr)
        return 2
    ds = data.load(folder)
    print(_("{folder}: valid. {n} observations of {k} indicators for {p} provinces; {s} sources, {pol} policies, "
            "{units} administrative units.").format(
        folder=folder, n=i18n.integer(len(ds.observations)), k=ds.observations["indicator"].nunique(),
        p=len(ds.provinces_with_data()), s=len(ds.sources), pol=len(ds.policies), units=i18n.integer(len(ds.admin_units))))
    return 0
