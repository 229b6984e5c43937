"""outcomes: outcomes-based performance improvement reporting for social work.

*Changing Lives* (2006), recommendation 11: social work services are monitored and
evaluated on the outcomes they deliver, through a minimal national dataset and an
annual performance improvement report published by each Chief Social Work Officer.

The pipeline, one public function per step::

    catalogue = outcomes.load_catalogue()                   # indicators/*.toml
    spec = outcomes.DatasetSpec.from_catalogue(catalogue)   # the minimal national dataset
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from outcomes._catalogue import BUNDLED, Catalogue, DataItem, Indicator, load_catalogue
from outcomes._dataset import DatasetItem, DatasetSpec
from outcomes._errors import CatalogueError, OutcomesError, OutputError, ResourceError
from outcomes._example import write_example
from outcomes._problems import CatalogueProblem, CatalogueProblemRow
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

try:
    __version__ = version("outcomes")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = [
    "BUNDLED",
    "Branch",
    "Catalogue",
    "CatalogueError",
    "CatalogueProblem",
    "CatalogueProblemRow",
    "DataItem",
    "DatasetItem",
    "DatasetSpec",
    "Evidence",
    "Indicator",
    "ItemKind",
    "Measure",
    "OutcomeGroup",
    "OutcomesError",
    "OutputError",
    "PeriodType",
    "Polarity",
    "Recommendation",
    "ResourceError",
    "ReturnSection",
    "Scope",
    "__version__",
    "load_catalogue",
    "load_recommendations",
    "write_example",
]
