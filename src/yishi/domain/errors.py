"""Refusals: a command that may not be carried out, with the reason in words."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from yishi.i18n import message


class ReplayError(ValueError):
    """A stored event that cannot follow the ones before it, such as a second
    ballot for the same member (a table rebuilt without its UNIQUE constraints).
    The fold refuses it rather than let the later ballot silently replace the
    first; ``yishi verify`` reports where it is."""


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
            key: value.message(lang) if isinstance(value, Refusal) else value
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

    @property
    def retry_after(self) -> float | None:
        """Seconds to wait before sending the same command again, for a refusal
        that says "try again" (``busy``); None when retrying cannot help."""
        value = self.params.get("retry_after")
        return float(value) if isinstance(value, int | float) else None

    def as_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "code": self.code,
            "rule": self.rule,
            "message": {"zh": self.message("zh"), "en": self.message("en")},
        }
        if self.retry_after is not None:
            found["retry_after"] = self.retry_after
        return found
