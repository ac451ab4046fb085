"""Realistic workloads for the durability and integrity tests.

One small rule set (an assembly that votes by roll call, a disclosure stage, an
execution stage), a community built for it, and helpers that drive matters
through the :class:`~yishi.engine.Engine` so that the log holds what a real
village's would: registrations, check-ins, ballots, closings, notices with
checkpoints, progress reports with attached photos.

The module is imported by subprocesses too (tests/durable_worker.py), so it
depends on nothing from pytest.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable

from yishi.domain import commands as c
from yishi.domain import events as ev
from yishi.domain.evidence import Evidence
from yishi.domain.rules import RuleSet
from yishi.engine import Engine
from yishi.rulesets.loader import check_text
from yishi.store.evidence import EvidenceStore

RULESET_TOML = """
schema_version = 1
id = "wl"
title = "成员大会表决（测试负载）"
statutory = false
proposers = ["committee"]
recorders = ["committee"]

[bodies.committee]
name = "理事会"
roles = ["director", "clerk"]
quorum = { base = "composition", fraction = "1/2", cmp = ">" }
threshold = { base = "present", fraction = "1/2", cmp = ">" }
vote_methods = ["show_of_hands"]

[bodies.assembly]
name = "成员大会"
quorum = { base = "composition", fraction = "1/3", cmp = ">" }
threshold = { base = "present", fraction = "1/2", cmp = ">" }
vote_methods = ["roll_call", "secret"]

[bodies.assembly.proxies]
allowed = true
holder = "any_member"
max_per_holder = 1
absent_only = true

[bodies.neighbours]
name = "邻组代表"
quorum = { base = "composition", fraction = "1/2", cmp = ">" }
threshold = { base = "present", fraction = "1/2", cmp = ">" }
vote_methods = ["show_of_hands"]

[[stages]]
id = "decide"
kind = "meeting"
name = "成员大会表决"
bodies = ["assembly"]
actors = ["committee.director"]
notice_days = 0
on_reject = "abandon"
on_no_quorum = "reconvene"

[[stages]]
id = "post"
kind = "disclosure"
name = "决议公示"
actors = ["committee"]
disclosure_kind = "resolution"
disclosure_days = 3
channels = ["公开栏"]

[stages.objections]
reply_days = 2
handler = ["committee"]
on_unresolved = { action = "goto", stage = "decide" }

[[stages]]
id = "carry_out"
kind = "execution"
name = "实施"
actors = ["committee"]

