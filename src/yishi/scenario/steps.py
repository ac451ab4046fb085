"""The steps of a scenario: each action of the file made into the engine commands it stands for.

Most actions are one command; ``votes``, ``canvass`` and ``ratings`` are one
command per person named (ranges written out), and ``paper_ballots`` is one
entry of all the ballots on the sheet.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import attrs

from yishi.domain import commands as cmd
from yishi.scenario.actions import ACTIONS
from yishi.scenario.dates import undate, when
from yishi.scenario.limits import expand
from yishi.scenario.schema import COMMON


@attrs.frozen
class Step:
    index: int
    line: int | None
    at: dt.datetime
    do: str
    command: cmd.Command
    expect: str | None
    note: str = ""
    evidence: tuple[Path, ...] = ()  # files attached to the step's first command


def build_steps(index: int, raw: dict[str, Any], kind: str, base_dir: Path) -> list[Step]:
    at = when(undate(raw["at"]))
    base = {"actor": raw["actor"], "on_behalf_of": raw.get("on_behalf_of")}
    files = [tuple(base_dir / name for name in raw.get("evidence", ()))]

    def make(command: cmd.Command) -> Step:
        # An action that expands into several commands attaches its files to the first.
        attached = files.pop() if files else ()
        return Step(
            index, None, at, kind, command, raw.get("expect"), raw.get("note", ""), attached
        )

    klass, _ = ACTIONS[kind]
    if kind == "votes":
        return [
            make(cmd.CastVote(**base, meeting=raw["meeting"], voter=voter, choice=choice))
            for choice in ("yes", "no", "abstain")
            for voter in expand(raw.get(choice, []))
        ]
    if kind == "paper_ballots":
        ballots = tuple(
            (voter, choice)
            for choice in ("yes", "no", "abstain")
            for voter in expand(raw.get(choice, []))
        )
        return (
            [make(cmd.EnterBallots(**base, meeting=raw["meeting"], ballots=ballots))]
            if ballots
            else []
        )
    if kind == "canvass":
        return [
            make(
                cmd.RecordCanvass(
                    **base,
                    matter=raw["matter"],
                    household=household,
                    representative=raw["representative"],
                    view=raw["view"],
                    signer=raw.get("signer"),
                    document=raw.get("document", ""),
                )
            )
            for household in expand(raw["households"])
        ]
    if kind == "ratings":
        return [
            make(cmd.Rate(**base, matter=raw["matter"], person=person, rating=rating))
            for rating, people in raw["by_rating"].items()
            for person in expand(people)
        ]
    args = {k: undate(v) for k, v in raw.items() if k not in COMMON}
    if "for" in args:
        args["for_person"] = args.pop("for")
    if "people" in args:
        args["people"] = expand(args["people"])
    if kind == "plan":
        args["exemptions"] = tuple(args.get("exemptions", {}).items())
    if "cosigners" in args:
        args["cosigners"] = expand(args["cosigners"])
    for key in ("suggestions", "candidates"):
        if key in args:
            args[key] = tuple(args[key])
    if kind == "election_count":
        args["votes"] = tuple(args["votes"].items())
    if kind == "consensus" and "objections" in args:
        args["objections"] = tuple(args["objections"].items())
    if kind == "record":
        held = args["held_on"]
        args["held_on"] = held.date() if isinstance(held, dt.datetime) else held
        args["counts"] = tuple(args.get("counts", {}).items())
    if kind == "budget":
        args["lines"] = tuple(cmd.BudgetLine(**line) for line in args["lines"])
    if kind == "convene" and "date" not in args:
        args["date"] = at.date()
    return [make(klass(**base, **args))]
