"""Benchmark: `analysis pack` cold and warm against a sequential loop of papermill CLI calls.

Uses the runs of packs/default.yaml (or --params FILE). Three timings, side by side in
one session on the same machine:

* loop  - a shell script with one `papermill` command per run, executed in sequence
          (what a cron job without the pack runner would do; no HTML, no manifest);
* cold  - `analysis pack --no-cache` into an empty folder (parallel kernels, HTML, index);
* warm  - `analysis pack` again, nothing changed (every run reused from the cache);
          also as `python -m analysis.commands.pack` (the same command without the
          other subcommands' imports) and in-process (`analysis.pack.build`), to
          separate the start-up of the `analysis` command itself.

Goals on the 2-core development machine: cold <= 0.35 x loop; warm < 1 s.
Prints a table and writes benchmarks/results/bench_pack.json.

    .venv/bin/python benchmarks/bench_pack.py [--params FILE] [--jobs N]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
RESULTS = REPO / "benchmarks" / "results"


def timed(cmd, **kw) -> tuple[float, int]:
    t = time.perf_counter()
    rc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw).returncode
    return time.perf_counter() - t, rc


def loop_script(spec, out: Path, data_dir: str | None) -> str:
    from analysis import config

    lines = ["set -u", "status=0"]
    for run in spec.runs:
        params = dict(run.parameters)
        if "data_dir" in run.spec_names:
            params["data_dir"] = data_dir or str(config.DATA_DIR)
        params["output_dir"] = str(out / "figures")
        cmd = [str(BIN / "papermill"), str(run.notebook), str(out / f"{run.name}.ipynb"), "-k", config.KERNEL_NAME,
               "--cwd", str(run.notebook.parent), "-y", json.dumps(params, ensure_ascii=False), "--no-progress-bar"]
        lines.append(" ".join(shlex.quote(c) for c in cmd) + " || status=1")
    lines.append("exit $status")
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--params", default=str(REPO / "packs" / "default.yaml"))
    ap.add_argument("--jobs", type=int, default=None)
    ap.add_argument("--data", default=None)
    args = ap.parse_args()

    sys.path.insert(0, str(REPO / "src"))
    from analysis import pack
    from analysis.pack import spec as pack_spec

    spec = pack_spec.load(args.params, args.data)
    work = Path(tempfile.mkdtemp(prefix="bench-pack-"))
    try:
        script = work / "loop.sh"
        script.write_text(loop_script(spec, work / "loop", args.data), encoding="utf-8")
        (work / "loop").mkdir()
        loop_s, loop_rc = timed(["bash", str(script)])

        cmd = [str(BIN / "analysis"), "pack", "--quiet", "--params", args.params, "--out", str(work / "packs")]
        cmd += ["--jobs", str(args.jobs)] if args.jobs else []
        cmd += ["--data", args.data] if args.data else []
        cold_s, cold_rc = timed(cmd + ["--no-cache"])
        latest = work / "packs" / "latest" / "timings.json"

        def all_cached() -> bool:
            runs = json.loads(latest.read_text())["runs"].values()
            return all(r["cached"] for r in runs)

        # In a shared working tree someone may edit src/analysis between the cold and the
        # warm build, which rightly invalidates the cache: repeat the warm build then.
        for _ in range(3):
            warm_s, warm_rc = timed(cmd)
            if all_cached():
                break
            print("(inputs changed during the benchmark: warm build repeated)")
        light = [sys.executable, "-m", "analysis.commands.pack"] + cmd[2:]
        warm_light_s, warm_light_rc = timed(light)
        t = time.perf_counter()
        result = pack.build(args.params, work / "packs", args.data, jobs=args.jobs, progress=False)
        warm_inproc_s = time.perf_counter() - t
        cached = sum(r["cached"] for r in result.timings["runs"].values())
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "from analysis import cli; cli.build_parser()"], check=False)
        cli_startup_s = time.perf_counter() - t
    finally:
        shutil.rmtree(work, ignore_errors=True)

    n = len(spec.runs)
    rows = [
        ("papermill CLI loop (sequential)", loop_s, loop_rc, "1.00"),
        (f"analysis pack, cold (--jobs {args.jobs or os.cpu_count()})", cold_s, cold_rc, f"{cold_s / loop_s:.2f}"),
        ("analysis pack, warm (all cached)", warm_s, warm_rc, f"{warm_s / loop_s:.3f}"),
        ("  warm, python -m analysis.commands.pack", warm_light_s, warm_light_rc, f"{warm_light_s / loop_s:.3f}"),
        ("  warm, in-process pack.build()", warm_inproc_s, 0, f"{warm_inproc_s / loop_s:.3f}"),
        ("  `analysis` start-up alone (all commands)", cli_startup_s, 0, ""),
    ]
    print(f"\nbench_pack: {n} runs from {Path(args.params).name}, {os.cpu_count()} cores\n")
    print(f"{'what':<42} {'seconds':>8} {'exit':>5} {'x loop':>7}")
    for what, s, rc, ratio in rows:
        print(f"{what:<42} {s:>8.2f} {rc:>5} {ratio:>7}")
    goals = {"cold_ratio_max": 0.35, "warm_seconds_max": 1.0}
    print(f"\ngoal cold <= {goals['cold_ratio_max']} x loop: {'met' if cold_s / loop_s <= 0.35 else 'NOT met'}; "
          f"goal warm < 1 s: {'met' if warm_s < 1 else 'NOT met'} via `analysis pack`, "
          f"{'met' if warm_light_s < 1 else 'NOT met'} via `python -m analysis.commands.pack`; "
          f"warm reused {cached}/{n} runs")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = {
        "benchmark": "bench_pack", "runs": n, "params": args.params, "cores": os.cpu_count(),
        "python": platform.python_version(), "jobs": args.jobs or os.cpu_count(),
        "loop_seconds": round(loop_s, 3), "loop_exit": loop_rc,
        "cold_seconds": round(cold_s, 3), "cold_exit": cold_rc, "cold_ratio": round(cold_s / loop_s, 3),
        "warm_seconds": round(warm_s, 3), "warm_exit": warm_rc,
        "warm_module_seconds": round(warm_light_s, 3), "warm_module_exit": warm_light_rc,
        "warm_inprocess_seconds": round(warm_inproc_s, 3), "warm_cached_runs": cached,
        "cli_startup_seconds": round(cli_startup_s, 3), "goals": goals,
        "load_average_1min": os.getloadavg()[0],
    }
    (RESULTS / "bench_pack.json").write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(f"written {RESULTS / 'bench_pack.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
