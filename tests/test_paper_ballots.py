"""Paper ballots entered in one go (``EnterBallots``, the scenario action ``paper_ballots``).

All or nothing: a batch is accepted exactly when every ballot in it would be
accepted cast one by one, in order; otherwise it is refused naming the first
bad ballot, and nothing is written. Accepted, it counts as the same ballots
cast one by one would.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from yishi.audit import audit_sqlite, rulesets_by_digest
from yishi.domain import commands as c
from yishi.domain import events as ev
from yishi.domain.errors import Refusal
from yishi.domain.membership import roster, votes_in, voting_check
from yishi.domain.rules import RuleSet
from yishi.domain.state import replay
from yishi.domain.tally import meeting_counts
from yishi.engine import Engine
from yishi.rulesets.loader import check_text, load
from yishi.scenario.format import load_scenario
from yishi.scenario.run import run_scenario
from yishi.store.base import DuplicateFact
from yishi.store.memory import MemoryStore
from yishi.store.sqlite import SQLiteStore
from yishi.store.verify import verify_sqlite, verify_store

ROOT = Path(__file__).resolve().parents[1]

PAPER_TOML = """
schema_version = 1
id = "paper"
title = "纸质选票"
statutory = false
proposers = ["committee"]
recorders = ["committee"]

[recusal]
enabled = true

[bodies.committee]
name = "村民委员会"
roles = ["director", "clerk"]
quorum = { base = "composition", fraction = "1/2", cmp = ">" }
threshold = { base = "present", fraction = "1/2", cmp = ">" }
vote_methods = ["show_of_hands"]

[bodies.assembly]
name = "村民会议"
membership = "eligible_adults"
quorum = { base = "eligible_adults", fraction = "1/2", cmp = ">" }
threshold = { base = "present", fraction = "1/2", cmp = ">" }
vote_methods = ["written", "hand_count"]

