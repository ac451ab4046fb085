"""Hand-offs between procedures, and routing matter types to procedures (pure).

One community runs several councils: a 板凳会 in a courtyard, a standing
议事会, and 四议两公开 for 村级重大事项. A rule set hands a matter on with a
transition (``{ action = "hand_off", procedure = "...", stage = "..." }``);
the law asks for exactly this since 2026 (村组法 2025 第三十三条第三款：
“对协商确定的事项，村民委员会应当及时组织实施或者监督落实；需要提交村民会议或者
村民代表会议的，应当召集会议讨论决定。”). ``decide`` sees one rule set, so the
move it decides names its target by id; :func:`resolve` checks the target
against the rule sets the engine holds and records the target's digest.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from yishi.domain import events as ev
from yishi.domain.errors import Refusal
from yishi.domain.rules import RuleSet
from yishi.domain.transitions import Action, Transition


def resolve(events: list[ev.Event], rulesets: Mapping[str, RuleSet]) -> list[ev.Event]:
    """``events`` with each hand-off checked against ``rulesets`` and stamped with
    its target's digest; a target this engine does not hold refuses the command."""
    if not any(type(e) is ev.MatterHandedOff for e in events):
        return events
    out: list[ev.Event] = []
    words: list[tuple[str, str]] = []  # placeholder -> the target's names
    for event in events:
        if type(event) is ev.MatterHandedOff:
            target = rulesets.get(event.procedure)
            if target is None:
                raise Refusal(
                    "handoff_target_missing",
                    rule=f"procedure:{event.from_procedure}",
                    procedure=event.procedure,
                )
            if event.stage not in {s.id for s in target.stages}:
                raise Refusal("handoff_stage_missing", procedure=target.title, stage=event.stage)
            if event.matter_type is not None and event.matter_type not in target.matter_types:
                raise Refusal(
                    "unknown_matter_type", matter_type=event.matter_type, rule="matter_types"
                )
            event = attrs.evolve(event, ruleset_digest=target.digest)
            # decide() could only say "another procedure": now its name is known.
            t = Transition(Action.HAND_OFF, stage=event.stage, procedure=event.procedure)
            words = [
                (t.describe(lang), t.describe(lang, names(rulesets, lang))) for lang in ("zh", "en")
            ]
        if words and isinstance(event, ev.MatterHandedOff | ev.StageEntered):
            event = attrs.evolve(
                event,
                reason=event.reason.replace(*words[0]),
                reason_en=event.reason_en.replace(*words[1]),
            )
        out.append(event)
    return out


def targets(ruleset: RuleSet) -> list[tuple[str, Transition]]:
    """Every hand-off in ``ruleset``, with the key path of the rule that makes it."""
    found: list[tuple[str, Transition]] = []
    for index, stage in enumerate(ruleset.stages):
        for name in ("on_pass", "on_reject", "on_no_quorum"):
            t = getattr(stage, name)
            if t.action is Action.HAND_OFF:
                found.append((f"stages[{index}].{name}", t))
        if stage.objections is not None and stage.objections.on_unresolved is not None:
            t = stage.objections.on_unresolved
            if t.action is Action.HAND_OFF:
                found.append((f"stages[{index}].objections.on_unresolved", t))
    for type_id, mt in ruleset.matter_types.items():
        for stage_id, override in mt.overrides.items():
            for name in ("on_pass", "on_reject"):
                t = getattr(override, name)
                if t is not None and t.action is Action.HAND_OFF:
                    found.append((f"matter_types.{type_id}.overrides.{stage_id}.{name}", t))
    return found


def names(rulesets: Mapping[str, RuleSet], lang: str = "zh") -> dict[str, str]:
    """Names of other rule sets and their stages, as ``Transition.describe`` reads them."""
    en = lang == "en"
    found: dict[str, str] = {}
    for rs in rulesets.values():
        found[f"procedure:{rs.id}"] = (rs.title_en or rs.title) if en else rs.title
        for stage in rs.stages:
            found[f"{rs.id}.{stage.id}"] = (stage.name_en or stage.name) if en else stage.name
    return found


def route(
    rulesets: Mapping[str, RuleSet],
    routes: Mapping[str, str],
    default: str,
    matter_type: str | None,
) -> str:
    """The procedure a new matter of ``matter_type`` follows in a community with
    ``rulesets``: the community's own route for the type, else the procedure its
    catalogue entry names (小微权力清单), else ``default``."""
    if matter_type is None:
        return default
    if matter_type in routes:
        return routes[matter_type]
    named = {
        rs.matter_types[matter_type].procedure
        for rs in rulesets.values()
        if matter_type in rs.matter_types
    }
    named &= set(rulesets)
    if len(named) == 1:
        return named.pop()
    if default in named or not named:
        return default
    return sorted(named)[0]
