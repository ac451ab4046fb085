"""Answers from outside the community: approvals by an authority the rule set names
(domain/approval.py) and referrals to an outside body (转办答复, domain/referral.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs

from yishi.domain.events.base import Event


@attrs.frozen(kw_only=True)
class ApprovalRecorded(Event):
    matter: str
    by: str  # the authority, as the rule set names it
    approved: bool
    document: str
    text: str = ""
    due: str = ""  # ISO date the reply was due by (reply_working_days), if it had a limit


@attrs.frozen(kw_only=True)
class ApprovalOverdue(Event):
    """A tick found an approval with a working-day limit (一事一议's county review)
    still unanswered after its last day. Recorded once; the reply, when it comes,
    is recorded as late."""

    matter: str
    by: str  # the authority, as the rule set names it
    due: dt.date


@attrs.frozen(kw_only=True)
class ReferralSent(Event):
    """The matter was sent to an outside body that must answer by ``due``."""

    matter: str
    referral: str
    stage: str
    to: str  # the recipient's name, as the rule set lists it (or as entered)
    text: str
    due: dt.date
    periods: Mapping[str, Any] | None = None  # {"answer": Period.to_json()}


@attrs.frozen(kw_only=True)
class ReferralOverdue(Event):
    """A tick found the answer missing after its last day."""

    matter: str
    referral: str
    due: dt.date
    # The stage's on_overdue took the matter elsewhere: the referral is closed unanswered.
    withdrawn: bool = False


@attrs.frozen(kw_only=True)
class ReferralAnswered(Event):
    matter: str
    referral: str
    document: str  # the answer's reference: 文号, receipt, 回执
    text: str
    resolved: bool  # 办结 / 审核通过 / 准予备案 / 接单; false: 未办结 / 须修改 / 不接单
    late: bool = False
