"""Which web role may *ask* for which command — the gate in front of the engine.

This is not a procedure rule: the rule set still decides whether this person may do
this now (the engine's ``not_authorized`` and ``not_a_recorder`` refusals). It is the
least privilege of the web application (ASVS 4.1.3): a resident's phone may only ever
submit, object, rate and vote *as that resident*; nobody may cast a ballot as someone
else through the web; only the registrar changes the roll. A command with no entry
here is refused (deny by default, ASVS 4.1.4), and a test fails when one is missing.
"""

from __future__ import annotations

from typing import Any

import attrs

from yishi.domain import commands as cmd


@attrs.frozen
class Gate:
    roles: frozenset[str]  # any one of these web roles may ask
    own: tuple[str, ...] = ()  # fields that must name the asker, for every role
    resident_own: tuple[str, ...] = ()  # fields that must name the asker if only a resident
    by_portal: bool = True  # may a portal-asserted identity (signed header, embed) ask?


STAFF = frozenset({"staff"})
EVERYONE = frozenset({"resident", "staff"})

POLICY: dict[type[cmd.Command], Gate] = {
    cmd.SetUpCommunity: Gate(frozenset({"registrar"}), by_portal=False),
    cmd.Suggest: Gate(EVERYONE, resident_own=("person",)),
    cmd.RaiseObjection: Gate(EVERYONE, resident_own=("person",)),
    cmd.Rate: Gate(EVERYONE, resident_own=("person",)),
    # A ballot is cast by the voter in person, never by staff or a portal for them;
    # paper ballots are entered as a batch (EnterBallots) with the sheet as evidence.
    cmd.CastVote: Gate(EVERYONE, own=("voter",), by_portal=False),
    cmd.CastElectionBallot: Gate(EVERYONE, own=("voter",), by_portal=False),
    cmd.ProposeMatter: Gate(STAFF),
    cmd.MergeSuggestions: Gate(STAFF),
    cmd.DeclineSuggestion: Gate(STAFF),
    cmd.ConveneMeeting: Gate(STAFF),
    cmd.CheckIn: Gate(STAFF),
    cmd.RegisterProxy: Gate(STAFF),
    cmd.ExcuseMember: Gate(STAFF),
    cmd.DeclareInterest: Gate(STAFF),
    cmd.EnterHandCount: Gate(STAFF),
    cmd.EnterBallots: Gate(STAFF),
    cmd.RecordConsensus: Gate(STAFF),
    cmd.EnterElectionCount: Gate(STAFF),
    cmd.CloseMeeting: Gate(STAFF),
    cmd.Publish: Gate(STAFF),
    cmd.AnswerObjection: Gate(STAFF),
    cmd.RecordProgress: Gate(STAFF),
    cmd.SignOff: Gate(STAFF),
    cmd.RecordBudget: Gate(STAFF),
    cmd.RecordAccountEntry: Gate(STAFF),
    cmd.CompleteExecution: Gate(STAFF),
    cmd.CloseEvaluation: Gate(STAFF),
    cmd.RecordApproval: Gate(STAFF),
    cmd.SendReferral: Gate(STAFF),
    cmd.AnswerReferral: Gate(STAFF),
    # 一事一议: the plan, and each household's signed view, entered by staff (the
    # engine also holds the representative to the households he answers for).
    cmd.RecordLevyPlan: Gate(STAFF),
    cmd.RecordCanvass: Gate(STAFF),
    # Backfilling a paper record: the engine also requires one of the rule set's recorders.
    cmd.EnterRecord: Gate(STAFF),
    cmd.Tick: Gate(frozenset({"staff", "registrar"})),
}

# Public submissions (rate-limited per client) are what a resident's phone sends.
PUBLIC = (cmd.Suggest, cmd.RaiseObjection, cmd.Rate, cmd.CastVote, cmd.CastElectionBallot)


def refuse(
    command: cmd.Command, roles: frozenset[str], via: str
) -> tuple[str, dict[str, Any]] | None:
    """``None`` when the web lets this identity ask for ``command``, else (code, params)."""
    gate = POLICY.get(type(command))
    if gate is None:
        return "web_no_policy", {"command": type(command).__name__}
    if not roles & gate.roles:
        return "web_role_required", {"roles": "、".join(sorted(gate.roles))}
    if via in ("portal", "embed") and not gate.by_portal:
        return "web_not_by_portal", {}
    own = gate.own + (gate.resident_own if "staff" not in roles else ())
    for field in own:
        if getattr(command, field) != command.actor:
            return "web_only_yourself", {"field": field}
    if command.on_behalf_of is not None and ("staff" not in roles or gate.own):
        return "web_no_behalf", {}
    return None
