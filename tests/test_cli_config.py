"""The project configuration: readiness.toml found here or above (or --config), validated
strictly, command line over file over built-in default, `config` and `init`."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from customs_readiness.cli import app
from customs_readiness.config import (
    BUILT_IN,
    COMMAND_LINE,
    CONFIG_NAME,
    Config,
    find_config,
    init_project,
    load_config,
)
from customs_readiness.errors import ConfigError

from _report_fixtures import write_folder

runner = CliRunner()


def _project(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "project"
    (folder / "deep" / "er").mkdir(parents=True)
    (folder / CONFIG_NAME).write_text(text, encoding="utf-8")
    return folder


def test_cli_config_found_in_parents_and_paths_relative_to_it(tmp_path, monkeypatch):
    folder = _project(tmp_path, 'database = "db/r.duckdb"\nmetrics_dirs = "metrics"\n'
                                'organisation = " Acme Inc. "\n')
    (folder / "db").mkdir()
    (folder / "metrics").mkdir()
    monkeypatch.chdir(folder / "deep" / "er")
    assert find_config() == (folder / CONFIG_NAME).resolve()
    cfg = load_config()
    assert cfg.value("database") == folder.resolve() / "db" / "r.duckdb"
    assert cfg.value("metrics_dirs") == [folder.resolve() / "metrics"]
    assert cfg.signoff() == {"organisation": "Acme Inc.", "preparer": None, "reviewer": None}


def test_cli_config_command_line_wins_over_file_over_default(tmp_path):
    cfg = load_config(_project(tmp_path, 'database = "r.duckdb"\n') / CONFIG_NAME)
    assert cfg.setting("database", Path("x.duckdb")).source == COMMAND_LINE
    assert cfg.setting("database").source == str(cfg.path)
    assert cfg.setting("policy").source == BUILT_IN and cfg.value("policy") is None
    assert Config().setting("database").value == Path("readiness.duckdb")
    assert cfg.setting("metrics_dirs", []).source == BUILT_IN  # no --metrics-dir given


@pytest.mark.parametrize(("text", "key", "problem"), [
    ('databse = "r.duckdb"\n', "databse", "unknown key (did you mean 'database'?)"),
    ('colour = "blue"\n', "colour", "unknown key (expected one of: database, policy, "
                                    "metrics_dirs, templates, mapping, organisation, preparer, "
                                    "reviewer)"),
    ("policy = 3\n", "policy", "must be a string, got a number"),
    ('policy = "nope.toml"\n', "policy", "no such file: "),
    ('templates = "nope"\n', "templates", "no such folder: "),
    ("metrics_dirs = []\n", "metrics_dirs", "must be a folder or a list of folders"),
    ('mapping = "no-such-layout"\n', "mapping", "no shipped mapping named 'no-such-layout'"),
    ('preparer = ""\n', "preparer", "must not be empty"),
    ('reviewer = "a\\nb"\n', "reviewer", "must be one line of printable text"),
    ('database = "sub"\n', "database", "is a folder, not a database file"),
])
def test_cli_config_bad_key_or_value_is_one_line_naming_file_and_key(tmp_path, text, key,
                                                                     problem):
    folder = _project(tmp_path, text)
    (folder / "sub").mkdir()
    config = folder / CONFIG_NAME
    result = runner.invoke(app, ["--config", str(config), "metrics", "--year", "2026"])
    assert result.exit_code == 2
    (line,) = result.output.strip().splitlines()
    assert line.startswith(f"error: {config.absolute()}: key '{key}': ")
    assert problem in line


def test_cli_config_unreadable_files_are_one_line(tmp_path):
    missing = tmp_path / "nope.toml"
    result = runner.invoke(app, ["--config", str(missing), "config"])
    assert (result.exit_code, result.output.strip()) == (
        2, f"error: {missing}: configuration file not found")
    bad = tmp_path / "bad.toml"
    bad.write_text("database = \n", encoding="utf-8")
    result = runner.invoke(app, ["--config", str(bad), "config"])
    assert result.exit_code == 2
    assert result.output.startswith(f"error: {bad}: not valid TOML: ")
    assert len(result.output.strip().splitlines()) == 1


def test_cli_config_command_shows_each_value_and_its_source(tmp_path, monkeypatch):
    folder = _project(tmp_path, 'database = "r.duckdb"\nmapping = "public-broker-export-sample"\n'
                                'preparer = "J. Doe"\n')
    monkeypatch.chdir(folder / "deep")
    result = runner.invoke(app, ["config", "--policy", str(folder / CONFIG_NAME)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    config = (folder / CONFIG_NAME).resolve()
    assert lines[0] == f"configuration file: {config}"
    rows = {line.split()[0]: line for line in lines[2:]}
    assert rows["database"].split() == ["database", str(folder.resolve() / "r.duckdb"),
                                        str(config)]
    assert rows["policy"].endswith("command line")
    assert rows["mapping"].split()[1:] == ["public-broker-export-sample", str(config)]
    assert rows["preparer"].split()[1:] == ["J.", "Doe", str(config)]
    assert rows["templates"].split()[-2:] == ["built-in", "default"]


def test_cli_config_none_found(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["config"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].startswith("configuration file: none (no readiness.toml")
    assert "readiness.duckdb" in result.stdout


def test_cli_config_init_writes_a_commented_project_and_never_overwrites(tmp_path, monkeypatch):
    result = runner.invoke(app, ["init", str(tmp_path / "new")])
    assert result.exit_code == 0, result.output
    config = tmp_path / "new" / CONFIG_NAME
    assert config.is_file() and (tmp_path / "new" / "data" / "README.txt").is_file()
    text = config.read_text(encoding="utf-8")
    for key in ("database", "policy", "metrics_dirs", "templates", "mapping", "organisation",
                "preparer", "reviewer"):
        assert f"{key} = " in text
    assert load_config(config).value("database") == (tmp_path / "new" / "readiness.duckdb")
    result = runner.invoke(app, ["init", str(tmp_path / "new")])
    assert result.exit_code == 2
    assert result.output.strip() == f"error: {config}: already exists; not overwritten"
    with pytest.raises(ConfigError, match="is a file"):
        init_project(config)


def test_cli_config_drives_load_and_report_with_sign_off(tmp_path, monkeypatch):
    data = write_folder(tmp_path / "data")
    folder = tmp_path / "proj"
    assert runner.invoke(app, ["init", str(folder)]).exit_code == 0
    with (folder / CONFIG_NAME).open("a", encoding="utf-8") as fh:
        fh.write('organisation = "Acme Imports Inc."\npreparer = "J. Doe"\nreviewer = "R. Roe"\n')
    monkeypatch.chdir(folder / "data")
    result = runner.invoke(app, ["load", str(data)])
    assert result.exit_code == 0, result.output
    assert (folder / "readiness.duckdb").is_file()  # the file's database, not ./readiness.duckdb
    result = runner.invoke(app, ["report", "--year", "2026", "--out", "r.pdf"])
    assert result.exit_code == 0, result.output
    text = " ".join(p.extract_text() for p in PdfReader(str(folder / "data" / "r.pdf")).pages)
    text = " ".join(text.split())
    assert "Prepared 1 March 2027 by J. Doe, Acme Imports Inc." in text
    assert "Reviewed by R. Roe" in text
    # a command-line option still wins
    result = runner.invoke(app, ["report", "--year", "2026", "--out", "x.pdf", "--db",
                                 str(tmp_path / "none.duckdb")])
    assert result.exit_code == 2 and "none.duckdb: no such database" in result.output
