"""The policy: every choice the metric catalog leaves to the user, in one validated TOML file.

The defaults ship as ``policy_default.toml`` inside the package. A user file given with
``--policy FILE`` overrides any subset of them; ``thresholds`` and ``weights`` merge per metric
and per key. Unknown keys and values of the wrong type are ``ConfigError``s naming the file and
the key. Numbers are read as exact ``Decimal`` (TOML floats never become binary floats here).
"""

from __future__ import annotations

import copy
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .schema import CTPAT_TIERS

DEFAULT_POLICY_NAME = "policy_default.toml"
# The order's broker route as published ("licensed", the default) and the stricter reading
# reported by secondary sources; version 1's names are still accepted.
BROKER_CONDITIONS = ("licensed", "ctpat_validated_broker")
_BROKER_ALIASES = {"loose": "licensed", "strict": "ctpat_validated_broker"}
CASE_KINDS = ("penalty", "liquidated_damages")
THRESHOLD_KEYS = ("green", "amber")

# Top-level keys and the check applied to each value (None for the two tables).
_SCALAR_KEYS = (
    "version",
    "fiscal_year_start_month",
    "informal_entry_types",
    "ctpat_validated_tiers",
    "broker_condition",
    "penalty_floor",
    "repeat_offender_window_years",
    "repeat_offender_min_cases",
    "floor_applies_to",
)
_TABLE_KEYS = ("thresholds", "weights", "score_bands", "effective_on")
NUMBER_MAX = 10**15  # any threshold or weight: amounts have at most 16 integer digits


@dataclass(frozen=True)
class Policy:
    """Validated policy values. ``values`` holds every key (including ``version``)."""

    values: dict[str, Any]
    version: str
    source: str = "default"
    overridden: tuple[str, ...] = field(default=())

    # Convenience accessors used by the metric runner.
    @property
    def fiscal_year_start_month(self) -> int:
        return self.values["fiscal_year_start_month"]

    @property
    def penalty_floor(self) -> Decimal:
        return self.values["penalty_floor"]

    def effective_on(self, metric_id: str) -> date:
        """The day the order's provision behind ``metric_id`` applies from (its own date in
        ``effective_on``, else ``effective_on.default``)."""
        dates = self.values["effective_on"]
        return dates.get(metric_id, dates["default"])

    def weight(self, metric_id: str) -> Decimal:
        """Weight of a control metric in the readiness score (1 when the policy names none)."""
        return self.values["weights"].get(metric_id, Decimal(1))

    def lookup(self, dotted: str) -> Any:
        """Value at a dotted key path such as ``thresholds.psc_rate.green``; KeyError if absent."""
        node: Any = self.values
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                raise KeyError(dotted)
            node = node[part]
        return node

    def as_dict(self) -> dict[str, Any]:
        """The policy as plain data (for JSON output and storage): every value plus its source."""
        out = copy.deepcopy(self.values)
        out["source"] = self.source
        return out


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: policy file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read policy file ({exc})") from None
    try:
        return tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML ({exc})") from None
    except RecursionError:
        raise ConfigError(f"{path}: invalid TOML (nested too deeply)") from None


def _number(name: str, key: str, value: Any) -> Decimal:
    # bool is an int subclass in Python; a threshold of `true` is a mistake, not 1.
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise ConfigError(f"{name}: key '{key}' must be a number, got {value!r}")
    if isinstance(value, Decimal) and not value.is_finite():
        raise ConfigError(f"{name}: key '{key}' must be a finite number, got {value!r}")
    if (value.copy_abs() if isinstance(value, Decimal) else abs(value)) > NUMBER_MAX:
        # (1e999999999 is finite, but overflows the exact arithmetic of statuses and score)
        raise ConfigError(f"{name}: key '{key}' is out of range (at most {NUMBER_MAX:,} in size)")
    return Decimal(value)


