"""The assessment as an Excel workbook, for the people who write it (docs/assessment.md,
"Writing the assessment in Excel").

Nobody who writes the self-assessment edits TOML: they use Excel. :func:`assessment_workbook`
writes one area's year as a workbook with a sheet per part of :class:`Assessment`; the
cells people must not change (prompt ids, section names, field names, headers) are locked
and every sheet is protected without a password (it guards against slips, not against the
author), choices are drop-down lists, long text wraps and dates are real dates.
:mod:`._workbook_read` reads it back. The layout below is the one both sides follow.

Three kinds of sheet:

- *field* sheets (``Report``, ``Narrative``, ``Sign-off``, ``Peer assessment``): one row per
  field, with the columns ``field``, ``value`` and ``help``; only ``value`` is typed in;
- *table* sheets: a header, then one row per entry (a plan, an achievement, a judgement);
  ``Self-assessment`` and ``Return sections`` have a fixed row per prompt question and
  per section of the return, the others as many rows as people need;
- *list* sheets (``Peer method``, ``Peer findings``): each column a list, read top down.

Text is written so that it reads back exactly: a cell starting with ``=``, ``+``, ``-``,
``@``, a tab, a carriage return or ``'`` gets a leading ``'`` (the formula guard of every
file the package writes, docs/contracts.md), and a character that XML cannot hold (most
control characters) or would not keep (a carriage return) is written with Excel's own
escape ``_xHHHH_``, as is the ``_`` of any text that looks like one. Excel decodes those
escapes; the reader does too, so nothing is lost (core's table writers replace such
characters with ``�`` instead, which reads back differently).
"""

from __future__ import annotations

import copy
import datetime as dt
import enum
import math
import numbers
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from outcomes.assessment._model import (
    Assessment,
    ExpectedDirection,
    PeerAssessment,
    PlanProgress,
    PreviousPlan,
    Prompt,
    ProviderType,
    SectionReturn,
    SignOff,
    SignOffRole,
    Statement,
    grade_label,
    load_prompts,
)
from outcomes.core._io import FORMULA_TRIGGERS, TEXT_MARKER, write_bytes_atomic
from outcomes.core._tables import INSTRUCTIONS_SHEET, column_letter
from outcomes.vocabulary import (
    RECOMMENDATIONS,
    ReportSection,
    ReportStatus,
    ReturnSection,
    StatutoryFunction,
)

if TYPE_CHECKING:
    import pandas as pd
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    from outcomes.catalogue._catalogue import Catalogue

__all__ = [
    "SHEETS",
    "assessment_workbook",
    "write_assessment_workbook",
]


# ---------------------------------------------------------------------------------------
# Text in a cell, both ways


#: Characters XML 1.0 cannot hold, and the carriage return, which XML turns into a line feed.
_NOT_KEPT = re.compile(r"[\x00-\x08\x0b\x0c\x0d\x0e-\x1f\ufffe\uffff]")
#: Text that Excel would read as an escape, whose ``_`` is itself escaped (``_x005F_``).
_LOOKS_ESCAPED = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def cell_text(text: str) -> str:
    """``text`` as written to a cell: Excel's ``_xHHHH_`` escapes, then the formula guard.

    >>> cell_text("=1+1"), cell_text("a\\rb"), cell_text("'quoted")
    ("'=1+1", 'a_x000D_b', "''quoted")
    """
    escaped = _LOOKS_ESCAPED.sub("_x005F_", text)
    escaped = _NOT_KEPT.sub(lambda found: f"_x{ord(found.group()):04X}_", escaped)
    if escaped.startswith((*FORMULA_TRIGGERS, TEXT_MARKER)):
        return TEXT_MARKER + escaped
    return escaped


def text_of_cell(stored: str) -> str:
    """The text a cell holds, undoing :func:`cell_text` (and Excel's own escapes).

    >>> text_of_cell("'=1+1"), text_of_cell("a_x000D_b"), text_of_cell("''quoted")
    ('=1+1', 'a\\rb', "'quoted")
    """
    if stored.startswith(TEXT_MARKER) and stored[1:].startswith((*FORMULA_TRIGGERS, TEXT_MARKER)):
        stored = stored[1:]
    if "_x" not in stored:
        return stored
    return _ESCAPE.sub(lambda found: chr(int(found.group(1), 16)), stored)


#: Several recommendations or indicator ids in one cell are separated by this.
SEPARATOR = "; "


def ids_text(ids: Iterable[str]) -> str:
    """Indicator ids as one cell: joined by ``"; "``, a ``;`` inside an id doubled.

    >>> ids_text(["SW6", "NI-13"]), ids_text(["odd;id"])
    ('SW6; NI-13', 'odd;;id')
    """
    return SEPARATOR.join(identifier.replace(";", ";;") for identifier in ids)