"""

DIRECTOR = "d1"
CLERK = "k1"
DAY = dt.datetime(2026, 5, 4, 8, 0)


def ruleset() -> RuleSet:
    loaded, problems = check_text(RULESET_TOML.encode(), "wl.toml")
    assert loaded is not None, [(p.code, p.path, p.message("en")) for p in problems]
    return loaded


def posting_over(engine: Engine, posted: dt.datetime) -> dt.datetime:
    """Midnight after the last day of a posting made on ``posted``: the posting
    day is not counted and a last day on a rest day moves on (民法典 Arts. 201, 203)."""
    posting = engine.rulesets["wl"].period(posted.date(), 3)
    return dt.datetime.combine(posting.end, dt.time())


def member(i: int) -> str:
    return f"a{i:04d}"


def outsider(i: int) -> str:
    """A registered person who belongs to no body."""
    return f"x{i:03d}"


def neighbour(i: int) -> str:
    """A member of another body (邻组代表), not of the assembly."""
    return f"n{i:03d}"


def community(members: int, outsiders: int = 5, neighbours: int = 5) -> c.SetUpCommunity:
    people = [
        c.PersonSpec(id=DIRECTOR, name="理事长", adult=True),
        c.PersonSpec(id=CLERK, name="文书", adult=True),
    ]
    people += [c.PersonSpec(id=member(i), name=f"成员{i}", adult=True) for i in range(members)]
    people += [c.PersonSpec(id=outsider(i), name=f"外人{i}", adult=True) for i in range(outsiders)]
    people += [
        c.PersonSpec(id=neighbour(i), name=f"邻组{i}", adult=True) for i in range(neighbours)
    ]
    return c.SetUpCommunity(
        actor="admin",
        people=tuple(people),
        bodies=(
            c.BodySpecEntry(
                id="committee",
                members=(
                    c.MemberSpec(person=DIRECTOR, roles=("director",)),
                    c.MemberSpec(person=CLERK, roles=("clerk",)),
                ),
            ),
            c.BodySpecEntry(
                id="assembly", members=tuple(c.MemberSpec(person=member(i)) for i in range(members))
            ),
            c.BodySpecEntry(
                id="neighbours",
                members=tuple(c.MemberSpec(person=neighbour(i)) for i in range(neighbours)),
            ),
        ),
    )


def set_up(engine: Engine, members: int, **kwargs: int) -> None:
    engine.execute(community(members, **kwargs), DAY.replace(hour=0))


def open_meeting(
    engine: Engine,
    matter: str,
    meeting: str,
    day: dt.datetime,
    present: Iterable[str],
    evidence: EvidenceStore | None = None,
) -> None:
    """Propose a matter, convene its assembly for ``day`` and check ``present`` in."""
    engine.execute(c.ProposeMatter(actor=DIRECTOR, matter=matter, title=f"事项 {matter}"), day)
    engine.execute(
        c.ConveneMeeting(
            actor=DIRECTOR, matter=matter, meeting=meeting, date=day.date(), method="roll_call"
        ),
        day,
    )
    attached: tuple[Evidence, ...] = ()
    if evidence is not None:
        sheet = f"签到表 {meeting}".encode() * 20
        attached = (evidence.put_bytes(sheet, f"{meeting}-签到表.jpg", note="签到表"),)
    engine.execute(
        c.CheckIn(actor=DIRECTOR, meeting=meeting, people=tuple(present), evidence=attached),
        day + dt.timedelta(minutes=5),
    )


def run_matter(
    engine: Engine,
    index: int,
    members: int,
    rng: random.Random,
    evidence: EvidenceStore | None = None,
) -> None:
    """One matter from proposal to completion, on its own day: about
    ``2 × present + 15`` events, three of them with attachments."""
    day = DAY + dt.timedelta(days=10 * index)
    matter, meeting, disclosure = f"m{index}", f"mt{index}", f"d{index}"
    present = sorted(rng.sample([member(i) for i in range(members)], k=(members * 2) // 3))
    open_meeting(engine, matter, meeting, day, present, evidence)
    vote_at = day + dt.timedelta(minutes=30)
    for n, voter in enumerate(present):
        choice = rng.choices(("yes", "no", "abstain"), weights=(6, 2, 1))[0]
        key = f"ballot-{meeting}-{voter}" if n % 3 == 0 else None
        engine.execute(
            c.CastVote(actor=voter, meeting=meeting, voter=voter, choice=choice),
            vote_at + dt.timedelta(seconds=n),
            key=key,
        )
    closed = engine.execute(c.CloseMeeting(actor=DIRECTOR, meeting=meeting), day.replace(hour=12))
    outcome = closed[0]
    assert isinstance(outcome, ev.MeetingClosed)
    if outcome.outcome != "passed":
        return
    photo: tuple[Evidence, ...] = ()
    if evidence is not None and index % 2 == 0:
        photo = (evidence.put_bytes(f"公示照片 {disclosure}".encode(), f"{disclosure}.jpg"),)
    engine.execute(
        c.Publish(
            actor=CLERK,
            matter=matter,
            disclosure=disclosure,
            title=f"公示 {matter}",
            evidence=photo,
        ),
        day.replace(hour=14),
    )
    ends = posting_over(engine, day)
    engine.tick(ends)
    for step in range(3):
        attached: tuple[Evidence, ...] = ()
        if evidence is not None and step == 1:
            # the same site photo attached to several matters is stored once
            attached = (evidence.put_bytes(b"site photo, same every time", "site.jpg"),)
        engine.execute(
            c.RecordProgress(
                actor=CLERK,
                matter=matter,
                text=f"进度 {step}",
                percent=30 * (step + 1),
                evidence=attached,
            ),
            ends + dt.timedelta(hours=9 + step),
            key=f"progress-{matter}-{step}",
        )
    engine.execute(
        c.CompleteExecution(actor=CLERK, matter=matter, text="完成"), ends + dt.timedelta(days=1)
    )


def build_log(
    engine: Engine, *, members: int, matters: int, seed: int, evidence: EvidenceStore | None
) -> None:
    rng = random.Random(seed)
    set_up(engine, members)
    for index in range(matters):
        run_matter(engine, index, members, rng, evidence)
