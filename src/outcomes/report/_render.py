"""Rendering reports with the Jinja2 templates of ``report_templates/``.

Templates ship inside the package; a user points ``templates`` at a folder of their own
and any template found there replaces the bundled one of the same name (a
``ChoiceLoader``, as towncrier does). Environments use ``StrictUndefined``; HTML is
autoescaped, and Markdown escapes every text through the ``md`` filter.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import jinja2

from outcomes.core._io import slug, write_bytes_atomic, write_text_atomic
from outcomes.core._markdown import md, md_cell
from outcomes.core._periods import Period, as_period
from outcomes.core._resources import bundled_path
from outcomes.errors import OutcomesError, OutputError, ResourceError
from outcomes.vocabulary import is_computed_area

if TYPE_CHECKING:
    import pandas as pd

    from outcomes.assessment._model import Assessment
    from outcomes.report._report import AnnualReport
    from outcomes.results._results import Results
    from outcomes.returns._burden import Burden
    from outcomes.returns._tidy import Areas

__all__ = [
    "ANNEX_FORMATS",
    "FORMATS",
    "ReportBatch",
    "annex_tables",
    "render",
    "render_annex",
    "render_pdf",
    "render_report",
    "write_reports",
]

#: Output formats and the template each starts from.
FORMATS = {"html": "report.html.j2", "md": "report.md.j2"}
#: The data annex's formats: the page, and its tables as CSV and Excel.
ANNEX_FORMATS = ("html", "csv", "xlsx")


@functools.cache
def _environment(kind: str, templates: str | None) -> jinja2.Environment:
    folders = [] if templates is None else [templates]
    folders.append(str(bundled_path("report_templates")))
    environment = jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(folder) for folder in folders]),
        undefined=jinja2.StrictUndefined,
        autoescape=kind == "html",
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["md"] = md
    environment.filters["md_cell"] = md_cell
    return environment


def render(
    context: Any,
    kind: str,
    *,
    template: str | None = None,
    templates: str | os.PathLike[str] | None = None,
    extra: dict[str, Any] | None = None,
) -> str:
    """Render ``context`` (available to templates as ``report``) as ``kind`` (html or md).

    ``templates`` is a folder whose templates replace the bundled ones of the same name.
    """
    if kind not in FORMATS:
        raise OutcomesError(f"unknown report format {kind!r}; choose from {', '.join(FORMATS)}")
    folder = None if templates is None else str(Path(templates).resolve())
    if folder is not None and not Path(folder).is_dir():
        raise ResourceError(f"template folder {folder} does not exist")
    environment = _environment(kind, folder)
    page_name = template or FORMATS[kind]
    try:
        page = environment.get_template(page_name)
        return page.render(report=context, **(extra or {}))
    except jinja2.TemplateError as error:
        raise OutcomesError(f"report template {_where(error, page_name)}: {error}") from error


def _where(error: jinja2.TemplateError, name: str) -> str:
    """The template file and line an error arose in, from the error or its traceback."""
    filename = getattr(error, "filename", None)
    line = getattr(error, "lineno", None)
    if filename is None:
        # Errors raised while rendering carry no file; Jinja's traceback frames do.
        frame = error.__traceback__
        while frame is not None:
            code = frame.tb_frame.f_code
            if code.co_filename.endswith(".j2"):
                filename, line = code.co_filename, frame.tb_lineno
            frame = frame.tb_next
    return f"{filename or name}, line {line}" if line else str(filename or name)


def render_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """Turn rendered HTML into PDF with WeasyPrint (the optional ``pdf`` extra)."""
    try:
        import weasyprint  # type: ignore[import-not-found, import-untyped, unused-ignore]
    except ImportError as error:  # pragma: no cover - depends on the installation
        raise OutcomesError(
            "PDF output needs WeasyPrint: pip install 'outcomes[pdf]' (and, on Debian, "
            "the packages libpango-1.0-0 and libpangoft2-1.0-0)"
        ) from error
    from outcomes.report._weasyprint import install

    install(weasyprint)  # the charts' text drawn as whole runs (a third of the time)
    # PDF/UA-1: a tagged PDF (headings, tables, figures as structure) that screen readers
    # and reflow can use; the same HTML gives the same bytes (no timestamps are written).
    with _collection_paused():
        document = weasyprint.HTML(string=html, base_url=base_url)
        pdf: bytes = document.write_pdf(pdf_variant="pdf/ua-1", uncompressed_pdf=False)
    return pdf


@contextlib.contextmanager
def _collection_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while WeasyPrint lays out and draws: it
    makes hundreds of thousands of objects, and the collections they set off, each looking
    over every object alive, took a sixth of a PDF's time (Fife's: 4.2 s, 3.6 s paused;
    3 MiB more at the peak). Collection resumes after, unless it was paused before."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def output_names(slug: str, period: Period, formats: Sequence[str]) -> dict[str, str]:
    """The file name of each format, ``<area-slug>-<period>.<ext>``.

    Fixed by docs/contracts.md, "Formats and file names".
    """
    return {kind: f"{slug}-{period}.{kind}" for kind in formats}


def render_report(
    report: AnnualReport, format: str = "html", *, templates: str | os.PathLike[str] | None = None
) -> str | bytes:
    """Render an :class:`AnnualReport` as ``html`` or ``md`` (text), ``pdf`` or ``docx`` (bytes).

    >>> html = render_report(report, "html")  # doctest: +SKIP
    """
    if format == "pdf":
        return render_pdf(render(report, "html", templates=templates))
    if format == "docx":
        from outcomes.report._docx import render_docx

        html = render(report, "html", templates=templates)
        return render_docx(html, status=report.status.label, author=report.area)
    return render(report, format, templates=templates)


def annex_tables(report: AnnualReport) -> dict[str, pd.DataFrame]:
    """The data annex's tables, as shown (formatted text), by sheet name.

    ``Trend data`` (every indicator's five years) is also the annex's CSV; the workbook
    holds every table. Rows are in catalogue order, then year, then rank.
    """
    import pandas as pd

    every = pd.DataFrame(
        [{"indicator": h.indicator, "title": h.title, str(report.period): h.this_year,
          str(report.previous_period): h.last_year, "change (95% interval)": h.change,
          "direction": h.direction.word, "vs Scotland": h.vs_scotland,
          "vs family group": h.vs_family_group, "rank": h.rank, "five-year trend": h.trend}
         for h in report.headline],
        columns=["indicator", "title", str(report.period), str(report.previous_period),
                 "change (95% interval)", "direction", "vs Scotland", "vs family group",
                 "rank", "five-year trend"],
    )  # fmt: skip
    group = report.family_group or "family group"
    trend = pd.DataFrame(
        [{"indicator": d.id, "title": d.title, "period": str(y.period), report.area: y.value,
          "95% interval": y.interval, "Scotland": y.scotland, group: y.family_group,
          "note": y.note} for d in report.indicators for y in d.years],
        columns=["indicator", "title", "period", report.area, "95% interval", "Scotland", group,
                 "note"],
    )  # fmt: skip
    ranks = pd.DataFrame(
        [{"indicator": d.id, "rank": r.rank, "area": r.area, "value": r.value,
          "95% interval": r.interval, "this area": r.highlighted}
         for d in report.indicators for r in d.ranks],
        columns=["indicator", "rank", "area", "value", "95% interval", "this area"],
    )  # fmt: skip
    definitions = pd.DataFrame(
        [attrs.asdict(d) for d in report.methods.definitions],
        columns=["id", "title", "numerator", "denominator", "multiplier", "interval", "source"],
    )
    quality = pd.DataFrame(
        [{"kind": kind, "indicator": q.indicator, "period": str(q.period), "issue": q.issue}
         for kind, rows in (("suppressed", report.methods.suppressed),
                            ("missing", report.methods.missing), ("note", report.methods.notes))
         for q in rows],
        columns=["kind", "indicator", "period", "issue"],
    )  # fmt: skip
    return {"Every indicator": every, "Trend data": trend, "Ranks": ranks,
            "Definitions": definitions, "Data quality": quality}  # fmt: skip


def render_annex(
    report: AnnualReport, format: str = "html", *, templates: str | os.PathLike[str] | None = None
) -> str | bytes:
    """The report's data annex as ``html`` (a page), ``csv`` (the trend data of every
    indicator) or ``xlsx`` (every table of the annex, one sheet each; bytes).

    >>> html = render_annex(report, "html")  # doctest: +SKIP
    """
    return _annex(report, format, templates=templates)


def _annex(
    report: AnnualReport,
    format: str,
    *,
    templates: str | os.PathLike[str] | None = None,
    tables: Mapping[str, pd.DataFrame] | None = None,
) -> str | bytes:
    """:func:`render_annex`, given the annex's tables when they are made already (the CSV
    and the workbook of one report share them)."""
    if format == "html":
        return render(report, "html", template="annex.html.j2", templates=templates)
    tables = annex_tables(report) if tables is None else tables
    if format == "csv":
        from outcomes.core._io import csv_text

        return csv_text(tables["Trend data"])
    if format == "xlsx":
        return _workbook(tables)
    raise OutcomesError(f"unknown annex format {format!r}; choose from {', '.join(ANNEX_FORMATS)}")


def _workbook(tables: Mapping[str, pd.DataFrame]) -> bytes:
    """The tables as an ``.xlsx`` workbook, one sheet each, header row bold and frozen."""
    from outcomes.core._xlsx import table_workbook

    return table_workbook(tables)


@attrs.frozen(kw_only=True)
class ReportBatch:
    """What a batch of reports produced: files written per area, and areas that failed."""

    written: Mapping[str, tuple[Path, ...]]
    failed: Mapping[str, str]


def write_reports(
    results: Results,
    period: str | Period,
    directory: str | os.PathLike[str],
    *,
    areas: Sequence[str] | None = None,
    assessments: Mapping[str, Assessment | OutcomesError] | None = None,
    formats: Sequence[str] = ("html", "md"),
    templates: str | os.PathLike[str] | None = None,
    burden: Burden | None = None,
    area_list: Areas | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    annex: bool = True,
) -> ReportBatch:
    """Render the reports of ``areas`` (default: every area in the results) into ``directory``.

    Files are named ``<area-slug>-<period>.<ext>`` (docs/contracts.md, "Formats and file
    names") and written atomically. The names are worked out first: when two areas would
    share a file (``FIFE`` and ``fife!`` are both ``fife``), :class:`OutputError` names them
    and the file before anything is written. An area listed twice is rendered once.
    One area's bad input (an assessment with problems, say) fails that area only: its
    message is in :attr:`ReportBatch.failed` and the others are still written. Beside each
    report goes its data annex (``<area-slug>-<period>-data.html``, ``.csv``, ``.xlsx``,
    :func:`render_annex`) unless ``annex`` is False.
    ``progress(done, total, area)`` is called after each area.
    """
    from outcomes.report._report import AnnualReport

    year = as_period(period)
    for kind in formats:
        if kind not in (*FORMATS, "pdf", "docx"):
            raise OutcomesError(f"unknown report format {kind!r}; choose html, md, pdf or docx")
    chosen = list(dict.fromkeys(areas)) if areas is not None else _areas_of(results)
    names = _unique_output_names(chosen, year, formats)
    written: dict[str, tuple[Path, ...]] = {}
    failed: dict[str, str] = {}
    for done, area in enumerate(chosen, start=1):
        given = (assessments or {}).get(area)
        try:
            if isinstance(given, OutcomesError):
                raise given
            with _collection_paused():  # an area at a time; its garbage collected after
                report = AnnualReport.build(
                    results, area, year, assessment=given, areas=area_list, burden=burden
                )
                paths = [
                    _write_output(Path(directory) / name,
                                  render_report(report, kind, templates=templates))
                    for kind, name in names[area].items()
                ]  # fmt: skip
                tables = annex_tables(report) if annex else {}
                paths += [
                    _write_output(Path(directory) / report.annex.replace(".html", f".{kind}"),
                                  _annex(report, kind, templates=templates, tables=tables))
                    for kind in (ANNEX_FORMATS if annex else ())
                ]  # fmt: skip
            written[area] = tuple(paths)
        except OutcomesError as error:
            failed[area] = str(error)
        if progress is not None:
            progress(done, len(chosen), area)
    return ReportBatch(written=written, failed=failed)


def _write_output(target: Path, output: str | bytes) -> Path:
    """Write a rendered report or annex atomically: bytes as they are, text as UTF-8."""
    if isinstance(output, bytes):
        return write_bytes_atomic(target, output)
    return write_text_atomic(target, output)


def _unique_output_names(
    areas: Sequence[str], period: Period, formats: Sequence[str]
) -> dict[str, dict[str, str]]:
    """Each area's file name per format; :class:`OutputError` when two areas share one."""
    sharing: dict[str, list[str]] = {}
    for area in areas:
        sharing.setdefault(slug(area), []).append(area)
    clashes = [
        f"areas {', '.join(map(repr, group))} would share "
        + " and ".join(output_names(name, period, formats).values())
        for name, group in sharing.items()
        if len(group) > 1
    ]
    if clashes:
        more = f" (and {len(clashes) - 5} more)" if len(clashes) > 5 else ""
        raise OutputError(
            f"report file names clash, so nothing was written: {'; '.join(clashes[:5])}{more}. "
            "A file is named by its area's slug: give the areas identifiers that differ in "
            "more than case, accents and punctuation"
        )
    return {area: output_names(slug(area), period, formats) for area in areas}


def _areas_of(results: Results) -> list[str]:

    names = set(results.frame["area"].unique())
    return sorted(a for a in names if not is_computed_area(str(a)))
