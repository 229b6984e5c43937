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

import os
from collections.abc import Hashable, Mapping
from typing import TYPE_CHECKING, Any

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
    frame = results.frame
    in_period = results._areas_in(label, _READ)
    if in_period.empty and not (frame["period"] == label).any():
        known = sorted(set(frame["period"]), key=lambda text: parse_period(text).start)
        raise NoResultsError(f"the results hold no period {label}; they hold "
                             f"{', '.join(known) or 'none'}")  # fmt: skip
    own = in_period[in_period["area"] == area]
    if own.empty:
        hint = did_you_mean(area, in_period["area"].unique().tolist())
        raise NoResultsError(f"the results hold no area {area!r} in {label}; {hint}")
    group_of: Mapping[str, str] = areas.family_group_of if areas is not None else (
        results.family_groups)  # fmt: skip
    order = {indicator: position for position, indicator in enumerate(results.catalogue.ids)}

    worsened = _text(own["direction"]) == "worsened"
    bottom = _quartile(own) == BOTTOM_QUARTILE
    worse = _text(own["vs_scotland"]) == "worse"
    why = np.select([worsened & bottom, worsened, bottom, worse],
                    [BOTH, WORSENED, BOTTOM, WORSE_THAN_SCOTLAND], default="")  # fmt: skip
    flagged = own.assign(why=why)[why != ""]
    flagged = flagged.assign(order=flagged["indicator"].map(order).fillna(len(order)))
    flagged = flagged.sort_values(["order", "indicator"])

    others = in_period[(in_period["area"] != area)
                       & in_period["indicator"].isin(flagged["indicator"])]  # fmt: skip
    polarity = {i.id: i.polarity.value for i in results.catalogue}
    candidates = _candidates(others, group_of.get(area, ""), group_of)
    candidates = candidates[_better(candidates, flagged, polarity)]
    chosen = candidates.groupby("indicator", sort=False).head(limit)
    # The reasons of the chosen few only (a report asks one area per indicator).
    worded = chosen[["significant", "previous_period", "top", "rank", "rank_of", "match", "group"]]
    chosen = chosen.assign(reason=[_reason(row) for row in worded.to_dict("records")])
    by_indicator: dict[str, list[dict[Hashable, Any]]] = {}
    for row in chosen[["indicator", "area", "group", "match", "value", "reason"]].to_dict(
        "records"
    ):
        by_indicator.setdefault(str(row["indicator"]), []).append(row)

    records: list[dict[str, object]] = []
    # One row per flagged indicator, a few dozen at most; read as plain records (a pandas
    # row of mixed columns costs a copy of every column).
    for target in flagged[["indicator", "why", "value"]].to_dict("records"):
        indicator = str(target["indicator"])
        base = {
            "indicator": indicator,
            "title": results.catalogue[indicator].title if indicator in results.catalogue else "",
            "why": target["why"],
            "area_value": float(target["value"]),
        }
        suggested = by_indicator.get(indicator)
        if suggested is None:
            records.append({**base, "learn_from_area": "", "learn_from_family_group": "",
                            "family_group_match": False, "learn_from_value": np.nan,
                            "learn_from_reason": NO_ONE})  # fmt: skip
            continue
        records += [
            {**base, "learn_from_area": row["area"], "learn_from_family_group": row["group"],
             "family_group_match": bool(row["match"]), "learn_from_value": float(row["value"]),
             "learn_from_reason": row["reason"]}
            for row in suggested
        ]  # fmt: skip
    suggestions = pd.DataFrame.from_records(records, columns=list(LEARNING_COLUMNS))
    suggestions = suggestions.astype({"family_group_match": bool, "area_value": float,
                                      "learn_from_value": float})  # fmt: skip
    return LearningSuggestions(area=area, period=year, frame=suggestions)


#: The columns of the results that the suggestions read.
_READ = ("indicator", "area", "value", "lower", "upper", "rank", "rank_of", "quartile",
         "direction", "vs_scotland", "change_significant", "previous_period")  # fmt: skip


def _better(candidates: pd.DataFrame, own: pd.DataFrame, polarity: Mapping[str, str]) -> pd.Series:
    """Which candidates do clearly better than the asking area on their indicator: a better
    rank (or, unranked, a better value) and, where both have intervals, no overlap."""
    mine = own.set_index("indicator")
    theirs = candidates["indicator"]
    higher = theirs.map(polarity).eq("higher_is_better").to_numpy()
    value = candidates["value"].to_numpy(dtype=np.float64)
    own_value = theirs.map(mine["value"]).to_numpy(dtype=np.float64)
    rank = pd.to_numeric(candidates["rank"], errors="coerce").to_numpy(dtype=np.float64)
    own_rank = pd.to_numeric(theirs.map(mine["rank"]), errors="coerce").to_numpy(dtype=np.float64)
    better_value = np.where(higher, value > own_value, value < own_value)
    ranked = ~np.isnan(rank) & ~np.isnan(own_rank)
    better_rank = np.where(ranked, rank < own_rank, True)
    lower = candidates["lower"].to_numpy(dtype=np.float64)
    upper = candidates["upper"].to_numpy(dtype=np.float64)
    own_lower = theirs.map(mine["lower"]).to_numpy(dtype=np.float64)
    own_upper = theirs.map(mine["upper"]).to_numpy(dtype=np.float64)
    tested = ~np.isnan(lower) & ~np.isnan(upper) & ~np.isnan(own_lower) & ~np.isnan(own_upper)
    apart = np.where(higher, lower > own_upper, upper < own_lower)
    clear = np.where(tested, apart, True)
    return pd.Series(better_value & better_rank & clear, index=candidates.index)


def _text(column: pd.Series) -> pd.Series:
    return column.astype(object).where(column.notna(), "")


def _quartile(rows: pd.DataFrame) -> pd.Series:
    return pd.to_numeric(rows["quartile"], errors="coerce").astype(float)


def _candidates(others: pd.DataFrame, own_group: str, group_of: Mapping[str, str]) -> pd.DataFrame:
    """The rows of areas to learn from, best first within each indicator, with the columns
    ``group, match`` (and the flags :func:`_reason` words) added."""
    improved = (_text(others["direction"]) == "improved").to_numpy()
    significant = improved & others["change_significant"].eq(True).to_numpy()
    top = (_quartile(others) == TOP_QUARTILE).to_numpy()
    group = others["area"].map(lambda name: group_of.get(name, "")).astype(object)
    match = (group == own_group).to_numpy() & bool(own_group)
    rank = pd.to_numeric(others["rank"], errors="coerce").astype(float)
    picked = others.assign(
        group=group, match=match, significant=significant, improved=improved, top=top,
        rank_order=rank.fillna(np.inf),
    )[significant | top]  # fmt: skip
    picked = picked.sort_values(
        ["indicator", "match", "significant", "improved", "top", "rank_order", "area"],
        ascending=[True, False, False, False, False, True, True],
        kind="stable",
    )
    return picked


def _reason(row: Mapping[Any, Any]) -> str:
    """Plain words for why an area is suggested."""
    parts = []
    if row["significant"]:
        parts.append(f"improved significantly since {row['previous_period']}")
    if row["top"]:
        parts.append(f"top quartile (rank {int(row['rank'])} of {int(row['rank_of'])})")
    evidence = "; ".join(parts)
    return f"same family group ({row['group']}): {evidence}" if row["match"] else evidence
