"""What the report hands from collecting to rendering: a plain ``Report`` value."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


def resource_bytes(value: Any) -> bytes:
    """The bytes of a generated resource: bytes, or a ``speed.Deferred`` still being made
    (waited for here, when the layout first needs it)."""
    return value() if callable(value) else value


@dataclass
class Attachment:
    """A file embedded in the PDF: its bytes, or a Deferred that makes them on first use."""

    name: str
    description: str
    content: Any  # bytes | speed.Deferred

    @property
    def data(self) -> bytes:
        return resource_bytes(self.content)


@dataclass
class Report:
    """Everything the templates and the PDF writer need."""

    context: dict[str, Any]
    # Generated files, e.g. charts: bytes, or a Deferred that makes them on first use.
    resources: dict[str, Any] = field(default_factory=dict)
    attachments: list[Attachment] = field(default_factory=list)
    created: dt.datetime | None = None  # PDF dates: when prepared (clock.prepared_at)
