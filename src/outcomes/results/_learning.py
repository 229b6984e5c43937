"""Learn-from suggestions: where an area could learn from others (rec 11's tools to share
learning).

For one area and period, an indicator is *flagged* when the area's direction is
``worsened``, it sits in the bottom quartile (quartile 4; quartile 1 is best by polarity),
or it is significantly worse than Scotland. For each flagged indicator the suggestions list
the areas that, in the same period, are *better*, and improved significantly on it or sit in
the top quartile: areas of the same family group first, then a significant improvement
before the top quartile, then by rank and name. *Better* means a better rank and, where both
areas have confidence intervals, intervals that do not overlap (a conservative test that
the two differ); an area is never suggested to one that does as well or better. Scotland
and family-group rows are never suggested. Neutral indicators are neither ranked nor
improved, so they are never flagged.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

import attrs
import numpy as np
import pandas as pd

from outcomes.core._cells import Cells
from outcomes.core._io import csv_text, write_csv
from outcomes.core._markdown import md, md_cell
from outcomes.core._periods import Period, as_period, parse_period
from outcomes.core._suggest import did_you_mean
from outcomes.errors import NoResultsError
from outcomes.returns._tidy import Areas
from outcomes.vocabulary import FAMILY_GROUP_PREFIX, SCOTLAND

if TYPE_CHECKING:
    from outcomes.results._results import Results

__all__ = ["LEARNING_COLUMNS", "LEARN_COLUMNS", "LearningSuggestions", "learn_from"]

#: Columns of :attr:`LearningSuggestions.frame`, in order.
LEARNING_COLUMNS = (
    "indicator", "title", "why", "area_value", "learn_from_area", "learn_from_family_group",
    "family_group_match", "learn_from_value", "learn_from_reason",
)  # fmt: skip
#: Quartile 1 is the best quarter of ranked areas by polarity, quartile 4 the worst.
TOP_QUARTILE, BOTTOM_QUARTILE = 1, 4
#: ``why`` of a flagged indicator.
WORSENED, BOTTOM, BOTH = "worsened", "bottom quartile", "worsened and bottom quartile"
WORSE_THAN_SCOTLAND = "worse than Scotland"
NO_ONE = "no area that does clearly better improved on this indicator or sits in the top quartile"
#: Columns of ``outcomes learn --out learn.csv`` (docs/contracts.md), in order.
LEARN_COLUMNS = ("indicator", "area", "peer_area", "reason", "value", "peer_value")


@attrs.frozen(kw_only=True)
class LearningSuggestions:
    """Indicators where ``area`` could learn from others in ``period``, and from whom.

    ``frame`` has the columns of :data:`LEARNING_COLUMNS`: one row per flagged indicator
    and suggested area, indicators in catalogue order, suggestions best first. ``why`` is
    ``worsened``, ``bottom quartile`` or ``worsened and bottom quartile``. A flagged
    indicator that no area improved on, and where no area sits in the top quartile, has one
    row with an empty ``learn_from_area``.
    """

    area: str
    period: Period
    frame: pd.DataFrame = attrs.field(eq=False, repr=False)

    @property
    def indicators(self) -> list[str]:
        """The flagged indicators, in catalogue order."""
        return list(dict.fromkeys(self.frame["indicator"]))

    def to_csv(self, path: str | os.PathLike[str] | None = None) -> str:
        """CSV text of the suggestions, written atomically to ``path`` when given."""
        if path is None:
            return csv_text(self.frame)
        return write_csv(path, self.frame)[1]

    def table(self) -> pd.DataFrame:
        """The suggestions as ``outcomes learn`` writes them: :data:`LEARN_COLUMNS`."""
        frame = self.frame
        reason = frame["why"].str.cat(frame["learn_from_reason"], sep=": ")
        return pd.DataFrame({
            "indicator": frame["indicator"], "area": self.area,
            "peer_area": frame["learn_from_area"], "reason": reason,
            "value": frame["area_value"], "peer_value": frame["learn_from_value"],
        })[list(LEARN_COLUMNS)]  # fmt: skip

    def to_markdown(self) -> str:
        """The suggestions as a Markdown table, for a note to colleagues."""
        lines = [
            f"# Whom {md(self.area)} could learn from, {self.period}",
            "",
            "| Indicator | Why | Learn from | Their value | Our value | Evidence |",
            "|---|---|---|---:|---:|---|",
        ]
        cells = Cells(self.frame)
        for row in cells:
            theirs, ours = row.number("learn_from_value"), row.number("area_value")
            lines.append(
                "| " + " | ".join(md_cell(cell) for cell in (
                    f"{row.text('indicator')} {row.text('title')}", row.text("why"),
                    row.text("learn_from_area") or "no one",
                    "" if theirs is None else f"{theirs:g}",
                    "" if ours is None else f"{ours:g}", row.text("learn_from_reason"),
                )) + " |"
            )  # fmt: skip
        return "\n".join(lines) + "\n"


def learn_from(
    results: Results,
    area: str,
    period: str | Period,
    *,
    areas: Areas | None = None,
    limit: int = 3,
) -> LearningSuggestions:
    """Suggest, for each indicator where ``area`` worsened or sits in the bottom quartile in
    ``period``, up to ``limit`` areas to learn from (see the module docstring for the order).

    Family groups come from ``areas`` when given, else from the results. Pass
    ``results.published()`` when the suggestions are to be shared, so that suppressed
    figures are not used. Raises :class:`NoResultsError` when the results hold nothing for
    the area or the period.

    >>> import outcomes
    >>> from outcomes.core._resources import bundled_path
    >>> example = bundled_path("example")
    >>> results = outcomes.compute(outcomes.read_dataset(example / "data.csv"),
    ...     outcomes.load_catalogue(), outcomes.read_areas(example / "areas.csv"))
    >>> suggestions = learn_from(results, "Fife", "2024-25")
    >>> row = suggestions.frame.iloc[0]
    >>> row["why"] in {"worsened", "bottom quartile", "worsened and bottom quartile"}
    True
    """
    year = as_period(period)
    label = year.label
    if limit < 1:
        raise ValueError(f"limit must be 1 or more, not {limit}")
    # The period's rows, read once per results object: a batch of reports asks per area.
    rows = results._shared(("learn_from", label), lambda: _PeriodRows.of(results.frame, label))
    if not rows.present:
        frame = results.frame
        known = sorted(set(frame["period"]), key=lambda text: parse_period(text).start)
        raise NoResultsError(f"the results hold no period {label}; they hold "
                             f"{', '.join(known) or 'none'}")  # fmt: skip
    own = rows.by_area.get(area, ())
    if not own:
        hint = did_you_mean(area, list(rows.by_area))
        raise NoResultsError(f"the results hold no area {area!r} in {label}; {hint}")
    group_of: Mapping[str, str] = areas.family_group_of if areas is not None else (
        results.family_groups)  # fmt: skip
    own_group = group_of.get(area, "")
    order = {indicator: position for position, indicator in enumerate(results.catalogue.ids)}
    higher = {i.id for i in results.catalogue if i.polarity.value == "higher_is_better"}
    flagged = sorted(
        ((row, why) for row in own if (why := _why(row))),
        key=lambda pair: (order.get(pair[0].indicator, len(order)), pair[0].indicator),
    )
    records: list[dict[str, object]] = []
    for mine, why in flagged:
        indicator = mine.indicator
        base = {
            "indicator": indicator,
            "title": results.catalogue[indicator].title if indicator in results.catalogue else "",
            "why": why,
            "area_value": mine.value,
        }
        candidates = [
            (row, group, bool(own_group) and group == own_group)
            for row in rows.by_indicator[indicator]
            if row.area != area and (row.significant or row.top)
            and _better(row, mine, higher=indicator in higher)
            for group in (group_of.get(row.area, ""),)
        ]  # fmt: skip
        candidates.sort(key=lambda found: (
            not found[2], not found[0].significant, not found[0].improved, not found[0].top,
            math.inf if math.isnan(found[0].rank) else found[0].rank, found[0].area,
        ))  # fmt: skip
        if not candidates:
            records.append({**base, "learn_from_area": "", "learn_from_family_group": "",
                            "family_group_match": False, "learn_from_value": np.nan,
                            "learn_from_reason": NO_ONE})  # fmt: skip
            continue
        records += [
            {**base, "learn_from_area": row.area, "learn_from_family_group": group,
             "family_group_match": match, "learn_from_value": row.value,
             "learn_from_reason": _reason(row, group, match)}
            for row, group, match in candidates[:limit]
        ]  # fmt: skip
    suggestions = pd.DataFrame.from_records(records, columns=list(LEARNING_COLUMNS))
    suggestions = suggestions.astype({"family_group_match": bool, "area_value": float,
                                      "learn_from_value": float})  # fmt: skip
    return LearningSuggestions(area=area, period=year, frame=suggestions)


@attrs.frozen(kw_only=True, slots=True)
class _Row:
    """What the suggestions read of one area's row (numbers NaN when missing)."""

    indicator: str
    area: str
    value: float
    lower: float
    upper: float
    rank: float
    rank_of: float
    quartile: float
    direction: str
    vs_scotland: str
    improved: bool
    #: Improved, significantly.
    significant: bool
    top: bool
    previous_period: object


