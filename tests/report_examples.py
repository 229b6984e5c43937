"""The example council's inputs and results, computed once for the report tests."""

from __future__ import annotations

import functools
from pathlib import Path

import attrs

import outcomes
from outcomes._burden import Burden, burden
from outcomes._resources import bundled_path

EXAMPLE = bundled_path("example")
AREA = "Fife"
PERIOD = "2024-25"
#: Payloads that must render inert wherever free text appears.
PAYLOAD = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1"> *bold* [x](javascript:alert(1)) {{ 7*7 }}'


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
