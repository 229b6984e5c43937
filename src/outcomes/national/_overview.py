"""The national overview and the inspectorate's view of one area, as tables (issue 9).

:func:`overview` gathers, for one period, what a national reader needs: each indicator's
Scotland value and change, the spread across areas and how many improved or worsened,
family-group values, a heat table of areas by indicators, funnel plots for proportions and
rates, the state of the annual reports and the dataset burden. :func:`scrutiny` judges each
indicator for one area as giving *concern*, *assurance* or neither, with the evidence in
words. Both return typed objects holding pandas tables with fixed columns (the ``*_COLUMNS``
constants), so that the HTML renderer and other tools build on the same numbers; each
writes its tables as CSV with the same bytes for the same inputs.

The period is a return year such as ``2024-25``: financial-year and August-July indicators
are read for ``2024-25`` and calendar-year indicators for the calendar year in which it
starts (``2024``), as the returns collect them (:func:`outcomes.returns._returns.item_periods`).

Funnel limits are built from the figures as computed. Pass ``results.published()`` instead
when the tables are to be published, so that suppressed counts are not shown; suppressed
points then have no position on the funnel.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final

import attrs
import numpy as np
import pandas as pd
from numpy.typing import NDArray

from outcomes import stats
from outcomes.core._io import slug, write_csv
from outcomes.core._periods import Period, as_period, parse_period
from outcomes.core._suggest import did_you_mean
from outcomes.errors import NoResultsError
from outcomes.report._format import format_value
from outcomes.returns._burden import BURDEN_COLUMNS
from outcomes.returns._tidy import Areas
from outcomes.vocabulary import (
    FAMILY_GROUP_PREFIX,
    SCOTLAND,
    Comparison,
    Direction,
    ItemKind,
    Measure,
    Polarity,
)

BoolArray = NDArray[np.bool_]
FloatArray = NDArray[np.float64]

if TYPE_CHECKING:
    from outcomes.catalogue._catalogue import Catalogue, Indicator
    from outcomes.results._results import Results
    from outcomes.returns._burden import Burden

__all__ = [
    "FAMILY_GROUP_COLUMNS",
    "FUNNEL_COLUMNS",
    "FUNNEL_LINE_COLUMNS",
    "FUNNEL_OUTLIER_COLUMNS",
    "HEAT_COLUMNS",
    "INDICATOR_COLUMNS",
    "JUDGEMENTS",
    "JUDGEMENT_WORDS",
    "REPORT_COLUMNS",
    "REPORT_STATUSES",
    "SCRUTINY_COLUMNS",
    "SCRUTINY_REASONS",
    "Overview",
    "Scrutiny",
    "overview",
    "scrutiny",
]

#: Directions counted per indicator in :data:`INDICATOR_COLUMNS` (``suppressed`` is not:
#: it only appears after publication).
_COUNTED_DIRECTIONS = tuple(d.value for d in Direction if d is not Direction.SUPPRESSED)
_COUNTED_COMPARISONS = tuple(c.value for c in Comparison if c is not Comparison.NOT_COMPARED)

#: :attr:`Overview.indicators`: one row per indicator of the catalogue, in its order.
INDICATOR_COLUMNS: Final = (
    "indicator", "title", "measure", "unit", "polarity", "branch", "period",
    "scotland_value", "scotland_lower", "scotland_upper", "scotland_previous_value",
    "scotland_change", "scotland_change_lower", "scotland_change_upper",
    "scotland_direction", "scotland_trend",
    "areas_reported", "min", "q1", "median", "q3", "max",
    *_COUNTED_DIRECTIONS,
    *(f"vs_scotland_{word}" for word in _COUNTED_COMPARISONS),
    "funnel", "outside_95", "outside_998",
)  # fmt: skip
#: :attr:`Overview.family_groups`: one row per indicator and family group.
FAMILY_GROUP_COLUMNS: Final = (
    "indicator", "period", "family_group", "members_reported", "numerator", "denominator",
    "value", "lower", "upper", "previous_value", "change", "change_lower", "change_upper",
    "direction", "vs_scotland", "trend",
)  # fmt: skip
#: :attr:`Overview.heat`: one row per indicator and area (the long form of the heat table).
HEAT_COLUMNS: Final = (
    "indicator", "period", "area", "name", "family_group", "value", "direction",
    "vs_scotland", "trend", "quartile",
)  # fmt: skip
#: :attr:`Overview.funnel`: one row per area of each proportion or rate indicator.
FUNNEL_COLUMNS: Final = (
    "indicator", "period", "measure", "area", "name", "numerator", "denominator", "value",
    "target", "lower95", "upper95", "lower998", "upper998", "position",
)  # fmt: skip
#: :attr:`Overview.funnel_lines`: the limits along the denominator axis, for drawing.
FUNNEL_LINE_COLUMNS: Final = (
    "indicator", "period", "denominator", "target", "lower95", "upper95", "lower998",
    "upper998",
)  # fmt: skip
#: :attr:`Overview.funnel_outliers`: one row per funnel indicator, naming the areas
#: outside the 99.8% limits (names joined by ``"; "``, in alphabetical order).
FUNNEL_OUTLIER_COLUMNS: Final = (
    "indicator", "period", "polarity", "target", "above_998", "below_998", "areas_above",
    "areas_below", "phi", "tau2", "limits",
)  # fmt: skip
#: How the limits of a funnel are drawn (the ``limits`` column of the funnel outliers).
EXACT_LIMITS, ADJUSTED_LIMITS = "exact", "adjusted for overdispersion"
#: The signals behind a judgement, in the order the evidence gives them: four that the
#: indicator is going wrong, then four that it is going well (see :func:`scrutiny`).
SCRUTINY_REASONS: Final = (
    "worse_than_scotland", "worsened", "worsening_trend", "outside_funnel",
    "better_than_scotland", "improved", "improving_trend", "better_than_funnel",
)  # fmt: skip
_CONCERNS, _ASSURANCES = SCRUTINY_REASONS[:4], SCRUTINY_REASONS[4:]
#: :attr:`Scrutiny.table` and :attr:`Overview.scrutiny`: one row per area and indicator.
SCRUTINY_COLUMNS: Final = (
    "area", "name", "indicator", "title", "period", "value", "scotland_value", "judgement",
    "evidence", "other_evidence", *SCRUTINY_REASONS,
)  # fmt: skip
#: The judgements of :func:`scrutiny`, from the most to the least cause for a closer look.
JUDGEMENTS: Final = ("concern", "watch", "no_evidence", "assurance")
#: Each judgement in words, for pages.
JUDGEMENT_WORDS: Final = {"concern": "Concern", "watch": "Watch",
                          "no_evidence": "No evidence", "assurance": "Assurance"}  # fmt: skip
#: Where an annual report is in its year (docs/contracts.md, "Status").
REPORT_STATUSES: Final = ("draft", "peer_assessed", "published")
#: :attr:`Overview.reports`: one row per area when statuses or pairs are given.
REPORT_COLUMNS: Final = ("area", "name", "family_group", "status", "peer_area", "peer_reason")

#: How many signals that an indicator is going wrong make a concern on their own (one is
#: a watch, unless it is a place outside the 99.8% funnel limit).
_CORROBORATED: Final = 2

#: Points along the denominator axis of each funnel line (as PHEindicatormethods draws).
FUNNEL_LINE_POINTS: Final = 100
_LOW95, _HIGH95, _LOW998, _HIGH998 = "lower95", "upper95", "lower998", "upper998"
_ABOVE998, _ABOVE95, _WITHIN, _BELOW95, _BELOW998, _NOT_COMPARED = stats.FUNNEL_POSITIONS


# --- the objects ------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Scrutiny:
    """The inspectorate's view of one area in one period: each indicator judged.

    ``table`` has the columns of :data:`SCRUTINY_COLUMNS`, one row per indicator with a
    value or a result for the area, in catalogue order. ``judgement`` is one of
    :data:`JUDGEMENTS` (``concern``, ``watch``, ``no_evidence``, ``assurance``: the rules
    are :func:`scrutiny`'s); ``evidence`` says why in words, and ``other_evidence`` gives
    the signals that point the other way (an improvement beside a concern).
    """

    area: str
    name: str
    period: Period
    #: How costs are shown: ``real terms (2024-25 prices)`` or ``cash``.
    prices: str = "cash"
    table: pd.DataFrame = attrs.field(eq=False, repr=False)

    @property
    def concerns(self) -> pd.DataFrame:
        """The rows judged ``concern``."""
        return self.table[self.table["judgement"] == "concern"]

    @property
    def assurances(self) -> pd.DataFrame:
        """The rows judged ``assurance``."""
        return self.table[self.table["judgement"] == "assurance"]

    def counts(self) -> dict[str, int]:
        """How many indicators had each judgement, in the order of :data:`JUDGEMENTS`."""
        found = self.table["judgement"].value_counts()
        return {judgement: int(found.get(judgement, 0)) for judgement in JUDGEMENTS}

    def to_csv(self, directory: str | os.PathLike[str]) -> list[Path]:
        """Write ``DIRECTORY/scrutiny-<area-slug>-<period>.csv`` atomically; return its path."""
        path = Path(directory) / f"scrutiny-{slug(self.area)}-{self.period}.csv"
        return [write_csv(path, self.table)[0]]


@attrs.frozen(kw_only=True)
class Overview:
    """The national overview for one period: every table of the overview page.

    - ``indicators``: :data:`INDICATOR_COLUMNS`. Per indicator, Scotland's value, interval,
      change and direction; the spread of area values (``min``, ``q1``, ``median``,
      ``q3``, ``max``: quartiles interpolated linearly, as numpy and pandas do); how many
      areas had each direction and each comparison with Scotland; whether a funnel plot
      applies and how many areas lie outside its 95% and 99.8% limits.
    - ``family_groups``: :data:`FAMILY_GROUP_COLUMNS`, the family groups' pooled values.
    - ``heat``: :data:`HEAT_COLUMNS`, areas by indicators in long form; :attr:`heat_wide`
      pivots it to one row per area and one direction column per indicator.
    - ``funnel``: :data:`FUNNEL_COLUMNS`, each area against exact limits around Scotland
      (:func:`outcomes.stats.funnel_proportion_limits` and
      :func:`~outcomes.stats.funnel_rate_limits`), values and limits in the indicator's
      units; ``funnel_lines`` (:data:`FUNNEL_LINE_COLUMNS`) traces the limits for drawing;
      ``funnel_outliers`` (:data:`FUNNEL_OUTLIER_COLUMNS`) names the areas outside 99.8%.
    - ``scrutiny``: :data:`SCRUTINY_COLUMNS` for every area (see :func:`scrutiny`).
    - ``reports``: :data:`REPORT_COLUMNS`, each area's report status and peer (empty when
      neither statuses nor pairs were given).
    - ``burden``: the burden report's findings (:data:`outcomes.returns._burden.BURDEN_COLUMNS`),
      empty when none was given.
    """

    period: Period
    #: How costs are shown: ``real terms (2024-25 prices)`` or ``cash``.
    prices: str = "cash"
    indicators: pd.DataFrame = attrs.field(eq=False, repr=False)
    family_groups: pd.DataFrame = attrs.field(eq=False, repr=False)
    heat: pd.DataFrame = attrs.field(eq=False, repr=False)
    funnel: pd.DataFrame = attrs.field(eq=False, repr=False)
    funnel_lines: pd.DataFrame = attrs.field(eq=False, repr=False)
    funnel_outliers: pd.DataFrame = attrs.field(eq=False, repr=False)
    scrutiny: pd.DataFrame = attrs.field(eq=False, repr=False)
    reports: pd.DataFrame = attrs.field(eq=False, repr=False)
    burden: pd.DataFrame = attrs.field(eq=False, repr=False)

    @property
    def heat_wide(self) -> pd.DataFrame:
        """The heat table with one row per area (``area, name``, in the results' order) and
        one column per indicator (catalogue order) holding the direction word."""
        heat = self.heat
        wide = heat.pivot(index="area", columns="indicator", values="direction")
        areas = pd.unique(heat["area"])
        indicators = pd.unique(heat["indicator"])
        wide = wide.reindex(index=areas, columns=indicators).astype(object)
        wide = wide.where(wide.notna(), None)
        names = heat.drop_duplicates("area").set_index("area")["name"].reindex(areas)
        wide.insert(0, "name", names.to_numpy())
        wide.columns.name = None
        return wide.rename_axis("area").reset_index()

    def scrutiny_of(self, area: str) -> Scrutiny:
        """The :class:`Scrutiny` of one area, taken from :attr:`scrutiny`."""
        table = self.scrutiny[self.scrutiny["area"] == area]
        if table.empty:
            hint = did_you_mean(area, self.scrutiny["area"].unique().tolist())
            raise NoResultsError(f"the overview holds no area {area!r}; {hint}")
        return Scrutiny(area=area, name=str(table["name"].iloc[0]), period=self.period,
                        prices=self.prices,
                        table=table.reset_index(drop=True))  # fmt: skip

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table by its CSV file's stem, in the order :meth:`to_csv` writes them."""
        return {
            "indicators": self.indicators,
            "family_groups": self.family_groups,
            "heat": self.heat,
            "heat_wide": self.heat_wide,
            "funnel": self.funnel,
            "funnel_lines": self.funnel_lines,
            "funnel_outliers": self.funnel_outliers,
            "scrutiny": self.scrutiny,
            "reports": self.reports,
            "burden": self.burden,
        }

    def to_csv(self, directory: str | os.PathLike[str]) -> list[Path]:
        """Write each table to ``DIRECTORY/<table>.csv`` atomically (the same bytes for the
        same inputs) and return the paths: ``indicators``, ``family_groups``, ``heat``,
        ``heat_wide``, ``funnel``, ``funnel_lines``, ``funnel_outliers``, ``scrutiny``,
        ``reports`` and ``burden``."""
        folder = Path(directory)
        return [
            write_csv(folder / f"{stem}.csv", table)[0] for stem, table in self.tables().items()
        ]


# --- the period's rows ------------------------------------------------------------------------


def _period_labels(results: Results, period: Period) -> dict[str, str]:
    """Each indicator's period label in the return year of ``period``: its latest published
    period (a two-yearly survey's last survey year, a lagged figure's year), which the
    tables' ``period`` column names."""
    latest = results.latest_periods(period)
    return {i.id: str(latest[i.id] or period.in_type(i.period_type)) for i in results.catalogue}


def _funnel_kind(indicator: Indicator, catalogue: Catalogue) -> str:
    """``proportion`` or ``rate`` where the engine gives an interval from counted events
    (as :class:`outcomes.results._compute._IndicatorColumns` decides), else ``""``."""
    counted = catalogue.items[indicator.numerator].kind is ItemKind.COUNT
    if counted and indicator.measure in (Measure.PROPORTION, Measure.RATE):
        return indicator.measure.value
    return ""


@attrs.frozen(kw_only=True)
class _Period:
    """The results rows of one return year, split by kind, with what the tables need."""

    period: Period
    catalogue: Catalogue = attrs.field(eq=False, repr=False)
    labels: Mapping[str, str] = attrs.field(eq=False, repr=False)
    scotland: pd.DataFrame = attrs.field(eq=False, repr=False)  # indexed by indicator
    groups: pd.DataFrame = attrs.field(eq=False, repr=False)
    areas: pd.DataFrame = attrs.field(eq=False, repr=False)  # with name and family_group
    area_order: tuple[str, ...]
    #: Each funnel indicator's overdispersion among all the areas (Spiegelhalter 2005).
    dispersion: Mapping[str, stats.Overdispersion] = attrs.field(factory=dict, eq=False, repr=False)

    @classmethod
    def of(
        cls, results: Results, period: Period, areas: Areas | None, *, overdispersion: bool = True
    ) -> _Period:
        catalogue = results.catalogue
        labels = _period_labels(results, period)
        frame = results.frame
        rows = frame[frame["period"] == frame["indicator"].map(labels)]
        if rows.empty:
            known = sorted(set(frame["period"]), key=lambda text: parse_period(text).start)
            raise NoResultsError(
                f"the results hold nothing for {period}; they hold "
                f"{', '.join(known) or 'no periods'}"
            )
        rows = rows.assign(**{column: _text(rows[column])
                              for column in ("direction", "vs_scotland", "vs_family_group",
                                             "trend")})  # fmt: skip
        is_scotland = rows["area"] == SCOTLAND
        is_group = rows["area"].str.startswith(FAMILY_GROUP_PREFIX)
        names: Mapping[str, str] = (
            dict(zip(areas.frame["area"], areas.frame["name"], strict=True))
            if areas is not None else {}
        )  # fmt: skip
        area_rows = rows[~is_scotland & ~is_group]
        area_rows = area_rows.assign(
            name=area_rows["area"].map(lambda code: names.get(code) or code),
            family_group=area_rows["area"].map(results.family_groups).astype(object).fillna(""),
        )
        return cls(
            period=period,
            catalogue=catalogue,
            labels=labels,
            scotland=rows[is_scotland].set_index("indicator"),
            groups=rows[is_group],
            areas=area_rows,
            area_order=tuple(pd.unique(area_rows["area"])),
            dispersion=_dispersion(catalogue, area_rows, rows[is_scotland])
            if overdispersion
            else {},
        )


def _text(column: pd.Series) -> pd.Series:
    """A word column as plain text, missing words as None."""
    words = column.astype(object)
    return words.where(words.notna(), None)


# --- funnel plots -----------------------------------------------------------------------------


def _limits(
    kind: str, target: FloatArray, denominator: FloatArray, multiplier: FloatArray,
    confidence: float,
) -> tuple[FloatArray, FloatArray]:  # fmt: skip
    """Limits in the indicator's units for one kind of funnel (target in those units)."""
    if kind == "proportion":
        proportion = target / multiplier
        # Σ numerators above Σ denominators (impossible data) has no binomial funnel.
        proportion = np.where((proportion >= 0) & (proportion <= 1), proportion, np.nan)
        lower, upper = stats.funnel_proportion_limits(proportion, denominator, confidence)
        return lower * multiplier, upper * multiplier
    return stats.funnel_rate_limits(target, denominator, confidence, multiplier=multiplier)


def _dispersion(
    catalogue: Catalogue, area_rows: pd.DataFrame, scotland: pd.DataFrame
) -> dict[str, stats.Overdispersion]:
    """Each funnel indicator's overdispersion, from every area's value around Scotland's."""
    targets = dict(zip(scotland["indicator"], scotland["value"], strict=True))
    found = {}
    for indicator, group in area_rows.groupby("indicator", sort=False):
        chosen = catalogue[str(indicator)]
        kind = _funnel_kind(chosen, catalogue)
        if not kind:
            continue
        found[str(indicator)] = stats.funnel_overdispersion(
            group["value"].to_numpy(dtype=np.float64),
            group["denominator"].to_numpy(dtype=np.float64),
            float(targets.get(indicator, np.nan)),
            kind=kind,
            multiplier=chosen.multiplier,
        )
    return found


def _with_limits(
    points: pd.DataFrame,
    kinds: pd.Series,
    multipliers: pd.Series,
    tau2: pd.Series | None = None,
) -> pd.DataFrame:
    """``points`` (``target``, ``denominator``) with the four limit columns added: exact
    limits, or where ``tau2`` (by row) is above 0, limits widened by that random effect."""
    limits = {column: np.full(len(points), np.nan) for column in (_LOW95, _HIGH95, _LOW998,
                                                                    _HIGH998)}  # fmt: skip
    target = points["target"].to_numpy(dtype=np.float64)
    denominator = points["denominator"].to_numpy(dtype=np.float64)
    multiplier = multipliers.to_numpy(dtype=np.float64)
    for kind in ("proportion", "rate"):
        chosen = (kinds == kind).to_numpy()
        if not chosen.any():
            continue
        for confidence, (low, high) in zip(stats.FUNNEL_LEVELS, ((_LOW95, _HIGH95),
                                                                  (_LOW998, _HIGH998)),
                                           strict=True):  # fmt: skip
            lower, upper = _limits(kind, target[chosen], denominator[chosen],
                                   multiplier[chosen], confidence)  # fmt: skip
            limits[low][chosen], limits[high][chosen] = lower, upper
            if tau2 is None:
                continue
            spread = tau2.to_numpy(dtype=np.float64)
            for value in np.unique(spread[chosen & (spread > 0)]):
                wide = chosen & (spread == value)
                lower, upper = stats.funnel_random_effects_limits(
                    target[wide], denominator[wide], float(value), confidence, kind=kind,
                    multiplier=multiplier[wide],
                )  # fmt: skip
                limits[low][wide], limits[high][wide] = lower, upper
    return points.assign(**limits)


def _tau2(context: _Period, indicators: pd.Series) -> pd.Series:
    """The random-effects variance of each row's indicator (0 where not overdispersed)."""
    spread = {i: found.tau2 for i, found in context.dispersion.items()}
    return indicators.map(spread).fillna(0.0).astype(np.float64)


def _funnel_points(context: _Period, area_rows: pd.DataFrame) -> pd.DataFrame:
    """:data:`FUNNEL_COLUMNS` for the funnel indicators among ``area_rows``."""
    catalogue = context.catalogue
    kinds = {i.id: _funnel_kind(i, catalogue) for i in catalogue}
    multipliers = {i.id: i.multiplier for i in catalogue}
    rows = area_rows[area_rows["indicator"].map(kinds) != ""]
    points = pd.DataFrame({
        "indicator": rows["indicator"], "period": rows["period"],
        "measure": rows["indicator"].map(kinds), "area": rows["area"], "name": rows["name"],
        "numerator": rows["numerator"], "denominator": rows["denominator"],
        "value": rows["value"],
        "target": rows["indicator"].map(context.scotland["value"]).astype(np.float64),
    })  # fmt: skip
    points = _with_limits(points, points["measure"], rows["indicator"].map(multipliers),
                          _tau2(context, points["indicator"]))  # fmt: skip
    position = stats.funnel_position(points["value"], points[_LOW95], points[_HIGH95],
                                     points[_LOW998], points[_HIGH998])  # fmt: skip
    points["position"] = position.astype(object)
    return points.reset_index(drop=True)[list(FUNNEL_COLUMNS)]


def _funnel_lines(context: _Period, points: pd.DataFrame) -> pd.DataFrame:
    """The limits at :data:`FUNNEL_LINE_POINTS` denominators per funnel indicator, spaced
    geometrically over the areas' range (from 1 when it spans more than a factor of two,
    as PHEindicatormethods' ``calculate_funnel_limits`` starts its axis at 0 then)."""
    catalogue = context.catalogue
    pieces = []
    for indicator, group in points.groupby("indicator", sort=False):
        denominators = group["denominator"].dropna()
        denominators = denominators[denominators > 0]
        target = float(group["target"].iloc[0])
        if denominators.empty or np.isnan(target):
            continue
        smallest, largest = float(denominators.min()), float(denominators.max())
        start = 1.0 if largest > 2 * smallest else max(1.0, 0.95 * smallest)
        axis = np.geomspace(start, max(1.05 * largest, start + 1), FUNNEL_LINE_POINTS)
        pieces.append(pd.DataFrame({
            "indicator": indicator, "period": group["period"].iloc[0], "denominator": axis,
            "target": target, "kind": group["measure"].iloc[0],
            "multiplier": catalogue[str(indicator)].multiplier,
        }))  # fmt: skip
    if not pieces:
        return _empty(FUNNEL_LINE_COLUMNS)
    lines = pd.concat(pieces, ignore_index=True)
    lines = _with_limits(lines, lines["kind"], lines["multiplier"],
                         _tau2(context, lines["indicator"]))  # fmt: skip
    return lines[list(FUNNEL_LINE_COLUMNS)]


def _funnel_outliers(context: _Period, points: pd.DataFrame) -> pd.DataFrame:
    polarity = {i.id: i.polarity.value for i in context.catalogue}
    above = points["position"] == _ABOVE998
    below = points["position"] == _BELOW998
    by_indicator = points.groupby("indicator", sort=False)
    names_above = points["name"].where(above).groupby(points["indicator"], sort=False)
    names_below = points["name"].where(below).groupby(points["indicator"], sort=False)
    table = pd.DataFrame({
        "period": by_indicator["period"].first(),
        "target": by_indicator["target"].first(),
        "above_998": above.groupby(points["indicator"], sort=False).sum().astype(np.int64),
        "below_998": below.groupby(points["indicator"], sort=False).sum().astype(np.int64),
        "areas_above": names_above.agg(_joined_names),
        "areas_below": names_below.agg(_joined_names),
    })  # fmt: skip
    table = table.rename_axis("indicator").reset_index()
    table.insert(2, "polarity", table["indicator"].map(polarity))
    found = context.dispersion
    table["phi"] = table["indicator"].map({i: d.phi for i, d in found.items()})
    table["tau2"] = _tau2(context, table["indicator"])
    table["limits"] = np.where(table["tau2"] > 0, ADJUSTED_LIMITS, EXACT_LIMITS)
    return table[list(FUNNEL_OUTLIER_COLUMNS)]


def _joined_names(names: pd.Series) -> str:
    return "; ".join(sorted(str(name) for name in names.dropna()))


# --- the indicators summary, family groups and heat table -------------------------------------


def _indicator_summary(context: _Period, points: pd.DataFrame) -> pd.DataFrame:
    catalogue = context.catalogue
    ids = list(catalogue.ids)
    summary = pd.DataFrame({
        "indicator": ids,
        "title": [i.title for i in catalogue],
        "measure": [i.measure.value for i in catalogue],
        "unit": [i.unit for i in catalogue],
        "polarity": [i.polarity.value for i in catalogue],
        "branch": [i.branch.value for i in catalogue],
        "period": [context.labels[i] for i in ids],
    })  # fmt: skip
    scotland = context.scotland.reindex(ids)
    for column in ("value", "lower", "upper", "previous_value", "change", "change_lower",
                   "change_upper"):  # fmt: skip
        summary[f"scotland_{column}"] = scotland[column].to_numpy(dtype=np.float64)
    summary["scotland_direction"] = scotland["direction"].to_numpy(dtype=object)
    summary["scotland_trend"] = scotland["trend"].to_numpy(dtype=object)

    areas = context.areas
    values = areas.groupby("indicator", sort=False)["value"]
    spread = pd.DataFrame({
        "areas_reported": values.count(), "min": values.min(), "q1": values.quantile(0.25),
        "median": values.median(), "q3": values.quantile(0.75), "max": values.max(),
    }).reindex(ids)  # fmt: skip
    spread["areas_reported"] = spread["areas_reported"].fillna(0).astype(np.int64)
    directions = _counts(areas["indicator"], areas["direction"], _COUNTED_DIRECTIONS, ids)
    comparisons = _counts(areas["indicator"], areas["vs_scotland"], _COUNTED_COMPARISONS, ids)
    comparisons.columns = [f"vs_scotland_{word}" for word in comparisons.columns]
    position = points["position"]
    outside95 = ~position.isin([_WITHIN, _NOT_COMPARED])
    outside998 = position.isin([_ABOVE998, _BELOW998])
    funnel = pd.DataFrame({
        "funnel": [_funnel_kind(i, catalogue) != "" for i in catalogue],
        "outside_95": outside95.groupby(points["indicator"]).sum().reindex(ids, fill_value=0),
        "outside_998": outside998.groupby(points["indicator"]).sum().reindex(ids, fill_value=0),
    }, index=ids)  # fmt: skip
    funnel[["outside_95", "outside_998"]] = funnel[["outside_95", "outside_998"]].astype(np.int64)
    joined = pd.concat([spread, directions, comparisons, funnel], axis=1)
    summary = pd.concat([summary, joined.reset_index(drop=True)], axis=1)
    return summary[list(INDICATOR_COLUMNS)]


def _counts(
    keys: pd.Series, words: pd.Series, categories: Sequence[str], ids: Sequence[str]
) -> pd.DataFrame:
    """How often each word of ``categories`` occurs per key: one column per word."""
    table = pd.crosstab(keys, words)
    return table.reindex(index=list(ids), columns=list(categories), fill_value=0).astype(np.int64)


def _family_group_table(context: _Period) -> pd.DataFrame:
    groups = context.groups
    areas = context.areas
    reported = areas[areas["value"].notna() & (areas["family_group"] != "")]
    members = reported.groupby(["indicator", "family_group"]).size()
    group_name = groups["area"].str.removeprefix(FAMILY_GROUP_PREFIX)
    keys = pd.MultiIndex.from_arrays([groups["indicator"], group_name])
    table = groups.assign(
        family_group=group_name,
        members_reported=members.reindex(keys, fill_value=0).to_numpy(dtype=np.int64),
    )
    return table.reset_index(drop=True)[list(FAMILY_GROUP_COLUMNS)]


def _heat_table(context: _Period) -> pd.DataFrame:
    return context.areas.reset_index(drop=True)[list(HEAT_COLUMNS)]


# --- scrutiny ---------------------------------------------------------------------------------

Texts = NDArray[np.object_]
_NUMBER_WORDS: Final = {3: "three", 4: "four", 5: "five", 6: "six", 10: "ten"}


def _display(rows: pd.DataFrame, column: str, catalogue: Catalogue) -> Texts:
    """``column`` of ``rows`` as a reader sees it (outcomes.report._format), by indicator."""
    values = rows[column].to_numpy(dtype=np.float64)
    shown = np.full(len(rows), "", dtype=object)
    for indicator, positions in rows.groupby("indicator", sort=False).indices.items():
        definition = catalogue[str(indicator)]
        shown[positions] = [format_value(float(v), definition) for v in values[positions]]
    return shown


def _words(column: pd.Series, choices: Mapping[str, str]) -> Texts:
    """The words ``choices`` gives each cell of ``column`` ("" for any other cell)."""
    words = column.map(choices).astype(object).fillna("")
    return np.asarray(words.to_numpy(dtype=object), dtype=object)


def _joined(pieces: Sequence[Texts]) -> Texts:
    """The non-empty pieces of each row joined by ``"; "``."""
    out = pieces[0].copy()
    for piece in pieces[1:]:
        out = np.where(piece == "", out, np.where(out == "", piece, out + "; " + piece))
    return out


def _scrutiny_table(
    context: _Period, area_rows: pd.DataFrame, points: pd.DataFrame
) -> pd.DataFrame:
    """:data:`SCRUTINY_COLUMNS` for ``area_rows`` (any number of areas), area by area."""
    catalogue = context.catalogue
    rows = area_rows.reset_index(drop=True)
    keys = pd.MultiIndex.from_frame(rows[["indicator", "area"]])
    funnel = points.set_index(["indicator", "area"]).reindex(keys)
    rows = rows.assign(
        scotland_value=rows["indicator"].map(context.scotland["value"]).astype(np.float64),
        position=funnel["position"].astype(object).fillna(_NOT_COMPARED).to_numpy(dtype=object),
        **{column: funnel[column].to_numpy(dtype=np.float64)
           for column in (_LOW95, _HIGH95, _LOW998, _HIGH998)},
    )  # fmt: skip
    polarity = rows["indicator"].map({i.id: i.polarity for i in catalogue})
    higher_better = (polarity == Polarity.HIGHER_IS_BETTER).to_numpy()
    polar = (polarity != Polarity.NEUTRAL).to_numpy()
    position = rows["position"].to_numpy(dtype=object)
    beyond_low, beyond_high = position == _BELOW998, position == _ABOVE998
    low_side = beyond_low | (position == _BELOW95)
    high_side = beyond_high | (position == _ABOVE95)
    # Beyond the 95% limits on the better side: positive evidence. Inside them is none.
    better_side = np.where(higher_better, high_side, low_side)
    # A change counts as evidence only when it was tested and found significant: a cost's
    # or a duration's change has no test, and a small move would otherwise raise concern.
    tested = (rows["change_significant"] == True).to_numpy()  # noqa: E712 (None is not)
    reasons = {
        "worse_than_scotland": (rows["vs_scotland"] == "worse").to_numpy(),
        "worsened": tested & (rows["direction"] == "worsened").to_numpy(),
        "worsening_trend": (rows["trend"] == "worsening").to_numpy(),
        "outside_funnel": polar & np.where(higher_better, beyond_low, beyond_high),
        "better_than_scotland": (rows["vs_scotland"] == "better").to_numpy(),
        "improved": tested & (rows["direction"] == "improved").to_numpy(),
        "improving_trend": (rows["trend"] == "improving").to_numpy(),
        "better_than_funnel": polar & better_side,
    }
    phrases = _phrases(rows, catalogue, higher_better=higher_better, polar=polar)
    against = np.sum([reasons[name] for name in _CONCERNS], axis=0)
    standing = reasons["better_than_scotland"] | reasons["better_than_funnel"]
    sustained = reasons["improved"] & reasons["improving_trend"]
    concern = reasons["outside_funnel"] | (against >= _CORROBORATED)
    watch = ~concern & (against > 0)
    assurance = (against == 0) & (standing | sustained)
    judgement = np.select([concern, watch, assurance], ["concern", "watch", "assurance"],
                          default="no_evidence")  # fmt: skip

    def because(names: Sequence[str]) -> Texts:
        return _joined([np.where(reasons[name], phrases[name], "") for name in names])

    concern_text, assurance_text = because(_CONCERNS), because(_ASSURANCES)
    described = _joined([phrases[kind] for kind in ("vs_scotland", "direction", "trend",
                                                     "funnel")])  # fmt: skip
    # A row without a value still says why: suppressed, or not reported.
    not_reported = "no value for " + rows["period"].to_numpy(dtype=object)
    no_value = np.where(rows["direction"] == "suppressed",
                        "suppressed to protect confidentiality", not_reported)  # fmt: skip
    described = np.where(described == "", "no comparison is available", described)
    neutral_text = np.where(rows["value"].isna(), no_value, described)
    evidence = np.select([concern | watch, assurance], [concern_text, assurance_text],
                         default=neutral_text)  # fmt: skip

    order = {indicator: k for k, indicator in enumerate(catalogue.ids)}
    area_position = {area: k for k, area in enumerate(context.area_order)}
    table = pd.DataFrame({
        "area": rows["area"], "name": rows["name"], "indicator": rows["indicator"],
        "title": rows["indicator"].map({i.id: i.title for i in catalogue}),
        "period": rows["period"], "value": rows["value"],
        "scotland_value": rows["scotland_value"],
        "judgement": judgement.astype(object), "evidence": evidence.astype(object),
        "other_evidence": np.where(concern | watch, assurance_text, "").astype(object),
        **{name: reasons[name] for name in SCRUTINY_REASONS},
    })  # fmt: skip
    sort_keys = pd.DataFrame({"area": rows["area"].map(area_position),
                              "indicator": rows["indicator"].map(order)})  # fmt: skip
    ordered = sort_keys.sort_values(["area", "indicator"], kind="stable").index
    return table.loc[ordered].reset_index(drop=True)[list(SCRUTINY_COLUMNS)]


def _phrases(
    rows: pd.DataFrame, catalogue: Catalogue, *, higher_better: BoolArray, polar: BoolArray
) -> dict[str, Texts]:
    """Each reason, and each kind of description, in words ("" where it has none)."""
    shown = {column: _display(rows, column, catalogue)
             for column in ("value", "scotland_value", "previous_value", _LOW95, _HIGH95,
                            _LOW998, _HIGH998)}  # fmt: skip
    value = shown["value"]

    compared = _words(rows["vs_scotland"], {
        "better": "significantly better than Scotland",
        "worse": "significantly worse than Scotland",
        "similar": "similar to Scotland",
        "higher": "significantly higher than Scotland",
        "lower": "significantly lower than Scotland",
    })  # fmt: skip
    versus = np.where(compared == "", "",
                      compared + " (" + value + " vs " + shown["scotland_value"] + ")")  # fmt: skip

    moved = _words(rows["direction"], {
        "improved": "improved", "worsened": "worsened", "increased": "increased",
        "decreased": "decreased", "no_significant_change": "no significant change",
        "no_change": "no material change",
    })  # fmt: skip
    # Costs and counts have no test: their changes are material, not significant.
    tested = (rows["change_significant"] == True).to_numpy()  # noqa: E712 (None is not)
    significant = tested & np.isin(moved, ["improved", "worsened", "increased", "decreased"])
    since = rows["previous_period"].astype(str).to_numpy(dtype=object)
    change = np.where(moved == "", "",
                      moved + np.where(significant, " significantly", "") + " since " + since
                      + " (" + shown["previous_value"] + " to " + value + ")")  # fmt: skip

    trended = _words(rows["trend"], {
        "improving": "improving trend", "worsening": "worsening trend",
        "increasing": "increasing trend", "decreasing": "decreasing trend",
        "no_significant_trend": "no significant trend",
    })  # fmt: skip
    years = _NUMBER_WORDS.get(stats.TREND_PERIODS, str(stats.TREND_PERIODS))
    to_period = f" over the {years} years to " + rows["period"].to_numpy(dtype=object)
    trend = np.where(trended == "", "", trended + to_period)

    position = rows["position"].to_numpy(dtype=object)
    low, high = position == _BELOW998, position == _ABOVE998
    warning_low, warning_high = position == _BELOW95, position == _ABOVE95
    better_side = polar & np.where(higher_better, high | warning_high, low | warning_low)
    side = np.where(better_side, " on the better side (", " (")
    beyond = np.where(low, value + " is below " + shown[_LOW998],
                      value + " is above " + shown[_HIGH998])  # fmt: skip
    between = np.where(warning_low, value + " is below " + shown[_LOW95],
                       value + " is above " + shown[_HIGH95])  # fmt: skip
    funnel = np.select(
        [low | high, position == _WITHIN, warning_low | warning_high],
        ["outside the 99.8% funnel limit" + side + beyond + ")",
         "inside the 95% funnel limits (" + shown[_LOW95] + " to " + shown[_HIGH95] + ")",
         "between the 95% and 99.8% funnel limits" + side + between + ")"],
        default="",
    )  # fmt: skip
    return {
        "vs_scotland": versus, "direction": change, "trend": trend, "funnel": funnel,
        "worse_than_scotland": versus, "better_than_scotland": versus,
        "worsened": change, "improved": change,
        "worsening_trend": trend, "improving_trend": trend,
        "outside_funnel": funnel, "better_than_funnel": funnel,
    }  # fmt: skip


# --- reports and burden -----------------------------------------------------------------------


def _reports_table(
    context: _Period,
    statuses: Mapping[str, str] | None,
    pairs: pd.DataFrame | None,
) -> pd.DataFrame:
    if statuses is None and pairs is None:
        return _empty(REPORT_COLUMNS)
    known = context.area_order
    given = dict(statuses or {})
    unknown_status = sorted({s for s in given.values() if s not in REPORT_STATUSES})
    if unknown_status:
        raise ValueError(f"unknown report status {unknown_status[0]!r}; "
                         f"{did_you_mean(unknown_status[0], REPORT_STATUSES)}")  # fmt: skip
    peers: dict[str, str] = {}
    reasons: dict[str, str] = {}
    if pairs is not None:
        pairs = pairs.reset_index(drop=True)  # reasons are looked up by position below
        missing = [c for c in ("area", "peer_area") if c not in pairs.columns]
        if missing:
            raise ValueError(f"pairs need the columns area and peer_area; missing {missing[0]}")
        reason = pairs["reason"] if "reason" in pairs.columns else pd.Series("", index=pairs.index)
        for area, group in pairs.groupby("area", sort=False):
            peers[str(area)] = "; ".join(dict.fromkeys(str(p) for p in group["peer_area"]))
            reasons[str(area)] = "; ".join(dict.fromkeys(str(r) for r in reason[group.index]
                                                        if str(r)))  # fmt: skip
    for area in [*given, *peers, *(p for text in peers.values() for p in text.split("; "))]:
        if area not in known:
            raise NoResultsError(f"the results hold no area {area!r} for the reports table; "
                                 f"{did_you_mean(area, known)}")  # fmt: skip
    names = context.areas.drop_duplicates("area").set_index("area")
    table = pd.DataFrame({
        "area": list(known),
        "name": names["name"].reindex(known).to_numpy(dtype=object),
        "family_group": names["family_group"].reindex(known).to_numpy(dtype=object),
        "status": [given.get(area) for area in known],
        "peer_area": [peers.get(area) for area in known],
        "peer_reason": [reasons.get(area) or None for area in known],
    })  # fmt: skip
    return table[list(REPORT_COLUMNS)]


def _empty(columns: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype=object) for column in columns})


