"""Secret ballots (无记名投票) that leave no voter next to a choice.

A method marked ``secret`` splits every ballot in two:

- :class:`~yishi.domain.events.BallotReceived` goes into the log: *who* took
  part (the register, 投票登记), with the time, so one ballot per member is
  still enforced by the log's unique key;
- :class:`~yishi.domain.events.SealedBallot` carries the choice alone. It is
  never appended to the log: the application puts it into the store's ballot
  box, kept apart from the log, without a time, a position or a voter.

When the meeting closes, the box is opened: one
:class:`~yishi.domain.events.BallotBoxOpened` records every choice as a sorted
multiset, and the box is emptied. From then on the log holds the register and
the ballots, and nothing that pairs them (docs/integrity.md §8).
"""

from __future__ import annotations

import datetime as dt
import json

from yishi.domain import events as ev
from yishi.domain.errors import Refusal
from yishi.domain.rules import RuleSet
from yishi.domain.state import Meeting


def is_secret(ruleset: RuleSet, meeting: Meeting) -> bool:
    spec = ruleset.vote_method(meeting.method)
    return spec is not None and spec.secret


def has_voted(meeting: Meeting, person: str) -> bool:
    return (
        person in meeting.ballots
        or person in meeting.received
        or (person in meeting.election_ballots)
    )


#: The most a sealed ballot may take (UTF-8 bytes): a store lays out its box in
#: slots of one size, so that a ballot is written in place (store/ballot_box.py).
MAX_SEALED = 480


def election_ballot(names: tuple[str, ...], invalid: str = "") -> str:
    """The sealed form of an election ballot: canonical JSON, nothing else."""
    data: dict[str, object] = {"names": list(names)}
    if invalid:
        data["invalid"] = invalid
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def check_size(sealed: str) -> None:
    size = len(sealed.encode())
    if size > MAX_SEALED:
        raise Refusal("ballot_too_long", size=size, most=MAX_SEALED)


def read_election_ballot(sealed: str) -> tuple[tuple[str, ...], str]:
    data = json.loads(sealed)
    return tuple(data.get("names", ())), str(data.get("invalid", ""))


def cast(
    meeting: Meeting,
    matter: str,
    voter: str,
    ballot: str,
    now: dt.datetime,
    actor: str,
    on_behalf_of: str | None,
    cast_by: str | None = None,
) -> list[ev.Event]:
    """The register entry (to the log) and the sealed ballot (to the box)."""
    return [
        ev.BallotReceived(
            at=now,
            actor=actor,
            on_behalf_of=on_behalf_of,
            matter=matter,
            meeting=meeting.id,
            voter=voter,
            cast_by=cast_by,
        ),
        ev.SealedBallot(
            at=now,
            actor="",
            matter=matter,
            meeting=meeting.id,
            ballot=ballot,
            capacity=2 * (len(meeting.present) + len(meeting.proxies)) + 16,
        ),
    ]


def open_box(meeting: Meeting, now: dt.datetime, actor: str) -> list[ev.Event]:
    """Open the box at close: every ballot, sorted, in one record."""
    if not meeting.received or meeting.box_opened:
        return []
    held = sum(meeting.box.values())
    if held != len(meeting.received):
        raise Refusal("ballot_box_mismatch", box=held, register=len(meeting.received))
    return [
        ev.BallotBoxOpened(
            at=now,
            actor=actor,
            matter=meeting.matter,
            meeting=meeting.id,
            ballots=tuple(sorted(meeting.box.elements())),
        )
    ]
