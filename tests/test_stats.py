"""Tests for outcomes.stats against independent implementations and published figures."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from numpy.typing import NDArray
from scipy import stats as scipy_stats

from outcomes.stats import mean_ci, newcombe_ci, poisson_ci, rate_ci, wilson_ci
from tests.strategies import confidence_levels, event_counts, mean_summaries, proportion_counts

TOLERANCE = 1e-6


# --- independent references ---------------------------------------------------------------


def scipy_wilson(x: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson interval as scipy computes it, an implementation separate from ours."""
    interval = scipy_stats.binomtest(x, n).proportion_ci(
        confidence_level=confidence, method="wilson"
    )
    return float(interval.low), float(interval.high)


def exact_poisson(x: int, confidence: float = 0.95) -> tuple[float, float]:
    """Exact Poisson limits written directly from the chi-square formula."""
    alpha = 1 - confidence
    lower = 0.0 if x == 0 else scipy_stats.chi2.ppf(alpha / 2, 2 * x) / 2
    upper = scipy_stats.chi2.ppf(1 - alpha / 2, 2 * x + 2) / 2
    return float(lower), float(upper)


def byar_poisson(x: int, confidence: float = 0.95) -> tuple[float, float]:
    """Byar's approximation from first principles (Breslow & Day 1987, PHE guide)."""
    z = scipy_stats.norm.ppf(1 - (1 - confidence) / 2)
    lower = x * (1 - 1 / (9 * x) - z / (3 * math.sqrt(x))) ** 3
    upper = (x + 1) * (1 - 1 / (9 * (x + 1)) + z / (3 * math.sqrt(x + 1))) ** 3
    return lower, upper


def student_t_mean(mean: float, sd: float, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Student t interval for a mean via scipy's own interval method."""
    low, high = scipy_stats.t.interval(confidence, n - 1, loc=mean, scale=sd / math.sqrt(n))
    return float(low), float(high)


def as_pair(bounds: tuple[NDArray[np.float64], NDArray[np.float64]]) -> tuple[float, float]:
    lower, upper = bounds
    return float(lower), float(upper)


# --- Wilson -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "n", "confidence"),
    [
        (0, 1, 0.95),
        (0, 20, 0.95),
        (20, 20, 0.95),
        (1, 2, 0.95),
        (3, 10, 0.95),
        (81, 263, 0.95),
        (1, 2, 0.998),
        (17, 40, 0.998),
        (999, 1000, 0.9),
        (1234, 56789, 0.99),
    ],
)
def test_wilson_matches_scipy(x: int, n: int, confidence: float) -> None:
    assert_allclose(
        as_pair(wilson_ci(x, n, confidence)), scipy_wilson(x, n, confidence), atol=TOLERANCE
    )


def test_wilson_zero_events_gives_lower_exactly_zero() -> None:
    lower, upper = wilson_ci([0, 0, 0], [1, 34, 10_000])
    assert_array_equal(lower, [0.0, 0.0, 0.0])
    assert np.all(upper > 0)


def test_wilson_all_events_gives_upper_exactly_one() -> None:
    lower, upper = wilson_ci([1, 34, 10_000], [1, 34, 10_000])
    assert_array_equal(upper, [1.0, 1.0, 1.0])
    assert np.all(lower < 1)


def test_wilson_zero_of_n_closed_form() -> None:
    # For 0/n the Wilson upper limit is z² / (n + z²) (Newcombe 1998, example e).
    z = scipy_stats.norm.ppf(0.975)
    _, upper = wilson_ci(0, 10)
    assert float(upper) == pytest.approx(z**2 / (10 + z**2), abs=1e-12)
    assert float(upper) == pytest.approx(0.2775, abs=5e-5)


def test_wilson_one_of_two_is_symmetric_about_a_half() -> None:
    lower, upper = as_pair(wilson_ci(1, 2))
    assert lower + upper == pytest.approx(1.0, abs=1e-12)
    assert_allclose((lower, upper), scipy_wilson(1, 2), atol=TOLERANCE)


