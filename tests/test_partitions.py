"""Beyond one machine: the compute is independent per indicator, so per-indicator partitions
computed apart and concatenated in catalogue order give the one run's results, byte for byte
(docs/performance.md, "Beyond one machine")."""

from __future__ import annotations

import collections
from pathlib import Path

import attrs
import numpy as np
import pandas as pd
import pytest

import outcomes
import outcomes.results._in_parts as parts_module
from outcomes._cli import main
from outcomes.results._in_parts import _part_rows, write_published
from tests.report_examples import EXAMPLE, example


def _partitioned(deflators: dict[str, float] | None, base_period: str | None) -> str:
    """Each indicator computed alone, on only the rows of the items it uses (what a worker
    reading one partition would see), then concatenated in catalogue order."""
    given = example()
    catalogue, data = given.catalogue, given.data.frame
    frames = []
    for indicator in catalogue:
        part = catalogue.select([indicator.id])
        rows = data[data["item"].isin(list(part.items))]
        result = outcomes.compute(outcomes.Dataset.from_frame(rows), part, given.areas,
                                  deflators=deflators, base_period=base_period)  # fmt: skip
        assert not result.unused_items
        frames.append(result.frame)
    whole = outcomes.compute(given.data, catalogue, given.areas, deflators=deflators,
                             base_period=base_period)  # fmt: skip
    joined = attrs.evolve(whole, frame=pd.concat(frames, ignore_index=True))
    return joined.to_csv()


@pytest.mark.parametrize("real_terms", [False, True], ids=["cash", "real terms"])
def test_per_indicator_partitions_give_the_one_runs_results_byte_for_byte(
    real_terms: bool,
) -> None:
    deflators = None
    if real_terms:
        table = pd.read_csv(EXAMPLE / "deflators.csv", dtype={"period": str})
        deflators = dict(zip(table["period"], table["deflator"].astype(float), strict=True))
    base = "2024-25" if real_terms else None
    given = example()
    one_run = outcomes.compute(given.data, given.catalogue, given.areas, deflators=deflators,
                               base_period=base).to_csv()  # fmt: skip
    assert _partitioned(deflators, base) == one_run


def test_a_partition_names_only_known_indicators() -> None:
    catalogue = example().catalogue
    assert catalogue.select(["SW6", "SW5"]).ids == ("SW5", "SW6")
    with pytest.raises(KeyError, match="SW66"):
        catalogue.select(["SW66"])


# --- the command's CSV, a part of the indicators at a time --------------------------------


def _one_run(data: outcomes.Dataset, areas: outcomes.Areas | None, **options: object) -> bytes:
    suppress_below = options.pop("suppress_below", None)
    results = outcomes.compute(data, example().catalogue, areas, **options)  # type: ignore[arg-type]
    return results.published(suppress_below).to_csv().encode("utf-8")  # type: ignore[arg-type]


def _categorical(frame: pd.DataFrame) -> pd.DataFrame:
    """The dataset's text columns as the compute codes them."""
    return frame.astype(dict.fromkeys(("area", "period", "item"), "category"))


def _real_terms() -> dict[str, object]:
    table = pd.read_csv(EXAMPLE / "deflators.csv", dtype={"period": str})
    deflators = dict(zip(table["period"], table["deflator"].astype(float), strict=True))
    return {"deflators": deflators, "base_period": "2024-25"}


@pytest.mark.parametrize("part_rows", [1, 2_000, 8_000])
@pytest.mark.parametrize("with_areas", [True, False], ids=["areas", "no areas"])
@pytest.mark.parametrize("options", ["plain", "real terms", "suppress below 20", "90%"])
def test_writing_in_parts_gives_the_one_runs_published_csv_byte_for_byte(
    tmp_path: Path, part_rows: int, with_areas: bool, options: str
) -> None:
    given = example()
    areas = given.areas if with_areas else None
    chosen: dict[str, object] = {
        "plain": {}, "real terms": _real_terms(), "suppress below 20": {"suppress_below": 20},
        "90%": {"confidence": 0.9},
    }[options]  # type: ignore[assignment]  # fmt: skip
    parts = _part_rows(_categorical(given.data.frame), given.catalogue, part_rows,
                       every_area=not with_areas)  # fmt: skip
    assert len(parts) > 1  # the example is split: every part is written after the one before
    written = write_published(tmp_path / "results.csv", given.data, given.catalogue, areas,
                              part_rows=part_rows, **chosen)  # type: ignore[arg-type]  # fmt: skip
    assert written.read_bytes() == _one_run(given.data, areas, **dict(chosen))


