"""Errors a user can cause. Each subclasses :class:`OutcomesError` and the matching builtin."""

from __future__ import annotations

from outcomes._problems import CatalogueProblemRow


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


class ResourceError(OutcomesError, FileNotFoundError):
    """A file bundled with the package is missing: the installation is broken."""


class OutputError(OutcomesError, OSError):
    """An output file cannot be written."""
