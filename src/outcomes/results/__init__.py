"""Stage 3, the results: values, intervals, change, benchmarks, ranks and trends computed
from the tidy dataset (:func:`~outcomes.compute`), held as :class:`~outcomes.Results` with
disclosure control for publication."""
