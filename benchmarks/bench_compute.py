"""Benchmark of the statistics engine (issue 5): ``outcomes.compute`` against a bare numpy
kernel of the same formulas, statsmodels' Wilson interval and per-row scipy.

Run from the repository root::

    python benchmarks/bench_compute.py --areas 200      # small, with --check for agreement
    python benchmarks/bench_compute.py                  # 7,000 x 20 x 50, about 14M input rows

Every stage runs in its own fresh Python process, which rebuilds the same deterministic
inputs, so one stage's memory never pollutes the next (see README.md for how time and peak
memory are measured). The table is printed and written to ``--out``, one section per scale.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any, Final, TypeVar

import attrs
import numpy as np
import pandas as pd
from harness import (
    peak_bytes,
    release_free_memory,
    reset_peak,
    status_bytes,
    write_json,
    write_section,
)
from numpy.typing import NDArray
from scipy import special, stats

import outcomes
import outcomes.vocabulary
from outcomes import Areas, Catalogue, Dataset, Indicator
from outcomes import stats as outcome_stats
from outcomes.catalogue import DataItem

T = TypeVar("T")
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.intp]
CodeArray = NDArray[np.int8]

HERE: Final = Path(__file__).resolve().parent
CONFIDENCE: Final = 0.95
TREND_CONFIDENCE: Final = 0.998
TREND_PERIODS: Final = 5
BYAR_MINIMUM_EVENTS: Final = 10
FAMILY_GROUPS: Final = ("FG1", "FG2", "FG3", "FG4")
MIB: Final = 1024 * 1024
# Fractions of indicator x area x period cells that are unusual, as in a real return.
NOT_RETURNED: Final = 0.001
NOT_COLLECTED: Final = 0.0005
PROVISIONAL: Final = 0.002
# Words of the results table, in the order of the kernel's int8 codes.
DIRECTION_WORDS: Final = (
    "not_comparable",
    "increased",
    "decreased",
    "improved",
    "worsened",
    "no_significant_change",
    "no_change",
)
VERSUS_WORDS: Final = ("not_compared", "similar", "higher", "lower", "better", "worse")
TREND_WORDS: Final = (
    "not_enough_data",
    "increasing",
    "decreasing",
    "improving",
    "worsening",
    "no_significant_trend",
)


@attrs.frozen(kw_only=True)
class Scale:
    """How big the synthetic national dataset is."""

    areas: int
    periods: int
    indicators: int
    seed: int = 20250605

    @property
    def label(self) -> str:
        return f"{self.areas:,} areas × {self.periods} periods × {self.indicators} indicators"

    @property
    def key(self) -> str:
        return f"{self.areas}x{self.periods}x{self.indicators}"

    def arguments(self) -> list[str]:
        return [
            "--areas",
            str(self.areas),
            "--periods",
            str(self.periods),
            "--indicators",
            str(self.indicators),
            "--seed",
            str(self.seed),
        ]


@attrs.frozen(kw_only=True)
class Inputs:
    """What ``compute`` is given: the tidy dataset, a catalogue and the areas table."""

    dataset: Dataset
    catalogue: Catalogue
    areas: Areas


# --- synthetic inputs ----------------------------------------------------------------------


def period_labels(periods: int) -> list[str]:
    """Consecutive financial years ending at 2024-25."""
    first = 2025 - periods
    return [f"{year}-{(year + 1) % 100:02d}" for year in range(first, 2025)]


def synthetic_catalogue(indicators: int) -> Catalogue:
    """Even-numbered indicators are percentages, odd ones rates per 1,000; all count items."""
    items: list[DataItem] = []
    chosen: list[Indicator] = []
    for k in range(indicators):
        proportion = k % 2 == 0
        events, base = f"syn{k:03d}_events", f"syn{k:03d}_base"
        items += [
            DataItem(name=events, title=f"Events {k}", unit="people", kind="count"),
            DataItem(name=base, title=f"Base {k}", unit="people", kind="count"),
        ]
        polarity = (
            "neutral"
            if k % 5 == 4
            else "lower_is_better"
            if (not proportion or k % 3 == 2)
            else "higher_is_better"
        )
        chosen.append(
            Indicator(
                id=f"SYN{k:03d}",
                title=f"Synthetic indicator {k}",
                measure="proportion" if proportion else "rate",
                numerator=events,
                denominator=base,
                multiplier=100.0 if proportion else 1000.0,
                unit="%" if proportion else "per 1,000",
                polarity=polarity,
                branch="whole_service",
                recommendations=(11,),
                outcome_for=("people_who_use_services",),
                period_type="financial_year",
                source="synthetic benchmark data",
            )
        )
    return Catalogue(indicators=chosen, items={item.name: item for item in items})


def synthetic_inputs(scale: Scale) -> Inputs:
    """The tidy dataset (area, period, item as categoricals; value float; flag text), built
    with numpy and wrapped in ``Dataset`` directly: ``Dataset.from_frame`` re-reads every
    cell as text, which at 14M rows costs far more than the computation (see its stage)."""
    rng = np.random.default_rng(scale.seed)
    n_ind, n_area, n_period = scale.indicators, scale.areas, scale.periods
    proportion = (np.arange(n_ind) % 2 == 0)[:, None, None]
    # Denominators: people in the cohort (proportions) or population (rates), drifting a little.
    size = rng.lognormal(
        np.log(np.where(proportion[:, :, 0], 300.0, 20_000.0)), 1.0, (n_ind, n_area)
    )
    drift = rng.normal(0.0, 0.03, (n_ind, n_area, n_period)).cumsum(axis=2)
    base = np.maximum(np.round(size[..., None] * np.exp(drift)), 1.0)
    start = rng.beta(2.0, 3.0, (n_ind, n_area))
    walk = rng.normal(0.0, 0.08, (n_ind, n_area, n_period)).cumsum(axis=2)
    share = 1 / (1 + np.exp(-(np.log(start / (1 - start))[..., None] + walk)))
    per_person = rng.gamma(2.0, 0.01, (n_ind, n_area))[..., None] * np.exp(walk / 2)
    events = np.where(
        proportion,
        rng.binomial(base.astype(np.int64), share),
        rng.poisson(base * per_person),
    ).astype(np.float64)
    # Tidy order: one return per period and area, items in catalogue order.
    values = np.stack([events, base], axis=1).reshape(2 * n_ind, n_area, n_period)
    tidy_values = values.transpose(2, 1, 0).ravel()
    n_items = 2 * n_ind
    period_code = np.repeat(np.arange(n_period), n_area * n_items)
    area_code = np.tile(np.repeat(np.arange(n_area), n_items), n_period)
    item_code = np.tile(np.arange(n_items), n_period * n_area)
    cell = rng.random((n_period, n_area, n_ind))
    not_returned = np.repeat(cell < NOT_RETURNED, 2, axis=2).ravel()
    is_events = item_code % 2 == 0
    events_cell = np.repeat(cell, 2, axis=2).ravel()
    not_collected = (
        is_events & (events_cell >= NOT_RETURNED) & (events_cell < NOT_RETURNED + NOT_COLLECTED)
    )
    provisional = (
        is_events
        & (events_cell >= NOT_RETURNED + NOT_COLLECTED)
        & (events_cell < NOT_RETURNED + NOT_COLLECTED + PROVISIONAL)
    )
    tidy_values[not_collected] = np.nan
    flag_code = np.where(not_collected, 2, np.where(provisional, 1, 0))
    keep = ~not_returned
    catalogue = synthetic_catalogue(n_ind)
    area_names = [f"A{i:05d}" for i in range(n_area)]
    item_names = [name for indicator in catalogue for name in indicator.items]
    flags = np.array(["", "provisional", "not_collected"], dtype=object)
    frame = pd.DataFrame(
        {
            "area": pd.Categorical.from_codes(area_code[keep], pd.Index(area_names)),
            "period": pd.Categorical.from_codes(
                period_code[keep], pd.Index(period_labels(n_period))
            ),
            "item": pd.Categorical.from_codes(item_code[keep], pd.Index(item_names)),
            "value": tidy_values[keep],
            # Text, not categorical: compute joins flags into notes with string operations.
            "flag": pd.array(flags[flag_code[keep]], dtype="str"),
        }
    )
    group = rng.integers(0, len(FAMILY_GROUPS), n_area)
    group[: len(FAMILY_GROUPS)] = np.arange(len(FAMILY_GROUPS))  # every group has members
    areas = Areas.from_frame(
        pd.DataFrame(
            {
                "area": area_names,
                "name": [f"Area {i}" for i in range(n_area)],
                "family_group": [FAMILY_GROUPS[g] for g in group],
            }
        ),
        source="synthetic areas",
    )
    return Inputs(
        dataset=Dataset(frame=frame, source="synthetic"), catalogue=catalogue, areas=areas
    )


def distinct_bytes(frame: pd.DataFrame) -> int:
    """Bytes a frame really holds: its arrays, plus each distinct Python object of its
    text columns counted once (``memory_usage(deep=True)`` counts a shared ``""`` per row)."""
    total = 0
    for name in frame.columns:
        column = frame[name]
        if isinstance(column.dtype, pd.CategoricalDtype):
            categories = column.cat.categories
            total += column.cat.codes.to_numpy().nbytes + int(categories.memory_usage(deep=True))
        elif column.dtype == object or isinstance(column.dtype, pd.StringDtype):
            values = column.to_numpy(dtype=object)
            distinct = {id(value): value for value in values}
            total += values.nbytes + sum(sys.getsizeof(value) for value in distinct.values())
        else:
            total += int(column.array.nbytes)
    return total


def text_frame_bytes(frame: pd.DataFrame) -> int:
    """``memory_usage(deep=True)`` of the same frame with area, period and item as text
    columns, as ``read_dataset`` returns them (computed from the categories, not built)."""
    total = int(frame[["value", "flag"]].memory_usage(deep=True, index=True).sum())
    for column in ("area", "period", "item"):
        categorical = frame[column].cat
        sizes = np.array([sys.getsizeof(str(label)) for label in categorical.categories])
        counts = np.bincount(categorical.codes.to_numpy(), minlength=len(sizes))
        total += int(counts @ sizes) + 8 * len(frame)
    return total


# --- the bare numpy kernel -----------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Layout:
    """How the tidy frame's categories map onto dense (indicator, row, period) arrays.

    Rows are the areas in the areas table's order, then Scotland, then each family group.
    """

    numerator_item: IntArray
    denominator_item: IntArray
    multiplier: FloatArray
    proportion: BoolArray
    rate: BoolArray
    higher_is_better: BoolArray
    neutral: BoolArray
    materiality: FloatArray
    area_position: IntArray
    period_position: IntArray
    periods: int
    family_group: IntArray
    groups: int

    @property
    def areas(self) -> int:
        return len(self.family_group)


def layout_of(frame: pd.DataFrame, catalogue: Catalogue, areas: Areas) -> Layout:
    items = pd.Index(frame["item"].cat.categories)
    indicators = list(catalogue)
    first_years = np.array(
        [outcomes.parse_period(str(label)).first_year for label in frame["period"].cat.categories]
    )
    group_names = sorted(set(areas.family_group_of.values()) - {""})
    group_of = areas.family_group_of
    return Layout(
        numerator_item=items.get_indexer([i.numerator for i in indicators]),
        denominator_item=items.get_indexer([i.denominator for i in indicators]),
        multiplier=np.array([i.multiplier for i in indicators]),
        proportion=np.array(
            [i.measure is outcomes.vocabulary.Measure.PROPORTION for i in indicators]
        ),
        rate=np.array([i.measure is outcomes.vocabulary.Measure.RATE for i in indicators]),
        higher_is_better=np.array(
            [i.polarity is outcomes.vocabulary.Polarity.HIGHER_IS_BETTER for i in indicators]
        ),
        neutral=np.array([i.polarity is outcomes.vocabulary.Polarity.NEUTRAL for i in indicators]),
        materiality=np.array([i.materiality for i in indicators]),
        area_position=pd.Index(areas.names).get_indexer(frame["area"].cat.categories),
        period_position=first_years - first_years.min(),
        periods=int(first_years.max() - first_years.min() + 1),
        family_group=np.array([group_names.index(group_of[name]) for name in areas.names]),
        groups=len(group_names),
    )


@attrs.frozen(kw_only=True)
class Counts:
    """Numerators and denominators as dense (indicator, row, period) arrays."""

    events: FloatArray
    base: FloatArray


def dense_counts(frame: pd.DataFrame, layout: Layout) -> Counts:
    """Scatter the tidy rows into dense arrays and add Scotland and family-group rows
    (Σ numerators over Σ denominators of the areas that reported both)."""
    items = len(frame["item"].cat.categories)
    grid = np.full((items, layout.areas, layout.periods), np.nan)
    grid[
        frame["item"].cat.codes.to_numpy(),
        layout.area_position[frame["area"].cat.codes.to_numpy()],
        layout.period_position[frame["period"].cat.codes.to_numpy()],
    ] = frame["value"].to_numpy()
    events, base = grid[layout.numerator_item], grid[layout.denominator_item]
    del grid
    reported = ~np.isnan(events) & ~np.isnan(base)
    order = np.argsort(layout.family_group, kind="stable")
    starts = np.searchsorted(layout.family_group[order], np.arange(layout.groups))
    pieces_x, pieces_n = [events], [base]
    for values, pieces in ((events, pieces_x), (base, pieces_n)):
        known = np.where(reported, values, 0.0)
        scotland = known.sum(axis=1, keepdims=True)
        groups = np.add.reduceat(known[:, order], starts, axis=1)
        pieces += [scotland, groups]
    # A total with no area reporting is missing, not zero (pandas' sum(min_count=1)).
    anyone = np.concatenate(
        [
            reported.any(axis=1, keepdims=True),
            np.add.reduceat(reported[:, order], starts, axis=1) > 0,
        ],
        axis=1,
    )
    events = np.concatenate(pieces_x, axis=1)
    base = np.concatenate(pieces_n, axis=1)
    events[:, layout.areas :][~anyone] = np.nan
    base[:, layout.areas :][~anyone] = np.nan
    return Counts(events=events, base=base)


def wilson(events: FloatArray, trials: FloatArray, z: float) -> tuple[FloatArray, FloatArray]:
    """Wilson score limits of events / trials; NaN where trials is 0 or missing."""
    with np.errstate(divide="ignore", invalid="ignore"):
        trials_known = np.where(trials > 0, trials, np.nan)
        proportion = events / trials_known
        z2 = z * z
        shrink = 1 + z2 / trials_known
        centre = (proportion + z2 / (2 * trials_known)) / shrink
        half = (z / shrink) * np.sqrt(
            proportion * (1 - proportion) / trials_known + z2 / (4 * trials_known**2)
        )
    lower = np.where(events == 0, 0.0, np.clip(centre - half, 0.0, 1.0))
    upper = np.where(events == trials, 1.0, np.clip(centre + half, 0.0, 1.0))
    missing = np.isnan(proportion)
    return np.where(missing, np.nan, lower), np.where(missing, np.nan, upper)


def poisson_count_bounds(
    events: FloatArray, alpha: float, z: float
) -> tuple[FloatArray, FloatArray]:
    """Exact limits below 10 events (chi-square, through the inverse incomplete gamma),
    Byar's approximation from 10."""
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = events * (1 - 1 / (9 * events) - z / (3 * np.sqrt(events))) ** 3
        after = events + 1
        upper = after * (1 - 1 / (9 * after) + z / (3 * np.sqrt(after))) ** 3
    small = events < BYAR_MINIMUM_EVENTS
    few = events[small]
    # chi2.ppf(a, 2x) / 2 is gammaincinv(x, a); chi2.isf(a, 2x + 2) / 2 is gammainccinv(x + 1, a).
    lower[small] = np.where(few == 0, 0.0, special.gammaincinv(np.maximum(few, 1e-300), alpha / 2))
    upper[small] = special.gammainccinv(few + 1, alpha / 2)
    return lower, upper


