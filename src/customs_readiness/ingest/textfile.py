"""Text (CSV) files read byte for byte, independently of DuckDB's CSV reader.

Three jobs, each over the whole file, never a sample of it:

- **encoding**: UTF-8 (with or without BOM), UTF-16 with a BOM (Excel's "Unicode text"),
  otherwise Windows-1252 (the superset of Latin-1 that Windows spreadsheets write; its five
  unassigned bytes read as Latin-1). A file that is UTF-8 except for a few bad bytes stays
  UTF-8: those records are refused by the parser, row by row.
- **records**: a streaming count of the file's records that follows the CSV grammar the
  loader gives DuckDB (a field that starts with ``"`` is quoted until the closing ``"``,
  ``""`` inside it is one quote, CR, LF and CRLF end a record outside quotes). It also
  finds the empty records (their numbers keep row numbers physical), an opening quote that
  is never closed, a NUL byte, and whether a quoted field holds a line break (DuckDB's
  reader must then read the file on one thread: csvread.csv_reader). The loader compares
  the count with what the parser read, so a record the parser swallowed or dropped stops
  the load instead of vanishing.
- **transcoding** a file that is not UTF-8, or whose lines end in both CRLF and LF (which
  DuckDB's reader refuses), into a UTF-8 copy with LF line ends in the temp folder, which
  the reader reads and the loader deletes at once.

A file larger than 1 MiB is counted chunk by chunk by numpy (line breaks, and the parity of
the quotes before each); a file whose quotes do not all sit at field boundaries (an inch
mark: ``5" pipe``) is counted again by the exact state machine, which is slower but only
meets such files, and so are small files (no numpy import for them). A table file with
quotes whose every line the loader's whole-file proof shows to be one record is counted,
from the first line end found outside quotes after its first chunk, by its line ends
alone (``_Counter._trust``).
"""

from __future__ import annotations

import codecs
import mmap
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

CHUNK = 1 << 20
SMALL = 1 << 20  # up to this size a file is counted by the exact state machine at once
NUMPY_FROM = 48 << 20  # text in a load from which numpy counts faster than its import costs
UTF8, UTF16, CP1252 = "utf-8", "utf-16", "windows-1252"
_BOMS = {codecs.BOM_UTF8: UTF8, codecs.BOM_UTF16_LE: UTF16, codecs.BOM_UTF16_BE: UTF16}
# A UTF-8 sequence of two to four bytes (as the standard allows them): a file holding one
# is a UTF-8 file, even when some other bytes are not.
_UTF8_MULTI = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)


def add_blank(runs: list[tuple[int, int]], first: int, n: int) -> None:
    """Add ``n`` empty records from number ``first`` to ``runs``, extending the last run."""
    if runs and runs[-1][0] + runs[-1][1] == first:
        runs[-1] = (runs[-1][0], runs[-1][1] + n)
    else:
        runs.append((first, n))


def _latin1_fallback(err: UnicodeDecodeError) -> tuple[str, int]:
    # Windows-1252 leaves 0x81, 0x8D, 0x8F, 0x90 and 0x9D unassigned; read them as Latin-1.
    return err.object[err.start:err.end].decode("latin-1"), err.end


codecs.register_error("readiness-latin-1", _latin1_fallback)


@dataclass
class Records:
    """The records of a text file as the CSV grammar splits them."""

    count: int = 0  # records of the file, empty ones included; record 1 is the first line
    # The empty records as runs (number of the first, how many): a file of a million
    # blank lines costs one pair, not a million numbers.
    blank: list[tuple[int, int]] = field(default_factory=list)
    open_quote: int | None = None  # record in which a quote opens that never closes
    swallowed: int = 0  # with open_quote: line breaks after that quote (a last one aside)
    nul: int | None = None  # first record holding a NUL byte (binary data)
    mixed_line_ends: bool = False  # two of CRLF, LF and CR end lines
    quoted: bool = False  # a quote character anywhere (else every line is one record)
    multiline: bool = False  # a line break inside a quoted field (a record over several lines)


