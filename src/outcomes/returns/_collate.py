"""Collation: validated returns merged into the tidy national dataset.

A return replaces exactly the area x period blocks it contains; everything else in the
existing dataset is kept. Each value's provenance (file, sheet, row) is kept in a sidecar
table, and every value that changed is listed as a revision. Nothing is written when any
return has an error.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from outcomes.catalogue._catalogue import Catalogue
from outcomes.core._io import csv_text, write_text_atomic
from outcomes.core._periods import parse_period
from outcomes.core._tables import read_tables
from outcomes.errors import DataProblemRow, ValidationError, problems_frame
from outcomes.returns._returns import Return
from outcomes.returns._rows import TIDY_COLUMNS
from outcomes.returns._tidy import Areas, Dataset, read_dataset
from outcomes.returns._validate import DEFAULT_JUMP_FACTOR, validate_returns

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "REVISION_COLUMNS",
    "SOURCE_COLUMNS",
    "Collation",
    "collate",
    "revisions_path",
    "sources_path",
]

#: Columns of the provenance sidecar ``<data>.sources.csv``.
SOURCE_COLUMNS = ("area", "period", "item", "source", "sheet", "row")
#: Columns of the revisions sidecar ``<data>.revisions.csv``.
REVISION_COLUMNS = (
    "area", "period", "item", "change", "previous_value", "previous_flag", "value", "flag",
    "source",
)  # fmt: skip
_KEYS = ["area", "period", "item"]


def sources_path(data: str | os.PathLike[str]) -> Path:
    """Where the provenance of ``data.csv`` is kept: ``data.sources.csv`` beside it."""
    path = Path(data)
    return path.with_name(f"{path.stem}.sources.csv")


def revisions_path(data: str | os.PathLike[str]) -> Path:
    """Where the revisions made by collating into ``data.csv`` are listed."""
    path = Path(data)
    return path.with_name(f"{path.stem}.revisions.csv")


@attrs.frozen(kw_only=True)
class Collation:
    """The collated dataset with its provenance and revisions.

    - ``dataset``: the tidy dataset (sorted by area, period start, item).
    - ``sources``: one row per value with :data:`SOURCE_COLUMNS` — the file, sheet and row
      it was read from (values kept from an existing dataset keep their provenance).
    - ``revisions``: one row per value the returns added, changed or removed in an existing
      dataset, with :data:`REVISION_COLUMNS`; ``change`` is ``added``, ``changed`` or
      ``removed``.
    - ``problems``: warnings found while validating (errors stop collation).
    """

    dataset: Dataset
    sources: pd.DataFrame = attrs.field(eq=False, repr=False)
    revisions: pd.DataFrame = attrs.field(eq=False, repr=False)
    problems: tuple[DataProblemRow, ...] = ()

    def write(self, path: str | os.PathLike[str]) -> list[Path]:
        """Write ``path`` (the tidy dataset) and its sidecars ``.sources.csv`` and
        ``.revisions.csv``, each atomically. The dataset is written last, so a dataset on
        disk always has its sidecars."""
        return [
            write_text_atomic(sources_path(path), csv_text(self.sources)),
            write_text_atomic(revisions_path(path), csv_text(self.revisions)),
            write_text_atomic(path, csv_text(self.dataset.frame)),
        ]

    def to_problems_frame(self) -> pd.DataFrame:
        """The warnings as the problems table."""
        return problems_frame(self.problems)


def collate(
    returns: Iterable[Return | str | os.PathLike[str]],
    *,
    into: Dataset | str | os.PathLike[str] | None = None,
    catalogue: Catalogue | None = None,
    areas: Areas | None = None,
    jump_factor: float = DEFAULT_JUMP_FACTOR,
) -> Collation:
    """Validate ``returns`` and merge them into ``into`` (a dataset or its CSV path; when
    a path, its ``.sources.csv`` sidecar is read too if present).

    Raises :class:`ValidationError` with every problem when any return has an error. The
    existing dataset is also the previous year for the implausible-change warnings.

    >>> import pandas as pd
    >>> from outcomes.core._resources import bundled_path
    >>> data = bundled_path("example") / "data.csv"
    >>> fife = pd.read_csv(data, dtype=str, keep_default_na=False).query(
    ...     "area == 'Fife' and period in ['2024-25', '2024']")
    >>> fife.loc[fife["item"] == "lac_pupils", "value"] = "1,001"
    >>> result = collate([Return.from_frame(fife, "fife.xlsx")], into=data)
    >>> result.revisions[["item", "change", "value"]].to_dict("records")
    [{'item': 'lac_pupils', 'change': 'changed', 'value': 1001.0}]
    """
    import pandas as pd

    existing, existing_sources = _existing(into)
    checked = validate_returns(
        returns, catalogue=catalogue, areas=areas, previous=existing, jump_factor=jump_factor
    )
    new = checked.frame.drop_duplicates(_KEYS, keep="first").reset_index(drop=True)
    new_sources = pd.DataFrame({
        "area": new["area"], "period": new["period"], "item": new["item"],
        "source": new["file"], "sheet": new["sheet"], "row": new["row"].astype("Int64"),
    })  # fmt: skip
    blocks = new[["area", "period"]].drop_duplicates()
    if existing is None:
        kept = new.iloc[0:0][list(TIDY_COLUMNS)]
        replaced = None
        kept_sources = new_sources.iloc[0:0]
    else:
        old = existing.frame
        inside = old.merge(blocks, on=["area", "period"], how="left", indicator=True)
        in_block = (inside["_merge"] == "both").to_numpy()
        kept, replaced = old[~in_block], old[in_block]
        prior = existing_sources if existing_sources is not None else new_sources.iloc[0:0]
        kept_sources = kept[_KEYS].merge(prior.drop_duplicates(_KEYS), on=_KEYS, how="left")
        # Values whose provenance is unknown came from the existing dataset itself.
        kept_sources["source"] = kept_sources["source"].fillna(existing.source)
        kept_sources["sheet"] = kept_sources["sheet"].fillna("")
    data = _sorted(pd.concat([kept, new[list(TIDY_COLUMNS)]], ignore_index=True))
    sources = _sorted(pd.concat([kept_sources, new_sources], ignore_index=True))
    sources = sources[list(SOURCE_COLUMNS)]
    sources["row"] = sources["row"].astype("Int64")
    return Collation(
        dataset=Dataset.from_frame(data, source="collated returns"),
        sources=sources,
        revisions=_revisions(replaced, new),
        problems=checked.problems,
    )


def _existing(
    into: Dataset | str | os.PathLike[str] | None,
) -> tuple[Dataset | None, pd.DataFrame | None]:
    import pandas as pd

    if into is None:
        return None, None
    if isinstance(into, Dataset):
        return into, None
    dataset = read_dataset(into)
    sidecar = sources_path(into)
    if not sidecar.exists():
        return dataset, None
    tables, problems = read_tables(sidecar)
    if problems or not tables:
        raise ValidationError(tuple(problems))
    frame = tables[0].to_frame().drop(columns="\0row")
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    absent = [c for c in SOURCE_COLUMNS if c not in frame.columns]
    if absent:
        from outcomes.errors import DataProblem

        raise ValidationError(tuple(
            DataProblemRow(file=str(sidecar), row=1, column=c,
                           problem=DataProblem.MISSING_COLUMN,
                           hint="the provenance sidecar has " + ", ".join(SOURCE_COLUMNS))
            for c in absent
        ))  # fmt: skip
    frame = frame[list(SOURCE_COLUMNS)].copy()
    frame["row"] = pd.to_numeric(frame["row"], errors="coerce").astype("Int64")
    return dataset, frame


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    starts = {label: parse_period(label).start for label in frame["period"].unique()}
    order = frame.assign(_start=frame["period"].map(starts))
    order = order.sort_values(["area", "_start", "item"], kind="stable")
    return order.drop(columns="_start").reset_index(drop=True)


def _revisions(old: pd.DataFrame | None, new: pd.DataFrame | None) -> pd.DataFrame:
    import numpy as np
    import pandas as pd

    if old is None or new is None:
        empty = pd.DataFrame({c: pd.Series([], dtype=object) for c in REVISION_COLUMNS})
        empty["previous_value"] = empty["previous_value"].astype(float)
        empty["value"] = empty["value"].astype(float)
        return empty
    before = old[[*_KEYS, "value", "flag"]].rename(
        columns={"value": "previous_value", "flag": "previous_flag"}
    )
    after = new[[*_KEYS, "value", "flag", "file"]].rename(columns={"file": "source"})
    both = before.merge(after, on=_KEYS, how="outer", indicator=True)
    same_value = (both["previous_value"] == both["value"]) | (
        both["previous_value"].isna() & both["value"].isna()
    )
    same = same_value & (both["previous_flag"].fillna("") == both["flag"].fillna(""))
    both["change"] = np.select(
        [both["_merge"] == "right_only", both["_merge"] == "left_only"],
        ["added", "removed"],
        default="changed",
    )
    changed = both[(both["_merge"] != "both") | ~same].copy()
    for column in ("previous_flag", "flag", "source"):
        changed[column] = changed[column].fillna("").astype(object)
    changed = _sorted(changed) if len(changed) else changed
    return changed[list(REVISION_COLUMNS)].reset_index(drop=True)
