"""The results table (docs/contracts.md, "Results") and its publication with disclosure control."""

from __future__ import annotations

import os
from collections.abc import Callable, Hashable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar, cast

import attrs
import numpy as np
import pandas as pd

from outcomes.core._codes import codes_in, factorized
from outcomes.core._io import (
    csv_chunks,
    csv_text,
    write_chunks_atomic,
    write_csv,
    write_parquet,
)
from outcomes.core._periods import Period, as_period, parse_period
from outcomes.results._lookup import ResultLookup
from outcomes.vocabulary import SCOTLAND, ItemKind, Polarity

T = TypeVar("T")

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from outcomes.catalogue._catalogue import Catalogue, Indicator

__all__ = ["DEFAULT_SUPPRESS_BELOW", "RESULT_COLUMNS", "Results"]

#: Columns of ``outcomes compute --out results.csv``, in order.
RESULT_COLUMNS = (
    "indicator", "area", "period", "numerator", "denominator", "value", "lower", "upper",
    "previous_period", "previous_value", "change", "change_lower", "change_upper",
    "change_significant", "direction", "vs_scotland", "vs_family_group", "rank", "rank_of",
    "quartile", "trend", "suppressed", "note",
)  # fmt: skip
#: Counts from 1 up to (not including) this are suppressed when published; zero is shown.
DEFAULT_SUPPRESS_BELOW = 5
_FIGURES = ("numerator", "denominator", "value", "lower", "upper", "rank", "rank_of", "quartile")
_RANKS = ("rank", "rank_of", "quartile")
_CHANGE = ("previous_value", "change", "change_lower", "change_upper", "change_significant")


