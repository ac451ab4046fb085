"""Plain-text 公示 notices. A later issue adds templates; the content is fixed here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs

from yishi.domain.catalog import BUILTIN_VOTE_METHODS
from yishi.domain.periods import Period, posting_note
from yishi.domain.rules import RuleSet
from yishi.domain.sittings import SITTING_WORDS, sitting_kind
from yishi.domain.state import Disclosure, State
from yishi.publish.ledger import account_lines
from yishi.publish.referral_words import notice_lines as referral_notice_lines


@attrs.frozen
class Notice:
    """A disclosure ready for publishers: what to post, and how to check it later."""

    disclosure: str
    matter: str
    kind: str
    title: str
    posted_on: dt.date
    text: str  # the full notice, Chinese
    checkpoint: Mapping[str, Any] | None  # {"size", "head"} of the log when it was made
    position: int  # the record that published it


def build_notice(
    disclosure: Disclosure,
    state: State,
    ruleset: RuleSet,
    position: int,
    rulesets: Mapping[str, RuleSet] | None = None,
) -> Notice:
    return Notice(
        disclosure=disclosure.id,
        matter=disclosure.matter,
        kind=disclosure.kind,
        title=disclosure.title,
        posted_on=disclosure.posted_on,
        text=render_notice(disclosure, state, ruleset, "zh", rulesets),
        checkpoint=disclosure.checkpoint,
        position=position,
    )


# The labels of the built-in methods, by name (one table: yishi.domain.catalog).
# A rule set's own catalogue may hold more, from plugins: use method_name().
METHOD_NAMES = {m.name: (m.label_zh, m.label_en) for m in BUILTIN_VOTE_METHODS}
OUTCOMES = {
    "passed": ("通过", "passed"),
    "rejected": ("未通过", "not passed"),
    "no_quorum": ("不足法定人数，会议无效", "not quorate"),
}


def method_name(ruleset: RuleSet, method: str, lang: str = "zh") -> str:
    """The label of a vote method from the rule set's catalogue; the name if unknown."""
    spec = ruleset.vote_method(method)
    return spec.label(lang) if spec is not None else method


def decided_under(
    d: Mapping[str, Any], ruleset: RuleSet, rulesets: Mapping[str, RuleSet] | None, lang: str
) -> tuple[RuleSet, str]:
    """The rule set a decision on a notice was taken under, and the council's name
    as a prefix when it was an earlier council's (the matter was handed on since)."""
    procedure = d.get("procedure")
    if not procedure:
        return ruleset, ""
    held = (rulesets or {}).get(procedure)
    if held is None:
        return ruleset, ""
    title = (held.title_en or held.title) if lang == "en" else held.title
    return held, (f"[{title}] " if lang == "en" else f"〔{title}〕")


def sitting_word(ruleset: RuleSet, d: Mapping[str, Any], lang: str) -> str:
    """'，例会' or '，临时会议' for a standing council with a charter rhythm."""
    body = ruleset.bodies.get(d.get("body") or "")
    if body is None or body.sittings is None:
        return ""
    kind = sitting_kind(body.sittings, dt.date.fromisoformat(d["date"]))
    if kind is None:
        return ""
    return (", " if lang == "en" else "，") + SITTING_WORDS[kind][1 if lang == "en" else 0]


def _body_name(ruleset: RuleSet, body: str, lang: str) -> str:
    spec = ruleset.bodies.get(body)
    if spec is None:
        return body
    return (spec.name_en or spec.name) if lang == "en" else spec.name


def _stage_name(ruleset: RuleSet, stage_id: str, lang: str) -> str:
    try:
        stage = ruleset.stage(stage_id)
    except KeyError:
        return stage_id
    return (stage.name_en or stage.name) if lang == "en" else stage.name


