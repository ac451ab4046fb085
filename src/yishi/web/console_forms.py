"""The console's forms ask staff only what a person decides.

A new meeting's or notice's id is named by the console (from the matter and its
step, plus a counter), so no one types an id; the JSON API still takes explicit
ids, as portals send them. The vote method and the meeting body are offered as a
choice shown by name, the value carried being the rule set's internal name.
"""

from __future__ import annotations

import re
from typing import Any

import attrs

from yishi.domain import groups
from yishi.domain.catalog import StageKind
from yishi.domain.rules import RuleSet, meeting_rules, stage_bodies
from yishi.domain.state import Matter, State
from yishi.web.forms import FormField
from yishi.web.person_fields import (
    MANY,
    PAIRS,
    field_label,
    motion_choices,
    people_for,
    scope_of,
)

# Command → (its field naming the record it creates, the state's table of those records)
NEW_IDS: dict[str, tuple[str, str]] = {
    "convene_meeting": ("meeting", "meetings"),
    "publish": ("disclosure", "disclosures"),
    "propose_matter": ("matter", "matters"),
    "merge_suggestions": ("matter", "matters"),
    "suggest": ("suggestion", "suggestions"),
    "raise_objection": ("objection", "objections"),
    "send_referral": ("referral", "referrals"),
}
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def new_id(state: State, command: str, matter_id: str) -> str:
    """An id for the record ``command`` creates, unique in the state and ASCII:
    the matter, its current step and a counter (``m9-vote-1``)."""
    _field, table = NEW_IDS[command]
    taken = getattr(state, table)
    # a new matter's own id is what is being named: its stem is the command's
    matter = state.matters.get(matter_id) if table != "matters" else None
    parts = [
        matter_id if matter is not None else "",
        matter.stage if matter and matter.stage else "",
    ]
    stem = "-".join(p for p in (_UNSAFE.sub("", x) for x in parts) if p) or command
    n = 1
    while f"{stem}-{n}" in taken:
        n += 1
    return f"{stem}-{n}"


def with_new_id(state: State, command: str, values: dict[str, str]) -> dict[str, str]:
    """The submitted values, with the new record's id filled in when the form left it out."""
    if command not in NEW_IDS:
        return values
    field, _table = NEW_IDS[command]
    if values.get(field, "").strip():
        return values
    return {**values, field: new_id(state, command, values.get("matter", "").strip())}


def _bodies(state: State, ruleset: RuleSet, matter: Matter) -> tuple[str, ...]:
    """The bodies that may meet on the matter now, as the engine resolves them."""
    stage = ruleset.stage(matter.stage or "")
    allowed = (
        (matter.stage_body,)
        if matter.stage_body
        else stage_bodies(ruleset, stage, matter.matter_type)
    )
    found = tuple(groups.resolve(ruleset, b, matter.group, state.groups) for b in allowed)
    return tuple(b for b in found if b in ruleset.bodies)


