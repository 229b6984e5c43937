"""The statistics engine: from the tidy dataset to one results row per indicator x area x period.

The tidy dataset is coded once (indicator, period, area) and scattered into dense arrays
shaped (indicator, period, row), where the row axis holds Scotland, then the family groups,
then the areas in the areas table's order: exactly the order of the results table. Every
step then works on whole arrays: the previous period and the five-period trend windows are
index arrays along the period axis, Scotland and family groups are sums along the row axis,
ranks sort along it. Notes are made only for the few rows that need one, and the results
frame is built once at the end.

The methods are in ``docs/methods.md``. ``tests/reference_engine.py`` computes the same table
step by step with plain pandas; ``tests/test_compute_reference.py`` requires both to write the same
CSV byte for byte. Suppression is not done here but at publication (:meth:`Results.published`).
"""

from __future__ import annotations

import copy
import enum
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, TypeVar

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from outcomes import stats
from outcomes.catalogue._catalogue import Catalogue
from outcomes.core._codes import codes_in, factorized
from outcomes.core._periods import Period, as_period, parse_period
from outcomes.core._suggest import did_you_mean
from outcomes.errors import DataProblem, DataProblemRow, ValidationError
from outcomes.returns._tidy import Areas, Dataset
from outcomes.vocabulary import (
    NON_NEGATIVE_KINDS,
    SCOTLAND,
    Comparison,
    Direction,
    ItemKind,
    Measure,
    PeriodType,
    Polarity,
    Trend,
    family_group_area,
)

if TYPE_CHECKING:
    from outcomes.results._results import Results

__all__ = ["compute"]


FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.intp]
ScalarT = TypeVar("ScalarT", bound=np.generic)

#: Cells (indicator x period x row) of the cube whose figures are computed at a time.
_BLOCK_CELLS = 1 << 19
#: The float columns of the results, in their order (:func:`_assemble`).
_FIGURE_COLUMNS = ("numerator", "denominator", "value", "lower", "upper", "previous_value",
                   "change", "change_lower", "change_upper")  # fmt: skip
#: Flags that a note mentions, coded 1, 2, 3 (0: none).
_NOTED_FLAGS = ("provisional", "estimated", "revised")
_ROLES = ("numerator", "denominator", "sd", "lower", "upper")


def compute(
    dataset: Dataset,
    catalogue: Catalogue,
    areas: Areas | None = None,
    confidence: float = 0.95,
    *,
    deflators: Mapping[str, float] | None = None,
    base_period: str | Period | None = None,
    trend_confidence: float = stats.TREND_CONFIDENCE,
    published: pd.DataFrame | None = None,
) -> Results:
    """Compute every indicator of ``catalogue`` for every area and period of ``dataset``.

    ``areas`` names the reporting areas and their family groups; without it every area
    in the data reports and no family-group rows are made. ``deflators`` (period ->
    index) with ``base_period`` turns costs marked ``deflate = true`` into real terms at
    the base period's prices. ``trend_confidence`` is the level of the trend tests (99.8%
    as Fingertips uses). ``published`` (columns ``indicator, area, period, value``) lets
    the notes say where a published figure differs from the one computed here.

    >>> import outcomes
    >>> from outcomes.core._resources import bundled_path
    >>> example = bundled_path("example")
    >>> results = compute(outcomes.read_dataset(example / "data.csv"), outcomes.load_catalogue(),
    ...                   outcomes.read_areas(example / "areas.csv"))
    >>> row = results.row("SW6", "Scotland", "2024-25")
    >>> bool(row["lower"] < row["value"] < row["upper"])
    True
    """
    from outcomes.results._results import Results

    dataset = _coded(dataset)
    stats.wilson_ci(0, 1, confidence)  # rejects an impossible confidence before any work
    if (deflators is None) != (base_period is None):
        raise ValueError("give both deflators and base_period, or neither")
    if not len(dataset.frame):
        raise ValidationError(
            (
                DataProblemRow(
                    file=dataset.source or "the dataset",
                    problem=DataProblem.NO_DATA,
                    hint="there is nothing to compute",
                ),
            )
        )
    _refuse_negative_amounts(dataset, catalogue)
    cube = _Cube.build(dataset, catalogue, areas)
    base = None if base_period is None else as_period(base_period)  # a bad label fails here
    if deflators is not None and base is not None:
        cube.deflate(deflators, base, dataset.source)
    cube.add_comparators()
    if base is not None:
        cube.add_indicator_note(cube.deflated, f"; real terms at {base} prices")
    # The trend tests read the cube as the figures do and change nothing: a second core
    # works through them meanwhile (numpy lets go of the interpreter in its loops).
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="trend") as pool:
        trend_codes = pool.submit(_trend_codes, cube, trend_confidence)
        figures = _Figures.compute(cube, confidence)
        trend = trend_codes.result()
    _add_national_notes(cube, figures.value)
    if published is not None:
        _add_published_notes(cube, figures.value, published)
    frame, coded = _assemble(cube, figures, trend)
    family_groups = {} if areas is None else areas.family_group_of
    results = Results(
        frame=frame, catalogue=catalogue, family_groups=family_groups,
        unused_items=unused_items(dataset, catalogue),
        base_period=base,
    )  # fmt: skip
    results._coded.update(coded)
    return results


def unused_items(dataset: Dataset, catalogue: Catalogue) -> tuple[str, ...]:
    """The items of ``dataset`` that no indicator of ``catalogue`` uses, sorted (from the
    checked codes when the dataset has them: its text frame is not made for this)."""
    used = {name for i in catalogue for name in i.items}
    present = dataset._text_columns()["item"].unique().tolist()
    return tuple(sorted({str(name) for name in present} - used))


def _refuse_negative_amounts(dataset: Dataset, catalogue: Catalogue) -> None:
    """A count, amount or duration below zero is a mistake in the data, not a figure: say
    where, as validating a return would, before any statistic is taken of it."""
    frame = dataset.frame
    kinds = {item.name: item.kind for item in catalogue.items.values()}
    below = (frame["value"] < 0).to_numpy(dtype=bool)
    if not below.any():
        return
    codes, names = factorized(frame["item"])
    counted = np.array([kinds.get(str(name)) in NON_NEGATIVE_KINDS for name in names] + [False])
    negative = frame[below & counted[codes]]
    if negative.empty:
        return
    raise ValidationError(
        tuple(
            DataProblemRow(
                file=dataset.source or "the dataset", column="value", area=str(area),
                period=str(period), item=str(item), value=f"{value:g}",
                problem=DataProblem.NEGATIVE_COUNT,
                hint=f"{area}, {period}: {item} is a {kinds[str(item)]}, never below zero",
            )
            for area, period, item, value in negative[["area", "period", "item", "value"]]
            .itertuples(index=False)
        )
    )  # fmt: skip


# --- 1. coding and scattering ----------------------------------------------------------------


