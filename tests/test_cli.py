"""The ``outcomes`` command line: verbs, exit codes and messages."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from outcomes import load_catalogue
from outcomes._cli import main
from tests.strategies import toml_document, valid_indicator, valid_items


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_catalogue_csv_lists_every_indicator(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "catalogue", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0
    assert [row["id"] for row in rows] == list(load_catalogue().ids)


def test_catalogue_filters_by_branch_and_recommendation(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(
        capsys, "catalogue", "--branch", "community_care", "--recommendation", "3",
        "--format", "json",
    )  # fmt: skip
    records = json.loads(out)
    assert code == 0
    assert records
    assert all(r["branch"] == "community_care" for r in records)
    assert all("3" in r["recommendations"].split(";") for r in records)


def test_catalogue_table_is_readable_in_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "catalogue")
    assert code == 0
    assert out.splitlines()[0].split()[:3] == ["id", "branch", "measure"]
    assert out.rstrip().endswith(f"{len(load_catalogue())} indicator(s)")


@pytest.mark.parametrize(("fmt", "marker"), [("csv", "item,title,unit,kind,indicators"),
                                             ("md", "# Minimal national dataset")])  # fmt: skip
def test_dataset_is_written_to_a_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str, marker: str
) -> None:
    target = tmp_path / "out" / f"dataset.{fmt}"
    code, out, err = run(capsys, "dataset", "--format", fmt, "--out", str(target))
    assert code == 0
    assert out == ""
    assert str(target) in err
    assert target.read_text(encoding="utf-8").startswith(marker)


def test_example_writes_the_fixed_file_names_and_keeps_existing_files(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, _ = run(capsys, "example", str(tmp_path))
    assert code == 0
    for name in ("data.csv", "areas.csv", "deflators.csv"):
        assert (tmp_path / name).stat().st_size > 0
    (tmp_path / "areas.csv").write_text("edited by an analyst\n", encoding="utf-8")
    code, _, err = run(capsys, "example", str(tmp_path))
    assert code == 1
    assert "already exist" in err
    assert (tmp_path / "areas.csv").read_text(encoding="utf-8") == "edited by an analyst\n"
    code, _, _ = run(capsys, "example", str(tmp_path), "--force")
    assert code == 0
    assert (tmp_path / "areas.csv").read_text(encoding="utf-8") != "edited by an analyst\n"


def test_a_broken_catalogue_exits_1_naming_file_indicator_and_key(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    document = {"indicator": [valid_indicator(polarity="upwards")], "item": valid_items()}
    (tmp_path / "mine.toml").write_text(toml_document(document), encoding="utf-8")
    code, out, err = run(capsys, "catalogue", "--indicators", str(tmp_path))
    assert code == 1
    assert out == ""
    assert "mine.toml" in err
    assert "CC99" in err
    assert "'polarity'" in err
    assert "Traceback" not in err


def test_merging_prints_override_warnings_unless_quiet(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    document = {"indicator": [valid_indicator(id="SW6")], "item": valid_items()}
    (tmp_path / "mine.toml").write_text(toml_document(document), encoding="utf-8")
    args = ["catalogue", "--indicators", "bundled", "--indicators", str(tmp_path)]
    code, _, err = run(capsys, *args)
    assert code == 0
    assert "warning: indicator SW6" in err
    _, _, quiet_err = run(capsys, *args, "--quiet")
    assert quiet_err == ""


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["catalogue", "--branch", "social_care"])
    assert caught.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
    assert main([]) == 2


def test_the_installed_command_runs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "outcomes", "--version"], capture_output=True, text=True,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0
    assert result.stdout.startswith("outcomes ")
    script = Path(sys.executable).with_name("outcomes")
    helped = subprocess.run([script, "--help"], capture_output=True, text=True, check=False)
    assert helped.returncode == 0
    assert "examples:" in helped.stdout


def test_example_returns_are_filled_from_the_dataset_and_validate(tmp_path: Path) -> None:
    import outcomes

    outcomes.write_example(tmp_path)
    areas = outcomes.read_areas(tmp_path / "areas.csv")
    returns = sorted((tmp_path / "returns").glob("*.xlsx"))
    assert len(returns) == len(areas.names)
    fife = outcomes.returns.read_return(tmp_path / "returns" / "fife.xlsx").frame
    data = outcomes.read_dataset(tmp_path / "data.csv").frame
    merged = fife.merge(data, on=["area", "period", "item"], suffixes=("", "_data"))
    # Every item the council supplies, and nothing a national body publishes.
    spec = outcomes.DatasetSpec.from_catalogue(outcomes.load_catalogue())
    assert set(fife["item"]) == set(spec.returned().names)
    assert len(merged) == len(fife)
    assert set(merged["period"]) <= {"2024-25", "2024"}
    assert ((merged["value"] == merged["value_data"]) | merged["value"].isna()).all()
    checked = outcomes.validate_returns(returns, areas=areas)  # raises on any error
    assert checked.problems == ()


def test_the_command_line_starts_without_loading_pandas_or_scipy() -> None:
    """`outcomes --help` must stay quick: heavy libraries load only when a verb needs them."""
    probe = (
        "import sys, outcomes, outcomes._cli; "
        "print(sorted(m for m in ('pandas', 'numpy', 'scipy') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True)  # fmt: skip
    assert result.stdout.strip() == "[]"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_errors_are_red_only_on_a_terminal_without_no_color(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from outcomes._cli import _red

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert _red("error") == "error"
    monkeypatch.setattr(sys, "stderr", _Terminal())
    assert _red("error") == "\033[31merror\033[0m"
    monkeypatch.setenv("NO_COLOR", "1")
    assert _red("error") == "error"


def test_progress_is_a_bar_on_a_terminal_and_lines_in_a_log() -> None:
    from outcomes._cli import _ProgressBar

    terminal, log = _Terminal(), io.StringIO()
    for stream in (terminal, log):
        bar = _ProgressBar(stream, enabled=True)
        for done in range(1, 21):
            bar.update(done, 20, f"area {done}")
        bar.close()
    assert "\r[" in terminal.getvalue()
    assert terminal.getvalue().endswith("\n")
    lines = log.getvalue().splitlines()
    assert lines[-1] == "20/20 done (area 20)"
    assert 1 < len(lines) <= 11  # a line per tenth of the work, not per item


def test_validating_several_returns_reports_progress(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from outcomes import write_example

    write_example(tmp_path)
    returns = sorted(str(p) for p in (tmp_path / "returns").glob("*.xlsx"))[:3]
    code, _, err = run(capsys, "validate", *returns, "--areas", str(tmp_path / "areas.csv"))
    assert code == 0
    assert "3/3 done" in err
