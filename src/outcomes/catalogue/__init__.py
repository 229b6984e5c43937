"""Stage 1, the catalogue: indicator definitions in TOML become a typed
:class:`~outcomes.Catalogue`, from which the minimal national dataset
(:class:`~outcomes.DatasetSpec`) and the 13 recommendations are read."""

from outcomes.catalogue._catalogue import BUNDLED, Catalogue, DataItem, Indicator, load_catalogue
from outcomes.catalogue._recommendations import Recommendation, load_recommendations
from outcomes.catalogue._spec import DatasetItem, DatasetSpec

__all__ = [
    "BUNDLED",
    "Catalogue",
    "DataItem",
    "DatasetItem",
    "DatasetSpec",
    "Indicator",
    "Recommendation",
    "load_catalogue",
    "load_recommendations",
]
