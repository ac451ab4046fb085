"""A matter's whole history in words, read from its events (pure).

Individual ballots are never listed: a vote appears only as the count the
meeting closed with, so no line of a public timeline ties a choice to a name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from yishi.domain import events as ev
from yishi.domain.accounts import yuan
from yishi.domain.levy import summary as levy_summary
from yishi.domain.naming import meeting_words
from yishi.domain.rules import RuleSet
from yishi.domain.state import State
from yishi.publish.approval_words import APPROVAL_EVENTS
from yishi.publish.approval_words import timeline_text as approval_text
from yishi.publish.procedures import Procedures, handoff_text
from yishi.publish.referral_words import REFERRAL_EVENTS, timeline_text

# Events that never appear on a public timeline: they name a voter and a choice,
# or repeat one attendee at a time what the meeting's count already says.
PRIVATE = (
    ev.BallotCast,
    ev.BallotsEntered,
    ev.ElectionBallotCast,
    ev.AttendanceRecorded,
    ev.ProxyRegistered,
)

OUTCOME = {
    "passed": ("通过", "passed"),
    "rejected": ("未通过", "not passed"),
    "no_quorum": ("不足法定人数", "not quorate"),
}


def event_of(item: Any) -> ev.Event:
    """A StoredEvent's event, or the event itself."""
    return item.event if hasattr(item, "event") and hasattr(item, "position") else item


def matter_events(log: Iterable[Any], matter: str) -> list[ev.Event]:
    return [e for e in map(event_of, log) if getattr(e, "matter", None) == matter]


def person(state: State, person_id: str) -> str:
    found = state.people.get(person_id)
    return found.name if found is not None else person_id


def body_name(ruleset: RuleSet, body: str | None, lang: str) -> str:
    spec = ruleset.bodies.get(body or "")
    if spec is None:
        return body or ""
    return (spec.name_en or spec.name) if lang == "en" else spec.name


def stage_name(ruleset: RuleSet, stage_id: str | None, lang: str) -> str:
    for stage in ruleset.stages:
        if stage.id == stage_id:
            return (stage.name_en or stage.name) if lang == "en" else stage.name
    return stage_id or ""


def is_supervision(event: ev.Event) -> bool:
    """A 监督意见 or a supervisor's sign-off: any event of a supervising kind."""
    return isinstance(event, ev.ExecutionSignedOff) or "Supervis" in type(event).__name__


def supervision_text(event: ev.Event) -> str:
    for field in ("opinion", "text", "reason"):
        value = getattr(event, field, "")
        if isinstance(value, str) and value:
            return value
    return ""