def _convene_choices(
    state: State, ruleset: RuleSet, matter: Matter, chosen_body: str, lang: str
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(bodies, methods) offered, each as (value, name shown): the methods those of
    the chosen body, or of any body the stage allows while none is chosen."""
    stage = ruleset.stage(matter.stage or "")
    bodies = _bodies(state, ruleset, matter)
    body_choices = [
        (
            b,
            ruleset.bodies[b].name_en or ruleset.bodies[b].name
            if lang == "en"
            else ruleset.bodies[b].name,
        )
        for b in bodies
    ]
    chosen = groups.resolve(ruleset, chosen_body, matter.group, state.groups) if chosen_body else ""
    methods: list[tuple[str, str]] = []
    for b in [chosen] if chosen in bodies else bodies:
        for m in meeting_rules(ruleset, stage, b, matter.matter_type).vote_methods:
            if stage.kind is StageKind.MEETING and not m.for_motions:
                continue  # an election's method would be refused at a meeting
            if all(m.name != v for v, _ in methods):
                methods.append((m.name, m.label(lang)))
    return body_choices, methods


def console_fields(
    state: State, ruleset_of: Any, command: str, fields: list[FormField], lang: str
) -> list[FormField]:
    """The command's form fields as the console shows them: no field for an id the
    console names itself, and choices by name where the value is an internal name."""
    drop = {NEW_IDS[command][0]} if command in NEW_IDS else set()
    values = {f.name: f.value.strip() for f in fields}
    matter = state.matters.get(values.get("matter", ""))
    bodies: list[tuple[str, str]] = []
    methods: list[tuple[str, str]] = []
    if command == "convene_meeting" and matter is not None and matter.stage:
        try:
            ruleset = ruleset_of(matter.procedure)
            bodies, methods = _convene_choices(state, ruleset, matter, values.get("body", ""), lang)
        except KeyError:
            bodies, methods = [], []
        if len(bodies) == 1:
            drop.add("body")  # the only body that may meet: the engine takes it
        try:
            behaviour = ruleset_of(matter.procedure).stage(matter.stage).kind_spec.behaviour
        except KeyError:
            behaviour = None
        if behaviour is not StageKind.ELECTION:
            drop.add("candidates")  # candidates are named for an election only
    out = []
    for f in fields:
        if f.name in drop:
            continue
        if f.name == "method" and methods:
            f = attrs.evolve(f, widget="select", choices=tuple(methods))
        elif f.name == "body" and len(bodies) > 1:
            f = attrs.evolve(f, widget="select", choices=tuple(bodies), required=True)
        elif f.name == "choice" and command == "cast_vote":
            offered = motion_choices(state, ruleset_of, values)
            if offered:
                named = tuple((k, en if lang == "en" else zh) for k, zh, en in offered)
                f = attrs.evolve(f, widget="select", choices=named)
        elif f.name == "household" and state.households:
            homes = sorted(state.households.values(), key=lambda h: h.name)
            f = attrs.evolve(
                f, widget="select", choices=tuple((h.id, _home(state, h)) for h in homes)
            )
        elif f.name == "group" and state.groups:
            named = tuple((g.id, g.name) for g in state.groups.values())
            f = attrs.evolve(f, widget="select", choices=named)
        elif (scope := scope_of(command, f.name)) is not None:
            f = _by_name(state, ruleset_of, command, f, scope, values, lang)
        out.append(f)
    # "on behalf of" is seldom filled: after what the act itself records
    return sorted(out, key=lambda f: f.name == "on_behalf_of")


def _home(state: State, household: Any) -> str:
    """A household as a choice: its name, and its 村民小组 where it has one."""
    group = state.groups.get(household.group or "")
    return f"{household.name}（{group.name}）" if group is not None else str(household.name)


def _by_name(
    state: State,
    ruleset_of: Any,
    command: str,
    f: FormField,
    scope: str,
    values: dict[str, str],
    lang: str,
) -> FormField:
    """A person field offered by name (web/person_fields.py): a name to pick or
    type for one person, a box to tick for each of those checking in, lines of
    names for the rest; the names offered are those it may name."""
    found = people_for(state, ruleset_of, scope, values)
    if command == "check_in" and f.name == "people":
        meeting = state.meetings.get(values.get("meeting", ""))
        here = meeting.present if meeting is not None else set()
        kind, choices = "people", found.choices(leave_out=here)
    elif f.name in MANY:
        kind, choices = "names", found.choices()
    elif f.name in PAIRS:
        kind, choices = "pairs", found.choices()
    else:
        kind, choices = "person", found.choices()
    shown = field_label(f.name, lang)
    if f.name == "ballots":  # the choices by name: 同意、反对、弃权
        named = [
            en if lang == "en" else zh for _, zh, en in motion_choices(state, ruleset_of, values)
        ]
        if named:
            shown += ("; choices: " if lang == "en" else "；可填：") + " / ".join(named)
    return attrs.evolve(f, widget=kind, choices=choices, label=shown)
