"""Rendering a scenario run: a readable timeline, or a stable JSON document.

The JSON format is documented in docs/scenarios.md ("yishi-run/1"); golden
tests hold it stable.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from yishi import outcomes
from yishi.domain import events as ev
from yishi.domain.levy import summary as levy_summary
from yishi.domain.periods import Period, describe
from yishi.domain.rules import RuleSet
from yishi.domain.sittings import SITTING_WORDS, sitting_kind
from yishi.domain.state import Meeting
from yishi.domain.tally import attendance_note
from yishi.publish.approval_words import APPROVAL_EVENTS
from yishi.publish.approval_words import report_lines as approval_lines
from yishi.publish.notice import OUTCOMES, method_name, recorded_step_line, render_notice
from yishi.publish.procedures import Procedures, handoff_json, handoff_text, routes_lines
from yishi.publish.referral_words import REFERRAL_EVENTS, referrals_json
from yishi.publish.referral_words import report_lines as referral_lines
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


_DO = {
    "setup": ("登记村（社区）、户、人员与机构", "community set up"),
    "propose": ("提出事项", "proposes"),
    "convene": ("通知召开会议", "convenes"),
    "check_in": ("签到", "checks in"),
    "declare_interest": ("声明回避", "declares an interest"),
    "excuse": ("经批准不计入应到会", "leaves a member out of those who should attend"),
    "proxy": ("登记书面委托", "registers a proxy"),
    "vote": ("投票", "votes"),
    "votes": ("录入表决票", "enters votes"),
    "paper_ballots": ("录入纸质选票", "enters paper ballots"),
    "hand_count": ("录入计票", "enters a hand count"),
    "consensus": ("记录协商结果", "records consensus"),
    "close_meeting": ("宣布表决结果", "closes the meeting"),
    "ballot": ("投票", "casts a ballot"),
    "election_count": ("录入计票结果", "enters the count"),
    "publish": ("张贴公示", "publishes"),
    "object": ("提出异议", "objects"),
    "answer": ("答复异议", "answers an objection"),
    "progress": ("记录实施进度", "records progress"),
    "sign_off": ("监督验收", "signs off"),
    "budget": ("登记预算", "records the budget"),
    "account_entry": ("登记一笔收支", "records income or expenditure"),
    "approve": ("录入批准文件", "records an outside approval"),
    "canvass": ("入户征求意见（农户签字）", "canvasses a household (signed)"),
    "plan": ("录入筹资筹劳方案", "records the levy plan"),
    "complete": ("实施完成", "completes"),
    "rate": ("评价", "rates"),
    "ratings": ("评价", "rates"),
    "close_evaluation": ("结束评议", "closes the evaluation"),
    "record": ("补录此前步骤（据书面记录）", "enters an earlier step from the paper record"),
    "suggest": ("提交建议", "suggests"),
    "merge": ("合并建议为议题", "merges suggestions"),
    "decline": ("退回建议", "declines a suggestion"),
    "tick": ("到期处理", "deadlines"),
    "refer": ("送交（限期答复）", "refers, answer due"),
    "referral_answer": ("录入答复", "records the answer"),
}


def to_text(report: RunReport, lang: str = "zh") -> str:
    en = lang == "en"
    state = report.engine.state
    rs = report.rules

    def name(pid: str) -> str:
        return state.people[pid].name if pid in state.people else pid

    out = [
        ("Scenario: " if en else "场景：") + report.scenario.title,
        # one line: the first is the default procedure, the others the community's other councils
        ("Rule set: " if en else "规则：")
        + ("; " if en else "；").join(
            f"{r.title_en or r.title} ({r.id})" if en else f"{r.title}（{r.id}）"
            for r in report.rulesets.values()
        ),
        "",
    ]
    under = Procedures(report.rulesets, rs)
    for group in _grouped(report.results):
        r = group[0]
        step = r.step
        label = _DO.get(step.do, (step.do, step.do))[1 if en else 0]
        who = "system" if step.command.actor == "system" else name(step.command.actor)
        if step.command.on_behalf_of:
            who += (" for " if en else " 代 ") + name(step.command.on_behalf_of)
        accepted = [x for x in group if x.refusal is None]
        if accepted:
            events = [e for x in accepted for e in x.events]
            detail = _short(events, name, lang) if step.do in _LISTED else ""
            out.append(f"{step.at:%Y-%m-%d %H:%M}  {who} {label}{detail}")
            if any(x.unexpected for x in accepted):
                out.append("    ! " + ("expected a refusal" if en else "与预期不符：预期应被拒绝"))
            for event in events:
                out += _describe(event, report, lang, under.see(event))
                out += _evidence(event, lang)
        for x in group:
            if x.refusal is None:
                continue
            mark = "REFUSED" if en else "被拒绝"
            out.append(
                f"{step.at:%Y-%m-%d %H:%M}  {who} {label}  ✗ {mark}{': ' if en else '：'}{x.refusal.message(lang)}"
            )
            if x.unexpected:
                out.append("    ! " + ("expected ok" if en else "与预期不符：预期成功"))
    out.append("")
    out.append("Final status:" if en else "事项最终状态：")
    status_names = {
        "in_progress": ("进行中", "in progress"),
        "completed": ("已完成", "completed"),
        "abandoned": ("已终止", "abandoned"),
    }
    for m in state.matters.values():
        status = status_names[m.status][1 if en else 0]
        where = ""
        if m.status == "in_progress" and m.stage:
            stage = report.rulesets.get(m.procedure, rs).stage(m.stage)
            where = f"（{stage.name}）" if not en else f" (at {stage.name_en or stage.name})"
        out.append(
            f"- {m.title} ({m.id}): {status}{where}"
            if en
            else f"- {m.title}（{m.id}）：{status}{where}"
        )
    ideas = outcomes.suggestions(state, rs, report.rulesets)
    if ideas:
        out.append("")
        out.append("What became of each suggestion:" if en else "建议的去向：")
        out += [
            f"- {s['title']} ({s['suggestion']}, {name(s['person'])}): {s['outcome']['en']}"
            if en
            else f"- {s['title']}（{s['suggestion']}，{name(s['person'])}）：{s['outcome']['zh']}"
            for s in ideas
        ]
    unexpected = report.unexpected
    if unexpected:
        out.append("")
        out.append(
            f"{len(unexpected)} step(s) did not go as expected"
            if en
            else f"有 {len(unexpected)} 步与预期不符"
        )
    return "\n".join(out)


_LISTED = frozenset({"vote", "votes", "paper_ballots", "rate", "ratings", "check_in"})


def _grouped(results: list[Any]) -> list[list[Any]]:
    """Ballots and ratings listed in one action are shown as one line."""
    groups: list[list[Any]] = []
    for r in results:
        if (
            groups
            and r.step.index >= 0
            and groups[-1][0].step.index == r.step.index
            and r.step.do in ("votes", "ratings")
        ):
            groups[-1].append(r)
        else:
            groups.append([r])
    return groups


def _short(events: list[ev.Event], name: Any, lang: str) -> str:
    people = [getattr(e, "person", None) or getattr(e, "voter", None) for e in events]
    people = [p for p in people if p]
    choices = [getattr(e, "choice", None) or getattr(e, "rating", None) for e in events]
    if any(choices):
        tally: dict[str, int] = {}
        for choice in choices:
            if choice:
                tally[choice] = tally.get(choice, 0) + 1
        names = {"yes": "赞成", "no": "反对", "abstain": "弃权"}
        parts = [f"{names.get(k, k) if lang != 'en' else k} {v}" for k, v in tally.items()]
        return ("：" if lang != "en" else ": ") + ("，" if lang != "en" else ", ").join(parts)
    if len(people) <= 6:
        if not people:
            return ""
        if lang == "en":
            return ": " + ", ".join(name(p) for p in people)
        return "：" + "、".join(name(p) for p in people)
    return f"：{len(people)} 人" if lang != "en" else f": {len(people)} people"


def _describe(event: ev.Event, report: RunReport, lang: str, rs: RuleSet) -> list[str]:
    """Lines for ``event``, decided under ``rs`` (the procedure its matter followed then)."""
    en = lang == "en"
    colon, comma = (": ", ", ") if en else ("：", "，")
    state = report.engine.state
    if isinstance(event, ev.MeetingConvened):
        method = method_name(rs, event.method, lang)
        body = rs.bodies[event.body]
        lines = [
            f"    {'meeting' if en else '会议'} {event.meeting}{colon}{(body.name_en or body.name) if en else body.name}{comma}{event.date}{comma}{method}"
        ]
        notice = (event.periods or {}).get("notice")
        if notice and notice["days"]:
            period = describe(Period.from_json(notice), lang)
            lines.append(f"    required notice: {period}" if en else f"    规定的通知期：{period}")
        sitting = rs.bodies[event.body].sittings
        kind = sitting_kind(sitting, event.date)
        if sitting is not None and kind is not None:
            word = SITTING_WORDS[kind][1 if en else 0]
            lines.append(
                f"    {word} ({sitting.describe(lang)})"
                if en
                else f"    {word}（{sitting.describe(lang)}）"
            )
        if event.urgent_reason:
            lines.append(
                f"    short notice (special circumstances): {event.urgent_reason}"
                if en
                else f"    临时通知（遇有特殊情况）：{event.urgent_reason}"
            )
        return lines
    if isinstance(event, ev.LevyPlanRecorded) and rs.levy is not None:
        # The plan as this record gave it (a later plan may have replaced it).
        plan = {
            "year": event.year,
            "money": event.money,
            "labour_days": event.labour_days,
            "exemptions": [list(x) for x in event.exemptions],
        }
        return ["    " + levy_summary(rs.levy, state, plan).get(lang)]
    if isinstance(event, ev.HouseholdCanvassed):
        household = state.households[event.household].name
        signer = state.people[event.signer].name
        return [f"    {household}{colon}{event.view}（{'signed by ' if en else '签字：'}{signer}）"]
    if isinstance(event, ev.MatterProposed) and event.petition:
        return ["    " + event.petition["explanation"][lang]]
    if isinstance(event, ev.ProceduresRecorded):
        return routes_lines(event, report.rulesets, lang)
    if isinstance(event, APPROVAL_EVENTS):
        return approval_lines(event, state, rs, lang)
    if isinstance(event, ev.MeetingClosed):
        outcome = OUTCOMES[event.outcome][1 if en else 0]
        lines = [f"    ── {'result' if en else '表决结果'}{colon}{outcome}"]
        why = attendance_note(event.counts)
        if why is not None:
            lines.append("       " + why[1 if en else 0])
        lines.append("       " + event.quorum["explanation"][lang])
        if event.threshold:
            lines += [
                "       " + line for line in event.threshold["explanation"][lang].splitlines()
            ]
            c = event.counts
        if event.threshold and "yes" in event.counts and "consensus" not in event.threshold:
            lines.append(
                f"       yes {c['yes']}, no {c['no']}, abstain {c['abstain']}"
                if en
                else f"       赞成 {c['yes']}，反对 {c['no']}，弃权 {c['abstain']}"
            )
        if event.recused:
            names = "、".join(state.people[p].name for p in event.recused)
            lines.append(f"       {'recused' if en else '回避'}{colon}{names}")
        return lines
    if isinstance(event, ev.StageEntered):
        stage = rs.stage(event.stage)
        reason = event.reason_en if en else event.reason
        held_by = ""
        if event.body:
            body_name = (
                rs.bodies[event.body].name_en or rs.bodies[event.body].name
                if en
                else rs.bodies[event.body].name
            )
            held_by = f" ({body_name})" if en else f"（{body_name}）"
        return [f"    → {(stage.name_en or stage.name) if en else stage.name}{held_by}  [{reason}]"]
    if isinstance(event, ev.MatterHandedOff):
        because = (event.reason_en or event.reason) if en else event.reason
        return [f"    ⇒ {handoff_text(event, report.rulesets, lang)}", f"       {because}"]
    if isinstance(event, ev.MatterClosed):
        return [
            f"    ■ {'closed' if en else '事项结束'}{colon}{event.reason_en if en else event.reason}"
        ]
    if isinstance(event, ev.DisclosurePublished):
        notice = render_notice(
            state.disclosures[event.disclosure], state, rs, lang, report.rulesets
        )
        return (
            ["    ┌" + "─" * 30]
            + ["    │ " + line for line in notice.splitlines()]
            + ["    └" + "─" * 30]
        )
    if isinstance(event, ev.CandidatesElected):
        names = "、".join(state.people[p].name for p in event.people)
        joined = rs.bodies[event.body].name if event.body in rs.bodies else event.body
        return [f"    ★ {'elected to ' if en else '当选，加入'}{joined}{colon}{names}"]
    if isinstance(event, ev.ObjectionRaised):
        lines = [f"    {'objection' if en else '异议'} {event.objection}{colon}{event.text}"]
        raised = state.objections.get(event.objection)
        if raised is not None:
            lines.append(
                f"    to be answered by {raised.reply_due} (inclusive)"
                if en
                else f"    答复期限：{raised.reply_due}（含当日）"
            )
        reply = (event.periods or {}).get("reply")
        if reply and Period.from_json(reply).extended:
            lines.append("    " + describe(Period.from_json(reply), lang))
        return lines
    if isinstance(event, ev.ObjectionAnswered):
        accepted = (
            ("accepted by the objector" if en else "异议人接受")
            if event.resolved
            else ("not accepted" if en else "异议人不接受")
        )
        answered = state.objections.get(event.objection)
        if answered is not None:
            days = (event.at.date() - answered.raised_on).days
            accepted += (
                f"; answered {days} day(s) after it was raised, due {answered.reply_due}"
                if en
                else f"；提出后第 {days} 日答复，期限 {answered.reply_due}"
            )
        return [
            f"    {'reply' if en else '答复'}{colon}{event.reply}{f' ({accepted})' if en else f'（{accepted}）'}"
        ]
    if isinstance(event, ev.HandCountEntered):
        return [
            f"    yes {event.yes}, no {event.no}, abstain {event.abstain}"
            if en
            else f"    赞成 {event.yes}，反对 {event.no}，弃权 {event.abstain}"
        ]
    if isinstance(event, ev.ProgressRecorded):
        percent = f" ({event.percent}%)" if en else f"（{event.percent}%）"
        return [f"    {event.text}{percent if event.percent is not None else ''}"]
    if isinstance(event, ev.ExecutionSignedOff | ev.ExecutionCompleted) and event.text:
        return [f"    {event.text}"]
    if isinstance(event, ev.MemberExcused):
        who = state.people[event.person].name
        label = "left out of those who should attend" if en else "不计入应到会"
        return [
            f"    {label}{colon}{who}{f' ({event.reason}; {event.approval})' if en else f'（{event.reason}；{event.approval}）'}"
        ]
    if isinstance(event, ev.InterestDeclared):
        who = state.people[event.person].name
        return [
            f"    {'recused' if en else '回避'}{colon}{who}{f' ({event.reason})' if en else f'（{event.reason}）'}"
        ]
    if isinstance(event, ev.ObjectionEscalated):
        return [f"    ↑ {event.reason_en if en else event.reason}"]
    if isinstance(event, ev.DisclosureClosed):
        return [
            f"    {'disclosure' if en else '公示'} {event.disclosure}{colon}{'ended' if en else '期满'}"
            if event.outcome == "ended"
            else f"    {'disclosure suspended' if en else '公示中止'} {event.disclosure}"
        ]
    if isinstance(event, ev.SuggestionSubmitted | ev.SuggestionDeclined | ev.MatterProposed):
        return outcomes.intake_lines(event, state, lang)
    if isinstance(event, REFERRAL_EVENTS):
        return referral_lines(event, state, rs, lang)
    if isinstance(event, ev.StepRecorded):
        line = recorded_step_line(
            attrs.asdict(event, recurse=False) | {"held_on": event.held_on.isoformat()}, rs, lang
        )
        return ["    ✎ " + line[2:]]
    if isinstance(event, ev.EvaluationClosed):
        return [
            "       " + event.threshold["explanation"][lang],
            *outcomes.evaluation_lines(
                event, report.all_events(), state, rs, lang, report.rulesets
            ),
        ]
    if isinstance(event, ev.MeetingNoticeCompleted):
        return [
            f"    meeting {event.meeting}: notice period complete ({event.notice_days} days' notice); it may be held"
            if en
            else f"    会议 {event.meeting}：通知期满（提前 {event.notice_days} 日通知），可以召开"
        ]
    return []


def _evidence(event: ev.Event, lang: str) -> list[str]:
    """The files attached to an act, each with the start of its digest (the log holds all of it)."""
    lines = []
    for item in getattr(event, "evidence", ()):
        note = (
            f"{item.note}, "
            if lang == "en" and item.note
            else (f"{item.note}，" if item.note else "")
        )
        lines.append(
            f"    attached: {item.name} ({note}{item.size} bytes, sha256 {item.sha256[:12]}…)"
            if lang == "en"
            else f"    附件：{item.name}（{note}{item.size} 字节，sha256 {item.sha256[:12]}…）"
        )
    return lines
