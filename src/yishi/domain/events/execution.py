"""Carrying a decision out and rating it: progress, sign-off, completion, budget and
accounts (domain/accounts.py), ratings and the evaluation's verdict."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from yishi.domain.events.base import Event


@attrs.frozen(kw_only=True)
class ProgressRecorded(Event):
    matter: str
    text: str
    percent: int | None = None


@attrs.frozen(kw_only=True)
class ExecutionSignedOff(Event):
    matter: str
    supervisor: str
    text: str = ""


@attrs.frozen(kw_only=True)
class ExecutionCompleted(Event):
    matter: str
    text: str = ""


@attrs.frozen(kw_only=True)
class BudgetRecorded(Event):
    """The budget a matter is carried out against, as its decision or plan set it
    (domain/accounts.py): lines of (item, amount in 分)."""

    matter: str
    lines: tuple[tuple[str, int], ...]
    source: str  # the decision or plan it comes from


@attrs.frozen(kw_only=True)
class AccountEntryRecorded(Event):
    """One income or expenditure line during execution, in whole 分."""

    matter: str
    kind: str  # expenditure | income
    item: str
    amount_fen: int
    document: str = ""  # voucher or invoice reference (凭证号)
    text: str = ""


@attrs.frozen(kw_only=True)
class RatingSubmitted(Event):
    matter: str
    person: str
    rating: str


@attrs.frozen(kw_only=True)
class EvaluationClosed(Event):
    matter: str
    outcome: str  # passed | rejected
    threshold: Mapping[str, Any]
    counts: Mapping[str, int]
