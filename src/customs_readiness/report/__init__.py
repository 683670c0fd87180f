"""The readiness report: from a period's figures to HTML and PDF, in three testable steps.

    context   figures -> plain data (``build_report``), reading only the report's own
              aggregates (``facts``, SQL in ``queries/_report/``)
    format    the one formatter of money, rates, counts and dates (half up)
    html      Jinja2 (autoescape, StrictUndefined, user templates first) -> one HTML string
    pdf       WeasyPrint, offline URL fetcher, CSV attachments, atomic write
    charts    deterministic SVG charts (matplotlib)
    csvfile   the one CSV writer (formula-like cells neutralised)
    lists     exception lists as CSV files and one XLSX workbook

Nothing here imports the metric engine or writes to the database: the pipeline hands over
a ``metrics.PeriodFigures`` value. Text from the data is always escaped; the one date
not from the data, the date prepared, comes from ``clock`` (SOURCE_DATE_EPOCH when set).
"""

from __future__ import annotations

from .benchmarks import load_benchmarks
from .context import build_report
from .csvfile import arrow_to_csv, to_csv
from .html import compiled_templates, render_html, template_dirs, write_html
from .model import Attachment, Report
from .pdf import _weasyprint, make_url_fetcher, write_pdf

__all__ = [
    "Attachment", "Report", "_weasyprint", "arrow_to_csv", "build_report",
    "compiled_templates", "load_benchmarks", "make_url_fetcher", "render_html",
    "template_dirs", "to_csv", "write_html", "write_pdf",
]
