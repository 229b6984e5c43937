"""Stage 5, the report: the annual performance improvement report assembled as typed data
(:class:`~outcomes.AnnualReport`), its figures and formatting, and rendering to HTML,
Markdown and PDF."""
