"""The disclosure document (公开文书): everything a notice states, built from the log.

``build_document`` is a pure function of the state, the rule set and the
matter's events: no I/O, no clock. Every publisher renders this one document,
so a fact shown on the wall, in the feed and on the portal is the same fact,
masked by the same privacy rules. Its JSON form is the stable, versioned
``yishi-disclosure/1`` format (docs/publishing.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from yishi.domain.events import ExecutionCompleted
from yishi.domain.rules import RuleSet
from yishi.domain.state import Disclosure, State
from yishi.publish.code import verification_code
from yishi.publish.ledger import accounts_section
from yishi.publish.notice import decided_under, method_name, sitting_word
from yishi.publish.privacy import (
    WITHHELD,
    WITHHELD_EN,
    PrivacyPolicy,
    mask_all,
    withhold,
)
from yishi.publish.timeline import (
    OUTCOME,
    body_name,
    counts_public,
    evidence_of,
    is_supervision,
    matter_events,
    person,
    stage_name,
    supervision_text,
    timeline,
)
from yishi.publish.words import withheld_label

FORMAT = "yishi-disclosure/1"
KINDS = {
    "resolution": ("决议公开", "Resolution notice"),
    "result": ("实施结果公开", "Implementation result notice"),
    "other": ("公示", "Notice"),
}
# Never masked: digests and codes are hex or base32 that a phone-number pattern could hit.
_UNMASKED = ("checkpoint", "code", "evidence_digests")


def _period(disclosure: Any, name: str) -> dict[str, Any]:
    """A period as the record counted it (``periods[name]``), where the record has one."""
    periods = getattr(disclosure, "periods", None) or {}
    found = periods.get(name)
    return found if isinstance(found, dict) else {}


def first_day(disclosure: Any) -> dt.date:
    """The first day of the posting period, as recorded (民法典 Art. 201 counts from
    the day after posting); older records counted the posting day itself."""
    recorded = _period(disclosure, "posting").get("first_day")
    return dt.date.fromisoformat(recorded) if recorded else disclosure.posted_on


def last_day(disclosure: Any) -> dt.date:
    """The last day the notice stays up, as recorded; else the day before ``until``
    (the first day it may come down)."""
    recorded = _period(disclosure, "posting").get("last_day")
    if recorded:
        return dt.date.fromisoformat(recorded)
    until: dt.date = disclosure.until
    return until - dt.timedelta(days=1)


def objections_last_day(disclosure: Any) -> dt.date | None:
    recorded = _period(disclosure, "objections").get("last_day")
    if recorded:
        return dt.date.fromisoformat(recorded)
    if disclosure.objections_until is None:
        return None
    until: dt.date = disclosure.objections_until
    return until - dt.timedelta(days=1)


def _counting_note(disclosure: Any, lang: str) -> str:
    """How the period was counted, when the record says: working days, or an estimate."""
    posting = _period(disclosure, "posting")
    notes = []
    if posting.get("counting") == "working_days":
        notes.append("counted in working days" if lang == "en" else "按工作日计算")
    if posting.get("estimated"):
        notes.append(
            "holiday calendar not yet published: dates estimated"
            if lang == "en"
            else "节假日安排尚未公布，日期为估算"
        )
    return ("; " if lang == "en" else "；").join(notes)


def notice_number(state: State, disclosure_id: str, lang: str = "zh") -> str:
    """The notice's number as residents read it: its place among the community's
    notices in the order they were posted ("第 3 号"). The disclosure's id
    ("m32-plan") is built from a matter id and a stage id, which a notice must
    not show; the order of the log never changes, so neither does the number."""
    number = list(state.disclosures).index(disclosure_id) + 1
    return str(number) if lang == "en" else f"第 {number} 号"


def summary(state: State, ruleset: RuleSet, disclosure_id: str, lang: str = "zh") -> dict[str, Any]:
    """The few fields of a document an index or a list shows, at a fraction of its
    cost; the same keys as :func:`build_document`, with the same masking."""
    en = lang == "en"
    d = state.disclosures[disclosure_id]
    checkpoint = dict(d.checkpoint) if d.checkpoint else None
    return {
        "disclosure": {
            "id": d.id,
            "number": notice_number(state, d.id, lang),
            "kind": d.kind,
            "kind_label": KINDS.get(d.kind, (d.kind, d.kind))[1 if en else 0],
            "title": mask_all(d.title),
            "posted_on": d.posted_on.isoformat(),
            "first_day": first_day(d).isoformat(),
            "last_day": last_day(d).isoformat(),
            "status": d.closed or "posted",
        },
        "matter": {"id": d.matter, "title": mask_all(state.matters[d.matter].title)},
        "checkpoint": checkpoint,
        "code": verification_code(d.id, checkpoint) if checkpoint else None,
    }


def build_document(
    state: State,
    ruleset: RuleSet,
    disclosure_id: str,
    events: Iterable[Any] = (),
    *,
    lang: str = "zh",
    policy: PrivacyPolicy | None = None,
    rulesets: Mapping[str, RuleSet] | None = None,
) -> dict[str, Any]:
    """The document of one disclosure, in ``lang``; ``events`` is the log (events or
    stored records), of which this matter's are read for the timeline and evidence.

    ``rulesets``: the community's procedures, for a matter handed from one council
    to another; the notice is then read under the procedure it was posted in, and
    its timeline carries the earlier councils' meetings, votes and opinions."""
    en = lang == "en"
    d = state.disclosures[disclosure_id]
    if rulesets is not None and d.procedure in rulesets:
        ruleset = rulesets[d.procedure]
    # the rule set's own rules always apply; a publisher's policy can only add to them
    policy = PrivacyPolicy.from_ruleset(ruleset) | (policy or PrivacyPolicy())
    d = state.disclosures[disclosure_id]
    matter = state.matters[d.matter]
    content = d.content
    own = as_posted(matter_events(events, matter.id), d)
    hidden = policy.sections_withheld(matter.matter_type)
    type_spec = ruleset.matter_types.get(matter.matter_type or "")
    checkpoint = dict(d.checkpoint) if d.checkpoint else None
    doc: dict[str, Any] = {
        "format": FORMAT,
        "lang": lang,
        "disclosure": {
            "id": d.id,
            "number": notice_number(state, d.id, lang),
            "kind": d.kind,
            "kind_label": KINDS.get(d.kind, (d.kind, d.kind))[1 if en else 0],
            "title": d.title,
            "stage": stage_name(ruleset, d.stage, lang),
            "posted_on": d.posted_on.isoformat(),
            "first_day": first_day(d).isoformat(),
            "last_day": last_day(d).isoformat(),
            "counting": _counting_note(d, lang),
            "channels": list(d.channels),
            "publisher": _publisher(ruleset, d.stage, lang),
            "status": d.closed or "posted",
        },
        "matter": {
            "id": matter.id,
            "title": matter.title,
            "type": (type_spec.name if type_spec else matter.matter_type) or "",
            "text": content.get("text") or matter.description,
            "status": matter.status,
            "procedure": (ruleset.title_en or ruleset.title) if en else ruleset.title,
        },
        "decisions": _decisions(content, state, ruleset, lang, rulesets),
        "approvals": [
            {
                "by": a.get("by", ""),
                "approved": bool(a.get("approved")),
                "label": ("approved" if en else "批准")
                if a.get("approved")
                else ("not approved" if en else "不予批准"),
                "document": a.get("document", ""),
            }
            for a in content.get("approvals", ())
        ],
        "recusals": [{"person": person(state, p), "reason": r} for p, r in matter.recused.items()],
        "supervision": _review(content, d, lang) + _supervision(own, state, ruleset, lang),
        "objecting": _objecting(d, lang),
        "objections": _objections(d, state, lang),
        "implementation": _implementation(d, matter, own, state, lang),
        "timeline": timeline(
            own, state, ruleset, lang, hidden, policy.withhold_fields, rulesets=rulesets
        ),
        "checkpoint": checkpoint,
        "code": verification_code(d.id, checkpoint) if checkpoint else None,
        "withheld": sorted(hidden | policy.withhold_fields),
    }
    doc["withheld_labels"] = [withheld_label(w, lang) for w in doc["withheld"]]
    for section in hidden:
        _withhold_section(doc, section, en)
    public = {k: v for k, v in doc.items() if k not in _UNMASKED}
    public = withhold(mask_all(public), policy.withhold_fields)
    return {**public, **{k: doc[k] for k in _UNMASKED if k in doc}}