def _integer(name: str, key: str, value: Any, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{name}: key '{key}' must be a whole number, got {value!r}")
    if value < low or (high is not None and value > high):
        limit = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise ConfigError(f"{name}: key '{key}' must be {limit}, got {value}")
    return value


def _string_list(name: str, key: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{name}: key '{key}' must be a list of strings, got {value!r}")
    return list(value)


def _check_scalar(name: str, key: str, value: Any) -> Any:
    """Validate one top-level scalar value; return it normalised."""
    if key == "version":
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{name}: key 'version' must be a non-empty string, got {value!r}")
        return value
    if key == "fiscal_year_start_month":
        return _integer(name, key, value, 1, 12)
    if key == "informal_entry_types":
        types = _string_list(name, key, value)
        for t in types:
            if len(t) != 2 or not t.isdigit():
                raise ConfigError(f"{name}: key '{key}' holds {t!r}, not a 2-digit entry type")
        return types
    if key == "ctpat_validated_tiers":
        tiers = _string_list(name, key, value)
        for t in tiers:
            if t not in CTPAT_TIERS:
                raise ConfigError(
                    f"{name}: key '{key}' holds {t!r}; known tiers: {', '.join(CTPAT_TIERS)}"
                )
        return tiers
    if key == "broker_condition":
        value = _BROKER_ALIASES.get(value, value) if isinstance(value, str) else value
        if value not in BROKER_CONDITIONS:
            raise ConfigError(f"{name}: key '{key}' must be 'licensed' or "
                              f"'ctpat_validated_broker', got {value!r}")
        return value
    if key == "floor_applies_to":
        kinds = _string_list(name, key, value)
        for k in kinds:
            if k not in CASE_KINDS:
                raise ConfigError(f"{name}: key '{key}' holds {k!r}; case kinds: "
                                  f"{', '.join(CASE_KINDS)}")
        return kinds
    if key == "penalty_floor":
        floor = _number(name, key, value)
        if not Decimal(0) <= floor <= Decimal(1):
            raise ConfigError(f"{name}: key '{key}' must be between 0 and 1, got {floor}")
        return floor
    if key == "repeat_offender_window_years":
        return _integer(name, key, value, 1, 100)
    if key == "repeat_offender_min_cases":
        return _integer(name, key, value, 1)
    raise ConfigError(f"{name}: unknown key '{key}'")  # pragma: no cover - guarded by caller


def _check_thresholds(name: str, table: Any) -> dict[str, dict[str, Decimal]]:
    if not isinstance(table, dict):
        raise ConfigError(f"{name}: key 'thresholds' must be a table")
    out: dict[str, dict[str, Decimal]] = {}
    for metric_id, entry in table.items():
        if not isinstance(entry, dict):
            raise ConfigError(
                f"{name}: key 'thresholds.{metric_id}' must be a table such as "
                "{ green = 0.99, amber = 0.95 }"
            )
        out[metric_id] = {}
        for k, v in entry.items():
            if k not in THRESHOLD_KEYS:
                raise ConfigError(f"{name}: unknown key 'thresholds.{metric_id}.{k}'")
            out[metric_id][k] = _number(name, f"thresholds.{metric_id}.{k}", v)
    return out


def _check_weights(name: str, table: Any) -> dict[str, Decimal]:
    if not isinstance(table, dict):
        raise ConfigError(f"{name}: key 'weights' must be a table")
    out: dict[str, Decimal] = {}
    for metric_id, v in table.items():
        w = _number(name, f"weights.{metric_id}", v)
        if w < 0:
            raise ConfigError(f"{name}: key 'weights.{metric_id}' must not be negative, got {w}")
        out[metric_id] = w
    return out


def _check_score_bands(name: str, table: Any) -> dict[str, Decimal]:
    if not isinstance(table, dict):
        raise ConfigError(f"{name}: key 'score_bands' must be a table such as "
                          "{ green = 90, amber = 70 }")
    out: dict[str, Decimal] = {}
    for k, v in table.items():
        if k not in THRESHOLD_KEYS:
            raise ConfigError(f"{name}: unknown key 'score_bands.{k}'")
        band = _number(name, f"score_bands.{k}", v)
        if not Decimal(0) <= band <= Decimal(100):
            raise ConfigError(f"{name}: key 'score_bands.{k}' must be between 0 and 100, got {band}")
        out[k] = band
    return out


def _check_effective_on(name: str, table: Any) -> dict[str, date]:
    if not isinstance(table, dict):
        raise ConfigError(f"{name}: key 'effective_on' must be a table such as "
                          "{ default = 2026-06-03, certification_rate = 2026-09-01 }")
    out: dict[str, date] = {}
    for k, v in table.items():
        if isinstance(v, str):
            try:
                v = date.fromisoformat(v)
            except ValueError:
                raise ConfigError(f"{name}: key 'effective_on.{k}' must be a date "
                                  f"(YYYY-MM-DD), got {v!r}") from None
        if isinstance(v, datetime) or not isinstance(v, date):
            raise ConfigError(f"{name}: key 'effective_on.{k}' must be a date (YYYY-MM-DD), "
                              f"got {v!r}")
        out[k] = v
    return out


def _validate(name: str, raw: dict[str, Any], *, require_all: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key in _SCALAR_KEYS:
            out[key] = _check_scalar(name, key, value)
        elif key == "thresholds":
            out[key] = _check_thresholds(name, value)
        elif key == "weights":
            out[key] = _check_weights(name, value)
        elif key == "score_bands":
            out[key] = _check_score_bands(name, value)
        elif key == "effective_on":
            out[key] = _check_effective_on(name, value)
        else:
            raise ConfigError(f"{name}: unknown key '{key}'")
    if require_all:
        missing = [k for k in (*_SCALAR_KEYS, *_TABLE_KEYS) if k not in out]
        if missing:
            raise ConfigError(f"{name}: missing key '{missing[0]}'")
    return out


def default_policy_path() -> Path:
    """Path of the policy defaults shipped inside the package."""
    return Path(str(resources.files("customs_readiness") / DEFAULT_POLICY_NAME))


def load_policy(path: Path | str | None = None) -> Policy:
    """Load the shipped defaults, overridden by ``path`` when given.

    Returns a ``Policy``. Raises ``ConfigError`` naming the file and the key for an unknown
    key, a value of the wrong type or out of range, or a file that is not valid TOML.
    """
    default_path = default_policy_path()
    values = _validate(DEFAULT_POLICY_NAME, _read_toml(default_path), require_all=True)
    if path is None:
        return Policy(values=values, version=values["version"], source="default")

    path = Path(path)
    overrides = _validate(str(path), _read_toml(path), require_all=False)
    merged = copy.deepcopy(values)
    for key, value in overrides.items():
        if key == "thresholds":
            for metric_id, entry in value.items():
                merged["thresholds"].setdefault(metric_id, {}).update(entry)
        elif key in ("weights", "score_bands", "effective_on"):
            merged[key].update(value)
        else:
            merged[key] = value
    if "version" not in overrides:
        # a modified policy must not pass for the shipped one
        merged["version"] = f"{values['version']}+{path.name}"
    if "default" not in merged["effective_on"]:
        raise ConfigError(f"{path}: key 'effective_on' needs a 'default' date")
    bands = merged["score_bands"]
    if bands["amber"] > bands["green"]:
        raise ConfigError(f"{path}: key 'score_bands.amber' ({bands['amber']}) must not be above "
                          f"'score_bands.green' ({bands['green']})")
    for metric_id, entry in merged["thresholds"].items():
        if "green" not in entry:
            raise ConfigError(f"{path}: key 'thresholds.{metric_id}' needs a 'green' value")
    return Policy(
        values=merged,
        version=merged["version"],
        source=str(path),
        overridden=tuple(sorted(overrides)),
    )
