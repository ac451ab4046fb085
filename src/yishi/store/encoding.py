"""One event's canonical payload, checked to read back before it is written."""

from __future__ import annotations

from yishi.domain.codec import check_round_trip
from yishi.domain.events import Event
from yishi.store.base import UnencodableEvent
from yishi.store.chain import canonical


def encode_checked(event: Event) -> str:
    """The event's canonical JSON, after checking that it reads back as the same event.

    Every backend appends only what this returns, so a record that a reader
    (``open``, ``verify``, a replay) could not decode is never written: the
    append fails whole, before the transaction writes anything. Only the fields
    a reader converts (dates, tuples, attachments) are decoded and encoded
    again (``codec.check_round_trip``); the rest is JSON as it stands. A property
    test (tests/test_hardening_codec.py) holds this to a full decode.
    """
    try:
        data = event.to_dict()
        payload = canonical(data)
        check_round_trip(type(event), data, event)
        payload.encode("utf-8")  # a lone surrogate has no UTF-8 form to hash
    except (TypeError, ValueError, KeyError, OverflowError, RecursionError) as exc:
        raise UnencodableEvent(event.type, f"{type(exc).__name__}: {exc}") from None
    return payload
