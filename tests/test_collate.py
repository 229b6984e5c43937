"""Collation into the tidy dataset (provenance, revisions, refusal) and the burden report."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from outcomes import Return, burden, collate, load_catalogue, read_dataset, write_template
from outcomes.core._resources import bundled_path
from outcomes.errors import ValidationError
from outcomes.returns._collate import REVISION_COLUMNS, SOURCE_COLUMNS, revisions_path, sources_path
from tests.returns_examples import example_return
from tests.strategies import return_catalogue_document

EXAMPLE_DATA = bundled_path("example") / "data.csv"


@pytest.fixture
def existing(tmp_path: Path) -> Path:
    """The example data without Fife's latest year, collated once so it has sidecars."""
    data = pd.read_csv(EXAMPLE_DATA, dtype=str, keep_default_na=False)
    latest = (data["area"] == "Fife") & data["period"].isin(["2024-25", "2024"])
    rest = data[~latest]
    path = tmp_path / "data.csv"
    rest.to_csv(tmp_path / "rest.csv", index=False)
    collate([tmp_path / "rest.csv"]).write(path)
    return path


def test_collating_a_return_adds_its_values_with_provenance(existing: Path) -> None:
    fife = Return.from_frame(example_return(), "returns/fife.xlsx", sheet="Return")
    result = collate([fife], into=existing)
    frame = result.dataset.frame
    # The return brings what the council supplies; Fife's national figures of the year
    # are imported from their publications, not returned.
    everything = read_dataset(EXAMPLE_DATA).frame
    fife_latest = (everything["area"] == "Fife") & everything["period"].isin(["2024-25", "2024"])
    assert len(frame) == len(everything) - fife_latest.sum() + len(example_return())
    assert list(result.sources.columns) == list(SOURCE_COLUMNS)
    from_fife = result.sources[result.sources["source"] == "returns/fife.xlsx"]
    assert len(from_fife) == len(example_return())
    assert set(from_fife["sheet"]) == {"Return"}
    assert from_fife["row"].min() == 2
    assert (result.revisions["change"] == "added").all()
    assert len(result.revisions) == len(example_return())
    # Flags are kept.
    flagged = example_return()
    flagged.loc[0, "flag"] = "provisional"
    again = collate([Return.from_frame(flagged, "fife.csv")], into=existing).dataset.frame
    assert (again["flag"] == "provisional").sum() == (frame["flag"] == "provisional").sum() + 1


def test_a_corrected_return_replaces_only_its_area_and_period(existing: Path) -> None:
    collate([Return.from_frame(example_return(), "fife.csv")], into=existing).write(existing)
    before = read_dataset(existing).frame
    corrected = example_return()
    corrected.loc[corrected["item"] == "asp_inquiries_investigatory_powers", "value"] = "1,001"
    corrected.loc[corrected["item"] == "cjsw_reports_requested", "flag"] = "revised"
    result = collate([Return.from_frame(corrected, "fife-v2.csv")], into=existing)
    revisions = result.revisions
    assert list(revisions.columns) == list(REVISION_COLUMNS)
    assert revisions[["item", "change", "value", "flag", "source"]].values.tolist() == [
        ["asp_inquiries_investigatory_powers", "changed", 1001.0, "", "fife-v2.csv"],
        ["cjsw_reports_requested", "changed", revisions["value"].iloc[1], "revised", "fife-v2.csv"],
    ]
    after = result.dataset.frame
    outside = ~((after["area"] == "Fife") & after["period"].isin(["2024-25", "2024"]))
    pd.testing.assert_frame_equal(
        after[outside].reset_index(drop=True),
        before[
            ~((before["area"] == "Fife") & before["period"].isin(["2024-25", "2024"]))
        ].reset_index(drop=True),
    )
    # Values outside the block keep their provenance; the block's now come from v2.
    kept = result.sources[result.sources["area"] != "Fife"]
    assert set(kept["source"]) == {str(existing.parent / "rest.csv")}
    block = result.sources[(result.sources["area"] == "Fife")
                           & result.sources["period"].isin(["2024-25", "2024"])]  # fmt: skip
    assert set(block["source"]) == {"fife-v2.csv"}


def test_nothing_is_written_while_errors_remain(existing: Path) -> None:
    before = existing.read_bytes()
    broken = example_return()
    broken.loc[0, "value"] = "12,5"
    with pytest.raises(ValidationError) as caught:
        collate([Return.from_frame(broken, "fife.csv")], into=existing)
    assert [row.problem.name for row in caught.value.problems] == ["AMBIGUOUS_NUMBER"]
    assert existing.read_bytes() == before


