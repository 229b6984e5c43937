"""Stage 2, the returns: blank returns per area and period, reading and validating filled
returns, collating them into the tidy :class:`~outcomes.Dataset`, the areas and deflators
files, and the burden of collection."""

from outcomes.returns._burden import Burden, burden
from outcomes.returns._collate import Collation, collate
from outcomes.returns._returns import (
    Return,
    blank_return,
    read_return,
    read_returns,
    write_template,
)
from outcomes.returns._tidy import Areas, Dataset, read_areas, read_dataset, read_deflators
from outcomes.returns._validate import ValidatedReturns, validate_returns

__all__ = [
    "Areas",
    "Burden",
    "Collation",
    "Dataset",
    "Return",
    "ValidatedReturns",
    "blank_return",
    "burden",
    "collate",
    "read_areas",
    "read_dataset",
    "read_deflators",
    "read_return",
    "read_returns",
    "validate_returns",
    "write_template",
]
