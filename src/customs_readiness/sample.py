"""Deterministic synthetic data: one year of a fictional importer group's customs records.

``generate(out_dir, year=..., entries=..., seed=...)`` writes the six files of the data
contract (importers, brokers, entries, entry_lines, penalties, disposals) as CSV or
Parquet. The data looks like a real group's year and carries a sprinkling of every
control's violations, so each section of the report has something to show:

- The **registry** (importers, brokers) is a fixed, hand-written group: the same importer
  numbers and filer codes for every year and seed, so several years load into one
  database. It has domestic IORs (EIN-style numbers), foreign IORs (CBP-assigned
  numbers), IORs of unknown status, importers not in good standing, and brokers of each
  kind (CTPAT-validated licensed, licensed only, a self-filer, a suspended and a revoked
  licence). Entries also name two importer numbers missing from the registry.
- **Entries and lines** are drawn with numpy, vectorised, in chunks of ``CHUNK_ENTRIES``
  entries, each chunk from its own random stream ``SeedSequence([seed, year, chunk])``,
  so memory stays bounded and the same (seed, year, entries) gives byte-identical
  files. Entries of the first chunk are scripted: one of each entry-level control
  violation, so even a tiny sample shows every kind. In a year across the order's
  effective date (``EFFECTIVE_ON``, 2026-06-03) each is placed on both sides of it (one on
  the day before and one on the day itself); entries before it follow the weaker
  pre-order certification profile.
- **Penalties and disposals** are a few dozen to a few thousand cases whose first rows
  are scripted to cover every kind, statute, culpability, status, action and
  disposition and every situation of catalog version 2 (cases closed or paid after the
  period's end, on its last day and the day after, cancelled and pending cases of would-be
  repeat offenders, broker cases, prior-disclosure and partial-amount 1592 cases, an
  expedited disposal before the order); the rest are random. They name entries of the
  first chunk. Statuses, payments, ``closed_on`` and dispositions are as known on the
  day the files were exported (31 January of the next year).

Money is drawn as integer cents and written as exact DECIMAL(18,2) (plain decimals with
two places in CSV); no binary float is ever written. Dates are ISO.
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa

from .errors import ReadinessError
from .schema import TABLES

FORMATS = ("csv", "parquet")
DEFAULT_YEAR = 2026
DEFAULT_ENTRIES = 2000
DEFAULT_SEED = 14411
# Entries per chunk: about 750k entry-line rows, a few hundred MB at most in flight.
CHUNK_ENTRIES = 250_000
MAX_ENTRIES = 20_000_000
# The day Executive Order 14411 was signed: the default effective date of its provisions
# (catalog version 2). Entries before it follow the weaker, pre-order compliance profile
# (certification, disclosure, corrections), and only disposals opened on or after it are
# expedited under the order (but for one scripted data-quality finding).
EFFECTIVE_ON = dt.date(2026, 6, 3)

_EPOCH = dt.date(1970, 1, 1)


class SampleError(ReadinessError):
    """The sample generator was asked for something it cannot make."""


# --------------------------------------------------------------------------------------
# The registry: a fixed group (same numbers every year and seed)
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Broker:
    filer_code: str
    name: str
    license_number: str | None
    license_status: str | None
    ctpat_validated: bool | None
    ctpat_validated_on: str | None


BROKERS: tuple[_Broker, ...] = (
    _Broker("A74", "Atlas Customs Brokerage LLC", "23519", "active", True, "2017-05-02"),
    _Broker("K37", "Keystone Trade Services Inc.", "31877", "active", True, "2020-11-10"),
    _Broker("E05", "Express Courier Brokerage Corp.", "22051", "active", True, "2019-08-21"),
    _Broker("M58", "Meridian Brokerage Group", "28410", "active", False, None),
    _Broker("P22", "Pacific Rim Customs House Brokers", "19304", None, False, None),
    _Broker("HVB", "Halvorsen Brands Inc. (self-filer)", None, None, None, None),
    _Broker("S40", "Summit Customs Brokers", "30198", "suspended", True, "2018-03-15"),
    _Broker("R91", "Redline Clearance Co.", "26633", "revoked", False, None),
)
_B = {b.filer_code: i for i, b in enumerate(BROKERS)}

# Entry-type profiles: probabilities over ENTRY_TYPES.
ENTRY_TYPES = ("01", "02", "03", "06", "11", "12", "21", "22", "23", "31", "32", "34")
INFORMAL_TYPES = ("11", "12")
_TYPE_PROFILES: dict[str, dict[str, float]] = {
    # A large domestic importer: mostly consumption entries, some AD/CVD, FTZ, warehouse.
    "standard": {"01": 82, "02": 0.5, "03": 3.5, "06": 1.5, "11": 5, "12": 0.3, "21": 2,
                 "22": 0.5, "23": 1, "31": 3, "32": 0.5, "34": 0.2},
    "warehouse": {"01": 62, "03": 2, "11": 3, "21": 13, "22": 1, "23": 1, "31": 16, "32": 1,
                  "34": 1},
    "retail": {"01": 75, "03": 1, "06": 2, "11": 18, "12": 1, "23": 1, "31": 2},
    "foreign": {"01": 95, "03": 2, "06": 1, "11": 1.2, "23": 0.8},
    "courier_foreign": {"01": 58, "11": 40, "12": 2},
    "individual": {"01": 25, "11": 75},
}


@dataclass(frozen=True)
class _Importer:
    number: str
    name: str
    country: str | None
    us: str  # us_organized, us_physical_presence, us_assets_sufficient, us_controlling_owner: T/F/-
    foreign_ior: bool | None
    ctpat_tier: str | None
    ctpat_validated_on: str | None
    bond_permitted: bool | None
    good_standing: str | None
    # How the importer trades (not written to the registry file):
    weight: float  # share of the group's entries
    profile: str  # entry-type profile
    brokers: dict[str, float]  # filer code -> share of its entries
    p_bond8: float  # share of formal entries on a continuous bond
    registered: bool = True  # False: appears on entries but missing from importers file
    origin_bias: dict[str, float] = field(default_factory=dict)  # country -> extra weight


IMPORTERS: tuple[_Importer, ...] = (
    # Domestic IORs (IRS numbers NN-NNNNNNNXX).
    _Importer("36-417285900", "Halvorsen Brands Inc.", "US", "TTTT", False, "tier_3",
              "2019-03-12", None, "good", 30, "standard",
              {"A74": 70, "HVB": 25, "M58": 5}, 0.98),
    _Importer("36-417285901", "Halvorsen Home & Garden LLC", "US", "TTTT", None, "tier_2",
              "2021-06-01", None, "good", 18, "warehouse", {"A74": 60, "K37": 35, "P22": 5}, 0.97),
    _Importer("27-193846500", "Halvorsen Apparel Group LLC", "US", "TTTT", None, "tier_1",
              "2022-09-30", None, "good", 14, "retail", {"K37": 55, "E05": 30, "M58": 15}, 0.95),
    _Importer("46-552019300", "Halvorsen Electronics Distribution Inc.", "US", "TTTT", None,
              "tier_2", "2023-09-20", None, "good", 10, "standard", {"A74": 80, "S40": 20}, 0.97),
    _Importer("81-209374600", "Northbay Outdoor Supply Co.", "US", "TTTT", None, "none", None,
              None, "good", 8, "standard", {"P22": 60, "M58": 30, "R91": 10}, 0.9),
    _Importer("38-331047200", "Cedar Point Toys LLC", "US", "TTTT", None, "none", None, None,
              "not_good", 2, "retail", {"M58": 70, "R91": 30}, 0.9),
    _Importer("20-884173600", "Meridian Kitchenware Inc.", "US", "TTTT", None, "suspended", None,
              None, "suspended_debarred", 0.8, "standard", {"P22": 100}, 0.9),
    _Importer("900-55-0142", "Dana R. Okafor (sole proprietor)", "US", "TTTT", None, None, None,
              None, "good", 0.4, "individual", {"E05": 80, "P22": 20}, 0.5),
    # Foreign IORs (CBP-assigned numbers YYDDPP-NNNNN).
    _Importer("192704-40512", "Halvorsen Trading (Shenzhen) Co., Ltd.", "CN", "FFFT", None,
              "tier_2", "2024-02-14", True, "good", 6, "foreign", {"A74": 90, "K37": 10}, 0.97,
              origin_bias={"CN": 3.0}),
    _Importer("211001-10877", "Halvorsen Europe GmbH", "DE", "FTTT", None, "none", None, False,
              "good", 4, "foreign", {"K37": 85, "M58": 15}, 0.04, origin_bias={"DE": 2.0}),
    _Importer("222301-00419", "Halvorsen de México, S. de R.L. de C.V.", "MX", "FFFF", None,
              "tier_2", "2026-05-15", None, "good", 3, "foreign", {"K37": 85, "P22": 15}, 0.05,
              origin_bias={"MX": 4.0}),
    _Importer("233001-20931", "Kowloon Gift Partners Ltd.", "HK", "----", True, "none", None,
              False, "good", 1.5, "courier_foreign", {"E05": 80, "P22": 20}, 0.1),
    _Importer("180901-00781", "Sakura Precision K.K.", "JP", "FFTF", None, "tier_3",
              "2020-01-20", True, "good", 2, "foreign", {"A74": 100}, 0.95,
              origin_bias={"JP": 3.0}),
    # Unknown status: no test false, at least one empty.
    _Importer("47-391826500", "Blue Harbor Imports LLC", "US", "TT--", None, "none", None, None,
              "good", 1.6, "standard", {"P22": 70, "A74": 30}, 0.9),
    _Importer("84-112773000", "Pinecrest Merchandise Corp.", None, "----", None, None, None,
              None, None, 0.8, "retail", {"M58": 100}, 0.8),
    # On entries but missing from the registry (unknown status).
    _Importer("55-778104200", "", None, "----", None, None, None, None, None, 0.35, "standard",
              {"P22": 100}, 0.8, registered=False),
    _Importer("201801-33017", "", None, "----", None, None, None, None, None, 0.25, "foreign",
              {"M58": 100}, 0.5, registered=False),
)
_I = {imp.number: i for i, imp in enumerate(IMPORTERS)}

# Ports: code, share of ocean/air/land entries, kind ("vessel" pays HMF).
_PORTS = (
    ("2704", 20, "vessel"), ("2709", 18, "vessel"), ("1001", 9, "vessel"),
    ("4601", 5, "vessel"), ("5301", 7, "vessel"), ("1703", 8, "vessel"), ("3001", 4, "vessel"),
    ("1401", 4, "vessel"), ("1601", 4, "vessel"), ("2720", 4, "air"), ("4701", 5, "air"),
    ("3901", 3, "air"), ("5206", 2, "air"), ("2304", 5, "land"), ("2402", 1.5, "land"),
    ("3801", 1.5, "land"),
)
_AIR_PORTS = [i for i, p in enumerate(_PORTS) if p[2] == "air"]
_LAND_PORTS = [i for i, p in enumerate(_PORTS) if p[2] == "land"]

# Countries of origin (share of lines) and the MIDs' city syllables.
_ORIGINS = (
    ("CN", 30, "SHE GUA NIN XIA DON SHA YIW TIA"),
    ("VN", 12, "HOC HAN HAI BIN DAN"),
    ("MX", 8, "MON TIJ GUA JUA LEO"),
    ("IN", 6, "MUM CHE TIR DEL LUD"),
    ("DE", 6, "STU MUN HAM KOL DUS"),
    ("TW", 5, "TAI KAO TAC HSI"),
    ("JP", 5, "OSA NAG TOK YOK"),
    ("KR", 4, "BUS SEO INC ULS"),
    ("TH", 4, "BAN CHO RAY"),
    ("IT", 3, "MIL TOR BOL PRA"),
    ("CA", 3, "TOR MON VAN WIN"),
    ("BD", 2, "DHA CHI GAZ"),
    ("ID", 2, "JAK SUR BAN"),
    ("MY", 2, "PEN KUA JOH"),
    ("TR", 2, "IST IZM BUR"),
    ("PL", 1.5, "WAR LOD POZ"),
    ("FR", 1.5, "LYO PAR LIL"),
    ("GB", 1.5, "LEE BIR MAN"),
    ("KH", 1, "PHN SIH"),
    ("PK", 1, "KAR SIA LAH"),
)
_NAME_SYLLABLES = (
    "SHE", "ELE", "GLO", "HUA", "JIN", "TEC", "PRE", "SUN", "GRE", "BRI", "ORI", "UNI", "NOV",
    "STA", "ROY", "GOL", "PAC", "MAS", "EAS", "HOM", "LUX", "FIN", "ACE", "DRA", "WIN", "ZHE",
    "ALP", "OME",
)

# HTS chapters of the group's trade: chapter, share, typical general duty rates (basis points).
_CHAPTERS = (
    ("84", 15, (0, 0, 170, 260, 380)), ("85", 15, (0, 0, 260, 340, 390)),
    ("94", 10, (0, 0, 0, 390)), ("39", 7, (300, 530, 650)), ("61", 6, (1200, 1600, 2820, 3200)),
    ("62", 6, (870, 1600, 2800)), ("64", 4, (1000, 2000, 3750)), ("73", 5, (0, 290, 340)),
    ("95", 6, (0, 0, 390)), ("87", 4, (250, 310, 400)), ("42", 3, (530, 1760, 2000)),
    ("63", 3, (700, 1080)), ("69", 2, (480, 800, 2500)), ("70", 2, (300, 660)),
    ("40", 2, (250, 340)), ("90", 4, (0, 220, 440)), ("48", 2, (0,)), ("44", 2, (0, 320)),
    ("76", 2, (300, 500)),
)
# Chapter 99 numbers: Section 301 lists and the IEEPA headings (10 digits, rate in bp).
_CH99 = (
    ("9903880100", 2500), ("9903880300", 2500), ("9903881500", 750),
    ("9903012400", 1000), ("9903012500", 1000),
)
_ADCVD_CASES = ("A-570-967-000", "C-570-968-000", "A-570-979-000", "A-552-802-000")
_SPI = ("S", "KR", "AU", "IL")

_MONTH_WEIGHTS = (8.5, 6.5, 7.5, 8.0, 8.5, 8.5, 9.0, 9.5, 9.5, 9.0, 8.0, 7.5)


# --------------------------------------------------------------------------------------
# Small vectorised helpers
# --------------------------------------------------------------------------------------


def _cdf(weights: Any) -> np.ndarray:
    w = np.asarray(weights, dtype=np.float64)
    c = np.cumsum(w / w.sum())
    c[-1] = 1.0
    return c


def _draw(rng: np.random.Generator, cdf: np.ndarray, n: int) -> np.ndarray:
    """Indices drawn with the probabilities whose cumulative sums are ``cdf``."""
    return np.searchsorted(cdf, rng.random(n), side="right").astype(np.int32)


def _draw_rows(rng: np.random.Generator, cdf_matrix: np.ndarray, row: np.ndarray) -> np.ndarray:
    """One draw per element from the distribution of its own row of ``cdf_matrix``."""
    u = rng.random(len(row))
    return (u[:, None] >= cdf_matrix[row]).sum(axis=1).astype(np.int32)


def _days(d: dt.date) -> int:
    return (d - _EPOCH).days


def _money(cents: np.ndarray, valid: np.ndarray | None = None) -> pl.Series:
    """Integer cents -> exact Decimal(18,2) Series (NULL where ``valid`` is False)."""
    cents = np.ascontiguousarray(cents, dtype=np.int64)
    n = len(cents)
    words = np.empty((n, 2), dtype=np.int64)
    words[:, 0] = cents
    words[:, 1] = cents >> 63  # sign extension into the high word of the 128-bit value
    bitmap = None
    if valid is not None and not valid.all():
        bitmap = pa.py_buffer(np.packbits(valid.astype(np.uint8), bitorder="little"))
    arr = pa.Array.from_buffers(pa.decimal128(18, 2), n, [bitmap, pa.py_buffer(words)])
    return pl.from_arrow(arr)  # type: ignore[return-value]


def _dates(days: np.ndarray, valid: np.ndarray | None = None) -> pl.Series:
    s = pl.Series(np.asarray(days, dtype=np.int32)).cast(pl.Date)
    return _nulls(s, valid)


def _nulls(s: pl.Series, valid: np.ndarray | None) -> pl.Series:
    if valid is None or valid.all():
        return s
    return s.scatter(np.flatnonzero(~valid), None)


def _text(pool: Any, idx: np.ndarray, valid: np.ndarray | None = None) -> pl.Series:
    """Strings picked from a small pool by index (NULL where ``valid`` is False)."""
    s = pl.Series(list(pool), dtype=pl.String).gather(np.asarray(idx, dtype=np.int64))
    return _nulls(s, valid)


def _bools(values: np.ndarray, valid: np.ndarray | None = None) -> pl.Series:
    return _nulls(pl.Series(np.asarray(values, dtype=bool)), valid)


def _lognormal_cents(rng: np.random.Generator, median_dollars: float, sigma: float,
                     n: int) -> np.ndarray:
    v = rng.lognormal(np.log(median_dollars * 100.0), sigma, n)
    return np.maximum(np.rint(v), 100).astype(np.int64)


def _pct_of(cents: np.ndarray, bp: np.ndarray | int) -> np.ndarray:
    """``cents`` times a rate in basis points, rounded half up to the cent (integers only)."""
    return (cents * np.asarray(bp, dtype=np.int64) + 5_000) // 10_000


# --------------------------------------------------------------------------------------
# Catalog pools: HTS numbers and manufacturers (depend on the seed only, not the year)
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Catalog:
    hts: list[str]
    hts_rate_bp: np.ndarray
    hts_chapter: np.ndarray  # chapter index per HTS
    hts_301: np.ndarray  # index into _CH99 of the Section 301 list of the HTS
    chapter_start: np.ndarray
    chapter_size: np.ndarray
    chapter_cdf: np.ndarray
    mids: list[str]
    mid_country: np.ndarray  # index into _ORIGINS
    country_mids: list[np.ndarray]  # MID indices of each origin


def _catalog(seed: int) -> _Catalog:
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, 0])))
    hts: list[str] = []
    rates: list[int] = []
    chap: list[int] = []
    starts, sizes = [], []
    per_chapter = 120
    for ci, (ch, _share, ch_rates) in enumerate(_CHAPTERS):
        headings = rng.integers(1, 90, per_chapter)
        subs = rng.integers(10, 100, per_chapter)
        stats = rng.integers(0, 100, per_chapter) * 100 + rng.choice([0, 10, 20, 40, 60, 80],
                                                                     per_chapter)
        codes = sorted({f"{ch}{h:02d}{s:02d}{t:04d}" for h, s, t in zip(headings, subs, stats,
                                                                        strict=True)})
        starts.append(len(hts))
        sizes.append(len(codes))
        hts += codes
        rates += [int(r) for r in rng.choice(np.array(ch_rates), len(codes))]
        chap += [ci] * len(codes)
    hts_301 = rng.choice(np.array([0, 1, 1, 2]), len(hts))
    mids: list[str] = []
    mid_country: list[int] = []
    country_mids: list[np.ndarray] = []
    for oi, (cc, share, cities) in enumerate(_ORIGINS):
        k = max(4, int(share * 3))
        first = rng.choice(np.array(_NAME_SYLLABLES), k)
        second = rng.choice(np.array(_NAME_SYLLABLES), k)
        num = rng.integers(1, 9999, k)
        city = rng.choice(np.array(cities.split()), k)
        start = len(mids)
        mids += [f"{cc}{a}{b}{n}{c}" for a, b, n, c in zip(first, second, num, city, strict=True)]
        mid_country += [oi] * k
        country_mids.append(np.arange(start, len(mids)))
    return _Catalog(
        hts=hts, hts_rate_bp=np.array(rates, dtype=np.int64), hts_chapter=np.array(chap),
        hts_301=hts_301, chapter_start=np.array(starts), chapter_size=np.array(sizes),
        chapter_cdf=_cdf([c[1] for c in _CHAPTERS]), mids=mids,
        mid_country=np.array(mid_country), country_mids=country_mids,
    )


# --------------------------------------------------------------------------------------
# Entries and their lines, one chunk at a time
# --------------------------------------------------------------------------------------


@dataclass
class _Model:
    """Everything the chunk generator needs, precomputed once per run."""

    year: int
    seed: int
    catalog: _Catalog
    imp_cdf: np.ndarray
    broker_cdf: np.ndarray  # importer x broker
    type_cdf: np.ndarray  # importer x entry type
    p_bond8: np.ndarray
    origin_cdf: np.ndarray  # importer x origin
    port_cdf: np.ndarray
    filer_luhn: np.ndarray  # Luhn contribution of each filer code's 3 characters
    serial_used: np.ndarray  # entries numbered so far per filer code
    effective_day: int  # EFFECTIVE_ON as days since 1970-01-01


def _model(year: int, seed: int) -> _Model:
    n_imp, n_b = len(IMPORTERS), len(BROKERS)
    bmat = np.zeros((n_imp, n_b))
    tmat = np.zeros((n_imp, len(ENTRY_TYPES)))
    omat = np.tile(np.array([o[1] for o in _ORIGINS], dtype=np.float64), (n_imp, 1))
    for i, imp in enumerate(IMPORTERS):
        for code, w in imp.brokers.items():
            bmat[i, _B[code]] = w
        for t, w in _TYPE_PROFILES[imp.profile].items():
            tmat[i, ENTRY_TYPES.index(t)] = w
        for cc, extra in imp.origin_bias.items():
            oi = [o[0] for o in _ORIGINS].index(cc)
            omat[i, oi] *= 1.0 + extra * 10
    bmat /= bmat.sum(axis=1, keepdims=True)
    tmat /= tmat.sum(axis=1, keepdims=True)
    omat /= omat.sum(axis=1, keepdims=True)
    return _Model(
        year=year, seed=seed, catalog=_catalog(seed),
        imp_cdf=_cdf([imp.weight for imp in IMPORTERS]),
        broker_cdf=np.cumsum(bmat, axis=1), type_cdf=np.cumsum(tmat, axis=1),
        p_bond8=np.array([imp.p_bond8 for imp in IMPORTERS]),
        origin_cdf=np.cumsum(omat, axis=1),
        port_cdf=_cdf([p[1] for p in _PORTS]),
        filer_luhn=np.array([_luhn_prefix(b.filer_code) for b in BROKERS], dtype=np.int64),
        serial_used=np.zeros(n_b, dtype=np.int64),
        effective_day=_days(EFFECTIVE_ON),
    )


def _char_digit(c: str) -> int:
    # Letters fold onto digits (A=1 ... I=9, J=0 ...) for the mod-10 check digit.
    return int(c) if c.isdigit() else (ord(c.upper()) - 64) % 10


def _luhn_term(digit: Any, doubled: bool) -> Any:
    if not doubled:
        return digit
    d2 = digit * 2
    return d2 - 9 * (d2 > 9)


def _luhn_prefix(filer: str) -> int:
    # The 10 payload characters are filer(3) + serial(7); counting from the right, payload
    # positions 1, 3, 5, ... are doubled, so filer characters 1 and 3 are doubled.
    d = [_char_digit(c) for c in filer]
    return int(_luhn_term(d[0], True) + d[1] + _luhn_term(d[2], True))


def _check_digits(filer_sum: np.ndarray, serial: np.ndarray) -> np.ndarray:
    total = filer_sum.copy()
    for k in range(7):  # serial digit k from the right: doubled when k is even
        digit = (serial // 10**k) % 10
        total += _luhn_term(digit, k % 2 == 0)
    return (10 - total % 10) % 10


# The scripted entries of chunk 0: one of each entry-level control violation.
# (importer, filer code, entry type, bond type)
_SCRIPTED_ENTRIES = (
    ("233001-20931", "E05", "11", "0"),  # foreign IOR, informal entry
    # Foreign IOR (not CTPAT-validated), formal entry, filed under the parent's self-filer
    # code: no licensed broker, so no CTPAT cover under either reading of the broker route.
    ("211001-10877", "HVB", "01", "9"),
    # ... through a licensed broker that is not CTPAT-validated: covered under the order as
    # published (the default), not under the stricter reading (ctpat_validated_broker).
    ("211001-10877", "M58", "01", "9"),
    # ... through a CTPAT-validated broker whose licence is suspended: no cover either way.
    ("233001-20931", "S40", "01", "9"),
    ("211001-10877", "K37", "01", "8"),  # foreign IOR, continuous bond without permission
    ("47-391826500", "A74", "01", "8"),  # unknown IOR status (a us_* test empty)
    ("55-778104200", "P22", "01", "9"),  # importer number missing from the registry
    ("38-331047200", "R91", "01", "8"),  # importer not in good standing, revoked broker
    ("20-884173600", "P22", "01", "8"),  # importer suspended/debarred
    ("36-417285900", "HVB", "01", "8"),  # self-filer entry (line 1 misses its MID)
    ("36-417285901", "A74", "21", "8"),  # warehouse entry (line 1 misses its origin)
    # Filed by a broker whose licence was later revoked: the entry of the scripted broker
    # case (19 U.S.C. 1641) that names its importer.
    ("81-209374600", "R91", "01", "9"),
)
_SCRIPT_NO_MID, _SCRIPT_NO_ORIGIN = 9, 10  # indices into _SCRIPTED_ENTRIES

# Enhanced certification and disclosure (yes, no, not_required, unknown, empty): the order's
# profile from the effective date, the weaker pre-order profile before it (cumulative).
_CERT_AFTER = _cdf((97.6, 0.6, 0.0, 0.3, 1.5))
_CERT_BEFORE = _cdf((89.0, 2.5, 0.0, 1.5, 7.0))
_DISC_AFTER = _cdf((98.6, 0.4, 0.0, 0.2, 0.8))
_DISC_BEFORE = _cdf((93.0, 1.5, 0.0, 1.0, 4.5))


def _script_positions(day: np.ndarray, effective_day: int) -> tuple[np.ndarray, np.ndarray]:
    """Where the scripted entries go in chunk 0, whose days are sorted: (positions, script
    index of each). In a year across the effective date each script is placed twice, once on
    each side: script j on the j-th entry before the date (script 0 on the last entry before
    it) and on the j-th entry from the date (script 0 on the first). Otherwise once, on the
    first entries. A tiny chunk gets as many as fit."""
    n, ns = len(day), len(_SCRIPTED_ENTRIES)
    split = int(np.searchsorted(day, effective_day))
    if 0 < split < n:
        nb = min(ns, split)
        na = min(ns, n - split)
        pos = np.concatenate([split - 1 - np.arange(nb), split + np.arange(na)])
        idx = np.concatenate([np.arange(nb), np.arange(na)])
    else:
        pos = idx = np.arange(min(ns, n))
    return pos.astype(np.int64), idx.astype(np.int64)


@dataclass
class _Chunk:
    entries: pl.DataFrame
    lines: pl.DataFrame
    # Entry facts the case generators use (first chunk only).
    entry_numbers: pl.Series
    importer: np.ndarray
    filer: np.ndarray
    entry_day: np.ndarray
    port: np.ndarray


def _entry_chunk(m: _Model, chunk: int, n: int) -> _Chunk:
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([m.seed, m.year, chunk + 1])))
    cat = m.catalog
    year = m.year

    # Entry dates: month by seasonality, uniform day, weekends moved to Friday/Monday.
    jan1 = _days(dt.date(year, 1, 1))
    dec31 = _days(dt.date(year, 12, 31))
    month_start = np.array([_days(dt.date(year, k, 1)) for k in range(1, 13)] + [dec31 + 1])
    month = _draw(rng, _cdf(_MONTH_WEIGHTS), n)
    month_len = month_start[month + 1] - month_start[month]
    day = month_start[month] + (rng.random(n) * month_len).astype(np.int64)
    weekday = (day + 3) % 7  # 0 = Monday (1970-01-01 was a Thursday)
    day = day + np.where(weekday == 5, -1, 0) + np.where(weekday == 6, 1, 0)
    day = np.sort(np.clip(day, jan1, dec31))
    eff = m.effective_day
    if chunk == 0:
        # The first chunk straddling the effective date has an entry the day before it and
        # one on it (scripted violations: the boundary of every dated control).
        split = int(np.searchsorted(day, eff))
        if 0 < split < n:
            day[split - 1], day[split] = eff - 1, eff
        spos, sidx = _script_positions(day, eff)
    else:
        spos = sidx = np.zeros(0, dtype=np.int64)
    scripted = np.zeros(n, dtype=bool)
    scripted[spos] = True

    imp = _draw(rng, m.imp_cdf, n)
    filer = _draw_rows(rng, m.broker_cdf, imp)
    etype = _draw_rows(rng, m.type_cdf, imp)
    if len(spos):
        imp[spos] = np.array([_I[s[0]] for s in _SCRIPTED_ENTRIES])[sidx]
        filer[spos] = np.array([_B[s[1]] for s in _SCRIPTED_ENTRIES])[sidx]
        etype[spos] = np.array([ENTRY_TYPES.index(s[2]) for s in _SCRIPTED_ENTRIES])[sidx]
    informal = np.isin(etype, [ENTRY_TYPES.index(t) for t in INFORMAL_TYPES])
    # Most informal entries go through the express courier's broker.
    to_courier = informal & (rng.random(n) < 0.6) & ~scripted
    filer = np.where(to_courier, _B["E05"], filer).astype(np.int32)

    # The entry's main supplier decides the usual origin; land ports for Mexico and Canada.
    origin = _draw_rows(rng, m.origin_cdf, imp)
    mid_main = _pick_mid(rng, cat, origin)
    port = _draw(rng, m.port_cdf, n)
    land = np.isin(origin, [_origin_index("MX"), _origin_index("CA")]) & (rng.random(n) < 0.85)
    port = np.where(land, rng.choice(np.array(_LAND_PORTS), n), port)
    port = np.where(informal, rng.choice(np.array(_AIR_PORTS), n), port).astype(np.int32)

    # Bond: continuous (8) for importers that hold one, single transaction (9) otherwise,
    # none (0) on most informal entries.
    bond = np.where(rng.random(n) < m.p_bond8[imp], 1, 2)  # index into ("0", "8", "9")
    bond = np.where(informal, np.where(rng.random(n) < 0.8, 0, 2), bond)
    if len(spos):
        bond[spos] = np.array([("0", "8", "9").index(s[3]) for s in _SCRIPTED_ENTRIES])[sidx]

    # Enhanced certification / disclosure: yes, no, not_required, "unknown", empty. Entries
    # on or after the effective date follow the order's profile, earlier ones the weaker
    # pre-order one (the same draws, read through the profile of the entry's date).
    after = day >= eff
    u_cert, u_disc = rng.random(n), rng.random(n)
    cert = np.where(after, np.searchsorted(_CERT_AFTER, u_cert, side="right"),
                    np.searchsorted(_CERT_BEFORE, u_cert, side="right"))
    disc = np.where(after, np.searchsorted(_DISC_AFTER, u_disc, side="right"),
                    np.searchsorted(_DISC_BEFORE, u_disc, side="right"))
    not_req = informal & (rng.random(n) < 0.9)
    cert = np.where(not_req, 2, cert)
    disc = np.where(not_req, 2, disc)
    psc = rng.random(n) < np.where(after, 0.022, 0.045)
    prior_disc = rng.random(n) < np.where(after, 0.004, 0.002)

    summary_day = day + rng.integers(0, 11, n)

    # Entry numbers: filer code + 7-digit serial (numbered per filer in date order, a
    # year-specific million block so several years never collide) + mod-10 check digit.
    order = np.argsort(filer, kind="stable")
    sorted_f = filer[order]
    group_start = np.searchsorted(sorted_f, np.arange(len(BROKERS)))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n) - group_start[sorted_f]
    used = m.serial_used[filer] + rank
    m.serial_used += np.bincount(filer, minlength=len(BROKERS))
    if m.serial_used.max() >= 10_000_000:
        raise SampleError("too many entries for one filer code's 7-digit serial numbers")
    serial = ((year % 10) * 1_000_000 + used) % 10_000_000
    check = _check_digits(m.filer_luhn[filer], serial)
    entry_numbers = pl.DataFrame({
        "f": _text([b.filer_code for b in BROKERS], filer),
        "s": pl.Series(serial), "c": pl.Series(check),
    }).select(pl.format("{}{}{}", "f", pl.col("s").cast(pl.String).str.zfill(7), "c"))
    entry_numbers = entry_numbers.to_series().alias("entry_number")

    # Warehouse and temporary-importation entries defer duty: their lines carry none.
    deferred = np.isin(etype, [ENTRY_TYPES.index(t) for t in ("21", "22", "23")])
    no_mid = spos[sidx == _SCRIPT_NO_MID]
    no_origin = spos[sidx == _SCRIPT_NO_ORIGIN]
    lines, adcvd_entry = _lines(rng, m, n, entry_numbers, informal, deferred, mid_main, port,
                                no_mid, no_origin)

    # Liquidation as of the data extract (31 January of the following year): about 314
    # days after the summary; AD/CVD entries suspended; a few extended; rare deemed.
    extract = _days(dt.date(year + 1, 1, 31))
    due = summary_day + 314
    u = rng.random(n)
    liq = np.where(due <= extract, np.where(u < 0.03, 2, np.where(u < 0.035, 4, 1)), 0)
    liq = np.where(adcvd_entry, 3, liq)
    liq_valid = (liq == 1) | (liq == 4)
    liq_day = np.minimum(due, extract)

    entries = pl.DataFrame({
        "entry_number": entry_numbers,
        "entry_type": _text(ENTRY_TYPES, etype),
        "importer_number": _text([i.number for i in IMPORTERS], imp),
        "entry_date": _dates(day),
        "filer_code": _text([b.filer_code for b in BROKERS], filer),
        "port_code": _text([p[0] for p in _PORTS], port),
        "entry_summary_date": _dates(summary_day),
        "bond_type": _text(("0", "8", "9"), bond),
        "certification": _text(("yes", "no", "not_required", "unknown", None), cert),
        "disclosure_complete": _text(("yes", "no", "not_required", "unknown", None), disc),
        "psc_filed": _bools(psc),
        "prior_disclosure": _bools(prior_disc),
        "liquidation_status": _text(("unliquidated", "liquidated", "extended", "suspended",
                                     "deemed"), liq),
        "liquidation_date": _dates(liq_day, liq_valid),
    })
    return _Chunk(entries, lines, entry_numbers, imp, filer, day, port)


def _origin_index(cc: str) -> int:
    return [o[0] for o in _ORIGINS].index(cc)


def _pick_mid(rng: np.random.Generator, cat: _Catalog, origin: np.ndarray) -> np.ndarray:
    """A manufacturer of each element's origin country, uniformly among that country's."""
    sizes = np.array([len(c) for c in cat.country_mids])
    starts = np.array([c[0] for c in cat.country_mids])
    return (starts[origin] + (rng.random(len(origin)) * sizes[origin]).astype(np.int64))


def _lines(rng: np.random.Generator, m: _Model, n: int, entry_numbers: pl.Series,
           informal: np.ndarray, deferred: np.ndarray, mid_main: np.ndarray,
           port: np.ndarray, no_mid: np.ndarray,
           no_origin: np.ndarray) -> tuple[pl.DataFrame, np.ndarray]:
    cat = m.catalog
    # Commodity lines per entry; with Chapter 99 ordinals about 3 rows per entry.
    n_lines = 1 + np.where(informal, rng.poisson(0.3, n), rng.poisson(0.98, n))
    total = int(n_lines.sum())
    entry_of = np.repeat(np.arange(n), n_lines)
    first_line = np.cumsum(n_lines) - n_lines
    line_no = np.arange(total) - first_line[entry_of] + 1

    # Supplier: the entry's main one mostly, otherwise any (its country is the origin).
    other_mid = (rng.random(total) * len(cat.mids)).astype(np.int64)
    mid = np.where(rng.random(total) < 0.8, mid_main[entry_of], other_mid)
    ctry = cat.mid_country[mid]
    mid_ok = rng.random(total) >= 0.003
    ctry_ok = rng.random(total) >= 0.0015
    mid_ok[first_line[no_mid]] = False  # scripted: line 1 misses its MID ...
    ctry_ok[first_line[no_origin]] = False  # ... or its origin

    ch = _draw(rng, cat.chapter_cdf, total)
    hts = cat.chapter_start[ch] + (rng.random(total) * cat.chapter_size[ch]).astype(np.int64)

    inf_line = informal[entry_of]
    value = np.where(
        inf_line,
        np.minimum(_lognormal_cents(rng, 180, 0.9, total), 250_000 // n_lines[entry_of]),
        _lognormal_cents(rng, 4200, 1.5, total),
    )
    cn, mx, ca = _origin_index("CN"), _origin_index("MX"), _origin_index("CA")
    kr = _origin_index("KR")
    u = rng.random(total)
    spi = np.where(((ctry == mx) | (ctry == ca)) & (u < 0.6), 0,
                   np.where((ctry == kr) & (u < 0.4), 1, -1))
    spi = np.where((spi < 0) & (u > 0.998), 3, spi)
    duty = np.where(spi >= 0, 0, _pct_of(value, cat.hts_rate_bp[hts]))
    # MPF 0.3464 % on formal lines (per-entry minimum and maximum left out), $2.69 informal.
    mpf = np.where(inf_line, np.where(line_no == 1, 269, 0), (value * 3464 + 500_000) // 1_000_000)
    vessel = np.array([p[2] == "vessel" for p in _PORTS])[port[entry_of]]
    hmf = np.where(vessel & ~inf_line, (value * 125 + 50_000) // 100_000, 0)

    adcvd_ch = np.isin(cat.hts_chapter[hts], [i for i, c in enumerate(_CHAPTERS)
                                             if c[0] in ("73", "94", "76")])
    adcvd = np.where(adcvd_ch & (ctry == cn) & (rng.random(total) < 0.05),
                     rng.integers(0, 3, total), -1)
    adcvd_entry = np.bincount(entry_of, weights=adcvd >= 0, minlength=n) > 0

    # Chapter 99 ordinals: Section 301 on most Chinese goods, IEEPA headings from 2025.
    ieepa = m.year >= 2025
    has_301 = (ctry == cn) & (rng.random(total) < 0.9) & ctry_ok
    has_ieepa = ieepa & ctry_ok & (
        ((ctry == cn) & (rng.random(total) < 0.5))
        | ((ctry != cn) & (ctry != mx) & (ctry != ca) & (rng.random(total) < 0.2))
    )
    ieepa_code = np.where(ctry == cn, 3, 4)
    code2 = np.where(has_301, cat.hts_301[hts], ieepa_code)
    per_line = 1 + has_301.astype(np.int64) + has_ieepa.astype(np.int64)
    rows = int(per_line.sum())
    line_of = np.repeat(np.arange(total), per_line)
    ordinal = np.arange(rows) - (np.cumsum(per_line) - per_line)[line_of] + 1
    is_base = ordinal == 1
    ch99 = np.where(ordinal == 2, code2[line_of], ieepa_code[line_of])
    ch99_rate = np.array([c[1] for c in _CH99], dtype=np.int64)[ch99]
    v_row = value[line_of]

    hts_pool = cat.hts + [c[0] for c in _CH99]
    hts_idx = np.where(is_base, hts[line_of], len(cat.hts) + ch99)
    entry_row = entry_of[line_of]
    lines = pl.DataFrame({
        "entry_number": entry_numbers.gather(entry_row),
        "line_number": pl.Series(line_no[line_of], dtype=pl.Int32),
        "tariff_ordinal": pl.Series(ordinal, dtype=pl.Int32),
        "hts_number": _text(hts_pool, hts_idx),
        "country_of_origin": _text([o[0] for o in _ORIGINS], ctry[line_of], ctry_ok[line_of]),
        "manufacturer_id": _text(cat.mids, mid[line_of], mid_ok[line_of]),
        "entered_value": _money(np.where(is_base, v_row, 0)),
        "duty_amount": _money(np.where(deferred[entry_row], 0,
                                       np.where(is_base, duty[line_of],
                                                _pct_of(v_row, ch99_rate)))),
        "mpf_amount": _money(np.where(is_base, mpf[line_of], 0)),
        "hmf_amount": _money(np.where(is_base, hmf[line_of], 0)),
        "spi": _text(_SPI, np.maximum(spi[line_of], 0), is_base & (spi[line_of] >= 0)),
        "adcvd_case": _text(_ADCVD_CASES, np.maximum(adcvd[line_of], 0),
                            is_base & (adcvd[line_of] >= 0)),
    })
    return lines, adcvd_entry


# --------------------------------------------------------------------------------------
# Penalties and liquidated damages
# --------------------------------------------------------------------------------------

_STATUTES = ("19USC1592", "19USC1595a", "19USC1641", "19USC1526f", "bond", "other")
_CULPABILITY = ("negligence", "gross_negligence", "fraud", "none")
_CASE_STATUS = ("open", "petitioned", "mitigated", "paid", "cancelled", "referred", "closed")
_MITIGATED_STATUS = (2, 3, 6)  # mitigated, paid, closed: a mitigation decision was made
_CLOSED_STATUS = (3, 4, 6)  # paid, cancelled, closed: the case has a closed_on
# Importers whose penalty history the script fixes (random cases never name them), so that
# every year shows each repeat-offender situation of catalog version 2:
_REPEAT_OFFENDER = "38-331047200"  # Cedar Point Toys: two decided cases before, one open now
_PENDING_REPEAT = "47-391826500"  # Blue Harbor Imports: one decided before, one pending now
# Northbay Outdoor Supply: one decided case before; in the year a cancelled case and a broker
# case (19 U.S.C. 1641) naming it: neither makes it a repeat offender.
_CANCELLED_REPEAT = "81-209374600"
_SCRIPTED_IMPORTERS = (_REPEAT_OFFENDER, _PENDING_REPEAT, _CANCELLED_REPEAT)


@dataclass(frozen=True)
class _Case:
    """A scripted case. Amounts are drawn; everything that decides a figure is fixed."""

    kind: str
    statute: str
    culpability: str
    status: str
    importer: str | None = None  # None: the importer of a random entry (liquidated damages)
    filer: str | None = None  # the broker of a 19 U.S.C. 1641 case
    mitigated: float | None = None  # mitigated share of the assessed amount (None: random)
    loss: str = "given"  # loss of revenue: "given", "zero" or "empty"
    dutiable: bool = True  # dutiable value given (19 U.S.C. 1592)
    domestic: bool = True  # domestic value given (1592, 1595a, 1526f)
    prior_disclosure: bool = False
    side: str = "any"  # issued "before" or "after" the effective date (in a year across it)
    # When the case closed: None (its status decides, within the period), "last_day" (on the
    # period's last day), "day_after" (on the first day after the period) or "next_year" (paid
    # and closed in January of the next year: open and unpaid at the period's end).
    closed: str | None = None
    paid: bool = True  # a closed case was paid (paid cases always are)
    years_before: int = 0  # earlier years' cases: issued this many years before the period


_SCRIPTED_CASES = (
    # 19 U.S.C. 1592, every culpability and status; the statutory maximum's limbs.
    _Case("penalty", "19USC1592", "negligence", "open", "27-193846500", loss="zero",
          side="after"),  # no loss: 0.20 x dutiable value
    _Case("penalty", "19USC1592", "gross_negligence", "petitioned", "36-417285901",
          side="after"),  # lesser of domestic value and 4 x loss
    _Case("penalty", "19USC1592", "fraud", "mitigated", "46-552019300", mitigated=0.30,
          side="after"),  # mitigated below the 50 % floor, on/after the effective date
    _Case("penalty", "19USC1592", "negligence", "paid", "222301-00419", mitigated=0.45,
          side="before"),  # below the floor but before the order: baseline only
    _Case("penalty", "19USC1592", "gross_negligence", "cancelled", "180901-00781",
          side="after"),
    _Case("penalty", "19USC1592", "fraud", "referred", "900-55-0142", side="before"),
    _Case("penalty", "19USC1592", "negligence", "closed", "211001-10877", mitigated=0.60,
          loss="zero", side="after", closed="last_day"),  # not open at the period's end
    # Liquidated damages (bond claims): never floor cases, whatever their mitigation.
    _Case("liquidated_damages", "bond", "none", "open", side="after"),
    _Case("liquidated_damages", "bond", "none", "mitigated", mitigated=0.10, side="after"),
    _Case("liquidated_damages", "bond", "none", "paid", mitigated=0.25, side="after",
          closed="next_year"),  # paid in January: unpaid and open at the period's end
    _Case("liquidated_damages", "bond", "none", "closed", mitigated=0.80, side="after",
          closed="day_after", paid=False),  # closed the day after the period: open at its end
    # Other statutes.
    _Case("penalty", "19USC1595a", "none", "open", _REPEAT_OFFENDER, side="after"),
    _Case("penalty", "19USC1641", "none", "petitioned", "", filer="M58", side="before"),
    _Case("penalty", "19USC1526f", "none", "paid", "192704-40512", mitigated=0.70,
          side="before"),
    _Case("penalty", "other", "none", "mitigated", "233001-20931", mitigated=0.55, side="after"),
    # 19 U.S.C. 1592(c)(4): prior disclosure caps.
    _Case("penalty", "19USC1592", "fraud", "open", "84-112773000", loss="zero",
          prior_disclosure=True, side="after"),  # no loss: 0.10 x dutiable value
    _Case("penalty", "19USC1592", "gross_negligence", "petitioned", "36-417285900",
          prior_disclosure=True, side="after"),  # interest only: 0
    # 1592 cases lacking the amount their limb needs: partial sums ("n of m not provided").
    _Case("penalty", "19USC1592", "negligence", "open", "20-884173600", loss="zero",
          dutiable=False, side="after"),
    _Case("penalty", "19USC1592", "fraud", "petitioned", "55-778104200", domestic=False,
          side="before"),
    _Case("penalty", "19USC1592", "gross_negligence", "open", "201801-33017", loss="empty",
          side="after"),  # counts as no loss for the maximum; lacks the 1592(d) duty
    # Paid and closed in January of the next year: open and unpaid at the period's end.
    _Case("penalty", "19USC1592", "negligence", "paid", "180901-00781", mitigated=0.40,
          side="after", closed="next_year"),
    # A broker case naming the importer whose entry the broker filed: the broker's exposure.
    _Case("penalty", "19USC1641", "none", "paid", _CANCELLED_REPEAT, filer="R91",
          mitigated=0.50, side="after"),
    _Case("penalty", "19USC1592", "negligence", "cancelled", _CANCELLED_REPEAT,
          side="before"),
    _Case("penalty", "19USC1592", "negligence", "petitioned", _PENDING_REPEAT, side="after"),
)
# Earlier years' cases of the scripted importers (decided ones count towards repeat offence).
_SCRIPTED_PRIOR_CASES = (
    _Case("penalty", "19USC1592", "negligence", "paid", _REPEAT_OFFENDER, years_before=3),
    _Case("penalty", "19USC1592", "negligence", "closed", _REPEAT_OFFENDER, years_before=1),
    _Case("penalty", "19USC1592", "negligence", "paid", _CANCELLED_REPEAT, years_before=2),
    _Case("penalty", "19USC1592", "gross_negligence", "closed", _PENDING_REPEAT,
          years_before=2),
)


def _extract_day(year: int) -> int:
    """The day the year's files were exported (31 January of the next year): statuses,
    payments, closings, liquidations and disposals are as known on that day."""
    return _days(dt.date(year + 1, 1, 31))


def _issue_window(year: int, side: str, effective_day: int) -> tuple[int, int]:
    """First and last day a scripted case or disposal of ``year`` may be dated, by side."""
    jan1, dec31 = _days(dt.date(year, 1, 1)), _days(dt.date(year, 12, 31))
    if jan1 < effective_day <= dec31:  # the year runs across the effective date
        if side == "before":
            return jan1, effective_day - 1
        if side == "after":
            return effective_day, dec31
    return jan1, dec31


def _penalties(m: _Model, c0: _Chunk, n_entries: int) -> pl.DataFrame:
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([m.seed, m.year, 0, 1])))
    year = m.year
    script = _SCRIPTED_CASES + _SCRIPTED_PRIOR_CASES
    ns_year, ns_prior = len(_SCRIPTED_CASES), len(_SCRIPTED_PRIOR_CASES)
    k_year = max(ns_year + 2, n_entries // 2000)
    k_prior = max(ns_prior + 4, k_year // 3)
    k = k_year + k_prior
    # Rows: the scripted cases of the year, the random ones of the year, the scripted
    # earlier cases, the random earlier ones.
    prior = np.arange(k) >= k_year
    srow = np.concatenate([np.arange(ns_year), k_year + np.arange(ns_prior)])

    # Random cases: penalty or liquidated damages (claims are the more common in earlier
    # years' leftovers), statute, culpability, status.
    kind = np.where(rng.random(k) < np.where(prior, 0.25, 0.5), 0, 1)
    statute = np.where(kind == 1, 4, _draw(rng, _cdf((60, 10, 12, 10, 0, 8)), k))
    culp = np.where(statute == 0, _draw(rng, _cdf((55, 30, 15)), k), 3)
    status = np.where(prior, _draw(rng, _cdf((2, 8, 4, 30, 8, 6, 42)), k),
                      _draw(rng, _cdf((22, 18, 15, 20, 5, 5, 15)), k))
    mit_share = rng.uniform(0.15, 0.9, k)
    loss_mode = np.where((statute == 0) & (rng.random(k) < 0.2), 1, 0)  # 0 given, 1 zero, 2 empty
    prior_disc = (statute == 0) & (rng.random(k) < 0.1)
    dutiable_ok = np.ones(k, dtype=bool)
    domestic_ok = np.ones(k, dtype=bool)
    paid_flag = rng.random(k) < 0.7  # a closed case was paid
    jan1, dec31 = _days(dt.date(year, 1, 1)), _days(dt.date(year, 12, 31))
    issued = np.where(prior, rng.integers(_days(dt.date(year - 4, 1, 1)), jan1, k),
                      rng.integers(jan1, dec31 + 1, k))
    delay = rng.integers(20, 201, k)  # days from the notice to payment, closing or cancelling
    u_issue = rng.random(k)

    # The scripted cases override the random draws of their rows.
    closed_mode = np.zeros(k, dtype=np.int64)  # 0 by status, 1 last day, 2 day after, 3 January
    for row, c in zip(srow, script, strict=True):
        kind[row] = ("penalty", "liquidated_damages").index(c.kind)
        statute[row] = _STATUTES.index(c.statute)
        culp[row] = _CULPABILITY.index(c.culpability)
        status[row] = _CASE_STATUS.index(c.status)
        if c.mitigated is not None:
            mit_share[row] = c.mitigated
        loss_mode[row] = ("given", "zero", "empty").index(c.loss)
        prior_disc[row] = c.prior_disclosure
        dutiable_ok[row], domestic_ok[row] = c.dutiable, c.domestic
        paid_flag[row] = c.paid
        closed_mode[row] = (None, "last_day", "day_after", "next_year").index(c.closed)
        if c.years_before:
            start = _days(dt.date(year - c.years_before, 1, 1))
            end = _days(dt.date(year - c.years_before, 12, 31))
        else:
            start, end = _issue_window(year, c.side, m.effective_day)
            if c.closed is not None:
                end = min(end, dec31 - 30)  # at least a month before it closes
        issued[row] = start + int(u_issue[row] * (end - start + 1))
    scripted = np.zeros(k, dtype=bool)
    scripted[srow] = True

    # When cases closed. A paid case closed the day it was paid; a cancelled or closed one
    # some weeks after the notice. Random cases that would close after the export are still
    # pending in it (paid -> mitigated, closed -> mitigated, cancelled -> petitioned); the
    # scripted ones close within the period unless their script says otherwise.
    extract = _extract_day(year)
    closing = issued + delay
    closing = np.where(scripted & ~prior & (closed_mode == 0),
                       issued + np.minimum(delay, (dec31 - issued) // 2), closing)
    closing = np.select([closed_mode == 1, closed_mode == 2, closed_mode == 3],
                        [dec31, dec31 + 1, _days(dt.date(year + 1, 1, 14))], closing)
    late = np.isin(status, _CLOSED_STATUS) & (closing > extract) & ~scripted
    status = np.where(late & (status == 4), 1, np.where(late, 2, status))
    closed = np.isin(status, _CLOSED_STATUS)
    paid_st = (status == 3) | ((status == 6) & paid_flag)

    # Whom a case concerns. Penalty cases go round the registered importers other than the
    # scripted ones (so with few cases each has one at most); liquidated-damages claims
    # follow the entries; random 19 U.S.C. 1641 cases concern a broker only.
    broker_case = statute == 2
    others = np.array([i for i, imp in enumerate(IMPORTERS)
                       if imp.registered and imp.number not in _SCRIPTED_IMPORTERS])
    cycle = rng.permutation(others)
    in_cycle = (kind == 0) & ~broker_case & ~scripted
    rank = np.cumsum(in_cycle) - 1
    n0 = len(c0.importer)
    imp = np.where(in_cycle, cycle[rank % len(cycle)], c0.importer[rng.integers(0, n0, k)])
    imp_valid = ~broker_case
    filer = np.where(broker_case, rng.choice(np.array([_B["R91"], _B["S40"], _B["M58"]]), k), 0)
    for row, c in zip(srow, script, strict=True):
        if c.importer:
            imp[row] = _I[c.importer]
        imp_valid[row] = c.importer != ""
        if c.filer:
            filer[row] = _B[c.filer]

    # One of the importer's entries in the first chunk dated before the notice (any of its
    # entries if none is; none if it has no entry there). Earlier years' cases name none.
    order = np.argsort(c0.importer, kind="stable")  # by importer, then by day
    counts = np.bincount(c0.importer, minlength=len(IMPORTERS))
    starts = np.cumsum(counts) - counts
    key = c0.importer[order].astype(np.int64) * 1_000_000 + c0.entry_day[order]
    before = np.searchsorted(key, imp.astype(np.int64) * 1_000_000 + issued) - starts[imp]
    span = np.where(before > 0, before, counts[imp])
    pos = starts[imp] + (rng.random(k) * span).astype(np.int64)
    pick = order[np.minimum(pos, n0 - 1)]
    for row, c in zip(srow, script, strict=True):
        if c.importer and c.filer:  # a broker case: an entry that broker filed, if any
            mine = np.flatnonzero((c0.importer == _I[c.importer]) & (c0.filer == _B[c.filer]))
            if len(mine):
                pick[row] = mine[0]
    entry_valid = ~prior & (counts[imp] > 0) & imp_valid
    filer = np.where(broker_case, filer, c0.filer[pick])
    filer_valid = (entry_valid & (kind == 1)) | broker_case
    port = np.where(entry_valid, c0.port[pick], rng.integers(0, len(_PORTS), k))

    # Amounts (cents). 19 U.S.C. 1592(c): the statutory maximum by culpability (with the
    # prior-disclosure caps of (c)(4)), assessed at 60-100 % of it; under a prior disclosure
    # of negligence or gross negligence only interest is due (assessed as a few % of the loss).
    loss = np.where(loss_mode == 1, 0, _lognormal_cents(rng, 9_000, 1.0, k))
    dutiable = _lognormal_cents(rng, 180_000, 0.9, k)
    domestic = (dutiable * rng.uniform(1.4, 2.6, k)).astype(np.int64)
    has_loss = loss > 0
    max_1592 = np.select(
        [prior_disc & (culp == 2), prior_disc, culp == 2, culp == 1, culp == 0],
        [np.where(has_loss, loss, _pct_of(dutiable, 1000)), 0, domestic,
         np.where(has_loss, np.minimum(4 * loss, domestic), _pct_of(dutiable, 4000)),
         np.where(has_loss, np.minimum(2 * loss, domestic), _pct_of(dutiable, 2000))], 0)
    interest = np.maximum((loss * rng.uniform(0.03, 0.10, k)).astype(np.int64), 10_000)
    assessed = np.select(
        [(statute == 0) & (max_1592 > 0), statute == 0, statute == 1, statute == 3,
         statute == 2, kind == 1],
        [max_1592 * rng.uniform(0.6, 1.0, k), interest, domestic * rng.uniform(0.5, 1.0, k),
         domestic * rng.uniform(1.0, 2.0, k), rng.uniform(1_000, 30_000, k) * 100,
         _lognormal_cents(rng, 15_000, 0.8, k)],
        _lognormal_cents(rng, 5_000, 0.8, k)).astype(np.int64)
    is_1592 = statute == 0
    has_value = is_1592 | (statute == 1) | (statute == 3)
    mitigated_st = np.isin(status, _MITIGATED_STATUS)
    mitigated = (assessed * mit_share).astype(np.int64)

    issue_year = (np.datetime64("1970-01-01") + issued.astype("timedelta64[D]")).astype(
        "datetime64[Y]").astype(np.int64) + 1970
    case_number = pl.DataFrame({
        "y": pl.Series(issue_year), "p": _text([p[0] for p in _PORTS], port),
        # The generating year leads the sequence: folders of several years never collide.
        "s": pl.Series((year % 10) * 100_000 + np.arange(k) + 101),
    }).select(pl.format("{}-{}-{}", "y", "p", pl.col("s").cast(pl.String).str.zfill(6)))
    return pl.DataFrame({
        "case_number": case_number.to_series(),
        "case_kind": _text(("penalty", "liquidated_damages"), kind),
        "statute": _text(_STATUTES, statute),
        "culpability": _text(_CULPABILITY, culp),
        "importer_number": _text([i.number for i in IMPORTERS], imp, imp_valid),
        "filer_code": _text([b.filer_code for b in BROKERS], filer, filer_valid),
        "entry_number": _nulls(c0.entry_numbers.gather(pick), entry_valid),
        "issued_on": _dates(issued),
        "assessed_amount": _money(assessed),
        "loss_of_revenue": _money(loss, is_1592 & (loss_mode != 2)),
        "dutiable_value": _money(dutiable, is_1592 & dutiable_ok),
        "domestic_value": _money(domestic, has_value & domestic_ok),
        "status": _text(_CASE_STATUS, status),
        "mitigated_amount": _money(mitigated, mitigated_st),
        "paid_amount": _money(mitigated, paid_st),
        "paid_on": _dates(closing, paid_st),
        "closed_on": _dates(closing, closed),
        "prior_disclosure": _bools(prior_disc, kind == 0),
    })


# --------------------------------------------------------------------------------------
# Detentions, seizures, general order and abandonment
# --------------------------------------------------------------------------------------

_ACTIONS = ("detention", "seizure", "general_order", "abandonment")
_PROGRAMS = ("ipr", "uflpa", "forced_labor", "import_safety", "pga", "adcvd_evasion", "other")
_DISPOSITIONS = ("pending", "released", "destroyed", "sold", "exported", "forfeited",
                 "abandoned", "third_party_disposal")
_FINAL = (2, 3, 5, 6, 7)  # destroyed, sold, forfeited, abandoned, third-party disposal
# Per action: program shares and disposition shares.
_ACTION_PROGRAMS = {
    "detention": (0, 40, 15, 15, 30, 0, 0),
    "seizure": (70, 0, 0, 5, 0, 10, 15),
    "general_order": (0, 0, 0, 0, 30, 0, 70),
    "abandonment": (0, 0, 0, 30, 30, 0, 40),
}
_ACTION_DISPOSITIONS = {
    "detention": (15, 50, 10, 0, 20, 5, 0, 0),
    "seizure": (25, 10, 25, 0, 0, 40, 0, 0),
    "general_order": (20, 10, 15, 40, 0, 0, 0, 15),
    "abandonment": (10, 0, 25, 0, 0, 0, 50, 15),
}
# (action, program, disposition, marked expedited, when opened). "before"/"after": the
# effective date (in a year across it); "dec8"/"dec18": opened in December and disposed of
# in January of the next year (pending at the period's end). Expedited cases opened before
# the effective date are a data-quality finding: the order's process did not exist yet.
_SCRIPTED_DISPOSALS = (
    ("detention", "uflpa", "pending", False, "after"),
    ("detention", "forced_labor", "released", False, "before"),
    ("detention", "pga", "exported", False, "after"),
    ("detention", "import_safety", "destroyed", True, "before"),  # data-quality finding
    ("seizure", "ipr", "forfeited", False, "dec8"),
    ("seizure", "ipr", "destroyed", True, "after"),
    ("seizure", "adcvd_evasion", "pending", False, "before"),
    ("general_order", "other", "sold", True, "after"),
    ("general_order", "pga", "third_party_disposal", False, "after"),
    ("general_order", "other", "pending", False, "after"),
    ("abandonment", "other", "abandoned", False, "before"),
    ("abandonment", "import_safety", "destroyed", True, "after"),
    ("general_order", "other", "sold", True, "dec18"),  # expedited, disposed of in January
)
# Days from opening to disposal of the December cases (into January of the next year).
_DECEMBER_CASES = {"dec8": (8, 35), "dec18": (18, 19)}


def _disposals(m: _Model, c0: _Chunk, n_entries: int) -> pl.DataFrame:
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([m.seed, m.year, 0, 2])))
    year = m.year
    k = max(len(_SCRIPTED_DISPOSALS) + 12, n_entries // 1000)
    action = _draw(rng, _cdf((40, 20, 25, 15)), k)
    prog_cdf = np.cumsum(np.array([_ACTION_PROGRAMS[a] for a in _ACTIONS], dtype=float)
                         / np.array([sum(_ACTION_PROGRAMS[a]) for a in _ACTIONS])[:, None], axis=1)
    disp_cdf = np.cumsum(np.array([_ACTION_DISPOSITIONS[a] for a in _ACTIONS], dtype=float)
                         / np.array([sum(_ACTION_DISPOSITIONS[a]) for a in _ACTIONS])[:, None],
                         axis=1)
    program = _draw_rows(rng, prog_cdf, action)
    disposition = _draw_rows(rng, disp_cdf, action)
    final = np.isin(disposition, _FINAL)
    expedited = final & (rng.random(k) < 0.35)
    jan1, dec31 = _days(dt.date(year, 1, 1)), _days(dt.date(year, 12, 31))
    opened = rng.integers(jan1, dec31 + 1, k)
    u_open = rng.random(k)
    ns = len(_SCRIPTED_DISPOSALS)
    scripted = np.arange(k) < ns
    flagged = np.zeros(k, dtype=bool)  # scripted expedited cases kept whatever their date
    for i, (a, p, d, exp, when) in enumerate(_SCRIPTED_DISPOSALS):
        action[i], program[i] = _ACTIONS.index(a), _PROGRAMS.index(p)
        disposition[i], expedited[i] = _DISPOSITIONS.index(d), exp
        if when in _DECEMBER_CASES:
            opened[i] = _days(dt.date(year, 12, _DECEMBER_CASES[when][0]))
        else:
            start, end = _issue_window(year, when, m.effective_day)
            opened[i] = start + int(u_open[i] * (end - start + 1))
            flagged[i] = exp and when == "before"
    # The expedited process starts with the order: only cases opened on or after the
    # effective date use it (but the scripted data-quality finding).
    expedited &= (opened >= m.effective_day) | flagged
    days = np.where(disposition == 1, rng.integers(3, 46, k),
                    np.where(expedited, rng.integers(5, 26, k), rng.integers(30, 241, k)))
    for i, (_a, _p, _d, _exp, when) in enumerate(_SCRIPTED_DISPOSALS):
        if when in _DECEMBER_CASES:
            days[i] = _DECEMBER_CASES[when][1]
        else:  # disposed of within the period
            days[i] = max(1, min(days[i], (dec31 - opened[i]) // 2))
    disposed = opened + days
    # Cases not yet disposed of when the files were exported are still pending in them.
    late = ~scripted & (disposition != 0) & (disposed > _extract_day(year))
    disposition = np.where(late, 0, disposition)
    expedited &= ~late
    pending = disposition == 0

    n0 = len(c0.importer)
    pick = rng.integers(0, n0, k)
    # Unclaimed general-order goods often have no entry and no known importer.
    unclaimed = (action == 2) & (rng.random(k) < 0.5) & ~scripted
    domestic = _lognormal_cents(rng, 25_000, 1.2, k)
    msrp = (domestic * rng.uniform(2.0, 5.0, k)).astype(np.int64)
    msrp_valid = (program == 0) | (rng.random(k) < 0.4)
    case_id = pl.DataFrame({
        "a": _text(("DT", "SZ", "GO", "AB"), action),
        "p": _text([p[0] for p in _PORTS], c0.port[pick]),
        "s": pl.Series(np.arange(k) + 1),
    }).select(pl.format("{}-{}-{}{}", pl.lit(str(year)), "p", "a",
                        pl.col("s").cast(pl.String).str.zfill(5)))
    return pl.DataFrame({
        "case_id": case_id.to_series(),
        "action": _text(_ACTIONS, action),
        "program": _text(_PROGRAMS, program),
        "entry_number": _nulls(c0.entry_numbers.gather(pick), ~unclaimed),
        "importer_number": _text([i.number for i in IMPORTERS], c0.importer[pick], ~unclaimed),
        "opened_on": _dates(opened),
        "disposition": _text(_DISPOSITIONS, disposition),
        "disposed_on": _dates(disposed, ~pending),
        "expedited": _bools(expedited),
        "domestic_value": _money(domestic),
        "msrp_value": _money(msrp, msrp_valid),
    })


# --------------------------------------------------------------------------------------
# Registry tables and output
# --------------------------------------------------------------------------------------


def _tri(c: str) -> bool | None:
    return {"T": True, "F": False, "-": None}[c]


def importers_frame() -> pl.DataFrame:
    """The group's importer-of-record registry (the same for every year and seed)."""
    rows = [i for i in IMPORTERS if i.registered]
    return pl.DataFrame({
        "importer_number": [i.number for i in rows],
        "importer_name": [i.name for i in rows],
        "country": [i.country for i in rows],
        "us_organized": [_tri(i.us[0]) for i in rows],
        "us_physical_presence": [_tri(i.us[1]) for i in rows],
        "us_assets_sufficient": [_tri(i.us[2]) for i in rows],
        "us_controlling_owner": [_tri(i.us[3]) for i in rows],
        "foreign_ior": [i.foreign_ior for i in rows],
        "ctpat_tier": [i.ctpat_tier for i in rows],
        "ctpat_validated_on": pl.Series([i.ctpat_validated_on for i in rows]).str.to_date(),
        "continuous_bond_permitted": [i.bond_permitted for i in rows],
        "good_standing": [i.good_standing for i in rows],
    }, schema_overrides={c: pl.Boolean for c in ("us_organized", "us_physical_presence",
                                                  "us_assets_sufficient", "us_controlling_owner",
                                                  "foreign_ior", "continuous_bond_permitted")}
                                                  | {"country": pl.String,
                                                     "ctpat_tier": pl.String,
                                                     "good_standing": pl.String})


