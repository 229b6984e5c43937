"""Confidence intervals for indicator values and for changes between periods.

Every function works on whole columns at once: numpy arrays, pandas Series or
scalars go in (broadcast against each other), float64 numpy arrays come out.
Missing values (NaN, ``None``, ``pd.NA``) give NaN bounds rather than an error,
so one unreported area never stops a national run. Inputs that cannot be right
(a confidence outside (0, 1), negative counts, more events than the denominator)
raise :class:`ValueError`.

The normal quantile is always taken from the exact confidence level requested,
never a rounded 1.96.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import stats as scipy_stats

__all__ = ["mean_ci", "newcombe_ci", "poisson_ci", "rate_ci", "wilson_ci"]

FloatArray = NDArray[np.float64]

# Below this many events the exact (chi-square) Poisson limits are used; from it
# upward Byar's approximation, as PHE Fingertips and PHEindicatormethods do.
BYAR_MINIMUM_EVENTS: Final = 10


def _as_float_array(values: ArrayLike) -> FloatArray:
    """Turn arrays, Series, lists or scalars into float64, with missing values as NaN."""
    if isinstance(values, pd.Series | pd.Index):
        # Nullable pandas dtypes (Int64, Float64) hold pd.NA, which numpy cannot cast.
        return values.to_numpy(dtype=np.float64, na_value=np.nan)
    return np.asarray(values, dtype=np.float64)


def _z_for(confidence: float) -> float:
    """Two-sided standard normal quantile for ``confidence``, after checking it."""
    alpha = _alpha_for(confidence)
    # isf(alpha/2) is ppf(1 - alpha/2) without rounding 1 - alpha/2 to 1 when alpha is tiny.
    return float(scipy_stats.norm.isf(alpha / 2))


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
    """Exact or Byar limits for already checked counts."""
    use_exact = events < BYAR_MINIMUM_EVENTS
    # Each method is evaluated only where it applies; elsewhere a stand-in count keeps
    # scipy and numpy free of domain warnings (chi-square with 0 degrees of freedom,
    # 1/0 in Byar's formula). Missing counts are restored as NaN at the end.
    exact_events = np.where(use_exact, events, 0.0)
    positive_events = np.where(exact_events > 0, exact_events, 1.0)
    exact_lower = np.where(
        exact_events == 0, 0.0, scipy_stats.chi2.ppf(alpha / 2, 2 * positive_events) / 2
    )
    # isf(alpha/2) is ppf(1 - alpha/2), computed without first rounding 1 - alpha/2.
    exact_upper = scipy_stats.chi2.isf(alpha / 2, 2 * exact_events + 2) / 2

    byar_events = np.where(use_exact, float(BYAR_MINIMUM_EVENTS), events)
    byar_lower = byar_events * (1 - 1 / (9 * byar_events) - z / (3 * np.sqrt(byar_events))) ** 3
    after = byar_events + 1
    byar_upper = after * (1 - 1 / (9 * after) + z / (3 * np.sqrt(after))) ** 3

    missing = np.isnan(events)
    lower = np.where(missing, np.nan, np.where(use_exact, exact_lower, byar_lower))
    upper = np.where(missing, np.nan, np.where(use_exact, exact_upper, byar_upper))
    return np.asarray(lower, dtype=np.float64), np.asarray(upper, dtype=np.float64)


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
    t_quantile = scipy_stats.t.isf(alpha / 2, size_usable - 1)
    half_width = t_quantile * spread / np.sqrt(size_usable)
    return (
        np.asarray(centre - half_width, dtype=np.float64),
        np.asarray(centre + half_width, dtype=np.float64),
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
    difference = first - second
    lower = difference - np.hypot(first - first_lower, second_upper - second)
    upper = difference + np.hypot(first_upper - first, second - second_lower)
    return (
        np.asarray(difference, dtype=np.float64),
        np.asarray(lower, dtype=np.float64),
        np.asarray(upper, dtype=np.float64),
    )
