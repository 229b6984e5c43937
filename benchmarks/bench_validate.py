"""Benchmark of validating returns (issue 8): the example's 32 council returns (XLSX), and
one large return of 100,000 rows (CSV), each with and without the previous year's data.

Run from the repository root::

    python benchmarks/bench_validate.py                 # 32 returns; one 100,065-row return
    python benchmarks/bench_validate.py --quick         # 4 returns; one return of about 1,000 rows

The 32 returns are those ``outcomes.write_example`` writes (``returns/*.xlsx``: the
template of ``outcomes template``, filled in from the example data, 33 rows each: the items
a council returns). The
large return is the template of ``outcomes template --format csv`` (with its title, unit
and guidance columns) for as many synthetic areas ("Zone 0001", ...) as it takes to reach
``--rows`` rows at 33 rows an area: 3,031 areas, 100,023 rows. Each zone's values are those
of one example council (zone *i* takes council *i* mod 32), so they pass every check; an
areas file lists the zones, and the previous year's values (for the check of implausible
changes) are the example's 2023-24 values, copied the same way.

Each case runs in its own fresh Python process: ``outcomes.validate_returns`` is timed
best of ``--runs`` (reading the files is part of it) and its peak resident memory measured.
Then ``outcomes validate`` is timed as a command, end to end.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import attrs
import pandas as pd
from harness import (
    RESULTS,
    cpu_text,
    load_text,
    machine_line,
    measure,
    mib_text,
    run_command,
    run_stage,
    seconds_text,
    write_json,
    write_section,
)

import outcomes
import outcomes.errors
import outcomes.returns

PERIOD: Final = "2024-25"
#: The example's periods the large return and its previous year are copied from.
RETURNED: Final = ("2024-25", "2024")
PREVIOUS: Final = ("2023-24", "2023")
#: The cases: (title, the returns validated).
CASES: Final = {
    "example": ("32 council returns", "XLSX, one per council; `areas`"),
    "example_previous": ("… with the previous year", "the same, `areas` and `previous`"),
    "large": ("one large return", "CSV template layout; `areas`"),
    "large_previous": ("… with the previous year", "the same, `areas` and `previous`"),
}


@attrs.frozen(kw_only=True)
class Files:
    """Where a case's inputs are, in the work folder the parent prepares."""

    returns: tuple[Path, ...]
    areas: Path
    previous: Path


def files_of(workdir: Path, case: str, returns: int) -> Files:
    example = workdir / "example"
    if case.startswith("example"):
        paths = tuple(sorted((example / "returns").glob("*.xlsx"))[:returns])
        return Files(returns=paths, areas=example / "areas.csv", previous=example / "data.csv")
    large = workdir / "large"
    return Files(
        returns=(large / "return.csv",), areas=large / "areas.csv", previous=large / "previous.csv"
    )


def write_large(workdir: Path, rows: int) -> dict[str, Any]:
    """Write the large return, its areas file and its previous year's data."""
    example = workdir / "example"
    data = outcomes.read_dataset(example / "data.csv")
    councils = outcomes.read_areas(example / "areas.csv")
    catalogue = outcomes.load_catalogue()
    per_area = len(outcomes.returns.blank_return(councils.names[0], PERIOD, catalogue=catalogue))
    zones = [f"Zone {n:04d}" for n in range(1, math.ceil(rows / per_area) + 1)]
    council_of = {zone: councils.names[n % len(councils.names)] for n, zone in enumerate(zones)}

    def copied(periods: Sequence[str]) -> pd.DataFrame:
        chosen = data.frame[data.frame["period"].isin(periods)]
        by_council = dict(tuple(chosen.groupby("area", sort=False)))
        return pd.concat(
            [by_council[council_of[zone]].assign(area=zone) for zone in zones], ignore_index=True
        )

    large = workdir / "large"
    large.mkdir(parents=True, exist_ok=True)
    returned = outcomes.Dataset(frame=copied(RETURNED), source="copied example")
    path = outcomes.write_template(
        large / "return.csv", zones, PERIOD, catalogue=catalogue, format="csv", data=returned
    )
    copied(PREVIOUS).to_csv(large / "previous.csv", index=False)
    group_of = councils.family_group_of
    pd.DataFrame(
        {
            "area": zones,
            "name": zones,
            "family_group": [group_of[council_of[zone]] for zone in zones],
        }
    ).to_csv(large / "areas.csv", index=False)
    return {"areas": len(zones), "file_bytes": path.stat().st_size}


def stage(workdir: Path, case: str, returns: int, runs: int) -> dict[str, Any]:
    """One case, timed in this process (a fresh interpreter started by the parent)."""
    given = files_of(workdir, case, returns)
    catalogue = outcomes.load_catalogue()
    areas = outcomes.read_areas(given.areas)
    previous = outcomes.read_dataset(given.previous) if case.endswith("previous") else None
    outcomes.validate_returns  # noqa: B018 - imported before timing, as the command would be

    def validate() -> outcomes.ValidatedReturns:
        return outcomes.validate_returns(
            given.returns, catalogue=catalogue, areas=areas, previous=previous
        )

    try:
        record, checked = measure(validate, runs=runs)
    except outcomes.errors.ValidationError as error:
        return {"failure": f"{len(error.problems)} problems, e.g. {error.problems[0]}"}
    record.update(
        files=len(given.returns),
        rows=len(checked.frame),
        warnings=len(checked.problems),
        file_bytes=sum(path.stat().st_size for path in given.returns),
    )
    return record


