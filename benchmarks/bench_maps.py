"""Benchmark: the boundaries and the maps.

Times, on this machine: deriving both boundary layers from the raw TopoJSON
(``analysis geo build`` without writing), reading the shipped 34-province layer, drawing
and saving one choropleth of the national overview (PNG + SVG + CSV + TXT), and one
scorecard locator map. Prints a table and writes benchmarks/results/bench_maps.json. No
goal is asserted; a pack draws 7 maps per language in notebook 08 and one per scorecard.

    .venv/bin/python benchmarks/bench_maps.py
"""

from __future__ import annotations

import json
import os
import platform
import tempfile
import time
from pathlib import Path

import matplotlib.pyplot as plt

from analysis import config, data, i18n
from analysis.data import geo
from analysis.models import national
from analysis.models import scorecard as scorecard_model
from analysis.reports import maps, scorecard
from analysis.reports.national import figures

RESULTS = Path(__file__).resolve().parent / "results"


def timed(fn, repeat=3):
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
        plt.close("all")
    return best, out


def main() -> int:
    i18n.set_language("vi")
    ds = data.load()
    ov = national.build(ds)
    card = scorecard_model.build(ds, "Nghệ An")
    load_before = os.getloadavg()
    rows = {}
    with tempfile.TemporaryDirectory() as out:
        rows["derive both layers from the raw TopoJSON (s)"] = timed(lambda: geo.derive(config.DATA_DIR))[0]
        rows["read the 34-province layer (s)"], layer = timed(lambda: geo.read_layer(config.DATA_DIR))

        def choropleth():
            fig, d, cap, alt = figures.map_figure(ov, layer)
            return maps.save(fig, "bench_map", out, caption=cap, alt_text=alt, data=d)

        def locator():
            fig, cap, alt = scorecard.locator_figure(card, layer)
            return maps.save(fig, "bench_locator", out, caption=cap, alt_text=alt)

        rows["one choropleth drawn and saved (s)"] = timed(choropleth)[0]
        rows["one locator map drawn and saved (s)"] = timed(locator)[0]
    width = max(map(len, rows))
    for k, v in rows.items():
        print(f"{k:<{width}}  {v:8.3f}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "bench_maps.json").write_text(json.dumps(
        {"rows": rows, "machine": platform.platform(), "cpus": os.cpu_count(),
         "load_before": load_before, "load_after": os.getloadavg()}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
