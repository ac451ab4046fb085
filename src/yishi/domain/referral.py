"""Referral (转办答复): a matter sent to an outside body that must answer by a deadline.

One behaviour serves several procedures the seed articles name:
- 吹哨报到 / 接诉即办: a matter beyond the community's power goes to a
  department, which must answer (办结 or not) within a time limit;
- 村规民约 / 居民公约: the draft goes to the township (or the county legal
  adviser) for its legality check, and the adopted text is filed (备案) with
  the township (村组法 2025 Art. 31; 居委会组织法 2025 Art. 31);
- 社区派单: an order is dispatched to a service team, which accepts it or not.

The stage's actors send the matter (naming one of ``recipients``, or any body
when the rule set lists none). The answer is entered with its document by the
``responders`` (or the actors) and moves the matter on: ``on_pass`` when the
answer settles it, ``on_reject`` when it does not. The last day to answer is
counted by the rule set's ``[periods]`` (民法典 Arts. 201, 203), or in working
days where the stage says so; a ``tick`` after that day records the referral as
overdue, which stays visible, and a late answer says it was late.
"""

from __future__ import annotations

import datetime as dt

from yishi.domain import commands as cmd
from yishi.domain import events as ev
from yishi.domain.authority import authorize, authorize_stage
from yishi.domain.errors import Refusal, Text
from yishi.domain.flow import follow
from yishi.domain.lookup import current_stage, get_matter
from yishi.domain.periods import count
from yishi.domain.rules import RuleSet, StageKind, StageSpec
from yishi.domain.state import Matter, State
from yishi.domain.steps import wrong_step


def _in_stage(state: State, ruleset: RuleSet, matter_id: str) -> tuple[Matter, StageSpec]:
    matter = get_matter(state, matter_id)
    stage = current_stage(state, ruleset, matter)
    if stage.kind is not StageKind.REFERRAL:
        raise wrong_step(ruleset, matter, stage, StageKind.REFERRAL)
    return matter, stage


def answer_days(ruleset: RuleSet, stage: StageSpec, matter: Matter) -> int:
    """The stage's time to answer, or the matter type's own (a 应急哨 is answered sooner)."""
    matter_type = ruleset.matter_types.get(matter.matter_type or "")
    override = matter_type.overrides.get(stage.id) if matter_type is not None else None
    if override is not None and override.answer_days is not None:
        return override.answer_days
    return stage.answer_days


def open_referral(state: State, matter: Matter) -> str | None:
    """The referral of the matter's current stage still waiting for its answer."""
    for referral_id in reversed(matter.referrals):
        referral = state.referrals[referral_id]
        if referral.stage == matter.stage and referral.waiting:
            return referral_id
    return None


def _label_en(stage: StageSpec, to: str) -> str:
    return next((r.label("en") for r in stage.recipients if r.name == to), to)


def _recipient(stage: StageSpec, to: str) -> str:
    to = to.strip()
    if not to:
        raise Refusal("referral_needs_recipient", rule=f"stages.{stage.id}.recipients")
    if stage.recipients and to not in {r.name for r in stage.recipients}:
        raise Refusal(
            "referral_unknown_recipient",
            rule=f"stages.{stage.id}.recipients",
            to=to,
            allowed=Text(
                "、".join(r.name for r in stage.recipients),
                ", ".join(r.label("en") for r in stage.recipients),
            ),
        )
    return to


def send(state: State, c: cmd.SendReferral, ruleset: RuleSet, now: dt.datetime) -> list[ev.Event]:
    matter, stage = _in_stage(state, ruleset, c.matter)
    authorize_stage(state, ruleset, c, stage)
    if c.referral in state.referrals:
        raise Refusal("duplicate_id", id=c.referral)
    waiting = open_referral(state, matter)
    if waiting is not None:
        referral = state.referrals[waiting]
        raise Refusal("referral_waiting", to=referral.to, due=referral.due.isoformat())
    to = _recipient(stage, c.to)
    period = count(
        now.date(),
        answer_days(ruleset, stage, matter),
        stage.answer_counting or ruleset.counting,
        ruleset.calendar,
    )
    return [
        ev.ReferralSent(
            at=now,
            actor=c.actor,
            on_behalf_of=c.on_behalf_of,
            matter=matter.id,
            referral=c.referral,
            stage=stage.id,
            to=to,
            text=c.text,
            due=period.last_day,
            periods={"answer": period.to_json()},
        )
    ]