def as_posted(own: list[Any], d: Disclosure) -> list[Any]:
    """The matter's events up to this notice, then only what answers it.

    A notice states what had happened when it was posted; later, only the
    objections to it, their replies and its own end are added (the board shows
    the matter's whole history on its own page)."""
    kept: list[Any] = []
    posted = False
    for event in own:
        if not posted:
            kept.append(event)
            posted = getattr(event, "disclosure", None) == d.id
        elif getattr(event, "disclosure", None) == d.id or getattr(event, "objection", None) in set(
            d.objections
        ):
            kept.append(event)
    return kept


def _withhold_section(doc: dict[str, Any], section: str, en: bool) -> None:
    note = WITHHELD_EN if en else WITHHELD
    if section == "text":
        doc["matter"]["text"] = note
    elif section == "counts":
        for decision in doc["decisions"]:
            decision["counts"] = {}
            decision["explanation"] = [note]
    elif section == "implementation":
        doc["implementation"] = None
    elif section in doc:
        doc[section] = []
    if section == "decisions":
        doc["approvals"] = []


def _decisions(
    content: Any,
    state: State,
    ruleset: RuleSet,
    lang: str,
    rulesets: Mapping[str, RuleSet] | None = None,
) -> list[dict[str, Any]]:
    en = lang == "en"
    key = "en" if en else "zh"
    out = []
    for d in content.get("decisions", []):
        held, council = decided_under(d, ruleset, rulesets, lang)
        explanation = [d["quorum"][key]] if d.get("quorum") else []
        if d.get("threshold"):
            explanation += d["threshold"][key].splitlines()
        if d.get("urgent_notice"):  # 临时通知: held on shorter notice, and why
            explanation.append(
                f"Called at short notice: {d['urgent_notice']}"
                if en
                else f"临时通知：{d['urgent_notice']}"
            )
        out.append(
            {
                "date": d["date"],
                "stage": council + stage_name(held, d["stage"], lang),
                "body": body_name(held, d["body"], lang),
                "method": method_name(held, d["method"], lang) + sitting_word(held, d, lang),
                "outcome": d["outcome"],
                "outcome_label": OUTCOME.get(d["outcome"], (d["outcome"],) * 2)[1 if en else 0],
                "counts": counts_public(d.get("counts", {})),
                "explanation": explanation,
                "elected": list(d.get("elected", [])),
            }
        )
    return out


