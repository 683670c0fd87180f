"""The report as one HTML string: Jinja2 with autoescape and StrictUndefined, user template
folders searched before the bundled one, every filter registered in one place."""

from __future__ import annotations

import base64
import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import ConfigError, ReadinessError, shown
from ..resources import bundled_dir
from .format import fmt_count, fmt_date, fmt_money, fmt_rate, fmt_value
from .model import Report, resource_bytes


def template_dirs(user_dir: Path | None = None) -> list[Path]:
    """Template folders in search order: the user's (if any), then the bundled one."""
    dirs = []
    if user_dir is not None:
        user_dir = Path(user_dir)
        if not user_dir.is_dir():
            raise ConfigError(f"{user_dir}: template folder does not exist")
        dirs.append(user_dir.resolve())
    dirs.append(bundled_dir("report_templates").resolve())
    return dirs


# Characters that would not print as themselves: C0 controls (other than tab and line
# breaks), DEL, and bidirectional overrides that reorder the text around them.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def printable(value: Any) -> Any:
    """Show data text literally: unprintable and bidi-control characters become U+FFFD."""
    import markupsafe

    if isinstance(value, str) and not isinstance(value, markupsafe.Markup):
        return _UNPRINTABLE.sub("\ufffd", value)
    return value


def _environment(dirs: Sequence[Path]):
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in dirs]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=printable,
    )
    # Every filter the templates use, registered in one place.
    env.filters.update({
        "count": fmt_count,
        "money": fmt_money,
        "rate": fmt_rate,
        "date": fmt_date,
        "value": fmt_value,
    })
    return env


def compiled_templates(templates_dir: Path | None = None):
    """A template environment with every report template already compiled (about 0.1 s),
    for ``render_html``; the report command prepares it in a thread while DuckDB works.
    Best effort: a template that does not compile is left for ``render_html`` to report."""
    import contextlib

    import jinja2

    env = _environment(template_dirs(templates_dir))
    for name in env.list_templates(filter_func=lambda n: n.endswith(".html")):
        with contextlib.suppress(jinja2.TemplateError):
            env.get_template(name)
    return env


def render_html(report: Report, templates_dir: Path | None = None, env=None) -> str:
    """The report as one HTML string (viewable in a browser from the templates folder).
    ``env``: from ``compiled_templates(templates_dir)``, if prepared ahead.

    Raises ConfigError when a template is missing or refers to an unknown field.
    """
    import jinja2

    if env is None:
        env = _environment(template_dirs(templates_dir))
    try:
        return env.get_template("report.html").render(**report.context)
    except jinja2.TemplateError as exc:
        raise ConfigError(f"report template: {type(exc).__name__}: {exc}") from None


def write_html(html: str, out: Path, report: Report | None = None,
               templates_dir: Path | None = None) -> None:
    """Write the report's HTML for review in a browser (atomically, like the PDF).

    With ``report`` the file is made viewable on its own: a <base> points at the template
    folder (for the CSS and fonts) and the generated charts are inlined as data: URIs.
    The PDF never uses either.
    """
    if report is not None:
        for name, data in sorted(report.resources.items()):
            uri = f"data:{mime(name)};base64," + base64.b64encode(
                resource_bytes(data)).decode("ascii")
            html = html.replace(f'src="{name}"', f'src="{uri}"')
        base = template_dirs(templates_dir)[-1].as_uri() + "/"
        html = html.replace("<head>\n", f'<head>\n<base href="{base}">\n', 1)
    out = Path(out)
    folder = out.parent if str(out.parent) else Path(".")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise ReadinessError(f"{shown(out)}: cannot write: {exc.strerror or exc}") from None
    try:
        chmod_like_new_file(tmp_name)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(html)
        os.replace(tmp_name, out)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise



def mime(name: str) -> str:
    """The media type of a template file or generated resource, by its suffix."""
    suffix = name.rsplit(".", 1)[-1].lower()
    return {"css": "text/css", "svg": "image/svg+xml", "ttf": "font/ttf", "otf": "font/otf",
            "woff": "font/woff", "woff2": "font/woff2", "png": "image/png"}.get(
        suffix, "application/octet-stream")


def chmod_like_new_file(path: str) -> None:
    """mkstemp creates the file 0600; an output should get the mode any new file gets."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(path, 0o666 & ~mask)
