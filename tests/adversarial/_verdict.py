"""What the library did with one hostile input, and the running count of every case.

A case is **accepted** (the call returned), **refused with a location** (an
:class:`~outcomes.errors.OutcomesError` whose every problem names its file and, where the
fault is in a row or key, that row or key), **refused without a location** (an
``OutcomesError`` that does not say where), or a **traceback** (any other exception,
warnings included: pytest turns them into errors). Separately a case counts the values it
lost or misread, the spreadsheet cells it wrote that would run as formulas, and the markup of
its input left live in HTML or Markdown.
"""

from __future__ import annotations

import contextlib
import csv
import enum
import io
import json
import re
import shutil
import tempfile
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import TypeVar

import attrs

from outcomes.errors import (
    AssessmentError,
    AssessmentProblem,
    CatalogueError,
    CatalogueProblem,
    DataProblem,
    OutcomesError,
    ValidationError,
)

T = TypeVar("T")


class Verdict(enum.IntEnum):
    """What one call (or one case, the worst of its calls) came to, best first."""

    ACCEPTED = 0
    REFUSED = 1
    UNLOCATED = 2
    TRACEBACK = 3


#: The columns of the tally, in order (``seconds`` is the time spent in the cases themselves;
#: the table adds ``wall_seconds``, which includes drawing them).
COLUMNS = ("cases", "accepted", "refused_with_location", "refused_without_location",
           "tracebacks", "losses", "executable_cells", "live_markup", "refused_unplanned",
           "seconds")  # fmt: skip
_VERDICT_COLUMN = {
    Verdict.ACCEPTED: "accepted",
    Verdict.REFUSED: "refused_with_location",
    Verdict.UNLOCATED: "refused_without_location",
    Verdict.TRACEBACK: "tracebacks",
}


@attrs.define
class Case:
    """One hostile input as it went through the library."""

    kind: str
    verdict: Verdict | None = None
    losses: list[str] = attrs.Factory(list)
    executable: list[str] = attrs.Factory(list)
    live_markup: list[str] = attrs.Factory(list)
    problems: list[str] = attrs.Factory(list)
    seconds: float = 0.0
    #: The error of the last call that was refused, to look into.
    error: OutcomesError | None = None
    #: Why input with no planted fault was refused (not a broken promise, but worth a look).
    unplanned: list[str] = attrs.Factory(list)

    def attempt(
        self,
        call: Callable[[], T],
        *,
        locate: Callable[[OutcomesError], list[str]] = lambda error: [],
        primary: bool = True,
    ) -> T | None:
        """Run ``call``: its result, or None when it raised. ``locate`` lists the problems of
        an error that are not located. A call that is not ``primary`` (a later step on input
        already accepted) changes the verdict only by a traceback or an unlocated problem."""
        try:
            result = call()
        except OutcomesError as error:
            self.error = error
            unlocated = locate(error)
            verdict = Verdict.UNLOCATED if unlocated else Verdict.REFUSED
            self.problems += unlocated
            if primary or verdict is Verdict.UNLOCATED:
                self._worst(verdict)
            return None
        except Exception as error:  # every other exception is a traceback for the user
            self.problems.append(traceback_tail(error))
            self._worst(Verdict.TRACEBACK)
            return None
        if primary:
            self._worst(Verdict.ACCEPTED)
        return result

    def unlocated(self, detail: str) -> None:
        """A refusal that does not say where a planted fault is."""
        self.problems.append(detail)
        self._worst(Verdict.UNLOCATED)

    def lost(self, detail: str) -> None:
        """A value lost, changed, or read from a cell that holds no such value."""
        self.losses.append(detail)

    def check_cells(self, paths: Iterable[Path]) -> None:
        """Count every cell of these CSV or XLSX files that a spreadsheet would run."""
        self.executable += executable_cells(paths)

    def check_html(self, html: str, payloads: Iterable[str] = (), where: str = "HTML") -> None:
        """Count live markup in rendered HTML: tags and attributes no report has of its own,
        and any payload with markup characters left as it was written."""
        self.live_markup += [f"{where}: {found}" for found in live_html(html, payloads)]

    def check_markdown(self, text: str, payloads: Iterable[str] = (), where: str = "md") -> None:
        """Count live markup in rendered Markdown (it has no tags of its own)."""
        self.live_markup += [f"{where}: {found}" for found in live_markdown(text, payloads)]

    def _worst(self, verdict: Verdict) -> None:
        self.verdict = verdict if self.verdict is None else max(self.verdict, verdict)

    def defects(self) -> list[str]:
        """Every broken promise of this case, in words."""
        found = [f"{self.verdict.name.lower()}: {problem}" for problem in self.problems
                 if self.verdict in (Verdict.TRACEBACK, Verdict.UNLOCATED)]  # fmt: skip
        for word, found_here in (("lost", self.losses), ("executable cell", self.executable),
                                 ("live markup", self.live_markup)):  # fmt: skip
            found += [f"{word}: {text}" for text in found_here[:5]]
            found += [f"... {len(found_here) - 5} more"] if len(found_here) > 5 else []
        return found


