"""Scenarios for the publishing tests: the shipped examples, and a hostile copy of one."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from tests.conftest import EXAMPLES
from yishi.scenario import load_scenario, run_scenario
from yishi.store.memory import MemoryStore

ID_NUMBER = "110101199003077571"  # a valid check digit
ID_LOWER_X = "11010519491231002x"  # a valid one ending in x, written in lower case
PHONE = "13812345678"
LANDLINE = "0371-65432109"
SCRIPT = "<script>alert('title')</script>"
IMG = "<img src=x onerror=alert(1)>"
NAME = "<b onmouseover=alert(2)>王</b>"


def run(example: str, plugins: Any = None) -> tuple[Any, list[Any]]:
    store = MemoryStore()
    report = run_scenario(load_scenario(EXAMPLES / example), store=store, plugins=plugins)
    return report.engine, list(store.read_all())


def hostile(tmp_path: Path, plugins: Any = None) -> tuple[Any, list[Any]]:
    """Example 04 (objections) with markup, ID numbers and phone numbers typed into
    the matter's title, its text and an objection; a recused person's name is markup."""
    source = (EXAMPLES / "04_objection_during_disclosure.toml").read_text(encoding="utf-8")
    for line, hostile_line in (
        (
            'title = "第三、四组村内道路硬化 1.2 公里，每户筹劳 2 个工日"',
            f'title = "村道硬化{SCRIPT}（联系人身份证 {ID_NUMBER}，电话 {PHONE}）"',
        ),
        (
            'text = "方案中 80 岁以上独居老人户也要筹劳，不合理。"',
            f'text = "{IMG}第 5 户户主 {ID_LOWER_X} 年过八十，请回电 {LANDLINE} 或 +86 138-1234-5678。"',
        ),
        (
            'text = "第三、四组村内道路硬化 1.2 公里，宽 3.5 米，每户筹劳 2 个工日，不能出工的每工日折资 100 元。"',
            f'text = "每户筹劳 2 个工日。经办人电话 {PHONE}。"',
        ),
    ):
        # the example changed if a line is gone: fail here, not in a test that then leaks nothing
        assert line in source, f"example 04 no longer has {line!r}"
        source = source.replace(line, hostile_line)
    (tmp_path / "s.toml").write_text(source, encoding="utf-8")
    shutil.copy(EXAMPLES / "guhuai_village.toml", tmp_path / "guhuai_village.toml")
    store = MemoryStore()
    report = run_scenario(load_scenario(tmp_path / "s.toml"), store=store, plugins=plugins)
    return report.engine, list(store.read_all())


SECRETS = (ID_NUMBER, ID_LOWER_X, ID_LOWER_X.upper(), PHONE, "65432109", "138-1234-5678")


def leaks(text: str) -> list[str]:
    """The raw personal numbers or live markup found in ``text``."""
    found = [s for s in SECRETS if s in text]
    found += [m for m in ("<script>alert", "<img src=x", "<b onmouseover") if m in text]
    return found
