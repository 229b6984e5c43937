"""The reference statistics engine, kept as a test oracle: plain pandas, step by step.

`outcomes.results._compute` is the fast engine on dense arrays; tests require both to write
byte-identical results. From the tidy dataset to one results row per indicator x area x period.

Everything is computed on whole columns. The steps, in order:

1. gather each indicator's numerator, denominator and sd items (one merge for all indicators);
2. Scotland and family-group rows: sum of numerators over sum of denominators of the areas
   that reported both (never an average of rates);
3. value and confidence interval by measure;
4. change against the period immediately before, with its interval and significance;
5. comparison with Scotland and the family group, ranks and quartiles, trend;
6. notes that explain anything unusual.

Suppression of small counts is *not* done here: it belongs to publication
(:meth:`Results.published`), so every computed figure stays exact and reproducible.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from outcomes import stats
from outcomes.catalogue._catalogue import Catalogue
from outcomes.core._periods import parse_period
from outcomes.core._suggest import did_you_mean
from outcomes.errors import DataProblem, DataProblemRow, ValidationError
from outcomes.returns._tidy import Areas, Dataset
from outcomes.vocabulary import SCOTLAND, ItemKind, Measure, PeriodType, Polarity

if TYPE_CHECKING:
    from outcomes.results._results import Results

__all__ = ["FAMILY_GROUP_PREFIX", "compute"]

from outcomes.stats import TREND_CONFIDENCE, TREND_PERIODS
from outcomes.vocabulary import FAMILY_GROUP_PREFIX


def compute(
    dataset: Dataset,
    catalogue: Catalogue,
    areas: Areas | None = None,
    confidence: float = 0.95,
    *,
    deflators: Mapping[str, float] | None = None,
    base_period: str | None = None,
    trend_confidence: float = TREND_CONFIDENCE,
    published: pd.DataFrame | None = None,
) -> Results:
    """Compute every indicator of ``catalogue`` for every area and period of ``dataset``.

    ``areas`` names the reporting areas and their family groups; without it every area
    in the data reports and no family-group rows are made. ``deflators`` (period ->
    index) with ``base_period`` turns costs marked ``deflate = true`` into real terms at
    the base period's prices. ``published`` (columns ``indicator, area, period, value``)
    lets the notes say where a published figure differs from the one computed here.
    """
    from outcomes.results._results import RESULT_COLUMNS, Results

    stats.wilson_ci(0, 1, confidence)  # rejects an impossible confidence before any work
    if (deflators is None) != (base_period is None):
        raise ValueError("give both deflators and base_period, or neither")
    frame = _gather(dataset, catalogue, areas)
    if deflators is not None and base_period is not None:
        frame = _deflate(frame, catalogue, deflators, base_period, dataset.source)
    frame = _add_comparators(frame, catalogue, areas)
    if base_period is not None:
        deflated = frame["indicator"].isin([i.id for i in catalogue if i.deflate])
        frame.loc[deflated, "note"] += f"; real terms at {base_period} prices"
    frame = frame.merge(_indicator_table(catalogue), on="indicator")
    frame = _add_values(frame, confidence)
    frame = _add_change(frame, confidence)
    frame = _add_comparisons(frame)
    frame = _add_ranks(frame)
    frame = _add_trend(frame, trend_confidence)
    frame = _add_published_notes(frame, published)
    frame["suppressed"] = False
    frame["note"] = frame["note"].str.strip("; ")
    frame = frame.sort_values(["indicator_order", "first_year", "area_order", "area"])
    family_groups = {} if areas is None else areas.family_group_of
    return Results(
        frame=frame[list(RESULT_COLUMNS)].reset_index(drop=True),
        catalogue=catalogue,
        family_groups=family_groups,
    )


# --- 1. gather ----------------------------------------------------------------------------


def _gather(dataset: Dataset, catalogue: Catalogue, areas: Areas | None) -> pd.DataFrame:
    """One row per indicator x area x period with numerator, denominator, sd and flags."""
    data = dataset.frame
    if areas is not None:
        unknown = sorted(set(data["area"]) - {*areas.names, SCOTLAND})
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
    roles = pd.DataFrame(
        [
            (order, indicator.id, role, item, indicator.period_type.value)
            for order, indicator in enumerate(catalogue)
            for role, item in (
                ("numerator", indicator.numerator),
                ("denominator", indicator.denominator),
                ("sd", indicator.sd),
                ("lower_bound", indicator.lower),
                ("upper_bound", indicator.upper),
            )
            if item is not None
        ],
        columns=["indicator_order", "indicator", "role", "item", "period_type"],
    )
    periods = pd.DataFrame({"period": data["period"].unique()})
    parsed = [parse_period(label) for label in periods["period"]]
    periods["calendar"] = [p.type is PeriodType.CALENDAR_YEAR for p in parsed]
    periods["first_year"] = [p.first_year for p in parsed]
    cells = data.merge(roles, on="item").merge(periods, on="period")
    # A calendar-year indicator reads '2024' labels; the others read '2024-25' labels.
    cells = cells[cells["calendar"] == (cells["period_type"] == PeriodType.CALENDAR_YEAR.value)]
    keys = ["indicator_order", "indicator", "area", "period", "first_year"]
    # An item can fill two roles of one indicator only in a broken catalogue; keep the first.
    cells = cells.drop_duplicates([*keys, "role"])
    wide = cells.set_index([*keys, "role"])["value"].unstack("role")
    wide = wide.reindex(columns=["numerator", "denominator", "sd", "lower_bound", "upper_bound"])
    flags = cells[cells["flag"].isin(["provisional", "estimated", "revised"])]
    notes = (
        flags.assign(note=flags["role"] + " " + flags["flag"])
        .groupby(keys)["note"]
        .agg(lambda notes: "; ".join(sorted(set(notes))))
    )
    frame = wide.join(notes).reset_index()
    # Scotland's rows are published national figures, kept aside for _add_comparators.
    national = frame[frame["area"] == SCOTLAND]
    frame = frame[frame["area"] != SCOTLAND]
    frame["note"] = frame["note"].fillna("")
    # Present every area for every period its indicator has, so a missing area shows.
    area_names = (
        list(areas.names) if areas is not None else sorted(set(data["area"].unique()) - {SCOTLAND})
    )
    grid = frame[["indicator_order", "indicator", "period", "first_year"]].drop_duplicates()
    grid = grid.merge(pd.DataFrame({"area": area_names}), how="cross")
    frame = grid.merge(frame, on=keys, how="left")
    frame["note"] = frame["note"].fillna("")
    frame.loc[frame["numerator"].isna() & frame["denominator"].isna(), "note"] += "; not reported"
    frame["area_order"] = frame["area"].map({name: i for i, name in enumerate(area_names)})
    frame.attrs["national"] = national.drop(columns="note").reset_index(drop=True)
    return frame


def _deflate(
    frame: pd.DataFrame,
    catalogue: Catalogue,
    deflators: Mapping[str, float],
    base_period: str,
    source: str,
) -> pd.DataFrame:
    deflated_ids = [indicator.id for indicator in catalogue if indicator.deflate]
    mask = frame["indicator"].isin(deflated_ids)
    needed = sorted(set(frame.loc[mask, "period"]) | {base_period})
    missing = [period for period in needed if period not in deflators]
    if missing:
        raise ValidationError(
            tuple(
                DataProblemRow(file="deflators", column="period", period=period, value=period,
                               problem=DataProblem.MISSING_ITEM,
                               hint=f"the deflator table needs every period of {source}")
                for period in missing
            )
        )  # fmt: skip
    factor = frame.loc[mask, "period"].map(lambda p: deflators[base_period] / deflators[p])
    frame.loc[mask, "numerator"] = frame.loc[mask, "numerator"] * factor
    return frame


# --- 2. Scotland and family groups ---------------------------------------------------------


def _add_comparators(
    frame: pd.DataFrame, catalogue: Catalogue, areas: Areas | None
) -> pd.DataFrame:
    """Append Scotland and family-group rows: Σ numerators / Σ denominators over the areas
    that reported both, with a pooled standard deviation for means."""
    count_ids = [i.id for i in catalogue if i.measure is Measure.COUNT]
    estimate_ids = [i.id for i in catalogue if i.measure is Measure.ESTIMATE]
    national = frame.attrs.pop("national")  # kept aside by _gather; attrs left empty
    reported = frame["numerator"].notna() & (
        frame["denominator"].notna() | frame["indicator"].isin(count_ids)
    )
    frame = frame.assign(
        family_group=frame["area"].map(areas.family_group_of) if areas is not None else ""
    )
    everyone = pd.Series(True, index=frame.index)
    groups = [("", SCOTLAND, everyone)]
    if areas is not None:
        groups += [
            ("family_group", FAMILY_GROUP_PREFIX + group, frame["family_group"] == group)
            for group in areas.family_groups
        ]
    keys = ["indicator_order", "indicator", "period", "first_year"]
    pieces = [frame]
    for _, name, members in groups:
        rows = frame[members & reported]
        summed = _pool(rows, keys)
        expected = frame[members].groupby(keys)["area"].size().rename("expected")
        summed = summed.join(expected, how="right")
        missing = (
            frame[members & ~reported]
            .groupby(keys)["area"]
            .agg(lambda names: ", ".join(sorted(names)))
        )
        summed = summed.join(missing.rename("missing_areas"))
        summed["note"] = np.where(
            summed["missing_areas"].notna(),
            "total excludes " + summed["missing_areas"].fillna("") + " (not reported)",
            "",
        )
        # An estimate is not a sum: Scotland's is the published one, a family group has none.
        estimate = summed.index.get_level_values("indicator").isin(estimate_ids)
        summed.loc[estimate, ["numerator", "denominator", "sd", "note"]] = (np.nan,) * 3 + ("",)
        given = national.set_index(keys) if name == SCOTLAND else national.iloc[:0].set_index(keys)
        for column in ("numerator", "denominator"):
            summed.loc[estimate, column] = given[column].reindex(summed.index)[estimate]
        for column in ("lower_bound", "upper_bound"):
            summed[column] = given[column].reindex(summed.index).where(estimate)
        summed["national_numerator"] = given["numerator"].reindex(summed.index)
        summed["national_denominator"] = given["denominator"].reindex(summed.index)
        summed["area"] = name
        summed["area_order"] = -1 if name == SCOTLAND else -0.5
        pieces.append(summed.reset_index().drop(columns=["expected", "missing_areas"]))
    combined = pd.concat(pieces, ignore_index=True)
    combined["family_group"] = combined["family_group"].fillna("")
    return combined


def _pool(rows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Σ numerator, Σ denominator and the pooled sd of means, per key: each indicator's
    totals on their own, as a partition of the work by indicator would compute them."""
    parts = [_pool_one(part, keys) for _, part in rows.groupby("indicator_order", sort=True)]
    if not parts:
        return _pool_one(rows, keys)
    return pd.concat(parts)


