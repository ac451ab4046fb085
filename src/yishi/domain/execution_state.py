"""What the log says after a decision: progress, approvals, sign-off, completion,
budget and accounts, ratings, suggestions, and the 一事一议 canvass and levy plan.

Kept apart from ``state`` (which imports this module, so the folds are registered
before any event is folded) to keep each module readable.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from yishi.domain import events as ev
from yishi.domain.accounts import fold_budget, fold_entry
from yishi.domain.errors import ReplayError
from yishi.domain.state import State, Suggestion, _apply


@_apply.register
def _(e: ev.ProgressRecorded, s: State) -> None:
    s.matters[e.matter].progress.append((e.at.date(), e.text, e.percent))


@_apply.register
def _(e: ev.ApprovalRecorded, s: State) -> None:
    s.matters[e.matter].approvals.append((e.by, e.approved, e.document))
    if e.approved:
        s.matters[e.matter].approved_by.append(e.by)
        s.matters[e.matter].approved_on[e.by] = e.at.date()
    if e.due:
        deadline = _deadline(s, e.matter, e.by, dt.date.fromisoformat(e.due))
        deadline["replied_on"] = e.at.date().isoformat()
        deadline["late"] = e.at.date().isoformat() > e.due


@_apply.register
def _(e: ev.ApprovalOverdue, s: State) -> None:
    _deadline(s, e.matter, e.by, e.due)["overdue"] = True


def _deadline(s: State, matter: str, by: str, due: dt.date) -> dict[str, Any]:
    found = s.matters[matter].approval_deadlines.setdefault(
        by, {"by": by, "due": "", "overdue": False, "replied_on": None, "late": False}
    )
    found["due"] = due.isoformat()
    return found


@_apply.register
def _(e: ev.ExecutionSignedOff, s: State) -> None:
    s.matters[e.matter].signed_off_by.append(e.supervisor)


@_apply.register
def _(e: ev.ExecutionCompleted, s: State) -> None:
    s.matters[e.matter].execution_done = True


@_apply.register
def _(e: ev.BudgetRecorded, s: State) -> None:
    accounts = s.matters[e.matter].accounts
    if accounts.budget is not None:  # decide refuses a second budget; a replay must too
        raise ReplayError(f"BudgetRecorded recorded twice for matter {e.matter}")
    fold_budget(accounts, e)


@_apply.register
def _(e: ev.AccountEntryRecorded, s: State) -> None:
    fold_entry(s.matters[e.matter].accounts, e)


@_apply.register
def _(e: ev.RatingSubmitted, s: State) -> None:
    s.matters[e.matter].ratings[e.person] = e.rating


@_apply.register
def _(e: ev.EvaluationClosed, s: State) -> None:
    pass


@_apply.register
def _(e: ev.StepRecorded, s: State) -> None:
    s.matters[e.matter].recorded.append(
        {
            "stage": e.stage,
            "kind": e.kind,
            "held_on": e.held_on.isoformat(),
            "body": e.body,
            "outcome": e.outcome,
            "counts": dict(e.counts),
            "minutes": e.minutes,
            "entered_at": e.at.isoformat(),
            "entered_by": e.actor,
        }
    )
    s.matters[e.matter].recorded_in.append(s.matters[e.matter].procedure)


@_apply.register
def _(e: ev.SuggestionSubmitted, s: State) -> None:
    s.suggestions[e.suggestion] = Suggestion(
        e.suggestion, e.person, e.title, e.procedure, e.text, e.at.date()
    )


@_apply.register
def _(e: ev.SuggestionDeclined, s: State) -> None:
    s.suggestions[e.suggestion].status = "declined"
    s.suggestions[e.suggestion].reason = e.reason


@_apply.register
def _(e: ev.HouseholdCanvassed, s: State) -> None:
    s.matters[e.matter].canvass[e.household] = (e.representative, e.signer, e.view)


@_apply.register
def _(e: ev.LevyPlanRecorded, s: State) -> None:
    matter = s.matters[e.matter]
    matter.levy = {
        "year": e.year,
        "money": e.money,
        "labour_days": e.labour_days,
        "budget": e.budget,
        "exemptions": [list(x) for x in e.exemptions],
        "text": e.text,
    }
    # The households signed the plan as it was: a new plan is canvassed again.
    matter.canvass = {}
