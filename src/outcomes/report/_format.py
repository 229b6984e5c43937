"""Numbers and result words as a reader sees them: one formatting rule for every output.

The report (HTML, Markdown, PDF) and the national overview call these per cell at render
time. Everything here is plain Python on single numbers: no numpy or pandas import.

Rules, in one place:

- **Rounding**: half away from zero (``2.25`` → ``2.3``, ``-2.25`` → ``−2.3``), never
  banker's rounding. A float is first read as the 15-significant-digit decimal it stands
  for (as a spreadsheet does), so ``100 * 0.12345`` rounds like ``12.345`` even though the
  float is a hair below it. A figure that rounds to zero is shown without a sign.
- **Minus** is the minus sign U+2212 (``−``), which screen readers say as "minus";
  changes carry ``+`` when they round to more than zero.
- **Proportions**: one decimal place and ``%``; a proportion stored as a fraction
  (multiplier 1) is shown ×100 too. Changes are in percentage points, ``pp``.
- **Rates**: one decimal place and ``per 1,000`` (the "per N" of the unit, else of the
  multiplier); a rate per single unit (multiplier 1, e.g. reconvictions per offender) has
  two decimal places and no suffix, the unit being in the indicator's title.
- **Costs and money** (measure ``cost``, or a unit starting ``£``): pence below £100
  (``£27.52``), whole pounds from £100 (``£1,234``). A unit of ``£000s`` is shown in
  millions from £1m, to one decimal place (``£45.7m``), else in thousands (``£850k``).
  A change takes the precision of the value it is given (``£813``, ``+£23``).
- **Means**: one decimal place and the unit's leading words (``12.3 days``).
- **Counts**: whole numbers with thousands separators; WTE and FTE to one decimal place.
- **Symbols** follow the Government Statistical Service's guidance on symbols in tables:
  ``[c]`` confidential (suppressed), ``[x]`` not available, ``[z]`` not applicable, and
  ``[p]``, ``[e]``, ``[r]`` for provisional, estimated and revised figures. Each comes
  with words for an ``<abbr title>`` or a key.
- **Result words** (direction, comparison, trend): ▲ always means *better* and ▼ *worse*,
  whatever the indicator's polarity, so a fall in a lower-is-better rate is ▲ improved.
  Arrows ↑ ↓ say only which way a neutral indicator moved; ● means no significant
  difference; an en dash (U+2013) means the comparison could not be made.
"""

from __future__ import annotations

import decimal
import math
import re
from typing import NamedTuple

from outcomes.catalogue._catalogue import DataItem, Indicator
from outcomes.core._suggest import did_you_mean
from outcomes.vocabulary import (
    SUPPRESSED,
    Comparison,
    Direction,
    ItemKind,
    Marker,
    Measure,
    Trend,
)

_Words = Direction | Comparison | Trend

__all__ = [
    "MISSING",
    "NOT_APPLICABLE",
    "SUPPRESSED",
    "Marker",
    "comparison_marker",
    "direction_marker",
    "display_factor",
    "flag_marker",
    "format_change",
    "format_change_interval",
    "format_interval",
    "format_item_value",
    "format_number",
    "format_value",
    "round_half_away",
    "trend_marker",
]

MINUS = "\u2212"

MISSING = Marker("[x]", "not available")
NOT_APPLICABLE = Marker("[z]", "not applicable")

_FLAGS = {
    "provisional": Marker("[p]", "provisional"),
    "estimated": Marker("[e]", "estimated"),
    "revised": Marker("[r]", "revised"),
    "not_collected": Marker("[x]", "not collected"),
}

# Wide enough for any float written out in full (10**308 and two decimal places).
_EXACT = decimal.Context(prec=400, rounding=decimal.ROUND_HALF_UP, Emax=1000, Emin=-1000)
_SIGNIFICANT = decimal.Context(prec=15, rounding=decimal.ROUND_HALF_EVEN, Emax=1000, Emin=-1000)

_PER_N = re.compile(r"\bper\s+(\d{1,3}(?:,\d{3})+|\d+)\b")
_THOUSANDS_OF_POUNDS = re.compile(r"^£\s*(?:000s?|k|thousands?)\b", re.IGNORECASE)
_WHOLE_TIME = re.compile(r"\b(?:WTE|FTE)\b")
# Words that start a qualifier after a mean's unit word: "days from referral" → "days".
_QUALIFIER = re.compile(r"\s+(?:per|of|from|to|for|in|between|since|after|before|at)\s")