# --- entry points -----------------------------------------------------------------------------


def overview(
    results: Results,
    period: str | Period,
    *,
    areas: Areas | None = None,
    assessments: Mapping[str, str] | None = None,
    pairs: pd.DataFrame | None = None,
    burden: Burden | None = None,
    overdispersion: bool = True,
) -> Overview:
    """The national overview of ``results`` for the return year ``period``.

    ``areas`` gives the areas' names (else their codes are used). ``assessments`` maps an
    area to its report's status (``draft``, ``peer_assessed`` or ``published``); ``pairs``
    is the peer pairing (columns ``area, peer_area`` and optionally ``family_group,
    reason``, as ``outcomes pair`` writes: ``peer_area`` assesses ``area``'s report).
    ``burden`` is a :class:`outcomes.Burden`, whose findings are kept as its
    :meth:`~outcomes.Burden.to_frame` table. Raises :class:`NoResultsError` when the
    results hold nothing for the period, or a status or pair names an unknown area.

    Funnel limits use the figures as computed; pass ``results.published()`` when the
    tables will be published. Where the areas of an indicator differ more than chance alone
    would make them (:func:`outcomes.stats.funnel_overdispersion`), its limits are widened
    by a random effect (Spiegelhalter 2005), so that only areas unusual even then lie
    outside; ``overdispersion=False`` draws the exact limits for every indicator.

    >>> import outcomes
    >>> from outcomes.core._resources import bundled_path
    >>> example = bundled_path("example")
    >>> results = outcomes.compute(outcomes.read_dataset(example / "data.csv"),
    ...     outcomes.load_catalogue(), outcomes.read_areas(example / "areas.csv"))
    >>> national = overview(results, "2024-25")
    >>> row = national.indicators.set_index("indicator").loc["SW6"]
    >>> int(row["areas_reported"]), bool(row["funnel"])
    (32, True)
    """
    context = _Period.of(results, as_period(period), areas, overdispersion=overdispersion)
    points = _funnel_points(context, context.areas)
    return Overview(
        period=context.period,
        prices=results.prices,
        indicators=_indicator_summary(context, points),
        family_groups=_family_group_table(context),
        heat=_heat_table(context),
        funnel=points,
        funnel_lines=_funnel_lines(context, points),
        funnel_outliers=_funnel_outliers(context, points),
        scrutiny=_scrutiny_table(context, context.areas, points),
        reports=_reports_table(context, assessments, pairs),
        burden=burden.to_frame() if burden is not None else _empty(BURDEN_COLUMNS),
    )


