"""Tests for the change intervals, trend tests and control charts in outcomes.stats.

Reference values come from implementations written out here independently of the
library: textbook formulae in plain Python (exact fractions where it helps), scipy's
own t-tests, a generic GLM score test in matrix form and a Poisson likelihood fitted
with scipy.optimize.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from numpy.typing import NDArray
from scipy import optimize, special
from scipy import stats as scipy_stats

from outcomes.stats import (
    SpcSignals,
    mean_change_ci,
    proportion_trend_test,
    rate_change_ci,
    rate_trend_test,
    spc_signals,
)
from tests.strategies import (
    confidence_levels,
    mean_summaries,
    rate_counts,
    spc_series,
    trend_series,
)

TrendTest = Callable[
    ..., tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_], NDArray[np.int64]]
]
TREND_TESTS: list[TrendTest] = [proportion_trend_test, rate_trend_test]


# --- independent references ---------------------------------------------------------------


def poisson_limits(x: int, confidence: float = 0.95) -> tuple[float, float]:
    """Poisson limits for a count: exact from the gamma distribution below 10 events
    (the same limits as the chi-square form, by another route), Byar's formula from 10."""
    alpha = 1 - confidence
    if x < 10:
        lower = 0.0 if x == 0 else float(special.gammaincinv(x, alpha / 2))
        return lower, float(special.gammaincinv(x + 1, 1 - alpha / 2))
    z = float(scipy_stats.norm.ppf(1 - alpha / 2))
    lower = x * (1 - 1 / (9 * x) - z / (3 * math.sqrt(x))) ** 3
    upper = (x + 1) * (1 - 1 / (9 * (x + 1)) + z / (3 * math.sqrt(x + 1))) ** 3
    return lower, upper


def mover_rate_difference(
    x1: int, n1: float, x2: int, n2: float, *, multiplier: float = 1, confidence: float = 0.95
) -> tuple[float, float, float]:
    """MOVER (Zou & Donner 2008, eq. for a difference) written out for one pair of rates."""
    r1, r2 = x1 / n1 * multiplier, x2 / n2 * multiplier
    l1, u1 = (limit / n1 * multiplier for limit in poisson_limits(x1, confidence))
    l2, u2 = (limit / n2 * multiplier for limit in poisson_limits(x2, confidence))
    difference = r1 - r2
    lower = difference - math.sqrt((r1 - l1) ** 2 + (u2 - r2) ** 2)
    upper = difference + math.sqrt((u1 - r1) ** 2 + (r2 - l2) ** 2)
    return difference, lower, upper


def cochran_armitage(x: list[int], n: list[int]) -> Fraction:
    """Armitage (1955) chi-square for trend, scores 0..k-1, in exact rational arithmetic:
    T = Σ t (x - n p̄), Var T = p̄ (1 - p̄) [Σ n t² - (Σ n t)² / N]."""
    total, events = sum(n), sum(x)
    p_bar = Fraction(events, total)
    scores = range(len(x))
    score_sum = sum(t * (xi - ni * p_bar) for t, xi, ni in zip(scores, x, n, strict=True))
    spread = sum(ni * t * t for t, ni in zip(scores, n, strict=True)) - Fraction(
        sum(ni * t for t, ni in zip(scores, n, strict=True)) ** 2, total
    )
    return score_sum**2 / (p_bar * (1 - p_bar) * spread)


def glm_score_statistic(x: list[int], n: list[int], family: str) -> float:
    """Score test of the slope in a GLM with intercept and time score, in matrix form:
    U = Dᵀ(y - μ̂), I = Dᵀ W D, statistic Uᵀ I⁻¹ U at the null fit (slope 0)."""
    events = np.array(x, dtype=float)
    sizes = np.array(n, dtype=float)
    design = np.column_stack([np.ones(len(x)), np.arange(len(x), dtype=float)])
    fitted = sizes * events.sum() / sizes.sum()
    # Var(x) is μ for Poisson (log link, offset log n) and n p (1 - p) for binomial (logit).
    weights = fitted if family == "poisson" else fitted * (1 - events.sum() / sizes.sum())
    score = design.T @ (events - fitted)
    information = design.T @ (weights[:, None] * design)
    return float(score @ np.linalg.solve(information, score))


def poisson_fit(x: Sequence[int], n: Sequence[float]) -> tuple[float, float]:
    """Maximum-likelihood slope of log E[x] = log n + a + b t by scipy.optimize, and the
    likelihood-ratio statistic against b = 0."""
    events = np.array(x, dtype=float)
    log_sizes = np.log(np.array(n, dtype=float))
    scores = np.arange(len(x), dtype=float)

    def negative_log_likelihood(parameters: NDArray[np.float64]) -> float:
        linear = log_sizes + parameters[0] + parameters[1] * scores
        return float(np.sum(np.exp(linear) - events * linear))

    start = np.array([math.log(events.sum() / np.exp(log_sizes).sum()), 0.0])
    fitted = optimize.minimize(negative_log_likelihood, start, method="BFGS", tol=1e-12)
    null = negative_log_likelihood(start)
    return float(fitted.x[1]), 2 * (null - float(fitted.fun))


