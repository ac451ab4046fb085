"""The procedure as a flowchart (小微权力流程图), from a rule set (pure).

``flow(ruleset, lang)`` is the graph: one node per stage with the acting
bodies, notice days, quorum and threshold in words; edges for the pass,
reject, no-quorum, objection and hand-off paths. ``to_mermaid``, ``to_dot`` and
``to_svg`` write it out; the SVG is laid out here (one column for the stages in
sequence, one beside it for those entered only by a transition), so it needs
no system binary, and it names CJK fonts so Chinese renders.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

import attrs

from yishi.domain.counting import BASE_NAMES, Base, Requirement
from yishi.domain.handoff import names as handoff_names
from yishi.domain.handoff import targets
from yishi.domain.rules import RuleSet, StageKind, StageSpec, approvals_of, meeting_rules
from yishi.domain.transitions import Action, Transition
from yishi.publish.referral_words import graph_lines, graph_outcomes

START, DONE, STOP = "_start", "_done", "_stop"


@attrs.frozen
class Node:
    id: str
    title: str
    lines: tuple[str, ...] = ()
    kind: str = "stage"  # stage | start | done | stop | handoff (another procedure)
    side: bool = False  # entered only by a transition


@attrs.frozen
class Edge:
    source: str
    target: str
    label: str
    kind: str  # pass | reject | no_quorum | objection | handoff


@attrs.frozen
class Flow:
    title: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]


def _words(reqs: tuple[Requirement, ...] | None, lang: str, *, either: bool = False) -> str:
    """Conditions in words: all of them, or (``either``, a quorum's alternatives) any one."""
    if not reqs:
        return ""
    en = lang == "en"
    parts = [
        f"{r.wording_en()} of {BASE_NAMES[r.base][1]}"
        + (" represented by those present" if r.base is Base.HOUSEHOLDS_REPRESENTED else "")
        if en
        else ("到会代表所代表的户占" if r.base is Base.HOUSEHOLDS_REPRESENTED else "")
        + f"{BASE_NAMES[r.base][0]}{r.wording_zh()}"
        for r in reqs
    ]
    if either:
        return (" or " if en else "，或").join(parts)
    return (" and " if en else "，且").join(parts)


def _body(ruleset: RuleSet, ref: str, lang: str) -> str:
    body_id, _, role = ref.partition(".")
    spec = ruleset.bodies.get(body_id)
    if spec is None:
        return {"residents": "Residents" if lang == "en" else "居民"}.get(ref, ref)
    name = (spec.name_en or spec.name) if lang == "en" else spec.name
    if role:
        name += spec.role_names.get(role, role) if lang != "en" else f" ({role})"
    return name


def _stage_lines(ruleset: RuleSet, stage: StageSpec, lang: str) -> tuple[str, ...]:
    en = lang == "en"
    lines: list[str] = []
    kind = stage.kind
    if kind in (StageKind.MEETING, StageKind.ELECTION) and stage.bodies:
        bodies = (" or " if en else "或").join(_body(ruleset, b, lang) for b in stage.bodies)
        lines.append(f"By: {bodies}" if en else f"主体：{bodies}")
        rules = meeting_rules(ruleset, stage, stage.bodies[0], None)
        if rules.notice_days:
            lines.append(
                f"Notice: {rules.notice_days} days ahead"
                if en
                else f"提前 {rules.notice_days} 日通知"
            )
        if quorum := _words(rules.quorum, lang, either=True):
            lines.append(f"Quorum: {quorum}" if en else f"到会：{quorum}")
        if also := _words(rules.quorum_also, lang):
            lines.append(f"And also: {also}" if en else f"另须：{also}")
        if stage.canvass:
            lines.append(
                "Before the vote: every household signs its view"
                if en
                else "表决前：村民代表逐户征求意见，每户签字"
            )
        if threshold := _words(rules.threshold, lang):
            lines.append(f"Passes with: {threshold}" if en else f"通过：{threshold}")
        if stage.seats:
            lines.append(f"Seats: {stage.seats}" if en else f"应选 {stage.seats} 名")
        sittings = (
            ruleset.bodies[stage.bodies[0]].sittings if stage.bodies[0] in ruleset.bodies else None
        )
        if sittings is not None:
            lines.append(
                f"Regular sittings: {sittings.describe(lang)}"
                if en
                else f"例会：{sittings.describe(lang)}（其他日子为临时会议）"
            )
    elif stage.actors:
        who = (" or " if en else "或").join(_body(ruleset, a, lang) for a in stage.actors)
        lines.append(f"By: {who}" if en else f"主体：{who}")
    if kind is StageKind.DISCLOSURE:
        lines.append(
            f"Posted at least {stage.disclosure_days} days"
            if en
            else f"公示不少于 {stage.disclosure_days} 日"
        )
        if stage.channels:
            lines.append(
                ("At: " if en else "地点：") + ("、" if not en else ", ").join(stage.channels)
            )
        if stage.reviewers:
            who = ("、" if not en else ", ").join(_body(ruleset, r, lang) for r in stage.reviewers)
            lines.append(
                f"Reviewed by {who} before posting" if en else f"张贴前由{who}审核（监督意见）"
            )
        if stage.objections is not None:
            lines.append(
                f"Objections answered within {stage.objections.reply_days} days"
                if en
                else f"异议 {stage.objections.reply_days} 日内答复"
            )
    approvals = [
        (t.name_en or t.name, a.by_en or a.by) if en else (t.name, a.by)
        for t in ruleset.matter_types.values()
        for a in approvals_of(t)
        if a.before == stage.id
    ]
    for matter_type, by in approvals:  # 报批: the stage waits for an outside approval
        lines.append(
            f"{matter_type}: approved by {by} first" if en else f"{matter_type}：须先报{by}批准"
        )
    if kind is StageKind.REFERRAL:
        lines += graph_lines(stage, ruleset.counting, lang)
    if kind is StageKind.EXECUTION and stage.supervisor:
        who = ("、" if not en else ", ").join(_body(ruleset, s, lang) for s in stage.supervisor)
        lines.append(f"Signed off by: {who}" if en else f"监督签认：{who}")
    return tuple(lines)


def _target(ruleset: RuleSet, stage: StageSpec, t: Transition) -> str:
    if t.action is Action.NEXT:
        following = ruleset.next_stage(stage.id)
        return following.id if following is not None else DONE
    if t.action in (Action.GOTO, Action.REVISE_AND_RESTART):
        return t.stage or stage.id
    if t.action is Action.ABANDON:
        return STOP
    if t.action is Action.COMPLETE:
        return DONE
    if t.action is Action.HAND_OFF:
        return _handoff_node(t)
    return stage.id  # reconvene, escalate: the same stage again


def _handoff_node(t: Transition) -> str:
    return f"_to_{t.procedure}_{t.stage}"


def flow(ruleset: RuleSet, lang: str = "zh", others: Mapping[str, RuleSet] | None = None) -> Flow:
    """The flowchart; ``others``: the procedures hand-offs lead to, for their names."""
    en = lang == "en"
    names = ruleset.names(lang) | handoff_names(others or {}, lang)
    nodes = [Node(START, "Matter proposed" if en else "提出事项", kind="start")]
    edges: list[Edge] = []
    first = ruleset.first_stage()
    if first is not None:
        edges.append(Edge(START, first.id, "", "pass"))
    for stage in ruleset.stages:
        title = (stage.name_en or stage.name) if en else stage.name
        nodes.append(
            Node(stage.id, title, _stage_lines(ruleset, stage, lang), side=not stage.in_sequence)
        )

        def add(t: Transition | None, kind: str, when: str, stage: StageSpec = stage) -> None:
            if t is None:
                return
            label = when
            if t.action not in (Action.NEXT, Action.COMPLETE):
                label = (
                    f"{when}: {t.describe(lang, names)}"
                    if en
                    else f"{when}：{t.describe(lang, names)}"
                )
            handoff = t.action in (Action.ESCALATE, Action.HAND_OFF)
            edges.append(
                Edge(stage.id, _target(ruleset, stage, t), label, "handoff" if handoff else kind)
            )

        if stage.kind in (StageKind.MEETING, StageKind.ELECTION, StageKind.EVALUATION):
            add(stage.on_pass, "pass", "Passed" if en else "通过")
            add(stage.on_reject, "reject", "Not passed" if en else "未通过")
            if stage.kind is not StageKind.EVALUATION:
                add(stage.on_no_quorum, "no_quorum", "Not quorate" if en else "不足法定人数")
        elif stage.kind is StageKind.DISCLOSURE:
            add(stage.on_pass, "pass", "Period ends" if en else "公示期满")
            if stage.objections is not None:
                add(
                    stage.objections.on_unresolved,
                    "objection",
                    "Objection not resolved" if en else "异议未解决",
                )
        elif stage.kind is StageKind.REFERRAL:
            settled, unsettled = graph_outcomes(stage, lang)
            add(stage.on_pass, "pass", settled)
            add(stage.on_reject, "reject", unsettled)
            add(stage.on_overdue, "no_quorum", "Overdue" if en else "逾期未答复")
        else:
            add(stage.on_pass, "pass", "Done" if en else "完成")
        for mt in ruleset.matter_types.values():  # a matter type's own outcome (重大事项)
            override = mt.overrides.get(stage.id)
            for key, word in (
                ("on_pass", ("Passed", "通过")),
                ("on_reject", ("Not passed", "未通过")),
            ):
                taken = getattr(override, key, None) if override is not None else None
                if taken is not None:
                    type_name = (mt.name_en or mt.name) if en else mt.name
                    when = f"{type_name}: {word[0]}" if en else f"{type_name}：{word[1]}"
                    add(taken, "handoff" if taken.action is Action.HAND_OFF else key[3:], when)
    done = Node(DONE, "Procedure complete" if en else "办结", kind="done")
    # the stages in sequence, then the end, then the stages only a transition enters
    main = [n for n in nodes if not n.side]
    nodes = [*main, done, *(n for n in nodes if n.side)]
    if any(e.target == STOP for e in edges):
        nodes.append(Node(STOP, "Ended, not implemented" if en else "终止，不得实施", kind="stop"))
    for _, t in targets(ruleset):  # each procedure handed to, as an end of this chart
        node_id = _handoff_node(t)
        if any(n.id == node_id for n in nodes):
            continue
        title = names.get(f"procedure:{t.procedure}") or (
            "Another procedure" if en else "其他议事程序"
        )
        into = names.get(f"{t.procedure}.{t.stage}")
        nodes.append(
            Node(
                node_id,
                (f"Handed to: {title}" if en else f"移交：{title}"),
                ((f"Enters at: {into}" if en else f"进入：{into}"),) if into else (),
                kind="handoff",
            )
        )
    title = (ruleset.title_en or ruleset.title) if en else ruleset.title
    return Flow(title, tuple(nodes), tuple(edges))


# -- Mermaid and Graphviz -------------------------------------------------------


def _mermaid_text(text: str) -> str:
    return escape(text, quote=True).replace("\n", "<br/>")


def to_mermaid(f: Flow, current: str | None = None) -> str:
    ids = {n.id: f"n{i}" for i, n in enumerate(f.nodes)}
    out = ["flowchart TD"]
    for n in f.nodes:
        label = _mermaid_text("\n".join((n.title, *n.lines)))
        shape = ("([", "])") if n.kind != "stage" else ("[", "]")
        out.append(f'  {ids[n.id]}{shape[0]}"{label}"{shape[1]}')
    for e in f.edges:
        arrow = "-->" if e.kind == "pass" else "-.->"
        label = f'|"{_mermaid_text(e.label)}"|' if e.label else ""
        out.append(f"  {ids[e.source]} {arrow}{label} {ids[e.target]}")
    if current in ids:
        out.append(f"  style {ids[current]} fill:#fde68a,stroke:#b45309,stroke-width:3px")
    return "\n".join(out) + "\n"


def _dot_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def to_dot(f: Flow, current: str | None = None) -> str:
    out = [
        "digraph procedure {",
        f'  label="{_dot_text(f.title)}"; labelloc=t; rankdir=TB;',
        '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Noto Sans CJK SC"];',
        '  edge [fontname="Noto Sans CJK SC", fontsize=10];',
    ]
    for n in f.nodes:
        label = "\\n".join(_dot_text(x) for x in (n.title, *n.lines))
        extra = ', fillcolor="#fde68a", penwidth=3' if n.id == current else ""
        shape = ", shape=ellipse" if n.kind != "stage" else ""
        out.append(f'  "{n.id}" [label="{label}"{shape}{extra}];')
    for e in f.edges:
        style = "" if e.kind == "pass" else ", style=dashed"
        out.append(f'  "{e.source}" -> "{e.target}" [label="{_dot_text(e.label)}"{style}];')
    out.append("}")
    return "\n".join(out) + "\n"