def brokers_frame() -> pl.DataFrame:
    """The brokers and self-filers of the group (the same for every year and seed)."""
    return pl.DataFrame({
        "filer_code": [b.filer_code for b in BROKERS],
        "broker_name": [b.name for b in BROKERS],
        "license_number": [b.license_number for b in BROKERS],
        "license_status": [b.license_status for b in BROKERS],
        "ctpat_validated": [b.ctpat_validated for b in BROKERS],
        "ctpat_validated_on": pl.Series([b.ctpat_validated_on for b in BROKERS],
                                        dtype=pl.String).str.to_date(),
    }, schema_overrides={"license_number": pl.String, "license_status": pl.String,
                         "ctpat_validated": pl.Boolean})


class _TableWriter:
    """Appends frames of one table to one CSV or Parquet file, chunk by chunk."""

    def __init__(self, table: str, path: Path, fmt: str):
        self.table, self.path, self.fmt, self.rows = table, path, fmt, 0
        self._fh: Any = None
        self._pq: Any = None

    def write(self, df: pl.DataFrame) -> None:
        # The contract's exact column names and order, whatever the generator does.
        assert df.columns == TABLES[self.table].column_names, (self.table, df.columns)
        if self.fmt == "csv":
            if self._fh is None:
                self._fh = open(self.path, "wb")  # noqa: SIM115 - closed in close()
            df.write_csv(self._fh, include_header=self.rows == 0, line_terminator="\n",
                         null_value="")
        else:
            import pyarrow.parquet as pq

            table = df.to_arrow()
            if self._pq is None:
                self._pq = pq.ParquetWriter(self.path, table.schema, compression="zstd",
                                            write_statistics=True)
            self._pq.write_table(table, row_group_size=1 << 20)
        self.rows += df.height

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
        if self._pq is not None:
            self._pq.close()