@attrs.define
class Tally:
    """Counts of every case seen in this session, by kind of input."""

    counts: dict[str, dict[str, float]] = attrs.Factory(dict)
    reasons: dict[str, int] = attrs.Factory(dict)
    defects: dict[str, list[str]] = attrs.Factory(dict)
    wall: dict[str, float] = attrs.Factory(dict)
    started: float = attrs.Factory(time.perf_counter)

    def add(self, case: Case) -> None:
        row = self.counts.setdefault(case.kind, dict.fromkeys(COLUMNS, 0))
        row["cases"] += 1
        if case.verdict is not None:
            row[_VERDICT_COLUMN[case.verdict]] += 1
        row["losses"] += len(case.losses)
        row["executable_cells"] += len(case.executable)
        row["live_markup"] += len(case.live_markup)
        row["refused_unplanned"] += bool(case.unplanned)
        for reason in case.unplanned:
            self.reasons[f"{case.kind}: {reason}"] = (
                self.reasons.get(f"{case.kind}: {reason}", 0) + 1
            )
        row["seconds"] += case.seconds

    def cases(self, kind: str) -> int:
        return int(self.counts.get(kind, {}).get("cases", 0))

    def table(self) -> dict[str, dict[str, float]]:
        """The counts by kind, with a ``total`` row; seconds rounded."""
        table = {kind: dict(row) for kind, row in sorted(self.counts.items())}
        for kind, row in table.items():
            row["wall_seconds"] = self.wall.get(kind, 0.0)
        table["total"] = {column: sum(row[column] for row in table.values())
                          for column in (*COLUMNS, "wall_seconds")}  # fmt: skip
        for row in table.values():
            row["seconds"] = round(row["seconds"], 1)
            row["wall_seconds"] = round(row["wall_seconds"], 1)
        return table

    def write_json(self, path: Path, **extra: object) -> Path:
        document = {"counts": self.table(), "refused_unplanned": self.reasons, **extra}
        path.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        return path


#: Every case of this test session.
TALLY = Tally()


#: Where the inputs of a case that broke a promise are kept, to reproduce it.
KEPT = Path(tempfile.gettempdir()) / "outcomes-adversarial"


@contextlib.contextmanager
def observed(kind: str, inputs: Path, description: object) -> Iterator[Case]:
    """A case of ``kind`` whose input files are in ``inputs``, counted in :data:`TALLY` when
    the block ends. When it broke a promise, its inputs and ``description`` are copied to
    :data:`KEPT` and the broken promises are listed in :attr:`Tally.defects`: the case does
    not fail on its own, so that a run counts every case (see :func:`run_cases`)."""
    case = Case(kind=kind)
    start = time.perf_counter()
    yield case
    case.seconds = time.perf_counter() - start
    TALLY.add(case)
    defects = case.defects()
    if defects:
        kept = KEPT / f"{kind}-{TALLY.cases(kind)}"
        shutil.rmtree(kept, ignore_errors=True)
        shutil.copytree(inputs, kept, ignore=shutil.ignore_patterns("out"))
        (kept / "case.txt").write_text(f"{description!r}\n\n" + "\n".join(defects) + "\n",
                                       encoding="utf-8")  # fmt: skip
        TALLY.defects.setdefault(kind, []).append(f"{description!r:.600}\n  " + "\n  ".join(
            [*defects, f"(inputs kept in {kept})"]))  # fmt: skip


