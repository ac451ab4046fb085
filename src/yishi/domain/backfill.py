"""Entering an earlier step from its paper record (补录).

A village that starts keeping its record in yishi half-way through a matter —
the 党组织提议, the “两委”商议 and the 党员大会审议 were held and minuted on
paper — enters each earlier step as a recorded fact: when it was held, by
which body, its outcome and numbers, and where the minutes are. The log keeps
it as :class:`~yishi.domain.events.StepRecorded`, a kind of its own, so the
timeline, the JSON and every notice say the step was *entered*, not held
here: yishi never claims to have checked a quorum it did not see.

Only the rule set's ``recorders`` may enter a record, one step at a time and
in the order of the procedure, each no later than the day it is entered and
no earlier than the step before it. The matter then moves on by the stage's
own transition, as if the step had closed here.
"""

from __future__ import annotations

import datetime as dt

from yishi.domain import commands as cmd
from yishi.domain import events as ev
from yishi.domain.authority import describe, holds, name
from yishi.domain.catalog import StageKind
from yishi.domain.counting import Base, check
from yishi.domain.errors import Refusal, Text, named
from yishi.domain.flow import follow
from yishi.domain.lookup import current_stage, get_matter
from yishi.domain.rules import (
    EffectiveRules,
    RuleSet,
    StageSpec,
    meeting_rules,
    stage_bodies,
    stage_outcome,
)
from yishi.domain.state import State

# What a paper record may say happened, by stage kind. Elections and intake
# are not entered this way: who was elected, and each suggestion, are facts
# later steps rely on, so they are entered as they happened.
OUTCOMES = {
    StageKind.MEETING: ("passed", "rejected"),
    StageKind.EVALUATION: ("passed", "rejected"),
    StageKind.DISCLOSURE: ("done",),
    StageKind.EXECUTION: ("done",),
}
OUTCOME_WORDS = {
    "passed": ("通过", "passed"),
    "rejected": ("未通过", "not passed"),
    "done": ("已完成", "done"),
}
VOTES = ("yes", "no", "abstain")


def enter_record(
    state: State, c: cmd.EnterRecord, ruleset: RuleSet, now: dt.datetime
) -> list[ev.Event]:
    matter = get_matter(state, c.matter)
    stage = current_stage(state, ruleset, matter)
    if not any(holds(state, c.actor, ref) for ref in ruleset.recorders):
        raise Refusal(
            "not_a_recorder",
            rule="recorders",
            person=name(state, c.actor),
            who=describe(ruleset, ruleset.recorders) or "—",
        )
    if c.stage != stage.id:
        names_zh, names_en = ruleset.names("zh"), ruleset.names("en")
        raise Refusal(
            "record_out_of_order",
            recorded=Text(names_zh.get(c.stage, c.stage), names_en.get(c.stage, c.stage)),
            stage=named(stage),
        )
    allowed = OUTCOMES.get(stage.kind)
    if allowed is None:
        raise Refusal("record_kind_not_supported", stage=named(stage))
    if c.outcome not in allowed:
        raise Refusal("bad_value", field="outcome", value=c.outcome, allowed="、".join(allowed))
    if matter.open_meeting(state) is not None or matter.open_disclosure(state) is not None:
        raise Refusal("record_step_under_way", stage=named(stage))
    if c.held_on > now.date():
        raise Refusal(
            "record_in_future", held_on=c.held_on.isoformat(), today=now.date().isoformat()
        )
    earlier = [r["held_on"] for r in matter.recorded]
    if earlier and c.held_on < dt.date.fromisoformat(earlier[-1]):
        raise Refusal("record_before_previous", held_on=c.held_on.isoformat(), previous=earlier[-1])
    if not c.minutes.strip():
        raise Refusal("record_needs_minutes")
    body = _body(ruleset, stage, matter.matter_type, c.body)
    counts = dict(c.counts)
    _check_counts(stage, counts)
    if stage.kind is StageKind.MEETING and c.outcome == "passed" and body is not None:
        _check_against_rules(meeting_rules(ruleset, stage, body, matter.matter_type), counts)
    recorded = ev.StepRecorded(
        at=now,
        actor=c.actor,
        on_behalf_of=c.on_behalf_of,
        matter=matter.id,
        stage=stage.id,
        kind=stage.kind.value,
        held_on=c.held_on,
        outcome=c.outcome,
        minutes=c.minutes,
        body=body,
        counts=counts,
    )
    # a meeting's outcome as the matter's type has it (a 重大事项 is handed on)
    transition = (
        stage_outcome(ruleset, stage, matter.matter_type, "on_reject")
        if c.outcome == "rejected"
        else stage_outcome(ruleset, stage, matter.matter_type, "on_pass")
        if stage.kind is StageKind.MEETING
        else stage.on_pass
    )
    zh_word, en_word = OUTCOME_WORDS[c.outcome]
    names_zh, names_en = ruleset.names("zh"), ruleset.names("en")
    zh = (
        f"补录：{stage.name}（{c.held_on.isoformat()}，据书面记录）{zh_word}，"
        f"{transition.describe('zh', names_zh)}"
    )
    en = (
        f"entered from the paper record: {stage.name_en or stage.id} ({c.held_on}) {en_word}; "
        f"{transition.describe('en', names_en)}"
    )
    return [recorded, *follow(ruleset, matter, transition, now, c.actor, zh, en)]


