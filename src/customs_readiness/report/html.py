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
from .format import clip_text, fmt_count, fmt_date, fmt_money, fmt_rate, fmt_value
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
        # text from the data (a name, a note) reaches the layout at most this long, so the
        # time WeasyPrint takes stays linear in the data however long one cell is
        "clip": clip_text,
    })
    # The exception lists' column widths are worked out for the bundled style sheet's fonts
    # and sizes (report/columns.py); under a style sheet of the user's, WeasyPrint sizes them.
    env.globals["sized_columns"] = not any((d / "report.css").is_file() for d in dirs[:-1])
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
    """Write the report's HTML (atomically, like the PDF).

    With ``report`` the file stands on its own (``self_contained``): the style sheets are
    inlined, the generated charts and any template image are data: URIs, and nothing points
    back at the installation. The PDF is laid out from ``html`` as it was.
    """
    if report is not None:
        html = self_contained(html, report, templates_dir)
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


# What a browser needs that WeasyPrint's print CSS leaves out: a sheet of paper's width on
# screen. The bundled fonts are inlined (glyph subsets, about 180 KB in all), so the page
# reads in the PDF's typeface.
SCREEN_CSS = """
@media screen {
  body { max-width: 8.5in; margin: 0 auto; padding: 0.4in 0.6in; background: #fff; }
  section { margin-bottom: 0.5in; }
}
"""
_LINK = re.compile(r'<link\b[^>]*\brel="stylesheet"[^>]*>', re.I)
_HREF = re.compile(r'\bhref="([^"]*)"', re.I)
_SRC = re.compile(r'\bsrc="([^":#?]+)"', re.I)  # relative file references only
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]*)\1\s*\)""", re.I)
_FONT_FAMILY = re.compile(r"(font-family\s*:\s*)([^;}]+)", re.I)
_GENERIC = ("serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui", "inherit",
            "initial", "unset")


def self_contained(html: str, report: Report, templates_dir: Path | None = None) -> str:
    """``html`` made to stand on its own: each linked style sheet of the template folders
    inlined in a <style> element (the template files it names, the bundled fonts among
    them, as data: URIs, anything else emptied; a generic family added after a named
    font, for a character outside the fonts' subset), and every relative ``src`` that
    names a generated resource or a template file replaced by a data: URI. The text is the
    PDF's, escaped the same way."""
    dirs = template_dirs(templates_dir)

    def file_bytes(name: str) -> bytes | None:
        if name in report.resources:
            return resource_bytes(report.resources[name])
        return _template_file(dirs, name)

    def data_uri(name: str, data: bytes) -> str:
        return f"data:{mime(name)};base64," + base64.b64encode(data).decode("ascii")

    def inline_css(match: re.Match) -> str:
        href = _HREF.search(match.group(0))
        css = _template_file(dirs, href.group(1)) if href else None
        if css is None:
            return ""  # never a reference back to the installation
        text = css.decode("utf-8")

        def url(m: re.Match) -> str:
            target = m.group(2).strip()
            if target.startswith("data:"):
                return m.group(0)
            data = file_bytes(target)
            return f'url("{data_uri(target, data)}")' if data is not None else 'url("")'

        text = _CSS_URL.sub(url, text)
        text = _FONT_FAMILY.sub(_with_generic_family, text)
        return "<style>\n" + text.replace("</", "<\\/") + "</style>"

    html = _LINK.sub(inline_css, html)
    html = html.replace("</head>", f"<style>{SCREEN_CSS}</style>\n</head>", 1)

    def src(m: re.Match) -> str:
        data = file_bytes(m.group(1))
        return m.group(0) if data is None else f'src="{data_uri(m.group(1), data)}"'

    return _SRC.sub(src, html)


def _with_generic_family(m: re.Match) -> str:
    families = m.group(2).rstrip()
    important = ""
    if families.endswith("!important"):
        families, important = families[: -len("!important")].rstrip(), " !important"
    last = families.split(",")[-1].strip().strip("'\"").lower()
    if last in _GENERIC:
        return m.group(0)
    generic = "monospace" if "mono" in families.lower() else "sans-serif"
    return f"{m.group(1)}{families}, {generic}{important}"


def _template_file(dirs: Sequence[Path], name: str) -> bytes | None:
    """The bytes of template file ``name`` (relative, searched in ``dirs`` in order), or
    None: absolute names, URLs and names escaping the folders are never read."""
    if not name or "://" in name or name.startswith(("/", "\\")) or ":" in name:
        return None
    for root in dirs:
        candidate = (root / name).resolve()
        if candidate.is_relative_to(root) and candidate.is_file():
            return candidate.read_bytes()
    return None


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
