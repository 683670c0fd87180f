"""`--html` writes one self-contained file: styles and chart inline, nothing pointing back at
the installation, text escaped as in the PDF. Opened in a real headless browser (Chromium),
it renders its tables and fetches nothing.

CI installs Chromium (.ci/run); this test never skips: without a browser it fails and says
how to install one.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from customs_readiness import report

from _report_fixtures import HOSTILE_NAME, loaded_db, metric_figures
from conftest import connections, local_listener

BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def _browser() -> str:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("no Chromium found: install it (Debian/Ubuntu: apt-get install -y chromium; "
                ".ci/run does) - this test does not skip")



@pytest.fixture(scope="module")
def listener():
    """One local socket for the module's page (conftest.local_listener)."""
    with local_listener() as sock:
        yield sock


@pytest.fixture(scope="module")
def page(tmp_path_factory, listener):
    """The tiny folder's report as HTML, with a hostile importer name, written with --html's
    writer into a folder of its own (nothing else beside it)."""
    tmp = tmp_path_factory.mktemp("standalone")
    port = listener.getsockname()[1]
    con = loaded_db(tmp / "db", importer_name=HOSTILE_NAME.format(port=port))
    try:
        rep = report.build_report(con, metric_figures(con))
    finally:
        con.close()
    html = report.render_html(rep)
    out = tmp / "alone" / "report.html"
    out.parent.mkdir()
    report.write_html(html, out, rep)
    return out, port


def _chromium(tmp: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp / "profile"
    env = {**os.environ, "HOME": str(tmp)}
    return subprocess.run(
        [_browser(), "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", "--disable-dev-shm-usage", "--hide-scrollbars",
         f"--user-data-dir={profile}", *args],
        capture_output=True, timeout=180, env=env, cwd=tmp)


def test_report_html_standalone_has_everything_inline(page):
    out, port = page
    html = out.read_text(encoding="utf-8")
    assert "file://" not in html and "<base" not in html and "<link" not in html
    assert "<style>" in html and "@page" in html  # the print CSS, inlined
    # the bundled fonts, inlined byte for byte; a generic family after them for a
    # character outside their subset
    fonts = re.findall(r'@font-face\s*\{[^}]*url\("data:font/ttf;base64,([^"]+)"\)', html)
    bundled = sorted((report.template_dirs()[-1] / "fonts").glob("*.ttf"))
    assert len(fonts) == len(bundled) == 4
    assert sorted(base64.b64decode(f) for f in fonts) == sorted(p.read_bytes() for p in bundled)
    assert "fonts/DejaVu" not in html  # no path back to the installation
    assert 'font-family: "Report Sans", sans-serif' in html
    assert 'src="data:image/svg+xml;base64,' in html  # the chart
    assert 'src="charts/' not in html
    # escaped as in the PDF: the data adds no element
    assert f"&lt;img src=http://127.0.0.1:{port}/x&gt;" in html
    assert "<script" not in html
    assert 'src="http' not in html and "url(http" not in html


def test_report_html_standalone_renders_in_chromium(page, tmp_path, listener):
    out, port = page
    shot = tmp_path / "page.png"
    proc = _chromium(tmp_path, f"--screenshot={shot}", "--window-size=1200,2000",
                     out.as_uri())
    assert shot.is_file(), proc.stderr.decode(errors="replace")[-2000:]
    with Image.open(shot) as img:
        rgb = img.convert("RGB")
        assert rgb.size == (1200, 2000)
        colours = rgb.getcolors(maxcolors=1_000_000) or []
        inked = sum(n for n, c in colours if sum(c) < 600)  # not white or near-white
    assert len(colours) > 50  # text, rules, the score box: not a blank page
    assert inked > 0.01 * 1200 * 2000

    proc = _chromium(tmp_path, "--dump-dom", out.as_uri())
    dom = proc.stdout.decode("utf-8", errors="replace")
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")[-2000:]
    assert dom.count("<table") >= 10
    assert "Executive summary" in dom and "Controls needing attention" in dom
    assert "<script" not in dom  # the hostile name stayed text
    assert connections(listener) == 0  # nothing fetched from the data's URLs


def test_report_html_standalone_tables_print_from_chromium(page, tmp_path):
    out, _ = page
    pdf = tmp_path / "page.pdf"
    proc = _chromium(tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer",
                     out.as_uri())
    assert pdf.is_file(), proc.stderr.decode(errors="replace")[-2000:]
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(str(pdf)).pages).split())
    # table cells laid out as text by the browser: a control row and a hand-checked figure
    assert "Informal entries with a foreign importer of record" in text
    assert "$6,000.50" in text
    assert "Readiness score" in text
