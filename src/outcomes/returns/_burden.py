"""The burden report: evidence for cutting what councils are asked to collect (rec 11:
"eliminate unnecessary information gathering").

It lists items collected but used by no indicator, items only one indicator uses,
indicators that duplicate another (same numerator and denominator), and how many cells
each area fills per return year, and where the items no return asks for come from (the
national publications that already hold them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from outcomes.catalogue._catalogue import BUNDLED, Catalogue, load_catalogue
from outcomes.catalogue._spec import DatasetSpec, _cell
from outcomes.core._periods import Period, parse_period
from outcomes.returns._tidy import Dataset
from outcomes.vocabulary import SCOTLAND, PeriodType

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["BURDEN_COLUMNS", "Burden", "burden"]

#: Columns of ``outcomes burden --format csv``: one row per finding.
BURDEN_COLUMNS = ("finding", "subject", "detail", "count")


@attrs.frozen(kw_only=True)
class Burden:
    """The four findings of the burden report, each a table.

    - ``unused_items``: ``item, rows`` — items in the data no indicator uses.
    - ``single_use_items``: ``item, title, indicator`` — items one indicator alone uses.
    - ``duplicate_indicators``: ``indicator, duplicate_of, numerator, denominator``.
    - ``cells``: ``area, period, filled, not_collected, cells`` — per area and return year
      (calendar-year items count towards the return year starting that year).
    - ``supply``: ``supplier, publication, items`` — the national publications that supply
      the items no return asks for, with how many each supplies.

    ``item_count`` is every item of the minimal dataset; ``returned_count`` the items a
    council's return asks for.
    """

    unused_items: pd.DataFrame = attrs.field(eq=False, repr=False)
    single_use_items: pd.DataFrame = attrs.field(eq=False, repr=False)
    duplicate_indicators: pd.DataFrame = attrs.field(eq=False, repr=False)
    cells: pd.DataFrame = attrs.field(eq=False, repr=False)
    supply: pd.DataFrame = attrs.field(eq=False, repr=False)
    item_count: int
    returned_count: int
    indicator_count: int

    def to_frame(self) -> pd.DataFrame:
        """All findings as one table with :data:`BURDEN_COLUMNS`."""
        import pandas as pd

        rows = [("unused_item", r.item, "used by no indicator", r.rows)
                for r in self.unused_items.itertuples()]  # fmt: skip
        rows += [("single_use_item", r.item, str(r.indicator), 1)
                 for r in self.single_use_items.itertuples()]  # fmt: skip
        rows += [("duplicate_indicator", r.indicator,
                  f"same numerator and denominator as {r.duplicate_of}", 1)
                 for r in self.duplicate_indicators.itertuples()]  # fmt: skip
        rows += [("cells_filled", r.area, str(r.period), r.filled)
                 for r in self.cells.itertuples()]  # fmt: skip
        rows += [("items_per_return", "before", "every item of the minimal dataset",
                  self.item_count),
                 ("items_per_return", "after", "items only the council holds",
                  self.returned_count)]  # fmt: skip
        rows += [("supplied_nationally", str(r.supplier), str(r.publication), r.items)
                 for r in self.supply.itertuples()]  # fmt: skip
        frame = pd.DataFrame(rows, columns=list(BURDEN_COLUMNS))
        frame["count"] = frame["count"].astype("int64")
        return frame

    def to_markdown(self) -> str:
        """The report for people: a summary, then one section per finding."""
        lines = [
            "# Dataset burden",
            "",
            f"The catalogue's {self.indicator_count} indicators need {self.item_count} data "
            f"items. {len(self.unused_items)} item(s) in the data are used by no indicator; "
            f"{len(self.single_use_items)} item(s) serve one indicator only; "
            f"{len(self.duplicate_indicators)} indicator(s) duplicate another.",
            "",
            "## Items per return",
            "",
            f"A council's return asks for {self.returned_count} of the {self.item_count} items: "
            f"the other {self.item_count - self.returned_count} are already published "
            "nationally and are imported from these publications, not keyed in again.",
            "",
        ]
        lines += _table(
            ["Supplier", "Publication", "Items"],
            [[_cell(str(r.supplier)), _cell(str(r.publication)), str(r.items)]
             for r in self.supply.itertuples()],
        )  # fmt: skip
        lines += [
            "",
            "## Items collected but used by no indicator",
            "",
        ]
        unused = [[f"`{r.item}`", str(r.rows)] for r in self.unused_items.itertuples()]
        lines += _table(["Item", "Rows in the data"], unused)
        lines += ["", "## Items used by one indicator only", ""]
        lines += _table(
            ["Item", "Title", "Indicator"],
            [[f"`{r.item}`", _cell(str(r.title)), str(r.indicator)]
             for r in self.single_use_items.itertuples()],
        )  # fmt: skip
        lines += ["", "## Indicators that duplicate another", ""]
        lines += _table(
            ["Indicator", "Duplicates", "Numerator", "Denominator"],
            [[str(r.indicator), str(r.duplicate_of), f"`{r.numerator}`", f"`{r.denominator}`"]
             for r in self.duplicate_indicators.itertuples()],
        )  # fmt: skip
        lines += ["", "## Cells each area fills per year", ""]
        lines += _table(
            ["Year", "Areas", "Cells filled (median)", "Not collected (total)"],
            [[str(period), str(group["area"].nunique()), f"{group['filled'].median():g}",
              str(int(group["not_collected"].sum()))]
             for period, group in self.cells.groupby("period", sort=False)],
        )  # fmt: skip
        lines += ["", "| Area | Year | Filled | Not collected |", "|---|---|---|---|"]
        lines += [f"| {_cell(str(r.area))} | {r.period} | {r.filled} | {r.not_collected} |"
                  for r in self.cells.itertuples()]  # fmt: skip
        return "\n".join(lines) + "\n"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    if not rows:
        return ["None."]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def burden(data: Dataset, catalogue: Catalogue | None = None) -> Burden:
    """Measure what the dataset asks of councils against what the indicators use.

    >>> from outcomes import read_dataset
    >>> from outcomes.core._resources import bundled_path
    >>> report = burden(read_dataset(bundled_path("example") / "data.csv"))
    >>> len(report.unused_items), int(report.cells["filled"].max())
    (0, 115)
    """
    import pandas as pd

    chosen = catalogue if catalogue is not None else load_catalogue(BUNDLED)
    spec = DatasetSpec.from_catalogue(chosen)
    frame = data.frame
    used = set(spec.names)
    unused = frame[~frame["item"].isin(used)].groupby("item").size()
    unused_items = pd.DataFrame({"item": unused.index.astype(object),
                                 "rows": unused.to_numpy(dtype="int64")})  # fmt: skip
    single = [(item.name, item.title, item.indicators[0])
              for item in spec if len(item.indicators) == 1]  # fmt: skip
    single_use = pd.DataFrame(single, columns=["item", "title", "indicator"], dtype=object)
    first: dict[tuple[str, str], str] = {}
    duplicates = []
    for indicator in chosen.indicators:
        # Two counts of the same item duplicate each other too (no denominator).
        pair = (indicator.numerator, indicator.denominator or "")
        if pair in first:
            duplicates.append((indicator.id, first[pair], *pair))
        else:
            first[pair] = indicator.id
    duplicate_indicators = pd.DataFrame(
        duplicates, columns=["indicator", "duplicate_of", "numerator", "denominator"],
        dtype=object,
    )  # fmt: skip
    national = [(item.supplier, item.publication or item.supplier)
                for item in spec if not item.from_council]  # fmt: skip
    supply = (
        pd.DataFrame(national, columns=["supplier", "publication"], dtype=object)
        .value_counts(sort=False)
        .rename("items")
        .reset_index()
        .sort_values(["items", "supplier", "publication"], ascending=[False, True, True])
        .reset_index(drop=True)
    )
    supply["items"] = supply["items"].astype("int64")
    return Burden(
        supply=supply,
        returned_count=len(spec.returned()),
        unused_items=unused_items,
        single_use_items=single_use,
        duplicate_indicators=duplicate_indicators,
        cells=_cells(frame),
        item_count=len(spec),
        indicator_count=len(chosen),
    )


def _cells(frame: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    frame = frame[frame["area"] != SCOTLAND]  # published national figures, not a return

    periods = {label: parse_period(label) for label in frame["period"].unique()}
    year = frame["period"].map(lambda label: periods[label].first_year)
    counted = pd.DataFrame({
        "area": frame["area"], "year": year,
        "filled": frame["value"].notna().astype("int64"),
        "not_collected": (frame["flag"] == "not_collected").astype("int64"),
    })  # fmt: skip
    cells = counted.groupby(["area", "year"], as_index=False).agg(
        filled=("filled", "sum"), not_collected=("not_collected", "sum"),
        cells=("filled", "size"),
    )  # fmt: skip
    cells = cells.sort_values(["year", "area"], kind="stable")
    cells.insert(
        1, "period", [Period.of_year(y, PeriodType.FINANCIAL_YEAR).label for y in cells.pop("year")]
    )
    return cells.reset_index(drop=True).astype({"area": object, "period": object})
