"""`yishi check` for referral stages (转办答复, domain/referral.py): located problems."""

from __future__ import annotations

from yishi.domain.rules import StageSpec
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
