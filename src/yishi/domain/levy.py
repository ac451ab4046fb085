"""一事一议's plan: what each person pays and each worker gives in a year, held
to the caps the province sets, with the exemptions the rule set lists.

A person's yearly burden is the sum over every project of the year (each is its
own matter, voted separately), so a plan is refused when this project together
with the year's others would pass a cap; the refusal gives the sums. Amounts
are exact: "12.5" yuan is the fraction 25/2, never a float."""

from __future__ import annotations

import datetime as dt
import re
from fractions import Fraction
from typing import Any

from yishi.domain import commands as cmd
from yishi.domain import events as ev
from yishi.domain.authority import authorize, name
from yishi.domain.errors import Refusal, Text, named
from yishi.domain.lookup import current_stage, get_matter
from yishi.domain.rules import Levy, RuleSet, StageSpec
from yishi.domain.state import Matter, State

_AMOUNT = re.compile(r"^\d{1,9}(\.\d{1,2})?$")


def amount(text: str) -> Fraction:
    """ "12.50" → 25/2; refuses anything but a plain decimal with at most two places."""
    cleaned = text.strip()
    if not _AMOUNT.match(cleaned):
        raise ValueError(text)
    return Fraction(cleaned)


def show(value: Fraction) -> str:
    """An amount as people write it: 15, 12.5, 0.25."""
    if value.denominator == 1:
        return str(value.numerator)
    cents = value * 100
    if cents.denominator != 1:  # a sum of amounts has at most two places
        raise ValueError(value)
    whole, part = divmod(cents.numerator, 100)
    return f"{whole}.{part:02d}".rstrip("0")


def _parse(field: str, text: str) -> Fraction:
    try:
        return amount(text)
    except ValueError:
        raise Refusal("levy_bad_amount", field=field, value=text) from None


def others_this_year(state: State, ruleset: RuleSet, matter: Matter, year: int) -> list[Matter]:
    """The year's other projects under this rule set that still stand: not abandoned,
    and not voted down."""
    found = []
    for other in state.matters.values():
        if other.id == matter.id or other.procedure != ruleset.id or other.levy is None:
            continue
        if other.levy["year"] != year or other.status == "abandoned":
            continue
        if any(state.meetings[m].outcome == "rejected" for m in other.meetings):
            continue
        found.append(other)
    return found


def _cap_check(
    what: Text, unit: Text, own: Fraction, others: list[Matter], key: str, cap: Fraction
) -> None:
    earlier = sum((amount(m.levy[key]) for m in others if m.levy), Fraction(0))
    total = own + earlier
    if total > cap:
        raise Refusal(
            "levy_above_cap" if others else "levy_above_cap_alone",
            rule=f"levy.{'money_cap' if key == 'money' else 'labour_cap'}",
            what=what,
            own=show(own),
            others=show(earlier),
            count=len(others),
            total=show(total),
            cap=show(cap),
            unit=unit,
        )


def record(
    state: State, c: cmd.RecordLevyPlan, ruleset: RuleSet, now: dt.datetime
) -> list[ev.Event]:
    levy = ruleset.levy
    if levy is None:
        raise Refusal("levy_not_used", rule="levy")
    matter = get_matter(state, c.matter)
    stage = current_stage(state, ruleset, matter)
    # The plan is the convener's: those who call the vote on it record it.
    vote = next((s for s in ruleset.stages if s.canvass), stage)
    authorize(state, ruleset, c.on_behalf_of or c.actor, vote.actors, f"stages.{vote.id}.actors")
    if _voted(state, ruleset, matter, stage):
        raise Refusal("levy_after_vote", stage=named(stage))
    money = _parse("money", c.money)
    labour = _parse("labour_days", c.labour_days)
    if c.budget:
        _parse("budget", c.budget)
    others = others_this_year(state, ruleset, matter, c.year)
    _cap_check(
        Text("每人筹资", "money per person"),
        Text("元", "yuan"),
        money,
        others,
        "money",
        levy.money_cap,
    )
    _cap_check(
        Text("每个劳力筹劳", "labour per worker"),
        Text("个标准工日", "standard workdays"),
        labour,
        others,
        "labour_days",
        levy.labour_cap,
    )
    seen: set[str] = set()
    for person, category in c.exemptions:
        if person not in state.people:
            raise Refusal("unknown_person", person=person)
        if levy.exemption(category) is None:
            raise Refusal(
                "levy_unknown_exemption",
                rule="levy.exemptions",
                category=category,
                allowed="、".join(e.name for e in levy.exemptions),
            )
        if person in seen:
            raise Refusal("levy_exempt_twice", person=name(state, person))
        seen.add(person)
    return [
        ev.LevyPlanRecorded(
            at=now,
            actor=c.actor,
            on_behalf_of=c.on_behalf_of,
            matter=matter.id,
            year=c.year,
            money=show(money),
            labour_days=show(labour),
            budget=show(_parse("budget", c.budget)) if c.budget else "",
            exemptions=tuple(c.exemptions),
            text=c.text,
        )
    ]


def _voted(state: State, ruleset: RuleSet, matter: Matter, stage: StageSpec) -> bool:
    """Whether the matter is at or past the vote: a plan is fixed before it."""
    ids = [s.id for s in ruleset.stages]
    vote = next((s for s in ruleset.stages if s.canvass), None)
    if vote is None:
        return False
    if ids.index(stage.id) > ids.index(vote.id):
        return True
    return stage.id == vote.id and matter.open_meeting(state) is not None


def require_plan(state: State, ruleset: RuleSet, matter: Matter, stage: StageSpec) -> None:
    """The vote on a 一事一议 project needs its plan on record."""
    if ruleset.levy is not None and stage.canvass and matter.levy is None:
        raise Refusal("levy_plan_missing", stage=named(stage))


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def summary(levy: Levy, state: State, plan: dict[str, Any]) -> Text:
    """Who pays and who works under a plan, after its exemptions, in words."""
    year = int(str(plan["year"]))
    on = dt.date(year, 1, 1)
    exempt = {p: levy.exemption(c) for p, c in plan.get("exemptions", [])}
    workers = {
        p.id
        for p in state.people.values()
        if p.born is not None
        and (band := levy.labour_ages.get(p.gender)) is not None
        and band[0] <= _age(p.born, on) <= band[1]
    }
    no_money = {p for p, e in exempt.items() if e is not None and e.money}
    no_labour = {p for p, e in exempt.items() if e is not None and e.labour} & workers
    payers = len(state.people) - len(no_money & set(state.people))
    money = amount(str(plan["money"]))
    days = amount(str(plan["labour_days"]))
    zh = (
        f"{year} 年：每人筹资 {show(money)} 元（上限 {show(levy.money_cap)} 元），"
        f"每个劳力筹劳 {show(days)} 个标准工日（上限 {show(levy.labour_cap)} 个）；"
        f"筹资 {payers} 人 × {show(money)} 元 = {show(money * payers)} 元（免筹资 {len(no_money)} 人），"
        f"筹劳 {len(workers) - len(no_labour)} 个劳力 × {show(days)} 个工日 = "
        f"{show(days * (len(workers) - len(no_labour)))} 个标准工日（免筹劳 {len(no_labour)} 人）"
    )
    en = (
        f"{year}: {show(money)} yuan per person (cap {show(levy.money_cap)}), "
        f"{show(days)} standard workdays per worker (cap {show(levy.labour_cap)}); "
        f"{payers} people pay, {len(no_money)} exempt; "
        f"{len(workers) - len(no_labour)} workers give labour, {len(no_labour)} exempt"
    )
    return Text(zh, en)
