"""Parsing TOML tables into typed fields, collecting every problem instead of stopping.

Each parser takes a raw TOML value and returns the typed value, or raises
:class:`FieldError` with the kind of problem and a hint; :func:`parse_table` runs them
all over one table and returns every problem found.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Callable, Iterable
from enum import Enum
from fractions import Fraction
from pathlib import Path
from typing import Any, TypeVar

from outcomes.core._suggest import did_you_mean
from outcomes.errors import CatalogueProblem, CatalogueProblemRow

Problem = tuple[str, CatalogueProblem, str, str]
"""A problem found while checking one definition: key, kind, message, hint."""

Parsers = dict[str, tuple[Callable[[object], Any], bool]]
"""key -> (parser, required)."""

_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")
_ITEM_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
# ASCII digits only, and at most three exponent digits: "1e999999999" would otherwise make
# an exact fraction of a billion digits.
_NUMBER = r"[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]{1,3})?"
_RATIO = re.compile(rf"^\s*{_NUMBER}\s*(?:[*/]\s*{_NUMBER}\s*)*$")
_SHOWN = 40
#: A multiplier turns a ratio into its unit (per 100, per 100,000, £ per week from £000s a
#: year); anything outside these bounds is a mistake, not a unit.
_SMALLEST_MULTIPLIER, _LARGEST_MULTIPLIER = 1e-9, 1e12
#: A definitions file larger than this is not a catalogue or an assessment someone wrote.
MAX_TOML_BYTES = 10 * 1024 * 1024

_E = TypeVar("_E", bound=Enum)


class TomlFileError(Exception):
    """A TOML file cannot be read: its kind (unreadable or syntax), message and hint.

    Raised by :func:`load_toml`; the catalogue and the assessment reader turn it into their
    own problem rows.
    """

    def __init__(self, syntax: bool, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.syntax, self.message, self.hint = syntax, message, hint


def load_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file written by a person, refusing clearly what cannot be one.

    Not UTF-8 (with the line of the first bad byte), larger than :data:`MAX_TOML_BYTES`,
    not TOML, or nested so deeply that reading it would exhaust the stack: each raises
    :class:`TomlFileError`, never a decoding or recursion error.
    """
    try:
        size = path.stat().st_size
        if size > MAX_TOML_BYTES:
            raise TomlFileError(
                False,
                f"the file is {size:,} bytes; a definitions or assessment file is at most "
                f"{MAX_TOML_BYTES:,}",
            )
        data = path.read_bytes()
    except OSError as error:
        raise TomlFileError(False, f"cannot read the file: {error.strerror or error}") from error
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise TomlFileError(
            False,
            f"line {line}: the file is not UTF-8 text (byte 0x{data[error.start]:02x})",
            "save it again as UTF-8 (in Excel or Notepad: Save As, encoding UTF-8)",
        ) from error
    try:
        return tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as error:
        raise TomlFileError(True, f"not valid TOML: {error}") from error
    except RecursionError as error:
        raise TomlFileError(
            True,
            "arrays or tables are nested too deeply to be read",
            "definitions and assessments nest a few levels at most: see docs/contracts.md",
        ) from error


