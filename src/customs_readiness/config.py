"""The project configuration: ``readiness.toml``, validated strictly.

A project keeps the settings it would otherwise repeat on every command in one file::

    database = "readiness.duckdb"        # paths are relative to this file's folder
    policy = "policy.toml"
    metrics_dirs = ["metrics"]
    templates = "templates"
    mapping = "public-broker-export-sample"   # a mapping file, or a shipped mapping's name
    organisation = "Acme Imports Inc."
    preparer = "J. Doe, Trade Compliance"
    reviewer = "R. Roe, General Counsel"

The file is ``--config FILE``, else the first ``readiness.toml`` in the working folder or
one of its parents. Each setting in force comes from the command line if given there, else
from the file, else from the built-in default (``Config.setting`` says which). Every
problem is a ConfigError of one line naming the file and the key. This module reads no data
and imports nothing heavier than ``tomllib``, so every command can afford it.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError

CONFIG_NAME = "readiness.toml"
DEFAULT_DATABASE = "readiness.duckdb"

COMMAND_LINE = "command line"
BUILT_IN = "built-in default"

# key -> (kind, what it is, the built-in default as shown by `readiness config`)
KEYS: dict[str, tuple[str, str, str]] = {
    "database": ("database", "DuckDB database file", DEFAULT_DATABASE),
    "policy": ("file", "policy file overriding the policy defaults", "the policy defaults"),
    "metrics_dirs": ("folders", "folders of your own metric SQL files", "none"),
    "templates": ("folder", "report templates searched before the built-in ones", "none"),
    "mapping": ("mapping", "mapping file or shipped mapping name for an export layout",
                "none (table files and ACE ES-003 exports)"),
    "organisation": ("text", "organisation named on the report's cover", "none"),
    "preparer": ("text", "who prepared the report (sign-off)", "none"),
    "reviewer": ("text", "who reviewed the report (sign-off)", "none"),
}
SIGNOFF_KEYS = ("organisation", "preparer", "reviewer")
_TEXT_MAX = 200


@dataclass(frozen=True)
class Setting:
    """One setting in force: its value (None: the built-in default) and where it came from."""

    key: str
    value: Any
    source: str  # COMMAND_LINE, the configuration file's path, or BUILT_IN

    @property
    def shown(self) -> str:
        """The value as `readiness config` prints it."""
        if self.value is None or self.value == []:
            return KEYS[self.key][2]
        if isinstance(self.value, list):
            return ", ".join(str(v) for v in self.value)
        return str(self.value)


@dataclass(frozen=True)
class Config:
    """A validated configuration file (``path`` None: no file found, every value built in).
    ``values`` holds only the keys the file sets, paths already resolved against its folder."""

    path: Path | None = None
    values: dict[str, Any] = field(default_factory=dict)

    def setting(self, key: str, given: Any = None) -> Setting:
        """The setting of ``key`` in force: ``given`` on the command line (None or an empty
        list: not given) wins over the file, which wins over the built-in default."""
        if key not in KEYS:
            raise KeyError(key)
        if given is not None and given != [] and given != ():
            return Setting(key, list(given) if isinstance(given, (list, tuple)) else given,
                           COMMAND_LINE)
        if key in self.values:
            return Setting(key, self.values[key], str(self.path))
        if key == "database":
            return Setting(key, Path(DEFAULT_DATABASE), BUILT_IN)
        return Setting(key, [] if KEYS[key][0] == "folders" else None, BUILT_IN)

    def value(self, key: str, given: Any = None) -> Any:
        """The value of ``key`` in force (see ``setting``)."""
        return self.setting(key, given).value

    def signoff(self) -> dict[str, str | None]:
        """Organisation, preparer and reviewer for the report's sign-off block."""
        return {k: self.values.get(k) for k in SIGNOFF_KEYS}


