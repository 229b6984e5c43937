"""The 13 recommendations of *Changing Lives* (2006), loaded from package data."""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path

import attrs

from outcomes._errors import CatalogueError
from outcomes._problems import CatalogueProblem, CatalogueProblemRow
from outcomes._toml import Parsers, choice, choices, parse_table, problem_rows, text, whole_number
from outcomes._vocabulary import Evidence, ReturnSection, Scope

__all__ = ["Recommendation", "load_recommendations"]

_DATA = Path(__file__).with_name("recommendations.toml")


@attrs.frozen(kw_only=True)
class Recommendation:
    """One recommendation: its official title and what it requires.

    >>> load_recommendations()[10].short_title
    'Outcomes-based performance improvement'
    """

    number: int
    short_title: str
    title: str
    scope: Scope
    sections: tuple[ReturnSection, ...]
    evidence: Evidence
    requires: tuple[str, ...]


def _texts(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        value = [value]
    return tuple(text(element) for element in value)


_KEYS: Parsers = {
    "number": (whole_number, True),
    "short_title": (text, True),
    "title": (text, True),
    "scope": (choice(Scope), True),
    "sections": (choices(ReturnSection), True),
    "evidence": (choice(Evidence), True),
    "requires": (_texts, True),
}


def load_recommendations(path: Path = _DATA) -> tuple[Recommendation, ...]:
    """Load the recommendations, in number order, checking the file strictly.

    Numbers must run 1 to 13 without gaps; unknown keys are errors with a suggestion. The
    bundled file is read once per process (each report uses it).
    """
    return _bundled() if path == _DATA else _read(path)


@functools.cache
def _bundled() -> tuple[Recommendation, ...]:
    return _read(_DATA)


def _read(path: Path) -> tuple[Recommendation, ...]:
    file = str(path)
    try:
        with path.open("rb") as stream:
            document = tomllib.load(stream)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise CatalogueError(
            (
                CatalogueProblemRow(
                    file=file, problem=CatalogueProblem.UNREADABLE, message=f"cannot read: {error}"
                ),
            )
        ) from error
    problems: list[CatalogueProblemRow] = []
    recommendations: list[Recommendation] = []
    for position, raw in enumerate(document.get("recommendation", []), start=1):
        fields, found = parse_table(raw, _KEYS, f"[[recommendation]] #{position}")
        problems += problem_rows(
            file, found, item=f"recommendation {fields.get('number', position)}"
        )
        if not found:
            recommendations.append(Recommendation(**fields))
    numbers = [recommendation.number for recommendation in recommendations]
    if not problems and numbers != list(range(1, 14)):
        problems.append(
            CatalogueProblemRow(
                file=file,
                key="number",
                problem=CatalogueProblem.BAD_RECOMMENDATION,
                message=f"recommendations must be numbered 1 to 13 in order, found {numbers}",
            )
        )
    if problems:
        raise CatalogueError(tuple(problems))
    return tuple(recommendations)
