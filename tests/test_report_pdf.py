"""The annual report as PDF (the optional ``pdf`` extra): the status on every page."""

from __future__ import annotations

import functools
import io
import re

import pytest

import outcomes
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