def render_notice(
    disclosure: Disclosure,
    state: State,
    ruleset: RuleSet,
    lang: str = "zh",
    rulesets: Mapping[str, RuleSet] | None = None,
) -> str:
    """The notice as posted; ``rulesets`` names the earlier councils whose meetings a
    matter handed on carries (their decisions are printed with the council's name)."""
    en = lang == "en"
    c = disclosure.content
    lines = [("NOTICE: " if en else "公示：") + disclosure.title, ""]
    # the matter's title, not its id: a posted notice shows no internal identifier
    lines.append(("Matter: " if en else "事项：") + c["title"])
    if c.get("text"):
        lines.append(c["text"])
    lines += recorded_lines(c.get("recorded", ()), ruleset, lang, rulesets)
    if c["decisions"]:
        lines.append("")
        lines.append("Decisions:" if en else "决策过程：")
        for d in c["decisions"]:
            held, council = decided_under(d, ruleset, rulesets, lang)
            method = method_name(held, d["method"], lang) + sitting_word(held, d, lang)
            outcome = OUTCOMES.get(d["outcome"], (d["outcome"], d["outcome"]))[1 if en else 0]
            counts = d["counts"]
            lines.append(
                f"- {d['date']} {council}{_stage_name(held, d['stage'], lang)}"
                + (
                    f" ({_body_name(held, d['body'], lang)}, {method}): {outcome}"
                    if en
                    else f"（{_body_name(held, d['body'], lang)}，{method}）：{outcome}"
                )
            )
            if d.get("urgent_notice"):
                # 临时通知: the law's exception, recorded with its reason (村组法 Art. 25).
                lines.append(
                    f"  short notice (special circumstances): {d['urgent_notice']}"
                    if en
                    else f"  临时通知（遇有特殊情况）：{d['urgent_notice']}"
                )
            lines.append("  " + d["quorum"]["en" if en else "zh"])
            if d["threshold"]:
                lines += ["  " + x for x in d["threshold"]["en" if en else "zh"].splitlines()]
            if (
                d["threshold"]
                and not ruleset.records(d["method"], "consensus")
                and not d.get("election")
            ):
                lines.append(
                    f"  yes {counts['yes']}, no {counts['no']}, abstain {counts['abstain']}"
                    if en
                    else f"  赞成 {counts['yes']} 票，反对 {counts['no']} 票，弃权 {counts['abstain']} 票"
                )
    for a in c.get("approvals", ()):
        lines.append("")
        verdict = (
            ("approved" if en else "批准") if a["approved"] else ("refused" if en else "不予批准")
        )
        lines.append(f"{a['by']}{'：' if not en else ': '}{verdict}（{a['document']}）")
    lines += referral_notice_lines(c.get("referrals", []), ruleset, lang)
    if c.get("review"):
        r = c["review"]
        lines.append("")
        lines.append(
            f"Review before posting ({r['body_en']}, {r['by']}): {r['opinion']}"
            if en
            else f"监督意见（{r['body']} {r['by']}）：{r['opinion']}"
        )
    if c["recusals"]:
        lines.append("")
        lines.append("Recusals:" if en else "回避情况：")
        lines += [f"- {r['person']}：{r['reason']}" for r in c["recusals"]]
    if c.get("objections"):
        lines.append("")
        lines.append("Objections raised earlier:" if en else "此前异议及处理：")
        for o in c["objections"]:
            if o["reply"] is not None:
                outcome = o["reply"]
            elif o["escalated"]:
                outcome = "escalated for review" if en else "已提交审议"
            else:
                outcome = "awaiting reply" if en else "待答复"
            lines.append(f"- {o['raised_on']} {o['text']} → {outcome}")
    if c["progress"]:
        lines.append("")
        lines.append("Implementation:" if en else "实施情况：")
        lines += [
            f"- {p['date']} {p['text']}"
            + (f"（{p['percent']}%）" if p["percent"] is not None else "")
            for p in c["progress"]
        ]
    if c.get("accounts"):
        lines.append("")
        lines += account_lines(c["accounts"], lang)
    lines.append("")
    last_day = disclosure.until.toordinal() - 1
    from datetime import date

    end = date.fromordinal(last_day).isoformat()
    if en:
        lines.append(
            f"Posted {disclosure.first_day} to {end} inclusive, at: {', '.join(disclosure.channels)}."
        )
        if disclosure.objections_until is not None:
            lines.append(
                f"Objections may be raised until {date.fromordinal(disclosure.objections_until.toordinal() - 1)}; each is answered within {disclosure.reply_days} days."
            )
    else:
        lines.append(
            f"公示期：{disclosure.first_day} 至 {end}（含），公示地点：{'、'.join(disclosure.channels)}。"
        )
        if disclosure.objections_until is not None:
            lines.append(
                f"如有异议，请于 {date.fromordinal(disclosure.objections_until.toordinal() - 1)}（含当日）前提出，村（居）委会在 {disclosure.reply_days} 日内答复。"
            )
    lines += period_lines(disclosure, lang)
    if disclosure.checkpoint:
        lines += ["", checkpoint_line(disclosure.checkpoint, lang)]
    return "\n".join(lines)