# --- numbers ---------------------------------------------------------------------------


def round_half_away(value: float, decimals: int) -> decimal.Decimal:
    """``value`` rounded to ``decimals`` places, halves away from zero, as a Decimal.

    >>> [str(round_half_away(x, 1)) for x in (2.25, -2.25, 0.05)]
    ['2.3', '-2.3', '0.1']
    """
    as_written = _SIGNIFICANT.plus(decimal.Decimal(value))
    rounded = as_written.quantize(decimal.Decimal(1).scaleb(-decimals), context=_EXACT)
    # -0.04 rounds to -0.0: show it as 0.0.
    return rounded.copy_abs() if rounded.is_zero() else rounded


def _digits(value: float, decimals: int) -> tuple[int, str]:
    """(sign, digits): the sign (-1, 0, 1) after rounding and the unsigned figure."""
    rounded = round_half_away(value, decimals)
    sign = 0 if rounded.is_zero() else (-1 if rounded.is_signed() else 1)
    return sign, f"{rounded.copy_abs():,.{decimals}f}"


def format_number(value: float, decimals: int = 0, *, signed: bool = False) -> str:
    """``value`` with thousands separators, rounded half away from zero.

    ``signed`` puts ``+`` before a figure that rounds above zero (for changes).

    >>> format_number(1234.5), format_number(-0.25, 1), format_number(0.04, 1, signed=True)
    ('1,235', '−0.3', '0.0')
    """
    sign, digits = _digits(value, decimals)
    if sign < 0:
        return MINUS + digits
    return ("+" if signed and sign > 0 else "") + digits


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


# --- how an indicator's figures look -----------------------------------------------------


class _Style(NamedTuple):
    #: "percent", "money", "thousands_of_pounds" or "number".
    kind: str
    #: Stored value × factor = shown value.
    factor: float
    #: None: chosen by the size of the figure (money).
    decimals: int | None
    #: After the number, e.g. " per 1,000" or " days".
    suffix: str
    #: After a change: "pp" for proportions, else the suffix.
    change_suffix: str


def _money_style(unit: str) -> _Style:
    if _THOUSANDS_OF_POUNDS.match(unit.strip()):
        return _Style("thousands_of_pounds", 1.0, None, "", "")
    return _Style("money", 1.0, None, "", "")


def _style(indicator: Indicator) -> _Style:
    measure, unit = indicator.measure, indicator.unit
    # A published percentage (an estimate in %) is shown as given, like a proportion.
    percent = measure is Measure.ESTIMATE and unit.lstrip().startswith("%")
    if measure is Measure.PROPORTION or percent:
        factor = 1.0 if percent else 100.0 / indicator.multiplier
        return _Style("percent", factor, 1, "%", "pp")
    if measure is Measure.COST or unit.lstrip().startswith("£"):
        return _money_style(unit)
    if measure is Measure.RATE:
        per = _PER_N.search(unit)
        if per:
            suffix = f" per {int(per.group(1).replace(',', '')):,}"
        elif indicator.multiplier != 1 and float(indicator.multiplier).is_integer():
            suffix = f" per {int(indicator.multiplier):,}"
        else:
            return _Style("number", 1.0, 2, "", "")
        return _Style("number", 1.0, 1, suffix, suffix)
    if measure is Measure.MEAN:
        word = _QUALIFIER.split(unit.strip(), maxsplit=1)[0]
        suffix = f" {word}" if word else ""
        return _Style("number", 1.0, 1, suffix, suffix)
    decimals = 1 if _WHOLE_TIME.search(unit) else 0
    return _Style("number", 1.0, decimals, "", "")


def display_factor(indicator: Indicator) -> float:
    """What a stored value is multiplied by for display: 100 for a proportion stored as a
    fraction (multiplier 1), else 1. Charts use it to put values on the shown scale.

    >>> import outcomes
    >>> display_factor(outcomes.load_catalogue()["SW6"])
    1.0
    """
    return _style(indicator).factor


