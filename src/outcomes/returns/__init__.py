"""Stage 2, the returns: blank returns per area and period, reading and validating filled
returns, collating them into the tidy :class:`~outcomes.Dataset`, the areas and deflators
files, the burden of collection, importing published tables (the LGBF workbook) and the
bundled geography of councils and partnerships."""

from outcomes.core._geography import KnownArea, known_areas, lookup_area
from outcomes.returns._burden import Burden, burden
from outcomes.returns._collate import Collation, collate
from outcomes.returns._import import (
    IMPORT_ROLES,
    PUBLISHED_COLUMNS,
    ImportedTable,
    ImportMapping,
    import_lgbf,
    import_table,
    load_mapping,
)
from outcomes.returns._partnerships import SUMMABLE_KINDS, by_partnership
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
    "IMPORT_ROLES",
    "PUBLISHED_COLUMNS",
    "SUMMABLE_KINDS",
    "Areas",
    "Burden",
    "Collation",
    "Dataset",
    "ImportMapping",
    "ImportedTable",
    "KnownArea",
    "Return",
    "ValidatedReturns",
    "blank_return",
    "burden",
    "by_partnership",
    "collate",
    "import_lgbf",
    "import_table",
    "known_areas",
    "load_mapping",
    "lookup_area",
    "read_areas",
    "read_dataset",
    "read_deflators",
    "read_return",
    "read_returns",
    "validate_returns",
    "write_template",
]