# Newcombe RG (1998) Two-sided confidence intervals for the single proportion:
# comparison of seven methods. Stat Med 17:857-872, Table I, method 3 (Wilson score).
NEWCOMBE_SINGLE_PROPORTION = [
    ((81, 263), (0.2553, 0.3662)),
    ((15, 148), (0.0624, 0.1605)),
    ((0, 20), (0.0000, 0.1611)),
    ((1, 29), (0.0061, 0.1718)),
]


@pytest.mark.parametrize(("counts", "published"), NEWCOMBE_SINGLE_PROPORTION)
def test_wilson_newcombe_single_proportion_examples(
    counts: tuple[int, int], published: tuple[float, float]
) -> None:
    lower, upper = as_pair(wilson_ci(*counts))
    assert round(lower, 4) == pytest.approx(published[0], abs=1e-9)
    assert round(upper, 4) == pytest.approx(published[1], abs=1e-9)


def test_wilson_uses_exact_quantile_not_1_96() -> None:
    lower, upper = as_pair(wilson_ci(30, 100))
    rounded_z = 1.96
    centre = (30 + rounded_z**2 / 2) / (100 + rounded_z**2)
    half = rounded_z / (100 + rounded_z**2) * math.sqrt(30 * 70 / 100 + rounded_z**2 / 4)
    # The two quantiles differ by 4e-5, which moves the limits by more than 1e-7.
    assert abs(lower - (centre - half)) > 1e-7
    assert abs(upper - (centre + half)) > 1e-7


def test_wilson_zero_denominator_and_missing_give_nan() -> None:
    lower, upper = wilson_ci([0, np.nan, 3, 3], [0, 10, np.nan, 10])
    assert_array_equal(np.isnan(lower), [True, True, True, False])
    assert_array_equal(np.isnan(upper), [True, True, True, False])


def test_wilson_accepts_nullable_pandas_series() -> None:
    x = pd.Series([3, None, 0], dtype="Int64")
    n = pd.Series([10, 10, 5], dtype="Int64")
    lower, upper = wilson_ci(x, n)
    assert lower.dtype == np.float64
    assert upper.dtype == np.float64
    assert np.isnan(lower[1])
    assert_allclose([lower[0], upper[0]], scipy_wilson(3, 10), atol=TOLERANCE)
    assert lower[2] == 0.0


def test_wilson_scalar_inputs_give_arrays() -> None:
    lower, upper = wilson_ci(3, 10)
    assert isinstance(lower, np.ndarray)
    assert isinstance(upper, np.ndarray)
    assert lower.shape == ()


def test_wilson_broadcasts_scalar_denominator() -> None:
    lower, _ = wilson_ci(np.array([1, 2, 3]), 10)
    assert lower.shape == (3,)


@pytest.mark.parametrize(("x", "n"), [(-1, 10), (3, -1), (11, 10)])
def test_wilson_rejects_impossible_counts(x: int, n: int) -> None:
    with pytest.raises(ValueError, match="must not"):
        wilson_ci(x, n)


@pytest.mark.parametrize("confidence", [0.0, 1.0, -0.5, 95.0, math.nan])
def test_every_function_rejects_bad_confidence(confidence: float) -> None:
    with pytest.raises(ValueError, match="confidence"):
        wilson_ci(1, 2, confidence)
    with pytest.raises(ValueError, match="confidence"):
        poisson_ci(1, confidence)
    with pytest.raises(ValueError, match="confidence"):
        rate_ci(1, 2, confidence=confidence)
    with pytest.raises(ValueError, match="confidence"):
        mean_ci(1.0, 1.0, 5, confidence)
    with pytest.raises(ValueError, match="confidence"):
        newcombe_ci(1, 2, 1, 2, confidence)


# --- Poisson and rates --------------------------------------------------------------------


@pytest.mark.parametrize("x", [1, 2, 5, 9])
@pytest.mark.parametrize("confidence", [0.95, 0.998])
def test_poisson_below_ten_is_exact(x: int, confidence: float) -> None:
    assert_allclose(
        as_pair(poisson_ci(x, confidence)), exact_poisson(x, confidence), atol=TOLERANCE
    )