def answer(
    state: State, c: cmd.AnswerReferral, ruleset: RuleSet, now: dt.datetime
) -> list[ev.Event]:
    matter, stage = _in_stage(state, ruleset, c.matter)
    waiting = open_referral(state, matter)
    if waiting is None:
        raise Refusal("referral_not_sent", stage=Text(stage.name, stage.name_en or stage.name))
    # A recipient that is a body of the community (a service team) answers for
    # itself; the responders (or else the actors) enter answers received otherwise.
    body = next((r.body for r in stage.recipients if r.name == state.referrals[waiting].to), "")
    refs = ((body,) if body else ()) + (stage.responders or stage.actors)
    authorize(state, ruleset, c.on_behalf_of or c.actor, refs, f"stages.{stage.id}.responders")
    if not c.document.strip():
        raise Refusal("referral_needs_document")
    referral = state.referrals[waiting]
    late = now.date() > referral.due
    answered = ev.ReferralAnswered(
        at=now,
        actor=c.actor,
        on_behalf_of=c.on_behalf_of,
        matter=matter.id,
        referral=waiting,
        document=c.document,
        text=c.text,
        resolved=c.resolved,
        late=late,
    )
    transition = stage.on_pass if c.resolved else stage.on_reject
    names_zh, names_en = ruleset.names("zh"), ruleset.names("en")
    when_zh = f"，逾期答复（期限 {referral.due.isoformat()}）" if late else ""
    when_en = f", answered late (due {referral.due.isoformat()})" if late else ""
    words = stage.answer_words
    zh = (
        f"{stage.name}：{referral.to}答复{words.word(c.resolved)}"
        f"（{c.document}）{when_zh}，{transition.describe('zh', names_zh)}"
    )
    en = (
        f"{stage.name_en or stage.name}: {_label_en(stage, referral.to)} answered "
        f"{words.word(c.resolved, 'en')} ({c.document}){when_en}; "
        f"{transition.describe('en', names_en)}"
    )
    return [answered, *follow(ruleset, matter, transition, now, c.actor, zh, en)]


def due(state: State, ruleset: RuleSet, matter: Matter, now: dt.datetime) -> list[ev.Event]:
    """A referral still unanswered after its last day is recorded as overdue, once;
    where the stage says ``on_overdue``, it is withdrawn and the matter moves on."""
    waiting = open_referral(state, matter)
    if waiting is None:
        return []
    referral = state.referrals[waiting]
    if referral.overdue or now.date() <= referral.due:
        return []
    stage = ruleset.stage(referral.stage)
    overdue = ev.ReferralOverdue(
        at=now,
        actor="system",
        matter=matter.id,
        referral=waiting,
        due=referral.due,
        withdrawn=stage.on_overdue is not None,
    )
    if stage.on_overdue is None:
        return [overdue]
    names_zh, names_en = ruleset.names("zh"), ruleset.names("en")
    zh = (
        f"{stage.name}：{referral.to}未在 {referral.due.isoformat()} 前答复，"
        f"{stage.on_overdue.describe('zh', names_zh)}"
    )
    en = (
        f"{stage.name_en or stage.name}: no answer from {_label_en(stage, referral.to)} by "
        f"{referral.due.isoformat()}; {stage.on_overdue.describe('en', names_en)}"
    )
    return [overdue, *follow(ruleset, matter, stage.on_overdue, now, "system", zh, en)]