[[stages]]
id = "decide"
kind = "meeting"
name = "村民会议表决"
bodies = ["assembly"]
actors = ["committee.director"]
"""

DIRECTOR, CLERK = "d1", "k1"
VOTERS = tuple(f"v{i:02d}" for i in range(1, 13))  # v01..v10 check in; v11, v12 stay away
PRESENT = VOTERS[:10]
CHILD = "c1"
MATTER, MEETING = "x1", "mt"
DAY = dt.datetime(2026, 5, 4, 9, 0)


def ruleset() -> RuleSet:
    found, problems = check_text(PAPER_TOML.encode(), "paper.toml")
    assert found is not None, [(p.code, p.path) for p in problems]
    return found


RULESET = ruleset()


def community() -> c.SetUpCommunity:
    people = [c.PersonSpec(id=p, name=f"村民{p}", born=dt.date(1970, 1, 1)) for p in VOTERS]
    people += [
        c.PersonSpec(id=DIRECTOR, name="主任", born=dt.date(1965, 1, 1)),
        c.PersonSpec(id=CLERK, name="文书", born=dt.date(1980, 1, 1)),
        c.PersonSpec(id=CHILD, name="小孩", born=dt.date(2015, 1, 1)),
    ]
    committee = (
        c.MemberSpec(person=DIRECTOR, roles=("director",)),
        c.MemberSpec(person=CLERK, roles=("clerk",)),
    )
    return c.SetUpCommunity(
        actor="admin",
        people=tuple(people),
        bodies=(c.BodySpecEntry(id="committee", members=committee),),
    )


class CountingStore(MemoryStore):
    """A memory store that counts its appends (each command's write, whether by
    ``append`` or inside a group commit's transaction)."""

    def __init__(self) -> None:
        super().__init__()
        self.appends = 0

    def write(self, batch, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.appends += 1
        return super().write(batch, *args, **kwargs)


def start(store: Any = None) -> Engine:
    engine = Engine(store if store is not None else CountingStore(), RULESET)
    engine.execute(community(), DAY.replace(hour=0))
    engine.execute(c.ProposeMatter(actor=DIRECTOR, matter=MATTER, title="修路"), DAY)
    engine.execute(
        c.ConveneMeeting(
            actor=DIRECTOR, matter=MATTER, meeting=MEETING, date=DAY.date(), method="written"
        ),
        DAY,
    )
    engine.execute(c.CheckIn(actor=DIRECTOR, meeting=MEETING, people=PRESENT), DAY)
    return engine


def enter(engine: Engine, *ballots: tuple[str, str], actor: str = DIRECTOR) -> list[ev.Event]:
    return engine.execute(c.EnterBallots(actor=actor, meeting=MEETING, ballots=ballots), DAY)


def refused(engine: Engine, *ballots: tuple[str, str]) -> Refusal:
    size = len(engine.store)
    before = dict(engine.state.meetings[MEETING].ballots)
    with pytest.raises(Refusal) as caught:
        enter(engine, *ballots)
    assert len(engine.store) == size, "a refused batch wrote something"
    assert engine.state.meetings[MEETING].ballots == before
    return caught.value


# -- the happy path ------------------------------------------------------------


def test_a_stack_is_one_decision_one_append_and_one_record_holding_every_ballot():
    engine = start()
    store = engine.store
    assert isinstance(store, CountingStore)
    appends, size = store.appends, len(store)
    ballots = [(v, ("yes", "no", "abstain")[i % 3]) for i, v in enumerate(PRESENT)]
    events = enter(engine, *ballots)
    assert store.appends == appends + 1
    assert len(store) == size + 1
    (stack,) = events
    assert isinstance(stack, ev.BallotsEntered)
    assert list(stack.ballots) == ballots and stack.actor == DIRECTOR
    assert engine.state.meetings[MEETING].ballots == dict(ballots)
    counts = meeting_counts(engine.state, RULESET, engine.state.meetings[MEETING])
    assert (counts["yes"], counts["no"], counts["abstain"]) == (4, 3, 3)
    closed = engine.execute(c.CloseMeeting(actor=DIRECTOR, meeting=MEETING), DAY)
    assert isinstance(closed[0], ev.MeetingClosed)


def test_a_recorder_may_enter_them_for_the_stage_actor():
    engine = start()
    events = engine.execute(
        c.EnterBallots(
            actor=CLERK, on_behalf_of=DIRECTOR, meeting=MEETING, ballots=(("v01", "yes"),)
        ),
        DAY,
    )
    assert events[0].actor == CLERK and events[0].on_behalf_of == DIRECTOR


def test_each_ballot_of_a_stack_keeps_its_own_uniqueness_key_in_the_store():
    engine = start()
    enter(engine, ("v01", "yes"), ("v02", "no"))
    again = ev.BallotCast(
        at=DAY, actor="v01", matter=MATTER, meeting=MEETING, voter="v02", choice="no"
    )
    with pytest.raises(DuplicateFact) as raised:
        engine.store.append([(again.stream, engine.versions[again.stream], again)])
    assert raised.value.key == f"ballot/{MEETING}/v02"


def _stack(*ballots: tuple[str, str]) -> ev.BallotsEntered:
    return ev.BallotsEntered(
        at=DAY, actor=DIRECTOR, matter=MATTER, meeting=MEETING, ballots=tuple(ballots)
    )


@pytest.mark.parametrize("store_kind", ["memory", "sqlite"])
def test_the_store_refuses_a_voter_in_a_stack_who_voted_online_or_in_another_stack(
    store_kind: str, tmp_path: Path
) -> None:
    """The domain refuses these first; the database holds the line without it (T01)."""
    store: Any = MemoryStore() if store_kind == "memory" else SQLiteStore(tmp_path / "log.db")
    online = ev.BallotCast(
        at=DAY, actor="v03", matter=MATTER, meeting=MEETING, voter="v03", choice="yes"
    )
    store.append([(online.stream, 0, online)])
    store.append([(online.stream, 1, _stack(("v01", "yes"), ("v02", "no")))])
    size = len(store)
    for stack in (
        _stack(("v04", "yes"), ("v03", "no")),  # voted online
        _stack(("v05", "yes"), ("v02", "yes")),  # in the first stack
        _stack(("v06", "yes"), ("v06", "no")),  # twice in this one
    ):
        with pytest.raises(DuplicateFact) as raised:
            store.append([(online.stream, 2, stack)])
        assert raised.value.key == f"ballot/{MEETING}/{stack.ballots[1][0]}"
        assert len(store) == size  # nothing of the refused stack was written
    late = ev.BallotCast(
        at=DAY, actor="v01", matter=MATTER, meeting=MEETING, voter="v01", choice="no"
    )
    with pytest.raises(DuplicateFact):
        store.append([(online.stream, 2, late)])
    assert verify_store(store).ok


# -- all or nothing --------------------------------------------------------------


def test_one_bad_ballot_refuses_the_batch_naming_it_and_nothing_is_written():
    engine = start()
    refusal = refused(engine, ("v01", "yes"), ("v02", "no"), ("v11", "yes"), ("v03", "yes"))
    assert refusal.code == "ballot_refused"
    assert refusal.params["number"] == 3
    reason = refusal.params["reason"]
    assert isinstance(reason, Refusal) and reason.code == "not_present"
    zh, en = refusal.message("zh"), refusal.message("en")
    assert "第 3 张" in zh and "村民v11（v11）" in zh and "未签到" in zh
    assert "ballot 3" in en and "v11" in en and "not checked in" in en
    assert "均未录入" in zh


def test_a_voter_twice_in_the_batch_is_refused():
    engine = start()
    refusal = refused(engine, ("v01", "yes"), ("v02", "no"), ("v01", "no"))
    assert refusal.params["number"] == 3
    assert refusal.params["reason"].code == "ballot_twice"
    assert "两次" in refusal.message("zh")


def test_a_voter_who_already_voted_is_refused():
    engine = start()
    engine.execute(c.CastVote(actor="v02", meeting=MEETING, voter="v02", choice="no"), DAY)
    refusal = refused(engine, ("v01", "yes"), ("v02", "yes"))
    assert refusal.params["number"] == 2
    assert refusal.params["reason"].code == "already_voted"


@pytest.mark.parametrize(
    ("ballot", "code"),
    [
        (("v03", "maybe"), "bad_choice"),
        (("nobody", "yes"), "unknown_person"),
        ((CHILD, "yes"), "not_voting_member"),
        (("v12", "no"), "not_present"),
        (("v04", "yes"), "recused"),
    ],
)
def test_every_check_of_a_single_ballot_applies(ballot, code):
    engine = start()
    engine.execute(
        c.DeclareInterest(actor=DIRECTOR, matter=MATTER, person="v04", reason="承包方亲属"), DAY
    )
    refusal = refused(engine, ("v01", "yes"), ballot)
    assert refusal.params["number"] == 2
    assert refusal.params["reason"].code == code


def test_the_batch_as_a_whole_is_checked_first():
    engine = start()
    with pytest.raises(Refusal) as caught:
        enter(engine)
    assert caught.value.code == "no_ballots"
    with pytest.raises(Refusal) as caught:
        enter(engine, ("v01", "yes"), actor="v02")  # a voter may not enter the stack
    assert caught.value.code == "not_authorized"
    engine.execute(c.EnterHandCount(actor=DIRECTOR, meeting=MEETING, yes=5, no=0), DAY)
    with pytest.raises(Refusal) as caught:
        enter(engine, ("v01", "yes"))
    assert caught.value.code == "tally_exists"


def test_ballots_must_be_a_method_that_records_them():
    engine = Engine(MemoryStore(), RULESET)
    engine.execute(community(), DAY.replace(hour=0))
    engine.execute(c.ProposeMatter(actor=DIRECTOR, matter=MATTER, title="修路"), DAY)
    engine.execute(
        c.ConveneMeeting(
            actor=DIRECTOR, matter=MATTER, meeting=MEETING, date=DAY.date(), method="hand_count"
        ),
        DAY,
    )
    engine.execute(c.CheckIn(actor=DIRECTOR, meeting=MEETING, people=PRESENT), DAY)
    with pytest.raises(Refusal) as caught:
        enter(engine, ("v01", "yes"))
    assert caught.value.code == "ballots_not_used"


# -- the same as one by one (a property) -------------------------------------------

POOL = (*VOTERS, CHILD, "nobody")
CHOICE = st.sampled_from(("yes", "no", "abstain"))
# A stack of good ballots, sometimes with one drawn from anyone and anything slipped in.
STACK = st.lists(st.tuples(st.sampled_from(PRESENT), CHOICE), min_size=1, max_size=10).map(
    lambda ballots: list({voter: choice for voter, choice in ballots}.items())
)
ODD = st.tuples(st.sampled_from(POOL), st.sampled_from(("yes", "no", "abstain", "maybe")))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    earlier=st.lists(st.sampled_from(PRESENT), max_size=3, unique=True),
    stack=STACK,
    odd=st.none() | st.tuples(st.integers(min_value=0, max_value=10), ODD),
)
def test_a_batch_counts_as_the_same_ballots_cast_one_by_one(earlier, stack, odd):
    ballots = list(stack)
    if odd is not None:
        ballots.insert(min(odd[0], len(ballots)), odd[1])
    batch, single = start(), start()
    for engine in (batch, single):
        for voter in earlier:  # some voted in person before the paper stack is entered
            engine.execute(c.CastVote(actor=voter, meeting=MEETING, voter=voter, choice="no"), DAY)
    first_refused = None
    for number, (voter, choice) in enumerate(ballots, 1):
        try:
            single.execute(
                c.CastVote(actor=DIRECTOR, meeting=MEETING, voter=voter, choice=choice), DAY
            )
        except Refusal:
            if first_refused is None:
                first_refused = number
    size = len(batch.store)
    try:
        enter(batch, *ballots)
    except Refusal as refusal:
        event("refused")
        assert first_refused == refusal.params["number"]
        assert len(batch.store) == size
        return
    event("accepted")
    assert first_refused is None
    meeting, alone = batch.state.meetings[MEETING], single.state.meetings[MEETING]
    assert meeting.ballots == alone.ballots
    assert meeting_counts(batch.state, RULESET, meeting) == meeting_counts(
        single.state, RULESET, alone
    )
    assert len(batch.store) == size + 1  # the stack is one record
    replayed = replay([stored.event for stored in batch.store.read_all()])
    assert replayed.meetings[MEETING].ballots == alone.ballots


# -- one voter at a time: the check agrees with the roster --------------------------


def test_votes_in_agrees_with_the_roster_for_every_kind_of_body():
    siyi = load(ROOT / "rulesets" / "siyi_liang_gongkai.toml")
    setup = load_scenario(ROOT / "examples" / "01_land_lease_passes.toml").setup
    engine = Engine(MemoryStore(), siyi)
    engine.execute(setup, DAY)
    state = engine.state
    kinds = {spec.membership for spec in siyi.bodies.values()}
    assert len(kinds) >= 2  # rosters and the assembly of adults at least
    for body_id in siyi.bodies:
        for on in (dt.date(2000, 1, 1), DAY.date()):
            members = roster(state, siyi, body_id, on)
            stack = voting_check(state, siyi, body_id, on)
            for person in [*state.people, "nobody"]:
                assert votes_in(state, siyi, body_id, on, person) == members.get(person, False), (
                    body_id,
                    person,
                )
                assert stack(person) == members.get(person, False), (body_id, person)


# -- the scenario action -------------------------------------------------------------


def test_the_scenario_action_is_one_command(tmp_path):
    (tmp_path / "paper.toml").write_text(PAPER_TOML, encoding="utf-8")
    people = "\n".join(
        f'[[community.people]]\nid = "{p}"\nname = "村民{p}"\nborn = 1970-01-01\n' for p in VOTERS
    )
    scenario = f"""
schema_version = 1
title = "纸质选票集中录入"
ruleset = "paper.toml"

[community]
{people}
[[community.people]]
id = "{DIRECTOR}"
name = "主任"
born = 1965-01-01

[[community.bodies]]
id = "committee"
members = ["{DIRECTOR}"]
roles = {{ {DIRECTOR} = ["director"] }}

[[actions]]
at = 2026-05-04T09:00:00
actor = "{DIRECTOR}"
do = "propose"
matter = "{MATTER}"
title = "修路"

[[actions]]
at = 2026-05-04T09:00:00
actor = "{DIRECTOR}"
do = "convene"
matter = "{MATTER}"
meeting = "{MEETING}"
method = "written"

[[actions]]
at = 2026-05-04T09:30:00
actor = "{DIRECTOR}"
do = "check_in"
meeting = "{MEETING}"
people = ["v01..v10"]

[[actions]]
at = 2026-05-04T10:30:00
actor = "{DIRECTOR}"
do = "paper_ballots"
meeting = "{MEETING}"
yes = ["v01..v06"]
no = ["v07", "v08"]
abstain = ["v09"]

[[actions]]
at = 2026-05-04T10:40:00
actor = "{DIRECTOR}"
do = "paper_ballots"
meeting = "{MEETING}"
yes = ["v10", "v11"]
expect = "refused"
"""
    path = tmp_path / "scenario.toml"
    path.write_text(scenario, encoding="utf-8")
    loaded = load_scenario(path)
    steps = [s for s in loaded.steps if s.do == "paper_ballots"]
    assert len(steps) == 2
    assert isinstance(steps[0].command, c.EnterBallots)
    assert len(steps[0].command.ballots) == 9
    report = run_scenario(loaded)
    results = [r for r in report.results if r.step.do == "paper_ballots"]
    assert results[0].refusal is None
    assert [len(e.ballots) for e in results[0].events if isinstance(e, ev.BallotsEntered)] == [9]
    assert results[1].refusal is not None and results[1].refusal.params["number"] == 2
    assert not report.unexpected
    assert report.engine.state.meetings[MEETING].ballots["v09"] == "abstain"


# -- the age cutoff a stack of ballots is checked against ----------------------------

DATES = st.dates(min_value=dt.date(1904, 1, 1), max_value=dt.date(2096, 12, 31))
LEAP_DAYS = (
    st.integers(min_value=1904, max_value=2096)
    .filter(lambda y: y % 4 == 0)
    .map(lambda y: dt.date(y, 2, 29))
)


@settings(max_examples=2000, deadline=None)
@given(born=DATES | LEAP_DAYS, on=DATES | LEAP_DAYS | LEAP_DAYS.map(lambda d: d.replace(day=28)))
def test_the_cutoff_is_is_adult(born, on):
    from yishi.domain.state import Person, adult_cutoff

    assert (born <= adult_cutoff(on)) == Person(id="p", name="甲", born=born).is_adult(on)


@pytest.mark.parametrize(
    ("on", "adult"),
    [(dt.date(2026, 2, 28), False), (dt.date(2026, 3, 1), True), (dt.date(2028, 2, 29), True)],
)
def test_one_born_on_29_february_turns_18_on_1_march(on, adult):
    from yishi.domain.state import adult_cutoff

    assert (dt.date(2008, 2, 29) <= adult_cutoff(on)) is adult


def test_a_log_verified_while_a_stack_is_appended_is_checked_as_it_stood(tmp_path: Path) -> None:
    """Records and facts come from one snapshot: a stack committed by another
    writer half-way through a verify is neither half-seen nor reported as damage."""
    path = tmp_path / "log.db"
    writer = SQLiteStore(path)
    first = _stack(("v01", "yes"), ("v02", "no"))
    writer.append([(first.stream, 0, first)])
    before = writer.head()
    appended = []

    def meanwhile(done: int, total: int) -> None:
        if not appended:  # the verify has begun reading; another writer commits a stack
            later = _stack(("v03", "yes"), ("v04", "no"))
            appended.append(writer.append([(later.stream, 1, later)]))

    report = verify_sqlite(path, progress=meanwhile)
    assert appended and report.ok and report.head == before
    assert verify_sqlite(path).head == writer.head() != before
    writer.close()


def test_a_verdict_on_a_stack_is_recounted_from_the_log_and_a_forged_count_is_caught(
    tmp_path: Path,
) -> None:
    """T05 on paper: the replay folds the stack's ballots and recounts the close."""
    path = tmp_path / "log.db"
    engine = start(SQLiteStore(path))
    enter(engine, *[(v, "yes" if i < 6 else "no") for i, v in enumerate(PRESENT)])
    (closed,) = [
        e
        for e in engine.execute(c.CloseMeeting(actor=DIRECTOR, meeting=MEETING), DAY)
        if isinstance(e, ev.MeetingClosed)
    ]
    assert closed.counts["yes"] == 6 and closed.outcome == "passed"
    engine.store.close()
    report = audit_sqlite(path, rulesets_by_digest([RULESET]))
    assert report.damage == () and report.verdicts == 1
    # the same stack with one more "no" would not have carried: a forged stack is found
    with sqlite3.connect(path) as db:
        seq, payload = db.execute(
            "SELECT seq, payload FROM events WHERE type = 'BallotsEntered'"
        ).fetchone()
        db.execute(
            "UPDATE events SET payload = ? WHERE seq = ?",
            (payload.replace('["v01","yes"]', '["v01","no"]'), seq),
        )
    assert verify_sqlite(path).first is not None
    assert verify_sqlite(path).first.seq == seq
    recount = audit_sqlite(path, rulesets_by_digest([RULESET]))
    assert any(d.code == "verify_verdict_mismatch" for d in recount.damage)
