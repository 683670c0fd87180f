"""Domain exceptions. The CLI turns them into a one-line message and an exit code."""

from __future__ import annotations

import os


def shown(name: object) -> str:
    """A path or file name as text that can be printed and stored: bytes of a name that
    are not UTF-8 (kept by Python as surrogates) are written as ``\\xff`` escapes."""
    text = os.fspath(name) if isinstance(name, os.PathLike) else str(name)
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


class ReadinessError(Exception):
    """Base of every error the tool reports to the user as one line (exit status 2)."""

    exit_code = 2


class DataFileError(ReadinessError):
    """A data file cannot be used at all: unreadable, binary, wrong table, missing column.

    The message names the file, the problem and, where there is one, the column.
    """

    def __init__(self, file: str, problem: str, column: str | None = None, row: int | None = None):
        self.file, self.problem, self.column, self.row = shown(file), problem, column, row
        where = self.file
        if row is not None:
            where += f", row {row}"
        if column:
            where += f", column '{column}'"
        super().__init__(f"{where}: {problem}")


class WorkbookError(ReadinessError):
    """A workbook the tool wrote and reads back (an audit worksheet, a remediation register)
    that cannot be used; the message names file, sheet, row and column."""

    def __init__(self, file: str, sheet: str, problem: str, row: int | None = None,
                 column: str | None = None):
        self.file, self.sheet, self.row, self.column = file, sheet, row, column
        where = f"{file}, sheet '{sheet}'"
        if row is not None:
            where += f", row {row}"
        if column:
            where += f", column '{column}'"
        super().__init__(f"{where}: {problem}")


class ConfigError(ReadinessError):
    """A policy, mapping or metric-header file is invalid; the message names file and key."""


class CheckFailed(ReadinessError):
    """A check the user asked to fail on did fail (exit status 1)."""

    exit_code = 1


VALUE_CHARS = 60  # a value quoted in an error message is cut to this many characters


def shown_value(value: str) -> str:
    """A value from the data as an error message quotes it: cut to ``VALUE_CHARS``
    characters and written as a Python string literal, so control characters, bidi
    overrides and quotes print as escapes, never as themselves."""
    cut = len(value) > VALUE_CHARS
    text = repr(value[:VALUE_CHARS])
    return f"{text}… ({len(value):,} characters)" if cut else text


def row_error(row: int, column: str | None, value: str | None, reason: str) -> str:
    """One refused row as the summaries print it: ``row 4, closed_on '31/12/2026': not a
    date`` (the column and the value when known)."""
    where = f"row {row}"
    if column:
        where += f", {column}"
    if value is not None:
        where += f" {shown_value(value)}"
    return f"{where}: {reason}"