def scrutiny(
    results: Results,
    area: str,
    period: str | Period,
    *,
    areas: Areas | None = None,
    overdispersion: bool = True,
) -> Scrutiny:
    """The inspectorate's view of ``area`` in the return year ``period``.

    Each indicator with a row for the area is judged from eight signals (the columns of
    :data:`SCRUTINY_REASONS`). Four say it is going wrong: significantly worse than
    Scotland (``worse_than_scotland``); worsened since the previous period by a
    significant change (``worsened``: costs and counts have no test and never count); a
    significant worsening trend over five years (``worsening_trend``); outside the 99.8%
    funnel limit on the worse side (``outside_funnel``, limits adjusted for
    overdispersion unless ``overdispersion=False``). Four say it is going well: the mirror
    images, with ``better_than_funnel`` for a place beyond the 95% limit on the better side.

    - **concern**: outside the 99.8% funnel limit on the worse side, or two or more
      signals that it is going wrong (corroborated);
    - **watch**: one signal that it is going wrong, and no more;
    - **assurance**: no signal that it is going wrong, *and positive evidence*: better
      than Scotland or beyond the 95% funnel limit on the better side, or a significant
      improvement together with an improving trend. Sitting inside the funnel, or an
      improvement on its own, is not evidence of good performance;
    - **no evidence**: everything else, including every neutral-polarity indicator (no
      direction of theirs is better or worse) and every indicator with no value.

    ``evidence`` gives the signals behind the judgement in words, with the figures (a row
    of no evidence describes what is known); ``other_evidence`` lists the signals that it
    is going well found beside a concern or a watch. Raises :class:`NoResultsError` when
    the results hold nothing for the area or the period.

    >>> import outcomes
    >>> from outcomes.core._resources import bundled_path
    >>> example = bundled_path("example")
    >>> results = outcomes.compute(outcomes.read_dataset(example / "data.csv"),
    ...     outcomes.load_catalogue(), outcomes.read_areas(example / "areas.csv"))
    >>> view = scrutiny(results, "Fife", "2024-25")
    >>> set(view.table["judgement"]) <= set(JUDGEMENTS)
    True
    """
    context = _Period.of(results, as_period(period), areas, overdispersion=overdispersion)
    own = context.areas[context.areas["area"] == area]
    if own.empty:
        hint = did_you_mean(area, context.area_order)
        raise NoResultsError(f"the results hold no area {area!r} in {context.period}; {hint}")
    points = _funnel_points(context, own)
    table = _scrutiny_table(context, own, points)
    return Scrutiny(area=area, name=str(own["name"].iloc[0]), period=context.period,
                    prices=results.prices,
                    table=table)  # fmt: skip
