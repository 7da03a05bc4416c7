"""``analysis pack``: run the report notebooks over a parameter grid and publish a figure pack.

Exit status: 0 every run succeeded; 1 at least one run failed (the others still ran and
the pack was published with the failure shown); 2 bad parameter file, parameters or data
(nothing ran); 3 another pack build holds the lock on the output folder; 130 interrupted
(the previously published pack is left as it was).
"""

from __future__ import annotations

import sys

from .. import config

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
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def run(args) -> int:
    from .. import pack  # imported here: `analysis --help` stays fast

    if args.jobs is not None and args.jobs < 1:
        from ..params import ParameterError
        raise ParameterError("pack", "--jobs", f"must be at least 1, got {args.jobs}")
    try:
        result = pack.build(args.params, args.out, args.data, jobs=args.jobs, timeout=args.timeout,
                            use_cache=not args.no_cache, wait=args.wait, progress=not args.quiet)
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