@attrs.frozen(kw_only=True)
class _PeriodRows:
    """The reported areas' rows (not Scotland, not a family group) of one period, by area and
    by indicator; ``present`` when the results hold the period at all."""

    present: bool
    by_area: Mapping[str, tuple[_Row, ...]]
    by_indicator: Mapping[str, tuple[_Row, ...]]

    @classmethod
    def of(cls, frame: pd.DataFrame, label: str) -> _PeriodRows:
        in_period = frame["period"] == label
        area = frame["area"].astype(str)
        reported = frame[in_period & (area != SCOTLAND) & ~area.str.startswith(
            FAMILY_GROUP_PREFIX)]  # fmt: skip
        improved = (_text(reported["direction"]) == "improved").to_numpy()

        def numbers(column: str) -> list[float]:
            found = pd.to_numeric(reported[column], errors="coerce")
            return found.to_numpy(dtype=np.float64, na_value=np.nan).tolist()

        quartile = numbers("quartile")
        columns = zip(
            reported["indicator"].astype(str).tolist(), reported["area"].astype(str).tolist(),
            numbers("value"), numbers("lower"), numbers("upper"), numbers("rank"),
            numbers("rank_of"), quartile, _text(reported["direction"]).tolist(),
            _text(reported["vs_scotland"]).tolist(), improved.tolist(),
            (improved & reported["change_significant"].eq(True).to_numpy()).tolist(),
            [q == TOP_QUARTILE for q in quartile], reported["previous_period"].tolist(),
            strict=True,
        )  # fmt: skip
        names = [field.name for field in attrs.fields(_Row)]
        by_area: dict[str, list[_Row]] = {}
        by_indicator: dict[str, list[_Row]] = {}
        for values in columns:
            row = _Row(**dict(zip(names, values, strict=True)))
            by_area.setdefault(row.area, []).append(row)
            by_indicator.setdefault(row.indicator, []).append(row)
        return cls(
            present=bool(in_period.any()),
            by_area={key: tuple(found) for key, found in by_area.items()},
            by_indicator={key: tuple(found) for key, found in by_indicator.items()},
        )


