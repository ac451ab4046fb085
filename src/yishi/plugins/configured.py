"""Publishers named in the environment, for the command line.

``YISHI_PUBLISHERS`` lists ``name=location`` pairs separated by ``;`` or new
lines, each a registered publisher (``yishi plugins`` lists the plugins that
register them)::

    YISHI_PUBLISHERS="board=/srv/www/board;webhook=https://portal.example/hook"

Every command that writes to a log (``yishi run --db``) then publishes
through them, and ``yishi hooks --retry`` re-runs the ones that failed: a
publisher's plugin name (``publish-board``, ``publish-webhook``) is the same
in every process, so a recorded failure finds its publisher again.
"""

from __future__ import annotations

import os
from typing import Any

from yishi.plugins.host import LoadProblem


def parse(text: str) -> list[tuple[str, str]]:
    pairs = []
    for item in text.replace("\n", ";").split(";"):
        item = item.strip()
        if not item:
            continue
        name, sep, location = item.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"YISHI_PUBLISHERS: expected name=location, got {item!r}")
        pairs.append((name.strip(), location.strip()))
    return pairs


def add_configured(host: Any, environ: Any = os.environ) -> list[LoadProblem]:
    """Add the publishers ``YISHI_PUBLISHERS`` names to ``host``; returns the problems
    (also kept in ``host.problems``), each naming the publisher."""
    text = environ.get("YISHI_PUBLISHERS", "")
    problems: list[LoadProblem] = []
    try:
        pairs = parse(text)
    except ValueError as exc:
        problems.append(LoadProblem("YISHI_PUBLISHERS", "register", str(exc)))
        pairs = []
    for name, location in pairs:
        try:
            publisher = host.make_publisher(name, location)
        except Exception as exc:  # an unknown name, a bad URL, a missing secret
            problems.append(LoadProblem(f"publisher {name}", "register", str(exc)))
            continue
        problems += host.add(publisher)
    host.problems.extend(p for p in problems if p not in host.problems)
    return problems