def split_ids(text: str) -> tuple[str, ...]:
    """The ids of a cell written by :func:`ids_text` or typed by a person (``SW6;NI-13``):
    a single ``;`` separates, ``;;`` is a ``;`` of an id; spaces around ids are dropped.

    >>> split_ids("SW6; NI-13"), split_ids("odd;;id"), split_ids(" SW6 ;; ")
    (('SW6', 'NI-13'), ('odd;id',), ('SW6 ;',))
    """
    pieces: list[str] = []
    current: list[str] = []
    position = 0
    while position < len(text):
        character = text[position]
        if character == ";" and text[position + 1 : position + 2] == ";":
            current.append(";")
            position += 2
            continue
        if character == ";":
            pieces.append("".join(current))
            current = []
        else:
            current.append(character)
        position += 1
    pieces.append("".join(current))
    return tuple(piece.strip() for piece in pieces if piece.strip())


def numbers_text(values: Iterable[int]) -> str:
    """Recommendation numbers as one cell.

    >>> numbers_text([3, 11])
    '3; 11'
    """
    return SEPARATOR.join(str(value) for value in values)


def grade_text(grade: int) -> str:
    """A grade as its drop-down choice: ``"5 very good"``; a grade off the scale as its number.

    >>> grade_text(5), grade_text(9)
    ('5 very good', '9')
    """
    return f"{grade} {grade_label(grade)}" if grade in range(1, 7) else str(grade)


#: The drop-down choices of the grade column, best first.
GRADES = tuple(grade_text(grade) for grade in range(6, 0, -1))


# ---------------------------------------------------------------------------------------
# The layout


class Kind(enum.Enum):
    """What a column or field holds, which decides how it is written, checked and read."""

    TEXT = "text"
    LONG_TEXT = "long text"
    DATE = "date"
    RECOMMENDATIONS = "recommendations"
    INDICATORS = "indicators"
    CHOICE = "choice"
    GRADE = "grade"
    FLAG = "flag"
    COUNT = "count"


class Layout(enum.Enum):
    """The three kinds of sheet (see the module's docstring)."""

    FIELDS = "fields"
    TABLE = "table"
    LISTS = "lists"


@attrs.frozen(kw_only=True)
class Column:
    """A column of a table or list sheet, or a field (a row) of a field sheet.

    ``choices`` names a list of the lists sheet offered as a drop-down; ``locked`` cells
    are not for people to change; a column that is not ``read`` is help for people;
    ``required`` values must be given in every entry.
    """

    name: str
    kind: Kind = Kind.TEXT
    choices: str = ""
    required: bool = False
    locked: bool = False
    read: bool = True
    hidden: bool = False
    help: str = ""

    @property
    def width(self) -> float:
        return {Kind.LONG_TEXT: 60, Kind.DATE: 13, Kind.GRADE: 18}.get(self.kind, 24)

    @property
    def wraps(self) -> bool:
        return self.kind is Kind.LONG_TEXT or not self.read


@attrs.frozen(kw_only=True)
class SheetLayout:
    """One sheet: its name, layout and columns (for a field sheet, its fields)."""

    name: str
    layout: Layout
    columns: tuple[Column, ...]
    #: Table sheets with one row per thing that exists (prompts, sections): no rows added.
    fixed: bool = False

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)


#: The columns of a field sheet.
FIELD_COLUMNS = ("field", "value", "help")

# Names of the drop-down lists on the lists sheet.
_PROVIDERS, _STATUSES, _ROLES, _FLAGS = "provider", "status", "role", "provided"
_RETURN_SECTIONS, _KINDS, _REPORT_SECTIONS = "return_section", "kind", "report_section"
_GRADES, _EXPECTED, _PROGRESS = "grade", "expected", "progress"
_RECOMMENDATIONS, _INDICATORS = "recommendation", "indicator"
_FUNCTIONS = "function"

#: The kinds of statement of a return section, as written in the ``kind`` column.
STRENGTH, PRIORITY = "strength", "priority"
STATEMENT_KINDS = {STRENGTH: "strengths", PRIORITY: "priorities"}

_RECOMMENDATIONS_HELP = "recommendations 1-13; several separated by '; ', e.g. 3; 11"
_INDICATORS_HELP = "indicator ids of the catalogue; several separated by '; ', e.g. SW6; NI-13"


def _links() -> tuple[Column, ...]:
    return (
        Column(name="recommendations", kind=Kind.RECOMMENDATIONS, choices=_RECOMMENDATIONS,
               help=_RECOMMENDATIONS_HELP),
        Column(name="indicators", kind=Kind.INDICATORS, choices=_INDICATORS,
               help=_INDICATORS_HELP),
    )  # fmt: skip


_RESPONSE = Column(
    name="response",
    kind=Kind.LONG_TEXT,
    help="your answer where the data contradict this (see 'Claims checked against the data')",
)
_PLAN = (
    Column(name="id", required=True, help="unique among the plans, e.g. P1"),
    Column(name="action", kind=Kind.LONG_TEXT, required=True, help="what will be done"),
    Column(name="owner", required=True, help="who is responsible"),
    Column(name="due", kind=Kind.DATE, required=True, help="a date, e.g. 2026-03-31"),
    *_links(),
    Column(name="expected", kind=Kind.CHOICE, choices=_EXPECTED,
           help="improve (the default) or maintain"),
)  # fmt: skip
_SIGN_OFF = (
    Column(name="name", help="the person signing"),
    Column(name="role", kind=Kind.CHOICE, choices=_ROLES,
           help="chief_social_work_officer (councils); chief_executive or director "
           "(independent providers)"),
    Column(name="date", kind=Kind.DATE, help="the date signed, e.g. 2026-06-30"),
)  # fmt: skip
_CSWO = "chief_social_work_officer"

