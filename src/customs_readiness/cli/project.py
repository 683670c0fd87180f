"""Commands about the project rather than its data: `init` (a commented readiness.toml and a
data folder), `config` (each setting in force and where it came from) and `mappings` (the
shipped export layouts)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from . import options as o
from .app import columns, project_config, say


def init(
    folder: Annotated[Path, typer.Argument(help="Project folder (created if missing; default: "
                                           "this folder).")] = Path("."),
) -> None:
    """Write a commented readiness.toml and an empty data folder to start a project."""
    from ..config import init_project

    for path in init_project(folder):
        say(f"wrote {path}")
    say("Next: put a year of records in data/<year>/ (or `readiness sample --out data/2026`), "
        "then `readiness run data/2026 --year 2026`.")


def config(
    db: o.Db = None,
    policy: o.PolicyFile = None,
    metrics_dir: o.MetricsDirs = None,
    templates: o.Templates = None,
    mapping: o.Mapping = None,
) -> None:
    """Show each setting in force and where it came from: the command line, the
    configuration file, or the built-in default."""
    from ..config import KEYS

    cfg = project_config()
    given = {"database": db, "policy": policy, "metrics_dirs": metrics_dir,
             "templates": templates, "mapping": mapping}
    where = (str(cfg.path) if cfg.path is not None else
             f"none (no readiness.toml in {Path.cwd()} or a parent folder)")
    typer.echo(f"configuration file: {where}")
    rows = []
    for key in KEYS:
        s = cfg.setting(key, given.get(key))
        rows.append((key, s.shown, s.source))
    typer.echo(columns(("setting", "value", "from"), rows))


def mappings() -> None:
    """List the export layouts shipped with the tool (for `--mapping NAME`)."""
    from ..ingest.exports import shipped_mappings

    rows = [(m.name, m.profile.name + (" (always tried)" if m.profile.builtin else ""),
             m.description) for m in shipped_mappings()]
    typer.echo(columns(("name", "layout", "description"), rows))
    say("Use one with `--mapping NAME` (or `mapping = \"NAME\"` in readiness.toml); "
        "docs/exports.md shows how to write your own.")
