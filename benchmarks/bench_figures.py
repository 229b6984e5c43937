"""Benchmark of the report's SVG figures (``outcomes.report._figures``): mean time per chart and
typical size, for each kind of chart.

Run from the repository root::

    python benchmarks/bench_figures.py            # 1,000 calls of each kind
    python benchmarks/bench_figures.py --calls 5000

Inputs are built beforehand from a fixed seed, so only drawing is timed. Each kind runs
three rounds of ``--calls`` calls and the fastest round is reported (the others are mostly
noise from the machine). The last line estimates a full run of the annual reports: 56
indicators x 32 councils x (trend + rank + sparkline).
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from outcomes.report._figures import funnel_chart, rank_chart, sparkline, trend_chart

COUNCILS = [
    "Aberdeen City", "Aberdeenshire", "Angus", "Argyll and Bute", "City of Edinburgh",
    "Clackmannanshire", "Dumfries and Galloway", "Dundee City", "East Ayrshire",
    "East Dunbartonshire", "East Lothian", "East Renfrewshire", "Falkirk", "Fife",
    "Glasgow City", "Highland", "Inverclyde", "Midlothian", "Moray", "Na h-Eileanan Siar",
    "North Ayrshire", "North Lanarkshire", "Orkney Islands", "Perth and Kinross",
    "Renfrewshire", "Scottish Borders", "Shetland Islands", "South Ayrshire",
    "South Lanarkshire", "Stirling", "West Dunbartonshire", "West Lothian",
]  # fmt: skip
PERIODS = [f"{year}-{(year + 1) % 100:02d}" for year in range(2014, 2024)]


def trend_inputs(rng: random.Random) -> dict[str, Any]:
    values = [60 + 1.5 * i + rng.uniform(-2, 2) for i in range(len(PERIODS))]
    return {
        "chart_id": "sw1-fife-trend", "title": "Adults who feel safe, Fife",
        "description": "Rose from 60% to 75% over ten years.", "periods": PERIODS,
        "values": values, "lower": [v - 4 for v in values], "upper": [v + 4 for v in values],
        "area_label": "Fife", "scotland": [65 + 0.8 * i for i in range(len(PERIODS))],
        "family_group": [63.0 + i for i in range(len(PERIODS))], "unit": "% of adults",
    }  # fmt: skip


def rank_inputs(rng: random.Random) -> dict[str, Any]:
    values = sorted(rng.uniform(50, 90) for _ in COUNCILS)
    return {
        "chart_id": "sw1-fife-rank", "title": "Adults who feel safe, 2023-24",
        "description": "Fife is 14th of 32.", "areas": COUNCILS, "values": values,
        "lower": [v - 5 for v in values], "upper": [v + 5 for v in values],
        "highlight": "Fife", "scotland": 72.0, "unit": "% of adults", "higher_is_better": True,
    }  # fmt: skip


def sparkline_inputs(rng: random.Random) -> dict[str, Any]:
    values = [60 + 1.5 * i + rng.uniform(-2, 2) for i in range(len(PERIODS))]
    return {"values": values, "label": "Adults who feel safe: up from 60% to 75%"}


def funnel_inputs(rng: random.Random) -> dict[str, Any]:
    target = 0.7
    sizes = [rng.uniform(50, 2000) for _ in COUNCILS]
    values = [100 * (target + 1.6 * rng.gauss(0, math.sqrt(0.21 / n))) for n in sizes]
    curve = [40.0 * k for k in range(1, 51)]

    def limits(z: float) -> tuple[list[float], list[float]]:
        spread = [100 * z * math.sqrt(0.21 / n) for n in curve]
        return [70 - s for s in spread], [70 + s for s in spread]

    return {
        "chart_id": "sw1-funnel", "title": "Adults who feel safe", "description": "Funnel.",
        "denominators": sizes, "values": values, "labels": COUNCILS, "target": 70.0,
        "curve_denominators": curve, "limits": {"95%": limits(1.96), "99.8%": limits(3.09)},
        "outside": COUNCILS[:3], "highlight": "Fife", "unit": "%",
    }  # fmt: skip


KINDS: dict[str, tuple[Callable[..., str], Callable[[random.Random], dict[str, Any]]]] = {
    "trend_chart": (trend_chart, trend_inputs),
    "rank_chart": (rank_chart, rank_inputs),
    "sparkline": (sparkline, sparkline_inputs),
    "funnel_chart": (funnel_chart, funnel_inputs),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20250605)
    options = parser.parse_args()
    rng = random.Random(options.seed)
    means: dict[str, float] = {}
    print(f"{'chart':<14}{'ms per chart':>14}{'median bytes':>14}{'min-max bytes':>16}")
    for name, (draw, inputs) in KINDS.items():
        calls = [inputs(rng) for _ in range(options.calls)]
        rounds = []
        for _ in range(3):
            start = time.perf_counter()
            charts = [draw(**arguments) for arguments in calls]
            rounds.append((time.perf_counter() - start) / options.calls)
        means[name] = min(rounds)
        sizes = [len(chart.encode()) for chart in charts]
        print(
            f"{name:<14}{1e3 * means[name]:>14.3f}{statistics.median(sizes):>14.0f}"
            f"{f'{min(sizes)}-{max(sizes)}':>16}"
        )
    per_report = 56 * (means["trend_chart"] + means["rank_chart"] + means["sparkline"])
    print(f"56 indicators x 32 councils x 3 charts: {32 * per_report:.2f} s on one core")


if __name__ == "__main__":
    main()