@attrs.frozen(kw_only=True)
class KernelOutput:
    """Every figure of the results table, as dense (indicator, row, period) arrays; words
    as int8 codes into DIRECTION_WORDS, VERSUS_WORDS and TREND_WORDS."""

    value: FloatArray
    lower: FloatArray
    upper: FloatArray
    change: FloatArray
    change_lower: FloatArray
    change_upper: FloatArray
    direction: CodeArray
    vs_scotland: CodeArray
    vs_family_group: CodeArray
    rank: FloatArray
    rank_of: FloatArray
    quartile: FloatArray
    trend: CodeArray


def _previous(values: FloatArray) -> FloatArray:
    """The value of the period before, NaN for the first period."""
    shifted = np.full_like(values, np.nan)
    shifted[..., 1:] = values[..., :-1]
    return shifted


def _versus(
    lower: FloatArray,
    upper: FloatArray,
    comparator: FloatArray,
    higher_is_better: BoolArray,
    neutral: BoolArray,
) -> CodeArray:
    has = ~np.isnan(lower) & ~np.isnan(comparator)
    above, below = lower > comparator, upper < comparator
    codes = np.select(
        [~has, ~(above | below), neutral & above, neutral & below, above == higher_is_better],
        [0, 1, 2, 3, 4],
        default=5,
    )
    return codes.astype(np.int8)


