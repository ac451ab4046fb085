"""Encoding a run of like events at once: the bulk commands' fast path.

A stack of 10,000 paper ballots is 10,000 ``BallotCast`` events that differ
only in their voter and choice; a check-in of a whole 村民会议 is as many
``AttendanceRecorded`` that differ only in the person. Encoding each one from
scratch (its dict, its canonical JSON, the check that it reads back) costs more
than SQLite's whole insert of the row. So a run of events of one class whose
other fields are equal is encoded once, as a *template* with a marker in every
field that varies, and each event's payload is the template with its own
strings put in.

The result is the same text, byte for byte, as :func:`encode_checked` gives
each event alone, because:

- only plain ``str`` fields may vary, and they are put in with the very escaping
  function the canonical encoder uses for every string (``encode_basestring``);
- a field that is dropped when empty, or that a reader converts (dates, tuples),
  never varies: it is part of the template, checked once;
- the template is accepted only if filling it with its first event's strings
  gives exactly that event's own ``encode_checked`` payload, and every marker
  occurs once;
- an event that does not fit (another class, another shared value, a varying
  value that is not a string) ends the run and is encoded alone.

``tests/test_store_runs.py`` holds this to ``encode_checked`` with hypothesis.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from operator import attrgetter
from typing import Any

import attrs

from yishi.domain.codec import OMITTED_WHEN_EMPTY, converted_fields
from yishi.domain.events import Event
from yishi.store.base import UnencodableEvent
from yishi.store.chain import canonical
from yishi.store.encoding import encode_checked

# Below this, a run is not worth its template (a command's usual one to five events).
RUN_MIN = 16
_quote: Any = json.encoder.encode_basestring


def encode_all(events: Sequence[Event]) -> list[str]:
    """Every event's canonical payload, exactly as :func:`encode_checked` would
    give it one by one, encoding runs of like events from a template."""
    total = len(events)
    if total < RUN_MIN:
        return [encode_checked(event) for event in events]
    payloads: list[str] = []
    at = 0
    while at < total:
        template = _Template.make(events, at) if total - at >= RUN_MIN else None
        if template is not None:
            at = template.fill(events, at, payloads)
            continue
        # No run starts here (a setup's people differ in their birth dates): encode
        # a stretch alone before looking again, so a batch without runs pays for
        # one look in RUN_MIN events.
        for event in events[at : at + RUN_MIN]:
            payloads.append(encode_checked(event))
        at += RUN_MIN
    return payloads


class _Template:
    """The canonical text of one event with a marker in each varying field."""

    def __init__(self, cls: type, shared: tuple[str, ...], varying: tuple[str, ...]) -> None:
        self.cls = cls
        self.shared = attrgetter(*shared) if shared else (lambda _event: ())
        self.names = varying
        self.parts: list[str] = []
        self.order: list[int] = []  # the varying fields' indexes, in text order

    @classmethod
    def make(cls, events: Sequence[Event], at: int) -> _Template | None:
        first, second = events[at], events[at + 1]
        kind = type(first)
        if type(second) is not kind:
            return None
        names = [field.name for field in attrs.fields(kind)]
        varying = tuple(n for n in names if getattr(first, n) != getattr(second, n))
        if not varying:
            return None
        fixed = set(OMITTED_WHEN_EMPTY) | converted_fields(kind)
        for name in varying:
            if name in fixed:
                return None
            if type(getattr(first, name)) is not str or type(getattr(second, name)) is not str:
                return None
        shared = tuple(n for n in names if n not in varying)
        template = cls(kind, shared, varying)
        try:
            built = template._build(first)
        except Exception:  # ``encode_checked`` says what is wrong, event by event
            return None
        return template if built else None

    def _build(self, first: Event) -> bool:
        data = first.to_dict()
        markers = [f"\x00yishi-slot-{index}\x00" for index in range(len(self.names))]
        for name, marker in zip(self.names, markers, strict=True):
            data[name] = marker
        text = canonical(data)
        quoted = [_quote(marker) for marker in markers]
        if any(text.count(q) != 1 for q in quoted):
            return False
        found = sorted((text.index(q), index) for index, q in enumerate(quoted))
        parts, start = [], 0
        for position, index in found:
            parts.append(text[start:position])
            self.order.append(index)
            start = position + len(quoted[index])
        parts.append(text[start:])
        self.parts = parts
        self.in_order = attrgetter(*(self.names[index] for index in self.order))
        self.reference = self.shared(first)
        # The template must give back the first event's own payload, exactly.
        return self._payload(first) == encode_checked(first)

    def _payload(self, event: Event) -> str:
        values = self.in_order(event)
        parts = self.parts
        if len(parts) == 2:  # one varying field: attrgetter gave the value itself
            if type(values) is not str:
                raise _Misfit
            _utf8(event, values)
            return parts[0] + _quote(values) + parts[1]
        for value in values:
            if type(value) is not str:
                raise _Misfit
            _utf8(event, value)
        if len(parts) == 3:  # the ballots' voter and choice
            return parts[0] + _quote(values[0]) + parts[1] + _quote(values[1]) + parts[2]
        return parts[0] + "".join(_quote(v) + p for v, p in zip(values, parts[1:], strict=True))

    def fill(self, events: Sequence[Event], at: int, payloads: list[str]) -> int:
        """Append the payloads of the run that starts at ``at``; return where it ends."""
        kind, shared, reference = self.cls, self.shared, self.reference
        payload, add = self._payload, payloads.append
        total = len(events)
        while at < total:
            event = events[at]
            if type(event) is not kind or shared(event) != reference:
                break
            try:
                add(payload(event))
            except _Misfit:
                break
            at += 1
        return at


def _utf8(event: Event, value: str) -> None:
    """Refuse a lone surrogate, which has no UTF-8 form to hash (``isascii`` is a
    flag read: the usual id or choice costs nothing more)."""
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise UnencodableEvent(event.type, f"{type(exc).__name__}: {exc}") from None


class _Misfit(Exception):
    """An event's varying field is not a string: it leaves the run."""
