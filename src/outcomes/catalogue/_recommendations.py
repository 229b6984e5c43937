"""The 13 recommendations of *Changing Lives* (2006), loaded from package data."""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path
from typing import Any

import attrs

from outcomes.core._resources import package_text
from outcomes.core._toml import (
    Parsers,
    TomlFileError,
    choice,
    choices,
    load_toml,
    parse_table,
    problem_rows,
    text,
    whole_number,
)
from outcomes.errors import CatalogueError, CatalogueProblem, CatalogueProblemRow
from outcomes.vocabulary import RECOMMENDATIONS, Evidence, ReturnSection, Scope

__all__ = ["Recommendation", "load_recommendations"]


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


def load_recommendations(path: Path | None = None) -> tuple[Recommendation, ...]:
    """Load the recommendations, in number order, checking the file strictly.

    ``path`` defaults to the bundled file, which is read once per process (each report
    uses it). Numbers must run 1 to 13 without gaps; unknown keys are errors with a
    suggestion.
    """
    if path is None:
        return _bundled()
    try:
        document = load_toml(path)
    except TomlFileError as error:
        kind = CatalogueProblem.TOML_SYNTAX if error.syntax else CatalogueProblem.UNREADABLE
        problem = CatalogueProblemRow(
            file=str(path), problem=kind, message=error.message, hint=error.hint
        )
        raise CatalogueError((problem,)) from error
    return _parse(document, str(path))


@functools.cache
def _bundled() -> tuple[Recommendation, ...]:
    text, file = package_text("outcomes.catalogue", "recommendations.toml")
    return _parse(tomllib.loads(text), file)


def _parse(document: dict[str, Any], file: str) -> tuple[Recommendation, ...]:
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
    if not problems and numbers != list(RECOMMENDATIONS):
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
