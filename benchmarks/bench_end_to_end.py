"""End to end at national scale (issue 20): ``outcomes compute`` from the tidy dataset file
to the results file, CSV and Parquet, against the same core work done by hand in pandas,
Polars and DuckDB (``peers.py``), run in the same round and interleaved; each stage of the
command on its own; and ``compute`` against the bare numpy kernel (``bench_compute.py``),
paired in one process.

Run from the repository root::

    python benchmarks/bench_end_to_end.py                      # 0.4M, 2M and 14M rows
    python benchmarks/bench_end_to_end.py --areas 200 --runs 1 # one scale
    python benchmarks/bench_end_to_end.py --quick              # tiny: a smoke test

The inputs are the synthetic national dataset of ``bench_compute.py`` (deterministic),
written as files by ``national_files.py`` into ``--work`` (kept between runs: writing 14M
rows takes a minute). Every command runs in its own process; its peak memory is the
child's ``ru_maxrss``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from harness import (
    HERE,
    load_average,
    machine_line,
    measure,
    mib_text,
    run_command,
    run_stage,
    seconds_text,
    write_json,
    write_section,
)

#: Areas of the three scales: × 20 periods × 50 indicators × 2 items = 0.4M, 2M, 14M rows.
SCALES = (200, 1000, 7000)
PERIODS, INDICATORS = 20, 50
PEERS = ("pandas", "polars", "duckdb")
TARGETS = {"csv_seconds": 60.0, "parquet_seconds": 30.0, "peak_gib": 3.0, "kernel_ratio": 2.0}


def _scale(areas: int, periods: int, indicators: int) -> Any:
    from bench_compute import Scale  # imported only in the child processes: it is large

    return Scale(areas=areas, periods=periods, indicators=indicators)


def stage_pipeline(folder: Path) -> dict[str, Any]:
    """Each stage of ``outcomes compute``, in one process, in order: time and extra peak."""
    import outcomes
    from outcomes.returns import _tidy

    catalogue = outcomes.load_catalogue(folder / "catalogue.toml")
    areas = outcomes.read_areas(folder / "areas.csv")
    records: dict[str, Any] = {}

    def timed(name: str, work: Callable[[], Any]) -> Any:
        record, result = measure(work, runs=1)
        records[name] = record
        return result

    held: dict[str, Any] = {}  # what one stage hands the next
    held["raw"], held["rows"] = timed("read", lambda: _tidy._read_tidy(folder / "data.csv"))
    dataset = timed("validate", lambda: _tidy.Dataset._checked(
        _tidy._checked_dataset(held["raw"], "data.csv", held.pop("rows")), "data.csv"))  # fmt: skip
    held.clear()
    results = timed("compute", lambda: outcomes.compute(dataset, catalogue, areas))
    held["published"] = timed("publish", results.published)
    del results
    out = Path(tempfile.mkdtemp(prefix="bench-e2e-"))
    timed("write", lambda: held["published"].write(out / "results.csv"))
    timed("write_parquet", lambda: held["published"].write(out / "results.parquet"))
    held.clear()
    # What the command does for a CSV: compute, publish and write a part at a time.
    from outcomes.results._in_parts import write_published

    timed("in_parts", lambda: write_published(out / "parts.csv", dataset, catalogue, areas))
    timed("read_parquet", lambda: outcomes.read_dataset(folder / "data.parquet"))
    for written in out.iterdir():
        written.unlink()
    out.rmdir()
    return {"records": records, "rows": len(dataset.frame)}


def stage_kernel(areas: int, periods: int, indicators: int, runs: int) -> dict[str, Any]:
    """``compute`` and the bare kernel on the same in-memory frame, alternately."""
    import bench_compute

    import outcomes

    inputs = bench_compute.synthetic_inputs(_scale(areas, periods, indicators))
    kernel_times, compute_times = [], []
    for _ in range(max(runs, 1)):
        start = time.perf_counter()
        bench_compute.kernel(inputs)
        kernel_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        outcomes.compute(inputs.dataset, inputs.catalogue, inputs.areas)
        compute_times.append(time.perf_counter() - start)
    return {"kernel": min(kernel_times), "compute": min(compute_times), "load": load_average()}


def commands(files: dict[str, Path], out: Path) -> dict[str, list[str]]:
    """The commands of one round: outcomes on CSV and on Parquet, then each peer."""
    cli = [sys.executable, "-m", "outcomes", "compute", "--areas", str(files["areas"]),
           "--indicators", str(files["catalogue"]), "-q"]  # fmt: skip
    found = {
        "outcomes_csv": [*cli, "--data", str(files["data"]), "--out", str(out / "r.csv")],
        "outcomes_parquet": [
            *cli,
            "--data",
            str(files["parquet"]),
            "--out",
            str(out / "r.parquet"),
        ],
    }
    for peer in PEERS:
        found[peer] = [sys.executable, str(HERE / "peers.py"), peer, str(files["data"]),
                       str(files["indicators"]), str(out / f"{peer}.csv")]  # fmt: skip
    return found


def available(peer: str) -> bool:
    import importlib.util

    return peer == "pandas" or importlib.util.find_spec(peer) is not None


def one_round(files: dict[str, Path], runs: int) -> dict[str, Any]:
    """Every command ``runs`` times, interleaved (a, b, c, a, b, c, ...): the load falls
    on all alike. Each figure is the best of its runs."""
    records: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bench-e2e-") as folder:
        chosen = {
            name: command
            for name, command in commands(files, Path(folder)).items()
            if name not in PEERS or available(name)
        }
        for _ in range(max(runs, 1)):
            for name, command in chosen.items():
                print(f"[e2e] {name}", file=sys.stderr, flush=True)
                record = run_command(command, runs=1)
                best = records.get(name)
                if best is None or record.get("seconds", 1e9) < best.get("seconds", 1e9):
                    records[name] = record
    return records


def render(scale_rows: dict[str, dict[str, Any]], date: str) -> str:
    lines = [
        "## End to end at national scale",
        "",
        "<!-- bench end_to_end -->",
        "",
        f"Measured {date} by `python benchmarks/bench_end_to_end.py`. Synthetic data: areas × "
        f"{PERIODS} periods × {INDICATORS} indicators × 2 items (14M rows at 7,000 areas). Each "
        "command runs in its own process, interleaved with the others in one round; time is "
        "wall clock (interpreter start included), best of the round's runs; peak is the "
        "child's maximum resident memory. The peers do the core work only (`peers.py`).",
        "",
        "| Rows | Command | Time (s) | CPU (s) | Peak (MiB) | × outcomes CSV | Load |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for key, figures in scale_rows.items():
        records = figures["round"]
        base = records.get("outcomes_csv", {}).get("seconds")
        for name, record in records.items():
            ratio = f"{record['seconds'] / base:.2f}" if base and "seconds" in record else "—"
            shown = (
                f"{seconds_text(record)} | {record.get('cpu_seconds', 0):.1f} | "
                f"{mib_text(record.get('peak_bytes'))}"
                if "seconds" in record
                else f"failed: {record.get('failure', '?')} | | "
            )
            lines.append(
                f"| {key} | {name.replace('_', ' ')} | {shown} | {ratio} | "
                f"{record.get('load', 0):.2f} |"
            )
    lines += [
        "",
        "Stages of `outcomes compute` (one process, in order; extra peak = growth of the "
        "resident set during the stage):",
        "",
        "| Rows | read | validate | compute | publish | write CSV | write Parquet | "
        "compute, publish and write CSV in parts (the command's way) | "
        "read+validate Parquet | kernel | compute (paired) | compute / kernel |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key, figures in scale_rows.items():
        stages = figures.get("stages", {}).get("records", {})
        cells = [
            f"{seconds_text(stages[name])} s / {mib_text(stages[name].get('extra_bytes'))} MiB"
            if name in stages
            else "—"
            for name in ("read", "validate", "compute", "publish", "write", "write_parquet",
                         "in_parts", "read_parquet")
        ]  # fmt: skip
        kernel = figures.get("kernel", {})
        if "kernel" in kernel:
            ratio = kernel["compute"] / kernel["kernel"]
            cells += [f"{kernel['kernel']:.2f} s", f"{kernel['compute']:.2f} s", f"{ratio:.2f}×"]
        else:
            cells += ["—", "—", "—"]
        lines.append(f"| {key} | " + " | ".join(cells) + " |")
    lines += ["", machine_line(), ""]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--areas", default=",".join(map(str, SCALES)),
                        help="comma-separated areas of each scale")  # fmt: skip
    parser.add_argument("--periods", type=int, default=PERIODS)
    parser.add_argument("--indicators", type=int, default=INDICATORS)
    parser.add_argument("--runs", type=int, default=1, help="runs of each command per round")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "outcomes-e2e",
                        help="where the input files are written and kept")  # fmt: skip
    parser.add_argument("--quick", action="store_true", help="8 areas × 3 periods × 2 indicators")
    parser.add_argument("--out", type=Path, help="Markdown results file")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    parser.add_argument("--stage", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.quick:
        options.areas, options.periods, options.indicators = "8", 3, 2
    if options.stage:  # a child process: one measurement, printed as JSON
        kind, *rest = options.stage.split(":")
        if kind == "pipeline":
            print(json.dumps(stage_pipeline(Path(rest[0]))))
        elif kind == "files":
            from national_files import write_files

            scale = _scale(*(int(part) for part in rest[:3]))
            paths = write_files(scale, Path(rest[3]))
            print(json.dumps({name: str(path) for name, path in paths.items()}))
        else:
            print(json.dumps(stage_kernel(*(int(part) for part in rest))))
        return 0
    figures: dict[str, dict[str, Any]] = {}
    for areas in (int(part) for part in options.areas.split(",")):
        scale_key = f"{areas}x{options.periods}x{options.indicators}"
        folder = options.work / scale_key
        print(f"[e2e] inputs {scale_key} in {folder}", file=sys.stderr, flush=True)
        # In a child process, so that this one stays small: a child's peak memory would
        # otherwise include what it shared with this process before exec.
        made = run_stage(Path(__file__), ["--stage", f"files:{areas}:{options.periods}:"
                                          f"{options.indicators}:{folder}"])  # fmt: skip
        if "failure" in made:
            print(f"[e2e] inputs failed: {made['failure']}", file=sys.stderr)
            return 1
        files = {name: Path(path) for name, path in made.items()}
        rows = sum(1 for _ in files["data"].open("rb")) - 1
        key = f"{rows:,}"
        figures[key] = {"round": one_round(files, options.runs)}
        print(f"[e2e] stages {scale_key}", file=sys.stderr, flush=True)
        script = Path(__file__)
        figures[key]["stages"] = run_stage(script, ["--stage", f"pipeline:{folder}"])
        figures[key]["kernel"] = run_stage(
            script, ["--stage", f"kernel:{areas}:{options.periods}:{options.indicators}:"
                     f"{max(options.runs, 1)}"]
        )  # fmt: skip
    import datetime as dt

    section = render(figures, dt.date.today().isoformat())
    print(section)
    if options.out:
        write_section(options.out, section)
    write_json(options.json, {"scales": figures, "targets": TARGETS})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
