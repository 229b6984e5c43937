"""Numbers and result words as the report shows them (outcomes.report._format)."""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import outcomes
from outcomes.catalogue._catalogue import DataItem, Indicator
from outcomes.report._format import (
    MISSING,
    NOT_APPLICABLE,
    SUPPRESSED,
    comparison_marker,
    direction_marker,
    display_factor,
    flag_marker,
    format_change,
    format_change_interval,
    format_interval,
    format_item_value,
    format_number,
    format_value,
    round_half_away,
    trend_marker,
)
from outcomes.vocabulary import Comparison, Direction, Trend
from tests.strategies import any_floats, bundled_indicators

CATALOGUE = outcomes.load_catalogue()
PROPORTION = CATALOGUE["CHN9"]  # % of looked after children, multiplier 100
RATE = CATALOGUE["SW6"]  # per 1,000 discharges
WEEKLY_COST = CATALOGUE["SW5"]  # £ per week per resident
HOURLY_COST = CATALOGUE["SW1"]  # £ per hour of home care


def as_fraction(indicator: Indicator) -> Indicator:
    """The same proportion stored as a fraction (multiplier 1)."""
    return attrs.evolve(indicator, multiplier=1.0, multiplier_text="1")


def user_indicator(**changes: Any) -> Indicator:
    """An indicator of a user's catalogue, e.g. a count or a mean, built from a bundled one."""
    return attrs.evolve(PROPORTION, **changes)


# --- values -----------------------------------------------------------------------------


def test_a_proportion_is_a_percentage_to_one_decimal_place() -> None:
    assert format_value(12.345, PROPORTION) == "12.3%"
    assert format_value(100.0, PROPORTION) == "100.0%"
    assert format_value(0.0, PROPORTION) == "0.0%"


def test_a_proportion_stored_as_a_fraction_is_shown_as_a_percentage() -> None:
    fraction = as_fraction(PROPORTION)
    assert display_factor(fraction) == 100
    assert format_value(0.12345, fraction) == "12.3%"
    assert format_change(0.0125, fraction) == "+1.3pp"
    assert format_interval(0.1, 0.2, fraction) == "10.0% to 20.0%"


def test_a_rate_says_per_how_many_as_its_unit_does() -> None:
    assert format_value(45.65, RATE) == "45.7 per 1,000"
    assert format_value(12_345.67, CATALOGUE["NI-12"]) == "12,345.7 per 100,000"
    assert format_value(3.21, CATALOGUE["WS04"]) == "3.2 per 10,000"


def test_a_rate_per_single_unit_has_two_decimal_places_and_no_suffix() -> None:
    assert format_value(0.456, CATALOGUE["CJ03"]) == "0.46"  # reconvictions per offender


def test_a_rate_without_a_number_in_its_unit_takes_it_from_the_multiplier() -> None:
    rate = attrs.evolve(RATE, unit="discharges")
    assert format_value(45.65, rate) == "45.7 per 1,000"


def test_costs_show_pence_below_a_hundred_pounds_and_whole_pounds_from_there() -> None:
    assert format_value(27.524, HOURLY_COST) == "£27.52"
    assert format_value(812.5, WEEKLY_COST) == "£813"
    assert format_value(1234.4, WEEKLY_COST) == "£1,234"
    # Rounds to £100.00, so is shown as whole pounds.
    assert format_value(99.996, WEEKLY_COST) == "£100"
    assert format_change(-0.455, HOURLY_COST) == "−£0.46"


def test_a_cost_change_takes_the_precision_of_its_value() -> None:
    assert format_change(23.0, WEEKLY_COST, value=812.5) == "+£23"
    assert format_change(23.0, WEEKLY_COST) == "+£23.00"  # its own size decides
    assert format_change(0.5, HOURLY_COST, value=27.5) == "+£0.50"
    spend = attrs.evolve(WEEKLY_COST, unit="£000s")
    assert format_change(150.0, spend, value=45_678.0) == "+£0.2m"
    assert format_change(150.0, spend) == "+£150k"


def test_thousands_of_pounds_are_shown_in_millions_from_one_million() -> None:
    spend = DataItem(name="spend", title="Gross spend", unit="£000s", kind="money")
    assert format_item_value(45_678, spend) == "£45.7m"
    assert format_item_value(850.4, spend) == "£850k"
    # £999.6k rounds to £1,000k, which is shown as £1.0m rather than "£1,000k".
    assert format_item_value(999.6, spend) == "£1.0m"
    assert format_item_value(-2_500, spend) == "−£2.5m"