def _coded(dataset: Dataset) -> Dataset:
    """The dataset with its text columns as categoricals, each distinct text looked up
    once: every later step (area names, items, periods, flags) then works on the codes.
    The caller's frame is left as it is."""
    if dataset._coded is not None:  # as checking made them
        return Dataset(frame=dataset._coded, source=dataset.source)
    text = [c for c in ("area", "period", "item", "flag")
            if not isinstance(dataset.frame[c].dtype, pd.CategoricalDtype)]  # fmt: skip
    if not text:
        return dataset
    frame = dataset.frame.copy(deep=False)
    for column in text:
        codes, uniques = factorized(frame[column])
        frame[column] = pd.Categorical.from_codes(codes, categories=pd.Index(uniques, dtype=object))
    return Dataset(frame=frame, source=dataset.source)


def _aligned(dataset: Dataset, areas: Areas) -> Dataset:
    """The dataset with every area named as ``areas`` names it: a publisher's spelling or a
    GSS code of a listed area (``Edinburgh City``, ``S12000036``) becomes that area; a name
    that stands for no listed area is an error naming it, with the closest names."""
    present = set(dataset.frame["area"].unique().tolist()) - {*areas.names, SCOTLAND}
    renamed = {name: areas.area_for(name) for name in present}
    renamed = {name: area for name, area in renamed.items() if area != name}
    if renamed:
        codes, names = factorized(dataset.frame["area"])
        texts = np.array([renamed.get(str(name), name) for name in names] + [None], dtype=object)
        area = pd.Series(texts[codes], index=dataset.frame.index, dtype=object)
        frame = dataset.frame.assign(area=area.astype("category"))
        dataset = Dataset(frame=frame, source=dataset.source)
    _check_areas(dataset, areas)
    return dataset


def _check_areas(dataset: Dataset, areas: Areas) -> None:
    unknown = sorted(set(dataset.frame["area"].unique().tolist()) - {*areas.names, SCOTLAND})
    if unknown:
        raise ValidationError(
            tuple(
                DataProblemRow(
                    file=dataset.source, column="area", area=area, value=area,
                    problem=DataProblem.UNKNOWN_AREA,
                    hint=f"add it to {areas.source or 'the areas file'}; "
                    + did_you_mean(area, areas.names),
                )
                for area in unknown
            )
        )  # fmt: skip


