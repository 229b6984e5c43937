"""Errors a user can cause, and the named kinds of problem they carry.

Each error subclasses :class:`OutcomesError` and the matching builtin; each kind of
problem is a member of an ``Enum`` so that tests and tools match on a name, never on
message text.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    import pandas as pd


__all__ = [
    "PROBLEM_COLUMNS",
    "AssessmentError",
    "AssessmentProblem",
    "AssessmentProblemRow",
    "CatalogueError",
    "CatalogueProblem",
    "CatalogueProblemRow",
    "DataProblem",
    "DataProblemRow",
    "NoResultsError",
    "OutcomesError",
    "OutputError",
    "PairingError",
    "PeriodError",
    "ResourceError",
    "Severity",
    "UnknownAreaError",
    "ValidationError",
    "problems_frame",
]


def _place(file: str, **parts: str) -> str:
    """``file, name value, ...`` for the parts that are given, in order."""
    return ", ".join([file, *(f"{name} {part}" for name, part in parts.items() if part)])


class CatalogueProblem(enum.Enum):
    """Every kind of problem the catalogue loader reports."""

    UNREADABLE = "the file or directory cannot be read"
    TOML_SYNTAX = "the file is not valid TOML"
    NO_DEFINITIONS = "no indicator definitions were found"
    UNKNOWN_TABLE = "unknown top-level table"
    UNKNOWN_KEY = "unknown key"
    MISSING_KEY = "required key is missing"
    WRONG_TYPE = "value has the wrong type"
    BAD_VALUE = "value is not allowed"
    UNKNOWN_ITEM = "data item is not declared"
    DUPLICATE_ID = "indicator id is defined twice"
    DUPLICATE_ITEM = "data item is declared twice"
    DANGLING_ITEM = "data item is declared but no indicator uses it"
    BAD_RECOMMENDATION = "recommendation must be a number from 1 to 13"
    BAD_MULTIPLIER = "multiplier does not fit the measure"
    INCONSISTENT = "keys contradict each other"


@attrs.frozen(kw_only=True)
class CatalogueProblemRow:
    """One problem in a catalogue: where it is, what it is, and how to fix it."""

    file: str
    indicator: str = ""
    item: str = ""
    key: str = ""
    value: str = ""
    problem: CatalogueProblem
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = _place(self.file, indicator=self.indicator, item=self.item,
                       key=repr(self.key) if self.key else "")  # fmt: skip
        text = f"{where}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text


class AssessmentProblem(enum.Enum):
    """Every kind of problem found in an assessment file (``assessment.toml``)."""

    UNREADABLE = "the file cannot be read"
    TOML_SYNTAX = "the file is not valid TOML"
    UNKNOWN_KEY = "unknown key"
    MISSING_KEY = "required key is missing"
    WRONG_TYPE = "value has the wrong type"
    BAD_VALUE = "value is not allowed"
    UNKNOWN_RECOMMENDATION = "recommendation must be a number from 1 to 13"
    UNKNOWN_INDICATOR = "indicator id is not in the catalogue"
    UNKNOWN_PROMPT = "prompt question id is not known"
    UNKNOWN_AREA = "the area is not in the areas file"
    BAD_GRADE = "grade must be a whole number from 1 (unsatisfactory) to 6 (excellent)"
    DATE_ORDER = "dates are in an impossible order"
    MISSING_SIGN_OFF = "the report's status needs a sign-off that is missing"
    OWN_AREA = "a peer cannot assess their own area's report"
    NO_AGREED_ACTION = "a judgement below 4 (good) needs at least one agreed action"
    MISSING_JUDGEMENT = "a signed peer assessment needs a judgement for every report section"
    WRONG_ROLE = "the sign-off role does not fit the kind of provider"
    DUPLICATE = "the same thing is given twice"
    NO_REASON = "a section left out needs the reason it is left out"
    MERGED_CELLS = "cells of an assessment workbook are merged"
    UNANSWERED_CONTRADICTION = (
        "the data contradict a claim, and the report cannot move past draft until the "
        "assessment answers it"
    )


@attrs.frozen(kw_only=True)
class AssessmentProblemRow:
    """One problem in an assessment file, located by file and dotted key.

    A problem in an assessment workbook (``outcomes assessment F.xlsx``) is also located by
    ``sheet``, ``row`` (as a person sees it; the header is row 1) and ``column`` (the header
    as written), with the offending cell's text in ``value``; these are empty for TOML.
    """

    file: str
    key: str = ""
    problem: AssessmentProblem
    message: str
    hint: str = ""
    sheet: str = ""
    row: int | None = None
    column: str = ""
    value: str = ""

    def __str__(self) -> str:
        row = "" if self.row is None else str(self.row)
        where = _place(self.file, sheet=self.sheet, row=row, column=self.column, key=self.key)
        text = f"{where}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text


class Severity(enum.StrEnum):
    """An error stops collation and gives exit code 1; a warning is reported only."""

    ERROR = "error"
    WARNING = "warning"


class DataProblem(enum.Enum):
    """Every kind of problem found in data: returns, the tidy dataset, areas files."""

    UNREADABLE_FILE = "the file cannot be read"
    MISSING_COLUMN = "a required column is missing"
    EXTRA_COLUMN = "a column is not part of the layout"
    UNKNOWN_ITEM = "the data item is not in the minimal dataset"
    UNKNOWN_AREA = "the area is not in the areas file"
    BAD_PERIOD = "the period is malformed or impossible"
    NOT_A_NUMBER = "the value is not a number"
    AMBIGUOUS_NUMBER = "the value could be read more than one way"
    NEGATIVE_COUNT = "a count, amount or duration is negative"
    NUMERATOR_ABOVE_DENOMINATOR = "a proportion's numerator exceeds its denominator"
    DUPLICATE_ROW = "the same area, period and item appear more than once"
    MISSING_ITEM = "a data item of the minimal dataset is missing"
    EMPTY_VALUE = "the value is empty but not flagged not_collected"
    UNKNOWN_FLAG = "the flag is not one of the known flags"
    CONFLICTING_VALUES = "files give different values for the same cell"
    IMPLAUSIBLE_CHANGE = "the value changed implausibly since the previous period"
    DUPLICATE_AREA = "the area is listed twice"
    RESERVED_AREA = "the area name is reserved for computed rows"
    DATE_VALUE = "a date is in a value cell"
    PERCENTAGE = "the value is a percentage, not a count or amount"
    VALUE_NOT_COLLECTED = "a value is given but flagged not_collected"
    NOT_UTF8 = "the file is not UTF-8 and was read as Windows-1252"
    SELF_PAIR = "an area is paired with itself"
    NO_DATA = "the file has a header but no rows of data"
    FRACTIONAL_COUNT = "a count of whole things is not a whole number"
    HIDDEN_DATA = "a hidden sheet holds data in the layout of a return"
    UNKNOWN_CODE = "the area code is not a known GSS code"
    INCONSISTENT_CODE = "the area code or type does not fit the area's name"


#: Columns of the problems table (``outcomes validate --report``), in order.
PROBLEM_COLUMNS = (
    "file", "sheet", "row", "column", "area", "period", "item", "value", "severity",
    "problem", "hint",
)  # fmt: skip


@attrs.frozen(kw_only=True)
class DataProblemRow:
    """One problem in data, located to the file, sheet, row and column.

    ``row`` is the line or spreadsheet row a person sees (the header is row 1).
    """

    file: str
    sheet: str = ""
    row: int | None = None
    column: str = ""
    area: str = ""
    period: str = ""
    item: str = ""
    value: str = ""
    severity: Severity = Severity.ERROR
    problem: DataProblem
    hint: str = ""

    def __str__(self) -> str:
        row = "" if self.row is None else str(self.row)
        where = _place(self.file, sheet=self.sheet, row=row, column=self.column)
        text = f"{where}: {self.problem.value}"
        if self.value:
            text += f" ({self.value!r})"
        return f"{text}; {self.hint}" if self.hint else text


def problems_frame(problems: Iterable[DataProblemRow]) -> pd.DataFrame:
    """The problems table with the columns of :data:`PROBLEM_COLUMNS`."""
    import pandas as pd

    rows = [
        {**attrs.asdict(row), "severity": row.severity.value, "problem": row.problem.name}
        for row in problems
    ]
    frame = pd.DataFrame(rows, columns=list(PROBLEM_COLUMNS))
    frame["row"] = frame["row"].astype("Int64")
    return frame


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


class UnknownAreaError(OutcomesError, LookupError):
    """A name or code is not one of the bundled geography's areas.

    ``name`` is the text looked up and ``hint`` says which known names are close.
    """

    def __init__(self, name: str, hint: str) -> None:
        self.name = name
        self.hint = hint
        super().__init__(f"{name!r} is not a known Scottish area; {hint}")


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
        """The problems table (docs/contracts.md, "Problems table")."""
        return problems_frame(self.problems)
