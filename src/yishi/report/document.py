"""A scenario run as a stable JSON document ("yishi-run/1", docs/scenarios.md).

Keys are only ever added within a format version, and only where they apply
(a matter handed on, a 村民小组's matter, a standing council's sitting), so
that golden files of earlier runs stay the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from yishi import outcomes
from yishi.domain import events as ev
from yishi.domain.rules import RuleSet
from yishi.domain.sittings import sitting_kind
from yishi.domain.state import Meeting
from yishi.publish.notice import render_notice
from yishi.publish.procedures import handoff_json
from yishi.publish.referral_words import referrals_json
from yishi.scenario.run import RunReport

FORMAT = "yishi-run/1"


def to_json(report: RunReport) -> dict[str, Any]:
    state = report.engine.state
    rs = report.rules
    rulesets = report.rulesets
    moved = {m.id for m in state.matters.values() if m.handoffs}  # matters handed on
    steps = []
    for r in report.results:
        step = r.step
        item: dict[str, Any] = {
            "index": step.index if step.index >= 0 else None,
            "line": step.line,
            "at": step.at.isoformat(),
            "do": step.do,
            "actor": step.command.actor,
            "on_behalf_of": step.command.on_behalf_of,
            "status": r.status,
            "expect": step.expect,
            "events": _event_counts(r.events),
        }
        if r.refusal is not None:
            item["refusal"] = r.refusal.as_dict()
        steps.append(item)
    meetings = []
    for m in state.meetings.values():
        meetings.append(
            {
                "meeting": m.id,
                "matter": m.matter,
                "stage": m.stage,
                "body": m.body,
                "date": m.date.isoformat(),
                "convened_on": m.convened_on.isoformat(),
                "method": m.method,
                "outcome": m.outcome,
                "result": m.result,
                # 临时通知 and its special circumstance, only when used
                **({"urgent_notice": m.urgent_reason} if m.urgent_reason else {}),
                "periods": m.periods,
                # a standing council's regular sitting or a special one (domain/sittings.py)
                **_sitting(rulesets, m),
                **({"procedure": m.procedure} if m.matter in moved else {}),
            }
        )
    disclosures = []
    for d in state.disclosures.values():
        disclosures.append(
            {
                "disclosure": d.id,
                "matter": d.matter,
                "stage": d.stage,
                "kind": d.kind,
                "title": d.title,
                "posted_on": d.posted_on.isoformat(),
                "until": d.until.isoformat(),
                "objections_until": d.objections_until.isoformat() if d.objections_until else None,
                "closed": d.closed,
                # the monitoring committee's review printed on the notice, where one was required
                **({"review": dict(d.content["review"])} if "review" in d.content else {}),
                "periods": d.periods,
                "objections": [
                    {
                        "objection": o.id,
                        "person": o.person,
                        "text": o.text,
                        "raised_on": o.raised_on.isoformat(),
                        "reply_due": o.reply_due.isoformat(),
                        "reply": o.reply,
                        "resolved": o.resolved,
                        "escalated": o.escalated,
                        "periods": o.periods,
                    }
                    for o in (state.objections[i] for i in d.objections)
                ],
                "text": {
                    "zh": render_notice(d, state, rulesets.get(d.procedure, rs), "zh", rulesets),
                    "en": render_notice(d, state, rulesets.get(d.procedure, rs), "en", rulesets),
                },
                **({"procedure": d.procedure} if d.matter in moved else {}),
            }
        )
    matters = [
        {
            "matter": m.id,
            "title": m.title,
            "matter_type": m.matter_type,
            "procedure": m.procedure,
            "status": m.status,
            "stage": m.stage,
            "closing_reason": m.closing_reason,
            "recused": dict(m.recused),
            "merged": list(m.merged),
            **({"approved_by": list(m.approved_by)} if m.approved_by else {}),
            # Replies with a working-day limit: due, overdue, when they came, late.
            **(
                {"approval_deadlines": list(m.approval_deadlines.values())}
                if m.approval_deadlines
                else {}
            ),
            **({"referrals": referrals_json(state, m)} if m.referrals else {}),
            # 一事一议 and 村民小组 facts, only where a matter has them.
            **({"group": m.group} if m.group else {}),
            **({"levy": m.levy} if m.levy is not None else {}),
            **(
                {"canvassed": {h: {"view": v, "signer": s} for h, (_, s, v) in m.canvass.items()}}
                if m.canvass
                else {}
            ),
            "recorded": m.recorded,
            "history": [
                {
                    "stage": h.stage,
                    "entered_on": h.entered_on.isoformat(),
                    "body": h.body,
                    "reason": h.reason,
                    **({"procedure": h.procedure} if m.handoffs else {}),
                }
                for h in m.history
            ],
            # Added within yishi-run/1: each move to another council, when there was one.
            **({"handoffs": [handoff_json(h, rulesets) for h in m.handoffs]} if m.handoffs else {}),
        }
        for m in state.matters.values()
    ]
    return {
        "format": FORMAT,
        "scenario": {"title": report.scenario.title, "community": report.scenario.community},
        "ruleset": {
            "id": rs.id,
            "title": rs.title,
            "statutory": rs.statutory,
            "law_version": rs.law_version,
            "digest": rs.digest,
        },
        # Added within yishi-run/1: every procedure of a community with several councils.
        **(
            {
                "rulesets": [
                    {"id": r.id, "title": r.title, "statutory": r.statutory, "digest": r.digest}
                    for r in rulesets.values()
                ]
            }
            if len(rulesets) > 1
            else {}
        ),
        "steps": steps,
        "meetings": meetings,
        "disclosures": disclosures,
        "matters": matters,
        # Added within yishi-run/1 (docs/scenarios.md): what became of each
        # suggestion, evaluation and escalated objection.
        "suggestions": outcomes.suggestions(state, rs, rulesets),
        "evaluations": outcomes.evaluations(report.all_events(), state, rs, rulesets),
        "escalations": outcomes.escalations(report.all_events(), state),
        "summary": {
            "steps": len([r for r in report.results if r.step.do not in ("tick", "setup")]),
            "refused": len([r for r in report.results if r.refusal is not None]),
            "unexpected": len(report.unexpected),
            "events": report.engine.store.head().size,
        },
    }


def _sitting(rulesets: Mapping[str, RuleSet], meeting: Meeting) -> dict[str, Any]:
    ruleset = rulesets.get(meeting.procedure)
    body = ruleset.bodies.get(meeting.body) if ruleset is not None else None
    kind = sitting_kind(body.sittings if body is not None else None, meeting.date)
    return {"sitting": kind} if kind is not None else {}


def _event_counts(events: list[ev.Event]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for event in events:
        counts[event.type] = counts.get(event.type, 0) + 1
    return counts