class _Cube:
    """Numerators, denominators and sds as arrays (indicator, period, row).

    Rows are Scotland, the family groups (sorted) and the areas; ``grid`` (indicator,
    period) says which periods an indicator has rows for.

    Made by :meth:`build`, then changed in place by :func:`compute`'s steps
    (:meth:`deflate`, :meth:`add_comparators`, the notes). One class because every step
    reads and rewrites the same arrays, which must stay aligned with the same axis labels
    (indicators, periods, rows); the notes gather on it for :func:`_assemble`.
    """

    def __init__(self) -> None:
        self.catalogue: Catalogue
        self.indicators: list[str] = []
        self.period_labels: list[str] = []
        self.first_year: NDArray[np.int64]
        self.period_types: list[PeriodType] = []
        self.area_names: list[str] = []
        self.group_names: list[str] = []
        self.group_members: list[IntArray] = []  # area positions, in area order
        self.grid: BoolArray
        self.numerator: FloatArray  # (indicator, period, area) until comparators are added
        self.denominator: FloatArray
        self.sd: FloatArray
        self.lower: FloatArray  # an estimate's published interval
        self.upper: FloatArray
        # The dataset's Scotland rows (published national figures): (role, indicator, period).
        self.national: FloatArray
        self.flag_combo: NDArray[np.int8]  # (indicator, period, area): 16 num + 4 den + sd
        self.deflated: BoolArray
        self.impossible: BoolArray
        self.first_seen: NDArray[np.int64]
        self.published_notes: dict[int, str] = {}
        self.notes: dict[int, str] = {}  # flat (indicator, period, row) position -> note
        self.indicator_notes: list[tuple[BoolArray, str]] = []
        # The float columns of the results (_FIGURE_COLUMNS), one row each, when every
        # indicator has every period: numerator, denominator and the figures are made in
        # it, which is then the results frame's block, neither copied nor held twice.
        self.figure_block: FloatArray | None = None

    def figure_row(self, column: str) -> FloatArray | None:
        """The row of :attr:`figure_block` for ``column``, shaped as the cube; None without."""
        if self.figure_block is None:
            return None
        row: FloatArray = self.figure_block[_FIGURE_COLUMNS.index(column)]
        return row.reshape((*self.grid.shape, -1))

    @property
    def comparators(self) -> int:
        return 1 + len(self.group_names)

    @property
    def row_names(self) -> list[str]:
        return [SCOTLAND, *(family_group_area(g) for g in self.group_names), *self.area_names]

    @classmethod
    def build(cls, dataset: Dataset, catalogue: Catalogue, areas: Areas | None) -> _Cube:
        cube = cls()
        cube.catalogue = catalogue
        if areas is not None:
            dataset = _aligned(dataset, areas)
        data = dataset.frame
        # Rows for Scotland are published national figures, not an area: kept aside, they
        # are an estimate's national figure and are compared with the computed totals.
        national_rows = (data["area"] == SCOTLAND).to_numpy(dtype=bool)
        national_data = data[national_rows] if national_rows.any() else data.iloc[:0]
        indicators = list(catalogue)
        cube.indicators = [i.id for i in indicators]
        cube.area_names = (
            list(areas.names)
            if areas is not None
            else sorted(set(data["area"].unique().tolist()) - {SCOTLAND})
        )
        if areas is not None:
            position = {name: k for k, name in enumerate(cube.area_names)}
            for group, members in areas.family_groups.items():
                cube.group_names.append(group)
                cube.group_members.append(np.array(sorted(position[m] for m in members),
                                                   dtype=np.intp))  # fmt: skip
        labels = sorted(
            ((parse_period(label), label) for label in data["period"].unique().tolist()),
            key=lambda pair: (pair[0].first_year, pair[1]),
        )
        parsed = [period for period, _ in labels]
        cube.period_labels = [label for _, label in labels]
        cube.first_year = np.array([p.first_year for p in parsed], dtype=np.int64)
        cube.period_types = [p.type for p in parsed]
        calendar = np.array([t is PeriodType.CALENDAR_YEAR for t in cube.period_types])

        items = sorted({getattr(i, role) for i in indicators for role in _ROLES} - {None})
        n_items, n_areas, n_periods = len(items) + 1, len(cube.area_names), len(parsed)
        item = codes_in(data["item"], items)
        keep = (item >= 0) & ~national_rows
        item = item[keep]
        area = codes_in(data["area"], cube.area_names)[keep]
        period = codes_in(data["period"], cube.period_labels)[keep]
        flags = data["flag"]
        flag = (codes_in(flags, _NOTED_FLAGS) + 1).astype(np.int8)[keep]
        values = data["value"].to_numpy(dtype=np.float64)[keep]
        cell = (item * n_periods + period) * n_areas + area
        present = np.zeros(n_items * n_periods * n_areas, dtype=bool)
        present[cell] = True
        if np.count_nonzero(present) != len(cell):
            # A repeated cell: the first one counts, as in the pandas engine.
            _, first = np.unique(cell, return_index=True)
            cell, values, flag = cell[first], values[first], flag[first]
        dense = np.full(n_items * n_periods * n_areas, np.nan)
        dense[cell] = values
        flagged = np.zeros(n_items * n_periods * n_areas, dtype=np.int8)
        flagged[cell] = flag
        shape = (n_items, n_periods, n_areas)
        dense_3d, flagged_3d = dense.reshape(shape), flagged.reshape(shape)
        present_3d = present.reshape(shape)
        has_cells = np.asarray(present_3d.any(axis=2), dtype=bool)  # (item, period)
        del dense, flagged

        absent = n_items - 1  # an all-NaN item for roles an indicator does not have
        role_items = {
            role: np.array([items.index(getattr(i, role)) if getattr(i, role) is not None
                            else absent for i in indicators], dtype=np.intp)
            for role in _ROLES
        }  # fmt: skip
        wants_calendar = np.array([i.period_type is PeriodType.CALENDAR_YEAR for i in indicators])
        # A calendar-year indicator reads '2024' labels; the others read '2024-25' labels.
        right_type = wants_calendar[:, np.newaxis] == calendar[np.newaxis, :]
        cube.grid = right_type & (
            has_cells[role_items["numerator"]]
            | has_cells[role_items["denominator"]]
            | has_cells[role_items["sd"]]
        )
        masked = ~right_type[:, :, np.newaxis]
        # The order in which the pandas engine first meets each (indicator, period): areas
        # sorted by name, each area's periods in order. Its sums depend on it.
        by_name = np.argsort(np.array(cube.area_names, dtype=object), kind="stable")
        has_cell = (
            present_3d[role_items["numerator"]]
            | present_3d[role_items["denominator"]]
            | present_3d[role_items["sd"]]
        )[:, :, by_name] & right_type[:, :, np.newaxis]
        first_area = np.where(has_cell.any(axis=2), has_cell.argmax(axis=2), n_areas)
        cube.first_seen = first_area * n_periods + np.arange(n_periods)[np.newaxis, :]
        del has_cell, present, present_3d
        cube.numerator = np.where(masked, np.nan, dense_3d[role_items["numerator"]])
        cube.denominator = np.where(masked, np.nan, dense_3d[role_items["denominator"]])
        cube.sd = np.where(masked, np.nan, dense_3d[role_items["sd"]])
        cube.lower = np.where(masked, np.nan, dense_3d[role_items["lower"]])
        cube.upper = np.where(masked, np.nan, dense_3d[role_items["upper"]])
        cube.national = _national(national_data, items, role_items, cube.period_labels)
        cube.national[:, ~right_type] = np.nan
        combo = (
            flagged_3d[role_items["numerator"]] * 16
            + flagged_3d[role_items["denominator"]] * 4
            + flagged_3d[role_items["sd"]]
        ).astype(np.int8)
        cube.flag_combo = np.where(masked, np.int8(0), combo).astype(np.int8)
        cube.deflated = np.array([i.deflate for i in indicators])
        return cube

    # --- real terms ---

    def deflate(self, deflators: Mapping[str, float], base: Period, source: str) -> None:
        used = np.asarray(self.grid[self.deflated].any(axis=0), dtype=bool)
        needed = sorted({self.period_labels[p] for p in np.flatnonzero(used)} | {base.label})
        missing = [period for period in needed if period not in deflators]
        if missing:
            raise ValidationError(
                tuple(
                    DataProblemRow(file="deflators", column="period", period=period,
                                   value=period, problem=DataProblem.MISSING_ITEM,
                                   hint=f"the deflator table needs every period of {source}")
                    for period in missing
                )
            )  # fmt: skip
        factor = np.array([deflators[base.label] / deflators[label] if used[p] else 1.0
                           for p, label in enumerate(self.period_labels)])  # fmt: skip
        rows = np.flatnonzero(self.deflated)
        self.numerator[rows] = self.numerator[rows] * factor[np.newaxis, :, np.newaxis]
        self.national[0, rows] = self.national[0, rows] * factor[np.newaxis, :]

    # --- 2. Scotland and family groups ---

    def add_comparators(self) -> None:
        """Prepend Scotland and family-group rows: Σ numerators / Σ denominators over the
        areas that reported both, with a pooled standard deviation for means."""
        indicators = list(self.catalogue)
        is_count = np.array([i.measure is Measure.COUNT for i in indicators])
        numerator, denominator, sd = self.numerator, self.denominator, self.sd
        reported = ~np.isnan(numerator) & (
            ~np.isnan(denominator) | is_count[:, np.newaxis, np.newaxis]
        )
        n_areas = len(self.area_names)
        groups = [np.arange(n_areas, dtype=np.intp), *self.group_members]
        shape = (*numerator.shape[:2], len(groups))
        comp_num, comp_den, comp_sd = (np.full(shape, np.nan) for _ in range(3))
        means = np.flatnonzero([i.measure is Measure.MEAN and i.sd is not None
                                for i in indicators])  # fmt: skip
        for g, members in enumerate(groups):
            # Each indicator's total is its own pandas groupby in the pandas engine, and
            # pandas sums a column pairwise when the groups are in order and the column has
            # no NaN, else with Kahan compensation: the same choice here, indicator by
            # indicator, gives the same last bit (and a partition by indicator the same).
            included = reported[:, :, members]
            num, den = numerator[:, :, members], denominator[:, :, members]
            in_order = self._groups_in_order(included.any(axis=2))
            block_pairwise = in_order & ~(np.isnan(den) & included).any(axis=(1, 2))
            comp_num[:, :, g] = _sum_by_indicator(num, included, block_pairwise)
            comp_den[:, :, g] = _sum_by_indicator(den, included, block_pairwise)
            if not means.size:
                continue
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                grand = _sum_by_indicator(num, included, in_order) / comp_den[:, :, g]
                within = (den - 1) * sd[:, :, members] ** 2
                between = den * (num / den - grand[:, :, np.newaxis]) ** 2
                within_sum = _sum_by_indicator(
                    within[means], included[means],
                    (in_order & ~(np.isnan(within) & included).any(axis=(1, 2)))[means],
                )  # fmt: skip
                between_sum = _sum_by_indicator(
                    between[means], included[means],
                    (in_order & ~(np.isnan(between) & included).any(axis=(1, 2)))[means],
                )  # fmt: skip
                comp_sd[means, :, g] = np.sqrt(
                    (within_sum + between_sum) / (comp_den[means, :, g] - 1)
                )
        # An estimate is not a sum: Scotland's is the published one, and a family group has none.
        estimates = np.array([i.measure is Measure.ESTIMATE for i in indicators], dtype=bool)
        comp_lower, comp_upper = np.full(shape, np.nan), np.full(shape, np.nan)
        comp_num[estimates], comp_den[estimates] = np.nan, np.nan
        published = self.national[:, estimates]
        comp_num[estimates, :, 0], comp_den[estimates, :, 0] = published[0], published[1]
        comp_lower[estimates, :, 0], comp_upper[estimates, :, 0] = published[3], published[4]
        self._comparator_notes(reported, groups, estimates)
        if self.grid.all():
            size = numerator.shape[0] * numerator.shape[1] * (numerator.shape[2] + len(groups))
            self.figure_block = np.empty((len(_FIGURE_COLUMNS), size))
        self.numerator = np.concatenate([comp_num, numerator], axis=2,
                                        out=self.figure_row("numerator"))  # fmt: skip
        self.denominator = np.concatenate([comp_den, denominator], axis=2,
                                          out=self.figure_row("denominator"))  # fmt: skip
        self.sd = np.concatenate([comp_sd, sd], axis=2)
        self.lower = np.concatenate([comp_lower, self.lower], axis=2)
        self.upper = np.concatenate([comp_upper, self.upper], axis=2)
        n_comp = len(groups)
        self.flag_combo = np.concatenate(
            [np.zeros((*self.flag_combo.shape[:2], n_comp), dtype=np.int8), self.flag_combo],
            axis=2,
        )

    def _groups_in_order(self, has_rows: BoolArray) -> BoolArray:
        """For each indicator, whether its period groups with rows come in sorted order in
        the pandas engine's frame of that indicator."""
        in_order = np.ones(has_rows.shape[0], dtype=bool)
        for i in range(has_rows.shape[0]):
            periods = np.flatnonzero(has_rows[i])
            met = periods[np.argsort(self.first_seen[i, periods], kind="stable")]
            in_order[i] = not (np.diff(met) < 0).any()
        return in_order

    def _comparator_notes(
        self, reported: BoolArray, groups: list[IntArray], estimates: BoolArray
    ) -> None:
        """Notes of area rows (flags, not reported) and of totals (areas they exclude)."""
        n_rows = self.comparators + len(self.area_names)
        n_periods = len(self.period_labels)
        n_comp = len(groups)
        # Flags on the cells used, then 'not reported'.
        flag_notes = [_flag_note(combo) for combo in range(64)]
        not_reported = np.isnan(self.numerator) & np.isnan(self.denominator)
        wanted = self.grid[:, :, np.newaxis] & ((self.flag_combo > 0) | not_reported)
        for i, p, a in zip(*np.nonzero(wanted), strict=True):
            note = flag_notes[self.flag_combo[i, p, a]]
            if not_reported[i, p, a]:
                note += "; not reported"
            self.notes[(i * n_periods + p) * n_rows + n_comp + a] = note
        # Totals name the member areas that did not report, sorted by name.
        sort_key = np.argsort(np.argsort(np.array(self.area_names, dtype=object)))
        missing = (self.grid & ~estimates[:, np.newaxis])[:, :, np.newaxis] & ~reported
        for g, members in enumerate(groups):
            member_missing = missing[:, :, members]
            for i, p in zip(*np.nonzero(member_missing.any(axis=2)), strict=True):
                absent = members[member_missing[i, p]]
                absent = absent[np.argsort(sort_key[absent], kind="stable")]
                names = ", ".join(self.area_names[a] for a in absent)
                self.notes[(i * n_periods + p) * n_rows + g] = (
                    f"total excludes {names} (not reported)"
                )

    def add_indicator_note(self, indicators: BoolArray, text: str) -> None:
        self.indicator_notes.append((indicators, text))


