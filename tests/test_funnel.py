"""Funnel-plot control limits (outcomes.stats) against independent scipy references.

The references here never call the functions under test: they solve the defining equations
with scipy's own distributions (binomial, beta, Poisson, chi-square) and root finder.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from scipy import optimize
from scipy import stats as scipy_stats

from outcomes.stats import (
    FUNNEL_LEVELS,
    FUNNEL_POSITIONS,
    funnel_overdispersion,
    funnel_position,
    funnel_proportion_limits,
    funnel_random_effects_limits,
    funnel_rate_limits,
)
from tests.strategies import funnel_rate_targets, funnel_targets, nested_denominators

DENOMINATORS = (10, 50, 200, 1000, 10_000)
# Limits are found to 1e-12 of their size; the references by brentq to about 1e-12.
RELATIVE = 1e-9


def tail(confidence: float) -> float:
    return (1 - confidence) / 2


# --- independent references --------------------------------------------------------------


def reference_proportion_limits(target: float, n: int, confidence: float) -> tuple[float, float]:
    """Exact binomial funnel limits by brentq on scipy's beta distribution.

    The lower limit x/n is where the Clopper-Pearson upper bound of x events in n reaches
    the target, beta.ppf(1 - a, x + 1, n - x) = target, that is
    beta.cdf(target, x + 1, n - x) = 1 - a; the upper limit is where the Clopper-Pearson
    lower bound does, beta.sf(target, x, n - x + 1) = 1 - a. Both hold in x continuously.
    """
    a = tail(confidence)

    def lower_equation(x: float) -> float:
        return float(scipy_stats.beta.cdf(target, x + 1, n - x)) - (1 - a)

    def upper_equation(x: float) -> float:
        return float(scipy_stats.beta.sf(target, x, n - x + 1)) - (1 - a)

    edge = 1e-9
    lower = 0.0 if lower_equation(edge) < 0 else optimize.brentq(
        lower_equation, edge, n - edge, xtol=1e-13, rtol=1e-13
    )  # fmt: skip
    upper = float(n) if upper_equation(n - edge) < 0 else optimize.brentq(
        upper_equation, edge, n - edge, xtol=1e-13, rtol=1e-13
    )  # fmt: skip
    return lower / n, upper / n


def exact_binomial_beyond(
    x: np.ndarray, n: int, target: float, confidence: float
) -> tuple[np.ndarray, np.ndarray]:
    """Which whole counts the exact one-sided binomial tests at alpha/2 find low or high."""
    a = tail(confidence)
    low = scipy_stats.binom.cdf(x, n, target) < a
    high = scipy_stats.binom.sf(x - 1, n, target) < a
    return low, high


# --- proportions: reference values ----------------------------------------------------------


@pytest.mark.parametrize("confidence", FUNNEL_LEVELS)
@pytest.mark.parametrize("n", DENOMINATORS)
@pytest.mark.parametrize("target", [0.05, 0.3, 0.479, 0.85])
def test_proportion_limits_match_an_independent_beta_inversion(
    target: float, n: int, confidence: float
) -> None:
    lower, upper = funnel_proportion_limits(target, n, confidence)
    expected = reference_proportion_limits(target, n, confidence)
    assert_allclose((float(lower), float(upper)), expected, rtol=RELATIVE, atol=1e-12)


@pytest.mark.parametrize("confidence", FUNNEL_LEVELS)
@pytest.mark.parametrize("n", DENOMINATORS)
def test_proportion_limits_pass_through_whole_counts_where_clopper_pearson_touches(
    n: int, confidence: float
) -> None:
    # At the target where the exact interval of x events just reaches it, the limit is x/n.
    a = tail(confidence)
    x = np.unique(np.linspace(1, n - 1, 7).round())
    touches_from_below = scipy_stats.beta.ppf(1 - a, x + 1, n - x)
    touches_from_above = scipy_stats.beta.ppf(a, x, n - x + 1)
    lower, _ = funnel_proportion_limits(touches_from_below, n, confidence)
    _, upper = funnel_proportion_limits(touches_from_above, n, confidence)
    assert_allclose(lower, x / n, rtol=RELATIVE)
    assert_allclose(upper, x / n, rtol=RELATIVE)


@pytest.mark.parametrize("confidence", FUNNEL_LEVELS)
@pytest.mark.parametrize("n", DENOMINATORS)
@pytest.mark.parametrize("target", [0.02, 0.3, 0.5, 0.93])
def test_whole_counts_beyond_the_limits_are_those_the_exact_binomial_test_rejects(
    target: float, n: int, confidence: float
) -> None:
    counts = np.arange(n + 1)
    lower, upper = funnel_proportion_limits(target, n, confidence)
    low, high = exact_binomial_beyond(counts, n, target, confidence)
    assert_array_equal(counts / n < lower, low)
    assert_array_equal(counts / n > upper, high)


def test_proportion_limits_at_a_worked_point() -> None:
    # Binomial(200, 0.3): P(X <= 47) = 0.0249 < 2.5% <= P(X <= 48), so 47 events are
    # unusually low and 48 are not; P(X >= 73) = 0.028 and P(X >= 74) = 0.020, so 74 are
    # unusually high and 73 are not. The 95% limits lie between those counts.
    assert scipy_stats.binom.ppf(0.025, 200, 0.3) == 48
    assert scipy_stats.binom.isf(0.025, 200, 0.3) == 73
    lower, upper = funnel_proportion_limits(0.3, 200, 0.95)
    assert 47 < float(lower) * 200 < 48
    assert 73 < float(upper) * 200 < 74


# --- proportions: edges and inputs ------------------------------------------------------------


def test_small_denominators_reach_zero_and_one() -> None:
    # With 10 cases and a target of 30%, no count is unusually low at 99.8%: 0.7^10 = 2.8%.
    lower, upper = funnel_proportion_limits(0.3, [1, 10], 0.998)
    assert_array_equal(lower, [0.0, 0.0])
    assert float(upper[0]) == 1.0
    assert float(upper[1]) < 1.0


def test_targets_of_zero_and_one_close_the_funnel() -> None:
    lower, upper = funnel_proportion_limits([0.0, 1.0], [50, 50])
    assert_array_equal(lower, [0.0, 1.0])
    assert_array_equal(upper, [0.0, 1.0])


def test_proportion_limits_missing_and_zero_denominators_give_nan() -> None:
    lower, upper = funnel_proportion_limits(
        pd.Series([0.3, np.nan, 0.3, 0.3]), pd.Series([0, 10, np.nan, 10], dtype="Float64")
    )
    assert np.isnan(lower[:3]).all()
    assert np.isnan(upper[:3]).all()
    assert not np.isnan(lower[3])


@pytest.mark.parametrize(
    ("target", "n", "confidence", "message"),
    [
        (1.2, 10, 0.95, "between 0 and 1"),
        (-0.1, 10, 0.95, "between 0 and 1"),
        (0.3, -5, 0.95, "must not be negative"),
        (0.3, 10, 1.0, "confidence"),
    ],
)
def test_proportion_limits_reject_impossible_inputs(
    target: float, n: float, confidence: float, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        funnel_proportion_limits(target, n, confidence)


# --- rates: reference values -------------------------------------------------------------------


@pytest.mark.parametrize("confidence", FUNNEL_LEVELS)
@pytest.mark.parametrize("n", DENOMINATORS)
@pytest.mark.parametrize("multiplier", [1, 1000])
def test_rate_limits_pass_through_whole_counts_where_the_exact_poisson_interval_touches(
    n: int, confidence: float, multiplier: int
) -> None:
    # PHEindicatormethods' poisson_funnel: for x events, the expected count whose exact
    # Poisson probability of x or fewer (x or more) events is alpha/2 is the chi-square
    # limit; the funnel passes through x/n at the matching target.
    a = tail(confidence)
    x = np.array([1, 3, 9, 10, 25, 140, 2000])
    exact_upper = scipy_stats.chi2.ppf(1 - a, 2 * x + 2) / 2
    exact_lower = scipy_stats.chi2.ppf(a, 2 * x) / 2
    lower, _ = funnel_rate_limits(exact_upper / n * multiplier, n, confidence,
                                  multiplier=multiplier)  # fmt: skip
    _, upper = funnel_rate_limits(exact_lower / n * multiplier, n, confidence,
                                  multiplier=multiplier)  # fmt: skip
    assert_allclose(lower, x / n * multiplier, rtol=RELATIVE)
    assert_allclose(upper, x / n * multiplier, rtol=RELATIVE)


@pytest.mark.parametrize("confidence", FUNNEL_LEVELS)
@pytest.mark.parametrize("n", DENOMINATORS)
@pytest.mark.parametrize("rate", [0.002, 0.05, 0.8, 3.0])
def test_whole_counts_beyond_the_rate_limits_are_those_the_exact_poisson_test_rejects(
    rate: float, n: int, confidence: float
) -> None:
    a = tail(confidence)
    expected = rate * n
    counts = np.arange(int(expected + 12 * np.sqrt(expected) + 40))
    lower, upper = funnel_rate_limits(rate * 1000, n, confidence, multiplier=1000)
    assert_array_equal(counts / n * 1000 < lower, scipy_stats.poisson.cdf(counts, expected) < a)
    assert_array_equal(counts / n * 1000 > upper,
                       scipy_stats.poisson.sf(counts - 1, expected) < a)  # fmt: skip


def test_rate_limits_at_a_worked_point() -> None:
    # 5 per 1,000 in 1,000 people: 5 expected events. P(X >= 14) = 0.00047 and
    # P(X >= 13) = 0.0014, so the 99.8% upper limit lies between 13 and 14 per 1,000.
    lower, upper = funnel_rate_limits(5.0, 1000, 0.998, multiplier=1000)
    assert float(lower) == 0.0  # P(X = 0) = e^-5 = 0.0067 is not unusual at 0.1%
    assert 13.0 < float(upper) < 14.0
    assert scipy_stats.poisson.sf(13, 5) < 0.001 < scipy_stats.poisson.sf(12, 5)


def test_rate_limits_edges_and_inputs() -> None:
    lower, upper = funnel_rate_limits([0.0, 2.0, 2.0], [100, 0, np.nan])
    assert_array_equal(lower[:1], [0.0])
    assert_array_equal(upper[:1], [0.0])
    assert np.isnan(lower[1:]).all()
    assert np.isnan(upper[1:]).all()
    with pytest.raises(ValueError, match="target_rate"):
        funnel_rate_limits(-1.0, 100)
    with pytest.raises(ValueError, match="multiplier"):
        funnel_rate_limits(1.0, 100, multiplier=-1000)


# --- properties -----------------------------------------------------------------------------


def at_most(smaller: np.ndarray, larger: np.ndarray) -> bool:
    return bool(np.all(smaller <= larger + RELATIVE * np.abs(larger) + 1e-15))


@settings(max_examples=200, deadline=None)
@given(funnel_targets, nested_denominators(), st.sampled_from(FUNNEL_LEVELS))
def test_proportion_limits_widen_as_the_denominator_shrinks(
    target: float, denominators: tuple[int, int], confidence: float
) -> None:
    lower, upper = funnel_proportion_limits(target, list(denominators), confidence)
    assert at_most(lower[0], lower[1])
    assert at_most(upper[1], upper[0])


@settings(max_examples=200, deadline=None)
@given(funnel_targets, st.integers(min_value=1, max_value=10_000_000))
def test_the_target_lies_inside_every_proportion_limit_within_zero_and_one(
    target: float, n: int
) -> None:
    lower95, upper95 = funnel_proportion_limits(target, n, 0.95)
    lower998, upper998 = funnel_proportion_limits(target, n, 0.998)
    assert 0.0 <= lower998 <= lower95 <= target <= upper95 <= upper998 <= 1.0
    if 0 < target < 1:
        assert lower95 < target < upper95


@settings(max_examples=200, deadline=None)
@given(funnel_rate_targets, nested_denominators(), st.sampled_from(FUNNEL_LEVELS))
def test_rate_limits_widen_as_the_denominator_shrinks(
    target: tuple[float, int], denominators: tuple[int, int], confidence: float
) -> None:
    rate, multiplier = target
    lower, upper = funnel_rate_limits(rate, list(denominators), confidence,
                                      multiplier=multiplier)  # fmt: skip
    assert at_most(lower[0], lower[1])
    assert at_most(upper[1], upper[0])


@settings(max_examples=200, deadline=None)
@given(funnel_rate_targets, st.integers(min_value=1, max_value=10_000_000))
def test_the_target_lies_inside_every_rate_limit(target: tuple[float, int], n: int) -> None:
    rate, multiplier = target
    lower95, upper95 = funnel_rate_limits(rate, n, 0.95, multiplier=multiplier)
    lower998, upper998 = funnel_rate_limits(rate, n, 0.998, multiplier=multiplier)
    assert 0.0 <= lower998 <= lower95 <= rate <= upper95 <= upper998
    if rate > 0:
        assert lower95 < rate < upper95


# --- positions ------------------------------------------------------------------------------


def test_positions_name_the_band_and_a_point_on_a_limit_is_within() -> None:
    values = [0.5, 0.4, 0.38, 0.35, 0.3, 0.25, 0.22, 0.1, np.nan]
    positions = funnel_position(values, 0.25, 0.35, 0.2, 0.4)
    assert positions.tolist() == [
        "above 99.8%", "above 95%", "above 95%", "within", "within", "within",
        "below 95%", "below 99.8%", "not_compared",
    ]  # fmt: skip
    assert set(positions) <= set(FUNNEL_POSITIONS)


def test_positions_without_limits_are_not_compared() -> None:
    positions = funnel_position([0.3, 0.3], [np.nan, 0.25], [0.35, 0.35], [0.2, 0.2],
                                [0.4, np.nan])  # fmt: skip
    assert positions.tolist() == ["not_compared", "not_compared"]


# --- overdispersion (Spiegelhalter 2005, section 4) ---------------------------------------


def _simulated(
    seed: int, areas: int, target: float, spread: float
) -> tuple[np.ndarray, np.ndarray]:
    """Percentages of ``areas`` areas: binomial around the target when ``spread`` is 0, else
    around area-level true values drawn with that standard deviation (overdispersed)."""
    rng = np.random.default_rng(seed)
    n = rng.integers(200, 5_000, areas).astype(float)
    truth = np.clip(rng.normal(target, spread, areas), 0.01, 0.99) if spread else target
    return rng.binomial(n.astype(int), truth) / n * 100, n


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.floats(0.1, 0.9))
def test_points_spread_by_chance_alone_are_rarely_called_overdispersed(
    seed: int, target: float
) -> None:
    values, n = _simulated(seed, 32, target, 0.0)
    found = funnel_overdispersion(values, n, target * 100, kind="proportion", multiplier=100)
    assert found.units == 32
    # Winsorising shrinks phi below 1 under the null, so 2 is far beyond chance.
    assert found.phi < 2
    assert found.tau2 == 0.0 or found.overdispersed


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.floats(0.2, 0.8))
def test_areas_that_truly_differ_are_overdispersed_and_widen_the_funnel(
    seed: int, target: float
) -> None:
    values, n = _simulated(seed, 32, target, 0.08)
    found = funnel_overdispersion(values, n, target * 100, kind="proportion", multiplier=100)
    assert found.overdispersed
    assert found.phi > 1
    assert found.tau2 > 0
    axis = np.geomspace(50, 50_000, 20)
    wide = funnel_random_effects_limits(target * 100, axis, found.tau2, 0.998,
                                        kind="proportion", multiplier=100)  # fmt: skip
    narrow = funnel_random_effects_limits(target * 100, axis, 0.0, 0.998,
                                          kind="proportion", multiplier=100)  # fmt: skip
    assert np.all(wide[0] <= narrow[0])
    assert np.all(wide[1] >= narrow[1])
    # However large the denominator, the limits keep the between-area spread.
    z = scipy_stats.norm.isf(0.001)
    reach = z * np.sqrt(found.tau2) * 0.999
    assert wide[1][-1] == 100 or wide[1][-1] - target * 100 >= reach
    assert wide[0][-1] == 0 or target * 100 - wide[0][-1] >= reach


def test_without_overdispersion_the_limits_are_the_normal_approximation() -> None:
    target, n = 30.0, np.array([100.0, 1_000.0, 10_000.0])
    lower, upper = funnel_random_effects_limits(target, n, 0.0, 0.95, kind="proportion",
                                                multiplier=100)  # fmt: skip
    spread = np.sqrt(0.3 * 0.7 / n) * 100
    z = scipy_stats.norm.isf(0.025)
    assert_allclose(lower, target - z * spread)
    assert_allclose(upper, target + z * spread)
    rate_lower, rate_upper = funnel_random_effects_limits(
        5.0, n, 0.0, 0.95, kind="rate", multiplier=1_000
    )
    assert_allclose(rate_upper - 5.0, z * np.sqrt(5.0 * 1_000 / n))
    assert np.all(rate_lower >= 0)


def test_overdispersion_follows_the_papers_formulas_on_hand_worked_numbers() -> None:
    values = np.array([30.0, 45.0, 20.0, 38.0, 60.0, 25.0, 36.0, 41.0, 33.0, 29.0])
    n = np.array([900.0, 400.0, 1_200.0, 700.0, 300.0, 1_000.0, 800.0, 500.0, 650.0, 1_100.0])
    found = funnel_overdispersion(values, n, 36.0, kind="proportion", multiplier=100,
                                  winsorise=0.1)  # fmt: skip
    spread = np.sqrt(0.36 * 0.64 / n) * 100
    z = (values - 36.0) / spread
    low, high = np.quantile(z, [0.1, 0.9])
    winsorised = np.clip(z, low, high)
    phi = np.mean(winsorised**2)
    weight = 1 / spread**2
    tau2 = (10 * phi - 9) / (weight.sum() - (weight**2).sum() / weight.sum())
    assert found.phi == pytest.approx(phi, rel=1e-12)
    assert found.overdispersed == bool(10 * phi > scipy_stats.chi2.ppf(0.95, 9))
    assert found.tau2 == pytest.approx(tau2 if found.overdispersed else 0.0, rel=1e-12)


@pytest.mark.parametrize(
    ("values", "n", "target"),
    [([], [], 30.0), ([30.0], [100.0], 30.0), ([np.nan, 20.0], [100.0, 0.0], 30.0),
     ([0.0, 0.0, 0.0], [10.0, 20.0, 30.0], 0.0), ([10.0, 20.0], [10.0, 20.0], np.nan),
     ([150.0, 120.0], [10.0, 20.0], 130.0)],
)  # fmt: skip
def test_too_few_points_or_no_spread_say_not_overdispersed(
    values: list[float], n: list[float], target: float
) -> None:
    found = funnel_overdispersion(values, n, target, kind="proportion", multiplier=100)
    assert not found.overdispersed
    assert found.tau2 == 0.0


def test_overdispersion_refuses_a_bad_winsorisation_or_kind() -> None:
    with pytest.raises(ValueError, match="winsorise"):
        funnel_overdispersion([1.0, 2.0], [10.0, 10.0], 1.5, kind="rate", winsorise=0.5)
    with pytest.raises(ValueError, match="kind"):
        funnel_overdispersion([1.0, 2.0], [10.0, 10.0], 1.5, kind="mean")
    with pytest.raises(ValueError, match="tau2"):
        funnel_random_effects_limits(1.5, [10.0], -1.0, kind="rate")
