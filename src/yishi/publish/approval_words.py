"""Outside approvals (报批) in words, for the run report and the public timeline
(pure). An approval is named by its authority as the rule set names it in each
language; a reply with a working-day limit (一事一议's county review) says its
last day, whether it came late, and a tick's finding that it is overdue."""

from __future__ import annotations

from yishi.domain import events as ev
from yishi.domain.rules import RuleSet, approvals_of
from yishi.domain.state import State

APPROVAL_EVENTS = (ev.ApprovalRecorded, ev.ApprovalOverdue)


def authority(ruleset: RuleSet, state: State, matter: str, by: str, lang: str) -> str:
    """The authority as the matter type's rules name it in ``lang``."""
    found = state.matters.get(matter)
    matter_type = ruleset.matter_types.get(found.matter_type or "") if found else None
    for needed in approvals_of(matter_type):
        if needed.by == by:
            return needed.label(lang)
    return by


def late(event: ev.ApprovalRecorded) -> bool:
    """Whether a reply with a limit came after its last day (its due day is inside)."""
    return bool(event.due) and event.at.date().isoformat() > event.due


def timeline_text(event: ev.Event, state: State, ruleset: RuleSet, lang: str) -> str | None:
    """One line of a matter's public timeline, or None for other events."""
    en = lang == "en"
    if isinstance(event, ev.ApprovalOverdue):
        who = authority(ruleset, state, event.matter, event.by, lang)
        return (
            f"Overdue: no reply from {who} by {event.due}"
            if en
            else f"逾期：{who}未在 {event.due} 前答复"
        )
    if not isinstance(event, ev.ApprovalRecorded):
        return None
    who = authority(ruleset, state, event.matter, event.by, lang)
    when = ""
    if event.due:
        when = " (late)" if en else "（逾期答复）"
        when = when if late(event) else ""
    if en:
        return (
            f"{'Approved' if event.approved else 'Not approved'} by {who}: {event.document}{when}"
        )
    return f"{'批准' if event.approved else '未批准'}（{who}）：{event.document}{when}"


def report_lines(event: ev.Event, state: State, ruleset: RuleSet, lang: str) -> list[str]:
    """The indented lines ``yishi run`` prints under an approval event."""
    en = lang == "en"
    colon = ": " if en else "："
    if isinstance(event, ev.ApprovalOverdue):
        who = authority(ruleset, state, event.matter, event.by, lang)
        return [
            f"    {who}{colon}no reply by {event.due} (inclusive); overdue"
            if en
            else f"    {who}{colon}答复期限 {event.due}（含当日）已过，尚未答复，已逾期"
        ]
    if not isinstance(event, ev.ApprovalRecorded):
        return []
    who = authority(ruleset, state, event.matter, event.by, lang)
    verdict = (
        ("approved" if en else "批准") if event.approved else ("refused" if en else "不予批准")
    )
    line = (
        f"    {who}{colon}{verdict} ({event.document})"
        if en
        else f"    {who}{colon}{verdict}（{event.document}）"
    )
    if event.due:
        if en:
            line += f" [reply due by {event.due}{', late' if late(event) else ''}]"
        else:
            line += f"〔答复期限 {event.due}{'，已逾期' if late(event) else '，按期答复'}〕"
    return [line]