def describe(
    event: ev.Event,
    state: State,
    ruleset: RuleSet,
    lang: str,
    rulesets: Mapping[str, RuleSet] | None = None,
) -> str | None:
    """One timeline line for ``event`` (decided under ``ruleset``), or None for one
    that is not shown; ``rulesets`` names the procedures a hand-off moves between."""
    en = lang == "en"
    if isinstance(event, PRIVATE):
        return None
    if isinstance(event, ev.MatterProposed):
        line = f"Matter proposed: {event.title}" if en else f"提出事项：{event.title}"
        if event.petition:  # 联名提议: the count against the threshold, no names
            line += (
                f" ({event.petition['explanation'][lang]})"
                if en
                else f"（{event.petition['explanation'][lang]}）"
            )
        return line
    if isinstance(event, ev.LevyPlanRecorded):  # 一事一议 筹资筹劳方案: figures, no names
        plan = state.matters[event.matter].levy if event.matter in state.matters else None
        if ruleset.levy is None or not plan:
            return "Levy plan recorded" if en else "录入筹资筹劳方案"
        text = levy_summary(ruleset.levy, state, plan).get(lang)
        return f"Levy plan: {text}" if en else f"筹资筹劳方案：{text}"
    if isinstance(event, ev.HouseholdCanvassed):
        # which household signed, not what it said: no line ties a view to a name
        household = state.households.get(event.household)
        name = household.name if household is not None else ""
        return f"Household canvassed: {name} (signed)" if en else f"入户征求意见：{name}（已签字）"
    if isinstance(event, ev.MatterHandedOff):
        # the earlier council's record stays above this line, the new one's follows
        moved = handoff_text(event, rulesets or {ruleset.id: ruleset}, lang)
        # the rule's own words where it gave them; else the outcome that moved it
        why = (event.note_en or event.note) if en else event.note
        reason = why or ((event.reason_en or event.reason) if en else event.reason)
        return moved + ((f" ({reason})" if en else f"（{reason}）") if reason else "")
    if isinstance(event, ev.StageEntered):
        name = stage_name(ruleset, event.stage, lang)
        reason = (event.reason_en or event.reason) if en else event.reason
        line = f"Step: {name}" if en else f"进入步骤：{name}"
        return line + (f" ({reason})" if en and reason else f"（{reason}）" if reason else "")
    if isinstance(event, ev.MatterClosed):
        reason = (event.reason_en or event.reason) if en else event.reason
        status = {"completed": ("办结", "completed"), "abandoned": ("终止", "abandoned")}
        label = status.get(event.status, (event.status, event.status))[1 if en else 0]
        return (f"Matter {label}" if en else f"事项{label}") + (
            f": {reason}" if en and reason else f"：{reason}" if reason else ""
        )
    if isinstance(event, ev.InterestDeclared):
        who = person(state, event.person)
        if not event.reason:
            return f"Recusal: {who}" if en else f"回避：{who}"
        return f"Recusal: {who} ({event.reason})" if en else f"回避：{who}（{event.reason}）"
    if isinstance(event, ev.MeetingConvened):
        # naming.py's rule: 村民代表会议 and a "Joint meeting of the two committees" are
        # meetings already (not "Meeting of the Joint meeting…"); a committee meets in one
        meeting = meeting_words(ruleset.bodies.get(event.body)).get(lang)
        place = (
            f", {event.place}" if en and event.place else f"，{event.place}" if event.place else ""
        )
        return (
            f"{meeting} called for {event.date}{place}"
            if en
            else f"召集{meeting}，定于 {event.date}{place}"
        )
    if isinstance(event, ev.MeetingNoticeCompleted):
        return (
            f"Notice period of {event.notice_days} days completed"
            if en
            else f"会议通知期满（提前 {event.notice_days} 日通知）"
        )
    if isinstance(event, ev.MemberExcused):
        who = person(state, event.person)
        if not event.reason:
            return f"{who} excused" if en else f"{who} 请假"
        return f"{who} excused: {event.reason}" if en else f"{who} 请假：{event.reason}"
    if isinstance(event, ev.HandCountEntered):
        return (
            f"Count entered: yes {event.yes}, no {event.no}, abstain {event.abstain}"
            if en
            else f"录入表决结果：赞成 {event.yes}，反对 {event.no}，弃权 {event.abstain}"
        )
    if isinstance(event, ev.ConsensusRecorded):
        if en:
            return "Consensus reached" if event.reached else "No consensus"
        return "达成一致" if event.reached else "未达成一致"
    if isinstance(event, ev.ElectionCountEntered):
        return (
            f"Election count entered: {event.cast} ballots, {event.invalid} invalid"
            if en
            else f"录入选举计票：共 {event.cast} 票，无效 {event.invalid} 票"
        )
    if isinstance(event, ev.CandidatesElected):
        names = ("、" if not en else ", ").join(person(state, p) for p in event.people)
        return f"Elected: {names}" if en else f"当选：{names}"
    if isinstance(event, ev.MeetingClosed):
        label = OUTCOME.get(event.outcome, (event.outcome, event.outcome))[1 if en else 0]
        counts = event.counts
        present = counts.get("present")
        extra = (
            (f" ({present} present)" if en else f"（到会 {present} 人）")
            if present is not None
            else ""
        )
        return (f"Meeting closed: {label}" if en else f"会议表决：{label}") + extra
    if isinstance(event, ev.DisclosurePublished):
        return f"Notice posted: {event.title}" if en else f"张贴公示：{event.title}"
    if isinstance(event, ev.ObjectionRaised):
        return f"Objection raised: {event.text}" if en else f"收到异议：{event.text}"
    if isinstance(event, ev.ObjectionAnswered):
        return f"Objection answered: {event.reply}" if en else f"答复异议：{event.reply}"
    if isinstance(event, ev.ObjectionEscalated):
        reason = (event.reason_en or event.reason) if en else event.reason
        return f"Objection escalated: {reason}" if en else f"异议提交审议：{reason}"
    if isinstance(event, ev.DisclosureClosed):
        ended = event.outcome == "ended"
        if en:
            return "Posting period ended" if ended else "Notice suspended"
        return "公示期满" if ended else "公示中止"
    if isinstance(event, ev.ProgressRecorded):
        pct = "" if event.percent is None else f" ({event.percent}%)"
        return f"Progress: {event.text}{pct}" if en else f"实施进展：{event.text}{pct}"
    if isinstance(event, ev.BudgetRecorded):
        total = yuan(sum(fen for _, fen in event.lines))
        if en:
            return f"Budget recorded: {total} yuan in {len(event.lines)} lines ({event.source})"
        return f"登记预算：{len(event.lines)} 项，合计 {total} 元（依据：{event.source}）"
    if isinstance(event, ev.AccountEntryRecorded):
        spent = event.kind == "expenditure"
        if en:
            return f"{'Expenditure' if spent else 'Income'}: {event.item}, {yuan(event.amount_fen)} yuan"
        return f"{'支出' if spent else '收入'}：{event.item} {yuan(event.amount_fen)} 元"
    if is_supervision(event):
        text = supervision_text(event)
        return (
            (f"Supervision: {text}" if en else f"监督意见：{text}")
            if text
            else ("Signed off by the supervisors" if en else "监督机构签认")
        )
    if isinstance(event, ev.ExecutionCompleted):
        if en:
            return "Implementation completed" + (f": {event.text}" if event.text else "")
        return "实施完成" + (f"：{event.text}" if event.text else "")
    if isinstance(event, APPROVAL_EVENTS):  # an outside authority's reply (报批), or its delay
        return approval_text(event, state, ruleset, lang)
    if isinstance(event, REFERRAL_EVENTS):
        return timeline_text(event, state, ruleset, lang)
    if isinstance(event, ev.RatingSubmitted):
        return None  # one resident's rating: only the evaluation's result is public
    if isinstance(event, ev.EvaluationClosed):
        label = OUTCOME.get(event.outcome, (event.outcome, event.outcome))[1 if en else 0]
        return f"Evaluation: {label}" if en else f"评议结果：{label}"
    return None