def _pool_one(rows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Σ numerator, Σ denominator and the pooled sd of means, per key."""
    grouped = rows.groupby(keys)
    pooled = grouped[["numerator", "denominator"]].sum(min_count=1)
    n = rows["denominator"]
    mean = rows["numerator"] / n
    total_n = n.groupby([rows[k] for k in keys]).transform("sum")
    grand = rows["numerator"].groupby([rows[k] for k in keys]).transform("sum") / total_n
    within = ((n - 1) * rows["sd"] ** 2).groupby([rows[k] for k in keys]).sum(min_count=1)
    between = (n * (mean - grand) ** 2).groupby([rows[k] for k in keys]).sum(min_count=1)
    pooled["sd"] = np.sqrt((within + between) / (pooled["denominator"] - 1))
    return pooled


# --- 3. values and intervals ----------------------------------------------------------------


def _indicator_table(catalogue: Catalogue) -> pd.DataFrame:
    """What the engine needs to know of each indicator, as columns."""
    return pd.DataFrame(
        {
            "indicator": [i.id for i in catalogue],
            "measure": [i.measure.value for i in catalogue],
            "multiplier": [i.multiplier for i in catalogue],
            "polarity": [i.polarity.value for i in catalogue],
            "materiality": [i.materiality for i in catalogue],
            # Sampling models apply to counted events, not to sums of money or hours.
            "counted": [catalogue.items[i.numerator].kind is ItemKind.COUNT for i in catalogue],
            "period_type": [i.period_type.value for i in catalogue],
            "step": [i.frequency.step for i in catalogue],
        }
    )


def _interval_model(frame: pd.DataFrame) -> dict[str, pd.Series]:
    measure = frame["measure"]
    return {
        "proportion": (measure == Measure.PROPORTION.value) & frame["counted"],
        "rate": (measure == Measure.RATE.value) & frame["counted"],
        "mean": (measure == Measure.MEAN.value) & frame["sd"].notna(),
    }


def _add_values(frame: pd.DataFrame, confidence: float) -> pd.DataFrame:
    numerator, denominator, multiplier = (
        frame["numerator"],
        frame["denominator"],
        frame["multiplier"],
    )
    is_count = frame["measure"] == Measure.COUNT.value
    is_estimate = frame["measure"] == Measure.ESTIMATE.value
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = numerator / denominator.where(denominator != 0)
    frame["value"] = np.where(is_count | is_estimate, numerator, multiplier * ratio)
    # An estimate's interval is the published one, where both bounds are given.
    published = is_estimate & numerator.notna() & frame["lower_bound"].notna()
    published &= frame["upper_bound"].notna()
    frame["lower"] = frame["lower_bound"].where(published)
    frame["upper"] = frame["upper_bound"].where(published)
    model = _interval_model(frame)
    usable = numerator.notna() & denominator.notna() & (denominator > 0)
    impossible = (frame["measure"] == Measure.PROPORTION.value) & (numerator > denominator)
    frame.loc[impossible, "note"] += "; numerator exceeds denominator: no interval"
    pick = model["proportion"] & usable & ~impossible
    lower, upper = stats.wilson_ci(numerator[pick], denominator[pick], confidence)
    frame.loc[pick, "lower"] = lower * multiplier[pick]
    frame.loc[pick, "upper"] = upper * multiplier[pick]
    pick = model["rate"] & usable
    lower, upper = stats.rate_ci(numerator[pick], denominator[pick], multiplier[pick], confidence)
    frame.loc[pick, "lower"], frame.loc[pick, "upper"] = lower, upper
    pick = model["mean"] & usable
    lower, upper = stats.mean_ci(ratio[pick], frame.loc[pick, "sd"], denominator[pick], confidence)
    frame.loc[pick, "lower"] = lower * multiplier[pick]
    frame.loc[pick, "upper"] = upper * multiplier[pick]
    # Scotland's published figure of a sum, where the dataset gives one, against Σ/Σ.
    with np.errstate(divide="ignore", invalid="ignore"):
        national_value = np.where(
            is_count,
            frame["national_numerator"],
            multiplier
            * frame["national_numerator"]
            / frame["national_denominator"].where(frame["national_denominator"] != 0),
        )
    given = pd.Series(national_value, index=frame.index)
    differs = (
        ~is_estimate & given.notna() & ~np.isclose(given, frame["value"], rtol=1e-6, atol=5e-5)
    )
    if differs.any():
        frame.loc[differs, "note"] += (
            "; published value "
            + given[differs].map("{:.6g}".format)
            + " differs from the computed "
            + frame.loc[differs, "value"].map("{:.6g}".format)
        )
    return frame


# --- 4. change against the previous period --------------------------------------------------


def _add_change(frame: pd.DataFrame, confidence: float) -> pd.DataFrame:
    # The previous period is one step of the indicator's frequency back.
    frame["previous_period"] = [
        parse_period(label).shifted(-step).label
        for label, step in zip(frame["period"], frame["step"], strict=True)
    ]
    earlier = frame[["indicator", "area", "period", "numerator", "denominator", "sd", "value",
                     "lower", "upper"]]  # fmt: skip
    earlier = earlier.rename(
        columns={"period": "previous_period", "numerator": "previous_numerator",
                 "denominator": "previous_denominator", "sd": "previous_sd",
                 "value": "previous_value", "lower": "previous_lower", "upper": "previous_upper"}
    )  # fmt: skip
    frame = frame.merge(earlier, on=["indicator", "area", "previous_period"], how="left")
    frame["change"] = frame["value"] - frame["previous_value"]
    frame["change_lower"] = np.nan
    frame["change_upper"] = np.nan
    x1, n1 = frame["numerator"], frame["denominator"]
    x2, n2 = frame["previous_numerator"], frame["previous_denominator"]
    multiplier = frame["multiplier"]
    both = x1.notna() & n1.notna() & x2.notna() & n2.notna() & (n1 > 0) & (n2 > 0)
    model = _interval_model(frame)
    tested = pd.Series(False, index=frame.index)

    pick = model["proportion"] & both & (x1 <= n1) & (x2 <= n2)
    _, lower, upper = stats.newcombe_ci(x1[pick], n1[pick], x2[pick], n2[pick], confidence)
    frame.loc[pick, "change_lower"] = lower * multiplier[pick]
    frame.loc[pick, "change_upper"] = upper * multiplier[pick]
    tested |= pick

    pick = model["rate"] & both
    _, lower, upper = stats.rate_change_ci(
        x1[pick], n1[pick], x2[pick], n2[pick], multiplier[pick], confidence
    )
    frame.loc[pick, "change_lower"], frame.loc[pick, "change_upper"] = lower, upper
    tested |= pick

    pick = model["mean"] & both & frame["previous_sd"].notna()
    _, lower, upper = stats.mean_change_ci(
        x1[pick] / n1[pick], frame.loc[pick, "sd"], n1[pick],
        x2[pick] / n2[pick], frame.loc[pick, "previous_sd"], n2[pick], confidence,
    )  # fmt: skip
    frame.loc[pick, "change_lower"] = lower * multiplier[pick]
    frame.loc[pick, "change_upper"] = upper * multiplier[pick]
    tested |= pick

    # Two published estimates: MOVER-D on their published intervals.
    pick = (frame["measure"] == Measure.ESTIMATE.value) & frame[
        ["value", "lower", "upper", "previous_value", "previous_lower", "previous_upper"]
    ].notna().all(axis=1)

    def column(name: str) -> np.ndarray:
        return frame.loc[pick, name].to_numpy(dtype=float)

    _, lower, upper = stats.mover_ci(
        (column("value"), column("lower"), column("upper")),
        (column("previous_value"), column("previous_lower"), column("previous_upper")),
    )
    frame.loc[pick, "change_lower"], frame.loc[pick, "change_upper"] = lower, upper
    tested |= pick

    significant = tested & ((frame["change_lower"] > 0) | (frame["change_upper"] < 0))
    frame["change_significant"] = significant.astype(object).where(tested, None)
    frame["direction"] = _direction(frame, tested, significant)
    return frame


def _direction(frame: pd.DataFrame, tested: pd.Series, significant: pd.Series) -> pd.Series:
    """improved / worsened / no_significant_change for tested changes; for untested ones
    (costs, counts) a change below the indicator's materiality is no_change. Neutral
    indicators say increased / decreased instead."""
    change = frame["change"]
    comparable = change.notna()
    relative = (change / frame["previous_value"].abs()).abs()
    material = (change != 0) & ~(relative < frame["materiality"])
    moved = (tested & significant) | (~tested & material)
    up = change > 0
    higher_better = frame["polarity"] == Polarity.HIGHER_IS_BETTER.value
    neutral = frame["polarity"] == Polarity.NEUTRAL.value
    better = up == higher_better
    return pd.Series(
        np.select(
            [
                ~comparable,
                moved & neutral & up,
                moved & neutral & ~up,
                moved & better,
                moved & ~better,
                tested,
            ],
            ["not_comparable", "increased", "decreased", "improved", "worsened",
             "no_significant_change"],
            default="no_change",
        ),
        index=frame.index,
    )  # fmt: skip


# --- 5. comparisons, ranks and trend --------------------------------------------------------


def _versus(frame: pd.DataFrame, comparator: pd.Series) -> pd.Series:
    """better / similar / worse (higher / lower when neutral) when the row's interval
    excludes / includes the comparator's value; not_compared without both."""
    has = frame["lower"].notna() & comparator.notna()
    above = frame["lower"] > comparator
    below = frame["upper"] < comparator
    higher_better = frame["polarity"] == Polarity.HIGHER_IS_BETTER.value
    neutral = frame["polarity"] == Polarity.NEUTRAL.value
    return pd.Series(
        np.select(
            [~has, ~(above | below), neutral & above, neutral & below, above == higher_better],
            ["not_compared", "similar", "higher", "lower", "better"],
            default="worse",
        ),
        index=frame.index,
    )  # fmt: skip


def _add_comparisons(frame: pd.DataFrame) -> pd.DataFrame:
    keys = ["indicator", "period"]
    scotland = frame[frame["area"] == SCOTLAND].set_index(keys)["value"]
    groups = frame[frame["area"].str.startswith(FAMILY_GROUP_PREFIX)]
    group_value = groups.assign(
        family_group=groups["area"].str.removeprefix(FAMILY_GROUP_PREFIX)
    ).set_index([*keys, "family_group"])["value"]
    index = pd.MultiIndex.from_frame(frame[keys])
    frame["vs_scotland"] = _versus(frame, pd.Series(scotland.reindex(index).to_numpy(),
                                                    index=frame.index))  # fmt: skip
    own_group = pd.MultiIndex.from_frame(frame[[*keys, "family_group"]])
    frame["vs_family_group"] = _versus(
        frame, pd.Series(group_value.reindex(own_group).to_numpy(), index=frame.index)
    )
    computed = frame["area_order"] < 0
    frame.loc[frame["area"] == SCOTLAND, "vs_scotland"] = "not_compared"
    frame.loc[computed | (frame["family_group"] == ""), "vs_family_group"] = "not_compared"
    return frame


def _add_ranks(frame: pd.DataFrame) -> pd.DataFrame:
    """Rank 1 = best by polarity, ties share the lowest rank; neutral indicators and
    computed rows are not ranked. Quartile 1 = best: ceil(4 x rank / number ranked)."""
    rankable = (
        (frame["area_order"] >= 0)
        & frame["value"].notna()
        & (frame["polarity"] != Polarity.NEUTRAL.value)
    )
    oriented = frame["value"].where(frame["polarity"] == Polarity.LOWER_IS_BETTER.value,
                                    -frame["value"])  # fmt: skip
    ranked = frame[rankable].assign(oriented=oriented[rankable])
    groups = ranked.groupby(["indicator", "period"])["oriented"]
    frame["rank"] = groups.rank(method="min").astype("Int64")
    frame["rank_of"] = groups.transform("size").astype("Int64")
    frame["quartile"] = np.ceil(4 * frame["rank"] / frame["rank_of"]).astype("Int64")
    return frame


def _add_trend(frame: pd.DataFrame, confidence: float) -> pd.DataFrame:
    """Chi-square test for trend over the five consecutive periods ending at each row's
    period: Cochran-Armitage for proportions, a Poisson test for rates."""
    frame["trend"] = None
    model = _interval_model(frame)
    for kind, test, step in (
        (kind, test, step)
        for kind, test in (("proportion", stats.proportion_trend_test),
                           ("rate", stats.rate_trend_test))
        for step in sorted(frame["step"].unique())
    ):  # fmt: skip
        # A two-yearly indicator's five figures span nine years: every other column.
        span = (TREND_PERIODS - 1) * step + 1
        rows = frame[model[kind] & (frame["step"] == step)]
        if rows.empty:
            continue
        # Columns are every year from first to last, so a gap leaves a NaN in the window.
        years = np.arange(rows["first_year"].min(), rows["first_year"].max() + 1)
        series = rows.set_index(["indicator", "area", "first_year"])
        numerator = series["numerator"].unstack("first_year").reindex(columns=years)
        denominator = series["denominator"].unstack("first_year").reindex(columns=years)
        if len(years) < span:
            continue
        windows_x = np.lib.stride_tricks.sliding_window_view(
            numerator.to_numpy(dtype=float), span, axis=1)[:, :, ::step]  # fmt: skip
        windows_n = np.lib.stride_tricks.sliding_window_view(
            denominator.to_numpy(dtype=float), span, axis=1)[:, :, ::step]  # fmt: skip
        # An impossible proportion (numerator above denominator) cannot be tested.
        windows_x = np.where(windows_x > windows_n, np.nan, windows_x)
        shape = windows_x.shape
        _, _, significant, sign = test(
            windows_x.reshape(-1, TREND_PERIODS), windows_n.reshape(-1, TREND_PERIODS),
            confidence,
        )  # fmt: skip
        complete = ~np.isnan(windows_x).any(axis=2) & ~np.isnan(windows_n).any(axis=2)
        significant = np.asarray(significant).reshape(shape[:2])
        sign = np.asarray(sign).reshape(shape[:2])
        end_years = years[span - 1 :]
        index = pd.MultiIndex.from_product([numerator.index.to_list(), end_years.tolist()])
        result = pd.DataFrame(
            {"complete": complete.ravel(), "significant": significant.ravel(),
             "sign": sign.ravel()},
            index=pd.MultiIndex.from_tuples(
                [(*key, year) for key, year in index], names=["indicator", "area", "first_year"]
            ),
        )  # fmt: skip
        looked_up = result.reindex(pd.MultiIndex.from_frame(rows[["indicator", "area",
                                                                  "first_year"]]))  # fmt: skip
        frame.loc[rows.index, "trend"] = _trend_words(rows, looked_up)
    return frame


def _trend_words(rows: pd.DataFrame, tests: pd.DataFrame) -> np.ndarray:
    complete = tests["complete"].fillna(False).to_numpy(dtype=bool)
    significant = tests["significant"].fillna(False).to_numpy(dtype=bool) & complete
    up = tests["sign"].to_numpy(dtype=float) > 0
    polarity = rows["polarity"].to_numpy()
    neutral = polarity == Polarity.NEUTRAL.value
    better = up == (polarity == Polarity.HIGHER_IS_BETTER.value)
    return np.select(
        [~complete, significant & neutral & up, significant & neutral,
         significant & better, significant],
        ["not_enough_data", "increasing", "decreasing", "improving", "worsening"],
        default="no_significant_trend",
    )  # fmt: skip


# --- 6. notes -------------------------------------------------------------------------------


def _add_published_notes(frame: pd.DataFrame, published: pd.DataFrame | None) -> pd.DataFrame:
    if published is None:
        return frame
    given = published[["indicator", "area", "period", "value"]].rename(
        columns={"value": "published_value"}
    )
    merged = frame.merge(given, on=["indicator", "area", "period"], how="left")
    differs = merged["published_value"].notna() & ~np.isclose(
        merged["published_value"], merged["value"], rtol=1e-6, atol=5e-5
    )
    merged.loc[differs, "note"] += (
        "; published value "
        + merged.loc[differs, "published_value"].map("{:.6g}".format)
        + " differs from the computed "
        + merged.loc[differs, "value"].map("{:.6g}".format)
    )
    return merged.drop(columns="published_value")
