"""Small, real-looking returns made from the example data (one council, one year)."""

from __future__ import annotations

import functools

import pandas as pd

from outcomes import DatasetSpec, load_catalogue
from outcomes.core._resources import bundled_path

AREA = "Fife"
YEAR = ("2024-25", "2024")


@functools.cache
def _example() -> pd.DataFrame:
    path = bundled_path("example") / "data.csv"
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@functools.cache
def _returned_items() -> frozenset[str]:
    spec = DatasetSpec.from_catalogue(load_catalogue())
    return frozenset(spec.returned().names)


def example_return(area: str = AREA, periods: tuple[str, ...] = YEAR) -> pd.DataFrame:
    """The example data for one area's return (the items the council supplies; national
    figures are imported), as text cells in the tidy layout."""
    data = _example()
    chosen = data[
        (data["area"] == area) & data["period"].isin(periods) & data["item"].isin(_returned_items())
    ]
    return chosen.reset_index(drop=True).astype(object)


def row_of(frame: pd.DataFrame, item: str, period: str = "2024-25") -> int:
    """The position of an item's row in ``frame``; its spreadsheet row is this plus 2."""
    matches = frame.index[(frame["item"] == item) & (frame["period"] == period)]
    return int(matches[0])