def evidence_of(event: ev.Event) -> list[dict[str, Any]]:
    return [
        {"name": e.name, "note": e.note, "sha256": e.sha256, "media_type": e.media_type}
        for e in event.evidence
    ]


# The events that tell a section's content again, for sections a matter type withholds.
SECTION_EVENTS: dict[str, tuple[type[ev.Event], ...]] = {
    "objections": (ev.ObjectionRaised, ev.ObjectionAnswered, ev.ObjectionEscalated),
    "counts": (ev.HandCountEntered, ev.ElectionCountEntered, ev.MeetingClosed),
    "recusals": (ev.InterestDeclared, ev.MemberExcused),
    "implementation": (
        ev.ProgressRecorded,
        ev.ExecutionCompleted,
        ev.ExecutionSignedOff,
        ev.BudgetRecorded,
        ev.AccountEntryRecorded,
    ),
    "decisions": (
        ev.HandCountEntered,
        ev.ElectionCountEntered,
        ev.MeetingClosed,
        ev.CandidatesElected,
    ),
    "text": (),
}


def timeline(
    events: Iterable[ev.Event],
    state: State,
    ruleset: RuleSet,
    lang: str,
    hidden: frozenset[str] = frozenset(),
    fields: frozenset[str] = frozenset(),
    rulesets: Mapping[str, RuleSet] | None = None,
) -> list[dict[str, Any]]:
    """The public timeline; ``hidden`` sections' events are left out, and with
    ``"reason"`` among the withheld ``fields`` no recusal or excusal gives one.

    A matter handed from one council to another is read with ``rulesets``: each
    event in the words of the procedure it was decided under."""
    left_out = tuple(t for section in hidden for t in SECTION_EVENTS.get(section, ()))
    rows: list[dict[str, Any]] = []
    signed: dict[int, int] = {}  # row index -> households folded into it
    under = Procedures(rulesets or {}, ruleset)
    for event in events:
        decided_under = under.see(event) if rulesets else ruleset
        if left_out and isinstance(event, left_out):
            continue
        if "reason" in fields and isinstance(event, ev.InterestDeclared | ev.MemberExcused):
            event = attrs.evolve(event, reason="")
        if "text" in fields and is_supervision(event):
            continue
        text = describe(event, state, decided_under, lang, rulesets)
        if text is None:
            continue
        if isinstance(event, ev.HouseholdCanvassed) and _more_canvass(
            rows, signed, event, ruleset, lang
        ):
            continue
        rows.append(
            {
                "date": _local_date(event.at, ruleset).isoformat(),
                "type": event.type,
                "text": text,
                "evidence": evidence_of(event),
            }
        )
    return rows


def _more_canvass(
    rows: list[dict[str, Any]], signed: dict[int, int], event: ev.Event, ruleset: RuleSet, lang: str
) -> bool:
    """Fold a day's household signatures into one line ("入户征求意见：60 户签字"):
    a village of two hundred households is not two hundred lines on a phone."""
    day = _local_date(event.at, ruleset).isoformat()
    last = rows[-1] if rows else None
    if last is None or last["type"] != event.type or last["date"] != day:
        return False
    n = signed[len(rows) - 1] = signed.get(len(rows) - 1, 1) + 1
    last["text"] = (
        f"Households canvassed: {n} signed" if lang == "en" else f"入户征求意见：{n} 户签字"
    )
    last["evidence"] += evidence_of(event)
    return True


def _local_date(at: dt.datetime, ruleset: RuleSet) -> dt.date:
    """The day in the community's time zone (an aware time), else the date as given."""
    if at.tzinfo is None:
        return at.date()
    try:
        from zoneinfo import ZoneInfo

        return at.astimezone(ZoneInfo(ruleset.timezone)).date()
    except Exception:  # no tz database: the recorded date still says when
        return at.date()


def counts_public(counts: Mapping[str, Any]) -> dict[str, int]:
    return {
        k: int(counts[k])
        for k in ("entitled", "present", "yes", "no", "abstain", "invalid")
        if k in counts and isinstance(counts[k], int)
    }
