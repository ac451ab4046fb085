"""``yishi check`` of hand-offs: the procedure a rule hands a matter to.

A hand-off names another rule set by id. Where that rule set can be found
(beside the file being checked, or shipped with yishi) the check reads it and
makes sure the entry stage exists, the matter type is in its catalogue, and a
statutory procedure is entered at a point that skips none of its statutory
meetings: a consultation's record travels with the matter, but it never
stands in for the assembly the law requires (村组法 2025 第三十三条第三款).
A target that cannot be found is a warning: the community may load it later.
"""

from __future__ import annotations

from pathlib import Path

from yishi.domain.catalog import Catalog, StageKind
from yishi.domain.handoff import targets
from yishi.domain.rules import RuleSet
from yishi.rulesets.problems import Problem, RuleSetError


def check_handoffs(ruleset: RuleSet, file: str, catalog: Catalog | None) -> list[Problem]:
    out: list[Problem] = []
    for where, t in targets(ruleset):
        if t.procedure is None or t.stage is None or t.procedure == ruleset.id:
            continue  # reported by ref_checks.py
        target = find_target(t.procedure, file, catalog)
        if target is None:
            out.append(
                Problem(
                    "bad_ref",
                    f"{where}.procedure",
                    found=t.procedure,
                    severity="warning",
                    hint="找不到这份规则（本文件旁或 yishi 自带的规则中），未能核对移交的目标步骤；"
                    "使用前请确认本村（社区）载入了它",
                    hint_en="this rule set was found neither beside this file nor among those "
                    "shipped, so the hand-off could not be checked; make sure the community loads it",
                )
            )
            continue
        ids = [s.id for s in target.stages]
        if t.stage not in ids:
            out.append(Problem("bad_ref", f"{where}.stage", expected="、".join(ids), found=t.stage))
            continue
        if t.matter_type is not None and t.matter_type not in target.matter_types:
            out.append(
                Problem(
                    "bad_ref",
                    f"{where}.matter_type",
                    expected="、".join(target.matter_types) or "—",
                    found=t.matter_type,
                )
            )
        entry = target.stage(t.stage)
        if entry.kind is StageKind.INTAKE:
            out.append(
                Problem(
                    "inconsistent",
                    f"{where}.stage",
                    expected="移交后进入的步骤不能是建议征集（事项已经形成）",
                    expected_en="a matter handed on cannot enter an intake stage (it is formed already)",
                    found=entry.name,
                )
            )
        skipped = _statutory_skipped(target, t.stage)
        if skipped:
            out.append(
                Problem(
                    "below_floor",
                    f"{where}.stage",
                    expected=f"“{target.title}”是法定程序，移交后须从不跳过法定会议的步骤进入",
                    expected_en=f"'{target.title_en or target.title}' is statutory: a hand-off "
                    "must not enter past its statutory meetings",
                    found="跳过：" + "、".join(skipped),
                    hint="协商的记录随事项移交，但不能代替法律要求的会议（村组法第三十三条第三款："
                    "需要提交村民会议或者村民代表会议的，应当召集会议讨论决定）",
                    hint_en="the consultation's record goes with the matter, but it never stands "
                    "in for a meeting the law requires",
                )
            )
    return out


def _statutory_skipped(target: RuleSet, entry: str) -> list[str]:
    """The statutory meetings of ``target`` that come before ``entry`` in sequence."""
    if not target.statutory:
        return []
    skipped: list[str] = []
    for stage in target.stages:
        if stage.id == entry:
            return skipped
        if not stage.in_sequence or stage.kind not in (StageKind.MEETING, StageKind.ELECTION):
            continue
        if any(target.bodies[b].statutory_kind for b in stage.bodies if b in target.bodies):
            skipped.append(stage.name)
    return []  # an out-of-sequence entry: reached only by a rule of its own


def find_target(ref: str, file: str, catalog: Catalog | None) -> RuleSet | None:
    """The rule set ``ref`` a hand-off in ``file`` names: beside it, else shipped."""
    from yishi.rulesets.loader import load_unfollowed
    from yishi.rulesets.registry import shipped

    beside = Path(file).parent / f"{ref}.toml" if file else None
    path = beside if beside is not None and beside.is_file() else shipped().get(ref)
    if path is None:
        return None
    try:
        return load_unfollowed(path, catalog)
    except (RuleSetError, OSError):
        return None  # its own problems are reported when it is checked itself
