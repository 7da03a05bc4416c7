"""``analysis pack``: run the report notebooks over a parameter grid and publish a figure pack.

Also runnable as ``python -m analysis.commands.pack`` (same options and exit statuses):
that entry point imports only what the pack runner needs, so a scheduled run whose
inputs did not change finishes in well under a second.

Exit status: 0 every run succeeded; 1 at least one run failed (the others still ran and
the pack was published with the failure shown); 2 bad parameter file, parameters or data
(nothing ran); 3 another pack build holds the lock on the output folder; 130 interrupted
(the previously published pack is left as it was).
"""

from __future__ import annotations

import sys

from analysis import config

NAME = "pack"
HELP = "Run the notebooks of a parameter file with papermill and publish the figure pack."

EXIT_FAILED_RUN = 1
EXIT_BUSY = 3
EXIT_INTERRUPTED = 130


def add_arguments(parser) -> None:
    parser.add_argument("--params", default=str(config.PACKS_PARAMS_DIR / "default.yaml"), metavar="FILE",
                        help="YAML file naming the notebooks and their parameter grids (default: packs/default.yaml)")
    parser.add_argument("--out", default=None, metavar="DIR",
                        help="root folder of packs: DIR/packs/NAME and DIR/latest (default: figures/)")
    parser.add_argument("--jobs", type=int, default=None, metavar="N",
                        help="notebooks run in parallel (default: the number of cores)")
    parser.add_argument("--timeout", type=float, default=None, metavar="S",
                        help="seconds any one cell may run, for runs whose entry sets no timeout (default 900)")
    parser.add_argument("--no-cache", action="store_true",
                        help="execute every run, even those unchanged since the previous pack")
    parser.add_argument("--wait", action="store_true",
                        help="wait for another build on the same folder to end instead of refusing (exit 3)")
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS|local",
                        help="run the notebooks on a dask.distributed cluster: the scheduler's address "
                             "(tcp://HOST:8786), or 'local' to start a LocalCluster of --jobs workers here "
                             "(default: the local process pool)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def run(args) -> int:
    from analysis import pack  # imported here: `analysis --help` stays fast

    if args.jobs is not None and args.jobs < 1:
        from analysis.errors import ParameterError
        raise ParameterError("pack", "--jobs", f"must be at least 1, got {args.jobs}")
    try:
        result = pack.build(args.params, args.out, args.data, jobs=args.jobs, timeout=args.timeout,
                            use_cache=not args.no_cache, wait=args.wait, progress=not args.quiet,
                            scheduler=args.scheduler)
    except pack.PackBusy as exc:
        print(f"analysis pack: {exc}", file=sys.stderr)
        return EXIT_BUSY
    except KeyboardInterrupt:
        print("analysis pack: interrupted; the previous pack is unchanged", file=sys.stderr)
        return EXIT_INTERRUPTED
    cached = sum(t["cached"] for t in result.timings["runs"].values())
    print(f"pack written to {result.path}: {len(result.records)} runs "
          f"({cached} reused from the previous pack), {len(result.failed)} failed")
    for r in result.failed:
        print(f"  FAILED {r['name']}: {r['error']} (log: {result.path / r['log']})", file=sys.stderr)
    return EXIT_FAILED_RUN if result.failed else 0


def main(argv: list[str] | None = None) -> int:
    """Run ``analysis pack`` without the other subcommands' imports; return the exit status."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m analysis.commands.pack", description=HELP)
    parser.add_argument("--data", metavar="DIR", default=None, help="data folder to read (default: the shipped data/)")
    add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        return run(args)
    except Exception as exc:  # the same bad-input statuses and messages as analysis.cli
        from analysis.data import DataError, UnknownProvinceError
        from analysis.errors import Refused
        from analysis.errors import ParameterError

        if isinstance(exc, DataError):
            print(f"{len(exc.problems)} problem(s) in the data:", file=sys.stderr)
            for p in exc.problems:
                print(str(p), file=sys.stderr)
            return 2
        if isinstance(exc, (UnknownProvinceError, ParameterError, Refused)):
            print(f"analysis pack: {exc}", file=sys.stderr)
            return 2
        raise


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
