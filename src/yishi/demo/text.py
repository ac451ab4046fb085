"""What ``yishi demo`` prints: the village, the timeline, the files, the check, what next."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from yishi.domain.rules import RuleSet
from yishi.publish.code import verification_code

if TYPE_CHECKING:
    from yishi.demo.run import DemoResult

RULE = "─" * 60


def render(result: DemoResult, ruleset: RuleSet, lang: str = "zh", *, default: bool = True) -> str:
    en = lang == "en"
    parts = [
        *_header(result, ruleset, en),
        "",
        RULE,
        result.timeline,
        RULE,
        "",
        *_files(result, en),
        "",
        *_verified(result, en),
        "",
        *_next(result, en, default),
    ]
    return "\n".join(parts)


def _header(result: DemoResult, ruleset: RuleSet, en: bool) -> list[str]:
    v = result.village
    on = result.story.steps[0].at.date() if result.story.steps else dt.date(2026, 3, 1)
    f = v.facts(on)
    name = v.name_of
    offices = v.offices
    title = ruleset.title_en or ruleset.title if en else ruleset.title
    if en:
        lines = [
            "yishi demo: a collective land lease through the six steps of 四议两公开",
            f"Rule set: {title} ({ruleset.id}); record: SQLite event log with a hash chain",
            "",
            f"Village: {v.township}{v.name} (fictional, seed {v.seed})",
            f"  {f['people']} people ({f['adults']} adults, {f['elderly']} aged 60 or more; "
            f"{f['children']} under 18), {f['households']} households in {f['groups']} 村民小组:",
        ]
    else:
        lines = [
            "yishi 演示：按“四议两公开”办理一件集体土地出租事项",
            f"规则：{title}（{ruleset.id}）；记录：SQLite 事件日志（哈希链）",
            "",
            f"村庄：{v.township}{v.name}（虚构，随机种子 {v.seed}）",
            f"  {f['people']} 人（十八周岁以上 {f['adults']} 人，其中六十岁以上 {f['elderly']} 人；"
            f"未满十八周岁 {f['children']} 人），{f['households']} 户，分 {f['groups']} 个村民小组：",
        ]
    for group in v.groups:
        people = sum(len(v.households[h].members) for h in group.households)
        reps = sum(1 for r in v.representatives if v.group_of(r) is group)
        lines.append(
            f"    {group.name}: {len(group.households)} households, {people} people, "
            f"leader {name(group.leader)}, {reps} representatives"
            if en
            else f"    {group.name}：{len(group.households)} 户 {people} 人，组长 {name(group.leader)}，"
            f"村民代表 {reps} 人"
        )
    if en:
        lines += [
            f"  Party members: {f['party_members']} ({f['party_full']} full, "
            f"{f['party_probationary']} probationary, who do not vote)",
            f"  Branch committee {f['branch_committee']} (secretary {name(offices['secretary'])}); "
            f"villagers' committee {f['village_committee']} (director {name(offices['director'])}, "
            "also deputy secretary);",
            f"  two committees jointly {f['two_committees']}; monitoring committee "
            f"{f['monitoring_committee']} (chair {name(offices['monitoring_chair'])})",
            f"  Representative assembly {f['assembly']}: {f['village_committee']} committee members, "
            f"{f['representatives']} representatives ({f['women_representatives']} women)",
            "  Composition checks (the rule set's, and 村组法 2025 Art. 29):",
        ]
    else:
        lines += [
            f"  党员 {f['party_members']} 人：正式党员 {f['party_full']} 人，"
            f"预备党员 {f['party_probationary']} 人（无表决权）",
            f"  村党支部委员会 {f['branch_committee']} 人（书记 {name(offices['secretary'])}）；"
            f"村民委员会 {f['village_committee']} 人（主任 {name(offices['director'])}，兼支部副书记）；",
            f"  “两委”联席会议 {f['two_committees']} 人；村务监督委员会 {f['monitoring_committee']} 人"
            f"（主任 {name(offices['monitoring_chair'])}）",
            f"  村民代表会议 {f['assembly']} 人：村委会成员 {f['village_committee']} 人，"
            f"村民代表 {f['representatives']} 人（妇女代表 {f['women_representatives']} 人）",
            "  组成核对（规则中的组成要求，及村组法第二十九条）：",
        ]
    lines += ["    " + check.line("en" if en else "zh") for check in v.composition_checks(ruleset)]
    return lines


_KIND = {"resolution": ("决议公开", "resolution"), "result": ("实施结果公开", "result")}


def _files(result: DemoResult, en: bool) -> list[str]:
    directory = result.directory.as_posix().rstrip("/") + "/"
    names = (
        "、".join(e.name for e in result.evidence)
        if not en
        else ", ".join(e.name for e in result.evidence)
    )
    state = result.report.engine.state
    lines = [
        f"Written to {directory}:" if en else f"输出文件（{directory}）：",
        f"  {result.db.name} — the event log (SQLite, hash-chained), {result.verify.head.size} records"
        if en
        else f"  {result.db.name} — 事件日志（SQLite，哈希链），共 {result.verify.head.size} 条记录",
        f"  evidence/ — {len(result.evidence)} attachments, stored by SHA-256: {names}"
        if en
        else f"  evidence/ — 附件 {len(result.evidence)} 个，按 SHA-256 存放：{names}",
    ]
    for path, disclosure in zip(result.notices, result.story.disclosures, strict=True):
        kind = _KIND.get(state.disclosures[disclosure].kind, ("公示", "notice"))
        lines.append(f"  {path.name} — {kind[1] if en else kind[0]}")
    return lines


def _verified(result: DemoResult, en: bool) -> list[str]:
    report = result.verify
    head = report.head
    if en:
        verdict = "intact" if report.ok else f"{len(report.damage)} problem(s)"
        lines = [
            f"Verified (as `yishi verify` does): {verdict}; {head.size} records, "
            f"{report.evidence_files} attachments, {report.checkpoints} checkpoints.",
            f"  Head: {head.size}:{head.hash}",
        ]
    else:
        verdict = "完好，未发现改动" if report.ok else f"发现 {len(report.damage)} 处不符"
        lines = [
            f"核验（与 yishi verify 相同）：{verdict}。共 {head.size} 条记录，"
            f"附件 {report.evidence_files} 个，存证 {report.checkpoints} 处。",
            f"  链头：{head.size}:{head.hash}",
        ]
    lines += ["  " + d.message("en" if en else "zh") for d in report.damage[:5]]
    return lines


def _next(result: DemoResult, en: bool, default: bool) -> list[str]:
    db = "" if default else f" --db {result.db.as_posix()}"
    state = result.report.engine.state
    checkpoint = state.disclosures[result.story.disclosures[0]].checkpoint or {}
    point = f"{checkpoint.get('size', 0)}:{checkpoint.get('head', '')}"
    code = verification_code(result.story.disclosures[0], checkpoint) if checkpoint else ""
    first_notice = result.notices[0].as_posix()
    opened = _opened(result, en)
    if en:
        return [
            *opened,
            "Next, try:",
            f"  yishi verify{db}" + ("" if db else "    # checks ./yishi-demo/yishi.db by default"),
            f"  yishi verify{db} --code {code}",
            "      # the code printed on the resolution notice",
            f"  yishi verify{db} --checkpoint {point}",
            "      # check the printed resolution notice against the record",
            f"  cat {first_notice}",
            "  yishi run examples/01_land_lease_passes.toml    # enter a paper record as a scenario",
        ]
    return [
        *opened,
        "接下来可以试试：",
        f"  yishi verify{db}"
        + ("" if db else "    # 重新核验记录，默认读取 ./yishi-demo/yishi.db"),
        f"  yishi verify{db} --code {code}",
        "      # 输入决议公示上印的核验码",
        f"  yishi verify{db} --checkpoint {point}",
        "      # 用决议公示上印的存证核对纸质公示",
        f"  cat {first_notice}    # 看决议公示全文",
        "  yishi run examples/01_land_lease_passes.toml    # 用场景文件补录线下会议或试运行规则",
    ]


def _opened(result: DemoResult, en: bool) -> list[str]:
    """Where to open the board and the notices to print."""
    if result.board is None:
        return []
    lines = [
        "Open in a browser:" if en else "用浏览器打开：",
        f"  {'Board' if en else '公开栏'}: {result.board.resolve().as_uri()}"
        if en
        else f"  公开栏：{result.board.resolve().as_uri()}",
    ]
    for path in result.printed:
        lines.append(
            f"  Notice to print: {path.resolve().as_uri()}"
            if en
            else f"  张贴用公示：{path.resolve().as_uri()}"
        )
    if result.print_problem:
        lines.append("  " + result.print_problem)
    return [*lines, ""]
