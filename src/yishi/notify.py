"""Telling plugins what was committed: after the commit, never before.

A plugin is told only once its events are durable; a plugin that fails is
recorded in the store (``hook_failures``) and can be called again later
(:meth:`Notifier.retry`); it never blocks or rolls back an append. Hooks get
read-only views (plugins/readonly.py), so a plugin cannot change the state the
next decision is made on, and a hook is not called, nor its arguments built
(a notice is not rendered for nobody), when no plugin implements it.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from yishi.domain import events as ev
from yishi.plugins.readonly import EngineView, readonly
from yishi.store.base import HookFailure, StoredEvent

if TYPE_CHECKING:
    from yishi.engine import Engine

# A plugin that failed this many times in a row is no longer called after each
# commit (a dead mail server must not slow every vote); its events are still
# recorded as failures, and ``retry`` delivers them once it works again.
QUARANTINE_AFTER = 5


class Notifier:
    """The after-commit calls of one engine, and its record of failing plugins."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.failing: dict[str, int] = {}  # plugin -> consecutive after-commit failures
        self.thread: int | None = None  # the thread telling plugins about an append

    def after_commit(self, stored: list[StoredEvent]) -> None:
        plugins = self.engine.plugins
        if plugins is None or not stored or not self.anyone_listening():
            return
        self.thread = threading.get_ident()
        try:
            self._notify(stored)
        finally:
            self.thread = None
        interrupted, plugins.interrupted = plugins.interrupted, None
        if interrupted is not None:  # every call not made is recorded: now stop
            raise interrupted

    def _notify(self, stored: list[StoredEvent]) -> None:
        plugins, store = self.engine.plugins, self.engine.store
        assert plugins is not None
        for hook, kwargs in self.calls(stored, listening=True):
            skip = {p for p, n in self.failing.items() if n >= QUARANTINE_AFTER}
            failures = plugins.after_commit(hook, skip=skip, **kwargs)
            failed = {f.plugin for f in failures}
            for impl in getattr(plugins.pm.hook, hook).get_hookimpls():
                name = impl.plugin_name
                self.failing[name] = self.failing.get(name, 0) + 1 if name in failed else 0
            for failure in failures:
                store.record_hook_failure(
                    failure.plugin,
                    hook,
                    stored[0].position,
                    stored[-1].position,
                    f"{failure.error_type}: {failure.message}",
                    stored[-1].event.at,
                )

    def anyone_listening(self) -> bool:
        """Whether any plugin implements an after-commit hook: asked per commit, so
        that a command nobody listens to costs no view and no notice."""
        return self.listens("yishi_events_appended") or self.listens("yishi_disclosure_published")

    def listens(self, hook: str) -> bool:
        plugins = self.engine.plugins
        return plugins is not None and bool(getattr(plugins.pm.hook, hook).get_hookimpls())

    def calls(
        self, stored: list[StoredEvent], listening: bool = False
    ) -> list[tuple[str, dict[str, Any]]]:
        """The after-commit calls for ``stored``; with ``listening``, only those
        some plugin implements."""
        engine = self.engine
        view = EngineView(engine)
        calls: list[tuple[str, dict[str, Any]]] = []
        if not listening or self.listens("yishi_events_appended"):
            calls.append(
                ("yishi_events_appended", {"engine": view, "events": [readonly(s) for s in stored]})
            )
        if listening and not self.listens("yishi_disclosure_published"):
            return calls
        from yishi.publish.notice import build_notice  # only when a notice is wanted

        state = engine.state
        for item in stored:
            if isinstance(item.event, ev.DisclosurePublished):
                disclosure = state.disclosures[item.event.disclosure]
                ruleset = engine.rulesets[
                    disclosure.procedure or state.matters[disclosure.matter].procedure
                ]
                notice = build_notice(disclosure, state, ruleset, item.position, engine.rulesets)
                calls.append(
                    ("yishi_disclosure_published", {"engine": view, "notice": readonly(notice)})
                )
        return calls

    def retry(self) -> list[HookFailure]:
        """Call each recorded failed hook again for its events; returns those still failing."""
        engine = self.engine
        plugins, store = engine.plugins, engine.store
        if plugins is None:
            return store.hook_failures()
        engine.catch_up()
        for failure in store.hook_failures():
            stored: list[StoredEvent] = []
            for item in store.read_all(failure.first - 1):
                if item.position > failure.last:
                    break
                stored.append(item)
            error = None
            for hook, kwargs in self.calls(stored):
                if hook != failure.hook:
                    continue
                try:
                    plugins.call_one(failure.plugin, hook, **kwargs)
                except (Exception, SystemExit) as exc:  # a plugin's failure is data here
                    error = f"{type(exc).__name__}: {exc}"
            store.hook_retried(failure, error)
            if error is None:
                self.failing[failure.plugin] = 0
        return store.hook_failures()
