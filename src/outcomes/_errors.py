"""Errors a user can cause. Each subclasses :class:`OutcomesError` and the matching builtin."""

from __future__ import annotations

from typing import TYPE_CHECKING

from outcomes._problems import (
    AssessmentProblemRow,
    CatalogueProblemRow,
    DataProblemRow,
    Severity,
)

if TYPE_CHECKING:
    import pandas as pd


class OutcomesError(Exception):
    """Base of every error caused by input, configuration or environment.

    The CLI turns any ``OutcomesError`` into a message and exit code 1; anything
    else is a bug and keeps its traceback.
    """


class CatalogueError(OutcomesError, ValueError):
    """An indicator catalogue cannot be loaded.

    ``problems`` lists every problem found, not only the first, so a catalogue can
    be fixed in one pass.

    >>> from outcomes import load_catalogue
    >>> try:
    ...     load_catalogue("no/such/dir")
    ... except CatalogueError as error:
    ...     error.problems[0].problem.name
    'UNREADABLE'
    """

    def __init__(self, problems: tuple[CatalogueProblemRow, ...]) -> None:
        self.problems = problems
        lines = [f"{len(problems)} problem(s) in the indicator catalogue:"]
        lines += [f"  {row}" for row in problems]
        super().__init__("\n".join(lines))


class AssessmentError(OutcomesError, ValueError):
    """An assessment file (self-assessment, plans, peer assessment) has problems.

    ``problems`` lists every problem found, each with its file and dotted key, e.g.
    ``peer_assessment.judgements[2].grade``.
    """

    def __init__(self, problems: tuple[AssessmentProblemRow, ...]) -> None:
        self.problems = problems
        lines = [f"{len(problems)} problem(s) in the assessment:"]
        lines += [f"  {row}" for row in problems]
        super().__init__("\n".join(lines))


class ResourceError(OutcomesError, FileNotFoundError):
    """A file bundled with the package is missing: the installation is broken."""


class OutputError(OutcomesError, OSError):
    """An output file cannot be written."""


class PairingError(OutcomesError, ValueError):
    """Areas cannot be paired for peer assessment under the rules (too few areas, or
    every pairing would repeat one of last year's pairs)."""


class NoResultsError(OutcomesError, LookupError):
    """The results hold nothing for the area or period asked for."""


class PeriodError(OutcomesError, ValueError):
    """A period label is malformed or impossible."""


class ValidationError(OutcomesError, ValueError):
    """Data (a return, the tidy dataset, an areas file) has errors.

    ``problems`` lists every problem found, errors and warnings, each with its file,
    sheet, row and column; :meth:`to_frame` gives them as the problems table.
    """

    def __init__(self, problems: tuple[DataProblemRow, ...]) -> None:
        self.problems = problems
        errors = [row for row in problems if row.severity is Severity.ERROR]
        shown = errors[:20]
        lines = [f"{len(errors)} error(s) in the data:"] + [f"  {row}" for row in shown]
        if len(errors) > len(shown):
            lines.append(f"  ... and {len(errors) - len(shown)} more")
        super().__init__("\n".join(lines))

    def to_frame(self) -> pd.DataFrame:
        """The problems table (DESIGN.md §3 columns)."""
        from outcomes._problems import problems_frame

        return problems_frame(self.problems)
