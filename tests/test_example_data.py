"""The committed example inputs are exactly what ``examples/make_example_data.py`` writes, and
they are a complete, valid tidy dataset for the bundled catalogue."""

from __future__ import annotations

import math
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

import outcomes
import outcomes.catalogue
from tests.scripts import EXAMPLES, load_script

INPUTS = EXAMPLES / "inputs"
FILES = ("areas.csv", "data.csv", "deflators.csv")
FLAGS = {"", "provisional", "estimated", "revised", "not_collected"}


@pytest.fixture(scope="module")
def script() -> ModuleType:
    """The generator script, imported by path (``examples/`` is not a package)."""
    return load_script(EXAMPLES / "make_example_data.py")


@pytest.fixture(scope="module")
def catalogue() -> outcomes.Catalogue:
    return outcomes.load_catalogue()


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return pd.read_csv(INPUTS / "data.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def areas() -> pd.DataFrame:
    return pd.read_csv(INPUTS / "areas.csv", dtype={"population": int}, keep_default_na=False)


def _values(data: pd.DataFrame) -> dict[tuple[str, str, str], float | None]:
    return {
        (area, period, item): float(value) if value else None
        for area, period, item, value in zip(
            data["area"], data["period"], data["item"], data["value"], strict=True
        )
    }


def test_committed_files_are_what_the_script_writes(script: ModuleType, tmp_path: Path) -> None:
    messages: list[str] = []
    assert script.main(["--out", str(tmp_path)], echo=messages.append) == 0
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (INPUTS / name).read_bytes(), (
            f"examples/inputs/{name} is stale: rerun PYTHONPATH=src python "
            "examples/make_example_data.py and commit the result"
        )


def test_same_seed_same_text_other_seed_other_data(script: ModuleType) -> None:
    assert script.generate(7) == script.generate(7)
    assert script.generate(7).data_csv != script.generate(8).data_csv


def _expected_periods(catalogue: outcomes.Catalogue, script: ModuleType) -> dict[str, set[str]]:
    """Labels each item needs: 2015 to 2024 for calendar-year indicators, 2015-16 to 2024-25
    for financial-year and August-July ones (both for an item used by both kinds); a
    two-yearly indicator every other year from its target's first period, a lagged one
    not in its last ``lag`` years."""
    expected: dict[str, set[str]] = {}
    for indicator in catalogue.indicators:
        first = script.TARGETS[indicator.id].first_period
        years = range(2015 + first, 2025 - indicator.lag, indicator.frequency.step)
        calendar = {str(y) for y in years}
        spans = {f"{y}-{(y + 1) % 100:02d}" for y in years}
        labels = calendar if str(indicator.period_type) == "calendar_year" else spans
        for name in indicator.items:
            expected.setdefault(name, set()).update(labels)
    return expected


def test_every_item_for_every_area_and_period(
    data: pd.DataFrame, areas: pd.DataFrame, catalogue: outcomes.Catalogue, script: ModuleType
) -> None:
    spec = outcomes.DatasetSpec.from_catalogue(catalogue)
    assert set(data["item"]) == set(spec.names)
    expected = _expected_periods(catalogue, script)
    # Scotland's rows are the published national figures of estimates, in every period
    # the councils' figures are.
    national = data[data["area"] == "Scotland"]
    estimates = {name for i in catalogue if str(i.measure) == "estimate" for name in i.items}
    assert set(national["item"]) == estimates
    for item, rows in national.groupby("item"):
        assert set(rows["period"]) == expected[str(item)], item
    data = data[data["area"] != "Scotland"]
    every_area = set(areas["area"])
    for item, rows in data.groupby("item"):
        assert isinstance(item, str)
        assert set(rows["period"]) == expected[item], item
        for period, cells in rows.groupby("period"):
            assert set(cells["area"]) == every_area, (item, period)
    assert len(data) == 32 * sum(len(labels) for labels in expected.values())


def test_no_duplicate_cells(data: pd.DataFrame) -> None:
    assert not data.duplicated(["area", "period", "item"]).any()


def test_rows_are_sorted_by_area_period_start_and_item(
    data: pd.DataFrame, script: ModuleType, catalogue: outcomes.Catalogue
) -> None:
    start = {
        (item, label): first_day
        for item, periods in script.item_periods(catalogue).items()
        for label, first_day, _ in periods
    }
    keys = [
        (area, start[item, period], item)
        for area, period, item in zip(data["area"], data["period"], data["item"], strict=True)
    ]
    assert keys == sorted(keys)


def test_value_is_empty_only_when_not_collected(data: pd.DataFrame) -> None:
    assert set(data["flag"]) <= FLAGS
    empty = data["value"] == ""
    assert (data.loc[empty, "flag"] == "not_collected").all()
    assert empty.any(), "the example should show a missing value"
    assert {"provisional", "revised", "estimated"} <= set(data["flag"])


def test_values_are_plain_numbers(data: pd.DataFrame, catalogue: outcomes.Catalogue) -> None:
    kinds = {
        item.name: str(item.kind) for item in outcomes.DatasetSpec.from_catalogue(catalogue).items
    }
    whole = data["item"].map(kinds).isin(["count", "hours", "days", "weeks"])
    present = data["value"] != ""
    assert data.loc[whole & present, "value"].str.fullmatch(r"\d+").all()
    estimate = data["item"].map(kinds) == "estimate"  # published to one decimal place
    assert data.loc[~whole & ~estimate & present, "value"].str.fullmatch(r"\d+\.\d{2}").all()
    assert data.loc[estimate & present, "value"].str.fullmatch(r"\d+\.\d").all()


def test_proportions_never_exceed_their_denominators(
    data: pd.DataFrame, catalogue: outcomes.Catalogue
) -> None:
    values = _values(data)
    for indicator in catalogue.indicators:
        if str(indicator.measure) != "proportion":
            continue
        assert indicator.denominator is not None
        for (area, period, item), numerator in values.items():
            denominator = values.get((area, period, indicator.denominator))
            if item != indicator.numerator or numerator is None or denominator is None:
                continue
            assert 0 <= numerator <= denominator, (indicator.id, area, period)


def test_32_councils_in_four_family_groups_of_eight(areas: pd.DataFrame) -> None:
    assert list(areas.columns) == ["area", "name", "family_group", "type", "code", "population"]
    assert len(areas) == 32
    assert areas["area"].is_unique
    assert list(areas["area"]) == sorted(areas["area"])
    assert "Scotland" not in set(areas["area"])
    assert areas["family_group"].value_counts().to_dict() == {
        f"People {group}": 8 for group in (1, 2, 3, 4)
    }
    assert (areas["type"] == "council").all()
    assert 5_300_000 < areas["population"].sum() < 5_600_000


def test_lgbf_spellings_match_the_real_lgbf_data(areas: pd.DataFrame) -> None:
    lgbf = Path(__file__).parent / "data" / "lgbf_sw5_sw6.csv"
    if not lgbf.exists():
        pytest.skip("the LGBF test data are not in tests/data")
    councils = set(pd.read_csv(lgbf)["area"]) - {"Scotland"}
    assert set(areas["area"]) == councils


def test_deflators_cover_ten_financial_years_latest_100() -> None:
    deflators = pd.read_csv(INPUTS / "deflators.csv", dtype={"period": str})
    assert list(deflators["period"]) == [f"{y}-{(y + 1) % 100:02d}" for y in range(2015, 2025)]
    assert deflators["deflator"].iloc[-1] == 100
    assert (deflators["deflator"] > 0).all()


def test_every_indicator_has_a_target(script: ModuleType, catalogue: outcomes.Catalogue) -> None:
    script.check_targets(catalogue)  # raises, naming the indicators without one


def test_scotland_values_in_the_latest_year_are_near_their_targets(
    data: pd.DataFrame, script: ModuleType, catalogue: outcomes.Catalogue
) -> None:
    """Σ numerators / Σ denominators × multiplier lands near the script's own target: within
    3% plus three standard errors of the sampling noise in a count numerator."""
    values = _values(data)
    kinds = {
        item.name: str(item.kind) for item in outcomes.DatasetSpec.from_catalogue(catalogue).items
    }
    far: list[str] = []
    for indicator in catalogue.indicators:
        periods = {p for (_, p, item) in values if item == indicator.numerator}
        latest = max(periods, key=lambda p: int(p[:4]))
        # The target's path at the latest period published (a lagged or two-yearly figure
        # ends before 2024-25).
        path = script._anchors(script.TARGETS[indicator.id].scotland)
        target = round(float(path[int(latest[:4]) - 2015]), 2)
        value = script.scotland_value(values, indicator, latest)
        tolerance = 0.03
        if kinds[indicator.numerator] == "count":
            events = sum(
                v or 0.0 for (_, p, item), v in values.items()
                if p == latest and item == indicator.numerator
            )  # fmt: skip
            tolerance += 3 / math.sqrt(max(events, 1.0))
        if not math.isclose(value, target, rel_tol=tolerance):
            far.append(f"{indicator.id}: {value:.2f} vs target {target} (±{tolerance:.0%})")
    assert not far, far


def test_an_indicator_without_a_target_is_named(script: ModuleType, tmp_path: Path) -> None:
    (tmp_path / "extra.toml").write_text(
        """
[[indicator]]
id = "ZZ99"
title = "An indicator nobody has given a target"
measure = "rate"
numerator = "zz_events"
denominator = "zz_people"
multiplier = 1000
unit = "per 1,000 people"
polarity = "lower_is_better"
branch = "whole_service"
recommendations = [11]
outcome_for = ["communities"]
period_type = "financial_year"
source = "test"

[[item]]
name = "zz_events"
title = "Events"
unit = "events"
kind = "count"

[[item]]
name = "zz_people"
title = "People"
unit = "people"
kind = "count"
""",
        encoding="utf-8",
    )
    catalogue = outcomes.load_catalogue(outcomes.catalogue.BUNDLED, tmp_path)
    with pytest.raises(script.ExampleDataError, match="ZZ99"):
        script.generate(catalogue=catalogue)