@dataclass
class TextScan:
    """One pass over a text file: encoding and records (its SHA-256 is computed apart,
    staging.file_digest, with its size)."""

    encoding: str  # UTF8 (also for a file with a few bad bytes), UTF16 or CP1252
    valid_utf8: bool  # every byte sequence is UTF-8 (with UTF8)
    records: Records | None  # None for UTF-16: counted on the transcoded copy


def bom_encoding(head: bytes) -> tuple[str | None, int]:
    """(encoding, BOM length) told by a byte-order mark, or (None, 0)."""
    for bom, enc in _BOMS.items():
        if head.startswith(bom):
            return enc, len(bom)
    return None, 0


def looks_utf16(head: bytes) -> bool:
    """UTF-16 without a BOM: NUL in every other byte of mostly-ASCII text."""
    if len(head) < 4:
        return False
    even, odd = head[0::2], head[1::2]
    n = min(len(even), len(odd))
    return max(even.count(0), odd.count(0)) > 0.4 * n and min(even.count(0), odd.count(0)) < 0.05 * n


def scan(path: Path, delimiter: str, use_numpy: bool = True,
         proved_from: Callable[[], int | None] | None = None) -> TextScan:
    """Encoding and records of ``path`` in one pass (records: see ``count_records``). No
    digest: the loader hashes every file after every scan, so that a file's direct read
    waits for its records only.

    A file up to ``SMALL`` bytes is counted by the exact state machine at once; a larger one
    chunk by chunk. ``use_numpy``: plain chunks (no quotes) by numpy, 15 ms for 70 MB, where
    ``bytes.count`` and ``in`` take 150 ms; numpy's import costs about 100 ms, so the loader
    asks for it on large loads only (``NUMPY_FROM``). ``proved_from``: asked (and waited
    for) at the first chunk with a quote after the first chunk; the byte offset from which
    every line of the file is proved to be one record of cells without a line break
    (direct.prove), or None. The lines from there on are then counted as plain lines
    (_Counter.trusted).
    """
    counter: _Counter | None = (_Counter(delimiter, use_numpy, proved_from)
                                if path.stat().st_size > SMALL else None)
    parts: list[bytes] = []
    decoder = codecs.getincrementaldecoder("utf-8")()
    valid, pending = True, False
    carry = b""
    with path.open("rb") as fh:
        first = True
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            if first:
                first = False
                encoding, skip = bom_encoding(chunk)
                if encoding == UTF16 or (encoding is None and looks_utf16(chunk[:4096])):
                    return TextScan(UTF16, False, None)
                chunk = chunk[skip:]
                if counter is not None:
                    counter.base = skip
            if valid and (pending or not chunk.isascii()):
                try:
                    decoder.decode(chunk)
                    pending = decoder.getstate()[0] != b""
                except UnicodeDecodeError:
                    valid = False
            if counter is not None:
                carry = counter.feed(carry + chunk)
            else:
                parts.append(chunk)
    if valid and pending:
        valid = False  # the file ends inside a multi-byte character
    if counter is not None:
        counter.feed(carry, final=True)
        records = counter.result()
        if records is None:  # quotes inside fields: the exact (slower) count
            records = count_records(path, delimiter)
    else:
        records = _exact(b"".join(parts), 0, delimiter.encode())
    enc = UTF8 if valid or _has_utf8_sequences(path) else CP1252
    return TextScan(enc, valid, records)


def count_records(path: Path, delimiter: str) -> Records:
    """The records of a UTF-8 (or single-byte encoded) file, by the exact state machine."""
    size = path.stat().st_size
    if size == 0:
        return Records()
    with path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        start = len(codecs.BOM_UTF8) if mm[:3] == codecs.BOM_UTF8 else 0
        return _exact(mm, start, delimiter.encode())


def _has_utf8_sequences(path: Path) -> bool:
    with path.open("rb") as fh:
        tail = b""
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            if _UTF8_MULTI.search(tail + chunk):
                return True
            tail = chunk[-3:]
    return False


