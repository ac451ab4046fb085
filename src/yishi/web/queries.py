"""Read-only views of one community as JSON: matters, suggestions, timelines, disclosures.

Everything public goes through the same privacy rules as the published board
(publish/privacy.py): names and texts masked, withheld sections left out.
"""

from __future__ import annotations

from typing import Any

from yishi.publish.code import verification_code
from yishi.publish.lookup import find_code
from yishi.publish.privacy import PrivacyPolicy, mask_text
from yishi.publish.timeline import stage_name, timeline
from yishi.web.service import Service


def matter_summary(service: Service, matter_id: str, lang: str) -> dict[str, Any]:
    engine = service.engine
    matter = engine.state.matters[matter_id]
    ruleset = engine.rulesets[matter.procedure]
    return {
        "id": matter.id,
        "title": mask_text(matter.title),
        "procedure": ruleset.id,
        "procedure_name": (ruleset.title_en or ruleset.title) if lang == "en" else ruleset.title,
        "stage": matter.stage,
        "stage_name": stage_name(ruleset, matter.stage, lang) if matter.stage else "",
        "status": matter.status,
        "proposed_on": matter.proposed_on.isoformat(),
    }


def matters(service: Service, lang: str) -> list[dict[str, Any]]:
    state = service.engine.state
    ordered = sorted(state.matters.values(), key=lambda m: (m.proposed_on, m.id), reverse=True)
    return [matter_summary(service, m.id, lang) for m in ordered]


def matter_detail(service: Service, matter_id: str, lang: str) -> dict[str, Any]:
    state = service.engine.state
    matter = state.matters[matter_id]
    ruleset = service.engine.rulesets[matter.procedure]
    meetings = []
    for meeting_id in matter.meetings:
        m = state.meetings[meeting_id]
        meetings.append(
            {
                "id": m.id,
                "stage": m.stage,
                "stage_name": stage_name(ruleset, m.stage, lang),
                "date": m.date.isoformat(),
                "method": m.method,
                "present": len(m.attendance),
                "closed": m.closed,
                "outcome": m.outcome,
            }
        )
    scale = _scale(ruleset, matter.stage)
    return {
        **matter_summary(service, matter_id, lang),
        "description": mask_text(matter.description),
        "suggestions": list(matter.suggestions),
        "meetings": meetings,
        "disclosures": list(matter.disclosures),
        "progress": [
            {"date": d.isoformat(), "text": mask_text(t), "percent": p}
            for d, t, p in matter.progress
        ],
        "execution_done": matter.execution_done,
        "ratings": {r: sum(1 for v in matter.ratings.values() if v == r) for r in scale},
        "rating_scale": list(scale),
    }


def _scale(ruleset: Any, stage_id: str | None) -> tuple[str, ...]:
    """The rating scale of the evaluation stage (the current one if it has one)."""
    scales = [tuple(s.scale) for s in ruleset.stages if s.scale]
    current = [tuple(s.scale) for s in ruleset.stages if s.scale and s.id == stage_id]
    return (current or scales or [()])[0]


def matter_timeline(service: Service, matter_id: str, lang: str) -> list[dict[str, Any]]:
    engine = service.engine
    matter = engine.state.matters[matter_id]
    ruleset = engine.rulesets[matter.procedure]
    policy = PrivacyPolicy.from_ruleset(ruleset)
    rows = timeline(
        [stored.event for stored in service.matter_records(matter.id)],  # its stream alone
        engine.state,
        ruleset,
        lang,
        policy.sections_withheld(matter.matter_type),
        policy.withhold_fields,
        rulesets=engine.rulesets,
    )
    return [{**row, "text": mask_text(row["text"])} for row in rows]


def suggestion(service: Service, suggestion_id: str, lang: str) -> dict[str, Any]:
    state = service.engine.state
    s = state.suggestions[suggestion_id]
    out: dict[str, Any] = {
        "id": s.id,
        "title": mask_text(s.title),
        "text": mask_text(s.text),
        "submitted_on": s.submitted_on.isoformat(),
        "status": s.status,
        "matter": None,
        "reason": "",
    }
    if s.matter is not None and s.matter in state.matters:
        out["matter"] = matter_summary(service, s.matter, lang)
    return out


def suggestions_of(service: Service, person: str, lang: str) -> list[dict[str, Any]]:
    state = service.engine.state
    mine = [s for s in state.suggestions.values() if s.person == person]
    mine.sort(key=lambda s: (s.submitted_on, s.id), reverse=True)
    return [suggestion(service, s.id, lang) for s in mine]


def disclosure(service: Service, disclosure_id: str, lang: str) -> dict[str, Any]:
    return service.document(disclosure_id, lang)


def disclosures(service: Service, lang: str) -> list[dict[str, Any]]:
    docs = [disclosure(service, d, lang) for d in service.engine.state.disclosures]
    docs.sort(key=lambda d: (d["disclosure"]["posted_on"], d["disclosure"]["id"]), reverse=True)
    return docs


def board(service: Service, lang: str) -> dict[str, Any]:
    docs = disclosures(service, lang)

    def row(d: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": d["disclosure"]["id"],
            "matter": d["matter"]["id"],
            "kind": d["disclosure"]["kind"],
            "title": d["disclosure"]["title"],
            "posted_on": d["disclosure"]["posted_on"],
            "last_day": d["disclosure"]["last_day"],
            "status": d["disclosure"]["status"],
            "code": d["code"],
            "objecting": d["objecting"],
        }

    return {
        "community": mask_text(service.name),
        "position": service.engine.position,
        "head": service.engine.head_hash,
        "current": [row(d) for d in docs if d["disclosure"]["status"] == "posted"],
        "past": [row(d) for d in docs if d["disclosure"]["status"] != "posted"],
        "matters": matters(service, lang),
    }


def verify_code(service: Service, code: str) -> list[dict[str, Any]]:
    """The notices with this code, each with whether its checkpoint still matches the log."""
    # The state names each notice's checkpoint: only the matters of those whose
    # code it is are read (in log order), not the whole log.
    matters = {
        d.matter: None
        for d in service.engine.state.disclosures.values()
        if d.checkpoint and verification_code(d.id, d.checkpoint) == code
    }
    found = []
    for m in sorted(
        (m for matter in matters for m in find_code(service.matter_records(matter), code)),
        key=lambda m: m.position,
    ):
        found.append(
            {
                "disclosure": m.disclosure,
                "title": mask_text(m.title),
                "posted_on": m.posted_on,
                "record": m.position,
                "checkpoint": f"{m.size}:{m.head}",
                "matches_log": m.size == 0 or service.log.hash_at(m.size) == m.head,
            }
        )
    return found
