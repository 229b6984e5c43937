"""Mutated assessments: read_assessment returns an assessment or raises an AssessmentError
whose every problem names the file and the dotted key; an assessment that is read renders
to HTML and Markdown with every text of it inert."""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

import pytest
from hypothesis import given

import outcomes
from outcomes import Areas, Catalogue, Results
from outcomes.core._resources import bundled_path
from tests.adversarial._files import write_files
from tests.adversarial._profile import budget
from tests.adversarial._verdict import observed, run_cases, unlocated_assessment_problems
from tests.strategies import MutatedToml, mutated_assessments

pytestmark = pytest.mark.adversarial

#: The areas whose figures the reports show: the example assessments' own and a few more.
REPORT_AREAS = ("Fife", "Dundee City", "Angus", "Falkirk", "Renfrewshire")


@functools.cache
def bundled_catalogue() -> Catalogue:
    return outcomes.load_catalogue()


@functools.cache
def example_areas() -> Areas:
    return outcomes.read_areas(bundled_path("example") / "areas.csv")


@functools.cache
def report_results() -> Results:
    """Every period of a few example areas, computed once."""
    data = outcomes.read_dataset(bundled_path("example") / "data.csv")
    frame = data.frame[data.frame["area"].isin(REPORT_AREAS)]
    areas = example_areas().frame
    return outcomes.compute(
        outcomes.Dataset.from_frame(frame),
        bundled_catalogue(),
        Areas.from_frame(areas[areas["area"].isin(REPORT_AREAS)]),
    )


@budget("assessments")
@given(case=mutated_assessments())
def mutated_assessment_cases(case: MutatedToml) -> None:
    with (
        tempfile.TemporaryDirectory() as temporary,
        observed("assessments", Path(temporary), case) as seen,
    ):
        (path,) = write_files(Path(temporary), case.files)
        assessment = seen.attempt(
            lambda: outcomes.read_assessment(
                path, catalogue=bundled_catalogue(), areas=example_areas().names
            ),
            locate=lambda error: unlocated_assessment_problems(error, str(path)),
        )
        if assessment is None:
            return
        report = seen.attempt(
            lambda: outcomes.AnnualReport.build(
                report_results(), assessment.area, assessment.period, assessment=assessment,
                areas=example_areas(),
            ),
            primary=False,
        )  # fmt: skip
        if report is None:
            return
        html = seen.attempt(lambda: outcomes.render_report(report, "html"), primary=False)
        markdown = seen.attempt(lambda: outcomes.render_report(report, "md"), primary=False)
        if isinstance(html, str):
            seen.check_html(html, case.payloads)
        if isinstance(markdown, str):
            seen.check_markdown(markdown, case.payloads)


def test_a_mutated_assessment_is_read_and_rendered_inert_or_refused_by_key() -> None:
    run_cases("assessments", mutated_assessment_cases)