@pytest.mark.parametrize("x", [10, 11, 25, 100, 12_345])
@pytest.mark.parametrize("confidence", [0.95, 0.998])
def test_poisson_from_ten_is_byar(x: int, confidence: float) -> None:
    assert_allclose(as_pair(poisson_ci(x, confidence)), byar_poisson(x, confidence), atol=TOLERANCE)


def test_poisson_switches_method_between_nine_and_ten_events() -> None:
    lower, upper = poisson_ci([9, 10])
    assert_allclose([lower[0], upper[0]], exact_poisson(9), atol=TOLERANCE)
    assert_allclose([lower[1], upper[1]], byar_poisson(10), atol=TOLERANCE)
    # The two methods really differ there, so the switch is observable.
    assert abs(exact_poisson(10)[0] - byar_poisson(10)[0]) > 1e-3
    assert abs(lower[1] - exact_poisson(10)[0]) > 1e-3


def test_poisson_zero_events() -> None:
    lower, upper = as_pair(poisson_ci(0))
    assert lower == 0.0
    # Exact upper limit for 0 events is -ln(alpha/2): 3.6889 at 95% (PHE technical guide).
    assert upper == pytest.approx(-math.log(0.025), abs=TOLERANCE)
    assert upper == pytest.approx(3.6889, abs=5e-5)


def test_poisson_missing_and_negative() -> None:
    lower, upper = poisson_ci([np.nan, 4.0])
    assert np.isnan(lower[0])
    assert np.isnan(upper[0])
    assert not np.isnan(lower[1])
    with pytest.raises(ValueError, match="negative"):
        poisson_ci([3, -1])


def test_rate_is_count_interval_over_denominator() -> None:
    x = np.array([0, 4, 9, 10, 250])
    n = np.array([1_000, 2_500, 80, 12_000, 90_000])
    lower, upper = rate_ci(x, n, multiplier=100_000)
    expected = (
        np.array([exact_poisson(int(v)) if v < 10 else byar_poisson(int(v)) for v in x])
        / n[:, None]
        * 100_000
    )
    assert_allclose(lower, expected[:, 0], rtol=TOLERANCE)
    assert_allclose(upper, expected[:, 1], rtol=TOLERANCE)


def test_rate_zero_denominator_and_missing_give_nan() -> None:
    lower, upper = rate_ci([3, 3, np.nan], [0, np.nan, 100])
    assert np.all(np.isnan(lower))
    assert np.all(np.isnan(upper))


def test_rate_multiplier_can_be_a_column() -> None:
    lower, _ = rate_ci([20, 20], [1000, 1000], multiplier=[1, 1000])
    assert lower[1] == pytest.approx(lower[0] * 1000, rel=1e-12)


# --- means --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mean", "sd", "n", "confidence"),
    [
        (12.0, 4.0, 25, 0.95),
        (30.5, 9.0, 2, 0.95),
        (-3.0, 0.5, 7, 0.9),
        (100.0, 15.0, 1_000, 0.998),
    ],
)
def test_mean_matches_student_t(mean: float, sd: float, n: int, confidence: float) -> None:
    assert_allclose(
        as_pair(mean_ci(mean, sd, n, confidence)),
        student_t_mean(mean, sd, n, confidence),
        atol=TOLERANCE,
    )


def test_mean_with_no_spread_has_zero_width() -> None:
    lower, upper = as_pair(mean_ci(7.25, 0.0, 3))
    assert lower == upper == 7.25


def test_mean_small_sample_uses_t_not_normal() -> None:
    lower, upper = as_pair(mean_ci(10.0, 2.0, 5))
    # t(0.975, 4) = 2.7764 (standard tables), so the half-width is 2.7764 * 2 / √5.
    assert (upper - lower) / 2 == pytest.approx(2.7764 * 2 / math.sqrt(5), abs=5e-4)


def test_mean_fewer_than_two_observations_gives_nan() -> None:
    lower, upper = mean_ci([5.0, 5.0, 5.0, 5.0], [1.0, 1.0, 1.0, np.nan], [0, 1, 2, 9])
    assert_array_equal(np.isnan(lower), [True, True, False, True])
    assert_array_equal(np.isnan(upper), [True, True, False, True])


