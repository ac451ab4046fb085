"""The lines the timeline prints under an act: for each event, what a reader of
the record needs (the meeting's notice, the verdict with its numbers, the notice
posted, the objection and its answer, the files attached)."""

from __future__ import annotations

import attrs

from yishi import outcomes
from yishi.domain import events as ev
from yishi.domain.levy import summary as levy_summary
from yishi.domain.naming import disclosure_name, meeting_name
from yishi.domain.periods import Period, describe
from yishi.domain.rules import RuleSet
from yishi.domain.sittings import SITTING_WORDS, sitting_kind
from yishi.domain.tally import attendance_note
from yishi.publish.approval_words import APPROVAL_EVENTS
from yishi.publish.approval_words import report_lines as approval_lines
from yishi.publish.notice import OUTCOMES, method_name, recorded_step_line, render_notice
from yishi.publish.procedures import handoff_text, routes_lines
from yishi.publish.referral_words import REFERRAL_EVENTS
from yishi.publish.referral_words import report_lines as referral_lines
from yishi.scenario.run import RunReport


def lines_for(event: ev.Event, report: RunReport, lang: str, rs: RuleSet) -> list[str]:
    """Lines for ``event``, decided under ``rs`` (the procedure its matter followed then)."""
    en = lang == "en"
    colon, comma = (": ", ", ") if en else ("：", "，")
    state = report.engine.state
    if isinstance(event, ev.MeetingConvened):
        method = method_name(rs, event.method, lang)
        # the body and the day name the meeting: its id is nobody's name for it
        lines = [
            f"    {'meeting' if en else '会议'}{colon}{_meeting(event.meeting, report, rs, lang)}{comma}{method}"
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
        # the act's line above says who and when, which is how the timeline names it
        lines = [f"    {'objection' if en else '异议'}{colon}{event.text}"]
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
        notice = disclosure_name(state, state.disclosures[event.disclosure]).get(lang)
        return [
            f"    {'disclosure ' if en else '公示'}{notice}{colon}{'ended' if en else '期满'}"
            if event.outcome == "ended"
            else f"    {'disclosure suspended' if en else '公示中止'}{colon}{notice}"
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
        meeting = _meeting(event.meeting, report, rs, lang)
        return [
            f"    {meeting}: notice period complete ({event.notice_days} days' notice); it may be held"
            if en
            else f"    {meeting}：通知期满（提前 {event.notice_days} 日通知），可以召开"
        ]
    return []


def _meeting(meeting: str, report: RunReport, rs: RuleSet, lang: str) -> str:
    state = report.engine.state
    return meeting_name(state, rs, state.meetings[meeting], report.rulesets).get(lang)


def evidence_lines(event: ev.Event, lang: str) -> list[str]:
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