def _national(
    rows: pd.DataFrame, items: list[str], role_items: dict[str, IntArray], periods: list[str]
) -> FloatArray:
    """The dataset's Scotland rows as (role, indicator, period) in :data:`_ROLES` order
    (NaN where there is none); the first row of a repeated cell counts."""
    n_items = len(items) + 1
    dense = np.full((n_items, len(periods)), np.nan)
    if len(rows):
        item = codes_in(rows["item"], items)
        period = codes_in(rows["period"], periods)
        keep = (item >= 0) & (period >= 0)
        cell = item[keep] * len(periods) + period[keep]
        _, first = np.unique(cell, return_index=True)
        values = rows["value"].to_numpy(dtype=np.float64)[keep]
        dense.reshape(-1)[cell[first]] = values[first]
    return np.stack([dense[role_items[role]] for role in _ROLES])


def _flag_note(combo: int) -> str:
    codes = (combo // 16, combo // 4 % 4, combo % 4)
    flagged = zip(_ROLES[:3], codes, strict=True)  # numerator, denominator, sd
    notes = {f"{role} {_NOTED_FLAGS[code - 1]}" for role, code in flagged if code}
    return "; ".join(sorted(notes))


def _sum_by_indicator(values: FloatArray, included: BoolArray, pairwise: BoolArray) -> FloatArray:
    """:func:`_pandas_sum` of each indicator (axis 0), pairwise where ``pairwise`` says."""
    out = np.full(values.shape[:2], np.nan)
    for flag in (True, False):
        rows = np.flatnonzero(pairwise == flag)
        if rows.size:
            out[rows] = _pandas_sum(values[rows], included[rows], pairwise=flag)
    return out


def _pandas_sum(values: FloatArray, included: BoolArray, *, pairwise: bool) -> FloatArray:
    """Σ ``values`` along the last axis where ``included`` and not NaN; NaN where none.

    ``pairwise``: numpy's pairwise sum of each run (``np.add.reduceat``, pandas' fast path),
    else a Kahan-compensated sum in area order (pandas' Cython ``group_sum``).
    """
    out = np.full(values.shape[:2], np.nan)
    if pairwise:
        counts = np.count_nonzero(included, axis=2).reshape(-1)
        used = counts > 0
        if used.any():
            starts = (np.cumsum(counts) - counts)[used]
            out.reshape(-1)[used] = np.add.reduceat(values[included], starts)
        return out
    total = np.zeros(values.shape[:2])
    compensation = np.zeros(values.shape[:2])
    seen = np.zeros(values.shape[:2], dtype=bool)
    usable = included & ~np.isnan(values)
    for k in np.flatnonzero(usable.any(axis=(0, 1))):
        take = usable[:, :, k]
        y = values[:, :, k] - compensation
        t = total + y
        fresh = (t - total) - y
        fresh[np.isnan(fresh)] = 0.0
        compensation = np.where(take, fresh, compensation)
        total = np.where(take, t, total)
        seen |= take
    out[seen] = total[seen]
    return out


# --- 3. values and intervals; 4. change; 5. comparisons and ranks ------------------------------


class _Figures:
    """Every number and word of the results, as arrays (indicator, period, row).

    Made by :meth:`compute` from a :class:`_Cube`, in one pass. One class because the
    figures are computed from one another (change from value, direction from change and
    its interval, comparisons from the intervals) and read together by :func:`_assemble`;
    its length is :meth:`compute`, one straight run of array steps.
    """

    value: FloatArray
    lower: FloatArray
    upper: FloatArray
    previous_value: FloatArray
    change: FloatArray
    change_lower: FloatArray
    change_upper: FloatArray
    tested: BoolArray
    significant: BoolArray
    direction: NDArray[np.int8]
    vs_scotland: NDArray[np.int8]
    vs_family_group: NDArray[np.int8]
    rank: FloatArray
    rank_of: FloatArray

    @classmethod
    def compute(cls, cube: _Cube, confidence: float) -> _Figures:
        """The figures of every indicator, a few indicators at a time (each indicator's
        figures are its own): the arrays of a block, a few megabytes, are made and freed in
        memory the allocator keeps, where arrays of the whole cube (56 MB at national
        scale) were each fresh pages from the system, zeroed first: half of the time."""
        per_indicator = _IndicatorColumns(cube.catalogue)
        shape = cube.numerator.shape
        cube.impossible = np.empty(shape, dtype=bool)
        size = max(1, _BLOCK_CELLS // max(1, shape[1] * shape[2]))
        if size >= shape[0]:
            return cls._compute_block(cube, per_indicator, slice(None), confidence)
        figures = cls()
        for start in range(0, shape[0], size):
            block = slice(start, start + size)
            part = cls._compute_block(cube, per_indicator, block, confidence)
            for name, values in vars(part).items():
                if name not in vars(figures):
                    row = cube.figure_row(name) if name in _FIGURE_COLUMNS else None
                    setattr(figures, name, np.empty(shape, dtype=values.dtype) if row is None
                            else row)  # fmt: skip
                getattr(figures, name)[block] = values
        return figures

    @classmethod
    def _compute_block(
        cls, cube: _Cube, every_indicator: _IndicatorColumns, block: slice, confidence: float
    ) -> _Figures:
        """The figures of the indicators ``block`` picks (their rows of ``cube``)."""
        figures = cls()
        per_indicator = every_indicator.sliced(block)
        num, den, sd = cube.numerator[block], cube.denominator[block], cube.sd[block]
        multiplier = np.broadcast_to(per_indicator.multiplier[:, None, None], num.shape)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = num / np.where(den != 0, den, np.nan)
            figures.value = np.where(
                (per_indicator.is_count | per_indicator.is_estimate)[:, None, None],
                num,
                multiplier * ratio,
            )
        lower = np.full(num.shape, np.nan)
        upper = np.full(num.shape, np.nan)
        usable = ~np.isnan(num) & ~np.isnan(den) & (den > 0)
        impossible = per_indicator.is_proportion[:, None, None] & (num > den)
        cube.impossible[block] = impossible
        proportion_model = np.broadcast_to(per_indicator.proportion_model[:, None, None], num.shape)
        rate_model = np.broadcast_to(per_indicator.rate_model[:, None, None], num.shape)
        mean_model = per_indicator.is_mean[:, None, None] & ~np.isnan(sd)

        pick = proportion_model & usable & ~impossible
        low, high = stats.wilson_ci(num[pick], den[pick], confidence)
        lower[pick], upper[pick] = low * multiplier[pick], high * multiplier[pick]
        # Each count's Poisson limits once, for its own rate and for both changes it is in;
        # the arithmetic after is that of stats.rate_ci and stats.rate_change_ci.
        counted = rate_model & ~np.isnan(num)
        count_lower = np.full(num.shape, np.nan)
        count_upper = np.full(num.shape, np.nan)
        count_lower[counted], count_upper[counted] = stats.poisson_ci(num[counted], confidence)
        pick = rate_model & usable
        per_unit = multiplier[pick] / den[pick]
        lower[pick] = count_lower[pick] * per_unit
        upper[pick] = count_upper[pick] * per_unit
        pick = mean_model & usable
        low, high = stats.mean_ci(ratio[pick], sd[pick], den[pick], confidence)
        lower[pick], upper[pick] = low * multiplier[pick], high * multiplier[pick]
        # An estimate's interval is the published one, where both bounds are given.
        estimate_model = np.broadcast_to(per_indicator.is_estimate[:, None, None], num.shape)
        given_lower, given_upper = cube.lower[block], cube.upper[block]
        pick = estimate_model & ~np.isnan(num) & ~np.isnan(given_lower) & ~np.isnan(given_upper)
        lower[pick], upper[pick] = given_lower[pick], given_upper[pick]
        figures.lower, figures.upper = lower, upper

        # --- change against the indicator's previous period (one step of its frequency)
        previous = _previous_index(cube, per_indicator.step)
        x1, n1, value = num, den, figures.value
        x2, n2 = _shift(num, previous), _shift(den, previous)
        previous_sd = _shift(sd, previous)
        figures.previous_value = _shift(value, previous)
        figures.change = value - figures.previous_value
        change_lower = np.full(num.shape, np.nan)
        change_upper = np.full(num.shape, np.nan)
        both = ~np.isnan(x1) & ~np.isnan(n1) & ~np.isnan(x2) & ~np.isnan(n2) & (n1 > 0) & (n2 > 0)
        pick = proportion_model & both & (x1 <= n1) & (x2 <= n2)
        _, low, high = stats.newcombe_ci(x1[pick], n1[pick], x2[pick], n2[pick], confidence)
        change_lower[pick], change_upper[pick] = low * multiplier[pick], high * multiplier[pick]
        tested = pick.copy()
        pick = rate_model & both
        first_per_event = multiplier[pick] / n1[pick]
        second_per_event = multiplier[pick] / n2[pick]
        # The MOVER step of stats.rate_change_ci.
        _, low, high = stats.mover_ci(
            (x1[pick] * first_per_event, count_lower[pick] * first_per_event,
             count_upper[pick] * first_per_event),
            (x2[pick] * second_per_event, _shift(count_lower, previous)[pick] * second_per_event,
             _shift(count_upper, previous)[pick] * second_per_event),
        )  # fmt: skip
        change_lower[pick], change_upper[pick] = low, high
        tested |= pick
        pick = mean_model & both & ~np.isnan(previous_sd)
        with np.errstate(divide="ignore", invalid="ignore"):
            _, low, high = stats.mean_change_ci(
                x1[pick] / n1[pick], sd[pick], n1[pick],
                x2[pick] / n2[pick], previous_sd[pick], n2[pick], confidence,
            )  # fmt: skip
        change_lower[pick], change_upper[pick] = low * multiplier[pick], high * multiplier[pick]
        tested |= pick
        # Two published estimates: MOVER-D combines their intervals (docs/methods.md).
        previous_lower, previous_upper = _shift(lower, previous), _shift(upper, previous)
        pick = (
            estimate_model
            & ~np.isnan(lower) & ~np.isnan(upper) & ~np.isnan(value)
            & ~np.isnan(previous_lower) & ~np.isnan(previous_upper)
            & ~np.isnan(figures.previous_value)
        )  # fmt: skip
        _, low, high = stats.mover_ci(
            (value[pick], lower[pick], upper[pick]),
            (figures.previous_value[pick], previous_lower[pick], previous_upper[pick]),
        )
        change_lower[pick], change_upper[pick] = low, high
        tested |= pick
        figures.change_lower, figures.change_upper = change_lower, change_upper
        figures.tested = tested
        figures.significant = tested & ((change_lower > 0) | (change_upper < 0))
        figures.direction = _direction_codes(figures, per_indicator)

        # --- comparisons with Scotland and the family group
        n_comp = cube.comparators
        n_rows = num.shape[2]
        scotland = np.broadcast_to(figures.value[:, :, :1], num.shape)
        figures.vs_scotland = _versus_codes(figures, scotland, per_indicator)
        figures.vs_scotland[:, :, 0] = 0
        own_group = np.full(n_rows, -1, dtype=np.intp)
        for g, members in enumerate(cube.group_members):
            own_group[n_comp + members] = 1 + g
        group_value = np.where(own_group >= 0, figures.value[:, :, np.maximum(own_group, 0)],
                               np.nan)  # fmt: skip
        figures.vs_family_group = _versus_codes(figures, group_value, per_indicator)
        figures.vs_family_group[:, :, :n_comp] = 0
        figures.vs_family_group[:, :, own_group < 0] = 0

        # --- ranks: 1 = best, ties share the lowest; neutral and computed rows unranked
        areas = figures.value[:, :, n_comp:]
        ranked_indicator = ~per_indicator.neutral
        oriented = np.where(per_indicator.lower_is_better[:, None, None], areas, -areas)
        oriented[~ranked_indicator] = np.nan
        rank = np.full(num.shape, np.nan)
        rank_of = np.full(num.shape, np.nan)
        if oriented.size:
            rank[:, :, n_comp:] = min_ranks(oriented)
            counts = np.count_nonzero(~np.isnan(oriented), axis=2).astype(np.float64)
            rank_of[:, :, n_comp:] = np.where(~np.isnan(oriented), counts[:, :, np.newaxis], np.nan)
        figures.rank, figures.rank_of = rank, rank_of
        return figures


def min_ranks(values: FloatArray) -> FloatArray:
    """Ranks along the last axis, smallest first, ties sharing the lowest rank (1, 2, 2, 4);
    NaN unranked: ``scipy.stats.rankdata(method="min", nan_policy="omit")``, which costs
    half a second of imports (tests/test_compute.py compares the two)."""
    order = np.argsort(values, axis=-1, kind="stable")  # NaN last
    ordered = np.take_along_axis(values, order, axis=-1)
    starts = np.ones(ordered.shape, dtype=bool)
    starts[..., 1:] = ordered[..., 1:] != ordered[..., :-1]
    position = np.broadcast_to(np.arange(values.shape[-1]), values.shape)
    first = np.maximum.accumulate(np.where(starts, position, 0), axis=-1)
    ranked = np.where(np.isnan(ordered), np.nan, first + 1.0)
    out = np.empty(values.shape, dtype=np.float64)
    np.put_along_axis(out, order, ranked, axis=-1)
    return out


class _IndicatorColumns:
    """What the engine needs to know of each indicator, as arrays over indicators."""

    def sliced(self, block: slice) -> _IndicatorColumns:
        """The same of the indicators ``block`` picks."""
        part = copy.copy(self)
        for name, values in vars(self).items():
            setattr(part, name, values[block])
        return part

    def __init__(self, catalogue: Catalogue) -> None:
        indicators = list(catalogue)
        measure = [i.measure for i in indicators]
        # Sampling models apply to counted events, not to sums of money or hours.
        counted = np.array([catalogue.items[i.numerator].kind is ItemKind.COUNT
                            for i in indicators], dtype=bool)  # fmt: skip
        self.multiplier = np.array([i.multiplier for i in indicators], dtype=np.float64)
        self.materiality = np.array([i.materiality for i in indicators], dtype=np.float64)
        self.is_count = np.array([m is Measure.COUNT for m in measure], dtype=bool)
        self.is_proportion = np.array([m is Measure.PROPORTION for m in measure], dtype=bool)
        self.is_mean = np.array([m is Measure.MEAN for m in measure], dtype=bool)
        self.is_estimate = np.array([m is Measure.ESTIMATE for m in measure], dtype=bool)
        self.step = np.array([i.frequency.step for i in indicators], dtype=np.intp)
        self.proportion_model = self.is_proportion & counted
        self.rate_model = np.array([m is Measure.RATE for m in measure], dtype=bool) & counted
        polarity = [i.polarity for i in indicators]
        self.higher_is_better = np.array([p is Polarity.HIGHER_IS_BETTER for p in polarity])
        self.lower_is_better = np.array([p is Polarity.LOWER_IS_BETTER for p in polarity])
        self.neutral = np.array([p is Polarity.NEUTRAL for p in polarity])


def _period_steps(labels: Sequence[str], steps: Sequence[int]) -> IntArray:
    """(step, period): the position of the period ``-step`` periods before each (-1 when
    absent), for every step in ``steps``; row k answers ``steps[k]``."""
    position = {label: p for p, label in enumerate(labels)}
    return np.array(
        [[position.get(parse_period(label).shifted(-step).label, -1) for label in labels]
         for step in steps],
        dtype=np.intp,
    ).reshape(len(steps), len(labels))  # fmt: skip


def _previous_index(cube: _Cube, step: IntArray) -> IntArray:
    """(indicator, period): the position of each indicator's previous period, one step of
    its frequency back (-1 when the data has no such period)."""
    steps = sorted(set(step.tolist()))
    table = _period_steps(cube.period_labels, steps)
    return table[np.searchsorted(steps, step)]


def _shift(values: FloatArray, index: IntArray) -> FloatArray:
    """``values`` at the period ``index`` (indicator, period) gives along axis 1 (NaN where
    it is -1)."""
    rows = np.arange(values.shape[0])[:, np.newaxis]
    shifted = values[rows, np.maximum(index, 0)]
    shifted[index < 0, :] = np.nan
    return shifted


def _direction_codes(figures: _Figures, indicator: _IndicatorColumns) -> NDArray[np.int8]:
    """Codes into :class:`Direction` (its members' positions)."""
    change, tested, significant = figures.change, figures.tested, figures.significant
    comparable = ~np.isnan(change)
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = np.abs(change / np.abs(figures.previous_value))
    material = (change != 0) & ~(relative < indicator.materiality[:, None, None])
    moved = (tested & significant) | (~tested & material)
    up = change > 0
    higher_better = indicator.higher_is_better[:, None, None]
    neutral = indicator.neutral[:, None, None]
    better = up == higher_better
    codes = np.select(
        [~comparable, moved & neutral & up, moved & neutral & ~up, moved & better,
         moved & ~better, tested],
        [Direction.NOT_COMPARABLE.position, Direction.INCREASED.position,
         Direction.DECREASED.position, Direction.IMPROVED.position, Direction.WORSENED.position,
         Direction.NO_SIGNIFICANT_CHANGE.position],
        default=Direction.NO_CHANGE.position,
    )  # fmt: skip
    return codes.astype(np.int8)


def _versus_codes(
    figures: _Figures, comparator: FloatArray, indicator: _IndicatorColumns
) -> NDArray[np.int8]:
    """Codes into :class:`Comparison` (its members' positions), by the rules of :func:`_versus`."""
    lower, upper = figures.lower, figures.upper
    has = ~np.isnan(lower) & ~np.isnan(comparator)
    above = lower > comparator
    below = upper < comparator
    higher_better = indicator.higher_is_better[:, None, None]
    neutral = indicator.neutral[:, None, None]
    codes = np.select(
        [~has, ~(above | below), neutral & above, neutral & below, above == higher_better],
        [Comparison.NOT_COMPARED.position, Comparison.SIMILAR.position,
         Comparison.HIGHER.position, Comparison.LOWER.position, Comparison.BETTER.position],
        default=Comparison.WORSE.position,
    )  # fmt: skip
    return codes.astype(np.int8)


# --- trend ------------------------------------------------------------------------------------


def _trend_codes(cube: _Cube, confidence: float) -> NDArray[np.int8]:
    """Codes into :class:`Trend` (its members' positions; -1: no trend) of the chi-square
    test for trend over the five periods of the indicator's rhythm ending at each period
    (five consecutive years; for a two-yearly indicator, five figures over nine years)."""
    per_indicator = _IndicatorColumns(cube.catalogue)
    codes = np.full(cube.numerator.shape, -1, dtype=np.int8)
    models = ((per_indicator.proportion_model, stats.proportion_trend_test),
              (per_indicator.rate_model, stats.rate_trend_test))  # fmt: skip
    for step in sorted(set(per_indicator.step.tolist())):
        # window[p, k]: the period (4 - k) steps before p's (oldest first), -1 when absent.
        back = [(stats.TREND_PERIODS - 1 - k) * step for k in range(stats.TREND_PERIODS)]
        window = _period_steps(cube.period_labels, back).T
        for model, test in models:
            chosen = model & (per_indicator.step == step)
            _trend_block(
                cube, confidence=confidence, codes=codes, per_indicator=per_indicator,
                model=chosen, window=window, step=step, test=test,
            )  # fmt: skip
    return codes


def _trend_block(
    cube: _Cube,
    *,
    confidence: float,
    codes: NDArray[np.int8],
    per_indicator: _IndicatorColumns,
    model: BoolArray,
    window: IntArray,
    step: int,
    test: Callable[..., tuple[object, object, object, object]],
) -> None:
    """Fill ``codes`` for the indicators ``model`` picks, whose windows are ``window``."""
    rows = np.flatnonzero(model)
    used = cube.grid[rows]
    if not used.any():
        return
    years = cube.first_year[used.any(axis=0)]
    if years.max() - years.min() < (stats.TREND_PERIODS - 1) * step:
        return
    # A few indicators at a time, as the figures are (_Figures.compute).
    size = max(1, _BLOCK_CELLS // max(1, codes.shape[1] * codes.shape[2]))
    for start in range(0, len(rows), size):
        _trend_rows(cube, confidence=confidence, codes=codes, per_indicator=per_indicator,
                    rows=rows[start : start + size], window=window, test=test)  # fmt: skip


def _trend_rows(
    cube: _Cube,
    *,
    confidence: float,
    codes: NDArray[np.int8],
    per_indicator: _IndicatorColumns,
    rows: IntArray,
    window: IntArray,
    test: Callable[..., tuple[object, object, object, object]],
) -> None:
    """Fill ``codes`` for the indicators ``rows``, whose windows are ``window``."""
    x, n = cube.numerator[rows], cube.denominator[rows]
    # An impossible proportion (numerator above denominator) cannot be tested.
    testable = ~np.isnan(x) & ~np.isnan(n) & ~(x > n)
    complete = np.ones(x.shape, dtype=bool)
    for k in range(stats.TREND_PERIODS):
        complete &= (window[:, k] >= 0)[np.newaxis, :, np.newaxis]
        complete &= testable[:, np.maximum(window[:, k], 0), :]
    which, period, row = np.nonzero(complete)
    earlier = window[period]  # (window, k)
    x_complete = x[which[:, np.newaxis], earlier, row[:, np.newaxis]]
    n_complete = n[which[:, np.newaxis], earlier, row[:, np.newaxis]]
    _, _, significant, sign = test(x_complete, n_complete, confidence)
    significant = np.asarray(significant, dtype=bool)
    up = np.asarray(sign, dtype=np.float64) > 0
    polarity_neutral = per_indicator.neutral[rows][which]
    higher_better = per_indicator.higher_is_better[rows][which]
    better = up == higher_better
    words = np.select(
        [significant & polarity_neutral & up, significant & polarity_neutral,
         significant & better, significant],
        [Trend.INCREASING.position, Trend.DECREASING.position, Trend.IMPROVING.position,
         Trend.WORSENING.position],
        default=Trend.NO_SIGNIFICANT_TREND.position,
    ).astype(np.int8)  # fmt: skip
    block = np.zeros(complete.shape, dtype=np.int8)
    block[complete] = words
    codes[rows] = block


# --- 6. notes and the results frame -----------------------------------------------------------


def _add_national_notes(cube: _Cube, value: FloatArray) -> None:
    """The dataset's Scotland rows of an indicator that is a sum: where the national figure
    they give differs from Σ numerators / Σ denominators, Scotland's note says so."""
    per_indicator = _IndicatorColumns(cube.catalogue)
    numerator, denominator = cube.national[0], cube.national[1]
    with np.errstate(divide="ignore", invalid="ignore"):
        given = np.where(
            per_indicator.is_count[:, None],
            numerator,
            per_indicator.multiplier[:, None]
            * numerator
            / np.where(denominator != 0, denominator, np.nan),
        )
    computed = value[:, :, 0]
    differs = (
        cube.grid
        & ~per_indicator.is_estimate[:, None]
        & ~np.isnan(given)
        & ~np.isclose(given, computed, rtol=1e-6, atol=5e-5)
    )
    n_rows, n_periods = value.shape[2], len(cube.period_labels)
    for i, p in zip(*np.nonzero(differs), strict=True):
        cube.published_notes[int((i * n_periods + p) * n_rows)] = (
            f"; published value {given[i, p]:.6g} differs from the computed {computed[i, p]:.6g}"
        )


def _add_published_notes(cube: _Cube, value: FloatArray, published: pd.DataFrame) -> None:
    n_rows = value.shape[2]
    n_periods = len(cube.period_labels)
    indicator = codes_in(published["indicator"], cube.indicators)
    area = codes_in(published["area"], cube.row_names)
    period = codes_in(published["period"], cube.period_labels)
    given = published["value"].to_numpy(dtype=np.float64)
    known = (indicator >= 0) & (area >= 0) & (period >= 0)
    known[known] = cube.grid[indicator[known], period[known]]
    computed = np.full(len(given), np.nan)
    computed[known] = value[indicator[known], period[known], area[known]]
    differs = known & ~np.isnan(given) & ~np.isclose(given, computed, rtol=1e-6, atol=5e-5)
    cube.published_notes |= {
        int((i * n_periods + p) * n_rows + a): (
            f"; published value {g:.6g} differs from the computed {c:.6g}"
        )
        for i, p, a, g, c in zip(indicator[differs], period[differs], area[differs],
                                 given[differs], computed[differs], strict=True)
    }  # fmt: skip


def _narrowest(count: int) -> type[np.signedinteger]:
    """The integers pandas keeps a categorical's codes in, for ``count`` categories."""
    return np.int8 if count < 2**7 else np.int16 if count < 2**15 else np.int32


def _figure_block(
    cube: _Cube,
    figures: _Figures,
    flat: Callable[[FloatArray], FloatArray],
    block: FloatArray | None,
) -> FloatArray:
    """The float columns of the results (:data:`_FIGURE_COLUMNS`) as the rows of one
    array: ``block`` (the cube's :attr:`~_Cube.figure_block`, where most were made in
    place) with the others copied in, or a new one."""
    given = {"numerator": cube.numerator, "denominator": cube.denominator}
    values: list[FloatArray] = [given[name] if name in given else getattr(figures, name)
                                for name in _FIGURE_COLUMNS]  # fmt: skip
    if block is None:
        block = np.empty((len(values), int(cube.grid.sum()) * cube.numerator.shape[2]))
    for k, column in enumerate(values):
        if not np.may_share_memory(block[k], column):  # else made in its row already
            block[k] = flat(column)
    return block


def _assemble(
    cube: _Cube, figures: _Figures, trend: NDArray[np.int8]
) -> tuple[pd.DataFrame, dict[str, pd.Categorical]]:
    """The results frame, columns in :data:`~outcomes.results._results.RESULT_COLUMNS`
    order, and its name columns as categoricals (``Results._coded``)."""
    from outcomes.results._results import RESULT_COLUMNS

    grid = cube.grid
    n_rows = cube.numerator.shape[2]
    n_periods = len(cube.period_labels)
    indicator_of, period_of = np.nonzero(grid)
    n_out = len(indicator_of) * n_rows

    every_period = bool(grid.all())  # the usual case: the cube is the table, no selection

    def flat(values: NDArray[ScalarT]) -> NDArray[ScalarT]:
        return values.reshape(n_out) if every_period else values[grid].reshape(n_out)

    def words(codes: NDArray[np.int8], vocabulary: type[enum.StrEnum]) -> pd.Series:
        categories = pd.Index([member.value for member in vocabulary])
        return pd.Series(pd.Categorical.from_codes(flat(codes), categories=categories))

    coded: dict[str, pd.Categorical] = {}

    def labels(names: Sequence[str], codes: NDArray[np.integer], column: str) -> pd.Series:
        # Plain text (one shared string object per name): users of the frame map and
        # compare these columns, which a categorical would refuse. The codes are kept too,
        # in the narrowest integers a categorical takes as they are (no copy to narrow).
        distinct: dict[str, int] = {}  # a name may repeat (previous periods of two steps)
        renumbered = np.array([distinct.setdefault(name, len(distinct)) for name in names],
                              dtype=_narrowest(len(names)))  # fmt: skip
        coded[column] = pd.Categorical.from_codes(
            renumbered[codes], categories=pd.Index(list(distinct), dtype=object)
        )
        return pd.Series(np.array(names, dtype=object)[codes], dtype=object)

    def repeated(codes: IntArray, times: int) -> NDArray[np.integer]:
        return np.repeat(codes.astype(np.int32), times)

    # The period each indicator's change is taken against: one step of its frequency back.
    steps = [i.frequency.step for i in cube.catalogue]
    step_labels = sorted(set(steps))
    previous_labels = [parse_period(label).shifted(-step).label
                       for step in step_labels for label in cube.period_labels]  # fmt: skip
    previous_code = np.searchsorted(step_labels, steps)[indicator_of] * n_periods + period_of
    tested = flat(figures.tested).astype(bool)
    significant = flat(figures.significant).astype(bool)
    change_significant = np.full(n_out, None, dtype=object)
    change_significant[tested & significant] = True
    change_significant[tested & ~significant] = False

    rank = flat(figures.rank)
    rank_of = flat(figures.rank_of)
    ranked = ~np.isnan(rank)
    with np.errstate(invalid="ignore"):
        quartile = np.ceil(4 * rank / rank_of)

    def integers(values: FloatArray) -> pd.Series:
        return pd.Series(
            pd.arrays.IntegerArray(np.where(ranked, values, 0).astype(np.int64), ~ranked)
        )

    # Flat position of every (indicator, period, row) in the output, for the notes.
    out_position = np.full(grid.shape, -1, dtype=np.int64)
    out_position[grid] = np.arange(len(indicator_of), dtype=np.int64) * n_rows
    note = np.full(n_out, "", dtype=object)
    pieces: dict[int, str] = {}
    for key, text in cube.notes.items():
        pieces[key] = text
    extra: list[tuple[BoolArray, str]] = list(cube.indicator_notes)
    impossible_text = "; numerator exceeds denominator: no interval"
    impossible = cube.impossible & grid[:, :, np.newaxis]
    published_notes = cube.published_notes
    keys = set(pieces)
    keys.update(int(k) for k in np.flatnonzero(impossible))
    keys.update(published_notes)
    indicator_rows = np.zeros(grid.shape[0], dtype=bool)
    for chosen, _ in extra:
        indicator_rows |= chosen
    if indicator_rows.any():
        whole = np.broadcast_to((grid & indicator_rows[:, None])[:, :, None],
                                cube.numerator.shape)  # fmt: skip
        keys.update(int(k) for k in np.flatnonzero(whole))
    impossible_flat = impossible.reshape(-1)
    for key in keys:
        i, rest = divmod(key, n_periods * n_rows)
        p, r = divmod(rest, n_rows)
        if not grid[i, p]:
            continue
        text = pieces.get(key, "")
        for chosen, piece in extra:
            if chosen[i]:
                text += piece
        if impossible_flat[key]:
            text += impossible_text
        text += published_notes.get(key, "")
        note[out_position[i, p] + r] = text.strip("; ")

    # The figures go into one float block in place, so pandas need not copy them.
    block = cube.figure_block if every_period else None
    frame = pd.DataFrame(_figure_block(cube, figures, flat, block).T,
                         columns=list(_FIGURE_COLUMNS), copy=False)  # fmt: skip
    other_columns: dict[str, pd.Series] = {
        "indicator": labels(cube.indicators, repeated(indicator_of, n_rows), "indicator"),
        "area": labels(
            cube.row_names, np.tile(np.arange(n_rows, dtype=np.int32), len(indicator_of)), "area"
        ),
        "period": labels(cube.period_labels, repeated(period_of, n_rows), "period"),
        "previous_period": labels(
            previous_labels, repeated(previous_code, n_rows), "previous_period"
        ),
        "change_significant": pd.Series(change_significant, dtype=object),
        "direction": words(figures.direction, Direction),
        "vs_scotland": words(figures.vs_scotland, Comparison),
        "vs_family_group": words(figures.vs_family_group, Comparison),
        "rank": integers(rank),
        "rank_of": integers(rank_of),
        "quartile": integers(quartile),
        "trend": words(trend, Trend),
        "suppressed": pd.Series(np.zeros(n_out, dtype=bool)),
        "note": pd.Series(note, dtype=object),
    }
    for position, name in enumerate(RESULT_COLUMNS):
        if name in other_columns:
            frame.insert(position, name, other_columns[name])
    return frame, coded
