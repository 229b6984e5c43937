"""Beyond one machine: the compute is independent per indicator, so per-indicator partitions
computed apart and concatenated in catalogue order give the one run's results, byte for byte
(docs/performance.md, "Beyond one machine")."""

from __future__ import annotations

import attrs
import pandas as pd
import pytest

import outcomes
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
