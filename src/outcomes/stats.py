"""Confidence intervals, tests for trend, control-chart signals and funnel-plot limits.

Confidence intervals cover indicator values and changes between periods; the
trend tests and :func:`spc_signals` look along time series, one row per series
(for example 32 areas by 5 periods), with periods in time order on the last axis;
the funnel-plot limits compare each area with a target (Scotland) given its size.

Every function works on whole columns at once: numpy arrays, pandas Series or
scalars go in (broadcast against each other), float64 numpy arrays come out
(flags as bool arrays, trend directions as int64 arrays of -1, 0 and +1).
Missing values (NaN, ``None``, ``pd.NA``) give NaN bounds rather than an error,
so one unreported area never stops a national run. Inputs that cannot be right
(a confidence outside (0, 1), negative counts, more events than the denominator)
raise :class:`ValueError`.

The normal quantile is always taken from the exact confidence level requested,
never a rounded 1.96.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Final, NamedTuple

import attrs
import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import special

__all__ = [
    "FUNNEL_LEVELS",
    "FUNNEL_POSITIONS",
    "FUNNEL_WINSORISE",
    "OVERDISPERSION_CONFIDENCE",
    "TREND_CONFIDENCE",
    "TREND_PERIODS",
    "Overdispersion",
    "SpcSignals",
    "funnel_overdispersion",
    "funnel_position",
    "funnel_proportion_limits",
    "funnel_random_effects_limits",
    "funnel_rate_limits",
    "mean_change_ci",
    "mean_ci",
    "mover_ci",
    "newcombe_ci",
    "poisson_ci",
    "proportion_trend_test",
    "rate_change_ci",
    "rate_ci",
    "rate_trend_test",
    "spc_signals",
    "wilson_ci",
]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
SignArray = NDArray[np.int64]

# Below this many events the exact (chi-square) Poisson limits are used; from it
# upward Byar's approximation, as PHE Fingertips and PHEindicatormethods do.
BYAR_MINIMUM_EVENTS: Final = 10

# Trend tests are judged at 99.8% by default, as PHE Fingertips' trend markers are.
TREND_CONFIDENCE: Final = 0.998
#: A trend is judged over this many consecutive periods.
TREND_PERIODS: Final = 5

# XmR chart constants (Wheeler & Chambers 1992): d2 = 1.128 for moving ranges of two,
# so sigma = mean moving range / 1.128 and the 3-sigma limits sit 3 / 1.128 ≈ 2.66
# mean moving ranges from the centre line.
XMR_LIMIT_FACTOR: Final = 2.66
XMR_D2: Final = 1.128
SPC_RUN_LENGTH: Final = 7


def _as_float_array(values: ArrayLike) -> FloatArray:
    """Turn arrays, Series, lists or scalars into float64, with missing values as NaN."""
    if isinstance(values, pd.Series | pd.Index | pd.DataFrame):
        # Nullable pandas dtypes (Int64, Float64) hold pd.NA, which numpy cannot cast.
        return values.to_numpy(dtype=np.float64, na_value=np.nan)
    return np.asarray(values, dtype=np.float64)


def _z_for(confidence: float) -> float:
    """Two-sided standard normal quantile for ``confidence``, after checking it."""
    alpha = _alpha_for(confidence)
    # isf(alpha/2) is ppf(1 - alpha/2) without rounding 1 - alpha/2 to 1 when alpha is tiny.
    return float(_normal_isf(alpha / 2))


# The quantiles are scipy.special's functions that scipy.stats' distributions call (norm,
# t and chi2 give the same bits; tests/test_stats.py checks): scipy.stats itself takes
# half a second to import, a quarter of a short command's time.
def _normal_isf(upper_tail: float) -> float:
    """The standard normal quantile with ``upper_tail`` above it (``norm.isf``)."""
    return float(-special.ndtri(upper_tail))


def _t_isf(upper_tail: float, degrees_of_freedom: NDArray[np.float64]) -> NDArray[np.float64]:
    """Student's t quantile with ``upper_tail`` above it (``t.isf``); NaN for NaN or
    non-positive degrees of freedom."""
    return np.asarray(-special.stdtrit(degrees_of_freedom, upper_tail), dtype=np.float64)


def _alpha_for(confidence: float) -> float:
    """``1 - confidence``, after checking that ``confidence`` lies strictly in (0, 1)."""
    level = float(confidence)
    if not 0 < level < 1:
        raise ValueError(f"confidence must lie strictly between 0 and 1, got {confidence!r}")
    return 1 - level


def _reject_negative(values: FloatArray, name: str) -> None:
    # NaN compares False, so missing values pass through to become NaN bounds.
    if np.any(values < 0):
        raise ValueError(f"{name} must not be negative, got {float(values[values < 0][0])}")


def _wilson_bounds(
    events: FloatArray, trials: FloatArray, z: float
) -> tuple[FloatArray, FloatArray]:
    """Wilson score limits for already checked, broadcast-compatible inputs."""
    # A zero denominator has no proportion: NaN here keeps the arithmetic warning-free.
    trials_known = np.where(trials == 0, np.nan, trials)
    proportion = events / trials_known
    z_squared = z * z
    shrink = 1 + z_squared / trials_known
    centre = (proportion + z_squared / (2 * trials_known)) / shrink
    half_width = (z / shrink) * np.sqrt(
        proportion * (1 - proportion) / trials_known + z_squared / (4 * trials_known**2)
    )
    # In exact arithmetic the limits are 0 at x = 0 and 1 at x = n; rounding can miss
    # by an ulp, and a published "upper 1.0000001" looks like a bug.
    lower = np.where(events == 0, 0.0, np.clip(centre - half_width, 0.0, 1.0))
    upper = np.where(events == trials, 1.0, np.clip(centre + half_width, 0.0, 1.0))
    missing = np.isnan(proportion)
    return (
        np.asarray(np.where(missing, np.nan, lower), dtype=np.float64),
        np.asarray(np.where(missing, np.nan, upper), dtype=np.float64),
    )


def _checked_proportion_inputs(x: ArrayLike, n: ArrayLike) -> tuple[FloatArray, FloatArray]:
    events, trials = np.broadcast_arrays(_as_float_array(x), _as_float_array(n))
    _reject_negative(events, "x (events)")
    _reject_negative(trials, "n (denominator)")
    too_many = events > trials
    if np.any(too_many):
        raise ValueError(
            f"x (events) must not exceed n (denominator), got x = {float(events[too_many][0])} "
            f"with n = {float(trials[too_many][0])}"
        )
    return events, trials


def wilson_ci(
    x: ArrayLike, n: ArrayLike, confidence: float = 0.95
) -> tuple[FloatArray, FloatArray]:
    """Confidence interval for the proportion ``x / n`` by Wilson's score method.

    The interval is the set of proportions that a score test would not reject
    (Wilson 1927; method 3 in Newcombe 1998, *Statistics in Medicine* 17:857-872).
    Unlike the Wald interval it stays within [0, 1] and is sensible for 0 or n
    events: ``x = 0`` gives a lower limit of exactly 0 and ``x = n`` an upper limit
    of exactly 1. ``n = 0`` or a missing value gives NaN.

    Returns ``(lower, upper)`` as float arrays broadcast from ``x`` and ``n``.

    >>> lower, upper = wilson_ci([3, 0, 10], [10, 10, 10])
    >>> lower.round(4).tolist(), upper.round(4).tolist()
    ([0.1078, 0.0, 0.7225], [0.6032, 0.2775, 1.0])
    """
    z = _z_for(confidence)
    events, trials = _checked_proportion_inputs(x, n)
    return _wilson_bounds(events, trials, z)


def poisson_ci(x: ArrayLike, confidence: float = 0.95) -> tuple[FloatArray, FloatArray]:
    """Confidence interval for the expected value of a count of ``x`` events.

    Below 10 events the limits are exact, from the chi-square distribution:
    lower = χ²(alpha/2; 2x) / 2 and upper = χ²(1 - alpha/2; 2x + 2) / 2, with lower = 0 for
    0 events. From 10 events upward Byar's approximation is used (Breslow & Day
    1987), exactly as in Public Health England's *Technical Guide: Confidence
    Intervals* and PHEindicatormethods:
    lower = x (1 - 1/(9x) - z/(3√x))³ and
    upper = (x + 1) (1 - 1/(9(x + 1)) + z/(3√(x + 1)))³.

    Returns ``(lower, upper)``; a missing count gives NaN.

    >>> lower, upper = poisson_ci([0, 5, 20])
    >>> lower.round(4).tolist(), upper.round(4).tolist()
    ([0.0, 1.6235, 12.2114], [3.6889, 11.6683, 30.8899])
    """
    alpha = _alpha_for(confidence)
    z = _z_for(confidence)
    events = _as_float_array(x)
    _reject_negative(events, "x (events)")
    return _poisson_bounds(events, alpha, z)


def _poisson_bounds(events: FloatArray, alpha: float, z: float) -> tuple[FloatArray, FloatArray]:
    """Exact or Byar limits for already checked counts.

    Each method is evaluated only where it applies (so scipy and numpy see no domain
    they warn about: chi-square with 0 degrees of freedom, 1/0 in Byar's formula), and
    the exact limits once per distinct count: at national scale there are millions of
    counts but only ten counts below ten. Missing counts give NaN."""
    lower = np.full(events.shape, np.nan)
    upper = np.full(events.shape, np.nan)
    use_exact = events < BYAR_MINIMUM_EVENTS
    if use_exact.any():
        counts, inverse = np.unique(events[use_exact], return_inverse=True)
        positive = np.where(counts > 0, counts, 1.0)
        exact_lower = np.where(counts == 0, 0.0, special.gammaincinv(positive, alpha / 2))
        # isf(alpha/2) is ppf(1 - alpha/2), computed without first rounding 1 - alpha/2.
        exact_upper = np.asarray(special.chdtri(2 * counts + 2, alpha / 2) / 2)
        lower[use_exact] = exact_lower[inverse.reshape(-1)]
        upper[use_exact] = exact_upper[inverse.reshape(-1)]
    use_byar = events >= BYAR_MINIMUM_EVENTS
    byar_events = events[use_byar]
    lower[use_byar] = (
        byar_events * (1 - 1 / (9 * byar_events) - z / (3 * np.sqrt(byar_events))) ** 3
    )
    after = byar_events + 1
    upper[use_byar] = after * (1 - 1 / (9 * after) + z / (3 * np.sqrt(after))) ** 3
    return lower, upper


def rate_ci(
    x: ArrayLike, n: ArrayLike, multiplier: ArrayLike = 1, confidence: float = 0.95
) -> tuple[FloatArray, FloatArray]:
    """Confidence interval for the rate ``x / n * multiplier``, treating ``x`` as Poisson.

    The limits are those of :func:`poisson_ci` on the count (exact below 10
    events, Byar's method from 10; PHE *Technical Guide: Confidence Intervals*),
    divided by the denominator ``n`` and scaled by ``multiplier`` (for example
    1000 for a rate per 1,000). ``n = 0`` or a missing value gives NaN.

    >>> lower, upper = rate_ci([5, 20], [2000, 4000], multiplier=1000)
    >>> lower.round(4).tolist(), upper.round(4).tolist()
    ([0.8117, 3.0529], [5.8342, 7.7225])
    """
    alpha = _alpha_for(confidence)
    z = _z_for(confidence)
    events, denominator, scale = np.broadcast_arrays(
        _as_float_array(x), _as_float_array(n), _as_float_array(multiplier)
    )
    _reject_negative(events, "x (events)")
    _reject_negative(denominator, "n (denominator)")
    count_lower, count_upper = _poisson_bounds(events, alpha, z)
    per_unit = scale / np.where(denominator == 0, np.nan, denominator)
    return (
        np.asarray(count_lower * per_unit, dtype=np.float64),
        np.asarray(count_upper * per_unit, dtype=np.float64),
    )


def mean_ci(
    mean: ArrayLike, sd: ArrayLike, n: ArrayLike, confidence: float = 0.95
) -> tuple[FloatArray, FloatArray]:
    """Confidence interval for a mean from its sample standard deviation and size.

    Student's t interval: mean ± t(1 - alpha/2; n - 1) * sd / √n (Student 1908; PHE
    *Technical Guide: Confidence Intervals*, "Means"). Fewer than 2 observations
    give NaN, as does any missing value.

    >>> lower, upper = mean_ci([12.0, 30.5], [4.0, 9.0], [25, 100])
    >>> lower.round(4).tolist(), upper.round(4).tolist()
    ([10.3489, 28.7142], [13.6511, 32.2858])
    """
    alpha = _alpha_for(confidence)
    centre, spread, size = np.broadcast_arrays(
        _as_float_array(mean), _as_float_array(sd), _as_float_array(n)
    )
    _reject_negative(spread, "sd (standard deviation)")
    _reject_negative(size, "n (number of observations)")
    size_usable = np.where(size >= 2, size, np.nan)
    t_quantile = _t_isf(alpha / 2, size_usable - 1)
    half_width = t_quantile * spread / np.sqrt(size_usable)
    return (
        np.asarray(centre - half_width, dtype=np.float64),
        np.asarray(centre + half_width, dtype=np.float64),
    )


def mover_ci(
    first: tuple[FloatArray, FloatArray, FloatArray],
    second: tuple[FloatArray, FloatArray, FloatArray],
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Difference of two estimates with the MOVER interval built from each one's own
    ``(estimate, lower, upper)`` limits (Newcombe 1998; Zou & Donner 2008).

    Returns ``(difference, lower, upper)``; the estimates are independent.

    >>> import numpy as np
    >>> d, low, high = mover_ci((np.array([0.5]), np.array([0.4]), np.array([0.6])),
    ...                         (np.array([0.3]), np.array([0.2]), np.array([0.4])))
    >>> float(d[0]), bool(low[0] < d[0] < high[0])
    (0.2, True)
    """
    estimate1, lower1, upper1 = first
    estimate2, lower2, upper2 = second
    difference = estimate1 - estimate2
    lower = difference - np.hypot(estimate1 - lower1, upper2 - estimate2)
    upper = difference + np.hypot(upper1 - estimate1, estimate2 - lower2)
    return (
        np.asarray(difference, dtype=np.float64),
        np.asarray(lower, dtype=np.float64),
        np.asarray(upper, dtype=np.float64),
    )


def newcombe_ci(
    x1: ArrayLike,
    n1: ArrayLike,
    x2: ArrayLike,
    n2: ArrayLike,
    confidence: float = 0.95,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Difference ``x1/n1 - x2/n2`` of two independent proportions, with its interval.

    Newcombe's hybrid score interval (Newcombe 1998, *Statistics in Medicine*
    17:873-890, method 10) combines the Wilson intervals (l1, u1) and (l2, u2) of
    the two proportions: with D = p1 - p2,
    lower = D - √((p1 - l1)² + (u2 - p2)²) and
    upper = D + √((u1 - p1)² + (p2 - l2)²).
    It stays within [-1, 1] and behaves well with 0 or n events. Use it for the
    change in a proportion between two periods. A zero denominator or a missing
    value gives NaN.

    Returns ``(difference, lower, upper)``.

    >>> difference, lower, upper = newcombe_ci([56, 9], [70, 10], [48, 3], [80, 10])
    >>> difference.round(4).tolist(), lower.round(4).tolist(), upper.round(4).tolist()
    ([0.2, 0.6], [0.0524, 0.1705], [0.3339, 0.809])
    """
    z = _z_for(confidence)
    first_events, first_trials, second_events, second_trials = np.broadcast_arrays(
        _as_float_array(x1), _as_float_array(n1), _as_float_array(x2), _as_float_array(n2)
    )
    first_events, first_trials = _checked_proportion_inputs(first_events, first_trials)
    second_events, second_trials = _checked_proportion_inputs(second_events, second_trials)
    first_lower, first_upper = _wilson_bounds(first_events, first_trials, z)
    second_lower, second_upper = _wilson_bounds(second_events, second_trials, z)
    first = first_events / np.where(first_trials == 0, np.nan, first_trials)
    second = second_events / np.where(second_trials == 0, np.nan, second_trials)
    return mover_ci((first, first_lower, first_upper), (second, second_lower, second_upper))


# Positional, one column per argument, like newcombe_ci: the results engine calls it so.
def rate_change_ci(  # noqa: PLR0917
    x1: ArrayLike,
    n1: ArrayLike,
    x2: ArrayLike,
    n2: ArrayLike,
    multiplier: ArrayLike = 1,
    confidence: float = 0.95,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Difference ``(x1/n1 - x2/n2) * multiplier`` of two independent rates, with its interval.

    MOVER, the method of variance estimates recovery (Zou & Donner 2008, "Construction
    of confidence limits about effect measures: a general approach", *Statistics in
    Medicine* 27:1693-1702), applied to the intervals (l1, u1) and (l2, u2) that
    :func:`rate_ci` gives each rate (exact Poisson limits below 10 events, Byar's
    method from 10). With rates r1, r2 and D = r1 - r2,
    lower = D - √((r1 - l1)² + (u2 - r2)²) and
    upper = D + √((u1 - r1)² + (r2 - l2)²).
    This is Newcombe's construction for proportions with Poisson limits in place of
    Wilson's: it keeps the skew of each rate's interval at small counts, and for large
    counts it tends to the Wald interval D ± z √(x1/n1² + x2/n2²) × multiplier. Use it
    for the change in a rate between two periods. A zero denominator or a missing
    value gives NaN.

    Returns ``(difference, lower, upper)``.

    >>> difference, lower, upper = rate_change_ci(
    ...     [30, 4], [10_000, 1_000], [18, 1], [9_000, 1_000], multiplier=1000
    ... )
    >>> difference.round(4).tolist(), lower.round(4).tolist(), upper.round(4).tolist()
    ([1.0, 3.0], [-0.517, -2.4193], [2.52, 9.3172])
    """
    alpha = _alpha_for(confidence)
    z = _z_for(confidence)
    first_events, first_exposure, second_events, second_exposure, scale = np.broadcast_arrays(
        _as_float_array(x1),
        _as_float_array(n1),
        _as_float_array(x2),
        _as_float_array(n2),
        _as_float_array(multiplier),
    )
    _reject_negative(first_events, "x1 (events)")
    _reject_negative(first_exposure, "n1 (denominator)")
    _reject_negative(second_events, "x2 (events)")
    _reject_negative(second_exposure, "n2 (denominator)")
    _reject_negative(scale, "multiplier")
    first_per_event = scale / np.where(first_exposure == 0, np.nan, first_exposure)
    second_per_event = scale / np.where(second_exposure == 0, np.nan, second_exposure)
    first_lower, first_upper = _poisson_bounds(first_events, alpha, z)
    second_lower, second_upper = _poisson_bounds(second_events, alpha, z)
    return mover_ci(
        (first_events * first_per_event, first_lower * first_per_event,
         first_upper * first_per_event),
        (second_events * second_per_event, second_lower * second_per_event,
         second_upper * second_per_event),
    )  # fmt: skip


def mean_change_ci(  # noqa: PLR0917
    mean1: ArrayLike,
    sd1: ArrayLike,
    n1: ArrayLike,
    mean2: ArrayLike,
    sd2: ArrayLike,
    n2: ArrayLike,
    confidence: float = 0.95,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Difference ``mean1 - mean2`` of two independent means, with Welch's interval.

    Welch's t interval (Welch 1947, *Biometrika* 34:28-35), which does not assume
    equal variances: with v1 = sd1²/n1 and v2 = sd2²/n2,
    D ± t(1 - alpha/2; df) √(v1 + v2), where df is the Welch-Satterthwaite degrees of
    freedom (v1 + v2)² / (v1²/(n1 - 1) + v2²/(n2 - 1)) (Satterthwaite 1946,
    *Biometrics Bulletin* 2:110-114). Standard deviations are sample ones (divisor
    n - 1). If both are 0 the interval has zero width, as :func:`mean_ci` does. Fewer
    than 2 observations in either group, or a missing value, gives NaN.

    Returns ``(difference, lower, upper)``.

    >>> difference, lower, upper = mean_change_ci([12.0], [4.0], [25], [10.5], [6.0], [40])
    >>> difference.round(4).tolist(), lower.round(4).tolist(), upper.round(4).tolist()
    ([1.5], [-0.9801], [3.9801])
    """
    alpha = _alpha_for(confidence)
    first_mean, first_sd, first_size, second_mean, second_sd, second_size = np.broadcast_arrays(
        _as_float_array(mean1),
        _as_float_array(sd1),
        _as_float_array(n1),
        _as_float_array(mean2),
        _as_float_array(sd2),
        _as_float_array(n2),
    )
    _reject_negative(first_sd, "sd1 (standard deviation)")
    _reject_negative(second_sd, "sd2 (standard deviation)")
    _reject_negative(first_size, "n1 (number of observations)")
    _reject_negative(second_size, "n2 (number of observations)")
    first_size = np.where(first_size >= 2, first_size, np.nan)
    second_size = np.where(second_size >= 2, second_size, np.nan)
    first_variance = first_sd**2 / first_size
    second_variance = second_sd**2 / second_size
    total_variance = first_variance + second_variance
    no_spread = total_variance == 0
    # Written with variance shares, which lie in [0, 1], the degrees of freedom cannot
    # underflow to 0/0 however small the standard deviations are.
    safe_total = np.where(no_spread, 1.0, total_variance)
    first_share = first_variance / safe_total
    second_share = second_variance / safe_total
    inverse_df = first_share**2 / (first_size - 1) + second_share**2 / (second_size - 1)
    degrees_of_freedom = 1 / np.where(no_spread, 1.0, inverse_df)
    t_quantile = _t_isf(alpha / 2, degrees_of_freedom)
    half_width = np.where(no_spread, 0.0, t_quantile * np.sqrt(total_variance))
    difference = first_mean - second_mean
    return (
        np.asarray(difference, dtype=np.float64),
        np.asarray(difference - half_width, dtype=np.float64),
        np.asarray(difference + half_width, dtype=np.float64),
    )


def _trend_sums(
    events: FloatArray, denominators: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, BoolArray]:
    """Sums shared by the trend tests, for scores 0, 1, ..., k - 1 along the last axis.

    Returns ``(N, X, A, B, usable)`` per series, where N = Σn and X = Σx are the totals,
    A = N Σtx - X Σtn is N times the score statistic Σt(x - nX/N), and
    B = N Σnt² - (Σnt)² is N times the n-weighted sum of squares of the scores.
    Written this way every product is of whole numbers when the counts are, so A is
    exact and its sign (the direction of the trend) flips exactly when time is reversed.
    """
    if events.ndim == 0:
        raise ValueError("trend tests need an array with periods along its last axis")
    periods = events.shape[-1]
    complete = ~np.any(np.isnan(events) | np.isnan(denominators), axis=-1)
    # A period with no denominator has no proportion or rate, so the series is incomplete.
    usable = complete & ~np.any(denominators == 0, axis=-1) & (periods >= 2)
    events = np.where(usable[..., np.newaxis], events, 0.0)
    denominators = np.where(usable[..., np.newaxis], denominators, 1.0)
    scores = np.arange(periods, dtype=np.float64)
    total_denominator = denominators.sum(axis=-1)
    total_events = events.sum(axis=-1)
    # Sums of products by einsum's own loop, not ``@``: a matrix product calls BLAS, whose
    # threads then spin on every core for a while, slowing whatever runs next.
    score_denominator = np.einsum("...k,k->...", denominators, scores)
    score_events = np.einsum("...k,k->...", events, scores)
    score_statistic = total_denominator * score_events - total_events * score_denominator
    score_spread = total_denominator * np.einsum("...k,k->...", denominators, scores**2)
    score_spread -= score_denominator**2
    return total_denominator, total_events, score_statistic, score_spread, usable


def _trend_result(
    statistic: FloatArray, score_statistic: FloatArray, usable: BoolArray, alpha: float
) -> tuple[FloatArray, FloatArray, BoolArray, SignArray]:
    """Chi-square (1 df) p-values, significance and direction from a trend statistic."""
    statistic = np.where(usable, statistic, np.nan)
    # The chi-square survival function with one degree of freedom is erfc(sqrt(x / 2)):
    # the same values as scipy.stats.chi2.sf(x, 1) (to 1e-13) at a fiftieth of the cost,
    # which matters over millions of five-year windows.
    with np.errstate(invalid="ignore"):
        p_value = np.clip(special.erfc(np.sqrt(statistic / 2.0)), 0.0, 1.0)
    significant = p_value < alpha  # NaN compares False
    signed = usable & np.isfinite(score_statistic)
    slope_sign = np.where(signed, np.sign(np.where(signed, score_statistic, 0.0)), 0.0)
    slope_sign = slope_sign.astype(np.int64)
    return (
        np.asarray(statistic, dtype=np.float64),
        np.asarray(p_value, dtype=np.float64),
        np.asarray(significant, dtype=np.bool_),
        np.asarray(slope_sign, dtype=np.int64),
    )


def proportion_trend_test(
    x: ArrayLike, n: ArrayLike, confidence: float = TREND_CONFIDENCE
) -> tuple[FloatArray, FloatArray, BoolArray, SignArray]:
    """Cochran-Armitage chi-square test for a linear trend in proportions over time.

    ``x`` and ``n`` are shaped (series, periods), periods in time order; each series
    is tested along its periods with scores 0, 1, ..., k - 1 (Armitage 1955,
    "Tests for linear trends in proportions and frequencies", *Biometrics*
    11:375-386; Cochran 1954; Agresti, *Categorical Data Analysis*, "Cochran-Armitage
    trend test"). With p̄ = Σx/Σn, T = Σ t(x - n p̄) and
    χ² = T² / (p̄(1 - p̄) [Σ n t² - (Σ n t)² / Σn]) on 1 degree of freedom. This is the
    score test for the slope of a logistic (or linear probability) model and equals
    R's ``prop.trend.test``.

    Returns ``(statistic, p_value, significant, slope_sign)`` per series:
    ``significant`` is p < 1 - confidence (99.8% by default, as Fingertips uses) and
    ``slope_sign`` is +1, -1 or 0 as the proportion rises, falls or is level (the sign
    of T). A series with any missing value or zero denominator, or fewer than 2
    periods, gives NaN statistic and p, not significant, sign 0. A series whose
    proportions are all 0 or all 1 has no variation to test: statistic 0, p 1.

    >>> x = [[10, 14, 18, 25, 30], [20, 21, 19, 21, 20]]
    >>> n = [[100, 100, 100, 100, 100], [100, 100, 100, 100, 100]]
    >>> statistic, p_value, significant, slope_sign = proportion_trend_test(x, n)
    >>> statistic.round(4).tolist(), p_value.round(6).tolist()
    ([16.6343, 0.0], [4.5e-05, 1.0])
    >>> significant.tolist(), slope_sign.tolist()
    ([True, False], [1, 0])
    """
    alpha = _alpha_for(confidence)
    events, trials = _checked_proportion_inputs(x, n)
    total_trials, total_events, score_statistic, score_spread, usable = _trend_sums(events, trials)
    # χ² = A² N / (X (N - X) B) is T² / (p̄(1 - p̄) S) with every term multiplied out.
    outcome_variation = total_events * (total_trials - total_events)
    varies = outcome_variation > 0
    statistic = np.where(
        varies,
        score_statistic**2 * total_trials / np.where(varies, outcome_variation * score_spread, 1.0),
        0.0,
    )
    return _trend_result(statistic, score_statistic, usable, alpha)


def rate_trend_test(
    x: ArrayLike, n: ArrayLike, confidence: float = TREND_CONFIDENCE
) -> tuple[FloatArray, FloatArray, BoolArray, SignArray]:
    """Chi-square test for a linear trend in Poisson rates over time.

    The score test for the slope β in the log-linear Poisson model
    log E[x] = log n + α + β t, with scores t = 0, 1, ..., k - 1 and the denominator
    ``n`` (population or person-time) as offset; it is the chi-square for trend in
    counts with person-time denominators of Breslow & Day (1987, *Statistical Methods
    in Cancer Research* II, IARC, section 3.6). With expected counts E = n Σx/Σn,
    χ² = [Σ t(x - E)]² / [Σ t² E - (Σ t E)² / Σ E] on 1 degree of freedom. It equals
    the Cochran-Armitage statistic times (N - X)/N, so the two agree for rare events.
    Inputs, outputs and conventions are those of :func:`proportion_trend_test`
    (``x`` and ``n`` shaped (series, periods), 99.8% by default); a series with no
    events at all has statistic 0 and p 1. The multiplier of a rate does not change
    the test, so none is taken.

    >>> x = [[40, 45, 52, 60, 71], [9, 7, 8, 10, 9]]
    >>> n = [[20_000, 20_100, 20_300, 20_200, 20_400], [5_000, 5_000, 5_000, 5_000, 5_000]]
    >>> statistic, p_value, significant, slope_sign = rate_trend_test(x, n)
    >>> statistic.round(4).tolist(), significant.tolist(), slope_sign.tolist()
    ([10.3916, 0.1047], [True, False], [1, 1])
    """
    alpha = _alpha_for(confidence)
    events, exposure = np.broadcast_arrays(_as_float_array(x), _as_float_array(n))
    _reject_negative(events, "x (events)")
    _reject_negative(exposure, "n (denominator)")
    _, total_events, score_statistic, score_spread, usable = _trend_sums(events, exposure)
    # χ² = A² / (X B) is U² / I with U = A/N and the profiled information I = X B / N².
    information = total_events * score_spread
    has_events = information > 0
    statistic = np.where(
        has_events, score_statistic**2 / np.where(has_events, information, 1.0), 0.0
    )
    return _trend_result(statistic, score_statistic, usable, alpha)


@attrs.frozen(kw_only=True, eq=False)
class SpcSignals:
    """An XmR (individuals) control chart per series, with the points that signal.

    ``centre``, ``lower_limit`` and ``upper_limit`` have one value per series; the
    four signal arrays are boolean with the shape of the values, one flag per point.
    """

    centre: FloatArray
    lower_limit: FloatArray
    upper_limit: FloatArray
    outside_limits: BoolArray
    run_of_7: BoolArray
    trend_of_7: BoolArray
    two_of_three_beyond_2_sigma: BoolArray


def _in_long_runs(states: NDArray[np.int8], minimum: int) -> BoolArray:
    """Whether each position lies in a run of at least ``minimum`` equal non-zero states.

    Runs are read along the last axis; a zero state (on the line, or level) ends a run.
    """
    periods = states.shape[-1]
    length_so_far = np.zeros(states.shape, dtype=np.int64)
    for t in range(periods):
        here = states[..., t]
        if t == 0:
            length_so_far[..., t] = here != 0
        else:
            continues = here == states[..., t - 1]
            length_so_far[..., t] = np.where(
                here == 0, 0, np.where(continues, length_so_far[..., t - 1] + 1, 1)
            )
    # Carry each run's full length back from its last point to its earlier ones.
    run_length = length_so_far.copy()
    for t in range(periods - 2, -1, -1):
        continues = (states[..., t] == states[..., t + 1]) & (states[..., t] != 0)
        run_length[..., t] = np.where(continues, run_length[..., t + 1], length_so_far[..., t])
    return np.asarray(run_length >= minimum, dtype=np.bool_)


def spc_signals(values: ArrayLike) -> SpcSignals:
    """XmR control chart for each series, with the usual special-cause signals.

    ``values`` is shaped (series, periods), periods in time order. For each series
    the centre line is the mean, the moving ranges are |v(t) - v(t - 1)|, and the
    limits are centre ± 2.66 × mean moving range; sigma = mean moving range / 1.128
    (Wheeler & Chambers 1992, *Understanding Statistical Process Control*; NHS
    England, *Making Data Count*). Per point it flags:

    - ``outside_limits``: strictly above the upper or below the lower limit;
    - ``run_of_7``: in a run of 7 or more consecutive points strictly on one side of
      the centre line (a point on the line ends a run);
    - ``trend_of_7``: in a run of 7 or more consecutive points each strictly higher
      (or each strictly lower) than the one before (an equal value ends a trend);
    - ``two_of_three_beyond_2_sigma``: more than 2 sigma (about two thirds of the
      way to a limit) from the centre, on the same side as at least one other such
      point among 3 consecutive points; the points beyond 2 sigma are flagged.

    A series with any missing or infinite value, or fewer than 2 periods, has NaN
    centre and limits and no signals. Returns an :class:`SpcSignals`.

    >>> chart = spc_signals([[5, 6, 5, 6, 5, 6, 9, 9, 9, 9, 9, 9, 9]])
    >>> chart.centre.round(4).tolist(), chart.upper_limit.round(4).tolist()
    ([7.3846], [9.1579])
    >>> chart.run_of_7.astype(int).tolist()
    [[0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1]]
    """
    observed = _as_float_array(values)
    if observed.ndim == 0:
        raise ValueError("spc_signals needs an array with periods along its last axis")
    periods = observed.shape[-1]
    usable = np.all(np.isfinite(observed), axis=-1) & (periods >= 2)
    point_usable = np.broadcast_to(usable[..., np.newaxis], observed.shape)
    no_signal = np.zeros(observed.shape, dtype=np.bool_)
    if periods < 2:
        missing = np.full(observed.shape[:-1], np.nan)
        return SpcSignals(
            centre=missing,
            lower_limit=missing.copy(),
            upper_limit=missing.copy(),
            outside_limits=no_signal,
            run_of_7=no_signal.copy(),
            trend_of_7=no_signal.copy(),
            two_of_three_beyond_2_sigma=no_signal.copy(),
        )
    filled = np.where(point_usable, observed, 0.0)
    mean_moving_range = np.abs(np.diff(filled, axis=-1)).mean(axis=-1)
    # A level series must sit exactly on its centre line; a rounded mean could put every
    # point one ulp to one side and fake a run.
    level = np.all(filled == filled[..., :1], axis=-1)
    centre = np.where(level, filled[..., 0], filled.mean(axis=-1))
    half_width = XMR_LIMIT_FACTOR * mean_moving_range
    two_sigma = 2 * mean_moving_range / XMR_D2
    deviation = filled - centre[..., np.newaxis]

    outside = np.abs(deviation) > half_width[..., np.newaxis]
    side = np.sign(deviation).astype(np.int8)
    run = _in_long_runs(side, SPC_RUN_LENGTH)
    step = np.sign(np.diff(filled, axis=-1)).astype(np.int8)
    # A trend of 7 points is 6 steps in the same direction; flag both ends of each step.
    steps_in_trend = _in_long_runs(step, SPC_RUN_LENGTH - 1)
    trend = no_signal.copy()
    trend[..., 1:] |= steps_in_trend
    trend[..., :-1] |= steps_in_trend
    beyond = np.where(np.abs(deviation) > two_sigma[..., np.newaxis], side, 0)
    two_of_three = no_signal.copy()
    for start in range(periods - 2):
        window = beyond[..., start : start + 3]
        for direction in (1, -1):
            on_side = window == direction
            enough = on_side.sum(axis=-1) >= 2
            two_of_three[..., start : start + 3] |= on_side & enough[..., np.newaxis]

    nan_unless_usable = np.where(usable, 0.0, np.nan)
    return SpcSignals(
        centre=np.asarray(centre + nan_unless_usable, dtype=np.float64),
        lower_limit=np.asarray(centre - half_width + nan_unless_usable, dtype=np.float64),
        upper_limit=np.asarray(centre + half_width + nan_unless_usable, dtype=np.float64),
        outside_limits=np.asarray(outside & point_usable, dtype=np.bool_),
        run_of_7=np.asarray(run & point_usable, dtype=np.bool_),
        trend_of_7=np.asarray(trend & point_usable, dtype=np.bool_),
        two_of_three_beyond_2_sigma=np.asarray(two_of_three & point_usable, dtype=np.bool_),
    )


# --- Funnel plots -----------------------------------------------------------------------------

#: The two control limits of a funnel plot: about 2 and 3 standard deviations.
FUNNEL_LEVELS: Final = (0.95, 0.998)

#: Where :func:`funnel_position` puts a point, from high to low.
FUNNEL_POSITIONS: Final = (
    "above 99.8%", "above 95%", "within", "below 95%", "below 99.8%", "not_compared",
)  # fmt: skip

# A root search stops when its bracket is this small relative to the root (or to one
# event, for roots below one): far below any difference a whole count could make.
_ROOT_RELATIVE_TOLERANCE: Final = 1e-12
_ROOT_MAX_STEPS: Final = 300
# Every this many steps the search bisects, so the bracket shrinks whatever the secant does.
_BISECT_EVERY: Final = 4

Excess = Callable[[FloatArray, NDArray[np.intp]], FloatArray]


def _decreasing_root(
    excess: Excess,
    bracket: tuple[FloatArray, FloatArray, FloatArray, FloatArray],
    guesses: tuple[FloatArray, ...] = (),
) -> FloatArray:
    """The root of each element of a decreasing function.

    ``excess(x, which)`` evaluates the function of elements ``which`` at ``x``; ``bracket``
    is ``(low, high, excess at low, excess at high)`` with the excess positive at ``low``
    and negative at ``high`` (given, not evaluated, as the ends may be where the function
    is only a limit). Each guess inside the bracket narrows it first. The search is the
    Illinois method (regula falsi that halves the value kept at an end retained twice
    running; Dowell & Jarratt 1971, *BIT* 11:168-174), with a bisection step every fourth
    step so that the bracket always shrinks: the functions are tail probabilities, flat
    far from the root, where secant steps alone can crawl. Each element stops as soon as
    its own bracket is small enough; the same inputs give the same bits on every run.
    """
    low, high, excess_low, excess_high = (np.array(part, dtype=np.float64) for part in bracket)
    every = np.arange(low.size)
    for guess in guesses:
        inside = (guess > low) & (guess < high)
        point = np.where(inside, guess, (low + high) / 2)
        value = excess(point, every)
        right_of = value > 0
        low, excess_low = np.where(right_of, point, low), np.where(right_of, value, excess_low)
        high, excess_high = np.where(right_of, high, point), np.where(right_of, excess_high, value)
    kept = np.zeros(low.size, dtype=np.int8)  # +1: low was replaced last, -1: high was
    active = every
    for step in range(_ROOT_MAX_STEPS):
        a, b = low[active], high[active]
        fa, fb = excess_low[active], excess_high[active]
        with np.errstate(divide="ignore", invalid="ignore"):
            secant = b - fb * (b - a) / (fb - fa)
        usable = (secant > a) & (secant < b) & (step % _BISECT_EVERY != _BISECT_EVERY - 1)
        point = np.where(usable, secant, (a + b) / 2)
        value = excess(point, active)
        right_of = value > 0
        last = kept[active]
        fb = np.where(right_of & (last == 1), fb / 2, fb)
        fa = np.where(~right_of & (last == -1), fa / 2, fa)
        on_root = value == 0
        low[active] = np.where(right_of | on_root, point, a)
        high[active] = np.where(right_of, b, point)
        excess_low[active] = np.where(right_of, value, fa)
        excess_high[active] = np.where(right_of, fb, value)
        kept[active] = np.where(right_of, 1, -1)
        width = high[active] - low[active]
        active = active[width > _ROOT_RELATIVE_TOLERANCE * np.maximum(high[active], 1.0)]
        if not active.size:
            break
    return np.asarray((low + high) / 2, dtype=np.float64)


def funnel_proportion_limits(
    target: ArrayLike, n: ArrayLike, confidence: float = 0.95
) -> tuple[FloatArray, FloatArray]:
    """Funnel-plot control limits for a proportion: exact binomial limits around ``target``.

    The limits at a denominator ``n`` are the proportions ``x / n`` whose exact
    (Clopper-Pearson) confidence interval just reaches ``target`` (Clopper & Pearson 1934;
    Spiegelhalter 2005, "Funnel plots for comparing institutional performance",
    *Statistics in Medicine* 24:1185-1202). This is how PHEindicatormethods'
    ``calculate_funnel_limits`` builds its funnels, inverting each point's interval to
    find where it touches the average (``poisson_funnel`` for rates); for proportions that
    package inverts Wilson's interval (``sigma_adjustment``), here the exact binomial one
    is inverted instead. The count is made continuous through the incomplete beta
    function, which equals the binomial distribution at whole counts:
    P(X ≤ x) = I(1 - target; n - x, x + 1). The lower limit solves P(X ≤ x) = alpha/2 and
    the upper limit P(X ≥ x) = I(target; x, n - x + 1) = alpha/2. So a whole count lies
    beyond a limit exactly when the exact one-sided binomial test at alpha/2 rejects
    ``target``; between whole counts the limits are smooth, and they widen as ``n``
    shrinks. Where even 0 (or ``n``) events would not be unusual the limit is 0 (or 1).

    ``target`` is a proportion in [0, 1] (not a percentage); ``n = 0`` or a missing value
    gives NaN. Returns ``(lower, upper)``.

    >>> lower, upper = funnel_proportion_limits(0.3, [10, 200, 10_000], confidence=0.998)
    >>> lower.round(4).tolist(), upper.round(4).tolist()
    ([0.0, 0.2007, 0.2858], [0.8213, 0.4051, 0.3143])
    """
    half_alpha = _alpha_for(confidence) / 2
    centre, trials = np.broadcast_arrays(_as_float_array(target), _as_float_array(n))
    outside = (centre < 0) | (centre > 1)
    if np.any(outside):
        raise ValueError(
            f"target must be a proportion between 0 and 1, got {float(centre[outside][0])}"
        )
    _reject_negative(trials, "n (denominator)")
    lower = np.full(centre.shape, np.nan)
    upper = np.full(centre.shape, np.nan)
    known = ~np.isnan(centre) & ~np.isnan(trials) & (trials > 0)
    t, size = centre[known], trials[known]
    # The bisection below needs a root strictly inside (0, n): the ends are settled here.
    floor_is_usual = (1 - t) ** size >= half_alpha  # P(X ≤ 0) ≥ alpha/2
    ceiling_is_usual = t**size >= half_alpha  # P(X ≥ n) ≥ alpha/2
    # A target of 0 or 1 closes the funnel on it: any other count is unusual.
    search_low = ~floor_is_usual & (t < 1)
    search_high = ~ceiling_is_usual & (t > 0)
    low_root = np.where(t < 1, 0.0, size)
    high_root = np.where(t > 0, size, 0.0)
    z = float(_normal_isf(half_alpha))
    if search_low.any():
        lt, ls = t[search_low], size[search_low]
        spread = np.sqrt(ls * lt * (1 - lt))
        centre = ls * lt - z * spread - 0.5
        low_root[search_low] = _decreasing_root(
            lambda x, k: half_alpha - special.betainc(ls[k] - x, x + 1, 1 - lt[k]),
            (np.zeros(ls.shape), ls, half_alpha - (1 - lt) ** ls,
             np.full(ls.shape, half_alpha - 1)),
            _guesses(centre, spread, z),
        )  # fmt: skip
    if search_high.any():
        ht, hs = t[search_high], size[search_high]
        spread = np.sqrt(hs * ht * (1 - ht))
        centre = hs * ht + z * spread + 0.5
        high_root[search_high] = _decreasing_root(
            lambda x, k: special.betainc(x, hs[k] - x + 1, ht[k]) - half_alpha,
            (np.zeros(hs.shape), hs, np.full(hs.shape, 1 - half_alpha), ht**hs - half_alpha),
            _guesses(centre, spread, z),
        )  # fmt: skip
    lower[known] = np.where(floor_is_usual, 0.0, low_root / size)
    upper[known] = np.where(ceiling_is_usual, 1.0, high_root / size)
    return lower, upper


def funnel_rate_limits(
    target_rate: ArrayLike,
    n: ArrayLike,
    confidence: float = 0.95,
    *,
    multiplier: ArrayLike = 1,
) -> tuple[FloatArray, FloatArray]:
    """Funnel-plot control limits for a rate: exact Poisson limits around ``target_rate``.

    ``target_rate`` is in the units of the rate (per ``multiplier``, for example per
    1,000), so the expected count at denominator ``n`` is μ = target_rate × n / multiplier.
    The limits are the rates ``x / n × multiplier`` whose exact Poisson confidence
    interval just reaches the target, as PHEindicatormethods' ``calculate_funnel_limits``
    finds them for rates and ratios (``poisson_funnel``, which searches for the expected
    count whose exact Poisson probability of the observed count is alpha/2; PHE Fingertips
    *Technical Guidance*; Spiegelhalter 2005, *Statistics in Medicine* 24:1185-1202).
    Here the search runs over the count for a given denominator, with the count made
    continuous through the incomplete gamma function, which equals the Poisson
    distribution at whole counts: the lower limit solves P(X ≤ x) = Q(x + 1, μ) = alpha/2
    and the upper limit P(X ≥ x) = P(x, μ) = alpha/2. So a whole count lies beyond a
    limit exactly when the exact one-sided Poisson test at alpha/2 rejects the target.
    Where even 0 events would not be unusual the lower limit is 0.

    ``n = 0`` or a missing value gives NaN. Returns ``(lower, upper)``.

    >>> lower, upper = funnel_rate_limits(5.0, [1_000, 100_000], 0.998, multiplier=1000)
    >>> lower.round(4).tolist(), upper.round(4).tolist()
    ([0.0, 4.3185], [13.6684, 5.71])
    """
    half_alpha = _alpha_for(confidence) / 2
    rate, exposure, scale = np.broadcast_arrays(
        _as_float_array(target_rate), _as_float_array(n), _as_float_array(multiplier)
    )
    _reject_negative(rate, "target_rate")
    _reject_negative(exposure, "n (denominator)")
    _reject_negative(scale, "multiplier")
    lower = np.full(rate.shape, np.nan)
    upper = np.full(rate.shape, np.nan)
    known = ~np.isnan(rate) & ~np.isnan(exposure) & ~np.isnan(scale) & (exposure > 0)
    known &= scale > 0
    size, per_unit = exposure[known], scale[known]
    expected = rate[known] * size / per_unit
    floor_is_usual = np.exp(-expected) >= half_alpha  # P(X ≤ 0) ≥ alpha/2
    search_low = ~floor_is_usual
    search_high = expected > 0
    low_root = np.zeros(expected.shape)
    high_root = np.zeros(expected.shape)
    z = float(_normal_isf(half_alpha))
    if search_low.any():
        mean = expected[search_low]
        # P(X ≤ μ + 1) > 1/2 > alpha/2, so the root lies below μ + 1.
        low_root[search_low] = _decreasing_root(
            lambda x, k: half_alpha - special.gammaincc(x + 1, mean[k]),
            (np.zeros(mean.shape), mean + 1, half_alpha - np.exp(-mean),
             half_alpha - special.gammaincc(mean + 2, mean)),
            _guesses(mean - z * np.sqrt(mean) - 0.5, np.sqrt(mean), z),
        )  # fmt: skip
    if search_high.any():
        mean = expected[search_high]
        ceiling = _poisson_search_ceiling(mean, half_alpha)
        high_root[search_high] = _decreasing_root(
            lambda x, k: special.gammainc(x, mean[k]) - half_alpha,
            (np.zeros(mean.shape), ceiling, np.full(mean.shape, 1 - half_alpha),
             special.gammainc(ceiling, mean) - half_alpha),
            _guesses(mean + z * np.sqrt(mean) + 0.5, np.sqrt(mean), z),
        )  # fmt: skip
    lower[known] = np.where(floor_is_usual, 0.0, low_root / size * per_unit)
    upper[known] = high_root / size * per_unit
    return lower, upper


def _guesses(centre: FloatArray, spread: FloatArray, z: float) -> tuple[FloatArray, FloatArray]:
    """Two points either side of a normal approximation to a root, to narrow its bracket
    before the search (a guess on the wrong side costs one evaluation, nothing more)."""
    margin = 0.25 * z * spread + 2
    return centre - margin, centre + margin


def _poisson_search_ceiling(mean: FloatArray, half_alpha: float) -> FloatArray:
    """A count above which P(X ≥ count) < alpha/2 for each Poisson mean: a generous normal
    bound, doubled until it holds (it nearly always holds at once)."""
    z = float(_normal_isf(half_alpha))
    ceiling = mean + (z + 2) * np.sqrt(mean) + z * z + 10
    while True:
        short = special.gammainc(ceiling, mean) >= half_alpha
        if not short.any():
            return np.asarray(ceiling, dtype=np.float64)
        ceiling = np.where(short, 2 * ceiling, ceiling)


#: Share of z-scores winsorised at each end before overdispersion is estimated
#: (Spiegelhalter 2005 winsorises 10% at each end, so a few outliers cannot inflate it).
FUNNEL_WINSORISE: Final = 0.1
#: Level of the test for overdispersion: only when the winsorised Pearson statistic exceeds
#: this chi-square quantile are the funnel limits widened.
OVERDISPERSION_CONFIDENCE: Final = 0.95


class Overdispersion(NamedTuple):
    """Overdispersion of one funnel's points around their target (Spiegelhalter 2005).

    ``phi`` is the multiplicative factor (the mean squared winsorised z-score), ``tau2`` the
    additive between-area variance in the units of the values squared (0 when ``phi`` shows
    none), ``overdispersed`` whether ``units × phi`` exceeds the chi-square quantile with
    ``units - 1`` degrees of freedom at :data:`OVERDISPERSION_CONFIDENCE`, and ``units``
    the number of points with a value and a denominator.
    """

    phi: float
    tau2: float
    overdispersed: bool
    units: int


def _null_spread(
    target: FloatArray, n: FloatArray, kind: str, multiplier: FloatArray
) -> FloatArray:
    """Standard error of a point's value under the target alone, in the values' units."""
    if kind == "proportion":
        share = target / multiplier
        return np.sqrt(share * (1 - share) / n) * multiplier
    if kind == "rate":
        return np.sqrt(target * multiplier / n)
    raise ValueError(f"kind must be 'proportion' or 'rate', not {kind!r}")


def funnel_overdispersion(
    value: ArrayLike,
    n: ArrayLike,
    target: float,
    *,
    kind: str,
    multiplier: float = 1,
    winsorise: float = FUNNEL_WINSORISE,
) -> Overdispersion:
    """How much more the points of one funnel spread than chance alone would make them.

    Spiegelhalter (2005), "Funnel plots for comparing institutional performance",
    *Statistics in Medicine* 24:1185-1202, section 4: each point's z-score against the
    target uses the standard error the target implies (binomial for a proportion, Poisson
    for a rate); the z-scores are winsorised at ``winsorise`` in each tail; the estimate of
    multiplicative overdispersion is ``phi = mean(z²)``; overdispersion is present when
    ``units × phi`` exceeds the chi-square quantile with ``units - 1`` degrees of freedom
    (:data:`OVERDISPERSION_CONFIDENCE`); the additive random-effects variance is then
    ``tau² = (units × phi - (units - 1)) / (Σw - Σw² / Σw)`` with ``w = 1 / s²``
    (DerSimonian-Laird), else 0. ``value`` and ``target`` are in the indicator's units
    (a percentage with ``multiplier=100``; a rate per ``multiplier``).

    >>> dispersed = funnel_overdispersion([30, 45, 20, 38, 60, 25], [900] * 6, 36,
    ...                                   kind="proportion", multiplier=100)
    >>> dispersed.overdispersed, round(dispersed.phi, 1) > 1
    (True, True)
    """
    if not 0 <= winsorise < 0.5:
        raise ValueError(f"winsorise must be from 0 up to 0.5, not {winsorise}")
    points, trials = np.broadcast_arrays(_as_float_array(value), _as_float_array(n))
    scale = np.full(points.shape, float(multiplier))
    centre = np.full(points.shape, float(target))
    usable = ~np.isnan(points) & (trials > 0) & np.isfinite(trials)
    if not np.isfinite(target) or usable.sum() < 2:
        return Overdispersion(phi=math.nan, tau2=0.0, overdispersed=False, units=int(usable.sum()))
    with np.errstate(invalid="ignore", divide="ignore"):
        spread = _null_spread(centre[usable], trials[usable], kind, scale[usable])
    # A target of 0% or 100% has no spread to compare with; one outside 0-100% (impossible
    # data) or a negative rate none that means anything.
    if not np.all(np.isfinite(spread) & (spread > 0)):
        return Overdispersion(phi=math.nan, tau2=0.0, overdispersed=False,
                              units=int(usable.sum()))  # fmt: skip
    z = (points[usable] - centre[usable]) / spread
    low, high = np.quantile(z, [winsorise, 1 - winsorise])
    z = np.clip(z, low, high)
    units = int(z.size)
    phi = float(np.mean(z**2))
    critical = float(2 * special.gammaincinv((units - 1) / 2, OVERDISPERSION_CONFIDENCE))
    overdispersed = units * phi > critical
    weight = 1 / spread**2
    spread_of_weights = float(weight.sum() - (weight**2).sum() / weight.sum())
    tau2 = (units * phi - (units - 1)) / spread_of_weights if overdispersed else 0.0
    return Overdispersion(phi=phi, tau2=max(float(tau2), 0.0), overdispersed=overdispersed,
                          units=units)  # fmt: skip


def funnel_random_effects_limits(
    target: ArrayLike,
    n: ArrayLike,
    tau2: float,
    confidence: float = 0.95,
    *,
    kind: str,
    multiplier: ArrayLike = 1,
) -> tuple[FloatArray, FloatArray]:
    """Funnel limits widened for overdispersion by an additive random effect.

    ``target ± z √(s² + tau2)``, with ``s`` the standard error the target implies at
    denominator ``n`` and ``tau2`` from :func:`funnel_overdispersion` (Spiegelhalter 2005,
    section 4.2). Limits of a proportion stay within 0 and ``multiplier``, of a rate at or
    above 0. With ``tau2 = 0`` these are the normal-approximation limits; the exact limits
    of :func:`funnel_proportion_limits` and :func:`funnel_rate_limits` are used then.

    >>> lower, upper = funnel_random_effects_limits(36, [100, 10_000], 20.0, 0.998,
    ...                                             kind="proportion", multiplier=100)
    >>> bool(upper[0] - lower[0] > upper[1] - lower[1] > 2 * 3.09 * 20.0**0.5)
    True
    """
    if not tau2 >= 0:
        raise ValueError(f"tau2 must be 0 or more, not {tau2}")
    centre, trials, scale = np.broadcast_arrays(
        _as_float_array(target), _as_float_array(n), _as_float_array(multiplier)
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = np.sqrt(_null_spread(centre, trials, kind, scale) ** 2 + tau2)
    spread = np.where(trials > 0, spread, np.nan)
    z = _z_for(confidence)
    lower, upper = centre - z * spread, centre + z * spread
    ceiling = np.where(kind == "proportion", scale, np.inf)
    return (
        np.asarray(np.clip(lower, 0.0, ceiling), dtype=np.float64),
        np.asarray(np.clip(upper, 0.0, ceiling), dtype=np.float64),
    )


def funnel_position(
    value: ArrayLike,
    lower95: ArrayLike,
    upper95: ArrayLike,
    lower998: ArrayLike,
    upper998: ArrayLike,
) -> NDArray[np.str_]:
    """Where each point lies against its funnel limits: one of :data:`FUNNEL_POSITIONS`.

    A point exactly on a limit is within it (as in PHEindicatormethods'
    ``assign_funnel_significance``); a missing value or limit gives ``"not_compared"``.

    >>> funnel_position([0.5, 0.38, 0.3, 0.22, 0.1, None], 0.25, 0.35, 0.2, 0.4).tolist()
    ['above 99.8%', 'above 95%', 'within', 'below 95%', 'below 99.8%', 'not_compared']
    """
    point, low95, high95, low998, high998 = np.broadcast_arrays(
        _as_float_array(value),
        _as_float_array(lower95),
        _as_float_array(upper95),
        _as_float_array(lower998),
        _as_float_array(upper998),
    )
    missing = np.isnan(point) | np.isnan(low95) | np.isnan(high95)
    missing |= np.isnan(low998) | np.isnan(high998)
    above998, above95, within, below95, below998, not_compared = FUNNEL_POSITIONS
    return np.select(
        [missing, point > high998, point > high95, point < low998, point < low95],
        [not_compared, above998, above95, below998, below95],
        default=within,
    )
