"""Disclosures (公开/公示): the notice posted, objections raised, answered or escalated, the close."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs

from yishi.domain.events.base import Event


@attrs.frozen(kw_only=True)
class DisclosurePublished(Event):
    matter: str
    disclosure: str
    stage: str
    kind: str
    title: str
    posted_on: dt.date
    until: dt.date
    objections_until: dt.date | None
    reply_days: int | None
    channels: tuple[str, ...] = ()
    content: Mapping[str, Any] = attrs.field(factory=dict)
    # The log's size and head hash when the notice was made, stamped by the
    # engine, so a printed notice can later be checked against the record.
    checkpoint: Mapping[str, Any] | None = None
    # {"posting": ..., "objections": ...}: each a Period.to_json(); ``until``
    # and ``objections_until`` are their ``end``. Absent in older records,
    # which counted the posting day as the first day.
    periods: Mapping[str, Any] | None = None


@attrs.frozen(kw_only=True)
class ObjectionRaised(Event):
    matter: str
    disclosure: str
    objection: str
    person: str
    text: str
    reply_due: dt.date
    periods: Mapping[str, Any] | None = None  # {"reply": Period.to_json()}


@attrs.frozen(kw_only=True)
class ObjectionAnswered(Event):
    matter: str
    objection: str
    reply: str
    resolved: bool


@attrs.frozen(kw_only=True)
class ObjectionEscalated(Event):
    matter: str
    objection: str
    reason: str
    reason_en: str


@attrs.frozen(kw_only=True)
class DisclosureClosed(Event):
    matter: str
    disclosure: str
    outcome: str  # ended | suspended
