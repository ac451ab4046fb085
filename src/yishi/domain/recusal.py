"""Declaring an interest (回避): a person steps out of a matter's decisions, for
themselves or for a close relative, before their ballot is sealed."""

from __future__ import annotations

import datetime as dt

from yishi.domain import commands as cmd
from yishi.domain import events as ev
from yishi.domain.authority import authorize_stage, name
from yishi.domain.errors import Refusal
from yishi.domain.lookup import current_stage, get_matter
from yishi.domain.rules import RuleSet
from yishi.domain.state import State
from yishi.i18n import message


def declare_interest(
    state: State, c: cmd.DeclareInterest, ruleset: RuleSet, now: dt.datetime
) -> list[ev.Event]:
    matter = get_matter(state, c.matter)
    stage = current_stage(state, ruleset, matter)
    if not ruleset.recusal.enabled:
        raise Refusal("recusal_disabled", rule="recusal.enabled")
    actor = c.on_behalf_of or c.actor
    if actor != c.person:
        authorize_stage(state, ruleset, c, stage)
    if c.person not in state.people:
        raise Refusal("unknown_person", person=c.person)
    if c.person in matter.recused:
        raise Refusal("already_recused", person=name(state, c.person))
    if not c.reason.strip():
        raise Refusal("reason_required")
    open_ = matter.open_meeting(state)
    if open_ is not None and c.person in open_.received and not open_.box_opened:
        # A sealed ballot cannot be taken back out of the box: no one knows which it is.
        raise Refusal("recusal_after_secret_ballot", person=name(state, c.person))
    reason = c.reason
    if c.relative is not None:
        if not ruleset.recusal.relatives:
            raise Refusal("recusal_relatives_disabled", rule="recusal.relatives")
        if c.relative not in state.people:
            raise Refusal("unknown_person", person=c.relative)
        who, relative = state.people[c.person], state.people[c.relative]
        if c.relative not in who.relatives and c.person not in relative.relatives:
            raise Refusal(
                "not_close_relative", person=name(state, c.person), other=name(state, c.relative)
            )
        reason = message("relative_interest", "zh", person=who.name, relative=relative.name)
        reason += f"：{c.reason}"
    return [
        ev.InterestDeclared(
            at=now,
            actor=c.actor,
            on_behalf_of=c.on_behalf_of,
            matter=matter.id,
            person=c.person,
            reason=reason,
            meeting=c.meeting,
        )
    ]
