"""Amounts of money in a scenario: checked when the file is loaded, with their line.

A scenario writes 元 as text (``amount = "12000.50"``) or a whole number
(``amount = 12000``). A TOML float (``12000.5``) is refused by the field's type,
since a binary fraction is not an exact sum; what is left to check here is the
text: at most two decimals, more than zero, within the limit.
"""

from __future__ import annotations

from typing import Any

from yishi.domain.accounts import MAX_FEN, AmountError, to_fen, yuan
from yishi.rulesets.fields import Field, i, s
from yishi.rulesets.locate import PathKey, dotted
from yishi.rulesets.problems import Problem

MONEY = Field(
    "string",
    '金额（元），写成文本如 "12000.50" 或整数 12000；不用小数形式的数字',
    required=True,
    one_of=(
        s('金额（元）文本，至多两位小数，如 "12000.50"'),
        i("金额（元），整数", minimum=1, maximum=MAX_FEN // 100),
    ),
)


def check_amounts(raw: dict[str, Any], index: int, out: list[Problem]) -> None:
    """A located problem for each amount of one action that is not a sum in 元."""
    if isinstance(raw.get("amount"), str):
        _check(raw["amount"], ("actions", index, "amount"), out)
    lines = raw.get("lines")
    if isinstance(lines, list):
        for n, line in enumerate(lines):
            if isinstance(line, dict) and isinstance(line.get("amount"), str):
                _check(line["amount"], ("actions", index, "lines", n, "amount"), out)


def _check(text: str, path: PathKey, out: list[Problem]) -> None:
    try:
        to_fen(text)
    except AmountError:
        out.append(
            Problem(
                "bad_value",
                dotted(path),
                expected=f'以元为单位的金额，至多两位小数，大于 0、不超过 {yuan(MAX_FEN)}，如 "12000.50"',
                expected_en=f'yuan with at most two decimals, above 0 and at most {yuan(MAX_FEN)}, e.g. "12000.50"',
                found=f"{text!r}",
            )
        )
