"""Run every benchmark of issue 8 and write their tables, with a summary against the
targets, to ``benchmarks/results.md``.

Run from the repository root::

    python benchmarks/run.py            # reports, validation, compute at 7,000 data zones
    python benchmarks/run.py --quick    # tiny sizes, 1 run each: a smoke test, not figures

Each benchmark is its own script (``bench_reports.py``, ``bench_validate.py``,
``bench_compute.py``), started here in a fresh process; each prints its table and replaces
its own section of ``--out``. The summary section collects the figures that have a target.
``--quick`` writes nothing unless ``--out`` is given, so it never replaces real figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final

from harness import (
    HERE,
    RESULTS,
    cpu_text,
    load_average,
    machine_line,
    mib_text,
    seconds_text,
    significant,
    write_section,
)

BENCHMARKS: Final = ("reports", "validate", "compute", "end_to_end")
#: bench_compute.py's arguments in quick mode: a tiny scale, only the stages of the ratios.
QUICK_COMPUTE: Final = (
    "--areas", "8", "--periods", "3", "--indicators", "2", "--stages", "inputs,compute,kernel",
)  # fmt: skip


def arguments_of(name: str, options: argparse.Namespace, out: Path, figures: Path) -> list[str]:
    common = ["--out", str(out), "--json", str(figures)]
    if name == "end_to_end":
        return [*(["--quick"] if options.quick else ["--runs", "1"]), *common]
    if name == "compute":
        if options.quick:
            return [*QUICK_COMPUTE, *common]
        return ["--areas", str(options.compute_areas), "--runs", str(options.runs), *common]
    runs = ["--quick"] if options.quick else ["--runs", str(options.runs)]
    return [*runs, *common]


def run(name: str, arguments: Sequence[str]) -> int:
    """Run one benchmark script; its table goes to standard output, progress to stderr."""
    print(f"[run] bench_{name}.py {' '.join(arguments)}", file=sys.stderr, flush=True)
    command = [sys.executable, str(HERE / f"bench_{name}.py"), *arguments]
    return subprocess.run(command, check=False).returncode


def read_figures(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    found: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return found


def summary(figures: dict[str, dict[str, Any]], date: str, runs: int, *, quick: bool) -> str:
    """The figures with a target, and the headline figures without one."""

    def _met(value: float | None, target: float) -> str:
        if quick:
            return "n/a (--quick)"
        if value is None:
            return "n/a"
        return "yes" if value <= target else "**no**"

    rows: list[tuple[str, str, str, str, str]] = []
    reports = figures.get("reports", {})
    if reports:
        cli = reports.get("cli", {})
        api = reports.get("records", {}).get("write_reports", {})
        areas = f"{reports.get('areas', 0)} of {reports.get('total_areas', 0)}"
        target = float(reports.get("target_seconds", 10.0))
        everything = reports.get("areas") == reports.get("total_areas")
        rows += [
            (
                f"Render {areas} council reports (HTML + Markdown): `outcomes report`, end to end",
                f"{seconds_text(cli)} s (CPU {cpu_text(cli)} s), peak "
                f"{mib_text(cli.get('peak_bytes'))} MiB",
                f"≤ {target:g} s",
                _met(cli.get("seconds"), target) if everything or quick else "n/a (not all)",
                _load(cli),
            ),
            (
                "… of which `write_reports` (build, render, write)",
                f"{seconds_text(api)} s; {mib_text(api.get('output_bytes'))} MiB written",
                "—",
                "",
                _load(api),
            ),
        ]
        pdf = reports.get("records", {}).get("pdf", {})
        command = reports.get("printed", {}).get("pdf one", {})
        if pdf:
            rows.append((
                f"The PDF of one council ({pdf.get('area', '')}): `render_report`",
                f"{seconds_text(pdf)} s (CPU {cpu_text(pdf)} s); the command "
                f"(`report --area --format pdf`, end to end) {seconds_text(command)} s",
                f"≤ {target:g} s",
                _met(pdf.get("seconds"), target),
                _load(pdf),
            ))  # fmt: skip
    compute = figures.get("compute", {})
    if compute:
        records = compute.get("records", {})
        inputs, kernel = records.get("inputs", {}), records.get("kernel", {})
        computed = records.get("compute", {})
        speed = _ratio(computed.get("seconds"), kernel.get("seconds"))
        memory = _ratio(computed.get("extra_bytes"), inputs.get("frame_bytes"))
        scale = " × ".join(f"{int(part):,}" for part in str(compute.get("scale", "")).split("x"))
        rows += [
            (
                f"`compute` at {scale} (areas × periods × indicators): time / bare kernel",
                f"{_times(speed)} ({seconds_text(computed)} s / {seconds_text(kernel)} s)",
                "≤ 2×",
                _met(speed, 2.0),
                _load(computed),
            ),
            (
                "`compute` extra peak memory / input frame (deep)",
                f"{_times(memory)} ({mib_text(computed.get('extra_bytes'))} MiB / "
                f"{mib_text(inputs.get('frame_bytes'))} MiB)",
                "≤ 3×",
                _met(memory, 3.0),
                _load(computed),
            ),
        ]
    rows += _end_to_end_rows(figures.get("end_to_end", {}), _met)
    validate = figures.get("validate", {}).get("records", {})
    for case, title in (
        ("example_previous", "Validate {files} example council returns (XLSX), with areas "
         "and previous year"),
        ("large_previous", "Validate one large return (CSV), with areas and previous year"),
    ):  # fmt: skip
        record = validate.get(case)
        if record is None:
            continue
        rows_text = f"{record['rows']:,} rows: " if "rows" in record else ""
        rows.append(
            (
                title.format(files=record.get("files", "the")),
                f"{rows_text}{seconds_text(record)} s, extra peak "
                f"{mib_text(record.get('extra_bytes'))} MiB",
                "— (none set)",
                "",
                _load(record),
            )
        )
    lines = [
        "## Summary",
        "",
        "<!-- bench summary -->",
        "",
        f"Run on {date} by `python benchmarks/run.py"
        f"{' --quick' if quick else ''}`. Time is wall-clock, the best of {runs} run(s); "
        "load is the machine's 1-minute load average when the figure was measured (other "
        "work competes for the cores). CPU time is what an idle machine would take.",
        "",
        "| Benchmark | Figure | Target | Met | Load |",
        "|---|---|---|---|---:|",
        *(f"| {' | '.join(row)} |" for row in rows),
        "",
        machine_line(),
        "",
    ]
    return "\n".join(lines)


def _end_to_end_rows(
    figures: dict[str, Any], met: Callable[[float | None, float], str]
) -> list[tuple[str, str, str, str, str]]:
    """The targets of issue 20, judged at the largest scale run."""
    scales = figures.get("scales", {})
    if not scales:
        return []
    rows_text, largest = list(scales.items())[-1]
    found = largest.get("round", {})
    csv, parquet = found.get("outcomes_csv", {}), found.get("outcomes_parquet", {})
    peers = {name: found[name].get("seconds") for name in ("polars", "duckdb") if name in found}
    fastest = min((s for s in peers.values() if s), default=None)
    kernel = largest.get("kernel", {})
    paired = _ratio(kernel.get("compute"), kernel.get("kernel"))
    peak = max((found[name].get("peak_bytes") or 0 for name in ("outcomes_csv",
                "outcomes_parquet") if name in found), default=0) / 2**30  # fmt: skip
    ahead = csv.get("seconds") is not None and fastest is not None and csv["seconds"] < fastest
    verdict = met(csv.get("seconds"), 60.0)
    if verdict == "yes" and not ahead:
        verdict = "**no** (slower than a peer)"
    return [
        (
            f"`outcomes compute`, CSV in and out, {rows_text} rows, end to end",
            f"{seconds_text(csv)} s; Polars {peers.get('polars') or 0:.1f} s, DuckDB "
            f"{peers.get('duckdb') or 0:.1f} s (core work only, same round)",
            "≤ 60 s and faster than both",
            verdict,
            _load(csv),
        ),
        ("… Parquet in and out", f"{seconds_text(parquet)} s", "≤ 30 s",
         met(parquet.get("seconds"), 30.0), _load(parquet)),
        ("… peak memory (CSV or Parquet)", f"{peak:.2f} GiB", "≤ 3 GiB", met(peak, 3.0), "—"),
        (f"`compute` / bare kernel, paired in one process, {rows_text} rows",
         _times(paired), "≤ 2×", met(paired, 2.0), _load(kernel)),
    ]  # fmt: skip


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    return None if numerator is None or not denominator else numerator / denominator


def _times(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}×"


def _load(record: dict[str, Any]) -> str:
    return significant(float(record["load"])) if "load" in record else "—"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="tiny sizes, 1 run each")
    parser.add_argument("--out", type=Path, help=f"Markdown results (default {RESULTS})")
    parser.add_argument("--runs", type=int, default=3, help="best of this many (default 3)")
    parser.add_argument(
        "--compute-areas", type=int, default=7000, help="areas of the compute benchmark"
    )
    parser.add_argument(
        "--only", default=",".join(BENCHMARKS), help="comma-separated subset of: reports, "
        "validate, compute",
    )  # fmt: skip
    options = parser.parse_args(argv)
    chosen = [name.strip() for name in options.only.split(",") if name.strip()]
    unknown = sorted(set(chosen) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmarks: {', '.join(unknown)}")
    print(f"[run] load average {load_average():.2f}", file=sys.stderr, flush=True)
    failed = []
    with tempfile.TemporaryDirectory(prefix="bench-run-") as temporary:
        scratch = Path(temporary)
        out = options.out or (scratch / "results.md" if options.quick else RESULTS)
        figures: dict[str, dict[str, Any]] = {}
        for name in [n for n in BENCHMARKS if n in chosen]:
            path = scratch / f"{name}.json"
            if run(name, arguments_of(name, options, out, path)) != 0:
                failed.append(name)
            figures[name] = read_figures(path)
        runs = 1 if options.quick else options.runs
        section = summary(figures, dt.date.today().isoformat(), runs, quick=options.quick)
        print(section)
        write_section(out, section)
    if failed:
        print(f"[run] failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
