"""Disclosure stages (公开): posting, objections, replies, escalation, closing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from yishi.domain import commands as cmd
from yishi.domain import events as ev
from yishi.domain.accounts import accounts_content
from yishi.domain.authority import authorize, authorize_stage, describe
from yishi.domain.errors import Refusal, Text, named
from yishi.domain.flow import follow
from yishi.domain.lookup import current_stage, get_matter
from yishi.domain.naming import disclosure_name, objection_name
from yishi.domain.referral_state import referral_content
from yishi.domain.rules import RuleSet, StageKind, StageSpec
from yishi.domain.state import Disclosure, Matter, State
from yishi.domain.steps import wrong_step
from yishi.domain.transitions import Transition


def publish(state: State, c: cmd.Publish, ruleset: RuleSet, now: dt.datetime) -> list[ev.Event]:
    matter = get_matter(state, c.matter)
    stage = current_stage(state, ruleset, matter)
    if stage.kind is not StageKind.DISCLOSURE:
        raise wrong_step(ruleset, matter, stage, StageKind.DISCLOSURE)
    authorize_stage(state, ruleset, c, stage)
    review = _review(state, ruleset, c, stage)
    if matter.open_disclosure(state) is not None:
        raise Refusal("disclosure_open", stage=named(stage))
    if c.disclosure in state.disclosures:
        raise Refusal("duplicate_id", id=c.disclosure)
    posted = now.date()
    rules = stage.objections
    # 民法典 Arts. 201, 203: the posting day is not counted, and a period
    # ending on a rest day runs on to the next working day.
    posting = ruleset.period(posted, stage.disclosure_days)
    periods = {"posting": posting.to_json()}
    window = None
    if rules is not None:
        objections = (
            posting if rules.window_days is None else ruleset.period(posted, rules.window_days)
        )
        periods["objections"] = objections.to_json()
        window = objections.end
    return [
        ev.DisclosurePublished(
            at=now,
            actor=c.actor,
            on_behalf_of=c.on_behalf_of,
            matter=matter.id,
            disclosure=c.disclosure,
            stage=stage.id,
            kind=stage.disclosure_kind,
            title=c.title or f"{matter.title}（{stage.name}）",
            posted_on=posted,
            until=posting.end,
            objections_until=window,
            reply_days=rules.reply_days if rules else None,
            periods=periods,
            channels=stage.channels,
            content={**disclosure_content(state, matter, c.text), **review},
        )
    ]


def _review(state: State, ruleset: RuleSet, c: cmd.Publish, stage: StageSpec) -> dict[str, Any]:
    """The monitoring committee's review before posting, where the stage asks for it."""
    if not stage.reviewers:
        return {}
    who = describe(ruleset, stage.reviewers)
    if not c.review.strip() or c.reviewer is None:
        raise Refusal(
            "step_missing",
            rule=f"stages.{stage.id}.reviewers",
            step=Text(f"{who.zh}审核（监督意见）", f"review by {who.en} (its opinion)"),
        )
    authorize(state, ruleset, c.reviewer, stage.reviewers, f"stages.{stage.id}.reviewers")
    return {
        "review": {
            "by": state.people[c.reviewer].name,
            "body": who.zh,
            "body_en": who.en,
            "opinion": c.review,
        }
    }