def runs_at_least(labels: list[int], minimum: int) -> list[bool]:
    """Flags for positions in maximal groups of equal non-zero labels of length ≥ minimum."""
    flags: list[bool] = []
    for label, group in itertools.groupby(labels):
        size = len(list(group))
        flags += [label != 0 and size >= minimum] * size
    return flags


def sign(value: float | Fraction) -> int:
    return (value > 0) - (value < 0)


def xmr_reference(row: list[float]) -> dict[str, object]:
    """The XmR chart and its four rules for one series, in plain Python."""
    k = len(row)
    # A level series has its own value as centre: a rounded mean must not fake signals.
    centre = row[0] if len(set(row)) == 1 else sum(row) / k
    ranges = [abs(b - a) for a, b in itertools.pairwise(row)]
    mean_range = sum(ranges) / len(ranges)
    upper, lower = centre + 2.66 * mean_range, centre - 2.66 * mean_range
    sigma = mean_range / 1.128
    outside = [v > upper or v < lower for v in row]
    run = runs_at_least([sign(v - centre) for v in row], 7)
    steps = runs_at_least([sign(b - a) for a, b in itertools.pairwise(row)], 6)
    trend = [(t > 0 and steps[t - 1]) or (t < k - 1 and steps[t]) for t in range(k)]
    beyond = [sign(v - centre) if abs(v - centre) > 2 * sigma else 0 for v in row]
    two_of_three = [False] * k
    for start in range(k - 2):
        for side in (1, -1):
            hits = [t for t in range(start, start + 3) if beyond[t] == side]
            if len(hits) >= 2:
                for t in hits:
                    two_of_three[t] = True
    return {
        "centre": centre,
        "lower_limit": lower,
        "upper_limit": upper,
        "outside_limits": outside,
        "run_of_7": run,
        "trend_of_7": trend,
        "two_of_three_beyond_2_sigma": two_of_three,
    }


def floats(values: tuple[NDArray[np.float64], ...]) -> tuple[float, ...]:
    return tuple(float(v) for v in values)


@st.composite
def two_confidences(draw: st.DrawFn) -> tuple[float, float]:
    narrow = draw(st.floats(min_value=0.01, max_value=0.99))
    wide = draw(st.floats(min_value=narrow + 0.005, max_value=0.9999))
    return narrow, wide


# --- rate_change_ci -----------------------------------------------------------------------


def test_rate_change_hand_computation() -> None:
    # 30 events in 10,000 against 18 in 9,000, per 1,000: r1 = 3.0, r2 = 2.0.
    # Byar's 95% limits (z = 1.959964): 30 -> (20.23694, 42.82837);
    # 18 -> (10.66249, 28.44924). Per 1,000: (2.023694, 4.282837) and (1.184722, 3.161027).
    # lower = 1 - √((3 - 2.023694)² + (3.161027 - 2)²) = 1 - 1.516956 = -0.516956
    # upper = 1 + √((4.282837 - 3)² + (2 - 1.184722)²) = 1 + 1.519984 = 2.519984
    difference, lower, upper = floats(rate_change_ci(30, 10_000, 18, 9_000, 1000))
    assert difference == pytest.approx(1.0, abs=1e-12)
    assert lower == pytest.approx(-0.516956, abs=1e-6)
    assert upper == pytest.approx(2.519984, abs=1e-6)


@pytest.mark.parametrize(
    ("counts", "multiplier", "confidence"),
    [
        ((0, 100, 0, 100), 1, 0.95),
        ((0, 1_000, 7, 2_000), 1000, 0.95),
        ((3, 500, 12, 800), 100, 0.9),
        ((9, 10_000, 10, 10_000), 100_000, 0.998),
        ((250, 61_000, 199, 60_500), 1000, 0.95),
        ((4, 0.5, 1, 2.25), 1, 0.99),
    ],
)
def test_rate_change_matches_mover_reference(
    counts: tuple[int, float, int, float], multiplier: float, confidence: float
) -> None:
    assert_allclose(
        floats(rate_change_ci(*counts, multiplier, confidence)),
        mover_rate_difference(*counts, multiplier=multiplier, confidence=confidence),
        rtol=1e-9,
        atol=1e-12,
    )


def test_rate_change_is_skewed_at_small_counts() -> None:
    # 2 events against 0 per 1,000. Wald gives 2 ± 1.96 √2, as if the 0 were certain;
    # MOVER keeps the exact upper limit 3.689 of the zero count, so its lower arm is
    # longer than Wald's, and its upper arm longer still (exact limits are skewed).
    difference, lower, upper = floats(rate_change_ci(2, 1000, 0, 1000, 1000))
    wald_half_width = float(scipy_stats.norm.ppf(0.975)) * math.sqrt(2)
    assert difference == pytest.approx(2.0)
    assert difference - lower > 1.4 * wald_half_width
    assert upper - difference > 1.2 * (difference - lower)


