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
from yishi.domain import handoff
from yishi.domain.rules import RuleSet
from yishi.engine import RECENT, Engine
from yishi.rulesets.loader import load
from yishi.rulesets.problems import RuleSetError
from yishi.rulesets.registry import find
from yishi.store.sqlite import SQLiteStore

if TYPE_CHECKING:
    from yishi.plugins.host import PluginHost

DEFAULT_PROCEDURE = "siyi_liang_gongkai"


def procedures(store: SQLiteStore) -> list[str]:
    """The rule-set ids the log names: the community's procedures as last recorded
    (the default first), then those its matters and suggestions name, in order of
    first use.

    Only those records are read (SQLite finds them by their ``type`` column), so
    opening a log decodes it once, in the engine's catch-up, not twice."""
    return _read(store)[0]


def _read(store: SQLiteStore) -> tuple[list[str], dict[str, str]]:
    """The procedures the log names (see ``procedures``) and its routes as last recorded."""
    recorded: list[str] = []
    routes: dict[str, str] = {}
    found: dict[str, None] = {}
    # a hand-off names its target as "procedure" too
    types = (
        ev.ProceduresRecorded.__name__,
        ev.MatterProposed.__name__,
        ev.SuggestionSubmitted.__name__,
        ev.MatterHandedOff.__name__,
    )
    for payload in store.payloads_of(types):
        data = json.loads(payload)
        if data.get("type") == ev.ProceduresRecorded.__name__:
            recorded = [p for p in data.get("procedures", ()) if isinstance(p, str)]
            routes = {k: v for k, v in (data.get("routes") or {}).items() if isinstance(v, str)}
            continue
        procedure = data.get("procedure")
        if isinstance(procedure, str):
            found.setdefault(procedure)
    return list(dict.fromkeys([*recorded, *found])), routes


def open_engine(
    path: str | Path,
    *,
    plugins: PluginHost | None = None,
    clock: Clock | None = None,
    rules: Iterable[str | Path] = (),
    progress: Callable[[int, int], None] | None = None,
    recent: int | None = RECENT,
) -> Engine:
    """An engine over the log at ``path``. Each procedure the log names is taken
    from ``rules`` (local rule files), else ``<id>.toml`` beside the log, else the
    shipped rule set of that id. ``recent`` is the engine's (``Engine``)."""
    catalog = plugins.catalog if plugins is not None else None
    given = {r.id: r for r in (load(p, catalog=catalog) for p in rules)}
    store = SQLiteStore(path)
    try:
        rulesets: dict[str, RuleSet] = {}
        named, routes = _read(store)
        named = named or [DEFAULT_PROCEDURE]
        wanted = list(named)
        for ruleset_id in wanted:  # grows: the procedures their rules hand matters to
            beside = Path(path).parent / f"{ruleset_id}.toml"
            try:
                if ruleset_id in given:
                    rulesets[ruleset_id] = given[ruleset_id]
                elif beside.is_file():
                    rulesets[ruleset_id] = load(beside, catalog=catalog)
                else:
                    rulesets[ruleset_id] = find(ruleset_id, catalog=catalog)
            except RuleSetError:
                if ruleset_id in named:
                    raise
                continue  # a hand-off not yet taken: refused, with its reason, if it is
            for _, t in handoff.targets(rulesets[ruleset_id]):
                if t.procedure is not None and t.procedure not in wanted:
                    wanted.append(t.procedure)
    except BaseException:
        store.close()
        raise
    told = None
    if progress is not None:
        total = store.head().size

        def told(done: int) -> None:
            progress(done, total)

    try:
        # The routes the log records: a new matter goes where the community sends it.
        return Engine(
            store,
            rulesets,
            plugins=plugins,
            clock=clock or SystemClock(),
            progress=told,
            routes=routes,
            recent=recent,
        )
    except BaseException:
        store.close()
        raise


def known_rulesets(
    path: str | Path, rules: Iterable[str | Path] = (), plugins: PluginHost | None = None
) -> list[RuleSet]:
    """Every rule set a log's verdicts may have been decided under, for ``yishi verify``
    to recount them: the files given, the ``*.toml`` rule sets beside the log and the
    shipped ones. A file that is not a valid rule set is skipped (``verify`` lists the
    verdicts it could not recount)."""
    from yishi.rulesets.problems import RuleSetError
    from yishi.rulesets.registry import shipped

    catalog = plugins.catalog if plugins is not None else None
    found: list[RuleSet] = [load(p, catalog=catalog) for p in rules]
    beside = sorted(Path(path).parent.glob("*.toml")) if Path(path).parent.is_dir() else []
    for candidate in [*beside, *shipped().values()]:
        try:
            found.append(load(candidate, catalog=catalog))
        except RuleSetError:
            continue
    return found


def keep_ruleset(db: str | Path, ruleset: RuleSet) -> Path | None:
    """Keep a local rule set beside a new log, as ``<id>.toml``, where ``yishi verify``
    (which recounts every verdict under the recorded rule set) and ``yishi hooks
    --retry`` look for it. A shipped rule set, an existing file of that name, or a
    source that no longer matches the recorded digest is left alone; returns the copy."""
    import hashlib

    from yishi.publish.files import write_atomic
    from yishi.rulesets.registry import shipped

    if not ruleset.source or not ruleset.digest:
        return None
    source = Path(ruleset.source)
    known = shipped().get(ruleset.id)
    if known is not None and known.resolve() == source.resolve():
        return None
    target = Path(db).parent / f"{ruleset.id}.toml"
    if target.exists() or target.resolve() == source.resolve():
        return None
    try:
        data = source.read_bytes()
    except OSError:
        return None
    if hashlib.sha256(data).hexdigest() != ruleset.digest:
        return None
    write_atomic(target, data)
    return target