def _why(row: _Row) -> str:
    """Why an indicator of the asking area is flagged, or empty."""
    worsened = row.direction == "worsened"
    bottom = row.quartile == BOTTOM_QUARTILE
    if worsened:
        return BOTH if bottom else WORSENED
    if bottom:
        return BOTTOM
    return WORSE_THAN_SCOTLAND if row.vs_scotland == "worse" else ""


def _better(theirs: _Row, mine: _Row, *, higher: bool) -> bool:
    """Whether ``theirs`` does clearly better than ``mine``: a better value, a better rank
    (when both are ranked) and, where both have intervals, no overlap."""
    if not (theirs.value > mine.value if higher else theirs.value < mine.value):
        return False
    ranked = not (math.isnan(theirs.rank) or math.isnan(mine.rank))
    if ranked and theirs.rank >= mine.rank:
        return False
    limits = (theirs.lower, theirs.upper, mine.lower, mine.upper)
    if any(math.isnan(limit) for limit in limits):  # no interval to compare
        return True
    return theirs.lower > mine.upper if higher else theirs.upper < mine.lower


def _text(column: pd.Series) -> pd.Series:
    return column.astype(object).where(column.notna(), "")


def _reason(row: _Row, group: str, match: bool) -> str:
    """Plain words for why an area is suggested."""
    parts = []
    if row.significant:
        parts.append(f"improved significantly since {row.previous_period}")
    if row.top:
        parts.append(f"top quartile (rank {int(row.rank)} of {int(row.rank_of)})")
    evidence = "; ".join(parts)
    return f"same family group ({group}): {evidence}" if match else evidence
