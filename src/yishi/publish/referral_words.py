"""Referrals (转办答复) in words, for the public timeline, the run report, the
flowchart and notices (pure). A referral is named by the body it went to and
its dates, never by its id; its answer in the stage's own words (审核通过, 接单)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from yishi.domain import events as ev
from yishi.domain.periods import Counting, Period, describe
from yishi.domain.referral_state import referral_content
from yishi.domain.rules import AnswerWords, RuleSet, StageSpec
from yishi.domain.state import Matter, State

REFERRAL_EVENTS = (ev.ReferralSent, ev.ReferralOverdue, ev.ReferralAnswered)


def _words(ruleset: RuleSet, stage_id: str) -> AnswerWords:
    for stage in ruleset.stages:
        if stage.id == stage_id:
            return stage.answer_words
    return AnswerWords()


def recipient_label(ruleset: RuleSet, stage_id: str, to: str, lang: str) -> str:
    """The recipient as the rule set names it in ``lang`` (its ``name_en`` in English)."""
    for stage in ruleset.stages:
        if stage.id == stage_id:
            for recipient in stage.recipients:
                if recipient.name == to:
                    return recipient.label(lang)
    return to


def timeline_text(event: ev.Event, state: State, ruleset: RuleSet, lang: str) -> str | None:
    """One line of a matter's public timeline, or None for other events."""
    en = lang == "en"
    if isinstance(event, ev.ReferralSent):
        sent_to = recipient_label(ruleset, event.stage, event.to, lang)
        return (
            f"Referred to {sent_to}; answer due by {event.due} (inclusive)"
            if en
            else f"送交{sent_to}，限 {event.due}（含当日）前答复"
        )
    referral = state.referrals.get(getattr(event, "referral", ""))
    to = recipient_label(ruleset, referral.stage, referral.to, lang) if referral else ""
    if isinstance(event, ev.ReferralOverdue):
        withdrawn = ("; withdrawn" if en else "，已收回") if event.withdrawn else ""
        return (
            f"Overdue: no answer from {to} by {event.due}{withdrawn}"
            if en
            else f"逾期：{to}未在 {event.due} 前答复{withdrawn}"
        )
    if isinstance(event, ev.ReferralAnswered):
        word = _words(ruleset, referral.stage if referral else "").word(event.resolved, lang)
        late = (" (late)" if en else "（逾期答复）") if event.late else ""
        text = f": {event.text}" if en and event.text else f"：{event.text}" if event.text else ""
        return (
            f"Answer from {to}: {word} ({event.document}){late}{text}"
            if en
            else f"{to}答复：{word}（{event.document}）{late}{text}"
        )
    return None


def report_lines(event: ev.Event, state: State, ruleset: RuleSet, lang: str) -> list[str]:
    """The indented lines ``yishi run`` prints under a referral event."""
    line = timeline_text(event, state, ruleset, lang)
    if line is None:
        return []
    lines = [f"    {line}"]
    if isinstance(event, ev.ReferralSent) and event.text:
        lines.append(
            f"    request: {event.text}" if lang == "en" else f"    送交内容：{event.text}"
        )
    if isinstance(event, ev.ReferralSent):
        answer = (event.periods or {}).get("answer")
        if answer:
            period = describe(Period.from_json(answer), lang)
            lines.append(
                f"    time to answer: {period}" if lang == "en" else f"    答复期限：{period}"
            )
    return lines


def referrals_json(state: State, matter: Matter) -> list[dict[str, Any]]:
    """A matter's referrals, for ``yishi run --json``."""
    return referral_content(state, matter)


def notice_lines(referrals: list[Mapping[str, Any]], ruleset: RuleSet, lang: str) -> list[str]:
    """The "sent outside" section of a notice: where the matter went and what came back."""
    if not referrals:
        return []
    en = lang == "en"
    lines = ["", "Sent to outside bodies:" if en else "送交外部机构："]
    names = ruleset.names(lang)
    for r in referrals:
        stage = names.get(r["stage"], "")
        to = recipient_label(ruleset, r["stage"], r["to"], lang)
        line = (
            f"- {r['sent_on']} {stage}: sent to {to}, answer due {r['due']}"
            if en
            else f"- {r['sent_on']} {stage}：送交{to}，答复期限 {r['due']}"
        )
        if r["answered_on"]:
            word = _words(ruleset, r["stage"]).word(bool(r["resolved"]), lang)
            late = (" (late)" if en else "（逾期）") if r["late"] else ""
            line += (
                f"; answered {r['answered_on']}{late}: {word} ({r['document']})"
                if en
                else f"；{r['answered_on']} 答复{late}：{word}（{r['document']}）"
            )
            if r["answer"]:
                line += f": {r['answer']}" if en else f"：{r['answer']}"
        elif r.get("withdrawn"):
            line += "; overdue, withdrawn" if en else "；逾期未答复，已收回"
        elif r["overdue"]:
            line += "; overdue, not yet answered" if en else "；已逾期，尚未答复"
        lines.append(line)
    return lines


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


def graph_outcomes(stage: StageSpec, lang: str) -> tuple[str, str]:
    """The labels of a referral's two ways out, in the stage's own words."""
    words = stage.answer_words
    prefix = "" if lang == "en" else "答复"
    return prefix + words.word(True, lang), prefix + words.word(False, lang)
