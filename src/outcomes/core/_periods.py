"""Reporting periods: ``2024-25`` (financial or August-July year) and ``2024`` (calendar).

Periods are ordered by their start date, never by their label.
"""

from __future__ import annotations

import datetime as dt
import re

import attrs

from outcomes.errors import PeriodError
from outcomes.vocabulary import PeriodType

__all__ = ["Period", "as_period", "parse_period"]

# ASCII digits only: 2024-25 in full-width or Arabic-Indic digits (which ``\d`` matches)
# would otherwise become a second, phantom 2024-25.
_SPLIT_YEAR = re.compile(r"^([0-9]{4})-([0-9]{2})$")
_YEAR = re.compile(r"^([0-9]{4})$")
_EARLIEST, _LATEST = 1900, 2999
_START_MONTH = {
    PeriodType.FINANCIAL_YEAR: 4,
    PeriodType.AUGUST_JULY: 8,
    PeriodType.CALENDAR_YEAR: 1,
}


@attrs.frozen(kw_only=True, order=False)
class Period:
    """One reporting year.

    >>> p = parse_period("2024-25")
    >>> p.start, p.previous().label
    (datetime.date(2024, 4, 1), '2023-24')
    """

    label: str
    type: PeriodType
    first_year: int

    @property
    def start(self) -> dt.date:
        """The first day of the period."""
        return dt.date(self.first_year, _START_MONTH[self.type], 1)

    def previous(self) -> Period:
        """The period immediately before this one, of the same type."""
        return _from_year(self.first_year - 1, self.type)

    @classmethod
    def of_year(cls, first_year: int, period_type: PeriodType | str) -> Period:
        """The period of ``period_type`` that starts in ``first_year``.

        >>> [Period.of_year(2024, kind).label for kind in ("financial_year", "calendar_year")]
        ['2024-25', '2024']
        """
        return _from_year(first_year, PeriodType(period_type))

    def in_type(self, period_type: PeriodType | str) -> Period:
        """The period of ``period_type`` that starts in the same year as this one.

        >>> parse_period("2024-25").in_type("calendar_year").label
        '2024'
        """
        return _from_year(self.first_year, PeriodType(period_type))

    def shifted(self, years: int) -> Period:
        """The period ``years`` later (earlier when negative)."""
        return _from_year(self.first_year + years, self.type)

    def __lt__(self, other: Period) -> bool:
        return self.start < other.start

    def __str__(self) -> str:
        return self.label


def _from_year(first_year: int, period_type: PeriodType) -> Period:
    if period_type is PeriodType.CALENDAR_YEAR:
        label = f"{first_year}"
    else:
        label = f"{first_year}-{(first_year + 1) % 100:02d}"
    return Period(label=label, type=period_type, first_year=first_year)


def as_period(period: str | Period, period_type: PeriodType | str | None = None) -> Period:
    """A period given as a label or already parsed: the boundary of every public function.

    >>> as_period("2024-25") == as_period(parse_period("2024-25"))
    True
    """
    return period if isinstance(period, Period) else parse_period(period, period_type)


def parse_period(label: str, period_type: PeriodType | str | None = None) -> Period:
    """Read a period label; ``2024-25`` is a financial year unless told otherwise.

    Raises :class:`PeriodError` for anything else, including impossible years such as
    ``2024-26`` and labels that do not match ``period_type``.

    >>> parse_period("2024", "calendar_year").start
    datetime.date(2024, 1, 1)
    """
    text = label.strip() if isinstance(label, str) else str(label)
    wanted = PeriodType(period_type) if period_type is not None else None
    split = _SPLIT_YEAR.match(text)
    year = _YEAR.match(text)
    if split:
        first, second = int(split[1]), int(split[2])
        if (first + 1) % 100 != second:
            raise PeriodError(
                f"{text!r} is not a year: {second:02d} does not follow {first}; "
                f"did you mean '{first}-{(first + 1) % 100:02d}'?"
            )
        kind = wanted or PeriodType.FINANCIAL_YEAR
        if kind is PeriodType.CALENDAR_YEAR:
            raise PeriodError(
                f"{text!r} spans two years but a calendar year is expected, e.g. '{first}'"
            )
    elif year:
        first = int(year[1])
        kind = wanted or PeriodType.CALENDAR_YEAR
        if kind is not PeriodType.CALENDAR_YEAR:
            raise PeriodError(
                f"{text!r} is a calendar year but a {kind.value.replace('_', ' ')} is expected, "
                f"e.g. '{first}-{(first + 1) % 100:02d}'"
            )
    else:
        raise PeriodError(
            f"{text!r} is not a period: write a financial year as '2024-25' or a calendar year "
            "as '2024'"
        )
    if not _EARLIEST <= first <= _LATEST:
        raise PeriodError(f"{text!r} is outside the years {_EARLIEST}-{_LATEST}")
    return _from_year(first, kind)
