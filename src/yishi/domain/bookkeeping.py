"""Recording a matter's budget and its income and expenditure (记账), in the execution stage.

The values, the parse of amounts and the summary are in ``accounts.py``; this
module decides the two commands. Both are acts of the stage's actors (the
committee carrying the matter out), entered by them or by a recorder for them.
"""

from __future__ import annotations

import datetime as dt

from yishi.domain import commands as cmd
from yishi.domain import events as ev
from yishi.domain.accounts import ENTRY_KINDS, EXPENDITURE, MAX_LINES, AmountError, to_fen, yuan
from yishi.domain.approval import require_approval
from yishi.domain.authority import authorize_stage
from yishi.domain.errors import Refusal
from yishi.domain.lookup import current_stage, get_matter
from yishi.domain.rules import RuleSet, StageKind, StageSpec
from yishi.domain.state import Matter, State
from yishi.domain.steps import wrong_step


def _executing(state: State, ruleset: RuleSet, c: cmd.Command, matter_id: str) -> Matter:
    matter = get_matter(state, matter_id)
    stage: StageSpec = current_stage(state, ruleset, matter)
    if stage.kind is not StageKind.EXECUTION:
        raise wrong_step(ruleset, matter, stage, StageKind.EXECUTION)
    require_approval(state, ruleset, matter, stage)
    authorize_stage(state, ruleset, c, stage)
    return matter


def _fen(amount: str, field: str) -> int:
    try:
        return to_fen(amount)
    except AmountError as exc:
        raise Refusal("bad_amount", field=field, amount=amount, why=str(exc)) from None


def _item(item: str, field: str) -> str:
    item = item.strip()
    if not item:
        raise Refusal("empty_account_item", field=field)
    return item


def record_budget(
    state: State, c: cmd.RecordBudget, ruleset: RuleSet, now: dt.datetime
) -> list[ev.Event]:
    matter = _executing(state, ruleset, c, c.matter)
    if matter.accounts.budget is not None:
        # A changed plan is a new decision: its budget is not overwritten in place.
        raise Refusal(
            "budget_recorded",
            total=yuan(sum(fen for _, fen in matter.accounts.budget)),
            source=matter.accounts.source,
        )
    if not c.lines:
        raise Refusal("empty_budget")
    if len(c.lines) > MAX_LINES:
        raise Refusal("too_many_budget_lines", count=len(c.lines), limit=MAX_LINES)
    if not c.source.strip():
        raise Refusal("budget_source_missing")
    lines: list[tuple[str, int]] = []
    for n, line in enumerate(c.lines):
        item = _item(line.item, f"lines[{n}].item")
        if any(item == seen for seen, _ in lines):
            raise Refusal("budget_item_twice", item=item)
        lines.append((item, _fen(line.amount, f"lines[{n}].amount")))
    return [
        ev.BudgetRecorded(
            at=now,
            actor=c.actor,
            on_behalf_of=c.on_behalf_of,
            matter=matter.id,
            lines=tuple(lines),
            source=c.source.strip(),
        )
    ]


def record_entry(
    state: State, c: cmd.RecordAccountEntry, ruleset: RuleSet, now: dt.datetime
) -> list[ev.Event]:
    matter = _executing(state, ruleset, c, c.matter)
    if c.kind not in ENTRY_KINDS:
        raise Refusal("bad_value", field="kind", value=c.kind, allowed="expenditure、income")
    if c.kind == EXPENDITURE and matter.accounts.budget is None:
        raise Refusal("no_budget")
    return [
        ev.AccountEntryRecorded(
            at=now,
            actor=c.actor,
            on_behalf_of=c.on_behalf_of,
            matter=matter.id,
            kind=c.kind,
            item=_item(c.item, "item"),
            amount_fen=_fen(c.amount, "amount"),
            document=c.document.strip(),
            text=c.text,
        )
    ]