@dataclass(frozen=True)
class SampleResult:
    """What ``generate`` wrote: the folder, the format and the rows of each table."""

    out_dir: Path
    fmt: str
    rows: dict[str, int]

    @property
    def files(self) -> list[Path]:
        return [self.out_dir / f"{t}.{self.fmt}" for t in self.rows]


def generate(out_dir: str | Path, *, year: int = DEFAULT_YEAR, entries: int = DEFAULT_ENTRIES,
             seed: int = DEFAULT_SEED, fmt: str = "csv",
             chunk_entries: int = CHUNK_ENTRIES) -> SampleResult:
    """Write one year of synthetic data, the six contract files, into ``out_dir``.

    Returns the rows written per table. Raises SampleError for an unknown format, a year
    outside 1990..2099, or an entry count outside 10..MAX_ENTRIES. Same arguments, same
    bytes (for a given version of the libraries that write Parquet).
    """
    if fmt not in FORMATS:
        raise SampleError(f"format must be one of {', '.join(FORMATS)}, not '{fmt}'")
    if not 1990 <= year <= 2099:
        raise SampleError(f"year must be between 1990 and 2099, not {year}")
    if not 10 <= entries <= MAX_ENTRIES:
        raise SampleError(f"entries must be between 10 and {MAX_ENTRIES:,}, not {entries:,}")
    if seed < 0:
        raise SampleError("seed must be a non-negative integer")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    m = _model(year, seed)
    writers = {t: _TableWriter(t, out / f"{t}.{fmt}", fmt) for t in TABLES}
    try:
        writers["importers"].write(importers_frame())
        writers["brokers"].write(brokers_frame())
        first: _Chunk | None = None
        # One writer thread: polars writes chunk k (releasing the GIL) while numpy draws
        # chunk k+1. A single worker keeps the writes in order; waiting for the previous
        # chunk's writes before queueing the next bounds memory to two chunks.
        with ThreadPoolExecutor(max_workers=1) as pool:
            pending: list[Future[None]] = []
            for chunk, start in enumerate(range(0, entries, chunk_entries)):
                c = _entry_chunk(m, chunk, min(chunk_entries, entries - start))
                for f in pending:
                    f.result()
                pending = [pool.submit(writers["entries"].write, c.entries),
                           pool.submit(writers["entry_lines"].write, c.lines)]
                if first is None:
                    first = c
                del c
            for f in pending:
                f.result()
        assert first is not None
        writers["penalties"].write(_penalties(m, first, entries))
        writers["disposals"].write(_disposals(m, first, entries))
    finally:
        for w in writers.values():
            w.close()
    return SampleResult(out, fmt, {t: w.rows for t, w in writers.items()})