def _rank_min(oriented: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Rank along the last axis, 1 = smallest, ties sharing the lowest rank; NaN unranked."""
    order = np.argsort(oriented, axis=-1, kind="stable")
    ordered = np.take_along_axis(oriented, order, axis=-1)
    starts_tie = np.ones(ordered.shape, dtype=bool)
    starts_tie[..., 1:] = ordered[..., 1:] != ordered[..., :-1]
    position = np.broadcast_to(np.arange(ordered.shape[-1]), ordered.shape)
    first = np.maximum.accumulate(np.where(starts_tie, position, 0), axis=-1) + 1.0
    rank = np.empty_like(oriented)
    np.put_along_axis(rank, order, first, axis=-1)
    ranked = ~np.isnan(oriented)
    count = ranked.sum(axis=-1, keepdims=True).astype(np.float64)
    return np.where(ranked, rank, np.nan), np.where(ranked, count, np.nan)


def _trend_codes(counts: Counts, layout: Layout, confidence: float) -> CodeArray:
    n_ind, rows, periods = counts.events.shape
    codes = np.zeros((n_ind, rows, periods), dtype=np.int8)
    if periods < TREND_PERIODS:
        return codes
    for kinds, test in (
        (layout.proportion, outcome_stats.proportion_trend_test),
        (layout.rate, outcome_stats.rate_trend_test),
    ):
        chosen = np.flatnonzero(kinds)
        if chosen.size == 0:
            continue
        windows_x = np.lib.stride_tricks.sliding_window_view(
            counts.events[chosen], TREND_PERIODS, axis=2
        )
        windows_n = np.lib.stride_tricks.sliding_window_view(
            counts.base[chosen], TREND_PERIODS, axis=2
        )
        shape = windows_x.shape[:3]
        _, _, significant, sign = test(
            windows_x.reshape(-1, TREND_PERIODS), windows_n.reshape(-1, TREND_PERIODS), confidence
        )
        complete = ~(np.isnan(windows_x).any(axis=3) | np.isnan(windows_n).any(axis=3))
        significant = significant.reshape(shape) & complete
        up = sign.reshape(shape) > 0
        neutral = layout.neutral[chosen][:, None, None]
        better = up == layout.higher_is_better[chosen][:, None, None]
        codes[chosen, :, TREND_PERIODS - 1 :] = np.select(
            [
                ~complete,
                significant & neutral & up,
                significant & neutral,
                significant & better,
                significant,
            ],
            [0, 1, 2, 3, 4],
            default=5,
        )
    return codes


def kernel_formulas(counts: Counts, layout: Layout, confidence: float = CONFIDENCE) -> KernelOutput:
    """Values, intervals, change, comparisons, ranks and trend on dense arrays."""
    alpha = 1 - confidence
    z = float(stats.norm.isf(alpha / 2))
    x, n = counts.events, counts.base
    multiplier = layout.multiplier[:, None, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = x / np.where(n != 0, n, np.nan)
    value = multiplier * ratio
    lower, upper = np.full_like(value, np.nan), np.full_like(value, np.nan)
    change_lower, change_upper = np.full_like(value, np.nan), np.full_like(value, np.nan)
    x_before, n_before = _previous(x), _previous(n)
    both = (n > 0) & (n_before > 0) & ~np.isnan(x) & ~np.isnan(x_before)
    tested = np.zeros(value.shape, dtype=bool)

    chosen = np.flatnonzero(layout.proportion)
    if chosen.size:
        xp, n_p, scale = x[chosen], n[chosen], multiplier[chosen]
        valid = (xp <= n_p) & (n_p > 0)
        low, high = wilson(np.where(valid, xp, np.nan), n_p, z)
        lower[chosen], upper[chosen] = low * scale, high * scale
        share = np.where(valid, xp / np.where(n_p > 0, n_p, np.nan), np.nan)
        share_before, low_before, high_before = _previous(share), _previous(low), _previous(high)
        difference = share - share_before
        pick = both[chosen] & valid & _previous(valid.astype(np.float64)).astype(bool)
        change_lower[chosen] = np.where(
            pick, (difference - np.hypot(share - low, high_before - share_before)) * scale, np.nan
        )
        change_upper[chosen] = np.where(
            pick, (difference + np.hypot(high - share, share_before - low_before)) * scale, np.nan
        )
        tested[chosen] = pick

    chosen = np.flatnonzero(layout.rate)
    if chosen.size:
        xr, nr, scale = x[chosen], n[chosen], multiplier[chosen]
        low, high = poisson_count_bounds(xr, alpha, z)
        per_event = scale / np.where(nr > 0, nr, np.nan)
        lower[chosen], upper[chosen] = low * per_event, high * per_event
        rate_now, rate_before = xr * per_event, _previous(xr * per_event)
        per_before, x_prev = _previous(per_event), _previous(xr)
        low_before, high_before = _previous(low), _previous(high)
        difference = rate_now - rate_before
        pick = both[chosen]
        change_lower[chosen] = np.where(
            pick,
            difference - np.hypot((xr - low) * per_event, (high_before - x_prev) * per_before),
            np.nan,
        )
        change_upper[chosen] = np.where(
            pick,
            difference + np.hypot((high - xr) * per_event, (x_prev - low_before) * per_before),
            np.nan,
        )
        tested[chosen] = pick

    value_before = _previous(value)
    change = value - value_before
    significant = tested & ((change_lower > 0) | (change_upper < 0))
    higher_is_better = layout.higher_is_better[:, None, None]
    neutral = layout.neutral[:, None, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = np.abs(change / np.abs(value_before))
    material = (change != 0) & ~(relative < layout.materiality[:, None, None])
    moved = (tested & significant) | (~tested & material)
    up = change > 0
    better = up == higher_is_better
    direction = np.select(
        [
            np.isnan(change),
            moved & neutral & up,
            moved & neutral & ~up,
            moved & better,
            moved & ~better,
            tested,
        ],
        [0, 1, 2, 3, 4, 5],
        default=6,
    ).astype(np.int8)

    areas = layout.areas
    vs_scotland = _versus(lower, upper, value[:, areas : areas + 1], higher_is_better, neutral)
    vs_scotland[:, areas] = 0
    group_value = np.full_like(value, np.nan)
    group_value[:, :areas] = value[:, areas + 1 + layout.family_group]
    vs_family_group = _versus(lower, upper, group_value, higher_is_better, neutral)
    vs_family_group[:, areas:] = 0

    oriented = np.where(higher_is_better, -value[:, :areas], value[:, :areas])
    oriented = np.where(neutral, np.nan, oriented)
    rank, rank_of = np.full_like(value, np.nan), np.full_like(value, np.nan)
    area_rank, area_count = _rank_min(np.moveaxis(oriented, 1, 2))
    rank[:, :areas], rank_of[:, :areas] = (
        np.moveaxis(area_rank, 2, 1),
        np.moveaxis(area_count, 2, 1),
    )
    quartile = np.ceil(4 * rank / rank_of)
    return KernelOutput(
        value=value,
        lower=lower,
        upper=upper,
        change=change,
        change_lower=change_lower,
        change_upper=change_upper,
        direction=direction,
        vs_scotland=vs_scotland,
        vs_family_group=vs_family_group,
        rank=rank,
        rank_of=rank_of,
        quartile=quartile,
        trend=_trend_codes(counts, layout, TREND_CONFIDENCE),
    )


def kernel(inputs: Inputs) -> KernelOutput:
    """The whole bare kernel, from the same tidy frame ``compute`` is given."""
    frame = inputs.dataset.frame
    layout = layout_of(frame, inputs.catalogue, inputs.areas)
    return kernel_formulas(dense_counts(frame, layout), layout)


def proportion_cells(inputs: Inputs) -> tuple[FloatArray, FloatArray]:
    """Events and trials of every reported area cell of a proportion indicator, 1-D."""
    frame = inputs.dataset.frame
    layout = layout_of(frame, inputs.catalogue, inputs.areas)
    counts = dense_counts(frame, layout)
    x = counts.events[layout.proportion, : layout.areas].ravel()
    n = counts.base[layout.proportion, : layout.areas].ravel()
    usable = ~np.isnan(x) & (n > 0) & (x <= n)
    return np.ascontiguousarray(x[usable]), np.ascontiguousarray(n[usable])


# --- measuring -----------------------------------------------------------------------------


def measure(
    work: Callable[[], T], *, budget: float = 1.0, most: int = 5, least: int = 1
) -> tuple[dict[str, Any], T]:
    """Wall time (best of up to ``most`` runs, stopping once ``budget`` seconds are spent
    and at least ``least`` runs are done) and the peak resident memory above what the
    process held before the first run, with the 1-minute load average before it.

    Returns the measurements and the last run's result."""
    release_free_memory()
    load = os.getloadavg()[0]
    baseline = status_bytes("VmRSS") or peak_bytes()
    exact = reset_peak()
    times: list[float] = []
    last: T | None = None
    while True:
        last = None  # drop the previous result first, so runs never overlap in memory
        start = time.perf_counter()
        last = work()
        times.append(time.perf_counter() - start)
        if (sum(times) >= budget and len(times) >= least) or len(times) >= max(most, least):
            break
    peak = peak_bytes()
    record = {
        "seconds": min(times),
        "runs": len(times),
        "load": load,
        "baseline_bytes": baseline,
        "peak_bytes": peak,
        "extra_bytes": max(peak - baseline, 0),
        "exact_peak": exact,
    }
    return record, last


# --- stages (each runs in its own process) -------------------------------------------------


def stage_inputs(scale: Scale, options: argparse.Namespace) -> dict[str, Any]:
    result, inputs = measure(lambda: synthetic_inputs(scale), budget=0)
    frame = inputs.dataset.frame
    usage = frame.memory_usage(deep=True, index=True)
    result.update(
        cells=len(frame),
        frame_bytes=int(usage.sum()),
        frame_columns={str(k): int(v) for k, v in usage.items()},
        distinct_frame_bytes=distinct_bytes(frame),
        text_frame_bytes=text_frame_bytes(frame),
    )
    return result


def stage_from_frame(scale: Scale, options: argparse.Namespace) -> dict[str, Any]:
    frame = synthetic_inputs(scale).dataset.frame
    size = min(len(frame), options.validate_sample)
    picked = frame.iloc[np.linspace(0, len(frame) - 1, size).astype(np.int64)]
    text = pd.DataFrame(
        {
            "area": picked["area"].astype(str),
            "period": picked["period"].astype(str),
            "item": picked["item"].astype(str),
            "value": [("" if math.isnan(v) else f"{v:g}") for v in picked["value"]],
            "flag": picked["flag"].astype(str),
        }
    ).reset_index(drop=True)
    result, _ = measure(lambda: Dataset.from_frame(text, source="sample"), budget=0)
    result.update(
        sample=size,
        cells=len(frame),
        seconds=result["seconds"] * len(frame) / size,
        extrapolated=True,
        extra_bytes=None,
        peak_bytes=None,
    )
    return result


def stage_compute(scale: Scale, options: argparse.Namespace) -> dict[str, Any]:
    inputs = synthetic_inputs(scale)
    compute = outcomes.compute
    result, results = measure(
        lambda: compute(inputs.dataset, inputs.catalogue, inputs.areas), least=options.runs
    )
    result.update(
        cells=len(inputs.dataset.frame),
        result_rows=len(results.frame),
        result_bytes=int(results.frame.memory_usage(deep=True, index=True).sum()),
        distinct_result_bytes=distinct_bytes(results.frame),
    )
    return result


def stage_published(scale: Scale, options: argparse.Namespace) -> dict[str, Any]:
    inputs = synthetic_inputs(scale)
    results = outcomes.compute(inputs.dataset, inputs.catalogue, inputs.areas)
    result, published = measure(results.published, least=options.runs)
    result["cells"] = len(results.frame)
    result["suppressed"] = int(published.frame["suppressed"].sum())
    return result


def stage_kernel(scale: Scale, options: argparse.Namespace) -> dict[str, Any]:
    inputs = synthetic_inputs(scale)
    result, _ = measure(lambda: kernel(inputs), least=options.runs)
    result["cells"] = len(inputs.dataset.frame)
    return result


def stage_kernel_formulas(scale: Scale, options: argparse.Namespace) -> dict[str, Any]:
    inputs = synthetic_inputs(scale)
    frame = inputs.dataset.frame
    layout = layout_of(frame, inputs.catalogue, inputs.areas)
    counts = dense_counts(frame, layout)
    del inputs, frame
    result, _ = measure(lambda: kernel_formulas(counts, layout), least=options.runs)
    result["cells"] = int(counts.events.size)
    return result


def stage_wilson_numpy(scale: Scale, options: argparse.Namespace) -> dict[str, Any]:
    x, n = proportion_cells(synthetic_inputs(scale))
    z = float(stats.norm.isf((1 - CONFIDENCE) / 2))
    result, _ = measure(lambda: wilson(x, n, z), least=options.runs)
    result["cells"] = len(x)
    return result


def stage_wilson_outcomes(scale: Scale, options: argparse.Namespace) -> dict[str, Any]:
    x, n = proportion_cells(synthetic_inputs(scale))
    result, _ = measure(lambda: outcome_stats.wilson_ci(x, n, CONFIDENCE), least=options.runs)
    result["cells"] = len(x)
    return result


def _statsmodels_wilson() -> Callable[..., tuple[FloatArray, FloatArray]] | None:
    try:
        from statsmodels.stats.proportion import (
            proportion_confint,
        )
    except ImportError:
        return None
    confint: Callable[..., tuple[FloatArray, FloatArray]] = proportion_confint
    return confint


def stage_wilson_statsmodels(scale: Scale, options: argparse.Namespace) -> dict[str, Any]:
    confint = _statsmodels_wilson()
    if confint is None:
        return {"skipped": "statsmodels is not installed (pip install -e '.[bench]')"}
    x, n = proportion_cells(synthetic_inputs(scale))
    alpha = 1 - CONFIDENCE
    result, (lower, upper) = measure(
        lambda: confint(x, n, alpha=alpha, method="wilson"), least=options.runs
    )
    ours = wilson(x, n, float(stats.norm.isf(alpha / 2)))
    result.update(
        cells=len(x),
        max_difference=float(max(np.max(np.abs(lower - ours[0])), np.max(np.abs(upper - ours[1])))),
    )
    return result


def stage_wilson_scipy_rows(scale: Scale, options: argparse.Namespace) -> dict[str, Any]:
    x, n = proportion_cells(synthetic_inputs(scale))
    size = min(len(x), options.scipy_sample)
    picked = np.linspace(0, len(x) - 1, size).astype(np.int64)
    xs, ns = x[picked].astype(np.int64).tolist(), n[picked].astype(np.int64).tolist()

    def per_row() -> list[tuple[float, float]]:
        bounds = []
        for events, trials in zip(xs, ns, strict=True):
            interval = stats.binomtest(events, trials).proportion_ci(
                confidence_level=CONFIDENCE, method="wilson"
            )
            bounds.append((float(interval.low), float(interval.high)))
        return bounds

    result, bounds = measure(per_row, budget=0)
    got = np.array(bounds)
    ours = wilson(x[picked], n[picked], float(stats.norm.isf((1 - CONFIDENCE) / 2)))
    result.update(
        cells=len(x),
        sample=size,
        seconds=result["seconds"] * len(x) / size,
        extrapolated=True,
        extra_bytes=None,
        peak_bytes=None,
        max_difference=float(np.max(np.abs(got - np.column_stack(ours)))),
    )
    return result


def stage_check(scale: Scale, options: argparse.Namespace) -> dict[str, Any]:
    """Agreement of compute with the bare kernel, figure by figure."""
    inputs = synthetic_inputs(scale)
    frame = outcomes.compute(inputs.dataset, inputs.catalogue, inputs.areas).frame
    layout = layout_of(inputs.dataset.frame, inputs.catalogue, inputs.areas)
    out = kernel(inputs)
    names = inputs.areas.names
    groups = sorted(set(inputs.areas.family_group_of.values()) - {""})
    row_of = (
        {name: i for i, name in enumerate(names)}
        | {outcomes.vocabulary.SCOTLAND: len(names)}
        | {f"family_group:{g}": len(names) + 1 + i for i, g in enumerate(groups)}
    )
    first_years = np.array([outcomes.parse_period(str(p)).first_year for p in frame["period"]])
    index = (
        frame["indicator"].map({i.id: k for k, i in enumerate(inputs.catalogue)}).to_numpy(),
        frame["area"].map(row_of).to_numpy(),
        first_years - (2025 - layout.periods),
    )
    report: dict[str, Any] = {"rows": len(frame)}
    for column in (
        "value",
        "lower",
        "upper",
        "change",
        "change_lower",
        "change_upper",
        "rank",
        "rank_of",
        "quartile",
    ):
        theirs = frame[column].to_numpy(dtype=np.float64, na_value=np.nan)
        ours = getattr(out, column)[index]
        same_gaps = np.array_equal(np.isnan(theirs), np.isnan(ours))
        both = ~np.isnan(theirs) & ~np.isnan(ours)
        scale_of = np.maximum(np.abs(theirs[both]), 1.0)
        worst = float(np.max(np.abs(theirs[both] - ours[both]) / scale_of)) if both.any() else 0.0
        report[column] = {"max_relative_difference": worst, "same_missing": same_gaps}
    for column, words in (
        ("direction", DIRECTION_WORDS),
        ("vs_scotland", VERSUS_WORDS),
        ("vs_family_group", VERSUS_WORDS),
        ("trend", TREND_WORDS),
    ):
        ours_words = np.array(words, dtype=object)[getattr(out, column)[index]]
        report[column] = {
            "mismatches": int((frame[column].to_numpy(dtype=object) != ours_words).sum())
        }
    return report


STAGES: Final[dict[str, tuple[str, str, Callable[[Scale, argparse.Namespace], dict[str, Any]]]]] = {
    "inputs": ("build synthetic inputs", "numpy + `Dataset(frame=...)`", stage_inputs),
    "from_frame": ("`Dataset.from_frame` (validation)", "input rows", stage_from_frame),
    "compute": ("`outcomes.compute`", "everything, from the tidy frame", stage_compute),
    "published": ("`Results.published()`", "suppression of the computed table", stage_published),
    "kernel": ("bare numpy kernel", "same figures, from the same tidy frame", stage_kernel),
    "kernel_formulas": (
        "… of which formulas only",
        "dense arrays given, no gather",
        stage_kernel_formulas,
    ),
    "wilson_numpy": ("Wilson CI: bare numpy", "area cells of proportions", stage_wilson_numpy),
    "wilson_outcomes": (
        "Wilson CI: `outcomes.stats.wilson_ci`",
        "same arrays",
        stage_wilson_outcomes,
    ),
    "wilson_statsmodels": (
        "Wilson CI: statsmodels `proportion_confint`",
        "same arrays",
        stage_wilson_statsmodels,
    ),
    "wilson_scipy_rows": (
        "Wilson CI: scipy `binomtest(...).proportion_ci` per row",
        "same arrays, a sample",
        stage_wilson_scipy_rows,
    ),
}


# --- running stages in child processes -----------------------------------------------------


def run_stage(name: str, scale: Scale, options: argparse.Namespace) -> dict[str, Any]:
    """Run one stage in a fresh interpreter, stopping it past the time or memory limit."""
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--stage",
        name,
        *scale.arguments(),
        "--validate-sample",
        str(options.validate_sample),
        "--scipy-sample",
        str(options.scipy_sample),
        "--runs",
        str(options.runs),
    ]
    limit = int(options.max_rss_gib * 1024**3)
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        child = subprocess.Popen(command, stdout=out, stderr=err, text=True)
        started = time.perf_counter()
        stopped, largest = "", 0
        while child.poll() is None:
            largest = max(largest, status_bytes("VmRSS", str(child.pid)) or 0)
            elapsed = time.perf_counter() - started
            if largest > limit:
                stopped = f"stopped at {largest / 1024**3:.1f} GiB (limit {options.max_rss_gib})"
            elif elapsed > options.stage_timeout:
                stopped = f"stopped after {elapsed:.0f} s (limit {options.stage_timeout:.0f} s)"
            if stopped:
                child.kill()
                child.wait()
                return {"failure": stopped}
            time.sleep(0.2)
        out.seek(0)
        err.seek(0)
        lines = out.read().strip().splitlines()
        if child.returncode != 0 or not lines:
            tail = err.read().strip().splitlines()[-1:] or ["no output"]
            return {"failure": f"exit {child.returncode}: {tail[0][:200]}"}
        result: dict[str, Any] = json.loads(lines[-1])
        return result


