"""The whole-file proof (ingest/wholefile.py): every line after the header matches the
line pattern, or the file is not proved. Checked on hand-written files, split in one
part and in several (a large file is matched in parts on threads)."""

from __future__ import annotations

import builtins
import io
from pathlib import Path

import pytest

from customs_readiness.db import connect
from customs_readiness.ingest import load_folder, wholefile

# Two cells: a number, then a column the contract does not know (anything but the
# delimiter, a quote or a line end), as direct._line_shapes writes them.
LINE = r'[0-9]{1,9}\x2c[^\x2c"\r\n]*'


@pytest.fixture(params=[1, 3], ids=["one part", "three parts"])
def parts(request, monkeypatch) -> int:
    monkeypatch.setattr(wholefile, "SPLIT_FROM", 0)  # split even a small file
    return request.param


def _proved(tmp_path: Path, data: bytes, parts: int, first_line: int = 2) -> bool:
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    return wholefile.all_lines_match(path, first_line, LINE, parts)


@pytest.mark.parametrize("data", [
    b"n,x\n1,a\n22,\n333,b c\n",
    b"n,x\r\n1,a\r\n22,\r\n333,b c\r\n",
    b"n,x\n1,a\n22,\n333,b c",  # no line end after the last line
    b"n,x\n",  # the header alone
    b"\xef\xbb\xbfn,x\n1,\xc3\xa9t\xc3\xa9\n2,x\n",  # a BOM on the header, UTF-8 text
], ids=["LF", "CRLF", "no last line end", "header only", "BOM and UTF-8"])
def test_files_whose_every_line_matches_are_proved(tmp_path, parts, data):
    assert _proved(tmp_path, data, parts)


@pytest.mark.parametrize("data", [
    b"n,x\n1,a\nx,b\n3,c\n",  # a cell that is not a number
    b"n,x\n1,a\n2,b\n3,c\n4,d\n5,e\n6,\"f\"\n",  # a quote, in the last part
    b"n,x\n1,a\n\n3,c\n",  # a blank line
    b"n,x\n1,a\n2\n3,c\n",  # a line a cell short: the unknown column never spans a line end
    b"n,x\n1,a,b\n",  # a cell more
    b"n,x\r1,a\r2,b\r",  # CR line ends
    b"n,x",  # no line after the header's: nothing proved
    b"",
], ids=["not a number", "quote", "blank line", "cell short", "cell more", "CR", "no line end",
        "empty file"])
def test_one_line_that_does_not_match_leaves_the_file_unproved(tmp_path, parts, data):
    assert not _proved(tmp_path, data, parts)


def test_a_bad_line_in_any_part_is_found(tmp_path, monkeypatch):
    monkeypatch.setattr(wholefile, "SPLIT_FROM", 0)
    lines = [f"{i},cell {i}" for i in range(3000)]
    for bad in (0, 1500, 2999):
        data = lines.copy()
        data[bad] = f"{bad},a\"quote"
        assert not _proved(tmp_path, ("n,x\n" + "\n".join(data) + "\n").encode(), 4)
    assert _proved(tmp_path, ("n,x\n" + "\n".join(lines) + "\n").encode(), 4)


def test_parts_end_at_line_ends_and_cover_the_data():
    data = b"h\n" + b"".join(b"%d,x\n" % i for i in range(100))
    parts = wholefile.ranges(io.BytesIO(data), 2, len(data), 4)
    assert len(parts) == 4 and parts[0][0] == 2 and parts[-1][1] == len(data)
    assert all(a == b for (_, a), (b, _) in zip(parts, parts[1:], strict=False))
    assert all(data[b - 1:b] == b"\n" for _, b in parts)
    # one long line cannot be split: one part
    long = b"h\n" + b"1," + b"x" * 1000
    assert wholefile.ranges(io.BytesIO(long), 2, len(long), 4) == [(2, 1004)]


def test_blocks_end_at_line_ends_and_a_line_longer_than_a_block_is_matched_whole(tmp_path, monkeypatch):
    # Blocks of 64 bytes: most cut after their last line end, and the line of 300 bytes
    # is matched in one piece; a bad line is found in any block.
    monkeypatch.setattr(wholefile, "BLOCK", 64)
    lines = [f"{i},cell {i}" for i in range(200)]
    lines[100] = "100," + "y" * 300
    assert _proved(tmp_path, ("n,x\n" + "\n".join(lines) + "\n").encode(), 1)
    for bad in (3, 100, 199):
        spoiled = lines.copy()
        spoiled[bad] = spoiled[bad] + '"'
        assert not _proved(tmp_path, ("n,x\n" + "\n".join(spoiled) + "\n").encode(), 1)


def test_start_of_line_counts_lf_line_ends():
    assert wholefile.start_of_line(io.BytesIO(b"a\nb\r\nc"), 1) == 0
    assert wholefile.start_of_line(io.BytesIO(b"a\nb\r\nc"), 3) == 5
    assert wholefile.start_of_line(io.BytesIO(b"a\nb"), 3) is None


def test_without_re2_no_file_is_proved_and_the_load_reads_line_by_line(tmp_path, monkeypatch, reads):
    # google-re2 missing (a platform without its wheel): nothing is proved, and the direct
    # read takes the file line by line, loading the same rows.
    real_import = builtins.__import__

    def no_re2(name, *args, **kwargs):
        if name == "re2":
            raise ImportError("no re2 here")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_re2)
    assert not _proved(tmp_path, b"n,x\n1,a\n", 1)
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "importers.csv").write_text("importer_number,importer_name\n12-3456789AB,Acme\n")
    (folder / "entries.csv").write_text("entry_number,entry_type,importer_number,entry_date\n"
                                        "ABC12345671,01,12-3456789AB,2026-01-15\n")
    con = connect(tmp_path / "t.duckdb")
    load_folder(con, folder)
    assert reads["entries.csv"] == "line"
    assert con.execute("select entry_number, _row from entries").fetchall() == [("ABC12345671", 2)]
    con.close()
