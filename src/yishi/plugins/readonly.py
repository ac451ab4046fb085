"""Read-only views for plugins: what an after-commit hook sees of the engine.

A hook used to receive the engine itself, so a plugin could rewrite ballots in
the folded state and make the next decision differ from what the log says.
Hooks now get :class:`EngineView`: attribute reads pass through a proxy that
wraps every mutable value it hands out (dicts, lists, sets, objects) and
refuses every assignment, deletion and mutating call with
:class:`ReadOnlyError`.

Why a proxy, not a copy: a deep copy of the state costs time proportional to
the whole community on every append (bench/bench_readonly.py measures it); the
proxy costs only what the plugin actually reads. ``isinstance`` still works on
wrapped values (the proxy reports the wrapped class), so a plugin written
against the engine keeps working as long as it only reads.
"""

from __future__ import annotations

import datetime as dt
import enum
import fractions
import functools
from collections.abc import Callable, Iterator, Mapping, Sequence, Set
from pathlib import PurePath
from typing import Any

_IMMUTABLE = (
    str,
    bytes,
    int,
    float,
    complex,
    bool,
    type(None),
    dt.date,
    dt.time,
    dt.timedelta,
    fractions.Fraction,
    enum.Enum,
    PurePath,
    range,
    frozenset,
)


class ReadOnlyError(AttributeError):
    """A hook tried to change what it may only read."""

    def __init__(self, what: str = "") -> None:
        super().__init__(
            "after-commit hooks get a read-only view of the engine"
            + (f": cannot {what}" if what else "")
        )


def readonly(value: Any) -> Any:
    """``value`` if it cannot be changed, else a read-only view of it."""
    kind = type(value)
    wrap = _WRAPPERS.get(kind)
    if wrap is None:
        wrap = _WRAPPERS[kind] = _wrapper_for(kind)
    return wrap(value)


def _same(value: Any) -> Any:
    return value