def transcode(path: Path, encoding: str, line_ends: bool = False) -> Path:
    """A UTF-8 copy of ``path`` (read as ``encoding``) in the temp folder; the caller
    deletes it. ``line_ends``: every CRLF and CR becomes LF (DuckDB's reader refuses a file
    that mixes them). Raises UnicodeDecodeError for UTF-16 that is not."""
    if encoding == UTF16:
        codec, errors = "utf-16", "strict"
    elif encoding == CP1252:
        codec, errors = "cp1252", "readiness-latin-1"
    else:  # UTF-8, keeping any bad byte as it is (the parser refuses its record)
        codec, errors = "utf-8-sig", "surrogateescape"
    fd, name = tempfile.mkstemp(prefix="readiness-", suffix=".csv")
    try:
        with os.fdopen(fd, "wb") as out, path.open("rb") as fh:
            if encoding == UTF16 and not bom_encoding(fh.read(2))[0]:
                codec = "utf-16-le"  # Excel's byte order
            fh.seek(0)
            decoder = codecs.getincrementaldecoder(codec)(errors)
            held = ""
            for chunk in iter(lambda: fh.read(CHUNK), b""):
                text = held + decoder.decode(chunk)
                held = ""
                if line_ends:
                    if text.endswith("\r"):
                        text, held = text[:-1], "\r"
                    text = text.replace("\r\n", "\n").replace("\r", "\n")
                out.write(text.encode("utf-8", "surrogateescape"))
            text = held + decoder.decode(b"", final=True)
            if line_ends:
                text = text.replace("\r\n", "\n").replace("\r", "\n")
            out.write(text.encode("utf-8", "surrogateescape"))
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


# ---------------------------------------------------------------- the fast counter