REPORT = SheetLayout(
    name="Report",
    layout=Layout.FIELDS,
    columns=(
        Column(name="area", required=True, locked=True, help="the area, as in areas.csv"),
        Column(name="period", required=True, locked=True, help="the year of the report"),
        Column(name="provider", kind=Kind.CHOICE, choices=_PROVIDERS,
               help="council, or independent (then council-only questions do not apply)"),
        Column(name="status", kind=Kind.CHOICE, choices=_STATUSES,
               help="draft until the peer assessment is signed; then peer_assessed; then "
               "published"),
    ),
)  # fmt: skip
NARRATIVE = SheetLayout(
    name="Narrative",
    layout=Layout.FIELDS,
    columns=tuple(
        Column(name=name, kind=Kind.LONG_TEXT, help=words)
        for name, words in (
            ("introduction", "what this year was about, in a paragraph"),
            ("governance", "governance and accountability"),
            ("landscape", "the service delivery landscape: who provides what, where"),
            ("statutory_functions", "statutory functions and decisions, in words"),
            ("public_protection", "public protection"),
            ("resources", "resources"),
            ("workforce", "workforce"),
            ("voice", "the voice of people who use services and of carers"),
        )
    ),
)
SELF_ASSESSMENT = SheetLayout(
    name="Self-assessment",
    layout=Layout.TABLE,
    fixed=True,
    columns=(
        Column(name="prompt", required=True, locked=True),
        Column(name="recommendation", locked=True, read=False),
        Column(name="question", kind=Kind.LONG_TEXT, locked=True, read=False),
        Column(name="answer", kind=Kind.LONG_TEXT, help="your answer to the question"),
        # Marks the prompts the assessment lists even unanswered (hidden; see the reader).
        Column(name="listed", locked=True, hidden=True),
    ),
)
RETURN_SECTIONS = SheetLayout(
    name="Return sections",
    layout=Layout.TABLE,
    fixed=True,
    columns=(
        Column(name="section", kind=Kind.CHOICE, choices=_RETURN_SECTIONS, required=True,
               locked=True),
        Column(name="provided", kind=Kind.FLAG, choices=_FLAGS,
               help="true, or false when you do not provide this branch (then give the "
               "reason)"),
        Column(name="reason", kind=Kind.LONG_TEXT,
               help="why the section is not provided"),
    ),
)  # fmt: skip
STATEMENTS = SheetLayout(
    name="Strengths and priorities",
    layout=Layout.TABLE,
    columns=(
        Column(name="section", kind=Kind.CHOICE, choices=_RETURN_SECTIONS, required=True,
               help="the section of the return"),
        Column(name="kind", kind=Kind.CHOICE, choices=_KINDS, required=True,
               help="strength or priority"),
        Column(name="text", kind=Kind.LONG_TEXT, required=True, help="the statement"),
        *_links(),
        _RESPONSE,
    ),
)  # fmt: skip
ACHIEVEMENTS = SheetLayout(
    name="Achievements",
    layout=Layout.TABLE,
    columns=(
        Column(name="text", kind=Kind.LONG_TEXT, required=True, help="what the year achieved"),
        *_links(),
        _RESPONSE,
    ),
)
COMMENTARY = SheetLayout(
    name="Commentary",
    layout=Layout.TABLE,
    columns=(
        Column(name="indicator", choices=_INDICATORS, required=True,
               help="the indicator's id, from the list"),
        Column(name="comment", kind=Kind.LONG_TEXT, required=True,
               help="the council's comment, shown beside the indicator in the report"),
    ),
)  # fmt: skip
STATUTORY_FUNCTIONS = SheetLayout(
    name="Statutory functions",
    layout=Layout.TABLE,
    columns=(
        Column(name="function", kind=Kind.CHOICE, choices=_FUNCTIONS, required=True,
               help="the statutory function, from the list; each once"),
        Column(name="count", kind=Kind.COUNT,
               help="decisions, orders or cases in the year: a whole number"),
        Column(name="text", kind=Kind.LONG_TEXT, help="what the count covers, in a sentence"),
    ),
)  # fmt: skip
CASE_STUDIES = SheetLayout(
    name="Case studies",
    layout=Layout.TABLE,
    columns=(
        Column(name="title", required=True, help="a short title"),
        Column(name="text", kind=Kind.LONG_TEXT, required=True, help="the account, anonymised"),
        *_links(),
    ),
)  # fmt: skip
PLANS = SheetLayout(name="Plans", layout=Layout.TABLE, columns=_PLAN)
PREVIOUS_PLANS = SheetLayout(
    name="Previous plans",
    layout=Layout.TABLE,
    columns=(
        *_PLAN,
        Column(name="progress", kind=Kind.CHOICE, choices=_PROGRESS,
               help="complete, on_track, delayed, dropped or not_reported (the default)"),
        Column(name="comment", kind=Kind.LONG_TEXT, help="a sentence on what happened"),
        _RESPONSE,
    ),
)  # fmt: skip
SIGN_OFF = SheetLayout(name="Sign-off", layout=Layout.FIELDS, columns=_SIGN_OFF)
PEER = SheetLayout(
    name="Peer assessment",
    layout=Layout.FIELDS,
    columns=(
        Column(name="peer_area", help="the peer's area (not this one)"),
        Column(name="peer_name", help="the peer Chief Social Work Officer"),
        Column(name="started", kind=Kind.DATE, help="a date, not before the year starts"),
        Column(name="finished", kind=Kind.DATE, help="a date, not before started"),
        *(
            attrs.evolve(column, name=f"{who}_sign_off_{column.name}",
                         help=f"{words}: {column.help}" if column.name != "role"
                         else f"{words}: {_CSWO}")
            for who, words in (("area", "this area's CSWO accepting the assessment"),
                               ("peer", "the peer CSWO"))
            for column in _SIGN_OFF
        ),
    ),
)  # fmt: skip
PEER_METHOD = SheetLayout(
    name="Peer method",
    layout=Layout.LISTS,
    columns=tuple(
        Column(name=name, kind=Kind.LONG_TEXT, help=words)
        for name, words in (
            ("documents", "one document read per row"),
            ("people_met", "one person or group met per row"),
            ("data_examined", "one source of data examined per row"),
        )
    ),
)
PEER_JUDGEMENTS = SheetLayout(
    name="Peer judgements",
    layout=Layout.TABLE,
    columns=(
        Column(name="section", kind=Kind.CHOICE, choices=_REPORT_SECTIONS, required=True,
               help="the report section judged"),
        Column(name="grade", kind=Kind.GRADE, choices=_GRADES, required=True,
               help="6 excellent to 1 unsatisfactory; below 4 needs an agreed action"),
        Column(name="evidence", kind=Kind.LONG_TEXT, required=True,
               help="what the grade rests on"),
        _links()[1],
        _RESPONSE,
    ),
)  # fmt: skip
PEER_FINDINGS = SheetLayout(
    name="Peer findings",
    layout=Layout.LISTS,
    columns=(
        Column(name="strengths", kind=Kind.LONG_TEXT, help="one strength per row"),
        Column(name="improvements", kind=Kind.LONG_TEXT, help="one area for improvement per row"),
    ),
)
AGREED_ACTIONS = SheetLayout(
    name="Agreed actions",
    layout=Layout.TABLE,
    columns=(
        Column(name="action", kind=Kind.LONG_TEXT, required=True, help="what will be done"),
        Column(name="owner", required=True, help="who is responsible"),
        Column(name="due", kind=Kind.DATE, required=True,
               help="a date, not before the assessment finished"),
        Column(name="section", kind=Kind.CHOICE, choices=_REPORT_SECTIONS, required=True,
               help="the report section it answers"),
        _links()[0],
    ),
)  # fmt: skip

