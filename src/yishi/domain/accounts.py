"""Accounts against the budget (收支对照预算), kept while a matter is carried out.

实施结果公开 must show the accounts (村组法 Art. 35, the 四议两公开 procedure's
last step; 一事一议 publishes the use of money raised). A matter's accounts are
its budget, as the decision or plan set it, and the income and expenditure
lines recorded during execution, each by a named person with an optional
voucher (凭证) and evidence files.

Money is exact: amounts are whole 分 (``int``) in events and state, parsed from
decimal text in 元 ("12000", "12000.50") or a :class:`~decimal.Decimal`, never
from a float. This module is pure: values, the parse, the fold of the two
events, and the summary a notice prints.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import attrs

from yishi.domain import events as ev

EXPENDITURE = "expenditure"
INCOME = "income"
ENTRY_KINDS = (EXPENDITURE, INCOME)

# Ten thousand million 元 (一百亿): more than any village or community project;
# a larger figure is a typing slip (a missing decimal point) or an attack.
MAX_FEN = 10**12
MAX_LINES = 200  # budget lines in one plan
_YUAN = re.compile(r"^\s*([0-9]{1,13})(?:\.([0-9]{1,2}))?\s*$")


class AmountError(ValueError):
    """An amount that is not a plain sum of money in 元 with at most two decimals."""


def to_fen(amount: object) -> int:
    """``amount`` (text in 元, an ``int`` of 元 or a ``Decimal``) as whole 分.

    Refuses floats (binary fractions are not money), negative or zero sums,
    more than two decimals (分 is the smallest unit) and sums above
    :data:`MAX_FEN`."""
    if isinstance(amount, (bool, float)):
        raise AmountError('a float is not exact: write the amount as text, e.g. "12000.50"')
    if isinstance(amount, int):
        amount = str(amount)
    if isinstance(amount, Decimal):
        if not amount.is_finite():
            raise AmountError("not a number")
        amount = format(amount, "f")
    if not isinstance(amount, str):
        raise AmountError(f"expected text in yuan, found {type(amount).__name__}")
    found = _YUAN.match(amount)
    if found is None:
        raise AmountError("expected yuan with at most two decimals, e.g. 12000 or 12000.50")
    fen = int(found.group(1)) * 100 + int((found.group(2) or "0").ljust(2, "0"))
    if fen <= 0:
        raise AmountError("the amount must be more than zero")
    if fen > MAX_FEN:
        raise AmountError(f"larger than the limit of {yuan(MAX_FEN)} yuan")
    return fen


def amount_text(amount: object) -> str:
    """An attrs converter for commands: money as exact text, refusing a float at once
    (a float is wrong in code, not in a resident's input, so it raises ``TypeError``)."""
    if isinstance(amount, (bool, float)):
        raise TypeError("amounts are exact: pass text, an int or a Decimal, never a float")
    if isinstance(amount, Decimal):
        return format(amount, "f")
    if isinstance(amount, int):
        return str(amount)
    return amount  # type: ignore[return-value]  # text is checked when decided


def yuan(fen: int) -> str:
    """Whole 分 as 元 with two decimals: ``1200050`` → ``"12000.50"``."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole}.{cents:02d}"


@attrs.frozen
class Entry:
    """One income or expenditure line, as recorded."""

    day: str  # ISO date it was recorded
    kind: str  # expenditure | income
    item: str
    fen: int
    recorded_by: str  # the person whose act it is (on_behalf_of, else actor)
    document: str = ""  # voucher or invoice reference (凭证号)
    text: str = ""


@attrs.define
class Accounts:
    """A matter's budget and entries; folded by ``state.evolve``."""

    budget: tuple[tuple[str, int], ...] | None = None  # (item, 分), as recorded
    source: str = ""  # the decision or plan the budget comes from
    budget_by: str = ""
    entries: list[Entry] = attrs.Factory(list)

    @property
    def kept(self) -> bool:
        return self.budget is not None or bool(self.entries)


def fold_budget(accounts: Accounts, event: Any) -> None:
    accounts.budget = tuple((item, int(fen)) for item, fen in event.lines)
    accounts.source = event.source
    accounts.budget_by = event.on_behalf_of or event.actor


def fold_entry(accounts: Accounts, event: Any) -> None:
    accounts.entries.append(
        Entry(
            day=event.at.date().isoformat(),
            kind=event.kind,
            item=event.item,
            fen=event.amount_fen,
            recorded_by=event.on_behalf_of or event.actor,
            document=event.document,
            text=event.text,
        )
    )


def from_events(events: Any) -> Accounts:
    """The accounts as of the last of ``events`` (a notice's own events, as posted)."""
    accounts = Accounts()
    for event in events:
        # isinstance, not the class name: a plugin's read-only view wraps each event
        # in a proxy that reports the wrapped class to isinstance only.
        if isinstance(event, ev.BudgetRecorded):
            fold_budget(accounts, event)
        elif isinstance(event, ev.AccountEntryRecorded):
            fold_entry(accounts, event)
    return accounts


def summarize(accounts: Accounts) -> dict[str, Any]:
    """Budget against spending, per line and in total, in 分.

    Each budget line gets what was spent under its item; spending under an item
    the budget does not name is a line of its own with no budget (预算外), and
    counts as over budget. Income is listed apart; it does not offset a line's
    spending (a grant raises the money available, not the plan)."""
    budget = dict(accounts.budget or ())
    spent: dict[str, int] = {}
    for entry in accounts.entries:
        if entry.kind == EXPENDITURE:
            spent[entry.item] = spent.get(entry.item, 0) + entry.fen
    lines = []
    for item, planned in accounts.budget or ():
        used = spent.get(item, 0)
        lines.append(_line(item, planned, used))
    for item, used in spent.items():
        if item not in budget:
            lines.append(_line(item, None, used))
    total_budget = sum(budget.values())
    total_spent = sum(spent.values())
    income = [e for e in accounts.entries if e.kind == INCOME]
    return {
        "has_budget": accounts.budget is not None,
        "source": accounts.source,
        "lines": lines,
        "total": _line("", total_budget if accounts.budget is not None else None, total_spent),
        "income": sum(e.fen for e in income),
        "entries": list(accounts.entries),
    }


def _line(item: str, planned: int | None, used: int) -> dict[str, Any]:
    over = used - planned if planned is not None else used
    return {
        "item": item,
        "budget": planned,
        "spent": used,
        "over": max(over, 0) if planned is not None else used,
        "remaining": max(-over, 0) if planned is not None else 0,
        "unbudgeted": planned is None,
    }


def accounts_content(accounts: Accounts) -> dict[str, Any]:
    """The summary a disclosure records with its content: lines and totals in 分."""
    summary = summarize(accounts)
    return {
        "source": summary["source"],
        "lines": [
            {k: line[k] for k in ("item", "budget", "spent", "over", "remaining", "unbudgeted")}
            for line in summary["lines"]
        ],
        "total": {k: summary["total"][k] for k in ("budget", "spent", "over", "remaining")},
        "income": summary["income"],
    }
