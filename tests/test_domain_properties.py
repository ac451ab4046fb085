"""Property tests for the domain: decide / evolve / replay, and meeting-level counting.

1. Replaying the log gives the state built step by step.
2. A refused command changes nothing, and ``decide`` refuses only with ``Refusal``.
3. The quorum and threshold of a 村民代表会议 agree with naive integer arithmetic,
   with and without recusal (回避), and one more yes vote never hurts.
4. Statutory boundaries through the engine: the 村民会议 quorum (过半数 adults or
   三分之二以上 households) and the 党员大会 review stage on the "entitled" base.

Random command sequences are played against the shipped 四议两公开 rule set and
the 古槐村 community of the examples; they are plausible rather than arbitrary
(the right actor, enough notice, a count no larger than the room), with random
noise mixed in so that refusals are exercised as well.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TypeVar

import attrs
import pytest
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st

from strategies import account_items, hand_counts, subsets_of, yuan_texts
from yishi.domain import commands as cmd
from yishi.domain import events as ev
from yishi.domain.catalog import BUILTIN_VOTE_METHODS
from yishi.domain.decide import decide
from yishi.domain.errors import Refusal
from yishi.domain.membership import roster
from yishi.domain.rules import (
    StageKind,
    meeting_rules,
    stage_bodies,
)
from yishi.domain.state import Meeting, State, evolve, replay
from yishi.domain.tally import meeting_counts
from yishi.engine import Engine
from yishi.rulesets.loader import load
from yishi.scenario.format import load_scenario
from yishi.store.memory import MemoryStore

T = TypeVar("T")

ROOT = Path(__file__).resolve().parents[1]
RULESET = load(ROOT / "rulesets" / "siyi_liang_gongkai.toml")
GUHUAI = load_scenario(ROOT / "examples" / "01_land_lease_passes.toml").setup
T0 = dt.datetime(2026, 3, 2, 8, 0)

SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large]
# A walk is up to 100 commands; the refusal check deep-copies the state before each.
REPLAY = settings(max_examples=100, deadline=None, suppress_health_check=SLOW)
REFUSAL = settings(max_examples=70, deadline=None, suppress_health_check=SLOW)
COUNTING = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _base() -> tuple[State, tuple[ev.Event, ...]]:
    state = State()
    events = decide(state, GUHUAI, RULESET, T0)
    for e in events:
        evolve(state, e)
    return state, tuple(events)


BASE_STATE, BASE_EVENTS = _base()


# ---------------------------------------------------------------------------
# 1 and 2: random command sequences through decide + evolve
# ---------------------------------------------------------------------------

MATTER_IDS = ("m1", "m2", "m3")
MATTER_TYPES = (None, None, "collective_land_lease", "public_welfare_project")
REASONS = ("其亲属参与投标", "本人为承租方股东")


@attrs.define
class Run:
    """One random walk: the state built incrementally and the events emitted."""

    state: State
    events: list[ev.Event]
    now: dt.datetime = T0
    counter: int = 0
    check_replay: bool = True
    check_refusal: bool = True

    def fresh(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def wait_until(self, day: dt.date, hour: int = 9) -> None:
        self.now = max(self.now, dt.datetime.combine(day, dt.time(hour)))

    def step(self, command: cmd.Command) -> list[ev.Event] | None:
        note(f"{self.now:%Y-%m-%d %H:%M} {command!r}")
        before = copy.deepcopy(self.state) if self.check_refusal else None
        logged = len(self.events)
        try:
            events = decide(self.state, command, RULESET, self.now)
        except Refusal as refusal:
            event(f"refused: {type(command).__name__}/{refusal.code}")
            if self.check_refusal:
                assert self.state == before, f"refused {command!r} changed the state"
                assert len(self.events) == logged
            return None
        except Exception as exc:  # anything but a Refusal is a bug in decide
            raise AssertionError(
                f"decide raised {type(exc).__name__}: {exc!r} (not a Refusal) "
                f"for {command!r} at {self.now}"
            ) from exc
        if self.check_refusal:
            assert self.state == before, f"decide mutated the state for {command!r}"
        for e in events:
            evolve(self.state, e)
        self.events.extend(events)
        for e in events:
            if isinstance(e, ev.StageEntered):
                event(f"entered stage {e.stage}")
            elif isinstance(e, ev.MeetingClosed):
                event(f"meeting {e.outcome}")
            elif isinstance(e, ev.MatterClosed):
                event(f"matter {e.status}")
            elif isinstance(e, ev.BudgetRecorded | ev.AccountEntryRecorded):
                event(f"accounts: {e.type}")
        if self.check_replay:
            assert self.state.version == len(self.events)
            assert replay(self.events) == self.state, f"replay differs after {command!r}"
        return events


def holders(state: State, refs: Sequence[str]) -> list[str]:
    """People who hold any of ``refs`` ("body" or "body.role"); p01 when nobody does."""
    found: set[str] = set()
    for ref in refs:
        if ref == "residents":
            found |= set(list(state.people)[:5])
            continue
        body_id, _, role = ref.partition(".")
        body = state.bodies.get(body_id)
        if body is not None:
            found |= {m.person for m in body.members.values() if not role or role in m.roles}
    return sorted(found) or ["p01"]


def pick(data: st.DataObject, options: Sequence[T], label: str = "") -> T:
    return data.draw(st.sampled_from(list(options)), label=label or None)


def someone(data: st.DataObject, run: Run) -> str:
    """Anyone: a resident, or an id nobody has."""
    return pick(data, [*sorted(run.state.people), "ghost"], "person")


def choose_people(data: st.DataObject, run: Run, meeting: Meeting) -> tuple[str, ...]:
    members = sorted(roster(run.state, RULESET, meeting.body, meeting.date))
    absent = [p for p in members if p not in meeting.attendance]
    mode = pick(data, ["all"] * 4 + ["most", "most", "some", "one"], "check-in mode")
    if mode == "all" or not absent:
        people = list(absent)
    elif mode == "most":
        left_out = data.draw(st.sets(st.sampled_from(absent), max_size=max(1, len(absent) // 3)))
        people = [p for p in absent if p not in left_out]
    elif mode == "some":
        people = data.draw(st.lists(st.sampled_from(absent), unique=True, max_size=12))
    else:
        people = [pick(data, absent)]
    extra = pick(data, ["none"] * 6 + ["outsider", "ghost", "twice", "attending"], "extra")
    if extra == "outsider":
        others = [p for p in sorted(run.state.people) if p not in members]
        if others:
            people.append(pick(data, others))
    elif extra == "ghost":
        people.append("ghost")
    elif extra == "twice" and people:
        people.append(people[0])
    elif extra == "attending" and meeting.attendance:
        people.append(meeting.attendance[0])
    return tuple(people)


def meeting_command(data: st.DataObject, run: Run, meeting: Meeting) -> cmd.Command:
    """A plausible next command for an open meeting on or after its date."""
    state = run.state
    stage = RULESET.stage(meeting.stage)
    actor = pick(data, holders(state, stage.actors), "actor")
    method = RULESET.vote_method(meeting.method)
    assert method is not None
    voted = meeting.tally is not None or bool(meeting.ballots) or meeting.consensus is not None
    options = ["check_in"] * (8 if not meeting.attendance else 1) + ["interest", "close"]
    if "ballots" in method.records and meeting.attendance:
        options += ["vote"] * 8
    if "tally" in method.records and meeting.tally is None and meeting.attendance:
        options += ["count"] * 4
    if "consensus" in method.records:
        options += ["consensus"] * 3
    if voted:
        options += ["close"] * 4
    what = pick(data, options, "meeting action")
    if what == "check_in":
        people = choose_people(data, run, meeting)
        if len(people) == 1 and data.draw(st.booleans()):
            actor = people[0]  # a member signs in himself
        return cmd.CheckIn(actor=actor, meeting=meeting.id, people=people)
    if what == "interest":
        members = sorted(roster(state, RULESET, meeting.body, meeting.date))
        person = pick(data, members or ["p01"], "recused")
        by = pick(data, [person, actor], "declared by")
        reason = pick(data, [*REASONS, " "], "reason")
        return cmd.DeclareInterest(
            actor=by, matter=meeting.matter, person=person, reason=reason, meeting=meeting.id
        )
    if what == "vote":
        not_yet = [p for p in meeting.attendance if p not in meeting.ballots]
        voter = pick(data, [*not_yet, *not_yet, *meeting.attendance, someone(data, run)], "voter")
        choice = pick(data, ["yes"] * 6 + ["no", "abstain", "maybe"], "choice")
        return cmd.CastVote(actor=voter, meeting=meeting.id, voter=voter, choice=choice)
    if what == "count":
        present = meeting_counts(state, RULESET, meeting)["present"]
        mode = pick(data, ["unanimous"] * 5 + ["any", "any", "wild"], "count mode")
        if mode == "unanimous":
            yes, no, abstain = present, 0, 0
        elif mode == "any":
            yes, no, abstain = data.draw(hand_counts(present), label="hand count")
        else:
            yes, no, abstain = data.draw(st.tuples(*[st.integers(-2, present + 3)] * 3))
        return cmd.EnterHandCount(actor=actor, meeting=meeting.id, yes=yes, no=no, abstain=abstain)
    if what == "consensus":
        return cmd.RecordConsensus(
            actor=actor, meeting=meeting.id, reached=data.draw(st.booleans())
        )
    return cmd.CloseMeeting(actor=actor, meeting=meeting.id)


def guided(data: st.DataObject, run: Run) -> cmd.Command:
    """The command a careful village clerk might enter next (it may still be refused)."""
    state = run.state
    active = sorted(m.id for m in state.matters.values() if m.status == "in_progress")
    unused = [m for m in MATTER_IDS if m not in state.matters]
    if not active or (unused and data.draw(st.integers(0, 15), label="new matter?") == 0):
        if not unused:
            return cmd.Tick(actor="system")
        return cmd.ProposeMatter(
            actor="p01",
            matter=unused[0],
            title="村东集体土地出租",
            matter_type=pick(data, MATTER_TYPES, "matter type"),
        )
    matter = state.matters[pick(data, [active[0]] * 5 + active, "matter")]
    stage = RULESET.stage(matter.stage or "")
    if stage.kind is StageKind.MEETING:
        meeting = matter.open_meeting(state)
        if meeting is None:
            bodies = (
                (matter.stage_body,)
                if matter.stage_body
                else stage_bodies(RULESET, stage, matter.matter_type)
            )
            body = pick(data, bodies, "body")
            rules = meeting_rules(RULESET, stage, body, matter.matter_type)
            method = pick(data, [m.name for m in rules.vote_methods], "method")
            slack = pick(data, [0, 0, 1, 3, -1], "extra notice days")
            return cmd.ConveneMeeting(
                actor=pick(data, holders(state, stage.actors), "convener"),
                matter=matter.id,
                meeting=run.fresh("mt"),
                body=body if len(bodies) > 1 or data.draw(st.booleans()) else None,
                date=run.now.date() + dt.timedelta(days=rules.notice_days + slack),
                method=method,
            )
        if run.now.date() < meeting.date and data.draw(st.integers(0, 5), label="early?"):
            run.wait_until(meeting.date)
        return meeting_command(data, run, meeting)
    if stage.kind is StageKind.DISCLOSURE:
        disclosure = matter.open_disclosure(state)
        if disclosure is None:
            return cmd.Publish(
                actor=pick(data, holders(state, stage.actors), "publisher"),
                matter=matter.id,
                disclosure=run.fresh("d"),
                text="公示内容",
            )
        options = ["posting over", "posting over", "later"]
        if disclosure.objections_until and run.now.date() < disclosure.objections_until:
            options += ["object"] * 2
        pending = [o for o in disclosure.objections if state.objections[o].pending]
        if pending:
            options += ["answer"] * 3
        what = pick(data, options, "disclosure action")
        if what == "posting over":
            run.wait_until(disclosure.until + dt.timedelta(days=data.draw(st.integers(0, 2))), 0)
            return cmd.Tick(actor="system")
        if what == "later":
            run.now += dt.timedelta(days=data.draw(st.integers(1, 5)))
            return cmd.Tick(actor="system")
        if what == "object":
            person = someone(data, run)
            return cmd.RaiseObjection(
                actor=person,
                disclosure=disclosure.id,
                objection=run.fresh("o"),
                person=person,
                text="租金偏低",
            )
        handler = stage.objections.handler if stage.objections else stage.actors
        return cmd.AnswerObjection(
            actor=pick(data, holders(state, handler), "answered by"),
            objection=pick(data, pending, "objection"),
            reply="已核实，租金按评估价确定",
            resolved=data.draw(st.booleans(), label="resolved"),
        )
    if stage.kind is StageKind.EXECUTION:
        what = pick(
            data, ["progress", "budget", "entry", "entry", "sign_off", "sign_off", "complete"]
        )
        if what == "sign_off":
            return cmd.SignOff(
                actor=pick(data, holders(state, stage.supervisor), "supervisor"),
                matter=matter.id,
            )
        actor = pick(data, holders(state, stage.actors), "actor")
        if what == "budget":
            lines = data.draw(
                st.lists(
                    st.builds(cmd.BudgetLine, item=account_items(), amount=yuan_texts()),
                    max_size=3,
                ),
                label="budget lines",
            )
            return cmd.RecordBudget(
                actor=actor, matter=matter.id, lines=tuple(lines), source="村民代表会议决议"
            )
        if what == "entry":
            return cmd.RecordAccountEntry(
                actor=actor,
                matter=matter.id,
                kind=pick(data, ["expenditure", "expenditure", "income", "refund"], "entry kind"),
                item=data.draw(account_items(), label="item"),
                amount=data.draw(yuan_texts(), label="amount"),
            )
        if what == "progress":
            percent = data.draw(st.one_of(st.none(), st.integers(-5, 105)), label="percent")
            return cmd.RecordProgress(actor=actor, matter=matter.id, text="进展", percent=percent)
        return cmd.CompleteExecution(actor=actor, matter=matter.id)
    return cmd.Tick(actor="system")  # no other stage kinds in this rule set


def noise(data: st.DataObject, run: Run) -> cmd.Command:
    """Any command, with ids and people drawn loosely: mostly refused, sometimes not."""
    state = run.state
    actor = someone(data, run)
    behalf = data.draw(st.one_of(st.none(), st.none(), st.just("p04")), label="on behalf of")
    base = {"actor": actor, "on_behalf_of": behalf}
    matter = pick(data, [*sorted(state.matters), *MATTER_IDS, "m-none"], "matter id")
    meeting = pick(data, [*sorted(state.meetings), "mt-none"], "meeting id")
    disclosure = pick(data, [*sorted(state.disclosures), "d-none"], "disclosure id")
    objection = pick(data, [*sorted(state.objections), "o-none"], "objection id")
    kind = pick(
        data,
        [
            "propose", "convene", "check_in", "interest", "vote", "count", "consensus",
            "proxy", "close", "publish", "object", "answer", "tick", "progress",
            "sign_off", "complete", "rate", "close_evaluation", "suggest", "setup",
        ],
        "noise kind",
    )  # fmt: skip
    day = run.now.date() + dt.timedelta(days=data.draw(st.integers(-3, 15), label="day offset"))
    person = someone(data, run)
    if kind == "propose":
        return cmd.ProposeMatter(
            **base,
            matter=matter,
            title=pick(data, ["修路", " "]),
            matter_type=pick(data, [*MATTER_TYPES, "bogus"]),
            merge_steps=data.draw(st.booleans()),
        )
    if kind == "convene":
        return cmd.ConveneMeeting(
            **base,
            matter=matter,
            meeting=pick(data, [run.fresh("mt"), meeting]),
            body=pick(data, [None, "representatives_assembly", "villagers_assembly", "nobody"]),
            date=day,
            method=pick(data, [*(m.name for m in BUILTIN_VOTE_METHODS), "bogus"]),
        )
    if kind == "check_in":
        people = data.draw(st.lists(st.sampled_from([*sorted(state.people), "ghost"]), max_size=5))
        return cmd.CheckIn(**base, meeting=meeting, people=tuple(people))
    if kind == "interest":
        reason = pick(data, [*REASONS, ""])
        return cmd.DeclareInterest(**base, matter=matter, person=person, reason=reason)
    if kind == "vote":
        return cmd.CastVote(
            **base,
            meeting=meeting,
            voter=pick(data, [actor, person]),
            choice=pick(data, ["yes", "no", "abstain", "maybe"]),
            for_person=pick(data, [None, None, person]),
        )
    if kind == "count":
        yes, no, abstain = data.draw(st.tuples(*[st.integers(-1, 40)] * 3))
        return cmd.EnterHandCount(**base, meeting=meeting, yes=yes, no=no, abstain=abstain)
    if kind == "consensus":
        return cmd.RecordConsensus(**base, meeting=meeting, reached=data.draw(st.booleans()))
    if kind == "proxy":
        return cmd.RegisterProxy(**base, meeting=meeting, grantor=person, holder=actor)
    if kind == "close":
        return cmd.CloseMeeting(**base, meeting=meeting)
    if kind == "publish":
        return cmd.Publish(
            **base, matter=matter, disclosure=pick(data, [run.fresh("d"), disclosure])
        )
    if kind == "object":
        return cmd.RaiseObjection(
            **base,
            disclosure=disclosure,
            objection=pick(data, [run.fresh("o"), objection]),
            person=person,
            text=pick(data, ["不同意", ""]),
        )
    if kind == "answer":
        return cmd.AnswerObjection(
            **base, objection=objection, reply="答复", resolved=data.draw(st.booleans())
        )
    if kind == "tick":
        run.now += dt.timedelta(days=data.draw(st.integers(0, 30), label="tick days"))
        return cmd.Tick(actor="system")
    if kind == "progress":
        percent = data.draw(st.one_of(st.none(), st.integers(-5, 105)))
        return cmd.RecordProgress(**base, matter=matter, text="进展", percent=percent)
    if kind == "sign_off":
        return cmd.SignOff(**base, matter=matter)
    if kind == "complete":
        return cmd.CompleteExecution(**base, matter=matter)
    if kind == "rate":
        return cmd.Rate(**base, matter=matter, person=person, rating="满意")
    if kind == "close_evaluation":
        return cmd.CloseEvaluation(**base, matter=matter)
    if kind == "suggest":
        return cmd.Suggest(**base, suggestion=run.fresh("s"), person=person, title="建议")
    new_id = pick(data, ["n1", "p01"], "new person id")
    return cmd.SetUpCommunity(
        **base,
        people=(
            cmd.PersonSpec(
                id=new_id,
                name="新村民",
                gender=pick(data, ["", "female", "x"]),
                adult=pick(data, [True, None]),
                household=pick(data, [None, "h_wang", "h_none"]),
                party=pick(data, [None, "probationary", "bogus"]),
            ),
        ),
    )


def walk(data: st.DataObject, run: Run) -> None:
    steps = data.draw(st.integers(min_value=10, max_value=100), label="steps")
    for _ in range(steps):
        minutes = pick(data, [0, 1, 10, 10, 60, 60 * 6, 60 * 24, 60 * 24 * 3], "minutes later")
        run.now += dt.timedelta(minutes=minutes)
        if data.draw(st.integers(0, 4), label="noise?") == 0:
            command = noise(data, run)
        else:
            command = guided(data, run)
        run.step(command)


@REPLAY
@given(st.data())
def test_replay_equals_incremental_state(data: st.DataObject) -> None:
    run = Run(copy.deepcopy(BASE_STATE), list(BASE_EVENTS), check_refusal=False)
    assert replay(run.events) == run.state
    walk(data, run)


@REFUSAL
@given(st.data())
def test_refused_command_never_changes_state(data: st.DataObject) -> None:
    run = Run(copy.deepcopy(BASE_STATE), list(BASE_EVENTS), check_replay=False)
    walk(data, run)


# ---------------------------------------------------------------------------
# Engine helpers for 3 and 4
# ---------------------------------------------------------------------------


class Village:
    """An engine with a clock, for walking one matter through the stages."""

    def __init__(self, setup: cmd.SetUpCommunity) -> None:
        self.engine = Engine(MemoryStore(), RULESET)
        self.now = T0
        self.engine.execute(setup, self.now)

    @property
    def state(self) -> State:
        return self.engine.state

    def do(self, command: cmd.Command) -> list[ev.Event]:
        self.now += dt.timedelta(minutes=1)
        return self.engine.execute(command, self.now)

    def convene(
        self,
        matter: str,
        meeting: str,
        actor: str,
        body: str | None = None,
        method: str = "show_of_hands",
    ) -> Meeting:
        m = self.state.matters[matter]
        stage = RULESET.stage(m.stage or "")
        body_id = body or stage_bodies(RULESET, stage, m.matter_type)[0]
        notice = meeting_rules(RULESET, stage, body_id, m.matter_type).notice_days
        date = self.now.date() + dt.timedelta(days=notice)
        self.do(
            cmd.ConveneMeeting(
                actor=actor, matter=matter, meeting=meeting, body=body, date=date, method=method
            )
        )
        self.now = dt.datetime.combine(date, dt.time(9))
        return self.state.meetings[meeting]

    def hold(
        self,
        meeting: str,
        actor: str,
        present: Sequence[str],
        count: tuple[int, int, int] | None = None,
        recused: Sequence[str] = (),
    ) -> ev.MeetingClosed:
        """Check in, declare interests, enter a hand count (all yes by default), close."""
        matter = self.state.meetings[meeting].matter
        if present:
            self.do(cmd.CheckIn(actor=actor, meeting=meeting, people=tuple(present)))
        for person in recused:
            self.do(
                cmd.DeclareInterest(
                    actor=person, matter=matter, person=person, reason="亲属参与", meeting=meeting
                )
            )
        if count is None:
            yes = meeting_counts(self.state, RULESET, self.state.meetings[meeting])["present"]
            count = (yes, 0, 0)
        yes, no, abstain = count
        self.do(cmd.EnterHandCount(actor=actor, meeting=meeting, yes=yes, no=no, abstain=abstain))
        events = self.do(cmd.CloseMeeting(actor=actor, meeting=meeting))
        closed = events[0]
        assert isinstance(closed, ev.MeetingClosed)
        return closed

    def pass_stage(self, matter: str, actor: str) -> None:
        """Hold the current meeting stage with every member present and voting yes."""
        stage = self.state.matters[matter].stage
        meeting = self.convene(matter, f"{matter}-{stage}", actor)
        members = roster(self.state, RULESET, meeting.body, meeting.date)
        closed = self.hold(meeting.id, actor, sorted(members))
        assert closed.outcome == "passed", closed
        assert self.state.matters[matter].stage != stage


def to_resolve(village: Village, secretary: str, matter: str = "m1") -> None:
    village.do(cmd.ProposeMatter(actor=secretary, matter=matter, title="村道硬化"))
    for stage in ("propose", "consult", "review"):
        assert village.state.matters[matter].stage == stage
        village.pass_stage(matter, secretary)
    assert village.state.matters[matter].stage == "resolve"


def checks(closed: ev.MeetingClosed, what: str) -> list[dict]:
    verdict = closed.quorum if what == "quorum" else closed.threshold
    assert verdict is not None
    return list(verdict["checks"])


# ---------------------------------------------------------------------------
# 3: counting at meeting level (村民代表会议)
# ---------------------------------------------------------------------------


def with_representatives(n: int) -> cmd.SetUpCommunity:
    """古槐村 with a 村民代表会议 of v001..v{n}, all representatives (every other one a woman)."""
    reps = cmd.BodySpecEntry(
        id="representatives_assembly",
        members=tuple(
            cmd.MemberSpec(person=f"v{i:03d}", roles=("representative",)) for i in range(1, n + 1)
        ),
    )
    bodies = tuple(b for b in GUHUAI.bodies if b.id != "representatives_assembly")
    return attrs.evolve(GUHUAI, bodies=(*bodies, reps))


@st.composite
def assembly_plans(draw: st.DrawFn) -> tuple[int, frozenset[int], frozenset[int], tuple]:
    n = draw(st.integers(min_value=3, max_value=60), label="members")
    # Half the time near or above the 2/3 quorum, so that votes get counted.
    present = draw(
        st.one_of(subsets_of(n), subsets_of(n, min_size=2 * n // 3 - 1)), label="present"
    )
    recused = draw(subsets_of(n, max_size=8), label="recused")
    count = draw(hand_counts(len(present - recused)), label="hand count")
    return n, present, recused, count


def representatives_meeting(n: int) -> tuple[Village, Meeting]:
    village = Village(with_representatives(n))
    to_resolve(village, "p01")
    meeting = village.convene("m1", "m1-resolve", "p03", body="representatives_assembly")
    assert len(roster(village.state, RULESET, meeting.body, meeting.date)) == n
    return village, meeting


def seat(
    village: Village, meeting: Meeting, present: frozenset[int], recused: frozenset[int]
) -> None:
    """Check in representatives ``present`` and let ``recused`` declare an interest."""
    names = [f"v{i + 1:03d}" for i in sorted(present)]
    if names:
        village.do(cmd.CheckIn(actor="p04", meeting=meeting.id, people=tuple(names)))
    for i in sorted(recused):
        person = f"v{i + 1:03d}"
        village.do(cmd.DeclareInterest(actor=person, matter="m1", person=person, reason="亲属"))


@COUNTING
@given(assembly_plans())
def test_representatives_assembly_counts_match_naive_arithmetic(plan: tuple) -> None:
    n, present, recused, (yes, no, abstain) = plan
    village, meeting = representatives_meeting(n)
    names = [f"v{i + 1:03d}" for i in range(n)]
    attending = [names[i] for i in sorted(present)]
    k = len(recused)
    present_counted = len(present - recused)

    closed = village.hold(
        meeting.id, "p04", attending, (yes, no, abstain), [names[i] for i in sorted(recused)]
    )

    # Nothing is carried by nobody: with every member recused there is no quorum.
    quorate = present_counted >= 1 and present_counted * 3 >= 2 * (n - k)
    event(f"{closed.outcome}{' with recusal' if k else ''}")
    (quorum,) = checks(closed, "quorum")
    assert (quorum["count"], quorum["base_value"]) == (present_counted, n - k)
    assert quorum["met"] is quorate
    if not quorate:
        assert closed.outcome == "no_quorum"
        return
    (threshold,) = checks(closed, "threshold")
    assert (threshold["count"], threshold["base_value"]) == (yes, present_counted)
    assert closed.outcome == ("passed" if yes * 2 > present_counted else "rejected")


@COUNTING
@given(assembly_plans())
def test_recusal_lowers_both_bases(plan: tuple) -> None:
    n, present, recused, _ = plan
    village, meeting = representatives_meeting(n)
    seat(village, meeting, present, recused)
    state = village.state
    meeting = state.meetings[meeting.id]
    with_recusal = meeting_counts(state, RULESET, meeting)
    without = meeting_counts(state, RULESET, meeting, apply_recusal=False)
    assert RULESET.recusal.remove_from_bases
    assert without["composition"] == n
    assert with_recusal["composition"] == n - len(recused)
    assert without["present_base"] == len(present)
    assert with_recusal["present_base"] == len(present - recused)
    assert with_recusal["composition"] <= without["composition"]
    assert with_recusal["present_base"] <= without["present_base"]
    if recused:
        assert with_recusal["composition"] < without["composition"]
    if recused & present:
        assert with_recusal["present_base"] < without["present_base"]


@COUNTING
@given(assembly_plans())
def test_one_more_yes_never_turns_passed_into_rejected(plan: tuple) -> None:
    n, present, recused, (yes, no, abstain) = plan
    if no == 0:  # give the count a no vote to turn into a yes
        if not present - recused:
            return  # nobody may vote: there is no count to change
        if yes + abstain < len(present - recused):
            no = 1
        elif yes:
            yes, no = yes - 1, 1
        else:
            abstain, no = abstain - 1, 1
    village, meeting = representatives_meeting(n)
    seat(village, meeting, present, recused)
    other = copy.deepcopy(village)
    fewer = village.hold(meeting.id, "p04", (), (yes, no, abstain))
    more = other.hold(meeting.id, "p04", (), (yes + 1, no - 1, abstain))
    assert fewer.quorum == more.quorum
    event(f"{fewer.outcome} -> {more.outcome}")
    order = {"no_quorum": -1, "rejected": 0, "passed": 1}
    assert order[more.outcome] >= order[fewer.outcome], (fewer.outcome, more.outcome)
    assert not (fewer.outcome == "passed" and more.outcome == "rejected")


# ---------------------------------------------------------------------------
# 4: statutory boundaries through the engine
# ---------------------------------------------------------------------------


def small_village(
    people: Sequence[tuple[str, str | None]],
    households: int,
    party: Sequence[tuple[str, bool]] = (),
) -> cmd.SetUpCommunity:
    """Adults (id, household) born 1970, ``households`` households hh001..; a001 holds
    every office needed to reach the resolve stage; ``party`` lists (person, voting)."""
    party = party or (("a001", True),)
    return cmd.SetUpCommunity(
        actor="system",
        households=tuple(
            cmd.HouseholdSpec(id=f"hh{h:03d}", name=f"第{h}户") for h in range(1, households + 1)
        ),
        people=tuple(
            cmd.PersonSpec(
                id=pid,
                name=pid,
                gender="female" if i % 2 else "male",
                born=dt.date(1970, 1, 1),
                household=hh,
                party=None if pid.startswith("a") else "probationary",
            )
            for i, (pid, hh) in enumerate(people)
        ),
        bodies=(
            cmd.BodySpecEntry(
                id="party_branch_committee",
                members=(cmd.MemberSpec(person="a001", roles=("secretary",)),),
            ),
            cmd.BodySpecEntry(
                id="two_committees",
                members=(cmd.MemberSpec(person="a001", roles=("secretary", "director")),),
            ),
            cmd.BodySpecEntry(
                id="village_committee",
                members=(cmd.MemberSpec(person="a001", roles=("director",)),),
            ),
            cmd.BodySpecEntry(
                id="party_members_assembly",
                members=tuple(cmd.MemberSpec(person=p, voting=v) for p, v in party),
            ),
        ),
    )


def villagers_assembly(village: Village, present: Sequence[str]) -> ev.MeetingClosed:
    to_resolve(village, "a001")
    meeting = village.convene("m1", "m1-assembly", "a001", body="villagers_assembly")
    assert (meeting.date - meeting.convened_on).days == 10  # 提前十日通知
    return village.hold(meeting.id, "a001", present)


ADULT_COUNTS = [1, 2, 3, 4, 5, 6, 7, 10, 11, 24, 25, 35, 60, 61]


@pytest.mark.parametrize("adults", ADULT_COUNTS)
@pytest.mark.parametrize("above", [True, False], ids=["just_over_half", "half_or_less"])
def test_villagers_assembly_adult_quorum_boundary(adults: int, above: bool) -> None:
    """过半数 of adults: ⌊A/2⌋ + 1 is enough, ⌊A/2⌋ (exactly half when A is even) is not.

    Every adult lives in his own household among 3A households, so the household
    alternative (2/3 of households) can never be met here.
    """
    people = [(f"a{i:03d}", f"hh{i:03d}") for i in range(1, adults + 1)]
    village = Village(small_village(people, households=3 * adults))
    present = adults // 2 + (1 if above else 0)
    closed = villagers_assembly(village, [p for p, _ in people[:present]])
    by_adults, by_households = checks(closed, "quorum")
    assert (by_adults["count"], by_adults["base_value"]) == (present, adults)
    assert by_adults["minimum"] == adults // 2 + 1
    assert not by_households["met"]
    assert by_adults["met"] is above
    assert closed.outcome == ("passed" if above else "no_quorum")


HOUSEHOLD_COUNTS = [1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 30, 31]


@pytest.mark.parametrize("households", HOUSEHOLD_COUNTS)
@pytest.mark.parametrize("reached", [True, False], ids=["two_thirds", "one_short"])
def test_villagers_assembly_household_quorum_boundary(households: int, reached: bool) -> None:
    """三分之二以上 of households, the number itself included: ⌈2H/3⌉ households suffice.

    Three adults per household, one per household present: at most a third of the
    adults attend, so the adult alternative can never be met here.
    """
    people = [
        (f"a{3 * (h - 1) + k:03d}", f"hh{h:03d}")
        for h in range(1, households + 1)
        for k in (1, 2, 3)
    ]
    village = Village(small_village(people, households=households))
    needed = -(-2 * households // 3)
    attending = needed if reached else needed - 1
    present = [f"a{3 * (h - 1) + 1:03d}" for h in range(1, attending + 1)]
    closed = villagers_assembly(village, present)
    by_adults, by_households = checks(closed, "quorum")
    assert (by_households["count"], by_households["base_value"]) == (attending, households)
    assert by_households["minimum"] == needed
    assert not by_adults["met"]
    assert by_households["met"] is reached
    assert closed.outcome == ("passed" if reached else "no_quorum")


def party_village(entitled: int, probationary: int) -> Village:
    voting = [f"a{i:03d}" for i in range(1, entitled + 1)]
    non_voting = [f"q{i:03d}" for i in range(1, probationary + 1)]
    people = [(p, None) for p in voting + non_voting]
    party = [(p, True) for p in voting] + [(p, False) for p in non_voting]
    village = Village(small_village(people, households=1, party=party))
    village.do(cmd.ProposeMatter(actor="a001", matter="m1", title="村道硬化"))
    village.pass_stage("m1", "a001")
    village.pass_stage("m1", "a001")
    assert village.state.matters["m1"].stage == "review"
    return village


@pytest.mark.parametrize("entitled", [3, 6, 9, 12, 30])
@pytest.mark.parametrize("probationary", [0, 2])
@pytest.mark.parametrize("one_fewer", [False, True], ids=["two_thirds", "one_fewer"])
def test_party_review_quorum_boundary(entitled: int, probationary: int, one_fewer: bool) -> None:
    """Review stage: 应到会党员三分之二以上 (>=) on the entitled base; probationary
    members present are not counted and do not enlarge the base."""
    village = party_village(entitled, probationary)
    meeting = village.convene("m1", "m1-review", "a001")
    attending = entitled * 2 // 3 - (1 if one_fewer else 0)
    present = [f"a{i:03d}" for i in range(1, attending + 1)]
    present += [f"q{i:03d}" for i in range(1, probationary + 1)]
    closed = village.hold(meeting.id, "a001", present, (attending, 0, 0))
    (quorum,) = checks(closed, "quorum")
    assert (quorum["count"], quorum["base_value"], quorum["minimum"]) == (
        attending,
        entitled,
        entitled * 2 // 3,
    )
    assert quorum["met"] is not one_fewer
    assert closed.outcome == ("no_quorum" if one_fewer else "passed")
    assert village.state.matters["m1"].stage == ("review" if one_fewer else "resolve")


@pytest.mark.parametrize("entitled", [2, 4, 6, 10, 30])
@pytest.mark.parametrize("more_than_half", [False, True], ids=["exactly_half", "half_plus_one"])
def test_party_review_threshold_boundary(entitled: int, more_than_half: bool) -> None:
    """Votes in favour must be more than half of the entitled (not of those present)."""
    village = party_village(entitled, probationary=1)
    meeting = village.convene("m1", "m1-review", "a001")
    yes = entitled // 2 + (1 if more_than_half else 0)
    present = [f"a{i:03d}" for i in range(1, entitled + 1)] + ["q001"]
    closed = village.hold(meeting.id, "a001", present, (yes, entitled - yes, 0))
    (threshold,) = checks(closed, "threshold")
    assert (threshold["count"], threshold["base_value"]) == (yes, entitled)
    assert threshold["minimum"] == entitled // 2 + 1
    assert closed.outcome == ("passed" if more_than_half else "rejected")


def test_probationary_member_cannot_vote_at_review() -> None:
    village = party_village(entitled=4, probationary=1)
    meeting = village.convene("m1", "m1-review", "a001", method="secret")
    village.do(cmd.CheckIn(actor="a001", meeting=meeting.id, people=("a001", "q001")))
    with pytest.raises(Refusal) as refused:
        village.do(cmd.CastVote(actor="q001", meeting=meeting.id, voter="q001", choice="yes"))
    assert refused.value.code == "not_voting_member"


def test_party_review_threshold_counts_entitled_not_present() -> None:
    """4 of 6 present (quorate: 4 >= 2/3 x 6); 3 yes is more than half of those
    present but only half of the entitled: rejected."""
    village = party_village(entitled=6, probationary=1)
    meeting = village.convene("m1", "m1-review", "a001")
    present = ["a001", "a002", "a003", "a004", "q001"]
    closed = village.hold(meeting.id, "a001", present, (3, 1, 0))
    (quorum,) = checks(closed, "quorum")
    (threshold,) = checks(closed, "threshold")
    assert quorum["met"]
    assert (threshold["count"], threshold["base_value"], threshold["met"]) == (3, 6, False)
    assert closed.outcome == "rejected"
