"""Which procedure each event of a matter belongs to, read in log order.

A matter handed from a 板凳会 to the 议事会 and on to 四议两公开 keeps every
earlier event; each was decided under the rule set the matter followed at
the time, and is described with that rule set's names of stages and bodies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from yishi.domain import events as ev
from yishi.domain.handoff import names
from yishi.domain.rules import RuleSet
from yishi.domain.state import HandOff


class Procedures:
    def __init__(self, rulesets: Mapping[str, RuleSet], default: RuleSet) -> None:
        self.rulesets = rulesets
        self.default = default
        self.current: dict[str, str] = {}  # matter -> procedure, as of the last event seen

    def see(self, event: ev.Event) -> RuleSet:
        """The rule set ``event`` was decided under; a hand-off is its origin's act."""
        matter = getattr(event, "matter", None)
        if matter is None:
            return self.default
        if isinstance(event, ev.MatterProposed):
            self.current[matter] = event.procedure
        found = self.of(matter)
        if isinstance(event, ev.MatterHandedOff):
            self.current[matter] = event.procedure
        return found

    def of(self, matter: str) -> RuleSet:
        procedure = self.current.get(matter)
        return self.rulesets.get(procedure or "", self.default)

    def get(self, procedure: str) -> RuleSet:
        return self.rulesets.get(procedure, self.default)


def handoff_text(event: ev.MatterHandedOff, rulesets: Mapping[str, RuleSet], lang: str) -> str:
    """'由“古槐议事会”移交“四议两公开（村级）”的“党组织提议”' in the reader's language
    (the reason, which the rule words, is shown beside it)."""
    found = names(rulesets, lang)
    origin = found.get(f"procedure:{event.from_procedure}", "")
    target = found.get(f"procedure:{event.procedure}", "")
    stage = found.get(f"{event.procedure}.{event.stage}", "")
    if lang == "en":
        where = f"'{target}'" + (f" at '{stage}'" if stage else "")
        return f"Handed on from '{origin}' to {where}"
    where = f"“{target}”" + (f"的“{stage}”" if stage else "")
    return f"由“{origin}”移交{where}"


def handoff_json(h: HandOff, rulesets: Mapping[str, RuleSet]) -> dict[str, Any]:
    """One move of a matter as `yishi run --json` gives it (matters[].handoffs)."""
    return {
        "on": h.on.isoformat(),
        "from": {"procedure": h.from_procedure, "stage": h.from_stage, "matter_type": h.from_type},
        "to": {"procedure": h.procedure, "stage": h.stage, "matter_type": h.matter_type},
        "reason": h.reason,
        "text": {
            "zh": handoff_text(_as_event(h), rulesets, "zh"),
            "en": handoff_text(_as_event(h), rulesets, "en"),
        },
    }


def _as_event(h: HandOff) -> ev.MatterHandedOff:
    return ev.MatterHandedOff(
        at=dt.datetime.combine(h.on, dt.time()),
        actor="",
        matter="",
        from_procedure=h.from_procedure,
        from_stage=h.from_stage,
        procedure=h.procedure,
        stage=h.stage,
        reason=h.reason,
        reason_en=h.reason_en,
    )


def routes_lines(
    event: ev.ProceduresRecorded, rulesets: Mapping[str, RuleSet], lang: str
) -> list[str]:
    """What ``yishi run`` prints under the community's procedures and routes, by name."""
    en = lang == "en"

    def title(procedure: str) -> str:
        rs = rulesets.get(procedure)
        return procedure if rs is None else (rs.title_en or rs.title) if en else rs.title

    def type_name(matter_type: str, procedure: str) -> str:
        rs = rulesets.get(procedure)
        found = rs.matter_types.get(matter_type) if rs is not None else None
        if found is None:
            return matter_type
        return (found.name_en or found.name) if en else found.name

    listed = ("; " if en else "、").join(title(p) for p in event.procedures)
    lines = [
        f"    procedures (the first is the default): {listed}"
        if en
        else f"    议事程序（第一个为默认）：{listed}"
    ]
    for matter_type, procedure in event.routes.items():
        lines.append(f"    {type_name(matter_type, procedure)} → {title(procedure)}")
    return lines
