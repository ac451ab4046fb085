"""The message tables, one module per area; ``yishi.i18n`` merges them.

A new area adds a module here and names it in ``AREAS``; a code defined in
two areas is an error at import, so one area cannot silently reword another's
message.
"""

from __future__ import annotations

from importlib import import_module

AREAS = (
    "refusals",
    "hardening",
    "verify",
    "periods",
    "stores",
    "web",
    "law_bodies",
    "counting",
    "stats",
    "councils",
    "referral",
    "yiyi",
    "speed",
    "accounts",
)


def merged() -> dict[str, tuple[str, str]]:
    table: dict[str, tuple[str, str]] = {}
    for area in AREAS:
        part: dict[str, tuple[str, str]] = import_module(f"{__name__}.{area}").MESSAGES
        clash = table.keys() & part.keys()
        if clash:
            raise RuntimeError(f"message codes defined twice (area {area}): {sorted(clash)}")
        table.update(part)
    return table