@given(first=rate_counts(), second=rate_counts(), confidence=st.floats(0.5, 0.999))
def test_rate_change_agrees_with_reference_everywhere(
    first: tuple[int, int], second: tuple[int, int], confidence: float
) -> None:
    (x1, n1), (x2, n2) = first, second
    assert_allclose(
        floats(rate_change_ci(x1, n1, x2, n2, 1000, confidence)),
        mover_rate_difference(x1, n1, x2, n2, multiplier=1000, confidence=confidence),
        rtol=1e-7,
        atol=1e-9,
    )


@given(
    x1=st.integers(20_000, 5_000_000),
    x2=st.integers(20_000, 5_000_000),
    n1=st.integers(1_000_000, 100_000_000),
    n2=st.integers(1_000_000, 100_000_000),
    confidence=st.sampled_from([0.8, 0.95, 0.998]),
)
def test_rate_change_tends_to_wald_for_large_counts(
    x1: int, x2: int, n1: int, n2: int, confidence: float
) -> None:
    z = float(scipy_stats.norm.ppf(1 - (1 - confidence) / 2))
    half_width = z * math.sqrt(x1 / n1**2 + x2 / n2**2)
    difference, lower, upper = floats(rate_change_ci(x1, n1, x2, n2, 1, confidence))
    # Byar's limits differ from x ± z√x by O(1), so the relative gap is O(1/√x) ≈ 1%.
    assert difference - lower == pytest.approx(half_width, rel=0.02)
    assert upper - difference == pytest.approx(half_width, rel=0.02)


@given(first=rate_counts(), second=rate_counts(), confidence=confidence_levels)
def test_rate_change_contains_difference(
    first: tuple[int, int], second: tuple[int, int], confidence: float
) -> None:
    (x1, n1), (x2, n2) = first, second
    difference, lower, upper = floats(rate_change_ci(x1, n1, x2, n2, 100, confidence))
    scale = max(x1 / n1, x2 / n2) * 100
    assert difference == pytest.approx((x1 / n1 - x2 / n2) * 100, abs=1e-12 * scale + 1e-300)
    assert lower <= difference <= upper


@given(first=rate_counts(), second=rate_counts(), levels=two_confidences())
def test_rate_change_widens_with_confidence(
    first: tuple[int, int], second: tuple[int, int], levels: tuple[float, float]
) -> None:
    (x1, n1), (x2, n2) = first, second
    _, narrow_lower, narrow_upper = floats(rate_change_ci(x1, n1, x2, n2, 1, levels[0]))
    _, wide_lower, wide_upper = floats(rate_change_ci(x1, n1, x2, n2, 1, levels[1]))
    assert wide_lower <= narrow_lower
    assert wide_upper >= narrow_upper
    assert wide_upper - wide_lower > narrow_upper - narrow_lower


@given(first=rate_counts(), second=rate_counts(), confidence=confidence_levels)
def test_rate_change_swapping_groups_negates(
    first: tuple[int, int], second: tuple[int, int], confidence: float
) -> None:
    (x1, n1), (x2, n2) = first, second
    difference, lower, upper = floats(rate_change_ci(x1, n1, x2, n2, 1000, confidence))
    swapped, swapped_lower, swapped_upper = floats(rate_change_ci(x2, n2, x1, n1, 1000, confidence))
    assert swapped == -difference
    assert swapped_lower == pytest.approx(-upper, rel=1e-12, abs=1e-15)
    assert swapped_upper == pytest.approx(-lower, rel=1e-12, abs=1e-15)


def test_rate_change_vectorised_with_series_and_missing() -> None:
    x1 = pd.Series([30, None, 4, 5], dtype="Int64")
    n1 = pd.Series([10_000, 1_000, 0, 800], dtype="Int64")
    difference, lower, upper = rate_change_ci(x1, n1, [18, 1, 1, 5], [9_000, 1_000, 10, 800])
    assert difference.dtype == np.float64
    for values in (difference, lower, upper):
        assert_array_equal(np.isnan(values), [False, True, True, False])
    assert_allclose(
        [difference[0], lower[0], upper[0]], mover_rate_difference(30, 10_000, 18, 9_000)
    )
    assert difference[3] == 0.0
    assert lower[3] == pytest.approx(-upper[3], rel=1e-12)


