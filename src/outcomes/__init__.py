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

``outcomes`` holds the pipeline's verbs and main types. The rest is grouped by what it is:
errors and kinds of problem in :mod:`outcomes.errors`, the domain's words in
:mod:`outcomes.vocabulary`, the types of an assessment in :mod:`outcomes.assessment`,
statistics in :mod:`outcomes.stats`, and each stage's own names in its package
(:mod:`outcomes.catalogue`, :mod:`outcomes.returns`, :mod:`outcomes.results`,
:mod:`outcomes.report`, :mod:`outcomes.national`). Names that used to be here still are.
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

# Where each name of ``outcomes`` lives: the one table of the package's namespace. Modules
# load on first use, so that `import outcomes` and `outcomes --help` stay quick (pandas,
# numpy and scipy load only when a name that needs them is used). The names in the first
# part form the API (``__all__``); those in the second are the earlier flat namespace's,
# kept importable from here and documented in their own namespace.
_API: dict[str, tuple[str, ...]] = {
    "outcomes.catalogue": ("Catalogue", "DatasetSpec", "Indicator", "load_catalogue"),
    "outcomes.returns": (
        "Areas", "Burden", "Collation", "Dataset", "Return", "ValidatedReturns", "burden",
        "collate", "read_areas", "read_dataset", "read_deflators", "read_returns",
        "validate_returns", "write_template",
    ),
    "outcomes.results": ("Results", "compute"),
    "outcomes.assessment": (
        "Assessment", "check_assessment", "read_assessment", "read_assessments",
        "write_assessment",
    ),
    "outcomes.report": ("AnnualReport", "ReportBatch", "render_report", "write_reports"),
    "outcomes.national": (
        "Overview", "Pairing", "Scrutiny", "learn_from", "overview", "pair_areas",
        "render_overview", "render_scrutiny", "scrutiny",
    ),
    "outcomes.core._periods": ("Period", "parse_period"),
    "outcomes.errors": ("OutcomesError",),
    "outcomes._example": ("write_example",),
}  # fmt: skip
_EARLIER: dict[str, tuple[str, ...]] = {
    "outcomes.catalogue": (
        "BUNDLED", "DataItem", "DatasetItem", "Recommendation", "load_recommendations",
    ),
    "outcomes.returns": ("blank_return", "read_return"),
    "outcomes.results": ("RESULT_COLUMNS",),
    "outcomes.assessment": (
        "AgreedAction", "ExpectedDirection", "Judgement", "PeerAssessment", "PeerMethod",
        "Plan", "PlanProgress", "PreviousPlan", "Prompt", "PromptAnswer", "ProviderType",
        "SectionReturn", "SignOff", "SignOffRole", "Statement", "assessment_toml",
        "blank_assessment", "grade_label", "load_prompts",
    ),
    "outcomes.national": ("LEARNING_COLUMNS", "LearningSuggestions", "PAIR_COLUMNS", "read_pairs"),
    "outcomes.errors": (
        "AssessmentError", "AssessmentProblem", "AssessmentProblemRow", "CatalogueError",
        "CatalogueProblem", "CatalogueProblemRow", "DataProblem", "DataProblemRow",
        "NoResultsError", "OutputError", "PairingError", "PeriodError", "ResourceError",
        "Severity", "ValidationError", "problems_frame",
    ),
    "outcomes.vocabulary": (
        "SCOTLAND", "Branch", "Evidence", "ItemKind", "Measure", "OutcomeGroup", "PeriodType",
        "Polarity", "ReportSection", "ReportStatus", "ReturnSection", "Scope",
    ),
}  # fmt: skip
_HOMES = {name: module for table in (_API, _EARLIER) for module, names in table.items()
          for name in names}  # fmt: skip

if TYPE_CHECKING:
    from outcomes._example import write_example
    from outcomes.assessment import (
        Assessment,
        check_assessment,
        read_assessment,
        read_assessments,
        write_assessment,
    )
    from outcomes.catalogue import Catalogue, DatasetSpec, Indicator, load_catalogue
    from outcomes.core._periods import Period, parse_period
    from outcomes.errors import OutcomesError
    from outcomes.national import (
        Overview,
        Pairing,
        Scrutiny,
        learn_from,
        overview,
        pair_areas,
        render_overview,
        render_scrutiny,
        scrutiny,
    )
    from outcomes.report import AnnualReport, ReportBatch, render_report, write_reports
    from outcomes.results import Results, compute
    from outcomes.returns import (
        Areas,
        Burden,
        Collation,
        Dataset,
        Return,
        ValidatedReturns,
        burden,
        collate,
        read_areas,
        read_dataset,
        read_deflators,
        read_returns,
        validate_returns,
        write_template,
    )


#: The package's public namespaces, reachable as ``outcomes.errors`` after ``import outcomes``.
_NAMESPACES = (
    "assessment", "catalogue", "errors", "national", "report", "results", "returns", "stats",
    "vocabulary",
)  # fmt: skip


def __getattr__(name: str) -> Any:
    if name in _NAMESPACES:
        return importlib.import_module(f"outcomes.{name}")
    if name not in _HOMES:
        raise AttributeError(f"module 'outcomes' has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOMES[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES, *_NAMESPACES})


try:
    __version__ = version("outcomes")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = [
    "AnnualReport",
    "Areas",
    "Assessment",
    "Burden",
    "Catalogue",
    "Collation",
    "Dataset",
    "DatasetSpec",
    "Indicator",
    "OutcomesError",
    "Overview",
    "Pairing",
    "Period",
    "ReportBatch",
    "Results",
    "Return",
    "Scrutiny",
    "ValidatedReturns",
    "__version__",
    "burden",
    "check_assessment",
    "collate",
    "compute",
    "learn_from",
    "load_catalogue",
    "overview",
    "pair_areas",
    "parse_period",
    "read_areas",
    "read_assessment",
    "read_assessments",
    "read_dataset",
    "read_deflators",
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
