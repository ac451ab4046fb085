"""The application: load → decide → append → fold. Owns nothing else.

The engine is the only place that combines the domain, the rule sets and the
store. It never reads the wall clock: every call is given ``now``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from yishi.domain import commands as cmd
from yishi.domain.decide import decide
from yishi.domain.errors import Refusal
from yishi.domain.events import Event
from yishi.domain.rules import RuleSet
from yishi.domain.state import State, evolve
from yishi.store.memory import MemoryStore


class Engine:
    def __init__(
        self, rulesets: Mapping[str, RuleSet], default: str, store: MemoryStore | None = None
    ) -> None:
        if default not in rulesets:
            raise KeyError(default)
        self.rulesets = dict(rulesets)
        self.default = default
        self.store = store if store is not None else MemoryStore()
        self.state = State()
        for stored in self.store.read_all():
            evolve(self.state, stored.event)

    def ruleset_for(self, command: cmd.Command) -> RuleSet:
        if (
            isinstance(command, cmd.DeclineSuggestion)
            and command.suggestion in self.state.suggestions
        ):
            return self.rulesets[self.state.suggestions[command.suggestion].procedure]
        matter_id = self._matter_of(command)
        if matter_id is not None:
            matter = self.state.matters.get(matter_id)
            if matter is not None:
                return self.rulesets[matter.procedure]
        return self.rulesets[self.default]

    def _matter_of(self, command: cmd.Command) -> str | None:
        s = self.state
        if hasattr(command, "meeting") and command.meeting in s.meetings:
            return s.meetings[command.meeting].matter
        if hasattr(command, "disclosure") and command.disclosure in s.disclosures:
            return s.disclosures[command.disclosure].matter
        if isinstance(command, cmd.AnswerObjection) and command.objection in s.objections:
            return s.disclosures[s.objections[command.objection].disclosure].matter
        if isinstance(command, cmd.MergeSuggestions | cmd.ProposeMatter):
            return None
        return getattr(command, "matter", None)

    def execute(self, command: cmd.Command, now: dt.datetime) -> list[Event]:
        """Decide and append; a refusal raises :class:`Refusal` and writes nothing."""
        if isinstance(command, cmd.Tick):
            return self.tick(now)
        events = decide(self.state, command, self.ruleset_for(command), now)
        self._commit(events)
        return events

    def tick(self, now: dt.datetime) -> list[Event]:
        done: list[Event] = []
        for ruleset in self.rulesets.values():
            events = decide(self.state, cmd.Tick(actor="system"), ruleset, now)
            self._commit(events)
            done += events
        return done

    def _commit(self, events: list[Event]) -> None:
        if not events:
            return
        versions: dict[str, int] = {}
        batch = []
        for event in events:
            stream = event.stream
            expected = versions.get(stream, self.store.stream_version(stream))
            batch.append((stream, expected, event))
            versions[stream] = expected + 1
        self.store.append(batch)
        for event in events:
            evolve(self.state, event)


__all__ = ["Engine", "Refusal"]