def _tuple(value: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(map(readonly, value)) if value else value


def _wrapper_for(kind: type) -> Callable[[Any], Any]:
    """How values of one type are handed out; worked out once per type (the ABC
    checks below are slow, and a hook may read thousands of values)."""
    if issubclass(kind, _IMMUTABLE) or issubclass(kind, (_View, StoreView, EngineView, type)):
        return _same
    if issubclass(kind, tuple):
        return _tuple
    if issubclass(kind, Mapping):
        return _Mapping
    if issubclass(kind, Sequence):
        return _Sequence
    if issubclass(kind, Set):
        return _Set
    if kind.__module__ == "builtins" and callable(kind):  # functions, methods, iterators
        return _same
    return _Object


_WRAPPERS: dict[type, Callable[[Any], Any]] = {}


class _View:
    __slots__ = ("_target",)

    def __init__(self, target: Any) -> None:
        object.__setattr__(self, "_target", target)

    @property  # type: ignore[misc]  # isinstance() falls back on __class__: the view passes for its target
    def __class__(self) -> type:
        return type(object.__getattribute__(self, "_target"))

    def __setattr__(self, name: str, value: Any) -> None:
        raise ReadOnlyError(f"set {name}")

    def __delattr__(self, name: str) -> None:
        raise ReadOnlyError(f"delete {name}")

    def __repr__(self) -> str:
        return repr(object.__getattribute__(self, "_target"))

    def __eq__(self, other: object) -> bool:
        return bool(object.__getattribute__(self, "_target") == _unwrap(other))

    def __hash__(self) -> int:
        return hash(object.__getattribute__(self, "_target"))


def _unwrap(value: Any) -> Any:
    return object.__getattribute__(value, "_target") if isinstance(value, _View) else value


class _Object(_View):
    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        target = object.__getattribute__(self, "_target")
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        found = getattr(type(target), name, None)
        if callable(found) and not isinstance(found, (property, staticmethod, classmethod, type)):
            if _frozen(type(target)):
                # A frozen value (an event, a notice) cannot be changed through its
                # own methods, which may rely on type(self): call them on it.
                return functools.partial(_call_frozen, target, getattr(target, name))
            # A method runs with the view as ``self``: whatever it reads is
            # wrapped, and an assignment it makes fails here, not in the state.
            return functools.partial(found, self)
        return readonly(getattr(target, name))


def _call_frozen(target: Any, method: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """A frozen value's method: what it builds afresh (``to_dict()``) is the caller's;
    what it hands out of the value itself (a mapping field) stays read-only."""
    result = method(*args, **kwargs)
    own = getattr(target, "__attrs_attrs__", ())
    if any(result is getattr(target, field.name, None) for field in own):
        return readonly(result)
    return result


def _frozen(kind: type) -> bool:
    """Whether ``kind`` is a frozen attrs class (its instances refuse assignment)."""
    return getattr(getattr(kind, "__setattr__", None), "__name__", "") == "_frozen_setattrs"


class _Mapping(_View, Mapping[Any, Any]):
    __slots__ = ()

    def __getitem__(self, key: Any) -> Any:
        return readonly(object.__getattribute__(self, "_target")[key])

    def __iter__(self) -> Iterator[Any]:
        return iter(object.__getattribute__(self, "_target"))

    def __len__(self) -> int:
        return len(object.__getattribute__(self, "_target"))

    def __contains__(self, key: object) -> bool:
        return key in object.__getattribute__(self, "_target")

    def __getattr__(self, name: str) -> Any:
        raise ReadOnlyError(f"call {name}") if name in _MUTATORS else AttributeError(name)


class _Sequence(_View, Sequence[Any]):
    __slots__ = ()

    def __getitem__(self, index: Any) -> Any:
        found = object.__getattribute__(self, "_target")[index]
        return tuple(map(readonly, found)) if isinstance(index, slice) else readonly(found)

    def __len__(self) -> int:
        return len(object.__getattribute__(self, "_target"))

    def __iter__(self) -> Iterator[Any]:
        return map(readonly, object.__getattribute__(self, "_target"))

    def __contains__(self, item: object) -> bool:
        return item in object.__getattribute__(self, "_target")

    def __getattr__(self, name: str) -> Any:
        raise ReadOnlyError(f"call {name}") if name in _MUTATORS else AttributeError(name)


class _Set(_View, Set[Any]):
    __slots__ = ()

    def __contains__(self, item: object) -> bool:
        return item in object.__getattribute__(self, "_target")

    def __iter__(self) -> Iterator[Any]:
        return map(readonly, object.__getattribute__(self, "_target"))

    def __len__(self) -> int:
        return len(object.__getattribute__(self, "_target"))

    def __getattr__(self, name: str) -> Any:
        raise ReadOnlyError(f"call {name}") if name in _MUTATORS else AttributeError(name)


_MUTATORS = frozenset(
    {
        "append",
        "extend",
        "insert",
        "pop",
        "remove",
        "clear",
        "sort",
        "reverse",
        "update",
        "setdefault",
        "popitem",
        "add",
        "discard",
        "difference_update",
        "intersection_update",
        "symmetric_difference_update",
        "__setitem__",
        "__delitem__",
        "__iadd__",
        "__ior__",
    }
)


class StoreView:
    """The reading half of a store: ``head``, ``read_all``, ``read_stream``,
    ``stream_version``, ``hook_failures``, the evidence files, and which log it
    is (``path`` of a file, ``community`` of a shared database; ``None`` if not)."""

    __slots__ = ("_store",)

    def __init__(self, store: Any) -> None:
        object.__setattr__(self, "_store", store)

    def __setattr__(self, name: str, value: Any) -> None:
        raise ReadOnlyError(f"set {name}")

    def head(self) -> Any:
        return self._store.head()

    def stream_version(self, stream: str) -> int:
        return int(self._store.stream_version(stream))

    def read_all(self, after: int = 0) -> Iterator[Any]:
        return map(readonly, self._store.read_all(after))

    def read_stream(self, stream: str) -> Iterator[Any]:
        return map(readonly, self._store.read_stream(stream))

    def hook_failures(self) -> Any:
        return readonly(self._store.hook_failures())

    @property
    def evidence(self) -> Any:
        return readonly(self._store.evidence)

    # Which log this is, so a plugin configured per community finds its own
    # settings: a SQLite file's path, a PostgreSQL store's community id.
    @property
    def path(self) -> Any:
        return getattr(self._store, "path", None)

    @property
    def community(self) -> Any:
        return getattr(self._store, "community", None)

    def __len__(self) -> int:
        return len(self._store)

    def __getattr__(self, name: str) -> Any:
        raise ReadOnlyError(f"use store.{name} from a hook")


class EngineView:
    """What an after-commit hook receives as ``engine``: the folded ``state``,
    the ``rulesets``, the log's position and head, and a reading ``store`` —
    all read-only. ``execute`` and ``tick`` raise: a hook does not write."""

    __slots__ = ("_engine",)

    def __init__(self, engine: Any) -> None:
        object.__setattr__(self, "_engine", engine)

    def __setattr__(self, name: str, value: Any) -> None:
        raise ReadOnlyError(f"set engine.{name}")

    @property
    def state(self) -> Any:
        return readonly(self._engine.state)

    @property
    def rulesets(self) -> Any:
        return readonly(self._engine.rulesets)

    @property
    def default(self) -> str:
        return str(self._engine.default)

    @property
    def position(self) -> int:
        return int(self._engine.position)

    @property
    def head_hash(self) -> str:
        return str(self._engine.head_hash)

    @property
    def store(self) -> StoreView:
        return StoreView(self._engine.store)

    @property
    def catalog(self) -> Any:
        """The vote methods and stage kinds in use (built-in and from plugins),
        for a hook that names them in words; ``None`` without a plugin host."""
        host = self._engine.plugins
        return readonly(host.catalog) if host is not None else None

    def ruleset_for(self, command: Any) -> Any:
        return readonly(self._engine.ruleset_for(command))

    def execute(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("an after-commit hook may not write to the log")

    tick = execute

    def __getattr__(self, name: str) -> Any:
        raise ReadOnlyError(f"use engine.{name} from a hook")