def test_mean_rejects_negative_sd() -> None:
    with pytest.raises(ValueError, match="sd"):
        mean_ci(1.0, -1.0, 10)


# --- Newcombe -----------------------------------------------------------------------------

# Newcombe RG (1998) Interval estimation for the difference between independent
# proportions: comparison of eleven methods. Stat Med 17:873-890, Table II, method 10.
NEWCOMBE_TABLE_II = [
    ((56, 70, 48, 80), (0.0524, 0.3339)),
    ((9, 10, 3, 10), (0.1705, 0.8090)),
    ((6, 7, 2, 7), (0.0582, 0.8062)),
    ((5, 56, 0, 29), (-0.0381, 0.1926)),
    ((0, 10, 0, 20), (-0.1611, 0.2775)),
    ((0, 10, 0, 10), (-0.2775, 0.2775)),
    ((10, 10, 0, 20), (0.6791, 1.0000)),
    ((10, 10, 0, 10), (0.6075, 1.0000)),
]


def test_newcombe_worked_example() -> None:
    difference, lower, upper = newcombe_ci(7, 34, 1, 34)
    assert round(float(difference), 4) == 0.1765
    assert round(float(lower), 4) == 0.0189
    assert round(float(upper), 4) == 0.3404


@pytest.mark.parametrize(("counts", "published"), NEWCOMBE_TABLE_II)
def test_newcombe_table_ii(
    counts: tuple[int, int, int, int], published: tuple[float, float]
) -> None:
    x1, n1, x2, n2 = counts
    difference, lower, upper = newcombe_ci(x1, n1, x2, n2)
    assert float(difference) == pytest.approx(x1 / n1 - x2 / n2, abs=1e-12)
    assert round(float(lower), 4) == pytest.approx(published[0], abs=1e-9)
    assert round(float(upper), 4) == pytest.approx(published[1], abs=1e-9)


def test_newcombe_table_ii_vectorised() -> None:
    counts = np.array([row[0] for row in NEWCOMBE_TABLE_II])
    published = np.array([row[1] for row in NEWCOMBE_TABLE_II])
    _, lower, upper = newcombe_ci(counts[:, 0], counts[:, 1], counts[:, 2], counts[:, 3])
    assert_allclose(lower, published[:, 0], atol=5e-5)
    assert_allclose(upper, published[:, 1], atol=5e-5)


def test_newcombe_is_built_from_scipy_wilson_limits() -> None:
    x1, n1, x2, n2, confidence = 37, 120, 22, 131, 0.9
    l1, u1 = scipy_wilson(x1, n1, confidence)
    l2, u2 = scipy_wilson(x2, n2, confidence)
    p1, p2 = x1 / n1, x2 / n2
    expected_lower = p1 - p2 - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    expected_upper = p1 - p2 + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    _, lower, upper = newcombe_ci(x1, n1, x2, n2, confidence)
    assert float(lower) == pytest.approx(expected_lower, abs=TOLERANCE)
    assert float(upper) == pytest.approx(expected_upper, abs=TOLERANCE)


def test_newcombe_missing_and_zero_denominator_give_nan() -> None:
    difference, lower, upper = newcombe_ci([1, np.nan, 0], [5, 5, 0], [2, 2, 0], [5, 5, 5])
    for values in (difference, lower, upper):
        assert_array_equal(np.isnan(values), [False, True, True])


def test_newcombe_rejects_impossible_counts() -> None:
    with pytest.raises(ValueError, match="exceed"):
        newcombe_ci(3, 10, 11, 10)


# --- properties ---------------------------------------------------------------------------


@given(counts=proportion_counts(), confidence=confidence_levels)
def test_wilson_contains_estimate_within_unit_interval(
    counts: tuple[int, int], confidence: float
) -> None:
    x, n = counts
    lower, upper = as_pair(wilson_ci(x, n, confidence))
    assert 0.0 <= lower <= x / n <= upper <= 1.0