def disclosure_content(state: State, matter: Matter, text: str) -> dict[str, Any]:
    """What the notice states: the decisions so far, with their numbers and recusals."""
    decisions = []
    for meeting_id in matter.meetings:
        meeting = state.meetings[meeting_id]
        if meeting.closed and meeting.result is not None:
            decisions.append(
                {
                    "meeting": meeting.id,
                    "stage": meeting.stage,
                    "body": meeting.body,
                    "date": meeting.date.isoformat(),
                    "method": meeting.method,
                    "outcome": meeting.outcome,
                    "counts": {
                        k: meeting.result["counts"].get(k, 0)
                        for k in ("yes", "no", "abstain", "present", "entitled", "composition")
                    },
                    "quorum": meeting.result["quorum"]["explanation"],
                    "threshold": (meeting.result["threshold"] or {}).get("explanation"),
                    **({"urgent_notice": meeting.urgent_reason} if meeting.urgent_reason else {}),
                    # held by an earlier council, before the matter was handed on
                    **(
                        {"procedure": meeting.procedure}
                        if meeting.procedure and meeting.procedure != matter.procedure
                        else {}
                    ),
                    "election": bool(meeting.candidates),
                    "elected": [
                        state.people[p].name
                        for p in (meeting.result["threshold"] or {}).get("elected", [])
                    ],
                }
            )
    return {
        "matter": matter.id,
        "title": matter.title,
        "matter_type": matter.matter_type,
        "text": text,
        "decisions": decisions,
        # Steps entered from the paper record (补录): the notice says so.
        "recorded": [
            dict(r) | ({"procedure": p} if p != matter.procedure else {})
            for r, p in zip(matter.recorded, matter.recorded_in, strict=True)
        ],
        "recusals": [
            {"person": state.people[p].name, "reason": r} for p, r in matter.recused.items()
        ],
        "objections": [
            {
                "objection": o.id,
                "raised_on": o.raised_on.isoformat(),
                "text": o.text,
                "reply": o.reply,
                "resolved": o.resolved,
                "escalated": o.escalated,
            }
            for d in matter.disclosures
            for o in (state.objections[i] for i in state.disclosures[d].objections)
        ],
        "progress": [
            {"date": d.isoformat(), "text": t, "percent": pct} for d, t, pct in matter.progress
        ],
        **(
            {
                "approvals": [
                    {"by": by, "approved": ok, "document": doc} for by, ok, doc in matter.approvals
                ]
            }
            if matter.approvals
            else {}
        ),
        **({"referrals": referral_content(state, matter)} if matter.referrals else {}),
        # The accounts as they stood when posted, in 分 (domain/accounts.py): the
        # record itself then carries the figures the notice printed.
        **({"accounts": accounts_content(matter.accounts)} if matter.accounts.kept else {}),
    }


def _disclosure(state: State, disclosure_id: str) -> Disclosure:
    found = state.disclosures.get(disclosure_id)
    if found is None:
        raise Refusal("unknown_disclosure", disclosure=disclosure_id)
    return found


def raise_objection(
    state: State, c: cmd.RaiseObjection, ruleset: RuleSet, now: dt.datetime
) -> list[ev.Event]:
    disclosure = _disclosure(state, c.disclosure)
    matter = state.matters[disclosure.matter]
    stage = ruleset.stage(disclosure.stage)
    if disclosure.closed is not None:
        raise Refusal("disclosure_closed", disclosure=disclosure_name(state, disclosure))
    if (
        stage.objections is None
        or disclosure.objections_until is None
        or disclosure.reply_days is None
    ):
        raise Refusal("objections_not_open", rule=f"stages.{stage.id}.objections")
    today = now.date()
    if today >= disclosure.objections_until:
        raise Refusal("objection_window_over", until=disclosure.objections_until.isoformat())
    if c.person not in state.people:
        raise Refusal("unknown_person", person=c.person)
    actor = c.on_behalf_of or c.actor
    if actor != c.person and actor not in state.people:
        raise Refusal("unknown_person", person=actor)
    if c.objection in state.objections:
        raise Refusal("duplicate_id", id=c.objection)
    if not c.text.strip():
        raise Refusal("reason_required")
    reply = ruleset.period(today, disclosure.reply_days)
    return [
        ev.ObjectionRaised(
            at=now,
            actor=c.actor,
            on_behalf_of=c.on_behalf_of,
            matter=matter.id,
            disclosure=disclosure.id,
            objection=c.objection,
            person=c.person,
            text=c.text,
            reply_due=reply.last_day,
            periods={"reply": reply.to_json()},
        )
    ]


def answer_objection(
    state: State, c: cmd.AnswerObjection, ruleset: RuleSet, now: dt.datetime
) -> list[ev.Event]:
    objection = state.objections.get(c.objection)
    if objection is None:
        raise Refusal("unknown_objection", objection=c.objection)
    disclosure = state.disclosures[objection.disclosure]
    matter = state.matters[disclosure.matter]
    stage = ruleset.stage(disclosure.stage)
    rules = stage.objections
    assert rules is not None  # an objection exists only where objections are allowed
    authorize(
        state,
        ruleset,
        c.on_behalf_of or c.actor,
        rules.handler or stage.actors,
        f"stages.{stage.id}.objections.handler",
    )
    if not objection.pending:
        raise Refusal("objection_not_pending", objection=objection_name(state, objection))
    answered = ev.ObjectionAnswered(
        at=now,
        actor=c.actor,
        on_behalf_of=c.on_behalf_of,
        matter=matter.id,
        objection=objection.id,
        reply=c.reply,
        resolved=c.resolved,
    )
    if c.resolved:
        return [answered]
    cause = objection_name(state, objection)
    reason = f"{cause.zh}：异议人对答复不满意"
    reason_en = f"{cause.en}: the objector is not satisfied with the reply"
    return [
        answered,
        *_escalate(
            state,
            ruleset,
            matter,
            disclosure,
            [(objection.id, reason, reason_en)],
            rules.on_unresolved,
            now,
            c.actor,
        ),
    ]


