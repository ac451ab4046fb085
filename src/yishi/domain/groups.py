"""村民小组 bodies generated from one rule (村组法 2025 Art. 32).

A rule set declares one body with ``per = "village_group"``: a template. Each
村民小组 listed in the community has its own meeting made from it, with its own
members (the group's villagers aged 18 and over) and its own households, so a
matter concerning group 3 is decided by group 3's meeting.

The expanded body's id is ``<template>@<group>``. :class:`BodyTable` resolves
such an id from the template alone, so a reader that has only the rule set
(``yishi verify``, a published notice) still finds the body; with the
community's group names (:func:`with_groups`) it is also named after its group.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping

import attrs

from yishi.domain.bodies import BodySpec
from yishi.domain.errors import Refusal, named
from yishi.domain.rules import RuleSet
from yishi.domain.state import State

VILLAGE_GROUP = "village_group"
SEPARATOR = "@"


def instance_id(template: str, group: str) -> str:
    return f"{template}{SEPARATOR}{group}"


class BodyTable(Mapping[str, BodySpec]):
    """A rule set's bodies: those declared, and one per group for each template."""

    def __init__(
        self, declared: Mapping[str, BodySpec], groups: Mapping[str, str] | None = None
    ) -> None:
        self.declared = dict(declared)
        self.groups = dict(groups or {})  # group id -> name

    def __getitem__(self, key: str) -> BodySpec:
        found = self.declared.get(key)
        if found is not None:
            return found
        template_id, sep, group = key.partition(SEPARATOR)
        template = self.declared.get(template_id)
        if not sep or template is None or template.per is None or not group:
            raise KeyError(key)
        label = self.groups.get(group, group)
        return attrs.evolve(
            template,
            id=key,
            name=f"{template.name}（{label}）",
            name_en=f"{template.name_en or template.name} ({label})",
            group=group,
            per=None,
        )

    def __iter__(self) -> Iterator[str]:
        return iter(self.declared)

    def __len__(self) -> int:
        return len(self.declared)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and dict(self.items()) == dict(other.items())

    def __hash__(self) -> int:  # pragma: no cover - rule sets are not hashed
        return hash(tuple(self.declared))


def per_group(declared: Mapping[str, BodySpec]) -> Mapping[str, BodySpec]:
    """The loader's bodies: a plain dict unless some body is a per-group template."""
    if any(b.per for b in declared.values()):
        return BodyTable(declared)
    return dict(declared)


def with_groups(ruleset: RuleSet, groups: Mapping[str, str]) -> RuleSet:
    """The rule set whose group bodies carry the community's group names."""
    table = ruleset.bodies
    if not isinstance(table, BodyTable) or table.groups == groups:
        return ruleset
    return attrs.evolve(ruleset, bodies=BodyTable(table.declared, groups))


def for_state(ruleset: RuleSet, state: State) -> RuleSet:
    """``ruleset`` with its group bodies named after the community's 村民小组."""
    if not isinstance(ruleset.bodies, BodyTable):
        return ruleset
    return with_groups(ruleset, {g.id: g.name for g in state.groups.values()})


def resolve(ruleset: RuleSet, body_id: str, group: str | None, known: Collection[str]) -> str:
    """The body that meets for a matter: a template becomes its group's meeting."""
    spec = ruleset.bodies.get(body_id)
    if spec is None or spec.per is None:
        return body_id
    if group is None:
        raise Refusal("group_required", body=named(spec))
    if group not in known:
        raise Refusal("unknown_group", group=group)
    return instance_id(body_id, group)
