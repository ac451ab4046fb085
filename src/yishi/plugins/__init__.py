"""Plugins: the host that loads them, the types they register, the built-ins.

Write a plugin with ``from yishi import hookimpl`` and the hooks in
:mod:`yishi.hookspecs`; see docs/plugins.md.
"""

from yishi.plugins.builtin import BUILTIN_PLUGINS
from yishi.plugins.host import HookFailure, LoadProblem, PluginHost, PluginInfo
from yishi.plugins.registry import (
    DuplicateName,
    PublisherSpec,
    Registry,
    StageKindSpec,
    StoreBackend,
    VoteMethodSpec,
)

__all__ = [
    "BUILTIN_PLUGINS",
    "DuplicateName",
    "HookFailure",
    "LoadProblem",
    "PluginHost",
    "PluginInfo",
    "PublisherSpec",
    "Registry",
    "StageKindSpec",
    "StoreBackend",
    "VoteMethodSpec",
]