class _Counter:
    """Counts records chunk by chunk. Exact while every quote sits at a field boundary
    (opens after a delimiter or line break, closes before one); otherwise ``result()`` is
    None and the caller counts again with the exact state machine. With ``proved_from``
    (see ``scan``), the proved lines are counted by their line ends (``_trust``)."""

    def __init__(self, delimiter: str, use_numpy: bool = True,
                 proved_from: Callable[[], int | None] | None = None):
        self.delim = ord(delimiter)
        self.use_numpy = use_numpy
        # Trusting the proof (_trust): None until asked, then whether every line from here
        # on is one record, counted as a plain line. A file quoted throughout otherwise
        # costs numpy every quote's place (0.3 s of CPU per 1M lines) to count its records.
        self.proved_from = proved_from
        self.trusted: bool | None = None if proved_from is not None else False
        self._from: int | None = None  # what proved_from gave
        self.base = 0  # bytes before the first one fed (a BOM)
        self.counted = 0  # bytes counted so far
        self.records = 0
        self.blank: list[tuple[int, int]] = []
        self.in_quote = False
        self.quote_record = 0  # record where the open quote opened
        self.lines = 0  # line breaks so far, inside quotes or not
        self.ends = [0, 0, 0]  # line breaks so far by kind: CRLF, LF alone, CR alone
        self.quote_lines = 0  # line breaks before the open quote
        self.at_start = True  # nothing of the current record seen yet
        self.prev = -1  # last byte fed (-1: start of file)
        self.irregular = False
        self.nul: int | None = None
        self.quoted = False
        self.multiline = False
        self._lf = self._pair = None  # numpy buffers of _plain_numpy, reused
        self._boundary = None  # bytes a quote may follow or precede (_regular)

    def feed(self, chunk: bytes, final: bool = False) -> bytes:
        """Count ``chunk``; returns the bytes held back for the next call (a trailing CR
        or quote, whose meaning depends on the next byte)."""
        if self.irregular or not chunk:
            return b""
        hold = b""
        if not final and chunk[-1:] in (b"\r", b'"'):
            chunk, hold = chunk[:-1], chunk[-1:]
            if not chunk:
                return hold
        if self.nul is None and b"\x00" in chunk:
            self.nul = self.lines + 1 + self._terms_before(chunk, chunk.index(b"\x00"))
        quoted = b'"' in chunk
        self.quoted = self.quoted or quoted
        if quoted and self.trusted is None and self.counted:
            rest = self._trust(chunk)
            if rest is not chunk:  # (its first line counted: is the rest still quoted?)
                chunk, quoted = rest, b'"' in rest
        if self.trusted:
            self._lines(chunk)
        elif chunk and not self.irregular:
            self._count(chunk, quoted, final)
        self.counted += len(chunk)
        return hold

    def _count(self, chunk: bytes, quoted: bool, final: bool) -> None:
        if not self.in_quote and not quoted:
            plain = self._plain_numpy if self.use_numpy else self._plain_bytes
            if plain(chunk):
                return
        self._numpy(chunk, final)

    def _trust(self, chunk: bytes) -> bytes:
        """Whether to count the rest of the file as plain lines: asks ``proved_from`` once
        (waiting for the proof), then, once the chunk's first line end lies in the proved
        lines, counts the chunk up to it as before and trusts the proof from there when
        that line end ends a record (it does, unless the proof and this count disagree).
        Returns the part of ``chunk`` left to count."""
        if self._from is None:  # (trusted is None: there is a proof to ask)
            self._from = self.proved_from()
            if self._from is None:
                self.trusted = False
                return chunk
        cut = chunk.find(b"\n") + 1
        if not cut or self.base + self.counted + cut < self._from:
            return chunk  # (a header longer than a chunk: the next chunk asks again)
        self._count(chunk[:cut], b'"' in chunk[:cut], False)
        self.counted += cut
        self.trusted = not (self.irregular or self.in_quote or not self.at_start)
        return chunk[cut:]

    def _lines(self, chunk: bytes) -> None:
        """Count a chunk of proved lines: each line end (LF or CRLF: a proved line holds
        no CR of its own, and no empty line) ends one record."""
        if not chunk:
            return
        if self.use_numpy:
            import numpy as np

            terms = int(np.count_nonzero(self._line_feeds(chunk)))
        else:
            terms = chunk.count(b"\n")
        self._plain_done(chunk, terms, chunk.count(b"\r\n") if b"\r" in chunk else 0)

    def _line_feeds(self, chunk: bytes):
        """Where ``chunk``'s bytes are LF (a numpy mask), in a buffer kept from chunk to
        chunk: a fresh 1 MiB array per chunk costs its page faults, which took most of the
        plain count's time (10M lines: 0.5 -> 0.1 s)."""
        import numpy as np

        n = len(chunk)
        if self._lf is None or len(self._lf) < n:
            self._lf, self._pair = np.empty(n, np.bool_), np.empty(n, np.bool_)
        return np.equal(np.frombuffer(chunk, np.uint8), 10, out=self._lf[:n])

    def _plain_numpy(self, chunk: bytes) -> bool:
        """Count a chunk without quotes and CRs and return True, unless it holds an empty
        record (then the general count finds where)."""
        if b"\r" in chunk:
            return False
        import numpy as np

        n = len(chunk)
        lf, pair = self._line_feeds(chunk), self._pair[:n - 1]
        if (self.at_start and lf[0]) or (n > 1 and np.logical_and(lf[1:], lf[:-1], out=pair).any()):
            return False
        terms = int(np.count_nonzero(lf))
        self._plain_done(chunk, terms, 0)
        return True

    def _plain_bytes(self, chunk: bytes) -> bool:
        """The same without numpy (for smaller loads, which its import would cost more than
        it saves): LF or CRLF line ends, no lone CR, no empty record."""
        if self.at_start and chunk[0] in (10, 13):
            return False
        lf = chunk.count(b"\n")
        crlf = 0
        if b"\r" in chunk:
            crlf = chunk.count(b"\r\n")
            if chunk.count(b"\r") != crlf or b"\n\r\n" in chunk:
                return False
        if b"\n\n" in chunk:
            return False
        self._plain_done(chunk, lf, crlf)
        return True

    def _plain_done(self, chunk: bytes, terms: int, crlf: int) -> None:
        self.records += terms
        self.lines += terms
        self.ends[0] += crlf
        self.ends[1] += terms - crlf
        self.at_start = chunk[-1] == 10
        self.prev = chunk[-1]

    def _count_ends(self, crlf: int, lf: int, cr: int) -> None:
        self.ends[0] += crlf
        self.ends[1] += lf - crlf
        self.ends[2] += cr - crlf

    def _terms_before(self, chunk: bytes, pos: int) -> int:
        part = chunk[:pos]
        return part.count(b"\n") + part.count(b"\r") - part.count(b"\r\n")

    def _numpy(self, chunk: bytes, final: bool) -> None:
        import numpy as np

        a = np.frombuffer(chunk, np.uint8)
        n = len(a)
        start = 1 if self.in_quote else 0
        quotes = np.flatnonzero(a == 34)
        lf = np.flatnonzero(a == 10)
        cr = np.flatnonzero(a == 13) if b"\r" in chunk else lf[:0]
        if cr.size:
            after = np.minimum(cr + 1, n - 1)
            cr = cr[(cr + 1 >= n) | (a[after] != 10)]
        terms = raw_terms = np.union1d(lf, cr) if cr.size else lf
        if quotes.size and not self._regular(a, quotes, start, final):
            self.irregular = True
            return
        lines_before, records_before = self.lines, self.records
        self.lines += int(terms.size)
        crlf = int(np.count_nonzero(a[lf[lf > 0] - 1] == 13)) if lf.size else 0
        self._count_ends(crlf, int(lf.size), int(cr.size) + crlf)
        if quotes.size or start:
            # A line break is inside quotes when an odd number of quotes precede it.
            terms = terms[((np.searchsorted(quotes, terms) + start) & 1) == 0]
            self.multiline = self.multiline or terms.size < raw_terms.size
        # Content of record i ends where its terminator starts (before the CR of a CRLF).
        crlf = (a[terms] == 10) & (terms > 0) & (a[np.maximum(terms - 1, 0)] == 13)
        t_start = terms - crlf
        r_start = np.empty_like(terms)
        if terms.size:
            r_start[0] = 0
            r_start[1:] = terms[:-1] + 1
            empty = t_start == r_start
            if not self.at_start:
                empty[0] = False
            found = np.flatnonzero(empty) + (self.records + 1)
            if found.size:
                # runs of consecutive numbers: where the step is not 1, a new run starts
                cuts = np.flatnonzero(np.diff(found) != 1) + 1
                for run in np.split(found, cuts):
                    add_blank(self.blank, int(run[0]), int(run.size))
        if quotes.size:
            # Where the last quoted field opened (reported if the file ends inside it): at
            # the last opening quote that does not follow a quote (after a quote it is the
            # second half of a "" inside the field).
            # Only the last such quote counts: nearly always the last opening quote itself,
            # tested alone before all of them are (1M lines quoted throughout: the scan of
            # the entries 0.14 -> 0.05 s).
            opening = quotes[start::2]
            last = None
            if opening.size:
                at = int(opening[-1])
                if (a[at - 1] if at else self.prev) != 34:
                    last = at
                else:
                    before = a[np.maximum(opening - 1, 0)]
                    starts = opening[(before != 34) | (opening == 0) & (self.prev != 34)]
                    last = int(starts[-1]) if starts.size else None
            if last is not None:
                self.quote_record = records_before + 1 + int(np.searchsorted(terms, last))
                self.quote_lines = lines_before + int(np.searchsorted(raw_terms, last))
        self.records += int(terms.size)
        self.in_quote = bool((start + quotes.size) & 1)
        self.at_start = bool(terms[-1] == n - 1) if terms.size else False
        self.prev = int(a[-1])

    def _regular(self, a, quotes, start: int, final: bool) -> bool:
        """Every opening quote follows a delimiter, a line break, the start of the file or
        a closing quote (``""``); every closing quote precedes a delimiter, a line break, a
        quote or the end of the file."""
        import numpy as np

        if self._boundary is None:
            self._boundary = np.zeros(256, np.bool_)
            self._boundary[[self.delim, 10, 13, 34]] = True
        boundary = self._boundary
        # Quotes alternate opening and closing; ``start``: the chunk begins inside quotes.
        # (A byte table, not np.isin, and indexes of uint8 bytes only: the start and the
        # end of the file are tested apart. 1M lines quoted throughout: scan 1.9 -> 0.6 s.)
        opening, closing = quotes[start::2], quotes[1 - start::2]
        if opening.size:
            first = bool(opening[0] == 0)  # the byte before it is the previous chunk's
            if first and self.prev != -1 and not boundary[self.prev]:
                return False
            if not boundary[a[opening[int(first):] - 1]].all():
                return False
        if closing.size:
            # a quote that ends the chunk: the file's end (final), else held back by feed
            last = bool(closing[-1] == len(a) - 1)
            if not boundary[a[closing[:closing.size - int(last)] + 1]].all():
                return False
        return True

    def result(self) -> Records | None:
        if self.irregular:
            return None
        count = self.records + (0 if self.at_start else 1)
        mixed = sum(1 for n in self.ends if n) > 1
        if not self.in_quote:
            return Records(count, self.blank, None, 0, self.nul, mixed, self.quoted, self.multiline)
        swallowed = self.lines - self.quote_lines - (1 if self.prev in (10, 13) else 0)
        return Records(count, self.blank, self.quote_record, swallowed, self.nul, mixed, True,
                       swallowed > 0 or self.multiline)