@attrs.frozen(kw_only=True)
class Results:
    """One row per indicator x area x period, plus Scotland and family-group rows.

    ``frame`` holds exact computed figures; :meth:`published` applies disclosure control
    for export and reports; :meth:`lookup` reads the table once into typed rows.

    One class of about a hundred lines because every view of the table (a row, a control
    chart, the published table, CSV, typed rows) shares the frame and the catalogue. The
    frame is treated as read-only: the published table and the typed rows are made once
    per object and reused (a batch of 32 reports reads them once).
    """

    frame: pd.DataFrame = attrs.field(eq=False, repr=False)
    catalogue: Catalogue = attrs.field(eq=False, repr=False)
    #: Each area's family group ("" for none), for secondary suppression.
    family_groups: Mapping[str, str] = attrs.field(factory=dict, eq=False, repr=False)
    #: Data items of the dataset that no indicator of the catalogue uses, by name: a
    #: misspelt item, or data for another catalogue. Nothing was computed from them.
    unused_items: tuple[str, ...] = attrs.field(default=(), eq=False)
    #: The period whose prices costs marked ``deflate`` are in; None when they are cash.
    base_period: Period | None = attrs.field(default=None, eq=False)

    @property
    def prices(self) -> str:
        """How costs are shown, in words: ``real terms (2024-25 prices)`` or ``cash``."""
        return "cash" if self.base_period is None else f"real terms ({self.base_period} prices)"

    _published: dict[int | None, Results] = attrs.field(
        factory=dict, init=False, eq=False, repr=False
    )
    _lookup: list[ResultLookup] = attrs.field(factory=list, init=False, eq=False, repr=False)
    _with_values: dict[str, list[int]] = attrs.field(factory=dict, init=False, eq=False, repr=False)
    #: The name columns (indicator, area, period, previous_period) as categoricals, as
    #: :func:`outcomes.compute` made them, which publication never changes: publishing
    #: and writing read these codes, not millions of cells again. Empty for a table made
    #: some other way.
    _coded: dict[str, pd.Categorical] = attrs.field(factory=dict, init=False, eq=False, repr=False)
    _memo: dict[Hashable, object] = attrs.field(factory=dict, init=False, eq=False, repr=False)

    def _shared(self, key: Hashable, make: Callable[[], T]) -> T:
        """``make()``, made once per object and ``key``: a view of the frame asked for again
        and again (``learn_from``'s rows of a period, once per area of a batch of reports).
        ``key`` must name everything ``make`` reads besides the frame."""
        if key not in self._memo:
            self._memo[key] = make()
        return cast("T", self._memo[key])

    def lookup(self) -> ResultLookup:
        """The table as typed rows by indicator, area and period (made once)."""
        if not self._lookup:
            self._lookup.append(ResultLookup.of(self.frame, self.catalogue))
        return self._lookup[0]

    def row(self, indicator: str, area: str, period: str | Period) -> pd.Series:
        """The one row for ``indicator``, ``area`` and ``period``; KeyError if absent.

        A row of the frame, as pandas gives it; :meth:`lookup` gives typed rows.
        """
        period = str(period)
        frame = self.frame
        match = frame[
            (frame["indicator"] == indicator)
            & (frame["area"] == area)
            & (frame["period"] == period)
        ]
        if len(match) != 1:
            raise KeyError(f"no result for {indicator}, {area}, {period}")
        return match.iloc[0]

    def latest_periods(self, period: str | Period) -> dict[str, Period | None]:
        """Each indicator's latest published period as of the return year ``period``: the
        latest of its periods with a figure for some area, at or before ``period`` less the
        indicator's ``lag``, in the indicator's own kind of year. A two-yearly survey's is
        its last survey year (2023-24 for 2024-25), a lagged figure's ``lag`` years back;
        None when there is none (docs/methods.md, "Change on the previous period").

        >>> import outcomes
        >>> from outcomes.core._resources import bundled_path
        >>> example = bundled_path("example")
        >>> results = outcomes.compute(outcomes.read_dataset(example / "data.csv"),
        ...                            outcomes.load_catalogue())
        >>> latest = results.latest_periods("2024-25")
        >>> str(latest["SW6"]), str(latest["SW4b"]), str(latest["CJ02"])
        ('2024-25', '2023-24', '2022-23')
        """
        if not self._with_values:
            given = self.frame[self.frame["value"].notna()]
            pairs = given[["indicator", "period"]].drop_duplicates()
            found: dict[str, set[int]] = {}
            for indicator, label in zip(pairs["indicator"], pairs["period"], strict=True):
                found.setdefault(str(indicator), set()).add(parse_period(str(label)).first_year)
            self._with_values.update({k: sorted(v) for k, v in found.items()})
        year = as_period(period)
        latest: dict[str, Period | None] = {}
        for indicator in self.catalogue:
            # Labels such as 2024-25 name a financial and an August-July year alike: compare
            # first years, and give the period in the indicator's own kind of year.
            last = year.in_type(indicator.period_type).shifted(-indicator.lag)
            years = [y for y in self._with_values.get(indicator.id, []) if y <= last.first_year]
            latest[indicator.id] = last.shifted(years[-1] - last.first_year) if years else None
        return latest

    def spc(self, indicator: str, area: str) -> pd.DataFrame:
        """An XmR control chart of one area's series, for long series (an optional view).

        One row per period in time order with ``period, value, centre, lower_limit,
        upper_limit`` and the signal columns ``outside_limits, run_of_7, trend_of_7,
        two_of_three_beyond_2_sigma`` (see :func:`outcomes.stats.spc_signals`). A series
        with a missing value has no limits and no signals.

        >>> import outcomes
        >>> from outcomes.core._resources import bundled_path
        >>> example = bundled_path("example")
        >>> results = outcomes.compute(outcomes.read_dataset(example / "data.csv"),
        ...                            outcomes.load_catalogue())
        >>> chart = results.spc("SW6", "Scotland")
        >>> len(chart), bool((chart["lower_limit"] < chart["centre"]).all())
        (10, True)
        """
        from outcomes import stats
        from outcomes.core._periods import parse_period

        frame = self.frame
        series = frame[(frame["indicator"] == indicator) & (frame["area"] == area)]
        if series.empty:
            raise KeyError(f"no results for {indicator}, {area}")
        series = series.assign(start=series["period"].map(lambda p: parse_period(p).start))
        series = series.sort_values("start")
        chart = stats.spc_signals(series["value"].to_numpy(dtype=float)[np.newaxis, :])
        view = pd.DataFrame({"period": series["period"].to_numpy(),
                             "value": series["value"].to_numpy(dtype=float)})  # fmt: skip
        view["centre"] = chart.centre[0]
        view["lower_limit"] = chart.lower_limit[0]
        view["upper_limit"] = chart.upper_limit[0]
        for signal in ("outside_limits", "run_of_7", "trend_of_7", "two_of_three_beyond_2_sigma"):
            view[signal] = getattr(chart, signal)[0]
        return view

    def published(self, suppress_below: int | None = None) -> Results:
        """The results as they may be published: small counts suppressed.

        Primary suppression hides a row whose count numerator is from 1 up to (not
        including) the indicator's ``disclosure_threshold``, else ``suppress_below``, else
        :data:`DEFAULT_SUPPRESS_BELOW`; zero is shown. Secondary suppression then hides the
        smallest other count in any Scotland or family-group total that would otherwise have
        exactly one hidden member, so no hidden count can be recovered by subtraction. A
        hidden value is also removed from the next period's ``previous_value`` and change.
        """
        if suppress_below not in self._published:
            self._published[suppress_below] = self._publish(suppress_below)
        return self._published[suppress_below]

    def _publish(self, suppress_below: int | None) -> Results:
        # Indicator, area and periods are looked at through their codes: at 7M rows a
        # lookup per cell (a dict map, a MultiIndex) costs seconds; a code, milliseconds.
        # Copy on write: only the columns changed below are copied, not the whole table.
        frame = self.frame.copy(deep=False)
        default = DEFAULT_SUPPRESS_BELOW if suppress_below is None else suppress_below
        indicator, indicators = factorized(self._coded_column("indicator"))
        by_id = {i.id: i for i in self.catalogue}
        listed = [by_id.get(str(i)) for i in indicators]
        threshold = _per_code(indicator, [
            np.nan if i is None else default if i.disclosure_threshold is None
            else i.disclosure_threshold for i in listed
        ])  # fmt: skip
        counted = _per_code(indicator, [
            i is not None and self.catalogue.items[i.numerator].kind is ItemKind.COUNT
            for i in listed
        ]) == 1  # fmt: skip
        numerator = frame["numerator"].to_numpy(dtype=np.float64, na_value=np.nan)
        with np.errstate(invalid="ignore"):
            hidden = counted & (numerator >= 1) & (numerator < threshold)
        area, areas = factorized(self._coded_column("area"))
        period, periods = factorized(self._coded_column("period"))
        group = indicator * len(periods) + period  # each row's indicator and period
        hidden = _secondary(hidden, counted=counted, numerator=numerator, indicator_period=group,
                            area=area, areas=areas, family_groups=self.family_groups)  # fmt: skip
        del threshold, counted, numerator
        frame["suppressed"] = hidden
        if not hidden.any():
            return self._evolved(frame)
        # The next period's row must not reveal a hidden value as its previous value.
        previous = codes_in(self._coded_column("previous_period"), periods)
        cell = (indicator * len(areas) + area) * (len(periods) + 1)
        follows = np.isin(cell + previous, (cell + period)[hidden]) & (previous >= 0)
        follows_hidden = follows & ~hidden
        del previous, cell, follows, area, period
        # The ranks are made again whole (so not blanked first), then the other figures are
        # blanked: each changed column is copied once, with the codes above already freed.
        self._rerank(frame, group, indicator, listed, hidden)
        del group
        frame.loc[hidden, [c for c in _FIGURES if c not in _RANKS]] = np.nan
        frame.loc[hidden, list(_CHANGE)] = np.nan
        frame.loc[hidden, ["direction"]] = "suppressed"
        frame.loc[hidden, ["vs_scotland", "vs_family_group", "trend"]] = None
        frame.loc[follows_hidden, list(_CHANGE)] = np.nan
        frame.loc[follows_hidden, "direction"] = "not_comparable"
        frame.loc[follows_hidden, "note"] = _append(frame.loc[follows_hidden, "note"],
                                                    "previous value suppressed")  # fmt: skip
        return self._evolved(frame)

    def _coded_column(self, name: str) -> pd.Series:
        """The column ``name`` of the frame, as its categorical when it is one of
        :attr:`_coded` (the same cells)."""
        coded = self._coded.get(name)
        if coded is None or len(coded) != len(self.frame):
            return self.frame[name]
        return pd.Series(coded, index=self.frame.index, name=name, copy=False)

    def _evolved(self, frame: pd.DataFrame) -> Results:
        """These results with the published ``frame`` (the same rows, names unchanged)."""
        published = attrs.evolve(self, frame=frame)
        published._coded.update(self._coded)
        return published

    def _rerank(
        self,
        frame: pd.DataFrame,
        group: NDArray[np.intp],
        indicator: NDArray[np.intp],
        listed: list[Indicator | None],
        hidden: NDArray[np.bool_],
    ) -> None:
        """Rank again among the areas still shown, in place: a rank counted among all areas
        would leave gaps where the hidden ones sit ("29 of 15"), and so place them. Ties
        share the lowest rank, as in :func:`outcomes.compute`; ``rank_of`` and ``quartile``
        follow, and a hidden row has none. ``group`` numbers each row's indicator and
        period."""
        ranked = frame["rank"].notna().to_numpy() & ~hidden
        if not ranked.any():
            frame.loc[hidden, list(_RANKS)] = np.nan
            return
        # Results of outcomes.compute (which keeps their codes) have ranks that are min
        # ranks of the values: they are counted again from those, with no sort.
        counted = _ranks_among_shown(frame["rank"], group, hidden) if self._coded else None
        if counted is None:
            sign = _per_code(indicator, [
                -1.0 if i is not None and i.polarity is Polarity.HIGHER_IS_BETTER else 1.0
                for i in listed
            ])  # fmt: skip
            value = frame["value"].to_numpy(dtype=np.float64, na_value=np.nan)
            oriented = np.where(ranked, value * sign, np.nan)
            counted = _min_ranks(oriented, group)
        rank, rank_of = counted
        with np.errstate(invalid="ignore"):
            quartile = np.ceil(4 * rank / rank_of)
        for column, values in (("rank", rank), ("rank_of", rank_of), ("quartile", quartile)):
            shown = ~np.isnan(values)
            frame[column] = pd.arrays.IntegerArray(
                np.where(shown, np.round(values), 0).astype(np.int64), ~shown
            )

    def to_csv(self, path: str | os.PathLike[str] | None = None) -> str:
        """CSV text of the table (numbers to 12 significant digits, booleans as true/false,
        empty cells for missing values, text cells guarded against formula injection),
        written atomically to ``path`` when given."""
        frame = self._csv_frame()
        if path is None:
            return csv_text(frame, float_format="%.12g")
        return write_csv(path, frame, float_format="%.12g")[1]

    def write(self, path: str | os.PathLike[str]) -> Path:
        """Write the table atomically to ``path``: Parquet when it ends ``.parquet`` (typed
        columns: numbers, nullable whole numbers and booleans, text), else the CSV of
        :meth:`to_csv`, written a chunk at a time rather than held whole in memory.

        >>> import outcomes, tempfile
        >>> from outcomes.core._resources import bundled_path
        >>> example = bundled_path("example")
        >>> results = outcomes.compute(outcomes.read_dataset(example / "data.csv"),
        ...                            outcomes.load_catalogue())
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     written = results.write(Path(folder) / "results.csv")
        ...     written.read_text(encoding="utf-8") == results.to_csv()
        True
        """
        if Path(path).suffix.lower() == ".parquet":
            return write_parquet(path, self._parquet_frame())
        return write_chunks_atomic(path, csv_chunks(self._csv_frame(), float_format="%.12g"))

    def _csv_frame(self) -> pd.DataFrame:
        """The frame as the CSV writer takes it: names as categoricals (the writer then
        formats each distinct name once), flags as ``true``, ``false`` or empty."""
        frame = self._coded_frame()
        for column in ("change_significant", "suppressed"):
            if frame[column].dtype == bool:
                continue  # written as true and false
            # As a lookup in {True: "true", False: "false"} would: 1 and 1.0 are True.
            flags = frame[column]
            try:
                cells = flags.to_numpy()
                true, false = cells == True, cells == False  # noqa: E712
            except TypeError:  # pd.NA, which is neither (pandas' comparison is slower)
                true = flags.eq(True).to_numpy(dtype=bool, na_value=False)
                false = flags.eq(False).to_numpy(dtype=bool, na_value=False)
            codes = np.where(true, 1, np.where(false, 0, -1))
            frame[column] = pd.Categorical.from_codes(
                codes.astype(np.int8), categories=pd.Index(["false", "true"], dtype=object)
            )
        return frame

    def _parquet_frame(self) -> pd.DataFrame:
        frame = self._coded_frame()
        frame["change_significant"] = frame["change_significant"].astype("boolean")
        return frame

    def _coded_frame(self) -> pd.DataFrame:
        """A shallow copy of the frame with the columns of :attr:`_coded` as categoricals."""
        frame = self.frame.copy(deep=False)
        for name in self._coded:
            frame[name] = self._coded_column(name)
        return frame


