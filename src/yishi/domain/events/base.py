"""The base of every event, and the registry the log decodes by: each subclass
registers itself under its class name, which is also its ``type`` in the log.

Decoding and encoding live in domain/codec.py; ``to_dict`` is what the hash
chain is computed over.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs

from yishi.domain.codec import decode, encode_tagged
from yishi.domain.evidence import Evidence

EVENT_TYPES: dict[str, type[Event]] = {}


@attrs.frozen(kw_only=True)
class Event:
    """Base of every event. ``actor`` entered it; ``on_behalf_of`` is set when
    someone else acted (a 网格员 entering a paper hand count, staff entering an
    elderly resident's objection)."""

    at: dt.datetime
    actor: str
    on_behalf_of: str | None = None
    # Files that back this act; their digests are part of the record, so the
    # hash chain covers them. Omitted from the encoding when empty.
    evidence: tuple[Evidence, ...] = ()

    stream_prefix: ClassVar[str] = "matter"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        EVENT_TYPES[cls.__name__] = cls

    @property
    def type(self) -> str:
        return type(self).__name__

    @property
    def stream(self) -> str:
        matter = getattr(self, "matter", None)
        return matter_stream(matter) if matter else "community"

    def to_dict(self) -> dict[str, Any]:
        """The canonical encoding, which the hash chain is computed over: its
        output for an existing event must never change."""
        return encode_tagged(self)  # {"type": self.type, **encode_fields(self)}


def matter_stream(matter: str) -> str:
    """The stream of a matter's events: every event that names the matter, in order."""
    return f"matter-{matter}"


def event_from_dict(data: Mapping[str, Any]) -> Event:
    event: Event = decode(EVENT_TYPES[data["type"]], data)
    return event