def test_rate_change_multiplier_scales_everything() -> None:
    one = np.array(rate_change_ci(40, 20_000, 25, 21_000, 1))
    thousand = np.array(rate_change_ci(40, 20_000, 25, 21_000, [1000]))
    assert_allclose(thousand[:, 0], one * 1000, rtol=1e-12)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ((-1, 10, 1, 10, 1), "x1"),
        ((1, -10, 1, 10, 1), "n1"),
        ((1, 10, -1, 10, 1), "x2"),
        ((1, 10, 1, -10, 1), "n2"),
        ((1, 10, 1, 10, -1), "multiplier"),
    ],
)
def test_rate_change_rejects_impossible_input(
    arguments: tuple[int, int, int, int, int], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        rate_change_ci(*arguments)


# --- mean_change_ci -----------------------------------------------------------------------


@given(
    first=st.lists(st.floats(-1e3, 1e3), min_size=2, max_size=40),
    second=st.lists(st.floats(-1e3, 1e3), min_size=2, max_size=40),
    confidence=st.floats(0.5, 0.999),
)
def test_mean_change_matches_scipy_welch_on_raw_data(
    first: list[float], second: list[float], confidence: float
) -> None:
    a, b = np.array(first), np.array(second)
    sd1, sd2 = float(np.std(a, ddof=1)), float(np.std(b, ddof=1))
    # scipy warns of precision loss for a sample with (nearly) no spread; the
    # p-value inversion test below covers a group with sd 0.
    assume(sd1 > 1e-3 and sd2 > 1e-3)
    welch = scipy_stats.ttest_ind(a, b, equal_var=False)
    expected = welch.confidence_interval(confidence)
    difference, lower, upper = floats(
        mean_change_ci(a.mean(), sd1, len(a), b.mean(), sd2, len(b), confidence)
    )
    assert difference == pytest.approx(a.mean() - b.mean(), abs=1e-9)
    assert lower == pytest.approx(float(expected.low), rel=1e-7, abs=1e-7)
    assert upper == pytest.approx(float(expected.high), rel=1e-7, abs=1e-7)


@pytest.mark.parametrize(
    ("first", "second", "confidence"),
    [
        ((12.0, 4.0, 25), (10.5, 6.0, 40), 0.95),
        ((3.1, 0.2, 2), (2.0, 5.0, 3), 0.9),
        ((100.0, 15.0, 1_000), (101.0, 30.0, 12), 0.998),
        ((0.0, 0.0, 5), (1.0, 2.0, 5), 0.95),
    ],
)
def test_mean_change_limits_are_where_welch_test_has_p_alpha(
    first: tuple[float, float, int], second: tuple[float, float, int], confidence: float
) -> None:
    # Inverting the test: shifting group 1 by a limit leaves p = 1 - confidence exactly.
    (m1, s1, n1), (m2, s2, n2) = first, second
    _, lower, upper = floats(mean_change_ci(m1, s1, n1, m2, s2, n2, confidence))
    for limit in (lower, upper):
        result = scipy_stats.ttest_ind_from_stats(m1 - limit, s1, n1, m2, s2, n2, equal_var=False)
        assert float(result.pvalue) == pytest.approx(1 - confidence, rel=1e-6)


def test_mean_change_uses_welch_satterthwaite_degrees_of_freedom() -> None:
    # v1 = 16/5 = 3.2, v2 = 1/50 = 0.02: df = 3.22² / (3.2²/4 + 0.02²/49) ≈ 4.0502,
    # close to n1 - 1 = 4 because group 1 carries nearly all the variance.
    _, lower, upper = floats(mean_change_ci(10.0, 4.0, 5, 8.0, 1.0, 50))
    df = 3.22**2 / (3.2**2 / 4 + 0.02**2 / 49)
    half = float(scipy_stats.t.ppf(0.975, df)) * math.sqrt(3.22)
    assert (upper - lower) / 2 == pytest.approx(half, rel=1e-12)
    assert (upper - lower) / 2 > float(scipy_stats.norm.ppf(0.975)) * math.sqrt(3.22) * 1.3


@given(first=mean_summaries(), second=mean_summaries(), confidence=confidence_levels)
def test_mean_change_contains_difference_and_swaps(
    first: tuple[float, float, int], second: tuple[float, float, int], confidence: float
) -> None:
    (m1, s1, n1), (m2, s2, n2) = first, second
    difference, lower, upper = floats(mean_change_ci(m1, s1, n1, m2, s2, n2, confidence))
    assert lower <= difference <= upper
    swapped, swapped_lower, swapped_upper = floats(
        mean_change_ci(m2, s2, n2, m1, s1, n1, confidence)
    )
    assert swapped == -difference
    assert swapped_lower == -upper
    assert swapped_upper == -lower


@given(first=mean_summaries(), second=mean_summaries(), levels=two_confidences())
def test_mean_change_widens_with_confidence(
    first: tuple[float, float, int], second: tuple[float, float, int], levels: tuple[float, float]
) -> None:
    (m1, s1, n1), (m2, s2, n2) = first, second
    _, narrow_lower, narrow_upper = floats(mean_change_ci(m1, s1, n1, m2, s2, n2, levels[0]))
    _, wide_lower, wide_upper = floats(mean_change_ci(m1, s1, n1, m2, s2, n2, levels[1]))
    assert wide_lower <= narrow_lower
    assert wide_upper >= narrow_upper
    if s1 > 0 or s2 > 0:
        assert wide_upper - wide_lower >= narrow_upper - narrow_lower


def test_mean_change_no_spread_small_groups_and_missing() -> None:
    difference, lower, upper = mean_change_ci(
        [5.0, 5.0, 5.0, np.nan], [0.0, 1.0, 1.0, 1.0], [4, 1, 9, 9], [3.0] * 4, [0.0] * 4, [4] * 4
    )
    assert_array_equal(np.isnan(lower), [False, True, False, True])
    assert lower[0] == upper[0] == difference[0] == 2.0
    assert lower[2] < 2.0 < upper[2]


def test_mean_change_rejects_negative_sd() -> None:
    with pytest.raises(ValueError, match="sd2"):
        mean_change_ci(1.0, 1.0, 10, 1.0, -1.0, 10)


def test_change_functions_reject_bad_confidence() -> None:
    for confidence in (0.0, 1.0, math.nan):
        with pytest.raises(ValueError, match="confidence"):
            rate_change_ci(1, 2, 1, 2, 1, confidence)
        with pytest.raises(ValueError, match="confidence"):
            mean_change_ci(1.0, 1.0, 5, 1.0, 1.0, 5, confidence)
        with pytest.raises(ValueError, match="confidence"):
            proportion_trend_test([[1, 2]], [[5, 5]], confidence)
        with pytest.raises(ValueError, match="confidence"):
            rate_trend_test([[1, 2]], [[5, 5]], confidence)


# --- trend tests: published and independent references -----------------------------------


def test_cochran_armitage_matches_r_prop_trend_test_example() -> None:
    # R documentation, ?prop.trend.test: smokers out of patients, scores 1..4:
    # X-squared = 8.2249, df = 1, p-value = 0.004132 (scores 0..3 give the same test).
    statistic, p_value, significant, slope_sign = proportion_trend_test(
        [[83, 90, 129, 70]], [[86, 93, 136, 82]], confidence=0.99
    )
    assert round(float(statistic[0]), 4) == 8.2249
    assert round(float(p_value[0]), 6) == 0.004132
    assert significant.tolist() == [True]
    assert slope_sign.tolist() == [-1]


def test_cochran_armitage_equals_n_r_squared_on_individual_records() -> None:
    # For a 2 x k table the trend statistic is N r², r the Pearson correlation between
    # the period score and the 0/1 outcome over the N individual records.
    x, n = [3, 8, 6, 15, 14], [40, 45, 38, 50, 44]
    scores = np.repeat(np.arange(5), n)
    outcome = np.concatenate(
        [np.r_[np.ones(xi), np.zeros(ni - xi)] for xi, ni in zip(x, n, strict=True)]
    )
    r = float(scipy_stats.pearsonr(scores, outcome).statistic)
    statistic, p_value, _, slope_sign = proportion_trend_test([x], [n])
    assert float(statistic[0]) == pytest.approx(sum(n) * r**2, rel=1e-10)
    assert float(p_value[0]) == pytest.approx(float(scipy_stats.chi2.sf(sum(n) * r**2, 1)))
    assert slope_sign[0] == 1


@given(data=trend_series(kind="proportion"))
def test_cochran_armitage_matches_textbook_formula_on_every_series(
    data: tuple[list[list[int]], list[list[int]]],
) -> None:
    x, n = data
    statistic, p_value, _, slope_sign = proportion_trend_test(np.array(x), np.array(n))
    for row, (xs, ns) in enumerate(zip(x, n, strict=True)):
        if sum(xs) in (0, sum(ns)):  # no variation in the outcome: nothing to test
            assert statistic[row] == 0.0
            assert p_value[row] == 1.0
            assert slope_sign[row] == 0
            continue
        expected = cochran_armitage(xs, ns)
        assert float(statistic[row]) == pytest.approx(float(expected), rel=1e-9, abs=1e-12)
        assert float(statistic[row]) == pytest.approx(
            glm_score_statistic(xs, ns, "binomial"), rel=1e-6, abs=1e-9
        )
        trend_direction = sum(t * (xi - ni * Fraction(sum(xs), sum(ns)))
                              for t, (xi, ni) in enumerate(zip(xs, ns, strict=True)))  # fmt: skip
        assert slope_sign[row] == sign(trend_direction)


@given(data=trend_series(kind="rate"))
def test_rate_trend_matches_glm_score_test_on_every_series(
    data: tuple[list[list[int]], list[list[int]]],
) -> None:
    x, n = data
    statistic, _, _, slope_sign = rate_trend_test(np.array(x), np.array(n))
    for row, (xs, ns) in enumerate(zip(x, n, strict=True)):
        if sum(xs) == 0:
            assert statistic[row] == 0.0
            continue
        assert float(statistic[row]) == pytest.approx(
            glm_score_statistic(xs, ns, "poisson"), rel=1e-6, abs=1e-9
        )
        expected = [Fraction(sum(xs) * ni, sum(ns)) for ni in ns]
        direction = sum(t * (xi - ei) for t, (xi, ei) in enumerate(zip(xs, expected, strict=True)))
        assert slope_sign[row] == sign(direction)


@pytest.mark.parametrize(
    ("x", "n"),
    [
        ([40, 45, 52, 60, 71], [20_000, 20_100, 20_300, 20_200, 20_400]),
        ([120, 111, 95, 90, 70], [50_000, 50_000, 49_000, 48_500, 48_000]),
        ([9, 7, 8, 10, 9], [5_000, 5_000, 5_000, 5_000, 5_000]),
        ([2, 0, 1, 4, 6], [800.5, 810.25, 790.0, 805.0, 799.75]),
    ],
)
def test_rate_trend_agrees_with_fitted_poisson_model(x: list[int], n: list[float]) -> None:
    slope, likelihood_ratio = poisson_fit(x, n)
    statistic, p_value, _, slope_sign = rate_trend_test([x], [n])
    assert slope_sign[0] == sign(slope)
    # Score and likelihood-ratio tests are asymptotically equivalent.
    assert float(statistic[0]) == pytest.approx(likelihood_ratio, rel=0.1, abs=0.05)
    assert 0.0 <= float(p_value[0]) <= 1.0


def test_rate_trend_is_cochran_armitage_for_rare_events() -> None:
    x = np.array([[30, 34, 41, 45, 52]])
    n = np.array([[100_000, 100_000, 101_000, 100_500, 102_000]])
    proportion_statistic = float(proportion_trend_test(x, n)[0][0])
    rate_statistic = float(rate_trend_test(x, n)[0][0])
    total, events = n.sum(), x.sum()
    assert rate_statistic == pytest.approx(proportion_statistic * (total - events) / total)
    assert rate_statistic == pytest.approx(proportion_statistic, rel=1e-3)


# --- trend tests: properties --------------------------------------------------------------


@pytest.mark.parametrize("test", TREND_TESTS)
@given(data=trend_series(kind="proportion"), confidence=confidence_levels)
def test_trend_p_values_and_significance(
    test: object, data: tuple[list[list[int]], list[list[int]]], confidence: float
) -> None:
    assert callable(test)
    x, n = data
    statistic, p_value, significant, slope_sign = test(x, n, confidence)
    assert statistic.shape == p_value.shape == significant.shape == slope_sign.shape == (len(x),)
    assert statistic.dtype == np.float64
    assert significant.dtype == np.bool_
    assert np.all(statistic >= 0)
    assert np.all((p_value >= 0) & (p_value <= 1))
    assert_array_equal(significant, p_value < 1 - confidence)
    assert set(slope_sign.tolist()) <= {-1, 0, 1}
    assert_array_equal(slope_sign[statistic > 0] != 0, True)
    # The p-value is the chi-square (1 df) survival function, computed the fast way.
    assert_allclose(p_value, scipy_stats.chi2.sf(statistic, 1), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("test", TREND_TESTS)
@given(data=trend_series(kind="proportion"))
def test_reversing_time_flips_sign_and_keeps_statistic(
    test: object, data: tuple[list[list[int]], list[list[int]]]
) -> None:
    assert callable(test)
    x, n = np.array(data[0]), np.array(data[1])
    statistic, p_value, significant, slope_sign = test(x, n)
    reversed_statistic, reversed_p, reversed_significant, reversed_sign = test(
        x[:, ::-1], n[:, ::-1]
    )
    assert_allclose(reversed_statistic, statistic, rtol=1e-12, atol=1e-12)
    assert_allclose(reversed_p, p_value, rtol=1e-9, atol=1e-15)
    assert_array_equal(reversed_sign, -slope_sign)
    assert_array_equal(reversed_significant, significant)


@pytest.mark.parametrize("test", TREND_TESTS)
@given(data=trend_series(kind="proportion"), missing=st.data())
def test_trend_series_are_independent_and_missing_rows_give_nan(
    test: object, data: tuple[list[list[int]], list[list[int]]], missing: st.DataObject
) -> None:
    assert callable(test)
    x = np.array(data[0], dtype=float)
    n = np.array(data[1], dtype=float)
    row = missing.draw(st.integers(0, len(x) - 1))
    period = missing.draw(st.integers(0, x.shape[1] - 1))
    holder = missing.draw(st.sampled_from(["x", "n", "zero n"]))
    if holder == "x":
        x[row, period] = np.nan
    elif holder == "n":
        n[row, period] = np.nan
    else:
        x[row, period] = n[row, period] = 0
    statistic, p_value, significant, slope_sign = test(x, n)
    assert np.isnan(statistic[row])
    assert np.isnan(p_value[row])
    assert not significant[row]
    assert slope_sign[row] == 0
    for other in range(len(x)):
        if other != row:
            alone = test(x[other], n[other])
            assert_allclose(statistic[other], alone[0], rtol=1e-12)
            assert slope_sign[other] == alone[3]


def test_trend_over_32_areas_by_5_periods_uses_99_8_percent_by_default() -> None:
    rng = np.random.default_rng(20240611)
    n = rng.integers(200, 2_000, size=(32, 5))
    x = rng.binomial(n, 0.3)
    # Area 0 rises modestly: significant at 95% but not at the default 99.8%.
    n[0] = 1_000
    x[0] = [300, 305, 320, 330, 345]
    statistic, p_value, significant, _ = proportion_trend_test(x, n)
    assert statistic.shape == (32,)
    assert 0.002 < p_value[0] < 0.05
    assert not significant[0]
    assert proportion_trend_test(x, n, 0.95)[2][0]


@pytest.mark.parametrize("test", TREND_TESTS)
def test_trend_edge_cases(test: object) -> None:
    assert callable(test)
    statistic, p_value, significant, slope_sign = test(
        [[0, 0, 0, 0, 0], [5, 6, 7, 8, 9], [3, 3, 3, 3, 3]],
        [[10, 20, 30, 40, 50], [100, 100, 100, 100, 100], [10, 10, 10, 10, 10]],
    )
    assert statistic[0] == 0.0
    assert p_value[0] == 1.0
    assert slope_sign.tolist() == [0, 1, 0]
    assert statistic[2] == 0.0
    assert not significant.any()
    one_period = test([[4], [5]], [[10], [10]])
    assert np.isnan(one_period[0]).all()
    single = test([1, 5, 9], [20, 20, 20])
    assert single[0].shape == ()
    assert int(single[3]) == 1


def test_proportion_trend_all_events_is_level() -> None:
    statistic, p_value, _, slope_sign = proportion_trend_test([[5, 8, 13]], [[5, 8, 13]])
    assert (float(statistic[0]), float(p_value[0]), int(slope_sign[0])) == (0.0, 1.0, 0)


def test_trend_tests_reject_impossible_input() -> None:
    with pytest.raises(ValueError, match="exceed"):
        proportion_trend_test([[3, 11]], [[10, 10]])
    with pytest.raises(ValueError, match="negative"):
        proportion_trend_test([[3, -1]], [[10, 10]])
    with pytest.raises(ValueError, match="negative"):
        rate_trend_test([[3, 1]], [[10, -10]])
    with pytest.raises(ValueError, match="periods"):
        rate_trend_test(3, 10)


def test_trend_accepts_dataframes_with_nullable_values() -> None:
    x = pd.DataFrame({"2020": [1, None], "2021": [4, 5], "2022": [9, 5]}, dtype="Int64")
    n = pd.DataFrame({"2020": [50, 50], "2021": [50, 50], "2022": [50, 50]}, dtype="Int64")
    statistic, _, _, slope_sign = proportion_trend_test(x, n)
    assert np.isnan(statistic[1])
    assert float(statistic[0]) == pytest.approx(float(cochran_armitage([1, 4, 9], [50] * 3)))
    assert slope_sign.tolist() == [1, 0]


# --- spc_signals --------------------------------------------------------------------------


SIGNAL_NAMES = ["outside_limits", "run_of_7", "trend_of_7", "two_of_three_beyond_2_sigma"]


@given(rows=spc_series(min_periods=2))
def test_spc_matches_plain_python_reference(rows: list[list[float]]) -> None:
    chart = spc_signals(np.array(rows))
    for index, row in enumerate(rows):
        expected = xmr_reference(row)
        if len(set(row)) == 1:  # a level series sits exactly on its centre line
            expected["centre"] = expected["lower_limit"] = expected["upper_limit"] = row[0]
        for name in ("centre", "lower_limit", "upper_limit"):
            assert float(getattr(chart, name)[index]) == pytest.approx(
                expected[name], rel=1e-12, abs=1e-9
            ), name
        for name in SIGNAL_NAMES:
            assert getattr(chart, name)[index].tolist() == expected[name], name


@given(
    value=st.floats(min_value=-1e12, max_value=1e12, allow_nan=False),
    shape=st.tuples(st.integers(1, 5), st.integers(2, 30)),
)
def test_spc_level_series_has_no_signals(value: float, shape: tuple[int, int]) -> None:
    chart = spc_signals(np.full(shape, value))
    assert_array_equal(chart.centre, value)
    assert_array_equal(chart.lower_limit, value)
    assert_array_equal(chart.upper_limit, value)
    for name in SIGNAL_NAMES:
        assert not getattr(chart, name).any(), name


@given(
    baseline=st.lists(st.floats(-1, 1), min_size=9, max_size=25),
    shift=st.floats(100, 1e4),
    direction=st.sampled_from([1, -1]),
)
def test_spc_planted_shift_of_8_points_flags_run_of_7(
    baseline: list[float], shift: float, direction: int
) -> None:
    values = np.array(baseline + [b + direction * shift for b in baseline[:8]])
    chart = spc_signals(values[np.newaxis, :])
    assert chart.run_of_7[0, -8:].all()


def test_spc_shift_of_6_points_is_not_a_run() -> None:
    # Centre 4.8, then 5: the 6s lie above it and the 0s below, so only the 9s can run.
    values = [6.0, 0.0] * 6 + [9.0] * 6 + [0.0, 6.0]
    assert not spc_signals([values]).run_of_7.any()
    values = [6.0, 0.0] * 6 + [9.0] * 7 + [0.0, 6.0]
    assert spc_signals([values]).run_of_7[0].tolist() == [False] * 12 + [True] * 7 + [False] * 2


def test_spc_trend_of_7_flags_exactly_the_trend() -> None:
    values = [5.0, 3.0, 5.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 7.0, 2.0]
    chart = spc_signals([values])
    assert chart.trend_of_7[0].tolist() == [False] * 3 + [True] * 7 + [False] * 2
    six_points = [5.0, 3.0, 5.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 6.0, 2.0]
    assert not spc_signals([six_points]).trend_of_7.any()


def test_spc_outside_limits() -> None:
    # Centre 145/12 = 12.083, mean moving range 48/11 = 4.364: limits 0.476 and 23.69.
    values = [10.0, 11.0] * 5 + [30.0, 10.0]
    chart = spc_signals([values])
    assert float(chart.centre[0]) == pytest.approx(145 / 12)
    assert float(chart.upper_limit[0]) == pytest.approx(145 / 12 + 2.66 * 48 / 11)
    assert chart.outside_limits[0].tolist() == [False] * 10 + [True, False]


def test_spc_two_of_three_on_a_known_chart() -> None:
    # Centre 28.5/56 = 0.509, mean moving range 79/55 = 1.436, so 2 sigma = 2.547 and the
    # limits are 0.509 ± 3.821: the spikes at 4 and -3 lie between 2 sigma and the limits.
    values = (
        [0.0, 1.0] * 15 + [4.0, 0.5, 4.0]  # 30 and 32 beyond on one side, 31 between: flag
        + [0.0, 1.0] * 3 + [4.0, 1.0, -3.0]  # 39 above and 41 below: opposite sides, no flag
        + [0.0, 1.0] * 3 + [-3.0, -3.0]  # 48 and 49 below together: flag
        + [1.0, 0.0] * 3
    )  # fmt: skip
    chart = spc_signals([values])
    assert float(chart.centre[0]) == pytest.approx(28.5 / 56)
    assert float(chart.upper_limit[0]) == pytest.approx(28.5 / 56 + 2.66 * 79 / 55)
    assert np.flatnonzero(chart.two_of_three_beyond_2_sigma[0]).tolist() == [30, 32, 48, 49]
    assert not chart.outside_limits.any()


@given(rows=spc_series(min_periods=2))
def test_spc_reversing_time_reverses_flags(rows: list[list[float]]) -> None:
    values = np.round(np.array(rows))  # whole numbers: the centre is exact either way
    chart = spc_signals(values)
    reversed_chart = spc_signals(values[:, ::-1])
    assert_allclose(reversed_chart.centre, chart.centre)
    assert_allclose(reversed_chart.upper_limit, chart.upper_limit)
    for name in SIGNAL_NAMES:
        assert_array_equal(getattr(reversed_chart, name), getattr(chart, name)[:, ::-1], name)


def test_spc_missing_rows_short_series_and_shapes() -> None:
    values = np.array([[1.0, 2.0, 3.0, np.nan], [1.0, 2.0, 3.0, 4.0], [1.0, np.inf, 0.0, 0.0]])
    chart = spc_signals(values)
    assert isinstance(chart, SpcSignals)
    assert_array_equal(np.isnan(chart.centre), [True, False, True])
    assert_array_equal(np.isnan(chart.upper_limit), [True, False, True])
    assert chart.outside_limits.shape == (3, 4)
    assert chart.centre[1] == 2.5
    for name in SIGNAL_NAMES:
        assert not getattr(chart, name)[[0, 2]].any()
    short = spc_signals([[4.0], [5.0]])
    assert np.isnan(short.centre).all()
    assert short.run_of_7.shape == (2, 1)
    single = spc_signals([1.0, 2.0, 3.0])
    assert single.centre.shape == ()
    with pytest.raises(ValueError, match="periods"):
        spc_signals(3.0)
