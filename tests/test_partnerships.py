"""Results for health and social care partnerships, from the councils' data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from outcomes import Areas, Catalogue, Dataset, compute, load_catalogue, read_areas, read_dataset
from outcomes._cli import main
from outcomes.core._resources import bundled_path
from outcomes.errors import ValidationError
from outcomes.returns import by_partnership, known_areas

EXAMPLE = bundled_path("example")
JOINT = "Clackmannanshire and Stirling"


def _swap(inputs: tuple[Dataset, Areas], catalogue: Catalogue) -> tuple[Dataset, Catalogue, Areas]:
    """compute's arguments for a partnership dataset and its areas."""
    return inputs[0], catalogue, inputs[1]


@pytest.fixture(scope="module")
def councils() -> tuple[Dataset, Areas]:
    return read_dataset(EXAMPLE / "data.csv"), read_areas(EXAMPLE / "areas.csv")


def test_every_partnership_once_with_its_code(councils: tuple[Dataset, Areas]) -> None:
    data, areas = councils
    _, partnerships = by_partnership(data, areas, load_catalogue())
    bundled = {a.name: a.code for a in known_areas() if a.type == "partnership"}
    assert dict(zip(partnerships.names, partnerships.frame["code"], strict=True)) == bundled
    assert set(partnerships.frame["type"]) == {"partnership"}


def test_the_joint_partnership_is_the_sum_of_its_two_councils(
    councils: tuple[Dataset, Areas],
) -> None:
    data, areas = councils
    catalogue = load_catalogue()
    by_council = compute(data, catalogue, areas)
    results = compute(*_swap(by_partnership(data, areas, catalogue), catalogue))
    sw6 = catalogue["SW6"]
    frame = data.frame
    period = "2024-25"

    def total(item: str) -> float:
        chosen = frame[frame["area"].isin(["Clackmannanshire", "Stirling"])
                       & (frame["period"] == period) & (frame["item"] == item)]  # fmt: skip
        assert len(chosen) == 2
        return float(chosen["value"].sum())

    expected = sw6.multiplier * total(sw6.numerator) / total(str(sw6.denominator))
    assert results.row("SW6", JOINT, period)["value"] == pytest.approx(expected)
    # A partnership of one council has that council's figures; Scotland's is unchanged.
    fife = results.row("SW6", "Fife", period)["value"]
    assert fife == pytest.approx(by_council.row("SW6", "Fife", period)["value"])
    scotland = results.row("SW6", "Scotland", period)["value"]
    assert scotland == pytest.approx(by_council.row("SW6", "Scotland", period)["value"])


def test_an_estimate_is_never_summed(councils: tuple[Dataset, Areas]) -> None:
    data, areas = councils
    catalogue = load_catalogue()
    results = compute(*_swap(by_partnership(data, areas, catalogue), catalogue))
    # A survey estimate of one council is its partnership's; the joint one has none ...
    assert pd.isna(results.row("SW4b", JOINT, "2023-24")["value"])
    fife = results.row("SW4b", "Fife", "2023-24")["value"]
    assert fife == compute(data, catalogue, areas).row("SW4b", "Fife", "2023-24")["value"]
    # ... unless the dataset carries the partnership's own published figure.
    item = catalogue["SW4b"].numerator
    extra = pd.DataFrame([(JOINT, "2023-24", item, 66.6, "")], columns=list(data.frame.columns))
    with_joint = Dataset.from_frame(pd.concat([data.frame, extra], ignore_index=True))
    joint = compute(*_swap(by_partnership(with_joint, areas, catalogue), catalogue))
    assert joint.row("SW4b", JOINT, "2023-24")["value"] == 66.6


def test_a_part_sum_is_never_given(councils: tuple[Dataset, Areas]) -> None:
    data, areas = councils
    catalogue = load_catalogue()
    item = str(catalogue["SW6"].denominator)
    frame = data.frame
    gone = (frame["area"] == "Stirling") & (frame["period"] == "2024-25") & (frame["item"] == item)
    partial = Dataset.from_frame(frame[~gone].reset_index(drop=True))
    tidy, _ = by_partnership(partial, areas, catalogue)
    row = tidy.frame[(tidy.frame["area"] == JOINT) & (tidy.frame["period"] == "2024-25")
                     & (tidy.frame["item"] == item)]  # fmt: skip
    assert row["flag"].tolist() == ["not_collected"]
    assert row["value"].isna().all()


def test_compute_by_partnership_on_the_command_line(tmp_path: Path) -> None:
    out = tmp_path / "results.csv"
    data, areas = str(EXAMPLE / "data.csv"), str(EXAMPLE / "areas.csv")
    assert main(["compute", "--data", data, "--areas", areas, "--by", "partnership",
                 "--out", str(out), "--quiet"]) == 0  # fmt: skip
    written = pd.read_csv(out)
    assert JOINT in set(written["area"])
    assert "Stirling" not in set(written["area"])
    assert main(["compute", "--data", data, "--by", "partnership", "--out", str(out)]) == 2


@pytest.mark.parametrize("spelling", ["S12000047", "Fife Council", "FIFE"])
def test_a_publishers_spelling_or_code_is_the_same_area(
    councils: tuple[Dataset, Areas], spelling: str
) -> None:
    data, areas = councils
    catalogue = load_catalogue().select(["SW6"])
    frame = data.frame.assign(area=data.frame["area"].replace({"Fife": spelling}))
    results = compute(Dataset.from_frame(frame), catalogue, areas)
    expected = compute(data, catalogue, areas)
    assert (
        results.row("SW6", "Fife", "2024-25")["value"]
        == expected.row("SW6", "Fife", "2024-25")["value"]
    )


def test_an_unknown_area_name_is_an_error_with_the_closest_names(
    councils: tuple[Dataset, Areas],
) -> None:
    data, areas = councils
    frame = data.frame.assign(area=data.frame["area"].replace({"Fife": "Fiffe"}))
    with pytest.raises(ValidationError) as caught:
        compute(Dataset.from_frame(frame), load_catalogue().select(["SW6"]), areas)
    (problem,) = caught.value.problems
    assert problem.area == "Fiffe"
    assert "'Fife'" in problem.hint