@given(counts=proportion_counts(max_n=5_000), confidence=st.floats(0.5, 0.999))
def test_wilson_agrees_with_scipy_everywhere(counts: tuple[int, int], confidence: float) -> None:
    x, n = counts
    assert_allclose(
        as_pair(wilson_ci(x, n, confidence)), scipy_wilson(x, n, confidence), atol=TOLERANCE
    )


@given(x=event_counts, confidence=confidence_levels)
def test_poisson_contains_count(x: int, confidence: float) -> None:
    lower, upper = as_pair(poisson_ci(x, confidence))
    assert 0.0 <= lower <= x <= upper


@given(x=event_counts, n=st.integers(1, 10_000_000), multiplier=st.sampled_from([1, 100, 1000]))
def test_rate_contains_rate(x: int, n: int, multiplier: int) -> None:
    lower, upper = as_pair(rate_ci(x, n, multiplier))
    rate = x / n * multiplier
    assert lower <= rate * (1 + 1e-12)
    assert rate <= upper * (1 + 1e-12)


@given(summary=mean_summaries(), confidence=confidence_levels)
def test_mean_contains_mean(summary: tuple[float, float, int], confidence: float) -> None:
    mean, sd, n = summary
    lower, upper = as_pair(mean_ci(mean, sd, n, confidence))
    assert lower <= mean <= upper


@given(first=proportion_counts(), second=proportion_counts(), confidence=confidence_levels)
def test_newcombe_contains_difference_within_bounds(
    first: tuple[int, int], second: tuple[int, int], confidence: float
) -> None:
    (x1, n1), (x2, n2) = first, second
    difference, lower, upper = (float(v) for v in newcombe_ci(x1, n1, x2, n2, confidence))
    assert difference == pytest.approx(x1 / n1 - x2 / n2, abs=1e-12)
    assert -1.0 - 1e-12 <= lower <= difference <= upper <= 1.0 + 1e-12


@st.composite
def two_confidences(draw: st.DrawFn) -> tuple[float, float]:
    narrow = draw(st.floats(min_value=0.01, max_value=0.99))
    wide = draw(st.floats(min_value=narrow + 0.005, max_value=0.9999))
    return narrow, wide


@given(counts=proportion_counts(), levels=two_confidences())
def test_wilson_widens_with_confidence(
    counts: tuple[int, int], levels: tuple[float, float]
) -> None:
    x, n = counts
    narrow_lower, narrow_upper = as_pair(wilson_ci(x, n, levels[0]))
    wide_lower, wide_upper = as_pair(wilson_ci(x, n, levels[1]))
    assert wide_lower <= narrow_lower
    assert wide_upper >= narrow_upper
    assert wide_upper - wide_lower > narrow_upper - narrow_lower


@given(x=event_counts, levels=two_confidences())
def test_poisson_widens_with_confidence(x: int, levels: tuple[float, float]) -> None:
    narrow_lower, narrow_upper = as_pair(poisson_ci(x, levels[0]))
    wide_lower, wide_upper = as_pair(poisson_ci(x, levels[1]))
    assert wide_lower <= narrow_lower
    assert wide_upper > narrow_upper


@given(summary=mean_summaries(), levels=two_confidences())
def test_mean_widens_with_confidence(
    summary: tuple[float, float, int], levels: tuple[float, float]
) -> None:
    mean, sd, n = summary
    narrow_lower, narrow_upper = as_pair(mean_ci(mean, sd, n, levels[0]))
    wide_lower, wide_upper = as_pair(mean_ci(mean, sd, n, levels[1]))
    assert wide_lower <= narrow_lower
    assert wide_upper >= narrow_upper


@given(first=proportion_counts(), second=proportion_counts(), levels=two_confidences())
def test_newcombe_widens_with_confidence(
    first: tuple[int, int], second: tuple[int, int], levels: tuple[float, float]
) -> None:
    (x1, n1), (x2, n2) = first, second
    _, narrow_lower, narrow_upper = newcombe_ci(x1, n1, x2, n2, levels[0])
    _, wide_lower, wide_upper = newcombe_ci(x1, n1, x2, n2, levels[1])
    assert float(wide_lower) <= float(narrow_lower)
    assert float(wide_upper) >= float(narrow_upper)
    assert float(wide_upper - wide_lower) > float(narrow_upper - narrow_lower)


