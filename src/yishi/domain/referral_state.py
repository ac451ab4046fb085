"""What the log says about referrals (转办答复): the record of each, and its folds.

Kept beside the handlers (domain/referral.py) rather than in ``state``, which
imports this module so the folds are registered before any event is folded.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from yishi.domain import events as ev
from yishi.domain.state import Matter, State, _apply


@attrs.define
class Referral:
    id: str
    matter: str
    stage: str
    to: str
    text: str
    sent_on: dt.date
    due: dt.date
    periods: dict[str, Any] = attrs.Factory(dict)
    overdue: bool = False  # a tick found it unanswered after ``due``
    answered_on: dt.date | None = None
    document: str = ""
    answer: str = ""
    resolved: bool | None = None
    late: bool = False
    withdrawn: bool = False  # closed unanswered when the stage's on_overdue moved on

    @property
    def waiting(self) -> bool:
        return self.answered_on is None and not self.withdrawn


@_apply.register
def _(e: ev.ReferralSent, s: State) -> None:
    s.referrals[e.referral] = Referral(
        e.referral, e.matter, e.stage, e.to, e.text, e.at.date(), e.due, dict(e.periods or {})
    )
    s.matters[e.matter].referrals.append(e.referral)


@_apply.register
def _(e: ev.ReferralOverdue, s: State) -> None:
    s.referrals[e.referral].overdue = True
    s.referrals[e.referral].withdrawn = e.withdrawn


@_apply.register
def _(e: ev.ReferralAnswered, s: State) -> None:
    referral = s.referrals[e.referral]
    referral.answered_on = e.at.date()
    referral.document = e.document
    referral.answer = e.text
    referral.resolved = e.resolved
    referral.late = e.late


def referral_content(state: State, matter: Matter) -> list[dict[str, Any]]:
    """A matter's referrals as plain data: for a notice's content and ``yishi run --json``."""
    found = []
    for referral_id in matter.referrals:
        r = state.referrals[referral_id]
        found.append(
            {
                "referral": r.id,
                "stage": r.stage,
                "to": r.to,
                "sent_on": r.sent_on.isoformat(),
                "due": r.due.isoformat(),
                "period": r.periods.get("answer"),
                "overdue": r.overdue,
                "answered_on": r.answered_on.isoformat() if r.answered_on else None,
                "document": r.document,
                "answer": r.answer,
                "resolved": r.resolved,
                "late": r.late,
                "withdrawn": r.withdrawn,
            }
        )
    return found
