"""`yishi check` for referral stages (转办答复, domain/referral.py): located problems."""

from __future__ import annotations

from yishi.domain.rules import StageKind, StageSpec
from yishi.rulesets.problems import Problem


def check_referral(where: str, stage: StageSpec) -> list[Problem]:
    out: list[Problem] = []
    if stage.answer_days < 1:
        out.append(
            Problem(
                "missing",
                f"{where}.answer_days",
                expected="对方答复期限（至少 1 天）",
                expected_en="the days the body has to answer (at least 1)",
            )
        )
    if not stage.actors:
        out.append(
            Problem(
                "missing",
                f"{where}.actors",
                expected="谁送交并录入答复",
                expected_en="who sends the matter and enters the answer",
            )
        )
    names = [r.name for r in stage.recipients]
    for index, recipient in enumerate(names):
        if recipient in names[:index]:
            out.append(
                Problem(
                    "bad_value",
                    f"{where}.recipients[{index}].name",
                    expected="每个机构只列一次",
                    expected_en="each body listed once",
                    found=recipient,
                )
            )
    return out


def check_answer_override(where: str, stage: StageSpec) -> list[Problem]:
    """A matter type's ``answer_days`` only means something on a referral stage."""
    if stage.kind is StageKind.REFERRAL:
        return []
    return [
        Problem(
            "inconsistent",
            f"{where}.answer_days",
            expected=f"只能用于转办（referral）步骤；“{stage.name}”是{stage.kind_spec.label_zh}",
            expected_en=f"only for a referral stage; '{stage.name_en or stage.name}' is a {stage.kind_spec.label_en}",
            found=str(stage.kind_spec.name),
        )
    ]
