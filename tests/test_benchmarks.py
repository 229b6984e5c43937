"""The benchmarks still run: ``benchmarks/run.py --quick`` runs every benchmark script at
tiny sizes and each writes its table.

Only the tables' rows are checked, never the timings: speed targets are judged by running
the benchmarks (docs/performance.md), not by timed unit tests, which a busy machine fails.
"""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pytest

import outcomes

BENCHMARKS = Path(__file__).parents[1] / "benchmarks"

pytestmark = pytest.mark.skipif(
    not (BENCHMARKS / "run.py").exists(), reason="benchmarks/ is not in this source tree"
)


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """The printed output of ``run.py --quick`` and the results file it wrote."""
    out = tmp_path_factory.mktemp("benchmarks") / "results.md"
    completed = subprocess.run(
        [sys.executable, str(BENCHMARKS / "run.py"), "--quick", "--out", str(out)],
        capture_output=True, text=True, check=False, timeout=900,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr[-2000:]
    return completed.stdout, out.read_text(encoding="utf-8")


def section(results: str, marker: str) -> str:
    """The section of results.md holding ``<!-- marker ... -->``."""
    found = [part for part in results.split("\n## ") if f"<!-- {marker}" in part]
    assert len(found) == 1, f"no single section {marker!r} in:\n{results}"
    return found[0]


def test_every_benchmark_writes_its_section_in_order(quick_run: tuple[str, str]) -> None:
    _, results = quick_run
    assert results.startswith("# Benchmark results\n")
    markers = [line for line in results.splitlines() if line.startswith("<!-- ")]
    assert markers[:3] == ["<!-- bench summary -->", "<!-- bench reports -->",
                           "<!-- bench validate -->"]  # fmt: skip
    assert markers[3].startswith("<!-- scale 8x3x2 ")


def test_reports_table_has_every_step_and_the_command(quick_run: tuple[str, str]) -> None:
    table = section(quick_run[1], "bench reports")
    rows = ("| read inputs |", "| `outcomes.compute` |", "| `outcomes.burden` |",
            "| `AnnualReport.build` × areas |", "| `render_report` × areas × 2 |",
            "| `outcomes.write_reports` |", "| **in-process total** |",
            "| **`outcomes report --area`** |")  # fmt: skip
    for row in rows:
        assert row in table
    # 2 councils × (HTML and Markdown, and the data annex as HTML, CSV and XLSX)
    assert "10 files" in table
    assert "failed" not in table


def test_validation_table_has_every_case(quick_run: tuple[str, str]) -> None:
    table = section(quick_run[1], "bench validate")
    rows = ("| 4 council returns |", "| one large return |", "| … with the previous year |",
            "| `outcomes validate` (4 returns) |",
            "| `outcomes validate` (large return) |")  # fmt: skip
    for row in rows:
        assert row in table
    # --quick asks for 1,000 rows: whole areas of one return's rows each.
    per_area = len(outcomes.returns.blank_return("Fife", "2024-25"))
    assert f"| {math.ceil(1_000 / per_area) * per_area:,} |" in table
    assert "no errors" in table


def test_compute_table_has_its_ratios(quick_run: tuple[str, str]) -> None:
    table = section(quick_run[1], "scale 8x3x2")
    assert "| `outcomes.compute` |" in table
    assert "| `compute` time / bare kernel time |" in table


def test_end_to_end_table_has_every_command_and_stage(quick_run: tuple[str, str]) -> None:
    table = section(quick_run[1], "bench end_to_end")
    for row in ("| outcomes csv |", "| outcomes parquet |", "| pandas |"):
        assert row in table
    assert "| 96 | outcomes csv |" in table  # 8 areas × 3 periods × 2 indicators × 2 items
    assert "failed" not in table
    stages = table.split("Stages of `outcomes compute`")[1]
    assert stages.count("| 96 |") == 1
    assert "—" not in stages.split("| 96 |")[1]


def test_summary_is_printed_and_gives_no_verdict_on_quick_figures(
    quick_run: tuple[str, str],
) -> None:
    printed, results = quick_run
    summary = section(results, "bench summary")
    assert summary.strip() in printed
    assert "Render 2 of 32 council reports" in summary
    assert "Validate one large return" in summary
    assert "`compute` at 8 × 3 × 2" in summary
    assert "`outcomes compute`, CSV in and out, 96 rows" in summary
    assert "n/a (--quick)" in summary
    assert "| yes |" not in summary
    assert "**no**" not in summary