# ---------------------------------------------------------------- the exact state machine


def _exact(data, start: int, delim: bytes) -> Records:
    """Records of ``data`` (bytes or mmap) from offset ``start``, one step per quote or
    line break: a quote opens a quoted field only where a field starts (after a delimiter
    or a line break), as DuckDB's reader does; elsewhere it is a character of the field."""
    token = re.compile(rb'"|\r\n|\r|\n')
    closing = re.compile(rb'"(?!")|""')
    out = Records()
    out.quoted = data.find(b'"', start) != -1
    n = len(data)
    nul = data.find(b"\x00", start)
    rec_start = start  # first byte of the current record
    pos = start
    while pos < n:
        m = token.search(data, pos)
        if m is None:
            break
        tok, p = m.group(), m.start()
        if tok == b'"':
            before = data[p - 1:p] if p > start else b""
            if before in (b"", delim, b"\n", b"\r"):
                # A quoted field: skip to its closing quote ("" is a quote inside it).
                q = p + 1
                while True:
                    c = closing.search(data, q)
                    if c is None:
                        out.open_quote = out.count + 1
                        rest = data[p:]
                        out.swallowed = (rest.count(b"\n") + rest.count(b"\r") - rest.count(b"\r\n")
                                         - (1 if rest[-1:] in (b"\n", b"\r") else 0))
                        _finish_nul(out, data, nul, start)
                        out.mixed_line_ends = _mixed(data, start)
                        out.count += 1
                        out.multiline = out.swallowed > 0
                        return out
                    if c.group() == b'""':
                        q = c.end()
                        continue
                    pos = c.end()
                    if not out.multiline:  # (found in place: no copy of the field)
                        out.multiline = data.find(b"\n", p, pos) != -1 or data.find(b"\r", p, pos) != -1
                    break
            else:
                pos = p + 1
            continue
        out.count += 1
        if p == rec_start:
            add_blank(out.blank, out.count, 1)
        pos = m.end()
        rec_start = pos
    if rec_start < n:
        out.count += 1
    _finish_nul(out, data, nul, start)
    out.mixed_line_ends = _mixed(data, start)
    return out


def _mixed(data, start: int) -> bool:
    part = data[start:]
    crlf = part.count(b"\r\n")
    return sum(1 for n in (crlf, part.count(b"\n") - crlf, part.count(b"\r") - crlf) if n) > 1


def _finish_nul(out: Records, data, nul: int, start: int) -> None:
    if nul >= 0:
        part = data[start:nul]
        out.nul = 1 + part.count(b"\n") + part.count(b"\r") - part.count(b"\r\n")
