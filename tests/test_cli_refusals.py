"""What is not what it claims is refused with one line, exit 2, and nothing written: a --db
that is not a database of this tool, an output that would replace the database or an input,
a folder that cannot be written, a full disk."""

from __future__ import annotations

import errno
import hashlib
import os
import tempfile
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from customs_readiness.cli import app

from conftest import minimal_tables, write_tables

runner = CliRunner()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _fails(args: list[str], message: str, code: int = 2) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == code, result.output
    assert result.output.strip().splitlines() == [f"error: {message}"]


@pytest.fixture
def loaded(tmp_path: Path) -> tuple[Path, Path]:
    data = write_tables(tmp_path / "data", minimal_tables())
    db = tmp_path / "r.duckdb"
    assert runner.invoke(app, ["load", str(data), "--db", str(db)]).exit_code == 0
    return data, db


def test_db_that_is_a_csv_file_is_left_alone(tmp_path):
    data = write_tables(tmp_path / "data", minimal_tables())
    not_db = tmp_path / "notes.csv"
    not_db.write_text("a,b\n1,2\n", encoding="utf-8")
    before = _digest(not_db)
    _fails(["load", str(data), "--db", str(not_db)],
           f"{not_db}: not a DuckDB database (nothing was written to it); give --db a new file "
           "name or a database made by `readiness load`")
    assert _digest(not_db) == before
    assert not Path(f"{not_db}.wal").exists()


@pytest.mark.parametrize("pending_log", [False, True])
def test_db_of_another_application_is_left_alone(tmp_path, pending_log):
    # With ``pending_log``, the application ended before a checkpoint and its last changes
    # are still in its write-ahead log: opening the database for writing would replay the
    # log into the file and delete it, so it is refused from a read-only look first.
    import subprocess
    import sys

    data = write_tables(tmp_path / "data", minimal_tables())
    other = tmp_path / "crm.duckdb"
    con = duckdb.connect(str(other))
    con.execute("create table customers (id integer)")
    con.close()
    log = Path(f"{other}.wal")
    if pending_log:
        subprocess.run([sys.executable, "-c", (
            "import duckdb, os; con = duckdb.connect(os.environ['DB']); "
            "con.execute(\"set checkpoint_threshold = '1GB'\"); "
            "con.execute('insert into customers select range from range(1000)'); os._exit(0)")],
            env={**os.environ, "DB": str(other)}, check=True)
        assert log.exists()
    files = [other, log] if pending_log else [other]
    before = [_digest(f) for f in files]
    for args in (["load", str(data)], ["metrics", "--year", "2026"], ["report", "--year", "2026"]):
        _fails([*args, "--db", str(other)],
               f"{other}: a DuckDB database, but not one of this tool (no loads table); "
               "nothing was written to it")
        assert all(f.exists() for f in files) and [_digest(f) for f in files] == before, args
    assert log.exists() == pending_log


def test_report_out_equal_to_the_database(loaded):
    _data, db = loaded
    before = _digest(db)
    _fails(["report", "--year", "2026", "--db", str(db), "--out", str(db)],
           f"{db}: --out would overwrite the database {db}; choose another file")
    _fails(["report", "--year", "2026", "--db", str(db), "--out", str(db.parent / "x.pdf"),
            "--html", f"{db}.wal"],
           f"{db}.wal: --html would overwrite the database's log {db}.wal; choose another file")
    assert _digest(db) == before


def test_report_out_equal_to_an_input_file(loaded):
    data, db = loaded
    before = _digest(data / "entries.csv")
    _fails(["report", "--year", "2026", "--db", str(db), "--out", str(data / "entries.csv")],
           f"{data / 'entries.csv'}: --out would overwrite the input file "
           f"{data.resolve() / 'entries.csv'}; choose another file")
    assert _digest(data / "entries.csv") == before


def test_report_html_equal_to_out(loaded, tmp_path):
    _data, db = loaded
    out = tmp_path / "r.pdf"
    _fails(["report", "--year", "2026", "--db", str(db), "--out", str(out), "--html", str(out)],
           f"{out}: --html would overwrite --out {out}; choose another file")


def test_run_refuses_before_loading(tmp_path):
    data = write_tables(tmp_path / "data", minimal_tables())
    db = tmp_path / "r.duckdb"
    _fails(["run", str(data), "--year", "2026", "--db", str(db), "--out", str(data / "importers.csv")],
           f"{data / 'importers.csv'}: --out would overwrite the input file "
           f"{data / 'importers.csv'}; choose another file")
    assert not db.exists()


def test_exceptions_out_must_be_a_folder_outside_the_data(loaded):
    data, db = loaded
    _fails(["exceptions", "--year", "2026", "--db", str(db), "--out", str(db)],
           f"{db}: --out must be a folder (it names a file)")
    _fails(["exceptions", "--year", "2026", "--db", str(db), "--out", str(data)],
           f"{data}: --out is a loaded data folder; the next load would read the lists as data: "
           "choose another folder")
    assert sorted(p.name for p in data.iterdir()) == ["entries.csv", "entry_lines.csv", "importers.csv"]


def _refuse_writes(monkeypatch, code: int) -> None:
    real = tempfile.mkstemp

    def mkstemp(*args, **kwargs):
        if str(kwargs.get("dir", "")).endswith("outbox"):
            raise OSError(code, os.strerror(code), str(kwargs["dir"]))
        return real(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)


def test_html_into_a_read_only_folder(loaded, tmp_path, monkeypatch):
    _data, db = loaded
    (tmp_path / "outbox").mkdir()
    _refuse_writes(monkeypatch, errno.EROFS)
    html = tmp_path / "outbox" / "r.html"
    _fails(["report", "--year", "2026", "--db", str(db), "--out", str(tmp_path / "r.pdf"),
            "--html", str(html)], f"{html}: cannot write: Read-only file system")
    assert list((tmp_path / "outbox").iterdir()) == []


def test_full_disk_while_writing_the_pdf_leaves_no_part_file(loaded, tmp_path, monkeypatch):
    _data, db = loaded
    out = tmp_path / "outbox" / "r.pdf"
    out.parent.mkdir()
    import weasyprint

    def no_space(self, target=None, **kwargs):
        target.write(b"%PDF-1.7 partial")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(weasyprint.Document, "write_pdf", no_space)
    _fails(["report", "--year", "2026", "--db", str(db), "--out", str(out)],
           "disk full (No space left on device); free some space and run the command again")
    assert list(out.parent.iterdir()) == []


def test_full_disk_while_writing_exception_lists(loaded, tmp_path, monkeypatch):
    _data, db = loaded
    out = tmp_path / "lists"
    real = Path.write_bytes

    def no_space(self, data):
        if self.suffix == ".part":
            real(self, data[:10])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", no_space)
    _fails(["exceptions", "--year", "2026", "--db", str(db), "--out", str(out)],
           f"{out}: cannot write exception files (No space left on device)")
    assert list(out.iterdir()) == []


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_output_that_is_a_device_is_refused(loaded):
    _data, db = loaded
    _fails(["report", "--year", "2026", "--db", str(db), "--out", "/dev/full"],
           "/dev/full: --out names a device or pipe, not a file")
    assert Path("/dev/full").is_char_device()
