"""Several councils in one community: hand-offs between procedures and routing."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "handoff_target_missing": (
        "本规则要把事项移交给另一议事程序（规则文件 {procedure}.toml），但本村（社区）未载入该规则；"
        "请在场景或村（社区）档案的 procedures.use 中列出它",
        "this rule hands the matter to another procedure (rule file {procedure}.toml), which this "
        "community has not loaded; list it in procedures.use of the scenario or community file",
    ),
    "handoff_stage_missing": (
        "移交的目标程序“{procedure}”中没有步骤“{stage}”",
        "the procedure '{procedure}' the matter is handed to has no stage '{stage}'",
    ),
}
