"""The PDF: WeasyPrint lays out the HTML through a URL fetcher that serves only template
files and generated resources (never the network), the CSV attachments are embedded, and the
file is written atomically."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .. import speed
from ..errors import ReadinessError, shown
from .html import chmod_like_new_file, mime, template_dirs
from .model import Attachment, Report, resource_bytes


def _weasyprint():
    """Import WeasyPrint lazily. Without the optional HarfBuzz-Subset library its import
    warns that a future version will need it; the report handles that case itself (see
    _can_subset), so that one warning is silenced and every other one is kept."""
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="HarfBuzz-Subset will be required",
                                category=DeprecationWarning)
        try:
            import weasyprint
            import weasyprint.text.ffi
            import weasyprint.urls
        except OSError as exc:  # Pango and its friends come from the system, not pip
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ReadinessError(
                f"WeasyPrint cannot load its system libraries ({first}); install Pango: "
                "Debian/Ubuntu `apt-get install libpango-1.0-0 libpangoft2-1.0-0`, macOS "
                "`brew install pango` (README, System libraries)") from None
    return weasyprint


def make_url_fetcher(dirs: Sequence[Path],
                     resources: dict[str, Any] | None = None):
    """A WeasyPrint URL fetcher that serves only files of the template folders (searched
    in order, so a user folder overrides the bundled one) and the generated resources.

    Every other URL - http(s), data:, file:// outside the folders, anything with ``..``
    that escapes them - is refused without being opened.
    """
    from urllib.parse import unquote, urlsplit

    _weasyprint()
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    roots = [Path(d).resolve() for d in dirs]
    base = roots[-1]  # the document's base URL is the bundled folder
    generated = dict(resources or {})

    class TemplateOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
                raise ValueError(f"refused to fetch {url!r}: only bundled template files")
            path = Path(unquote(parts.path)).resolve()
            rel = None
            for root in roots:
                if path.is_relative_to(root):
                    rel = path.relative_to(root)
                    break
            if rel is None:
                raise ValueError(f"refused to fetch {url!r}: outside the template folders")
            key = rel.as_posix()
            if key in generated:
                return URLFetcherResponse(url, resource_bytes(generated[key]),
                                          {"Content-Type": mime(key)})
            for root in roots:
                candidate = (root / rel).resolve()
                if candidate.is_relative_to(root) and candidate.is_file():
                    return URLFetcherResponse(candidate.as_uri(), candidate.read_bytes(),
                                              {"Content-Type": mime(key)})
            raise ValueError(f"refused to fetch {url!r}: no such template file")

    return TemplateOnlyFetcher(), base.as_uri() + "/"


def write_pdf(report: Report, html: str, out: Path, templates_dir: Path | None = None) -> int:
    """Lay out ``html`` and write the PDF to ``out`` atomically; return the page count.

    The PDF goes to a temporary file in the same folder, then replaces ``out``; a failed
    render leaves no partial file. Raises ReadinessError when the folder is not writable.
    """
    weasyprint = _weasyprint()

    out = Path(out)
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise ReadinessError(f"{shown(out)}: folder {shown(folder)} does not exist")
    dirs = template_dirs(templates_dir)
    fetcher, base_url = make_url_fetcher(dirs, report.resources)
    # The attachments are compressed while the pages are laid out (speed.in_background);
    # the finisher embeds them once the pages are painted.
    packed = speed.in_background(pack_attachments, report.attachments)
    with speed.gc_paused():
        document = weasyprint.HTML(string=html, base_url=base_url,
                                   url_fetcher=fetcher).render()
        try:
            fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part",
                                            dir=folder)
        except OSError as exc:
            raise ReadinessError(f"{shown(out)}: cannot write: {exc.strerror}") from None
        try:
            chmod_like_new_file(tmp_name)
            with os.fdopen(fd, "wb") as fh:
                document.write_pdf(fh, full_fonts=not _can_subset(),
                                   finisher=lambda _doc, pdf: _embed_attachments(
                                       pdf, packed(), report.created))
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp_name, out)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
    return len(document.pages)


ATTACHMENT_ZLIB_LEVEL = 6  # zlib's default: 3-4x faster than level 9 on CSV, ~2 % larger


def pack_attachments(attachments: Sequence[Attachment]) -> list[tuple[Attachment, bytes, str]]:
    """Each attachment with its zlib-compressed bytes and MD5 checksum (as the PDF's
    embedded-file streams need them)."""
    return [(a, zlib.compress(a.data, ATTACHMENT_ZLIB_LEVEL),
             hashlib.md5(a.data, usedforsecurity=False).hexdigest()) for a in attachments]


def _embed_attachments(pdf, packed: Sequence[tuple[Attachment, bytes, str]],
                       created: dt.datetime | None) -> None:
    """Add the (already compressed) attachments to ``pdf`` as embedded files, the same
    objects WeasyPrint writes for its ``attachments`` option: an EmbeddedFile stream with
    size, MD5 checksum and dates, a Filespec, and the catalog's EmbeddedFiles name tree."""
    if not packed:
        return
    import mimetypes

    import pydyf

    class CompressedStream(pydyf.Stream):
        def __init__(self, compressed: bytes, extra: dict):
            super().__init__(None, extra)
            self.compressed = compressed

        @property
        def data(self) -> bytes:
            extra = pydyf.Dictionary(self.extra.copy())
            extra["Filter"] = "/FlateDecode"
            extra["Length"] = len(self.compressed)
            return b"\n".join((extra.data, b"stream", self.compressed, b"endstream"))

    when = created or dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    stamp = when.strftime("D:%Y%m%d%H%M%SZ")
    names = pydyf.Array()
    for a, compressed, md5 in packed:
        mime = mimetypes.guess_type(a.name, strict=False)[0] or "application/octet-stream"
        stream = CompressedStream(compressed, {
            "Type": "/EmbeddedFile",
            "Subtype": "/" + mime.replace("/", "#2f"),
            "Params": pydyf.Dictionary({
                "CheckSum": f"<{md5}>",
                "Size": len(a.data),
                "CreationDate": pydyf.String(stamp),
                "ModDate": pydyf.String(stamp),
            }),
        })
        pdf.add_object(stream)
        filespec = pydyf.Dictionary({
            "Type": "/Filespec",
            "F": pydyf.String(a.name.encode(errors="ignore")),
            "UF": pydyf.String(a.name),
            "EF": pydyf.Dictionary({"F": stream.reference}),
            "Desc": pydyf.String(a.description or ""),
        })
        pdf.add_object(filespec)
        names.append(filespec["F"])
        names.append(filespec.reference)
    tree = pydyf.Dictionary({"Names": names})
    pdf.add_object(tree)
    if "Names" not in pdf.catalog:
        pdf.catalog["Names"] = pydyf.Dictionary()
    pdf.catalog["Names"]["EmbeddedFiles"] = tree.reference


def _can_subset() -> bool:
    """Whether WeasyPrint can subset fonts with HarfBuzz. Without it, WeasyPrint falls back
    to a slow fontTools subset and logs a warning; embedding the whole bundled fonts instead
    is faster and silent, at ~1 MB more per PDF."""
    _weasyprint()
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    return harfbuzz_subset is not None and bool(harfbuzz.hb_version_atleast(4, 1, 0))
