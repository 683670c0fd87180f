"""The sampling-plan PDF: a short, plain-language account of the draw, for a prior
disclosure or an auditor (19 CFR 163.11(c), 162.74(j): the plan must follow generally
recognised sampling procedures and be explained).

Rendered in two steps like the report: plan data -> HTML (Jinja2, autoescaped,
StrictUndefined; template ``report_templates/audit_plan.html``) -> PDF (WeasyPrint through a
URL fetcher that serves only files of the bundled template folder: the stylesheet and the
fonts, never the network).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from customs_readiness.errors import ReadinessError
from customs_readiness.resources import bundled_dir

from .draw import AuditSample
from .fmt import fmt_money as money
from .worksheet import plan_items, write_atomic

PLAN_NAME = "sampling-plan.pdf"
TEMPLATE = "audit_plan.html"


def plan_context(sample: AuditSample, catalog_version: str) -> dict[str, Any]:
    """What the plan template prints: the Plan sheet's items and the strata."""
    from ..clock import prepared_at

    items = dict(plan_items(sample, catalog_version))
    p = sample.period
    return {
        "period": {"label": p.label, "start": p.start.isoformat(),
                   "last_day": (p.end - dt.timedelta(days=1)).isoformat()},
        # the PDF's dates: when drawn (SOURCE_DATE_EPOCH when set), not the period's end
        "prepared": prepared_at().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "items": items,
        "strata": [{
            "stratum": s.stratum,
            "range": f"{money(s.lower_value)} to under {money(s.upper_value)}",
            "lines_in_universe": f"{s.lines_in_universe:,}",
            "lines_sampled": f"{s.lines_sampled:,}",
            "value_in_universe": money(s.value_in_universe),
            "certainty": s.certainty,
        } for s in sample.strata],
        "universe_lines": f"{sample.universe_lines:,}",
        "universe_value": money(sample.universe_value),
        "lines_sampled": f"{sample.lines_sampled:,}",
        "seed": str(sample.seed),
    }


def render_plan_html(sample: AuditSample, catalog_version: str) -> str:
    """The plan as one HTML string."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(bundled_dir("report_templates"))),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template(TEMPLATE).render(**plan_context(sample, catalog_version))


def write_plan_pdf(sample: AuditSample, out_dir: Path, catalog_version: str) -> Path:
    """Write ``out_dir/sampling-plan.pdf`` (atomically) and return its path."""
    from ..report.pdf import _weasyprint, make_url_fetcher

    weasyprint = _weasyprint()
    root = bundled_dir("report_templates")
    html = render_plan_html(sample, catalog_version)
    fetcher, base_url = make_url_fetcher([root])
    try:
        data = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf()
    except OSError as exc:  # pragma: no cover - a broken installation
        raise ReadinessError(f"sampling plan: cannot render: {exc}") from None
    return write_atomic(Path(out_dir) / PLAN_NAME, data)