@given(
    rows=st.lists(st.tuples(proportion_counts(), proportion_counts()), min_size=1, max_size=20),
    confidence=confidence_levels,
)
def test_vectorised_equals_element_wise(
    rows: list[tuple[tuple[int, int], tuple[int, int]]], confidence: float
) -> None:
    x1 = np.array([first[0] for first, _ in rows])
    n1 = np.array([first[1] for first, _ in rows])
    x2 = np.array([second[0] for _, second in rows])
    n2 = np.array([second[1] for _, second in rows])
    sd = np.sqrt(n2.astype(float))

    columns = {
        "wilson": wilson_ci(pd.Series(x1), pd.Series(n1), confidence),
        "poisson": poisson_ci(x1, confidence),
        "rate": rate_ci(x1, n1, 1000, confidence),
        "mean": mean_ci(x2.astype(float), sd, n1 + 1, confidence),
        "newcombe": newcombe_ci(x1, n1, x2, n2, confidence),
    }
    for i in range(len(rows)):
        one_by_one = {
            "wilson": wilson_ci(int(x1[i]), int(n1[i]), confidence),
            "poisson": poisson_ci(int(x1[i]), confidence),
            "rate": rate_ci(int(x1[i]), int(n1[i]), 1000, confidence),
            "mean": mean_ci(float(x2[i]), float(sd[i]), int(n1[i]) + 1, confidence),
            "newcombe": newcombe_ci(int(x1[i]), int(n1[i]), int(x2[i]), int(n2[i]), confidence),
        }
        for name, parts in columns.items():
            for column, single in zip(parts, one_by_one[name], strict=True):
                assert column.shape == (len(rows),)
                assert_allclose(column[i], single, rtol=1e-12, atol=0, err_msg=name)


@given(st.lists(st.one_of(st.integers(0, 30).map(float), st.floats(0, 40), st.just(math.nan)),
                min_size=1, max_size=60))  # fmt: skip
def test_poisson_limits_of_an_array_are_each_counts_own(counts: list[float]) -> None:
    """The exact limits are taken once per distinct count and put back in place: each
    count's limits are those written from the formulas for it alone; NaN for a missing one."""
    lower, upper = poisson_ci(counts)
    for position, count in enumerate(counts):
        if math.isnan(count):
            assert math.isnan(lower[position])
            assert math.isnan(upper[position])
            continue
        expected = exact_poisson(count) if count < 10 else byar_poisson(count)  # type: ignore[arg-type]
        assert_allclose((lower[position], upper[position]), expected, rtol=1e-12, atol=1e-12)


@given(
    st.floats(min_value=1e-12, max_value=0.999),
    st.lists(st.one_of(st.floats(min_value=-2, max_value=1e7), st.just(math.nan)), max_size=20),
)
def test_quantiles_are_the_bits_scipy_stats_gives(
    alpha: float, degrees_of_freedom: list[float]
) -> None:
    """The normal, t and chi-square quantiles are taken from scipy.special (scipy.stats is
    slow to import) and equal what scipy.stats' distributions return, bit for bit."""
    from scipy import special

    from outcomes.stats import _normal_isf, _t_isf

    freedom = np.array(degrees_of_freedom, dtype=np.float64)
    assert _normal_isf(alpha / 2) == scipy_stats.norm.isf(alpha / 2)
    assert_array_equal(_t_isf(alpha / 2, freedom), scipy_stats.t.isf(alpha / 2, freedom))
    counts = np.arange(0.0, 12.0)
    assert_array_equal(special.chdtri(2 * counts + 2, alpha / 2),
                       scipy_stats.chi2.isf(alpha / 2, 2 * counts + 2))  # fmt: skip
    assert_array_equal(2 * special.gammaincinv(counts + 1, alpha / 2),
                       scipy_stats.chi2.ppf(alpha / 2, 2 * counts + 2))  # fmt: skip
