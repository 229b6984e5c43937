"""The annual report as PDF (the optional ``pdf`` extra): the status on every page."""

from __future__ import annotations

import functools
import gc
import io
import re
from pathlib import Path

import pytest

import outcomes
from outcomes.report._render import _collection_paused, render_pdf
from tests.programs import program
from tests.report_examples import example_report, small_report

weasyprint = pytest.importorskip("weasyprint", reason="PDF output needs the 'pdf' extra")
pypdf = pytest.importorskip("pypdf")


@pytest.mark.parametrize(("status", "label"), [("published", "Published"), ("draft", "Draft")])
def test_every_page_shows_the_status(status: str, label: str) -> None:
    pdf = outcomes.render_report(small_report(status), "pdf")
    assert isinstance(pdf, bytes)
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) > 1
    for number, page in enumerate(pages, start=1):
        text = page.extract_text()
        assert f"Status: {label}" in text, f"page {number} does not show the status"


# --- issue 16: the example council's whole report, as printed ------------------------------

#: Lines every page carries: the running header and footer (title, status, page number).
_RUNNING = re.compile(r"Status: |Page \d+ of \d+")


@functools.cache
def _fife_pdf() -> bytes:
    pdf = outcomes.render_report(example_report(), "pdf")
    assert isinstance(pdf, bytes)
    return pdf


@functools.cache
def _fife_pages() -> tuple[str, ...]:
    """The text of each page of Fife's whole report, running header and footer removed."""
    pages = pypdf.PdfReader(io.BytesIO(_fife_pdf())).pages
    return tuple(
        "\n".join(line for line in page.extract_text().splitlines()
                  if line.strip() and not _RUNNING.search(line))
        for page in pages
    )  # fmt: skip


def test_the_report_is_at_most_40_pages_none_nearly_empty() -> None:
    pages = _fife_pages()
    assert len(pages) <= 40
    for number, text in enumerate(pages[1:], start=2):  # the cover may be short
        assert len(text.splitlines()) >= 5, f"page {number} is nearly empty:\n{text}"


def test_at_a_glance_fits_one_page() -> None:
    pages = _fife_pages()
    glance = [n for n, text in enumerate(pages) if "1. At a glance" in text]
    assert len(glance) == 1
    page = pages[glance[0]]
    report = example_report()
    for finding in (*report.glance.improved, *report.glance.worsened, *report.glance.watch):
        assert finding.indicator in page
    for heading in ("What improved", "What worsened", "What to watch"):
        assert heading in page
    assert pages[glance[0] + 1].lstrip().startswith("2. Summary")


def test_the_printed_contents_give_page_numbers() -> None:
    pages = _fife_pages()
    contents = next(text for text in pages if text.lstrip().startswith("Contents"))
    where = {title: n + 1 for n, text in enumerate(pages) for title in
             ("1. At a glance", "12. Self-assessment") if title in text}  # fmt: skip
    lines = contents.splitlines()
    glance = next(line for line in lines if line.startswith("At a glance"))
    assert glance.rstrip().endswith(f" {where['1. At a glance']}")
    own = next(line for line in lines if line.startswith("Self-assessment against"))
    assert own.rstrip().endswith(f" {where['12. Self-assessment']}")


def test_the_pdf_is_tagged_and_numbers_its_pages() -> None:
    root = pypdf.PdfReader(io.BytesIO(_fife_pdf())).trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"]
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en-GB"
    pdf = outcomes.render_report(small_report("draft"), "pdf")
    assert isinstance(pdf, bytes)
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page.extract_text()


# --- issue 20: the charts' text drawn as whole runs ----------------------------------------

