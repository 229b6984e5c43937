"""The minimal national dataset: exactly the data items the indicators need, and no more."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import attrs

from outcomes.vocabulary import ItemKind

if TYPE_CHECKING:
    import pandas as pd

    from outcomes.catalogue._catalogue import Catalogue

__all__ = ["DatasetItem", "DatasetSpec"]

#: Columns of ``outcomes dataset --format csv`` (docs/contracts.md, "Verbs").
DATASET_COLUMNS = ("item", "title", "unit", "kind", "indicators", "supplier", "publication")


@attrs.frozen(kw_only=True)
class DatasetItem:
    """One data item councils return, with the indicators that need it."""

    name: str
    title: str
    unit: str
    kind: ItemKind
    description: str
    indicators: tuple[str, ...]
    #: ``council`` (the return asks for it) or the national source that publishes it.
    supplier: str = "council"
    publication: str = ""

    @property
    def from_council(self) -> bool:
        """Whether the council's return asks for it."""
        return self.supplier == "council"


@attrs.frozen(kw_only=True)
class DatasetSpec:
    """The minimal national dataset derived from a catalogue (rec 11: collect only what an
    indicator needs). Items are sorted by name; each lists the indicators using it.

    >>> from outcomes import load_catalogue
    >>> catalogue = load_catalogue()
    >>> spec = DatasetSpec.from_catalogue(catalogue)
    >>> spec[catalogue["SW6"].numerator].indicators
    ('SW6',)
    """

    items: tuple[DatasetItem, ...]
    indicator_count: int

    @classmethod
    def from_catalogue(cls, catalogue: Catalogue) -> DatasetSpec:
        """Derive the dataset: the union of the items the catalogue's indicators use."""
        users: dict[str, list[str]] = {}
        for indicator in catalogue.indicators:
            for name in indicator.items:
                users.setdefault(name, []).append(indicator.id)
        items = tuple(
            DatasetItem(
                name=name,
                title=catalogue.items[name].title,
                unit=catalogue.items[name].unit,
                kind=catalogue.items[name].kind,
                description=catalogue.items[name].description,
                indicators=tuple(ids),
                supplier=catalogue.items[name].supplier,
                publication=catalogue.items[name].publication,
            )
            for name, ids in sorted(users.items())
        )
        return cls(items=items, indicator_count=len(catalogue))

    def returned(self) -> DatasetSpec:
        """The items a council's return asks for: those no national source publishes
        (docs/contracts.md, "Item keys"). The rest are imported from their publications.

        >>> from outcomes import load_catalogue
        >>> spec = DatasetSpec.from_catalogue(load_catalogue())
        >>> 0 < len(spec.returned()) < len(spec)
        True
        """
        return DatasetSpec(
            items=tuple(item for item in self.items if item.from_council),
            indicator_count=self.indicator_count,
        )

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[DatasetItem]:
        return iter(self.items)

    def __contains__(self, name: object) -> bool:
        return any(item.name == name for item in self.items)

    def __getitem__(self, name: str) -> DatasetItem:
        for item in self.items:
            if item.name == name:
                return item
        raise KeyError(f"no data item {name!r} in the minimal dataset")

    @property
    def names(self) -> tuple[str, ...]:
        """Item names in order."""
        return tuple(item.name for item in self.items)

    def to_frame(self) -> pd.DataFrame:
        """The dataset as a table with the columns of :data:`DATASET_COLUMNS`."""
        import pandas as pd

        rows = [
            (
                item.name,
                item.title,
                item.unit,
                item.kind.value,
                ";".join(item.indicators),
                item.supplier,
                item.publication,
            )
            for item in self.items
        ]
        return pd.DataFrame(rows, columns=list(DATASET_COLUMNS))

    def to_csv(self) -> str:
        """CSV text with a header row and Unix line endings."""
        from outcomes.core._io import csv_text

        return csv_text(self.to_frame())

    def to_markdown(self) -> str:
        """A data dictionary for people: a summary, a table, then each item's description."""
        lines = [
            "# Minimal national dataset",
            "",
            f"{len(self.items)} data items are needed for {self.indicator_count} indicators. "
            "Nothing else is collected: each item is listed with the indicators that use it.",
            "",
            f"{len(self.returned())} of them come in the council's return; the others are "
            "taken from the national publications named in the table.",
            "",
            "| Item | Title | Unit | Kind | Used by | Supplied by |",
            "|---|---|---|---|---|---|",
        ]
        lines += [
            f"| `{item.name}` | {_cell(item.title)} | {_cell(item.unit)} | {item.kind.value} "
            f"| {', '.join(item.indicators)} | {_cell(item.publication or item.supplier)} |"
            for item in self.items
        ]
        described = [item for item in self.items if item.description]
        if described:
            lines += ["", "## Definitions", ""]
            for item in described:
                lines += [f"- **`{item.name}`**: {_cell(item.description)}"]
        return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    """Make free text safe inside a Markdown table cell."""
    escaped = "".join("\\" + c if c in "\\`*_[]<>|#" else c for c in text)
    return " ".join(escaped.split())
