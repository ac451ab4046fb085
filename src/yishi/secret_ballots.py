"""The engine's side of secret ballots: what goes to the log, what to the box.

The domain returns a secret ballot as a register entry plus a
:class:`~yishi.domain.events.SealedBallot` (domain/secrecy.py). Here the sealed
part is taken out of the batch before it reaches the log and handed to the
store's ballot box in the same append; when a meeting's box is opened at close,
the store empties it in that append too. An engine that reads what another
process appended refreshes the boxes of the meetings that received ballots.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import attrs

from yishi.domain import commands as cmd
from yishi.domain import events as ev
from yishi.domain import secrecy
from yishi.domain.errors import Refusal
from yishi.domain.rules import RuleSet
from yishi.domain.state import State
from yishi.store import ballot_box


@attrs.frozen
class Split:
    log: list[ev.Event]
    sealed: list[ev.SealedBallot]
    opened: list[str]

    def box_args(self) -> dict[str, object]:
        if not self.sealed and not self.opened:
            return {}  # a store without a box is called exactly as before
        return {
            "sealed": [(e.meeting, e.ballot, e.capacity) for e in self.sealed],
            "opened": self.opened,
        }


def split(events: list[ev.Event], store: object) -> Split:
    sealed = [e for e in events if isinstance(e, ev.SealedBallot)]
    opened = [e.meeting for e in events if isinstance(e, ev.BallotBoxOpened)]
    if (sealed or opened) and not ballot_box.supports(store):
        raise Refusal("sealed_box_unsupported")
    log = [e for e in events if not isinstance(e, ev.SealedBallot)] if sealed else events
    return Split(log, sealed, opened)


def refresh(state: State, store: object, meetings: Iterable[str]) -> None:
    """Read the boxes of ``meetings`` again (ballots another process put there)."""
    if not ballot_box.supports(store):
        return
    for meeting_id in meetings:
        meeting = state.meetings.get(meeting_id)
        if meeting is not None and not meeting.box_opened:
            meeting.box = Counter(store.sealed_ballots(meeting_id))  # type: ignore[attr-defined]


# Fields that would put a choice into the idempotency table's fingerprint: a
# hash of (voter, "yes") is found again by trying the three choices.
_CHOICE_FIELDS = {
    cmd.CastVote: ("choice",),
    cmd.CastElectionBallot: ("candidates", "invalid"),
}


def is_secret_ballot(state: State, ruleset: RuleSet, command: cmd.Command) -> bool:
    """Whether ``command`` casts a ballot in a meeting held by secret ballot."""
    if not isinstance(command, (cmd.CastVote, cmd.CastElectionBallot, cmd.EnterBallots)):
        return False
    meeting = state.meetings.get(command.meeting)
    return meeting is not None and secrecy.is_secret(ruleset, meeting)


def fingerprint_data(command: cmd.Command, secret: bool) -> dict[str, object]:
    """The command as the idempotency fingerprint sees it. For a secret ballot,
    the choices are left out: reusing a key with another choice then gets the
    first receipt back instead of a refusal, which is the price of a
    fingerprint that does not name the choice."""
    data = attrs.asdict(command)
    if not secret:
        return data
    for name in _CHOICE_FIELDS.get(type(command), ()):
        data.pop(name, None)
    if isinstance(command, cmd.EnterBallots):
        data["ballots"] = sorted(voter for voter, _choice in command.ballots)
    return data
