"""Property tests: malformed returns never crash validation, and every fault is reported."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outcomes import Areas, Catalogue, Dataset, Return, load_catalogue
from outcomes.errors import ValidationError, problems_frame
from outcomes.returns._validate import validate_returns
from tests.strategies import (
    RETURN_AREAS,
    RETURN_VALUES,
    Planted,
    clean_return_rows,
    malformed_returns,
    return_catalogue_document,
    return_cells,
)


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> Catalogue:
    folder = tmp_path_factory.mktemp("catalogue")
    (folder / "small.toml").write_text(return_catalogue_document(), encoding="utf-8")
    return load_catalogue(folder)


AREAS = Areas.from_frame(pd.DataFrame({"area": list(RETURN_AREAS), "name": list(RETURN_AREAS)}))
PREVIOUS = Dataset.from_frame(
    pd.DataFrame(
        [
            (area, "2023" if item == "social_workers_wte" else "2023-24", item, str(value), "")
            for area in RETURN_AREAS
            for item, value in RETURN_VALUES.items()
        ],
        columns=["area", "period", "item", "value", "flag"],
    )
)


def _csv(rows: list[dict[str, str]]) -> str:
    columns = list(rows[0]) if rows else ["area", "period", "item", "value", "flag"]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _reported(table: pd.DataFrame) -> set[Planted]:
    found: set[Planted] = set()
    for row in table.itertuples():
        number = 0 if str(row.row) == "<NA>" else int(str(row.row))
        found.add((str(row.problem), str(row.file), number, "", "", ""))
        if row.problem == "MISSING_ITEM":
            found.add(("MISSING_ITEM", str(row.file), 0, str(row.area), str(row.period),
                       str(row.item)))  # fmt: skip
    return found


def test_the_clean_return_passes(catalogue: Catalogue) -> None:
    clean = Return.from_csv_text(_csv(clean_return_rows()), "main.csv")
    checked = validate_returns([clean], catalogue=catalogue, areas=AREAS, previous=PREVIOUS)
    assert checked.problems == ()
    assert checked.frame["value"].tolist() == [40, 50, 12.5, 40, 50, 12.5]


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=malformed_returns(), as_text=st.booleans())
def test_every_planted_fault_is_reported(
    catalogue: Catalogue,
    case: tuple[list[list[dict[str, str]]], list[Planted], bool],
    as_text: bool,
) -> None:
    files, planted, _ = case
    names = ["main.csv", "other.csv"]
    returns = [
        Return.from_csv_text(_csv(rows), name) if as_text
        else Return.from_frame(pd.DataFrame(rows, dtype=object), name)
        for rows, name in zip(files, names, strict=False)
    ]  # fmt: skip
    try:
        checked = validate_returns(returns, catalogue=catalogue, areas=AREAS, previous=PREVIOUS)
        table = checked.to_frame()
    except ValidationError as error:
        table = error.to_frame()
    assert list(table.columns) == [
        "file", "sheet", "row", "column", "area", "period", "item", "value", "severity",
        "problem", "hint",
    ]  # fmt: skip
    missing = set(planted) - _reported(table)
    assert not missing, table.to_string()


@settings(max_examples=300, deadline=None)
@given(
    header=st.lists(st.sampled_from(["area", "period", "item", "value", "flag", "x", ""]),
                    max_size=7),
    body=st.lists(st.lists(return_cells, max_size=7), max_size=6),
)  # fmt: skip
def test_garbage_only_ever_raises_validation_error(
    catalogue: Catalogue, header: list[str], body: list[list[str]]
) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *body])
    for candidate in (
        Return.from_csv_text(out.getvalue(), "fuzz.csv"),
        Return.from_frame(pd.DataFrame([row + [""] * (len(header) - len(row))
                                        for row in body if len(row) <= len(header)],
                                       columns=header, dtype=object), "fuzz.csv"),
    ):  # fmt: skip
        try:
            checked = validate_returns(
                [candidate], catalogue=catalogue, areas=AREAS, previous=PREVIOUS
            )
        except ValidationError as error:
            problems = error.problems
        else:
            problems = checked.problems
            assert not any(row.severity.value == "error" for row in problems)
        assert problems_frame(problems)["problem"].notna().all()


@settings(max_examples=100, deadline=None)
@given(data=st.binary(max_size=200))
def test_any_bytes_in_a_file_give_problems_not_crashes(
    data: bytes, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("bytes")
    for name in ("return.csv", "return.xlsx"):
        path = Path(folder / name)
        path.write_bytes(data)
        with pytest.raises(ValidationError) as caught:
            validate_returns([path])
        assert caught.value.problems
