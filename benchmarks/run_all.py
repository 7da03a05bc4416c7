"""Run every benchmarks/bench_*.py in turn (what `make benchmark` calls).

Each script prints its own table and writes JSON to benchmarks/results/. Exit status 1
if any script failed; the others still run.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    failed = []
    for script in scripts:
        print(f"=== {script.name}", flush=True)
        t = time.perf_counter()
        rc = subprocess.run([sys.executable, str(script)], cwd=HERE.parent).returncode
        print(f"=== {script.name}: exit {rc}, {time.perf_counter() - t:.1f} s\n", flush=True)
        if rc:
            failed.append(script.name)
    print(f"{len(scripts)} benchmark(s) run; failed: {', '.join(failed) or 'none'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