@pytest.mark.parametrize("part_rows", [1, 2_000, 8_000])
def test_each_part_holds_the_rows_of_its_items_in_order_a_shared_item_in_every_part_using_it(
    part_rows: int,
) -> None:
    given = example()
    frame = _categorical(given.data.frame)
    parts = _part_rows(frame, given.catalogue, part_rows, every_area=False)
    uses = collections.Counter(item for chosen, _ in parts for item in chosen.items)
    assert max(uses.values()) > 1  # a denominator shared by indicators of two parts
    for chosen, positions in parts:
        wanted = frame["item"].isin(list(chosen.items)).to_numpy()
        assert positions.tolist() == np.flatnonzero(wanted).tolist()
    assert [i for chosen, _ in parts for i in chosen.ids] == list(given.catalogue.ids)


def test_a_dataset_without_areas_missing_an_area_from_a_part_is_computed_in_one_run(
    tmp_path: Path,
) -> None:
    given = example()
    frame = given.data.frame
    split = [set(part.items) for part, _ in _part_rows(_categorical(frame), given.catalogue,
                                                       2_000, every_area=False)]  # fmt: skip
    # A part whose items no other part uses: without Fife's rows of them, it has no Fife.
    alone = next(
        items
        for items in split
        if all(items.isdisjoint(other) for other in split if other is not items)
    )
    absent = (frame["area"] == "Fife") & frame["item"].isin(list(alone))
    data = outcomes.Dataset.from_frame(frame[~absent].reset_index(drop=True))
    coded = _categorical(data.frame)
    assert len(_part_rows(coded, given.catalogue, 2_000, every_area=True)) == 1
    assert len(_part_rows(coded, given.catalogue, 2_000, every_area=False)) > 1
    written = write_published(tmp_path / "r.csv", data, given.catalogue, part_rows=2_000)
    assert written.read_bytes() == _one_run(data, None)
    assert b"\nSW" in written.read_bytes()  # Fife's rows of the other indicators are there


def test_a_problem_found_by_one_part_is_the_one_runs_error_naming_every_instance(
    tmp_path: Path,
) -> None:
    given = example()
    frame = given.data.frame.copy()
    # A negative count in the items of the first and of the last indicator: two parts.
    indicators = list(given.catalogue)
    for indicator in (indicators[0], indicators[-1]):
        row = frame.index[frame["item"] == indicator.numerator][0]
        frame.loc[row, "value"] = -5.0
    data = outcomes.Dataset.from_frame(frame, source="negative.csv")
    with pytest.raises(outcomes.ValidationError) as one_run:
        outcomes.compute(data, given.catalogue, given.areas)
    with pytest.raises(outcomes.ValidationError) as in_parts:
        write_published(tmp_path / "r.csv", data, given.catalogue, given.areas, part_rows=1)
    assert str(in_parts.value) == str(one_run.value)
    assert len(in_parts.value.problems) == 2
    assert not list(tmp_path.iterdir())  # nothing written, no temporary file left


def test_a_file_that_cannot_be_written_is_an_output_error_naming_it(tmp_path: Path) -> None:
    given = example()
    folder = tmp_path / "results.csv"
    folder.mkdir()
    with pytest.raises(outcomes.OutputError, match=r"results\.csv"):
        write_published(folder, given.data, given.catalogue, given.areas, part_rows=1)
    assert folder.is_dir()
    assert not list(folder.iterdir())


def test_the_command_writes_its_csv_in_parts_as_it_prints_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(parts_module, "PART_ROWS", 2_000)
    common = ["compute", "--data", str(EXAMPLE / "data.csv"), "--areas",
              str(EXAMPLE / "areas.csv"), "--suppress-below", "10", "-q"]  # fmt: skip
    assert main([*common, "--out", "-"]) == 0
    printed = capsys.readouterr().out
    assert main([*common, "--out", str(tmp_path / "r.csv")]) == 0
    assert (tmp_path / "r.csv").read_text(encoding="utf-8") == printed
