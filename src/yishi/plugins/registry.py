"""The typed values plugins register, and the registries that hold them by name.

``VoteMethodSpec`` and ``StageKindSpec`` are defined with the rule-set model
(:mod:`yishi.domain.catalog`), because the domain decides from them; they are
re-exported here so a plugin author finds every registrable type in one place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, Generic, TypeVar

import attrs

from yishi.domain.catalog import StageKindSpec, VoteMethodSpec


def _text(_instance: Any, attribute: attrs.Attribute[str], value: Any) -> None:
    if not isinstance(value, str) or not value:
        raise ValueError(f"{attribute.name} must be a non-empty string, got {value!r}")


def _callable(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not callable(value):
        raise ValueError(f"{attribute.name} must be callable, got {value!r}")


@attrs.frozen
class StoreBackend:
    """An event-store backend: ``factory(location)`` opens a store (a path, a DSN)."""

    name: str = attrs.field(validator=_text)
    factory: Callable[[str], Any] = attrs.field(validator=_callable)
    doc: str = ""


@attrs.frozen
class PublisherSpec:
    """A publisher of disclosure notices: ``factory(location)`` makes one."""

    name: str = attrs.field(validator=_text)
    factory: Callable[[str], Any] = attrs.field(validator=_callable)
    doc: str = ""


T = TypeVar("T", VoteMethodSpec, StageKindSpec, StoreBackend, PublisherSpec)


class DuplicateName(ValueError):
    """A name registered by two plugins; the message names both."""


class Registry(Generic[T], Mapping[str, T]):
    """Things of one type by name, each remembering the plugin that registered it."""

    def __init__(self, kind: str, value_type: type[T]) -> None:
        self.kind = kind  # "vote method", for messages
        self.value_type: type[T] = value_type
        self._items: dict[str, T] = {}
        self._owners: dict[str, str] = {}

    def check(self, plugin: str, value: object, pending: Mapping[str, str] | None = None) -> T:
        """``value`` if it may be added for ``plugin``; raises TypeError or DuplicateName.

        ``pending`` maps names the same plugin is registering in this batch to
        the plugin, so a duplicate within one plugin is caught too.
        """
        if not isinstance(value, self.value_type):
            raise TypeError(
                f"plugin {plugin!r} registered {value!r} as a {self.kind}; "
                f"expected a {self.value_type.__name__}"
            )
        owner = self._owners.get(value.name) or (pending or {}).get(value.name)
        if owner is not None:
            raise DuplicateName(
                f"{self.kind} {value.name!r} is registered by plugin {owner!r} "
                f"and again by plugin {plugin!r}"
            )
        return value

    def add(self, plugin: str, value: T) -> None:
        self.check(plugin, value)
        self._items[value.name] = value
        self._owners[value.name] = plugin

    def owner(self, name: str) -> str:
        return self._owners[name]

    def __getitem__(self, name: str) -> T:
        return self._items[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"Registry({self.kind!r}, {list(self._items)!r})"


__all__ = [
    "DuplicateName",
    "PublisherSpec",
    "Registry",
    "StageKindSpec",
    "StoreBackend",
    "VoteMethodSpec",
]
