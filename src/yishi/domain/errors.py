"""Refusals: a command that may not be carried out, with the reason in words."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from yishi.i18n import message


class Text:
    """A name in both languages (a body's name and name_en): a refusal shows the
    one that matches the reader's language, never the rule set's identifier."""

    __slots__ = ("en", "zh")

    def __init__(self, zh: str, en: str) -> None:
        self.zh, self.en = zh, en

    def __str__(self) -> str:
        return self.zh

    def __repr__(self) -> str:
        return f"Text({self.zh!r}, {self.en!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Text):
            return (self.zh, self.en) == (other.zh, other.en)
        return self.zh == other

    def __hash__(self) -> int:
        return hash(self.zh)

    def __bool__(self) -> bool:
        return bool(self.zh)

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


def named(thing: object) -> Text:
    """A body's, stage's or matter type's name in both languages (English falls back to Chinese)."""
    zh = str(getattr(thing, "name", ""))
    return Text(zh, str(getattr(thing, "name_en", "") or zh))


class Refusal(Exception):
    """``decide`` refused a command. Nothing is written.

    ``code`` is stable (tests and portals match on it); ``params`` fill the
    message; ``rule`` names the rule-set key that forbids it, where one does.
    """

    def __init__(self, code: str, rule: str = "", **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.rule = rule
        self.params: Mapping[str, Any] = params

    def message(self, lang: str = "zh") -> str:
        # A refusal may carry another as its reason (a batch names the ballot
        # that failed and why): that one is worded in the same language.
        params = {
            key: value.message(lang)
            if isinstance(value, Refusal)
            else value.get(lang)
            if isinstance(value, Text)
            else value
            for key, value in self.params.items()
        }
        text = message(self.code, lang, **params)
        if self.rule:
            text += (
                (" (rule: " if lang == "en" else "（规则：")
                + self.rule
                + (")" if lang == "en" else "）")
            )
        return text

    def __str__(self) -> str:
        return self.message("zh")

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "rule": self.rule,
            "message": {"zh": self.message("zh"), "en": self.message("en")},
        }