def cli_command(workdir: Path, case: str, returns: int) -> list[str]:
    """``outcomes validate`` of a case's returns, with its areas and previous year."""
    given = files_of(workdir, case, returns)
    script = Path(sys.executable).with_name("outcomes")
    start = [str(script)] if script.exists() else [sys.executable, "-m", "outcomes"]
    return [
        *start, "validate", *map(str, given.returns), "--areas", str(given.areas),
        "--previous", str(given.previous), "--report", str(workdir / f"{case}-problems.csv"),
        "--quiet",
    ]  # fmt: skip


def render_table(records: dict[str, dict[str, Any]], large: dict[str, Any]) -> str:
    lines = [
        "## Validation of returns",
        "",
        "<!-- bench validate -->",
        "",
        f"`outcomes.validate_returns` with the bundled catalogue; the large return is "
        f"{large.get('areas', 0):,} synthetic areas × the CSV template's rows (one per item a "
        "council returns), each "
        "area's values copied from an example council (README.md). Time is wall-clock and CPU "
        "time user + system, each the best of the runs; load is the 1-minute load average "
        "before the case; extra peak is the growth of resident memory while validating "
        "(reading the files included).",
        "",
        "| Case | Returns | Rows | File (MiB) | Time (s) | CPU (s) | Rows/s | Runs | Load "
        "| Extra peak (MiB) | Peak RSS (MiB) | Notes |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for case, (named, what) in [
        *CASES.items(),
        ("example_cli", ("`outcomes validate` (32 returns)", "the command, end to end")),
        ("large_cli", ("`outcomes validate` (large return)", "the command, end to end")),
    ]:
        record = records.get(case, {})
        source = records.get(case.removesuffix("_cli"), {})
        title = named
        rows = source.get("rows")
        notes = str(record.get("failure", ""))
        if "warnings" in record:
            notes = f"{record['warnings']:,} warnings, no errors"
        if case.endswith("_cli") and not notes:
            notes = "with `--areas`, `--previous`, `--report`; wall time from outside"
        if case.startswith("example") and "files" in source:
            title = title.replace("32", str(source["files"]))
        speed = (
            f"{rows / record['seconds']:,.0f}"
            if rows and record.get("seconds") and not case.endswith("_cli")
            else "—"
        )
        file_mib = mib_text(source["file_bytes"]) if "file_bytes" in source else "—"
        extra = mib_text(record.get("extra_bytes")) if "extra_bytes" in record else "—"
        lines.append(
            f"| {title} | {what} | {'—' if rows is None else f'{rows:,}'} | {file_mib} | "
            f"{seconds_text(record)} | {cpu_text(record)} | {speed} | "
            f"{record.get('runs', '—')} | {load_text(record)} | {extra} | "
            f"{mib_text(record.get('peak_bytes'))} | {notes} |"
        )
    lines += ["", machine_line(), ""]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, help="rows of the large return (default 100,000)")
    parser.add_argument("--returns", type=int, help="how many of the 32 returns (default all)")
    parser.add_argument("--runs", type=int, default=3, help="best of this many (default 3)")
    parser.add_argument(
        "--quick", action="store_true", help="4 returns, 1,000 rows, 1 run; written only with --out"
    )
    parser.add_argument("--out", type=Path, help=f"Markdown results (default {RESULTS})")
    parser.add_argument("--json", type=Path, help="also write the figures here as JSON")
    parser.add_argument("--stage", choices=list(CASES), help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    runs = 1 if options.quick else options.runs
    returns = options.returns or (4 if options.quick else 10**6)
    rows = options.rows or (1_000 if options.quick else 100_000)
    if options.stage:  # child process: one JSON line on stdout
        print(json.dumps(stage(options.workdir, options.stage, returns, runs)))
        return 0
    records: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-validate-") as temporary:
        workdir = Path(temporary)
        outcomes.write_example(workdir / "example")
        large = write_large(workdir, rows)
        for case in CASES:
            print(f"[validate] {case} ...", file=sys.stderr, flush=True)
            records[case] = run_stage(
                Path(__file__),
                ["--stage", case, "--workdir", str(workdir), "--returns", str(returns),
                 "--runs", str(runs)],
            )  # fmt: skip
        for case in ("example", "large"):
            print(f"[validate] outcomes validate ({case}) ...", file=sys.stderr, flush=True)
            records[f"{case}_cli"] = run_command(cli_command(workdir, case, returns), runs=runs)
    section = render_table(records, large)
    print(section)
    out = options.out or (None if options.quick else RESULTS)
    if out is not None:
        write_section(out, section)
    write_json(options.json, {"records": records, "large": large})
    return 1 if any("failure" in record for record in records.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
