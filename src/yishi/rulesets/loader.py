"""TOML → RuleSet, through one path that collects every problem in a file.

``check_text`` never raises for bad input: whatever the bytes, it returns the
problems found, each with file, line, key path, what was expected and what
was found. ``load`` raises :class:`RuleSetError` carrying those problems.
"""

from __future__ import annotations

import copy
import hashlib
import re
import sys
from fractions import Fraction
from pathlib import Path
from typing import Any

from yishi.domain.catalog import BUILTIN_CATALOG, Catalog
from yishi.domain.counting import Base, Comparator, Requirement, parse_fraction
from yishi.domain.groups import per_group
from yishi.domain.periods import Counting
from yishi.domain.rules import (
    Action,
    AnswerWords,
    Approval,
    BodySpec,
    CompositionRule,
    Exemption,
    LegalBasis,
    Levy,
    MatterType,
    MeetingRules,
    Membership,
    MergeRule,
    ObjectionRules,
    Petition,
    ProxyPolicy,
    Recipient,
    RecusalPolicy,
    RuleSet,
    StageOverride,
    StageSpec,
    Transition,
    VoteMethodSpec,
)
from yishi.domain.sittings import sittings
from yishi.rulesets.calendar import CALENDARS
from yishi.rulesets.floors import check_floors
from yishi.rulesets.handoffs import check_handoffs
from yishi.rulesets.locate import PathKey, dotted, find_line, key_lines
from yishi.rulesets.postings import check_postings
from yishi.rulesets.problems import Problem, RuleSetError, errors
from yishi.rulesets.refs import check_references
from yishi.rulesets.spec import Field, ruleset_spec, validate
from yishi.rulesets.template import template_problems

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

SCHEMA_VERSION = 1
_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


