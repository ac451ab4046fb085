"""What the log says about referrals (转办答复): the record of each, and its folds.

Kept beside the handlers (domain/referral.py) rather than in ``state``, which
imports this module so the folds are registered before any event is folded.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from yishi.domain import events as ev
from yishi.domain.state import State, _apply


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

    @property
    def open(self) -> bool:
        return self.answered_on is None


@_apply.register
def _(e: ev.ReferralSent, s: State) -> None:
    s.referrals[e.referral] = Referral(
        e.referral, e.matter, e.stage, e.to, e.text, e.at.date(), e.due, dict(e.periods)
    )
    s.matters[e.matter].referrals.append(e.referral)


@_apply.register
def _(e: ev.ReferralOverdue, s: State) -> None:
    s.referrals[e.referral].overdue = True


@_apply.register
def _(e: ev.ReferralAnswered, s: State) -> None:
    referral = s.referrals[e.referral]
    referral.answered_on = e.at.date()
    referral.document = e.document
    referral.answer = e.text
    referral.resolved = e.resolved
    referral.late = e.late