def _body(
    ruleset: RuleSet, stage: StageSpec, matter_type: str | None, given: str | None
) -> str | None:
    if stage.kind is not StageKind.MEETING:
        if given is not None:
            raise Refusal("bad_value", field="body", value=given, allowed="—")
        return None
    allowed = stage_bodies(ruleset, stage, matter_type)
    body = given or (allowed[0] if len(allowed) == 1 else None)
    if body is None or body not in allowed:
        raise Refusal(
            "body_not_allowed",
            rule=f"stages.{stage.id}.bodies",
            body=given or "",
            allowed="、".join(allowed),
        )
    return body


def _check_counts(stage: StageSpec, counts: dict[str, int]) -> None:
    """The numbers a paper record gives must at least agree with each other."""
    negative = [k for k, v in counts.items() if v < 0]
    if negative:
        raise Refusal("bad_value", field=f"counts.{negative[0]}", value="< 0", allowed="≥ 0")
    if stage.kind is StageKind.MEETING:
        missing = [k for k in ("present", "yes") if k not in counts]
        if missing:
            raise Refusal(
                "record_needs_counts",
                stage=named(stage),
                missing=Text("、".join(missing), ", ".join(missing)),
            )
        votes = sum(counts.get(k, 0) for k in VOTES)
        if votes > counts["present"]:
            raise Refusal("record_votes_exceed_present", votes=votes, present=counts["present"])
        for base in ("entitled", "composition"):
            if base in counts and counts["present"] > counts[base]:
                raise Refusal(
                    "record_present_exceeds_members",
                    present=counts["present"],
                    members=counts[base],
                )


# For each base: (what the record counts against it, the base's own number),
# as domain/tally.py counts a meeting held here; a record gives what it gives.
_QUORUM = {
    Base.COMPOSITION: ("present", "composition"),
    Base.ENTITLED: ("present", "entitled"),
    Base.PRESENT: ("present", "present"),
    Base.ELIGIBLE_ADULTS: ("present", "eligible_adults"),
    Base.HOUSEHOLDS: ("households_present", "households"),
    Base.HOUSEHOLDS_REPRESENTED: ("households_represented", "scope_households"),
}
_THRESHOLD = {
    Base.COMPOSITION: "composition",
    Base.ENTITLED: "entitled",
    Base.PRESENT: "present",
    Base.ELIGIBLE_ADULTS: "eligible_adults",
    Base.HOUSEHOLDS: "households",
    Base.VOTES_CAST: "votes_cast",
}


def _check_against_rules(rules: EffectiveRules, counts: dict[str, int]) -> None:
    """A record that says "passed" must not contradict the rule set where its
    numbers allow a check: a paper decision short of its quorum or threshold
    is refused with the numbers, not carried into the log as passed. A number
    the record does not give is not guessed; the check is then left out."""
    known = {**counts, "votes_cast": sum(counts.get(k, 0) for k in VOTES)}
    quorum = []
    for r in rules.quorum:
        count_key, base_key = _QUORUM.get(r.base, ("", ""))
        if count_key not in known or base_key not in known:
            return  # any one unchecked alternative could have made the quorum
        quorum.append(check(r, "quorum", known[count_key], known[base_key]))
    if quorum and not any(q.met for q in quorum):
        q = quorum[0]
        raise Refusal(
            "record_quorum_not_met",
            rule=rules.sources.get("quorum", ""),
            count=q.count,
            minimum=q.minimum,
            base_value=q.base_value,
        )
    for r in rules.quorum_also:  # must hold as well (一事一议: households represented)
        count_key, base_key = _QUORUM.get(r.base, ("", ""))
        if count_key in known and base_key in known:
            also = check(r, "quorum", known[count_key], known[base_key])
            if not also.met:
                raise Refusal(
                    "record_households_not_met",
                    rule=f"bodies.{rules.body.id}.quorum_also",
                    count=also.count,
                    minimum=also.minimum,
                    base_value=also.base_value,
                )
    for r in rules.threshold:
        base_key = _THRESHOLD.get(r.base, "")
        if base_key not in known:
            continue
        t = check(r, "threshold", known["yes"], known[base_key])
        if not t.met:
            raise Refusal(
                "record_threshold_not_met",
                rule=rules.sources.get("threshold", ""),
                count=t.count,
                minimum=t.minimum,
                base_value=t.base_value,
            )