#: The sheets of the full workbook that are read, in order.
SHEETS = (REPORT, NARRATIVE, SELF_ASSESSMENT, RETURN_SECTIONS, STATEMENTS, ACHIEVEMENTS,
          COMMENTARY, STATUTORY_FUNCTIONS, CASE_STUDIES, PLANS, PREVIOUS_PLANS, SIGN_OFF, PEER,
          PEER_METHOD, PEER_JUDGEMENTS, PEER_FINDINGS, AGREED_ACTIONS)  # fmt: skip
#: The sheets of the peer annex (read by :func:`merge_peer_workbook`, with ``Report``).
PEER_SHEETS = (PEER, PEER_METHOD, PEER_JUDGEMENTS, PEER_FINDINGS, AGREED_ACTIONS)
#: The hidden sheet holding the drop-down lists; never read.
LISTS_SHEET = "Lists"
#: The read-only sheet of headline figures in a peer workbook; never read.
FIGURES_SHEET = "Headline figures"
#: Sheets that are never read as part of the assessment.
UNREAD_SHEETS = (INSTRUCTIONS_SHEET, LISTS_SHEET, FIGURES_SHEET)
#: Below the entries of a table or list sheet every row is there to fill: its columns are
#: editable (a column style), and their drop-downs and date checks reach this row.
LAST_ROW = 1000
_DATE_FORMAT = "yyyy-mm-dd"
_TEXT_FORMAT = "@"


def _lists(catalogue: Catalogue) -> dict[str, list[str | int]]:
    return {
        _PROVIDERS: [str(p) for p in ProviderType],
        _STATUSES: [str(s) for s in ReportStatus],
        _ROLES: [str(r) for r in SignOffRole],
        _FLAGS: ["true", "false"],
        _RETURN_SECTIONS: [str(s) for s in ReturnSection],
        _KINDS: [STRENGTH, PRIORITY],
        _REPORT_SECTIONS: [str(s) for s in ReportSection],
        _GRADES: list(GRADES),
        _EXPECTED: [str(e) for e in ExpectedDirection],
        _PROGRESS: [str(p) for p in PlanProgress],
        _RECOMMENDATIONS: list(RECOMMENDATIONS),
        _INDICATORS: list(catalogue.ids),
        _FUNCTIONS: [str(f) for f in StatutoryFunction],
    }


