"""The collection verbs of the command line: template, validate, collate, burden."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from outcomes._cli import main
from outcomes.core._resources import bundled_path
from tests.returns_examples import example_return

EXAMPLE = bundled_path("example")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_template_for_one_or_several_areas(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "template", "--area", "Fife", "--period", "2024-25",
                       "--out", str(tmp_path / "fife.xlsx"))  # fmt: skip
    assert code == 0
    assert "fife.xlsx" in err
    assert (tmp_path / "fife.xlsx").read_bytes()[:2] == b"PK"
    code, _, _ = run(capsys, "template", "--areas", str(EXAMPLE / "areas.csv"), "--area",
                     "Fife", "--period", "2024-25", "--format", "csv", "--quiet",
                     "--out", str(tmp_path / "all.txt"))  # fmt: skip
    assert code == 0
    rows = list(csv.DictReader(io.StringIO((tmp_path / "all.txt").read_text("utf-8-sig"))))
    assert len({row["area"] for row in rows}) == 32
    assert run(capsys, "template", "--period", "2024-25", "--out", "x.csv")[0] == 2


def test_validate_exit_codes_and_report(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    good, bad = tmp_path / "fife.csv", tmp_path / "angus.csv"
    example_return().to_csv(good, index=False)
    broken = example_return("Angus")
    broken.loc[3, "value"] = "12,5"
    broken.loc[4, "value"] = "=cmd|' /C calc'!A0"
    broken.to_csv(bad, index=False)
    code, _, err = run(capsys, "validate", str(good))
    assert (code, err.strip()) == (0, "0 error(s), 0 warning(s)")
    report = tmp_path / "problems.csv"
    code, _, err = run(capsys, "validate", str(good), str(bad), "--report", str(report))
    assert code == 1
    assert "2 error(s)" in err
    assert "Traceback" not in err
    text = report.read_text(encoding="utf-8")
    assert text.splitlines()[0] == (
        "file,sheet,row,column,area,period,item,value,severity,problem,hint"
    )
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["row"], r["problem"]) for r in rows] == [
        ("5", "AMBIGUOUS_NUMBER"), ("6", "NOT_A_NUMBER"),
    ]  # fmt: skip
    assert rows[1]["value"].startswith("'=")  # neutralised in the report


def test_validate_warnings_alone_exit_0(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "fife.csv"
    jumped = example_return()
    jumped.loc[jumped["item"] == "asp_inquiries_completed", "value"] = "9000"
    jumped.to_csv(path, index=False)
    args = ["validate", str(path), "--previous", str(EXAMPLE / "data.csv"),
            "--areas", str(EXAMPLE / "areas.csv")]  # fmt: skip
    code, _, err = run(capsys, *args)
    assert code == 0
    assert "IMPLAUSIBLE_CHANGE" in err
    assert run(capsys, *args, "--jump-factor", "1000")[2].strip() == "0 error(s), 0 warning(s)"
    with pytest.raises(SystemExit) as caught:
        main([*args, "--jump-factor", "0.5"])
    assert caught.value.code == 2
    capsys.readouterr()
    assert run(capsys, *args, "--quiet")[2] == ""


def test_collate_refuses_errors_then_writes_and_revises(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path, out = tmp_path / "fife.csv", tmp_path / "data.csv"
    broken = example_return()
    broken.loc[0, "flag"] = "maybe"
    broken.to_csv(path, index=False)
    code, _, err = run(capsys, "collate", str(path), "--out", str(out))
    assert code == 1
    assert "nothing written" in err
    assert not out.exists()
    example_return().to_csv(path, index=False)
    code, _, err = run(capsys, "collate", str(path), "--out", str(out))
    assert code == 0
    assert "0 value(s) revised" in err
    assert out.with_name("data.sources.csv").exists()
    corrected = example_return()
    corrected.loc[corrected["item"] == "asp_inquiries_investigatory_powers", "value"] = "1"
    corrected.to_csv(path, index=False)
    code, _, err = run(capsys, "collate", str(path), "--into", str(out), "--out", str(out))
    assert code == 0
    assert "1 value(s) revised" in err
    revisions = list(csv.DictReader(io.StringIO(out.with_name("data.revisions.csv").read_text())))
    assert [(r["item"], r["change"], r["value"]) for r in revisions] == [
        ("asp_inquiries_investigatory_powers", "changed", "1")
    ]


@pytest.mark.parametrize(("fmt", "marker"), [("csv", "finding,subject,detail,count"),
                                             ("md", "# Dataset burden")])  # fmt: skip
def test_burden(capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str, marker: str) -> None:
    code, out, _ = run(capsys, "burden", "--data", str(EXAMPLE / "data.csv"), "--format", fmt)
    assert code == 0
    assert out.startswith(marker)


def test_each_verb_has_an_example_in_its_help(capsys: pytest.CaptureFixture[str]) -> None:
    for verb in ("template", "validate", "collate", "burden"):
        with pytest.raises(SystemExit):
            main([verb, "--help"])
        assert f"example:\n  outcomes {verb} " in capsys.readouterr().out
