"""The examples work: the analyst's script, the CI workflow's commands and the extension.

Each is run as a user would run it, against the installed package, and its output is checked
against what the public API computes directly.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest
import yaml

import outcomes
import outcomes.catalogue
from tests.scripts import EXAMPLES, load_script

WORKFLOW = EXAMPLES / "ci" / "annual-reports.yml"
EXTENDING = EXAMPLES / "extending"
PERIOD = "2024-25"


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example inputs, written by the ``outcomes`` command; tests copy before changing."""
    folder = tmp_path_factory.mktemp("example")
    completed = subprocess.run(
        [_outcomes(), "example", str(folder)], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr
    return folder


def _outcomes() -> str:
    """The ``outcomes`` command of the environment running the tests (the wheel's in CI)."""
    command = Path(sys.executable).parent / "outcomes"
    assert command.exists(), f"no outcomes command beside {sys.executable}: install the package"
    return str(command)


# --- examples/analyst_script.py -------------------------------------------------------------


def _expected_worsened(inputs: Path, council: str) -> pd.DataFrame:
    deflators = outcomes.read_deflators(inputs / "deflators.csv")
    results = outcomes.compute(
        outcomes.read_dataset(inputs / "data.csv"),
        outcomes.load_catalogue(),
        outcomes.read_areas(inputs / "areas.csv"),
        deflators=deflators,
        base_period=PERIOD,
    )
    frame = results.published().frame
    # The returns are for 2024-25, and for 2024 where an item counts calendar years.
    return frame[
        (frame["direction"] == "worsened")
        & frame["area"].isin([council, "Scotland"])
        & frame["period"].isin([PERIOD, "2024"])
    ]


def test_analyst_script_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = load_script(EXAMPLES / "analyst_script.py")
    script.main(tmp_path)
    printed = capsys.readouterr().out

    keys = {"indicator": str, "area": str, "period": str, "previous_period": str}
    table = pd.read_csv(tmp_path / "worsened.csv", dtype=keys)
    assert list(table.columns) == script.COLUMNS
    expected = _expected_worsened(tmp_path / "inputs", "Fife")
    assert set(expected["area"]) == {"Fife", "Scotland"}  # not vacuous
    index = ["indicator", "area", "period"]
    got = table.set_index(index).sort_index()
    want = expected.set_index(index).sort_index()
    assert got.index.tolist() == want.index.tolist()
    for column in ["previous_value", "value", "change", "change_lower", "change_upper"]:
        np.testing.assert_allclose(
            got[column].to_numpy(float), want[column].to_numpy(float), rtol=1e-12, err_msg=column
        )
    assert got["previous_period"].tolist() == want["previous_period"].tolist()
    # Fife first, then Scotland; every row is in the printed table.
    assert table["area"].tolist() == sorted(table["area"], key=lambda a: a != "Fife")
    lines = printed.splitlines()
    for indicator, area in zip(table["indicator"], table["area"], strict=True):
        assert any(line.split()[:2] == [indicator, area] for line in lines)
    assert "no errors" in printed

    chart = tmp_path / "worsened.png"
    if importlib.util.find_spec("matplotlib") is None:
        assert not chart.exists()
        assert "matplotlib is not installed" in printed
    else:
        assert chart.read_bytes().startswith(b"\x89PNG")


def test_analyst_script_skips_the_chart_without_matplotlib(
    example: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    script = load_script(EXAMPLES / "analyst_script.py")
    results = script.compute_results(example, outcomes.load_catalogue())
    table = script.worsened(results, "Fife", [PERIOD])
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now fails
    assert script.chart(results, table, "Fife", tmp_path / "chart.png") is False
    assert not (tmp_path / "chart.png").exists()
    assert "pip install matplotlib" in capsys.readouterr().out


# --- examples/ci/annual-reports.yml ---------------------------------------------------------


def _workflow() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return loaded


def _steps() -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = _workflow()["jobs"]["reports"]["steps"]
    return steps


def _outcomes_steps() -> list[tuple[str, str]]:
    """(name, script) of every step whose shell script runs ``outcomes``."""
    return [
        (step["name"], step["run"])
        for step in _steps()
        if "run" in step and step["run"].lstrip().startswith("outcomes ")
    ]


def _run_workflow(folder: Path) -> list[tuple[str, subprocess.CompletedProcess[str]]]:
    """Run the ``outcomes`` steps in order, as GitHub's ``shell: bash`` does, until one fails."""
    workflow = _workflow()
    assert workflow["defaults"]["run"]["shell"] == "bash"
    path = f"{Path(_outcomes()).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    env = os.environ | {name: str(value) for name, value in workflow["env"].items()}
    env["PATH"] = path
    ran = []
    for name, script in _outcomes_steps():
        completed = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
            cwd=folder, env=env, capture_output=True, text=True, check=False, timeout=600,
        )  # fmt: skip
        ran.append((name, completed))
        if completed.returncode != 0:
            break
    return ran


def test_ci_workflow_commands_pass(example: Path, tmp_path: Path) -> None:
    workflow = _workflow()
    assert workflow["env"]["PERIOD"] == PERIOD
    verbs = [script.split()[1] for _, script in _outcomes_steps()]
    assert verbs == ["validate", "collate", "compute", "report", "pair"]
    for _, script in _outcomes_steps():
        assert "${{" not in script, "outcomes steps must be plain shell, runnable here"
    # The problems are uploaded even when validation fails the run.
    steps = _steps()
    validate = next(n for n, s in enumerate(steps) if "outcomes validate" in s.get("run", ""))
    upload = steps[validate + 1]
    assert upload["uses"].startswith("actions/upload-artifact@")
    assert upload["if"] == "always()"
    assert upload["with"]["path"] == "problems.csv"

    folder = tmp_path / "repository"
    shutil.copytree(example, folder)
    for name, completed in _run_workflow(folder):
        assert completed.returncode == 0, f"{name}: {completed.stderr}"

    areas = outcomes.read_areas(folder / "areas.csv").names
    reports = sorted(p.name for p in (folder / "reports").glob(f"*-{PERIOD}.*"))
    assert len(reports) == 2 * len(areas)
    assert {Path(name).suffix for name in reports} == {".html", ".md"}
    assert "fife-2024-25.html" in reports
    problems = pd.read_csv(folder / "problems.csv")
    assert set(problems["severity"]) <= {"warning"}
    pairs = pd.read_csv(folder / "reports" / "peer-pairs.csv")
    assert sorted(pairs["area"]) == sorted(areas)
    # Everything the workflow uploads was written.
    for step in steps:
        if step.get("uses", "").startswith("actions/upload-artifact@"):
            for line in step["with"]["path"].split():
                assert (folder / line).exists(), f"{step['name']}: {line} was not written"


def test_ci_workflow_fails_on_a_broken_return(example: Path, tmp_path: Path) -> None:
    folder = tmp_path / "repository"
    shutil.copytree(example, folder)
    broken = folder / "returns" / "fife.xlsx"
    book = openpyxl.load_workbook(broken)
    sheet = book["Return"]
    header = [cell.value for cell in sheet[1]]
    item, value = header.index("item") + 1, header.index("value") + 1
    row = next(r for r in range(2, sheet.max_row + 1)
               if sheet.cell(r, item).value == "complaints_stage1_closed")  # fmt: skip
    sheet.cell(row, value).value = "about 300"
    book.save(broken)

    ran = _run_workflow(folder)
    name, completed = ran[-1]
    assert len(ran) == 1, "the steps after a failed validation must not run"
    assert "outcomes validate" in dict(_outcomes_steps())[name]
    assert completed.returncode == 1, completed.stderr
    assert "Traceback" not in completed.stderr
    problems = pd.read_csv(folder / "problems.csv", dtype=str, keep_default_na=False)
    errors = problems[problems["severity"] == "error"]
    assert errors["file"].tolist() == ["returns/fife.xlsx"]
    assert errors["item"].tolist() == ["complaints_stage1_closed"]
    assert not (folder / "reports").exists()


# --- examples/extending/ --------------------------------------------------------------------


def test_extending_adds_an_indicator_and_overrides_the_markdown_report(
    example: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    catalogue = outcomes.load_catalogue(outcomes.catalogue.BUNDLED, EXTENDING / "my-indicators")
    assert catalogue.warnings == ()  # adds to the national catalogue, replaces nothing
    local = catalogue["LOC01"]
    national = outcomes.DatasetSpec.from_catalogue(outcomes.load_catalogue()).to_frame()
    assert {local.numerator, local.denominator} <= set(national["item"])  # nothing new to return

    results = outcomes.compute(
        outcomes.read_dataset(example / "data.csv"), catalogue,
        outcomes.read_areas(example / "areas.csv"),
    )  # fmt: skip
    data = pd.read_csv(example / "data.csv", dtype=str, keep_default_na=False)
    fife = data[(data["area"] == "Fife") & (data["period"] == PERIOD)].set_index("item")["value"]
    residents = float(fife["long_stay_care_home_residents_65_plus"])
    population = float(fife["population_65_plus"])
    row = results.row("LOC01", "Fife", PERIOD)
    assert row["value"] == pytest.approx(1000 * residents / population)
    assert row["lower"] < row["value"] < row["upper"]

    script = load_script(EXTENDING / "extend.py")
    script.main(tmp_path, inputs=example)
    assert f"LOC01 {local.title}, Fife {PERIOD}" in capsys.readouterr().out
    briefing = (tmp_path / f"fife-{PERIOD}.md").read_text(encoding="utf-8")
    html = (tmp_path / f"fife-{PERIOD}.html").read_text(encoding="utf-8")
    # The Markdown report is the override: the briefing, with the local indicator in it.
    assert briefing.startswith("> **Fife Council social work services** · staff briefing")
    assert "| LOC01 Long-stay care home residents" in briefing
    assert "Annex A" not in briefing
    # The HTML report still uses the bundled template, and has the local indicator too.
    assert "staff briefing" not in html
    assert "Annex A" in html
    assert "LOC01" in html


# --- examples/ci/newest-releases.yml --------------------------------------------------------


def test_a_weekly_job_tests_the_newest_releases_while_ci_keeps_the_lock() -> None:
    workflow: dict[Any, Any] = yaml.safe_load(
        (EXAMPLES / "ci" / "newest-releases.yml").read_text(encoding="utf-8")
    )
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["schedule"][0]["cron"].split()[-1] == "1"  # weekly, on Mondays
    steps = workflow["jobs"]["latest"]["steps"]
    assert [step["run"] for step in steps if "run" in step] == ["./run test --latest"]
    root = EXAMPLES.parent
    run = (root / "run").read_text(encoding="utf-8")
    ci = (root / ".ci" / "run").read_text(encoding="utf-8")
    # CI itself runs the README's test command, which installs from the lock.
    assert "exec ./run test\n" in ci
    assert '"$uv" export --quiet --locked' in run
    assert (root / "uv.lock").is_file()