# ---------------------------------------------------------------------------------------
# Writing

Cell = str | int | float | dt.date | None


def assessment_workbook(
    assessment: Assessment,
    *,
    catalogue: Catalogue,
    prompts: Sequence[Prompt] | None = None,
    previous: Assessment | None = None,
    peer_only: bool = False,
    context: pd.DataFrame | Sequence[Mapping[str, object]] | None = None,
) -> bytes:
    """The assessment as an ``.xlsx`` workbook to fill in (same inputs, same bytes).

    Every prompt question of ``prompts`` (default: the bundled ones; council-only questions
    are left out for an independent provider) has a row, answered or not, and so does every
    section of the return; tables end with empty rows to fill. The catalogue's indicator
    ids are offered as a drop-down. ``previous``, last year's assessment, pre-fills the
    previous plans with its plans (those not there already, by id).

    With ``peer_only``, the workbook holds only the peer annex to fill in, beside read-only
    sheets of the area's self-assessment answers, strengths and priorities and, when
    ``context`` gives rows (a frame, or mappings of column to value), headline figures.
    Read it back with :func:`read_assessment_workbook`, or merge a peer annex with
    :func:`merge_peer_workbook`.

    >>> from outcomes import Assessment, load_catalogue
    >>> data = assessment_workbook(Assessment(area="Fife", period="2025-26"),
    ...                            catalogue=load_catalogue())
    >>> data[:2]
    b'PK'
    """
    import openpyxl

    from outcomes.returns._returns import _reproducible

    chosen = load_prompts() if prompts is None else tuple(prompts)
    workbook = openpyxl.Workbook()
    writer = _Writer(workbook, _lists(catalogue))
    instructions = workbook.worksheets[0]
    instructions.title = INSTRUCTIONS_SHEET
    _instructions(instructions, assessment, peer_only=peer_only, figures=context is not None)
    writer.fields(REPORT, _report_values(assessment), context=peer_only)
    if peer_only:
        writer.table(SELF_ASSESSMENT, _answer_rows(assessment, chosen, every=False),
                     context=True)  # fmt: skip
        writer.table(STATEMENTS, _statement_rows(assessment), context=True)
        if context is not None:
            writer.figures(context)
    else:
        writer.fields(NARRATIVE, dict(assessment.narrative))
        writer.table(SELF_ASSESSMENT, _answer_rows(assessment, chosen, every=True))
        writer.table(RETURN_SECTIONS, _section_rows(assessment))
        writer.table(STATEMENTS, _statement_rows(assessment))
        writer.table(ACHIEVEMENTS, [_statement_row(s) for s in assessment.achievements])
        writer.table(
            COMMENTARY,
            [
                {"indicator": indicator, "comment": comment}
                for indicator, comment in sorted(assessment.commentary.items())
            ],
        )
        writer.table(
            STATUTORY_FUNCTIONS,
            [
                {
                    "function": str(r.function),
                    "count": "" if r.count is None else str(r.count),
                    "text": r.text,
                }
                for r in assessment.statutory_functions
            ],
        )
        writer.table(CASE_STUDIES, [
            {"title": c.title, "text": c.text, "recommendations": numbers_text(c.recommendations),
             "indicators": ids_text(c.indicators)} for c in assessment.case_studies])  # fmt: skip
        writer.table(PLANS, [_plan_row(plan) for plan in assessment.plans])
        writer.table(PREVIOUS_PLANS, _previous_rows(assessment, previous))
        writer.fields(SIGN_OFF, _sign_off_values("", assessment.sign_off))
    _peer(writer, assessment.peer_assessment)
    writer.lists()
    workbook.active = 0
    return _reproducible(workbook)


def write_assessment_workbook(
    path: str | os.PathLike[str],
    assessment: Assessment,
    *,
    catalogue: Catalogue,
    prompts: Sequence[Prompt] | None = None,
    previous: Assessment | None = None,
    peer_only: bool = False,
    context: pd.DataFrame | Sequence[Mapping[str, object]] | None = None,
) -> Path:
    """Write :func:`assessment_workbook` to ``path`` atomically (docs/contracts.md)."""
    data = assessment_workbook(
        assessment, catalogue=catalogue, prompts=prompts, previous=previous,
        peer_only=peer_only, context=context,
    )  # fmt: skip
    return write_bytes_atomic(path, data)


def _report_values(assessment: Assessment) -> dict[str, Cell]:
    return {
        "area": assessment.area,
        "period": assessment.period,
        "provider": str(assessment.provider),
        "status": str(assessment.status),
    }


def _answer_rows(assessment: Assessment, prompts: Sequence[Prompt], *, every: bool) -> list[Row]:
    """The assessment's answers in its order, marked as listed; then (``every``) the other
    prompt questions that apply to its provider, to be answered."""
    known = {prompt.id: prompt for prompt in [*load_prompts(), *prompts]}
    rows: list[Row] = []
    for answer in assessment.self_assessment:
        prompt = known.get(answer.prompt)
        rows.append({
            "prompt": answer.prompt,
            "recommendation": None if prompt is None else prompt.recommendation,
            "question": None if prompt is None else prompt.question,
            "answer": answer.answer,
            "listed": "yes",
        })  # fmt: skip
    if not every:
        return rows
    listed = {answer.prompt for answer in assessment.self_assessment}
    council = assessment.provider is ProviderType.COUNCIL
    for prompt in prompts:
        if prompt.id not in listed and (council or not prompt.councils_only):
            rows.append({"prompt": prompt.id, "recommendation": prompt.recommendation,
                         "question": prompt.question})  # fmt: skip
    return rows