class FieldError(Exception):
    """One key's value cannot be used; carries the problem for the report."""

    def __init__(self, kind: CatalogueProblem, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.kind, self.message, self.hint = kind, message, hint


def problem_rows(
    file: str, problems: Iterable[Problem], *, indicator: str = "", item: str = ""
) -> tuple[CatalogueProblemRow, ...]:
    """Turn ``(key, kind, message, hint)`` tuples into report rows for one definition."""
    return tuple(
        CatalogueProblemRow(
            file=file,
            indicator=indicator,
            item=item,
            key=key,
            problem=kind,
            message=message,
            hint=hint,
        )
        for key, kind, message, hint in problems
    )


def describe(value: object) -> str:
    """Name a TOML value's type and show it briefly, for messages."""
    kinds = {bool: "true/false", int: "a number", float: "a number", str: "text"}
    kinds |= {list: "a list", dict: "a table"}
    shown = repr(value)
    if len(shown) > _SHOWN:
        shown = shown[:_SHOWN] + "..."
    return f"{kinds.get(type(value), type(value).__name__)} {shown}"


def _wrong_type(expected: str, value: object, hint: str = "") -> FieldError:
    return FieldError(
        CatalogueProblem.WRONG_TYPE, f"expected {expected}, got {describe(value)}", hint
    )


def optional_text(value: object) -> str:
    if not isinstance(value, str):
        raise _wrong_type("text", value)
    return value.strip()


def text(value: object) -> str:
    given = optional_text(value)
    if not given:
        raise FieldError(CatalogueProblem.BAD_VALUE, "must not be empty")
    return given


def identifier(value: object) -> str:
    given = text(value)
    if not _ID.match(given):
        raise FieldError(
            CatalogueProblem.BAD_VALUE,
            f"{given!r} is not a valid indicator id",
            "use letters, digits, '_', '.' or '-', starting with a letter",
        )
    return given


def item_name(value: object) -> str:
    given = text(value)
    if not _ITEM_NAME.match(given):
        raise FieldError(
            CatalogueProblem.BAD_VALUE,
            f"{given!r} is not a valid data item name",
            "use snake_case: lower-case letters, digits and '_'",
        )
    return given


def choice(enum: type[_E]) -> Callable[[object], _E]:
    """A parser accepting one of ``enum``'s values, suggesting the closest on a typo."""

    def parse(value: object) -> _E:
        given = text(value)
        for member in enum:
            if member.value == given:
                return member
        raise FieldError(
            CatalogueProblem.BAD_VALUE,
            f"{given!r} is not a known {_words(enum.__name__)}",
            did_you_mean(given, [str(member.value) for member in enum]),
        )

    return parse


def _words(name: str) -> str:
    """A class name as words for a message: ``ReportStatus`` -> ``report status``."""
    return re.sub(r"(?<!^)(?=[A-Z])", " ", name).lower()


def choices(enum: type[_E]) -> Callable[[object], tuple[_E, ...]]:
    """A parser accepting a list of ``enum``'s values."""
    one = choice(enum)

    def parse(value: object) -> tuple[_E, ...]:
        if not isinstance(value, list):
            raise _wrong_type("a list", value)
        return tuple(one(element) for element in value)

    return parse


def whole_numbers(value: object) -> tuple[int, ...]:
    if not isinstance(value, list) or not all(
        isinstance(n, int) and not isinstance(n, bool) for n in value
    ):
        raise _wrong_type("a list of whole numbers", value, "e.g. [3, 11]")
    if len(set(value)) != len(value):
        raise FieldError(CatalogueProblem.BAD_VALUE, f"a number is listed twice in {value}")
    return tuple(value)


def multiplier(value: object) -> tuple[float, str]:
    """A positive number, or a ratio such as ``"1000/52"``: parsed, never evaluated."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _wrong_type('a number or a ratio such as "1000/52"', value)
    if not isinstance(value, str):
        if not (_SMALLEST_MULTIPLIER <= value <= _LARGEST_MULTIPLIER):  # NaN fails too
            raise FieldError(
                CatalogueProblem.BAD_MULTIPLIER,
                f"{value!r} is not a multiplier",
                f"use a positive number from {_SMALLEST_MULTIPLIER:g} to {_LARGEST_MULTIPLIER:g}",
            )
        return float(value), f"{value:g}"
    if not _RATIO.match(value):
        raise FieldError(
            CatalogueProblem.BAD_MULTIPLIER,
            f"{value!r} is not a number or ratio",
            'write e.g. 100, 1000 or "1000/52"',
        )
    tokens = re.findall(rf"[*/]|{_NUMBER}", value)
    result = Fraction(tokens[0])
    for operator, operand in zip(tokens[1::2], tokens[2::2], strict=True):
        if operator == "*":
            result *= Fraction(operand)
        elif Fraction(operand) == 0:
            raise FieldError(CatalogueProblem.BAD_MULTIPLIER, f"{value!r} divides by zero")
        else:
            result /= Fraction(operand)
    try:
        scaled = float(result)
    except OverflowError:
        scaled = math.inf
    if not (_SMALLEST_MULTIPLIER <= scaled <= _LARGEST_MULTIPLIER):
        raise FieldError(
            CatalogueProblem.BAD_MULTIPLIER,
            f"{value!r} is {'too large' if scaled > 1 else 'too small or zero'} for a multiplier",
            f"use a multiplier from {_SMALLEST_MULTIPLIER:g} to {_LARGEST_MULTIPLIER:g}",
        )
    return scaled, "".join(value.split())


def whole_number(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _wrong_type("a whole number", value)
    return value


def number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _wrong_type("a number", value)
    return float(value)


def flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise _wrong_type("true or false", value)
    return value


def text_table(value: object) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise _wrong_type("a table of text", value, 'e.g. { lgbf = "SW6", core_suite = "NI14" }')
    return dict(value)


def parse_table(raw: object, keys: Parsers, label: str) -> tuple[dict[str, Any], list[Problem]]:
    """Parse one TOML table with ``keys``' parsers, returning the fields and every problem."""
    if not isinstance(raw, dict):
        return {}, [("", CatalogueProblem.WRONG_TYPE, f"{label} must be a table", "")]
    fields: dict[str, Any] = {}
    problems: list[Problem] = [
        (key, CatalogueProblem.UNKNOWN_KEY, f"unknown key {key!r}", did_you_mean(key, keys))
        for key in sorted(set(raw) - set(keys))
    ]
    for key, (parse, required) in keys.items():
        if key not in raw:
            if required:
                message = f"required key {key!r} is missing"
                problems.append((key, CatalogueProblem.MISSING_KEY, message, ""))
            continue
        try:
            fields[key] = parse(raw[key])
        except FieldError as error:
            problems.append((key, error.kind, error.message, error.hint))
    return fields, problems
