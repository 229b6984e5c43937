"""What users install: bundled files are found inside the installed package."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

import outcomes
from outcomes.core._resources import bundled_path

PACKAGE = Path(outcomes.__file__).parent


def test_bundled_folders_exist() -> None:
    for name in ("indicators", "report_templates", "example"):
        assert bundled_path(name).is_dir()
    assert any(bundled_path("indicators").glob("*.toml"))


def test_an_installed_wheel_uses_its_own_copy() -> None:
    """From a wheel (as CI runs), every bundled folder lives inside the package; from a
    source checkout they are the repository's top-level folders."""
    installed = (PACKAGE / "_bundled").is_dir()
    for name in ("indicators", "report_templates", "example"):
        folder = bundled_path(name)
        assert folder.is_relative_to(PACKAGE) is installed


def test_type_information_is_shipped() -> None:
    assert (PACKAGE / "py.typed").is_file()


def test_public_api_is_explicit() -> None:
    assert len(set(outcomes.__all__)) == len(outcomes.__all__)
    for name in outcomes.__all__:
        assert hasattr(outcomes, name), name


#: Every name of the flat namespace before the package was laid out by stage (0.1.0).
FORMER_NAMES = (
    "BUNDLED",
    "LEARNING_COLUMNS",
    "PAIR_COLUMNS",
    "RESULT_COLUMNS",
    "SCOTLAND",
    "AgreedAction",
    "AnnualReport",
    "Areas",
    "Assessment",
    "AssessmentError",
    "AssessmentProblem",
    "AssessmentProblemRow",
    "Branch",
    "Burden",
    "Catalogue",
    "CatalogueError",
    "CatalogueProblem",
    "CatalogueProblemRow",
    "Collation",
    "DataItem",
    "DataProblem",
    "DataProblemRow",
    "Dataset",
    "DatasetItem",
    "DatasetSpec",
    "Evidence",
    "ExpectedDirection",
    "Indicator",
    "ItemKind",
    "Judgement",
    "LearningSuggestions",
    "Measure",
    "NoResultsError",
    "OutcomeGroup",
    "OutcomesError",
    "OutputError",
    "Overview",
    "Pairing",
    "PairingError",
    "PeerAssessment",
    "PeerMethod",
    "Period",
    "PeriodError",
    "PeriodType",
    "Plan",
    "PlanProgress",
    "Polarity",
    "PreviousPlan",
    "Prompt",
    "PromptAnswer",
    "ProviderType",
    "Recommendation",
    "ReportBatch",
    "ReportSection",
    "ReportStatus",
    "ResourceError",
    "Results",
    "Return",
    "ReturnSection",
    "Scope",
    "Scrutiny",
    "SectionReturn",
    "Severity",
    "SignOff",
    "SignOffRole",
    "Statement",
    "ValidatedReturns",
    "ValidationError",
    "__version__",
    "assessment_toml",
    "blank_assessment",
    "blank_return",
    "burden",
    "check_assessment",
    "collate",
    "compute",
    "grade_label",
    "learn_from",
    "load_catalogue",
    "load_prompts",
    "load_recommendations",
    "overview",
    "pair_areas",
    "parse_period",
    "problems_frame",
    "read_areas",
    "read_assessment",
    "read_assessments",
    "read_dataset",
    "read_deflators",
    "read_pairs",
    "read_return",
    "read_returns",
    "render_overview",
    "render_report",
    "render_scrutiny",
    "scrutiny",
    "validate_returns",
    "write_assessment",
    "write_example",
    "write_reports",
    "write_template",
)


def test_the_api_is_the_pipelines_verbs_and_main_types() -> None:
    assert len(outcomes.__all__) <= 45
    assert set(outcomes.__all__) <= set(FORMER_NAMES) | {"write_example"}


@pytest.mark.parametrize("name", FORMER_NAMES)
def test_every_former_name_is_still_reachable(name: str) -> None:
    """From outcomes as before, and from the namespace that now owns it, where it is
    listed in that namespace's __all__ (so documentation and tools find it)."""
    value = getattr(outcomes, name)
    if name in outcomes.__all__:
        return
    home = importlib.import_module(outcomes._HOMES[name])
    assert getattr(home, name) is value
    assert name in home.__all__, f"{name} is not listed in {home.__name__}.__all__"
    assert not home.__name__.rsplit(".", 1)[-1].startswith("_"), "a home is a public namespace"


def test_the_namespaces_are_reachable_after_import_outcomes() -> None:
    for namespace in ("errors", "vocabulary", "stats", "assessment", "results"):
        assert getattr(outcomes, namespace).__name__ == f"outcomes.{namespace}"
    with pytest.raises(AttributeError, match="no attribute 'no_such_name'"):
        _ = outcomes.no_such_name
