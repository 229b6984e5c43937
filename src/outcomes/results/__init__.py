"""Stage 3, the results: values, intervals, change, benchmarks, ranks and trends computed
from the tidy dataset (:func:`~outcomes.compute`), held as :class:`~outcomes.Results` with
disclosure control for publication, and read as typed rows (:class:`ResultRow`)."""

from outcomes.results._compute import compute
from outcomes.results._lookup import ResultLookup, ResultRow
from outcomes.results._results import RESULT_COLUMNS, Results

__all__ = ["RESULT_COLUMNS", "ResultLookup", "ResultRow", "Results", "compute"]
