"""The plugin host: one fresh pluggy manager, the registries, and safe hook calls.

``PluginHost.load()`` builds a new :class:`pluggy.PluginManager` every time
(no global state), registers the built-in plugins in order, then the plugins
found through the entry-point group ``yishi``, then those given in code, and
checks that every hook implementation matches a hook. A plugin that fails at
import, at registration or while registering things is skipped and listed in
``host.problems`` with its name; the others load normally.

After-commit hooks are called one implementation at a time
(:meth:`PluginHost.after_commit`), so a plugin that raises never stops
another: each failure comes back as a :class:`HookFailure` naming the plugin,
for the engine to record and retry (:meth:`PluginHost.call_one`).
"""

from __future__ import annotations

import importlib
import importlib.metadata
import traceback
from collections.abc import Collection, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs
import pluggy

from yishi import hookspecs
from yishi.domain.catalog import Catalog
from yishi.plugins.budget import DEFAULT_BUDGET, call_with_budget
from yishi.plugins.builtin import BUILTIN_PLUGINS
from yishi.plugins.registry import (
    PublisherSpec,
    Registry,
    StageKindSpec,
    StoreBackend,
    VoteMethodSpec,
)

if TYPE_CHECKING:
    import click

BUILTIN = "builtin"  # the version shown for built-in plugins
# What a plugin may raise while it is imported, registered or called: its own
# failure, never a reason to stop yishi (a plugin calling sys.exit() included).
# KeyboardInterrupt is the person at the keyboard, and still stops the process.
_PLUGIN_ERRORS = (Exception, SystemExit, GeneratorExit)
QUARANTINED = "not called: quarantined after repeated failures; retry with `yishi hooks --retry`"
INTERRUPTED = "interrupted (KeyboardInterrupt) before it finished; retry with `yishi hooks --retry`"


@attrs.frozen
class LoadProblem:
    """A plugin that was skipped, and why. ``step``: import, hooks, register or commands."""

    plugin: str
    step: str
    message: str

    def render(self, lang: str = "zh") -> str:
        if lang == "en":
            return f"plugin {self.plugin!r} skipped ({self.step}): {self.message}"
        steps = {"import": "导入失败", "hooks": "钩子不符", "register": "注册出错"}
        step = steps.get(self.step, "命令未加入")
        return f"插件“{self.plugin}”已跳过（{step}）：{self.message}"


@attrs.frozen
class HookFailure:
    """An after-commit hook implementation that raised; the append it was told about stands."""

    plugin: str
    hook: str
    error_type: str
    message: str
    traceback: str = attrs.field(default="", repr=False, eq=False)


@attrs.frozen
class PluginInfo:
    """One loaded plugin, for ``yishi plugins``."""

    name: str
    version: str  # the distribution's version, "builtin", or "" for a plugin given in code
    hooks: tuple[str, ...]
    distribution: str = ""  # the distribution that declared the entry point