def test_writing_is_atomic_and_deterministic(tmp_path: Path, existing: Path) -> None:
    result = collate([Return.from_frame(example_return(), "fife.csv")], into=existing)
    first = [path.read_bytes() for path in result.write(tmp_path / "a" / "data.csv")]
    second = [path.read_bytes() for path in result.write(tmp_path / "b" / "data.csv")]
    assert first == second
    assert sources_path(tmp_path / "a" / "data.csv").name == "data.sources.csv"
    assert revisions_path(tmp_path / "a" / "data.csv").exists()
    assert not list((tmp_path / "a").glob(".*"))  # no temporary files left
    written = read_dataset(tmp_path / "a" / "data.csv").frame
    pd.testing.assert_frame_equal(written, result.dataset.frame)


def test_a_filled_xlsx_template_collates(tmp_path: Path) -> None:
    import openpyxl

    catalogue_dir = tmp_path / "catalogue"
    catalogue_dir.mkdir()
    (catalogue_dir / "small.toml").write_text(return_catalogue_document(), encoding="utf-8")
    catalogue = load_catalogue(catalogue_dir)
    path = write_template(tmp_path / "angus.xlsx", "Angus", "2024-25", catalogue=catalogue)
    workbook = openpyxl.load_workbook(path)
    cells = workbook["Return"].iter_rows(min_row=2)
    for row, value in zip(cells, ["40", "50", "12.5"], strict=True):
        row[5].value = value
    workbook.save(path)
    result = collate([path], catalogue=catalogue)
    # Sorted by period start: the calendar year 2024 comes before 2024-25.
    assert result.dataset.frame["value"].tolist() == [12.5, 40.0, 50.0]
    assert result.sources["row"].tolist() == [4, 2, 3]


def test_the_burden_report_finds_unused_single_use_and_duplicates(tmp_path: Path) -> None:
    folder = tmp_path / "catalogue"
    folder.mkdir()
    document = return_catalogue_document().replace('id = "WS99"', 'id = "WS99"', 1)
    duplicate = document.split("[[indicator]]")[1].replace('"CC99"', '"CC97"')
    (folder / "small.toml").write_text(document + "\n[[indicator]]" + duplicate, encoding="utf-8")
    catalogue = load_catalogue(folder)
    data = pd.DataFrame(
        [("Fife", "2024-25", "adults_feeling_safe", "40", ""),
         ("Fife", "2024-25", "adults_surveyed", "50", ""),
         ("Fife", "2024", "social_workers_wte", "", "not_collected"),
         ("Fife", "2024-25", "old_return_item", "7", ""),
         ("Angus", "2024-25", "adults_feeling_safe", "30", "")],
        columns=["area", "period", "item", "value", "flag"],
    )  # fmt: skip
    from outcomes import Dataset

    report = burden(Dataset.from_frame(data), catalogue)
    assert report.unused_items.values.tolist() == [["old_return_item", 1]]
    assert report.single_use_items["item"].tolist() == ["social_workers_wte"]
    assert report.duplicate_indicators.values.tolist() == [
        ["CC97", "CC99", "adults_feeling_safe", "adults_surveyed"]
    ]
    assert report.cells.values.tolist() == [
        ["Angus", "2024-25", 1, 0, 1],
        ["Fife", "2024-25", 3, 1, 4],
    ]
    table = report.to_frame()
    assert list(table.columns) == ["finding", "subject", "detail", "count"]
    assert set(table["finding"]) == {"unused_item", "single_use_item", "duplicate_indicator",
                                     "cells_filled", "items_per_return"}  # fmt: skip
    text = report.to_markdown()
    assert "## Indicators that duplicate another" in text
    assert "| CC97 | CC99 |" in text
    csv = pd.read_csv(io.StringIO(table.to_csv(index=False)))
    assert len(csv) == len(table)


def test_the_burden_of_the_example_data() -> None:
    report = burden(read_dataset(EXAMPLE_DATA))
    assert report.unused_items.empty
    assert report.duplicate_indicators.empty
    assert len(report.single_use_items) > 0
    # Every council fills the same cells in a year (two-yearly and lagged items come and
    # go between years); Scotland's published figures are no return.
    cells = report.cells.assign(total=report.cells["filled"] + report.cells["not_collected"])
    assert (cells.groupby("period")["total"].nunique() == 1).all()
    assert "Scotland" not in set(cells["area"])
    assert report.returned_count < report.item_count
    assert report.supply["items"].sum() == report.item_count - report.returned_count