def _section_rows(assessment: Assessment) -> list[Row]:
    rows: list[Row] = []
    for section in ReturnSection:
        given = assessment.section(section) or SectionReturn(section=section)
        rows.append({"section": str(section), "provided": "true" if given.provided else "false",
                     "reason": given.reason})  # fmt: skip
    return rows


def _statement_row(statement: Statement) -> Row:
    return {
        "text": statement.text,
        "recommendations": numbers_text(statement.recommendations),
        "indicators": ids_text(statement.indicators),
        "response": statement.response,
    }


def _statement_rows(assessment: Assessment) -> list[Row]:
    rows: list[Row] = []
    for given in assessment.sections:
        for kind, attribute in STATEMENT_KINDS.items():
            for statement in getattr(given, attribute):
                rows.append({"section": str(given.section), "kind": kind,
                             **_statement_row(statement)})  # fmt: skip
    return rows


def _plan_row(plan: Any) -> Row:
    return {
        "id": plan.id,
        "action": plan.action,
        "owner": plan.owner,
        "due": plan.due,
        "recommendations": numbers_text(plan.recommendations),
        "indicators": ids_text(plan.indicators),
        "expected": str(plan.expected),
    }


def _previous_rows(assessment: Assessment, previous: Assessment | None) -> list[Row]:
    """This year's previous plans, then last year's plans not among them (by id)."""
    carried = list(assessment.previous_plans)
    if previous is not None:
        ids = {given.plan.id for given in carried}
        carried += [PreviousPlan(plan=plan) for plan in previous.plans if plan.id not in ids]
    return [
        {**_plan_row(given.plan), "progress": str(given.progress), "comment": given.comment,
         "response": given.response}
        for given in carried
    ]  # fmt: skip


def _sign_off_values(prefix: str, sign_off: SignOff | None) -> dict[str, Cell]:
    if sign_off is None:
        return {}
    return {f"{prefix}name": sign_off.name, f"{prefix}role": str(sign_off.role),
            f"{prefix}date": sign_off.date}  # fmt: skip


def _peer(writer: _Writer, peer: PeerAssessment | None) -> None:
    values: dict[str, Cell] = {}
    method: dict[str, Sequence[str]] = {}
    findings: dict[str, Sequence[str]] = {}
    judgements: list[Row] = []
    actions: list[Row] = []
    if peer is not None:
        values = {
            "peer_area": peer.peer_area,
            "peer_name": peer.peer_name,
            "started": peer.started,
            "finished": peer.finished,
            **_sign_off_values("area_sign_off_", peer.area_sign_off),
            **_sign_off_values("peer_sign_off_", peer.peer_sign_off),
        }
        method = {"documents": peer.method.documents, "people_met": peer.method.people_met,
                  "data_examined": peer.method.data_examined}  # fmt: skip
        findings = {"strengths": peer.strengths, "improvements": peer.improvements}
        judgements = [
            {"section": str(j.section), "grade": grade_text(j.grade), "evidence": j.evidence,
             "indicators": ids_text(j.indicators), "response": j.response}
            for j in peer.judgements
        ]  # fmt: skip
        actions = [
            {"action": a.action, "owner": a.owner, "due": a.due, "section": str(a.section),
             "recommendations": numbers_text(a.recommendations)}
            for a in peer.actions
        ]  # fmt: skip
    writer.fields(PEER, values)
    writer.columns(PEER_METHOD, method)
    writer.table(PEER_JUDGEMENTS, judgements)
    writer.columns(PEER_FINDINGS, findings)
    writer.table(AGREED_ACTIONS, actions)


Row = dict[str, Cell]


