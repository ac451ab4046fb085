"""User-facing messages: Chinese by default, English on request.

Each message has a stable code (tests, portals and plugins match on it) and a
template per language. Kept as a table in code rather than compiled gettext
catalogs so that a missing translation is a failing test, not a silent
fallback (tests/test_i18n.py checks every code has both languages and the
same placeholders). The tables live in ``yishi.messages``, one module per
area, so work on one area does not edit the others' lines.
"""

from __future__ import annotations

from typing import Any

from yishi.messages import merged

LANGS = ("zh", "en")

#: Every message code with its Chinese and English template (``yishi.messages``).
MESSAGES: dict[str, tuple[str, str]] = merged()


def message(code: str, lang: str = "zh", **params: Any) -> str:
    zh, en = MESSAGES.get(code, (code, code))
    template = en if lang == "en" else zh
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return f"{template} {params}"