def _money(
    value: float, style: _Style, decimals: int | None, *, signed: bool, like: float | None
) -> str:
    """Money in pounds, or in £000s shown as £k / £m (see the module docstring).

    ``like`` (default: ``value``) is the figure whose size chooses pence or pounds, £k or
    £m: a change takes its value's, so that a row reads ``£813``, ``+£23``.
    """
    size = value if like is None else like
    if style.kind == "thousands_of_pounds":
        if abs(round_half_away(size, 0)) < 1000:
            sign, digits = _digits(value, decimals or 0)
            digits += "k"
        else:
            sign, digits = _digits(value / 1000, 1 if decimals is None else decimals)
            digits += "m"
    else:
        if decimals is None:
            decimals = 2 if abs(round_half_away(size, 2)) < 100 else 0
        sign, digits = _digits(value, decimals)
    prefix = MINUS if sign < 0 else ("+" if signed and sign > 0 else "")
    return f"{prefix}£{digits}"


def _figure(
    value: float,
    style: _Style,
    decimals: int | None,
    *,
    signed: bool,
    like: float | None = None,
) -> str:
    """One number in the style, without its suffix; ``decimals`` overrides the style's."""
    shown = value * style.factor
    if not math.isfinite(shown):
        # Only a float near the largest overflows when shown as a percentage.
        return MISSING.symbol
    if style.kind in {"money", "thousands_of_pounds"}:
        reference = like * style.factor if like is not None and math.isfinite(like) else None
        return _money(shown, style, decimals, signed=signed, like=reference)
    places = style.decimals if decimals is None else decimals
    return format_number(shown, places or 0, signed=signed)


def format_value(
    value: float | None,
    indicator: Indicator,
    *,
    suppressed: bool = False,
    decimals: int | None = None,
) -> str:
    """An indicator's value as shown in a table, by its measure and unit.

    NaN, infinity and None show as ``[x]`` (not available), a suppressed value as ``[c]``.
    ``decimals`` overrides the measure's usual number of decimal places.

    >>> import outcomes
    >>> catalogue = outcomes.load_catalogue()
    >>> format_value(12.345, catalogue["CHN9"]), format_value(45.65, catalogue["SW6"])
    ('12.3%', '45.7 per 1,000')
    """
    if suppressed:
        return SUPPRESSED.symbol
    if value is None or not math.isfinite(value):
        return MISSING.symbol
    style = _style(indicator)
    return _figure(value, style, decimals, signed=False) + style.suffix


def format_change(
    change: float | None,
    indicator: Indicator,
    *,
    suppressed: bool = False,
    decimals: int | None = None,
    value: float | None = None,
) -> str:
    """A change between periods, signed, in percentage points (``pp``) for proportions.

    Give the ``value`` changed to so that a cost's change has the value's precision
    (``£813`` and ``+£23``, not ``+£23.00``); without it, the change's own size decides.

    >>> import outcomes
    >>> catalogue = outcomes.load_catalogue()
    >>> format_change(1.25, catalogue["CHN9"]), format_change(-3.0, catalogue["SW6"])
    ('+1.3pp', '−3.0 per 1,000')
    """
    if suppressed:
        return SUPPRESSED.symbol
    if change is None or not math.isfinite(change):
        return MISSING.symbol
    style = _style(indicator)
    return _figure(change, style, decimals, signed=True, like=value) + style.change_suffix


def _no_interval(indicator: Indicator) -> bool:
    return indicator.measure in {Measure.COST, Measure.COUNT}


def _no_interval_symbol(
    lower: float | None, upper: float | None, indicator: Indicator, *, suppressed: bool
) -> str:
    """The symbol shown instead of an interval, or "" when the interval can be shown."""
    if suppressed:
        return SUPPRESSED.symbol
    if _no_interval(indicator):
        return NOT_APPLICABLE.symbol
    if lower is None or upper is None or not (math.isfinite(lower) and math.isfinite(upper)):
        return MISSING.symbol
    return ""


def format_interval(
    lower: float | None,
    upper: float | None,
    indicator: Indicator,
    *,
    suppressed: bool = False,
    decimals: int | None = None,
) -> str:
    """A confidence interval, ``lower to upper``, the unit once (``%`` and ``£`` on both).

    Costs and counts have no interval: ``[z]`` (not applicable). A missing bound: ``[x]``.

    >>> import outcomes
    >>> catalogue = outcomes.load_catalogue()
    >>> format_interval(10.24, 14.56, catalogue["CHN9"])
    '10.2% to 14.6%'
    >>> format_interval(40.1, 51.2, catalogue["SW6"])
    '40.1 to 51.2 per 1,000'
    """
    unavailable = _no_interval_symbol(lower, upper, indicator, suppressed=suppressed)
    if unavailable or lower is None or upper is None:
        return unavailable or MISSING.symbol
    style = _style(indicator)
    # Both ends with the same precision, that of the larger.
    like = max(lower, upper, key=abs)
    low = _figure(lower, style, decimals, signed=False, like=like)
    high = _figure(upper, style, decimals, signed=False, like=like)
    if style.kind == "percent":
        return f"{low}% to {high}%"
    return f"{low} to {high}{style.suffix}"


