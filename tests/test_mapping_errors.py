"""An invalid mapping file is a ConfigError naming the file and the key; the CLI exits 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from customs_readiness.cli import app
from customs_readiness.errors import ConfigError
from customs_readiness.ingest import load_mapping
from customs_readiness.ingest.exports import profiles
from customs_readiness.resources import bundled_dir

VALID = """
[layout]
name = "Lines"

[entries]
entry_number = "Entry"
entry_type = "Type"
importer_number = "IOR"
entry_date = "Date"

[entry_lines]
entry_number = "Entry"
line_number = "Line"
hts_number = "HTS"
entered_value = "Value"
"""


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "my mapping.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_mapping_valid_file_parses(tmp_path):
    p = load_mapping(_write(tmp_path, VALID))
    assert p.name == "Lines" and list(p.tables) == ["entries", "entry_lines"]


@pytest.mark.parametrize(
    "text, message",
    [
        (VALID + "\n[shipments]\nx = 'y'\n", "key 'shipments': unknown key"),
        (VALID.replace('name = "Lines"', 'name = "Lines"\nheader_row = 3'), "key 'layout.header_row': unknown key"),
        (VALID.replace('entered_value = "Value"', 'entered_value = "Value"\nvalue_usd = "USD"'),
         "key 'entry_lines.value_usd': unknown column of table entry_lines"),
        (VALID.replace('entry_date = "Date"\n', ""),
         "key 'entries.entry_date': missing mapping for required column entry_date of table entries"),
        (VALID.replace('entry_date = "Date"', 'entry_date = { header = "Date", date_format = "%m/%Y" }'),
         "key 'entries.entry_date.date_format': bad date format '%m/%Y'"),
        (VALID.replace('name = "Lines"', 'name = "Lines"\ndate_format = "%Q"'),
         "key 'layout.date_format': bad date format '%Q'"),
        (VALID.replace('entry_type = "Type"', 'entry_type = { header = "Type", date_format = "%m%d%y" }'),
         "key 'entries.entry_type.date_format': column entry_type is not a date"),
        (VALID.replace('entry_type = "Type"', 'entry_type = { header = "Type", value = "01" }'),
         "key 'entries.entry_type': give exactly one of header, value or from"),
        (VALID.replace('entry_type = "Type"', 'entry_type = { heading = "Type" }'),
         "key 'entries.entry_type.heading': unknown key"),
        (VALID + 'liquidation_status = { header = "Liq", values = { "P" = "pending" } }\n',
         "key 'entry_lines.liquidation_status': unknown column"),
        (VALID.replace('entry_date = "Date"',
                       'entry_date = "Date"\nliquidation_status = { header = "Liq", values = { "P" = "pending" } }'),
         "key 'entries.liquidation_status.values': 'pending' (for 'P') is not one of: unliquidated"),
        (VALID.replace('entry_date = "Date"', 'entry_date = "Date"\nfiler_code = { from = "broker" }'),
         "key 'entries.filer_code.from': unknown column 'broker' of table entries"),
        (VALID.replace('entry_date = "Date"', 'entry_date = "Date"\nfiler_code = { from = "port_code" }'),
         "key 'entries.filer_code.from': column 'port_code' must itself be mapped"),
        (VALID.replace('entry_date = "Date"', 'entry_date = "Date"\nfiler_code = { header = "F", first_chars = 3 }'),
         "key 'entries.filer_code.first_chars': only with from"),
        (VALID.replace('entry_date = "Date"', 'entry_date = "Date"\nfiler_code = { from = "entry_number", '
                                              'first_chars = 0 }'),
         "key 'entries.filer_code.first_chars': must be a whole number from 1 to 1000"),
        (VALID.replace('entry_type = "Type"', 'entry_type = { header = "Type", extract = "([0-9]" }'),
         "key 'entries.entry_type.extract': bad regular expression"),
        (VALID.replace('entry_type = "Type"', 'entry_type = 7'), "key 'entries.entry_type': must be a header"),
        (VALID.replace('entry_type = "Type"', 'entry_type = ""'), "key 'entries.entry_type.header': empty header"),
        (VALID.replace('entry_date = "Date"', 'entry_date = "Date"\ncertification = { value = "maybe" }'),
         "key 'entries.certification.value': 'maybe' is not one of: yes, no, not_required, unknown"),
        ("[layout]\nname = 'x'\n", "the mapping maps no table"),
    ],
)
def test_mapping_error_names_file_and_key(tmp_path, text, message):
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_mapping(path)
    assert str(err.value).startswith(f"{path}: ")
    assert message in str(err.value)


def test_mapping_not_toml_is_a_config_error(tmp_path):
    path = _write(tmp_path, "[entries\nentry_number = ")
    with pytest.raises(ConfigError, match=r"my mapping\.toml: not valid TOML"):
        load_mapping(path)


def test_mapping_missing_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match=r"nope\.toml: mapping file not found"):
        profiles(tmp_path / "nope.toml")


def test_mapping_error_through_the_cli_is_one_line_and_exit_2(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    path = _write(tmp_path, VALID.replace('entry_date = "Date"\n', ""))
    result = CliRunner().invoke(app, ["load", str(data), "--db", str(tmp_path / "db.duckdb"), "--mapping", str(path)])
    assert result.exit_code == 2
    assert "missing mapping for required column entry_date" in result.output
    assert "Traceback" not in result.output


def test_mapping_shipped_files_are_valid():
    folder = bundled_dir("mappings")
    shipped = sorted(folder.glob("*.toml"))
    assert [p.name for p in shipped] == ["ace-es-003.toml", "public-broker-export-sample.toml"]
    for p in shipped:
        load_mapping(p)


def test_mapping_shipped_profiles_load_without_opening_duckdb():
    # The shipped ES-003 profile is read on every load: its DuckDB-engine checks are left
    # to test_mapping_shipped_files_are_valid, so no DuckDB is opened for them (20 ms each
    # load); a user's mapping still gets them.
    from customs_readiness.ingest import mapping
    from customs_readiness.ingest.exports import profiles

    mapping._probe.cache_clear()
    [es003] = profiles()
    assert es003.builtin and es003.tables["entries"]["entry_date"].extract  # a pattern to check
    assert mapping._probe.cache_info().misses == 0
    load_mapping(bundled_dir("mappings") / "ace-es-003.toml")
    assert mapping._probe.cache_info().misses == 1
