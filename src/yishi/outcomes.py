"""What became of each suggestion, evaluation and escalation, read from the log.

A resident who sent a suggestion, rated a project or raised an objection wants
to know what came of it: merged into which topic and how that topic ended,
declined and why; the satisfaction verdict with its numbers and the rule that
judged it, and what followed; which objection sent a matter back. Built from
the events in log order and the final state, so it works on any log, including
ones written before these summaries existed. Used by the run report (text and
JSON, docs/scenarios.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

from yishi.domain import events as ev
from yishi.domain.counting import Base, Comparator, Requirement, parse_fraction
from yishi.domain.errors import Text
from yishi.domain.naming import matter_name, suggestion_title
from yishi.domain.rules import RuleSet, StageSpec
from yishi.domain.state import Matter, State
from yishi.publish.procedures import Procedures

_STATUS = {
    "in_progress": ("进行中", "in progress"),
    "completed": ("已完成", "completed"),
    "abandoned": ("已终止", "abandoned"),
}


def matter_outcome(state: State, ruleset: RuleSet, matter: Matter) -> dict[str, Any]:
    """Where a matter stands: its status, its stage by name, why it closed."""
    stage = None
    if matter.stage:
        try:
            spec = ruleset.stage(matter.stage)
            stage = {"id": spec.id, "name": {"zh": spec.name, "en": spec.name_en or spec.name}}
        except KeyError:  # a matter under another rule set
            stage = {"id": matter.stage, "name": {"zh": matter.stage, "en": matter.stage}}
    zh, en = _STATUS[matter.status]
    return {
        "matter": matter.id,
        "title": matter.title,
        "status": matter.status,
        "status_name": {"zh": zh, "en": en},
        "stage": stage,
        "closing_reason": matter.closing_reason,
    }


def suggestions(
    state: State, ruleset: RuleSet, rulesets: Mapping[str, RuleSet] | None = None
) -> list[dict[str, Any]]:
    """Each suggestion with the outcome its submitter can see; ``rulesets``: every
    procedure of a community with several councils (a topic may have moved on)."""
    found = []
    for s in state.suggestions.values():
        entry: dict[str, Any] = {
            "suggestion": s.id,
            "person": s.person,
            "title": s.title,
            "submitted_on": s.submitted_on.isoformat(),
            "status": s.status,  # open | merged | declined
            "merged_into": None,
            "declined_reason": None,
            "topic_outcome": None,
        }
        topic_name = None
        if s.status == "merged" and s.matter in state.matters:
            entry["merged_into"] = s.matter
            topic = state.matters[s.matter]
            entry["topic_outcome"] = matter_outcome(
                state, (rulesets or {}).get(topic.procedure, ruleset), topic
            )
            topic_name = matter_name(state, topic)
        elif s.status == "declined":
            entry["declined_reason"] = s.reason
        # words for the submitter: the topic by its title; the ids stay in their fields
        entry["outcome"] = {
            "zh": _suggestion_text(entry, topic_name, "zh"),
            "en": _suggestion_text(entry, topic_name, "en"),
        }
        found.append(entry)
    return found


def _suggestion_text(entry: dict[str, Any], topic_name: Text | None, lang: str) -> str:
    en = lang == "en"
    if entry["status"] == "declined":
        return (
            f"declined: {entry['declined_reason']}"
            if en
            else f"退回，理由：{entry['declined_reason']}"
        )
    topic = entry["topic_outcome"]
    if entry["status"] == "merged" and topic is not None and topic_name is not None:
        where = topic["status_name"][lang]
        if topic["status"] == "in_progress" and topic["stage"]:
            where += (
                f" ({topic['stage']['name'][lang]})"
                if en
                else f"（{topic['stage']['name'][lang]}）"
            )
        elif topic["closing_reason"]:
            where += f": {topic['closing_reason']}" if en else f"：{topic['closing_reason']}"
        if en:
            return f"merged into the topic {topic_name.en}; the topic is {where}"
        return f"并入议题{topic_name.zh}；议题{where}"
    return "not yet handled" if en else "尚未处理"


def percent(rate: Fraction) -> tuple[str, bool]:
    """A fraction as a percentage for people, with whether it is exact."""
    value = Decimal(rate.numerator) * 100 / Decimal(rate.denominator)
    shown = value.quantize(Decimal("0.01"))
    exact = shown == value
    text = format(shown.normalize(), "f") if exact else format(shown, "f")
    return f"{text}%", exact


def evaluations(
    events: Iterable[ev.Event],
    state: State,
    ruleset: RuleSet,
    rulesets: Mapping[str, RuleSet] | None = None,
) -> list[dict[str, Any]]:
    """Every closed evaluation, with counts per rating as they stood when it closed;
    with ``rulesets``, each under the procedure its matter followed then."""
    where = Procedures(rulesets or {}, ruleset)
    ratings: dict[str, dict[str, str]] = {}  # matter -> person -> rating, this round
    stages: dict[str, str] = {}  # matter -> the stage it is in
    verdicts: list[dict[str, Any]] = []
    waiting: dict[str, dict[str, Any]] = {}  # matter -> verdict whose sequel is not yet seen
    for event in events:
        decided_under = where.see(event)
        if isinstance(event, ev.RatingSubmitted):
            ratings.setdefault(event.matter, {})[event.person] = event.rating
        elif isinstance(event, ev.EvaluationClosed):
            stage = _stage(decided_under, stages.get(event.matter))
            verdict = _verdict(event, ratings.pop(event.matter, {}), stage)
            verdicts.append(verdict)
            waiting[event.matter] = verdict
        elif isinstance(event, ev.StageEntered | ev.MatterClosed):
            if isinstance(event, ev.StageEntered):
                stages[event.matter] = event.stage
            if event.matter in waiting:
                waiting.pop(event.matter)["followed"] = {
                    "action": "stage" if isinstance(event, ev.StageEntered) else "closed",
                    "stage": event.stage if isinstance(event, ev.StageEntered) else None,
                    "reason": {"zh": event.reason, "en": event.reason_en or event.reason},
                }
    return verdicts


def _stage(ruleset: RuleSet, stage_id: str | None) -> StageSpec | None:
    try:
        return ruleset.stage(stage_id) if stage_id else None
    except KeyError:  # a matter under another rule set
        return None


def _verdict(
    event: ev.EvaluationClosed, given: dict[str, str], stage: StageSpec | None
) -> dict[str, Any]:
    scale = list(stage.scale) if stage is not None else sorted(set(given.values()))
    satisfied_ratings = list(stage.satisfied) if stage is not None else []
    by_rating = {r: 0 for r in scale}
    for rating in given.values():
        by_rating[rating] = by_rating.get(rating, 0) + 1
    cast = int(event.counts.get("ratings", len(given)))
    satisfied = int(event.counts.get("satisfied", 0))
    rate = Fraction(satisfied, cast) if cast else Fraction(0)
    shown, exact = percent(rate)
    checks = list(event.threshold.get("checks", ()))
    requirements = [c["requirement"] for c in checks]
    return {
        "matter": event.matter,
        "closed_at": event.at.isoformat(),
        "stage": stage.id if stage is not None else None,
        "outcome": event.outcome,
        "ratings": cast,
        "by_rating": by_rating,
        "satisfied_ratings": satisfied_ratings,
        "satisfied": satisfied,
        "rate": {
            "fraction": f"{rate.numerator}/{rate.denominator}",
            "percent": shown,
            "percent_exact": exact,
        },
        "rule": {
            "key": f"stages.{stage.id}.threshold" if stage is not None else "",
            "requirements": requirements,
            "definition": {
                "zh": _definition(satisfied_ratings, requirements, "zh"),
                "en": _definition(satisfied_ratings, requirements, "en"),
            },
        },
        "explanation": event.threshold.get("explanation"),
        "followed": None,
    }


def _definition(satisfied: list[str], requirements: list[dict[str, str]], lang: str) -> str:
    wording = []
    for r in requirements:
        try:
            req = Requirement(Base(r["base"]), parse_fraction(r["fraction"]), Comparator(r["cmp"]))
        except (KeyError, ValueError):
            continue
        wording.append(req.wording_en() if lang == "en" else req.wording_zh())
    if lang == "en":
        counted = ", ".join(f"“{s}”" for s in satisfied) or "satisfied ratings"
        return (
            f"satisfaction rate = residents rating {counted} ÷ residents who rated; "
            f"needs {' and '.join(wording) or 'no threshold'}"
        )
    counted = "".join(f"“{s}”" for s in satisfied) or "满意"
    return (
        f"满意率 = 评价为{counted}的人数 ÷ 参加评价的人数；须{'且'.join(wording) or '（无要求）'}"
    )


def escalations(events: Iterable[ev.Event], state: State) -> list[dict[str, Any]]:
    """Each escalated objection: who raised what, why it escalated, where the matter went."""
    found: list[dict[str, Any]] = []
    waiting: dict[str, list[dict[str, Any]]] = {}
    for event in events:
        if isinstance(event, ev.ObjectionEscalated):
            objection = state.objections.get(event.objection)
            entry = {
                "at": event.at.isoformat(),
                "matter": event.matter,
                "objection": event.objection,
                "disclosure": objection.disclosure if objection else None,
                "person": objection.person if objection else None,
                "text": objection.text if objection else None,
                "reason": {"zh": event.reason, "en": event.reason_en or event.reason},
                "led_to": None,
            }
            found.append(entry)
            waiting.setdefault(event.matter, []).append(entry)
        elif isinstance(event, ev.StageEntered) and event.matter in waiting:
            for entry in waiting.pop(event.matter):
                entry["led_to"] = {"stage": event.stage, "reason": event.reason}
        elif isinstance(event, ev.DisclosurePublished | ev.MatterClosed):
            waiting.pop(event.matter, None)  # escalated for the record only
    return found


# -- lines for the text timeline -------------------------------------------------------


def intake_lines(event: ev.Event, state: State, lang: str) -> list[str]:
    """A suggestion submitted, declined with its reason, or merged into a topic: each
    by its words (domain/naming.py), as the act's line above says who and when.
    ``state`` is the run's final one, which holds every suggestion and topic."""
    en = lang == "en"
    if isinstance(event, ev.SuggestionSubmitted):
        return [f"    suggestion: {event.title}" if en else f"    建议：{event.title}"]
    if isinstance(event, ev.SuggestionDeclined):
        name = suggestion_title(state, state.suggestions[event.suggestion]).get(lang)
        return [
            f"    suggestion {name} declined: {event.reason}"
            if en
            else f"    建议{name}退回，理由：{event.reason}"
        ]
    if isinstance(event, ev.MatterProposed) and event.suggestions:
        merged = [
            suggestion_title(state, state.suggestions[s]).get(lang) for s in event.suggestions
        ]
        into = matter_name(state, state.matters[event.matter]).get(lang)
        return [
            f"    suggestions {', '.join(merged)} merged into the topic {into}"
            if en
            else f"    建议{'、'.join(merged)}并入议题{into}"
        ]
    return []


def evaluation_lines(
    event: ev.EvaluationClosed,
    events: Iterable[ev.Event],
    state: State,
    ruleset: RuleSet,
    lang: str,
    rulesets: Mapping[str, RuleSet] | None = None,
) -> list[str]:
    """Counts per rating, the rate and the rule, as the JSON's ``evaluations`` gives them."""
    for verdict in evaluations(events, state, ruleset, rulesets):
        if verdict["matter"] != event.matter or verdict["closed_at"] != event.at.isoformat():
            continue
        rate = verdict["rate"]
        if lang == "en":
            counts = ", ".join(f"{k} {v}" for k, v in verdict["by_rating"].items())
            return [
                f"       ratings: {counts}; rate {rate['fraction']} = {rate['percent']}",
                f"       rule: {verdict['rule']['definition']['en']}",
            ]
        counts = "，".join(f"{k} {v} 人" for k, v in verdict["by_rating"].items())
        return [
            f"       各档评价：{counts}；满意率 {rate['fraction']} = {rate['percent']}",
            f"       规则：{verdict['rule']['definition']['zh']}",
        ]
    return []