def run_cases(kind: str, cases: Callable[[], None]) -> None:
    """Run the Hypothesis property ``cases`` (every case, none failing on its own), then
    fail with every promise its cases broke."""
    before = len(TALLY.defects.get(kind, []))
    start = time.perf_counter()
    try:
        cases()
    finally:
        TALLY.wall[kind] = TALLY.wall.get(kind, 0.0) + time.perf_counter() - start
    defects = TALLY.defects.get(kind, [])[before:]
    assert not defects, f"{len(defects)} {kind} case(s) broke a promise:\n" + "\n".join(
        defects[:10]
    )


def traceback_tail(error: BaseException, lines: int = 12) -> str:
    """The last lines of an exception's traceback, for a reproduction."""
    text = "".join(traceback.format_exception(error)).rstrip().splitlines()
    return "\n".join(text[-lines:])


# --- where a problem is -----------------------------------------------------------------------

#: Problems of a whole file, which have no row.
FILE_PROBLEMS = frozenset({DataProblem.UNREADABLE_FILE, DataProblem.NOT_UTF8, DataProblem.NO_DATA})


def unlocated_data_problems(
    error: OutcomesError, files: Iterable[str], tables: Iterable[str] = ()
) -> list[str]:
    """The problems of a data error that do not say where they are. Every problem names one
    of ``files``, and unless it is about a whole file it names its place: a row and column
    (as read from a file), or the area, period and item of a cell of the dataset (a missing
    item, a negative count found by ``compute``), or the column and the area (an area that
    the areas file does not list). A problem in one of ``tables``, given in memory rather
    than read from a file, may name its place by column and value instead."""
    if not isinstance(error, ValidationError):
        return [] if str(error) else [f"{type(error).__name__} with no message"]
    given, in_memory = set(files), set(tables)
    unlocated = []
    for row in error.problems:
        in_row = row.row is not None and row.row >= 1 and bool(row.column)
        in_cell = bool(row.area and row.period and row.item)
        of_area = row.column == "area" and bool(row.area)
        of_value = row.file in in_memory and bool(row.column and row.value)
        if row.file not in given | in_memory:
            unlocated.append(f"names no file given: {row}")
        elif row.problem is DataProblem.MISSING_ITEM and not (in_cell or of_value):
            unlocated.append(f"missing item without area, period and item: {row}")
        elif row.problem not in FILE_PROBLEMS and not (in_row or in_cell or of_area or of_value):
            unlocated.append(f"no row and column, nor area, period and item: {row}")
    if not error.problems:
        unlocated.append("a ValidationError with no problems")
    return unlocated


def unlocated_assessment_problems(error: OutcomesError, file: str) -> list[str]:
    """Assessment problems that do not name ``file``, or (but for a file that cannot be read
    at all) the dotted key."""
    if not isinstance(error, AssessmentError):
        return [f"not an AssessmentError: {type(error).__name__}: {error}"]
    whole_file = (AssessmentProblem.UNREADABLE, AssessmentProblem.TOML_SYNTAX)
    unlocated = [
        f"{row.problem.name} without its file or key: {row}"
        for row in error.problems
        if row.file != file or (not row.key and row.problem not in whole_file)
    ]
    return unlocated + (["an AssessmentError with no problems"] if not error.problems else [])