def find_config(start: Path | None = None) -> Path | None:
    """The first ``readiness.toml`` in ``start`` (default: the working folder) or a parent."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


def load_config(path: Path | str | None = None, *, start: Path | None = None) -> Config:
    """Read and validate the configuration: ``path`` if given (it must exist), else the one
    ``find_config`` finds, else an empty Config (every value built in).

    Raises ConfigError (one line naming the file and, where there is one, the key).
    """
    if path is None:
        path = find_config(start)
        if path is None:
            return Config()
    path = Path(path)
    if path.is_dir():
        raise ConfigError(f"{path}: is a folder, not a configuration file "
                          f"(give {path / CONFIG_NAME})")
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: configuration file not found") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read configuration file "
                          f"({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: configuration file is not UTF-8 text") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return parse_config(data, path)


def parse_config(data: dict[str, Any], path: Path) -> Config:
    """Validate parsed TOML ``data`` of configuration file ``path``; relative paths are
    resolved against the file's folder."""
    path = Path(path).absolute()
    folder = path.parent

    def fail(key: str, problem: str) -> ConfigError:
        return ConfigError(f"{path}: key '{key}': {problem}")

    values: dict[str, Any] = {}
    for key, raw in data.items():
        if key not in KEYS:
            close = difflib.get_close_matches(key, KEYS, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"expected one of: {', '.join(KEYS)}"
            raise fail(key, f"unknown key ({hint})")
        kind = KEYS[key][0]
        values[key] = _CHECKS[kind](raw, folder, lambda problem, k=key: fail(k, problem))
    return Config(path, values)


# ------------------------------------------------------------------------- value checks

Fail = Callable[[str], ConfigError]


def _text(raw: Any, fail: Fail) -> str:
    if not isinstance(raw, str):
        raise fail(f"must be a string, got {_toml_type(raw)}")
    text = raw.strip()
    if not text:
        raise fail("must not be empty")
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise fail("must be one line of printable text")
    if len(text) > _TEXT_MAX:
        raise fail(f"too long ({len(text)} characters; at most {_TEXT_MAX})")
    return text


def _path(raw: Any, folder: Path, fail: Fail) -> Path:
    text = _text(raw, fail)
    p = Path(text).expanduser()
    return p if p.is_absolute() else folder / p


def _check_database(raw: Any, folder: Path, fail: Fail) -> Path:
    p = _path(raw, folder, fail)
    if p.is_dir():
        raise fail(f"{p} is a folder, not a database file")
    if not p.parent.is_dir():
        raise fail(f"folder {p.parent} does not exist")
    return p


def _check_file(raw: Any, folder: Path, fail: Fail) -> Path:
    p = _path(raw, folder, fail)
    if not p.is_file():
        raise fail(f"no such file: {p}")
    return p


def _check_folder(raw: Any, folder: Path, fail: Fail) -> Path:
    p = _path(raw, folder, fail)
    if not p.is_dir():
        raise fail(f"no such folder: {p}")
    return p


def _check_folders(raw: Any, folder: Path, fail: Fail) -> list[Path]:
    items = [raw] if isinstance(raw, str) else raw
    if not isinstance(items, list) or not items:
        raise fail("must be a folder or a list of folders")
    return [_check_folder(item, folder, fail) for item in items]


def _check_mapping(raw: Any, folder: Path, fail: Fail) -> Path | str:
    """A mapping file (relative to the configuration's folder) or a shipped mapping's name
    (a bare name such as "public-broker-export-sample"; `readiness mappings` lists them)."""
    text = _text(raw, fail)
    p = _path(text, folder, fail)
    if p.is_file():
        return p
    bare = "/" not in text and "\\" not in text
    if bare:
        from .resources import bundled_dir

        shipped = bundled_dir("mappings")
        if any((shipped / name).is_file() for name in (text, f"{text}.toml")):
            return text
        raise fail(f"no such mapping file ({p}) and no shipped mapping named '{text}' "
                   "(`readiness mappings` lists them)")
    raise fail(f"no such mapping file: {p}")


def _check_text(raw: Any, _folder: Path, fail: Fail) -> str:
    return _text(raw, fail)


_CHECKS: dict[str, Callable[[Any, Path, Fail], Any]] = {
    "database": _check_database,
    "file": _check_file,
    "folder": _check_folder,
    "folders": _check_folders,
    "mapping": _check_mapping,
    "text": _check_text,
}


def _toml_type(value: Any) -> str:
    names = {bool: "a boolean", int: "a number", float: "a number", list: "a list",
             dict: "a table"}
    return names.get(type(value), type(value).__name__)


# ------------------------------------------------------------------------- readiness init

TEMPLATE = '''\
# readiness.toml: the settings of this project, read by every `readiness` command run in
# this folder or below it (or given with `readiness --config FILE`). A command-line option
# wins over this file; `readiness config` shows each setting in force and where it came
# from. Paths are relative to this file's folder.

# The DuckDB database `readiness load` writes and the other commands read.
database = "readiness.duckdb"

# A policy file overriding any subset of the policy defaults (docs/metrics.md).
# policy = "policy.toml"

# Folders of your own metric SQL files (docs/metrics.md, "user metrics").
# metrics_dirs = ["metrics"]

# Report templates searched before the built-in ones (docs/report.md).
# templates = "templates"

# The layout of a broker or ERP export: a mapping file, or the name of a shipped mapping
# (`readiness mappings` lists them; docs/exports.md).
# mapping = "public-broker-export-sample"

# Named on the report's cover and in its sign-off block.
# organisation = "Example Importer Inc."
# preparer = "Name, Trade Compliance"
# reviewer = "Name, General Counsel"
'''

DATA_README = '''\
One folder per year of records, each holding one file per table (CSV, Parquet or XLSX):
importers, entries, entry_lines, brokers, penalties, disposals; or an ACE ES-003 export
(docs/data-contract.md, docs/exports.md). For example:

    data/2025/entries.csv ...
    data/2026/entries.csv ...

then:

    readiness load data/2025
    readiness run data/2026 --year 2026

`readiness sample --out data/2026` writes a synthetic year to try the tool on.
'''


def init_project(folder: Path | str) -> list[Path]:
    """Write a commented ``readiness.toml`` and an empty data folder (with a README) in
    ``folder`` (created if missing). Returns the paths written.

    Raises ConfigError when ``folder`` already holds a readiness.toml (it is never
    overwritten) or cannot be written.
    """
    folder = Path(folder)
    config = folder / CONFIG_NAME
    if config.exists():
        raise ConfigError(f"{config}: already exists; not overwritten")
    if folder.exists() and not folder.is_dir():
        raise ConfigError(f"{folder}: is a file, not a folder")
    written = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with config.open("x", encoding="utf-8", newline="\n") as fh:
            fh.write(TEMPLATE)
        written.append(config)
        data = folder / "data"
        data.mkdir(exist_ok=True)
        readme = data / "README.txt"
        if not readme.exists():
            readme.write_text(DATA_README, encoding="utf-8", newline="\n")
            written.append(readme)
    except OSError as exc:
        raise ConfigError(f"{folder}: cannot write the project files "
                          f"({exc.strerror or exc})") from None
    return written