def parse_toml(data: bytes, file: str) -> tuple[dict[str, Any] | None, str, list[Problem]]:
    """Decode and parse; problems carry the line and column of the fault."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]  # a UTF-8 BOM from Windows Notepad is harmless
    line: int | None
    column: int | None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        detail = f"0x{data[exc.start]:02x}"
        return (
            None,
            "",
            [
                Problem(
                    "encoding",
                    "",
                    file=file,
                    line=line,
                    column=column,
                    detail=detail,
                    hint="请用 UTF-8 保存文件",
                    hint_en="save the file as UTF-8",
                )
            ],
        )
    try:
        return tomllib.loads(text), text, []
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = _POSITION.search(message)
        line = int(found.group(1)) if found else getattr(exc, "lineno", None)
        column = int(found.group(2)) if found else getattr(exc, "colno", None)
        detail = _POSITION.sub("", message).strip()
        if line is None:  # "(at end of document)": point at the last written line
            line, column = _end_of(text)
        return (
            None,
            text,
            [Problem("toml_syntax", "", file=file, line=line, column=column, detail=detail)],
        )
    except (RecursionError, ValueError) as exc:  # pathological nesting, odd numbers
        return (
            None,
            text,
            [Problem("toml_syntax", "", file=file, line=1, detail=type(exc).__name__)],
        )


def _end_of(text: str) -> tuple[int, int]:
    """Line and column just after the last non-blank character."""
    written = text.rstrip()
    start = written.rfind("\n") + 1
    return written.count("\n") + 1, len(written) - start + 1


def check_text(
    data: bytes, file: str = "<input>", catalog: Catalog | None = None, *, follow: bool = True
) -> tuple[RuleSet | None, list[Problem]]:
    """Check a rule set; vote methods and stage kinds are names in ``catalog``.

    ``catalog`` defaults to the built-in one; a plugin host passes its own
    (``PluginHost.catalog``) so that names registered by plugins are accepted.
    """
    catalog = BUILTIN_CATALOG if catalog is None else catalog
    root = ruleset_spec(catalog)
    document, text, problems = parse_toml(data, file)
    if document is None:
        return None, problems
    problems = []
    validate(document, root, (), problems)
    ruleset = None
    if not errors(problems):
        version = document["schema_version"]
        if version != SCHEMA_VERSION:
            problems.append(
                Problem(
                    "bad_value",
                    "schema_version",
                    expected=str(SCHEMA_VERSION),
                    found=str(version),
                    hint="此版本的 yishi 只认识格式版本 1",
                    hint_en="this yishi reads format version 1 only",
                )
            )
        else:
            ruleset = build(document, file, hashlib.sha256(data).hexdigest(), catalog)
            problems += check_references(document, ruleset)
            problems += template_problems(document)
            problems += _timezone_problems(ruleset)
            if follow:  # the targets of its hand-offs, read once (not their own targets)
                problems += check_handoffs(ruleset, file, catalog)
            if not errors(problems):
                problems += check_floors(ruleset)
                problems += check_postings(ruleset)
    else:
        problems += _references_despite(document, problems, root, catalog)
    lines = key_lines(text)
    located = [p.located(file, find_line(lines, _path_key(p.path)) or 1) for p in problems]
    located.sort(key=lambda p: (p.line or 0, p.path))
    return (ruleset if not errors(located) else None), located


def _timezone_problems(ruleset: RuleSet) -> list[Problem]:
    """A time zone the tz database knows (Asia/Shanghai always, as the clock has a
    fixed-offset stand-in for it): an unknown one passed check and broke
    ``yishi stats`` on the log it ran."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if ruleset.timezone == "Asia/Shanghai":
        return []
    try:
        ZoneInfo(ruleset.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return [
            Problem(
                "bad_value",
                "timezone",
                expected="IANA 时区名，如 Asia/Shanghai",
                expected_en="an IANA time zone name, such as Asia/Shanghai",
                found=ruleset.timezone,
            )
        ]
    return []


# -- cross-references of a document that also has structural errors ----------

_REF_CODES = frozenset({"bad_ref", "duplicate", "bad_value"})
_REPAIRABLE = frozenset({"missing", "unknown_key", "wrong_type", "bad_value", "bad_fraction"})
_ENTITIES = frozenset({"stages", "bodies", "matter_types", "recusal"})
_REFERRED = frozenset({"stages", "bodies", "roles", "scale"})  # and ids


def _references_despite(
    document: dict[str, Any], problems: list[Problem], root: Field, catalog: Catalog
) -> list[Problem]:
    """Reference problems of a document that is not structurally valid.

    So that one run reports every mistake, a copy is repaired: unknown keys
    and faulty optional values are cut out, faulty or missing required values
    get a neutral stand-in (an empty name, the first value of an enumeration).
    Nothing that others refer to is touched: not an id, a body, a stage, a
    list item, roles or a rating scale. If the copy then validates, its
    references are checked, and only problems found outside every stage,
    body or matter type that was repaired are kept, so that nothing reported
    is an artefact of the repair.
    """
    repaired = copy.deepcopy(document)
    touched: set[PathKey] = set()
    pending = errors(problems)
    for _ in range(4):  # a cut required value is filled in the next round
        for problem in pending:
            path = _path_key(problem.path)
            if problem.code not in _REPAIRABLE or not _repair(repaired, root, path, problem.code):
                return []
            touched.add(_entity(path))
        pending = []
        validate(repaired, root, (), pending)
        pending = errors(pending)
        if not pending:
            break
    if pending or repaired.get("schema_version") != SCHEMA_VERSION:
        return []
    found = check_references(repaired, build(repaired, "", "", catalog))
    return [
        p
        for p in found
        if p.severity == "error"
        and p.code in _REF_CODES
        and _entity(_path_key(p.path)) not in touched
    ]


def _entity(path: PathKey) -> PathKey:
    """The stage, body or matter type a path belongs to; else its top-level key."""
    return tuple(path[:2]) if path and path[0] in _ENTITIES else tuple(path[:1])


def _repair(document: dict[str, Any], root: Field, path: PathKey, code: str) -> bool:
    """Cut or stand in for the value at ``path``, unless it may be an id; report success."""
    if not path or not isinstance(path[-1], str):
        return False  # the document itself, or a list item: indices would shift
    parent: Any = document
    field: Field | None = root
    for key in path[:-1]:
        if field is None or not _has(parent, key):
            return False
        parent, field = parent[key], _child(field, key)
    key = path[-1]
    if field is None or field.type == "map" or not isinstance(parent, dict):
        return False  # a key of bodies, matter_types, overrides: an id
    if key in _REFERRED or (key == "id" and len(path) > 1):
        return False  # what references are checked against
    if code == "unknown_key":
        parent.pop(key, None)
        return True
    sub = _child(field, key)
    if sub is None or (sub.type == "array" and isinstance(parent.get(key), list)):
        return False  # a list with a faulty item: keep the item checks honest
    if not sub.required:
        parent.pop(key, None)
        return True
    if key not in parent or code == "missing":
        stand_in = _stand_in(sub)
        if stand_in is None:
            return False
        parent[key] = stand_in
        return True
    del parent[key]  # reported as missing next round, then filled
    return True


def _has(parent: Any, key: str | int) -> bool:
    if isinstance(parent, dict):
        return key in parent
    return isinstance(parent, list) and isinstance(key, int) and 0 <= key < len(parent)


def _stand_in(field: Field) -> Any:
    if field.type == "string" and not field.one_of:
        return field.enum[0] if field.enum else ("x" if field.pattern else "")
    return {"boolean": False, "integer": field.minimum or 0, "fraction": "1/2", "array": []}.get(
        field.type
    )


def _child(field: Field, key: str | int) -> Field | None:
    if field.one_of:
        tables = [o for o in field.one_of if o.fields is not None and key in o.fields]
        return _child(tables[0], key) if tables else None
    if field.type == "array":
        return field.items if isinstance(key, int) else None
    if field.type == "map":
        return field.values if isinstance(key, str) else None
    if field.fields is not None and isinstance(key, str):
        return field.fields.get(key)
    return None


def load(path: str | Path, catalog: Catalog | None = None, *, follow: bool = True) -> RuleSet:
    file = str(path)
    from yishi.rulesets.reading import read_limited

    data = read_limited(path)
    ruleset, problems = check_text(data, file, catalog, follow=follow)
    if ruleset is None:
        raise RuleSetError(errors(problems))
    return ruleset


def load_unfollowed(path: str | Path, catalog: Catalog | None = None) -> RuleSet:
    """``load`` without checking the targets of its hand-offs (they check theirs)."""
    return load(path, catalog, follow=False)


def _path_key(path: str) -> PathKey:
    out: list[str | int] = []
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path):
        out.append(int(index) if index else name)
    return tuple(out)


# -- building the frozen model (the document is structurally valid here) -----


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


def dotted_path(path: PathKey) -> str:
    return dotted(path)