def unlocated_catalogue_problems(error: OutcomesError, folder: str) -> list[str]:
    """Catalogue problems that do not name a file in ``folder``, or (but for a file that
    cannot be read and a folder with no definitions) the key."""
    if not isinstance(error, CatalogueError):
        return [f"not a CatalogueError: {type(error).__name__}: {error}"]
    whole_file = (CatalogueProblem.UNREADABLE, CatalogueProblem.TOML_SYNTAX,
                  CatalogueProblem.NO_DEFINITIONS)  # fmt: skip
    unlocated = [
        f"{row.problem.name} without its file or key: {row}"
        for row in error.problems
        if not row.file.startswith(folder) or (not row.key and row.problem not in whole_file)
    ]
    return unlocated + (["a CatalogueError with no problems"] if not error.problems else [])


# --- cells a spreadsheet would run ------------------------------------------------------------

#: A text cell starting with one of these is run as a formula by spreadsheet programs.
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def executable(cell: object) -> bool:
    """Whether a spreadsheet would run this cell as a formula."""
    return isinstance(cell, str) and cell.startswith(TRIGGERS) and not _PLAIN_NUMBER.fullmatch(cell)


def csv_cells(path: Path) -> list[str]:
    """Every cell of a CSV file as a spreadsheet program splits it (a bare carriage return
    ends a row too)."""
    text = path.read_bytes().decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def xlsx_cells(path: Path) -> list[object]:
    """Every cell of every sheet; a formula cell as ``=<formula>``."""
    import openpyxl

    workbook = openpyxl.load_workbook(path)
    try:
        return [
            "=" + str(cell.value).removeprefix("=") if cell.data_type == "f" else cell.value
            for sheet in workbook.worksheets
            for row in sheet.iter_rows()
            for cell in row
        ]
    finally:
        workbook.close()


def executable_cells(paths: Iterable[Path]) -> list[str]:
    """``file: cell`` for every cell of these files that a spreadsheet would run."""
    found = []
    for path in paths:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            cells: list[object] = xlsx_cells(path)
        elif path.suffix.lower() == ".csv":
            cells = list(csv_cells(path))
        else:
            continue
        found += [f"{path.name}: {cell!r}" for cell in cells if executable(cell)]
    return found


# --- markup left live -------------------------------------------------------------------------

#: Tags no report or page writes of its own: any of them in output came from input.
FOREIGN_TAGS = frozenset({"script", "iframe", "object", "embed", "img", "base", "form", "input",
                          "frame", "frameset", "applet", "textarea", "video", "audio",
                          "button", "math"})  # fmt: skip


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in FOREIGN_TAGS:
            self.found.append(f"<{tag}> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{name}= on <{tag}>")
            if (value or "").strip().lower().startswith(("javascript:", "vbscript:")):
                self.found.append(f"{name}={value!r} on <{tag}>")


def live_html(html: str, payloads: Iterable[str] = ()) -> list[str]:
    """Markup in ``html`` that no template writes, and payloads left verbatim."""
    parser = _Tags()
    parser.feed(html)
    parser.close()
    verbatim = [f"payload verbatim: {p!r}" for p in set(payloads) if "<" in p and p in html]
    return parser.found + verbatim


_MARKDOWN_TAG = re.compile(r"<[A-Za-z!/?]")
_MARKDOWN_LINK = re.compile(r"\]\(\s*(javascript|vbscript|data):", re.IGNORECASE)


def _escaped(text: str, at: int) -> bool:
    """Whether the character at ``at`` follows an odd run of backslashes (a Markdown escape)."""
    run = len(text[:at]) - len(text[:at].rstrip("\\"))
    return run % 2 == 1


def live_markdown(text: str, payloads: Iterable[str] = ()) -> list[str]:
    """HTML tags in Markdown (the templates write none), script links, payloads verbatim;
    a character escaped with a backslash is text."""
    found = [f"tag {m.group()!r} at {m.start()}" for m in _MARKDOWN_TAG.finditer(text)
             if not _escaped(text, m.start())]  # fmt: skip
    found += [f"link {m.group()!r} at {m.start()}" for m in _MARKDOWN_LINK.finditer(text)
              if not _escaped(text, m.start())]  # fmt: skip
    found += [f"payload verbatim: {p!r}" for p in set(payloads) if "<" in p and p in text]
    return found[:20]
