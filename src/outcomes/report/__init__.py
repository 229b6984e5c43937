"""Stage 5, the report: the annual performance improvement report assembled as typed data
(:class:`~outcomes.AnnualReport`), its figures and formatting, and rendering to HTML,
Markdown and PDF."""

from outcomes.report._render import ReportBatch, render_report, write_reports
from outcomes.report._report import AnnualReport

__all__ = ["AnnualReport", "ReportBatch", "render_report", "write_reports"]
