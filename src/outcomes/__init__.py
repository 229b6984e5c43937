"""outcomes: outcomes-based performance improvement reporting for social work.

*Changing Lives* (2006), recommendation 11: social work services are monitored and
evaluated on the outcomes they deliver, through a minimal national dataset and an
annual performance improvement report published by each Chief Social Work Officer.

The pipeline, one public function per step::

    catalogue = outcomes.load_catalogue()                   # indicators/*.toml
    spec = outcomes.DatasetSpec.from_catalogue(catalogue)   # the minimal national dataset
    outcomes.write_template("fife.xlsx", "Fife", "2024-25")  # a blank return
    checked = outcomes.validate_returns(["fife.xlsx"])      # every problem at once
    outcomes.collate(["fife.xlsx"], into="data.csv").write("data.csv")
    data = outcomes.read_dataset("data.csv")                # the tidy national dataset
    areas = outcomes.read_areas("areas.csv")                # names and family groups
    results = outcomes.compute(data, catalogue, areas)      # values, change, benchmarks
    results.published().to_csv("results.csv")              # small counts suppressed
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from outcomes.assessment._io import (
    assessment_toml,
    blank_assessment,
    read_assessment,
    read_assessments,
    write_assessment,
)
from outcomes.assessment._model import (
    AgreedAction,
    Assessment,
    ExpectedDirection,
    Judgement,
    PeerAssessment,
    PeerMethod,
    Plan,
    PlanProgress,
    PreviousPlan,
    Prompt,
    PromptAnswer,
    ProviderType,
    ReportSection,
    ReportStatus,
    SectionReturn,
    SignOff,
    SignOffRole,
    Statement,
    check_assessment,
    grade_label,
    load_prompts,
)
from outcomes.catalogue._catalogue import BUNDLED, Catalogue, DataItem, Indicator, load_catalogue
from outcomes.catalogue._recommendations import Recommendation, load_recommendations
from outcomes.catalogue._spec import DatasetItem, DatasetSpec
from outcomes.core._periods import Period, parse_period
from outcomes.errors import (
    AssessmentError,
    AssessmentProblem,
    AssessmentProblemRow,
    CatalogueError,
    CatalogueProblem,
    CatalogueProblemRow,
    DataProblem,
    DataProblemRow,
    NoResultsError,
    OutcomesError,
    OutputError,
    PairingError,
    PeriodError,
    ResourceError,
    Severity,
    ValidationError,
    problems_frame,
)
from outcomes.vocabulary import (
    Branch,
    Evidence,
    ItemKind,
    Measure,
    OutcomeGroup,
    PeriodType,
    Polarity,
    ReturnSection,
    Scope,
)

# Names whose modules import pandas, numpy or scipy are loaded on first use, so that
# `import outcomes` and `outcomes --help` stay quick.
_LAZY = {
    "Burden": "outcomes.returns._burden",
    "burden": "outcomes.returns._burden",
    "Collation": "outcomes.returns._collate",
    "collate": "outcomes.returns._collate",
    "compute": "outcomes.results._compute",
    "SCOTLAND": "outcomes.returns._tidy",
    "Areas": "outcomes.returns._tidy",
    "Dataset": "outcomes.returns._tidy",
    "read_areas": "outcomes.returns._tidy",
    "read_dataset": "outcomes.returns._tidy",
    "read_deflators": "outcomes.returns._tidy",
    "write_example": "outcomes._example",
    "AnnualReport": "outcomes.report._report",
    "Overview": "outcomes.national._overview",
    "Scrutiny": "outcomes.national._overview",
    "overview": "outcomes.national._overview",
    "scrutiny": "outcomes.national._overview",
    "render_overview": "outcomes.national._overview_page",
    "render_scrutiny": "outcomes.national._overview_page",
    "LEARNING_COLUMNS": "outcomes.national._learning",
    "LearningSuggestions": "outcomes.national._learning",
    "learn_from": "outcomes.national._learning",
    "PAIR_COLUMNS": "outcomes.national._pairing",
    "Pairing": "outcomes.national._pairing",
    "pair_areas": "outcomes.national._pairing",
    "read_pairs": "outcomes.national._pairing",
    "ReportBatch": "outcomes.report._render",
    "render_report": "outcomes.report._render",
    "write_reports": "outcomes.report._render",
    "RESULT_COLUMNS": "outcomes.results._results",
    "Results": "outcomes.results._results",
    "Return": "outcomes.returns._returns",
    "blank_return": "outcomes.returns._returns",
    "read_return": "outcomes.returns._returns",
    "read_returns": "outcomes.returns._returns",
    "write_template": "outcomes.returns._returns",
    "ValidatedReturns": "outcomes.returns._validate",
    "validate_returns": "outcomes.returns._validate",
}

if TYPE_CHECKING:
    from outcomes._example import write_example
    from outcomes.national._learning import LEARNING_COLUMNS, LearningSuggestions, learn_from
    from outcomes.national._overview import Overview, Scrutiny, overview, scrutiny
    from outcomes.national._overview_page import render_overview, render_scrutiny
    from outcomes.national._pairing import PAIR_COLUMNS, Pairing, pair_areas, read_pairs
    from outcomes.report._render import ReportBatch, render_report, write_reports
    from outcomes.report._report import AnnualReport
    from outcomes.results._compute import compute
    from outcomes.results._results import RESULT_COLUMNS, Results
    from outcomes.returns._burden import Burden, burden
    from outcomes.returns._collate import Collation, collate
    from outcomes.returns._returns import (
        Return,
        blank_return,
        read_return,
        read_returns,
        write_template,
    )
    from outcomes.returns._tidy import (
        SCOTLAND,
        Areas,
        Dataset,
        read_areas,
        read_dataset,
        read_deflators,
    )
    from outcomes.returns._validate import ValidatedReturns, validate_returns


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'outcomes' has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


try:
    __version__ = version("outcomes")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = [
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
]
