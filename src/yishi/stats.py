"""The figures a community reports for a period, per council, read from the log.

Matters raised, decided, done and done on time; answer deadlines met;
suggestions answered; the satisfaction rate. A pure fold over the events in
log order with the rule sets the log names: no engine, no clock, no I/O, so
the command line, the web and a test compute the same numbers from the same
events. Every rate is an exact fraction (a count of a count); the percentage
beside it is for display only. The definitions are in docs/stats.md, and the
document format (``yishi-stats/1``) is held stable by tests.

Counting is generic over stage kinds: a stage's part in the procedure is
read from the behaviour its kind runs as (meeting, election, intake,
disclosure, execution, evaluation), never from its id, so a rule set or stage
kind added later is counted without a change here.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any

import attrs

from yishi.domain import events as ev
from yishi.domain.catalog import StageKind
from yishi.domain.rules import RuleSet
from yishi.outcomes import percent

FORMAT = "yishi-stats/1"

# Stages in which a matter is still being deliberated: entering any other
# stage after a verdict means the matter has been decided.
_DELIBERATING = frozenset({StageKind.MEETING, StageKind.ELECTION, StageKind.INTAKE})
_VERDICTS = frozenset({"passed", "rejected"})


@attrs.frozen
class Span:
    """A period of whole days, both ends included."""

    first: dt.date
    last: dt.date

    def __attrs_post_init__(self) -> None:
        if self.first > self.last:
            raise ValueError(f"period starts {self.first} after it ends {self.last}")

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.first <= day <= self.last

    @classmethod
    def year(cls, year: int) -> Span:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))


@attrs.frozen
class Deadline:
    """A time limit the log records: an event that sets a due day (the last day
    allowed, included) on something with an id, and the events that settle it.

    Event types are named, not imported, so that a row for an event another part
    of yishi adds is simply inert where that event does not exist. Every event
    type with a ``due`` or ``*_due`` field must be an opener or an echo in
    :data:`DEADLINES` (a test checks it), so a deadline added to the domain is
    counted, not silently left out of "on time"."""

    opened_by: str  # the event type that sets the due day
    due: str  # its field holding the due day (a date, or an ISO date, "" for none)
    key: str  # the field naming what is due, shared with the settling events;
    # "" when the opening event settles itself (a reply recorded with the day it was due by)
    settled_by: tuple[str, ...]
    name: tuple[str, str]  # zh, en
    echoes: tuple[str, ...] = ()  # events that repeat the due day without setting it


DEADLINES: tuple[Deadline, ...] = (
    # An objection to a notice must be answered within the rule set's reply_days.
    # An escalation settles it too: on time when the notice was suspended with
    # the objection still in its limit, late when the tick escalated it unanswered.
    Deadline(
        "ObjectionRaised",
        "reply_due",
        "objection",
        ("ObjectionAnswered", "ObjectionEscalated"),
        ("异议答复", "objection replies"),
    ),
    # A matter referred to an outside body (吹哨、接诉即办、备案) that must answer by a
    # day: answered in time, or late, or found overdue by the tick.
    Deadline(
        "ReferralSent",
        "due",
        "referral",
        ("ReferralAnswered", "ReferralOverdue"),
        ("转办答复", "referral answers"),
        echoes=("ReferralOverdue",),
    ),
    # An outside approval recorded with the day its reply was due by.
    Deadline("ApprovalRecorded", "due", "", (), ("批复", "approval replies")),
    # The same reply found overdue by the tick before it came: the reply, when
    # recorded, settles this deadline (late) rather than opening one of its own.
    Deadline("ApprovalOverdue", "due", "by", ("ApprovalRecorded",), ("批复", "approval replies")),
)


@attrs.define
class _Matter:
    council: str
    seen: bool = False  # has an act within or before the period
    verdict: str | None = None  # the latest meeting or election verdict
    decided: dt.date | None = None
    closed: dt.date | None = None
    status: str = "in_progress"


@attrs.define
class _Due:
    council: str
    matter: str
    opened: dt.date
    due: dt.date
    settled: dt.date | None = None

    @property
    def met(self) -> bool:
        return self.settled is not None and self.settled <= self.due


@attrs.define
class _Counts:
    raised: int = 0
    decided: int = 0
    adopted: int = 0
    done: int = 0
    done_on_time: int = 0
    abandoned: int = 0
    open_at_end: int = 0
    deadlines_due: int = 0
    deadlines_met: int = 0
    received: int = 0
    answered: int = 0
    merged: int = 0
    declined: int = 0
    evaluations: int = 0
    evaluations_passed: int = 0
    ratings: int = 0
    satisfied: int = 0
    bodies: dict[str, dict[str, int]] = attrs.Factory(dict)

    def add(self, other: _Counts) -> None:
        for field in attrs.fields(_Counts):
            if field.name != "bodies":
                setattr(self, field.name, getattr(self, field.name) + getattr(other, field.name))


def event_day(event: ev.Event) -> dt.date:
    """The day an act happened: the day it was held for a step entered from the
    paper record, else the day it was recorded (times are the community's own)."""
    if isinstance(event, ev.StepRecorded):
        return event.held_on
    return event.at.date()


def compute(
    events: Iterable[ev.Event], rulesets: Mapping[str, RuleSet], span: Span
) -> dict[str, Any]:
    """The ``yishi-stats/1`` document for ``span``: figures per council and in total.

    Acts after the last day of the period are not read, so a period's figures
    stay the same once it has ended (a late answer is late whenever it comes)."""
    tally = Tally(rulesets, span)
    tally.feed(events)
    return tally.document()


class Tally:
    """The fold behind :func:`compute`, which may be fed the log in pieces: the
    web keeps one per period and feeds it only the records that came since, where
    counting the whole log again took seconds on a large one. Fed the same events
    in any number of pieces, it gives the same document (a property test holds it
    to one :func:`compute` of them all)."""

    def __init__(self, rulesets: Mapping[str, RuleSet], span: Span) -> None:
        self.rulesets = rulesets
        self.span = span
        self.matters: dict[str, _Matter] = {}
        # suggestion -> procedure, day, answer
        self.suggestions: dict[str, tuple[str, dt.date, str | None]] = {}
        self.meetings: dict[str, str] = {}  # meeting -> body
        self.dues: dict[tuple[str, str, str], _Due] = {}
        self.by_matter: dict[str, list[_Due]] = {}  # the same deadlines, by matter
        self.counts: dict[str, _Counts] = {}
        self.backdated: dict[str, tuple[dt.datetime, dt.date]] = {}  # matter -> (at, held on)

    def copy(self) -> Tally:
        """A tally that goes on from here on its own (the rule sets are shared)."""
        twin = copy.copy(self)
        # One deep copy of all of it: a deadline is in both ``dues`` and ``by_matter``,
        # and settling it must reach both.
        own = {k: v for k, v in vars(self).items() if k not in ("rulesets", "span")}
        vars(twin).update(copy.deepcopy(own))
        return twin

    def feed(self, events: Iterable[ev.Event]) -> None:
        """Count ``events``, the ones that follow what was fed before, in log order."""
        rulesets, span, matters, suggestions = (
            self.rulesets,
            self.span,
            self.matters,
            self.suggestions,
        )
        meetings, dues, by_matter, backdated = (
            self.meetings,
            self.dues,
            self.by_matter,
            self.backdated,
        )
        council = self._council
        for event in events:
            day = event_day(event)
            matter_id: str | None = getattr(event, "matter", None)
            if matter_id is not None and matter_id in backdated:
                at, held_on = backdated[matter_id]
                if event.at == at:  # the move a paper record caused happened when it was held
                    day = held_on
            if isinstance(event, ev.MatterProposed):
                # Known even when proposed after the period: a step entered from its
                # paper record may have been held within it.
                matters[event.matter] = _Matter(event.procedure)
            if day > span.last:
                continue
            if isinstance(event, ev.SuggestionSubmitted):
                council(event.procedure)
                suggestions[event.suggestion] = (event.procedure, day, None)
                continue
            if isinstance(event, ev.SuggestionDeclined):
                _answer(suggestions, event.suggestion, "declined")
                continue
            if isinstance(event, ev.MatterProposed):
                matters[event.matter].seen = True
                council(event.procedure)
                if day in span:
                    council(event.procedure).raised += 1
                for s in event.suggestions:
                    _answer(suggestions, s, "merged")
                continue
            _deadlines(event, day, matters, dues, by_matter)
            if matter_id is None or matter_id not in matters:
                continue
            matter = matters[matter_id]
            matter.seen = True
            procedure = getattr(event, "procedure", None)
            if isinstance(procedure, str) and procedure != matter.council:
                # handed to another council: from now on its acts count there
                council(procedure)
                matter.council = procedure
            here = council(matter.council)
            ruleset = rulesets.get(matter.council)
            if isinstance(event, ev.StepRecorded):
                backdated[matter_id] = (event.at, event.held_on)
            if isinstance(event, ev.MeetingConvened):
                meetings[event.meeting] = event.body
            elif isinstance(event, ev.MeetingClosed):
                if event.outcome in _VERDICTS:
                    matter.verdict = event.outcome
                if day in span and event.meeting in meetings:
                    _held(here, meetings[event.meeting], event.outcome)
            elif isinstance(event, ev.StepRecorded):
                kind = _behaviour(ruleset, event.kind)
                if kind in (StageKind.MEETING, StageKind.ELECTION) and event.outcome in _VERDICTS:
                    matter.verdict = event.outcome
                    if day in span and event.body:
                        _held(here, event.body, event.outcome)
                elif kind is StageKind.EVALUATION and day in span:
                    _evaluated(here, event.outcome, event.counts)
            elif isinstance(event, ev.EvaluationClosed):
                if day in span:
                    _evaluated(here, event.outcome, event.counts)
            elif isinstance(event, ev.StageEntered):
                kind = _stage_behaviour(ruleset, event.stage)
                if kind is not None and kind not in _DELIBERATING:
                    _decided(matter, here, day, span)
            elif isinstance(event, ev.MatterClosed):
                _decided(matter, here, day, span)
                matter.closed, matter.status = day, event.status
                if day in span:
                    if event.status == "completed":
                        here.done += 1
                        if _on_time(day, by_matter.get(matter_id, ())):
                            here.done_on_time += 1
                    elif event.status == "abandoned":
                        here.abandoned += 1

    def _council(self, procedure: str) -> _Counts:
        return self.counts.setdefault(procedure, _Counts())

    def document(self) -> dict[str, Any]:
        """The document for what was fed so far; the tally itself is left as it was,
        to be fed more."""
        span = self.span
        counts = copy.deepcopy(self.counts)

        def council(procedure: str) -> _Counts:
            return counts.setdefault(procedure, _Counts())

        for matter in self.matters.values():
            if matter.seen and matter.closed is None:
                council(matter.council).open_at_end += 1
        for procedure, first, answer in self.suggestions.values():
            if first in span:
                here = council(procedure)
                here.received += 1
                if answer is not None:
                    here.answered += 1
                    here.merged += answer == "merged"
                    here.declined += answer == "declined"
        for d in self.dues.values():
            if d.due in span:
                council(d.council).deadlines_due += 1
                council(d.council).deadlines_met += d.met
        return _document(counts, self.rulesets, span)


def _answer(
    suggestions: dict[str, tuple[str, dt.date, str | None]], suggestion: str, how: str
) -> None:
    found = suggestions.get(suggestion)
    if found is not None and found[2] is None:
        suggestions[suggestion] = (found[0], found[1], how)


_OPENS = {d.opened_by: d for d in DEADLINES}
_SETTLES = {name: d for d in DEADLINES for name in d.settled_by}


def _deadlines(
    event: ev.Event,
    day: dt.date,
    matters: Mapping[str, _Matter],
    dues: dict[tuple[str, str, str], _Due],
    by_matter: dict[str, list[_Due]],
) -> None:
    kind = type(event).__name__
    matter: str = getattr(event, "matter", "")
    settled_one = False
    rule = _SETTLES.get(kind)
    if rule is not None:
        found = dues.get((rule.opened_by, matter, getattr(event, rule.key, "")))
        if found is not None and found.settled is None:
            found.settled = day
            settled_one = True
    rule = _OPENS.get(kind)
    if rule is None:
        return
    if settled_one and not rule.key:
        return  # a reply that settles a deadline already opened is not another one
    due = getattr(event, rule.due, None)
    if isinstance(due, str):
        due = dt.date.fromisoformat(due) if due else None
    if matter not in matters or not isinstance(due, dt.date):
        return  # no council to count it for, or no limit was set
    opened = _Due(matters[matter].council, matter, day, due)
    if rule.key:
        dues[(rule.opened_by, matter, getattr(event, rule.key))] = opened
    else:
        opened.settled = day  # the event is the reply itself
        dues[(rule.opened_by, matter, f"#{len(dues)}")] = opened
    by_matter.setdefault(matter, []).append(opened)


def _on_time(done: dt.date, dues: Iterable[_Due]) -> bool:
    """No time limit on the matter was missed by the day it was done."""
    for d in dues:
        if d.settled is not None and d.settled > d.due:
            return False
        if d.settled is None and d.due < done:
            return False
    return True


def _decided(matter: _Matter, here: _Counts, day: dt.date, span: Span) -> None:
    if matter.decided is not None or matter.verdict is None:
        return
    matter.decided = day
    if day in span:
        here.decided += 1
        here.adopted += matter.verdict == "passed"


def _held(here: _Counts, body: str, outcome: str) -> None:
    row = here.bodies.setdefault(body, {"held": 0, "passed": 0, "rejected": 0, "no_quorum": 0})
    row["held"] += 1
    if outcome in row:
        row[outcome] += 1


def _evaluated(here: _Counts, outcome: str, given: Mapping[str, int]) -> None:
    here.evaluations += 1
    here.evaluations_passed += outcome == "passed"
    # A round entered from paper without its counts adds a round but no ratings.
    if "ratings" in given and "satisfied" in given:
        here.ratings += int(given["ratings"])
        here.satisfied += int(given["satisfied"])


def _behaviour(ruleset: RuleSet | None, kind: str) -> StageKind | None:
    if ruleset is not None and kind in ruleset.catalog.stage_kinds:
        return ruleset.catalog.stage_kinds[kind].behaviour
    try:
        return StageKind(kind)
    except ValueError:
        return None


def _stage_behaviour(ruleset: RuleSet | None, stage: str) -> StageKind | None:
    if ruleset is None:
        return None
    try:
        return ruleset.stage(stage).kind_spec.behaviour
    except KeyError:
        return None


# -- the document ------------------------------------------------------------------


def rate(count: int, of: int) -> dict[str, Any] | None:
    """``count`` of ``of`` as an exact fraction, with a percentage for display only."""
    if of == 0:
        return None
    shown, exact = percent(Fraction(count, of))
    return {"count": count, "of": of, "percent": shown, "percent_exact": exact}


def figures(c: _Counts) -> dict[str, Any]:
    return {
        "matters": {
            "raised": c.raised,
            "decided": c.decided,
            "adopted": c.adopted,
            "done": c.done,
            "done_on_time": c.done_on_time,
            "abandoned": c.abandoned,
            "open_at_end": c.open_at_end,
            "on_time_rate": rate(c.done_on_time, c.done),
        },
        "deadlines": {
            "due": c.deadlines_due,
            "met": c.deadlines_met,
            "missed": c.deadlines_due - c.deadlines_met,
            "met_rate": rate(c.deadlines_met, c.deadlines_due),
        },
        "suggestions": {
            "received": c.received,
            "answered": c.answered,
            "merged": c.merged,
            "declined": c.declined,
            "answered_rate": rate(c.answered, c.received),
        },
        "satisfaction": {
            "evaluations": c.evaluations,
            "passed": c.evaluations_passed,
            "ratings": c.ratings,
            "satisfied": c.satisfied,
            "rate": rate(c.satisfied, c.ratings),
        },
    }


def _document(
    counts: Mapping[str, _Counts], rulesets: Mapping[str, RuleSet], span: Span
) -> dict[str, Any]:
    total = _Counts()
    councils = []
    for procedure, c in counts.items():
        total.add(c)
        ruleset = rulesets.get(procedure)
        councils.append(
            {
                "council": procedure,
                "name": _names(ruleset.title, ruleset.title_en) if ruleset else _names(procedure),
                "figures": figures(c),
                "bodies": [
                    {
                        "body": body,
                        "name": _body_name(ruleset, body),
                        "meetings": dict(row),
                    }
                    for body, row in c.bodies.items()
                ],
            }
        )
    return {
        "format": FORMAT,
        "period": {"from": span.first.isoformat(), "to": span.last.isoformat()},
        "councils": councils,
        "total": {"figures": figures(total)},
    }


def _names(zh: str, en: str = "") -> dict[str, str]:
    return {"zh": zh, "en": en or zh}


def _body_name(ruleset: RuleSet | None, body: str) -> dict[str, str]:
    spec = ruleset.bodies.get(body) if ruleset is not None else None
    return _names(spec.name, spec.name_en) if spec is not None else _names(body)