def test_every_bundled_money_item_is_in_pounds() -> None:
    money = [item for item in CATALOGUE.items.values() if item.kind == "money"]
    assert money
    assert all(format_item_value(1500.0, item).startswith("£") for item in money)


def test_counts_are_whole_numbers_with_thousands_separators() -> None:
    count = user_indicator(measure="count", denominator=None, multiplier=1.0, unit="people")
    assert format_value(12_345.5, count) == "12,346"
    assert format_change(-1_000.0, count) == "−1,000"
    assert format_interval(1.0, 2.0, count) == NOT_APPLICABLE.symbol
    people = DataItem(name="people", title="People", unit="people", kind="count")
    assert format_item_value(1_234_567, people) == "1,234,567"


def test_whole_time_equivalents_keep_one_decimal_place() -> None:
    staff = DataItem(name="staff", title="Social workers", unit="WTE", kind="count")
    assert format_item_value(12.25, staff) == "12.3"


def test_a_mean_carries_its_unit_word() -> None:
    mean = user_indicator(measure="mean", multiplier=1.0, unit="days from referral to allocation")
    assert format_value(12.345, mean) == "12.3 days"
    assert format_change(-2.0, mean) == "−2.0 days"
    assert format_interval(11.0, 13.61, mean) == "11.0 to 13.6 days"


# --- rounding ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "decimals", "shown"),
    [
        (2.25, 1, "2.3"),  # banker's rounding would give 2.2
        (2.35, 1, "2.4"),
        (-2.25, 1, "−2.3"),  # away from zero, not up
        (0.125, 2, "0.13"),
        (1.005, 2, "1.01"),  # the float is 1.00499999999999989...: read as written
        (0.5, 0, "1"),
        (1.5, 0, "2"),
        (2.5, 0, "3"),
        (1234.5, 0, "1,235"),
    ],
)
def test_halves_round_away_from_zero(value: float, decimals: int, shown: str) -> None:
    assert format_number(value, decimals) == shown


def test_a_float_rounds_as_the_decimal_it_stands_for() -> None:
    # Python's round works on the binary value, a hair below the half.
    assert round(2.675, 2) == 2.67
    assert format_number(2.675, 2) == "2.68"
    value = 100 * 0.285  # 28.499999999999996 in binary
    assert round(value) == 28
    assert format_value(value, PROPORTION, decimals=0) == "29%"


def test_a_figure_that_rounds_to_zero_has_no_sign() -> None:
    assert format_change(-0.04, PROPORTION) == "0.0pp"
    assert format_change(0.04, PROPORTION) == "0.0pp"
    assert format_value(-0.0, PROPORTION) == "0.0%"


def test_negative_numbers_use_the_minus_sign() -> None:
    assert format_change(-1.25, PROPORTION) == "\u22121.3pp"


# --- changes and intervals -------------------------------------------------------------------


def test_a_change_in_a_proportion_is_in_percentage_points() -> None:
    assert format_change(1.25, PROPORTION) == "+1.3pp"
    assert format_change_interval(-0.5, 2.94, PROPORTION) == "−0.5pp to +2.9pp"


def test_a_change_in_a_rate_is_signed_with_the_unit() -> None:
    assert format_change(-3.0, RATE) == "−3.0 per 1,000"
    assert format_change_interval(-4.0, -1.96, RATE) == "−4.0 to −2.0 per 1,000"


def test_an_interval_gives_the_percent_sign_on_both_ends() -> None:
    assert format_interval(10.24, 14.56, PROPORTION) == "10.2% to 14.6%"
    assert format_interval(40.1, 51.2, RATE) == "40.1 to 51.2 per 1,000"


def test_costs_have_no_interval() -> None:
    assert format_interval(1.0, 2.0, WEEKLY_COST) == "[z]"
    assert format_change_interval(1.0, 2.0, WEEKLY_COST) == "[z]"


# --- suppressed and missing --------------------------------------------------------------------


def test_suppressed_figures_show_the_confidential_symbol() -> None:
    assert SUPPRESSED.symbol == "[c]"
    assert format_value(3.0, PROPORTION, suppressed=True) == "[c]"
    assert format_change(1.0, PROPORTION, suppressed=True) == "[c]"
    assert format_interval(1.0, 2.0, PROPORTION, suppressed=True) == "[c]"
    assert format_change_interval(1.0, 2.0, RATE, suppressed=True) == "[c]"