# --- rendering -----------------------------------------------------------------------------


def _mib(value: float | None) -> str:
    return "n/a" if value is None else f"{value / MIB:,.1f}"


def _seconds(record: dict[str, Any]) -> str:
    if "seconds" not in record:
        return "—"
    seconds = float(record["seconds"])
    text = (
        f"{seconds:,.2f}"
        if seconds >= 10
        else np.format_float_positional(seconds, precision=3, fractional=False)
    )
    return f"≈ {text} (extrapolated)" if record.get("extrapolated") else text


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def render(scale: Scale, records: dict[str, dict[str, Any]], check: dict[str, Any] | None) -> str:
    inputs = records.get("inputs", {})
    lines = [f"## {scale.label}", "", f"<!-- scale {scale.key} seed {scale.seed} -->", ""]
    if "frame_bytes" in inputs:
        columns = ", ".join(f"{k} {_mib(v)}" for k, v in inputs["frame_columns"].items())
        lines += [
            f"Input frame: {inputs['cells']:,} tidy rows (area, period and item categorical, "
            f"value float, flag text). `memory_usage(deep=True)`: "
            f"**{_mib(inputs['frame_bytes'])} MiB** ({columns}); counting each distinct string "
            f"once: {_mib(inputs['distinct_frame_bytes'])} MiB; with area, period and item as "
            f"text, as `read_dataset` returns them: {_mib(inputs['text_frame_bytes'])} MiB.",
            "",
        ]
    lines += [
        "| Stage | Work | Cells | Time (s) | Runs | Extra peak (MiB) | Peak RSS (MiB) | Notes |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for name, (title, work, _) in STAGES.items():
        record = records.get(name)
        if record is None:
            continue
        notes = record.get("failure") or record.get("skipped") or ""
        if "sample" in record:
            notes = f"timed on {record['sample']:,} rows"
        if "max_difference" in record:
            notes += (
                "; " if notes else ""
            ) + f"max |Δ| vs bare numpy {record['max_difference']:.1e}"
        if "suppressed" in record:
            notes = f"{record['suppressed']:,} rows suppressed"
        if "result_bytes" in record:
            notes = (
                f"result: {record['result_rows']:,} rows, {_mib(record['result_bytes'])} MiB "
                f"deep, {_mib(record['distinct_result_bytes'])} MiB distinct"
            )
        if record.get("exact_peak") is False:
            notes += ("; " if notes else "") + "peak from ru_maxrss (may include set-up)"
        cells = f"{record['cells']:,}" if "cells" in record else "—"
        lines.append(
            f"| {title} | {work} | {cells} | {_seconds(record)} | {record.get('runs', '—')} | "
            f"{_mib(record.get('extra_bytes'))} | {_mib(record.get('peak_bytes'))} | {notes} |"
        )
    compute, kernel_record = records.get("compute", {}), records.get("kernel", {})
    frame_bytes = inputs.get("frame_bytes")
    speed = _ratio(compute.get("seconds"), kernel_record.get("seconds"))
    memory = _ratio(compute.get("extra_bytes"), frame_bytes)
    memory_distinct = _ratio(compute.get("extra_bytes"), inputs.get("distinct_frame_bytes"))
    memory_text = _ratio(compute.get("extra_bytes"), inputs.get("text_frame_bytes"))
    scipy_ratio = _ratio(
        records.get("wilson_scipy_rows", {}).get("seconds"), compute.get("seconds")
    )

    def shown(value: float | None, target: float | None) -> tuple[str, str]:
        if value is None:
            return "n/a", "n/a"
        met = "" if target is None else ("yes" if value <= target else "**no**")
        return f"{value:,.2f}×", met

    lines += ["", "| Ratio | Value | Target | Met |", "|---|---:|---:|---|"]
    for label, value, target, target_text in (
        ("`compute` time / bare kernel time", speed, 2.0, "≤ 2×"),
        ("`compute` extra peak memory / input frame (deep)", memory, 3.0, "≤ 3×"),
        ("… / input frame, distinct strings once", memory_distinct, None, "—"),
        ("… / input frame with text columns (`read_dataset`)", memory_text, None, "—"),
        ("per-row scipy Wilson (extrapolated) / whole `compute`", scipy_ratio, None, "≫ 1"),
    ):
        text, met = shown(value, target)
        lines.append(f"| {label} | {text} | {target_text} | {met} |")
    if check is not None:
        lines += ["", "Agreement of `compute` with the bare kernel (every row of the results):", ""]
        if "failure" in check:
            lines.append(f"- check failed: {check['failure']}")
        for column, found in check.items():
            if not isinstance(found, dict):
                continue
            if "mismatches" in found:
                lines.append(f"- `{column}`: {found['mismatches']:,} mismatched words")
            else:
                gaps = "same" if found["same_missing"] else "**different**"
                lines.append(
                    f"- `{column}`: max relative difference "
                    f"{found['max_relative_difference']:.1e}, missing cells {gaps}"
                )
    loads = [
        f"{name} {records[name]['load']:.2f}" for name in STAGES if "load" in records.get(name, {})
    ]
    if loads:
        lines += ["", f"1-minute load average before each stage: {', '.join(loads)}."]
    lines += ["", environment(), ""]
    return "\n".join(lines)


def environment() -> str:
    versions = []
    for package in ("numpy", "pandas", "scipy", "statsmodels", "outcomes"):
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package} not installed")
    memory = (os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")) / 1024**3
    return (
        f"Python {platform.python_version()}, {', '.join(versions)}; "
        f"{os.cpu_count()} CPUs, {memory:.0f} GiB RAM, {platform.system()}."
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--areas", type=int, default=7000)
    parser.add_argument("--periods", type=int, default=20)
    parser.add_argument("--indicators", type=int, default=50)
    parser.add_argument("--seed", type=int, default=20250605)
    parser.add_argument("--out", type=Path, default=HERE / "results.md")
    parser.add_argument("--json", type=Path, help="also write the figures here as JSON")
    parser.add_argument(
        "--stages", default=",".join(STAGES), help="comma-separated subset of: " + ", ".join(STAGES)
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="also compare compute with the kernel row by row (small scales)",
    )
    parser.add_argument("--validate-sample", type=int, default=100_000)
    parser.add_argument("--scipy-sample", type=int, default=2_000)
    parser.add_argument(
        "--runs", type=int, default=1, help="at least this many runs of each timed stage"
    )
    parser.add_argument("--stage-timeout", type=float, default=900.0, help="seconds per stage")
    parser.add_argument("--max-rss-gib", type=float, default=18.0, help="memory per stage")
    parser.add_argument("--stage", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    scale = Scale(
        areas=options.areas,
        periods=options.periods,
        indicators=options.indicators,
        seed=options.seed,
    )
    if options.areas < len(FAMILY_GROUPS) or options.periods < 2 or options.indicators < 1:
        parser.error("need at least 4 areas, 2 periods and 1 indicator")
    if options.stage:  # child process: one stage, one JSON line on stdout
        stage = stage_check if options.stage == "check" else STAGES[options.stage][2]
        print(json.dumps(stage(scale, options)))
        return 0
    chosen = [name.strip() for name in options.stages.split(",") if name.strip()]
    unknown = sorted(set(chosen) - set(STAGES))
    if unknown:
        parser.error(f"unknown stages: {', '.join(unknown)}")
    records: dict[str, dict[str, Any]] = {}
    for name in [n for n in STAGES if n in chosen]:
        print(f"[{scale.key}] {name} ...", file=sys.stderr, flush=True)
        records[name] = run_stage(name, scale, options)
        print(
            f"[{scale.key}] {name}: {_seconds(records[name])} s {records[name].get('failure', '')}",
            file=sys.stderr,
            flush=True,
        )
    check = run_stage("check", scale, options) if options.check else None
    section = render(scale, records, check)
    print(section)
    # Replaces this scale's section only (by its marker); other benchmarks' sections stay.
    write_section(options.out, section)
    write_json(options.json, {"scale": scale.key, "records": records, "check": check})
    failed = any("failure" in record for record in records.values())
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
