"""Proving every line of a file canonical at once, by one regular expression over the
file's bytes.

The direct read (direct.py) must know that every cell of a line is canonical before it
may trust the value DuckDB's typed CSV reader gives that cell: the typed reader is lenient
(it takes ``1.5`` as the integer 2, ``0x10`` as 16 and ``1.005`` as 1.01, all silently),
where the contract refuses or normalises such cells by the full rules. Asking DuckDB's
``regexp_full_match`` line by line costs about 260 ns a call, whatever the pattern (even
``.*``): 2.6 s of CPU for 10M lines. RE2, the same engine DuckDB uses, run once over a
whole chunk of the file with the line pattern repeated, ``(?:LINE\\r?\\n)*(?:LINE)?``,
reads 10M lines (719 MB) in 1.2 s on one core and in about 0.65 s on two (the binding
releases the GIL).

A file passes only when every line after the header matches: same engine, same pattern
and same UTF-8 mode as the line read's per-line test, so a line passes here exactly when
it would pass there. Any line that does not (a cell needing the full rules, a quote, a
blank line, a line of the wrong number of cells) fails the whole file, which is then read
line by line as before; nothing is decided here about single rows.
"""

from __future__ import annotations

import mmap
import threading
from pathlib import Path

# Below this a file is checked in one piece on the calling thread (no thread to start).
SPLIT_FROM = 8 << 20
# RE2's memory budget for one pattern (its default is 8 MiB): the lazily built DFA of a
# contract line stays far below it; when the DFA runs out, RE2 falls back to its much
# slower NFA, so the budget is generous.
MAX_MEM = 64 << 20


def _compile(line: str):
    import re2  # google-re2 (imported only for a file large enough to be checked)

    opts = re2.Options()
    opts.max_mem = MAX_MEM
    opts.never_capture = True
    return re2.compile(f"(?:(?:{line})\\r?\\n)*(?:{line})?".encode(), opts)


def start_of_line(data, line: int) -> int | None:
    """Byte offset where line ``line`` (1 = the first) starts, counting LF line ends; None
    when the file has fewer lines."""
    pos = 0
    for _ in range(line - 1):
        end = data.find(b"\n", pos)
        if end < 0:
            return None
        pos = end + 1
    return pos


def chunks(data, start: int, parts: int) -> list[tuple[int, int]]:
    """``parts`` byte ranges covering ``data[start:]``, each ending after a line end (the
    last at the end of the data); fewer when the lines are too long to split."""
    bounds, size = [start], len(data)
    for k in range(1, parts):
        cut = data.find(b"\n", start + (size - start) * k // parts)
        if cut < 0 or cut + 1 <= bounds[-1]:
            continue
        bounds.append(cut + 1)
    bounds.append(size)
    return [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a] or [(start, size)]


def all_lines_match(path: Path, first_line: int, line: str, threads: int = 2) -> bool:
    """Whether every line of ``path`` from line ``first_line`` on (LF or CRLF line ends)
    matches the regular expression ``line`` as a whole. ``threads``: how many parts of a
    large file are matched at once."""
    with path.open("rb") as fh:
        if path.stat().st_size == 0:
            return False  # nothing to map (and no line to prove)
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
            start = start_of_line(data, first_line)
            if start is None:
                return False  # no LF line end before it (CR line ends, say): not proved
            pattern = _compile(line)
            parts = max(1, threads) if len(data) - start >= SPLIT_FROM else 1
            ranges = chunks(data, start, parts)
            view = memoryview(data)
            try:
                results = [False] * len(ranges)

                def check(k: int) -> None:
                    a, b = ranges[k]
                    results[k] = pattern.fullmatch(view[a:b]) is not None

                workers = [threading.Thread(target=check, args=(k,)) for k in range(1, len(ranges))]
                for w in workers:
                    w.start()
                check(0)
                for w in workers:
                    w.join()
                return all(results)
            finally:
                view.release()
