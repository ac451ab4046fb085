"""Scenario files: a community and a dated sequence of actions, in TOML.

Used to enter paper records of offline meetings afterwards, and to try a rule
set on a realistic case before a community adopts it. The format is checked
through the same declared-field machinery as rule sets, so errors name the
file, line and key path.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import attrs

from yishi.domain import commands as cmd
from yishi.rulesets.fields import Field, arr, b, i, s, table, validate
from yishi.rulesets.loader import parse_toml
from yishi.rulesets.locate import dotted, find_line, key_lines
from yishi.rulesets.problems import Problem, RuleSetError
from yishi.rulesets.reading import read_limited
from yishi.scenario import limits
from yishi.scenario.actions import ACTIONS, ANY_DATE, PEOPLE
from yishi.scenario.files import check_community_path, check_evidence_path
from yishi.scenario.money import check_amounts

COMMON = {
    "at": Field("string", "日期或日期时间", required=True),
    "actor": s("录入人 id", required=True),
    "on_behalf_of": s("代谁办理（如网格员代老人提出异议）"),
    "do": s("动作", required=True, enum=tuple(ACTIONS)),
    "expect": s("预期：ok 或 refused（用于测试规则）", enum=("ok", "refused")),
    "note": s("备注"),
    "evidence": arr(
        s(), "附件：文件路径列表（相对于场景文件），如签到表照片、会议记录扫描件、公示张贴照片"
    ),
}

PERSON = table(
    id=s(required=True),
    name=s(required=True),
    gender=s(enum=("male", "female")),
    born=ANY_DATE,
    adult=b(),
    household=s(),
    party=s(enum=("full", "probationary")),
    relatives=arr(s()),
)
SCENARIO = table(
    "yishi 场景",
    schema_version=i("格式版本，目前为 1", required=True, minimum=1, maximum=1),
    title=s(required=True),
    description=s(),
    ruleset=s(
        "规则 id 或 .toml 路径（相对本文件）；有多个议事程序时为默认程序，可改写 community.procedures"
    ),
    until=ANY_DATE,
    community_file=s("共用的村（社区）档案文件，相对本文件；其中的 [community] 与本文件的合并"),
    community=table(
        name=s("村（社区）名称，记入记录，公示与公开栏上印出"),
        township=s("所在乡（镇）或街道，如“青石镇”"),
        county=s("所在县（市、区）"),
        procedures=table(
            "本村（社区）使用的议事程序（一村多会）与事项类型的去向（小微权力清单）",
            use=arr(
                s(),
                "使用的规则：规则 id 或 .toml 路径（相对场景文件）；未写 ruleset 时第一个为默认程序",
                required=True,
            ),
            routes=Field("map", "事项类型 → 办理它的规则 id（须是 use 中的一个）", values=s()),
        ),
        groups=arr(
            table(
                "村民小组（村组法第三十二条）；各户用 group 指明所属小组",
                id=s(required=True),
                name=s("名称，如“第三村民小组”", required=True),
            )
        ),
        households=arr(
            table(
                id=s(required=True),
                name=s(),
                representative=s("户代表：代表本户参加村民会议的人"),
                represented_by=s("联系本户的村民代表（村组法第二十九条：每五户至十五户推选一人）"),
                group=s("所属村民小组 id（community.groups 中列出）"),
            )
        ),
        people=arr(PERSON),
        generate=arr(
            table(
                "批量生成村民（大村的演示与测试）",
                prefix=s(required=True),
                households=i(required=True, minimum=1, maximum=limits.MAX_PEOPLE),
                adults_per_household=i(required=True, minimum=1, maximum=50),
                born=ANY_DATE,
                start=i("起始编号", minimum=1, maximum=limits.MAX_PEOPLE),
                name=s("户名前缀，如“东坡”（生成“东坡第1户”……）；默认用 prefix"),
                represented_by=s("这些户都由哪一位村民代表联系（人员 id）"),
                group=s("这些户所属的村民小组 id"),
            )
        ),
        bodies=arr(
            table(
                id=s(required=True),
                members=PEOPLE,
                roles=Field("map", "人员 id → 职务列表", values=arr(s())),
                by_role=Field("map", "职务 → 人员列表（同时计为成员，可写区间）", values=PEOPLE),
                non_voting=PEOPLE,
            )
        ),
    ),
    actions=arr(Field("table", "动作", fields=None), required=True),
)


# For editors: each action spelled out, so completion offers the right keys per "do".
SCENARIO_FOR_EDITORS = attrs.evolve(
    SCENARIO,
    fields={
        **(SCENARIO.fields or {}),
        "actions": arr(
            Field(
                "table",
                "动作",
                one_of=tuple(
                    Field(
                        "table", fields={**COMMON, "do": s(required=True, enum=(name,)), **fields}
                    )
                    for name, (_, fields) in ACTIONS.items()
                ),
            ),
            required=True,
        ),
    },
)


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


@attrs.frozen
class Scenario:
    file: str
    title: str
    ruleset: str
    base_dir: Path
    setup: cmd.SetUpCommunity
    steps: tuple[Step, ...]
    until: dt.datetime | None = None
    community: str = ""
    ruleset_line: int | None = None
    # Several councils (community.procedures): every rule set used, the default
    # first, and the community's routing of matter types; one-ruleset scenarios
    # have ``(ruleset,)`` and no routes.
    procedures: tuple[str, ...] = ()
    routes: tuple[tuple[str, str], ...] = ()
    use: tuple[str, ...] = ()  # community.procedures.use as written, for locating problems
    use_line: int | None = None


def _when(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(9, 0))
    raise TypeError(value)


_RANGE = limits.RANGE


def expand(ids: list[str]) -> tuple[str, ...]:
    out: list[str] = []
    for item in ids:
        found = _RANGE.match(item)
        # A range past the limit stays one (unknown) id: the loader has reported it.
        if (
            found
            and found.group(1) == found.group(3)
            and limits.range_size(item) <= limits.MAX_RANGE
        ):
            width = len(found.group(2))
            lo, hi = int(found.group(2)), int(found.group(4))
            out += [f"{found.group(1)}{n:0{width}d}" for n in range(lo, hi + 1)]
        else:
            out.append(item)
    return tuple(out)


DATE_KEYS = limits.DATE_KEYS


def _date_values(
    node: Any, keys: frozenset[str], path: tuple[str | int, ...] = ()
) -> list[tuple[tuple[str | int, ...], Any]]:
    found: list[tuple[tuple[str | int, ...], Any]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in keys:
                found.append(((*path, key), value))
            else:
                found += _date_values(value, keys, (*path, key))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            found += _date_values(item, keys, (*path, index))
    return found


def _check_dates(value: Any, path: tuple[str | int, ...], out: list[Problem]) -> None:
    limits.check_date(value, path, out)


def load_scenario(path: str | Path) -> Scenario:
    file = str(path)
    data = read_limited(path)
    document, text, problems = parse_toml(data, file)
    if document is None:
        raise RuleSetError(problems)
    if isinstance(document.get("community_file"), str) and check_community_path(
        Path(path).resolve().parent, document["community_file"], ("community_file",), problems
    ):
        shared_path = Path(path).resolve().parent / document["community_file"]
        shared, problems, shared_lines = _shared_community(shared_path)
        if shared is not None:
            own = document.get("community", {})
            problems += _defined_twice(
                shared, own if isinstance(own, dict) else {}, shared_path, shared_lines, text
            )
            merged = {
                **shared,
                **{
                    k: v
                    for k, v in own.items()
                    if k not in ("people", "households", "bodies", "generate", "groups")
                },
            }
            for key in ("people", "households", "bodies", "generate", "groups"):
                merged[key] = [*shared.get(key, []), *own.get(key, [])]
            document["community"] = merged
    if "ruleset" not in document and not _uses(document):
        problems.append(
            Problem(
                "missing",
                "ruleset",
                expected="ruleset，或 [community.procedures] use",
                expected_en="ruleset, or use in [community.procedures]",
            )
        )
    if "community" not in document:
        problems.append(
            Problem(
                "missing",
                "community",
                expected="[community] 或 community_file",
                expected_en="[community] or community_file",
            )
        )
    _retype_dates(document, DATE_KEYS)
    validate(document, SCENARIO, (), problems)
    # Beyond a size limit, no step is built: expanding the ranges is the work the limit prevents.
    oversized = limits.check_sizes(document, problems)
    for where, value in _date_values(document, DATE_KEYS):
        if where[0] != "actions":  # actions are checked one by one below
            _check_dates(value, where, problems)
    steps: list[Step] = []
    for index, raw in enumerate(
        document.get("actions", []) if isinstance(document.get("actions"), list) else []
    ):
        if not isinstance(raw, dict):
            continue
        kind = raw.get("do") if isinstance(raw.get("do"), str) else None  # else: wrong_type
        fields = dict(COMMON)
        if kind in ACTIONS:
            fields.update(ACTIONS[kind][1])
        before = len(problems)
        # An unknown `do` is one mistake: its other keys are not checked against
        # the common ones, which would call every one of them unknown.
        checked = raw if kind in ACTIONS else {k: v for k, v in raw.items() if k in COMMON}
        validate(checked, Field("table", fields=fields), ("actions", index), problems)
        for key in ("at", "date", "held_on"):
            if key in raw:
                _check_dates(raw[key], ("actions", index, key), problems)
        _check_evidence(raw, index, Path(path).resolve().parent, problems)
        check_amounts(raw, index, problems)
        if len(problems) == before and kind in ACTIONS and not oversized:
            made = _steps(index, raw, kind, Path(path).resolve().parent)
            if not made:
                problems.append(
                    Problem(
                        "missing",
                        dotted(("actions", index)),
                        expected="至少一张选票或一项评价（yes、no、abstain 或 by_rating）",
                        expected_en="at least one ballot or rating (yes, no, abstain or by_rating)",
                    )
                )
                continue
            if steps and made and made[0].at < steps[-1].at:
                problems.append(
                    Problem(
                        "inconsistent",
                        dotted(("actions", index, "at")),
                        expected=f"不早于上一条动作的时间 {steps[-1].at:%Y-%m-%d %H:%M}",
                        expected_en=f"not earlier than the previous action ({steps[-1].at:%Y-%m-%d %H:%M})",
                        found=f"{made[0].at:%Y-%m-%d %H:%M}",
                        hint="动作须按发生时间先后排列",
                        hint_en="list actions in the order they happened",
                    )
                )
            steps.extend(made)
    if steps:
        last = steps[-1]
        limits.check_span(steps[0].at, last.at, ("actions", last.index, "at"), problems)
        if "until" in document and not any(p.path == "until" for p in problems):
            until = _when(_undate(document["until"]))
            limits.check_span(steps[0].at, until, ("until",), problems)
    community = document.get("community", {})
    lines = key_lines(text)
    if problems:
        located = [p.located(file, find_line(lines, _key(p.path)) or 1) for p in _tidy(problems)]
        # In the order of the file, as an editor shows it (a stable sort keeps
        # the problems of one line in the order they were found).
        raise RuleSetError(sorted(located, key=lambda p: (p.file != file, p.line or 0)))
    for step_index, step in enumerate(steps):
        steps[step_index] = attrs.evolve(step, line=find_line(lines, ("actions", step.index)))
    used = _uses(document)
    default = document.get("ruleset") or used[0]
    return Scenario(
        file=file,
        title=document["title"],
        ruleset=default,
        base_dir=Path(path).resolve().parent,
        setup=_setup(community),
        steps=tuple(steps),
        until=_when(_undate(document["until"])) if "until" in document else None,
        community=community.get("name", ""),
        ruleset_line=find_line(lines, ("ruleset",))
        or find_line(lines, ("community", "procedures", "use")),
        procedures=tuple(dict.fromkeys([default, *used])),
        use=tuple(used),
        use_line=find_line(lines, ("community", "procedures", "use")),
        routes=tuple(sorted(community.get("procedures", {}).get("routes", {}).items())),
    )


def _uses(document: dict[str, Any]) -> list[str]:
    community = document.get("community")
    procedures = community.get("procedures") if isinstance(community, dict) else None
    used = procedures.get("use") if isinstance(procedures, dict) else None
    return [u for u in used if isinstance(u, str)] if isinstance(used, list) else []


def _shared_community(
    path: Path,
) -> tuple[dict[str, Any] | None, list[Problem], dict[Any, int]]:
    try:
        data = read_limited(path, "community_file")
    except RuleSetError as exc:
        return None, [attrs.evolve(p, file="") for p in exc.problems], {}
    document, text, problems = parse_toml(data, str(path))
    if document is None:
        return None, problems, {}
    community = document.get("community")
    if not isinstance(community, dict):
        return (
            None,
            [
                Problem(
                    "missing",
                    "community_file",
                    expected=f"{path.name} 中的 [community] 表",
                    expected_en=f"a [community] table in {path.name}",
                )
            ],
            {},
        )
    return community, [], key_lines(text)


def _defined_twice(
    shared: dict[str, Any],
    own: dict[str, Any],
    shared_path: Path,
    shared_lines: dict[Any, int],
    text: str,
) -> list[Problem]:
    """A body both in the shared community file and in the scenario is an error
    naming both places: the lists are joined, and one would silently replace the other."""
    first: dict[str, int] = {}
    for n, body in enumerate(
        shared.get("bodies", []) if isinstance(shared.get("bodies"), list) else []
    ):
        if isinstance(body, dict) and isinstance(body.get("id"), str):
            first.setdefault(body["id"], n)
    lines = key_lines(text)
    found = []
    own_bodies = own.get("bodies", [])
    for n, body in enumerate(own_bodies if isinstance(own_bodies, list) else []):
        if not isinstance(body, dict) or body.get("id") not in first:
            continue
        there = find_line(shared_lines, ("community", "bodies", first[body["id"]]))
        where = f"{shared_path.name}" + (f" 第 {there} 行" if there else "")
        where_en = f"{shared_path.name}" + (f" line {there}" if there else "")
        found.append(
            Problem(
                "duplicate",
                dotted(("community", "bodies", n, "id")),
                found=body["id"],
                hint=f"机构“{body['id']}”已在共用档案 {where} 定义；同一机构只能定义一次，"
                "请删去其中一处（名单不会合并，也不会替换）",
                hint_en=f"body '{body['id']}' is already defined in the shared file {where_en}; "
                "define it once: remove one of them (rosters are neither merged nor replaced)",
                line=find_line(lines, ("community", "bodies", n)),
            )
        )
    return found


def _tidy(problems: list[Problem]) -> list[Problem]:
    """One mistake, one problem: a misspelt required key is reported as the
    unknown key (with its "did you mean"), not also as the required one missing."""
    meant = set()
    for p in problems:
        if p.code == "unknown_key" and p.hint_en.startswith("did you mean '"):
            parent = p.path.rsplit(".", 1)[0] if "." in p.path else ""
            key = p.hint_en[len("did you mean '") :].split("'", 1)[0]
            meant.add(f"{parent}.{key}" if parent else key)
    return [p for p in problems if not (p.code == "missing" and p.path in meant)]


class _Date(str):
    """A TOML date kept as a date but passing the string-typed structural check."""

    value: dt.date

    def __new__(cls, value: dt.date) -> _Date:
        made = super().__new__(cls, value.isoformat())
        made.value = value
        return made


def _retype_dates(node: Any, keys: frozenset[str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in keys and isinstance(value, dt.date):
                node[key] = _Date(value)
            else:
                _retype_dates(value, keys)
    elif isinstance(node, list):
        for item in node:
            _retype_dates(item, keys)


def _undate(value: Any) -> Any:
    return value.value if isinstance(value, _Date) else value


def _key(path: str) -> tuple[str | int, ...]:
    return tuple(int(x) if x.isdigit() else x for x in re.findall(r"[^.\[\]]+", path))


def _check_evidence(raw: dict[str, Any], index: int, base_dir: Path, out: list[Problem]) -> None:
    """Every attached file must be there when the scenario is loaded, not half-way through."""
    files = raw.get("evidence")
    if not isinstance(files, list):
        return
    for n, name in enumerate(files):
        if isinstance(name, str):
            check_evidence_path(base_dir, name, ("actions", index, "evidence", n), out)


def _steps(index: int, raw: dict[str, Any], kind: str, base_dir: Path) -> list[Step]:
    at = _when(_undate(raw["at"]))
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
    args = {k: _undate(v) for k, v in raw.items() if k not in COMMON}
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


def _setup(community: dict[str, Any]) -> cmd.SetUpCommunity:
    households = [
        cmd.HouseholdSpec(
            id=h["id"],
            name=h.get("name", h["id"]),
            representative=h.get("representative"),
            represented_by=h.get("represented_by"),
            group=h.get("group"),
        )
        for h in community.get("households", [])
    ]
    people = [
        cmd.PersonSpec(
            id=p["id"],
            name=p["name"],
            gender=p.get("gender", ""),
            born=_undate(p.get("born")),
            adult=p.get("adult"),
            household=p.get("household"),
            party=p.get("party"),
            relatives=tuple(p.get("relatives", ())),
        )
        for p in community.get("people", [])
    ]
    for g in community.get("generate", []):
        born = _undate(g.get("born")) or dt.date(1970, 1, 1)
        number = g.get("start", 1)
        for h in range(1, g["households"] + 1):
            household = f"{g['prefix']}h{h:03d}"
            members = [f"{g['prefix']}{number + k:03d}" for k in range(g["adults_per_household"])]
            number += g["adults_per_household"]
            label = f"{g['name']}第{h}户" if "name" in g else f"{g['prefix']} 第{h}户"
            households.append(
                cmd.HouseholdSpec(
                    id=household,
                    name=label,
                    representative=members[0],
                    represented_by=g.get("represented_by"),
                    group=g.get("group"),
                )
            )
            people += [
                cmd.PersonSpec(
                    id=m,
                    name=f"村民{m}",
                    gender="male" if k % 2 == 0 else "female",
                    born=born,
                    household=household,
                )
                for k, m in enumerate(members)
            ]
    bodies = []
    for body in community.get("bodies", []):
        roles = {person: list(r) for person, r in body.get("roles", {}).items()}
        members = list(expand(body.get("members", [])))
        for role, holders in body.get("by_role", {}).items():
            for person in expand(holders):
                roles.setdefault(person, []).append(role)
                if person not in members:
                    members.append(person)
        non_voting = set(expand(body.get("non_voting", [])))
        bodies.append(
            cmd.BodySpecEntry(
                id=body["id"],
                members=tuple(
                    cmd.MemberSpec(
                        person=m, roles=tuple(roles.get(m, ())), voting=m not in non_voting
                    )
                    for m in members
                ),
            )
        )
    return cmd.SetUpCommunity(
        actor="system",
        name=community.get("name", ""),
        township=community.get("township", ""),
        county=community.get("county", ""),
        people=tuple(people),
        households=tuple(households),
        bodies=tuple(bodies),
        groups=tuple(
            cmd.GroupSpec(id=g["id"], name=g["name"]) for g in community.get("groups", [])
        ),
    )
