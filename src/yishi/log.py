"""Opening an existing log with the rule sets its matters were decided under.

A log names each matter's procedure by rule-set id; the shell finds those rule
sets (shipped, or next to the log) and builds an engine over the file.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from yishi.clock import Clock, SystemClock
from yishi.domain import events as ev
from yishi.domain.rules import RuleSet
from yishi.engine import Engine
from yishi.rulesets.loader import load
from yishi.rulesets.registry import find
from yishi.store.sqlite import SQLiteStore

if TYPE_CHECKING:
    from yishi.plugins.host import PluginHost

DEFAULT_PROCEDURE = "siyi_liang_gongkai"


def procedures(store: SQLiteStore) -> list[str]:
    """The rule-set ids the log's matters and suggestions name, in order of first use.

    Only those records are read (SQLite finds them by their ``type`` column), so
    opening a log decodes it once, in the engine's catch-up, not twice."""
    found: dict[str, None] = {}
    types = (ev.MatterProposed.__name__, ev.SuggestionSubmitted.__name__)
    for payload in store.payloads_of(types):
        procedure = json.loads(payload).get("procedure")
        if isinstance(procedure, str):
            found.setdefault(procedure)
    return list(found)


def open_engine(
    path: str | Path,
    *,
    plugins: PluginHost | None = None,
    clock: Clock | None = None,
    rules: Iterable[str | Path] = (),
    progress: Callable[[int, int], None] | None = None,
) -> Engine:
    """An engine over the log at ``path``. Each procedure the log names is taken
    from ``rules`` (local rule files), else ``<id>.toml`` beside the log, else the
    shipped rule set of that id."""
    catalog = plugins.catalog if plugins is not None else None
    given = {r.id: r for r in (load(p, catalog=catalog) for p in rules)}
    store = SQLiteStore(path)
    try:
        rulesets: dict[str, RuleSet] = {}
        for ruleset_id in procedures(store) or [DEFAULT_PROCEDURE]:
            beside = Path(path).parent / f"{ruleset_id}.toml"
            if ruleset_id in given:
                rulesets[ruleset_id] = given[ruleset_id]
            elif beside.is_file():
                rulesets[ruleset_id] = load(beside, catalog=catalog)
            else:
                rulesets[ruleset_id] = find(ruleset_id, catalog=catalog)
    except BaseException:
        store.close()
        raise
    told = None
    if progress is not None:
        total = store.head().size

        def told(done: int) -> None:
            progress(done, total)

    try:
        return Engine(store, rulesets, plugins=plugins, clock=clock or SystemClock(), progress=told)
    except BaseException:
        store.close()
        raise