def format_change_interval(
    lower: float | None,
    upper: float | None,
    indicator: Indicator,
    *,
    suppressed: bool = False,
    decimals: int | None = None,
    value: float | None = None,
) -> str:
    """The confidence interval of a change, each end signed: ``−0.5pp to +2.9pp``.

    >>> import outcomes
    >>> format_change_interval(-0.5, 2.94, outcomes.load_catalogue()["CHN9"])
    '−0.5pp to +2.9pp'
    """
    unavailable = _no_interval_symbol(lower, upper, indicator, suppressed=suppressed)
    if unavailable or lower is None or upper is None:
        return unavailable or MISSING.symbol
    style = _style(indicator)
    low = _figure(lower, style, decimals, signed=True, like=value)
    high = _figure(upper, style, decimals, signed=True, like=value)
    if style.kind == "percent":
        return f"{low}pp to {high}pp"
    return f"{low} to {high}{style.change_suffix}"


def format_item_value(value: float | None, item: DataItem, *, suppressed: bool = False) -> str:
    """A data item's value (resources, workforce, activity tables), by its kind and unit.

    Money as for costs (``£000s`` as £k or £m), WTE and FTE to one decimal place, scores
    and standard deviations to one, other counts, days and hours as whole numbers.

    >>> item = DataItem(name="spend", title="Gross spend", unit="£000s", kind="money")
    >>> format_item_value(45678, item), format_item_value(850.4, item)
    ('£45.7m', '£850k')
    """
    if suppressed:
        return SUPPRESSED.symbol
    if value is None or not math.isfinite(value):
        return MISSING.symbol
    if item.kind is ItemKind.MONEY or item.unit.lstrip().startswith("£"):
        return _money(value, _money_style(item.unit), None, signed=False, like=None)
    whole_time = _WHOLE_TIME.search(item.unit)
    decimals = 1 if whole_time or item.kind in {ItemKind.SD, ItemKind.SCORE} else 0
    return format_number(value, decimals)


# --- result words ---------------------------------------------------------------------------


def _marker(value: str | None, vocabulary: type[_Words], column: str) -> Marker:
    if value is None or value == "":
        return MISSING
    try:
        return vocabulary(value).marker
    except ValueError:
        words = [member.value for member in vocabulary]
        raise ValueError(f"unknown {column} {value!r}: {did_you_mean(value, words)}") from None


def direction_marker(direction: str | None) -> Marker:
    """Symbol and words for a results row's ``direction``; ▲ is *improved* whatever the
    polarity. An empty cell gives ``[x]``; an unknown word raises ValueError.

    >>> symbol, words = direction_marker("no_significant_change")
    >>> symbol, words
    ('●', 'no significant change')
    """
    return _marker(direction, Direction, "direction")


def comparison_marker(comparison: str | None) -> Marker:
    """Symbol and words for ``vs_scotland`` or ``vs_family_group``: ▲ better, ▼ worse.

    >>> comparison_marker("lower")
    Marker(symbol='↓', words='lower')
    """
    return _marker(comparison, Comparison, "comparison")


def trend_marker(trend: str | None) -> Marker:
    """Symbol and words for a results row's five-period ``trend``.

    >>> trend_marker("worsening")
    Marker(symbol='▼', words='worsening')
    """
    return _marker(trend, Trend, "trend")


def flag_marker(flag: str | None) -> Marker | None:
    """Symbol and words for a dataset ``flag`` (``provisional`` → ``[p]``); None for none.

    >>> flag_marker("revised")
    Marker(symbol='[r]', words='revised')
    """
    if flag is None or flag == "":
        return None
    if flag not in _FLAGS:
        raise ValueError(f"unknown flag {flag!r}: {did_you_mean(flag, _FLAGS)}")
    return _FLAGS[flag]
