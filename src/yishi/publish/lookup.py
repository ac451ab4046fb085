"""Finding the disclosure a typed verification code belongs to, in a log."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from yishi.domain import events as ev
from yishi.publish.code import verification_code


@attrs.frozen
class CodeMatch:
    code: str
    disclosure: str
    title: str
    posted_on: str
    position: int
    size: int
    head: str


def find_code(records: Iterable[Any], code: str) -> list[CodeMatch]:
    """Every published disclosure in ``records`` (stored records) whose code is ``code``."""
    found = []
    for stored in records:
        event = stored.event
        if not isinstance(event, ev.DisclosurePublished) or not event.checkpoint:
            continue
        if verification_code(event.disclosure, event.checkpoint) == code:
            found.append(
                CodeMatch(
                    code=code,
                    disclosure=event.disclosure,
                    title=event.title,
                    posted_on=event.posted_on.isoformat(),
                    position=stored.position,
                    size=int(event.checkpoint["size"]),
                    head=str(event.checkpoint["head"]),
                )
            )
    return found
