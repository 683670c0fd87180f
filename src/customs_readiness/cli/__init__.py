"""The `readiness` command line: the app, its global options and error boundary (``app``),
the shared options (``options``), and one module per command group, registered here
explicitly."""

from __future__ import annotations

from . import actions, audit, data, metrics, project, report, sample
from .app import app, command, fail, handles_errors, main

for _func in (data.load, data.validate, metrics.metrics, metrics.exceptions, sample.sample,
              report.report, report.run, project.init, project.config, project.mappings):
    command(_func)
command(audit.audit_sample, "audit-sample")
command(audit.audit_score, "audit-score")
command(actions.actions)

__all__ = ["app", "fail", "handles_errors", "main"]