class PluginHost:
    """Loaded plugins and what they registered. Build one with :meth:`load`."""

    def __init__(self, pm: pluggy.PluginManager) -> None:
        self.pm = pm
        # Seconds each after-commit hook call may take (plugins/budget.py); None: no limit.
        self.hook_budget: float | None = DEFAULT_BUDGET
        self._hung: set[str] = set()  # plugins whose abandoned call still runs
        # A KeyboardInterrupt arrived inside a hook: the engine records what was
        # not delivered, then raises it again.
        self.interrupted: KeyboardInterrupt | None = None
        self.problems: list[LoadProblem] = []
        self.vote_methods: Registry[VoteMethodSpec] = Registry("vote method", VoteMethodSpec)
        self.stage_kinds: Registry[StageKindSpec] = Registry("stage kind", StageKindSpec)
        self.store_backends: Registry[StoreBackend] = Registry("store backend", StoreBackend)
        self.publishers: Registry[PublisherSpec] = Registry("publisher", PublisherSpec)
        self._versions: dict[str, tuple[str, str]] = {}  # plugin -> (version, distribution)
        self._catalog: Catalog | None = None

    # -- loading -------------------------------------------------------------

    @classmethod
    def load(cls, extra: Iterable[object] = (), entry_points: bool = True) -> PluginHost:
        """A host with a fresh plugin manager: built-ins, entry points, then ``extra``.

        ``extra`` holds plugin objects (modules, classes or instances with
        ``@hookimpl`` functions), registered under their ``__name__`` (an
        instance: its class name). ``entry_points=False`` leaves out the
        plugins installed as distributions (tests, a safe mode).
        """
        pm = pluggy.PluginManager(hookspecs.PROJECT)
        pm.add_hookspecs(hookspecs)
        host = cls(pm)
        for path in BUILTIN_PLUGINS:
            try:
                module = importlib.import_module(path)
            except _PLUGIN_ERRORS as exc:
                host._problem(path, "import", exc)
                continue
            host._add(module, path, (BUILTIN, ""))
        if entry_points:
            host._load_entry_points()
        for plugin in extra:
            host._add(plugin, _name_of(plugin), ("", ""))
        host._check_pending()
        host._run_registrations(host.pm.list_name_plugin())
        return host

    def add(self, plugin: object, name: str | None = None) -> list[LoadProblem]:
        """Add one plugin object to a loaded host (a publisher made by a factory, say).

        The same checks and registration hooks as at load; returns the problems
        (also kept in ``problems``): empty if the plugin was added.
        """
        before = len(self.problems)
        name = name or _name_of(plugin)
        if self._add(plugin, name, ("", "")):
            self._check_pending()
            if self.pm.get_plugin(name) is plugin:
                self._run_registrations([(name, plugin)])
        return self.problems[before:]

    def _load_entry_points(self) -> None:
        # pluggy's load_setuptools_entrypoints stops at the first plugin that
        # fails to import; this loop does the same work and skips that plugin.
        for dist in list(importlib.metadata.distributions()):
            try:
                entry_points = [ep for ep in dist.entry_points if ep.group == hookspecs.PROJECT]
            except Exception:  # a broken dist-info of some unrelated package
                continue
            for ep in entry_points:
                if self.pm.has_plugin(ep.name) or self.pm.is_blocked(ep.name):
                    continue  # the same distribution seen twice on sys.path
                project = dist.metadata["Name"] or ""
                try:
                    plugin = ep.load()
                except _PLUGIN_ERRORS as exc:
                    self._problem(ep.name, "import", exc, f"{ep.value} ({project})")
                    continue
                self._add(plugin, ep.name, (dist.version or "", project))

    def _add(self, plugin: object, name: str, version: tuple[str, str]) -> bool:
        """Register one plugin, or record why not and leave the manager untouched."""
        try:
            registered = self.pm.register(plugin, name=name)
        except pluggy.PluginValidationError as exc:
            self._drop(exc.plugin)  # pluggy < 1.6 may have added some of its hooks
            self._problem(name, "hooks", exc)
            return False
        except _PLUGIN_ERRORS as exc:  # the name or the object is registered already, or worse
            self._problem(name, "register", exc)
            return False
        if registered is None:
            return False  # blocked
        impls = self._impls(plugin)
        wrappers = [hook for hook, i in impls if i.wrapper or i.hookwrapper]
        unknown = [hook for hook, i in impls if hook not in _HOOK_NAMES and not i.optionalhook]
        if wrappers or unknown:
            self._drop(plugin)
            if wrappers:
                message = "hook wrappers are not supported on yishi hooks: " + ", ".join(wrappers)
            else:
                message = "unknown hook(s): " + ", ".join(unknown)
                message += "; yishi hooks are: " + ", ".join(_HOOK_NAMES)
            self._problem(name, "hooks", message)
            return False
        self._versions[name] = version
        return True

    def _check_pending(self) -> None:
        """pluggy's own check, after ours: anything it still finds is reported and dropped."""
        while True:
            try:
                self.pm.check_pending()
                return
            except pluggy.PluginValidationError as exc:
                name = self.pm.get_name(exc.plugin)
                self._problem(name or repr(exc.plugin), "hooks", exc)
                if name is None:
                    return  # nothing left to unregister; stop rather than loop
                self._drop(exc.plugin)

    def _run_registrations(self, plugins: Iterable[tuple[str, object]]) -> None:
        """Each plugin's registration hooks, in load order; all or nothing per plugin."""
        hooks: tuple[tuple[str, Registry[Any]], ...] = (
            ("yishi_register_vote_methods", self.vote_methods),
            ("yishi_register_stage_kinds", self.stage_kinds),
            ("yishi_register_store_backends", self.store_backends),
            ("yishi_register_publishers", self.publishers),
        )
        for name, plugin in list(plugins):
            if plugin is None:
                continue
            staged: list[tuple[Registry[Any], Any]] = []
            try:
                for hook_name, registry in hooks:
                    pending = {v.name: name for r, v in staged if r is registry}
                    for _, impl in self._impls(plugin, hook_name):
                        given: list[object] = []
                        impl.function(**_arguments(impl, {"register": given.append}))
                        for value in given:
                            checked = registry.check(name, value, pending)
                            pending[checked.name] = name
                            staged.append((registry, checked))
            except _PLUGIN_ERRORS as exc:
                self._drop(plugin)
                self._problem(name, "register", exc)
                continue
            for registry, value in staged:
                registry.add(name, value)
        self._catalog = None

    def register_commands(self, cli: click.Group) -> list[LoadProblem]:
        """Let each plugin add commands to ``cli``; returns (and keeps) the problems."""
        found: list[LoadProblem] = []
        for name, plugin in list(self.pm.list_name_plugin()):
            for _, impl in self._impls(plugin, "yishi_register_commands"):
                before = dict(cli.commands)
                problem: str | BaseException | None = None
                try:
                    impl.function(**_arguments(impl, {"cli": cli}))
                except _PLUGIN_ERRORS as exc:
                    problem = exc
                replaced = sorted(k for k, v in before.items() if cli.commands.get(k) is not v)
                if problem is None and replaced:
                    problem = "would replace existing command(s): " + ", ".join(replaced)
                if problem is not None:
                    cli.commands.clear()
                    cli.commands.update(before)
                    found.append(self._problem(name, "commands", problem))
        return found

    # -- calling ---------------------------------------------------------------

    def after_commit(
        self, hook_name: str, *, skip: Collection[str] = (), **kwargs: Any
    ) -> list[HookFailure]:
        """Call every implementation of an after-commit hook, each on its own.

        Implementations run in pluggy's order (last registered first, honouring
        ``tryfirst``/``trylast``). Whatever one raises (an ``Exception``) is
        caught and returned as a :class:`HookFailure`; the others still run.
        List arguments are copied for each plugin, so one cannot change what
        the next one sees.
        """
        if hook_name not in hookspecs.AFTER_COMMIT_HOOKS:
            raise ValueError(f"{hook_name!r} is not an after-commit hook")
        failures = []
        for impl in reversed(getattr(self.pm.hook, hook_name).get_hookimpls()):
            arguments = _arguments(impl, kwargs)  # a missing argument is the caller's mistake
            if impl.plugin_name in skip:
                failures.append(
                    HookFailure(impl.plugin_name, hook_name, "Quarantined", QUARANTINED)
                )
                continue
            if self.interrupted is not None:
                # Ctrl-C: stop calling, but leave a record of every call not made,
                # so that `yishi hooks --retry` delivers it later.
                failures.append(
                    HookFailure(impl.plugin_name, hook_name, "Interrupted", INTERRUPTED)
                )
                continue
            try:
                call_with_budget(
                    impl.function, arguments, self.hook_budget, self._hung, impl.plugin_name
                )
            except KeyboardInterrupt as exc:
                self.interrupted = exc
                failures.append(
                    HookFailure(impl.plugin_name, hook_name, "Interrupted", INTERRUPTED)
                )
            except BaseException as exc:
                # SystemExit, GeneratorExit and the like from a plugin are its
                # failure, not a reason to stop the process or skip the others.
                failures.append(
                    HookFailure(
                        plugin=impl.plugin_name,
                        hook=hook_name,
                        error_type=type(exc).__name__,
                        message=str(exc),
                        traceback=traceback.format_exc(),
                    )
                )
        return failures

    def call_one(self, plugin_name: str, hook_name: str, **kwargs: Any) -> None:
        """Call one plugin's implementation of a hook again (a retry); its exception propagates.

        Raises LookupError if that plugin is not loaded or does not implement the hook.
        """
        if hook_name not in hookspecs.AFTER_COMMIT_HOOKS:
            raise ValueError(f"{hook_name!r} is not an after-commit hook")
        impls = [
            i
            for i in getattr(self.pm.hook, hook_name).get_hookimpls()
            if i.plugin_name == plugin_name
        ]
        if not impls:
            raise LookupError(
                f"plugin {plugin_name!r} is not loaded or does not implement {hook_name}"
            )
        for impl in impls:
            call_with_budget(
                impl.function, _arguments(impl, kwargs), self.hook_budget, self._hung, plugin_name
            )

    # -- what was loaded -------------------------------------------------------

    @property
    def catalog(self) -> Catalog:
        """The registered vote methods and stage kinds, for ``rulesets.load(..., catalog=)``."""
        if self._catalog is None:
            self._catalog = Catalog(dict(self.vote_methods), dict(self.stage_kinds))
        return self._catalog

    def plugins(self) -> list[PluginInfo]:
        """The loaded plugins in load order, with versions and the hooks each implements."""
        found = []
        for name, plugin in self.pm.list_name_plugin():
            if plugin is None:
                continue
            version, distribution = self._versions.get(name, ("", ""))
            hooks = tuple(sorted({hook for hook, _ in self._impls(plugin)}))
            found.append(PluginInfo(name, version, hooks, distribution))
        return found

    def open_store(self, backend: str, location: str = "") -> Any:
        """A store from a registered backend, e.g. ``open_store("sqlite", "village.db")``."""
        if backend not in self.store_backends:
            known = ", ".join(self.store_backends) or "none"
            raise LookupError(f"no store backend {backend!r} (registered: {known})")
        return self.store_backends[backend].factory(location)

    def make_publisher(self, publisher: str, location: str = "") -> Any:
        """A publisher from a registered factory, e.g. ``make_publisher("files", "notices/")``."""
        if publisher not in self.publishers:
            known = ", ".join(self.publishers) or "none"
            raise LookupError(f"no publisher {publisher!r} (registered: {known})")
        return self.publishers[publisher].factory(location)

    # -- helpers ---------------------------------------------------------------

    def _impls(
        self, plugin: object, hook_name: str | None = None
    ) -> list[tuple[str, pluggy.HookImpl]]:
        """(hook name, implementation) for each hook ``plugin`` implements."""
        callers = self.pm.get_hookcallers(plugin) or []
        return [
            (caller.name, impl)
            for caller in callers
            if hook_name is None or caller.name == hook_name
            for impl in caller.get_hookimpls()
            if impl.plugin is plugin
        ]

    def _drop(self, plugin: object) -> None:
        """Unregister a plugin and all of its hooks, however far its registration got."""
        name = self.pm.get_name(plugin)
        if name is not None:
            self.pm.unregister(plugin)
            self._versions.pop(name, None)

    def _problem(
        self, plugin: str, step: str, error: str | BaseException, where: str = ""
    ) -> LoadProblem:
        message = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
        problem = LoadProblem(plugin, step, f"{message} [{where}]" if where else message)
        self.problems.append(problem)
        return problem


_HOOK_NAMES = tuple(
    name
    for name in dir(hookspecs)
    if name.startswith("yishi_") and callable(getattr(hookspecs, name))
)


def _name_of(plugin: object) -> str:
    """A module's or class's ``__name__``; for an instance, its class's."""
    return str(getattr(plugin, "__name__", None) or type(plugin).__name__)


def _arguments(impl: pluggy.HookImpl, given: Mapping[str, Any]) -> dict[str, Any]:
    """The arguments an implementation asks for (a subset of the hook's), lists copied."""
    return {name: _copy(given[name]) for name in impl.argnames}


def _copy(value: Any) -> Any:
    return list(value) if isinstance(value, list) else value
