"""Referrals (转办答复) in words, for the public timeline and the run report (pure).

A referral is named by the body it went to and its dates, never by its id.
"""

from __future__ import annotations

from typing import Any

from yishi.domain import events as ev
from yishi.domain.periods import Counting, Period, describe
from yishi.domain.rules import StageSpec
from yishi.domain.state import Matter, State

REFERRAL_EVENTS = (ev.ReferralSent, ev.ReferralOverdue, ev.ReferralAnswered)


def _to(state: State, referral: str) -> str:
    found = state.referrals.get(referral)
    return found.to if found is not None else ""


def _settled(resolved: bool, en: bool) -> str:
    if en:
        return "settled" if resolved else "not settled"
    return "已办结" if resolved else "未办结"


def timeline_text(event: ev.Event, state: State, lang: str) -> str | None:
    """One line of a matter's public timeline, or None for other events."""
    en = lang == "en"
    if isinstance(event, ev.ReferralSent):
        return (
            f"Referred to {event.to}; answer due by {event.due} (inclusive)"
            if en
            else f"送交{event.to}，限 {event.due}（含当日）前答复"
        )
    if isinstance(event, ev.ReferralOverdue):
        to = _to(state, event.referral)
        return (
            f"Overdue: no answer from {to} by {event.due}"
            if en
            else f"逾期：{to}未在 {event.due} 前答复"
        )
    if isinstance(event, ev.ReferralAnswered):
        to = _to(state, event.referral)
        late = (" (late)" if en else "（逾期答复）") if event.late else ""
        text = f": {event.text}" if en and event.text else f"：{event.text}" if event.text else ""
        return (
            f"Answer from {to}: {_settled(event.resolved, en)} ({event.document}){late}{text}"
            if en
            else f"{to}答复：{_settled(event.resolved, en)}（{event.document}）{late}{text}"
        )
    return None


def report_lines(event: ev.Event, state: State, lang: str) -> list[str]:
    """The indented lines ``yishi run`` prints under a referral event."""
    line = timeline_text(event, state, lang)
    if line is None:
        return []
    lines = [f"    {line}"]
    if isinstance(event, ev.ReferralSent):
        answer = (event.periods or {}).get("answer")
        if answer:
            period = describe(Period.from_json(answer), lang)
            lines.append(
                f"    time to answer: {period}" if lang == "en" else f"    答复期限：{period}"
            )
    return lines


def referrals_json(state: State, matter: Matter) -> list[dict[str, Any]]:
    """A matter's referrals for ``yishi run --json``: where, when due, how answered."""
    found = []
    for referral_id in matter.referrals:
        r = state.referrals[referral_id]
        found.append(
            {
                "referral": r.id,
                "stage": r.stage,
                "to": r.to,
                "sent_on": r.sent_on.isoformat(),
                "due": r.due.isoformat(),
                "period": r.periods.get("answer"),
                "overdue": r.overdue,
                "answered_on": r.answered_on.isoformat() if r.answered_on else None,
                "document": r.document,
                "answer": r.answer,
                "resolved": r.resolved,
                "late": r.late,
            }
        )
    return found


def graph_lines(stage: StageSpec, default: Counting, lang: str) -> list[str]:
    """What a referral box in the flowchart says: where it goes, how long they have."""
    en = lang == "en"
    lines = []
    if stage.recipients:
        sep = " or " if en else "或"
        lines.append(
            ("Sent to: " if en else "送交：") + sep.join(r.label(lang) for r in stage.recipients)
        )
    working = (stage.answer_counting or default) is Counting.WORKING_DAYS
    if en:
        unit = "working days" if working else "days"
        lines.append(f"Answer within {stage.answer_days} {unit}; overdue is shown")
    else:
        unit = "个工作日" if working else "日"
        lines.append(f"{stage.answer_days} {unit}内答复，逾期公开显示")
    return lines


def graph_outcomes(lang: str) -> tuple[str, str]:
    """The labels of a referral's two ways out: answered settled, answered not settled."""
    return ("Settled", "Not settled") if lang == "en" else ("答复办结", "答复未办结")
