"""The one place the tool reads the clock: the date a report is prepared.

``SOURCE_DATE_EPOCH`` (seconds since 1970-01-01 UTC, the reproducible-builds convention,
https://reproducible-builds.org/specs/source-date-epoch/) wins when set, so the same inputs
give the same documents; otherwise it is now. The figures themselves never depend on it: a
period's figures are "as of" its last day, or as of the date prepared while the period runs.
"""

from __future__ import annotations

import datetime as dt
import os

from .errors import ReadinessError


def prepared_at() -> dt.datetime:
    """When the report is prepared (UTC): from SOURCE_DATE_EPOCH if set, else now.

    Raises ReadinessError for a SOURCE_DATE_EPOCH that is not a whole number of seconds.
    """
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return dt.datetime.now(dt.UTC).replace(microsecond=0)
    try:
        seconds = int(raw)
        return dt.datetime.fromtimestamp(seconds, dt.UTC)
    except (ValueError, OverflowError, OSError):
        raise ReadinessError(f"SOURCE_DATE_EPOCH: not a whole number of seconds since "
                             f"1970-01-01: {raw!r}") from None