class _Writer:
    """Writes sheets of one workbook in the layout above, with their styles, protection
    and drop-downs (one class because every sheet shares the styles and the lists)."""

    def __init__(self, workbook: Workbook, lists: dict[str, list[str | int]]) -> None:
        from openpyxl.styles import Alignment, Font, PatternFill, Protection

        self.workbook = workbook
        self.choices = lists
        self.bold = Font(bold=True)
        self.header_fill = PatternFill("solid", fgColor="DDEBF7")
        self.help_fill = PatternFill("solid", fgColor="F2F2F2")
        self.locked = Protection(locked=True)
        self.unlocked = Protection(locked=False)
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.top = Alignment(vertical="top")
        self.styles: dict[tuple[str, bool, bool, bool], Any] = {}
        #: Where each list is on the lists sheet: ``Lists!$A$2:$A$4``.
        self.ranges = {
            name: f"{LISTS_SHEET}!${column_letter(position)}$2:"
            f"${column_letter(position)}${len(values) + 1}"
            for position, (name, values) in enumerate(lists.items(), start=1)
        }

    def _sheet(self, name: str) -> Worksheet:
        sheet: Worksheet = self.workbook.create_sheet(name)
        sheet.protection.sheet = True
        # Widths and heights stay adjustable; the password is empty (docs/assessment.md).
        sheet.protection.formatColumns = False
        sheet.protection.formatRows = False
        return sheet

    def _header(self, sheet: Worksheet, names: Sequence[str]) -> None:
        for position, name in enumerate(names, start=1):
            cell = sheet.cell(row=1, column=position, value=name)
            cell.font, cell.fill, cell.protection = self.bold, self.header_fill, self.locked
        sheet.freeze_panes = "A2"

    def _put(self, sheet: Worksheet, row: int, position: int, value: Cell, column: Column,
             *, locked: bool) -> None:  # fmt: skip
        cell: Any = sheet.cell(row=row, column=position)
        if isinstance(value, str):
            cell.value = cell_text(value) if value else None
            cell.data_type = "s"  # never a formula, a number or an error code
        elif value is not None:
            cell.value = value
        number_format = "General"
        if column.kind is Kind.DATE:
            number_format = _DATE_FORMAT
        elif column.kind is not Kind.GRADE and not locked:
            number_format = _TEXT_FORMAT  # what is typed stays text: 3 stays 3, 1/4 too
        # Styles are made once and copied: openpyxl is slow to look up each one afresh.
        style = (number_format, locked, column.wraps, locked and not column.read)
        made = self.styles.get(style)
        if made is not None:
            cell._style = copy.copy(made)
            return
        cell.number_format = number_format
        cell.protection = self.locked if locked else self.unlocked
        cell.alignment = self.wrap if column.wraps else self.top
        if locked and not column.read:
            cell.fill = self.help_fill
        self.styles[style] = copy.copy(cell._style)

    def _validate(self, sheet: Worksheet, column: Column, cells: str) -> None:
        """A drop-down (or a date check) on ``cells``. Lists that allow several values in a
        cell (recommendations, indicators) offer the choices without refusing others."""
        from openpyxl.worksheet.datavalidation import DataValidation

        several = column.kind in (Kind.RECOMMENDATIONS, Kind.INDICATORS)
        if column.kind is Kind.DATE:
            validation = DataValidation(
                type="date", operator="greaterThan", formula1="1", allow_blank=True,
                showErrorMessage=True, errorTitle="Not a date",
                error="Type a date, e.g. 2026-03-31 or 31/03/2026.",
            )  # fmt: skip
        elif column.choices:
            validation = DataValidation(
                type="list", formula1=self.ranges[column.choices], allow_blank=True,
                showErrorMessage=not several, errorTitle="Not one of the choices",
                error=f"Choose a {column.name} from the list.",
            )  # fmt: skip
        else:
            return
        if column.help:
            validation.showInputMessage = True
            validation.promptTitle = column.name[:32]
            validation.prompt = column.help[:255]
        validation.add(cells)
        sheet.add_data_validation(validation)

    def fields(self, layout: SheetLayout, values: Mapping[str, Cell], *,
               context: bool = False) -> None:  # fmt: skip
        """A field sheet: one row per field; ``context`` locks every value."""
        sheet = self._sheet(layout.name)
        self._header(sheet, FIELD_COLUMNS)
        value_column = Column(name="value", kind=Kind.LONG_TEXT)
        for row, field in enumerate(layout.columns, start=2):
            locked = field.locked or context
            name_cell = sheet.cell(row=row, column=1, value=field.name)
            name_cell.protection, name_cell.alignment = self.locked, self.top
            shown = value_column if field.kind is not Kind.DATE else field
            self._put(sheet, row, 2, values.get(field.name), shown, locked=locked)
            help_column = Column(name="help", read=False)
            self._put(sheet, row, 3, field.help, help_column, locked=True)
            if not locked:
                self._validate(sheet, field, f"B{row}")
        for letter, width in (("A", 26), ("B", 70), ("C", 60)):
            sheet.column_dimensions[letter].width = width

    def table(self, layout: SheetLayout, rows: Sequence[Row], *, context: bool = False) -> None:
        """A table sheet: the header, one row per entry, then empty rows to fill down to
        :data:`LAST_ROW` (none for a fixed table or a read-only ``context`` copy)."""
        sheet = self._sheet(layout.name)
        columns = [c for c in layout.columns if not (context and c.hidden)]
        self._header(sheet, [column.name for column in columns])
        growing = not (layout.fixed or context)
        for position, column in enumerate(columns, start=1):
            locked = column.locked or context
            for row, entry in enumerate(rows, start=2):
                self._put(sheet, row, position, entry.get(column.name), column, locked=locked)
            letter = column_letter(position)
            dimension = sheet.column_dimensions[letter]
            dimension.width, dimension.hidden = column.width, column.hidden
            if growing and not locked:
                # The empty rows take the column's style: editable, wrapped, text or dates.
                dimension.protection = self.unlocked
                dimension.alignment = self.wrap if column.wraps else self.top
                dimension.number_format = _DATE_FORMAT if column.kind is Kind.DATE else (
                    "General" if column.kind is Kind.GRADE else _TEXT_FORMAT
                )  # fmt: skip
            last = LAST_ROW if growing else len(rows) + 1
            if not locked and last >= 2:
                self._validate(sheet, column, f"{letter}2:{letter}{last}")
        if growing:
            # Rows may be added and deleted: every cell below the header is editable.
            sheet.protection.insertRows = False
            sheet.protection.deleteRows = False

    def columns(self, layout: SheetLayout, values: Mapping[str, Sequence[str]]) -> None:
        """A list sheet: each column a list of texts, read top down."""
        length = max([0, *(len(texts) for texts in values.values())])
        rows: list[Row] = [
            {name: texts[row] if row < len(texts) else None for name, texts in values.items()}
            for row in range(length)
        ]
        self.table(layout, rows)

    def figures(self, context: pd.DataFrame | Sequence[Mapping[str, object]]) -> None:
        """The read-only headline figures of a peer workbook, as given."""
        records = _records(context)
        names: list[str] = []
        for record in records:
            names += [str(name) for name in record if str(name) not in names]
        sheet = self._sheet(FIGURES_SHEET)
        self._header(sheet, names)
        for row, record in enumerate(records, start=2):
            by_name = {str(name): value for name, value in record.items()}
            for position, name in enumerate(names, start=1):
                column = Column(name=name, locked=True)
                self._put(sheet, row, position, _figure(by_name.get(name)), column, locked=True)
        for position in range(1, len(names) + 1):
            sheet.column_dimensions[column_letter(position)].width = 16

    def lists(self) -> None:
        """The hidden sheet of drop-down choices (never read back)."""
        sheet = self._sheet(LISTS_SHEET)
        for position, (name, values) in enumerate(self.choices.items(), start=1):
            sheet.cell(row=1, column=position, value=name).font = self.bold
            for row, value in enumerate(values, start=2):
                cell = sheet.cell(row=row, column=position, value=value)
                if isinstance(value, str):
                    cell.value = cell_text(value)
                    cell.data_type = "s"
        sheet.sheet_state = "hidden"


