"""Several councils in one community: hand-offs between procedures and routing."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "handoff_target_missing": (
        "本规则要把事项移交给另一议事程序（规则文件 {procedure}.toml），但本村（社区）未载入该规则；"
        "请在场景或村（社区）档案的 procedures.use 中列出它",
        "this rule hands the matter to another procedure (rule file {procedure}.toml), which this "
        "community has not loaded; list it in procedures.use of the scenario or community file",
    ),
    "meeting_of_earlier_procedure": (
        "{meeting}属于事项{title}此前所在的议事程序；事项已移交，此会不能再进行",
        "{meeting} belongs to the procedure {title} was in before it was handed on; "
        "it can no longer be held",
    ),
    "handoff_stage_missing": (
        "移交的目标程序“{procedure}”中没有步骤“{stage}”",
        "the procedure '{procedure}' the matter is handed to has no stage '{stage}'",
    ),
}