@pytest.mark.parametrize("missing", [None, math.nan, math.inf, -math.inf])
def test_missing_figures_show_not_available(missing: float | None) -> None:
    assert MISSING == ("[x]", "not available")
    assert format_value(missing, PROPORTION) == "[x]"
    assert format_change(missing, RATE) == "[x]"
    assert format_interval(missing, 2.0, PROPORTION) == "[x]"
    assert format_change_interval(1.0, missing, RATE) == "[x]"


# --- result words ---------------------------------------------------------------------------


def test_every_results_word_has_a_symbol_and_distinct_words() -> None:
    for words, marker in (
        (Direction, direction_marker),
        (Comparison, comparison_marker),
        (Trend, trend_marker),
    ):
        markers = [marker(word.value) for word in words]
        assert all(symbol and text for symbol, text in markers)
        # Each word reads differently, so a screen reader can tell them apart.
        assert len({text for _, text in markers}) == len(list(words))
        with pytest.raises(ValueError, match="did you mean"):
            marker(next(iter(words)).value + "x")


def test_the_filled_triangles_mean_better_and_worse_whatever_the_polarity() -> None:
    better = {direction_marker("improved"), comparison_marker("better"), trend_marker("improving")}
    worse = {direction_marker("worsened"), comparison_marker("worse"), trend_marker("worsening")}
    assert {symbol for symbol, _ in better} == {"▲"}
    assert {symbol for symbol, _ in worse} == {"▼"}
    # A neutral indicator's movement is an arrow, never a judgement.
    assert direction_marker("increased").symbol == "↑"
    assert trend_marker("decreasing").symbol == "↓"


def test_no_significant_change_and_suppressed_directions() -> None:
    assert direction_marker("no_significant_change") == ("●", "no significant change")
    assert direction_marker("suppressed") == SUPPRESSED
    assert direction_marker("") == MISSING


def test_dataset_flags_use_the_statistical_symbols() -> None:
    assert flag_marker("provisional") == ("[p]", "provisional")
    assert flag_marker("estimated") == ("[e]", "estimated")
    assert flag_marker("revised") == ("[r]", "revised")
    assert flag_marker(None) is None


# --- properties ----------------------------------------------------------------------------

_NUMBER = re.compile(r"[+\u2212]?£?\d{1,3}(,\d{3})*(\.\d+)?")


@given(value=any_floats, indicator=bundled_indicators, suppressed=st.booleans())
def test_formatting_never_fails_nor_shows_nan(
    value: float, indicator: Indicator, suppressed: bool
) -> None:
    shown = [
        format_value(value, indicator, suppressed=suppressed),
        format_change(value, indicator, suppressed=suppressed),
        format_interval(value, value, indicator, suppressed=suppressed),
        format_change_interval(-abs(value), value, indicator, suppressed=suppressed),
    ]
    for text in shown:
        assert text
        assert "nan" not in text.lower()
        assert "inf" not in text.lower()
        assert "-" not in text  # the minus sign, never a hyphen
        assert "e+" not in text  # never scientific notation


@given(value=st.floats(min_value=-1e12, max_value=1e12), indicator=bundled_indicators)
def test_a_value_is_one_number_with_its_unit(value: float, indicator: Indicator) -> None:
    shown = format_value(value, indicator)
    number = _NUMBER.match(shown)
    assert number is not None, shown
    rest = shown[number.end() :]
    assert rest in {"", "%", "k", "m"} or rest.startswith(" per ")


@given(
    value=st.floats(min_value=-1e12, max_value=1e12),
    decimals=st.integers(min_value=0, max_value=4),
)
def test_rounding_moves_a_number_by_at_most_half_a_unit_in_the_last_place(
    value: float, decimals: int
) -> None:
    shown = format_number(value, decimals)
    parsed = Decimal(shown.replace(",", "").replace("\u2212", "-"))
    tolerance = Decimal(5).scaleb(-decimals - 1) + Decimal(abs(value)) * Decimal("1e-14")
    assert abs(parsed - Decimal(value)) <= tolerance


@given(
    value=st.floats(min_value=0, max_value=1e12),
    decimals=st.integers(min_value=0, max_value=4),
)
def test_rounding_is_symmetric_about_zero(value: float, decimals: int) -> None:
    positive = round_half_away(value, decimals)
    assert round_half_away(-value, decimals) == -positive
