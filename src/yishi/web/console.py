"""The staff console's content: what each matter in progress offers now, and the
command forms' reference fields shown by what they name (web/actions.py decides)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from yishi.publish.privacy import mask_text
from yishi.web import queries
from yishi.web.actions import allowed, described, general_actions, matter_actions
from yishi.web.console_forms import console_fields
from yishi.web.service import Service
from yishi.web.words import COMMANDS as COMMAND_WORDS
from yishi.web.words import label, words


def console_view(s: Any, lang: str, roles: frozenset[str]) -> dict[str, Any]:
    """The console's lists: suggestions to review, and each matter in progress with
    only the actions its current stage allows for these roles (web/actions.py)."""
    state = s.engine.state
    w = words(lang)

    def offer(name: str, fields: dict[str, str], suffix: str = "") -> dict[str, Any]:
        return {"name": name, "label": label(COMMAND_WORDS, name, lang) + suffix, "query": fields}

    review = [
        offer(n, {f: ""})
        for n, f in (("merge_suggestions", "suggestions"), ("decline_suggestion", "suggestion"))
        if allowed(n, roles)
    ]
    suggestions = [
        {
            "title": mask_text(x.title),
            "submitted_on": x.submitted_on.isoformat(),
            "actions": [{**a, "query": {k: x.id for k in a["query"]}} for a in review],
        }
        for x in state.suggestions.values()
        if x.status == "open"
    ]
    in_progress, closed = [], []
    for summary in queries.matters(s, lang):
        matter = state.matters[summary["id"]]
        if matter.status != "in_progress":
            closed.append({"title": summary["title"], "status": w[matter.status]})
            continue
        ruleset = s.engine.rulesets[matter.procedure]
        notes = []
        meeting = matter.open_meeting(state)
        if meeting is not None:
            notes.append(
                f"{w['meeting_on']} {meeting.date.isoformat()} · {w['checked_in']} {len(meeting.attendance)}"
            )
        notice = matter.open_disclosure(state)
        if notice is not None:
            notes.append(f"{w['posted_until']} {(notice.until - dt.timedelta(days=1)).isoformat()}")
        actions = []
        for name, fields in matter_actions(state, ruleset, matter, roles):
            suffix = ""
            if name == "answer_objection":
                text = mask_text(state.objections[fields["objection"]].text)
                suffix = "：" + (text if len(text) <= 20 else text[:20] + "……")
            actions.append(offer(name, fields, suffix))
        in_progress.append(
            {
                "title": summary["title"],
                "stage_name": summary["stage_name"],
                "notes": notes,
                "actions": actions,
            }
        )
    return {
        "suggestions": suggestions,
        "matters": in_progress,
        "closed": closed,
        "general": [offer(n, {}) for n in general_actions(roles)],
    }


def fixed_fields(
    service: Service, fields: list[Any], command: str = "", lang: str = "zh"
) -> list[Any]:
    """Reference fields the console filled in (the matter, meeting, objection …) shown
    by what they name, with the value carried hidden, rather than as an id to edit;
    no field for an id the console names itself, and choices by name
    (web/console_forms.py)."""
    engine = service.engine

    def look(fields: list[Any]) -> list[Any]:
        out = []
        fields = console_fields(engine.state, engine.rulesets.__getitem__, command, fields, lang)
        for f in fields:
            shown = described(engine.state, engine.rulesets.__getitem__, f.name, f.value.strip())
            out.append(attrs.evolve(f, shown=shown) if shown else f)
        return out

    found: list[Any] = service.read(lambda s: look(fields))
    return found