def _append(notes: pd.Series, text: str) -> pd.Series:
    return notes.where(notes == "", notes + "; ") + text


def _min_ranks(
    values: NDArray[np.float64], group: NDArray[np.intp]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Each value's rank within its group, 1 for the smallest, ties sharing the lowest (as
    ``rank(method="min")``), and the number of values ranked in its group; NaN for a
    missing value, which is not ranked. One sort of the whole table, not one per group."""
    size = len(values)
    rank = np.full(size, np.nan)
    counted = np.full(size, np.nan)
    present = np.flatnonzero(~np.isnan(values))
    if not len(present):
        return rank, counted
    order = present[np.lexsort((values[present], group[present]))]
    del present
    in_group, in_value = group[order], values[order]
    starts_group = np.ones(len(order), dtype=bool)
    starts_group[1:] = in_group[1:] != in_group[:-1]
    starts_tie = starts_group.copy()
    starts_tie[1:] |= in_value[1:] != in_value[:-1]
    del in_group, in_value
    # Positions (in sorted order) where each group and each run of equal values begins.
    group_starts = np.flatnonzero(starts_group)
    tie_starts = np.flatnonzero(starts_tie)
    del starts_group, starts_tie
    own_group = group_starts[np.searchsorted(group_starts, tie_starts, side="right") - 1]
    tie_sizes = np.diff(np.append(tie_starts, len(order)))
    rank[order] = np.repeat(tie_starts - own_group + 1, tie_sizes)
    group_sizes = np.diff(np.append(group_starts, len(order)))
    counted[order] = np.repeat(group_sizes, group_sizes)
    return rank, counted


def _ranks_among_shown(
    ranks: pd.Series, group: NDArray[np.intp], hidden: NDArray[np.bool_]
) -> tuple[NDArray[np.float64], NDArray[np.float64]] | None:
    """What :func:`_min_ranks` gives the rows still shown, from ``ranks``, min ranks of
    the values within each ``group`` among all rows ranked: a shown row's rank less the
    hidden rows ranked above it (by a lower rank: a tie shares one), and the number of
    shown rows ranked in its group. None when the count of hidden rows by group and rank
    would be larger than the table."""
    rank = ranks.to_numpy(dtype=np.float64, na_value=np.nan)
    was_ranked = ~np.isnan(rank)
    if not was_ranked.any() or group.min() < 0:
        return None
    size = int(rank[was_ranked].max()) + 1
    groups = int(group.max()) + 1
    if groups * size > 2 * len(rank) + 1024:
        return None
    shown = was_ranked & ~hidden
    place = group * size + np.where(was_ranked, rank, 0).astype(np.intp)
    # Hidden rows ranked at each rank of each group, then how many rank above each rank.
    hidden_at = np.bincount(place[was_ranked & hidden], minlength=groups * size)
    above = np.cumsum(hidden_at.reshape(groups, size), axis=1).reshape(-1)
    new_rank = np.where(shown, rank - above[np.maximum(place - 1, 0)], np.nan)
    ranked_in = np.bincount(group[shown], minlength=groups).astype(np.float64)
    return new_rank, np.where(shown, ranked_in[group], np.nan)


def _per_code(codes: NDArray[np.intp], values: list[float] | list[bool]) -> NDArray[np.float64]:
    """``values[code]`` for each code, NaN (false) for a missing cell's -1."""
    return np.append(np.asarray(values, dtype=np.float64), np.nan)[codes]


