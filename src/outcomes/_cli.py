"""The ``outcomes`` command: a thin layer over the public API, made for people and for CI.

Exit codes: 0 success, 1 invalid input (the message names the file and place), 2 usage
error. Errors a user can cause never show a traceback unless ``--debug`` is given.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from outcomes.catalogue._catalogue import BUNDLED, Catalogue, load_catalogue
from outcomes.catalogue._spec import DatasetSpec
from outcomes.core._io import write_text_atomic
from outcomes.errors import DataProblemRow, OutcomesError, Severity, ValidationError
from outcomes.vocabulary import RECOMMENDATIONS, Branch, OutcomeGroup

if TYPE_CHECKING:
    from outcomes.report._render import ReportBatch
    from outcomes.results._results import Results
    from outcomes.returns._tidy import Areas, Dataset

Command = Callable[[argparse.Namespace, TextIO], int]

_EPILOG = """\
examples:
  outcomes example inputs/                      write the example inputs
  outcomes catalogue --branch community_care    list indicators of one branch
  outcomes catalogue --recommendation 11 --format csv --out rec11.csv
  outcomes dataset --format md --out dataset.md the minimal national dataset
  outcomes template --area Fife --period 2024-25 --out fife.xlsx
                                                a blank return to fill in
  outcomes validate fife.xlsx --report problems.csv
  outcomes collate returns/*.xlsx --into data.csv --out data.csv
  outcomes pair --areas areas.csv --period 2025-26 --seed 7 --out pairs.csv
                                                who assesses whose report
  outcomes catalogue --indicators bundled --indicators my-indicators/
                                                bundled catalogue plus your own
"""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code."""
    parser = _parser()
    arguments = parser.parse_args(argv)
    # Run as the command (not main([...]) from Python): process-wide settings are ours.
    arguments.own_process = argv is None
    command: Command | None = getattr(arguments, "command", None)
    if command is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return command(arguments, sys.stdout)
    except _UsageError as error:
        _error(str(error))
        return 2
    except OutcomesError as error:
        if arguments.debug:
            raise
        _error(str(error))
        return 1


class _UsageError(Exception):
    """Options that do not go together, found below the parser: exit code 2."""


def _parser() -> argparse.ArgumentParser:
    from outcomes import __version__

    parser = argparse.ArgumentParser(
        prog="outcomes",
        description="Outcomes-based performance improvement reporting for social work "
        "(Changing Lives, recommendation 11).",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"outcomes {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    common.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    common.add_argument(
        "--indicators",
        action="append",
        metavar="PATH",
        help="indicator definitions: a folder or .toml file; 'bundled' for the catalogue "
        "shipped with outcomes (default). Repeat to merge; later ones override earlier ones.",
    )
    parser.set_defaults(debug=False, quiet=False)
    verbs = parser.add_subparsers(title="commands", metavar="COMMAND")

    def verb(name: str, summary: str, description: str, example: str) -> argparse.ArgumentParser:
        return verbs.add_parser(
            name,
            parents=[common],
            help=summary,
            description=description,
            epilog=f"example:\n  {example}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    example = verb(
        "example",
        "write the example inputs to a folder",
        "Write the bundled example inputs (data.csv, areas.csv, deflators.csv) for the 32 "
        "Scottish councils to DIR. Existing files are kept unless --force is given.",
        "outcomes example inputs/",
    )
    example.add_argument("directory", metavar="DIR", type=Path)
    example.add_argument("--force", action="store_true", help="overwrite existing files")
    example.set_defaults(command=_example)

    catalogue = verb(
        "catalogue",
        "list the indicators",
        "List the indicators of the catalogue, optionally filtered.",
        "outcomes catalogue --branch criminal_justice --format csv",
    )
    catalogue.add_argument("--branch", choices=[b.value for b in Branch])
    catalogue.add_argument("--recommendation", type=int, choices=RECOMMENDATIONS, metavar="1-13")
    catalogue.add_argument("--outcome-for", choices=[g.value for g in OutcomeGroup])
    catalogue.add_argument("--format", choices=["table", "csv", "json"], default="table")
    catalogue.add_argument("--out", metavar="FILE", help="write here instead of standard output")
    catalogue.set_defaults(command=_catalogue)

    dataset = verb(
        "dataset",
        "write the minimal national dataset",
        "Write the minimal national dataset: every data item the indicators need, with "
        "title, unit, kind and the indicators using it.",
        "outcomes dataset --format md --out minimal-dataset.md",
    )
    dataset.add_argument("--format", choices=["csv", "md"], default="csv")
    dataset.add_argument("--out", metavar="FILE", help="write here instead of standard output")
    dataset.set_defaults(command=_dataset)

    compute = verb(
        "compute",
        "compute values, intervals, change, benchmarks, ranks and trends",
        "Compute every indicator for every area and period of the tidy dataset: value and "
        "confidence interval, change on the previous period, comparison with Scotland and the "
        "family group, rank, quartile and trend. Small counts are suppressed on output.",
        "outcomes compute --data data.csv --areas areas.csv --deflators deflators.csv "
        "--base-period 2024-25 --out results.csv",
    )
    compute.add_argument("--data", required=True, metavar="FILE",
                         help="tidy dataset: CSV, or Parquet if it ends .parquet")  # fmt: skip
    compute.add_argument("--areas", metavar="FILE", help="areas CSV with family groups")
    compute.add_argument("--confidence", type=float, default=0.95, help="default 0.95")
    compute.add_argument("--deflators", metavar="FILE", help="CSV: period, deflator")
    compute.add_argument("--base-period", metavar="P", help="prices of this period for costs")
    compute.add_argument(
        "--suppress-below", type=int, metavar="N",
        help="suppress counts from 1 to N-1 where an indicator sets no threshold (default 5)",
    )  # fmt: skip
    compute.add_argument(
        "--by", choices=["council", "partnership"], default="council",
        help="the areas to compute for: the councils of --areas (default), or the health and "
        "social care partnerships they belong to (needs --areas)",
    )  # fmt: skip
    compute.add_argument(
        "--out", required=True, metavar="FILE", help="results: CSV, or Parquet if it ends .parquet"
    )
    compute.set_defaults(command=_compute)

    report = verb(
        "report",
        "render the annual performance improvement report of one area, or of all",
        "Compute the indicators and render the CSWO's annual performance improvement report "
        "(see docs/reports.md) as DIR/<area-slug>-<period>.<ext>. With --all, render every area's "
        "report, taking each area's assessment from --assessments DIR; one area's bad input "
        "fails that area only, and the exit code is 1 if any failed. Override any template "
        "with --templates DIR.",
        "outcomes report --data data.csv --areas areas.csv --area Fife --period 2024-25 "
        "--assessment assessments/fife.toml --format html --format md --out reports/\n"
        "  outcomes report --data data.csv --areas areas.csv --all --assessments assessments/ "
        "--period 2024-25 --out reports/",
    )
    report.add_argument("--data", required=True, metavar="FILE", help="tidy dataset CSV")
    report.add_argument("--areas", required=True, metavar="FILE", help="areas CSV")
    which = report.add_mutually_exclusive_group(required=True)
    which.add_argument("--area", metavar="A", help="the area whose report to render")
    which.add_argument("--all", action="store_true", help="render every area's report")
    report.add_argument("--period", required=True, metavar="P", help="e.g. 2024-25")
    report.add_argument("--assessment", metavar="FILE", help="the area's assessment.toml")
    report.add_argument(
        "--assessments",
        metavar="DIR",
        help="with --all: a folder of assessment.toml files, one per area",
    )
    report.add_argument(
        "--format",
        action="append",
        choices=["html", "md", "pdf", "docx"],
        help="repeat for several (default: html and md)",
    )
    report.add_argument("--templates", metavar="DIR", help="your own templates, used first")
    report.add_argument("--deflators", metavar="FILE", help="CSV: period, deflator")
    report.add_argument("--base-period", metavar="P", help="prices of this period for costs")
    report.add_argument("--out", required=True, metavar="DIR", help="folder for the reports")
    report.add_argument(
        "--jobs", type=_jobs, default="auto", metavar="N",
        help="with --all: render in N processes (same files); default auto: one per core, "
        f"each with {AREAS_PER_JOB} areas or more",
    )  # fmt: skip
    report.set_defaults(command=_report)
    importer = verb(
        "import",
        "a published table into the tidy dataset, areas and deflators",
        "Read a published table with a mapping (docs/importing.md): 'lgbf' for the LGBF "
        "workbook's Raw Data sheet, or your own mapping .toml. Writes DIR/data.csv (tidy), "
        "DIR/areas.csv, DIR/deflators.csv and DIR/published.csv (every figure as published, "
        "Scotland included). Only indicators the catalogue knows are taken.",
        "outcomes import lgbf lgbf-raw-data.xlsx --out lgbf/",
    )
    importer.add_argument("mapping", metavar="MAPPING", help="'lgbf' or a mapping .toml")
    importer.add_argument("table", metavar="WORKBOOK", help="the published .xlsx or .csv")
    importer.add_argument("--out", required=True, metavar="DIR", help="folder to write to")
    importer.set_defaults(command=_import)
    _return_verbs(verb)
    _assessment_verb(verb)
    _pair_verb(verb)
    _national_verbs(verb)
    return parser


def _return_verbs(verb: Callable[[str, str, str, str], argparse.ArgumentParser]) -> None:
    """The verbs of the collection side: template, validate, collate, burden."""
    template = verb(
        "template",
        "write a blank return for areas to fill in",
        "Write a blank return listing every data item of the minimal dataset with its "
        "title, unit and guidance. Repeat --area, or give --areas FILE, for one return "
        "covering several areas. The format follows --out's suffix unless --format is given. "
        "With --self-assessment, write instead a blank assessment.toml: the prompt questions "
        "of the self-assessment, the five sections of the return, plans and sign-off; or, "
        "with --format xlsx (or --out NAME.xlsx), the assessment workbook to fill in in Excel "
        "(read it back with 'outcomes assessment').",
        "outcomes template --area Fife --period 2024-25 --format xlsx --out fife-2024-25.xlsx\n"
        "  outcomes template --self-assessment --area Fife --period 2025-26 --out fife.toml\n"
        "  outcomes template --self-assessment --area Fife --period 2025-26 --format xlsx "
        "--previous fife-2024-25.toml --out fife.xlsx\n"
        "  outcomes template --self-assessment --peer-only --assessment fife.toml "
        "--period 2025-26 --out fife-peer.xlsx",
    )
    template.add_argument("--area", action="append", default=[], metavar="A",
                          help="area to include (repeat for several)")  # fmt: skip
    template.add_argument("--areas", metavar="FILE", help="include every area of an areas CSV")
    template.add_argument("--period", required=True, metavar="P", help="e.g. 2024-25")
    template.add_argument("--format", choices=["csv", "xlsx"])
    template.add_argument(
        "--self-assessment",
        action="store_true",
        help="write a blank self-assessment (assessment.toml) for one area",
    )
    template.add_argument(
        "--provider",
        choices=["council", "independent"],
        default="council",
        help="with --self-assessment: independent providers get no "
        "council-only questions and are signed off by their head",
    )
    template.add_argument(
        "--previous", metavar="FILE",
        help="with --self-assessment --format xlsx: last year's assessment.toml, whose plans "
        "pre-fill the sheet 'Previous plans'",
    )  # fmt: skip
    template.add_argument(
        "--assessment", metavar="FILE",
        help="with --self-assessment --format xlsx: the area's assessment.toml, written into "
        "the workbook (to go on editing it in Excel, or with --peer-only for the peer)",
    )  # fmt: skip
    template.add_argument(
        "--data", metavar="FILE",
        help="with --peer-only: the tidy dataset; the area's headline figures for the year "
        "(published: small counts suppressed) go on a read-only sheet for the peer",
    )  # fmt: skip
    template.add_argument(
        "--peer-only", action="store_true",
        help="with --assessment: a workbook of the peer annex only, beside the area's "
        "self-assessment and strengths and priorities (read only), for the peer to fill in",
    )  # fmt: skip
    template.add_argument("--out", required=True, metavar="FILE")
    template.set_defaults(command=_template)

    validate = verb(
        "validate",
        "check returns and list every problem",
        "Check returns (CSV or XLSX, template or tidy layout) and list every problem at "
        "once. Exit 1 when any problem is an error; warnings alone exit 0.",
        "outcomes validate returns/*.xlsx --areas areas.csv --previous data.csv "
        "--report problems.csv",
    )
    validate.add_argument("returns", nargs="+", metavar="RETURN")
    _checking_options(validate)
    validate.add_argument("--report", metavar="FILE",
                          help="write the problems table here as CSV ('-' for standard "
                          "output)")  # fmt: skip
    validate.set_defaults(command=_validate)

    collate = verb(
        "collate",
        "merge validated returns into the tidy dataset",
        "Validate returns and merge them into the tidy dataset. Nothing is written while any "
        "return has an error. With --into, each area and period in the returns replaces "
        "that block of the existing dataset and the changes are listed in "
        "OUT.revisions.csv; where every value came from is in OUT.sources.csv.",
        "outcomes collate returns/*.xlsx --into data.csv --out data.csv",
    )
    collate.add_argument("returns", nargs="+", metavar="RETURN")
    collate.add_argument("--into", metavar="FILE", help="existing tidy dataset to update")
    _checking_options(collate, previous=False)
    collate.add_argument("--report", metavar="FILE", help="write the problems table here")
    collate.add_argument("--out", required=True, metavar="FILE", help="tidy dataset CSV")
    collate.set_defaults(command=_collate)

    burden = verb(
        "burden",
        "report what the dataset asks of councils",
        "Items collected but used by no indicator, items used by one indicator only, "
        "indicators duplicating another, and the cells each area fills per year.",
        "outcomes burden --data data.csv --format md --out burden.md",
    )
    burden.add_argument("--data", required=True, metavar="FILE", help="tidy dataset CSV")
    burden.add_argument("--format", choices=["csv", "md"], default="csv")
    burden.add_argument("--out", metavar="FILE", help="write here instead of standard output")
    burden.set_defaults(command=_burden)


def _jump_factor(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not (value > 1 and value < float("inf")):
        raise argparse.ArgumentTypeError(f"must be a number above 1, not {text!r}")
    return value


def _checking_options(parser: argparse.ArgumentParser, *, previous: bool = True) -> None:
    from outcomes.returns._validate import DEFAULT_JUMP_FACTOR

    parser.add_argument("--areas", metavar="FILE", help="areas CSV: report unknown areas")
    if previous:
        parser.add_argument("--previous", metavar="FILE",
                            help="tidy dataset with earlier years: warn of implausible "
                            "changes")  # fmt: skip
    parser.add_argument("--jump-factor", type=_jump_factor, default=DEFAULT_JUMP_FACTOR,
                        metavar="F", help="warn when a value is more than F times, or less "
                        f"than 1/F of, last year's (default {DEFAULT_JUMP_FACTOR:g})")  # fmt: skip


def _load(arguments: argparse.Namespace) -> Catalogue:
    catalogue = load_catalogue(*(arguments.indicators or [BUNDLED]))
    if not arguments.quiet:
        for warning in catalogue.warnings:
            print(f"outcomes: warning: {warning}", file=sys.stderr)
    return catalogue


def _emit(text: str, out: str | None, stdout: TextIO, arguments: argparse.Namespace) -> None:
    if out is None or out == "-":
        stdout.write(text)
        return
    path = write_text_atomic(out, text)
    if not arguments.quiet:
        print(f"wrote {path}", file=sys.stderr)


def _example(arguments: argparse.Namespace, stdout: TextIO) -> int:
    from outcomes._example import write_example

    written = write_example(arguments.directory, overwrite=arguments.force)
    if not arguments.quiet:
        print(f"wrote {len(written)} example files to {arguments.directory}", file=sys.stderr)
    return 0


def _import(arguments: argparse.Namespace, stdout: TextIO) -> int:
    from outcomes.returns._import import import_table, load_mapping

    table = import_table(arguments.table, load_mapping(arguments.mapping), _load(arguments))
    written = table.write(arguments.out)
    if not arguments.quiet:
        if table.ignored:
            print(f"outcomes: left out {len(table.ignored)} indicator(s) the catalogue does "
                  f"not know: {', '.join(table.ignored)}", file=sys.stderr)  # fmt: skip
        if table.value_only:
            print(f"outcomes: published values only (in published.csv): "
                  f"{', '.join(table.value_only)}", file=sys.stderr)  # fmt: skip
        print(f"wrote {len(written)} file(s) to {arguments.out}", file=sys.stderr)
    return 0


def _catalogue(arguments: argparse.Namespace, stdout: TextIO) -> int:
    catalogue = _load(arguments).filter(
        branch=arguments.branch,
        recommendation=arguments.recommendation,
        outcome_for=arguments.outcome_for,
    )
    frame = catalogue.to_frame()
    if arguments.format == "csv":
        from outcomes.core._io import csv_text

        text = csv_text(frame)
    elif arguments.format == "json":
        records = json.loads(frame.to_json(orient="records"))
        text = json.dumps(records, indent=2, ensure_ascii=False) + "\n"
    else:
        text = _table(catalogue)
    _emit(text, arguments.out, stdout, arguments)
    return 0


def _table(catalogue: Catalogue) -> str:
    """A fixed-width listing for people reading a terminal."""
    header = ("id", "branch", "measure", "polarity", "recs", "title")
    rows = [
        (
            i.id,
            i.branch.value,
            i.measure.value,
            i.polarity.value,
            ",".join(map(str, i.recommendations)),
            i.title,
        )
        for i in catalogue.indicators
    ]
    widths = [max(len(row[n]) for row in [header, *rows]) for n in range(len(header) - 1)]
    lines = []
    for row in [header, *rows]:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  ".join([*cells, textwrap.shorten(row[-1], 70)]))
    lines.append(f"{len(rows)} indicator(s)")
    return "\n".join(lines) + "\n"


def _dataset(arguments: argparse.Namespace, stdout: TextIO) -> int:
    spec = DatasetSpec.from_catalogue(_load(arguments))
    text = spec.to_markdown() if arguments.format == "md" else spec.to_csv()
    _emit(text, arguments.out, stdout, arguments)
    return 0


def _keep_freed_memory() -> None:
    """Have the C library (glibc) keep memory freed by this process for its next arrays
    rather than hand it back to the system: a large array is otherwise fresh pages, which
    the system zeroes as they are first written, and at national scale ``compute`` makes
    and frees gigabytes of them (a tenth of its time, more on a virtual machine). The
    peak is unchanged, give or take what is not reused. Elsewhere, nothing is done; and
    only when run as the command, never in a program that calls :func:`main`."""
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (AttributeError, OSError, TypeError):  # not glibc (macOS, Windows, musl)
        return
    m_trim_threshold, m_mmap_max, m_arena_max = -1, -4, -8  # glibc's malloc.h
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt(m_mmap_max, 0)  # every block from the heap, which is reused...
    mallopt(m_trim_threshold, 2**31 - 1)  # ...and not given back while the command runs
    # ...and one heap for every thread: a thread's own arena is unmapped whole when it
    # empties, and at 14M rows the CSV writer's threads faulted their memory in again and
    # again (165,000 page faults, 1.7 GiB peak; with one arena 86,000 and 1.2-1.8 GiB).
    mallopt(m_arena_max, 1)


def _compute(arguments: argparse.Namespace, stdout: TextIO) -> int:
    if arguments.own_process:  # before numpy's threads start, whose heaps it also sets
        _keep_freed_memory()
    from outcomes.results._compute import compute
    from outcomes.results._compute import unused_items as _unused_items
    from outcomes.results._in_parts import write_published
    from outcomes.returns._tidy import read_areas, read_dataset

    deflators = _deflators(arguments)
    catalogue = _load(arguments)
    dataset = read_dataset(arguments.data)
    areas = read_areas(arguments.areas) if arguments.areas else None
    if arguments.by == "partnership":
        if areas is None:
            _error("--by partnership needs --areas: which partnership each council is in")
            return 2
        from outcomes.returns._partnerships import by_partnership

        dataset, areas = by_partnership(dataset, areas, catalogue)
    unused_items = _unused_items(dataset, catalogue)
    to_stdout = arguments.out is None or arguments.out == "-"
    if to_stdout or Path(arguments.out).suffix.lower() == ".parquet":
        results = compute(dataset, catalogue, areas, arguments.confidence, deflators=deflators,
                          base_period=arguments.base_period)  # fmt: skip
        del dataset  # the rows are in the results now: at national scale, a gigabyte freed
        published = results.published(arguments.suppress_below)
        del results  # only the published table is written
        if to_stdout:
            stdout.write(published.to_csv())
            written = None
        else:
            written = published.write(arguments.out)
    else:  # CSV, a part of the indicators at a time, each written as the next is computed
        written = write_published(arguments.out, dataset, catalogue, areas,
                                  suppress_below=arguments.suppress_below,
                                  confidence=arguments.confidence, deflators=deflators,
                                  base_period=arguments.base_period)  # fmt: skip
    if written is not None and not arguments.quiet:
        print(f"wrote {written}", file=sys.stderr)
    if unused_items and not arguments.quiet:
        shown = ", ".join(unused_items[:10])
        more = len(unused_items) - 10
        print(f"note: {len(unused_items)} data item(s) of {arguments.data} are used by "
              f"no indicator, so nothing was computed from them: {shown}"
              + (f" and {more} more" if more > 0 else ""), file=sys.stderr)  # fmt: skip
    return 0


def _report(arguments: argparse.Namespace, stdout: TextIO) -> int:
    from outcomes.assessment._io import read_assessment
    from outcomes.returns._tidy import read_areas

    deflators = _deflators(arguments)
    if arguments.assessments and not arguments.all:
        _error("--assessments goes with --all; use --assessment FILE")
        return 2
    if arguments.assessment and arguments.all:
        _error("--assessment goes with --area; use --assessments DIR")
        return 2
    from outcomes.core._periods import parse_period
    from outcomes.core._suggest import did_you_mean

    parse_period(arguments.period)  # once, before any work
    catalogue = _load(arguments)
    areas = read_areas(arguments.areas)
    if not arguments.all and arguments.area not in areas.names:
        _error(f"--area {arguments.area!r} is not in {arguments.areas}; "
               f"{did_you_mean(arguments.area, areas.names)}")  # fmt: skip
        return 1
    inputs = _ReportInputs.read(arguments, catalogue, areas, deflators)
    if arguments.all:
        chosen = list(areas.names)
        arguments.jobs = arguments.jobs or _auto_jobs(len(chosen))
        if arguments.jobs > 1:
            return _report_in_processes(arguments, chosen, inputs)
    else:
        chosen = [arguments.area]
        if arguments.assessment:
            given = read_assessment(arguments.assessment, catalogue=catalogue, areas=areas.names)
            inputs.assessments[given.area] = given
            if given.area != arguments.area:
                _error(
                    f"{arguments.assessment} is {given.area}'s assessment, not {arguments.area}'s"
                )
                return 1
    bar = _ProgressBar(sys.stderr, enabled=arguments.all and not arguments.quiet)
    batch = inputs.write(arguments, chosen, bar.update)
    bar.close()
    return _reported(arguments, batch)


@dataclasses.dataclass(frozen=True)
class _ReportInputs:
    """What ``report`` renders from: the catalogue and areas, the dataset and its results,
    and the assessments by area (with ``--all``, those of ``--assessments``)."""

    catalogue: Catalogue
    areas: Areas
    data: Dataset
    results: Results
    assessments: dict[str, Any]

    @classmethod
    def read(
        cls,
        arguments: argparse.Namespace,
        catalogue: Catalogue,
        areas: Areas,
        deflators: dict[str, float] | None,
    ) -> _ReportInputs:
        from outcomes.assessment._io import read_assessments
        from outcomes.results._compute import compute
        from outcomes.returns._tidy import read_dataset

        data = read_dataset(arguments.data)
        results = compute(
            data, catalogue, areas, deflators=deflators, base_period=arguments.base_period,
        )  # fmt: skip
        assessments: dict[str, Any] = (
            dict(read_assessments(arguments.assessments, catalogue=catalogue, areas=areas.names))
            if arguments.all and arguments.assessments
            else {}
        )
        return cls(catalogue, areas, data, results, assessments)

    def write(
        self,
        arguments: argparse.Namespace,
        chosen: list[str],
        progress: Callable[[int, int, str], None] | None = None,
    ) -> ReportBatch:
        """The reports of ``chosen`` (and their annexes) written to ``--out``."""
        from outcomes.report._render import write_reports
        from outcomes.returns._burden import burden

        return write_reports(
            self.results, arguments.period, arguments.out, areas=chosen,
            assessments=self.assessments, formats=arguments.format or ["html", "md"],
            templates=arguments.templates, burden=burden(self.data, self.catalogue),
            area_list=self.areas, progress=progress,
        )  # fmt: skip


def _report_in_processes(
    arguments: argparse.Namespace, chosen: list[str], inputs: _ReportInputs
) -> int:
    """``report --all --jobs N``: the areas cut into N contiguous shares, the first rendered
    here from ``inputs`` and each other by a process started afresh ("spawn", never a fork
    of this one's threads) that reads the same inputs and renders its share: the same files
    as one process writes. File names are checked across all the areas first."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from outcomes.core._periods import parse_period
    from outcomes.report._render import ReportBatch, _unique_output_names

    formats = arguments.format or ["html", "md"]
    _unique_output_names(chosen, parse_period(arguments.period), formats)  # before any file
    shares = _shares(chosen, arguments.jobs)
    options = {**vars(arguments), "jobs": 1, "quiet": True}
    bar = _ProgressBar(sys.stderr, enabled=not arguments.quiet)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=max(len(shares) - 1, 1), mp_context=context) as pool:
        others = [pool.submit(_report_share, options, share) for share in shares[1:]]

        def told(done: int, _: int, area: str) -> None:  # counted among all the areas
            bar.update(done, len(chosen), area)

        batches = [inputs.write(arguments, shares[0], told)]
        done = len(shares[0])
        for share, future in zip(shares[1:], others, strict=True):
            batches.append(future.result())
            for area in share:
                done += 1
                bar.update(done, len(chosen), area)
    bar.close()
    written = {area: paths for batch in batches for area, paths in batch.written.items()}
    failed = {area: text for batch in batches for area, text in batch.failed.items()}
    return _reported(arguments, ReportBatch(written=written, failed=failed))


#: What starting a process costs (interpreter, imports, reading the inputs), in reports:
#: this process has paid it when the others start, so its share is larger by as many.
STARTUP_AREAS = 8


def _shares(chosen: list[str], jobs: int) -> list[list[str]]:
    """The areas cut into ``jobs`` contiguous shares, in order, none empty: each other
    process's share the same size, this process's larger by :data:`STARTUP_AREAS` (or by
    what there is)."""
    size = max(1, (len(chosen) - STARTUP_AREAS) // jobs)
    first = max(len(chosen) - size * (jobs - 1), 0)
    cuts = [0, *(min(first + k * size, len(chosen)) for k in range(jobs))]
    return [chosen[cuts[k] : cuts[k + 1]] for k in range(jobs) if cuts[k] < cuts[k + 1]]


def _report_share(options: dict[str, Any], share: list[str]) -> ReportBatch:
    """One process's share of ``report --all --jobs N``: the inputs read as ``report``
    reads them, then the reports of ``share`` written."""
    from outcomes.returns._tidy import read_areas

    arguments = argparse.Namespace(**options)
    catalogue = _load(arguments)
    areas = read_areas(arguments.areas)
    inputs = _ReportInputs.read(arguments, catalogue, areas, _deflators(arguments))
    return inputs.write(arguments, share)


def _reported(arguments: argparse.Namespace, batch: ReportBatch) -> int:
    """Say what a batch of reports wrote and which areas failed; the exit code."""
    for area, message in sorted(batch.failed.items()):
        _error(f"{area}: {message}")
    if not arguments.quiet:
        files = sum(len(paths) for paths in batch.written.values())
        print(f"wrote {files} file(s) for {len(batch.written)} area(s) to {arguments.out}"
              + (f"; {len(batch.failed)} area(s) failed" if batch.failed else ""),
              file=sys.stderr)  # fmt: skip
    return 1 if batch.failed else 0


def _error(message: str) -> None:
    print(f"outcomes: {_red('error')}: {message}", file=sys.stderr)


def _red(word: str) -> str:
    """``word`` in red on a terminal; plain in logs, pipes, and when NO_COLOR is set."""
    if sys.stderr.isatty() and not os.environ.get("NO_COLOR"):
        return f"\033[31m{word}\033[0m"
    return word


class _ProgressBar:
    """A one-line progress bar on a terminal; a line per tenth of the work otherwise (CI logs)."""

    def __init__(self, stream: TextIO, *, enabled: bool) -> None:
        self.stream, self.enabled = stream, enabled
        self.terminal = enabled and stream.isatty()
        self.shown = -1

    def update(self, done: int, total: int, label: str) -> None:
        if not self.enabled or total == 0:
            return
        if self.terminal:
            filled = round(30 * done / total)
            bar = "#" * filled + "-" * (30 - filled)
            self.stream.write(f"\r[{bar}] {done}/{total} {label[:30]:<30}")
            self.stream.flush()
        elif (tenth := 10 * done // total) > self.shown:
            self.shown = tenth
            self.stream.write(f"{done}/{total} done ({label})\n")

    def close(self) -> None:
        if self.terminal:
            self.stream.write("\n")


def _template(arguments: argparse.Namespace, stdout: TextIO) -> int:
    from outcomes.returns._returns import write_template
    from outcomes.returns._tidy import read_areas

    areas = list(arguments.area)
    if arguments.areas:
        areas += [a for a in read_areas(arguments.areas).names if a not in areas]
    suffix = Path(arguments.out).suffix.lower()
    if arguments.self_assessment:
        return _self_assessment_template(arguments, areas, suffix)
    if not areas:
        _error("give --area (repeatable) or --areas FILE")
        return 2
    known = {
        ".csv": "csv",
        ".xlsx": "xlsx",
        ".xlsm": "xlsx",
        ".xls": "xls",
        ".docx": "docx",
        ".doc": "doc",
        ".pdf": "pdf",
        ".toml": "toml",
        ".html": "html",
        ".md": "md",
    }
    chosen = arguments.format or known.get(suffix)
    if chosen not in ("csv", "xlsx") or known.get(suffix, chosen) != chosen:
        # Never CSV text in a .docx, or a workbook named .csv.
        _error(
            f"--out {arguments.out} does not match the format: name it .csv or .xlsx, "
            "or give --format"
        )
        return 2
    path = write_template(arguments.out, areas, arguments.period, catalogue=_load(arguments),
                          format=chosen)  # fmt: skip
    if not arguments.quiet:
        print(f"wrote {path}", file=sys.stderr)
    return 0


def _self_assessment_template(arguments: argparse.Namespace, areas: list[str], suffix: str) -> int:
    """``template --self-assessment``: the blank assessment.toml, or the assessment
    workbook (blank, pre-filled from --assessment and --previous, or the peer's annex)."""
    from outcomes.assessment._io import blank_assessment

    workbook = arguments.format == "xlsx" or (
        arguments.format is None and suffix in (".xlsx", ".xlsm")
    )
    usage = _self_assessment_usage(arguments, areas, suffix, workbook=workbook)
    if usage:
        _error(usage)
        return 2
    if workbook:
        written = _assessment_workbook(arguments, areas)
        if written is None:
            return 1
        path = written
    else:
        text = blank_assessment(areas[0], arguments.period, provider=arguments.provider)
        path = write_text_atomic(arguments.out, text)
    if not arguments.quiet:
        print(f"wrote {path}", file=sys.stderr)
    return 0


def _self_assessment_usage(
    arguments: argparse.Namespace, areas: list[str], suffix: str, *, workbook: bool
) -> str:
    """What is wrong with the options of ``template --self-assessment`` (exit 2), if any:
    the first of the rules below that is broken."""
    rules = (
        (not workbook and (arguments.format is not None or suffix != ".toml"),
         "a blank self-assessment is TOML (--out NAME.toml, no --format) or a workbook "
         "(--format xlsx, --out NAME.xlsx)"),
        (not workbook and bool(arguments.previous or arguments.assessment or arguments.peer_only),
         "--previous, --assessment and --peer-only need the workbook: --format xlsx"),
        (workbook and suffix not in (".xlsx", ".xlsm"),
         f"--out {arguments.out} does not match the format: name it .xlsx"),
        (arguments.peer_only and not arguments.assessment,
         "--peer-only needs the area's --assessment FILE"),
        (bool(arguments.data) and not arguments.peer_only,
         "--data goes with --peer-only (the peer's headline figures)"),
        (len(areas) > 1 or (not areas and not arguments.assessment),
         "a self-assessment is for one --area"),
    )  # fmt: skip
    return next((message for broken, message in rules if broken), "")


def _assessment_workbook(arguments: argparse.Namespace, areas: list[str]) -> Path | None:
    """Write the assessment workbook; None (after saying why) when --assessment is another
    area's or year's."""
    from outcomes.assessment._io import read_assessment
    from outcomes.assessment._model import Assessment, SectionReturn
    from outcomes.assessment._workbook import write_assessment_workbook
    from outcomes.core._periods import as_period
    from outcomes.vocabulary import ReturnSection

    period = as_period(arguments.period).label
    if arguments.assessment:
        assessment = read_assessment(arguments.assessment)
        for name, given in (("area", areas[0] if areas else None), ("period", period)):
            if given is not None and getattr(assessment, name) != given:
                _error(f"{arguments.assessment} is the assessment of {name} "
                       f"{getattr(assessment, name)!r}, not {given!r}")  # fmt: skip
                return None
    else:
        sections = [SectionReturn(section=section) for section in ReturnSection]
        assessment = Assessment(area=areas[0], period=period, provider=arguments.provider,
                                sections=sections)  # fmt: skip
    previous = read_assessment(arguments.previous) if arguments.previous else None
    catalogue = _load(arguments)
    figures = _headline_figures(arguments, catalogue, assessment) if arguments.data else None
    return write_assessment_workbook(
        arguments.out, assessment, catalogue=catalogue, previous=previous,
        peer_only=arguments.peer_only, context=figures,
    )  # fmt: skip


def _headline_figures(
    arguments: argparse.Namespace, catalogue: Catalogue, assessment: Any
) -> list[dict[str, object]]:
    """The area's published figures for the assessment's year, one row per indicator, as
    the peer reads them beside the annex."""
    from outcomes.core._periods import as_period
    from outcomes.report._format import format_value
    from outcomes.results._compute import compute
    from outcomes.returns._tidy import read_dataset

    # Family groups are not needed: the sheet compares with Scotland, as the report does.
    results = compute(read_dataset(arguments.data), catalogue).published()
    lookup = results.lookup()
    year = as_period(assessment.period)
    rows: list[dict[str, object]] = []
    for indicator in catalogue:
        row = lookup.row(indicator.id, assessment.area, year.in_type(indicator.period_type))
        if row is None:
            continue
        rows.append({
            "indicator": indicator.id, "title": indicator.title, "period": str(row.period),
            "value": format_value(row.value, indicator, suppressed=row.suppressed),
            "previous": format_value(row.previous_value, indicator),
            "change": row.direction.word, "vs Scotland": row.vs_scotland.word,
            "trend": row.trend.word if row.trend is not None else "",
        })  # fmt: skip
    return rows


def _assessment_verb(verb: Callable[[str, str, str, str], argparse.ArgumentParser]) -> None:
    """The verb reading the assessment workbook back: assessment."""
    assessment = verb(
        "assessment",
        "read an assessment workbook back into assessment.toml",
        "Read the assessment workbook written by 'outcomes template --self-assessment "
        "--format xlsx' and write it as assessment.toml, or, with --merge-into, merge a "
        "peer's annex into the area's assessment.toml. Every problem is listed at once with "
        "its sheet, row and column; nothing is written while there is any (exit 1).",
        "outcomes assessment fife-2025-26.xlsx --areas areas.csv --out assessments/fife.toml\n"
        "  outcomes assessment fife-peer.xlsx --merge-into assessments/fife.toml "
        "--out assessments/fife.toml",
    )
    assessment.add_argument("workbook", metavar="WORKBOOK", help="the filled .xlsx")
    assessment.add_argument("--areas", metavar="FILE",
                            help="areas CSV: check the area and the peer area")  # fmt: skip
    assessment.add_argument(
        "--merge-into", metavar="FILE",
        help="the area's assessment.toml: take only the peer annex from WORKBOOK",
    )  # fmt: skip
    assessment.add_argument("--report", metavar="FILE",
                            help="write the problems table here as CSV ('-' for standard "
                            "output)")  # fmt: skip
    assessment.add_argument("--out", required=True, metavar="FILE", help="assessment.toml")
    assessment.set_defaults(command=_assessment)


def _assessment(arguments: argparse.Namespace, stdout: TextIO) -> int:
    from outcomes.assessment._io import read_assessment, write_assessment
    from outcomes.assessment._workbook_read import (
        assessment_problems_frame,
        merge_peer_workbook,
        read_assessment_workbook,
    )
    from outcomes.core._io import csv_text
    from outcomes.errors import AssessmentError
    from outcomes.returns._tidy import read_areas

    catalogue = _load(arguments)
    areas = read_areas(arguments.areas).names if arguments.areas else None
    try:
        if arguments.merge_into:
            into = read_assessment(arguments.merge_into, catalogue=catalogue, areas=areas)
            result = merge_peer_workbook(into, arguments.workbook, catalogue=catalogue,
                                         areas=areas)  # fmt: skip
        else:
            result = read_assessment_workbook(arguments.workbook, catalogue=catalogue,
                                              areas=areas)  # fmt: skip
    except AssessmentError as error:
        if arguments.merge_into and not any(row.file == arguments.workbook
                                            for row in error.problems):  # fmt: skip
            raise  # the assessment.toml's own problems
        if arguments.report is not None:
            _emit(csv_text(assessment_problems_frame(error.problems)), arguments.report,
                  stdout, arguments)  # fmt: skip
        elif not arguments.quiet:
            for row in error.problems:
                print(f"error: {row} [{row.problem.name}]", file=sys.stderr)
        print(f"{len(error.problems)} error(s); nothing written to {arguments.out}",
              file=sys.stderr)  # fmt: skip
        return 1
    if arguments.report is not None:
        _emit(csv_text(assessment_problems_frame(())), arguments.report, stdout, arguments)
    path = write_assessment(arguments.out, result)
    if not arguments.quiet:
        print(f"wrote {path}", file=sys.stderr)
    return 0


def _report_problems(problems: Sequence[DataProblemRow], report: str | None,
                     stdout: TextIO, arguments: argparse.Namespace) -> None:  # fmt: skip
    from outcomes.core._io import csv_text
    from outcomes.errors import problems_frame

    errors = sum(row.severity is Severity.ERROR for row in problems)
    warnings = len(problems) - errors
    if report is not None:
        _emit(csv_text(problems_frame(problems)), report, stdout, arguments)
    if not arguments.quiet:
        shown = problems if report is None else []
        for row in shown:
            print(f"{row.severity.value}: {row} [{row.problem.name}]", file=sys.stderr)
    if errors or not arguments.quiet:
        print(f"{errors} error(s), {warnings} warning(s)", file=sys.stderr)


def _validate(arguments: argparse.Namespace, stdout: TextIO) -> int:
    from outcomes.returns._tidy import read_areas, read_dataset
    from outcomes.returns._validate import validate_returns

    catalogue = _load(arguments)
    areas = read_areas(arguments.areas) if arguments.areas else None
    previous = read_dataset(arguments.previous) if arguments.previous else None
    bar = _ProgressBar(sys.stderr, enabled=len(arguments.returns) > 1 and not arguments.quiet)
    try:
        checked = validate_returns(
            arguments.returns, catalogue=catalogue, areas=areas, previous=previous,
            jump_factor=arguments.jump_factor, progress=bar.update,
        )  # fmt: skip
    except ValidationError as error:
        bar.close()
        _report_problems(error.problems, arguments.report, stdout, arguments)
        return 1
    bar.close()
    _report_problems(checked.problems, arguments.report, stdout, arguments)
    return 0


def _collate(arguments: argparse.Namespace, stdout: TextIO) -> int:
    from outcomes.returns._collate import collate
    from outcomes.returns._tidy import read_areas

    catalogue = _load(arguments)
    areas = read_areas(arguments.areas) if arguments.areas else None
    try:
        result = collate(arguments.returns, into=arguments.into, catalogue=catalogue,
                         areas=areas, jump_factor=arguments.jump_factor)  # fmt: skip
    except ValidationError as error:
        _report_problems(error.problems, arguments.report, stdout, arguments)
        _error(f"nothing written to {arguments.out}")
        return 1
    if arguments.report is not None or result.problems:
        _report_problems(result.problems, arguments.report, stdout, arguments)
    written = result.write(arguments.out)
    if not arguments.quiet:
        changes = len(result.revisions)
        print(f"wrote {', '.join(map(str, written))}; {changes} value(s) revised",
              file=sys.stderr)  # fmt: skip
    return 0


def _burden(arguments: argparse.Namespace, stdout: TextIO) -> int:
    from outcomes.core._io import csv_text
    from outcomes.returns._burden import burden
    from outcomes.returns._tidy import read_dataset

    report = burden(read_dataset(arguments.data), _load(arguments))
    text = report.to_markdown() if arguments.format == "md" else csv_text(report.to_frame())
    _emit(text, arguments.out, stdout, arguments)
    return 0


def _pair_verb(verb: Callable[[str, str, str, str], argparse.ArgumentParser]) -> None:
    """The verb of peer assessment: pair."""
    pair = verb(
        "pair",
        "pair areas for peer assessment of their reports",
        "Propose which area's CSWO assesses which area's report (a row 'area, peer_area' "
        "means peer_area's CSWO assesses area's report). Every area is assessed once and "
        "assesses once, nobody assesses their own area, no two areas assess each other, "
        "peers come from the same family group where possible, and with --previous no two "
        "areas paired last year are paired again. The same seed gives the same pairs.",
        "outcomes pair --areas areas.csv --period 2025-26 --seed 7 "
        "--previous pairs-2024-25.csv --out pairs-2025-26.csv",
    )
    pair.add_argument("--areas", required=True, metavar="FILE", help="areas CSV with family groups")
    pair.add_argument("--period", required=True, metavar="P", help="e.g. 2025-26")
    pair.add_argument(
        "--seed",
        type=_seed,
        default=0,
        metavar="N",
        help="any whole number 0 or more; another seed, another pairing (default 0)",
    )
    pair.add_argument(
        "--previous", metavar="FILE", help="last year's pairs CSV: pairs in it are not repeated"
    )
    pair.add_argument("--out", required=True, metavar="FILE",
                      help="pairs CSV ('-' for standard output)")  # fmt: skip
    pair.set_defaults(command=_pair)


#: ``report --all --jobs auto`` starts a process for every this many areas, at most one per
#: core: a process costs about a second to start, import and read the inputs, which ten
#: reports repay.
AREAS_PER_JOB = 8


def _jobs(text: str) -> int:
    """A number of processes, 1 or more; 0 for ``auto``."""
    if text == "auto":
        return 0
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number 1 or more, or auto, not {text!r}")
    return value


#: A container's CPU limit (cgroup v2): "max 100000", or "200000 100000" for two cores.
CPU_LIMIT = Path("/sys/fs/cgroup/cpu.max")


def _auto_jobs(areas: int) -> int:
    """``--jobs auto``: one process per core this process may use (its CPU affinity, and a
    container's CPU limit), each with at least :data:`AREAS_PER_JOB` areas."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    cores = cores or 1
    try:
        quota, period = CPU_LIMIT.read_text(encoding="ascii").split()[:2]
        if quota != "max":
            cores = min(cores, max(1, int(quota) // int(period)))
    except (OSError, ValueError):  # no cgroup v2 limit to read
        pass
    return max(1, min(cores, areas // AREAS_PER_JOB))


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a whole number 0 or more, not {text!r}")
    return value


def _pair(arguments: argparse.Namespace, stdout: TextIO) -> int:
    from outcomes.national._pairing import pair_areas, read_pairs
    from outcomes.returns._tidy import read_areas

    previous = read_pairs(arguments.previous) if arguments.previous else None
    pairing = pair_areas(read_areas(arguments.areas), arguments.period, seed=arguments.seed,
                         previous=previous)  # fmt: skip
    _emit(pairing.to_csv(), arguments.out, stdout, arguments)
    if not arguments.quiet:
        frame = pairing.frame
        within = int(frame["reason"].str.startswith("same family group").sum())
        print(f"paired {len(frame)} areas for {pairing.period}: {within} with a peer from "
              "their own family group", file=sys.stderr)  # fmt: skip
    return 0


def _national_verbs(verb: Callable[[str, str, str, str], argparse.ArgumentParser]) -> None:
    """The verbs that look across all areas: overview and scrutiny."""
    overview = verb(
        "overview",
        "the national overview of all areas: spread, heat table, funnel plots, scrutiny",
        "Write one self-contained, accessible HTML page (overview.html) and the same content "
        "as CSV tables into DIR: each indicator across Scotland, areas by indicators, funnel "
        "plots with 95% and 99.8% limits, family groups, the state of the annual reports "
        "(with --assessments and --pairs), the dataset burden, and concern and assurance "
        "for every area.",
        "outcomes overview --data data.csv --areas areas.csv --period 2024-25 "
        "--assessments assessments/ --pairs pairs.csv --out overview/",
    )
    scrutiny = verb(
        "scrutiny",
        "the scrutiny profile of one area: where an inspector could look, or step back",
        "Write DIR/scrutiny-<area-slug>-<period>.html and .csv: each indicator judged from "
        "the data as 'concern' (outside the 99.8% funnel limit, or two signals of going "
        "wrong), 'watch' (one), 'assurance' (positive evidence and nothing going wrong) or "
        "'no_evidence'. With --assessment, also the profile: the area's claims checked "
        "against the data, the peer's grades by Care Inspectorate quality indicator, and "
        "where two sources raise concern (look closer) or all agree (step back), as "
        "profile-, quality- and claims-<area-slug>-<period>.csv.",
        "outcomes scrutiny --data data.csv --areas areas.csv --area Fife --period 2024-25 "
        "--assessment assessments/fife.toml --out scrutiny/",
    )
    for parser in (overview, scrutiny):
        parser.add_argument("--data", required=True, metavar="FILE", help="tidy dataset CSV")
        parser.add_argument("--areas", required=True, metavar="FILE", help="areas CSV")
        parser.add_argument("--period", required=True, metavar="P", help="e.g. 2024-25")
        parser.add_argument("--templates", metavar="DIR", help="your own templates, used first")
        parser.add_argument("--out", required=True, metavar="DIR", help="output folder")
        parser.add_argument(
            "--exact-limits", action="store_true",
            help="draw exact funnel limits even where the areas are overdispersed",
        )  # fmt: skip
    overview.add_argument(
        "--assessments", metavar="DIR", help="assessment.toml files: each report's status"
    )
    overview.add_argument("--pairs", metavar="FILE", help="this year's peer pairs CSV")
    overview.set_defaults(command=_overview)
    scrutiny.add_argument("--area", required=True, metavar="A", help="the area to look at")
    scrutiny.add_argument(
        "--assessment",
        metavar="FILE",
        help="the area's assessment.toml: its claims and peer grades",
    )
    scrutiny.add_argument("--quality-framework", metavar="FILE",
                          help="your own quality indicator mapping (TOML, the bundled "
                               "file's format)")  # fmt: skip
    scrutiny.set_defaults(command=_scrutiny)
    learn = verb(
        "learn",
        "whom an area could learn from, indicator by indicator",
        "For each indicator where the area worsened, sits in the bottom quartile or is worse "
        "than Scotland, list up to --limit areas that do clearly better (a better rank and, "
        "where there are intervals, no overlap) and improved significantly or lead: the same "
        "family group first. Writes CSV (indicator, area, peer_area, reason, value, "
        "peer_value), or Markdown with --format md. Figures are published figures.",
        "outcomes learn --data data.csv --areas areas.csv --area Fife --period 2024-25 "
        "--out learn.csv",
    )
    learn.add_argument("--data", required=True, metavar="FILE", help="tidy dataset CSV")
    learn.add_argument("--areas", required=True, metavar="FILE", help="areas CSV")
    learn.add_argument("--area", required=True, metavar="A", help="the area that asks")
    learn.add_argument("--period", required=True, metavar="P", help="e.g. 2024-25")
    learn.add_argument("--limit", type=int, default=3, metavar="N",
                       help="areas to suggest per indicator (default 3)")  # fmt: skip
    learn.add_argument("--format", choices=["csv", "md"], default="csv")
    learn.add_argument("--out", required=True, metavar="FILE",
                       help="CSV or Markdown file ('-' for standard output)")  # fmt: skip
    learn.set_defaults(command=_learn)
    check = verb(
        "check",
        "every claim of an assessment checked against the data",
        "Read the assessment's strengths, priorities, achievements, plans, last year's plans "
        "and peer judgements, and what the published figures say of the indicators each "
        "names: 'supported', 'contradicted', 'not_tested' or 'no_data' (rules in "
        "docs/assessment.md). Writes the claims table as CSV (or Markdown with --format md); "
        "exit 1 when the assessment is past draft and a contradicted claim has no response, "
        "the rule the report applies.",
        "outcomes check --assessment assessments/fife.toml --data data.csv --areas areas.csv "
        "--period 2024-25 --out claims.csv",
    )
    check.add_argument("--assessment", required=True, metavar="FILE", help="assessment.toml")
    check.add_argument("--data", required=True, metavar="FILE", help="tidy dataset CSV")
    check.add_argument("--areas", required=True, metavar="FILE", help="areas CSV")
    check.add_argument("--period", metavar="P", help="default: the assessment's own year")
    check.add_argument("--format", choices=["csv", "md"], default="csv")
    check.add_argument("--out", required=True, metavar="FILE",
                       help="CSV or Markdown file ('-' for standard output)")  # fmt: skip
    check.set_defaults(command=_check)
    for parser in (overview, scrutiny, learn, check):
        parser.add_argument("--deflators", metavar="FILE", help="CSV: period, deflator")
        parser.add_argument("--base-period", metavar="P", help="prices of this period for costs")


def _learn(arguments: argparse.Namespace, stdout: TextIO) -> int:
    from outcomes.core._io import csv_text
    from outcomes.results._learning import learn_from

    if arguments.limit < 1:
        _error("--limit is 1 or more")
        return 2
    _, areas, _, results = _national_inputs(arguments)
    suggestions = learn_from(results.published(), arguments.area, arguments.period,
                             areas=areas, limit=arguments.limit)  # fmt: skip
    text = suggestions.to_markdown() if arguments.format == "md" else csv_text(suggestions.table())
    _emit(text, arguments.out, stdout, arguments)
    return 0


def _check(arguments: argparse.Namespace, stdout: TextIO) -> int:
    from outcomes.assessment._io import read_assessment
    from outcomes.core._io import csv_text
    from outcomes.report._claims import check_claims

    catalogue, areas, _, results = _national_inputs(arguments)
    assessment = read_assessment(arguments.assessment, catalogue=catalogue, areas=areas.names)
    claims = check_claims(assessment, results.published(), arguments.period)
    text = claims.to_markdown() if arguments.format == "md" else csv_text(claims.table)
    _emit(text, arguments.out, stdout, arguments)
    unanswered = claims.unanswered
    if not arguments.quiet:
        counts = ", ".join(f"{n} {verdict.replace('_', ' ')}"
                           for verdict, n in claims.counts().items())  # fmt: skip
        print(f"{assessment.area} {claims.period}: {len(claims.table)} claims: {counts}; "
              f"{len(unanswered)} contradicted with no response", file=sys.stderr)  # fmt: skip
    claims.require_answered(assessment.status, file=arguments.assessment)
    return 0


def _deflators(arguments: argparse.Namespace) -> dict[str, float] | None:
    """The deflator table of ``--deflators``, which goes with ``--base-period``."""
    from outcomes.returns._tidy import read_deflators

    if (arguments.deflators is None) != (arguments.base_period is None):
        raise _UsageError("--deflators and --base-period go together")
    return read_deflators(arguments.deflators) if arguments.deflators else None


def _national_inputs(arguments: argparse.Namespace) -> tuple[Catalogue, Any, Any, Any]:
    from outcomes.results._compute import compute
    from outcomes.returns._tidy import read_areas, read_dataset

    deflators = _deflators(arguments)
    catalogue = _load(arguments)
    areas = read_areas(arguments.areas)
    data = read_dataset(arguments.data)
    results = compute(data, catalogue, areas, deflators=deflators,
                      base_period=arguments.base_period)  # fmt: skip
    return catalogue, areas, data, results


def _overview(arguments: argparse.Namespace, stdout: TextIO) -> int:
    from outcomes.assessment._io import read_assessments
    from outcomes.assessment._model import Assessment
    from outcomes.core._periods import parse_period
    from outcomes.national._networks import networks
    from outcomes.national._overview import overview
    from outcomes.national._overview_page import render_overview
    from outcomes.national._pairing import read_pairs
    from outcomes.returns._burden import burden

    catalogue, areas, data, results = _national_inputs(arguments)
    import pandas as pd

    statuses: dict[str, str] = {}
    peers: list[dict[str, str]] = []
    year = parse_period(arguments.period).label
    this_year: dict[str, Assessment] = {}
    if arguments.assessments:
        for area, given in read_assessments(
            arguments.assessments, catalogue=catalogue, areas=areas.names
        ).items():
            if isinstance(given, Assessment) and given.period != year:
                print(f"outcomes: warning: {area}: the assessment is for {given.period}, "
                      f"not {year}; left out", file=sys.stderr)  # fmt: skip
            elif isinstance(given, Assessment):
                this_year[area] = given
                statuses[area] = str(given.status)
                if given.peer_assessment is not None:
                    peers.append({"area": area, "peer_area": given.peer_assessment.peer_area,
                                  "reason": "named in the area's assessment"})  # fmt: skip
            else:
                print(f"outcomes: warning: {area}: {given}", file=sys.stderr)
    pairs = read_pairs(arguments.pairs) if arguments.pairs else None
    if peers:
        # The peer an assessment names is the one who assessed; a pairs file fills the rest.
        named = pd.DataFrame(peers)
        if pairs is not None:
            kept = pairs[~pairs["area"].isin(named["area"])]
            named = pd.concat([named, kept], ignore_index=True)
        pairs = named
    # The page and its tables are published: small counts suppressed, ranks among the shown.
    national = overview(results.published(), arguments.period, areas=areas,
                        assessments=statuses or None,
                        pairs=pairs, burden=burden(data, catalogue),
                        overdispersion=not arguments.exact_limits)  # fmt: skip
    shared = networks(this_year, catalogue, results=results.published(),
                      period=arguments.period, areas=areas)  # fmt: skip
    html = render_overview(national, catalogue, networks=shared, templates=arguments.templates)
    written = [write_text_atomic(Path(arguments.out) / "overview.html", html)]
    written += national.to_csv(arguments.out)
    written += shared.to_csv(arguments.out)
    if not arguments.quiet:
        print(f"wrote {len(written)} file(s) to {arguments.out}", file=sys.stderr)
    return 0


def _scrutiny(arguments: argparse.Namespace, stdout: TextIO) -> int:
    from outcomes.core._io import slug
    from outcomes.national._overview import scrutiny
    from outcomes.national._overview_page import render_scrutiny
    from outcomes.national._profile import load_quality_framework, scrutiny_profile

    catalogue, areas, _, results = _national_inputs(arguments)
    results = results.published()  # the figures as they may be shown, as in the report
    view = scrutiny(results, arguments.area, arguments.period, areas=areas,
                    overdispersion=not arguments.exact_limits)  # fmt: skip
    profile = None
    if arguments.assessment or arguments.quality_framework:
        from outcomes.assessment._io import read_assessment

        assessment = (read_assessment(arguments.assessment, catalogue=catalogue,
                                      areas=areas.names)
                      if arguments.assessment else None)  # fmt: skip
        if assessment is not None and assessment.area != arguments.area:
            _error(f"{arguments.assessment} is the assessment of {assessment.area!r}, "
                   f"not of --area {arguments.area!r}")  # fmt: skip
            return 1
        framework = load_quality_framework(arguments.quality_framework)
        profile = scrutiny_profile(view, catalogue, assessment=assessment, results=results,
                                   framework=framework)  # fmt: skip
    html = render_scrutiny(view, catalogue, profile=profile, templates=arguments.templates)
    name = f"scrutiny-{slug(arguments.area)}-{arguments.period}.html"
    written = [write_text_atomic(Path(arguments.out) / name, html), *view.to_csv(arguments.out),
               *(profile.to_csv(arguments.out) if profile is not None else [])]  # fmt: skip
    if not arguments.quiet:
        print(f"wrote {len(written)} file(s) to {arguments.out}", file=sys.stderr)
    return 0