RECORDED_OUTCOMES = {
    "passed": ("通过", "passed"),
    "rejected": ("未通过", "not passed"),
    "done": ("已完成", "done"),
}
COUNT_WORDS = {
    "present": ("到会", "present"),
    "entitled": ("应到会", "entitled"),
    "composition": ("组成人员", "members"),
    "yes": ("赞成", "yes"),
    "no": ("反对", "no"),
    "abstain": ("弃权", "abstain"),
}


def recorded_step_line(
    r: Mapping[str, Any], ruleset: RuleSet, lang: str = "zh", council: str = ""
) -> str:
    """One step entered from the paper record, saying that it was entered, not held here;
    ``council`` names an earlier council that held it (see ``decided_under``)."""
    en = lang == "en"
    outcome = RECORDED_OUTCOMES.get(r["outcome"], (r["outcome"], r["outcome"]))[1 if en else 0]
    body = f"（{_body_name(ruleset, r['body'], lang)}）" if r.get("body") else ""
    counts = [
        f"{COUNT_WORDS.get(k, (k, k))[1 if en else 0]} {v}" for k, v in r.get("counts", {}).items()
    ]
    numbers = ("; " if en else "；") + (", " if en else "，").join(counts) if counts else ""
    if en:
        return (
            f"- {r['held_on']} {council}{_stage_name(ruleset, r['stage'], lang)}{body}: {outcome}{numbers} "
            f"[entered from the paper record, not held in yishi; record: {r['minutes']}]"
        )
    return (
        f"- {r['held_on']} {council}{_stage_name(ruleset, r['stage'], lang)}{body}：{outcome}{numbers}"
        f"【补录：据书面记录录入，非本系统召开；记录：{r['minutes']}】"
    )


def recorded_lines(
    recorded: Any, ruleset: RuleSet, lang: str = "zh", rulesets: Mapping[str, RuleSet] | None = None
) -> list[str]:
    """Steps entered from paper; one an earlier council held is named as its council names it."""
    if not recorded:
        return []
    head = (
        "Earlier steps, entered from the paper record:"
        if lang == "en"
        else "此前步骤（据书面记录补录）："
    )
    lines = []
    for r in recorded:
        held, council = decided_under(r, ruleset, rulesets, lang)
        lines.append(recorded_step_line(r, held, lang, council))
    return ["", head, *lines]


def period_lines(disclosure: Disclosure, lang: str = "zh") -> list[str]:
    """How the posting period was counted: posting day, first and last day, and
    why the last day moved (民法典 Arts. 201, 203). Older records have none."""
    posting = disclosure.periods.get("posting")
    if not posting:
        return []
    return [posting_note(Period.from_json(posting), lang)]


def checkpoint_line(checkpoint: Mapping[str, Any], lang: str = "zh") -> str:
    """The line that lets a paper copy be checked: ``yishi verify --checkpoint SIZE:HEAD``."""
    point = f"{checkpoint['size']}:{checkpoint['head']}"
    if lang == "en":
        return f"Record check: made when the log held {checkpoint['size']} records; verify with `yishi verify --checkpoint {point}`."
    return f"存证核验：本公示生成时记录共 {checkpoint['size']} 条，链头摘要 {checkpoint['head']}。核验命令：yishi verify --checkpoint {point}"
