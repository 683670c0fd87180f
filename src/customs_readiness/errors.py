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


class ConfigError(ReadinessError):
    """A policy, mapping or metric-header file is invalid; the message names file and key."""


class CheckFailed(ReadinessError):
    """A check the user asked to fail on did fail (exit status 1)."""

    exit_code = 1