def _escalate(
    state: State,
    ruleset: RuleSet,
    matter: Matter,
    disclosure: Disclosure,
    reasons: list[tuple[str, str, str]],
    transition: Transition | None,
    now: dt.datetime,
    actor: str,
) -> list[ev.Event]:
    """Escalate objections, given as (objection, reason, reason in English).

    With an ``on_unresolved`` transition the notice is suspended and the matter
    moves on; every objection still waiting is escalated with it, so none is
    left pending on a notice that is no longer up.
    """
    events: list[ev.Event] = [
        ev.ObjectionEscalated(
            at=now, actor=actor, matter=matter.id, objection=o, reason=zh, reason_en=en
        )
        for o, zh, en in reasons
    ]
    if transition is None or matter.status != "in_progress" or matter.stage != disclosure.stage:
        return events  # recorded for the board; the procedure itself goes on
    named = {o for o, _, _ in reasons}
    for other in disclosure.objections:
        if other not in named and state.objections[other].pending:
            zh, en = "公示中止，一并提交审议", "notice suspended; escalated with the others"
            events.append(
                ev.ObjectionEscalated(
                    at=now, actor=actor, matter=matter.id, objection=other, reason=zh, reason_en=en
                )
            )
    events.append(
        ev.DisclosureClosed(
            at=now, actor=actor, matter=matter.id, disclosure=disclosure.id, outcome="suspended"
        )
    )
    _, zh, en = reasons[0]
    names = ruleset.names
    events += follow(
        ruleset,
        matter,
        transition,
        now,
        actor,
        f"{zh}，{transition.describe('zh', names('zh'))}",
        f"{en}; {transition.describe('en', names('en'))}",
    )
    return events


def due(state: State, ruleset: RuleSet, matter: Matter, now: dt.datetime) -> list[ev.Event]:
    """Everything that fell due for one matter's open disclosure by ``now``."""
    disclosure = matter.open_disclosure(state)
    if disclosure is None:
        return []
    stage = ruleset.stage(disclosure.stage)
    today = now.date()
    overdue = [
        state.objections[o]
        for o in disclosure.objections
        if state.objections[o].pending and today > state.objections[o].reply_due
    ]
    events: list[ev.Event] = []
    if overdue:
        reasons = [
            (
                o.id,
                f"{objection_name(state, o).zh}未在 {disclosure.reply_days} 日内答复（答复期限至 {o.reply_due.isoformat()}）",
                f"{objection_name(state, o).en} not answered within {disclosure.reply_days} days (due {o.reply_due.isoformat()})",
            )
            for o in overdue
        ]
        rules = stage.objections
        events = _escalate(
            state,
            ruleset,
            matter,
            disclosure,
            reasons,
            rules.on_unresolved if rules else None,
            now,
            "system",
        )
        if any(isinstance(e, ev.DisclosureClosed) for e in events):
            return events
    if today < disclosure.until:
        return events
    escalated = {o.id for o in overdue}
    if any(state.objections[o].pending and o not in escalated for o in disclosure.objections):
        return events  # the period is over, but an answer is still within its limit
    first, last = disclosure.first_day, disclosure.until - dt.timedelta(days=1)
    reason = f"{stage.name}：公示期满（{first.isoformat()} 至 {last.isoformat()}）"
    reason_en = f"{stage.name_en or stage.name}: posting period ended ({first} to {last})"
    return [
        *events,
        ev.DisclosureClosed(
            at=now, actor="system", matter=matter.id, disclosure=disclosure.id, outcome="ended"
        ),
        *follow(ruleset, matter, stage.on_pass, now, "system", reason, reason_en),
    ]
