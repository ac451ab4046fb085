"""What the log says about disclosures (公开/公示): the notice posted, the
objections raised, answered or escalated, and the close.

Kept apart from ``state`` (which imports this module, so the folds are registered
before any event is folded) to keep each module readable.
"""

from __future__ import annotations

from yishi.domain import events as ev
from yishi.domain.state import Disclosure, Objection, State, _apply


@_apply.register
def _(e: ev.DisclosurePublished, s: State) -> None:
    s.disclosures[e.disclosure] = Disclosure(
        e.disclosure,
        e.matter,
        e.stage,
        e.kind,
        e.title,
        e.posted_on,
        e.until,
        e.objections_until,
        e.reply_days,
        e.channels,
        dict(e.content),
        checkpoint=dict(e.checkpoint) if e.checkpoint else None,
        periods=dict(e.periods) if e.periods else {},
        procedure=s.matters[e.matter].procedure,
    )
    s.matters[e.matter].disclosures.append(e.disclosure)


@_apply.register
def _(e: ev.ObjectionRaised, s: State) -> None:
    s.objections[e.objection] = Objection(
        e.objection,
        e.disclosure,
        e.person,
        e.text,
        e.at.date(),
        e.reply_due,
        periods=dict(e.periods) if e.periods else {},
    )
    s.disclosures[e.disclosure].objections.append(e.objection)


@_apply.register
def _(e: ev.ObjectionAnswered, s: State) -> None:
    objection = s.objections[e.objection]
    objection.reply = e.reply
    objection.resolved = e.resolved


@_apply.register
def _(e: ev.ObjectionEscalated, s: State) -> None:
    s.objections[e.objection].escalated = True


@_apply.register
def _(e: ev.DisclosureClosed, s: State) -> None:
    s.disclosures[e.disclosure].closed = e.outcome