#: Labels as the charts write them, at each text-anchor, bold and not; ``per_character``
#: adds ``dx="0"`` (no shift), which sends a label to WeasyPrint's own letter-by-letter way.
_LABELS = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="110" viewBox="0 0 300 110" '
    'font-family="sans-serif" font-size="11">'
    '<text x="10" y="20"{extra}>Start label: 2024-25</text>'
    '<text x="150" y="50" text-anchor="middle"{extra}>Middle label, 12.5%</text>'
    '<text x="290" y="80" text-anchor="end" font-weight="bold"{extra}>End: 3.9% worse</text>'
    # A line separator (from an area's name, say) ends Pango's first line: not one run.
    '<text x="10" y="96"{extra}>Before\u2028after</text></svg>'
)


def pdftoppm() -> str:
    """poppler's rasteriser; skips the test without it locally, fails it in CI."""
    return program("pdftoppm", "comparing printed charts needs pdftoppm (apt-get install "
                   "poppler-utils) — ./run test installs it")  # fmt: skip


def _label_boxes(svg: str, tmp_path: Path, name: str) -> list[tuple[int, int, int, int]]:
    """The SVG printed by the report's PDF renderer and rasterised (150 dpi): the inked box
    (left, top, right, bottom, in pixels) of each line of text, top to bottom."""
    import subprocess

    pdf = tmp_path / f"{name}.pdf"
    pdf.write_bytes(render_pdf(f"<!DOCTYPE html><html lang='en'><body>{svg}</body></html>"))
    subprocess.run([pdftoppm(), "-r", "150", "-gray", "-singlefile", str(pdf),
                    str(tmp_path / name)], check=True)  # fmt: skip
    # A binary PGM: "P5", width, height, maximum value, then one byte a pixel.
    _, width, _, _, pixels = (tmp_path / f"{name}.pgm").read_bytes().split(maxsplit=4)
    columns = int(width)
    rows = [pixels[k : k + columns] for k in range(0, len(pixels), columns)]
    boxes: list[tuple[int, int, int, int]] = []
    inked_before = False
    for y, row in enumerate(rows):
        inked = [x for x, grey in enumerate(row) if grey < 128]
        if inked and not inked_before:
            boxes.append((inked[0], y, inked[-1], y))
        elif inked:
            left, top, right, _ = boxes[-1]
            boxes[-1] = (min(left, inked[0]), top, max(right, inked[-1]), y)
        inked_before = bool(inked)
    return boxes


def test_chart_text_is_drawn_where_weasyprint_draws_it_letter_by_letter(tmp_path: Path) -> None:
    whole = _label_boxes(_LABELS.format(extra=""), tmp_path, "whole")
    letters = _label_boxes(_LABELS.format(extra=' dx="0"'), tmp_path, "letters")
    assert len(letters) == 4  # one box a label: there is something to compare
    assert len(whole) == len(letters)
    for run, by_letter in zip(whole, letters, strict=True):
        # Within a pixel or two (at 150 dpi, under a point): rounding of glyph advances.
        assert all(abs(a - b) <= 2 for a, b in zip(run, by_letter, strict=True)), (
            run, by_letter,
        )  # fmt: skip


def test_chart_text_is_whole_in_the_pdf_text() -> None:
    pdf = render_pdf(
        f"<!DOCTYPE html><html lang='en'><body>{_LABELS.format(extra='')}</body></html>"
    )
    text = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    for label in ("Start label: 2024-25", "Middle label, 12.5%", "End: 3.9% worse", "after"):
        assert label in text


@pytest.mark.parametrize("enabled", [True, False], ids=["collecting", "paused by the caller"])
def test_a_pdf_leaves_the_garbage_collector_as_it_found_it(enabled: bool) -> None:
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        pdf = render_pdf("<p>One page.</p>")
        assert pdf.startswith(b"%PDF")
        assert gc.isenabled() is enabled
        seen: list[bool] = []

        def fail_while_paused() -> None:
            with _collection_paused():
                seen.append(gc.isenabled())
                raise RuntimeError("WeasyPrint failed")

        with pytest.raises(RuntimeError):
            fail_while_paused()
        assert seen == [False]  # paused while WeasyPrint works
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
