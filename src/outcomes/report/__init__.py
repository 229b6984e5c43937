"""Stage 5, the report: the annual performance improvement report assembled as typed data
(:class:`~outcomes.AnnualReport`), its figures and formatting, and rendering to HTML,
Markdown and PDF; and every claim of an assessment checked against the data."""

from outcomes.report._claims import CLAIM_COLUMNS, Claims, Stance, Verdict, check_claims
from outcomes.report._render import (
    ReportBatch,
    annex_tables,
    render_annex,
    render_report,
    write_reports,
)
from outcomes.report._report import AnnualReport

__all__ = [
    "CLAIM_COLUMNS",
    "AnnualReport",
    "Claims",
    "ReportBatch",
    "Stance",
    "Verdict",
    "annex_tables",
    "check_claims",
    "render_annex",
    "render_report",
    "write_reports",
]
