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

from outcomes._assessment import (
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
from outcomes._assessment_io import (
    assessment_toml,
    blank_assessment,
    read_assessment,
    read_assessments,
    write_assessment,
)
from outcomes._catalogue import BUNDLED, Catalogue, DataItem, Indicator, load_catalogue
from outcomes._dataset import DatasetItem, DatasetSpec
from outcomes._errors import (
    AssessmentError,
    CatalogueError,
    NoResultsError,
    OutcomesError,
    OutputError,
    PairingError,
    PeriodError,
    ResourceError,
    ValidationError,
)
from outcomes._periods import Period, parse_period
from outcomes._problems import (
    AssessmentProblem,
    AssessmentProblemRow,
    CatalogueProblem,
    CatalogueProblemRow,
    DataProblem,
    DataProblemRow,
    Severity,
    problems_frame,
)
from outcomes._recommendations import Recommendation, load_recommendations
from outcomes._vocabulary import (
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
    "Burden": "outcomes._burden",
    "burden": "outcomes._burden",
    "Collation": "outcomes._collate",
    "collate": "outcomes._collate",
    "compute": "outcomes._compute",
    "SCOTLAND": "outcomes._data",
    "Areas": "outcomes._data",
    "Dataset": "outcomes._data",
    "read_areas": "outcomes._data",
    "read_dataset": "outcomes._data",
    "read_deflators": "outcomes._data",
    "write_example": "outcomes._example",
    "AnnualReport": "outcomes._report",
    "Overview": "outcomes._overview",
    "Scrutiny": "outcomes._overview",
    "overview": "outcomes._overview",
    "scrutiny": "outcomes._overview",
    "render_overview": "outcomes._overview_page",
    "render_scrutiny": "outcomes._overview_page",
    "LEARNING_COLUMNS": "outcomes._learning",
    "LearningSuggestions": "outcomes._learning",
    "learn_from": "outcomes._learning",
    "PAIR_COLUMNS": "outcomes._pairing",
    "Pairing": "outcomes._pairing",
    "pair_areas": "outcomes._pairing",
    "read_pairs": "outcomes._pairing",
    "ReportBatch": "outcomes._render",
    "render_report": "outcomes._render",
    "write_reports": "outcomes._render",
    "RESULT_COLUMNS": "outcomes._results",
    "Results": "outcomes._results",
    "Return": "outcomes._returns",
    "blank_return": "outcomes._returns",
    "read_return": "outcomes._returns",
    "read_returns": "outcomes._returns",
    "write_template": "outcomes._returns",
    "ValidatedReturns": "outcomes._validate",
    "validate_returns": "outcomes._validate",
}

if TYPE_CHECKING:
    from outcomes._burden import Burden, burden
    from outcomes._collate import Collation, collate
    from outcomes._compute import compute
    from outcomes._data import SCOTLAND, Areas, Dataset, read_areas, read_dataset, read_deflators
    from outcomes._example import write_example
    from outcomes._learning import LEARNING_COLUMNS, LearningSuggestions, learn_from
    from outcomes._overview import Overview, Scrutiny, overview, scrutiny
    from outcomes._overview_page import render_overview, render_scrutiny
    from outcomes._pairing import PAIR_COLUMNS, Pairing, pair_areas, read_pairs
    from outcomes._render import ReportBatch, render_report, write_reports
    from outcomes._report import AnnualReport
    from outcomes._results import RESULT_COLUMNS, Results
    from outcomes._returns import Return, blank_return, read_return, read_returns, write_template
    from outcomes._validate import ValidatedReturns, validate_returns


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
