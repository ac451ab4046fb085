"""Where a PostgreSQL log is: a libpq connection string and a community."""

from __future__ import annotations

import re

_COMMUNITY = re.compile(r"(^|[?&\s])community=([^&\s]*)")


def split_location(location: str) -> tuple[str, str]:
    """``(conninfo, community)`` from a location such as
    ``postgresql://localhost/city?community=gaojia`` or
    ``dbname=city community=gaojia``; the community defaults to ``default``."""
    found = _COMMUNITY.search(location)
    if found is None:
        return location, "default"
    rest = location[: found.start()] + found.group(1) + location[found.end() :]
    rest = re.sub(r"[?&]$", "", rest.replace("?&", "?").replace("&&", "&")).strip()
    return rest, found.group(2) or "default"
