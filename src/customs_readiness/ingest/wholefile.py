"""Proving every line of a file canonical at once, by one regular expression over the
file's bytes.

The direct read (direct.py) must know that every cell of a line is canonical before it
may trust the value DuckDB's typed CSV reader gives that cell: the typed reader is lenient
(it takes ``1.5`` as the integer 2, ``0x10`` as 16 and ``1.005`` as 1.01, all silently),
where the contract refuses or normalises such cells by the full rules. Asking DuckDB's
``regexp_full_match`` line by line costs about 260 ns a call, whatever the pattern (even
``.*``): 2.6 s of CPU for 10M lines. RE2, the same engine DuckDB uses, run over blocks of
many lines with the line pattern repeated, ``(?:LINE\\r?\\n)*(?:LINE)?``, reads 10M lines
(719 MB) in about 1.2 s on one core and 0.65 s on two (the binding releases the GIL).

A file passes only when every line after the header matches: same engine and same UTF-8
mode as the line read's per-line test, and the same pattern but that a cell may also stand
in quotes (direct._line_shapes' ``quoted``), so a line of a quote-free file passes here
exactly when it would pass there, and each line of a quoted file that passes is one record
of canonical cells. Any line that does not (a cell needing the full rules, a stray quote,
a blank line, a line of the wrong number of cells) fails the whole file, which is then
read line by line (or by the CSV parser) as before; nothing is decided here about single
rows.

The file is mapped and matched in blocks of whole lines (``BLOCK``), each block's pages
let go once matched: a mapped file's pages count in the process's resident memory, which
would otherwise grow by the whole file (719 MB for 10M lines).
"""

from __future__ import annotations

import mmap
from pathlib import Path
from typing import BinaryIO

from ..speed import in_parallel

# Below this a file is checked in one piece on the calling thread (no thread to start).
SPLIT_FROM = 8 << 20
BLOCK = 16 << 20  # bytes matched at a time (cut after the block's last line end)
# RE2's memory budget for one pattern (its default is 8 MiB): the lazily built DFA of a
# contract line stays far below it; when the DFA runs out, RE2 falls back to its much
# slower NFA, so the budget is generous.
MAX_MEM = 64 << 20


def _compile(line: str):
    import re2  # google-re2 (imported only when a file is checked)

    opts = re2.Options()
    opts.max_mem = MAX_MEM
    opts.never_capture = True
    return re2.compile(f"(?:(?:{line})\\r?\\n)*(?:{line})?".encode(), opts)


def _next_line_start(fh: BinaryIO, pos: int) -> int | None:
    """Offset just after the first LF at or after ``pos``; None when there is none."""
    fh.seek(pos)
    while True:
        block = fh.read(1 << 20)
        if not block:
            return None
        at = block.find(b"\n")
        if at >= 0:
            return pos + at + 1
        pos += len(block)


def start_of_line(fh: BinaryIO, line: int) -> int | None:
    """Byte offset where line ``line`` (1 = the first) starts, counting LF line ends; None
    when the file has fewer lines."""
    pos = 0
    for _ in range(line - 1):
        pos = _next_line_start(fh, pos)
        if pos is None:
            return None
    return pos


def ranges(fh: BinaryIO, start: int, size: int, parts: int) -> list[tuple[int, int]]:
    """At most ``parts`` byte ranges covering ``[start, size)``, each but the last ending
    just after a line end."""
    bounds = [start]
    for k in range(1, parts):
        cut = _next_line_start(fh, start + (size - start) * k // parts)
        if cut is None or cut >= size:
            break
        if cut > bounds[-1]:
            bounds.append(cut)
    bounds.append(size)
    return list(zip(bounds, bounds[1:], strict=False))


def _range_matches(data: mmap.mmap, pattern, a: int, b: int) -> bool:
    """Whether the lines in bytes [a, b) of the mapped file all match: block by block, each
    block cut after its last line end, its pages let go once matched."""
    view = memoryview(data)
    try:
        pos = a
        while pos < b:
            cut = b
            if pos + BLOCK < b:
                cut = data.rfind(b"\n", pos, pos + BLOCK) + 1
                if cut <= pos:  # a line longer than a block: up to its end
                    end = data.find(b"\n", pos + BLOCK, b)
                    cut = b if end < 0 else end + 1
            if pattern.fullmatch(view[pos:cut]) is None:
                return False
            # The pages read stay in the page cache but leave this process's memory.
            first = pos - pos % mmap.PAGESIZE
            data.madvise(mmap.MADV_DONTNEED, first, cut - first)
            pos = cut
        return True
    finally:
        view.release()


def all_lines_match(path: Path, first_line: int, line: str, threads: int = 2) -> bool:
    """Whether every line of ``path`` from line ``first_line`` on (LF or CRLF line ends)
    matches the regular expression ``line`` as a whole. ``threads``: how many parts of a
    large file are matched at once."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        start = start_of_line(fh, first_line)
        if start is None:
            return False  # no LF line end before it (CR line ends, say): not proved
        if start == size:
            return True  # no line after the header: nothing to disprove
        parts = max(1, threads) if size - start >= SPLIT_FROM else 1
        todo = ranges(fh, start, size, parts)
        try:
            pattern = _compile(line)
        except ImportError:
            return False  # without google-re2 every quote-free file is read line by line
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
            results = in_parallel(_range_matches, [(data, pattern, a, b) for a, b in todo])
    return all(results)
