"""Naming a log on the command line: a SQLite file, or any registered backend.

- ``postgresql://host/db?community=ID`` (or ``postgres://…``): the ``postgres``
  backend, which the yishi-postgres plugin registers;
- ``BACKEND:LOCATION`` for any registered backend (``sqlite:village.db``,
  ``postgres:dbname=city community=ID``);
- anything else: a SQLite file path.
"""

from __future__ import annotations

from typing import Any

from yishi.plugins.host import PluginHost

URL_SCHEMES = {"postgresql": "postgres", "postgres": "postgres"}


def backend_of(text: str, host: PluginHost | None) -> tuple[str, str]:
    """``(backend, location)`` for a location as typed."""
    scheme, sep, rest = text.partition(":")
    if sep and rest.startswith("//") and scheme in URL_SCHEMES:
        return URL_SCHEMES[scheme], text
    names = set(host.store_backends) if host is not None else {"sqlite", "memory"}
    if sep and len(scheme) > 1 and scheme in names:
        return scheme, rest
    return "sqlite", text


def open_location(text: str, host: PluginHost | None) -> Any:
    """The store at ``text``; LookupError names a backend no plugin registers."""
    backend, location = backend_of(text, host)
    if backend == "sqlite":
        from yishi.store.sqlite import SQLiteStore

        return SQLiteStore(location)
    if host is None or backend not in host.store_backends:
        raise LookupError(backend)
    return host.open_store(backend, location)
