"""The minimal national dataset derived from a catalogue."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

import outcomes
from outcomes import DatasetSpec, load_catalogue
from tests.strategies import toml_document, valid_indicator, valid_items


def test_the_dataset_is_exactly_the_union_of_items_indicators_use() -> None:
    catalogue = load_catalogue()
    spec = DatasetSpec.from_catalogue(catalogue)
    used = {name for indicator in catalogue for name in indicator.items}
    assert set(spec.names) == used
    assert list(spec.names) == sorted(spec.names)
    for item in spec:
        users = [indicator.id for indicator in catalogue if item.name in indicator.items]
        assert list(item.indicators) == users
        assert item.title == catalogue.items[item.name].title


def test_an_item_shared_by_indicators_is_collected_once(tmp_path: Path) -> None:
    second = valid_indicator(id="CC98", measure="count", multiplier=1)
    del second["denominator"]
    folder = tmp_path / "catalogue"
    folder.mkdir()
    document = {"indicator": [valid_indicator(), second], "item": valid_items()}
    (folder / "local.toml").write_text(toml_document(document), encoding="utf-8")
    spec = DatasetSpec.from_catalogue(load_catalogue(folder))
    assert spec["adults_feeling_safe"].indicators == ("CC99", "CC98")
    assert len(spec) == 2


def test_csv_export_has_the_fixed_columns_and_round_trips() -> None:
    spec = DatasetSpec.from_catalogue(load_catalogue())
    frame = pd.read_csv(io.StringIO(spec.to_csv()), keep_default_na=False)
    assert list(frame.columns) == [
        "item", "title", "unit", "kind", "indicators", "supplier", "publication",
    ]  # fmt: skip
    assert frame["supplier"].tolist() == [item.supplier for item in spec]
    assert frame["item"].tolist() == list(spec.names)
    assert frame["indicators"].tolist() == [";".join(item.indicators) for item in spec]


def test_markdown_dictionary_lists_every_item_and_escapes_table_syntax() -> None:
    spec = DatasetSpec.from_catalogue(load_catalogue())
    text = spec.to_markdown()
    assert f"{len(spec)} data items are needed for" in text
    for item in spec:
        assert f"| `{item.name}` |" in text
    table_rows = [line for line in text.splitlines() if line.startswith("| `")]
    assert all(line.count(" | ") == 5 for line in table_rows), "a cell broke the table"


def test_filtering_the_catalogue_shrinks_the_dataset() -> None:
    catalogue = load_catalogue()
    justice = DatasetSpec.from_catalogue(catalogue.filter(branch="criminal_justice"))
    assert 0 < len(justice) < len(DatasetSpec.from_catalogue(catalogue))
    assert set(justice.names) <= set(DatasetSpec.from_catalogue(catalogue).names)


def test_a_read_dataset_computes_from_its_codes_as_from_its_text() -> None:
    """A read dataset keeps its checked categoricals for compute and makes its text frame
    only when asked: the text frame is plain text, and computing from the codes or from a
    copy of the text frame gives the same table."""
    from outcomes.core._resources import bundled_path

    example = bundled_path("example")
    catalogue, areas = outcomes.load_catalogue(), outcomes.read_areas(example / "areas.csv")
    read = outcomes.read_dataset(example / "data.csv")
    from_codes = outcomes.compute(read, catalogue, areas).frame
    periods, listed = read.periods, read.areas  # from the codes: no text frame made yet
    text = read.frame
    assert all(text[column].dtype == object for column in ("area", "period", "item", "flag"))
    rewrapped = outcomes.Dataset(frame=text.copy(), source="copy")
    pd.testing.assert_frame_equal(outcomes.compute(rewrapped, catalogue, areas).frame, from_codes)
    assert periods == rewrapped.periods
    assert listed == rewrapped.areas


def test_the_items_no_indicator_uses_are_found_from_the_codes(tmp_path: Path) -> None:
    """The compute command lists unused items before computing: from the checked codes, so
    that a national dataset's text frame (gigabytes at 14M rows) is never made for it."""
    from outcomes.core._resources import bundled_path
    from outcomes.results._compute import unused_items

    text = pd.read_csv(bundled_path("example") / "data.csv", dtype=str, keep_default_na=False)
    extra = text.iloc[[0]].assign(item="old_return_item")
    path = tmp_path / "data.csv"
    pd.concat([text, extra]).to_csv(path, index=False)
    read = outcomes.read_dataset(path)
    found = unused_items(read, outcomes.load_catalogue())
    assert read._frame is None  # no text frame made
    assert found == ("old_return_item",)
    assert found == unused_items(outcomes.Dataset(frame=read.frame), outcomes.load_catalogue())


def test_a_text_that_is_not_valid_unicode_is_checked_like_any_other() -> None:
    """A frame made in Python may hold a lone surrogate, which Arrow cannot take: the
    checks that look at texts all at once pass it to Python rather than fail."""
    row = {"area": "Fife", "period": "2024-25", "item": "x", "value": "1", "flag": ""}
    odd = "A\ud800"
    read = outcomes.Dataset.from_frame(pd.DataFrame([{**row, "area": odd}], dtype=object))
    assert read.frame["area"].tolist() == [odd]
    with pytest.raises(outcomes.errors.ValidationError) as raised:
        outcomes.Dataset.from_frame(pd.DataFrame([{**row, "value": odd}], dtype=object))
    (problem,) = raised.value.problems
    assert (problem.row, problem.column, problem.value) == (2, "value", odd)
    assert problem.problem is outcomes.errors.DataProblem.NOT_A_NUMBER
