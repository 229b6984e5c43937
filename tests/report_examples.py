"""The example council's inputs and results, computed once for the report tests."""

from __future__ import annotations

import functools
from pathlib import Path

import attrs

import outcomes
from outcomes.core._resources import bundled_path
from outcomes.returns._burden import Burden, burden
from tests.browser import XSS_PAYLOADS

EXAMPLE = bundled_path("example")
AREA = "Fife"
PERIOD = "2024-25"
#: Every payload in one text, so that each free-text field carries all of them.
ALL_PAYLOADS = " ".join(XSS_PAYLOADS)
#: Fields that are codes or references, not free text: they are validated, not escaped.
CODES = frozenset(
    {"section", "role", "status", "provider", "expected", "progress", "area", "period",
     "prompt", "indicators", "recommendations", "grade", "id", "peer_area", "function"}
)  # fmt: skip


@attrs.frozen(kw_only=True)
class Example:
    catalogue: outcomes.Catalogue
    areas: outcomes.Areas
    data: outcomes.Dataset
    results: outcomes.Results
    burden: Burden
    assessment: outcomes.Assessment


@functools.cache
def example() -> Example:
    catalogue = outcomes.load_catalogue()
    areas = outcomes.read_areas(EXAMPLE / "areas.csv")
    data = outcomes.read_dataset(EXAMPLE / "data.csv")
    return Example(
        catalogue=catalogue,
        areas=areas,
        data=data,
        results=outcomes.compute(data, catalogue, areas),
        burden=burden(data, catalogue),
        assessment=outcomes.read_assessment(EXAMPLE / "assessments" / "fife.toml"),
    )


def example_report(**changes: object) -> outcomes.AnnualReport:
    """The example council's report; keyword arguments replace build arguments."""
    given = example()
    arguments: dict[str, object] = {
        "assessment": given.assessment,
        "areas": given.areas,
        "burden": given.burden,
    }
    arguments.update(changes)
    return outcomes.AnnualReport.build(given.results, AREA, PERIOD, **arguments)  # type: ignore[arg-type]


def golden_path(name: str) -> Path:
    return Path(__file__).with_name("golden") / name


def poisoned(value: object) -> object:
    """``value`` with the payloads appended to every free-text field, recursively."""
    if isinstance(value, str):
        return f"{value} {ALL_PAYLOADS}"
    if isinstance(value, tuple):
        return tuple(poisoned(element) for element in value)
    if isinstance(value, dict):
        return {key: poisoned(element) for key, element in value.items()}
    if attrs.has(type(value)):
        fields: tuple[attrs.Attribute[object], ...] = attrs.fields(type(value))  # type: ignore[arg-type]
        changes = {
            field.name: poisoned(getattr(value, field.name))
            for field in fields
            if field.name not in CODES
        }
        return attrs.evolve(value, **changes)  # type: ignore[misc]
    return value


def poisoned_assessment() -> outcomes.Assessment:
    assessment = poisoned(example().assessment)
    assert isinstance(assessment, outcomes.Assessment)
    return assessment


def small_report(status: str) -> outcomes.AnnualReport:
    """Fife's report on the criminal justice indicators only, to keep a PDF or a Word
    document quick; published (with the assessment) or a draft without one."""
    given = example()
    catalogue = given.catalogue.filter(branch="criminal_justice")
    results = outcomes.compute(given.data, catalogue, given.areas)
    assessment = given.assessment if status == "published" else None
    return outcomes.AnnualReport.build(results, AREA, PERIOD, assessment=assessment)
