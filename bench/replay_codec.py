"""How fast an event log replays into state: JSON text -> event -> evolve.

Builds a realistic log (a village registers its people, then runs matters
whose meetings are mostly attendance and ballots), encodes every event the way
a store row holds it, and times the decode + fold path a replay takes.

    python bench/replay_codec.py [--events 200000] [--repeat 3] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import json
import pstats
import random
import time
from collections.abc import Callable, Iterator
from typing import Any

import attrs

from yishi.domain import events as ev
from yishi.domain.events import event_from_dict
from yishi.domain.evidence import Evidence
from yishi.domain.state import State, evolve
from yishi.store.chain import canonical

T0 = dt.datetime(2026, 1, 5, 8, 30)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "建国秀英桂兰志强海燕德明春梅玉华明辉丽娟永红"


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)


def _evidence(rng: random.Random) -> tuple[Evidence, ...]:
    # Most acts carry no file; a sign-in sheet or minutes scan now and then.
    if rng.random() > 0.02:
        return ()
    digest = f"{rng.getrandbits(256):064x}"
    return (Evidence(sha256=digest, name="签到表.jpg", media_type="image/jpeg", size=48213),)


def realistic_log(n: int, seed: int = 7) -> list[ev.Event]:
    """``n`` events that fold cleanly: registration first, then matters."""
    rng = random.Random(seed)
    out: list[ev.Event] = []
    for e in _village(rng):
        out.append(e)
    people = [e.person for e in out if isinstance(e, ev.PersonRegistered)]
    number = 0
    while len(out) < n:
        number += 1
        out.extend(_matter(rng, number, people))
    return out[:n]


def _village(rng: random.Random) -> Iterator[ev.Event]:
    at, clerk = T0, "p0001"
    households = [f"h{i:04d}" for i in range(1, 801)]
    for h in households:
        yield ev.HouseholdRegistered(at=at, actor=clerk, household=h, name=_name(rng) + "户")
    for i in range(1, 3001):
        person = f"p{i:04d}"
        born = dt.date(rng.randint(1940, 2015), rng.randint(1, 12), rng.randint(1, 28))
        yield ev.PersonRegistered(
            at=at,
            actor=clerk,
            person=person,
            name=_name(rng),
            gender=rng.choice(("男", "女")),
            born=born,
            household=rng.choice(households),
            party=rng.choice((None,) * 9 + ("full",)),
            relatives=tuple(f"p{rng.randint(1, 3000):04d}" for _ in range(rng.randint(0, 2))),
        )
    members = tuple((f"p{i:04d}", ("representative",), True) for i in range(1, 61))
    yield ev.BodyConstituted(at=at, actor=clerk, body="representatives", members=members)
    committee = (
        ("p0001", ("chair",), True),
        *((f"p{i:04d}", ("member",), True) for i in range(2, 8)),
    )
    yield ev.BodyConstituted(at=at, actor=clerk, body="committee", members=committee)


def _matter(rng: random.Random, number: int, people: list[str]) -> Iterator[ev.Event]:
    m = f"m{number:05d}"
    at = T0 + dt.timedelta(days=number)

    def tick() -> dt.datetime:
        nonlocal at
        at += dt.timedelta(minutes=rng.randint(1, 30))
        return at

    clerk = "p0001"
    s = f"s{number:05d}"
    yield ev.SuggestionSubmitted(
        at=tick(), actor=rng.choice(people), suggestion=s, person=rng.choice(people),
        title="硬化村东道路", procedure="siyi_liang_gongkai", text="雨天泥泞，出行不便。",
    )  # fmt: skip
    if rng.random() < 0.1:
        yield ev.SuggestionDeclined(at=tick(), actor=clerk, suggestion=s, reason="不属本村事务")
        return
    yield ev.MatterProposed(
        at=tick(), actor=clerk, matter=m, title="村东道路硬化工程", matter_type="public_welfare_project",
        procedure="siyi_liang_gongkai", ruleset_digest=f"{number:064x}", description="约 1.2 公里",
        suggestions=(s,),
    )  # fmt: skip
    for stage in ("party_proposal", "committee_deliberation", "representatives_resolution"):
        yield ev.StageEntered(at=tick(), actor=clerk, matter=m, stage=stage)
    meeting = f"{m}-meeting"
    big = rng.random() < 0.3  # a 村民会议 of everyone, otherwise the 60 representatives
    entitled = people if big else [f"p{i:04d}" for i in range(1, 61)]
    yield ev.MeetingConvened(
        at=tick(), actor=clerk, matter=m, meeting=meeting, stage="representatives_resolution",
        body="assembly" if big else "representatives", date=at.date() + dt.timedelta(days=7),
        method="ballot", place="村委会议室",
    )  # fmt: skip
    present = rng.sample(entitled, int(len(entitled) * rng.uniform(0.7, 0.95)))
    yield ev.InterestDeclared(
        at=tick(),
        actor=clerk,
        matter=m,
        person=present[0],
        reason="其亲属参与投标",
        meeting=meeting,
    )
    for person in rng.sample(entitled, 2):
        yield ev.MemberExcused(
            at=tick(), actor=clerk, matter=m, meeting=meeting, person=person,
            reason="外出务工", approval="主持人同意",
        )  # fmt: skip
    for person in present:
        yield ev.AttendanceRecorded(
            at=tick(), actor="p0002", matter=m, meeting=meeting, person=person,
            on_behalf_of=person if rng.random() < 0.05 else None, evidence=_evidence(rng),
        )  # fmt: skip
    grantor, holder = present[1], present[2]
    yield ev.ProxyRegistered(
        at=tick(), actor=clerk, matter=m, meeting=meeting, grantor=grantor, holder=holder
    )
    for person in present[1:]:
        yield ev.BallotCast(
            at=tick(), actor=person, matter=m, meeting=meeting, voter=person,
            choice=rng.choice(("yes",) * 8 + ("no", "abstain")),
            cast_by=holder if person == grantor else None,
        )  # fmt: skip
    yes = len(present) - 5
    yield ev.MeetingClosed(
        at=tick(), actor=clerk, matter=m, meeting=meeting, outcome="passed",
        quorum={"met": True, "explanation": "到会 48 人，应到 60 人，达到三分之二"},
        threshold={"met": True, "explanation": "同意 40 人，超过到会人数的一半"},
        counts={"yes": yes, "no": 3, "abstain": 2}, recused=(present[0],),
    )  # fmt: skip
    d = f"{m}-d1"
    yield ev.DisclosurePublished(
        at=tick(), actor=clerk, matter=m, disclosure=d, stage="resolution_disclosure",
        kind="resolution", title="关于村东道路硬化工程的决议公开", posted_on=at.date(),
        until=at.date() + dt.timedelta(days=7), objections_until=at.date() + dt.timedelta(days=5),
        reply_days=3, channels=("board", "wechat"),
        content={"resolution": "同意实施村东道路硬化工程", "counts": {"yes": yes, "no": 3}},
        checkpoint={"size": number * 400, "head": f"{number:064x}"},
    )  # fmt: skip
    if rng.random() < 0.3:
        o = f"{d}-o1"
        yield ev.ObjectionRaised(
            at=tick(), actor=rng.choice(people), matter=m, disclosure=d, objection=o,
            person=rng.choice(people), text="预算是否包含排水沟？", reply_due=at.date() + dt.timedelta(days=3),
        )  # fmt: skip
        if rng.random() < 0.8:
            yield ev.ObjectionAnswered(
                at=tick(), actor=clerk, matter=m, objection=o, reply="包含。", resolved=True
            )
        else:
            yield ev.ObjectionEscalated(
                at=tick(),
                actor=clerk,
                matter=m,
                objection=o,
                reason="逾期未答复",
                reason_en="overdue",
            )
    yield ev.DisclosureClosed(at=tick(), actor=clerk, matter=m, disclosure=d, outcome="ended")
    yield from _aftermath(rng, m, tick, clerk, people)


def _aftermath(
    rng: random.Random, m: str, tick: Callable[[], dt.datetime], clerk: str, people: list[str]
) -> Iterator[ev.Event]:
    """Execution, a sometime election or hand count, evaluation, close."""
    yield ev.StageEntered(at=tick(), actor=clerk, matter=m, stage="execution")
    for percent in (30, 70, 100):
        yield ev.ProgressRecorded(at=tick(), actor=clerk, matter=m, text="施工中", percent=percent)
    yield ev.ExecutionSignedOff(at=tick(), actor=clerk, matter=m, supervisor="p0003")
    yield ev.ExecutionCompleted(at=tick(), actor=clerk, matter=m)
    if rng.random() < 0.1:
        meeting = f"{m}-vote"
        candidates = ("p0010", "p0011", "p0012")
        yield ev.MeetingConvened(
            at=tick(), actor=clerk, matter=m, meeting=meeting, stage="election",
            body="representatives", date=tick().date(), method="election", candidates=candidates,
        )  # fmt: skip
        for i in range(1, 41):
            voter = f"p{i:04d}"
            yield ev.AttendanceRecorded(
                at=tick(), actor=clerk, matter=m, meeting=meeting, person=voter
            )
            yield ev.ElectionBallotCast(
                at=tick(), actor=voter, matter=m, meeting=meeting, voter=voter,
                candidates=tuple(rng.sample(candidates, 2)),
            )  # fmt: skip
        yield ev.ElectionCountEntered(
            at=tick(), actor=clerk, matter=m, meeting=meeting, cast=40, invalid=0,
            votes=(("p0010", 30), ("p0011", 28), ("p0012", 22)),
        )  # fmt: skip
        yield ev.CandidatesElected(
            at=tick(), actor=clerk, matter=m, meeting=meeting, body="supervision", role="member",
            people=("p0010", "p0011"),
        )  # fmt: skip
        yield ev.HandCountEntered(
            at=tick(), actor=clerk, matter=m, meeting=meeting, yes=30, no=5, abstain=5
        )
        yield ev.ConsensusRecorded(at=tick(), actor=clerk, matter=m, meeting=meeting, reached=True)
    yield ev.StageEntered(at=tick(), actor=clerk, matter=m, stage="evaluation")
    for person in rng.sample(people, 20):
        yield ev.RatingSubmitted(
            at=tick(), actor=person, matter=m, person=person, rating="satisfied"
        )
    yield ev.EvaluationClosed(
        at=tick(), actor=clerk, matter=m, outcome="passed",
        threshold={"met": True, "explanation": "满意 18 人，超过半数"}, counts={"satisfied": 18},
    )  # fmt: skip
    yield ev.MatterClosed(at=tick(), actor=clerk, matter=m, status="completed")


def replay_rows(
    rows: list[str],
    decode: Callable[[Any], ev.Event] = event_from_dict,
    loads: Callable[[str], Any] = json.loads,
) -> State:
    state = State()
    for row in rows:
        evolve(state, decode(loads(row)))
    return state


_RAW_DECODE = json.JSONDecoder().raw_decode


def raw_loads(row: str) -> Any:
    """json.loads without its wrapper (type checks, two whitespace regexes):
    enough for rows the store wrote itself, which start with ``{``."""
    return _RAW_DECODE(row)[0]


def legacy_event_from_dict(data: Any) -> ev.Event:
    """The decoder before the per-class codec, for a before/after ratio that
    holds on a busy machine where absolute figures do not."""
    cls = ev.EVENT_TYPES[data["type"]]
    kwargs: dict[str, Any] = {}
    for field in attrs.fields(cls):
        if field.name not in data:
            continue
        if field.name == "evidence":
            kwargs["evidence"] = tuple(Evidence(**item) for item in data["evidence"])
            continue
        kwargs[field.name] = _legacy_value(str(field.type), data[field.name])
    return cls(**kwargs)


def _legacy_value(text: str, value: Any) -> Any:
    if value is None:
        return None
    if "dt.datetime" in text:
        return dt.datetime.fromisoformat(value)
    if "dt.date" in text:
        return dt.date.fromisoformat(value)
    if text.startswith("tuple") and isinstance(value, list):
        return _legacy_tuples(value)
    return value


def _legacy_tuples(value: Any) -> Any:
    return tuple(_legacy_tuples(v) for v in value) if isinstance(value, list) else value


def _best(label: str, n: int, repeat: int, run: Callable[[], object]) -> float:
    best = min(_timed(run) for _ in range(repeat))
    rate = n / best
    print(f"{label:<34} {best:7.3f} s {rate:>10,.0f} events/s {best / n * 1e6:6.2f} µs/event")
    return rate


def _timed(run: Callable[[], object]) -> float:
    # CPU time, not wall time: on a shared machine it is what this process got.
    start = time.process_time()
    run()
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="print cProfile's top entries")
    parser.add_argument("--legacy", action="store_true", help="also time the old decoder")
    args = parser.parse_args()

    log = realistic_log(args.events)
    rows = [canonical(e.to_dict()) for e in log]  # a row's payload, as the stores write it
    counts: dict[str, int] = {}
    for e in log:
        counts[e.type] = counts.get(e.type, 0) + 1
    mix = ", ".join(f"{k} {v}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1])[:4])
    print(f"{len(rows):,} events of {len(counts)} types ({mix}, ...)")
    print(f"mean row {sum(map(len, rows)) / len(rows):.0f} characters")

    n, dicts = len(rows), [json.loads(r) for r in rows]
    # Each stage alone, keeping no results (holding 200k objects would time
    # the garbage collector instead).
    _best("json.loads", n, args.repeat, lambda: _each(json.loads, rows))
    _best("event_from_dict", n, args.repeat, lambda: _each(event_from_dict, dicts))
    _best("evolve", n, args.repeat, lambda: _fold(log))
    _best("to_dict", n, args.repeat, lambda: _each(ev.Event.to_dict, log))
    rate = _best("replay: loads+decode+evolve", n, args.repeat, lambda: replay_rows(rows))
    if args.legacy:
        old = _best("replay, legacy decoder", n, args.repeat, lambda: _legacy(rows))
        print(f"speed-up {rate / old:.2f}x")
    raw = _best(
        "replay with raw_decode", n, args.repeat, lambda: replay_rows(rows, loads=raw_loads)
    )
    print(f"a store reading rows with JSONDecoder.raw_decode would gain {raw / rate:.2f}x")

    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(replay_rows, rows)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(12)


def _each(function: Callable[[Any], object], items: list[Any]) -> None:
    for item in items:
        function(item)


def _legacy(rows: list[str]) -> State:
    return replay_rows(rows, legacy_event_from_dict)


def _fold(log: list[ev.Event]) -> State:
    state = State()
    for e in log:
        evolve(state, e)
    return state


if __name__ == "__main__":
    main()
