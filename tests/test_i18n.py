"""Every user-facing message exists in Chinese and English with the same placeholders."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from yishi.i18n import MESSAGES
from yishi.rulesets.problems import PROBLEM_MESSAGES

SRC = Path(__file__).resolve().parents[1] / "src" / "yishi"


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_both_languages_take_the_same_placeholders(code):
    zh, en = MESSAGES[code]
    assert zh and en
    assert _fields(zh) == _fields(en)
    assert re.search(r"[\u4e00-\u9fff]", zh), "the Chinese text must be Chinese"


def test_every_refusal_code_in_the_source_has_a_message():
    used = set()
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r'Refusal\(\s*"([a-z_]+)"', text))
        used |= set(re.findall(r'code = "([a-z_]+)" if', text))
    missing = sorted(used - set(MESSAGES))
    assert missing == []


def test_problem_messages_have_both_languages():
    for zh, en in PROBLEM_MESSAGES.values():
        assert _fields(zh) == _fields(en)