def _review(content: Any, d: Disclosure, lang: str) -> list[dict[str, Any]]:
    """The monitoring committee's review of the notice before posting (监督意见), where
    the stage asks for one: recorded with the disclosure as ``content["review"]``."""
    review = content.get("review")
    if not isinstance(review, dict) or not review.get("opinion"):
        return []
    body = (
        (review.get("body_en") or review.get("body", ""))
        if lang == "en"
        else review.get("body", "")
    )
    who = review.get("by", "")
    by = (
        (f"{body} ({who})" if lang == "en" else f"{body}（{who}）") if body and who else body or who
    )
    return [{"date": d.posted_on.isoformat(), "by": by, "text": review["opinion"]}]


def _supervision(own: list[Any], state: State, ruleset: RuleSet, lang: str) -> list[dict[str, Any]]:
    rows = []
    for event in own:
        if not is_supervision(event):
            continue
        who = getattr(event, "supervisor", None) or getattr(event, "person", None) or event.actor
        body = getattr(event, "body", None) or _supervising_body(ruleset)
        by = person(state, who)
        if body:
            name = body_name(ruleset, body, lang)
            by = f"{name} ({by})" if lang == "en" else f"{name}（{by}）"
        rows.append(
            {
                "date": event.at.date().isoformat(),
                "by": by,
                "text": supervision_text(event) or ("Signed off" if lang == "en" else "签认同意"),
            }
        )
    return rows


def _publisher(ruleset: RuleSet, stage_id: str, lang: str) -> str:
    """The body that posts the notice: the first the stage names as acting."""
    for stage in ruleset.stages:
        if stage.id == stage_id and stage.actors:
            return body_name(ruleset, stage.actors[0].split(".")[0], lang)
    return ""


def _supervising_body(ruleset: RuleSet) -> str | None:
    """The body that signs off execution in this rule set (its first ``supervisor``)."""
    for stage in ruleset.stages:
        if stage.supervisor:
            return stage.supervisor[0].split(".")[0]
    return None


def _objecting(d: Disclosure, lang: str) -> dict[str, Any] | None:
    """How and until when a resident may object; None where the stage takes none."""
    last = objections_last_day(d)
    if last is None:
        return None
    en = lang == "en"
    return {
        "last_day": last.isoformat(),
        "reply_days": d.reply_days,
        "how": (
            f"Raise an objection in writing or in person with the village (residents') committee by {last} inclusive; "
            f"it is answered within {d.reply_days} days."
            if en
            else f"如有异议，请于 {last}（含当日）前以书面或口头方式向村（居）民委员会提出，"
            f"将在 {d.reply_days} 日内答复。"
        ),
    }


def _objections(d: Disclosure, state: State, lang: str) -> list[dict[str, Any]]:
    """The objections to this matter's notices so far, without the objectors' names."""
    en = lang == "en"
    out = []
    matter = state.matters[d.matter]
    for disclosure_id in matter.disclosures:
        for oid in state.disclosures[disclosure_id].objections:
            o = state.objections[oid]
            if o.reply is not None:
                status = ("answered", "已答复")
            elif o.escalated:
                status = ("escalated", "已提交审议")
            else:
                status = ("pending", "待答复")
            out.append(
                {
                    "disclosure": disclosure_id,  # the notice it was raised against
                    "raised_on": o.raised_on.isoformat(),
                    "text": o.text,
                    "reply": o.reply,
                    "status": status[0],
                    "status_label": status[0] if en else status[1],
                    "reply_due": o.reply_due.isoformat(),
                }
            )
    return out


def _implementation(
    d: Disclosure, matter: Any, own: list[Any], state: State, lang: str
) -> dict[str, Any] | None:
    """For 实施结果公开: what was done, the evidence, and the accounts where recorded."""
    if d.kind != "result":
        return None
    done = [e for e in own if isinstance(e, ExecutionCompleted)]
    return {
        "progress": [
            {"date": day.isoformat(), "text": text, "percent": pct}
            for day, text, pct in matter.progress
        ],
        "outcome": done[-1].text if done and done[-1].text else "",
        "completed": bool(done),
        "evidence": [row for e in own for row in evidence_of(e)],
        # Accounts against the budget (publish/ledger.py), as the record stood when posted.
        **accounts_section(own, state, lang),
    }
