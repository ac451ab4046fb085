"""Facts that may be recorded only once, and the keys that say so.

``decide`` refuses a second ballot by looking at state, but two processes can
both look before either writes. The store therefore keeps these keys under a
UNIQUE constraint, so the database itself holds the line (reliability plan T01):
one ballot per represented member per meeting, one check-in, one proxy.

An event carries as many such facts as it has keys: a ballot one, a stack of
paper ballots one per voter in it (docs/integrity.md §4). A key is the same
whichever event records the fact, so a member who voted online is refused in a
stack, and the other way round.

Ratings and sign-offs are left to the domain: an evaluation or execution stage
may be entered again after rework, and then the same person acts again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from yishi.domain import events as ev

# A ballot is keyed on the member whose vote it is (the grantor when cast by
# proxy), so a proxy holder and the member cannot both vote for one person.
KEYS: dict[type[ev.Event], Callable[[Any], tuple[str, ...]]] = {
    ev.BallotCast: lambda e: (f"ballot/{e.meeting}/{e.voter}",),
    ev.BallotsEntered: lambda e: tuple(f"ballot/{e.meeting}/{voter}" for voter, _ in e.ballots),
    ev.ElectionBallotCast: lambda e: (f"ballot/{e.meeting}/{e.voter}",),
    ev.BallotReceived: lambda e: (f"ballot/{e.meeting}/{e.voter}",),
    ev.AttendanceRecorded: lambda e: (f"attendance/{e.meeting}/{e.person}",),
    ev.ProxyRegistered: lambda e: (f"proxy/{e.meeting}/{e.grantor}",),
}


def keys_of(event: ev.Event) -> tuple[str, ...]:
    """The facts recorded once that ``event`` records, in its own order."""
    make = KEYS.get(type(event))
    return make(event) if make is not None else ()
