"""The annual report as PDF (the optional ``pdf`` extra): the status on every page."""

from __future__ import annotations

import io

import pytest

import outcomes
from tests.report_examples import AREA, PERIOD, example

weasyprint = pytest.importorskip("weasyprint", reason="PDF output needs the 'pdf' extra")
pypdf = pytest.importorskip("pypdf")


def small_report(status: str) -> outcomes.AnnualReport:
    """Fife's report on the criminal justice indicators only, to keep the PDF quick."""
    given = example()
    catalogue = given.catalogue.filter(branch="criminal_justice")
    results = outcomes.compute(given.data, catalogue, given.areas)
    assessment = given.assessment if status == "published" else None
    return outcomes.AnnualReport.build(results, AREA, PERIOD, assessment=assessment)


@pytest.mark.parametrize(("status", "label"), [("published", "Published"), ("draft", "Draft")])
def test_every_page_shows_the_status(status: str, label: str) -> None:
    pdf = outcomes.render_report(small_report(status), "pdf")
    assert isinstance(pdf, bytes)
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) > 1
    for number, page in enumerate(pages, start=1):
        text = page.extract_text()
        assert f"Status: {label}" in text, f"page {number} does not show the status"
