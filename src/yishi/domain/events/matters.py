"""A matter's course: proposed (from residents' suggestions, or by petition), taken from
stage to stage, handed to another procedure, closed; and steps entered from paper."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs

from yishi.domain.events.base import Event


@attrs.frozen(kw_only=True)
class SuggestionSubmitted(Event):
    suggestion: str
    person: str
    title: str
    procedure: str
    text: str = ""


@attrs.frozen(kw_only=True)
class SuggestionDeclined(Event):
    suggestion: str
    reason: str


@attrs.frozen(kw_only=True)
class MatterProposed(Event):
    matter: str
    title: str
    matter_type: str | None
    procedure: str
    ruleset_digest: str
    description: str = ""
    merged: tuple[str, ...] = ()  # stages absorbed (一肩挑)
    suggestions: tuple[str, ...] = ()
    # A proposal made by petition: who co-signed, and the verdict that let it in.
    cosigners: tuple[str, ...] = ()
    petition: Mapping[str, Any] | None = None
    group: str | None = None  # the 村民小组 it concerns


@attrs.frozen(kw_only=True)
class StageEntered(Event):
    matter: str
    stage: str
    body: str | None = None  # set when a stage is held before a particular body
    reason: str = ""
    reason_en: str = ""
    notice_days: int | None = (
        None  # a reconvened meeting's fresh notice, where the rule set sets one
    )


@attrs.frozen(kw_only=True)
class MatterClosed(Event):
    matter: str
    status: str  # completed | abandoned
    reason: str = ""
    reason_en: str = ""


@attrs.frozen(kw_only=True)
class MatterHandedOff(Event):
    """The matter moves, with its whole record, from one procedure to another
    (a 板凳会 to the 议事会, the 议事会 to 四议两公开), by a rule of the first."""

    matter: str
    from_procedure: str
    from_stage: str
    procedure: str  # the procedure it moves to (named like MatterProposed's, see log.py)
    stage: str  # its entry stage there
    ruleset_digest: str = ""  # the target rule set's digest, filled in by the engine
    matter_type: str | None = None  # the type it takes there; None: unchanged
    reason: str = ""  # the outcome that moved it, and the rule's words
    reason_en: str = ""
    note: str = ""  # the rule's own words (its ``note``), for a short line
    note_en: str = ""


@attrs.frozen(kw_only=True)
class InterestDeclared(Event):
    matter: str
    person: str
    reason: str
    meeting: str | None = None


@attrs.frozen(kw_only=True)
class StepRecorded(Event):
    """A step held outside the system, entered from its paper record: the log
    says it was entered, not held (no attendance, ballots or notice of its own)."""

    matter: str
    stage: str
    kind: str  # the stage kind, as the rule set had it when entered
    held_on: dt.date
    outcome: str
    minutes: str
    body: str | None = None
    counts: Mapping[str, int] = attrs.field(factory=dict)