def _records(context: pd.DataFrame | Sequence[Mapping[str, object]]) -> list[Mapping[Any, object]]:
    to_dict = getattr(context, "to_dict", None)
    if to_dict is not None:
        records: list[Mapping[Any, object]] = to_dict("records")
        return records
    return list(context)  # type: ignore[arg-type]


def _figure(value: object) -> Cell:
    """A headline figure as a cell: finite numbers as numbers, missing values empty."""
    if value is None or isinstance(value, bool):
        return None if value is None else str(value).lower()
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, dt.date):
        return value
    text = str(value)
    return None if text in ("nan", "<NA>", "NaT") else text


def _instructions(
    sheet: Worksheet, assessment: Assessment, *, peer_only: bool, figures: bool
) -> None:
    from openpyxl.styles import Alignment, Font

    title = f"{assessment.area}, {assessment.period}"
    if peer_only:
        lines = [
            f"Peer assessment of the annual performance improvement report: {title}",
            "",
            "Fill in the peer annex: 'Peer assessment' (who, when and the two sign-offs), "
            "'Peer method', 'Peer judgements' (a grade from 6 excellent to 1 unsatisfactory "
            "for each report section, with its evidence), 'Peer findings' and "
            "'Agreed actions' (one for each grade below 4 good).",
            "'Report', 'Self-assessment' and 'Strengths and priorities' show the area's own "
            "assessment for reference; they are locked and are not read back.",
            *(["'Headline figures' shows the area's published figures for reference."]
              if figures else []),
            "Return the workbook to the area: 'outcomes assessment THIS.xlsx --merge-into "
            "AREA.toml --out AREA.toml' merges the annex into its assessment.",
        ]  # fmt: skip
    else:
        lines = [
            f"Annual performance improvement report: {title}",
            "",
            "One sheet per part of the assessment (docs/assessment.md). Type in the white "
            "cells; grey cells and the headers are locked (the protection has no password "
            "and only guards against slips).",
            "'Self-assessment': answer each prompt question in the 'answer' column. "
            "Unanswered questions are left out.",
            "'Return sections': say false under 'provided' with the reason for a branch you "
            "do not provide. 'Strengths and priorities': one row per statement.",
            "'Achievements', 'Plans' and 'Previous plans' (how last year's plans went): one "
            "row per entry; add rows as needed. 'Sign-off': the return's sign-off.",
            "The peer sheets ('Peer assessment' to 'Agreed actions') are filled in by the peer.",
        ]
    lines += [
        "",
        "Dates: type a date (2026-03-31, or 31/03/2026 day first).",
        "Several recommendations or indicator ids in one cell: separate them with '; ', "
        "e.g. 3; 11 or SW6; NI-13.",
        "Choices (status, role, progress, grade, section) come from the drop-down lists.",
        "Empty rows are skipped. Do not merge cells, rename sheets or change the headers.",
        "Read it back with: outcomes assessment THIS.xlsx --out assessment.toml; every "
        "problem is listed with its sheet, row and column.",
    ]
    sheet.column_dimensions["A"].width = 110
    for row, line in enumerate(lines, start=1):
        cell = sheet.cell(row=row, column=1, value=cell_text(line) if line else None)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet["A1"].font = Font(bold=True, size=14)
