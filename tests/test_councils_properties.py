"""Property tests for several councils: hand-off walks fold to the same state on
replay, a refused command changes nothing, and the sitting rhythm counts right."""

from __future__ import annotations

import calendar
import datetime as dt

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT
from tests.strategies import council_outcomes, sittings_days
from yishi.domain import commands as c
from yishi.domain.errors import Refusal
from yishi.domain.handoff import route
from yishi.domain.rules import StageKind
from yishi.domain.sittings import Sittings
from yishi.domain.state import replay
from yishi.domain.tally import meeting_counts
from yishi.engine import Engine
from yishi.scenario import load_scenario
from yishi.scenario.run import load_procedures
from yishi.store.memory import MemoryStore

SCENARIO = load_scenario(ROOT / "examples" / "14_bench_to_council_to_siyi.toml")
RULESETS = load_procedures(SCENARIO)
WALK = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
START = dt.datetime(2026, 4, 1, 9)


def _engine() -> Engine:
    engine = Engine(MemoryStore(), RULESETS, routes=dict(SCENARIO.routes))
    engine.execute(SCENARIO.setup, START)
    return engine


def _check(engine: Engine) -> None:
    assert replay([s.event for s in engine.store.read_all()]) == engine.state


@WALK
@given(data=st.data())
def test_hand_off_walks_replay_to_the_same_state(data: st.DataObject) -> None:
    """A 院落公共工程 walks from the bench towards 四议两公开 with drawn outcomes;
    after every command the log replays to the engine's state, and commands meant
    for a procedure the matter has left are refused without a trace."""
    engine = _engine()
    now = START
    engine.execute(
        c.ProposeMatter(actor="v011", matter="m", title="修路", matter_type="courtyard_project"),
        now,
    )
    for n in range(12):
        matter = engine.state.matters["m"]
        if matter.status != "in_progress":
            break
        ruleset = RULESETS[matter.procedure]
        stage = ruleset.stage(matter.stage or "")
        if stage.kind is not StageKind.MEETING:
            break  # the walk is about the meetings that decide where the matter goes
        body = stage.bodies[0] if len(stage.bodies) == 1 else "representatives_assembly"
        members = sorted(engine.state.bodies[body].members)
        chair = _chair(engine, ruleset, stage)
        now += dt.timedelta(days=1)
        day = (now + dt.timedelta(days=data.draw(st.integers(4, 20), label="days ahead"))).date()
        meeting = f"k{n}"
        engine.execute(
            c.ConveneMeeting(
                actor=chair, matter="m", meeting=meeting, date=day, method="hand_count", body=body
            ),
            now,
        )
        now = dt.datetime.combine(day, dt.time(9))
        outcome = data.draw(council_outcomes(), label="outcome")
        quorate = outcome != "no_quorum"
        present = members if quorate else members[:1]
        engine.execute(c.CheckIn(actor=chair, meeting=meeting, people=tuple(present)), now)
        held = engine.state.meetings[meeting]
        voters = meeting_counts(engine.state, ruleset, held)["present"]  # 预备党员 do not vote
        yes = voters if outcome == "passed" else 0
        engine.execute(
            c.EnterHandCount(actor=chair, meeting=meeting, yes=yes, no=voters - yes, abstain=0),
            now,
        )
        before = engine.state.matters["m"].procedure
        engine.execute(c.CloseMeeting(actor=chair, meeting=meeting), now)
        _check(engine)
        moved = engine.state.matters["m"].procedure != before
        event(f"handed to {engine.state.matters['m'].procedure}" if moved else "stayed")
        if moved:  # the old procedure's meeting can no longer be convened or closed
            size = engine.store.head().size
            try:
                engine.execute(c.CloseMeeting(actor=chair, meeting=meeting), now)
            except Refusal:
                pass
            else:
                raise AssertionError("a closed meeting of the earlier council closed again")
            assert engine.store.head().size == size
    matter = engine.state.matters["m"]
    # every meeting ever held is still the matter's, under the procedure it was held in
    for meeting_id in matter.meetings:
        held = engine.state.meetings[meeting_id]
        assert held.stage in {s.id for s in RULESETS[held.procedure].stages}
    assert [h.procedure for h in matter.handoffs] == matter.procedures[1:]


def _chair(engine: Engine, ruleset, stage) -> str:
    """Someone allowed to convene ``stage`` (its first actor reference)."""
    for ref in stage.actors:
        body_id, _, role = ref.partition(".")
        body = engine.state.bodies.get(body_id)
        if body is None:
            continue
        for member in body.members.values():
            if not role or role in member.roles:
                return member.person
    raise AssertionError(f"nobody may convene {stage.id}")


@settings(max_examples=200, deadline=None)
@given(days=sittings_days(), year=st.integers(2026, 2040), month=st.integers(1, 12))
def test_every_month_has_its_charter_days_and_no_others(days, year, month) -> None:
    """Each charter day falls once a month (the 31st on a short month's last day)."""
    sittings = Sittings(days, "例会")
    length = calendar.monthrange(year, month)[1]
    regular = {d for d in range(1, length + 1) if sittings.regular(dt.date(year, month, d))}
    assert regular == {min(d, length) for d in days}
    assert regular  # never a month without a sitting


TYPES = sorted({t for rs in RULESETS.values() for t in rs.matter_types} | {"unlisted"})


@settings(max_examples=200, deadline=None)
@given(
    matter_type=st.none() | st.sampled_from(TYPES),
    routes=st.dictionaries(st.sampled_from(TYPES), st.sampled_from(sorted(RULESETS))),
    default=st.sampled_from(sorted(RULESETS)),
)
def test_a_matter_goes_where_the_community_routes_it(matter_type, routes, default) -> None:
    """The community's route wins; else the one catalogue that lists the type;
    else the default. The answer is always a procedure the community uses."""
    found = route(RULESETS, routes, default, matter_type)
    assert found in RULESETS
    if matter_type is None:
        assert found == default
    elif matter_type in routes:
        assert found == routes[matter_type]
    else:
        listing = {p for p, rs in RULESETS.items() if matter_type in rs.matter_types}
        if len(listing) == 1:
            assert found == listing.pop()
        elif not listing:
            assert found == default
