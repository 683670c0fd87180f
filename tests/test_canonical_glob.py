"""The GLOB forms of the canonical cell shapes (normalize.shape_test) accept exactly the
cells the regular expressions accept: every character of ASCII alone, at either end and in
the middle of a valid cell, and random text (Hypothesis) including line breaks, NUL-free
control characters and non-ASCII letters. A GLOB that accepted one cell too many would
insert it by a plain cast instead of the full rules."""

from __future__ import annotations

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from customs_readiness import schema as s
from customs_readiness.ingest.normalize import _CANONICAL, _GLOB, shape_test

KINDS = sorted([*_GLOB, s.IDENT, s.TEXT])
VALID = {  # one cell of each shape
    s.ENTRY_NUMBER: "ABC12345671", s.FILER_CODE: "K37", s.HTS: "8471300100", s.COUNTRY: "CN",
    s.PORT: "2704", s.ENTRY_TYPE: "01", s.BOND_TYPE: "8", s.DATE: "2026-06-03",
    s.IDENT: "12-3456789AB", s.TEXT: "Acme & Sons",
}


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect()
    yield c
    c.close()


def disagreements(con, kind: str, cells: list[str]) -> list[tuple[str, bool, bool]]:
    shape = _CANONICAL[kind]
    rows = con.execute(
        f"select x, regexp_full_match(x, $shape), {shape_test(kind, 'x', shape)} "
        "from (select unnest($cells) as x)", {"shape": shape, "cells": cells}).fetchall()
    return [r for r in rows if r[1] != r[2]]


def _probes(kind: str) -> list[str]:
    valid = VALID[kind]
    chars = [chr(i) for i in range(1, 128)] + ["é", "ß", "€", "\u2028", "日"]
    out = ["", " ", valid, f" {valid}", f"{valid} ", valid.lower(), valid + valid]
    for c in chars:
        out += [c, c * 3, c + valid, valid + c, valid[:1] + c + valid[1:], valid[:-1] + c,
                c + valid[1:], f"{c} {c}"]
    return out


@pytest.mark.parametrize("kind", KINDS)
def test_every_ascii_character_everywhere(con, kind):
    assert disagreements(con, kind, _probes(kind)) == []


@pytest.mark.parametrize("kind", KINDS)
def test_the_valid_example_is_accepted_and_the_glob_is_used(con, kind):
    test = shape_test(kind, "x", _CANONICAL[kind])
    assert "glob" in test and "regexp" not in test
    assert con.execute(f"select {test} from (select $v as x)", {"v": VALID[kind]}).fetchone()[0]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(KINDS), st.lists(st.text(st.characters(min_codepoint=1, max_codepoint=0x2FFF),
                                                max_size=14), min_size=1, max_size=40))
def test_random_text(kind, cells):
    c = duckdb.connect()
    try:
        assert disagreements(c, kind, cells) == []
    finally:
        c.close()


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_cells_of_the_shape_and_their_neighbours(data):
    # cells the regular expression accepts, then one character changed, added or dropped
    kind = data.draw(st.sampled_from(KINDS))
    good = data.draw(st.from_regex(_CANONICAL[kind], fullmatch=True).filter(lambda t: "\x00" not in t))
    i = data.draw(st.integers(0, len(good)))
    c = data.draw(st.characters(min_codepoint=1, max_codepoint=0x2FFF))
    cells = [good, good[:i] + c + good[i:], good[:i] + good[i + 1:], good[:i] + c + good[i + 1:]]
    con = duckdb.connect()
    try:
        assert disagreements(con, kind, cells) == []
    finally:
        con.close()
