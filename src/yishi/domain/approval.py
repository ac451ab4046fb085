"""Outside approval of a decision before it is carried out (农村土地承包法 Art. 52:
"并报乡（镇）人民政府批准"). A matter type names the authority and the stage that
waits for it; the reply is entered as a record with its document.

A matter type may need several approvals in order (一事一议: the township reviews,
then the county reviews again and answers in writing within 7 working days). An
approval with ``reply_working_days`` is due that many working days after the one
before it, counted by the rule set's ``[periods]`` calendar (weekends, public
holidays and 调休 working days). A ``tick`` after that day records the reply as
overdue, once, as a referral's is (domain/referral.py); a late reply is still
recorded, with its due date, so the delay shows."""

from __future__ import annotations

import datetime as dt

from yishi.domain import commands as cmd
from yishi.domain import events as ev
from yishi.domain.authority import authorize
from yishi.domain.errors import Refusal, Text
from yishi.domain.flow import follow
from yishi.domain.lookup import get_matter
from yishi.domain.naming import matter_name
from yishi.domain.periods import Counting, count
from yishi.domain.rules import Approval, RuleSet, StageKind, StageSpec, approvals_of
from yishi.domain.state import Matter, State
from yishi.domain.transitions import Action, Transition


def approval_for(ruleset: RuleSet, matter: Matter) -> Approval | None:
    """The next approval the matter waits for (None: none needed, or all received)."""
    chain = approvals_of(ruleset.matter_types.get(matter.matter_type or ""))
    return next((a for a in chain if a.by not in matter.approved_by), None)


def require_approval(state: State, ruleset: RuleSet, matter: Matter, stage: StageSpec) -> None:
    """Refuse to act in ``stage`` while an approval it waits for is missing."""
    for n, needed in enumerate(approvals_of(ruleset.matter_types.get(matter.matter_type or ""))):
        if needed.before == stage.id and needed.by not in matter.approved_by:
            key = "approval" if n == 0 else f"further_approvals[{n - 1}]"
            raise Refusal(
                "step_missing",
                rule=f"matter_types.{matter.matter_type}.{key}",
                step=Text(f"{needed.by}批准", f"{needed.label('en')} approval"),
            )


def due(ruleset: RuleSet, matter: Matter, needed: Approval) -> dt.date | None:
    """When a reply with a working-day limit is due: counted from the approval before it."""
    if needed.reply_working_days is None:
        return None
    chain = approvals_of(ruleset.matter_types.get(matter.matter_type or ""))
    index = chain.index(needed)
    if index == 0:
        return None
    start = matter.approved_on.get(chain[index - 1].by)
    if start is None:
        return None
    period = count(start, needed.reply_working_days, Counting.WORKING_DAYS, ruleset.calendar)
    return period.last_day


def overdue(state: State, ruleset: RuleSet, matter: Matter, now: dt.datetime) -> list[ev.Event]:
    """The reply the matter waits for, found missing after its last day: recorded once."""
    needed = approval_for(ruleset, matter)
    if needed is None or needed.by in matter.approval_deadlines:
        return []  # nothing awaited, or already found overdue
    last_day = due(ruleset, matter, needed)
    if last_day is None or now.date() <= last_day:
        return []
    return [
        ev.ApprovalOverdue(at=now, actor="system", matter=matter.id, by=needed.by, due=last_day)
    ]


def _deciding_stage(ruleset: RuleSet, before: str) -> StageSpec | None:
    """The last meeting in sequence before the stage that waits: the decision to approve."""
    found = None
    for stage in ruleset.stages:
        if stage.id == before:
            return found
        if stage.in_sequence and stage.kind is StageKind.MEETING:
            found = stage
    return found


def record(
    state: State, c: cmd.RecordApproval, ruleset: RuleSet, now: dt.datetime
) -> list[ev.Event]:
    matter = get_matter(state, c.matter)
    chain = approvals_of(ruleset.matter_types.get(matter.matter_type or ""))
    if not chain:
        raise Refusal("no_approval_needed", matter=matter_name(state, matter))
    needed = approval_for(ruleset, matter)
    if needed is None:
        raise Refusal("already_approved", by=chain[-1].by)
    if matter.status != "in_progress":
        raise Refusal("matter_closed", matter=matter_name(state, matter))
    waiting = ruleset.stage(needed.before)
    authorize(
        state, ruleset, c.on_behalf_of or c.actor, waiting.actors, f"stages.{waiting.id}.actors"
    )
    deciding = _deciding_stage(ruleset, needed.before)
    if deciding is not None and not any(
        state.meetings[m].stage == deciding.id and state.meetings[m].outcome == "passed"
        for m in matter.meetings
    ):
        raise Refusal("step_missing", step=Text(deciding.name, deciding.name_en or deciding.name))
    if not c.document.strip():
        raise Refusal("reason_required")
    recorded = ev.ApprovalRecorded(
        at=now,
        actor=c.actor,
        on_behalf_of=c.on_behalf_of,
        matter=matter.id,
        by=needed.by,
        approved=c.approved,
        document=c.document,
        text=c.text,
        due=due_on.isoformat() if (due_on := due(ruleset, matter, needed)) else "",
    )
    if c.approved:
        return [recorded]
    # Not approved: the decision may not be carried out.
    return [
        recorded,
        *follow(
            ruleset,
            matter,
            Transition(Action.ABANDON),
            now,
            c.actor,
            f"{needed.by}不予批准（{c.document}），不得实施",
            f"{needed.label('en')} refused approval ({c.document}); not to be carried out",
        ),
    ]
