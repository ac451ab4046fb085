"""A structurally valid rule-set document → the frozen ``RuleSet`` of ``domain.rules``.

Every default a rule set may leave out is filled in here, once; the document
has passed the declared-field check (``spec``), so keys are not checked again.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from yishi.domain.bodies import BodySpec, CompositionRule, MeetingRules, Membership, ProxyPolicy
from yishi.domain.catalog import BUILTIN_CATALOG, Catalog
from yishi.domain.counting import Base, Comparator, Requirement, parse_fraction
from yishi.domain.groups import per_group
from yishi.domain.periods import Counting
from yishi.domain.rules import (
    AnswerWords,
    Approval,
    Exemption,
    LegalBasis,
    Levy,
    MatterType,
    MergeRule,
    ObjectionRules,
    Petition,
    Recipient,
    RecusalPolicy,
    RuleSet,
    StageOverride,
    StageSpec,
    VoteMethodSpec,
)
from yishi.domain.sittings import sittings
from yishi.domain.transitions import Action, Transition
from yishi.rulesets.calendar import CALENDARS


def requirement(data: dict[str, Any], note: str = "") -> Requirement:
    return Requirement(
        Base(data["base"]),
        parse_fraction(data["fraction"]),
        Comparator(data["cmp"]),
        note=data.get("note", note),
    )


def requirements(data: dict[str, Any] | None, key: str) -> tuple[Requirement, ...] | None:
    if data is None:
        return None
    if key in data:
        # A note on the whole any_of / all_of explains each condition that has none of its own.
        return tuple(requirement(r, data.get("note", "")) for r in data[key])
    return (requirement(data),)


def transition(data: str | dict[str, Any] | None, default: Transition) -> Transition:
    if data is None:
        return default
    if isinstance(data, str):
        return Transition(Action(data))
    return Transition(
        Action(data["action"]),
        data.get("stage"),
        data.get("body"),
        data.get("notice_days"),
        procedure=data.get("procedure"),
        matter_type=data.get("matter_type"),
        note=data.get("note", "") if data["action"] == Action.HAND_OFF.value else "",
        note_en=data.get("note_en", ""),
    )


def _methods(data: list[str] | None, catalog: Catalog) -> tuple[VoteMethodSpec, ...] | None:
    return None if data is None else tuple(catalog.vote_methods[m] for m in data)


def _body(body_id: str, d: dict[str, Any], catalog: Catalog) -> BodySpec:
    proxies = d.get("proxies", {})
    return BodySpec(
        id=body_id,
        name=d["name"],
        name_en=d.get("name_en", ""),
        membership=Membership(d.get("membership", "roster")),
        statutory_kind=d.get("statutory_kind"),
        urgent_notice=d.get("urgent_notice", False),
        excludes_relatives_of=tuple(d.get("excludes_relatives_of", ())),
        observers=tuple(d.get("observers", ())),
        steps_down_if_relative_nominated=d.get("steps_down_if_relative_nominated", False),
        sittings=sittings(d.get("sittings")),
        per=d.get("per"),
        roles=tuple(d.get("roles", ())),
        role_names=dict(d.get("role_names", {})),
        non_voting_party=tuple(d.get("non_voting_party", ())),
        composition=tuple(
            CompositionRule(
                label=c["label"],
                role=c["role"],
                gender=c.get("gender"),
                requirement=Requirement(
                    Base.COMPOSITION, parse_fraction(c["fraction"]), Comparator(c["cmp"])
                ),
            )
            for c in d.get("composition", ())
        ),
        rules=MeetingRules(
            notice_days=d.get("notice_days", 0),
            quorum=requirements(d.get("quorum"), "any_of") or (),
            threshold=requirements(d.get("threshold"), "all_of") or (),
            quorum_also=requirements(d.get("quorum_also"), "all_of") or (),
            vote_methods=_methods(d.get("vote_methods"), catalog) or (),
            excusal=d.get("excusal", False),
            proxies=ProxyPolicy(
                allowed=proxies.get("allowed", False),
                holder=proxies.get("holder", "close_relative"),
                max_per_holder=proxies.get("max_per_holder", 1),
                absent_only=proxies.get("absent_only", True),
            ),
        ),
    )


def _stage(d: dict[str, Any], catalog: Catalog) -> StageSpec:
    objections = d.get("objections")
    merge = d.get("merge")
    kind = catalog.stage_kinds[d["kind"]]
    return StageSpec(
        id=d["id"],
        kind=kind.behaviour,
        kind_spec=kind,
        name=d["name"],
        name_en=d.get("name_en", ""),
        bodies=tuple(d.get("bodies", ())),
        actors=tuple(d.get("actors", ())),
        in_sequence=d.get("in_sequence", True),
        notice_days=d.get("notice_days"),
        quorum=requirements(d.get("quorum"), "any_of"),
        threshold=requirements(d.get("threshold"), "all_of"),
        vote_methods=_methods(d.get("vote_methods"), catalog),
        on_pass=transition(d.get("on_pass"), Transition(Action.NEXT)),
        on_reject=transition(d.get("on_reject"), Transition(Action.ABANDON)),
        on_no_quorum=transition(d.get("on_no_quorum"), Transition(Action.RECONVENE)),
        merge=MergeRule(
            merge["absorbs"],
            tuple(tuple(r.split(".", 1)) for r in merge["same_person"] if "." in r),
        )
        if merge
        else None,
        disclosure_days=d.get("disclosure_days", 0),
        disclosure_kind=d.get("disclosure_kind", "other"),
        statutory_posting=d.get("statutory_posting"),
        channels=tuple(d.get("channels", ())),
        objections=ObjectionRules(
            window_days=objections.get("window_days"),
            reply_days=objections["reply_days"],
            handler=tuple(objections.get("handler", ())),
            on_unresolved=transition(objections.get("on_unresolved"), Transition(Action.NEXT))
            if "on_unresolved" in objections
            else None,
        )
        if objections
        else None,
        canvass=d.get("canvass", False),
        supervisor=tuple(d.get("supervisor", ())),
        accounts=bool(d.get("accounts", False)),
        reviewers=tuple(d.get("reviewers", ())),
        scale=tuple(d.get("scale", ())),
        satisfied=tuple(d.get("satisfied", ())),
        raters=tuple(d.get("raters", ("residents",))),
        min_suggestions=d.get("min_suggestions", 1),
        seats=d.get("seats", 0),
        fills=tuple(d["fills"].split(".", 1)) if "." in d.get("fills", "") else None,
        runoff_threshold=requirement(d["runoff_threshold"]) if "runoff_threshold" in d else None,
        recipients=tuple(
            Recipient(r["name"], r.get("name_en", ""), r.get("body", ""))
            for r in d.get("recipients", ())
        ),
        answer_days=d.get("answer_days", 0),
        answer_counting=Counting(d["answer_counting"]) if "answer_counting" in d else None,
        responders=tuple(d.get("responders", ())),
        answer_words=_answer_words(d.get("answer_words")),
        on_overdue=transition(d["on_overdue"], Transition(Action.NEXT))
        if "on_overdue" in d
        else None,
        women_present=requirement({"base": "present", **d["women_present"]})
        if "women_present" in d
        else None,
    )


def _answer_words(d: dict[str, Any] | None) -> AnswerWords:
    if d is None:
        return AnswerWords()
    return AnswerWords(
        d["settled"],
        d["not_settled"],
        d.get("settled_en") or d["settled"],
        d.get("not_settled_en") or d["not_settled"],
    )


def _approval(d: dict[str, Any]) -> Approval:
    return Approval(
        by=d["by"],
        before=d["before"],
        by_en=d.get("by_en", ""),
        note=d.get("note", ""),
        reply_working_days=d.get("reply_working_days"),
    )


def _levy(d: dict[str, Any]) -> Levy:
    return Levy(
        money_cap=Fraction(d["money_cap"]),
        labour_cap=Fraction(d["labour_cap"]),
        labour_ages={k: (v[0], v[1]) for k, v in d.get("labour_ages", {}).items() if len(v) == 2},
        exemptions=tuple(
            Exemption(
                id=e["id"],
                name=e["name"],
                name_en=e.get("name_en", ""),
                money=e.get("money", False),
                labour=e.get("labour", False),
            )
            for e in d.get("exemptions", ())
        ),
    )


def build(d: dict[str, Any], file: str, digest: str, catalog: Catalog = BUILTIN_CATALOG) -> RuleSet:
    recusal = d.get("recusal", {})
    ruleset_id = d["id"]
    return RuleSet(
        id=ruleset_id,
        title=d["title"],
        title_en=d.get("title_en", ""),
        schema_version=d["schema_version"],
        statutory=d["statutory"],
        scope=d.get("scope", "village"),
        law_version=d.get("law_version", "2018"),
        timezone=d.get("timezone", "Asia/Shanghai"),
        legal_basis=tuple(
            LegalBasis(
                b["law"],
                b["version"],
                tuple(b.get("articles", ())),
                b.get("note", ""),
                b.get("quote", ""),
            )
            for b in d.get("legal_basis", ())
        ),
        bodies=per_group({k: _body(k, v, catalog) for k, v in d["bodies"].items()}),
        stages=tuple(_stage(s, catalog) for s in d["stages"]),
        matter_types={
            k: MatterType(
                id=k,
                name=v["name"],
                procedure=v.get("procedure", ruleset_id),
                statute=v.get("statute"),
                note=v.get("note", ""),
                withhold=tuple(v.get("withhold", ())),
                name_en=v.get("name_en", ""),
                approval=_approval(v["approval"]) if "approval" in v else None,
                further_approvals=tuple(_approval(a) for a in v.get("further_approvals", ())),
                overrides={
                    stage: StageOverride(
                        quorum=requirements(o.get("quorum"), "any_of"),
                        threshold=requirements(o.get("threshold"), "all_of"),
                        bodies=tuple(o["bodies"]) if "bodies" in o else None,
                        vote_methods=_methods(o.get("vote_methods"), catalog),
                        notice_days=o.get("notice_days"),
                        on_pass=transition(o["on_pass"], Transition(Action.NEXT))
                        if "on_pass" in o
                        else None,
                        on_reject=transition(o["on_reject"], Transition(Action.ABANDON))
                        if "on_reject" in o
                        else None,
                        answer_days=o.get("answer_days"),
                    )
                    for stage, o in v.get("overrides", {}).items()
                },
            )
            for k, v in d.get("matter_types", {}).items()
        },
        proposers=tuple(d["proposers"]),
        recorders=tuple(d.get("recorders", ())),
        levy=_levy(d["levy"]) if "levy" in d else None,
        petitions=tuple(
            Petition(
                label=p["label"],
                label_en=p.get("label_en", ""),
                requirement=requirement(p),
                body=p.get("body"),
            )
            for p in d.get("petitions", ())
        ),
        privacy_withhold=tuple(d.get("privacy", {}).get("withhold", ())),
        recusal=RecusalPolicy(
            enabled=recusal.get("enabled", False),
            may_speak=recusal.get("may_speak", True),
            remove_from_bases=recusal.get("remove_from_bases", True),
            on_quorum_lost=transition(recusal.get("on_quorum_lost"), Transition(Action.RECONVENE))
            if "on_quorum_lost" in recusal
            else None,
            statutory=recusal.get("statutory", False),
            relatives=recusal.get("relatives", False),
        ),
        source=file,
        digest=digest,
        catalog=catalog,
        counting=Counting(d.get("periods", {}).get("counting", "calendar_days")),
        calendar=CALENDARS[d.get("periods", {}).get("calendar", "cn")](),
    )
