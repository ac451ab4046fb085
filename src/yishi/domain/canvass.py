"""一事一议's canvass: before the vote, each 村民代表 asks every household he
answers for, and a member of each household signs its view (入户征求意见，逐户签字).
The vote is not convened while a household has not signed; the refusal names
the households still missing."""

from __future__ import annotations

import datetime as dt

from yishi.domain import commands as cmd
from yishi.domain import events as ev
from yishi.domain import groups
from yishi.domain.authority import name
from yishi.domain.errors import Refusal, named
from yishi.domain.lookup import current_stage, get_matter
from yishi.domain.membership import households_in_scope
from yishi.domain.rules import RuleSet, StageSpec, stage_bodies
from yishi.domain.state import Matter, State

SHOWN = 10  # households named in a refusal; the rest are counted


def scope(state: State, ruleset: RuleSet, matter: Matter, stage: StageSpec) -> set[str]:
    """Every household the vote concerns (a 村民小组's when its meeting decides)."""
    found: set[str] = set()
    for body in stage_bodies(ruleset, stage, matter.matter_type):
        if matter.group is not None:
            body = groups.resolve(ruleset, body, matter.group, state.groups)
        found |= households_in_scope(state, ruleset, body)
    return found


def missing(state: State, ruleset: RuleSet, matter: Matter, stage: StageSpec) -> list[str]:
    """Households not yet canvassed, in the order of the register."""
    wanted = scope(state, ruleset, matter, stage)
    return [h for h in state.households if h in wanted and h not in matter.canvass]


def require_complete(state: State, ruleset: RuleSet, matter: Matter, stage: StageSpec) -> None:
    if not stage.canvass:
        return
    left = missing(state, ruleset, matter, stage)
    if not left:
        return
    shown = [_household_words(state, h) for h in left[:SHOWN]]
    more = len(left) - len(shown)
    raise Refusal(
        "canvass_incomplete",
        rule=f"stages.{stage.id}.canvass",
        stage=named(stage),
        count=len(left),
        total=len(scope(state, ruleset, matter, stage)),
        households="、".join(shown) + (f" 等（另有 {more} 户）" if more else ""),
    )


def _household_words(state: State, household: str) -> str:
    h = state.households[household]
    if h.represented_by is None:
        return f"{h.name}（未指定联系的村民代表）"
    return f"{h.name}（{name(state, h.represented_by)}）"


def record(
    state: State, c: cmd.RecordCanvass, ruleset: RuleSet, now: dt.datetime
) -> list[ev.Event]:
    matter = get_matter(state, c.matter)
    stage = current_stage(state, ruleset, matter)
    if not stage.canvass:
        raise Refusal("no_canvass_here", stage=named(stage))
    if matter.open_meeting(state) is not None:
        raise Refusal("canvass_after_convened", stage=named(stage))
    household = state.households.get(c.household)
    if household is None or c.household not in scope(state, ruleset, matter, stage):
        raise Refusal("unknown_household", household=c.household)
    signer = c.signer or household.representative
    if signer is None:
        raise Refusal("canvass_signer_required", household=household.name)
    for person in (c.representative, signer):
        if person not in state.people:
            raise Refusal("unknown_person", person=person)
    # The representative asks his own households; a recorder may enter it for him.
    actor = c.on_behalf_of or c.actor
    if actor != c.representative:
        raise Refusal("canvass_by_other", person=name(state, actor), household=household.name)
    if household.represented_by != c.representative:
        raise Refusal(
            "canvass_wrong_representative",
            person=name(state, c.representative),
            household=household.name,
            representative=name(state, household.represented_by)
            if household.represented_by
            else "—",
        )
    if state.people[signer].household != c.household:
        raise Refusal(
            "canvass_signer_outside", person=name(state, signer), household=household.name
        )
    if c.household in matter.canvass:
        raise Refusal("canvass_twice", household=household.name)
    if not c.view.strip():
        raise Refusal("canvass_view_required", household=household.name)
    return [
        ev.HouseholdCanvassed(
            at=now,
            actor=c.actor,
            on_behalf_of=c.on_behalf_of,
            matter=matter.id,
            household=c.household,
            representative=c.representative,
            signer=signer,
            view=c.view,
            document=c.document,
        )
    ]
