"""Close relatives (近亲属, 民法典 Art. 1045: 配偶、父母、子女、兄弟姐妹、祖父母、外祖父母、
孙子女、外孙子女) and the rules that use them: who may not sit on a supervisory body
(村组法 Art. 37, 居委会组织法 Art. 36), who must leave an election committee when a
relative is nominated (村组法 Art. 15), whose relative's interest calls for recusal.

The register records each person's close relatives by id; the relation is read
both ways, so it is enough that one of the two records it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from yishi.domain.bodies import BodySpec
from yishi.domain.errors import Refusal, Text
from yishi.domain.rules import RuleSet


def related(relatives: Mapping[str, Sequence[str]], a: str, b: str) -> bool:
    return b in relatives.get(a, ()) or a in relatives.get(b, ())


def _name(names: Mapping[str, str], person: str) -> str:
    return f"{names.get(person, person)}（{person}）"


def _body(spec: BodySpec | None, body_id: str) -> Text:
    if spec is None:
        return Text(body_id, body_id)
    return Text(spec.name, spec.name_en or spec.name)


def check_exclusions(
    ruleset: RuleSet,
    body_id: str,
    candidates: Iterable[str],
    rosters: Mapping[str, Iterable[str]],
    relatives: Mapping[str, Sequence[str]],
    names: Mapping[str, str],
) -> None:
    """Refuse a candidate for ``body_id`` who sits on, or is a close relative of
    someone on, a body it excludes (``excludes_relatives_of``)."""
    spec = ruleset.bodies.get(body_id)
    if spec is None:
        return
    for other in spec.excludes_relatives_of:
        members = set(rosters.get(other, ()))
        for person in candidates:
            if person in members:
                raise Refusal(
                    "member_not_eligible",
                    rule=f"bodies.{body_id}.excludes_relatives_of",
                    person=_name(names, person),
                    body=_body(ruleset.bodies.get(other), other),
                    target=_body(spec, body_id),
                )
            for member in sorted(members):
                if related(relatives, person, member):
                    raise Refusal(
                        "relative_not_eligible",
                        rule=f"bodies.{body_id}.excludes_relatives_of",
                        person=_name(names, person),
                        other=_name(names, member),
                        body=_body(ruleset.bodies.get(other), other),
                        target=_body(spec, body_id),
                    )


def check_steps_down(
    ruleset: RuleSet,
    committee: str,
    candidates: Iterable[str],
    rosters: Mapping[str, Iterable[str]],
    relatives: Mapping[str, Sequence[str]],
    names: Mapping[str, str],
) -> None:
    """An election committee member who is nominated, or whose close relative is,
    must step down before the election (村组法 Art. 15(3), 居委会组织法 Art. 15)."""
    spec = ruleset.bodies.get(committee)
    for member in sorted(rosters.get(committee, ())):
        for candidate in candidates:
            if candidate == member or related(relatives, member, candidate):
                raise Refusal(
                    "must_step_down",
                    rule=f"bodies.{committee}.steps_down_if_relative_nominated",
                    person=_name(names, member),
                    candidate=_name(names, candidate),
                    body=_body(spec, committee),
                )