def _secondary(
    hidden: NDArray[np.bool_],
    *,
    counted: NDArray[np.bool_],
    numerator: NDArray[np.float64],
    indicator_period: NDArray[np.intp],
    area: NDArray[np.intp],
    areas: list[object],
    family_groups: Mapping[str, str],
) -> NDArray[np.bool_]:
    """Hide more area rows until no total has exactly one hidden member.

    The totals are Scotland's (each indicator and period) and each family group's; their
    members are the area rows (not Scotland, not a family-group row) with a count. In a
    total with exactly one hidden member, the smallest count still shown is hidden; of
    equal counts, the area first by name (never the sort's whim: the same inputs must hide
    the same areas on every machine and every pandas)."""
    hidden = hidden.copy()
    names = [str(name) for name in areas]
    is_area = np.array([name != SCOTLAND and ":" not in name for name in names] + [False])
    members = np.flatnonzero(
        is_area[area] & counted & ~np.isnan(numerator) & (indicator_period >= 0)
    )
    if not len(members):
        return hidden
    group_names = sorted({family_groups[name] for name in names if name in family_groups})
    group_of = np.array([group_names.index(family_groups[name]) if name in family_groups else -1
                         for name in names] + [-1])  # fmt: skip
    # Each area's place in name order, for the tie-break.
    name_rank = np.zeros(len(names) + 1, dtype=np.intp)
    name_rank[np.argsort(np.array(names, dtype=object), kind="stable")] = np.arange(len(names))
    # Each member's total, numbered densely (a tally per total, not a sort); the family
    # total of an area with no family group is the spare last number, never counted.
    scotland_total = indicator_period[members]
    spare = (int(scotland_total.max()) + 1) * (len(group_names) + 1)
    family = group_of[area[members]]
    family_total = np.where(family >= 0, scotland_total * (len(group_names) + 1) + family, spare)
    del family
    changed = True
    while changed:
        changed = False
        for key in (scotland_total, family_total):
            shown_hidden = hidden[members]
            # Hidden members by total: a tally of the few hidden, then a flag per total.
            per_total = np.bincount(key[shown_hidden], minlength=spare + 1)
            per_total[spare] = 0
            candidates = np.flatnonzero((per_total == 1)[key] & ~shown_hidden)
            if not len(candidates):
                continue
            chosen = members[candidates]
            by = (name_rank[area[chosen]], numerator[chosen], key[candidates])
            order = np.lexsort(by)
            first = np.ones(len(order), dtype=bool)
            first[1:] = key[candidates][order][1:] != key[candidates][order][:-1]
            hidden[chosen[order[first]]] = True
            changed = True
    return hidden
